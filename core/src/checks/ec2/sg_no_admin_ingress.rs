//! `ec2.sg_no_admin_ingress`: Security group allows no admin ports from the internet. Definition, evaluator and unit tests.

use serde_json::Value as Json;

use super::{field, show_rule};
use crate::catalog::{CheckDef, CheckParam, ParamKind, Related, Remediation, SeverityClass, Stage};
use crate::checks::support::property;
use crate::checks::{Check, Outcome, Params};
use crate::observe::Observation;

/// The `ec2.sg_no_admin_ingress` check.
pub static CHECK: Check = Check {
    def: CheckDef {
        id: "ec2.sg_no_admin_ingress",
        title: "Security group allows no admin ports from the internet",
        description: "OQ. Calls EC2 DescribeSecurityGroups (GroupIds = the group). Fails when any IpPermissions \
            entry with an IpRanges CidrIp of 0.0.0.0/0 or an Ipv6Ranges CidrIpv6 of ::/0 covers an admin port: \
            IpProtocol -1 (all traffic), or tcp/udp with FromPort <= port <= ToPort for a port in admin_ports. \
            Passes otherwise.",
        stage: Stage::Oq,
        service: "ec2",
        resource_types: &["AWS::EC2::SecurityGroup"],
        severity: SeverityClass::Security,
        iam_actions: &["ec2:DescribeSecurityGroups"],
        controls: &["21CFR11.10(d)", "21CFR11.10(g)", "Annex11-12"],
        remediation: "Remove the rule (EC2 RevokeSecurityGroupIngress; delete the aws_vpc_security_group_ingress_rule \
            / ingress block with cidr_blocks [\"0.0.0.0/0\"] or ipv6_cidr_blocks [\"::/0\"]); use SSM Session \
            Manager or a bastion reachable only from approved CIDRs for administration.",
        remediation_code: Remediation {
            terraform: "# Remove the aws_vpc_security_group_ingress_rule (or ingress block) that opens an\n# admin port to 0.0.0.0/0 or ::/0; allow only approved CIDRs:\nresource \"aws_vpc_security_group_ingress_rule\" \"ssh\" {\n  security_group_id = aws_security_group.app.id\n  ip_protocol       = \"tcp\"\n  from_port         = 22\n  to_port           = 22\n  cidr_ipv4         = \"10.0.0.0/16\"\n}",
            cloudformation: "SecurityGroupIngress:\n  - IpProtocol: tcp\n    FromPort: 22\n    ToPort: 22\n    CidrIp: 10.0.0.0/16",
            cli: "aws ec2 revoke-security-group-ingress --group-id SG_ID --protocol tcp --port 22 --cidr 0.0.0.0/0",
        },
        related: Related {
            prowler: &[
                "ec2_securitygroup_allow_ingress_from_internet_to_tcp_port_22",
                "ec2_securitygroup_allow_ingress_from_internet_to_tcp_port_3389",
                "ec2_securitygroup_allow_ingress_from_internet_to_all_ports",
            ],
            aws_config: &["restricted-ssh", "restricted-common-ports", "vpc-sg-open-only-to-authorized-ports"],
        },
        params: &[CheckParam {
            name: "admin_ports",
            description: "Comma-separated list of administrative ports that must not be open to the internet.",
            default: Some("22,3389"),
            kind: ParamKind::PortList,
        }],
    },
    evaluate,
    #[cfg(test)]
    fixtures: crate::checks::UnitFixtures::Properties {
        pass: r#"{"GroupName": "web", "SecurityGroupIngress": [{"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "CidrIp": "0.0.0.0/0"}]}"#,
        fail: r#"{"GroupName": "web", "SecurityGroupIngress": [{"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "CidrIp": "0.0.0.0/0"}]}"#,
        unreadable: "SecurityGroupIngress",
    },
};

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

fn evaluate(obs: &Observation, params: &Params) -> Outcome {
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

#[cfg(test)]
mod tests {
    use crate::checks::ec2::fixtures::{obs, run, run_with};
    use crate::checks::Status;
    use crate::observe::Observation;
    use serde_json::{json, Value as Json};

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

    #[test]
    fn a_vpc_is_not_a_security_group() {
        // A check on a type it does not apply to is an error, never a vacuous pass.
        let vpc = obs("AWS::EC2::VPC", json!({}));
        assert_eq!(run("ec2.sg_no_admin_ingress", &vpc).status, Status::Error);
        let o = obs("AWS::EC2::VPC", json!({"FlowLogs": []}));
        assert_eq!(run("ec2.default_sg_closed", &o).status, Status::Failed);
    }
}
