//! The evidence store of a run — which one, opened how, acceptable or not — and the last
//! phase of a run: file the report with its companions and other formats, or keep it in the
//! spool.

use crate::aws::AwsContext;
use crate::evidence::local::LocalStore;
use crate::evidence::s3::S3Store;
use crate::evidence::spool::{self, EvidenceFile, Spool, SpooledFiling};
use crate::evidence::{EvidenceStore, Protection, StoreError};
use crate::report::formats::{self, Format};
use crate::report::Report;
use crate::util::sha256_hex;

use super::settle::Settled;
use super::Message;

/// Where reports go.
#[derive(Debug, Clone, PartialEq)]
pub enum StoreChoice {
    S3 {
        bucket: String,
        prefix: Option<String>,
        kms_key_id: Option<String>,
    },
    Local {
        directory: String,
    },
}

/// A chosen store and whether an unprotected one is acceptable.
#[derive(Debug, Clone, PartialEq)]
pub struct StoreSettings {
    pub choice: StoreChoice,
    pub allow_unprotected: bool,
}

/// The resource's own store, else the provider's default.
pub fn choose(
    resource: Option<StoreSettings>,
    default: Option<StoreSettings>,
) -> Result<StoreSettings, String> {
    resource.or(default).ok_or_else(|| {
        "No evidence store is configured: set `evidence_store` on the qualification or in the provider block.".into()
    })
}

/// Open the chosen store.
pub fn open(aws: &AwsContext, choice: &StoreChoice) -> Box<dyn EvidenceStore> {
    match choice {
        StoreChoice::S3 {
            bucket,
            prefix,
            kms_key_id,
        } => Box::new(S3Store::new(
            aws,
            bucket.clone(),
            prefix.clone(),
            kms_key_id.clone(),
        )),
        StoreChoice::Local { directory } => Box::new(LocalStore::new(directory)),
    }
}

/// Whether a store may receive evidence: protected, or explicitly allowed unprotected.
/// A local directory is always "unprotected" and needs no flag: it is an explicit offline choice.
pub fn acceptable(choice: &StoreChoice, protection: &Protection, allow_unprotected: bool) -> bool {
    matches!(choice, StoreChoice::Local { .. }) || protection.is_protected() || allow_unprotected
}

/// File `files` (protection already checked) or keep them in the spool.
/// Returns the location of the first file, or the spool path with the error.
pub async fn file_or_spool(
    store: &dyn EvidenceStore,
    spool: &Spool,
    id: &str,
    files: Vec<(String, Vec<u8>, String)>,
    refused: Option<StoreError>,
) -> Result<String, (String, String)> {
    let err = match refused {
        Some(e) => e,
        None => match spool::file_all(store, &files).await {
            Ok(filed) => {
                return Ok(filed
                    .first()
                    .map(|f| f.location.clone())
                    .unwrap_or_default())
            }
            Err(e) => e,
        },
    };
    let filing = SpooledFiling {
        id: id.to_string(),
        store: store.describe(),
        files,
    };
    match spool.spool(filing) {
        Ok(path) => Err((path.display().to_string(), err.to_string())),
        Err(spool_err) => Err((
            String::new(),
            format!("{err}; and the local spool failed too: {spool_err}"),
        )),
    }
}

/// What filing a report gave.
#[derive(Debug, Clone)]
pub struct Filing {
    /// SHA-256 of the report's canonical bytes.
    pub sha256: String,
    /// Where the report is: its location in the store, or its spool path.
    pub location: String,
    /// Formats that could not be rendered, a signature that could not be made, a filing
    /// that went to the spool.
    pub messages: Vec<Message>,
}

/// What is filed beside the JSON report.
#[derive(Debug, Clone, Default)]
pub struct Companions<'a> {
    /// Formats rendered beside the JSON (`json` itself is ignored).
    pub formats: &'a [String],
    /// KMS key that signs the report digest.
    pub signing_key_id: Option<&'a str>,
}

/// The report's files: the canonical JSON, its `.sha256`, the other formats and the
/// signature; with the report's SHA-256 and what could not be made.
async fn files_of(
    aws: &AwsContext,
    report: &Report,
    key: &str,
    with: &Companions<'_>,
) -> (Vec<EvidenceFile>, String, Vec<Message>) {
    let mut messages = Vec::new();
    let bytes = crate::report::canonical_bytes(report);
    let sha = sha256_hex(&bytes);
    let file_name = key.rsplit('/').next().unwrap_or(key).to_string();
    let mut files = vec![
        (key.to_string(), bytes, "application/json".to_string()),
        (
            format!("{key}.sha256"),
            format!("{sha}  {file_name}\n").into_bytes(),
            "text/plain".to_string(),
        ),
    ];
    let base = key.strip_suffix(".json").unwrap_or(key).to_string();
    for name in with.formats.iter().filter(|f| f.as_str() != "json") {
        let rendered =
            Format::parse(name).and_then(|f| formats::render(report, f).map(|bytes| (f, bytes)));
        match rendered {
            Ok((f, bytes)) => files.push((
                format!("{base}.{}", f.extension()),
                bytes,
                f.content_type().to_string(),
            )),
            Err(e) => messages.push(Message::error(
                format!("The {name} report could not be rendered"),
                e,
            )),
        }
    }
    if let Some(key_id) = with.signing_key_id {
        match crate::integrity::sign::sign(aws, key_id, &sha).await {
            Ok(sig) => files.push((
                crate::integrity::signature_key(key),
                sig.to_bytes(),
                "application/json".to_string(),
            )),
            Err(e) => messages.push(Message::error(
                "The report could not be signed",
                format!("KMS Sign with {key_id}: {e}\n\nThe report is filed unsigned; fix the key or its permissions and requalify."),
            )),
        }
    }
    (files, sha, messages)
}

/// Phase: file the report at `key` in the settled store, with its companions, or keep it in
/// the spool (as filing `spool_id`) when the store refuses it or the filing fails.
pub async fn file_report(
    aws: &AwsContext,
    settled: Settled,
    spool: &Spool,
    spool_id: &str,
    report: &Report,
    key: &str,
    with: &Companions<'_>,
) -> Filing {
    let (files, sha256, mut messages) = files_of(aws, report, key, with).await;
    let location = match file_or_spool(
        settled.store.as_ref(),
        spool,
        spool_id,
        files,
        settled.refused,
    )
    .await
    {
        Ok(location) => location,
        Err((spool_path, why)) => {
            let summary = &report.summary;
            messages.push(Message::error(
                "Evidence could not be filed",
                format!("{why}\n\nThe report ({} checks, status {}) is kept in the local spool at {spool_path}; the next apply files it first.", summary.total, summary.status.as_str()),
            ));
            spool_path
        }
    };
    Filing {
        sha256,
        location,
        messages,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_resource_store_comes_before_the_default_and_one_is_needed() {
        let local = |d: &str| StoreSettings {
            choice: StoreChoice::Local {
                directory: d.into(),
            },
            allow_unprotected: false,
        };
        assert_eq!(choose(Some(local("a")), Some(local("b"))), Ok(local("a")));
        assert_eq!(choose(None, Some(local("b"))), Ok(local("b")));
        assert!(choose(None, None)
            .unwrap_err()
            .contains("No evidence store is configured"));
    }

    #[test]
    fn a_local_directory_is_acceptable_without_protection_a_bucket_is_not() {
        let unprotected = Protection::default();
        let local = StoreChoice::Local {
            directory: "/e".into(),
        };
        let bucket = StoreChoice::S3 {
            bucket: "b".into(),
            prefix: None,
            kms_key_id: None,
        };
        assert!(acceptable(&local, &unprotected, false));
        assert!(!acceptable(&bucket, &unprotected, false));
        assert!(acceptable(&bucket, &unprotected, true));
    }
}
