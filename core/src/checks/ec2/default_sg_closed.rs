//! `ec2.default_sg_closed`: VPC default security group has no rules. Definition, evaluator and unit tests.

use serde_json::Value as Json;

use super::{field, show_rule, VPC};
use crate::catalog::{CheckDef, Related, Remediation, SeverityClass, Stage};
use crate::checks::support::property;
use crate::checks::{Check, Outcome, Params};
use crate::observe::Observation;

/// The `ec2.default_sg_closed` check.
pub static CHECK: Check = Check {
    def: CheckDef {
        id: "ec2.default_sg_closed",
        title: "VPC default security group has no rules",
        description: "OQ. Calls EC2 DescribeSecurityGroups with filters vpc-id = the VPC id and group-name = \
            default. Passes when the default group's IpPermissions (ingress) and IpPermissionsEgress (egress) are \
            both empty.",
        stage: Stage::Oq,
        service: "ec2",
        resource_types: VPC,
        severity: SeverityClass::Security,
        iam_actions: &["ec2:DescribeSecurityGroups"],
        controls: &["21CFR11.10(d)", "21CFR11.10(g)", "Annex11-12"],
        remediation: "Manage the default group with Terraform aws_default_security_group { vpc_id = <vpc> } and \
            no ingress/egress blocks (which removes all rules), or EC2 RevokeSecurityGroupIngress and \
            RevokeSecurityGroupEgress; CDK restrictDefaultSecurityGroup: true.",
        remediation_code: Remediation {
            terraform: "# No ingress or egress blocks: Terraform removes every rule of the default group.\nresource \"aws_default_security_group\" \"default\" {\n  vpc_id = aws_vpc.main.id\n}",
            cloudformation: "# CloudFormation cannot manage the default group's rules; in CDK:\n# new ec2.Vpc(this, \"Vpc\", { restrictDefaultSecurityGroup: true })",
            cli: "aws ec2 revoke-security-group-ingress --group-id DEFAULT_SG_ID --ip-permissions file://ingress.json\naws ec2 revoke-security-group-egress --group-id DEFAULT_SG_ID --ip-permissions file://egress.json",
        },
        related: Related {
            prowler: &["ec2_securitygroup_default_restrict_traffic"],
            aws_config: &["vpc-default-security-group-closed"],
        },
        params: &[],
    },
    evaluate,
    #[cfg(test)]
    fixtures: crate::checks::UnitFixtures::Properties {
        pass: r#"{"DefaultSecurityGroup": {"GroupId": "sg-d", "IngressRules": 0, "EgressRules": 0, "IpPermissions": [], "IpPermissionsEgress": []}}"#,
        fail: r#"{"DefaultSecurityGroup": {"GroupId": "sg-d", "IngressRules": 0, "EgressRules": 1, "IpPermissions": [], "IpPermissionsEgress": [{"IpProtocol": "-1", "CidrIp": "0.0.0.0/0"}]}}"#,
        unreadable: "DefaultSecurityGroup",
    },
};

fn evaluate(obs: &Observation, _params: &Params) -> Outcome {
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

#[cfg(test)]
mod tests {
    use crate::checks::ec2::fixtures::{obs, run};
    use crate::checks::Status;
    use crate::observe::Observation;
    use serde_json::{json, Value as Json};

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
}
