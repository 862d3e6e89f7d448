//! `s3.encryption`: Bucket default encryption uses KMS. Definition, evaluator and unit tests.

use super::{param, str_at, Eval, BUCKET_TYPES};
use crate::catalog::{CheckDef, CheckParam, ParamKind, Related, Remediation, SeverityClass, Stage};
use crate::checks::{support, Check, Outcome, Params};
use crate::observe::Observation;
use serde_json::Value as Json;

/// The `s3.encryption` check.
pub static CHECK: Check = Check {
    def: CheckDef {
        id: "s3.encryption",
        title: "Bucket default encryption uses KMS",
        description: "OQ. Calls S3 GetBucketEncryption. Passes when a rule's ApplyServerSideEncryptionByDefault \
            has SSEAlgorithm aws:kms (or aws:kms:dsse) and, when kms_key_id is set, its KMSMasterKeyID equals \
            kms_key_id (a bare key id matches an ARN ending in key/<id>; aliases are resolved with KMS \
            DescribeKey). SSE-S3 (AES256) or no encryption configuration fails.",
        stage: Stage::Oq,
        service: "s3",
        resource_types: BUCKET_TYPES,
        severity: SeverityClass::Security,
        iam_actions: &["s3:GetEncryptionConfiguration", "kms:DescribeKey"],
        controls: &["21CFR11.10(c)", "21CFR11.30", "Annex11-7", "Annex11-12", "HIPAA-164.312(a)(2)(iv)"],
        remediation: "Set default encryption to SSE-KMS with the approved key: Terraform \
            aws_s3_bucket_server_side_encryption_configuration { rule { apply_server_side_encryption_by_default \
            { sse_algorithm = \"aws:kms\", kms_master_key_id = <key arn> } bucket_key_enabled = true } }, or \
            CloudFormation BucketEncryption.ServerSideEncryptionConfiguration, or S3 PutBucketEncryption.",
        remediation_code: Remediation {
            terraform: "resource \"aws_s3_bucket_server_side_encryption_configuration\" \"records\" {\n  bucket = aws_s3_bucket.records.id\n  rule {\n    apply_server_side_encryption_by_default {\n      sse_algorithm     = \"aws:kms\"\n      kms_master_key_id = aws_kms_key.records.arn\n    }\n    bucket_key_enabled = true\n  }\n}",
            cloudformation: "BucketEncryption:\n  ServerSideEncryptionConfiguration:\n    - ServerSideEncryptionByDefault:\n        SSEAlgorithm: aws:kms\n        KMSMasterKeyID: !GetAtt RecordsKey.Arn\n      BucketKeyEnabled: true",
            cli: "aws s3api put-bucket-encryption --bucket BUCKET --server-side-encryption-configuration \\\n  '{\"Rules\":[{\"ApplyServerSideEncryptionByDefault\":{\"SSEAlgorithm\":\"aws:kms\",\"KMSMasterKeyID\":\"KEY_ARN\"},\"BucketKeyEnabled\":true}]}'",
        },
        related: Related {
            prowler: &["s3_bucket_default_encryption", "s3_bucket_kms_encryption"],
            aws_config: &["s3-default-encryption-kms", "s3-bucket-server-side-encryption-enabled"],
        },
        params: &[CheckParam {
            name: "kms_key_id",
            description: "Expected KMS key (key id, key ARN or alias ARN). When set, the bucket's default key \
                must be this key; when unset any KMS key passes.",
            default: None,
            kind: ParamKind::KmsKey,
        }],
    },
    evaluate,
    #[cfg(test)]
    fixtures: crate::checks::UnitFixtures::Properties {
        pass: r#"{"BucketEncryption": {"ServerSideEncryptionConfiguration": [{"ServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms"}}]}}"#,
        fail: r#"{"BucketEncryption": {"ServerSideEncryptionConfiguration": [{"ServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}]}}"#,
        unreadable: "BucketEncryption",
    },
};

fn evaluate(obs: &Observation, params: &Params) -> Outcome {
    encryption(obs, params).unwrap_or_else(|early| early)
}

/// Default encryption is aws:kms (or aws:kms:dsse), with the expected key when set.
fn encryption(obs: &Observation, params: &Params) -> Eval {
    let want = param(params, "kms_key_id");
    let expected = match want {
        Some(k) => format!("aws:kms with key {k}"),
        None => "aws:kms".to_string(),
    };
    let rules = support::property(
        obs,
        "BucketEncryption.ServerSideEncryptionConfiguration",
        &expected,
    )?
    .and_then(Json::as_array)
    .filter(|r| !r.is_empty());
    let Some(rules) = rules else {
        return Ok(Outcome::verdict(false, expected, "not configured"));
    };
    let mut seen = Vec::new();
    let mut undecided = None;
    for rule in rules {
        let algorithm = str_at(rule, "/ServerSideEncryptionByDefault/SSEAlgorithm");
        let key = str_at(rule, "/ServerSideEncryptionByDefault/KMSMasterKeyID");
        let is_kms = matches!(algorithm, Some("aws:kms" | "aws:kms:dsse"));
        seen.push(match (algorithm, key) {
            (None, _) => "no default encryption".to_string(),
            (Some(a), Some(k)) if is_kms => format!("{a} with key {k}"),
            (Some(a), None) if is_kms => format!("{a} with the AWS managed key aws/s3"),
            (Some(a), _) => a.to_string(),
        });
        if !is_kms {
            continue;
        }
        match (want, key) {
            (None, _) => {
                return Ok(Outcome::verdict(
                    true,
                    expected,
                    seen.pop().unwrap_or_default(),
                ))
            }
            (Some(_), None) => {}
            (Some(w), Some(k)) => match key_matches(obs, k, w) {
                Ok(true) => {
                    return Ok(Outcome::verdict(
                        true,
                        expected,
                        seen.pop().unwrap_or_default(),
                    ))
                }
                Ok(false) => {}
                Err(why) => undecided = Some(why),
            },
        }
    }
    if let Some(why) = undecided {
        return Err(Outcome::error(expected, why));
    }
    Ok(Outcome::verdict(false, expected, seen.join("; ")))
}

/// Whether the bucket's key reference matches the expected one, resolving aliases through
/// `KmsKeyAliases`; `Err` when an alias could not be resolved.
fn key_matches(obs: &Observation, actual: &str, expected: &str) -> Result<bool, String> {
    if support::kms_key_matches(actual, expected) {
        return Ok(true);
    }
    let resolve = |reference: &str| -> Result<String, String> {
        if !reference.contains("alias/") {
            return Ok(reference.to_string());
        }
        let key = obs
            .get("KmsKeyAliases")
            .and_then(|m| m.get(reference))
            .and_then(Json::as_str);
        match (key, obs.error_for("KmsKeyAliases")) {
            (Some(k), _) => Ok(k.to_string()),
            (None, Some(err)) => Err(err.to_string()),
            (None, None) => Err(format!("KMS alias {reference} was not resolved to a key")),
        }
    };
    Ok(support::kms_key_matches(
        &resolve(actual)?,
        &resolve(expected)?,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::s3::fixtures::{bucket, errored, run};
    use crate::checks::Status;
    use serde_json::json;

    fn sse(alg: &str, key: Option<&str>) -> Json {
        let mut d = json!({"SSEAlgorithm": alg});
        if let Some(k) = key {
            d["KMSMasterKeyID"] = json!(k);
        }
        json!({"BucketEncryption": {"ServerSideEncryptionConfiguration": [
            {"ServerSideEncryptionByDefault": d, "BucketKeyEnabled": true}]}})
    }

    const KEY_ARN: &str =
        "arn:aws:kms:us-east-1:111122223333:key/1111aaaa-2222-3333-4444-555566667777";

    #[test]
    fn encryption_passes_for_kms_and_matching_key() {
        let o = bucket(sse("aws:kms", Some(KEY_ARN)));
        let r = run("s3.encryption", &o, &[]);
        assert_eq!(r.status, Status::Passed);
        assert_eq!(r.actual, format!("aws:kms with key {KEY_ARN}"));
        let r = run(
            "s3.encryption",
            &o,
            &[("kms_key_id", "1111aaaa-2222-3333-4444-555566667777")],
        );
        assert_eq!(
            (r.status, r.expected.as_str()),
            (
                Status::Passed,
                "aws:kms with key 1111aaaa-2222-3333-4444-555566667777"
            )
        );
        let dsse = bucket(sse("aws:kms:dsse", None));
        assert_eq!(run("s3.encryption", &dsse, &[]).status, Status::Passed);
    }

    #[test]
    fn encryption_fails_for_sse_s3_other_key_managed_key_or_none() {
        let r = run("s3.encryption", &bucket(sse("AES256", None)), &[]);
        assert_eq!((r.status, r.actual.as_str()), (Status::Failed, "AES256"));
        let other = bucket(sse("aws:kms", Some(KEY_ARN)));
        let r = run(
            "s3.encryption",
            &other,
            &[("kms_key_id", "9999aaaa-9999-9999-9999-999999999999")],
        );
        assert_eq!(r.status, Status::Failed);
        let managed = bucket(sse("aws:kms", None));
        let r = run("s3.encryption", &managed, &[("kms_key_id", KEY_ARN)]);
        assert_eq!(r.status, Status::Failed);
        assert!(r.actual.contains("AWS managed key"));
        let r = run("s3.encryption", &bucket(json!({})), &[]);
        assert_eq!(
            (r.status, r.actual.as_str()),
            (Status::Failed, "not configured")
        );
    }

    #[test]
    fn encryption_resolves_aliases_and_errors_when_it_cannot() {
        let mut o = bucket(sse("aws:kms", Some("alias/gxp")));
        o.set("KmsKeyAliases", json!({"alias/gxp": KEY_ARN}));
        let r = run(
            "s3.encryption",
            &o,
            &[("kms_key_id", "1111aaaa-2222-3333-4444-555566667777")],
        );
        assert_eq!(r.status, Status::Passed);
        let r = run(
            "s3.encryption",
            &o,
            &[("kms_key_id", "3333aaaa-3333-3333-3333-333333333333")],
        );
        assert_eq!(r.status, Status::Failed);

        let mut o = bucket(sse("aws:kms", Some(KEY_ARN)));
        o.error(
            "KmsKeyAliases",
            "KMS DescribeKey alias/gxp: NotFoundException",
        );
        let r = run("s3.encryption", &o, &[("kms_key_id", "alias/gxp")]);
        assert_eq!(r.status, Status::Error);
        let o = bucket(sse("aws:kms", Some(KEY_ARN)));
        let r = run("s3.encryption", &o, &[("kms_key_id", "alias/gxp")]);
        assert_eq!(r.status, Status::Error);
        // An alias matches itself without resolution.
        let o = bucket(sse("aws:kms", Some("arn:aws:kms:us-east-1:1:alias/gxp")));
        let r = run("s3.encryption", &o, &[("kms_key_id", "alias/gxp")]);
        assert_eq!(r.status, Status::Passed);
    }

    #[test]
    fn encryption_read_error_is_error() {
        assert_eq!(
            errored("s3.encryption", "BucketEncryption", &[]).status,
            Status::Error
        );
    }
}
