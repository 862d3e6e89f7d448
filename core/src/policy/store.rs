//! What filing needs: the evidence store (`evidence/s3.rs`: bucket protection reads, the
//! chain's listing and reads, report writes, SSE-KMS), report signing (`integrity/sign.rs`),
//! notification and the verification of electronic signatures by KMS.

use super::scope::ArnContext;
use super::Grant;
use crate::evidence::s3::normalize_prefix;
use crate::qualification::filing::StoreChoice;

/// The grants of the evidence store `store` (a local store needs none), and notes.
pub fn store_grants(store: &StoreChoice, ctx: &ArnContext) -> (Vec<Grant>, Vec<String>) {
    let mut grants = Vec::new();
    let mut notes = Vec::new();
    let StoreChoice::S3 {
        bucket,
        prefix,
        kms_key_id,
    } = store
    else {
        return (grants, notes);
    };
    let Some(bucket_arn) = ctx.bucket(bucket) else {
        return (grants, notes);
    };
    // No `s3:prefix` Condition on the listing: keys of an evidence bucket are not secret, and
    // moto denies identity statements with a Condition.
    for action in [
        "s3:GetBucketVersioning",
        "s3:GetBucketObjectLockConfiguration",
        "s3:ListBucket",
    ] {
        grants.push(Grant::new("GxpEvidenceBucket", action, &bucket_arn));
    }
    let objects = format!("{bucket_arn}/{}*", normalize_prefix(prefix.as_deref()));
    for action in ["s3:PutObject", "s3:GetObject"] {
        grants.push(Grant::new("GxpEvidenceObjects", action, &objects));
    }
    match kms_key_id.as_deref().filter(|k| !k.trim().is_empty()) {
        Some(key) => {
            let arn = ctx.kms_key(key);
            if arn.is_none() {
                notes.push(format!(
                    "kms:GenerateDataKey and kms:Decrypt for the evidence key {key} are on *: an alias names no key ARN at plan time; give the key id or ARN to scope them"
                ));
            }
            for action in ["kms:GenerateDataKey", "kms:Decrypt"] {
                grants.push(Grant::on(
                    "GxpEvidenceKms",
                    action,
                    arn.clone().unwrap_or_else(|| "*".into()),
                ));
            }
        }
        None => notes.push(format!(
            "if the default encryption of bucket {bucket} is SSE-KMS, also grant kms:GenerateDataKey and kms:Decrypt on its key (or set evidence_store.kms_key_id)"
        )),
    }
    (grants, notes)
}

/// The grants to sign reports with `key` (DescribeKey for its key spec, then Sign).
pub fn signing_grants(key: &str, ctx: &ArnContext) -> (Vec<Grant>, Vec<String>) {
    let arn = ctx.kms_key(key);
    let mut notes = Vec::new();
    if arn.is_none() {
        notes.push(format!(
            "kms:DescribeKey and kms:Sign for the signing key {key} are on *: an alias names no key ARN at plan time; give the key id or ARN to scope them"
        ));
    }
    let resource = arn.unwrap_or_else(|| "*".into());
    let grants = ["kms:DescribeKey", "kms:Sign"]
        .into_iter()
        .map(|a| Grant::on("GxpSignReports", a, resource.clone()))
        .collect();
    (grants, notes)
}

/// The grants to verify electronic signatures with KMS keys `keys` (those without a public
/// key to verify offline).
pub fn verify_grants(keys: &[String], ctx: &ArnContext) -> (Vec<Grant>, Vec<String>) {
    let mut grants = Vec::new();
    let mut notes = Vec::new();
    for key in keys {
        let arn = ctx.kms_key(key);
        if arn.is_none() {
            notes.push(format!(
                "kms:Verify for the signer key {key} is on *: an alias names no key ARN at plan time"
            ));
        }
        grants.push(Grant::on(
            "GxpVerifySignatures",
            "kms:Verify",
            arn.unwrap_or_else(|| "*".into()),
        ));
    }
    (grants, notes)
}

/// The grant to publish the run's notification to `topic_arn`.
pub fn notify_grants(topic_arn: &str) -> Vec<Grant> {
    let resource = if topic_arn.trim().starts_with("arn:") {
        topic_arn.trim().to_string()
    } else {
        "*".to_string()
    };
    vec![Grant::on("GxpNotify", "sns:Publish", resource)]
}
