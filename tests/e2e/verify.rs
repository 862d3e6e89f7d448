//! End-to-end tests of report signatures (KMS in moto) and of the auditor's verifier, run as
//! the real binary (`terraform-provider-gxp verify`) on local directories and S3 prefixes.
//!
//! Chains are written as the provider files them (same key layout, canonical bytes,
//! `sha256sum` companions, `.sig` signatures made through KMS), then tampered with.
//! One test verifies a chain filed by the real provider through Terraform.

use std::path::{Path, PathBuf};

use aws_sdk_kms::types::{KeySpec, KeyUsageType};
use gxp_core::aws::AwsContext;
use gxp_core::evidence::s3::S3Store;
use gxp_core::evidence::{report_key, EvidenceStore};
use gxp_core::integrity::sign::{sign, verify_signature, SignatureFile};
use gxp_core::report::{canonical_bytes, Report};
use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::harness::Emulator;

const QUALIFICATION: &str = "lims-q";

fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

async fn context(emu: &Emulator) -> AwsContext {
    AwsContext::from_sdk_config(emu.sdk_config().await, emu.s3_path_style())
}

/// An asymmetric KMS key; returns its ARN.
async fn signing_key(aws: &AwsContext, spec: KeySpec) -> String {
    aws.kms()
        .create_key()
        .key_usage(KeyUsageType::SignVerify)
        .key_spec(spec)
        .send()
        .await
        .expect("create signing key")
        .key_metadata
        .and_then(|m| m.arn)
        .expect("key arn")
}

/// A minimal report of sequence `seq`, run finished `seq` minutes after midnight.
fn report(seq: i64, previous: Option<&str>) -> Report {
    let finished = format!("2026-03-01T10:{seq:02}:00Z");
    serde_json::from_value(serde_json::json!({
        "format": "gxp.report/v1",
        "report_id": format!("20260301T10{seq:02}00Z-0000000{seq}"),
        "qualification": {"name": QUALIFICATION, "stages": ["IQ", "OQ"], "enforce": true,
                          "reasons": ["initial qualification"], "sequence": seq},
        "spec": {"name": "lims-prod", "version": "1.0", "digest": "ab".repeat(32),
                 "approval": {"approved_by": "qa.lead@example.com",
                              "approved_at": "2026-01-01T00:00:00Z",
                              "change_reference": "CR-2026-001"}},
        "system": {"application": "lims", "environment": "prod", "gamp_category": 1},
        "run": {"started_at": finished, "finished_at": finished,
                "caller_arn": "arn:aws:iam::123456789012:user/ci", "account": "123456789012",
                "region": "us-east-1", "provider_version": "0.1.0",
                "terraform_version": "1.9.0", "configuration_commit": "abc123"},
        "evidence_store": {"location": "s3://x", "protected": true,
                           "protection": "S3 versioning Enabled + Object Lock COMPLIANCE 1 days",
                           "unprotected_store_allowed": false},
        "results": [],
        "summary": {"total": 0, "passed": 0, "failed": 0, "error": 0, "suppressed": 0,
                    "status": "passed"},
        "previous_report_sha256": previous,
        "notes": ["synthetic report for the verifier tests"],
    }))
    .expect("valid report")
}

/// One filed report: its key and the bytes of it and its companions.
#[derive(Clone)]
struct Filing {
    key: String,
    sha: String,
    report: Vec<u8>,
    sha_line: Vec<u8>,
    sig: SignatureFile,
}

impl Filing {
    fn files(&self) -> Vec<(String, Vec<u8>)> {
        vec![
            (self.key.clone(), self.report.clone()),
            (format!("{}.sha256", self.key), self.sha_line.clone()),
            (format!("{}.sig", self.key), self.sig.to_bytes()),
        ]
    }
}

/// The report bytes with one byte changed (a letter of the notes).
fn alter_one_byte(bytes: &[u8]) -> Vec<u8> {
    let mut out = bytes.to_vec();
    let at = out
        .windows(9)
        .position(|w| w == b"synthetic")
        .expect("notes text");
    out[at] = b'S';
    out
}

fn file_name(key: &str) -> &str {
    key.rsplit('/').next().unwrap()
}

/// The report filing of `report` (key, canonical bytes, `.sha256` line) signed with `key_id`.
async fn filing(aws: &AwsContext, key_id: &str, report: &Report) -> Filing {
    let key = report_key(
        "lims",
        "prod",
        "2026-03-01",
        QUALIFICATION,
        &report.report_id,
        "json",
    );
    let bytes = canonical_bytes(report);
    let sha = sha256_hex(&bytes);
    Filing {
        sha_line: format!("{sha}  {}\n", file_name(&key)).into_bytes(),
        sig: sign(aws, key_id, &sha).await.expect("sign"),
        key,
        sha,
        report: bytes,
    }
}

/// A correct chain of `n` signed reports.
async fn chain(aws: &AwsContext, key_id: &str, n: i64) -> Vec<Filing> {
    let mut out: Vec<Filing> = Vec::new();
    for seq in 1..=n {
        let previous = out.last().map(|f| f.sha.clone());
        out.push(filing(aws, key_id, &report(seq, previous.as_deref())).await);
    }
    out
}

/// Write the filings under `dir` in the store's key layout.
fn write_dir(dir: &Path, filings: &[Filing]) {
    for f in filings {
        for (key, bytes) in f.files() {
            let path = dir.join(&key);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(&path, bytes).unwrap();
        }
    }
}

/// Result of one verifier run.
struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

impl Run {
    fn json(&self) -> Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("not JSON ({e}):\n{}\n{}", self.stdout, self.stderr))
    }

    /// `(kind, location)` of every finding in `--json` output.
    fn findings(&self) -> Vec<(String, String)> {
        self.json()["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| {
                (
                    f["kind"].as_str().unwrap().to_string(),
                    f["location"].as_str().unwrap().to_string(),
                )
            })
            .collect()
    }

    /// Messages of the findings of `kind`.
    fn messages_of(&self, kind: &str) -> Vec<String> {
        self.json()["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["kind"] == kind)
            .map(|f| f["message"].as_str().unwrap().to_string())
            .collect()
    }

    /// Message of the first finding of `kind`.
    fn message_of(&self, kind: &str) -> String {
        self.messages_of(kind)
            .into_iter()
            .next()
            .unwrap_or_else(|| panic!("no {kind} finding:\n{}", self.stdout))
    }
}

/// Run `terraform-provider-gxp verify ARGS` with the emulator's credentials; `env` wins
/// (an empty value removes the variable).
fn verify_cmd(emu: &Emulator, args: &[&str], env: &[(&str, &str)]) -> Run {
    // The binary Cargo built for this test run (assert_cmd finds it by name).
    let mut cmd = assert_cmd::cargo::cargo_bin_cmd!("terraform-provider-gxp");
    cmd.arg("verify").args(args);
    for var in emu.env_remove() {
        cmd.env_remove(var);
    }
    cmd.env_remove("TF_PLUGIN_MAGIC_COOKIE");
    cmd.env("AWS_CONFIG_FILE", "/nonexistent/gxp-test-config");
    cmd.env(
        "AWS_SHARED_CREDENTIALS_FILE",
        "/nonexistent/gxp-test-credentials",
    );
    for (k, v) in emu.env() {
        cmd.env(k, v);
    }
    for (k, v) in env {
        if v.is_empty() {
            cmd.env_remove(k);
        } else {
            cmd.env(k, v);
        }
    }
    let out = cmd.output().expect("run the verifier");
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// The chain written to a fresh directory, changed by `tamper`, then verified.
fn scenario(
    emu: &Emulator,
    filings: &[Filing],
    tamper: impl FnOnce(&Path),
    extra: &[&str],
) -> (tempfile::TempDir, Run) {
    let dir = tempfile::tempdir().unwrap();
    write_dir(dir.path(), filings);
    tamper(dir.path());
    let source = dir.path().display().to_string();
    let mut args = vec![source.as_str()];
    args.extend_from_slice(extra);
    let run = verify_cmd(emu, &args, &[]);
    (dir, run)
}

fn path_of(dir: &Path, f: &Filing) -> PathBuf {
    dir.join(&f.key)
}

fn loc(dir: &Path, f: &Filing) -> String {
    path_of(dir, f).display().to_string()
}

/// Swap the names of two files.
fn swap(a: &Path, b: &Path) {
    let tmp = a.with_extension("swap");
    std::fs::rename(a, &tmp).unwrap();
    std::fs::rename(b, a).unwrap();
    std::fs::rename(&tmp, b).unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn verify_kms_sign_and_verify_digests_on_moto() {
    let emu = Emulator::start();
    let aws = context(&emu).await;
    let ecc = signing_key(&aws, KeySpec::EccNistP256).await;
    let a = sha256_hex(b"report a");
    let b = sha256_hex(b"report b");

    let sig = sign(&aws, &ecc, &a).await.expect("sign");
    assert_eq!(sig.format, "gxp.signature/v1");
    assert_eq!(sig.key_id, ecc, "the key is named by its ARN");
    assert_eq!(sig.algorithm, "ECDSA_SHA_256");
    assert_eq!(sig.report_sha256, a);
    assert_eq!(SignatureFile::parse(&sig.to_bytes()).unwrap(), sig);
    assert_eq!(verify_signature(&aws, &sig).await, Ok(true));

    // A signature of another digest, presented for `a`: rejected, not an error.
    let mut other = sign(&aws, &ecc, &b).await.expect("sign b");
    other.report_sha256 = a.clone();
    assert_eq!(verify_signature(&aws, &other).await, Ok(false));
    // Flipped signature bytes: rejected, not an error.
    let mut raw = sig.signature_bytes().unwrap();
    let mid = raw.len() / 2;
    raw[mid] ^= 0x5a;
    let mut flipped = sig.clone();
    flipped.signature = aws_smithy_types::base64::encode(&raw);
    assert_eq!(verify_signature(&aws, &flipped).await, Ok(false));

    // RSA keys sign with RSASSA-PSS; aliases are accepted and resolved to the ARN.
    let rsa = signing_key(&aws, KeySpec::Rsa2048).await;
    aws.kms()
        .create_alias()
        .alias_name("alias/gxp-report-signing")
        .target_key_id(&rsa)
        .send()
        .await
        .expect("alias");
    let rsig = sign(&aws, "alias/gxp-report-signing", &a)
        .await
        .expect("sign rsa");
    assert_eq!(rsig.algorithm, "RSASSA_PSS_SHA_256");
    assert_eq!(rsig.key_id, rsa);
    assert_eq!(verify_signature(&aws, &rsig).await, Ok(true));

    // A symmetric key cannot sign; an unknown key cannot verify (an error, not `false`).
    let sym = aws
        .kms()
        .create_key()
        .send()
        .await
        .unwrap()
        .key_metadata
        .unwrap()
        .key_id;
    let err = sign(&aws, &sym, &a).await.unwrap_err();
    assert!(err.contains("SIGN_VERIFY"), "{err}");
    assert!(sign(&aws, &ecc, "not-a-digest").await.is_err());
    let mut unknown = sig.clone();
    unknown.key_id =
        "arn:aws:kms:us-east-1:123456789012:key/00000000-0000-0000-0000-000000000000".into();
    let err = verify_signature(&aws, &unknown).await.unwrap_err();
    assert!(err.contains("could not verify"), "{err}");
}

#[tokio::test(flavor = "multi_thread")]
async fn verify_local_chain_is_clean_and_every_tampering_is_named() {
    let emu = Emulator::start();
    let aws = context(&emu).await;
    let key = signing_key(&aws, KeySpec::EccNistP256).await;
    let filings = chain(&aws, &key, 4).await;

    // Clean: exit 0 and a summary.
    let (_dir, run) = scenario(&emu, &filings, |_| {}, &[]);
    assert_eq!(run.code, 0, "{}\n{}", run.stdout, run.stderr);
    for needle in [
        "Qualification lims-q (application lims, environment prod)",
        "4 reports, sequence 1–4: chain intact",
        "Reports checked: 4; qualifications: 1; chains intact: 1 of 1",
        "Signatures: 4 found, 4 verified with KMS",
        "RESULT: PASSED",
    ] {
        assert!(
            run.stdout.contains(needle),
            "{needle:?} not in\n{}",
            run.stdout
        );
    }
    let (_dir, run) = scenario(&emu, &filings, |_| {}, &["--json"]);
    assert_eq!(run.code, 0);
    let json = run.json();
    assert_eq!(json["format"], "gxp.verification/v1");
    assert_eq!(json["passed"], true);
    assert_eq!(json["signatures_verified"], 4);
    assert_eq!(json["chains"][0]["last_sequence"], 4);

    // One byte of report 2 altered.
    let (dir, run) = scenario(
        &emu,
        &filings,
        |d| {
            let path = path_of(d, &filings[1]);
            let bytes = std::fs::read(&path).unwrap();
            std::fs::write(&path, alter_one_byte(&bytes)).unwrap();
        },
        &[],
    );
    assert_eq!(run.code, 1, "{}", run.stdout);
    let altered = loc(dir.path(), &filings[1]);
    assert!(
        run.stdout.contains(&format!("HashMismatch  {altered}")),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("CHAIN NOT INTACT"), "{}", run.stdout);
    assert!(run.stdout.contains("RESULT: FAILED"), "{}", run.stdout);
    let (dir, run) = scenario(
        &emu,
        &filings,
        |d| {
            let path = path_of(d, &filings[1]);
            let bytes = std::fs::read(&path).unwrap();
            std::fs::write(&path, alter_one_byte(&bytes)).unwrap();
        },
        &["--json"],
    );
    assert_eq!(run.code, 1);
    let altered = loc(dir.path(), &filings[1]);
    let found = run.findings();
    assert!(
        found.contains(&("HashMismatch".into(), altered.clone())),
        "{found:?}"
    );
    assert!(
        found.contains(&("SignatureMismatch".into(), altered)),
        "{found:?}"
    );
    assert!(
        found.contains(&("ChainBroken".into(), loc(dir.path(), &filings[2]))),
        "{found:?}"
    );

    // Report 3 deleted with its companions: a gap naming sequence 3.
    let (dir, run) = scenario(
        &emu,
        &filings,
        |d| {
            for (key, _) in filings[2].files() {
                std::fs::remove_file(d.join(key)).unwrap();
            }
        },
        &["--json"],
    );
    assert_eq!(run.code, 1);
    assert_eq!(
        run.findings(),
        vec![("SequenceGap".to_string(), loc(dir.path(), &filings[3]))]
    );
    let message = run.message_of("SequenceGap");
    assert!(message.contains("sequence 3 missing"), "{message}");
    // Only the report deleted: its companions betray it too.
    let (dir, run) = scenario(
        &emu,
        &filings,
        |d| std::fs::remove_file(path_of(d, &filings[2])).unwrap(),
        &["--json"],
    );
    assert_eq!(
        run.findings(),
        vec![
            ("MissingReport".to_string(), loc(dir.path(), &filings[2])),
            ("SequenceGap".to_string(), loc(dir.path(), &filings[3])),
        ]
    );

    // Reports 2 and 3 swapped (each with its companions): both named as misplaced.
    let (dir, run) = scenario(
        &emu,
        &filings,
        |d| {
            for ((a, _), (b, _)) in filings[1].files().iter().zip(filings[2].files().iter()) {
                swap(&d.join(a), &d.join(b));
            }
        },
        &["--json"],
    );
    assert_eq!(run.code, 1);
    let found = run.findings();
    assert!(found.iter().all(|(k, _)| k == "Misplaced"), "{found:?}");
    for f in &filings[1..3] {
        assert!(
            found.contains(&("Misplaced".into(), loc(dir.path(), f))),
            "{found:?}"
        );
    }
    let messages = run.messages_of("Misplaced");
    assert!(
        messages
            .iter()
            .any(|m| m.contains("holds report 20260301T100300Z")),
        "{messages:?}"
    );
    assert!(
        messages.iter().any(|m| m.contains(".sha256 file is for")),
        "{messages:?}"
    );

    // Reports 2 and 3 renumbered by a forger who also rewrote the links and .sha256 files
    // (but cannot sign): the run times and the signatures give it away.
    let r1 = report(1, None);
    let h1 = sha256_hex(&canonical_bytes(&r1));
    let mut late = report(3, None);
    late.qualification.sequence = 2;
    late.previous_report_sha256 = Some(h1);
    let late_bytes = canonical_bytes(&late);
    let mut early = report(2, None);
    early.qualification.sequence = 3;
    early.previous_report_sha256 = Some(sha256_hex(&late_bytes));
    let (dir, run) = scenario(
        &emu,
        &filings[..3],
        |d| {
            for (f, r) in [(&filings[2], &late), (&filings[1], &early)] {
                let bytes = canonical_bytes(r);
                std::fs::write(path_of(d, f), &bytes).unwrap();
                let line = format!("{}  {}\n", sha256_hex(&bytes), file_name(&f.key));
                std::fs::write(d.join(format!("{}.sha256", f.key)), line).unwrap();
            }
        },
        &["--json"],
    );
    assert_eq!(run.code, 1);
    let found = run.findings();
    let early_loc = loc(dir.path(), &filings[1]);
    assert!(
        found.contains(&("OutOfOrder".into(), early_loc)),
        "{found:?}"
    );
    assert!(
        run.message_of("OutOfOrder").contains("before sequence 2"),
        "{}",
        run.stdout
    );
    assert!(
        found.iter().any(|(k, _)| k == "SignatureMismatch"),
        "{found:?}"
    );
    assert!(!found.iter().any(|(k, _)| k == "HashMismatch"), "{found:?}");

    // Forged signatures: another digest's signature, and flipped bytes.
    let (dir, run) = scenario(
        &emu,
        &filings,
        |d| {
            let mut forged = filings[2].sig.clone();
            forged.report_sha256 = filings[1].sha.clone();
            std::fs::write(d.join(format!("{}.sig", filings[1].key)), forged.to_bytes()).unwrap();
            let mut flipped = filings[3].sig.clone();
            let mut raw = flipped.signature_bytes().unwrap();
            let last = raw.len() - 1;
            raw[last] ^= 0x01;
            flipped.signature = aws_smithy_types::base64::encode(&raw);
            std::fs::write(
                d.join(format!("{}.sig", filings[3].key)),
                flipped.to_bytes(),
            )
            .unwrap();
        },
        &["--json"],
    );
    assert_eq!(run.code, 1);
    assert_eq!(
        run.findings(),
        vec![
            ("SignatureInvalid".to_string(), loc(dir.path(), &filings[1])),
            ("SignatureInvalid".to_string(), loc(dir.path(), &filings[3])),
        ]
    );
    assert_eq!(run.json()["signatures_verified"], 2);

    // Signatures need KMS: unreachable, they are unverified findings.
    let dir = tempfile::tempdir().unwrap();
    write_dir(dir.path(), &filings);
    let source = dir.path().display().to_string();
    let run = verify_cmd(
        &emu,
        &[&source, "--json"],
        &[("AWS_ENDPOINT_URL", "http://127.0.0.1:9")],
    );
    assert_eq!(run.code, 1, "{}\n{}", run.stdout, run.stderr);
    let found = run.findings();
    assert_eq!(found.len(), 4, "{found:?}");
    assert!(
        found.iter().all(|(k, _)| k == "SignatureUnverified"),
        "{found:?}"
    );

    // Only the approved key is trusted.
    let other = signing_key(&aws, KeySpec::EccNistP256).await;
    let run = verify_cmd(&emu, &[&source, "--json", "--signing-key", &other], &[]);
    assert_eq!(run.code, 1);
    let found = run.findings();
    assert_eq!(found.len(), 4, "{found:?}");
    assert!(
        found.iter().all(|(k, _)| k == "SignatureUntrusted"),
        "{found:?}"
    );
    let run = verify_cmd(&emu, &[&source, "--signing-key", &key], &[]);
    assert_eq!(run.code, 0, "{}", run.stdout);

    // One report on its own: its companions are checked, not the chain.
    let one = loc(dir.path(), &filings[2]);
    let run = verify_cmd(&emu, &[&one], &[]);
    assert_eq!(run.code, 0, "{}", run.stdout);
    assert!(run.stdout.contains("chain not checked"), "{}", run.stdout);
    assert!(
        run.stdout.contains("Signatures: 1 found, 1 verified"),
        "{}",
        run.stdout
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn verify_s3_prefix_clean_then_altered_and_deleted_reports_are_named() {
    let emu = Emulator::start();
    let aws = context(&emu).await;
    let key = signing_key(&aws, KeySpec::EccNistP256).await;
    let s3 = emu.s3_client().await;
    // No Object Lock, so the test can alter what was filed.
    s3.create_bucket()
        .bucket("gxp-audit-copy")
        .send()
        .await
        .expect("bucket");
    let store = S3Store::new(&aws, "gxp-audit-copy", Some("gxp-evidence".into()), None);
    let filings = chain(&aws, &key, 3).await;
    for f in &filings {
        for (k, bytes) in f.files() {
            store
                .put_new(&k, &bytes, "application/json")
                .await
                .expect("file");
        }
    }
    let endpoint = emu.endpoint.clone();
    let flags = [
        "--endpoint-url",
        endpoint.as_str(),
        "--region",
        "us-east-1",
        "--path-style",
    ];
    // Only the command-line options point at the emulator and name the region.
    let no_env_endpoint = [
        ("AWS_ENDPOINT_URL", ""),
        ("AWS_REGION", ""),
        ("AWS_DEFAULT_REGION", ""),
    ];
    let run_on = |source: &str, json: bool| {
        let mut args = vec![source];
        args.extend_from_slice(&flags);
        if json {
            args.push("--json");
        }
        verify_cmd(&emu, &args, &no_env_endpoint)
    };

    let run = run_on("s3://gxp-audit-copy/gxp-evidence", false);
    assert_eq!(run.code, 0, "{}\n{}", run.stdout, run.stderr);
    assert!(
        run.stdout.contains("s3://gxp-audit-copy/gxp-evidence/"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("3 reports, sequence 1–3: chain intact"),
        "{}",
        run.stdout
    );
    assert!(run
        .stdout
        .contains("Signatures: 3 found, 3 verified with KMS"));
    let single = store.location_of(&filings[0].key);
    let run = run_on(&single, false);
    assert_eq!(run.code, 0, "{}\n{}", run.stdout, run.stderr);
    assert!(
        run.stdout.contains("1 report, sequence 1"),
        "{}",
        run.stdout
    );

    // Report 2 overwritten with one byte changed.
    let altered = alter_one_byte(&filings[1].report);
    s3.put_object()
        .bucket("gxp-audit-copy")
        .key(format!("gxp-evidence/{}", filings[1].key))
        .body(altered.into())
        .send()
        .await
        .expect("overwrite");
    let run = run_on("s3://gxp-audit-copy/gxp-evidence/", true);
    assert_eq!(run.code, 1, "{}\n{}", run.stdout, run.stderr);
    let location = store.location_of(&filings[1].key);
    assert!(location.starts_with("s3://gxp-audit-copy/gxp-evidence/application=lims/"));
    assert!(
        run.findings().contains(&("HashMismatch".into(), location)),
        "{:?}",
        run.findings()
    );

    // Report 2 and its companions deleted: a gap naming sequence 2.
    for (k, _) in filings[1].files() {
        s3.delete_object()
            .bucket("gxp-audit-copy")
            .key(format!("gxp-evidence/{k}"))
            .send()
            .await
            .expect("delete");
    }
    let run = run_on("s3://gxp-audit-copy/gxp-evidence", true);
    assert_eq!(run.code, 1);
    assert_eq!(
        run.findings(),
        vec![(
            "SequenceGap".to_string(),
            store.location_of(&filings[2].key)
        )]
    );
    assert!(run.message_of("SequenceGap").contains("sequence 2 missing"));
}

#[tokio::test(flavor = "multi_thread")]
async fn verify_chain_filed_by_the_provider_through_terraform_is_intact() {
    use crate::qualification::{assert_filed_reports_valid, config, passing, EVIDENCE, S3_STORE};
    let emu = Emulator::start();
    let (ws, sdk) = passing(&emu, "", "").await;
    for n in 2..=3 {
        ws.write(
            "main.tf",
            &config(&format!("description = \"revision {n}\""), "", S3_STORE),
        );
        ws.apply().assert_success();
    }
    assert_eq!(
        ws.resource_values("gxp_qualification.q")["report_sequence"],
        3
    );
    let source = format!("s3://{EVIDENCE}/gxp-evidence");
    let run = verify_cmd(&emu, &[&source, "--path-style"], &[]);
    assert_eq!(run.code, 0, "{}\n{}", run.stdout, run.stderr);
    assert!(
        run.stdout
            .contains("Qualification lims-prod (application lims, environment prod)"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("3 reports, sequence 1–3: chain intact"),
        "{}",
        run.stdout
    );
    assert_eq!(assert_filed_reports_valid(&sdk, EVIDENCE).await.len(), 3);
}

#[tokio::test(flavor = "multi_thread")]
async fn verify_usage_errors_exit_2() {
    let emu = Emulator::start();
    let run = verify_cmd(&emu, &[], &[]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("no source given"), "{}", run.stderr);
    let run = verify_cmd(&emu, &["--bogus", "."], &[]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("unknown option --bogus"),
        "{}",
        run.stderr
    );
    let run = verify_cmd(&emu, &["/no/such/evidence"], &[]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("cannot read /no/such/evidence"),
        "{}",
        run.stderr
    );
    let run = verify_cmd(
        &emu,
        &["s3://no-such-bucket/gxp-evidence", "--path-style"],
        &[],
    );
    assert_eq!(run.code, 2, "{}\n{}", run.stdout, run.stderr);
    assert!(run.stderr.contains("no-such-bucket"), "{}", run.stderr);
    let run = verify_cmd(&emu, &["--help"], &[]);
    assert_eq!(run.code, 0);
    assert!(run.stdout.contains("Usage: terraform-provider-gxp verify"));
    // An empty directory holds no reports: a finding, not a clean result.
    let dir = tempfile::tempdir().unwrap();
    let run = verify_cmd(&emu, &[dir.path().to_str().unwrap()], &[]);
    assert_eq!(run.code, 1, "{}", run.stdout);
    assert!(run.stdout.contains("NoReports"), "{}", run.stdout);
}

/// Three applies through Terraform into a local store, then the newest report and its
/// `.sha256` removed: the plain chain checks see a shorter, intact chain (exit 0); with the
/// qualification's `verify_arguments` (the head the pipeline knows) the cut is `Truncated`
/// (exit 1). The `gxp_report` data source gives the same arguments.
#[tokio::test(flavor = "multi_thread")]
async fn verify_truncated_chain_is_found_with_the_known_head() {
    use crate::qualification::{config, data_bucket, DATA};
    let emu = Emulator::start();
    let sdk = emu.sdk_config().await;
    data_bucket(&sdk, DATA).await;
    let evidence = tempfile::tempdir().unwrap();
    let store = format!(
        "evidence_store {{\n    local_directory = \"{}\"\n  }}",
        evidence.path().display()
    );
    let report = r#"
data "gxp_report" "r" {
  qualification = "lims-prod"
  application   = "lims"
  environment   = "prod"
  depends_on    = [gxp_qualification.q]
}
"#;
    let ws = crate::harness::Workspace::new(&emu);
    for n in 1..=3 {
        let main = config(&format!("description = \"revision {n}\""), "", &store);
        ws.write("main.tf", &format!("{main}{report}"));
        ws.apply().assert_success();
    }
    let q = ws.resource_values("gxp_qualification.q");
    assert_eq!(q["report_sequence"], 3, "{q:#}");
    let head = q["report_sha256"].as_str().unwrap().to_string();
    let args: Vec<String> = q["verify_arguments"]
        .as_array()
        .unwrap_or_else(|| panic!("no verify_arguments: {q:#}"))
        .iter()
        .map(|v| v.as_str().unwrap().to_string())
        .collect();
    assert_eq!(
        args,
        [
            "--qualification",
            "lims-prod",
            "--expect-head",
            &head,
            "--min-sequence",
            "3"
        ]
    );
    let r = ws.resource_values("data.gxp_report.r");
    assert_eq!(r["verify_arguments"], q["verify_arguments"], "{r:#}");

    let dir = evidence.path().to_str().unwrap().to_string();
    let intact = verify_cmd(&emu, &[&dir], &[]);
    assert_eq!(intact.code, 0, "{}\n{}", intact.stdout, intact.stderr);
    let mut with_head: Vec<&str> = args.iter().map(String::as_str).collect();
    with_head.push(&dir);
    let run = verify_cmd(&emu, &with_head, &[]);
    assert_eq!(run.code, 0, "{}\n{}", run.stdout, run.stderr);
    assert!(run.stdout.contains("— found"), "{}", run.stdout);

    // Cut the newest report off the chain, with its .sha256.
    let location = q["report_location"].as_str().unwrap().to_string();
    std::fs::remove_file(&location).unwrap_or_else(|e| panic!("{location}: {e}"));
    std::fs::remove_file(format!("{location}.sha256")).unwrap();
    let plain = verify_cmd(&emu, &[&dir], &[]);
    assert_eq!(
        plain.code, 0,
        "the cut is invisible without the head: {}",
        plain.stdout
    );
    assert!(
        plain
            .stdout
            .contains("2 reports, sequence 1–2: chain intact"),
        "{}",
        plain.stdout
    );
    let run = verify_cmd(&emu, &with_head, &[]);
    assert_eq!(run.code, 1, "{}\n{}", run.stdout, run.stderr);
    assert!(run.stdout.contains("Truncated"), "{}", run.stdout);
    assert!(run.stdout.contains("sequence 2"), "{}", run.stdout);
    assert!(run.stdout.contains("1 report(s) missing"), "{}", run.stdout);
    assert!(run.stdout.contains("NOT FOUND"), "{}", run.stdout);
    assert!(run.stdout.contains("CHAIN NOT INTACT"), "{}", run.stdout);
}
