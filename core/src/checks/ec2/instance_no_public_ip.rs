//! `ec2.instance_no_public_ip`: EC2 instance has no public IPv4 address. Definition, evaluator
//! and unit tests.

use super::INSTANCE;
use crate::catalog::{CheckDef, Related, Remediation, SeverityClass, Stage};
use crate::checks::support::string;
use crate::checks::{Check, Outcome, Params};
use crate::observe::Observation;

/// The `ec2.instance_no_public_ip` check.
pub static CHECK: Check = Check {
    def: CheckDef {
        id: "ec2.instance_no_public_ip",
        title: "EC2 instance has no public IPv4 address",
        description: "OQ. Calls EC2 DescribeInstances (InstanceIds = the instance). Passes when the instance has \
            no PublicIpAddress (neither an auto-assigned public address nor an Elastic IP); fails naming the \
            address otherwise. Reach GxP workloads through a load balancer, VPN or SSM Session Manager.",
        stage: Stage::Oq,
        service: "ec2",
        resource_types: INSTANCE,
        severity: SeverityClass::Security,
        iam_actions: &["ec2:DescribeInstances"],
        controls: &["21CFR11.10(d)", "21CFR11.10(g)", "Annex11-12"],
        remediation: "Launch into a private subnet with Terraform aws_instance associate_public_ip_address = false \
            (CloudFormation NetworkInterfaces AssociatePublicIpAddress: false); disassociate any Elastic IP \
            (EC2 DisassociateAddress). An auto-assigned address goes only by replacing the instance.",
        remediation_code: Remediation {
            terraform: "resource \"aws_instance\" \"app\" {\n  # ...\n  subnet_id                   = aws_subnet.private.id\n  associate_public_ip_address = false\n}",
            cloudformation: "NetworkInterfaces:\n  - DeviceIndex: \"0\"\n    SubnetId: !Ref PrivateSubnet\n    AssociatePublicIpAddress: false",
            cli: "aws ec2 disassociate-address --association-id EIP_ASSOCIATION_ID",
        },
        related: Related {
            prowler: &["ec2_instance_public_ip"],
            aws_config: &["ec2-instance-no-public-ip"],
        },
        params: &[],
    },
    evaluate,
    #[cfg(test)]
    fixtures: crate::checks::UnitFixtures::Properties {
        pass: r#"{"State": "running"}"#,
        fail: r#"{"State": "running", "PublicIpAddress": "54.10.20.30"}"#,
        unreadable: "PublicIpAddress",
    },
};

fn evaluate(obs: &Observation, _params: &Params) -> Outcome {
    let expected = "no public IPv4 address";
    match string(obs, "PublicIpAddress", expected) {
        Err(e) => e,
        Ok(None) => Outcome::verdict(true, expected, "no public IPv4 address"),
        Ok(Some(ip)) => Outcome::verdict(false, expected, format!("public IPv4 address {ip}")),
    }
}

#[cfg(test)]
mod tests {
    use crate::checks::ec2::fixtures::{obs, run};
    use crate::checks::Status;
    use serde_json::json;

    #[test]
    fn public_ip_fails_and_private_instance_passes() {
        let id = "ec2.instance_no_public_ip";
        let o = run(
            id,
            &obs("AWS::EC2::Instance", json!({"PublicIpAddress": "3.3.3.3"})),
        );
        assert_eq!(
            (o.status, o.actual.as_str()),
            (Status::Failed, "public IPv4 address 3.3.3.3")
        );
        let o = run(
            id,
            &obs("AWS::EC2::Instance", json!({"SubnetId": "subnet-1"})),
        );
        assert_eq!(o.status, Status::Passed);
        let mut e = obs("AWS::EC2::Instance", json!({}));
        e.error("PublicIpAddress", "AccessDenied");
        assert_eq!(run(id, &e).status, Status::Error);
    }
}
