//! What a report records about each signature of the specification: its manifestation
//! (who, meaning, when, how) and the result of its verification.

use serde::{Deserialize, Serialize};

/// One signature of the specification and its verification result.
#[derive(Serialize, Deserialize, schemars::JsonSchema, Clone, Debug, PartialEq, Eq)]
pub struct SignatureRecord {
    /// Identity that names the key (allowed_signers principal or `kms_signer`).
    pub signer: String,
    /// The signer's printed name.
    pub printed_name: String,
    /// `authored`, `reviewed`, `approved` or `responsible`.
    pub meaning: String,
    /// When it was signed, as written in the signature block.
    pub signed_at: String,
    /// `ssh` or `kms`.
    pub method: String,
    /// The key that signed: `ssh-ed25519 SHA256:…` (SSH) or the KMS key ARN.
    pub key: String,
    /// KMS signing algorithm (`kms` only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub algorithm: Option<String>,
    /// The signing digest the signer signed (lowercase hex).
    pub spec_digest: String,
    /// SHA-256 (hex) of the signing statement that was verified.
    pub statement_sha256: String,
    pub status: SignatureStatus,
    /// What verified it: `allowed_signers (offline)`, `KMS Verify` or `public key (offline)`;
    /// empty when it could not be checked.
    pub verified_by: String,
    /// Why it is not verified, when it is not.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    /// The signature value as given.
    pub value: String,
}

/// The verification result of one signature.
#[derive(Serialize, Deserialize, schemars::JsonSchema, Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[serde(rename_all = "snake_case")]
pub enum SignatureStatus {
    /// It verifies, by a trusted key of its signer, over this specification's signing digest.
    Verified,
    /// It does not verify over this specification (forged, corrupted, or edited since).
    Invalid,
    /// Its key is not the signer's in the trust list.
    UnknownKey,
    /// It verifies, but over an earlier signing digest: the specification changed since.
    Stale,
    /// It was made for another specification (another name or another digest).
    OtherSpecification,
    /// The same signature value appears earlier in the specification.
    Reused,
    /// It could not be checked (no trust list, KMS unreachable).
    Unverifiable,
}

impl SignatureStatus {
    /// The lowercase name used in reports.
    pub fn as_str(self) -> &'static str {
        match self {
            SignatureStatus::Verified => "verified",
            SignatureStatus::Invalid => "invalid",
            SignatureStatus::UnknownKey => "unknown_key",
            SignatureStatus::Stale => "stale",
            SignatureStatus::OtherSpecification => "other_specification",
            SignatureStatus::Reused => "reused",
            SignatureStatus::Unverifiable => "unverifiable",
        }
    }
}

/// A verification record of `signer`'s `meaning` signature with `status` (SSH, fixed key,
/// digest and time; a value unique to signer and meaning). Shared by the policy tests of
/// the engine and the provider.
#[cfg(any(test, feature = "testing"))]
pub fn sample_record(signer: &str, meaning: &str, status: SignatureStatus) -> SignatureRecord {
    SignatureRecord {
        signer: signer.into(),
        printed_name: signer.into(),
        meaning: meaning.into(),
        signed_at: "2026-03-01T09:30:00Z".into(),
        method: "ssh".into(),
        key: "k".into(),
        algorithm: None,
        spec_digest: "d".into(),
        statement_sha256: "s".into(),
        status,
        verified_by: String::new(),
        detail: None,
        value: format!("{signer}/{meaning}"),
    }
}
