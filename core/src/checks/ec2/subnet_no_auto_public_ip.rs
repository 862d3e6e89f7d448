//! `ec2.subnet_no_auto_public_ip`: subnet does not assign public IPv4 addresses on launch.
//! Definition, evaluator and unit tests.

use crate::catalog::{CheckDef, Related, Remediation, SeverityClass, Stage};
use crate::checks::support::boolean;
use crate::checks::{Check, Outcome, Params};
use crate::observe::Observation;

/// The `ec2.subnet_no_auto_public_ip` check.
pub static CHECK: Check = Check {
    def: CheckDef {
        id: "ec2.subnet_no_auto_public_ip",
        title: "Subnet does not auto-assign public IPv4 addresses",
        description: "OQ. Calls EC2 DescribeSubnets (SubnetIds = the subnet). Passes when MapPublicIpOnLaunch is \
            false; true (every instance launched there gets a public address) or not reported fails.",
        stage: Stage::Oq,
        service: "ec2",
        resource_types: &["AWS::EC2::Subnet"],
        severity: SeverityClass::Security,
        iam_actions: &["ec2:DescribeSubnets"],
        controls: &["21CFR11.10(d)", "Annex11-12"],
        remediation: "Terraform aws_subnet map_public_ip_on_launch = false; CloudFormation MapPublicIpOnLaunch: \
            false; or EC2 ModifySubnetAttribute --no-map-public-ip-on-launch.",
        remediation_code: Remediation {
            terraform: "resource \"aws_subnet\" \"private\" {\n  # ...\n  map_public_ip_on_launch = false\n}",
            cloudformation: "MapPublicIpOnLaunch: false",
            cli: "aws ec2 modify-subnet-attribute --subnet-id SUBNET_ID --no-map-public-ip-on-launch",
        },
        related: Related {
            prowler: &["vpc_subnet_no_public_ip_by_default"],
            aws_config: &["subnet-auto-assign-public-ip-disabled"],
        },
        params: &[],
    },
    evaluate,
    #[cfg(test)]
    fixtures: crate::checks::UnitFixtures::Properties {
        pass: r#"{"MapPublicIpOnLaunch": false}"#,
        fail: r#"{"MapPublicIpOnLaunch": true}"#,
        unreadable: "MapPublicIpOnLaunch",
    },
};

fn evaluate(obs: &Observation, _params: &Params) -> Outcome {
    let expected = "MapPublicIpOnLaunch false";
    match boolean(obs, "MapPublicIpOnLaunch", expected) {
        Err(e) => e,
        Ok(None) => Outcome::verdict(false, expected, "not reported"),
        Ok(Some(false)) => Outcome::verdict(true, expected, "MapPublicIpOnLaunch false"),
        Ok(Some(true)) => Outcome::verdict(
            false,
            expected,
            "MapPublicIpOnLaunch true (instances get public addresses)",
        ),
    }
}

#[cfg(test)]
mod tests {
    use crate::checks::ec2::fixtures::{obs, run};
    use crate::checks::Status;
    use serde_json::json;

    #[test]
    fn auto_public_ip_fails_and_unreported_fails() {
        let id = "ec2.subnet_no_auto_public_ip";
        let subnet = |v| obs("AWS::EC2::Subnet", json!({ "MapPublicIpOnLaunch": v }));
        assert_eq!(run(id, &subnet(json!(false))).status, Status::Passed);
        assert_eq!(run(id, &subnet(json!(true))).status, Status::Failed);
        assert_eq!(run(id, &subnet(json!("false"))).status, Status::Passed);
        assert_eq!(
            run(id, &obs("AWS::EC2::Subnet", json!({}))).actual,
            "not reported"
        );
    }
}
