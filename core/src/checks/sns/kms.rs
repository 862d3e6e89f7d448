//! `sns.kms`: SNS topic encrypted at rest with KMS. Definition, evaluator and unit tests.

use super::TOPIC;
use crate::catalog::{CheckDef, CheckParam, ParamKind, Related, Remediation, SeverityClass, Stage};
use crate::checks::support::{kms_key_matches, string};
use crate::checks::{Check, Outcome, Params};
use crate::observe::Observation;

/// The `sns.kms` check.
pub static CHECK: Check = Check {
    def: CheckDef {
        id: "sns.kms",
        title: "SNS topic encrypted at rest with KMS",
        description: "OQ. Calls SNS GetTopicAttributes. Passes when KmsMasterKeyId is set (any KMS key, \
            alias/aws/sns included) and, when kms_key_id is set, names that key (ids, ARNs and aliases \
            compare as written: a bare key id matches an ARN ending in key/<id>).",
        stage: Stage::Oq,
        service: "sns",
        resource_types: TOPIC,
        severity: SeverityClass::Security,
        iam_actions: &["sns:GetTopicAttributes"],
        controls: &["21CFR11.10(c)", "21CFR11.30", "Annex11-7", "Annex11-12", "HIPAA-164.312(a)(2)(iv)"],
        remediation: "Terraform aws_sns_topic kms_master_key_id = <key arn or alias>; CloudFormation \
            KmsMasterKeyId; or SNS SetTopicAttributes KmsMasterKeyId. Publishers need kms:GenerateDataKey \
            and kms:Decrypt on the key.",
        remediation_code: Remediation {
            terraform: "resource \"aws_sns_topic\" \"alerts\" {\n  name              = \"gxp-alerts\"\n  kms_master_key_id = aws_kms_key.alerts.arn\n}",
            cloudformation: "KmsMasterKeyId: !GetAtt AlertsKey.Arn",
            cli: "aws sns set-topic-attributes --topic-arn TOPIC_ARN --attribute-name KmsMasterKeyId --attribute-value KEY_ARN",
        },
        related: Related {
            prowler: &["sns_topics_kms_encryption_at_rest_enabled"],
            aws_config: &["sns-encrypted-kms"],
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
        pass: r#"{"KmsMasterKeyId": "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"}"#,
        fail: r#"{}"#,
        unreadable: "KmsMasterKeyId",
    },
};

fn evaluate(obs: &Observation, params: &Params) -> Outcome {
    let want = params.text("kms_key_id");
    let expected = match want {
        Some(w) => format!("encrypted with KMS key {w}"),
        None => "encrypted with a KMS key".to_string(),
    };
    match string(obs, "KmsMasterKeyId", &expected) {
        Err(e) => e,
        Ok(None) => Outcome::verdict(false, expected, "not configured"),
        Ok(Some(key)) => Outcome::verdict(
            want.is_none_or(|w| kms_key_matches(key, w)),
            expected,
            format!("encrypted with KMS key {key}"),
        ),
    }
}

#[cfg(test)]
mod tests {
    use crate::checks::testing::{observation, run};
    use crate::checks::Status;
    use serde_json::json;

    const ID: &str = "sns.kms";

    fn topic(props: serde_json::Value) -> crate::observe::Observation {
        observation(
            "AWS::SNS::Topic",
            "arn:aws:sns:us-east-1:111122223333:gxp-alerts",
            props,
        )
    }

    #[test]
    fn kms_passes_with_a_key_and_the_expected_one() {
        let o = topic(json!({"KmsMasterKeyId": "alias/aws/sns"}));
        assert_eq!(run(ID, &o, &[]).status, Status::Passed);
        assert_eq!(
            run(ID, &o, &[("kms_key_id", "alias/aws/sns")]).status,
            Status::Passed
        );
        assert_eq!(
            run(ID, &o, &[("kms_key_id", "alias/gxp")]).status,
            Status::Failed
        );
    }

    #[test]
    fn kms_fails_without_a_key_and_errors_when_unreadable() {
        let none = run(ID, &topic(json!({})), &[]);
        assert_eq!(
            (none.status, none.actual.as_str()),
            (Status::Failed, "not configured")
        );
        let mut e = topic(json!({}));
        e.error("KmsMasterKeyId", "AuthorizationError: denied");
        assert_eq!(run(ID, &e, &[]).status, Status::Error);
    }
}
