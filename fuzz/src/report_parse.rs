//! Target `report_parse`: what the verifier parses from a store — report files, their
//! `.sha256` and `.sig` companions — and its command line.
//!
//! Asserts:
//! - any bytes filed as a report with a correct companion give findings or a clean single
//!   report, never a panic; a report the verifier accepts is a `gxp.report/v1` report filed
//!   under its own id, whose model re-serializes canonically to a report that parses to the
//!   same model;
//! - a `sha256sum` line that parses gives a lowercase 64-digit digest, and writing it back
//!   parses to the same digest and name;
//! - a signature file that parses is well formed and survives its own serialization;
//! - the command line parser never panics, and a source it accepts is one of the arguments.

use gxp_core::integrity::chain::{self, parse_sha256_file, Collected, FindingKind};
use gxp_core::integrity::sign::SignatureFile;
use gxp_core::integrity::verify::{parse_args, Command};
use gxp_core::report::{canonical_bytes, Report};
use gxp_core::util::sha256_hex;

/// Run the target on fuzzer bytes.
pub fn run(data: &[u8]) {
    report_file(data);
    if let Ok(text) = std::str::from_utf8(data) {
        sha256_line(text);
        arguments(text);
    }
    signature_file(data);
}

fn report_file(data: &[u8]) {
    let id = serde_json::from_slice::<serde_json::Value>(data)
        .ok()
        .and_then(|v| v.get("report_id")?.as_str().map(str::to_string))
        .unwrap_or_else(|| "r".into());
    let location = format!("/ev/application=a/environment=e/date=d/q/{id}.json");
    let sha = sha256_hex(data);
    let filed = Collected {
        location: location.clone(),
        bytes: data.to_vec(),
        sha256_file: Some(format!("{sha}  {}\n", chain::file_name(&location))),
        signature: None,
    };
    let checked = chain::check(std::slice::from_ref(&filed), false);
    assert_eq!(checked.hashes.get(&location), Some(&sha));
    let unparseable = checked
        .findings
        .iter()
        .any(|f| f.kind == FindingKind::Unparseable);
    let parsed = serde_json::from_slice::<Report>(data);
    if unparseable {
        assert!(
            checked.chains.is_empty(),
            "an unreadable report forms a chain"
        );
        return;
    }
    let report = parsed.unwrap_or_else(|e| panic!("accepted but not a report: {e}"));
    assert_eq!(checked.chains.len(), 1);
    let bytes = canonical_bytes(&report);
    let again: Report = serde_json::from_slice(&bytes)
        .unwrap_or_else(|e| panic!("canonical report does not parse: {e}"));
    assert_eq!(again, report, "report model does not round-trip");
    assert_eq!(
        canonical_bytes(&again),
        bytes,
        "canonical report bytes are not stable"
    );
    if checked.findings.is_empty() {
        assert!(checked.chains[0].intact);
        assert_eq!(
            format!("{}.json", report.report_id),
            chain::file_name(&location)
        );
    }
}

fn sha256_line(text: &str) {
    let Some((hex, name)) = parse_sha256_file(text) else {
        return;
    };
    assert_eq!(hex.len(), 64);
    assert!(hex
        .bytes()
        .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)));
    let line = match &name {
        Some(n) => format!("{hex}  {n}\n"),
        None => format!("{hex}\n"),
    };
    assert_eq!(
        parse_sha256_file(&line),
        Some((hex, name)),
        "sha256sum line does not round-trip"
    );
}

fn signature_file(data: &[u8]) {
    let Ok(sig) = SignatureFile::parse(data) else {
        return;
    };
    assert!(!sig.key_id.is_empty());
    assert!(!sig
        .signature_bytes()
        .expect("parsed signatures decode")
        .is_empty());
    let again = SignatureFile::parse(&sig.to_bytes()).expect("a written signature file parses");
    assert_eq!(again, sig);
}

fn arguments(text: &str) {
    let args: Vec<String> = text.split('\0').map(str::to_string).collect();
    if let Ok(Command::Verify(opts)) = parse_args(&args) {
        assert!(
            args.contains(&opts.source),
            "source {:?} is not an argument",
            opts.source
        );
        assert!(!opts.source.is_empty() || args.iter().filter(|a| a.is_empty()).count() == 1);
    }
}
