//! `dynamodb.kms`: DynamoDB table encrypted with a KMS key. Definition, evaluator and unit tests.

use super::TABLE;
use crate::catalog::{CheckDef, CheckParam, ParamKind, Related, Remediation, SeverityClass, Stage};
use crate::checks::support::{boolean, kms_key_matches, string};
use crate::checks::{Check, Outcome, Params};
use crate::observe::Observation;

/// The `dynamodb.kms` check.
pub static CHECK: Check = Check {
    def: CheckDef {
        id: "dynamodb.kms",
        title: "DynamoDB table encrypted with a KMS key",
        description: "OQ. Calls DynamoDB DescribeTable. Passes when server-side encryption is enabled with \
            SSEType KMS (an AWS managed aws/dynamodb or a customer managed key; a table with the default \
            AWS owned key fails) and, when kms_key_id is set, the key is that key (a bare key id matches \
            an ARN ending in key/<id>).",
        stage: Stage::Oq,
        service: "dynamodb",
        resource_types: TABLE,
        severity: SeverityClass::Security,
        iam_actions: &["dynamodb:DescribeTable"],
        controls: &["21CFR11.10(c)", "21CFR11.10(g)", "21CFR11.30", "Annex11-7", "Annex11-12", "HIPAA-164.312(a)(2)(iv)"],
        remediation: "Terraform aws_dynamodb_table server_side_encryption { enabled = true, kms_key_arn = <key arn> }; \
            CloudFormation SSESpecification {SSEEnabled: true, SSEType: KMS, KMSMasterKeyId}; or DynamoDB \
            UpdateTable --sse-specification.",
        remediation_code: Remediation {
            terraform: "resource \"aws_dynamodb_table\" \"records\" {\n  # ...\n  server_side_encryption {\n    enabled     = true\n    kms_key_arn = aws_kms_key.records.arn\n  }\n}",
            cloudformation: "SSESpecification:\n  SSEEnabled: true\n  SSEType: KMS\n  KMSMasterKeyId: !GetAtt RecordsKey.Arn",
            cli: "aws dynamodb update-table --table-name TABLE --sse-specification Enabled=true,SSEType=KMS,KMSMasterKeyId=KEY_ARN",
        },
        related: Related {
            prowler: &["dynamodb_tables_kms_cmk_encryption_enabled"],
            aws_config: &["dynamodb-table-encrypted-kms"],
        },
        params: &[CheckParam {
            name: "kms_key_id",
            description: "Expected KMS key. When unset any KMS key passes.",
            default: None,
            kind: ParamKind::KmsKey,
        }],
    },
    evaluate,
    #[cfg(test)]
    fixtures: crate::checks::UnitFixtures::Properties {
        pass: r#"{"SSESpecification": {"SSEEnabled": true, "SSEType": "KMS", "KMSMasterKeyId": "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"}}"#,
        fail: r#"{}"#,
        unreadable: "SSESpecification",
    },
};

fn evaluate(obs: &Observation, params: &Params) -> Outcome {
    kms(obs, params.text("kms_key_id")).unwrap_or_else(|early| early)
}

fn kms(obs: &Observation, want: Option<&str>) -> Result<Outcome, Outcome> {
    let expected = match want {
        Some(w) => format!("encrypted with KMS key {w}"),
        None => "encrypted with a KMS key".to_string(),
    };
    let enabled = boolean(obs, "SSESpecification.SSEEnabled", &expected)?;
    let sse_type = string(obs, "SSESpecification.SSEType", &expected)?;
    let key = string(obs, "SSESpecification.KMSMasterKeyId", &expected)?;
    Ok(match (enabled, sse_type, key) {
        (None, _, _) => Outcome::verdict(false, expected, "AWS owned key (not configured)"),
        (Some(false), _, _) => Outcome::verdict(false, expected, "server-side encryption disabled"),
        (Some(true), Some("KMS"), Some(key)) => Outcome::verdict(
            want.is_none_or(|w| kms_key_matches(key, w)),
            expected,
            format!("encrypted with KMS key {key}"),
        ),
        (Some(true), Some("KMS"), None) => Outcome::error(
            expected,
            "SSEType is KMS but DescribeTable named no KMSMasterKeyArn",
        ),
        (Some(true), other, _) => Outcome::verdict(
            false,
            expected,
            format!("SSEType {}", other.unwrap_or("not reported")),
        ),
    })
}

#[cfg(test)]
mod tests {
    use crate::checks::dynamodb::fixtures::{run, table};
    use crate::checks::Status;
    use serde_json::json;

    const ID: &str = "dynamodb.kms";
    const KEY: &str = "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";

    #[test]
    fn kms_passes_with_a_kms_key_and_the_expected_one() {
        let o = table(
            json!({"SSESpecification": {"SSEEnabled": true, "SSEType": "KMS", "KMSMasterKeyId": KEY}}),
        );
        assert_eq!(run(ID, &o, &[]).status, Status::Passed);
        assert_eq!(run(ID, &o, &[("kms_key_id", KEY)]).status, Status::Passed);
        assert_eq!(
            run(
                ID,
                &o,
                &[("kms_key_id", "1234abcd-12ab-34cd-56ef-1234567890ab")]
            )
            .status,
            Status::Passed
        );
        let other = run(
            ID,
            &o,
            &[(
                "kms_key_id",
                "arn:aws:kms:us-east-1:111122223333:key/ffffffff-ffff-ffff-ffff-ffffffffffff",
            )],
        );
        assert_eq!(other.status, Status::Failed);
    }

    #[test]
    fn kms_fails_on_the_owned_key_and_disabled_sse() {
        let owned = run(ID, &table(json!({})), &[]);
        assert_eq!(
            (owned.status, owned.actual.as_str()),
            (Status::Failed, "AWS owned key (not configured)")
        );
        let off = table(
            json!({"SSESpecification": {"SSEEnabled": false, "SSEType": "KMS", "KMSMasterKeyId": KEY}}),
        );
        assert_eq!(run(ID, &off, &[]).status, Status::Failed);
        let aes = table(json!({"SSESpecification": {"SSEEnabled": true, "SSEType": "AES256"}}));
        assert_eq!(run(ID, &aes, &[]).status, Status::Failed);
    }

    #[test]
    fn kms_unreadable_or_keyless_kms_is_an_error() {
        let mut o = table(json!({}));
        o.error("SSESpecification", "AccessDeniedException: denied");
        assert_eq!(run(ID, &o, &[]).status, Status::Error);
        let keyless = table(json!({"SSESpecification": {"SSEEnabled": true, "SSEType": "KMS"}}));
        assert_eq!(run(ID, &keyless, &[]).status, Status::Error);
    }
}
