//! `efs.encrypted`: EFS file system encrypted at rest. Definition, evaluator and unit tests.

use super::FILE_SYSTEM;
use crate::catalog::{CheckDef, CheckParam, ParamKind, Related, Remediation, SeverityClass, Stage};
use crate::checks::support::{boolean, kms_key_matches, string};
use crate::checks::{Check, Outcome, Params};
use crate::observe::Observation;

/// The `efs.encrypted` check.
pub static CHECK: Check = Check {
    def: CheckDef {
        id: "efs.encrypted",
        title: "EFS file system encrypted at rest",
        description: "OQ. Calls EFS DescribeFileSystems. Passes when Encrypted is true and, when kms_key_id \
            is set, KmsKeyId is that key (a bare key id matches an ARN ending in key/<id>). Encryption at \
            rest is chosen at creation: an unencrypted file system must be recreated.",
        stage: Stage::Oq,
        service: "efs",
        resource_types: FILE_SYSTEM,
        severity: SeverityClass::Security,
        iam_actions: &["elasticfilesystem:DescribeFileSystems"],
        controls: &["21CFR11.10(c)", "21CFR11.10(g)", "21CFR11.30", "Annex11-7", "Annex11-12", "HIPAA-164.312(a)(2)(iv)"],
        remediation: "Create the file system encrypted (Terraform aws_efs_file_system encrypted = true, kms_key_id; \
            CloudFormation Encrypted: true, KmsKeyId) and copy the data over (AWS DataSync or AWS Backup \
            restore); encryption cannot be turned on for an existing file system.",
        remediation_code: Remediation {
            terraform: "resource \"aws_efs_file_system\" \"records\" {\n  encrypted  = true\n  kms_key_id = aws_kms_key.records.arn\n}",
            cloudformation: "Encrypted: true\nKmsKeyId: !GetAtt RecordsKey.Arn",
            cli: "aws efs create-file-system --encrypted --kms-key-id KEY_ARN --creation-token records",
        },
        related: Related {
            prowler: &["efs_encryption_at_rest_enabled"],
            aws_config: &["efs-encrypted-check"],
        },
        params: &[CheckParam {
            name: "kms_key_id",
            description: "Expected KMS key. When unset any key passes.",
            default: None,
            kind: ParamKind::KmsKey,
        }],
    },
    evaluate,
    #[cfg(test)]
    fixtures: crate::checks::UnitFixtures::Properties {
        pass: r#"{"Encrypted": true, "KmsKeyId": "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"}"#,
        fail: r#"{"Encrypted": false}"#,
        unreadable: "Encrypted",
    },
};

fn evaluate(obs: &Observation, params: &Params) -> Outcome {
    encrypted(obs, params.text("kms_key_id")).unwrap_or_else(|early| early)
}

fn encrypted(obs: &Observation, want: Option<&str>) -> Result<Outcome, Outcome> {
    let expected = match want {
        Some(w) => format!("encrypted with KMS key {w}"),
        None => "encrypted at rest".to_string(),
    };
    if boolean(obs, "Encrypted", &expected)? != Some(true) {
        return Ok(Outcome::verdict(false, expected, "not encrypted"));
    }
    Ok(match (want, string(obs, "KmsKeyId", &expected)?) {
        (None, key) => Outcome::verdict(
            true,
            expected,
            key.map_or("encrypted".to_string(), |k| {
                format!("encrypted with KMS key {k}")
            }),
        ),
        (Some(w), Some(key)) => Outcome::verdict(
            kms_key_matches(key, w),
            expected,
            format!("encrypted with KMS key {key}"),
        ),
        (Some(_), None) => {
            Outcome::error(expected, "Encrypted is true but no KmsKeyId was reported")
        }
    })
}

#[cfg(test)]
mod tests {
    use crate::checks::testing::{observation, run};
    use crate::checks::Status;
    use serde_json::json;

    const ID: &str = "efs.encrypted";
    const KEY: &str = "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";

    fn fs(props: serde_json::Value) -> crate::observe::Observation {
        observation("AWS::EFS::FileSystem", "fs-1", props)
    }

    #[test]
    fn encrypted_passes_only_when_encrypted_with_the_expected_key() {
        let o = fs(json!({"Encrypted": true, "KmsKeyId": KEY}));
        assert_eq!(run(ID, &o, &[]).status, Status::Passed);
        assert_eq!(
            run(
                ID,
                &o,
                &[("kms_key_id", "1234abcd-12ab-34cd-56ef-1234567890ab")]
            )
            .status,
            Status::Passed
        );
        assert_eq!(
            run(ID, &o, &[("kms_key_id", "alias/other")]).status,
            Status::Failed
        );
        let plain = run(ID, &fs(json!({"Encrypted": false})), &[]);
        assert_eq!(
            (plain.status, plain.actual.as_str()),
            (Status::Failed, "not encrypted")
        );
        assert_eq!(
            run(ID, &fs(json!({"Encrypted": true})), &[("kms_key_id", KEY)]).status,
            Status::Error
        );
        let mut e = fs(json!({}));
        e.error("Encrypted", "AccessDenied");
        assert_eq!(run(ID, &e, &[]).status, Status::Error);
    }
}
