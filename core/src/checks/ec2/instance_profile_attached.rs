//! `ec2.instance_profile_attached`: EC2 instance has an IAM instance profile. Definition,
//! evaluator and unit tests.

use super::INSTANCE;
use crate::catalog::{CheckDef, Related, Remediation, SeverityClass, Stage};
use crate::checks::support::string;
use crate::checks::{Check, Outcome, Params};
use crate::observe::Observation;

/// The `ec2.instance_profile_attached` check.
pub static CHECK: Check = Check {
    def: CheckDef {
        id: "ec2.instance_profile_attached",
        title: "EC2 instance has an IAM instance profile",
        description: "OQ. Calls EC2 DescribeInstances (InstanceIds = the instance). Passes when IamInstanceProfile \
            (the profile ARN) is set, so the workload gets short-lived role credentials instead of long-lived \
            access keys stored on the instance; fails without a profile.",
        stage: Stage::Oq,
        service: "ec2",
        resource_types: INSTANCE,
        severity: SeverityClass::Security,
        iam_actions: &["ec2:DescribeInstances"],
        controls: &["21CFR11.10(d)", "21CFR11.10(g)", "Annex11-12"],
        remediation: "Terraform aws_instance iam_instance_profile = aws_iam_instance_profile.app.name; \
            CloudFormation IamInstanceProfile: !Ref AppProfile; or EC2 AssociateIamInstanceProfile.",
        remediation_code: Remediation {
            terraform: "resource \"aws_instance\" \"app\" {\n  # ...\n  iam_instance_profile = aws_iam_instance_profile.app.name\n}",
            cloudformation: "IamInstanceProfile: !Ref AppInstanceProfile",
            cli: "aws ec2 associate-iam-instance-profile --instance-id INSTANCE_ID --iam-instance-profile Name=PROFILE",
        },
        related: Related {
            prowler: &["ec2_instance_profile_attached"],
            aws_config: &["ec2-instance-profile-attached"],
        },
        params: &[],
    },
    evaluate,
    #[cfg(test)]
    fixtures: crate::checks::UnitFixtures::Properties {
        pass: r#"{"IamInstanceProfile": "arn:aws:iam::123456789012:instance-profile/app"}"#,
        fail: r#"{"State": "running"}"#,
        unreadable: "IamInstanceProfile",
    },
};

fn evaluate(obs: &Observation, _params: &Params) -> Outcome {
    let expected = "an IAM instance profile";
    match string(obs, "IamInstanceProfile", expected) {
        Err(e) => e,
        Ok(None) => Outcome::verdict(false, expected, "no instance profile"),
        Ok(Some(arn)) => Outcome::verdict(true, expected, format!("instance profile {arn}")),
    }
}

#[cfg(test)]
mod tests {
    use crate::checks::ec2::fixtures::{obs, run};
    use crate::checks::Status;
    use serde_json::json;

    #[test]
    fn profile_attached_passes_with_a_profile_only() {
        let id = "ec2.instance_profile_attached";
        let o = run(
            id,
            &obs("AWS::EC2::Instance", json!({"IamInstanceProfile": "arn:p"})),
        );
        assert_eq!(
            (o.status, o.actual.as_str()),
            (Status::Passed, "instance profile arn:p")
        );
        let o = run(id, &obs("AWS::EC2::Instance", json!({})));
        assert_eq!(
            (o.status, o.actual.as_str()),
            (Status::Failed, "no instance profile")
        );
    }
}
