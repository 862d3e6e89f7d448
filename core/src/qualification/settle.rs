//! Phase: settle the spool. Open the chosen store, check that this run may file in it, and
//! file what earlier runs left in the spool for it — before anything else, so reports are
//! filed in the order they were made. The spool is read once here; what stays in it is
//! handed on to the chain head ([`crate::integrity::head`]).

use crate::aws::AwsContext;
use crate::evidence::spool::{self, Spool, SpooledFiling};
use crate::evidence::{EvidenceStore, Protection, StoreError};

use super::filing::{acceptable, open, StoreSettings};
use super::Message;

/// What settling the spool did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Drained {
    /// Nothing was waiting for the store.
    Nothing,
    /// This many spooled filings are now in the store.
    Filed(usize),
    /// Filings stay in the spool (why).
    StillWaiting(String),
}

/// The store a run files in, once the spool is settled.
pub struct Settled {
    pub store: Box<dyn EvidenceStore>,
    pub protection: Protection,
    /// Why this run may not file in the store (unprotected without
    /// `allow_unprotected_store`, unreachable): its report goes to the spool.
    pub refused: Option<StoreError>,
    /// Whether an unprotected store was accepted by configuration.
    pub allow_unprotected: bool,
    /// Filings still waiting in the spool for this store.
    pub waiting: Vec<SpooledFiling>,
    pub drained: Drained,
}

impl Settled {
    /// What settling did, for the person who started the run (`spool_directory` as
    /// configured).
    pub fn message(&self, spool_directory: &str) -> Option<Message> {
        match &self.drained {
            Drained::Nothing => None,
            Drained::Filed(n) => Some(Message::warning(
                format!("Filed {n} spooled report(s)"),
                format!(
                    "Reports kept in {spool_directory} after an earlier filing failure are now in {}.",
                    self.store.describe()
                ),
            )),
            Drained::StillWaiting(why) => {
                Some(Message::warning("Spooled reports are still waiting", why))
            }
        }
    }
}

/// Open the store, check its protection, and file the spooled filings meant for it.
pub async fn settle(aws: &AwsContext, settings: &StoreSettings, spool: &Spool) -> Settled {
    let store = open(aws, &settings.choice);
    // The store is checked before anything is filed in it, spooled reports included: a store
    // this run may not file in keeps them in the spool.
    let (protection, refused) = match store.protection().await {
        Ok(p) if acceptable(&settings.choice, &p, settings.allow_unprotected) => (p, None),
        Ok(p) => {
            let why = format!("{} — versioning and Object Lock are required (set allow_unprotected_store = true to accept it)", p.summary);
            (
                p,
                Some(StoreError::Unprotected {
                    store: store.describe(),
                    why,
                }),
            )
        }
        Err(e) => (
            Protection {
                summary: format!("unknown: {e}"),
                ..Default::default()
            },
            Some(e),
        ),
    };
    let (drained, waiting) = drain(store.as_ref(), spool, refused.as_ref()).await;
    Settled {
        store,
        protection,
        refused,
        allow_unprotected: settings.allow_unprotected,
        waiting,
        drained,
    }
}

/// File every spooled filing meant for `store`, in order, and return what stays in the
/// spool for it. A store this run may not file in (`refused`) receives nothing: its spooled
/// filings stay, and [`Drained::StillWaiting`] says how many wait.
pub async fn drain(
    store: &dyn EvidenceStore,
    spool: &Spool,
    refused: Option<&StoreError>,
) -> (Drained, Vec<SpooledFiling>) {
    let (pending, _corrupt) = spool.pending();
    let mut pending: Vec<SpooledFiling> = pending
        .into_iter()
        .filter(|f| f.store == store.describe())
        .collect();
    if let Some(why) = refused {
        if pending.is_empty() {
            return (Drained::Nothing, pending);
        }
        let kept = format!(
            "{} spooled report(s) stay in the spool {}: {why}",
            pending.len(),
            spool.dir().display()
        );
        return (Drained::StillWaiting(kept), pending);
    }
    if pending.is_empty() {
        return (Drained::Nothing, pending);
    }
    let mut filed = 0;
    let mut waiting = Vec::new();
    let mut rest = pending.drain(..);
    for f in rest.by_ref() {
        if let Err(e) = spool::file_all(store, &f.files).await {
            let why = format!("spooled report {} could not be filed yet: {e}", f.id);
            waiting.push(f);
            waiting.extend(rest);
            return (Drained::StillWaiting(why), waiting);
        }
        if let Err(e) = spool.remove(&f.id) {
            let why = format!(
                "spooled report {} filed but not removed from the spool: {e}",
                f.id
            );
            waiting.push(f);
            waiting.extend(rest);
            return (Drained::StillWaiting(why), waiting);
        }
        filed += 1;
    }
    (Drained::Filed(filed), waiting)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::evidence::local::LocalStore;
    use crate::integrity::chain::testing::{filing_files, spooled};

    #[tokio::test]
    async fn a_refused_store_receives_no_spooled_report() {
        let dir = tempfile::tempdir().unwrap();
        let store = LocalStore::new(dir.path().join("store"));
        let spool = Spool::new(dir.path().join("spool"));
        let refused = StoreError::Unprotected {
            store: store.describe(),
            why: "no Object Lock".into(),
        };
        assert_eq!(
            drain(&store, &spool, Some(&refused)).await,
            (Drained::Nothing, vec![])
        );
        let (first, _) = filing_files("q", 1, None);
        spool.spool(spooled(&store, "q--1", first)).unwrap();
        let (kept, waiting) = drain(&store, &spool, Some(&refused)).await;
        let Drained::StillWaiting(kept) = kept else {
            panic!("{kept:?}")
        };
        assert!(kept.contains("1 spooled report(s) stay"), "{kept}");
        assert!(kept.contains("no Object Lock"), "{kept}");
        assert_eq!(waiting.len(), 1, "handed on to the chain head");
        assert_eq!(spool.pending().0.len(), 1);
        assert!(store.list("").await.unwrap().is_empty());

        assert_eq!(
            drain(&store, &spool, None).await,
            (Drained::Filed(1), vec![])
        );
        assert!(spool.pending().0.is_empty());
        assert_eq!(store.list("").await.unwrap().len(), 2);
    }

    #[tokio::test]
    async fn a_filing_that_cannot_be_filed_stays_with_the_ones_after_it() {
        let dir = tempfile::tempdir().unwrap();
        let store = LocalStore::new(dir.path().join("store"));
        let spool = Spool::new(dir.path().join("spool"));
        let (first, _) = filing_files("q", 1, None);
        // The same key already filed with other bytes: filing it again must fail.
        let mut clash = first.clone();
        clash[0].1 = b"other bytes".to_vec();
        spool::file_all(&store, &clash).await.unwrap();
        spool.spool(spooled(&store, "q--1", first)).unwrap();
        let (second, _) = filing_files("q", 2, None);
        spool.spool(spooled(&store, "q--2", second)).unwrap();
        let (drained, waiting) = drain(&store, &spool, None).await;
        assert!(
            matches!(&drained, Drained::StillWaiting(why) if why.contains("q--1")),
            "{drained:?}"
        );
        assert_eq!(
            waiting.iter().map(|f| f.id.as_str()).collect::<Vec<_>>(),
            ["q--1", "q--2"]
        );
        assert_eq!(spool.pending().0.len(), 2, "nothing is lost");
    }
}
