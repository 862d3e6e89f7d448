//! What an approver signs: the signing statement, byte for byte, and the `statement`
//! subcommand that prints it.
//!
//! The statement is UTF-8 with LF line ends, one `key: value` per line and a final LF:
//!
//! ```text
//! gxp.spec-signature/v1
//! specification: <spec name>
//! digest: <signing digest>
//! signer: <signer identity>
//! name: <printed name>
//! meaning: <meaning>
//! signed_at: <signed_at exactly as written in the signature block>
//! ```
//!
//! The signing digest ([`crate::spec::canonical::signing_digest`]) binds it to the
//! specification's content; the name to the specification; signer, printed name, meaning
//! and time are the manifestation, which cannot be edited after signing. SSH signs the
//! statement (`ssh-keygen -Y sign -n gxp-spec`); KMS signs its SHA-256
//! (`MessageType=DIGEST`).

use crate::spec::model::SpecSignature;
use crate::util::{now_utc, rfc3339, sha256_hex};

/// First line of every statement: the statement format.
pub const FORMAT: &str = "gxp.spec-signature/v1";
/// SSHSIG namespace of specification signatures (`ssh-keygen -Y sign -n gxp-spec`).
pub const NAMESPACE: &str = "gxp-spec";
/// Meanings of a signature: authorship, review, approval, responsibility (21 CFR 11.50(a)(3)).
pub const MEANINGS: [&str; 4] = ["authored", "reviewed", "approved", "responsible"];
/// Signature methods.
pub const METHODS: [&str; 2] = ["ssh", "kms"];
/// KMS signing algorithms over a SHA-256 digest.
pub const KMS_ALGORITHMS: [&str; 2] = ["ECDSA_SHA_256", "RSASSA_PSS_SHA_256"];

/// The statement signature `s` signs for specification `spec_name` over `spec_digest`.
pub fn statement(spec_name: &str, spec_digest: &str, s: &SpecSignature) -> String {
    format!(
        "{FORMAT}\nspecification: {spec_name}\ndigest: {spec_digest}\nsigner: {}\nname: {}\nmeaning: {}\nsigned_at: {}\n",
        s.signer, s.printed_name, s.meaning, s.signed_at
    )
}

/// Usage of the `statement` subcommand.
pub const USAGE: &str = "terraform-provider-gxp statement — print the statement an approver signs

Usage:
  terraform-provider-gxp statement --spec NAME --digest HEX --signer ID --name \"Printed Name\"
      --meaning MEANING [--signed-at RFC3339] [--kms-digest-out FILE]

  --spec            the specification's name
  --digest          its signing_digest (terraform output / state of gxp_expected_spec)
  --signer          your identity: your allowed_signers principal or kms_signer signer
  --name            your printed name
  --meaning         authored, reviewed, approved or responsible
  --signed-at       the signing time (default: now, UTC, whole seconds)
  --kms-digest-out  also write the statement's SHA-256 (32 raw bytes) to FILE, for
                    `aws kms sign --message fileb://FILE --message-type DIGEST`

The statement goes to stdout (sign it with `ssh-keygen -Y sign -n gxp-spec`); the matching
`signature { ... }` block goes to stderr.
";

/// The `statement` subcommand: 0 printed, 2 bad arguments or the digest file not written.
pub fn command(args: &[String]) -> u8 {
    match run(args) {
        Ok((statement, block)) => {
            print!("{statement}");
            eprint!("{block}");
            0
        }
        Err(e) => {
            eprintln!("statement: {e}\n\n{USAGE}");
            2
        }
    }
}

/// The statement and the HCL skeleton for `args`, having written the digest file if asked.
pub fn run(args: &[String]) -> Result<(String, String), String> {
    let mut values = std::collections::BTreeMap::new();
    let mut it = args.iter();
    while let Some(flag) = it.next() {
        let key = match flag.as_str() {
            "--spec" | "--digest" | "--signer" | "--name" | "--meaning" | "--signed-at"
            | "--kms-digest-out" => flag.trim_start_matches("--").to_string(),
            "--help" | "-h" => return Err("help".into()),
            other => return Err(format!("unknown argument `{other}`")),
        };
        let value = it.next().ok_or_else(|| format!("{flag} needs a value"))?;
        values.insert(key, value.clone());
    }
    let need = |k: &str| {
        values
            .get(k)
            .cloned()
            .ok_or_else(|| format!("--{k} is required"))
    };
    let digest = need("digest")?.to_ascii_lowercase();
    if digest.len() != 64 || !digest.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err("--digest needs the 64-hex signing_digest".into());
    }
    let meaning = need("meaning")?;
    if !MEANINGS.contains(&meaning.as_str()) {
        return Err(format!("--meaning must be one of {MEANINGS:?}"));
    }
    let sig = SpecSignature {
        signer: need("signer")?,
        printed_name: need("name")?,
        meaning,
        signed_at: values
            .get("signed-at")
            .cloned()
            .unwrap_or_else(|| rfc3339(now_utc())),
        spec_digest: digest.clone(),
        ..Default::default()
    };
    for (what, v) in [("signer", &sig.signer), ("name", &sig.printed_name)] {
        if v.contains('\n') || v.contains('\r') || v.trim().is_empty() {
            return Err(format!("--{what} must be a single non-empty line"));
        }
    }
    if crate::util::parse_time(&sig.signed_at).is_none() || !sig.signed_at.contains('T') {
        return Err("--signed-at must be RFC 3339, e.g. 2026-03-01T09:30:00Z".into());
    }
    let text = statement(&need("spec")?, &digest, &sig);
    if let Some(path) = values.get("kms-digest-out") {
        let bytes = hex::decode(sha256_hex(text.as_bytes())).unwrap_or_default();
        std::fs::write(path, bytes).map_err(|e| format!("cannot write {path}: {e}"))?;
    }
    let block = format!(
        "signature {{\n  signer       = {:?}\n  printed_name = {:?}\n  meaning      = {:?}\n  signed_at    = {:?}\n  method       = \"ssh\" # or \"kms\" with key_id\n  spec_digest  = {:?}\n  value        = file(\"statement.txt.sig\") # kms: the base64 Signature\n}}\n",
        sig.signer, sig.printed_name, sig.meaning, sig.signed_at, digest
    );
    Ok((text, block))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn alice() -> SpecSignature {
        SpecSignature {
            signer: "alice@example.com".into(),
            printed_name: "Alice Example".into(),
            meaning: "reviewed".into(),
            signed_at: "2026-03-01T09:30:00Z".into(),
            method: "ssh".into(),
            spec_digest: "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08".into(),
            ..Default::default()
        }
    }

    #[test]
    fn the_statement_is_pinned_byte_for_byte() {
        let s = alice();
        let text = statement("lims-prod", &s.spec_digest, &s);
        assert_eq!(
            text,
            include_str!("testdata/statement.txt"),
            "the statement the fixtures (testdata/make.sh, printf) signed"
        );
        assert_eq!(
            sha256_hex(text.as_bytes()),
            hex::encode(include_bytes!("testdata/statement.sha256"))
        );
    }

    #[test]
    fn the_subcommand_prints_the_statement_and_writes_the_kms_digest() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("d.bin");
        let args: Vec<String> = [
            "--spec",
            "lims-prod",
            "--digest",
            &alice().spec_digest.to_uppercase(),
            "--signer",
            "alice@example.com",
            "--name",
            "Alice Example",
            "--meaning",
            "reviewed",
            "--signed-at",
            "2026-03-01T09:30:00Z",
            "--kms-digest-out",
            out.to_str().unwrap(),
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        let (text, block) = run(&args).unwrap();
        assert_eq!(text, statement("lims-prod", &alice().spec_digest, &alice()));
        assert!(block.contains("meaning      = \"reviewed\""), "{block}");
        assert_eq!(
            std::fs::read(&out).unwrap(),
            include_bytes!("testdata/statement.sha256")
        );
        let mut bad = args.clone();
        bad[9] = "liked".into();
        assert!(run(&bad).unwrap_err().contains("--meaning"));
        assert!(run(&args[..4]).unwrap_err().contains("is required"));
        let mut multi = args.clone();
        multi[7] = "Alice\nsigner: mallory".into();
        assert!(run(&multi).unwrap_err().contains("single"));
    }
}
