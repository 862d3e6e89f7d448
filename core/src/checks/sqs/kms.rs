//! `sqs.kms`: SQS queue encrypted with a KMS key. Definition, evaluator and unit tests.
//!
//! SQS offers two server-side encryptions: SSE-KMS (`KmsMasterKeyId`, a key whose policy and
//! CloudTrail record of use the customer controls) and SSE-SQS (`SqsManagedSseEnabled`, keys
//! owned by SQS). The GxP mappings (Prowler's `sqs_queues_server_side_encryption_enabled`)
//! ask for KMS, so SSE-SQS fails unless `allow_sqs_managed_sse` is true.

use super::QUEUE;
use crate::catalog::{CheckDef, CheckParam, ParamKind, Related, Remediation, SeverityClass, Stage};
use crate::checks::support::{boolean, kms_key_matches, string};
use crate::checks::{Check, Outcome, Params};
use crate::observe::Observation;

/// The `sqs.kms` check.
pub static CHECK: Check = Check {
    def: CheckDef {
        id: "sqs.kms",
        title: "SQS queue encrypted with a KMS key",
        description: "OQ. Calls SQS GetQueueAttributes. Passes when KmsMasterKeyId is set (SSE-KMS) and, \
            when kms_key_id is set, names that key. SQS-managed encryption (SqsManagedSseEnabled, keys \
            owned by SQS) passes only with allow_sqs_managed_sse = true.",
        stage: Stage::Oq,
        service: "sqs",
        resource_types: QUEUE,
        severity: SeverityClass::Security,
        iam_actions: &["sqs:GetQueueAttributes"],
        controls: &["21CFR11.10(c)", "21CFR11.30", "Annex11-7", "Annex11-12", "HIPAA-164.312(a)(2)(iv)"],
        remediation: "Terraform aws_sqs_queue kms_master_key_id = <key arn or alias>; CloudFormation \
            KmsMasterKeyId; or SQS SetQueueAttributes KmsMasterKeyId. Producers need kms:GenerateDataKey \
            and consumers kms:Decrypt on the key.",
        remediation_code: Remediation {
            terraform: "resource \"aws_sqs_queue\" \"events\" {\n  name              = \"gxp-events\"\n  kms_master_key_id = aws_kms_key.events.arn\n}",
            cloudformation: "KmsMasterKeyId: !GetAtt EventsKey.Arn",
            cli: "aws sqs set-queue-attributes --queue-url QUEUE_URL --attributes KmsMasterKeyId=KEY_ARN",
        },
        related: Related {
            prowler: &["sqs_queues_server_side_encryption_enabled"],
            aws_config: &[],
        },
        params: &[
            CheckParam {
                name: "kms_key_id",
                description: "Expected KMS key. When unset any KMS key passes.",
                default: None,
                kind: ParamKind::KmsKey,
            },
            CheckParam {
                name: "allow_sqs_managed_sse",
                description: "Whether SQS-managed server-side encryption (SSE-SQS) also passes.",
                default: Some("false"),
                kind: ParamKind::Boolean,
            },
        ],
    },
    evaluate,
    #[cfg(test)]
    fixtures: crate::checks::UnitFixtures::Properties {
        pass: r#"{"KmsMasterKeyId": "alias/gxp-events", "SqsManagedSseEnabled": false}"#,
        fail: r#"{"SqsManagedSseEnabled": true}"#,
        unreadable: "KmsMasterKeyId",
    },
};

fn evaluate(obs: &Observation, params: &Params) -> Outcome {
    kms(
        obs,
        params.text("kms_key_id"),
        params.boolean("allow_sqs_managed_sse").unwrap_or(false),
    )
    .unwrap_or_else(|early| early)
}

fn kms(obs: &Observation, want: Option<&str>, allow_sse_sqs: bool) -> Result<Outcome, Outcome> {
    let expected = match (want, allow_sse_sqs) {
        (Some(w), _) => format!("encrypted with KMS key {w}"),
        (None, false) => "encrypted with a KMS key".to_string(),
        (None, true) => "encrypted with a KMS key or SQS-managed keys".to_string(),
    };
    if let Some(key) = string(obs, "KmsMasterKeyId", &expected)? {
        return Ok(Outcome::verdict(
            want.is_none_or(|w| kms_key_matches(key, w)),
            expected,
            format!("encrypted with KMS key {key}"),
        ));
    }
    Ok(match boolean(obs, "SqsManagedSseEnabled", &expected)? {
        Some(true) => Outcome::verdict(
            allow_sse_sqs && want.is_none(),
            expected,
            "SQS-managed encryption (SSE-SQS)",
        ),
        _ => Outcome::verdict(false, expected, "not encrypted"),
    })
}

#[cfg(test)]
mod tests {
    use crate::checks::testing::{observation, run};
    use crate::checks::Status;
    use serde_json::json;

    const ID: &str = "sqs.kms";

    fn queue(props: serde_json::Value) -> crate::observe::Observation {
        observation(
            "AWS::SQS::Queue",
            "https://sqs.us-east-1.amazonaws.com/111122223333/q",
            props,
        )
    }

    #[test]
    fn kms_passes_with_a_key_and_the_expected_one() {
        let o = queue(json!({"KmsMasterKeyId": "alias/gxp", "SqsManagedSseEnabled": false}));
        assert_eq!(run(ID, &o, &[]).status, Status::Passed);
        assert_eq!(
            run(ID, &o, &[("kms_key_id", "alias/gxp")]).status,
            Status::Passed
        );
        assert_eq!(
            run(ID, &o, &[("kms_key_id", "alias/other")]).status,
            Status::Failed
        );
    }

    #[test]
    fn sse_sqs_passes_only_when_allowed() {
        let o = queue(json!({"SqsManagedSseEnabled": true}));
        let default = run(ID, &o, &[]);
        assert_eq!(
            (default.status, default.actual.as_str()),
            (Status::Failed, "SQS-managed encryption (SSE-SQS)")
        );
        assert_eq!(
            run(ID, &o, &[("allow_sqs_managed_sse", "true")]).status,
            Status::Passed
        );
        assert_eq!(
            run(
                ID,
                &o,
                &[
                    ("allow_sqs_managed_sse", "true"),
                    ("kms_key_id", "alias/gxp")
                ]
            )
            .status,
            Status::Failed
        );
        let plain = run(
            ID,
            &queue(json!({"SqsManagedSseEnabled": false})),
            &[("allow_sqs_managed_sse", "true")],
        );
        assert_eq!(
            (plain.status, plain.actual.as_str()),
            (Status::Failed, "not encrypted")
        );
        assert_eq!(
            run(ID, &o, &[("allow_sqs_managed_sse", "maybe")]).status,
            Status::Error
        );
    }

    #[test]
    fn kms_unreadable_is_an_error() {
        let mut e = queue(json!({}));
        e.error("KmsMasterKeyId", "AccessDenied");
        assert_eq!(run(ID, &e, &[]).status, Status::Error);
    }
}
