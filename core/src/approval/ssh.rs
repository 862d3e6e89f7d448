//! SSH signatures (SSHSIG, `ssh-keygen -Y sign -n gxp-spec`) verified offline against the
//! allowed_signers list of the provider.

use ssh_key::{HashAlg, SshSig};
use time::OffsetDateTime;

use super::allowed_signers::AllowedSigner;
use super::statement::NAMESPACE;
use super::Verification;

/// Parse an armored SSH signature (`-----BEGIN SSH SIGNATURE-----`).
pub fn parse(value: &str) -> Result<SshSig, String> {
    SshSig::from_pem(value.trim()).map_err(|e| format!("not an armored SSH signature: {e}"))
}

/// `ssh-ed25519 SHA256:…` of the key that made `sig`.
pub fn key_label(sig: &SshSig) -> String {
    format!(
        "{} {}",
        sig.public_key().algorithm(),
        sig.public_key().fingerprint(HashAlg::Sha256)
    )
}

/// Verify `sig` over `statement` as `signer`'s, at `signed_at`: the key must be listed for
/// the signer (and valid then), the namespace `gxp-spec`, the signature good.
pub fn verify(
    trust: &[AllowedSigner],
    signer: &str,
    signed_at: Option<OffsetDateTime>,
    statement: &str,
    sig: &SshSig,
) -> Verification {
    let listed: Vec<&AllowedSigner> = trust
        .iter()
        .filter(|s| s.admits(signer, signed_at))
        .collect();
    if listed.is_empty() {
        return Verification::UnknownKey(format!(
            "no allowed_signers entry for `{signer}` (valid at the signing time)"
        ));
    }
    let Some(entry) = listed.iter().find(|s| s.key.key_data() == sig.public_key()) else {
        return Verification::UnknownKey(format!(
            "signed with {}, which allowed_signers does not list for `{signer}`",
            key_label(sig)
        ));
    };
    match entry.key.verify(NAMESPACE, statement.as_bytes(), sig) {
        Ok(()) => Verification::Verified("allowed_signers (offline)".into()),
        Err(ssh_key::Error::Namespace) => Verification::Invalid(format!(
            "signed in namespace `{}`, not `{NAMESPACE}` (sign with `ssh-keygen -Y sign -n {NAMESPACE}`)",
            sig.namespace()
        )),
        Err(e) => Verification::Invalid(format!("the SSH signature does not verify: {e}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::approval::allowed_signers;

    const STATEMENT: &str = include_str!("testdata/statement.txt");

    fn trust() -> Vec<AllowedSigner> {
        let line = |who: &str, pubfile: &str| {
            let k: Vec<&str> = pubfile.split_whitespace().take(2).collect();
            format!("{who} {}\n", k.join(" "))
        };
        let text = [
            line(
                "alice@example.com",
                include_str!("testdata/alice_ed25519.pub"),
            ),
            line("bob@example.com", include_str!("testdata/bob_ecdsa256.pub")),
            line("carol@example.com", include_str!("testdata/carol_rsa.pub")),
        ]
        .concat();
        allowed_signers::parse(&text).unwrap().signers
    }

    fn sig(text: &str) -> SshSig {
        parse(text).unwrap()
    }

    #[test]
    fn ed25519_ecdsa_and_rsa_signatures_verify() {
        let t = trust();
        for (who, s) in [
            ("alice@example.com", include_str!("testdata/alice.sig")),
            ("bob@example.com", include_str!("testdata/bob.sig")),
            ("carol@example.com", include_str!("testdata/carol.sig")),
        ] {
            assert_eq!(
                verify(&t, who, None, STATEMENT, &sig(s)),
                Verification::Verified("allowed_signers (offline)".into()),
                "{who}"
            );
        }
        assert!(
            key_label(&sig(include_str!("testdata/alice.sig"))).starts_with("ssh-ed25519 SHA256:")
        );
    }

    #[test]
    fn an_edited_statement_or_another_namespace_is_invalid() {
        let t = trust();
        let alice = sig(include_str!("testdata/alice.sig"));
        let edited = STATEMENT.replace("meaning: reviewed", "meaning: approved");
        assert!(matches!(
            verify(&t, "alice@example.com", None, &edited, &alice),
            Verification::Invalid(_)
        ));
        let git = sig(include_str!("testdata/alice_git.sig"));
        match verify(&t, "alice@example.com", None, STATEMENT, &git) {
            Verification::Invalid(why) => assert!(why.contains("namespace `git`"), "{why}"),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn an_unlisted_signer_or_another_persons_key_is_unknown() {
        let t = trust();
        let alice = sig(include_str!("testdata/alice.sig"));
        match verify(&t, "dave@example.com", None, STATEMENT, &alice) {
            Verification::UnknownKey(why) => {
                assert!(why.contains("no allowed_signers entry"), "{why}")
            }
            other => panic!("{other:?}"),
        }
        match verify(&t, "bob@example.com", None, STATEMENT, &alice) {
            Verification::UnknownKey(why) => assert!(why.contains("SHA256:"), "{why}"),
            other => panic!("{other:?}"),
        }
        assert!(parse("-----BEGIN SSH SIGNATURE-----\nAAAA\n-----END SSH SIGNATURE-----").is_err());
    }
}
