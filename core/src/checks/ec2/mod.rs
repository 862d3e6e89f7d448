//! The `ec2.*` checks (VPC flow logs, admin ports, default security group, VPC endpoint state)
//! on observations made by [`crate::observe::ec2`]: one file per check (definition, evaluator,
//! unit tests), each registered by one line in [`crate::checks::registry`]. This module holds
//! what they share.

pub mod default_sg_closed;
pub mod ebs_default_encryption;
pub mod sg_no_admin_ingress;
pub mod vpc_endpoints_available;
pub mod vpc_flow_logs;

use serde_json::Value as Json;

/// The resource types of the VPC checks.
pub(super) const VPC: &[&str] = &["AWS::EC2::VPC"];

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
