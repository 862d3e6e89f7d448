//! Electronic signatures of the specification (21 CFR Part 11 §11.50, §11.70, §11.100,
//! §11.200): what an approver signs ([`statement`]), how SSH ([`ssh`]) and KMS ([`kms`])
//! signatures are verified against the provider's trust list ([`SignerTrust`]), and whether
//! a signature policy (`required_signatures`, [`policy`]) is met.
//!
//! [`verify_all`] classifies every signature of a specification:
//!
//! | verifies? | signed digest is the spec's signing digest | status |
//! |---|---|---|
//! | yes | yes | `verified` |
//! | yes | no | `stale`: the specification changed since it was signed |
//! | no | yes | `invalid`: forged, corrupted, or the block edited since |
//! | no | no | `other_specification`: made for another specification |
//!
//! before that, a value already used by an earlier signature is `reused`, a key the trust
//! list does not give the signer is `unknown_key`, and a signature that cannot be checked
//! (no trust list, KMS unreachable) is `unverifiable`.
//!
//! Separate from [`crate::integrity::sign`], which signs *reports*.

pub mod allowed_signers;
pub mod kms;
pub mod policy;
pub mod record;
pub mod ssh;
pub mod statement;

pub use record::{SignatureRecord, SignatureStatus};

use crate::aws::AwsContext;
use crate::spec::canonical::signing_digest;
use crate::spec::model::{Spec, SpecSignature};
use crate::util::sha256_hex;
use allowed_signers::AllowedSigner;

/// Who may sign with which key: the provider's `electronic_signatures` block.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SignerTrust {
    /// Entries of `allowed_signers` (SSH).
    pub ssh: Vec<AllowedSigner>,
    /// `kms_signer` blocks.
    pub kms: Vec<KmsSigner>,
}

/// A `kms_signer` block: the KMS key of one signer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KmsSigner {
    pub signer: String,
    /// The key ARN.
    pub key_id: String,
    /// DER SubjectPublicKeyInfo: verified offline when set, with `kms:Verify` otherwise.
    pub public_key: Option<Vec<u8>>,
}

impl SignerTrust {
    /// Keys listed for more than one person (§11.100: a signature is unique to one
    /// individual): `(index of the later entry, message)`, for SSH entries (line numbers)
    /// and KMS signers (block indices) separately.
    pub fn shared_keys(&self) -> (Vec<SharedKey>, Vec<SharedKey>) {
        let mut ssh = Vec::new();
        for (i, a) in self.ssh.iter().enumerate() {
            if let Some(b) = self.ssh[..i]
                .iter()
                .find(|b| b.key.key_data() == a.key.key_data() && b.principals != a.principals)
            {
                ssh.push((
                    a.line,
                    format!(
                        "line {} lists the key of line {} ({}) for other principals ({} and {}): a signing key must belong to one person",
                        a.line,
                        b.line,
                        a.key.fingerprint(ssh_key::HashAlg::Sha256),
                        b.principals.join(","),
                        a.principals.join(",")
                    ),
                ));
            }
        }
        let mut kms = Vec::new();
        for (i, a) in self.kms.iter().enumerate() {
            if let Some(b) = self.kms[..i]
                .iter()
                .find(|b| b.key_id == a.key_id && b.signer != a.signer)
            {
                kms.push((
                    i,
                    format!(
                        "key {} is listed for `{}` and `{}`: a signing key must belong to one person",
                        a.key_id, b.signer, a.signer
                    ),
                ));
            }
        }
        (ssh, kms)
    }
}

/// A key listed for a second person: the entry's line (SSH) or block index (KMS), and why.
pub type SharedKey = (usize, String);

/// What checking one signature against its key gave, before it is classified.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verification {
    /// Good signature by a trusted key; what verified it.
    Verified(String),
    /// The signature does not verify over the statement.
    Invalid(String),
    /// The key is not the signer's in the trust list.
    UnknownKey(String),
    /// It could not be checked.
    Unverifiable(String),
}

/// Verify every signature of `spec`, in its (canonical) order. KMS signatures without a
/// configured public key are checked with `kms:Verify` through `aws`; without `aws` they are
/// `unverifiable` ("verified at apply").
pub async fn verify_all(
    spec: &Spec,
    trust: Option<&SignerTrust>,
    aws: Option<&AwsContext>,
) -> Vec<SignatureRecord> {
    let digest = signing_digest(spec);
    let mut out = Vec::new();
    for (i, s) in spec.signatures.iter().enumerate() {
        let reused = spec.signatures[..i]
            .iter()
            .any(|o| o.value.trim() == s.value.trim());
        out.push(verify_one(spec, &digest, s, reused, trust, aws).await);
    }
    out
}

async fn verify_one(
    spec: &Spec,
    digest: &str,
    s: &SpecSignature,
    reused: bool,
    trust: Option<&SignerTrust>,
    aws: Option<&AwsContext>,
) -> SignatureRecord {
    let text = statement::statement(&spec.name, &s.spec_digest, s);
    let statement_sha256 = sha256_hex(text.as_bytes());
    let ssh_sig = (s.method == "ssh").then(|| ssh::parse(&s.value));
    let key = match &ssh_sig {
        Some(Ok(sig)) => ssh::key_label(sig),
        Some(Err(_)) => "unreadable SSH signature".into(),
        None => s.key_id.clone().unwrap_or_default(),
    };
    let mut algorithm = s.algorithm.clone();
    let verification = if reused {
        None
    } else if let Some(trust) = trust {
        Some(match ssh_sig {
            Some(Ok(sig)) => ssh::verify(
                &trust.ssh,
                &s.signer,
                crate::util::parse_time(&s.signed_at),
                &text,
                &sig,
            ),
            Some(Err(e)) => Verification::Invalid(e),
            None => verify_kms(trust, s, &statement_sha256, &mut algorithm, aws).await,
        })
    } else {
        Some(Verification::Unverifiable(
            "the provider's `electronic_signatures` block is not configured: there is no trust list to verify against".into(),
        ))
    };
    let same_spec = s.spec_digest.eq_ignore_ascii_case(digest);
    let (status, verified_by, detail) = match verification {
        None => (
            SignatureStatus::Reused,
            String::new(),
            Some("the same signature value is given by an earlier signature of this specification".into()),
        ),
        Some(Verification::Verified(by)) if same_spec => (SignatureStatus::Verified, by, None),
        Some(Verification::Verified(by)) => (
            SignatureStatus::Stale,
            by,
            Some(format!(
                "signed digest {}; the specification has changed since (its signing digest is now {digest}): re-sign it",
                s.spec_digest
            )),
        ),
        Some(Verification::Invalid(why)) if same_spec => (
            SignatureStatus::Invalid,
            String::new(),
            Some(format!("{why}: forged, corrupted, or the block's signer, printed_name, meaning or signed_at differ from what was signed")),
        ),
        Some(Verification::Invalid(why)) => (
            SignatureStatus::OtherSpecification,
            String::new(),
            Some(format!(
                "signed digest {}, which is not this specification `{}`'s ({digest}), and it does not verify as a signature of `{}` ({why}): copied from another specification, or forged",
                s.spec_digest, spec.name, spec.name
            )),
        ),
        Some(Verification::UnknownKey(why)) => (SignatureStatus::UnknownKey, String::new(), Some(why)),
        Some(Verification::Unverifiable(why)) => {
            (SignatureStatus::Unverifiable, String::new(), Some(why))
        }
    };
    SignatureRecord {
        signer: s.signer.clone(),
        printed_name: s.printed_name.clone(),
        meaning: s.meaning.clone(),
        signed_at: s.signed_at.clone(),
        method: s.method.clone(),
        key,
        algorithm,
        spec_digest: s.spec_digest.clone(),
        statement_sha256,
        status,
        verified_by,
        detail,
        value: s.value.clone(),
    }
}

async fn verify_kms(
    trust: &SignerTrust,
    s: &SpecSignature,
    statement_sha256: &str,
    algorithm: &mut Option<String>,
    aws: Option<&AwsContext>,
) -> Verification {
    let key_id = s.key_id.clone().unwrap_or_default();
    let Some(entry) = trust
        .kms
        .iter()
        .find(|k| k.signer == s.signer && k.key_id == key_id)
    else {
        return Verification::UnknownKey(format!(
            "no kms_signer lists key `{key_id}` for `{}`",
            s.signer
        ));
    };
    let signature = match aws_smithy_types::base64::decode(s.value.trim()) {
        Ok(b) if !b.is_empty() => b,
        _ => return Verification::Invalid("the KMS signature is not base64".into()),
    };
    let digest = hex::decode(statement_sha256).unwrap_or_default();
    if let Some(der) = &entry.public_key {
        if algorithm.is_none() {
            match kms::key_algorithm(der) {
                Ok(a) => *algorithm = Some(a.into()),
                Err(e) => return Verification::Unverifiable(e),
            }
        }
        let alg = algorithm.clone().unwrap_or_default();
        return match kms::verify_offline(der, &alg, &digest, &signature) {
            Ok(true) => Verification::Verified("public key (offline)".into()),
            Ok(false) => Verification::Invalid(format!(
                "the {alg} signature does not verify with the public key of {key_id}"
            )),
            Err(e) => Verification::Unverifiable(e),
        };
    }
    let Some(aws) = aws else {
        return Verification::Unverifiable(
            "verified at apply: kms:Verify needs the provider's AWS access, or give the kms_signer's public_key".into(),
        );
    };
    if algorithm.is_none() {
        match crate::integrity::sign::signing_algorithm_of(aws, &key_id).await {
            Ok(a) => *algorithm = Some(a),
            Err(e) => return Verification::Unverifiable(e),
        }
    }
    let alg = algorithm.clone().unwrap_or_default();
    match crate::integrity::sign::kms_verify_digest(aws, &key_id, &alg, &digest, &signature).await {
        Ok(true) => Verification::Verified("KMS Verify".into()),
        Ok(false) => Verification::Invalid(format!(
            "KMS Verify rejects the {alg} signature of {key_id}"
        )),
        Err(e) => Verification::Unverifiable(e),
    }
}

#[cfg(test)]
pub(crate) mod fixtures;
#[cfg(test)]
mod tests;
