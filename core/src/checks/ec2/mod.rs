//! The `ec2.*` checks (VPC flow logs, admin ports, default security group, VPC endpoint state)
//! on observations made by [`crate::observe::ec2`]: one file per check (definition, evaluator,
//! unit tests), each registered by one line in [`crate::checks::registry`]. This module holds
//! what they share.

pub mod default_sg_closed;
pub mod ebs_default_encryption;
pub mod ebs_snapshot_not_public;
pub mod ebs_volume_encrypted;
pub mod instance_imdsv2;
pub mod instance_no_public_ip;
pub mod instance_profile_attached;
pub mod nacl_no_admin_ingress;
pub mod no_unrestricted_route_to_igw;
pub mod sg_no_admin_ingress;
pub mod subnet_no_auto_public_ip;
pub mod vpc_endpoints_available;
pub mod vpc_flow_logs;

use serde_json::Value as Json;

use super::Params;

/// The resource types of the VPC checks.
pub(super) const VPC: &[&str] = &["AWS::EC2::VPC"];

/// The resource types of the instance checks.
pub(super) const INSTANCE: &[&str] = &["AWS::EC2::Instance"];

/// The `admin_ports` parameter (default 22 and 3389) as inclusive ranges, and as shown in
/// the expected column (`22,3389`).
pub(super) fn admin_ports(params: &Params) -> (Vec<(i64, i64)>, String) {
    let ports: Vec<(i64, i64)> = params
        .ports("admin_ports")
        .unwrap_or(&[(22, 22), (3389, 3389)])
        .iter()
        .map(|&(lo, hi)| (i64::from(lo), i64::from(hi)))
        .collect();
    let shown: Vec<String> = ports
        .iter()
        .map(|&(lo, hi)| {
            if lo == hi {
                lo.to_string()
            } else {
                format!("{lo}-{hi}")
            }
        })
        .collect();
    (ports, shown.join(","))
}

/// A string field of a JSON object, or `""`.
pub(super) fn field<'a>(v: &'a Json, key: &str) -> &'a str {
    v.get(key).and_then(Json::as_str).unwrap_or("")
}

/// A rule for the actual column: `tcp 22-22 from 0.0.0.0/0`.
pub(super) fn show_rule(rule: &Json) -> String {
    let proto = match rule.get("IpProtocol") {
        Some(Json::String(s)) if s == "-1" => "all traffic".to_string(),
        Some(Json::String(s)) => s.clone(),
        Some(other) => other.to_string(),
        None => "all traffic".to_string(),
    };
    let ports = match (rule.get("FromPort"), rule.get("ToPort")) {
        (Some(f), Some(t)) => format!(" {f}-{t}"),
        _ => String::new(),
    };
    let peer = [
        "CidrIp",
        "CidrIpv6",
        "SourceSecurityGroupId",
        "SourcePrefixListId",
        "DestinationSecurityGroupId",
        "DestinationPrefixListId",
    ]
    .into_iter()
    .map(|k| field(rule, k))
    .find(|v| !v.is_empty())
    .unwrap_or("?");
    format!("{proto}{ports} {peer}")
}

/// Observations and runs shared by the EC2 checks' unit tests.
#[cfg(test)]
pub(super) mod fixtures {
    use crate::checks::{evaluate_id, testing, Outcome};
    use crate::observe::Observation;
    use serde_json::Value as Json;
    use std::collections::BTreeMap;

    pub fn obs(ty: &str, props: Json) -> Observation {
        testing::observation(ty, "id", props)
    }

    pub fn run(id: &str, o: &Observation) -> Outcome {
        evaluate_id(id, o, &BTreeMap::new())
    }

    pub fn run_with(id: &str, o: &Observation, param: &str, value: &str) -> Outcome {
        let mut p = BTreeMap::new();
        p.insert(format!("{id}.{param}"), value.to_string());
        evaluate_id(id, o, &p)
    }
}
