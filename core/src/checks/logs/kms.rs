//! `logs.kms`: Log group encrypted with KMS. Definition, evaluator and unit tests.

use super::LOG_GROUP;
use crate::catalog::{CheckDef, CheckParam, ParamKind, Related, Remediation, SeverityClass, Stage};
use crate::checks::support::{kms_key_matches, string};
use crate::checks::{Check, Outcome, Params};
use crate::observe::Observation;

/// The `logs.kms` check.
pub static CHECK: Check = Check {
    def: CheckDef {
        id: "logs.kms",
        title: "Log group encrypted with KMS",
        description: "OQ. Calls CloudWatch Logs DescribeLogGroups. Passes when kmsKeyId is set and, when \
            kms_key_id is set, equals it (a bare key id matches an ARN ending in key/<id>).",
        stage: Stage::Oq,
        service: "logs",
        resource_types: LOG_GROUP,
        severity: SeverityClass::Security,
        iam_actions: &["logs:DescribeLogGroups"],
        controls: &["21CFR11.10(c)", "21CFR11.30", "Annex11-7", "Annex11-12", "HIPAA-164.312(a)(2)(iv)"],
        remediation: "Terraform aws_cloudwatch_log_group kms_key_id = <key arn>; CloudFormation KmsKeyId; or \
            CloudWatch Logs AssociateKmsKey. The key policy must allow logs.<region>.amazonaws.com.",
        remediation_code: Remediation {
            terraform: "resource \"aws_cloudwatch_log_group\" \"app\" {\n  name       = \"/gxp/app\"\n  kms_key_id = aws_kms_key.logs.arn\n}",
            cloudformation: "KmsKeyId: !GetAtt LogsKey.Arn",
            cli: "aws logs associate-kms-key --log-group-name LOG_GROUP --kms-key-id KEY_ARN",
        },
        related: Related {
            prowler: &["cloudwatch_log_group_kms_encryption_enabled"],
            aws_config: &["cloudwatch-log-group-encrypted"],
        },
        params: &[CheckParam {
            name: "kms_key_id",
            description: "Expected KMS key ARN. When unset any KMS key passes.",
            default: None,
            kind: ParamKind::KmsKey,
        }],
    },
    evaluate,
    #[cfg(test)]
    fixtures: crate::checks::UnitFixtures::Properties {
        pass: r#"{"KmsKeyId": "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"}"#,
        fail: r#"{}"#,
        unreadable: "KmsKeyId",
    },
};

fn evaluate(obs: &Observation, params: &Params) -> Outcome {
    kms(obs, params.text("kms_key_id")).unwrap_or_else(|early| early)
}

fn kms(obs: &Observation, want: Option<&str>) -> Result<Outcome, Outcome> {
    let want = want.map(str::trim).filter(|w| !w.is_empty());
    let expected = match want {
        Some(w) => format!("encrypted with KMS key {w}"),
        None => "encrypted with a KMS key".to_string(),
    };
    Ok(match string(obs, "KmsKeyId", &expected)? {
        None => Outcome::verdict(false, expected, "not configured"),
        Some(key) => Outcome::verdict(
            want.is_none_or(|w| kms_key_matches(key, w)),
            expected,
            format!("encrypted with KMS key {key}"),
        ),
    })
}

#[cfg(test)]
mod tests {
    use crate::checks::logs::fixtures::{obs, run};
    use crate::checks::Status;
    use serde_json::json;

    #[test]
    fn kms() {
        let id = "logs.kms";
        let arn = "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";
        let o = obs(json!({ "KmsKeyId": arn }));
        assert_eq!(run(id, &o, &[]).status, Status::Passed);
        assert_eq!(run(id, &o, &[("kms_key_id", arn)]).status, Status::Passed);
        assert_eq!(
            run(
                id,
                &o,
                &[("kms_key_id", "1234abcd-12ab-34cd-56ef-1234567890ab")]
            )
            .status,
            Status::Passed
        );
        let other = run(
            id,
            &o,
            &[(
                "kms_key_id",
                "arn:aws:kms:us-east-1:111122223333:key/ffffffff-ffff-ffff-ffff-ffffffffffff",
            )],
        );
        assert_eq!(other.status, Status::Failed);
        let none = run(id, &obs(json!({})), &[]);
        assert_eq!(
            (none.status, none.actual.as_str()),
            (Status::Failed, "not configured")
        );
        let mut e = obs(json!({}));
        e.error("KmsKeyId", "denied");
        assert_eq!(run(id, &e, &[]).status, Status::Error);
    }
}
