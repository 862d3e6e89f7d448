//! `secretsmanager.kms_cmk`: secret encrypted with a customer managed KMS key. Definition,
//! evaluator and unit tests.

use super::SECRET;
use crate::catalog::{CheckDef, CheckParam, ParamKind, Related, Remediation, SeverityClass, Stage};
use crate::checks::support::{kms_key_matches, string};
use crate::checks::{Check, Outcome, Params};
use crate::observe::Observation;

/// The `secretsmanager.kms_cmk` check.
pub static CHECK: Check = Check {
    def: CheckDef {
        id: "secretsmanager.kms_cmk",
        title: "Secret encrypted with a customer managed KMS key",
        description: "OQ. Calls Secrets Manager DescribeSecret and KMS DescribeKey. Passes when the secret \
            names a KmsKeyId whose KeyManager is CUSTOMER (not the AWS managed aws/secretsmanager key, \
            which a secret without KmsKeyId uses) and, when kms_key_id is set, the key is that key.",
        stage: Stage::Oq,
        service: "secretsmanager",
        resource_types: SECRET,
        severity: SeverityClass::Security,
        iam_actions: &["secretsmanager:DescribeSecret", "kms:DescribeKey"],
        controls: &["21CFR11.10(c)", "21CFR11.30", "Annex11-7", "Annex11-12", "HIPAA-164.312(a)(2)(iv)"],
        remediation: "Terraform aws_secretsmanager_secret kms_key_id = <customer managed key arn>; CloudFormation \
            KmsKeyId; or Secrets Manager UpdateSecret --kms-key-id. The key policy must allow the \
            secret's readers kms:Decrypt.",
        remediation_code: Remediation {
            terraform: "resource \"aws_secretsmanager_secret\" \"db\" {\n  name       = \"lims/db\"\n  kms_key_id = aws_kms_key.secrets.arn\n}",
            cloudformation: "KmsKeyId: !GetAtt SecretsKey.Arn",
            cli: "aws secretsmanager update-secret --secret-id SECRET --kms-key-id KEY_ARN",
        },
        related: Related {
            prowler: &[],
            aws_config: &["secretsmanager-using-cmk"],
        },
        params: &[CheckParam {
            name: "kms_key_id",
            description: "Expected KMS key. When unset any customer managed key passes.",
            default: None,
            kind: ParamKind::KmsKey,
        }],
    },
    evaluate,
    #[cfg(test)]
    fixtures: crate::checks::UnitFixtures::Properties {
        pass: r#"{"KmsKeyId": "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab", "KmsKeyManager": "CUSTOMER"}"#,
        fail: r#"{}"#,
        unreadable: "KmsKeyManager",
    },
};

fn evaluate(obs: &Observation, params: &Params) -> Outcome {
    kms_cmk(obs, params.text("kms_key_id")).unwrap_or_else(|early| early)
}

fn kms_cmk(obs: &Observation, want: Option<&str>) -> Result<Outcome, Outcome> {
    let expected = match want {
        Some(w) => format!("encrypted with customer managed KMS key {w}"),
        None => "encrypted with a customer managed KMS key".to_string(),
    };
    let Some(key) = string(obs, "KmsKeyId", &expected)? else {
        return Ok(Outcome::verdict(
            false,
            expected,
            "aws/secretsmanager (AWS managed key)",
        ));
    };
    if key.ends_with("alias/aws/secretsmanager") {
        return Ok(Outcome::verdict(
            false,
            expected,
            format!("{key} (AWS managed key)"),
        ));
    }
    Ok(match string(obs, "KmsKeyManager", &expected)? {
        Some("CUSTOMER") => Outcome::verdict(
            want.is_none_or(|w| kms_key_matches(key, w)),
            expected,
            format!("customer managed KMS key {key}"),
        ),
        Some(other) => Outcome::verdict(false, expected, format!("{key} (KeyManager {other})")),
        None => Outcome::error(
            expected,
            format!("the key manager of {key} was not reported"),
        ),
    })
}

#[cfg(test)]
mod tests {
    use crate::checks::secretsmanager::fixtures::{run, secret};
    use crate::checks::Status;
    use serde_json::json;

    const ID: &str = "secretsmanager.kms_cmk";
    const KEY: &str = "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";

    #[test]
    fn kms_cmk_passes_on_a_customer_managed_key() {
        let o = secret(json!({"KmsKeyId": KEY, "KmsKeyManager": "CUSTOMER"}));
        assert_eq!(run(ID, &o, &[]).status, Status::Passed);
        assert_eq!(run(ID, &o, &[("kms_key_id", KEY)]).status, Status::Passed);
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
    fn kms_cmk_fails_on_the_aws_managed_key() {
        let default = run(ID, &secret(json!({})), &[]);
        assert_eq!(
            (default.status, default.actual.as_str()),
            (Status::Failed, "aws/secretsmanager (AWS managed key)")
        );
        let alias = secret(json!({"KmsKeyId": "alias/aws/secretsmanager"}));
        assert_eq!(run(ID, &alias, &[]).status, Status::Failed);
        let managed = secret(json!({"KmsKeyId": KEY, "KmsKeyManager": "AWS"}));
        assert_eq!(run(ID, &managed, &[]).status, Status::Failed);
    }

    #[test]
    fn kms_cmk_unknown_key_manager_is_an_error() {
        let mut o = secret(json!({"KmsKeyId": KEY}));
        assert_eq!(run(ID, &o, &[]).status, Status::Error);
        o.error("KmsKeyManager", "KMS DescribeKey: AccessDeniedException");
        assert_eq!(run(ID, &o, &[]).status, Status::Error);
    }
}
