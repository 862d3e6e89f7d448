//! Integrity checks over a set of collected reports (pure).
//!
//! For every report: its recomputed SHA-256 against its `.sha256` companion, that it is a
//! `gxp.report/v1` report filed under its own id, and that a signature companion signs that
//! SHA-256. For every chain (one qualification of one application and environment), ordered
//! by `qualification.sequence`: the first report is sequence 1 with no previous hash, each
//! next one names the SHA-256 of the one before, no sequence is missing or repeated, and
//! sequence order agrees with the order the runs finished in.
//!
//! Signature validity itself needs KMS and is checked by [`super::verify`].

use std::collections::{BTreeMap, BTreeSet, HashMap};

use serde::{Deserialize, Serialize};

use super::sign::SignatureFile;
use super::{REPORT_EXTENSION, SHA256_SUFFIX, SIGNATURE_SUFFIX};
use crate::report::{Report, REPORT_FORMAT};
use crate::util::{parse_time, sha256_hex};

/// A report as collected from a store, with its companions.
#[derive(Debug, Clone, PartialEq)]
pub struct Collected {
    /// Where the report is (`s3://bucket/key` or a file path).
    pub location: String,
    /// The report bytes exactly as filed.
    pub bytes: Vec<u8>,
    /// Text of the `.sha256` companion, when there is one.
    pub sha256_file: Option<String>,
    /// The `.sig` companion when there is one: parsed, or why it could not be read.
    pub signature: Option<Result<SignatureFile, String>>,
}

/// What is wrong.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum FindingKind {
    /// The report's SHA-256 differs from its `.sha256` file.
    HashMismatch,
    /// The report has no `.sha256` file.
    MissingHash,
    /// The report is filed under another report's name.
    Misplaced,
    /// The file is not a readable `gxp.report/v1` report.
    Unparseable,
    /// The file could not be read.
    Unreadable,
    /// A `previous_report_sha256` link does not match the report before it.
    ChainBroken,
    /// Sequence numbers are missing from a chain.
    SequenceGap,
    /// Two reports carry the same sequence number.
    DuplicateSequence,
    /// Sequence order disagrees with run time order, or a link points to a later report.
    OutOfOrder,
    /// A report's companions are present but the report is not.
    MissingReport,
    /// No signature where one is required.
    MissingSignature,
    /// The signature file signs another digest than the report's SHA-256.
    SignatureMismatch,
    /// KMS rejected the signature, or the signature file is malformed.
    SignatureInvalid,
    /// The signature was made with a key that is not trusted.
    SignatureUntrusted,
    /// The signature could not be checked (KMS unreachable, key unknown, access denied).
    SignatureUnverified,
    /// The source holds no reports.
    NoReports,
    /// The chain ends before the head the pipeline recorded (`--expect-head`,
    /// `--min-sequence`).
    Truncated,
}

impl FindingKind {
    /// What the finding means, in one line, for the summary.
    pub fn meaning(self) -> &'static str {
        match self {
            FindingKind::HashMismatch => {
                "the report was changed after it was filed (or its .sha256 file was)"
            }
            FindingKind::MissingHash => {
                "the report's .sha256 file is missing: its integrity cannot be confirmed"
            }
            FindingKind::Misplaced => {
                "a report is filed under another report's name (files renamed or swapped)"
            }
            FindingKind::Unparseable => "the file is not a readable GxP report",
            FindingKind::Unreadable => "the file could not be read from the source",
            FindingKind::ChainBroken => {
                "a report does not link to the report before it: one was altered or replaced"
            }
            FindingKind::SequenceGap => {
                "reports are missing from the chain: removed, or outside the verified source"
            }
            FindingKind::DuplicateSequence => "two reports claim the same place in the chain",
            FindingKind::OutOfOrder => {
                "the chain's order disagrees with when the runs happened: reports were reordered"
            }
            FindingKind::MissingReport => "a report was removed but its companion files remain",
            FindingKind::MissingSignature => "a report that must be signed has no .sig file",
            FindingKind::SignatureMismatch => {
                "the signature is for different content than the report"
            }
            FindingKind::SignatureInvalid => {
                "KMS rejected the signature (forged or corrupted), or the .sig file is malformed"
            }
            FindingKind::SignatureUntrusted => {
                "the report was signed with a key that is not the approved signing key"
            }
            FindingKind::SignatureUnverified => "the signature could not be checked with KMS",
            FindingKind::NoReports => "no reports were found at the source",
            FindingKind::Truncated => {
                "the chain ends before the head the pipeline recorded: reports were removed from its end"
            }
        }
    }
}

impl std::fmt::Display for FindingKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{self:?}")
    }
}

/// One problem, where it is and what it is.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Finding {
    /// The report concerned (`s3://...` or a path), or the source for source-wide findings.
    pub location: String,
    pub kind: FindingKind,
    pub message: String,
}

impl Finding {
    /// A finding.
    pub fn new(location: impl Into<String>, kind: FindingKind, message: impl Into<String>) -> Self {
        Finding {
            location: location.into(),
            kind,
            message: message.into(),
        }
    }
}

/// One qualification's chain of reports.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct Chain {
    pub qualification: String,
    pub application: String,
    pub environment: String,
    /// Number of reports found.
    pub reports: usize,
    pub first_sequence: i64,
    pub last_sequence: i64,
    /// Whether no finding concerns any of its reports.
    pub intact: bool,
    /// Report locations in sequence order.
    pub locations: Vec<String>,
}

impl Chain {
    /// Recompute [`Chain::intact`] from the findings.
    pub fn settle(&mut self, findings: &[Finding]) {
        self.intact = !findings
            .iter()
            .any(|f| self.locations.contains(&f.location));
    }
}

/// Outcome of [`check`].
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Checked {
    /// Findings, sorted by location.
    pub findings: Vec<Finding>,
    /// Chains by qualification, application and environment.
    pub chains: Vec<Chain>,
    /// Recomputed SHA-256 of each report, by location.
    pub hashes: BTreeMap<String, String>,
}

/// The digest and file name of a `sha256sum` line (`HEX  NAME` or `HEX *NAME`).
pub fn parse_sha256_file(text: &str) -> Option<(String, Option<String>)> {
    let line = text.lines().next()?.trim();
    let (hex, rest) = match line.split_once(char::is_whitespace) {
        Some((h, r)) => (h, Some(r)),
        None => (line, None),
    };
    if hex.len() != 64 || !hex.chars().all(|c| c.is_ascii_hexdigit()) {
        return None;
    }
    let name = rest
        .map(|r| r.trim_start().trim_start_matches('*').trim())
        .filter(|n| !n.is_empty())
        .map(str::to_string);
    Some((hex.to_ascii_lowercase(), name))
}

/// The last segment of a location (`/`-separated paths and `s3://` URLs).
pub fn file_name(location: &str) -> &str {
    location
        .rsplit(['/', std::path::MAIN_SEPARATOR])
        .next()
        .unwrap_or(location)
}

/// Companion keys (`.sha256`, `.sig`) of reports that are not among `keys`, as the key
/// of the missing report.
pub fn missing_reports(keys: &[String]) -> Vec<String> {
    let present: BTreeSet<&str> = keys.iter().map(String::as_str).collect();
    let mut missing = BTreeSet::new();
    for key in keys {
        let report = key
            .strip_suffix(SHA256_SUFFIX)
            .or_else(|| key.strip_suffix(SIGNATURE_SUFFIX));
        if let Some(report) = report {
            if report.ends_with(REPORT_EXTENSION) && !present.contains(report) {
                missing.insert(report.to_string());
            }
        }
    }
    missing.into_iter().collect()
}

/// `3`, `3–5` or `2, 5–6`: a sorted list of sequence numbers, compactly.
pub fn ranges(numbers: &[i64]) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut i = 0;
    while i < numbers.len() {
        let start = numbers[i];
        let mut end = start;
        while i + 1 < numbers.len() && numbers[i + 1] == end + 1 {
            end += 1;
            i += 1;
        }
        parts.push(if start == end {
            start.to_string()
        } else {
            format!("{start}–{end}")
        });
        i += 1;
    }
    parts.join(", ")
}

fn short(sha: &str) -> &str {
    sha.get(..12).unwrap_or(sha)
}

/// A parsed report in a chain.
struct Entry<'a> {
    location: &'a str,
    sha: String,
    sequence: i64,
    previous: Option<String>,
    finished_at: String,
    /// `qualification.sequenced_at`, when the report has it.
    sequenced_at: Option<String>,
}

/// The time chain order is checked on, for the verifier and for the run that continues the
/// chain alike: when the report was given its place (`qualification.sequenced_at`), or, for
/// reports of earlier versions, when its run finished (`run.finished_at`); and which of the
/// two it is.
pub fn order_time<'a>(
    sequenced_at: Option<&'a str>,
    finished_at: &'a str,
) -> (&'a str, &'static str) {
    match sequenced_at {
        Some(t) => (t, "was given its place"),
        None => (finished_at, "finished"),
    }
}

impl Entry<'_> {
    /// [`order_time`] of this report.
    fn order_time(&self) -> (&str, &'static str) {
        order_time(self.sequenced_at.as_deref(), &self.finished_at)
    }
}

/// Run every check. With `chains` false (one report on its own), the chain is not checked.
pub fn check(reports: &[Collected], chains: bool) -> Checked {
    let mut findings = Vec::new();
    let mut hashes = BTreeMap::new();
    let mut groups: BTreeMap<(String, String, String), Vec<Entry>> = BTreeMap::new();
    for r in reports {
        let sha = sha256_hex(&r.bytes);
        hash_findings(r, &sha, &mut findings);
        signature_findings(r, &sha, &mut findings);
        hashes.insert(r.location.clone(), sha.clone());
        let report = match parse(&r.bytes) {
            Ok(report) => report,
            Err(why) => {
                findings.push(Finding::new(&r.location, FindingKind::Unparseable, why));
                continue;
            }
        };
        placement_findings(r, &report, &mut findings);
        groups
            .entry((
                report.qualification.name.clone(),
                report.system.application.clone(),
                report.system.environment.clone(),
            ))
            .or_default()
            .push(Entry {
                location: &r.location,
                sha,
                sequence: report.qualification.sequence,
                previous: report
                    .previous_report_sha256
                    .map(|p| p.to_ascii_lowercase()),
                finished_at: report.run.finished_at,
                sequenced_at: report.qualification.sequenced_at,
            });
    }
    let mut out_chains = Vec::new();
    for ((qualification, application, environment), mut entries) in groups {
        entries.sort_by(|a, b| (a.sequence, a.location).cmp(&(b.sequence, b.location)));
        if chains {
            chain_findings(&qualification, &entries, &mut findings);
        }
        out_chains.push(Chain {
            qualification,
            application,
            environment,
            reports: entries.len(),
            first_sequence: entries.first().map(|e| e.sequence).unwrap_or_default(),
            last_sequence: entries.last().map(|e| e.sequence).unwrap_or_default(),
            intact: true,
            locations: entries.iter().map(|e| e.location.to_string()).collect(),
        });
    }
    findings.sort();
    findings.dedup();
    for c in &mut out_chains {
        c.settle(&findings);
    }
    Checked {
        findings,
        chains: out_chains,
        hashes,
    }
}

/// The last report of a chain: where the next report of the qualification continues.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Head {
    /// Its `qualification.sequence`.
    pub sequence: i64,
    /// SHA-256 of its bytes: the next report's `previous_report_sha256`.
    pub sha256: String,
    /// Where that report is (or will be, when it waits in a spool).
    pub location: String,
    /// When it was given its place ([`order_time`]): the next place is not given before.
    pub time: Option<String>,
}

/// The report with the highest sequence of the chain of `qualification` (in `application`
/// and `environment`) among `reports`, as [`check`] orders chains; `None` when it has none.
pub fn head(
    reports: &[Collected],
    qualification: &str,
    application: &str,
    environment: &str,
) -> Option<Head> {
    let checked = check(reports, false);
    let chain = checked.chains.iter().find(|c| {
        c.qualification == qualification
            && c.application == application
            && c.environment == environment
    })?;
    let location = chain.locations.last()?;
    let time = reports
        .iter()
        .find(|r| r.location == *location)
        .and_then(|r| parse(&r.bytes).ok())
        .map(|r| {
            let sequenced_at = r.qualification.sequenced_at.as_deref();
            order_time(sequenced_at, &r.run.finished_at).0.to_string()
        });
    Some(Head {
        sequence: chain.last_sequence,
        sha256: checked.hashes.get(location)?.clone(),
        location: location.clone(),
        time,
    })
}

fn parse(bytes: &[u8]) -> Result<Report, String> {
    let value: serde_json::Value =
        serde_json::from_slice(bytes).map_err(|e| format!("not JSON: {e}"))?;
    match value.get("format").and_then(|f| f.as_str()) {
        Some(REPORT_FORMAT) => {}
        Some(other) => {
            return Err(format!(
                "unknown report format {other:?} (expected {REPORT_FORMAT})"
            ))
        }
        None => {
            return Err(format!(
                "not a GxP report: no \"format\": \"{REPORT_FORMAT}\""
            ))
        }
    }
    serde_json::from_value(value).map_err(|e| format!("malformed {REPORT_FORMAT} report: {e}"))
}

fn hash_findings(r: &Collected, sha: &str, findings: &mut Vec<Finding>) {
    let Some(text) = &r.sha256_file else {
        findings.push(Finding::new(
            &r.location,
            FindingKind::MissingHash,
            format!(
                "no {}{SHA256_SUFFIX} file; the report's SHA-256 is {sha}",
                file_name(&r.location)
            ),
        ));
        return;
    };
    match parse_sha256_file(text) {
        None => findings.push(Finding::new(
            &r.location,
            FindingKind::HashMismatch,
            format!(
                "the {SHA256_SUFFIX} file does not hold a SHA-256 (`HEX  FILENAME`); the report's SHA-256 is {sha}"
            ),
        )),
        Some((recorded, _)) if recorded != sha => findings.push(Finding::new(
            &r.location,
            FindingKind::HashMismatch,
            format!("recomputed SHA-256 {sha} differs from the recorded {recorded}: the report was altered after filing"),
        )),
        Some(_) => {}
    }
}

fn signature_findings(r: &Collected, sha: &str, findings: &mut Vec<Finding>) {
    match &r.signature {
        None => {}
        Some(Err(why)) => findings.push(Finding::new(
            &r.location,
            FindingKind::SignatureInvalid,
            format!("the {SIGNATURE_SUFFIX} file is unusable: {why}"),
        )),
        Some(Ok(sig)) if sig.report_sha256.to_ascii_lowercase() != sha => {
            findings.push(Finding::new(
                &r.location,
                FindingKind::SignatureMismatch,
                format!(
                "the {SIGNATURE_SUFFIX} file signs SHA-256 {}, but the report's SHA-256 is {sha}",
                sig.report_sha256
            ),
            ))
        }
        Some(Ok(_)) => {}
    }
}

fn placement_findings(r: &Collected, report: &Report, findings: &mut Vec<Finding>) {
    let name = file_name(&r.location);
    let expected = format!("{}{REPORT_EXTENSION}", report.report_id);
    if name != expected {
        findings.push(Finding::new(
            &r.location,
            FindingKind::Misplaced,
            format!(
                "the file holds report {} (sequence {} of {}), which is filed as {expected}",
                report.report_id, report.qualification.sequence, report.qualification.name
            ),
        ));
    }
    if let Some((_, Some(named))) = r.sha256_file.as_deref().and_then(parse_sha256_file) {
        if named != name {
            findings.push(Finding::new(
                &r.location,
                FindingKind::Misplaced,
                format!("the {SHA256_SUFFIX} file is for {named}, not {name}"),
            ));
        }
    }
}

fn chain_findings(qualification: &str, entries: &[Entry], findings: &mut Vec<Finding>) {
    let mut by_seq: BTreeMap<i64, Vec<&Entry>> = BTreeMap::new();
    let mut by_hash: HashMap<&str, &Entry> = HashMap::new();
    for e in entries {
        by_seq.entry(e.sequence).or_default().push(e);
        by_hash.entry(e.sha.as_str()).or_insert(e);
    }
    for e in entries.iter().filter(|e| e.sequence < 1) {
        findings.push(Finding::new(
            e.location,
            FindingKind::ChainBroken,
            format!(
                "sequence {} of {qualification} is not a valid sequence number (chains start at 1)",
                e.sequence
            ),
        ));
    }
    for (seq, group) in by_seq.iter().filter(|(_, g)| g.len() > 1) {
        let all: Vec<&str> = group.iter().map(|e| e.location).collect();
        let same = group.iter().all(|e| e.sha == group[0].sha);
        for e in group {
            findings.push(Finding::new(
                e.location,
                FindingKind::DuplicateSequence,
                format!(
                    "sequence {seq} of {qualification} is claimed by {} reports ({}): {}",
                    group.len(),
                    if same {
                        "identical copies"
                    } else {
                        "different contents"
                    },
                    all.join(", ")
                ),
            ));
        }
    }
    gap_findings(qualification, &by_seq, findings);
    for e in entries.iter().filter(|e| e.sequence >= 1) {
        link_finding(qualification, e, &by_seq, &by_hash, findings);
    }
    time_findings(qualification, entries, findings);
}

fn gap_findings(
    qualification: &str,
    by_seq: &BTreeMap<i64, Vec<&Entry>>,
    findings: &mut Vec<Finding>,
) {
    let valid: Vec<(&i64, &Vec<&Entry>)> = by_seq.iter().filter(|(s, _)| **s >= 1).collect();
    let Some((first, first_group)) = valid.first() else {
        return;
    };
    if **first > 1 {
        let missing: Vec<i64> = (1..**first).collect();
        findings.push(Finding::new(
            first_group[0].location,
            FindingKind::SequenceGap,
            format!(
                "{qualification}: sequence {} missing before this report (sequence {first}): removed, or not in the verified source — verify the qualification's whole history",
                ranges(&missing)
            ),
        ));
    }
    for pair in valid.windows(2) {
        let ((a, a_group), (b, b_group)) = (pair[0], pair[1]);
        if *b > *a + 1 {
            let missing: Vec<i64> = (*a + 1..*b).collect();
            findings.push(Finding::new(
                b_group[0].location,
                FindingKind::SequenceGap,
                format!(
                    "{qualification}: sequence {} missing between sequence {a} ({}) and sequence {b} (this report): a report was removed",
                    ranges(&missing),
                    a_group[0].location
                ),
            ));
        }
    }
}

fn link_finding(
    qualification: &str,
    e: &Entry,
    by_seq: &BTreeMap<i64, Vec<&Entry>>,
    by_hash: &HashMap<&str, &Entry>,
    findings: &mut Vec<Finding>,
) {
    let seq = e.sequence;
    let before = by_seq.get(&(seq - 1));
    let broken = |message: String| Finding::new(e.location, FindingKind::ChainBroken, message);
    let Some(previous) = &e.previous else {
        if seq != 1 {
            findings.push(broken(format!(
                "sequence {seq} of {qualification} has no previous_report_sha256; only sequence 1 may have none"
            )));
        }
        return;
    };
    if let Some(target) = by_hash.get(previous.as_str()) {
        if target.sequence >= seq {
            findings.push(Finding::new(
                e.location,
                FindingKind::OutOfOrder,
                format!(
                    "sequence {seq} of {qualification} links to sequence {} ({}), which is not earlier: the link points backwards",
                    target.sequence, target.location
                ),
            ));
        } else if target.sequence != seq - 1 && before.is_some() {
            findings.push(broken(format!(
                "sequence {seq} of {qualification} links to sequence {} ({}) instead of sequence {}",
                target.sequence,
                target.location,
                seq - 1
            )));
        }
        return;
    }
    if seq == 1 {
        findings.push(broken(format!(
            "sequence 1 of {qualification} links to a previous report ({}) although it is the first",
            short(previous)
        )));
    } else if let Some(group) = before {
        let found: Vec<String> = group
            .iter()
            .map(|p| format!("{} has SHA-256 {}", p.location, short(&p.sha)))
            .collect();
        findings.push(broken(format!(
            "sequence {seq} of {qualification} names previous report SHA-256 {}, but sequence {} ({}): that report was altered or replaced",
            short(previous),
            seq - 1,
            found.join("; ")
        )));
    }
}

fn time_findings(qualification: &str, entries: &[Entry], findings: &mut Vec<Finding>) {
    let mut timed = Vec::new();
    for e in entries.iter().filter(|e| e.sequence >= 1) {
        let finished = parse_time(&e.finished_at);
        let placed = e.sequenced_at.as_deref().map(parse_time);
        match (finished, placed) {
            (None, _) => findings.push(Finding::new(
                e.location,
                FindingKind::Unparseable,
                format!("run.finished_at {:?} is not a timestamp", e.finished_at),
            )),
            (Some(_), Some(None)) => findings.push(Finding::new(
                e.location,
                FindingKind::Unparseable,
                format!(
                    "qualification.sequenced_at {:?} is not a timestamp",
                    e.sequenced_at.as_deref().unwrap_or_default()
                ),
            )),
            (Some(f), Some(Some(p))) if p < f => findings.push(Finding::new(
                e.location,
                FindingKind::OutOfOrder,
                format!(
                    "sequence {} of {qualification} was given its place at {}, before its run finished at {}",
                    e.sequence,
                    e.sequenced_at.as_deref().unwrap_or_default(),
                    e.finished_at
                ),
            )),
            (Some(f), placed) => timed.push((e, placed.flatten().unwrap_or(f))),
        }
    }
    // Chain order is the order reports were given their places (reports of earlier
    // versions: the order their runs finished in). Concurrent runs may finish in either
    // order; the one that claims its place first comes first.
    for pair in timed.windows(2) {
        let ((a, ta), (b, tb)) = (pair[0], pair[1]);
        if a.sequence != b.sequence && tb < ta {
            let (a_time, a_what) = a.order_time();
            let (b_time, b_what) = b.order_time();
            findings.push(Finding::new(
                b.location,
                FindingKind::OutOfOrder,
                format!(
                    "sequence {} of {qualification} {b_what} at {b_time}, before sequence {} ({}) {a_what} at {a_time}: the reports are out of order",
                    b.sequence, a.sequence, a.location
                ),
            ));
        }
    }
}

#[cfg(test)]
pub(crate) mod testing {
    //! Small synthetic reports and chains for tests.

    use super::*;
    use crate::report::canonical_bytes;

    /// A minimal valid report.
    pub fn report(name: &str, sequence: i64, previous: Option<&str>, finished_at: &str) -> Report {
        serde_json::from_value(serde_json::json!({
            "format": REPORT_FORMAT,
            "report_id": format!("{name}-{sequence:04}"),
            "qualification": {"name": name, "stages": ["IQ"], "enforce": true,
                              "reasons": ["test"], "sequence": sequence},
            "spec": {"name": "s", "version": "1", "digest": "d",
                     "approval": {"approved_by": "qa", "approved_at": "2026-01-01",
                                  "change_reference": "CR-1"}},
            "system": {"application": "lims", "environment": "prod"},
            "run": {"started_at": finished_at, "finished_at": finished_at,
                    "caller_arn": null, "account": null, "region": "us-east-1",
                    "provider_version": "0", "terraform_version": "1",
                    "configuration_commit": null},
            "evidence_store": {"location": "x", "protected": true, "protection": "p",
                               "unprotected_store_allowed": false},
            "results": [],
            "summary": {"total": 0, "passed": 0, "failed": 0, "error": 0,
                        "suppressed": 0, "status": "passed"},
            "previous_report_sha256": previous,
        }))
        .expect("valid report")
    }

    /// The files of report `sequence` of `name`, keyed as a run files them (report and
    /// `.sha256`), and the report's SHA-256.
    pub fn filing_files(
        name: &str,
        sequence: i64,
        previous: Option<&str>,
    ) -> (Vec<crate::evidence::spool::EvidenceFile>, String) {
        let at = format!("2026-01-01T00:{sequence:02}:00Z");
        let r = report(name, sequence, previous, &at);
        let key =
            crate::evidence::report_key("lims", "prod", "2026-01-01", name, &r.report_id, "json");
        let bytes = canonical_bytes(&r);
        let sha = crate::util::sha256_hex(&bytes);
        let side = format!("{sha}  {}.json\n", r.report_id).into_bytes();
        (
            vec![
                (key.clone(), bytes, "application/json".into()),
                (
                    crate::integrity::sha256_key(&key),
                    side,
                    "text/plain".into(),
                ),
            ],
            sha,
        )
    }

    /// A filing of `files` spooled for `store`.
    pub fn spooled(
        store: &dyn crate::evidence::EvidenceStore,
        id: &str,
        files: Vec<crate::evidence::spool::EvidenceFile>,
    ) -> crate::evidence::spool::SpooledFiling {
        crate::evidence::spool::SpooledFiling {
            id: id.into(),
            store: store.describe(),
            files,
        }
    }

    /// A report collected at `dir/REPORT_ID.json` with a correct `.sha256` file.
    pub fn collected(dir: &str, report: &Report) -> Collected {
        let bytes = canonical_bytes(report);
        let name = format!("{}.json", report.report_id);
        Collected {
            location: format!("{dir}/{name}"),
            sha256_file: Some(format!("{}  {name}\n", sha256_hex(&bytes))),
            bytes,
            signature: None,
        }
    }

    /// A correct chain of `n` reports of `name`, one minute apart.
    pub fn chain(name: &str, n: i64) -> Vec<Collected> {
        let mut out: Vec<Collected> = Vec::new();
        for seq in 1..=n {
            let previous = out.last().map(|c| sha256_hex(&c.bytes));
            let at = format!("2026-01-01T00:{seq:02}:00Z");
            out.push(collected(
                "/ev",
                &report(name, seq, previous.as_deref(), &at),
            ));
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::testing::*;
    use super::*;
    use crate::report::canonical_bytes;

    fn kinds(checked: &Checked) -> Vec<(FindingKind, String)> {
        checked
            .findings
            .iter()
            .map(|f| (f.kind, file_name(&f.location).to_string()))
            .collect()
    }

    fn only(checked: &Checked, kind: FindingKind) -> Vec<&Finding> {
        checked.findings.iter().filter(|f| f.kind == kind).collect()
    }

    fn signed(c: &mut Collected, digest: &str) {
        c.signature = Some(Ok(SignatureFile {
            format: super::super::sign::SIGNATURE_FORMAT.into(),
            report_sha256: digest.into(),
            key_id: "arn:aws:kms:us-east-1:1:key/k".into(),
            algorithm: "ECDSA_SHA_256".into(),
            signature: "c2ln".into(),
            signed_at: "2026-01-01T00:00:00Z".into(),
        }));
    }

    #[test]
    fn an_intact_chain_has_no_findings() {
        let checked = check(&chain("q", 4), true);
        assert!(checked.findings.is_empty(), "{:#?}", checked.findings);
        assert_eq!(checked.chains.len(), 1);
        let c = &checked.chains[0];
        assert_eq!(
            (c.qualification.as_str(), c.application.as_str()),
            ("q", "lims")
        );
        assert_eq!((c.reports, c.first_sequence, c.last_sequence), (4, 1, 4));
        assert!(c.intact);
        assert_eq!(c.locations[0], "/ev/q-0001.json");
        assert_eq!(checked.hashes.len(), 4);
    }

    #[test]
    fn the_head_is_the_highest_sequence_of_its_own_chain() {
        let mut reports = chain("q", 3);
        reports.swap(0, 2);
        reports.extend(chain("other", 5));
        let last = sha256_hex(&chain("q", 3)[2].bytes);
        assert_eq!(
            head(&reports, "q", "lims", "prod"),
            Some(Head {
                sequence: 3,
                sha256: last,
                location: "/ev/q-0003.json".into(),
                time: Some("2026-01-01T00:03:00Z".into()),
            })
        );
        assert_eq!(head(&reports, "q", "lims", "qa"), None);
        assert_eq!(head(&[], "q", "lims", "prod"), None);
    }

    #[test]
    fn an_altered_report_is_a_hash_mismatch_and_breaks_the_next_link() {
        let mut reports = chain("q", 3);
        let text = String::from_utf8(reports[1].bytes.clone()).unwrap();
        reports[1].bytes = text.replacen("us-east-1", "us-east-2", 1).into_bytes();
        let checked = check(&reports, true);
        let hm = only(&checked, FindingKind::HashMismatch);
        assert_eq!(hm.len(), 1);
        assert_eq!(hm[0].location, "/ev/q-0002.json");
        assert!(hm[0].message.contains("altered"), "{}", hm[0].message);
        assert!(kinds(&checked).contains(&(FindingKind::ChainBroken, "q-0003.json".into())));
        assert!(!checked.chains[0].intact);
    }

    #[test]
    fn a_missing_or_malformed_hash_file_is_a_finding() {
        let mut reports = chain("q", 2);
        reports[0].sha256_file = None;
        reports[1].sha256_file = Some("not a digest\n".into());
        let checked = check(&reports, true);
        assert_eq!(
            kinds(&checked),
            vec![
                (FindingKind::MissingHash, "q-0001.json".into()),
                (FindingKind::HashMismatch, "q-0002.json".into()),
            ]
        );
    }

    #[test]
    fn unparseable_reports_are_named() {
        let mut reports = chain("q", 1);
        let mut junk = collected("/ev", &report("q", 2, None, "2026-01-01T00:00:00Z"));
        junk.bytes = b"{\"hello\": 1}".to_vec();
        junk.sha256_file = Some(format!("{}  q-0002.json\n", sha256_hex(&junk.bytes)));
        let mut other = junk.clone();
        other.location = "/ev/other.json".into();
        other.bytes = b"{\"format\": \"gxp.report/v9\"}".to_vec();
        other.sha256_file = Some(format!("{}  other.json\n", sha256_hex(&other.bytes)));
        let mut text = junk.clone();
        text.location = "/ev/text.json".into();
        text.bytes = b"not json".to_vec();
        text.sha256_file = Some(format!("{}  text.json\n", sha256_hex(&text.bytes)));
        reports.extend([junk, other, text]);
        let checked = check(&reports, true);
        let u = only(&checked, FindingKind::Unparseable);
        assert_eq!(u.len(), 3, "{:#?}", checked.findings);
        assert!(u.iter().any(|f| f.message.contains("gxp.report/v9")));
        assert!(u.iter().any(|f| f.message.contains("not JSON")));
        assert_eq!(checked.findings.len(), 3);
    }

    #[test]
    fn a_removed_report_is_a_gap_naming_the_missing_sequence() {
        let mut reports = chain("q", 5);
        reports.remove(2);
        reports.remove(2);
        let checked = check(&reports, true);
        assert_eq!(
            kinds(&checked),
            vec![(FindingKind::SequenceGap, "q-0005.json".into())]
        );
        assert!(checked.findings[0].message.contains("sequence 3–4 missing"));
        assert!(checked.findings[0].message.contains("q-0002.json"));
    }

    #[test]
    fn a_removed_first_report_is_a_gap() {
        let mut reports = chain("q", 3);
        reports.remove(0);
        let checked = check(&reports, true);
        assert_eq!(
            kinds(&checked),
            vec![(FindingKind::SequenceGap, "q-0002.json".into())]
        );
        assert!(checked.findings[0]
            .message
            .contains("sequence 1 missing before"));
    }

    #[test]
    fn one_report_alone_skips_the_chain() {
        let reports = vec![chain("q", 3).remove(2)];
        assert!(check(&reports, false).findings.is_empty());
        assert!(!check(&reports, true).findings.is_empty());
    }

    #[test]
    fn two_reports_with_the_same_sequence_are_duplicates() {
        let mut reports = chain("q", 3);
        let prev = sha256_hex(&reports[0].bytes);
        let mut twin = report("q", 2, Some(&prev), "2026-01-01T00:02:30Z");
        twin.report_id = "q-0002-twin".into();
        reports.push(collected("/ev", &twin));
        let checked = check(&reports, true);
        let d = only(&checked, FindingKind::DuplicateSequence);
        assert_eq!(d.len(), 2, "{:#?}", checked.findings);
        assert!(d[0].message.contains("different contents"));
        assert!(d[0].message.contains("q-0002-twin.json"));
        // Sequence 3 links to one of the two, which is accepted.
        assert_eq!(checked.findings.len(), 2, "{:#?}", checked.findings);
    }

    #[test]
    fn a_replaced_report_breaks_the_chain() {
        let mut reports = chain("q", 3);
        // Sequence 2 rewritten (with a matching .sha256): the link from 3 breaks.
        let prev = sha256_hex(&reports[0].bytes);
        let mut forged = report("q", 2, Some(&prev), "2026-01-01T00:02:00Z");
        forged.notes = vec!["rewritten".into()];
        reports[1] = collected("/ev", &forged);
        let checked = check(&reports, true);
        assert_eq!(
            kinds(&checked),
            vec![(FindingKind::ChainBroken, "q-0003.json".into())]
        );
        assert!(checked.findings[0].message.contains("altered or replaced"));
    }

    #[test]
    fn broken_first_and_null_links_are_named() {
        let mut reports = chain("q", 3);
        let first = report("q", 1, Some(&"ab".repeat(32)), "2026-01-01T00:01:00Z");
        let second = report("q", 2, None, "2026-01-01T00:02:00Z");
        reports[0] = collected("/ev", &first);
        reports[1] = collected("/ev", &second);
        let checked = check(&reports, true);
        let broken = only(&checked, FindingKind::ChainBroken);
        assert_eq!(broken.len(), 3, "{:#?}", checked.findings);
        assert!(broken[0].message.contains("although it is the first"));
        assert!(broken[1].message.contains("no previous_report_sha256"));
    }

    #[test]
    fn a_link_skipping_a_report_and_an_invalid_sequence_are_broken() {
        let mut reports = chain("q", 3);
        let first = sha256_hex(&reports[0].bytes);
        reports[2] = collected("/ev", &report("q", 3, Some(&first), "2026-01-01T00:03:00Z"));
        reports.push(collected(
            "/ev",
            &report("q", 0, None, "2026-01-01T00:00:00Z"),
        ));
        let checked = check(&reports, true);
        let broken = only(&checked, FindingKind::ChainBroken);
        assert_eq!(broken.len(), 2, "{:#?}", checked.findings);
        assert!(broken
            .iter()
            .any(|f| f.message.contains("instead of sequence 2")));
        assert!(broken
            .iter()
            .any(|f| f.message.contains("not a valid sequence")));
    }

    #[test]
    fn renumbered_reports_are_out_of_order() {
        // A forger swaps sequences 2 and 3 and rewrites links and .sha256 files consistently:
        // only the run times still tell the true order.
        let r1 = report("q", 1, None, "2026-01-01T00:01:00Z");
        let h1 = sha256_hex(&canonical_bytes(&r1));
        let mut late = report("q", 2, Some(&h1), "2026-01-01T00:03:00Z");
        late.report_id = "q-late".into();
        let hl = sha256_hex(&canonical_bytes(&late));
        let mut early = report("q", 3, Some(&hl), "2026-01-01T00:02:00Z");
        early.report_id = "q-early".into();
        let reports: Vec<Collected> = [r1, late, early]
            .iter()
            .map(|r| collected("/ev", r))
            .collect();
        let checked = check(&reports, true);
        assert_eq!(
            kinds(&checked),
            vec![(FindingKind::OutOfOrder, "q-early.json".into())]
        );
        assert!(checked.findings[0]
            .message
            .contains("finished at 2026-01-01T00:02:00Z, before sequence 2"));
    }

    #[test]
    fn a_link_to_a_later_report_points_backwards() {
        let mut reports = chain("q", 3);
        // Sequence 2 replaced by one naming sequence 3 as its predecessor.
        let third = sha256_hex(&reports[2].bytes);
        reports[1] = collected("/ev", &report("q", 2, Some(&third), "2026-01-01T00:02:00Z"));
        let checked = check(&reports, true);
        assert_eq!(
            kinds(&checked),
            vec![
                (FindingKind::OutOfOrder, "q-0002.json".into()),
                (FindingKind::ChainBroken, "q-0003.json".into()),
            ]
        );
        assert!(checked.findings[0].message.contains("points backwards"));
    }

    #[test]
    fn swapped_file_names_are_misplaced() {
        let mut reports = chain("q", 3);
        let (a, b) = (reports[1].location.clone(), reports[2].location.clone());
        reports[1].location = b;
        reports[2].location = a;
        let checked = check(&reports, true);
        let m = only(&checked, FindingKind::Misplaced);
        // Each file: wrong report id, and a .sha256 naming the other file.
        assert_eq!(m.len(), 4, "{:#?}", checked.findings);
        assert!(m
            .iter()
            .any(|f| f.location.ends_with("q-0002.json")
                && f.message.contains("holds report q-0003")));
        assert_eq!(checked.findings.len(), 4);
    }

    #[test]
    fn signatures_must_sign_the_report_digest() {
        let mut reports = chain("q", 3);
        let h0 = sha256_hex(&reports[0].bytes);
        signed(&mut reports[0], &h0);
        signed(&mut reports[1], &h0);
        reports[2].signature = Some(Err("not a signature file".into()));
        let checked = check(&reports, true);
        assert_eq!(
            kinds(&checked),
            vec![
                (FindingKind::SignatureMismatch, "q-0002.json".into()),
                (FindingKind::SignatureInvalid, "q-0003.json".into()),
            ]
        );
    }

    #[test]
    fn chains_are_per_qualification_application_and_environment() {
        let mut reports = chain("a", 2);
        reports.extend(chain("b", 2));
        let mut other_env = report("a", 1, None, "2026-01-01T00:01:00Z");
        other_env.system.environment = "dev".into();
        other_env.report_id = "a-dev-1".into();
        reports.push(collected("/dev", &other_env));
        let checked = check(&reports, true);
        assert!(checked.findings.is_empty(), "{:#?}", checked.findings);
        assert_eq!(checked.chains.len(), 3);
    }

    #[test]
    fn out_of_order_time_stamps_must_parse() {
        let mut reports = chain("q", 1);
        reports[0] = collected("/ev", &report("q", 1, None, "yesterday"));
        let checked = check(&reports, true);
        assert_eq!(
            kinds(&checked),
            vec![(FindingKind::Unparseable, "q-0001.json".into())]
        );
    }

    #[test]
    fn helpers() {
        assert_eq!(ranges(&[3]), "3");
        assert_eq!(ranges(&[2, 5, 6, 7, 9]), "2, 5–7, 9");
        assert_eq!(ranges(&[]), "");
        let hex = "AB".repeat(32);
        assert_eq!(
            parse_sha256_file(&format!("{hex}  r.json\n")),
            Some(("ab".repeat(32), Some("r.json".into())))
        );
        assert_eq!(
            parse_sha256_file(&format!("{hex} *r.json")),
            Some(("ab".repeat(32), Some("r.json".into())))
        );
        assert_eq!(parse_sha256_file(&hex), Some(("ab".repeat(32), None)));
        assert_eq!(parse_sha256_file("abc  r.json"), None);
        assert_eq!(parse_sha256_file(""), None);
        assert_eq!(file_name("s3://b/p/r.json"), "r.json");
        assert_eq!(
            missing_reports(&[
                "a/r1.json".into(),
                "a/r1.json.sha256".into(),
                "a/r2.json.sha256".into(),
                "a/r2.json.sig".into(),
                "a/notes.txt.sha256".into(),
            ]),
            vec!["a/r2.json".to_string()]
        );
        for kind in [FindingKind::HashMismatch, FindingKind::NoReports] {
            assert!(!kind.meaning().is_empty());
        }
        assert_eq!(FindingKind::SequenceGap.to_string(), "SequenceGap");
    }
}
