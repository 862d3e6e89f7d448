//! Reading filed reports with their `.sha256` and `.sig` companions from a store: the one
//! reader of the verifier and of a run looking for where its chain continues.

use std::collections::BTreeSet;

use futures::stream::{self, StreamExt};

use super::chain::{Collected, Finding, FindingKind};
use super::sign::SignatureFile;
use super::{sha256_key, signature_key};
use crate::evidence::{EvidenceStore, StoreError};

/// Reads in flight at once.
const CONCURRENCY: usize = 8;

/// Read a companion: `None` when it is not there.
async fn companion(
    store: &dyn EvidenceStore,
    key: &str,
    known: Option<&BTreeSet<String>>,
) -> Result<Option<Vec<u8>>, StoreError> {
    if known.is_some_and(|k| !k.contains(key)) {
        return Ok(None);
    }
    match store.get(key).await {
        Ok(bytes) => Ok(Some(bytes)),
        Err(StoreError::NotFound(_)) => Ok(None),
        Err(e) => Err(e),
    }
}

/// Read each report at `keys` and its companions (`known`: every key there, when listed,
/// so companions that are not there are not fetched). Reports that cannot be read are
/// returned as findings.
pub async fn collect(
    store: &dyn EvidenceStore,
    keys: &[String],
    known: Option<&BTreeSet<String>>,
) -> (Vec<Collected>, Vec<Finding>) {
    // The futures are made first, so the stream holds no closure: the provider's apply (a
    // `Send` future) reads chains with this too.
    let reads: Vec<_> = keys
        .iter()
        .map(|key| collect_one(store, key, known))
        .collect();
    let results: Vec<Result<Collected, Finding>> =
        stream::iter(reads).buffered(CONCURRENCY).collect().await;
    let mut reports = Vec::new();
    let mut findings = Vec::new();
    for r in results {
        match r {
            Ok(c) => reports.push(c),
            Err(f) => findings.push(f),
        }
    }
    (reports, findings)
}

/// Read one report and its companions.
async fn collect_one(
    store: &dyn EvidenceStore,
    key: &str,
    known: Option<&BTreeSet<String>>,
) -> Result<Collected, Finding> {
    let location = store.location_of(key);
    let unreadable =
        |e: StoreError| Finding::new(&location, FindingKind::Unreadable, e.to_string());
    let bytes = store.get(key).await.map_err(unreadable)?;
    let sha256_file = companion(store, &sha256_key(key), known)
        .await
        .map_err(unreadable)?
        .map(|b| String::from_utf8_lossy(&b).into_owned());
    let signature = companion(store, &signature_key(key), known)
        .await
        .map_err(unreadable)?
        .map(|b| SignatureFile::parse(&b));
    Ok(Collected {
        location: location.clone(),
        bytes,
        sha256_file,
        signature,
    })
}
