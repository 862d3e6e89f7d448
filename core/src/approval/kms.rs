//! KMS signatures (`Sign` with `MessageType=DIGEST` over the statement's SHA-256), verified
//! offline with the key's public key or online with `kms:Verify`.

use p256::ecdsa::signature::hazmat::PrehashVerifier;
use p256::pkcs8::DecodePublicKey as _;

/// The public key of a `kms_signer`: DER SubjectPublicKeyInfo, from PEM (`aws kms
/// get-public-key … | base64 -d`, wrapped as `-----BEGIN PUBLIC KEY-----`) or base64 DER.
pub fn public_key_der(text: &str) -> Result<Vec<u8>, String> {
    let t = text.trim();
    let body = if t.starts_with("-----BEGIN PUBLIC KEY-----") {
        t.lines()
            .filter(|l| !l.starts_with("-----"))
            .collect::<String>()
    } else if t.starts_with("-----BEGIN") {
        return Err("not a public key: expected a `-----BEGIN PUBLIC KEY-----` (SubjectPublicKeyInfo) PEM, as `aws kms get-public-key` returns".into());
    } else {
        t.split_whitespace().collect()
    };
    let der = aws_smithy_types::base64::decode(&body)
        .map_err(|e| format!("the public key is not base64: {e}"))?;
    key_algorithm(&der)?;
    Ok(der)
}

/// The KMS algorithm of a SHA-256 digest signature by this key: `ECDSA_SHA_256` for a P-256
/// key, `RSASSA_PSS_SHA_256` for an RSA key.
pub fn key_algorithm(der: &[u8]) -> Result<&'static str, String> {
    if p256::ecdsa::VerifyingKey::from_public_key_der(der).is_ok() {
        Ok("ECDSA_SHA_256")
    } else if rsa::RsaPublicKey::from_public_key_der(der).is_ok() {
        Ok("RSASSA_PSS_SHA_256")
    } else {
        Err("the public key is neither a P-256 nor an RSA SubjectPublicKeyInfo".into())
    }
}

/// Verify a KMS-form signature of the 32-byte `digest` offline. `Ok(false)`: it does not
/// verify; `Err`: the key or algorithm cannot be used.
pub fn verify_offline(
    public_key_der: &[u8],
    algorithm: &str,
    digest: &[u8],
    signature: &[u8],
) -> Result<bool, String> {
    match algorithm {
        "ECDSA_SHA_256" => {
            let key = p256::ecdsa::VerifyingKey::from_public_key_der(public_key_der)
                .map_err(|_| "ECDSA_SHA_256 needs a P-256 public key".to_string())?;
            let Ok(sig) = p256::ecdsa::Signature::from_der(signature) else {
                return Ok(false);
            };
            // KMS does not normalise S; verification accepts either form.
            let sig = sig.normalize_s().unwrap_or(sig);
            Ok(key.verify_prehash(digest, &sig).is_ok())
        }
        "RSASSA_PSS_SHA_256" => {
            let key = rsa::RsaPublicKey::from_public_key_der(public_key_der)
                .map_err(|_| "RSASSA_PSS_SHA_256 needs an RSA public key".to_string())?;
            let key = rsa::pss::VerifyingKey::<rsa::sha2::Sha256>::new(key);
            let Ok(sig) = rsa::pss::Signature::try_from(signature) else {
                return Ok(false);
            };
            Ok(key.verify_prehash(digest, &sig).is_ok())
        }
        other => Err(format!("unknown signing algorithm `{other}`")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn digest() -> Vec<u8> {
        include_bytes!("testdata/statement.sha256").to_vec()
    }

    #[test]
    fn p256_and_rsa_pss_vectors_verify_offline_and_a_flipped_byte_does_not() {
        let p256 = public_key_der(include_str!("testdata/kms_p256.pem")).unwrap();
        let rsa = public_key_der(include_str!("testdata/kms_rsa.pem")).unwrap();
        assert_eq!(key_algorithm(&p256).unwrap(), "ECDSA_SHA_256");
        assert_eq!(key_algorithm(&rsa).unwrap(), "RSASSA_PSS_SHA_256");
        let ec_sig = include_bytes!("testdata/kms_p256.sig.der").to_vec();
        let rsa_sig = include_bytes!("testdata/kms_rsa.sig").to_vec();
        assert_eq!(
            verify_offline(&p256, "ECDSA_SHA_256", &digest(), &ec_sig),
            Ok(true)
        );
        assert_eq!(
            verify_offline(&rsa, "RSASSA_PSS_SHA_256", &digest(), &rsa_sig),
            Ok(true)
        );
        let mut d = digest();
        d[0] ^= 1;
        assert_eq!(
            verify_offline(&p256, "ECDSA_SHA_256", &d, &ec_sig),
            Ok(false)
        );
        assert_eq!(
            verify_offline(&rsa, "RSASSA_PSS_SHA_256", &d, &rsa_sig),
            Ok(false)
        );
        let mut bad = rsa_sig.clone();
        bad[10] ^= 1;
        assert_eq!(
            verify_offline(&rsa, "RSASSA_PSS_SHA_256", &digest(), &bad),
            Ok(false)
        );
    }

    #[test]
    fn a_key_of_the_wrong_kind_or_not_spki_is_an_error() {
        let rsa = public_key_der(include_str!("testdata/kms_rsa.pem")).unwrap();
        let sig = include_bytes!("testdata/kms_p256.sig.der");
        assert!(verify_offline(&rsa, "ECDSA_SHA_256", &digest(), sig).is_err());
        assert!(verify_offline(&rsa, "RSASSA_PKCS1_V1_5_SHA_256", &digest(), sig).is_err());
        assert!(public_key_der(
            "-----BEGIN EC PRIVATE KEY-----\nAAAA\n-----END EC PRIVATE KEY-----"
        )
        .is_err());
        assert!(public_key_der("not a key").is_err());
    }
}
