//! Test keys and signed specifications (keys in `testdata/`, made by `testdata/make.sh`).

use p256::ecdsa::signature::hazmat::PrehashSigner;
use p256::pkcs8::EncodePublicKey;

use super::*;
use crate::spec::model::{Approval, Spec, SpecSignature, System};

/// A small specification.
pub fn spec(name: &str) -> Spec {
    Spec {
        name: name.into(),
        version: "1.0".into(),
        system: System {
            application_id: "lims".into(),
            environment: "prod".into(),
            ..Default::default()
        },
        approval: Approval {
            approved_by: "QA".into(),
            approved_at: "2026-03-01".into(),
            change_reference: "CR-1".into(),
            reason: None,
        },
        ..Default::default()
    }
}

/// Alice's SSH key (ed25519, testdata).
pub fn alice_key() -> ssh_key::PrivateKey {
    ssh_key::PrivateKey::from_openssh(include_str!("testdata/alice_ed25519")).unwrap()
}

/// Dana's KMS-form key (P-256), offline.
pub fn dana_key() -> p256::ecdsa::SigningKey {
    p256::ecdsa::SigningKey::from_bytes(&[7u8; 32].into()).unwrap()
}

/// The trust list: alice (SSH) and dana (KMS, public key given).
pub fn trust() -> SignerTrust {
    let alice = include_str!("testdata/alice_ed25519.pub");
    let alice: Vec<&str> = alice.split_whitespace().take(2).collect();
    SignerTrust {
        ssh: allowed_signers::parse(&format!("alice@example.com {}\n", alice.join(" ")))
            .unwrap()
            .signers,
        kms: vec![KmsSigner {
            signer: "dana@example.com".into(),
            key_id: DANA_KEY.into(),
            public_key: Some(
                dana_key()
                    .verifying_key()
                    .to_public_key_der()
                    .unwrap()
                    .as_bytes()
                    .to_vec(),
            ),
        }],
    }
}

/// Dana's key ARN.
pub const DANA_KEY: &str = "arn:aws:kms:eu-west-1:111122223333:key/dana";

/// A signature block of `spec` (over its current signing digest, for spec `for_name`).
pub fn signed(spec: &Spec, for_name: &str, signer: &str, meaning: &str) -> SpecSignature {
    let mut s = SpecSignature {
        signer: signer.into(),
        printed_name: format!("Printed {signer}"),
        meaning: meaning.into(),
        signed_at: "2026-03-01T09:30:00Z".into(),
        method: if signer.starts_with("dana") {
            "kms"
        } else {
            "ssh"
        }
        .into(),
        spec_digest: crate::spec::canonical::signing_digest(spec),
        ..Default::default()
    };
    let text = statement::statement(for_name, &s.spec_digest, &s);
    if s.method == "kms" {
        s.key_id = Some(DANA_KEY.into());
        let digest = hex::decode(sha256_hex(text.as_bytes())).unwrap();
        let sig: p256::ecdsa::Signature = dana_key().sign_prehash(&digest).unwrap();
        s.value = aws_smithy_types::base64::encode(sig.to_der().as_bytes());
    } else {
        s.value = alice_key()
            .sign(
                statement::NAMESPACE,
                ssh_key::HashAlg::Sha512,
                text.as_bytes(),
            )
            .unwrap()
            .to_pem(ssh_key::LineEnding::LF)
            .unwrap();
    }
    s
}
