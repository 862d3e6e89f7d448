//! Where a qualification's report chain continues: its head in the store — the highest
//! claim ([`super::sequence`]), or in a store written before claims existed the highest filed
//! report, read with the verifier's reader ([`super::collect`]) and put in the verifier's
//! chain order ([`super::chain::head`]) — or, when later, the head of its reports waiting in
//! the spool. Every run asks this before it checks anything, and again when it claims its
//! report's place.

use std::collections::BTreeSet;

use super::chain::{self, Collected};
use super::collect::collect;
use super::sequence::{self, ChainId, Head, Place};
use super::sha256_key;
use crate::evidence::spool::SpooledFiling;
use crate::evidence::{is_report_of, partition_prefix, EvidenceStore, StoreError};

/// The head of a chain, and why the store was not read when only the spool was.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Continuation {
    /// `None`: the chain has no report yet.
    pub head: Option<Head>,
    /// Set when the store could not be read and the head is the spool's.
    pub store_unread: Option<String>,
}

impl Continuation {
    /// The place of the next report: after the head.
    pub fn place(&self) -> Place {
        Place::after(self.head.as_ref())
    }
}

/// Reports of `chain` filed in `store`, each matching its recorded SHA-256 (read to find the
/// head of a chain that has no claims yet: a store written before claims existed).
pub async fn filed_reports(
    store: &dyn EvidenceStore,
    chain: &ChainId,
) -> Result<Vec<Collected>, String> {
    let listed = store
        .list(&partition_prefix(&chain.application, &chain.environment))
        .await
        .map_err(|e| format!("cannot list {}: {e}", store.describe()))?;
    let keys: Vec<String> = listed
        .iter()
        .filter(|k| is_report_of(k, &chain.qualification))
        .cloned()
        .collect();
    let known: BTreeSet<String> = listed.into_iter().collect();
    let (reports, unreadable) = collect(store, &keys, Some(&known)).await;
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

/// The head of `chain` in `store` alone: its highest claim, else its highest filed report.
pub async fn store_head(
    store: &dyn EvidenceStore,
    chain: &ChainId,
) -> Result<Option<Head>, String> {
    sequence::store_head(store, chain, || filed_reports(store, chain)).await
}

/// Reports of `chain` among the filings `waiting` in the spool for `store` (filed by a later
/// apply), at the locations they will have there.
fn spooled_reports(
    store: &dyn EvidenceStore,
    waiting: &[SpooledFiling],
    chain: &ChainId,
) -> Vec<Collected> {
    let prefix = partition_prefix(&chain.application, &chain.environment);
    let mut reports = Vec::new();
    for filing in waiting.iter().filter(|f| f.store == store.describe()) {
        for (key, bytes, _) in &filing.files {
            if !key.starts_with(&prefix) || !is_report_of(key, &chain.qualification) {
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

/// Whether reports of `chain` are among the filings `waiting` in the spool for `store`.
pub fn spooled_for(store: &dyn EvidenceStore, waiting: &[SpooledFiling], chain: &ChainId) -> bool {
    !spooled_reports(store, waiting, chain).is_empty()
}

/// Where `chain` continues, after the spool was settled: its head in the store
/// ([`store_head`]) or, when later, the head of its reports among the filings `waiting` in the
/// spool.
///
/// When the store cannot be read this is an error, except when this run's report is
/// `refused` by the store anyway (it goes to the spool): then the head is the spool's and
/// [`Continuation::store_unread`] says why the store was not read.
pub async fn find(
    store: &dyn EvidenceStore,
    waiting: &[SpooledFiling],
    chain: &ChainId,
    refused: Option<&StoreError>,
) -> Result<Continuation, String> {
    let (stored, store_unread) = match store_head(store, chain).await {
        Ok(head) => (head, None),
        Err(e) if refused.is_some() => (None, Some(e)),
        Err(e) => return Err(e),
    };
    let spooled = chain.head_in(&spooled_reports(store, waiting, chain));
    let head = match (stored, spooled) {
        (Some(a), Some(b)) => Some(if b.sequence > a.sequence { b } else { a }),
        (a, b) => a.or(b),
    };
    Ok(Continuation { head, store_unread })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::evidence::local::LocalStore;
    use crate::evidence::spool::{self, Spool};
    use crate::integrity::chain::testing::{filing_files, spooled};

    fn chain_in(environment: &str) -> ChainId {
        ChainId {
            qualification: "q".into(),
            application: "lims".into(),
            environment: environment.into(),
        }
    }

    async fn head_of(
        store: &dyn EvidenceStore,
        spool: &Spool,
        of: &ChainId,
        refused: Option<&StoreError>,
    ) -> Result<Continuation, String> {
        find(store, &spool.pending().0, of, refused).await
    }

    #[tokio::test]
    async fn the_chain_continues_after_filed_and_spooled_reports() {
        let dir = tempfile::tempdir().unwrap();
        let store = LocalStore::new(dir.path().join("store"));
        let spool = Spool::new(dir.path().join("spool"));
        let first_run = head_of(&store, &spool, &chain_in("prod"), None)
            .await
            .unwrap();
        assert_eq!(first_run, Continuation::default());
        assert_eq!(first_run.place(), Place::first());

        let (first, sha1) = filing_files("q", 1, None);
        spool::file_all(&store, &first).await.unwrap();
        let (other, _) = filing_files("other", 7, None);
        spool::file_all(&store, &other).await.unwrap();
        let c = head_of(&store, &spool, &chain_in("prod"), None)
            .await
            .unwrap();
        let h = c.head.clone().unwrap();
        assert_eq!(
            (h.sequence, h.sha256.as_str(), c.store_unread),
            (1, sha1.as_str(), None)
        );

        // Spooled but not filed yet: the chain continues after it.
        let (second, sha2) = filing_files("q", 2, Some(&sha1));
        spool
            .spool(spooled(&store, "q--2", second.clone()))
            .unwrap();
        let c = head_of(&store, &spool, &chain_in("prod"), None)
            .await
            .unwrap();
        let h = c.head.clone().unwrap();
        assert_eq!((h.sequence, h.sha256.clone()), (2, sha2.clone()));
        assert_eq!(h.location, store.location_of(&second[0].0));
        let next = c.place();
        assert_eq!((next.sequence, next.previous_sha256), (3, Some(sha2)));

        // Filed and still spooled (interrupted removal): counted once.
        spool::file_all(&store, &second).await.unwrap();
        let c = head_of(&store, &spool, &chain_in("prod"), None)
            .await
            .unwrap();
        assert_eq!(c.head.unwrap().sequence, 2);
        let qa = chain_in("qa");
        assert_eq!(
            head_of(&store, &spool, &qa, None).await.unwrap(),
            Continuation::default(),
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
        let (first, sha1) = filing_files("q", 1, None);
        spool.spool(spooled(&store, "q--1", first)).unwrap();
        assert!(head_of(&store, &spool, &chain_in("prod"), None)
            .await
            .unwrap_err()
            .contains("cannot list"));
        let refused = StoreError::Unavailable("down".into());
        let c = head_of(&store, &spool, &chain_in("prod"), Some(&refused))
            .await
            .unwrap();
        assert_eq!(c.head.unwrap().sha256, sha1);
        assert!(c.store_unread.unwrap().contains("cannot list"));
    }

    #[tokio::test]
    async fn a_report_that_does_not_match_its_hash_is_no_chain_head() {
        let dir = tempfile::tempdir().unwrap();
        let store = LocalStore::new(dir.path().join("store"));
        let spool = Spool::new(dir.path().join("spool"));
        let (mut first, _) = filing_files("q", 1, None);
        // The report as a cut read would deliver it: half its bytes.
        let half = first[0].1.len() / 2;
        first[0].1.truncate(half);
        spool::file_all(&store, &first).await.unwrap();
        let err = head_of(&store, &spool, &chain_in("prod"), None)
            .await
            .unwrap_err();
        assert!(err.contains("differs from the recorded"), "{err}");
    }

    #[tokio::test]
    async fn filings_for_another_store_are_not_part_of_its_chain() {
        let dir = tempfile::tempdir().unwrap();
        let store = LocalStore::new(dir.path().join("store"));
        let elsewhere = LocalStore::new(dir.path().join("elsewhere"));
        let (first, _) = filing_files("q", 1, None);
        let waiting = vec![spooled(&elsewhere, "q--1", first)];
        let c = find(&store, &waiting, &chain_in("prod"), None)
            .await
            .unwrap();
        assert_eq!(c.head, None);
    }
}
