//! Choose, open and write the evidence store; spool what cannot be filed.

use std::collections::BTreeSet;

use crate::aws::AwsContext;
use crate::evidence::local::LocalStore;
use crate::evidence::s3::S3Store;
use crate::evidence::spool::{self, Spool, SpooledFiling};
use crate::evidence::{is_report_of, partition_prefix, EvidenceStore, Protection, StoreError};
use crate::integrity::chain::{self, Collected, Head};
use crate::integrity::{sha256_key, verify};

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
/// A store this run may not file in (`refused`: unprotected without `allow_unprotected_store`,
/// or unreachable) receives nothing either: its spooled filings stay in the spool, and the
/// error says how many wait.
pub async fn drain_spool(
    store: &dyn EvidenceStore,
    spool: &Spool,
    refused: Option<&StoreError>,
) -> Result<usize, String> {
    let (pending, _corrupt) = spool.pending();
    let pending: Vec<SpooledFiling> = pending
        .into_iter()
        .filter(|f| f.store == store.describe())
        .collect();
    if let Some(why) = refused {
        if pending.is_empty() {
            return Ok(0);
        }
        return Err(format!(
            "{} spooled report(s) stay in the spool {}: {why}",
            pending.len(),
            spool.dir().display()
        ));
    }
    let mut filed = 0;
    for f in pending {
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

/// Reports of qualification `name` (in `application` and `environment`) filed in `store`.
async fn filed_reports(
    store: &dyn EvidenceStore,
    name: &str,
    application: &str,
    environment: &str,
) -> Result<Vec<Collected>, String> {
    let listed = store
        .list(&partition_prefix(application, environment))
        .await
        .map_err(|e| format!("cannot list {}: {e}", store.describe()))?;
    let keys: Vec<String> = listed
        .iter()
        .filter(|k| is_report_of(k, name))
        .cloned()
        .collect();
    let known: BTreeSet<String> = listed.into_iter().collect();
    let (reports, unreadable) = verify::collect(store, &keys, Some(&known)).await;
    if let Some(f) = unreadable.first() {
        return Err(format!("cannot read {}: {}", f.location, f.message));
    }
    // A report read cut short (or altered) would put the chain's head on bytes that are not
    // the filed report's: the next report would not link to it.
    for r in &reports {
        let recorded = r.sha256_file.as_deref().and_then(chain::parse_sha256_file);
        if let Some((recorded, _)) = recorded {
            let actual = crate::util::sha256_hex(&r.bytes);
            if recorded != actual {
                return Err(format!(
                    "cannot read {}: its SHA-256 {actual} differs from the recorded {recorded} (the read was cut short, or the report was altered)",
                    r.location
                ));
            }
        }
    }
    Ok(reports)
}

/// Reports of qualification `name` spooled for `store` (filed by a later apply), at the
/// locations they will have there.
fn spooled_reports(
    store: &dyn EvidenceStore,
    spool: &Spool,
    name: &str,
    application: &str,
    environment: &str,
) -> Vec<Collected> {
    let prefix = partition_prefix(application, environment);
    let mut reports = Vec::new();
    for filing in spool.pending().0 {
        if filing.store != store.describe() {
            continue;
        }
        for (key, bytes, _) in &filing.files {
            if !key.starts_with(&prefix) || !is_report_of(key, name) {
                continue;
            }
            let companion = sha256_key(key);
            reports.push(Collected {
                location: store.location_of(key),
                bytes: bytes.clone(),
                sha256_file: filing
                    .files
                    .iter()
                    .find(|(k, _, _)| *k == companion)
                    .map(|(_, b, _)| String::from_utf8_lossy(b).into_owned()),
                signature: None,
            });
        }
    }
    reports
}

/// Where the report chain of qualification `name` (in `application` and `environment`)
/// continues: the report with the highest sequence among those filed in `store` and those
/// spooled for it. Read after the spool was drained, with the verifier's reader and chain
/// order, so the next report is `sequence + 1` and links to the head's SHA-256.
///
/// When the store cannot be listed or read this is an error, except when this run's report
/// is `refused` by the store anyway (it goes to the spool): then the head is the spool's and
/// the second value says why the store was not read.
pub async fn chain_head(
    store: &dyn EvidenceStore,
    spool: &Spool,
    name: &str,
    application: &str,
    environment: &str,
    refused: Option<&StoreError>,
) -> Result<(Option<Head>, Option<String>), String> {
    let (mut reports, unread) = match filed_reports(store, name, application, environment).await {
        Ok(reports) => (reports, None),
        Err(e) if refused.is_some() => (Vec::new(), Some(e)),
        Err(e) => return Err(e),
    };
    for r in spooled_reports(store, spool, name, application, environment) {
        // A filing interrupted before its removal from the spool is in both.
        if !reports.iter().any(|f| f.location == r.location) {
            reports.push(r);
        }
    }
    Ok((
        chain::head(&reports, name, application, environment),
        unread,
    ))
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::evidence::report_key;
    use crate::integrity::chain::testing::report;
    use crate::report::canonical_bytes;
    use crate::util::sha256_hex;

    /// The files of report `sequence` of `name`, keyed as the provider files them.
    fn files(
        name: &str,
        sequence: i64,
        previous: Option<&str>,
    ) -> (Vec<spool::EvidenceFile>, String) {
        let at = format!("2026-01-01T00:{sequence:02}:00Z");
        let r = report(name, sequence, previous, &at);
        let key = report_key("lims", "prod", "2026-01-01", name, &r.report_id, "json");
        let bytes = canonical_bytes(&r);
        let sha = sha256_hex(&bytes);
        let side = format!("{sha}  {}.json\n", r.report_id).into_bytes();
        (
            vec![
                (key.clone(), bytes, "application/json".into()),
                (sha256_key(&key), side, "text/plain".into()),
            ],
            sha,
        )
    }

    fn spooled(
        store: &dyn EvidenceStore,
        id: &str,
        files: Vec<spool::EvidenceFile>,
    ) -> SpooledFiling {
        SpooledFiling {
            id: id.into(),
            store: store.describe(),
            files,
        }
    }

    #[tokio::test]
    async fn the_chain_continues_after_filed_and_spooled_reports() {
        let dir = tempfile::tempdir().unwrap();
        let store = LocalStore::new(dir.path().join("store"));
        let spool = Spool::new(dir.path().join("spool"));
        let head = |refused| chain_head(&store, &spool, "q", "lims", "prod", refused);
        assert_eq!(head(None).await.unwrap(), (None, None));

        let (first, sha1) = files("q", 1, None);
        spool::file_all(&store, &first).await.unwrap();
        let (other, _) = files("other", 7, None);
        spool::file_all(&store, &other).await.unwrap();
        let (h, unread) = head(None).await.unwrap();
        let h = h.unwrap();
        assert_eq!(
            (h.sequence, h.sha256.as_str(), unread),
            (1, sha1.as_str(), None)
        );

        // Spooled but not filed yet: the chain continues after it.
        let (second, sha2) = files("q", 2, Some(&sha1));
        spool
            .spool(spooled(&store, "q--2", second.clone()))
            .unwrap();
        let h = head(None).await.unwrap().0.unwrap();
        assert_eq!((h.sequence, h.sha256), (2, sha2.clone()));
        assert_eq!(h.location, store.location_of(&second[0].0));

        // Filed and still spooled (interrupted removal): counted once.
        spool::file_all(&store, &second).await.unwrap();
        assert_eq!(head(None).await.unwrap().0.unwrap().sequence, 2);
        assert_eq!(
            chain_head(&store, &spool, "q", "lims", "qa", None)
                .await
                .unwrap(),
            (None, None),
            "another environment is another chain"
        );
    }

    #[tokio::test]
    async fn an_unreadable_store_is_an_error_unless_the_report_is_spooled_anyway() {
        let dir = tempfile::tempdir().unwrap();
        // A file where the store's directory should be: it cannot be listed.
        let root = dir.path().join("store");
        std::fs::write(&root, b"").unwrap();
        let store = LocalStore::new(&root);
        let spool = Spool::new(dir.path().join("spool"));
        let (first, sha1) = files("q", 1, None);
        spool.spool(spooled(&store, "q--1", first)).unwrap();
        assert!(chain_head(&store, &spool, "q", "lims", "prod", None)
            .await
            .unwrap_err()
            .contains("cannot list"));
        let refused = StoreError::Unavailable("down".into());
        let (h, unread) = chain_head(&store, &spool, "q", "lims", "prod", Some(&refused))
            .await
            .unwrap();
        assert_eq!(h.unwrap().sha256, sha1);
        assert!(unread.unwrap().contains("cannot list"));
    }

    #[tokio::test]
    async fn a_report_that_does_not_match_its_hash_is_no_chain_head() {
        let dir = tempfile::tempdir().unwrap();
        let store = LocalStore::new(dir.path().join("store"));
        let spool = Spool::new(dir.path().join("spool"));
        let (mut first, _) = files("q", 1, None);
        // The report as a cut read would deliver it: half its bytes.
        let half = first[0].1.len() / 2;
        first[0].1.truncate(half);
        spool::file_all(&store, &first).await.unwrap();
        let err = chain_head(&store, &spool, "q", "lims", "prod", None)
            .await
            .unwrap_err();
        assert!(err.contains("differs from the recorded"), "{err}");
    }

    #[tokio::test]
    async fn a_refused_store_receives_no_spooled_report() {
        let dir = tempfile::tempdir().unwrap();
        let store = LocalStore::new(dir.path().join("store"));
        let spool = Spool::new(dir.path().join("spool"));
        let refused = StoreError::Unprotected {
            store: store.describe(),
            why: "no Object Lock".into(),
        };
        assert_eq!(drain_spool(&store, &spool, Some(&refused)).await, Ok(0));
        let (first, _) = files("q", 1, None);
        spool.spool(spooled(&store, "q--1", first)).unwrap();
        let kept = drain_spool(&store, &spool, Some(&refused))
            .await
            .unwrap_err();
        assert!(kept.contains("1 spooled report(s) stay"), "{kept}");
        assert!(kept.contains("no Object Lock"), "{kept}");
        assert_eq!(spool.pending().0.len(), 1);
        assert!(store.list("").await.unwrap().is_empty());

        assert_eq!(drain_spool(&store, &spool, None).await, Ok(1));
        assert!(spool.pending().0.is_empty());
        assert_eq!(store.list("").await.unwrap().len(), 2);
    }
}
