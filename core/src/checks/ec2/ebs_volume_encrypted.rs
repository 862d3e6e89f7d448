//! `ec2.ebs_volume_encrypted`: EBS volume encrypted. Definition, evaluator and unit tests.

use crate::catalog::{CheckDef, Related, Remediation, SeverityClass, Stage};
use crate::checks::support::{boolean, string};
use crate::checks::{Check, Outcome, Params};
use crate::observe::Observation;

/// The `ec2.ebs_volume_encrypted` check.
pub static CHECK: Check = Check {
    def: CheckDef {
        id: "ec2.ebs_volume_encrypted",
        title: "EBS volume encrypted",
        description: "OQ. Calls EC2 DescribeVolumes (VolumeIds = the volume). Passes when Encrypted is true; \
            KmsKeyId is recorded. An unencrypted volume, or one whose encryption is not reported, fails.",
        stage: Stage::Oq,
        service: "ec2",
        resource_types: &["AWS::EC2::Volume"],
        severity: SeverityClass::Security,
        iam_actions: &["ec2:DescribeVolumes"],
        controls: &["21CFR11.10(c)", "21CFR11.10(g)", "21CFR11.30", "Annex11-7.1"],
        remediation: "Encryption cannot be enabled in place: snapshot the volume, copy the snapshot with \
            --encrypted and a KMS key (EC2 CopySnapshot), create a volume from the copy and swap it in. In IaC \
            set Terraform aws_ebs_volume encrypted = true and kms_key_id (CloudFormation Encrypted: true); turn on \
            EBS encryption by default for new volumes.",
        remediation_code: Remediation {
            terraform: "resource \"aws_ebs_volume\" \"data\" {\n  # ...\n  encrypted  = true\n  kms_key_id = aws_kms_key.ebs.arn\n}",
            cloudformation: "Encrypted: true\nKmsKeyId: !GetAtt EbsKey.Arn",
            cli: "aws ec2 create-snapshot --volume-id VOLUME_ID\naws ec2 copy-snapshot --source-snapshot-id SNAPSHOT_ID --source-region REGION \\\n  --encrypted --kms-key-id KEY_ARN\naws ec2 create-volume --snapshot-id ENCRYPTED_SNAPSHOT_ID --availability-zone AZ",
        },
        related: Related {
            prowler: &["ec2_ebs_volume_encryption"],
            aws_config: &["encrypted-volumes"],
        },
        params: &[],
    },
    evaluate,
    #[cfg(test)]
    fixtures: crate::checks::UnitFixtures::Properties {
        pass: r#"{"Encrypted": true, "KmsKeyId": "arn:aws:kms:eu-west-1:123456789012:key/k"}"#,
        fail: r#"{"Encrypted": false}"#,
        unreadable: "Encrypted",
    },
};

fn evaluate(obs: &Observation, _params: &Params) -> Outcome {
    let expected = "encrypted";
    match boolean(obs, "Encrypted", expected) {
        Err(e) => e,
        Ok(None) => Outcome::verdict(false, expected, "not reported"),
        Ok(Some(false)) => Outcome::verdict(false, expected, "not encrypted"),
        Ok(Some(true)) => match string(obs, "KmsKeyId", expected) {
            Ok(Some(key)) => {
                Outcome::verdict(true, expected, format!("encrypted with KMS key {key}"))
            }
            _ => Outcome::verdict(true, expected, "encrypted"),
        },
    }
}

#[cfg(test)]
mod tests {
    use crate::checks::ec2::fixtures::{obs, run};
    use crate::checks::Status;
    use serde_json::json;

    #[test]
    fn volume_encryption_passes_names_the_key_and_fails_when_off() {
        let id = "ec2.ebs_volume_encrypted";
        let o = run(
            id,
            &obs(
                "AWS::EC2::Volume",
                json!({"Encrypted": true, "KmsKeyId": "arn:k"}),
            ),
        );
        assert_eq!(
            (o.status, o.actual.as_str()),
            (Status::Passed, "encrypted with KMS key arn:k")
        );
        let o = run(id, &obs("AWS::EC2::Volume", json!({"Encrypted": false})));
        assert_eq!(
            (o.status, o.actual.as_str()),
            (Status::Failed, "not encrypted")
        );
        assert_eq!(
            run(id, &obs("AWS::EC2::Volume", json!({}))).status,
            Status::Failed
        );
    }
}
