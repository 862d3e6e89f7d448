//! Evidence in an S3 bucket.
//!
//! Objects are written with `If-None-Match: *`, so an existing object is never replaced (S3
//! answers 412 `PreconditionFailed`, reported as [`StoreError::AlreadyExists`]). Every PUT
//! carries a SHA-256 checksum, which S3 verifies and which buckets with an Object Lock default
//! retention require; with a KMS key configured, objects are encrypted with SSE-KMS under it.
//! [`S3Store::protection`] reads versioning and the Object Lock configuration of the bucket.
//! Reads ask for that checksum (the SDK then checks the body against it) and compare the
//! bytes received with the object's length, so a read cut short is an error, never evidence.

use async_trait::async_trait;
use aws_sdk_s3::error::SdkError;
use aws_sdk_s3::primitives::ByteStream;
use aws_sdk_s3::types::{
    BucketVersioningStatus, ChecksumAlgorithm, ChecksumMode, ObjectLockEnabled,
    ServerSideEncryption,
};
use aws_smithy_runtime_api::http::Response as HttpResponse;
use aws_smithy_types::error::metadata::ProvideErrorMetadata;

use super::{EvidenceStore, Filed, Protection, StoreError};
use crate::aws::{classify, AwsContext, AwsErrorKind};

/// Key prefix used when none is configured.
pub const DEFAULT_PREFIX: &str = "gxp-evidence/";

/// An S3 bucket (and key prefix) evidence is filed in.
#[derive(Debug, Clone)]
pub struct S3Store {
    client: aws_sdk_s3::Client,
    bucket: String,
    prefix: String,
    kms_key_id: Option<String>,
}

impl S3Store {
    /// A store in `bucket` under `prefix` (default [`DEFAULT_PREFIX`]); objects are encrypted
    /// with SSE-KMS under `kms_key_id` when given.
    pub fn new(
        aws: &AwsContext,
        bucket: impl Into<String>,
        prefix: Option<String>,
        kms_key_id: Option<String>,
    ) -> S3Store {
        S3Store {
            client: aws.s3(),
            bucket: bucket.into(),
            prefix: normalize_prefix(prefix.as_deref()),
            kms_key_id: kms_key_id.filter(|k| !k.is_empty()),
        }
    }

    /// The bucket name.
    pub fn bucket(&self) -> &str {
        &self.bucket
    }

    /// The normalised key prefix (empty or ending with `/`).
    pub fn prefix(&self) -> &str {
        &self.prefix
    }

    /// The KMS key objects are encrypted with, if any.
    pub fn kms_key_id(&self) -> Option<&str> {
        self.kms_key_id.as_deref()
    }

    fn object_key(&self, key: &str) -> String {
        format!("{}{}", self.prefix, key)
    }

    /// `Unavailable` for a failed bucket-level call, naming the usual causes.
    fn bucket_error<E>(&self, action: &str, err: &SdkError<E, HttpResponse>) -> StoreError
    where
        E: ProvideErrorMetadata + std::error::Error + 'static,
    {
        let c = classify(err);
        let why = match (c.kind, c.code.as_deref()) {
            (_, Some("NoSuchBucket")) => format!("bucket {} does not exist", self.bucket),
            (AwsErrorKind::AccessDenied, _) => {
                format!("access denied to {action} of bucket {}", self.bucket)
            }
            _ => format!("cannot {action} of bucket {}", self.bucket),
        };
        StoreError::Unavailable(format!("{why} ({c})"))
    }
}

impl S3Store {
    /// The versioning status of the bucket (`Enabled`, `Suspended`; `None` if never enabled).
    async fn versioning_status(&self) -> Result<Option<String>, StoreError> {
        match self
            .client
            .get_bucket_versioning()
            .bucket(&self.bucket)
            .send()
            .await
        {
            Ok(out) => Ok(out.status().map(|s| s.as_str().to_string())),
            Err(e) => {
                let lenient =
                    crate::aws::s3_compat::misnamed_versioning_answer(&e).map(|v| v.status);
                lenient.ok_or_else(|| self.bucket_error("read the versioning", &e))
            }
        }
    }
}

/// Normalise a key prefix: no leading `/`, a trailing `/` unless empty;
/// `None` gives [`DEFAULT_PREFIX`].
pub fn normalize_prefix(prefix: Option<&str>) -> String {
    let Some(p) = prefix else {
        return DEFAULT_PREFIX.to_string();
    };
    let p = p.trim_start_matches('/');
    if p.is_empty() || p.ends_with('/') {
        p.to_string()
    } else {
        format!("{p}/")
    }
}

/// Human-readable summary of a bucket's protection.
pub fn protection_summary(
    versioning: Option<&str>,
    object_lock: bool,
    mode: Option<&str>,
    days: Option<i64>,
    years: Option<i64>,
) -> String {
    let versioning = match versioning {
        Some(v) if !v.is_empty() => format!("S3 versioning {v}"),
        _ => "S3 versioning never enabled".to_string(),
    };
    let lock = if !object_lock {
        "Object Lock not enabled".to_string()
    } else {
        let period = match (days, years) {
            (Some(d), _) => format!(" {d} days"),
            (None, Some(y)) => format!(" {y} years"),
            (None, None) => String::new(),
        };
        match mode {
            Some(m) => format!("Object Lock {m}{period}"),
            None => "Object Lock enabled without default retention".to_string(),
        }
    };
    format!("{versioning} + {lock}")
}

/// A read that delivered fewer (or more) bytes than the object's `Content-Length` is an error.
fn check_length(location: &str, expected: Option<i64>, got: usize) -> Result<(), StoreError> {
    match expected {
        Some(n) if usize::try_from(n).ok() != Some(got) => Err(StoreError::Unavailable(format!(
            "cannot read {location}: {got} bytes received of {n} (the read was cut short)"
        ))),
        _ => Ok(()),
    }
}

/// Whether a failed PUT was refused because the key is taken.
fn is_conflict(status: Option<u16>, code: Option<&str>) -> bool {
    matches!(status, Some(412))
        || matches!(
            code,
            Some("PreconditionFailed" | "ConditionalRequestConflict")
        )
}

#[async_trait]
impl EvidenceStore for S3Store {
    fn describe(&self) -> String {
        format!("s3://{}/{}", self.bucket, self.prefix)
    }

    async fn protection(&self) -> Result<Protection, StoreError> {
        let status = self.versioning_status().await?;
        let versioning_on = status.as_deref() == Some(BucketVersioningStatus::Enabled.as_str());

        let lock = match self
            .client
            .get_object_lock_configuration()
            .bucket(&self.bucket)
            .send()
            .await
        {
            Ok(out) => out.object_lock_configuration,
            Err(e) if e.code() == Some("ObjectLockConfigurationNotFoundError") => None,
            Err(e) => return Err(self.bucket_error("read the Object Lock configuration", &e)),
        };
        let lock_on = lock
            .as_ref()
            .and_then(|l| l.object_lock_enabled())
            .is_some_and(|e| *e == ObjectLockEnabled::Enabled);
        let retention = lock
            .as_ref()
            .and_then(|l| l.rule())
            .and_then(|r| r.default_retention());
        let mode = retention
            .and_then(|r| r.mode())
            .map(|m| m.as_str().to_string());
        let days = retention.and_then(|r| r.days()).map(i64::from);
        let years = retention.and_then(|r| r.years()).map(i64::from);
        let summary = protection_summary(status.as_deref(), lock_on, mode.as_deref(), days, years);
        Ok(Protection {
            versioning: versioning_on,
            object_lock_mode: if lock_on { mode } else { None },
            object_lock: lock_on,
            retention_days: days.or(years.map(|y| y * 365)),
            summary,
        })
    }

    async fn put_new(
        &self,
        key: &str,
        body: &[u8],
        content_type: &str,
    ) -> Result<Filed, StoreError> {
        let location = self.location_of(key);
        let mut request = self
            .client
            .put_object()
            .bucket(&self.bucket)
            .key(self.object_key(key))
            .body(ByteStream::from(body.to_vec()))
            .content_type(content_type)
            .if_none_match("*")
            .checksum_algorithm(ChecksumAlgorithm::Sha256);
        if let Some(kms) = &self.kms_key_id {
            request = request
                .server_side_encryption(ServerSideEncryption::AwsKms)
                .ssekms_key_id(kms);
        }
        match request.send().await {
            Ok(out) => Ok(Filed {
                location,
                version_id: out.version_id,
            }),
            Err(e) => {
                let status = e.raw_response().map(|r| r.status().as_u16());
                if is_conflict(status, e.code()) {
                    Err(StoreError::AlreadyExists(location))
                } else {
                    Err(StoreError::Unavailable(format!(
                        "cannot write {location}: {}",
                        classify(&e)
                    )))
                }
            }
        }
    }

    async fn get(&self, key: &str) -> Result<Vec<u8>, StoreError> {
        let location = self.location_of(key);
        let out = match self
            .client
            .get_object()
            .bucket(&self.bucket)
            .key(self.object_key(key))
            // S3 answers with the SHA-256 the object was filed with; the SDK checks the body
            // against it, so a body cut short (even with a matching length) is an error.
            .checksum_mode(ChecksumMode::Enabled)
            .send()
            .await
        {
            Ok(out) => out,
            Err(e) if e.code() == Some("NoSuchKey") => return Err(StoreError::NotFound(location)),
            Err(e) => {
                return Err(StoreError::Unavailable(format!(
                    "cannot read {location}: {}",
                    classify(&e)
                )))
            }
        };
        let expected = out.content_length();
        let body = out
            .body
            .collect()
            .await
            .map_err(|e| StoreError::Unavailable(format!("cannot read {location}: {e}")))?
            .into_bytes()
            .to_vec();
        check_length(&location, expected, body.len())?;
        Ok(body)
    }

    async fn list(&self, prefix: &str) -> Result<Vec<String>, StoreError> {
        let mut pages = self
            .client
            .list_objects_v2()
            .bucket(&self.bucket)
            .prefix(self.object_key(prefix))
            .into_paginator()
            .send();
        let mut keys = Vec::new();
        while let Some(page) = pages.next().await {
            let page = page.map_err(|e| self.bucket_error("list the objects", &e))?;
            keys.extend(
                page.contents()
                    .iter()
                    .filter_map(|o| o.key())
                    .filter_map(|k| k.strip_prefix(self.prefix.as_str()))
                    .map(str::to_string),
            );
        }
        keys.sort();
        Ok(keys)
    }

    fn location_of(&self, key: &str) -> String {
        format!("s3://{}/{}", self.bucket, self.object_key(key))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefixes_are_normalised() {
        assert_eq!(normalize_prefix(None), "gxp-evidence/");
        assert_eq!(normalize_prefix(Some("reports")), "reports/");
        assert_eq!(normalize_prefix(Some("/a/b/")), "a/b/");
        assert_eq!(normalize_prefix(Some("")), "");
        assert_eq!(normalize_prefix(Some("/")), "");
    }

    #[test]
    fn summaries_read_well() {
        assert_eq!(
            protection_summary(Some("Enabled"), true, Some("COMPLIANCE"), Some(2555), None),
            "S3 versioning Enabled + Object Lock COMPLIANCE 2555 days"
        );
        assert_eq!(
            protection_summary(Some("Enabled"), true, Some("GOVERNANCE"), None, Some(7)),
            "S3 versioning Enabled + Object Lock GOVERNANCE 7 years"
        );
        assert_eq!(
            protection_summary(Some("Enabled"), true, None, None, None),
            "S3 versioning Enabled + Object Lock enabled without default retention"
        );
        assert_eq!(
            protection_summary(None, false, None, None, None),
            "S3 versioning never enabled + Object Lock not enabled"
        );
        assert_eq!(
            protection_summary(Some("Suspended"), false, None, None, None),
            "S3 versioning Suspended + Object Lock not enabled"
        );
    }

    #[test]
    fn short_reads_are_errors() {
        assert_eq!(check_length("s3://b/k", Some(3), 3), Ok(()));
        assert_eq!(check_length("s3://b/k", None, 3), Ok(()));
        assert!(check_length("s3://b/k", Some(10), 4)
            .unwrap_err()
            .to_string()
            .contains("4 bytes received of 10"));
    }

    /// An S3 endpoint serving `body` for every GetObject, with `checksum` as its SHA-256.
    async fn serving(
        body: &'static [u8],
        checksum: &[u8],
    ) -> crate::aws::fake_endpoint::FakeEndpoint {
        use crate::aws::fake_endpoint::{Answer, FakeEndpoint};
        use aws_smithy_types::base64;
        use sha2::Digest;
        let sum = base64::encode(sha2::Sha256::digest(checksum));
        FakeEndpoint::start(move |_| {
            let mut a = Answer::new(200, "application/json", body);
            a.headers
                .push(("x-amz-checksum-sha256".into(), sum.clone()));
            a
        })
        .await
    }

    #[tokio::test]
    async fn a_report_read_cut_short_is_an_error() {
        let full = br#"{"format":"gxp.report/v1","report_id":"r1"}"#;
        let endpoint = serving(full, full).await;
        let aws = endpoint.context(1).await;
        let store = S3Store::new(&aws, "ev", None, None);
        assert_eq!(store.get("r1.json").await.unwrap(), full);
        assert_eq!(
            endpoint.requests()[0].header("x-amz-checksum-mode"),
            Some("ENABLED")
        );

        // The same answer cut to half, with a matching Content-Length.
        let endpoint = serving(&full[..full.len() / 2], full).await;
        let aws = endpoint.context(1).await;
        let store = S3Store::new(&aws, "ev", None, None);
        let err = store.get("r1.json").await.unwrap_err();
        assert!(
            matches!(&err, StoreError::Unavailable(m) if m.contains("cannot read s3://ev/gxp-evidence/r1.json")),
            "{err}"
        );
    }

    #[test]
    fn conflicts_are_recognised() {
        assert!(is_conflict(Some(412), None));
        assert!(is_conflict(Some(409), Some("ConditionalRequestConflict")));
        assert!(is_conflict(None, Some("PreconditionFailed")));
        assert!(!is_conflict(Some(403), Some("AccessDenied")));
        assert!(!is_conflict(Some(500), None));
    }
}
