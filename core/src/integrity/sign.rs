//! KMS signatures over report digests.
//!
//! A report is signed by asking KMS to sign its 32-byte SHA-256 digest (`MessageType`
//! `DIGEST`) with an asymmetric key of usage `SIGN_VERIFY`. The signature is filed next to
//! the report as `KEY.json.sig`, a small JSON document ([`SignatureFile`]) that anyone with
//! `kms:Verify` on the key can check, with this tool or the AWS CLI.

use aws_sdk_kms::primitives::Blob;
use aws_sdk_kms::types::{KeyUsageType, MessageType, SigningAlgorithmSpec};
use serde::{Deserialize, Serialize};

use crate::aws::{classify, AwsContext};
use crate::util::{now_utc, rfc3339};

/// Identifier of the signature file format.
pub const SIGNATURE_FORMAT: &str = "gxp.signature/v1";

/// A KMS signature over a report's SHA-256, as filed in `KEY.json.sig`.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct SignatureFile {
    /// `gxp.signature/v1`.
    pub format: String,
    /// Lowercase hex SHA-256 of the report bytes: the signed digest.
    pub report_sha256: String,
    /// ARN of the KMS key that signed.
    pub key_id: String,
    /// KMS signing algorithm (`ECDSA_SHA_256`, `RSASSA_PSS_SHA_256`).
    pub algorithm: String,
    /// The signature, base64.
    pub signature: String,
    /// When the signature was made (RFC 3339, UTC).
    pub signed_at: String,
}

impl SignatureFile {
    /// The bytes filed as `KEY.json.sig` (indented JSON and a final newline).
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut bytes = serde_json::to_vec_pretty(self).unwrap_or_default();
        bytes.push(b'\n');
        bytes
    }

    /// Read a signature file, checking its format, digest and signature encoding.
    pub fn parse(bytes: &[u8]) -> Result<SignatureFile, String> {
        let sig: SignatureFile = serde_json::from_slice(bytes)
            .map_err(|e| format!("not a signature file ({SIGNATURE_FORMAT}): {e}"))?;
        if sig.format != SIGNATURE_FORMAT {
            return Err(format!(
                "unknown signature format {:?} (expected {SIGNATURE_FORMAT})",
                sig.format
            ));
        }
        digest_bytes(&sig.report_sha256)?;
        let raw = sig.signature_bytes()?;
        if raw.is_empty() {
            return Err("the signature is empty".into());
        }
        if sig.key_id.is_empty() {
            return Err("the signature names no key".into());
        }
        Ok(sig)
    }

    /// The raw signature bytes.
    pub fn signature_bytes(&self) -> Result<Vec<u8>, String> {
        aws_smithy_types::base64::decode(&self.signature)
            .map_err(|e| format!("the signature is not base64: {e}"))
    }
}

/// The 32 bytes of a hex SHA-256 digest.
pub fn digest_bytes(sha256_hex: &str) -> Result<Vec<u8>, String> {
    let bytes = hex::decode(sha256_hex)
        .map_err(|_| format!("{sha256_hex:?} is not a hex SHA-256 digest"))?;
    if bytes.len() != 32 {
        return Err(format!(
            "{sha256_hex:?} is not a SHA-256 digest ({} bytes, expected 32)",
            bytes.len()
        ));
    }
    Ok(bytes)
}

/// The signing algorithm for a SHA-256 digest with a key of `key_spec`.
pub fn algorithm_for(key_spec: &str) -> Result<SigningAlgorithmSpec, String> {
    match key_spec {
        "ECC_NIST_P256" | "ECC_SECG_P256K1" => Ok(SigningAlgorithmSpec::EcdsaSha256),
        s if s.starts_with("RSA_") => Ok(SigningAlgorithmSpec::RsassaPssSha256),
        other => Err(format!(
            "key spec {other} cannot sign a SHA-256 digest; use an asymmetric key of spec \
             ECC_NIST_P256 or RSA_2048/3072/4096 with key usage SIGN_VERIFY"
        )),
    }
}

/// Sign the report digest `sha256_hex` with the KMS key `key_id` (id, ARN or alias).
///
/// The algorithm follows the key spec (ECC_NIST_P256 → ECDSA_SHA_256, RSA_* →
/// RSASSA_PSS_SHA_256); the returned file names the key by its ARN.
pub async fn sign(
    aws: &AwsContext,
    key_id: &str,
    sha256_hex: &str,
) -> Result<SignatureFile, String> {
    let digest = digest_bytes(sha256_hex)?;
    let kms = aws.kms();
    let meta = kms
        .describe_key()
        .key_id(key_id)
        .send()
        .await
        .map_err(|e| format!("cannot read signing key {key_id}: {}", classify(&e)))?
        .key_metadata
        .ok_or_else(|| format!("KMS returned no metadata for signing key {key_id}"))?;
    if meta.key_usage() != Some(&KeyUsageType::SignVerify) {
        let usage = meta.key_usage().map(|u| u.as_str()).unwrap_or("unknown");
        return Err(format!(
            "KMS key {key_id} cannot sign (key usage {usage}); use an asymmetric key with key usage SIGN_VERIFY"
        ));
    }
    let spec = meta.key_spec().map(|s| s.as_str()).unwrap_or("unknown");
    let algorithm = algorithm_for(spec).map_err(|e| format!("KMS key {key_id}: {e}"))?;
    let arn = meta.arn().unwrap_or(key_id).to_string();
    let out = kms
        .sign()
        .key_id(&arn)
        .message(Blob::new(digest))
        .message_type(MessageType::Digest)
        .signing_algorithm(algorithm.clone())
        .send()
        .await
        .map_err(|e| format!("KMS could not sign with {arn}: {}", classify(&e)))?;
    let signature = out
        .signature()
        .filter(|s| !s.as_ref().is_empty())
        .ok_or_else(|| format!("KMS returned no signature for key {arn}"))?;
    Ok(SignatureFile {
        format: SIGNATURE_FORMAT.into(),
        report_sha256: sha256_hex.to_ascii_lowercase(),
        key_id: out.key_id().unwrap_or(&arn).to_string(),
        algorithm: algorithm.as_str().to_string(),
        signature: aws_smithy_types::base64::encode(signature.as_ref()),
        signed_at: rfc3339(now_utc()),
    })
}

/// Ask KMS whether `sig` is a valid signature of its digest by its key.
///
/// `Ok(false)` when KMS rejects the signature (AWS answers `KMSInvalidSignatureException`,
/// some emulators `SignatureValid: false`); `Err` when it could not be checked (KMS
/// unreachable, key unknown or not usable, access denied).
pub async fn verify_signature(aws: &AwsContext, sig: &SignatureFile) -> Result<bool, String> {
    let digest = digest_bytes(&sig.report_sha256)?;
    let signature = sig.signature_bytes()?;
    kms_verify_digest(aws, &sig.key_id, &sig.algorithm, &digest, &signature).await
}

/// Ask KMS (`Verify`, `MessageType=DIGEST`) whether `signature` signs the 32-byte `digest`
/// with `key_id` and `algorithm`: `Ok(false)` when KMS rejects it, `Err` when it could not
/// be checked. Used for report signatures and for the specification's KMS signatures.
pub async fn kms_verify_digest(
    aws: &AwsContext,
    key_id: &str,
    algorithm: &str,
    digest: &[u8],
    signature: &[u8],
) -> Result<bool, String> {
    let result = aws
        .kms()
        .verify()
        .key_id(key_id)
        .message(Blob::new(digest))
        .message_type(MessageType::Digest)
        .signature(Blob::new(signature))
        .signing_algorithm(SigningAlgorithmSpec::from(algorithm))
        .send()
        .await;
    match result {
        Ok(out) => Ok(out.signature_valid()),
        Err(e)
            if e.as_service_error()
                .is_some_and(|s| s.is_kms_invalid_signature_exception()) =>
        {
            Ok(false)
        }
        Err(e) => Err(format!(
            "KMS could not verify the signature with key {key_id}: {}",
            classify(&e)
        )),
    }
}

/// The SHA-256 digest signing algorithm of KMS key `key_id`, from its key spec
/// (`DescribeKey`).
pub async fn signing_algorithm_of(aws: &AwsContext, key_id: &str) -> Result<String, String> {
    let meta = aws
        .kms()
        .describe_key()
        .key_id(key_id)
        .send()
        .await
        .map_err(|e| format!("cannot read KMS key {key_id}: {}", classify(&e)))?
        .key_metadata
        .ok_or_else(|| format!("KMS returned no metadata for key {key_id}"))?;
    let spec = meta.key_spec().map(|s| s.as_str()).unwrap_or("unknown");
    algorithm_for(spec)
        .map(|a| a.as_str().to_string())
        .map_err(|e| format!("KMS key {key_id}: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> SignatureFile {
        SignatureFile {
            format: SIGNATURE_FORMAT.into(),
            report_sha256: "ab".repeat(32),
            key_id: "arn:aws:kms:us-east-1:123456789012:key/k".into(),
            algorithm: "ECDSA_SHA_256".into(),
            signature: aws_smithy_types::base64::encode(b"sig"),
            signed_at: "2026-01-01T00:00:00Z".into(),
        }
    }

    #[test]
    fn algorithms_follow_the_key_spec() {
        assert_eq!(
            algorithm_for("ECC_NIST_P256").unwrap(),
            SigningAlgorithmSpec::EcdsaSha256
        );
        assert_eq!(
            algorithm_for("RSA_3072").unwrap(),
            SigningAlgorithmSpec::RsassaPssSha256
        );
        let err = algorithm_for("SYMMETRIC_DEFAULT").unwrap_err();
        assert!(err.contains("SIGN_VERIFY"), "{err}");
        assert!(algorithm_for("ECC_NIST_P384").is_err());
    }

    #[test]
    fn digests_must_be_32_hex_bytes() {
        assert_eq!(digest_bytes(&"00".repeat(32)).unwrap().len(), 32);
        assert!(digest_bytes("abc").is_err());
        assert!(digest_bytes(&"00".repeat(31)).is_err());
        assert!(digest_bytes(&"zz".repeat(32)).is_err());
    }

    #[test]
    fn signature_files_round_trip_and_are_checked() {
        let sig = sample();
        let bytes = sig.to_bytes();
        assert!(bytes.ends_with(b"}\n"));
        assert_eq!(SignatureFile::parse(&bytes).unwrap(), sig);

        let mut other = sample();
        other.format = "gxp.signature/v0".into();
        assert!(SignatureFile::parse(&other.to_bytes())
            .unwrap_err()
            .contains("unknown signature format"));
        let mut bad_digest = sample();
        bad_digest.report_sha256 = "xyz".into();
        assert!(SignatureFile::parse(&bad_digest.to_bytes()).is_err());
        let mut bad_b64 = sample();
        bad_b64.signature = "!!!".into();
        assert!(SignatureFile::parse(&bad_b64.to_bytes())
            .unwrap_err()
            .contains("base64"));
        let mut empty = sample();
        empty.signature = String::new();
        assert!(SignatureFile::parse(&empty.to_bytes()).is_err());
        assert!(SignatureFile::parse(b"not json").is_err());
    }
}
