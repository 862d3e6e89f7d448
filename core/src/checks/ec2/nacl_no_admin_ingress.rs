//! `ec2.nacl_no_admin_ingress`: network ACL admits no admin ports from the internet.
//! Definition, evaluator and unit tests.

use serde_json::Value as Json;

use super::{admin_ports, field};
use crate::catalog::{CheckDef, CheckParam, ParamKind, Related, Remediation, SeverityClass, Stage};
use crate::checks::support::property;
use crate::checks::{Check, Outcome, Params};
use crate::observe::Observation;

/// The `ec2.nacl_no_admin_ingress` check.
pub static CHECK: Check = Check {
    def: CheckDef {
        id: "ec2.nacl_no_admin_ingress",
        title: "Network ACL admits no admin ports from the internet",
        description: "OQ. Calls EC2 DescribeNetworkAcls (NetworkAclIds = the ACL). Evaluates the inbound entries \
            as EC2 does, in rule-number order: for each admin port (TCP and UDP) and each of 0.0.0.0/0 and ::/0, \
            the first entry whose CidrBlock / Ipv6CidrBlock is that whole range, whose Protocol is -1 or the \
            port's protocol and whose PortRange covers the port decides. Fails when that entry is allow; a \
            lower-numbered deny protects the port. Entries for narrower ranges do not decide.",
        stage: Stage::Oq,
        service: "ec2",
        resource_types: &["AWS::EC2::NetworkAcl"],
        severity: SeverityClass::Security,
        iam_actions: &["ec2:DescribeNetworkAcls"],
        controls: &["21CFR11.10(d)", "21CFR11.10(g)", "Annex11-12"],
        remediation: "Replace the allow entry for 0.0.0.0/0 or ::/0 on the admin port with an entry for approved \
            CIDRs only, or add a lower-numbered deny (Terraform aws_network_acl_rule; CloudFormation \
            AWS::EC2::NetworkAclEntry; EC2 ReplaceNetworkAclEntry / CreateNetworkAclEntry).",
        remediation_code: Remediation {
            terraform: "resource \"aws_network_acl_rule\" \"deny_ssh\" {\n  network_acl_id = aws_network_acl.private.id\n  rule_number    = 90\n  egress         = false\n  protocol       = \"tcp\"\n  rule_action    = \"deny\"\n  cidr_block     = \"0.0.0.0/0\"\n  from_port      = 22\n  to_port        = 22\n}",
            cloudformation: "DenySsh:\n  Type: AWS::EC2::NetworkAclEntry\n  Properties:\n    NetworkAclId: !Ref PrivateAcl\n    RuleNumber: 90\n    Protocol: 6\n    RuleAction: deny\n    CidrBlock: 0.0.0.0/0\n    PortRange: {From: 22, To: 22}",
            cli: "aws ec2 create-network-acl-entry --network-acl-id ACL_ID --ingress --rule-number 90 \\\n  --protocol tcp --port-range From=22,To=22 --cidr-block 0.0.0.0/0 --rule-action deny",
        },
        related: Related {
            prowler: &["ec2_networkacl_allow_ingress_tcp_port_22", "ec2_networkacl_allow_ingress_tcp_port_3389"],
            aws_config: &["nacl-no-unrestricted-ssh-rdp"],
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
        pass: r#"{"Entries": [{"RuleNumber": 100, "Protocol": "6", "RuleAction": "allow", "Egress": false, "CidrBlock": "10.0.0.0/8", "PortRange": {"From": 22, "To": 22}}, {"RuleNumber": 32767, "Protocol": "-1", "RuleAction": "deny", "Egress": false, "CidrBlock": "0.0.0.0/0"}]}"#,
        fail: r#"{"Entries": [{"RuleNumber": 100, "Protocol": "-1", "RuleAction": "allow", "Egress": false, "CidrBlock": "0.0.0.0/0"}, {"RuleNumber": 32767, "Protocol": "-1", "RuleAction": "deny", "Egress": false, "CidrBlock": "0.0.0.0/0"}]}"#,
        unreadable: "Entries",
    },
};

/// IANA numbers of the protocols admin ports are reached over.
const PROTOCOLS: [(&str, &str); 2] = [("6", "tcp"), ("17", "udp")];

/// Whether inbound entry `e` applies to all of `range` (`0.0.0.0/0` or `::/0`) for
/// `protocol` (`6`/`17`) on `port`.
fn decides(e: &Json, range: &str, protocol: (&str, &str), port: i64) -> bool {
    let cidr = field(e, "CidrBlock") == range || field(e, "Ipv6CidrBlock") == range;
    let proto = match e.get("Protocol") {
        Some(Json::String(p)) => p.to_ascii_lowercase(),
        Some(other) => other.to_string(),
        None => "-1".into(),
    };
    if !cidr {
        return false;
    }
    if proto == "-1" || proto == "all" {
        return true;
    }
    if proto != protocol.0 && proto != protocol.1 {
        return false;
    }
    let bound = |k: &str| {
        e.get("PortRange")
            .and_then(|r| r.get(k))
            .and_then(Json::as_i64)
    };
    match (bound("From"), bound("To")) {
        (Some(from), Some(to)) => from <= port && port <= to,
        // No port range on a TCP/UDP entry: every port.
        _ => true,
    }
}

/// The ports of `lo..=hi` at which the first deciding entry can change: `lo` and every
/// entry boundary inside the range (the decision is constant between them).
fn boundaries(entries: &[&Json], lo: i64, hi: i64) -> Vec<i64> {
    let mut points = vec![lo];
    for e in entries {
        if let Some(r) = e.get("PortRange") {
            for p in [
                r.get("From").and_then(Json::as_i64),
                r.get("To").and_then(Json::as_i64).map(|t| t + 1),
            ]
            .into_iter()
            .flatten()
            {
                if lo < p && p <= hi {
                    points.push(p);
                }
            }
        }
    }
    points.sort_unstable();
    points.dedup();
    points
}

fn evaluate(obs: &Observation, params: &Params) -> Outcome {
    let (ports, shown) = admin_ports(params);
    let expected = format!("no inbound allow from 0.0.0.0/0 or ::/0 to ports {shown}");
    let entries = match property(obs, "Entries", &expected) {
        Err(e) => return e,
        // The collector records the entries whenever the ACL was read.
        Ok(None) => return Outcome::error(expected, "entries were not read"),
        Ok(Some(v)) => v.as_array().cloned().unwrap_or_default(),
    };
    let mut inbound: Vec<&Json> = entries
        .iter()
        .filter(|e| e.get("Egress").and_then(Json::as_bool) != Some(true))
        .collect();
    inbound.sort_by_key(|e| {
        e.get("RuleNumber")
            .and_then(Json::as_i64)
            .unwrap_or(i64::MAX)
    });
    let mut open: Vec<String> = Vec::new();
    for &(lo, hi) in &ports {
        for port in boundaries(&inbound, lo, hi) {
            for range in ["0.0.0.0/0", "::/0"] {
                for protocol in PROTOCOLS {
                    let first = inbound.iter().find(|e| decides(e, range, protocol, port));
                    if let Some(e) = first.filter(|e| field(e, "RuleAction") == "allow") {
                        let rule = e.get("RuleNumber").map(Json::to_string).unwrap_or_default();
                        let shown =
                            format!("rule {rule} allows {} {port} from {range}", protocol.1);
                        if !open.contains(&shown) {
                            open.push(shown);
                        }
                    }
                }
            }
        }
    }
    if open.is_empty() {
        Outcome::verdict(
            true,
            expected,
            format!(
                "admin ports closed to the internet ({} inbound entries)",
                inbound.len()
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
    use serde_json::{json, Value as Json};

    const ID: &str = "ec2.nacl_no_admin_ingress";

    fn acl(entries: Json) -> crate::observe::Observation {
        obs("AWS::EC2::NetworkAcl", json!({ "Entries": entries }))
    }

    fn entry(n: i64, proto: &str, action: &str, cidr: &str, ports: Option<(i64, i64)>) -> Json {
        let mut e =
            json!({"RuleNumber": n, "Protocol": proto, "RuleAction": action, "Egress": false});
        let key = if cidr.contains(':') {
            "Ipv6CidrBlock"
        } else {
            "CidrBlock"
        };
        e[key] = json!(cidr);
        if let Some((f, t)) = ports {
            e["PortRange"] = json!({"From": f, "To": t});
        }
        e
    }

    fn default_deny() -> Json {
        entry(32767, "-1", "deny", "0.0.0.0/0", None)
    }

    #[test]
    fn the_default_acl_allow_all_fails() {
        let o = run(
            ID,
            &acl(json!([
                entry(100, "-1", "allow", "0.0.0.0/0", None),
                default_deny()
            ])),
        );
        assert_eq!(o.status, Status::Failed);
        assert!(
            o.actual.contains("rule 100 allows tcp 22 from 0.0.0.0/0"),
            "{}",
            o.actual
        );
        assert!(
            o.actual.contains("rule 100 allows udp 3389 from 0.0.0.0/0"),
            "{}",
            o.actual
        );
    }

    #[test]
    fn an_ipv6_or_range_allow_on_an_admin_port_fails() {
        let o = run(
            ID,
            &acl(json!([entry(10, "6", "allow", "::/0", Some((22, 22)))])),
        );
        assert_eq!(o.actual, "open: rule 10 allows tcp 22 from ::/0");
        let o = run(
            ID,
            &acl(json!([entry(
                10,
                "17",
                "allow",
                "0.0.0.0/0",
                Some((3000, 4000))
            )])),
        );
        assert_eq!(o.actual, "open: rule 10 allows udp 3389 from 0.0.0.0/0");
    }

    #[test]
    fn a_lower_numbered_deny_protects_the_port_and_order_matters() {
        let denied = acl(json!([
            entry(200, "-1", "allow", "0.0.0.0/0", None),
            entry(90, "6", "deny", "0.0.0.0/0", Some((22, 22))),
            entry(91, "6", "deny", "0.0.0.0/0", Some((3389, 3389))),
            entry(92, "17", "deny", "0.0.0.0/0", Some((3389, 3389))),
            entry(93, "17", "deny", "0.0.0.0/0", Some((22, 22))),
            entry(94, "-1", "deny", "::/0", None),
            default_deny(),
        ]));
        let o = run(ID, &denied);
        assert_eq!(o.status, Status::Passed, "{o:?}");
        // The same deny after the allow protects nothing.
        let late = acl(json!([
            entry(100, "6", "allow", "0.0.0.0/0", Some((0, 65535))),
            entry(110, "6", "deny", "0.0.0.0/0", Some((22, 22))),
        ]));
        assert_eq!(run(ID, &late).status, Status::Failed);
    }

    #[test]
    fn narrow_sources_egress_and_other_ports_pass() {
        let mut egress = entry(100, "-1", "allow", "0.0.0.0/0", None);
        egress["Egress"] = json!(true);
        let o = run(
            ID,
            &acl(json!([
                entry(100, "6", "allow", "10.0.0.0/8", Some((22, 22))),
                entry(110, "6", "allow", "0.0.0.0/0", Some((443, 443))),
                entry(120, "6", "allow", "0.0.0.0/0", Some((32768, 65535))),
                egress,
                default_deny(),
            ])),
        );
        assert_eq!(o.status, Status::Passed, "{o:?}");
        assert!(o.actual.contains("4 inbound entries"), "{}", o.actual);
    }

    #[test]
    fn the_admin_ports_parameter_is_honoured_across_range_boundaries() {
        let rules = acl(json!([
            entry(100, "6", "deny", "0.0.0.0/0", Some((5000, 5431))),
            entry(110, "6", "allow", "0.0.0.0/0", Some((5432, 5432))),
            default_deny(),
        ]));
        assert_eq!(run(ID, &rules).status, Status::Passed);
        let o = run_with(ID, &rules, "admin_ports", "5000-6000");
        assert_eq!(o.actual, "open: rule 110 allows tcp 5432 from 0.0.0.0/0");
        assert_eq!(
            run_with(ID, &rules, "admin_ports", "ssh").status,
            Status::Error
        );
        assert_eq!(
            run(ID, &obs("AWS::EC2::NetworkAcl", json!({}))).status,
            Status::Error
        );
    }
}
