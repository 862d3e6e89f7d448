//! Choose, open and write the evidence store; spool what cannot be filed.

use crate::aws::AwsContext;
use crate::evidence::local::LocalStore;
use crate::evidence::s3::S3Store;
use crate::evidence::spool::{self, Spool, SpooledFiling};
use crate::evidence::{EvidenceStore, Protection, StoreError};
use crate::provider::config::EvidenceStoreConfig;
use crate::provider::shared::EvidenceStoreDefaults;

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

fn text(v: &crate::spec::config::Str) -> Option<String> {
    v.as_ref_option().filter(|s| !s.is_empty()).cloned()
}

/// The resource's `evidence_store` block, else the provider's default.
pub fn choose(
    resource: Option<&EvidenceStoreConfig>,
    provider: &EvidenceStoreDefaults,
) -> Result<StoreSettings, String> {
    if let Some(r) = resource {
        let allow = matches!(r.allow_unprotected_store.as_ref_option(), Some(true));
        if let Some(bucket) = text(&r.s3_bucket) {
            return Ok(StoreSettings {
                choice: StoreChoice::S3 {
                    bucket,
                    prefix: text(&r.s3_prefix),
                    kms_key_id: text(&r.kms_key_id),
                },
                allow_unprotected: allow,
            });
        }
        if let Some(directory) = text(&r.local_directory) {
            return Ok(StoreSettings {
                choice: StoreChoice::Local { directory },
                allow_unprotected: allow,
            });
        }
    }
    if let Some(bucket) = &provider.s3_bucket {
        return Ok(StoreSettings {
            choice: StoreChoice::S3 {
                bucket: bucket.clone(),
                prefix: provider.s3_prefix.clone(),
                kms_key_id: provider.kms_key_id.clone(),
            },
            allow_unprotected: provider.allow_unprotected_store,
        });
    }
    if let Some(directory) = &provider.local_directory {
        return Ok(StoreSettings {
            choice: StoreChoice::Local {
                directory: directory.clone(),
            },
            allow_unprotected: provider.allow_unprotected_store,
        });
    }
    Err("No evidence store is configured: set `evidence_store` on the qualification or in the provider block.".into())
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

/// File every spooled filing meant for this store; returns how many were filed.
pub async fn drain_spool(store: &dyn EvidenceStore, spool: &Spool) -> Result<usize, String> {
    let (pending, _corrupt) = spool.pending();
    let mut filed = 0;
    for f in pending.into_iter().filter(|f| f.store == store.describe()) {
        spool::file_all(store, &f.files)
            .await
            .map_err(|e| format!("spooled report {} could not be filed yet: {e}", f.id))?;
        spool.remove(&f.id).map_err(|e| {
            format!(
                "spooled report {} filed but not removed from the spool: {e}",
                f.id
            )
        })?;
        filed += 1;
    }
    Ok(filed)
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
