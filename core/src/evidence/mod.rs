//! Evidence stores: where reports are filed so they cannot be altered.
//!
//! - [`s3::S3Store`]: an S3 bucket that must have versioning and Object Lock (checked before
//!   every filing unless explicitly allowed otherwise); objects are written with
//!   `If-None-Match: *` so nothing is ever overwritten, and with SSE-KMS when configured.
//! - [`local::LocalStore`]: a local directory for offline use; files are created exclusively.
//! - [`spool::Spool`]: a local holding area for reports that could not be filed; the next
//!   apply files them first.
//!
//! Keys are partitioned for bulk query engines (Athena, Spark):
//! `PREFIX/application=APP/environment=ENV/date=YYYY-MM-DD/QUALIFICATION/REPORT_ID.EXT`.

pub mod local;
pub mod s3;
pub mod spool;

use async_trait::async_trait;
use serde::{Deserialize, Serialize};

/// How well a store protects what is filed in it.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Default)]
pub struct Protection {
    pub versioning: bool,
    /// Object Lock default retention mode (`COMPLIANCE`, `GOVERNANCE`), when Object Lock is on.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub object_lock_mode: Option<String>,
    /// Whether Object Lock is enabled on the bucket at all.
    pub object_lock: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retention_days: Option<i64>,
    /// Human-readable summary (e.g. "S3 versioning + Object Lock COMPLIANCE 2555 days").
    pub summary: String,
}

impl Protection {
    /// Versioning and Object Lock both on.
    pub fn is_protected(&self) -> bool {
        self.versioning && self.object_lock
    }
}

/// Where a file was filed.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct Filed {
    /// `s3://bucket/key` or an absolute file path.
    pub location: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version_id: Option<String>,
}

/// Why a store operation failed.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum StoreError {
    /// Something already exists at that key; it was not overwritten.
    #[error("evidence already exists at {0}; it was not overwritten")]
    AlreadyExists(String),
    /// The store does not protect evidence (no versioning or Object Lock).
    #[error("evidence store {store} is not protected: {why}")]
    Unprotected { store: String, why: String },
    /// The store could not be reached or written (network, permissions, missing bucket).
    #[error("evidence store unavailable: {0}")]
    Unavailable(String),
    /// Nothing at that key.
    #[error("no evidence at {0}")]
    NotFound(String),
}

/// A place reports are filed.
#[async_trait]
pub trait EvidenceStore: Send + Sync {
    /// Where the store is, e.g. `s3://bucket/prefix/` or `/var/evidence/`.
    fn describe(&self) -> String;
    /// How the store protects evidence (read from the bucket, or fixed for directories).
    async fn protection(&self) -> Result<Protection, StoreError>;
    /// Write `body` at `key` unless something is there already.
    async fn put_new(
        &self,
        key: &str,
        body: &[u8],
        content_type: &str,
    ) -> Result<Filed, StoreError>;
    /// Read the object at `key`.
    async fn get(&self, key: &str) -> Result<Vec<u8>, StoreError>;
    /// Keys under `prefix`, sorted.
    async fn list(&self, prefix: &str) -> Result<Vec<String>, StoreError>;
    /// The location string of a key (as in [`Filed::location`]).
    fn location_of(&self, key: &str) -> String;
}

/// The partitioned key of one report file.
pub fn report_key(
    application: &str,
    environment: &str,
    date: &str,
    qualification: &str,
    report_id: &str,
    extension: &str,
) -> String {
    format!(
        "application={}/environment={}/date={}/{}/{}.{}",
        sanitize(application),
        sanitize(environment),
        date,
        sanitize(qualification),
        report_id,
        extension
    )
}

/// The key prefix of every report of one application and environment
/// (`application=APP/environment=ENV/`).
pub fn partition_prefix(application: &str, environment: &str) -> String {
    format!(
        "application={}/environment={}/",
        sanitize(application),
        sanitize(environment)
    )
}

/// Whether `key` (as [`report_key`] makes them) is a JSON report of `qualification`.
pub fn is_report_of(key: &str, qualification: &str) -> bool {
    key.ends_with(".json") && key.contains(&format!("/{}/", sanitize(qualification)))
}

/// Why `name` cannot be a qualification name: its reports are filed under a folder (key
/// segment) named after it, and `.` and `..` name no folder of their own. `None` when it can.
pub fn qualification_name_problem(name: &str) -> Option<String> {
    if name.trim().is_empty() {
        return Some("is empty".into());
    }
    match sanitize(name).as_str() {
        "." | ".." => Some(format!(
            "cannot name a qualification: its reports are filed under a folder named after it, and `{name}` names the current or the parent folder"
        )),
        _ => None,
    }
}

/// Replace characters that do not belong in a key segment.
pub fn sanitize(segment: &str) -> String {
    let s: String = segment
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || "-_.".contains(c) {
                c
            } else {
                '_'
            }
        })
        .collect();
    if s.is_empty() {
        "_".into()
    } else {
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_hive_partitioned() {
        assert_eq!(
            report_key("lims", "prod", "2026-11-22", "lims-q", "r1", "json"),
            "application=lims/environment=prod/date=2026-11-22/lims-q/r1.json"
        );
        assert_eq!(sanitize("a/b c"), "a_b_c");
        let key = report_key("lims", "prod", "2026-11-22", "lims q", "r1", "json");
        assert!(key.starts_with(&partition_prefix("lims", "prod")));
        assert!(is_report_of(&key, "lims q"));
        assert!(!is_report_of(&key, "lims"));
        assert!(!is_report_of(&format!("{key}.sha256"), "lims q"));
    }

    #[test]
    fn dot_names_cannot_be_qualification_folders() {
        for bad in [".", "..", "", "  "] {
            assert!(qualification_name_problem(bad).is_some(), "{bad:?}");
        }
        for good in ["lims-prod", "...", ".hidden", "a..b", "lims prod"] {
            assert_eq!(qualification_name_problem(good), None, "{good:?}");
        }
    }
}
