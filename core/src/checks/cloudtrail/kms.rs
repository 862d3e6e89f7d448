//! `cloudtrail.kms`: CloudTrail log files encrypted with KMS. Definition, evaluator and unit
//! tests.

use super::TRAIL;
use crate::catalog::{CheckDef, CheckParam, ParamKind, Related, Remediation, SeverityClass, Stage};
use crate::checks::support::{kms_key_matches, string};
use crate::checks::{Check, Outcome, Params};
use crate::observe::Observation;

/// The `cloudtrail.kms` check.
pub static CHECK: Check = Check {
    def: CheckDef {
        id: "cloudtrail.kms",
        title: "CloudTrail log files encrypted with KMS",
        description: "OQ. Calls CloudTrail DescribeTrails. Passes when KmsKeyId is set (SSE-KMS for delivered \
            log files) and, when kms_key_id is set, equals it (a bare key id matches an ARN ending in key/<id>).",
        stage: Stage::Oq,
        service: "cloudtrail",
        resource_types: TRAIL,
        severity: SeverityClass::Security,
        iam_actions: &["cloudtrail:DescribeTrails"],
        controls: &[
            "21CFR11.10(c)",
            "21CFR11.10(e)",
            "21CFR11.30",
            "Annex11-7",
            "Annex11-9",
            "HIPAA-164.312(a)(2)(iv)",
        ],
        remediation: "Terraform aws_cloudtrail kms_key_id = <key arn>; CloudFormation KMSKeyId; or CloudTrail \
            UpdateTrail --kms-key-id. The key policy must allow cloudtrail.amazonaws.com kms:GenerateDataKey*.",
        remediation_code: Remediation {
            terraform: "resource \"aws_cloudtrail\" \"audit\" {\n  # ...\n  kms_key_id = aws_kms_key.trail.arn\n}",
            cloudformation: "KMSKeyId: !GetAtt TrailKey.Arn",
            cli: "aws cloudtrail update-trail --name TRAIL --kms-key-id KEY_ARN",
        },
        related: Related {
            prowler: &["cloudtrail_kms_encryption_enabled"],
            aws_config: &["cloud-trail-encryption-enabled"],
        },
        params: &[CheckParam {
            name: "kms_key_id",
            description: "Expected KMS key (key id or ARN). When unset any KMS key passes.",
            default: None,
            kind: ParamKind::KmsKey,
        }],
    },
    evaluate,
    #[cfg(test)]
    fixtures: crate::checks::UnitFixtures::Properties {
        pass: r#"{"KMSKeyId": "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"}"#,
        fail: r#"{}"#,
        unreadable: "KMSKeyId",
    },
};

fn evaluate(obs: &Observation, params: &Params) -> Outcome {
    kms(obs, params.text("kms_key_id")).unwrap_or_else(|early| early)
}

fn kms(obs: &Observation, want: Option<&str>) -> Result<Outcome, Outcome> {
    let want = want.filter(|w| !w.trim().is_empty());
    let expected = match want {
        Some(w) => format!("SSE-KMS with key {w}"),
        None => "SSE-KMS with any key".to_string(),
    };
    Ok(match string(obs, "KMSKeyId", &expected)? {
        None => Outcome::verdict(false, expected, "not configured"),
        Some(key) => {
            let ok = want.is_none_or(|w| kms_key_matches(key, w));
            Outcome::verdict(ok, expected, format!("SSE-KMS with key {key}"))
        }
    })
}

#[cfg(test)]
mod tests {
    use crate::checks::cloudtrail::fixtures::{obs, run, status};
    use crate::checks::Status;
    use serde_json::json;

    #[test]
    fn kms() {
        let id = "cloudtrail.kms";
        let arn = "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";
        let o = obs(json!({ "KMSKeyId": arn }));
        assert_eq!(status(id, &o, &[]), Status::Passed);
        assert_eq!(
            status(
                id,
                &o,
                &[("kms_key_id", "1234abcd-12ab-34cd-56ef-1234567890ab")]
            ),
            Status::Passed
        );
        assert_eq!(status(id, &o, &[("kms_key_id", arn)]), Status::Passed);
        let out = run(id, &o, &[("kms_key_id", "alias/other")]);
        assert_eq!(out.status, Status::Failed);
        assert_eq!(out.expected, "SSE-KMS with key alias/other");
        // Not a key reference at all: the check is not evaluated.
        let out = run(id, &o, &[("kms_key_id", "other")]);
        assert_eq!(out.status, Status::Error, "{out:?}");
        let none = run(id, &obs(json!({})), &[]);
        assert_eq!(
            (none.status, none.actual.as_str()),
            (Status::Failed, "not configured")
        );
        let mut e = obs(json!({}));
        e.error("KMSKeyId", "denied");
        assert_eq!(status(id, &e, &[]), Status::Error);
    }
}
