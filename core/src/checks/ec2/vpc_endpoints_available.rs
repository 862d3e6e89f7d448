//! `ec2.vpc_endpoints_available`: VPC endpoint available. Definition, evaluator and unit tests.

use crate::catalog::{CheckDef, Related, Remediation, SeverityClass, Stage};
use crate::checks::support::string;
use crate::checks::{Check, Outcome, Params};
use crate::observe::Observation;

/// The `ec2.vpc_endpoints_available` check.
pub static CHECK: Check = Check {
    def: CheckDef {
        id: "ec2.vpc_endpoints_available",
        title: "VPC endpoint available",
        description: "PQ. Calls EC2 DescribeVpcEndpoints (VpcEndpointIds = the endpoint). Passes when State is \
            available (case-insensitive); pending, pendingAcceptance, rejected, failed, deleting or deleted fails.",
        stage: Stage::Pq,
        service: "ec2",
        resource_types: &["AWS::EC2::VPCEndpoint"],
        severity: SeverityClass::Functional,
        iam_actions: &["ec2:DescribeVpcEndpoints"],
        controls: &["21CFR11.30", "21CFR11.10(d)", "Annex11-12", "HIPAA-164.312(e)(1)"],
        remediation: "Recreate or repair the endpoint through IaC (Terraform aws_vpc_endpoint, CloudFormation \
            AWS::EC2::VPCEndpoint); for pendingAcceptance accept it on the service side \
            (EC2 AcceptVpcEndpointConnections); check subnets, security groups and the service name.",
        remediation_code: Remediation {
            terraform: "resource \"aws_vpc_endpoint\" \"s3\" {\n  vpc_id       = aws_vpc.main.id\n  service_name = \"com.amazonaws.eu-west-1.s3\"\n}",
            cloudformation: "S3Endpoint:\n  Type: AWS::EC2::VPCEndpoint\n  Properties:\n    VpcId: !Ref Vpc\n    ServiceName: !Sub com.amazonaws.${AWS::Region}.s3",
            cli: "aws ec2 describe-vpc-endpoints --vpc-endpoint-ids VPCE_ID\naws ec2 accept-vpc-endpoint-connections --service-id SERVICE_ID --vpc-endpoint-ids VPCE_ID",
        },
        related: Related {
            prowler: &[],
            aws_config: &[],
        },
        params: &[],
    },
    evaluate,
    #[cfg(test)]
    fixtures: crate::checks::UnitFixtures::Properties {
        pass: r#"{"State": "available"}"#,
        fail: r#"{"State": "pendingAcceptance"}"#,
        unreadable: "State",
    },
};

fn evaluate(obs: &Observation, _params: &Params) -> Outcome {
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
    use crate::checks::ec2::fixtures::{obs, run};
    use crate::checks::Status;
    use serde_json::json;

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
}
