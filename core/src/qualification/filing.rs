//! Choose, open and write the evidence store; spool what cannot be filed; file spooled
//! reports at their place in the chain ([`super::sequence`]).

use std::collections::BTreeSet;

use crate::aws::AwsContext;
use crate::evidence::local::LocalStore;
use crate::evidence::s3::S3Store;
use crate::evidence::spool::{self, EvidenceFile, Spool, SpooledFiling};
use crate::evidence::{is_report_of, partition_prefix, EvidenceStore, Protection, StoreError};
use crate::integrity::chain::{self, Collected};
use crate::integrity::sign::SignatureFile;
use crate::integrity::{sha256_key, signature_key, verify, REPORT_EXTENSION};
use crate::qualification::sequence::{self, ChainId, Head, Place, Placement, Sealed};
use crate::report::formats::Format;
use crate::report::Report;
use crate::util::sha256_hex;

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

/// File every spooled filing meant for this store, in spool order.
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
/// `waiting` says how many wait.
pub async fn drain_spool(
    store: &dyn EvidenceStore,
    spool: &Spool,
    refused: Option<&StoreError>,
    aws: Option<&AwsContext>,
) -> Drained {
    let (pending, _corrupt) = spool.pending();
    let pending: Vec<SpooledFiling> = pending
        .into_iter()
        .filter(|f| f.store == store.describe())
        .collect();
    let mut drained = Drained::default();
    if let Some(why) = refused {
        if !pending.is_empty() {
            drained.waiting = Some(format!(
                "{} spooled report(s) stay in the spool {}: {why}",
                pending.len(),
                spool.dir().display()
            ));
        }
        return drained;
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
            return drained;
        }
        drained.filed += 1;
    }
    drained
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
    let head = || sequence::store_head(store, &chain, || filed_reports(store, &chain));
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

/// A problem with a report's companion files: a diagnostic summary and detail.
pub type Problem = (String, String);

/// The files of a report given its place (`sealed`): the JSON at `key`, its `.sha256`, the
/// requested `formats` beside it, and a KMS signature with `signing_key`. A format that cannot
/// be rendered or a signature that cannot be made is left out and reported.
pub async fn report_files(
    aws: Option<&AwsContext>,
    report: &Report,
    key: &str,
    sealed: &Sealed,
    formats: &[Format],
    signing_key: Option<&str>,
) -> (Vec<EvidenceFile>, Vec<Problem>) {
    let file_name = key.rsplit('/').next().unwrap_or(key).to_string();
    let mut problems = Vec::new();
    let mut files = vec![
        (
            key.to_string(),
            sealed.bytes.clone(),
            "application/json".to_string(),
        ),
        (
            sha256_key(key),
            format!("{}  {file_name}\n", sealed.sha256).into_bytes(),
            "text/plain".to_string(),
        ),
    ];
    let base = key.strip_suffix(REPORT_EXTENSION).unwrap_or(key);
    for f in formats.iter().filter(|f| **f != Format::Json) {
        match crate::report::formats::render(report, *f) {
            Ok(bytes) => files.push((
                format!("{base}.{}", f.extension()),
                bytes,
                f.content_type().to_string(),
            )),
            Err(e) => problems.push((
                format!("The {} report could not be rendered", f.as_str()),
                e,
            )),
        }
    }
    if let Some(key_id) = signing_key {
        let signed = match aws {
            Some(aws) => crate::integrity::sign::sign(aws, key_id, &sealed.sha256).await,
            None => Err("no AWS access to sign with".into()),
        };
        match signed {
            Ok(sig) => files.push((
                signature_key(key),
                sig.to_bytes(),
                "application/json".to_string(),
            )),
            Err(e) => problems.push((
                "The report could not be signed".to_string(),
                format!("KMS Sign with {key_id}: {e}\n\nThe report is filed unsigned; fix the key or its permissions and requalify."),
            )),
        }
    }
    (files, problems)
}

/// Reports of `chain` filed in `store` (read to find the head of a chain that has no claims
/// yet: a store written before claims existed).
async fn filed_reports(
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
    let (reports, unreadable) = verify::collect(store, &keys, Some(&known)).await;
    if let Some(f) = unreadable.first() {
        return Err(format!("cannot read {}: {}", f.location, f.message));
    }
    // A report read cut short (or altered) would put the chain's head on bytes that are not
    // the filed report's: the next report would not link to it.
    for r in &reports {
        let recorded = r.sha256_file.as_deref().and_then(chain::parse_sha256_file);
        if let Some((recorded, _)) = recorded {
            let actual = sha256_hex(&r.bytes);
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

/// Reports of `chain` spooled for `store` (filed by a later apply), at the locations they
/// will have there.
fn spooled_reports(store: &dyn EvidenceStore, spool: &Spool, chain: &ChainId) -> Vec<Collected> {
    let prefix = partition_prefix(&chain.application, &chain.environment);
    let mut reports = Vec::new();
    for filing in spool.pending().0 {
        if filing.store != store.describe() {
            continue;
        }
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

/// Whether reports of `chain` wait in the spool for `store`.
pub fn spooled_for(store: &dyn EvidenceStore, spool: &Spool, chain: &ChainId) -> bool {
    !spooled_reports(store, spool, chain).is_empty()
}

/// Where the chain `chain` continues: its head in `store` (highest claim, or in a store
/// without claims its highest filed report) or, when later, the head of its reports spooled
/// for the store. Read after the spool was drained.
///
/// When the store cannot be read this is an error, except when this run's report is
/// `refused` by the store anyway (it goes to the spool): then the head is the spool's and the
/// second value says why the store was not read.
pub async fn chain_head(
    store: &dyn EvidenceStore,
    spool: &Spool,
    chain: &ChainId,
    refused: Option<&StoreError>,
) -> Result<(Option<Head>, Option<String>), String> {
    let (stored, unread) =
        match sequence::store_head(store, chain, || filed_reports(store, chain)).await {
            Ok(head) => (head, None),
            Err(e) if refused.is_some() => (None, Some(e)),
            Err(e) => return Err(e),
        };
    let spooled = sequence::head_of(&spooled_reports(store, spool, chain), chain);
    let head = match (stored, spooled) {
        (Some(a), Some(b)) => Some(if b.sequence > a.sequence { b } else { a }),
        (a, b) => a.or(b),
    };
    Ok((head, unread))
}

/// What became of a run's report.
#[derive(Debug, Clone, PartialEq)]
pub struct FiledReport {
    /// The report as filed or spooled: its canonical bytes and their SHA-256.
    pub sealed: Sealed,
    /// Its location in the store, or its spool path (empty when the spool failed too).
    pub location: String,
    /// Why it waits in the spool, if it does.
    pub spooled: Option<String>,
    /// Whether it waits without a claimed place (it takes one when it is filed).
    pub unplaced: bool,
    /// Formats that could not be rendered and a signature that could not be made.
    pub problems: Vec<Problem>,
}

/// Give a run's `report` its place in the chain and file it at `key` with its `formats`
/// and signature, or keep it in the spool (as `spool_id`).
///
/// The report is sealed at `tentative` (where the chain continued when the run started).
/// Its place is claimed ([`sequence::place`]) unless the store is `refused` or earlier
/// reports of its chain still wait in the spool (it waits behind them, so the chain keeps
/// the order of the runs); a report that could not claim a place is spooled and takes its
/// place when it is filed ([`drain_spool`]). A report whose place is claimed but whose files
/// cannot be written is spooled holding that place.
#[allow(clippy::too_many_arguments)]
pub async fn file_report(
    store: &dyn EvidenceStore,
    spool: &Spool,
    aws: Option<&AwsContext>,
    report: &mut Report,
    key: &str,
    tentative: &Place,
    formats: &[Format],
    signing_key: Option<&str>,
    spool_id: &str,
    refused: Option<&StoreError>,
) -> FiledReport {
    let chain = ChainId::of(report);
    let sealed = sequence::seal(report, tentative);
    let placement = if let Some(e) = refused {
        Placement::Unclaimed(sealed, e.to_string())
    } else if spooled_for(store, spool, &chain) {
        Placement::Unclaimed(
            sealed,
            format!(
                "earlier reports of qualification `{}` still wait in the spool {}; this one is filed after them",
                chain.qualification,
                spool.dir().display()
            ),
        )
    } else {
        let head = || sequence::store_head(store, &chain, || filed_reports(store, &chain));
        sequence::place(store, report, key, sealed, head, |_| {}).await
    };
    let (sealed, unplaced) = match placement {
        Placement::Claimed(sealed) => (sealed, None),
        Placement::Unclaimed(sealed, why) => (sealed, Some(why)),
    };
    let (files, problems) = report_files(aws, report, key, &sealed, formats, signing_key).await;
    let why = match unplaced.clone() {
        Some(why) => why,
        None => match spool::file_all(store, &files).await {
            Ok(filed) => {
                return FiledReport {
                    sealed,
                    location: filed
                        .first()
                        .map(|f| f.location.clone())
                        .unwrap_or_default(),
                    spooled: None,
                    unplaced: false,
                    problems,
                }
            }
            Err(e) => e.to_string(),
        },
    };
    let filing = SpooledFiling {
        id: spool_id.to_string(),
        store: store.describe(),
        files,
    };
    let (location, why) = match spool.spool(filing) {
        Ok(path) => (path.display().to_string(), why),
        Err(spool_err) => (
            String::new(),
            format!("{why}; and the local spool failed too: {spool_err}"),
        ),
    };
    FiledReport {
        sealed,
        location,
        spooled: Some(why),
        unplaced: unplaced.is_some(),
        problems,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::evidence::report_key;
    use crate::integrity::chain::testing::report;
    use crate::report::canonical_bytes;

    fn chain_id(environment: &str) -> ChainId {
        ChainId {
            qualification: "q".into(),
            application: "lims".into(),
            environment: environment.into(),
        }
    }

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
        let prod = chain_id("prod");
        let head = |refused| chain_head(&store, &spool, &prod, refused);
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
            chain_head(&store, &spool, &chain_id("qa"), None)
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
        assert!(chain_head(&store, &spool, &chain_id("prod"), None)
            .await
            .unwrap_err()
            .contains("cannot list"));
        let refused = StoreError::Unavailable("down".into());
        let (h, unread) = chain_head(&store, &spool, &chain_id("prod"), Some(&refused))
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
        let err = chain_head(&store, &spool, &chain_id("prod"), None)
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
        assert_eq!(
            drain_spool(&store, &spool, Some(&refused), None).await,
            Drained::default()
        );
        let (first, _) = files("q", 1, None);
        spool.spool(spooled(&store, "q--1", first)).unwrap();
        let kept = drain_spool(&store, &spool, Some(&refused), None)
            .await
            .waiting
            .unwrap();
        assert!(kept.contains("1 spooled report(s) stay"), "{kept}");
        assert!(kept.contains("no Object Lock"), "{kept}");
        assert_eq!(spool.pending().0.len(), 1);
        assert!(store.list("").await.unwrap().is_empty());

        assert_eq!(drain_spool(&store, &spool, None, None).await.filed, 1);
        assert!(spool.pending().0.is_empty());
        let filed = store.list("").await.unwrap();
        assert_eq!(
            filed.len(),
            3,
            "report, .sha256 and its chain claim: {filed:?}"
        );
    }

    /// The reports filed in `store`, as the verifier collects them.
    async fn collected(store: &LocalStore) -> Vec<Collected> {
        let mut out = Vec::new();
        for key in store.list("").await.unwrap() {
            if key.ends_with(REPORT_EXTENSION) {
                out.push(Collected {
                    location: store.location_of(&key),
                    bytes: store.get(&key).await.unwrap(),
                    sha256_file: store
                        .get(&sha256_key(&key))
                        .await
                        .ok()
                        .map(|b| String::from_utf8(b).unwrap()),
                    signature: None,
                });
            }
        }
        out
    }

    /// A store that cannot be reached: every read and write fails.
    struct Down<'a>(&'a LocalStore);

    #[async_trait::async_trait]
    impl EvidenceStore for Down<'_> {
        fn describe(&self) -> String {
            self.0.describe()
        }
        async fn protection(&self) -> Result<Protection, StoreError> {
            Err(StoreError::Unavailable("connection refused".into()))
        }
        async fn put_new(
            &self,
            _: &str,
            _: &[u8],
            _: &str,
        ) -> Result<crate::evidence::Filed, StoreError> {
            Err(StoreError::Unavailable("connection refused".into()))
        }
        async fn get(&self, _: &str) -> Result<Vec<u8>, StoreError> {
            Err(StoreError::Unavailable("connection refused".into()))
        }
        async fn list(&self, _: &str) -> Result<Vec<String>, StoreError> {
            Err(StoreError::Unavailable("connection refused".into()))
        }
        fn location_of(&self, key: &str) -> String {
            self.0.location_of(key)
        }
    }

    /// File a run's report of `q` (sealed at `tentative`) as the provider does.
    async fn run(
        store: &dyn EvidenceStore,
        spool: &Spool,
        id: &str,
        refused: Option<&StoreError>,
    ) -> (Report, FiledReport) {
        let mut r = report("q", 1, None, "2026-01-01T00:00:00Z");
        r.report_id = id.into();
        let key = crate::evidence::report_key("lims", "prod", "2026-01-01", "q", id, "json");
        let tentative = match chain_head(store, spool, &ChainId::of(&r), refused).await {
            Ok((head, _)) => Place::after(head.as_ref()),
            Err(e) => panic!("{e}"),
        };
        let filed = file_report(
            store,
            spool,
            None,
            &mut r,
            &key,
            &tentative,
            &[Format::Csv],
            None,
            id,
            refused,
        )
        .await;
        (r, filed)
    }

    #[tokio::test]
    async fn a_report_spooled_as_sequence_1_takes_the_next_free_place_when_filed() {
        let dir = tempfile::tempdir().unwrap();
        let store = LocalStore::new(dir.path().join("store"));
        let spool = Spool::new(dir.path().join("spool"));
        // Another working directory (or the destroyed resource) filed two reports.
        for id in ["a1", "a2"] {
            let (_, filed) = run(&store, &spool, id, None).await;
            assert_eq!(filed.spooled, None);
        }
        // A created qualification whose store is unreachable: its report is spooled with
        // the place after what the spool knows (sequence 1).
        let down = StoreError::Unavailable("connection refused".into());
        let (r, filed) = run(&Down(&store), &spool, "b1", Some(&down)).await;
        assert_eq!(r.qualification.sequence, 1);
        assert!(filed.unplaced && filed.spooled.is_some());

        let drained = drain_spool(&store, &spool, None, None).await;
        assert_eq!(drained.filed, 1, "{drained:?}");
        assert_eq!(drained.waiting, None);
        assert_eq!(drained.moved.len(), 1, "{drained:?}");
        assert!(drained.moved[0].contains("spooled as sequence 1, filed as sequence 3"));
        assert!(spool.pending().0.is_empty());
        let (r, filed) = run(&store, &spool, "b2", None).await;
        assert_eq!((r.qualification.sequence, filed.spooled), (4, None));

        let reports = collected(&store).await;
        assert_eq!(reports.len(), 4);
        let checked = chain::check(&reports, true);
        assert!(checked.findings.is_empty(), "{:#?}", checked.findings);
        assert_eq!(checked.chains.len(), 1);
        let moved: Report = serde_json::from_slice(
            &reports
                .iter()
                .find(|c| c.location.ends_with("b1.json"))
                .unwrap()
                .bytes,
        )
        .unwrap();
        assert_eq!(moved.qualification.sequence, 3);
        assert!(moved
            .notes
            .iter()
            .any(|n| n.contains("spooled as sequence 1")));
        // Its CSV was rendered again at its new place.
        let csv_key = store
            .list("")
            .await
            .unwrap()
            .into_iter()
            .find(|k| k.ends_with("b1.csv"))
            .unwrap();
        let csv = String::from_utf8(store.get(&csv_key).await.unwrap()).unwrap();
        assert_eq!(
            csv,
            String::from_utf8(crate::report::formats::render(&moved, Format::Csv).unwrap())
                .unwrap()
        );
    }

    #[tokio::test]
    async fn a_spooled_report_whose_place_is_still_free_is_filed_as_it_was_spooled() {
        let dir = tempfile::tempdir().unwrap();
        let store = LocalStore::new(dir.path().join("store"));
        let spool = Spool::new(dir.path().join("spool"));
        let down = StoreError::Unavailable("connection refused".into());
        let (_, spooled) = run(&Down(&store), &spool, "b1", Some(&down)).await;
        // The next run waits behind it in the spool, continuing after it.
        let (r, second) = run(&Down(&store), &spool, "b2", Some(&down)).await;
        assert_eq!(r.qualification.sequence, 2);
        assert_eq!(
            r.previous_report_sha256.as_deref(),
            Some(spooled.sealed.sha256.as_str())
        );
        let drained = drain_spool(&store, &spool, None, None).await;
        assert_eq!((drained.filed, drained.moved.len()), (2, 0), "{drained:?}");
        let reports = collected(&store).await;
        let shas: Vec<String> = reports.iter().map(|c| sha256_hex(&c.bytes)).collect();
        assert!(shas.contains(&spooled.sealed.sha256) && shas.contains(&second.sealed.sha256));
        assert!(chain::check(&reports, true).findings.is_empty());
    }
}
