//! Target `chain`: the verifier's chain walk ([`gxp_core::integrity::chain::check`]) over filed
//! chains of reports that an attacker (or an accident) has altered.
//!
//! Reports are built as the provider files them (canonical bytes, `sha256sum` companion,
//! optional signature file, keys from `report_key`), in one to three chains, then altered:
//! bytes flipped, fields rewritten (with or without a re-computed companion and signature),
//! reports removed (with or without their companions), copied, swapped, companions
//! replaced or dropped, and the collection order shuffled.
//!
//! Asserts:
//! - untouched chains, in any order, are clean: no finding, every chain intact, each chain
//!   with all its reports and its head at the last one;
//! - a chain that was altered in a way the stored evidence can reveal is never clean:
//!   a report that does not match its companion, a report at a location where none was
//!   filed, a report whose predecessor is gone or altered, a signature over other bytes, a
//!   companion without its report, a report filed under another report's name — each
//!   gives a finding, and the chain it concerns is not intact;
//! - every signature of a report without findings goes to KMS (a clean result never rests on
//!   a signature nobody checked);
//! - `intact` is exactly "no finding at any of the chain's reports".
//!
//! Alterations that no verifier can see in the evidence itself (removing the newest
//! reports of a chain; rewriting the newest report and its companions, with the signing key)
//! are generated too, with no assertion beyond the invariants.

use std::collections::{BTreeMap, BTreeSet};

use arbitrary::{Result, Unstructured};
use serde_json::json;

use gxp_core::evidence::report_key;
use gxp_core::integrity::chain::{self, file_name, Collected};
use gxp_core::integrity::sign::{SignatureFile, SIGNATURE_FORMAT};
use gxp_core::integrity::verify::select_signatures;
use gxp_core::integrity::{sha256_key, signature_key};
use gxp_core::report::{canonical_bytes, Report, REPORT_FORMAT};
use gxp_core::util::sha256_hex;

use super::gen::{self, word};

const NAMES: &[&str] = &["lims-iq", "lims-oq", "a", "Ünï code", "x/y", ".."];
const APPS: &[&str] = &["lims", "eqms", "a b", "a_b"];
const ENVS: &[&str] = &["prod", "validation"];
const STATUSES: &[&str] = &["passed", "failed", "error", "suppressed"];
const KEY_ARN: &str = "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";

/// What is filed at one location.
#[derive(Clone, Debug, PartialEq)]
struct Filed {
    bytes: Vec<u8>,
    sha256_file: Option<String>,
    signature: Option<Result<SignatureFile, String>>,
}

/// One report as first filed: its chain and its link.
#[derive(Clone, Debug)]
struct Origin {
    sha: String,
    previous: Option<String>,
}

fn signature(sha: &str) -> SignatureFile {
    SignatureFile {
        format: SIGNATURE_FORMAT.into(),
        report_sha256: sha.into(),
        key_id: KEY_ARN.into(),
        algorithm: "ECDSA_SHA_256".into(),
        signature: "c2lnbmF0dXJl".into(),
        signed_at: "2026-01-01T00:00:00Z".into(),
    }
}

fn companion(sha: &str, location: &str) -> String {
    format!("{sha}  {}\n", file_name(location))
}

#[allow(clippy::too_many_arguments)]
fn report(
    name: &str,
    app: &str,
    env: &str,
    report_id: &str,
    sequence: i64,
    previous: Option<&str>,
    finished_at: &str,
    statuses: &[String],
    note: &str,
) -> Report {
    let results: Vec<_> = statuses
        .iter()
        .enumerate()
        .map(|(i, status)| {
            json!({
                "check_id": "s3.versioning", "title": "Versioning", "stage": "OQ",
                "severity": "functional", "target": format!("bucket{i}"),
                "resource_type": "AWS::S3::Bucket", "identifier": format!("b{i}"),
                "status": status, "expected": "Enabled", "actual": note,
                "controls": ["21CFR11.10(e)"], "requirements": [], "remediation": "r"
            })
        })
        .collect();
    serde_json::from_value(json!({
        "format": REPORT_FORMAT,
        "report_id": report_id,
        "qualification": {"name": name, "stages": ["IQ", "OQ"], "enforce": true,
                          "reasons": ["initial qualification"], "sequence": sequence},
        "spec": {"name": "s", "version": "1", "digest": "d",
                 "approval": {"approved_by": "qa", "approved_at": "2026-01-01",
                              "change_reference": "CR-1"}},
        "system": {"application": app, "environment": env},
        "run": {"started_at": finished_at, "finished_at": finished_at,
                "caller_arn": null, "account": null, "region": "us-east-1",
                "provider_version": "0", "terraform_version": "1",
                "configuration_commit": null},
        "evidence_store": {"location": "/ev", "protected": true, "protection": "p",
                           "unprotected_store_allowed": false},
        "results": results,
        "summary": {"total": statuses.len(), "passed": 0, "failed": 0, "error": 0,
                    "suppressed": 0, "status": "passed"},
        "notes": [note],
        "previous_report_sha256": previous,
    }))
    .expect("generated report is valid")
}

/// Filed chains: locations in filing order, what is there, and where each came from.
struct Store {
    files: BTreeMap<String, Filed>,
    origins: BTreeMap<String, Origin>,
    /// Per chain: (qualification, application, environment) and locations in order.
    chains: Vec<((String, String, String), Vec<String>)>,
    signed: bool,
}

fn file_chains(u: &mut Unstructured) -> Result<Store> {
    let signed = u.ratio(1, 3)?;
    let mut store = Store {
        files: BTreeMap::new(),
        origins: BTreeMap::new(),
        chains: Vec::new(),
        signed,
    };
    for _ in 0..u.int_in_range(1..=3)? {
        let identity = (word(u, NAMES)?, word(u, APPS)?, word(u, ENVS)?);
        if store.chains.iter().any(|(id, _)| *id == identity) {
            continue;
        }
        let (name, app, env) = identity.clone();
        let mut locations = Vec::new();
        let mut previous: Option<String> = None;
        let mut minute = 0u32;
        for sequence in 1..=u.int_in_range(1..=5)? {
            minute += u.int_in_range(0..=3)?;
            let at = format!("2026-01-01T{:02}:{:02}:00Z", minute / 60, minute % 60);
            let stamp = format!("20260101T{:02}{:02}00Z", minute / 60, minute % 60);
            let entropy = sha256_hex(format!("{name}|{app}|{env}|{sequence}").as_bytes());
            let report_id = format!("{stamp}-{}", &entropy[..8]);
            let statuses = gen::list(u, 2, |u| Ok(u.choose(STATUSES)?.to_string()))?;
            let note = word(u, &["", "ok", "\u{0}\"\\", "é"])?;
            let r = report(
                &name,
                &app,
                &env,
                &report_id,
                sequence,
                previous.as_deref(),
                &at,
                &statuses,
                &note,
            );
            let bytes = canonical_bytes(&r);
            let sha = sha256_hex(&bytes);
            let key = report_key(&app, &env, "2026-01-01", &name, &report_id, "json");
            let location = format!("/ev/{key}");
            store.files.insert(
                location.clone(),
                Filed {
                    sha256_file: Some(companion(&sha, &location)),
                    signature: signed.then(|| Ok(signature(&sha))),
                    bytes,
                },
            );
            store.origins.insert(
                location.clone(),
                Origin {
                    sha: sha.clone(),
                    previous: previous.clone(),
                },
            );
            locations.push(location);
            previous = Some(sha);
        }
        store.chains.push((identity, locations));
    }
    Ok(store)
}

fn collected(files: &BTreeMap<String, Filed>) -> Vec<Collected> {
    files
        .iter()
        .map(|(location, f)| Collected {
            location: location.clone(),
            bytes: f.bytes.clone(),
            sha256_file: f.sha256_file.clone(),
            signature: f.signature.clone(),
        })
        .collect()
}

/// Apply up to four alterations; returns the companion keys left without their report.
fn alter(
    u: &mut Unstructured,
    store: &Store,
    files: &mut BTreeMap<String, Filed>,
) -> Result<Vec<String>> {
    let mut dangling = Vec::new();
    for copy in 0..u.int_in_range(0..=4)? {
        let locations: Vec<String> = files.keys().cloned().collect();
        if locations.is_empty() {
            break;
        }
        let at = u.choose(&locations)?.clone();
        let other = u.choose(&locations)?.clone();
        match u.int_in_range(0u8..=10)? {
            0 => {
                let f = files.get_mut(&at).expect("chosen");
                if !f.bytes.is_empty() {
                    let i = u.choose_index(f.bytes.len())?;
                    f.bytes[i] ^= u.int_in_range(1u8..=255)?;
                }
            }
            1 => rewrite(u, store, &at, files.get_mut(&at).expect("chosen"))?,
            2 => {
                files.remove(&at);
                if u.ratio(1, 2)? {
                    dangling.push(sha256_key(&at));
                    if store.signed {
                        dangling.push(signature_key(&at));
                    }
                }
            }
            3 => {
                let f = files[&at].clone();
                files.insert(format!("/ev/copies/copy-{copy}.json"), f);
            }
            4 => {
                let (a, b) = (files[&at].bytes.clone(), files[&other].bytes.clone());
                files.get_mut(&at).expect("chosen").bytes = b;
                files.get_mut(&other).expect("chosen").bytes = a;
            }
            5 => {
                let (a, b) = (files[&at].clone(), files[&other].clone());
                files.insert(at.clone(), b);
                files.insert(other.clone(), a);
            }
            6 => {
                files.get_mut(&at).expect("chosen").sha256_file =
                    Some(gen::word(u, &["", "deadbeef  x.json", "\n", "not a hash"])?);
            }
            7 => files.get_mut(&at).expect("chosen").sha256_file = None,
            8 => {
                let f = files.get_mut(&at).expect("chosen");
                f.sha256_file = f.sha256_file.as_ref().map(|s| s.to_ascii_uppercase());
            }
            9 => {
                let f = files.get_mut(&at).expect("chosen");
                if let Some(Ok(sig)) = &mut f.signature {
                    sig.report_sha256 = sig.report_sha256.to_ascii_uppercase();
                }
            }
            _ => {
                let f = files.get_mut(&at).expect("chosen");
                if f.signature.is_some() {
                    f.signature = Some(Err("not a signature file".into()));
                }
            }
        }
    }
    Ok(dangling)
}

/// Rewrite one field of the report at `location` (canonically re-serialized), optionally
/// re-computing its companion and its signature as someone with write access (and the
/// signing key) would.
fn rewrite(u: &mut Unstructured, store: &Store, location: &str, f: &mut Filed) -> Result<()> {
    let Ok(mut r) = serde_json::from_slice::<Report>(&f.bytes) else {
        return Ok(());
    };
    match u.int_in_range(0u8..=7)? {
        0 => r.summary.status = gxp_core::checks::Status::Failed,
        1 => r.run.region = word(u, &["eu-west-1", "us-east-1"])?,
        2 => r.qualification.sequence += i64::from(u.int_in_range(-2i8..=2)?),
        3 => {
            r.previous_report_sha256 = if u.ratio(1, 2)? {
                None
            } else {
                Some(sha256_hex(u.bytes(4)?))
            }
        }
        4 => {
            let (name, _) = &store.chains[u.choose_index(store.chains.len())?];
            r.qualification.name = name.0.clone();
        }
        5 => {
            r.run.finished_at = word(u, &["2025-12-31T23:59:00Z", "2027-01-01T00:00:00Z", "soon"])?
        }
        6 => r.report_id = word(u, &["20260101T000000Z-00000000", ""])?,
        _ => r.notes.push(word(u, &["edited", ""])?),
    }
    f.bytes = canonical_bytes(&r);
    if u.ratio(1, 2)? {
        let sha = sha256_hex(&f.bytes);
        f.sha256_file = Some(companion(&sha, location));
        if f.signature.is_some() && u.ratio(1, 2)? {
            f.signature = Some(Ok(signature(&sha)));
        }
    }
    Ok(())
}

/// Run the target on fuzzer bytes.
pub fn run(data: &[u8]) {
    let mut u = Unstructured::new(data);
    let Ok(store) = file_chains(&mut u) else {
        return;
    };
    let mut files = store.files.clone();
    let Ok(dangling) = alter(&mut u, &store, &mut files) else {
        return;
    };
    let Ok(reports) = gen::shuffle(&mut u, &collected(&files)) else {
        return;
    };
    let checked = chain::check(&reports, true);
    let mut keys: Vec<String> = files.keys().cloned().collect();
    for (location, f) in &files {
        keys.push(sha256_key(location));
        if f.signature.is_some() {
            keys.push(signature_key(location));
        }
    }
    keys.extend(dangling.iter().cloned());
    let missing = chain::missing_reports(&keys);
    let (to_verify, signature_findings) = select_signatures(&reports, &checked.hashes, &[], false);

    invariants(&checked);
    let mut findings = checked.findings.clone();
    findings.extend(signature_findings);
    let clean = findings.is_empty() && missing.is_empty();

    if files == store.files && dangling.is_empty() {
        assert!(
            clean,
            "untouched chains have findings: {findings:#?} {missing:?}"
        );
        assert_eq!(checked.chains.len(), store.chains.len());
        for (identity, locations) in &store.chains {
            let c = checked
                .chains
                .iter()
                .find(|c| {
                    (&c.qualification, &c.application, &c.environment)
                        == (&identity.0, &identity.1, &identity.2)
                })
                .expect("every filed chain is found");
            assert!(c.intact);
            assert_eq!(
                &c.locations, locations,
                "a chain's reports in sequence order"
            );
            assert_eq!(c.reports, locations.len());
            let head = chain::head(&reports, &identity.0, &identity.1, &identity.2).expect("head");
            let last = locations.last().expect("a chain has reports");
            assert_eq!(&head.location, last);
            assert_eq!(head.sequence, locations.len() as i64);
            assert_eq!(head.sha256, store.origins[last].sha);
        }
    }

    // Every signature of a report is checked with KMS, or the report has a finding.
    let sent: BTreeSet<&str> = to_verify.iter().map(|(l, _)| l.as_str()).collect();
    for r in &reports {
        if r.signature.is_some() && !sent.contains(r.location.as_str()) {
            assert!(
                findings.iter().any(|f| f.location == r.location),
                "{}: a signature that is neither sent to KMS nor reported",
                r.location
            );
        }
    }

    for (why, location) in revealed(&store, &files, &dangling) {
        assert!(
            !clean,
            "altered evidence verified clean: {why} at {location}"
        );
        if let Some(c) = checked
            .chains
            .iter()
            .find(|c| c.locations.contains(&location))
        {
            assert!(
                !c.intact,
                "chain {} reported intact: {why} at {location}",
                c.qualification
            );
        } else if files.contains_key(&location) {
            assert!(
                findings.iter().any(|f| f.location == location),
                "no finding for {location}: {why}"
            );
        }
    }
}

fn invariants(checked: &chain::Checked) {
    for c in &checked.chains {
        let touched = checked
            .findings
            .iter()
            .any(|f| c.locations.contains(&f.location));
        assert_eq!(
            c.intact, !touched,
            "intact disagrees with the findings of {}",
            c.qualification
        );
        assert_eq!(c.reports, c.locations.len());
        assert!(c.first_sequence <= c.last_sequence);
    }
    let mut sorted = checked.findings.clone();
    sorted.sort();
    assert_eq!(sorted, checked.findings, "findings are sorted");
}

/// Alterations the stored evidence reveals, as (why, location).
fn revealed(
    store: &Store,
    files: &BTreeMap<String, Filed>,
    dangling: &[String],
) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let present: BTreeSet<String> = files.values().map(|f| sha256_hex(&f.bytes)).collect();
    for (location, f) in files {
        let sha = sha256_hex(&f.bytes);
        match &f.sha256_file {
            None => out.push(("no .sha256 companion".into(), location.clone())),
            Some(text) if !text.to_ascii_lowercase().contains(&sha) => {
                out.push(("companion names other bytes".into(), location.clone()))
            }
            Some(_) => {}
        }
        match store.files.get(location) {
            None => out.push(("report where none was filed".into(), location.clone())),
            Some(original) if original.bytes == f.bytes => {
                let origin = &store.origins[location];
                if let Some(previous) = &origin.previous {
                    if !present.contains(previous) {
                        out.push(("predecessor removed or altered".into(), location.clone()));
                    }
                }
            }
            Some(_) => {}
        }
        if let Some(Ok(sig)) = &f.signature {
            if sig.report_sha256.to_ascii_lowercase() != sha {
                out.push(("signature over other bytes".into(), location.clone()));
            }
        }
        if let Ok(json) = serde_json::from_slice::<serde_json::Value>(&f.bytes) {
            if let Some(id) = json.get("report_id").and_then(|v| v.as_str()) {
                if file_name(location) != format!("{id}.json") {
                    out.push(("filed under another report's name".into(), location.clone()));
                }
            }
        }
    }
    for key in dangling {
        out.push(("companion without its report".into(), key.clone()));
    }
    out
}
