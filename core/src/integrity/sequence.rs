//! A report's place in its chain is claimed in the store, once: the chain cannot fork.
//!
//! Each qualification (name, application, environment) has one chain. Before a report is
//! filed, its place — `qualification.sequence` N, `previous_report_sha256` (the report at
//! N-1) and `qualification.sequenced_at` — is claimed by writing the claim object
//!
//! `application=APP/environment=ENV/_chain/QUALIFICATION/<N, 20 digits>.claim`
//!
//! with a conditional write (S3 `If-None-Match: *`; a local directory creates the file
//! exclusively). The claim names the report's key and SHA-256. A second writer of the same
//! name (another working directory, a re-created resource) finds the place taken, re-reads
//! the chain's head and claims the place after it. A report is filed only after its claim
//! succeeded; one that could not claim (store unreachable) waits in the spool and claims its
//! place when it is filed, continuing whatever the chain has become meanwhile.
//!
//! The head of a chain is its highest claim; a store written before claims existed has none,
//! and its head is the highest of its filed reports (the first claim then continues it).
//! `_chain/` holds no `*.json`: the verifier and query engines (which skip `_`-prefixed
//! folders) see reports only.

use serde::{Deserialize, Serialize};

use crate::evidence::{partition_prefix, sanitize, EvidenceStore, StoreError};
use crate::integrity::chain::{self, Collected};
use crate::report::{self, Report};
use crate::util::{now_utc, parse_time, rfc3339, sha256_hex};

/// Format identifier of a claim object.
pub const CLAIM_FORMAT: &str = "gxp.chain-claim/v1";
/// Suffix of claim objects.
pub const CLAIM_SUFFIX: &str = ".claim";
/// Claims tried for one report before it is left for a later filing.
pub const MAX_CLAIM_ATTEMPTS: usize = 16;

/// One qualification's chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChainId {
    pub qualification: String,
    pub application: String,
    pub environment: String,
}

impl ChainId {
    /// The chain a report belongs to.
    pub fn of(report: &Report) -> ChainId {
        ChainId {
            qualification: report.qualification.name.clone(),
            application: report.system.application.clone(),
            environment: report.system.environment.clone(),
        }
    }

    /// The folder of the chain's claims.
    pub fn claims_prefix(&self) -> String {
        format!(
            "{}_chain/{}/",
            partition_prefix(&self.application, &self.environment),
            sanitize(&self.qualification)
        )
    }

    /// The head of this chain among collected reports (filed before claims existed, or
    /// spooled), in the verifier's chain order.
    pub fn head_in(&self, reports: &[Collected]) -> Option<Head> {
        chain::head(
            reports,
            &self.qualification,
            &self.application,
            &self.environment,
        )
    }

    /// The key of the claim of place `sequence`.
    pub fn claim_key(&self, sequence: i64) -> String {
        format!("{}{sequence:020}{CLAIM_SUFFIX}", self.claims_prefix())
    }
}

/// A claim object: which report holds a place of a chain.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct Claim {
    /// [`CLAIM_FORMAT`].
    pub format: String,
    pub qualification: String,
    pub application: String,
    pub environment: String,
    pub sequence: i64,
    /// SHA-256 of the report holding the place.
    pub report_sha256: String,
    /// SHA-256 of the report before it (the claim of `sequence - 1` names it); `None` for
    /// the first place.
    #[serde(default)]
    pub previous_report_sha256: Option<String>,
    /// The report's key in the store.
    pub report: String,
    /// The report's `qualification.sequenced_at`.
    pub sequenced_at: String,
}

/// The last place of a chain (the verifier's [`chain::head`], or the highest claim).
pub use super::chain::Head;

/// A place in a chain: sequence, previous report, and the earliest time it may be given.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Place {
    pub sequence: i64,
    pub previous_sha256: Option<String>,
    /// The time of the previous place (`sequenced_at` is not before it).
    pub not_before: Option<String>,
}

impl Place {
    /// The first place of a chain.
    pub fn first() -> Place {
        Place {
            sequence: 1,
            previous_sha256: None,
            not_before: None,
        }
    }

    /// The place after `head` (the first place when there is none).
    pub fn after(head: Option<&Head>) -> Place {
        match head {
            None => Place::first(),
            Some(h) => Place {
                sequence: h.sequence + 1,
                previous_sha256: Some(h.sha256.clone()),
                not_before: h.time.clone(),
            },
        }
    }

    /// The later of two places (by sequence).
    pub fn later(self, other: Place) -> Place {
        if other.sequence > self.sequence {
            other
        } else {
            self
        }
    }

    /// Whether `report` already sits at this place.
    pub fn holds(&self, report: &Report) -> bool {
        let time_ok = match (&self.not_before, &report.qualification.sequenced_at) {
            (None, _) => true,
            (Some(before), Some(at)) => match (parse_time(before), parse_time(at)) {
                (Some(b), Some(a)) => a >= b,
                _ => false,
            },
            (Some(_), None) => false,
        };
        report.qualification.sequence == self.sequence
            && report.previous_report_sha256 == self.previous_sha256
            && time_ok
    }
}

/// A report given its place: its canonical bytes and their SHA-256.
#[derive(Debug, Clone, PartialEq)]
pub struct Sealed {
    pub bytes: Vec<u8>,
    pub sha256: String,
}

/// Give `report` the place `place` (sequence, previous SHA-256, `sequenced_at` not before the
/// previous place nor the run's end) and return its canonical bytes.
pub fn seal(report: &mut Report, place: &Place) -> Sealed {
    let mut at = now_utc();
    for bound in [
        place.not_before.as_deref(),
        Some(report.run.finished_at.as_str()),
    ]
    .into_iter()
    .flatten()
    .filter_map(parse_time)
    {
        if bound > at {
            at = bound;
        }
    }
    report.qualification.sequence = place.sequence;
    report.previous_report_sha256 = place.previous_sha256.clone();
    report.qualification.sequenced_at = Some(rfc3339(at));
    let bytes = report::canonical_bytes(report);
    let sha256 = sha256_hex(&bytes);
    Sealed { bytes, sha256 }
}

/// The sequence of a claim key, if it is one.
fn claim_sequence(key: &str, prefix: &str) -> Option<i64> {
    let digits = key.strip_prefix(prefix)?.strip_suffix(CLAIM_SUFFIX)?;
    (!digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()))
        .then(|| digits.parse().ok())
        .flatten()
}

/// Read the claim of place `sequence`; `Ok(None)` when the place is free.
pub async fn read_claim(
    store: &dyn EvidenceStore,
    chain: &ChainId,
    sequence: i64,
) -> Result<Option<Claim>, String> {
    let key = chain.claim_key(sequence);
    let bytes = match store.get(&key).await {
        Ok(bytes) => bytes,
        Err(StoreError::NotFound(_)) => return Ok(None),
        Err(e) => return Err(e.to_string()),
    };
    let claim: Claim = serde_json::from_slice(&bytes).map_err(|e| {
        format!(
            "the chain claim {} is unreadable: {e}",
            store.location_of(&key)
        )
    })?;
    if claim.format != CLAIM_FORMAT || claim.sequence != sequence {
        return Err(format!(
            "the chain claim {} is not a {CLAIM_FORMAT} claim of sequence {sequence}",
            store.location_of(&key)
        ));
    }
    Ok(Some(claim))
}

/// The head of `chain` in `store`: its highest claim, or, in a store without claims, its
/// highest filed report (`legacy` reads those). `Err` when the store cannot be read.
pub async fn store_head<F, Fut>(
    store: &dyn EvidenceStore,
    chain: &ChainId,
    legacy: F,
) -> Result<Option<Head>, String>
where
    F: FnOnce() -> Fut,
    Fut: std::future::Future<Output = Result<Vec<Collected>, String>>,
{
    let prefix = chain.claims_prefix();
    let keys = store
        .list(&prefix)
        .await
        .map_err(|e| format!("cannot list {}: {e}", store.describe()))?;
    let highest = keys.iter().filter_map(|k| claim_sequence(k, &prefix)).max();
    let Some(sequence) = highest else {
        return Ok(chain.head_in(&legacy().await?));
    };
    let claim = read_claim(store, chain, sequence)
        .await?
        .ok_or_else(|| format!("the chain claim of sequence {sequence} disappeared"))?;
    Ok(Some(Head {
        sequence,
        sha256: claim.report_sha256,
        location: store.location_of(&claim.report),
        time: Some(claim.sequenced_at),
    }))
}

/// What became of a claim.
#[derive(Debug, Clone, PartialEq)]
pub enum Claimed {
    /// The place is the report's (now, or already: an earlier attempt whose answer was lost).
    Yes,
    /// Another report holds the place.
    Taken,
}

/// Claim the place of `sealed` (the report as given its place by [`seal`]) for the report
/// at `report_key`.
pub async fn claim(
    store: &dyn EvidenceStore,
    report: &Report,
    report_key: &str,
    sealed: &Sealed,
) -> Result<Claimed, String> {
    let chain = ChainId::of(report);
    let sequence = report.qualification.sequence;
    let doc = Claim {
        format: CLAIM_FORMAT.into(),
        qualification: chain.qualification.clone(),
        application: chain.application.clone(),
        environment: chain.environment.clone(),
        sequence,
        report_sha256: sealed.sha256.clone(),
        previous_report_sha256: report.previous_report_sha256.clone(),
        report: report_key.to_string(),
        sequenced_at: report
            .qualification
            .sequenced_at
            .clone()
            .unwrap_or_default(),
    };
    let bytes = serde_json::to_vec_pretty(&doc).map_err(|e| e.to_string())?;
    match store
        .put_new(&chain.claim_key(sequence), &bytes, "application/json")
        .await
    {
        Ok(_) => Ok(Claimed::Yes),
        Err(StoreError::AlreadyExists(_)) => match read_claim(store, &chain, sequence).await? {
            Some(c) if c.report_sha256 == sealed.sha256 => Ok(Claimed::Yes),
            _ => Ok(Claimed::Taken),
        },
        Err(e) => Err(e.to_string()),
    }
}

/// Where a report ended up.
#[derive(Debug, Clone, PartialEq)]
pub enum Placement {
    /// Its place is claimed: file it.
    Claimed(Sealed),
    /// It could not claim a place (the store could not be written or read, or concurrent
    /// runs kept taking the next place): spool it, it claims its place when it is filed. The
    /// report keeps the place it was last sealed at; the message says why.
    Unclaimed(Sealed, String),
}

/// Claim a place for `report` (to be filed at `report_key`), sealed by [`seal`] as `sealed`:
/// the place after the chain's head as `head` reads it now. When that is the place the report
/// was sealed at, its bytes stay as they are; otherwise `moved` amends it (a note, once) and
/// it is sealed again there. When another report takes the place first, the head is read
/// again and the place after it is tried, up to [`MAX_CLAIM_ATTEMPTS`] times.
///
/// A place is only ever claimed right after the claim before it was read, so claims are
/// numbered 1, 2, 3… without a gap and each names its predecessor's SHA-256: the chain
/// cannot fork.
pub async fn place<F, Fut>(
    store: &dyn EvidenceStore,
    report: &mut Report,
    report_key: &str,
    mut sealed: Sealed,
    mut head: F,
    mut moved: impl FnMut(&mut Report),
) -> Placement
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<Option<Head>, String>>,
{
    let mut amended = false;
    let mut taken: Option<i64> = None;
    for _ in 0..MAX_CLAIM_ATTEMPTS {
        let next = match head().await {
            Ok(h) => Place::after(h.as_ref()),
            Err(e) => {
                return Placement::Unclaimed(
                    sealed,
                    format!("the chain's head could not be read: {e}"),
                )
            }
        };
        if let Some(t) = taken.filter(|t| next.sequence <= *t) {
            return Placement::Unclaimed(
                sealed,
                format!(
                    "sequence {t} is claimed, but the chain's head read after it is sequence {}",
                    next.sequence - 1
                ),
            );
        }
        if !next.holds(report) {
            if !amended {
                moved(report);
                amended = true;
            }
            sealed = seal(report, &next);
        }
        match claim(store, report, report_key, &sealed).await {
            Ok(Claimed::Yes) => return Placement::Claimed(sealed),
            Ok(Claimed::Taken) => taken = Some(next.sequence),
            Err(e) => {
                return Placement::Unclaimed(
                    sealed,
                    format!("its place in the chain could not be claimed: {e}"),
                )
            }
        }
    }
    Placement::Unclaimed(
        sealed,
        format!("{MAX_CLAIM_ATTEMPTS} places in a row were taken by concurrent runs"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::evidence::local::LocalStore;
    use crate::integrity::chain::testing::{collected, report};
    use crate::integrity::chain::FindingKind;

    fn head(sequence: i64, sha256: &str, time: &str) -> Head {
        Head {
            sequence,
            sha256: sha256.into(),
            location: format!("/ev/{sequence}.json"),
            time: Some(time.into()),
        }
    }

    #[test]
    fn the_place_after_a_head_links_to_it_and_is_not_given_before_it() {
        assert_eq!(Place::after(None), Place::first());
        let next = Place::after(Some(&head(4, "ab", "2026-01-01T00:04:00Z")));
        assert_eq!(next.sequence, 5);
        assert_eq!(next.previous_sha256.as_deref(), Some("ab"));
        assert_eq!(next.not_before.as_deref(), Some("2026-01-01T00:04:00Z"));
        assert_eq!(Place::first().later(next.clone()), next);
        assert_eq!(next.clone().later(Place::first()), next);
    }

    #[test]
    fn sealing_sets_the_place_and_a_time_not_before_the_previous_place_nor_the_run() {
        let mut r = report("q", 9, None, "2999-01-01T00:00:00Z");
        let place = Place::after(Some(&head(2, "ab", "2026-01-01T00:04:00Z")));
        let sealed = seal(&mut r, &place);
        assert_eq!(r.qualification.sequence, 3);
        assert_eq!(r.previous_report_sha256.as_deref(), Some("ab"));
        assert_eq!(
            r.qualification.sequenced_at.as_deref(),
            Some("2999-01-01T00:00:00Z"),
            "not before the run finished"
        );
        assert_eq!(sealed.bytes, report::canonical_bytes(&r));
        assert_eq!(sealed.sha256, sha256_hex(&sealed.bytes));
        assert!(place.holds(&r));

        let later = Place::after(Some(&head(2, "ab", "3000-01-01T00:00:00Z")));
        seal(&mut r, &later);
        assert_eq!(
            r.qualification.sequenced_at.as_deref(),
            Some("3000-01-01T00:00:00Z"),
            "not before the previous place"
        );
    }

    #[test]
    fn a_report_holds_a_place_only_with_its_sequence_predecessor_and_time() {
        let mut r = report("q", 1, None, "2026-01-01T00:00:00Z");
        let place = Place::after(Some(&head(1, "ab", "2026-01-01T00:00:00Z")));
        assert!(!place.holds(&r), "sequence and predecessor differ");
        seal(&mut r, &place);
        assert!(place.holds(&r));
        let other = Place {
            previous_sha256: Some("cd".into()),
            ..place.clone()
        };
        assert!(!other.holds(&r), "another predecessor");
        let later = Place {
            not_before: Some("3000-01-01T00:00:00Z".into()),
            ..place.clone()
        };
        assert!(!later.holds(&r), "placed before its predecessor");
        r.qualification.sequenced_at = None;
        assert!(!place.holds(&r), "never placed");
    }

    #[test]
    fn claim_keys_sort_by_sequence_and_parse_back() {
        let chain = ChainId {
            qualification: "lims prod".into(),
            application: "lims".into(),
            environment: "prod".into(),
        };
        let prefix = chain.claims_prefix();
        assert!(prefix.contains("_chain/"), "{prefix}");
        assert!(!chain.claim_key(1).ends_with(".json"), "not a report");
        assert!(chain.claim_key(9) < chain.claim_key(10));
        assert_eq!(claim_sequence(&chain.claim_key(12), &prefix), Some(12));
        assert_eq!(claim_sequence(&format!("{prefix}x.claim"), &prefix), None);
        assert_eq!(claim_sequence(&format!("{prefix}.claim"), &prefix), None);
        assert_eq!(
            claim_sequence("other/00000000000000000001.claim", &prefix),
            None
        );
    }

    #[test]
    fn the_head_of_reports_is_the_highest_with_its_order_time() {
        let a = report("q", 1, None, "2026-01-01T00:01:00Z");
        let ca = collected("/ev", &a);
        let mut b = report("q", 2, Some(&sha256_hex(&ca.bytes)), "2026-01-01T00:02:00Z");
        b.qualification.sequenced_at = Some("2026-01-01T00:03:00Z".into());
        let cb = collected("/ev", &b);
        let chain = ChainId::of(&a);
        let h = chain.head_in(&[cb.clone(), ca.clone()]).unwrap();
        assert_eq!(h.sequence, 2);
        assert_eq!(h.sha256, sha256_hex(&cb.bytes));
        assert_eq!(h.time.as_deref(), Some("2026-01-01T00:03:00Z"));
        let h = chain.head_in(&[ca]).unwrap();
        assert_eq!(
            h.time.as_deref(),
            Some("2026-01-01T00:01:00Z"),
            "finished_at"
        );
        assert_eq!(chain.head_in(&[]), None);
    }

    /// Place `r` (filed at `key`) in `store` after the chain's head there, and file it.
    async fn place_and_file(store: &LocalStore, mut r: Report, key: &str) -> (Report, Placement) {
        let tentative = Place::first();
        let sealed = seal(&mut r, &tentative);
        let chain = ChainId::of(&r);
        let placed = place(
            store,
            &mut r,
            key,
            sealed,
            || store_head(store, &chain, || async { Ok(Vec::new()) }),
            |r| r.notes.push("moved".into()),
        )
        .await;
        if let Placement::Claimed(s) = &placed {
            store
                .put_new(key, &s.bytes, "application/json")
                .await
                .unwrap();
        }
        (r, placed)
    }

    /// The reports filed in a local store, as the verifier collects them.
    fn filed(dir: &std::path::Path, reports: &[(Report, Placement)]) -> Vec<Collected> {
        reports
            .iter()
            .map(|(r, _)| collected(dir.to_str().unwrap(), r))
            .collect()
    }

    #[tokio::test]
    async fn concurrent_writers_of_one_name_claim_consecutive_places_and_one_intact_chain() {
        let dir = tempfile::tempdir().unwrap();
        let store = LocalStore::new(dir.path());
        // Eight runs of one qualification, all sealed at place 1 (the chain was empty when
        // each started), claim at once.
        let runs = (0..8).map(|i| {
            let mut r = report("q", 1, None, "2026-01-01T00:00:00Z");
            r.report_id = format!("q-run{i}");
            let key = format!("q/{}.json", r.report_id);
            let store = &store;
            async move { place_and_file(store, r, &key).await }
        });
        let placed = futures::future::join_all(runs).await;
        let mut sequences: Vec<i64> = placed
            .iter()
            .map(|(r, _)| r.qualification.sequence)
            .collect();
        sequences.sort();
        assert_eq!(
            sequences,
            (1..=8).collect::<Vec<_>>(),
            "no place given twice"
        );
        assert!(placed
            .iter()
            .all(|(_, p)| matches!(p, Placement::Claimed(_))));
        for (r, _) in &placed {
            let moved = r.notes.iter().any(|n| n == "moved");
            assert_eq!(moved, r.qualification.sequence != 1, "{}", r.report_id);
        }
        let checked = chain::check(&filed(dir.path(), &placed), true);
        assert!(checked.findings.is_empty(), "{:#?}", checked.findings);
        assert_eq!(checked.chains.len(), 1);

        // A later run continues after the highest claim.
        let r = report("q", 1, None, "2026-01-01T00:00:00Z");
        let (r, _) = place_and_file(&store, r, "q/late.json").await;
        assert_eq!(r.qualification.sequence, 9);
    }

    #[tokio::test]
    async fn a_place_taken_by_another_report_is_not_claimed_again() {
        let dir = tempfile::tempdir().unwrap();
        let store = LocalStore::new(dir.path());
        let mut a = report("q", 1, None, "2026-01-01T00:00:00Z");
        let sa = seal(&mut a, &Place::first());
        assert_eq!(claim(&store, &a, "q/a.json", &sa).await, Ok(Claimed::Yes));
        assert_eq!(
            claim(&store, &a, "q/a.json", &sa).await,
            Ok(Claimed::Yes),
            "the same report again (an answer lost): still its place"
        );
        let mut b = report("q", 1, None, "2026-01-01T00:00:01Z");
        b.report_id = "q-b".into();
        let sb = seal(&mut b, &Place::first());
        assert_eq!(claim(&store, &b, "q/b.json", &sb).await, Ok(Claimed::Taken));
        let claimed = read_claim(&store, &ChainId::of(&a), 1)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(claimed.report_sha256, sa.sha256);
        assert_eq!(claimed.report, "q/a.json");
    }

    #[tokio::test]
    async fn a_head_that_cannot_be_read_claims_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let store = LocalStore::new(dir.path());
        let mut r = report("q", 1, None, "2026-01-01T00:00:00Z");
        let sealed = seal(&mut r, &Place::first());
        let placed = place(
            &store,
            &mut r,
            "q/r.json",
            sealed.clone(),
            || async { Err::<Option<Head>, String>("access denied".into()) },
            |_| {},
        )
        .await;
        assert!(
            matches!(&placed, Placement::Unclaimed(s, why) if *s == sealed && why.contains("access denied")),
            "{placed:?}"
        );
        let chain = ChainId::of(&r);
        assert_eq!(
            store.list(&chain.claims_prefix()).await.unwrap(),
            Vec::<String>::new()
        );
    }

    #[tokio::test]
    async fn a_store_without_claims_continues_after_its_highest_report() {
        let dir = tempfile::tempdir().unwrap();
        let store = LocalStore::new(dir.path());
        let legacy = crate::integrity::chain::testing::chain("q", 3);
        let chain = ChainId {
            qualification: "q".into(),
            application: "lims".into(),
            environment: "prod".into(),
        };
        let reports = legacy.clone();
        let h = store_head(&store, &chain, || async { Ok(reports) })
            .await
            .unwrap()
            .unwrap();
        assert_eq!(h.sequence, 3);
        assert_eq!(h.sha256, sha256_hex(&legacy[2].bytes));
        assert_eq!(Place::after(Some(&h)).sequence, 4);
    }

    #[test]
    fn the_verifier_orders_by_sequenced_at_when_present() {
        // Run 2 finished before run 1 (concurrent pipelines) but took its place after it.
        let mut a = report("q", 1, None, "2026-01-01T00:05:00Z");
        a.qualification.sequenced_at = Some("2026-01-01T00:05:00Z".into());
        let ca = collected("/ev", &a);
        let mut b = report("q", 2, Some(&sha256_hex(&ca.bytes)), "2026-01-01T00:04:00Z");
        b.qualification.sequenced_at = Some("2026-01-01T00:06:00Z".into());
        let cb = collected("/ev", &b);
        let checked = chain::check(&[ca.clone(), cb], true);
        assert!(checked.findings.is_empty(), "{:#?}", checked.findings);

        // A place given before its run finished, or before the previous place: out of order.
        b.qualification.sequenced_at = Some("2026-01-01T00:03:00Z".into());
        let checked = chain::check(&[ca.clone(), collected("/ev", &b)], true);
        let kinds: Vec<FindingKind> = checked.findings.iter().map(|f| f.kind).collect();
        assert!(kinds.contains(&FindingKind::OutOfOrder), "{kinds:?}");
        b.run.finished_at = "2026-01-01T00:02:00Z".into();
        let checked = chain::check(&[ca, collected("/ev", &b)], true);
        assert_eq!(
            checked.findings.iter().map(|f| f.kind).collect::<Vec<_>>(),
            [FindingKind::OutOfOrder],
            "{:#?}",
            checked.findings
        );
    }
}
