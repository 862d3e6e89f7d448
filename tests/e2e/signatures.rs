//! End-to-end scenarios of electronic signatures on the specification: approvers sign the
//! `signing_digest` of a planned `gxp_expected_spec` with SSH (`ssh-keygen -Y sign`, the
//! real binary) and with KMS (moto's `Sign`, verified through `kms:Verify`; and a KMS-form
//! signature made offline with `openssl`, verified with the configured public key), the
//! provider verifies them against its `electronic_signatures` trust list, and a
//! qualification with `required_signatures` refuses each kind of bad signature at plan with
//! its own diagnostic.
//!
//! The statements are printed by the provider's own `statement` subcommand, so the
//! documented hand-made flow is what is tested.

use std::path::Path;
use std::process::Command;

use aws_config::SdkConfig;
use aws_sdk_kms::primitives::Blob;
use aws_sdk_kms::types::{KeySpec, KeyUsageType, MessageType, SigningAlgorithmSpec};
use serde_json::Value;

use crate::harness::{provider_binary, skipped, Emulator, TfRun, Workspace};
use crate::qualification::{
    assert_schema_valid, config, data_bucket, object, protected_bucket, split_s3, DATA, EVIDENCE,
    S3_STORE,
};

const SIGNED_AT: &str = "2026-03-01T09:30:00Z";
const QUALIFICATION: &str = "gxp_qualification.q";

/// The tools the test drives; `None` (with a loud SKIPPED line) when one is missing.
fn tools_or_skip(test: &str) -> Option<()> {
    for tool in ["ssh-keygen", "openssl"] {
        let found = Command::new(tool).arg("-h").output().is_ok();
        if !found {
            skipped(test, &format!("`{tool}` is not installed"));
            return None;
        }
    }
    Some(())
}

fn run(cmd: &mut Command) -> std::process::Output {
    let out = cmd.output().expect("run tool");
    assert!(
        out.status.success(),
        "{cmd:?} failed: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// A fresh SSH key `name` (ed25519, no passphrase) in `dir`; its public key line.
fn ssh_key(dir: &Path, name: &str) -> String {
    let key = dir.join(name);
    run(Command::new("ssh-keygen")
        .args(["-q", "-t", "ed25519", "-N", "", "-C", name, "-f"])
        .arg(&key));
    std::fs::read_to_string(key.with_extension("pub")).unwrap()
}

/// The statement of one signature, printed by `terraform-provider-gxp statement`; its
/// SHA-256 (32 raw bytes) is written to `dir/NAME.sha256`.
fn statement(
    dir: &Path,
    name: &str,
    spec: &str,
    digest: &str,
    signer: &str,
    meaning: &str,
) -> String {
    let out = run(Command::new(provider_binary())
        .args([
            "statement",
            "--spec",
            spec,
            "--digest",
            digest,
            "--signer",
            signer,
        ])
        .args([
            "--name",
            &printed(signer),
            "--meaning",
            meaning,
            "--signed-at",
            SIGNED_AT,
        ])
        .arg("--kms-digest-out")
        .arg(dir.join(format!("{name}.sha256"))));
    let text = String::from_utf8(out.stdout).unwrap();
    std::fs::write(dir.join(format!("{name}.txt")), &text).unwrap();
    text
}

fn printed(signer: &str) -> String {
    let who = signer.split('@').next().unwrap_or(signer);
    format!("{}{} Example", who[..1].to_uppercase(), &who[1..])
}

/// `ssh-keygen -Y sign -n gxp-spec` of `dir/NAME.txt` with key `key`: the armored signature.
fn ssh_sign(dir: &Path, key: &str, name: &str) -> String {
    let file = dir.join(format!("{name}.txt"));
    run(Command::new("ssh-keygen")
        .args(["-Y", "sign", "-q", "-n", "gxp-spec", "-f"])
        .arg(dir.join(key))
        .arg(&file));
    std::fs::read_to_string(dir.join(format!("{name}.txt.sig"))).unwrap()
}

/// KMS `Sign` (`MessageType=DIGEST`) of `dir/NAME.sha256`: the base64 signature.
async fn kms_sign(sdk: &SdkConfig, key_arn: &str, dir: &Path, name: &str) -> String {
    let digest = std::fs::read(dir.join(format!("{name}.sha256"))).unwrap();
    let out = aws_sdk_kms::Client::new(sdk)
        .sign()
        .key_id(key_arn)
        .message(Blob::new(digest))
        .message_type(MessageType::Digest)
        .signing_algorithm(SigningAlgorithmSpec::EcdsaSha256)
        .send()
        .await
        .expect("kms sign");
    aws_smithy_types::base64::encode(out.signature().unwrap().as_ref())
}

/// A KMS-form signature made offline: `openssl pkeyutl -sign` of `dir/NAME.sha256` with
/// the P-256 key `dir/KEY.pem` (DER, as KMS returns it), base64.
fn openssl_sign(dir: &Path, key: &str, name: &str) -> String {
    let sig = dir.join(format!("{name}.der"));
    run(Command::new("openssl")
        .args(["pkeyutl", "-sign", "-inkey"])
        .arg(dir.join(format!("{key}.pem")))
        .arg("-in")
        .arg(dir.join(format!("{name}.sha256")))
        .arg("-out")
        .arg(&sig));
    aws_smithy_types::base64::encode(std::fs::read(sig).unwrap())
}

async fn kms_key(sdk: &SdkConfig) -> String {
    aws_sdk_kms::Client::new(sdk)
        .create_key()
        .key_usage(KeyUsageType::SignVerify)
        .key_spec(KeySpec::EccNistP256)
        .send()
        .await
        .expect("create signing key")
        .key_metadata
        .and_then(|m| m.arn)
        .expect("key arn")
}

/// One `signature` block.
fn block(
    signer: &str,
    meaning: &str,
    method: &str,
    key_id: Option<&str>,
    digest: &str,
    value: &str,
) -> String {
    let key = key_id
        .map(|k| format!("      key_id       = \"{k}\"\n"))
        .unwrap_or_default();
    format!(
        "    signature {{\n      signer       = \"{signer}\"\n      printed_name = \"{}\"\n      meaning      = \"{meaning}\"\n      signed_at    = \"{SIGNED_AT}\"\n      method       = \"{method}\"\n{key}      spec_digest  = \"{digest}\"\n      value        = <<-EOT\n{}\n      EOT\n    }}\n",
        printed(signer),
        value.trim()
    )
}

/// The configuration with `signatures` inside the spec's `approval` block.
fn signed_config(
    spec_extra: &str,
    signatures: &str,
    qualification_extra: &str,
    provider_extra: &str,
) -> String {
    let base = config(
        spec_extra,
        qualification_extra,
        &format!("{S3_STORE}\n{provider_extra}"),
    );
    let anchor = "    change_reference = \"CR-2026-001\"\n";
    assert!(base.contains(anchor));
    base.replacen(anchor, &format!("{anchor}{signatures}"), 1)
}

/// The signers of a scenario and their keys.
struct Signers {
    ws: Workspace,
    sdk: SdkConfig,
    bob_key: String,
    dana_key: String,
    provider: String,
    /// The signing digest of the unsigned specification.
    digest: String,
}

impl Signers {
    fn dir(&self) -> &Path {
        self.ws.path()
    }
}

/// Buckets, keys and the trust list; the spec applied alone to read its `signing_digest`.
async fn signers(emu: &Emulator, spec_extra: &str) -> Signers {
    let sdk = emu.sdk_config().await;
    protected_bucket(&sdk, EVIDENCE).await;
    data_bucket(&sdk, DATA).await;
    let ws = Workspace::new(emu);
    let dir = ws.path().to_path_buf();
    let alice = ssh_key(&dir, "alice");
    ssh_key(&dir, "carol"); // not in allowed_signers
    let alice_key: Vec<&str> = alice.split_whitespace().take(2).collect();
    std::fs::write(
        dir.join("allowed_signers"),
        format!("# QA signers\nalice@example.com {}\n", alice_key.join(" ")),
    )
    .unwrap();
    run(Command::new("openssl")
        .args([
            "ecparam",
            "-name",
            "prime256v1",
            "-genkey",
            "-noout",
            "-out",
        ])
        .arg(dir.join("dana.pem")));
    run(Command::new("openssl")
        .args(["pkey", "-pubout", "-in"])
        .arg(dir.join("dana.pem"))
        .arg("-out")
        .arg(dir.join("dana.pub.pem")));
    let bob_key = kms_key(&sdk).await;
    // Dana's "KMS key" exists only as her offline key pair: verified with its public key.
    let dana_key =
        "arn:aws:kms:us-east-1:123456789012:key/0000dana-0000-0000-0000-000000000000".to_string();
    let provider = format!(
        r#"electronic_signatures {{
    allowed_signers = file("${{path.module}}/allowed_signers")
    kms_signer {{
      signer = "bob@example.com"
      key_id = "{bob_key}"
    }}
    kms_signer {{
      signer     = "dana@example.com"
      key_id     = "{dana_key}"
      public_key = file("${{path.module}}/dana.pub.pem")
    }}
  }}"#
    );
    ws.write("main.tf", &signed_config(spec_extra, "", "", &provider));
    ws.terraform(&[
        "apply",
        "-input=false",
        "-auto-approve",
        "-target=gxp_expected_spec.s",
    ])
    .assert_success();
    let spec = ws.resource_values("gxp_expected_spec.s");
    let digest = spec["signing_digest"]
        .as_str()
        .expect("signing_digest")
        .to_string();
    assert_eq!(
        spec["signing_digest"], spec["digest"],
        "unsigned: signing digest = digest"
    );
    Signers {
        ws,
        sdk,
        bob_key,
        dana_key,
        provider,
        digest,
    }
}

impl Signers {
    fn alice(&self, meaning: &str) -> String {
        statement(
            self.dir(),
            "alice",
            "lims-prod",
            &self.digest,
            "alice@example.com",
            meaning,
        );
        let sig = ssh_sign(self.dir(), "alice", "alice");
        block(
            "alice@example.com",
            meaning,
            "ssh",
            None,
            &self.digest,
            &sig,
        )
    }

    async fn bob(&self, meaning: &str) -> String {
        statement(
            self.dir(),
            "bob",
            "lims-prod",
            &self.digest,
            "bob@example.com",
            meaning,
        );
        let sig = kms_sign(&self.sdk, &self.bob_key, self.dir(), "bob").await;
        block(
            "bob@example.com",
            meaning,
            "kms",
            Some(&self.bob_key),
            &self.digest,
            &sig,
        )
    }

    fn dana(&self, meaning: &str) -> String {
        statement(
            self.dir(),
            "dana",
            "lims-prod",
            &self.digest,
            "dana@example.com",
            meaning,
        );
        let sig = openssl_sign(self.dir(), "dana", "dana");
        block(
            "dana@example.com",
            meaning,
            "kms",
            Some(&self.dana_key),
            &self.digest,
            &sig,
        )
    }

    fn write(&self, spec_extra: &str, signatures: &str, qualification_extra: &str) -> String {
        let text = signed_config(spec_extra, signatures, qualification_extra, &self.provider);
        self.ws.write("main.tf", &text);
        text
    }
}

async fn report(sdk: &SdkConfig, ws: &Workspace) -> (Vec<u8>, Value) {
    let q = ws.resource_values(QUALIFICATION);
    let (bucket, key) = split_s3(q["report_location"].as_str().unwrap());
    let bytes = object(sdk, &bucket, &key).await;
    let json = serde_json::from_slice(&bytes).unwrap();
    (bytes, json)
}

#[tokio::test(flavor = "multi_thread")]
async fn signatures_ssh_and_kms_qualify() {
    let test = "signatures::signatures_ssh_and_kms_qualify";
    if tools_or_skip(test).is_none() {
        return;
    }
    let emu = Emulator::start();
    // The specification requires a review itself; the qualification adds an approval.
    let spec_policy = "required_signatures = [\"reviewed\"]";
    let s = signers(&emu, spec_policy).await;
    let blocks = [
        s.alice("reviewed"),
        s.bob("approved").await,
        s.dana("approved"),
    ]
    .concat();
    s.write(
        spec_policy,
        &blocks,
        "required_signatures = [\"reviewed\", \"approved\"]\n  report_formats = [\"pdf\"]",
    );
    let applied = s.ws.apply();
    applied.assert_success();
    for summary in [
        "Stale signature",
        "Signature does not verify",
        "Unknown signing key",
        "Signature cannot be verified",
        "Signature made for another specification",
    ] {
        applied.assert_not_contains(summary);
    }
    let spec = s.ws.resource_values("gxp_expected_spec.s");
    assert_eq!(
        spec["signing_digest"],
        s.digest.as_str(),
        "signatures do not change what is signed"
    );
    assert_ne!(spec["digest"], spec["signing_digest"]);
    let q = s.ws.resource_values(QUALIFICATION);
    assert_eq!(q["status"], "passed", "{q:#}");

    let (bytes, r) = report(&s.sdk, &s.ws).await;
    assert_schema_valid(&bytes);
    let info = &r["spec"];
    assert_eq!(info["signing_digest"], s.digest.as_str());
    assert_eq!(info["signature_policy_met"], true);
    assert_eq!(
        info["required_signatures"],
        serde_json::json!(["approved", "reviewed"])
    );
    let sigs = info["signatures"].as_array().unwrap();
    assert_eq!(sigs.len(), 3, "{sigs:#?}");
    let by = |signer: &str| sigs.iter().find(|x| x["signer"] == signer).unwrap();
    for (signer, verified_by) in [
        ("alice@example.com", "allowed_signers (offline)"),
        ("bob@example.com", "KMS Verify"),
        ("dana@example.com", "public key (offline)"),
    ] {
        let rec = by(signer);
        assert_eq!(rec["status"], "verified", "{rec:#}");
        assert_eq!(rec["verified_by"], verified_by, "{rec:#}");
        assert_eq!(rec["signed_at"], SIGNED_AT);
        assert_eq!(rec["printed_name"], printed(signer));
    }
    assert!(by("alice@example.com")["key"]
        .as_str()
        .unwrap()
        .starts_with("ssh-ed25519 SHA256:"));
    assert_eq!(by("bob@example.com")["key"], s.bob_key.as_str());
    assert_eq!(by("dana@example.com")["algorithm"], "ECDSA_SHA_256");
    // The statement the report names is the one the approver signed.
    let alice_statement = std::fs::read(s.dir().join("alice.txt")).unwrap();
    assert_eq!(
        by("alice@example.com")["statement_sha256"],
        crate::qualification::sha256_hex(&alice_statement)
    );
    assert_pdf_shows_the_manifestations(&s, &r).await;
    s.ws.assert_plan_empty();
}

/// The filed PDF's signature page (text extracted from the PDF) shows each manifestation:
/// printed name, meaning, date and time, method and verification, and the policy.
async fn assert_pdf_shows_the_manifestations(s: &Signers, report: &Value) {
    let q = s.ws.resource_values(QUALIFICATION);
    let (bucket, key) = split_s3(q["report_location"].as_str().unwrap());
    let pdf = object(
        &s.sdk,
        &bucket,
        &format!("{}.pdf", key.strip_suffix(".json").unwrap()),
    )
    .await;
    let pages = pdf_extract::extract_text_from_mem_by_pages(&pdf).expect("PDF text by page");
    let first = pages
        .iter()
        .position(|p| p.contains("Signatures and approval"))
        .expect("a signature page in the PDF");
    // Compared without whitespace: a table cell wraps a long value over lines.
    let compact = |s: &str| s.split_whitespace().collect::<String>();
    let page = compact(&pages[first..].concat());
    for rec in report["spec"]["signatures"].as_array().unwrap() {
        for field in [
            "printed_name",
            "signer",
            "meaning",
            "signed_at",
            "method",
            "status",
        ] {
            let want = compact(rec[field].as_str().unwrap());
            assert!(
                page.contains(&want),
                "{field} {want} of {} not on the PDF's signature page:\n{page}",
                rec["signer"]
            );
        }
    }
    for want in [
        "Executed by",
        "Reviewed by (quality unit)",
        "Approved by (quality unit)",
    ] {
        assert!(
            page.contains(&compact(want)),
            "{want} not on the PDF's signature page:\n{page}"
        );
    }
}

/// `terraform plan` fails with errors all summarised `summary`, at `address`, the first
/// pointing at a line that starts with `attribute`.
#[track_caller]
fn assert_refused(
    run: &TfRun,
    config: &str,
    address: &str,
    summary: &str,
    attribute: &str,
    count: usize,
) {
    run.assert_failure();
    let output = run.combined();
    assert_eq!(
        output.matches("Error: ").count(),
        count,
        "expected {count} error(s) `{summary}`:\n{}",
        run.report()
    );
    assert_eq!(
        output.matches(&format!("Error: {summary}")).count(),
        count,
        "{}",
        run.report()
    );
    run.assert_contains(&format!("with {address},"));
    let line: usize = output
        .split(&format!("with {address},"))
        .nth(1)
        .and_then(|rest| rest.split("on main.tf line ").nth(1))
        .and_then(|rest| rest.split(|c: char| !c.is_ascii_digit()).next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no main.tf line in:\n{}", run.report()));
    let shown = config.lines().nth(line - 1).unwrap_or_default();
    assert!(
        shown.trim_start().starts_with(attribute),
        "line {line} ({shown:?}) does not set {attribute}:\n{}",
        run.report()
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn signatures_each_refusal_has_its_own_diagnostic() {
    let test = "signatures::signatures_each_refusal_has_its_own_diagnostic";
    if tools_or_skip(test).is_none() {
        return;
    }
    let emu = Emulator::start();
    let s = signers(&emu, "").await;
    let policy = "required_signatures = [\"reviewed\", \"approved\"]";
    let alice = s.alice("reviewed");
    let bob = s.bob("approved").await;
    let plan = |_config: &str| s.ws.plan();

    // The good pair is accepted: the plan succeeds.
    let good = s.write("", &[alice.clone(), bob.clone()].concat(), policy);
    let ok = plan(&good);
    assert!(ok.plan_has_changes(), "{}", ok.report());

    // A meaning nobody signed: at the qualification's required_signatures.
    let text = s.write(
        "",
        &[alice.clone(), bob.clone()].concat(),
        "required_signatures = [\"reviewed\", \"approved\", \"authored\"]",
    );
    let r = plan(&text);
    assert_refused(
        &r,
        &text,
        QUALIFICATION,
        "Missing required signature",
        "required_signatures",
        1,
    );
    r.assert_contains("No verified `authored` signature");

    // Forged: bob's block with another signing time than the one signed.
    let forged = bob.replace(SIGNED_AT, "2026-03-01T09:31:00Z");
    let text = s.write("", &[alice.clone(), forged].concat(), policy);
    let r = plan(&text);
    assert_refused(
        &r,
        &text,
        QUALIFICATION,
        "Signature does not verify",
        "spec_document",
        1,
    );

    // Copied from another specification: alice signed spec `other-spec`'s digest.
    let other_digest = crate::qualification::sha256_hex(b"other-spec");
    statement(
        s.dir(),
        "other",
        "other-spec",
        &other_digest,
        "alice@example.com",
        "reviewed",
    );
    let copied = ssh_sign(s.dir(), "alice", "other");
    let copied = block(
        "alice@example.com",
        "reviewed",
        "ssh",
        None,
        &other_digest,
        &copied,
    );
    let text = s.write("", &[copied, bob.clone()].concat(), policy);
    let r = plan(&text);
    assert_refused(
        &r,
        &text,
        QUALIFICATION,
        "Signature made for another specification",
        "spec_document",
        1,
    );
    r.assert_contains("copied from another specification");

    // Unknown key: carol is not in allowed_signers.
    statement(
        s.dir(),
        "carol",
        "lims-prod",
        &s.digest,
        "carol@example.com",
        "reviewed",
    );
    let carol = ssh_sign(s.dir(), "carol", "carol");
    let carol = block(
        "carol@example.com",
        "reviewed",
        "ssh",
        None,
        &s.digest,
        &carol,
    );
    let text = s.write("", &[carol, bob.clone()].concat(), policy);
    let r = plan(&text);
    assert_refused(
        &r,
        &text,
        QUALIFICATION,
        "Unknown signing key",
        "spec_document",
        1,
    );
    r.assert_contains("no allowed_signers entry for `carol@example.com`");

    // Stale: the specification changed after both signed.
    let text = s
        .write("", &[alice.clone(), bob.clone()].concat(), policy)
        .replacen("version = \"1.0\"", "version = \"1.1\"", 1);
    s.ws.write("main.tf", &text);
    let r = plan(&text);
    assert_refused(
        &r,
        &text,
        QUALIFICATION,
        "Stale signature",
        "spec_document",
        2,
    );
    r.assert_contains("Warning: Stale signature")
        .assert_contains("with gxp_expected_spec.s,");

    // Reused: the same signature twice is refused by the specification's validation.
    let twice = alice.replace("meaning      = \"reviewed\"", "meaning      = \"approved\"");
    let text = s.write("", &[alice.clone(), twice].concat(), policy);
    let r = plan(&text);
    r.assert_failure()
        .assert_contains("Error: Signature reused")
        .assert_contains("with gxp_expected_spec.s,")
        .assert_contains("approval.signature[1]");
}

#[tokio::test(flavor = "multi_thread")]
async fn signatures_without_policy_are_reported_not_required() {
    let test = "signatures::signatures_without_policy_are_reported_not_required";
    if tools_or_skip(test).is_none() {
        return;
    }
    let emu = Emulator::start();
    let s = signers(&emu, "").await;
    statement(
        s.dir(),
        "carol",
        "lims-prod",
        &s.digest,
        "carol@example.com",
        "reviewed",
    );
    let carol = ssh_sign(s.dir(), "carol", "carol");
    let carol = block(
        "carol@example.com",
        "reviewed",
        "ssh",
        None,
        &s.digest,
        &carol,
    );
    s.write("", &carol, "");
    let applied = s.ws.apply();
    applied
        .assert_success()
        .assert_contains("Warning: Unknown signing key")
        .assert_not_contains("Error:");
    let (bytes, r) = report(&s.sdk, &s.ws).await;
    assert_schema_valid(&bytes);
    let rec = &r["spec"]["signatures"][0];
    assert_eq!(rec["status"], "unknown_key", "{rec:#}");
    assert!(
        r["spec"].get("signature_policy_met").is_none(),
        "no policy: {:#}",
        r["spec"]
    );
    assert_eq!(r["summary"]["status"], "passed");
}
