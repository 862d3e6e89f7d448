//! Phase: settle the spool. Open the chosen store, check that this run may file in it, and
//! file what earlier runs left in the spool for it — before anything else, so reports are
//! filed in the order they were made. A spooled report whose chain moved on while it waited
//! takes the next free place ([`crate::integrity::sequence::place`]). What stays in the
//! spool is handed on to the chain head ([`crate::integrity::head`]).

use crate::aws::AwsContext;
use crate::evidence::spool::{self, Spool, SpooledFiling};
use crate::evidence::{EvidenceStore, Protection, StoreError};
use crate::integrity::head;
use crate::integrity::sequence::{self, ChainId, Placement, Sealed};
use crate::integrity::sign::SignatureFile;
use crate::integrity::{signature_key, REPORT_EXTENSION};
use crate::report::formats::Format;
use crate::report::Report;
use crate::util::sha256_hex;

use super::filing::{acceptable, open, report_files, Problem, StoreSettings};
use super::Message;

/// What draining the spool did.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Drained {
    /// Filings filed.
    pub filed: usize,
    /// Reports given another place than the one they were spooled with (their chain moved on
    /// while they waited), one line each.
    pub moved: Vec<String>,
    /// Problems with the companion files of re-placed reports (a signature that could not
    /// be made again): the report was filed without them.
    pub problems: Vec<Problem>,
    /// Why filings still wait in the spool (the first that could not be filed, and every
    /// one after it), if any do.
    pub waiting: Option<String>,
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
    /// configured): reports filed (and moved), problems with re-placed reports, what still
    /// waits.
    pub fn messages(&self, spool_directory: &str) -> Vec<Message> {
        let drained = &self.drained;
        let mut out = Vec::new();
        if drained.filed > 0 {
            let mut detail = format!(
                "Reports kept in {spool_directory} after an earlier filing failure are now in {}.",
                self.store.describe()
            );
            if !drained.moved.is_empty() {
                detail.push_str(&format!(
                    "\n\nTheir chain had moved on while they waited, so they took the next free places (each says so in its notes):\n  {}",
                    drained.moved.join("\n  ")
                ));
            }
            out.push(Message::warning(
                format!("Filed {} spooled report(s)", drained.filed),
                detail,
            ));
        }
        for (summary, detail) in &drained.problems {
            out.push(Message::error(summary.clone(), detail.clone()));
        }
        if let Some(why) = &drained.waiting {
            out.push(Message::warning(
                "Spooled reports are still waiting",
                why.clone(),
            ));
        }
        out
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
    let (drained, waiting) = drain(store.as_ref(), spool, refused.as_ref(), Some(aws)).await;
    Settled {
        store,
        protection,
        refused,
        allow_unprotected: settings.allow_unprotected,
        waiting,
        drained,
    }
}

/// The filings waiting in `spool` for `store`, in spool order.
fn pending_for(store: &dyn EvidenceStore, spool: &Spool) -> Vec<SpooledFiling> {
    let (pending, _corrupt) = spool.pending();
    pending
        .into_iter()
        .filter(|f| f.store == store.describe())
        .collect()
}

/// File every spooled filing meant for `store`, in spool order, and return what stays in the
/// spool for it.
///
/// A spooled report is filed at its place when that place is still the next of its chain
/// (or was claimed by it before its filing failed). When the chain moved on meanwhile —
/// another working directory filed, or the report was spooled with a tentative place by a
/// run that could not read the chain — it is given the next free place
/// ([`sequence::place`]), noted, re-rendered in the formats it was spooled with and signed
/// again with the KMS key of its `.sig` (`aws` is needed for that). Draining stops at the
/// first filing that cannot be filed; it and the later ones stay in the spool.
///
/// A store this run may not file in (`refused`: unprotected without `allow_unprotected_store`,
/// or unreachable) receives nothing either: its spooled filings stay in the spool, and
/// [`Drained::waiting`] says how many wait.
pub async fn drain(
    store: &dyn EvidenceStore,
    spool: &Spool,
    refused: Option<&StoreError>,
    aws: Option<&AwsContext>,
) -> (Drained, Vec<SpooledFiling>) {
    let pending = pending_for(store, spool);
    let mut drained = Drained::default();
    if let Some(why) = refused {
        if !pending.is_empty() {
            drained.waiting = Some(format!(
                "{} spooled report(s) stay in the spool {}: {why}",
                pending.len(),
                spool.dir().display()
            ));
        }
        return (drained, pending);
    }
    let total = pending.len();
    for (i, f) in pending.into_iter().enumerate() {
        let filed = match spooled_report(&f) {
            Some((key, report)) => {
                file_spooled_report(store, spool, &f, &key, report, aws, &mut drained).await
            }
            // No report in it (a filing of another kind): filed as it is.
            None => spool::file_all(store, &f.files)
                .await
                .map(|_| ())
                .map_err(|e| e.to_string()),
        };
        let removed = filed.and_then(|()| {
            spool
                .remove(&f.id)
                .map(|_| ())
                .map_err(|e| format!("filed, but not removed from the spool: {e}"))
        });
        if let Err(e) = removed {
            drained.waiting = Some(format!(
                "spooled report {} could not be filed yet: {e} ({} spooled report(s) stay in the spool {})",
                f.id,
                total - i,
                spool.dir().display()
            ));
            // Read again: a re-placed report may wait under a new name.
            return (drained, pending_for(store, spool));
        }
        drained.filed += 1;
    }
    (drained, Vec::new())
}

/// The report (key and parsed report) of a spooled filing, if it holds one.
fn spooled_report(f: &SpooledFiling) -> Option<(String, Report)> {
    f.files.iter().find_map(|(key, bytes, _)| {
        if !key.ends_with(REPORT_EXTENSION) {
            return None;
        }
        let report: Report = serde_json::from_slice(bytes).ok()?;
        (report.format == crate::report::REPORT_FORMAT).then(|| (key.clone(), report))
    })
}

/// File one spooled report at its place, or at the next free place of its chain (noted in
/// `drained`).
async fn file_spooled_report(
    store: &dyn EvidenceStore,
    spool: &Spool,
    f: &SpooledFiling,
    key: &str,
    mut report: Report,
    aws: Option<&AwsContext>,
    drained: &mut Drained,
) -> Result<(), String> {
    let chain = ChainId::of(&report);
    let bytes = f
        .files
        .iter()
        .find(|(k, _, _)| k == key)
        .map(|(_, b, _)| b.clone())
        .unwrap_or_default();
    let spooled = Sealed {
        sha256: sha256_hex(&bytes),
        bytes,
    };
    let spooled_at = report.qualification.sequence;
    // Already in the chain: claimed before its filing failed, or (spooled by an earlier
    // version, which did not claim) filed before its removal from the spool was interrupted.
    let claimed = sequence::read_claim(store, &chain, spooled_at).await?;
    let in_chain = match &claimed {
        Some(c) => c.report_sha256 == spooled.sha256,
        None => matches!(store.get(key).await, Ok(b) if b == spooled.bytes),
    };
    if in_chain {
        return spool::file_all(store, &f.files)
            .await
            .map(|_| ())
            .map_err(|e| e.to_string());
    }
    let head = || head::store_head(store, &chain);
    let note = format!(
        "Filed from the local spool: spooled as sequence {spooled_at} (its run finished at {}) while the evidence store could not take it, and given its place in the chain when it was filed (qualification.sequenced_at).",
        report.run.finished_at
    );
    let placed = sequence::place(store, &mut report, key, spooled.clone(), head, |r| {
        r.notes.push(note.clone())
    })
    .await;
    let sealed = match placed {
        Placement::Claimed(sealed) => sealed,
        Placement::Unclaimed(_, why) => return Err(why),
    };
    if sealed == spooled {
        // Its place was still free: filed as it was spooled.
        return spool::file_all(store, &f.files)
            .await
            .map(|_| ())
            .map_err(|e| e.to_string());
    }
    let signing_key = f
        .files
        .iter()
        .find(|(k, _, _)| *k == signature_key(key))
        .and_then(|(_, b, _)| SignatureFile::parse(b).ok())
        .map(|s| s.key_id);
    let (files, problems) = report_files(
        aws,
        &report,
        key,
        &sealed,
        &formats_of(f, key),
        signing_key.as_deref(),
    )
    .await;
    let line = format!(
        "{} ({}): spooled as sequence {spooled_at}, filed as sequence {}",
        report.report_id, chain.qualification, report.qualification.sequence
    );
    drained
        .problems
        .extend(problems.into_iter().map(|(summary, detail)| {
            (
                format!("{summary} (spooled report {})", report.report_id),
                detail,
            )
        }));
    if let Err(e) = spool::file_all(store, &files).await {
        // Claimed but not filed: the re-placed report replaces the spooled one and waits for
        // the next apply, which finds its claim and files it there.
        let again = SpooledFiling {
            id: format!("{}-seq{}", f.id, report.qualification.sequence),
            store: store.describe(),
            files,
        };
        let hole = format!(
            "sequence {} of {} is claimed for report {} in {}",
            report.qualification.sequence,
            chain.qualification,
            report.report_id,
            store.describe()
        );
        spool.spool(again).map_err(|se| {
            format!("{e}; and the re-placed report could not be spooled ({se}): {hole}, which is lost — the chain has a gap there")
        })?;
        spool.remove(&f.id).map_err(|se| {
            format!("{e}; and the replaced spool entry could not be removed: {se}")
        })?;
        return Err(format!(
            "{e} (it took sequence {} and waits in the spool)",
            report.qualification.sequence
        ));
    }
    drained.moved.push(line);
    Ok(())
}

/// The formats a spooled filing holds beside its JSON report at `key`.
fn formats_of(f: &SpooledFiling, key: &str) -> Vec<Format> {
    let base = key.strip_suffix(REPORT_EXTENSION).unwrap_or(key);
    Format::ALL
        .into_iter()
        .filter(|fmt| *fmt != Format::Json)
        .filter(|fmt| {
            let name = format!("{base}.{}", fmt.extension());
            f.files.iter().any(|(k, _, _)| *k == name)
        })
        .collect()
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
            drain(&store, &spool, Some(&refused), None).await,
            (Drained::default(), vec![])
        );
        let (first, _) = filing_files("q", 1, None);
        spool.spool(spooled(&store, "q--1", first)).unwrap();
        let (kept, waiting) = drain(&store, &spool, Some(&refused), None).await;
        let kept = kept.waiting.unwrap();
        assert!(kept.contains("1 spooled report(s) stay"), "{kept}");
        assert!(kept.contains("no Object Lock"), "{kept}");
        assert_eq!(waiting.len(), 1, "handed on to the chain head");
        assert_eq!(spool.pending().0.len(), 1);
        assert!(store.list("").await.unwrap().is_empty());

        let (drained, waiting) = drain(&store, &spool, None, None).await;
        assert_eq!((drained.filed, waiting), (1, vec![]));
        assert!(spool.pending().0.is_empty());
        let filed = store.list("").await.unwrap();
        assert_eq!(
            filed.len(),
            3,
            "report, .sha256 and its chain claim: {filed:?}"
        );
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
        let (drained, waiting) = drain(&store, &spool, None, None).await;
        assert!(
            matches!(&drained.waiting, Some(why) if why.contains("q--1")),
            "{drained:?}"
        );
        assert_eq!(
            waiting.iter().map(|f| f.id.as_str()).collect::<Vec<_>>(),
            ["q--1", "q--2"]
        );
        assert_eq!(spool.pending().0.len(), 2, "nothing is lost");
    }
}
