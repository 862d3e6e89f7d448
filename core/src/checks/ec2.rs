//! Evaluators of the `ec2.*` checks (VPC flow logs, admin ports, default security group,
//! VPC endpoint state) on observations made by [`crate::observe::ec2`].

use serde_json::Value as Json;

use super::support::{property, string};
use super::{Outcome, Params};
use crate::observe::Observation;

/// Evaluate an `ec2` check; `None` when `id` is not one of them or does not apply to the
/// observed resource type.
pub fn evaluate(id: &str, obs: &Observation, params: &Params) -> Option<Outcome> {
    let ty = obs.resource_type.as_str();
    match (id, ty) {
        ("ec2.vpc_flow_logs", "AWS::EC2::VPC") => Some(vpc_flow_logs(obs, params)),
        ("ec2.default_sg_closed", "AWS::EC2::VPC") => Some(default_sg_closed(obs)),
        ("ec2.sg_no_admin_ingress", "AWS::EC2::SecurityGroup") => {
            Some(sg_no_admin_ingress(obs, params))
        }
        ("ec2.vpc_endpoints_available", "AWS::EC2::VPCEndpoint") => {
            Some(vpc_endpoint_available(obs))
        }
        _ => None,
    }
}

/// A string field of a JSON object, or `""`.
fn field<'a>(v: &'a Json, key: &str) -> &'a str {
    v.get(key).and_then(Json::as_str).unwrap_or("")
}

fn vpc_flow_logs(obs: &Observation, params: &Params) -> Outcome {
    let wanted = params.choice("traffic_type").unwrap_or("ALL");
    let expected = format!("an ACTIVE flow log capturing {wanted} traffic");
    let logs = match property(obs, "FlowLogs", &expected) {
        Err(e) => return e,
        Ok(None) => return Outcome::verdict(false, expected, "no flow log"),
        Ok(Some(v)) => v.as_array().cloned().unwrap_or_default(),
    };
    let describe = |fl: &Json| {
        let dest = match (field(fl, "LogDestination"), field(fl, "LogGroupName")) {
            ("", "") => String::new(),
            ("", group) => format!(" to log group {group}"),
            (dest, _) => format!(" to {dest}"),
        };
        let delivery = match field(fl, "DeliverLogsStatus") {
            "" => String::new(),
            s => format!(", delivery {s}"),
        };
        format!(
            "{} {} {}{dest}{delivery}",
            field(fl, "FlowLogId"),
            field(fl, "FlowLogStatus"),
            field(fl, "TrafficType"),
        )
    };
    let good = logs.iter().find(|fl| {
        let traffic = field(fl, "TrafficType");
        let delivery = field(fl, "DeliverLogsStatus");
        field(fl, "FlowLogStatus").eq_ignore_ascii_case("ACTIVE")
            && (delivery.is_empty() || delivery.eq_ignore_ascii_case("SUCCESS"))
            && (traffic.eq_ignore_ascii_case("ALL") || traffic.eq_ignore_ascii_case(wanted))
    });
    match good {
        Some(fl) => Outcome::verdict(true, expected, describe(fl)),
        None if logs.is_empty() => Outcome::verdict(false, expected, "no flow log"),
        None => {
            let all: Vec<String> = logs.iter().map(describe).collect();
            Outcome::verdict(false, expected, all.join("; "))
        }
    }
}

/// Whether a CloudFormation-shaped ingress rule opens one of `ports` to the internet.
fn opens_admin_port(rule: &Json, ports: &[(i64, i64)]) -> bool {
    let internet = field(rule, "CidrIp") == "0.0.0.0/0" || field(rule, "CidrIpv6") == "::/0";
    if !internet {
        return false;
    }
    let proto = rule
        .get("IpProtocol")
        .map(|p| match p {
            Json::String(s) => s.to_ascii_lowercase(),
            other => other.to_string(),
        })
        .unwrap_or_else(|| "-1".into());
    let port = |k: &str| rule.get(k).and_then(Json::as_i64);
    match proto.as_str() {
        "-1" | "all" => true,
        "tcp" | "udp" | "6" | "17" => {
            let (from, to) = match (port("FromPort"), port("ToPort")) {
                (Some(f), Some(t)) if f >= 0 && t >= 0 => (f, t),
                // No or -1 ports on tcp/udp: every port.
                _ => (0, 65535),
            };
            ports.iter().any(|&(lo, hi)| from <= hi && lo <= to)
        }
        _ => false,
    }
}

/// A rule for the actual column: `tcp 22-22 from 0.0.0.0/0`.
fn show_rule(rule: &Json) -> String {
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

fn sg_no_admin_ingress(obs: &Observation, params: &Params) -> Outcome {
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
    let expected = format!(
        "no ingress from 0.0.0.0/0 or ::/0 to ports {}",
        shown.join(",")
    );
    let rules = match property(obs, "SecurityGroupIngress", &expected) {
        Err(e) => return e,
        Ok(None) => return Outcome::verdict(true, expected, "no ingress rules"),
        Ok(Some(v)) => v.as_array().cloned().unwrap_or_default(),
    };
    let open: Vec<String> = rules
        .iter()
        .filter(|r| opens_admin_port(r, &ports))
        .map(show_rule)
        .collect();
    if open.is_empty() {
        Outcome::verdict(
            true,
            expected,
            format!(
                "no internet ingress to admin ports ({} ingress rules)",
                rules.len()
            ),
        )
    } else {
        Outcome::verdict(false, expected, format!("open: {}", open.join("; ")))
    }
}

fn default_sg_closed(obs: &Observation) -> Outcome {
    let expected = "default security group with no ingress and no egress rules";
    let sg = match property(obs, "DefaultSecurityGroup", expected) {
        Err(e) => return e,
        Ok(None) => return Outcome::verdict(false, expected, "default security group not found"),
        Ok(Some(v)) => v,
    };
    let count = |k: &str| sg.get(k).and_then(Json::as_u64);
    let (Some(ingress), Some(egress)) = (count("IngressRules"), count("EgressRules")) else {
        return Outcome::error(
            expected,
            "rule counts of the default security group not recorded",
        );
    };
    let mut actual = format!(
        "{}: {ingress} ingress, {egress} egress rules",
        field(sg, "GroupId")
    );
    let listed = |k: &str| -> Vec<String> {
        sg.get(k)
            .and_then(Json::as_array)
            .map(|rules| rules.iter().map(show_rule).collect())
            .unwrap_or_default()
    };
    let (ins, outs) = (listed("IpPermissions"), listed("IpPermissionsEgress"));
    if !ins.is_empty() {
        actual.push_str(&format!("; ingress: {}", ins.join(", ")));
    }
    if !outs.is_empty() {
        actual.push_str(&format!("; egress: {}", outs.join(", ")));
    }
    Outcome::verdict(ingress == 0 && egress == 0, expected, actual)
}

fn vpc_endpoint_available(obs: &Observation) -> Outcome {
    let expected = "available";
    match string(obs, "State", expected) {
        Err(e) => e,
        Ok(None) => Outcome::verdict(false, expected, "state not reported"),
        Ok(Some(state)) => {
            Outcome::verdict(state.eq_ignore_ascii_case("available"), expected, state)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::{evaluate_id, Status};
    use crate::observe::{Existence, Target, TargetOrigin};
    use serde_json::json;
    use std::collections::BTreeMap;

    fn obs(ty: &str, props: Json) -> Observation {
        let t = Target {
            key: "k".into(),
            resource_type: ty.into(),
            identifier: "id".into(),
            origin: TargetOrigin::Spec,
            checks: vec![],
            params: BTreeMap::new(),
            expected_properties: None,
            requirements: vec![],
        };
        let mut o = Observation::exists(&t);
        if let Json::Object(m) = props {
            o.properties = m;
        }
        o
    }

    fn run(id: &str, o: &Observation) -> crate::checks::Outcome {
        evaluate_id(id, o, &BTreeMap::new())
    }

    fn run_with(id: &str, o: &Observation, param: &str, value: &str) -> crate::checks::Outcome {
        let mut p = BTreeMap::new();
        p.insert(format!("{id}.{param}"), value.to_string());
        evaluate_id(id, o, &p)
    }

    fn vpc_with_logs(logs: Json) -> Observation {
        obs("AWS::EC2::VPC", json!({ "FlowLogs": logs }))
    }

    fn flow(status: &str, traffic: &str) -> Json {
        json!({"FlowLogId": "fl-1", "FlowLogStatus": status, "TrafficType": traffic,
               "LogDestinationType": "cloud-watch-logs", "LogGroupName": "fl", "DeliverLogsStatus": "SUCCESS"})
    }

    #[test]
    fn flow_logs_pass_when_active_all() {
        let o = run(
            "ec2.vpc_flow_logs",
            &vpc_with_logs(json!([flow("ACTIVE", "ALL")])),
        );
        assert_eq!(o.status, Status::Passed, "{o:?}");
        assert!(
            o.actual.contains("fl-1 ACTIVE ALL to log group fl"),
            "{}",
            o.actual
        );
        // ALL satisfies a REJECT requirement; REJECT does not satisfy ALL.
        let o = run_with(
            "ec2.vpc_flow_logs",
            &vpc_with_logs(json!([flow("ACTIVE", "ALL")])),
            "traffic_type",
            "reject",
        );
        assert_eq!(o.status, Status::Passed);
        let o = run_with(
            "ec2.vpc_flow_logs",
            &vpc_with_logs(json!([flow("ACTIVE", "REJECT")])),
            "traffic_type",
            "REJECT",
        );
        assert_eq!(o.status, Status::Passed);
    }

    #[test]
    fn flow_logs_fail_on_wrong_traffic_inactive_or_failed_delivery() {
        let o = run(
            "ec2.vpc_flow_logs",
            &vpc_with_logs(json!([flow("ACTIVE", "REJECT")])),
        );
        assert_eq!(o.status, Status::Failed);
        assert!(o.actual.contains("REJECT"), "{}", o.actual);
        let o = run(
            "ec2.vpc_flow_logs",
            &vpc_with_logs(json!([flow("INACTIVE", "ALL")])),
        );
        assert_eq!(o.status, Status::Failed);
        let mut failed = flow("ACTIVE", "ALL");
        failed["DeliverLogsStatus"] = json!("FAILED");
        let o = run("ec2.vpc_flow_logs", &vpc_with_logs(json!([failed])));
        assert_eq!(o.status, Status::Failed);
        assert!(o.actual.contains("delivery FAILED"), "{}", o.actual);
        // One good flow log among bad ones passes.
        let o = run(
            "ec2.vpc_flow_logs",
            &vpc_with_logs(json!([flow("INACTIVE", "ALL"), flow("ACTIVE", "ALL")])),
        );
        assert_eq!(o.status, Status::Passed);
    }

    #[test]
    fn flow_logs_not_configured_fails() {
        let o = run("ec2.vpc_flow_logs", &obs("AWS::EC2::VPC", json!({})));
        assert_eq!(
            (o.status, o.actual.as_str()),
            (Status::Failed, "no flow log")
        );
    }

    #[test]
    fn flow_logs_read_error_and_bad_param_are_errors() {
        let mut o = obs("AWS::EC2::VPC", json!({}));
        o.error("FlowLogs", "DescribeFlowLogs: AccessDenied");
        let out = run("ec2.vpc_flow_logs", &o);
        assert_eq!(out.status, Status::Error);
        assert!(out.detail.unwrap().contains("AccessDenied"));
        let out = run_with(
            "ec2.vpc_flow_logs",
            &vpc_with_logs(json!([flow("ACTIVE", "ALL")])),
            "traffic_type",
            "SOME",
        );
        assert_eq!(out.status, Status::Error);
    }

    fn sg(rules: Json) -> Observation {
        obs(
            "AWS::EC2::SecurityGroup",
            json!({ "GroupName": "web", "SecurityGroupIngress": rules }),
        )
    }

    #[test]
    fn admin_ingress_passes_for_private_https() {
        let o = run(
            "ec2.sg_no_admin_ingress",
            &sg(json!([
                {"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "CidrIp": "10.0.0.0/8"},
                {"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "CidrIp": "10.0.0.0/8"},
                {"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "CidrIp": "0.0.0.0/0"},
                {"IpProtocol": "icmp", "FromPort": -1, "ToPort": -1, "CidrIp": "0.0.0.0/0"},
                {"IpProtocol": "-1", "SourceSecurityGroupId": "sg-1"}
            ])),
        );
        assert_eq!(o.status, Status::Passed, "{o:?}");
        assert!(o.actual.contains("5 ingress rules"), "{}", o.actual);
    }

    #[test]
    fn admin_ingress_fails_for_ssh_ipv4_ipv6_ranges_and_all_traffic() {
        for rule in [
            json!({"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "CidrIp": "0.0.0.0/0"}),
            json!({"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "CidrIpv6": "::/0"}),
            json!({"IpProtocol": "tcp", "FromPort": 0, "ToPort": 65535, "CidrIp": "0.0.0.0/0"}),
            json!({"IpProtocol": "udp", "FromPort": 3000, "ToPort": 4000, "CidrIpv6": "::/0"}),
            json!({"IpProtocol": "-1", "CidrIp": "0.0.0.0/0"}),
            json!({"IpProtocol": "6", "FromPort": 3389, "ToPort": 3389, "CidrIp": "0.0.0.0/0"}),
        ] {
            let o = run("ec2.sg_no_admin_ingress", &sg(json!([rule.clone()])));
            assert_eq!(o.status, Status::Failed, "{rule}");
            assert!(o.actual.starts_with("open: "), "{}", o.actual);
        }
        let o = run(
            "ec2.sg_no_admin_ingress",
            &sg(json!([{"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "CidrIpv6": "::/0"}])),
        );
        assert_eq!(o.actual, "open: tcp 22-22 ::/0");
    }

    #[test]
    fn admin_ports_parameter_is_honoured() {
        let rules = sg(
            json!([{"IpProtocol": "tcp", "FromPort": 5432, "ToPort": 5432, "CidrIp": "0.0.0.0/0"}]),
        );
        assert_eq!(
            run("ec2.sg_no_admin_ingress", &rules).status,
            Status::Passed
        );
        let o = run_with(
            "ec2.sg_no_admin_ingress",
            &rules,
            "admin_ports",
            "22, 5000-6000",
        );
        assert_eq!(o.status, Status::Failed);
        let o = run_with("ec2.sg_no_admin_ingress", &rules, "admin_ports", "ssh");
        assert_eq!(o.status, Status::Error);
        let o = run_with("ec2.sg_no_admin_ingress", &rules, "admin_ports", "");
        assert_eq!(o.status, Status::Error);
    }

    #[test]
    fn admin_ingress_without_rules_passes_and_read_error_is_error() {
        let o = run(
            "ec2.sg_no_admin_ingress",
            &obs("AWS::EC2::SecurityGroup", json!({"GroupName": "x"})),
        );
        assert_eq!(
            (o.status, o.actual.as_str()),
            (Status::Passed, "no ingress rules")
        );
        let mut e = obs("AWS::EC2::SecurityGroup", json!({}));
        e.error("SecurityGroupIngress", "throttled");
        assert_eq!(run("ec2.sg_no_admin_ingress", &e).status, Status::Error);
    }

    fn default_sg(ingress: Json, egress: Json) -> Observation {
        let n = |v: &Json| v.as_array().map(Vec::len).unwrap_or(0);
        obs(
            "AWS::EC2::VPC",
            json!({"DefaultSecurityGroup": {"GroupId": "sg-d", "IngressRules": n(&ingress),
                   "EgressRules": n(&egress), "IpPermissions": ingress, "IpPermissionsEgress": egress}}),
        )
    }

    #[test]
    fn default_sg_closed_pass_and_fail() {
        let o = run("ec2.default_sg_closed", &default_sg(json!([]), json!([])));
        assert_eq!(o.status, Status::Passed);
        assert_eq!(o.actual, "sg-d: 0 ingress, 0 egress rules");
        let o = run(
            "ec2.default_sg_closed",
            &default_sg(
                json!([]),
                json!([{"IpProtocol": "-1", "CidrIp": "0.0.0.0/0"}]),
            ),
        );
        assert_eq!(o.status, Status::Failed);
        assert_eq!(
            o.actual,
            "sg-d: 0 ingress, 1 egress rules; egress: all traffic 0.0.0.0/0"
        );
        let o = run(
            "ec2.default_sg_closed",
            &default_sg(
                json!([{"IpProtocol": "-1", "SourceSecurityGroupId": "sg-d"}]),
                json!([]),
            ),
        );
        assert_eq!(o.status, Status::Failed);
    }

    #[test]
    fn default_sg_not_found_fails_and_read_error_is_error() {
        let o = run("ec2.default_sg_closed", &obs("AWS::EC2::VPC", json!({})));
        assert_eq!(
            (o.status, o.actual.as_str()),
            (Status::Failed, "default security group not found")
        );
        let mut e = obs("AWS::EC2::VPC", json!({}));
        e.error("DefaultSecurityGroup", "AccessDenied");
        assert_eq!(run("ec2.default_sg_closed", &e).status, Status::Error);
        let garbled = obs(
            "AWS::EC2::VPC",
            json!({"DefaultSecurityGroup": {"GroupId": "sg"}}),
        );
        assert_eq!(run("ec2.default_sg_closed", &garbled).status, Status::Error);
    }

    #[test]
    fn endpoint_state() {
        let ep = |s: &str| obs("AWS::EC2::VPCEndpoint", json!({"State": s}));
        assert_eq!(
            run("ec2.vpc_endpoints_available", &ep("available")).status,
            Status::Passed
        );
        assert_eq!(
            run("ec2.vpc_endpoints_available", &ep("Available")).status,
            Status::Passed
        );
        let o = run("ec2.vpc_endpoints_available", &ep("pendingAcceptance"));
        assert_eq!(
            (o.status, o.actual.as_str()),
            (Status::Failed, "pendingAcceptance")
        );
        assert_eq!(
            run("ec2.vpc_endpoints_available", &ep("deleted")).status,
            Status::Failed
        );
        let none = obs("AWS::EC2::VPCEndpoint", json!({}));
        assert_eq!(
            run("ec2.vpc_endpoints_available", &none).status,
            Status::Failed
        );
        let mut e = obs("AWS::EC2::VPCEndpoint", json!({}));
        e.error("State", "timeout");
        assert_eq!(run("ec2.vpc_endpoints_available", &e).status, Status::Error);
    }

    #[test]
    fn missing_unknown_and_wrong_type() {
        let mut m = obs("AWS::EC2::VPC", json!({}));
        m.existence = Existence::Missing;
        assert_eq!(run("ec2.vpc_flow_logs", &m).status, Status::Failed);
        m.existence = Existence::Unknown("UnauthorizedOperation".into());
        assert_eq!(run("ec2.default_sg_closed", &m).status, Status::Error);
        // A check on a type it does not apply to is an error, never a vacuous pass.
        let vpc = obs("AWS::EC2::VPC", json!({}));
        assert_eq!(run("ec2.sg_no_admin_ingress", &vpc).status, Status::Error);
        assert!(evaluate("ec2.nope", &vpc, &Params::default()).is_none());
    }
}
