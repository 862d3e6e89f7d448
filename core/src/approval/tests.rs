//! [`super::verify_all`]: each classification, with fixture keys.

use super::fixtures::*;
use super::*;
use crate::spec::canonical::{digest, signing_digest};

fn statuses(spec: &Spec, trust: Option<&SignerTrust>) -> Vec<SignatureStatus> {
    let rt = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    rt.block_on(verify_all(spec, trust, None))
        .iter()
        .map(|r| r.status)
        .collect()
}

#[test]
fn the_signing_digest_leaves_the_signatures_out() {
    let mut s = spec("lims-prod");
    assert_eq!(signing_digest(&s), digest(&s), "unsigned: the same digest");
    let before = signing_digest(&s);
    s.signatures
        .push(signed(&s, "lims-prod", "alice@example.com", "reviewed"));
    assert_eq!(
        signing_digest(&s),
        before,
        "a signature does not change what is signed"
    );
    assert_ne!(digest(&s), before, "but it is part of the specification");
    s.approval.change_reference = "CR-2".into();
    assert_ne!(signing_digest(&s), before, "the approval is signed");
}

#[test]
fn ssh_and_offline_kms_signatures_verify() {
    let mut s = spec("lims-prod");
    let a = signed(&s, "lims-prod", "alice@example.com", "reviewed");
    let d = signed(&s, "lims-prod", "dana@example.com", "approved");
    s.signatures = vec![d, a];
    let rt = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    let records = rt.block_on(verify_all(&s, Some(&trust()), None));
    assert_eq!(
        records[0].status,
        SignatureStatus::Verified,
        "{:?}",
        records[0]
    );
    assert_eq!(records[0].verified_by, "public key (offline)");
    assert_eq!(records[0].algorithm.as_deref(), Some("ECDSA_SHA_256"));
    assert_eq!(
        records[1].status,
        SignatureStatus::Verified,
        "{:?}",
        records[1]
    );
    assert_eq!(records[1].verified_by, "allowed_signers (offline)");
    assert!(records[1].key.starts_with("ssh-ed25519 SHA256:"));
}

#[test]
fn stale_other_specification_invalid_reused_and_unverifiable() {
    let mut s = spec("lims-prod");
    let old = signed(&s, "lims-prod", "alice@example.com", "reviewed");
    s.version = "1.1".into();
    s.signatures = vec![old];
    assert_eq!(statuses(&s, Some(&trust())), vec![SignatureStatus::Stale]);

    let other = spec("other-spec");
    let mut s = spec("lims-prod");
    s.signatures = vec![signed(
        &other,
        "other-spec",
        "alice@example.com",
        "reviewed",
    )];
    assert_eq!(
        statuses(&s, Some(&trust())),
        vec![SignatureStatus::OtherSpecification]
    );

    let mut s = spec("lims-prod");
    let mut forged = signed(&s, "lims-prod", "dana@example.com", "approved");
    forged.signed_at = "2026-03-02T09:30:00Z".into();
    s.signatures = vec![forged];
    assert_eq!(statuses(&s, Some(&trust())), vec![SignatureStatus::Invalid]);

    let mut s = spec("lims-prod");
    let a = signed(&s, "lims-prod", "alice@example.com", "reviewed");
    let mut copy = a.clone();
    copy.meaning = "approved".into();
    s.signatures = vec![a, copy];
    assert_eq!(
        statuses(&s, Some(&trust())),
        vec![SignatureStatus::Verified, SignatureStatus::Reused]
    );
    s.signatures.truncate(1);
    assert_eq!(statuses(&s, None), vec![SignatureStatus::Unverifiable]);

    let mut s = spec("lims-prod");
    let mut mallory = signed(&s, "lims-prod", "alice@example.com", "reviewed");
    mallory.signer = "mallory@example.com".into();
    s.signatures = vec![mallory];
    assert_eq!(
        statuses(&s, Some(&trust())),
        vec![SignatureStatus::UnknownKey]
    );
}

#[test]
fn a_key_listed_for_two_people_is_found() {
    let mut t = trust();
    let mut twin = t.ssh[0].clone();
    twin.principals = vec!["bob@example.com".into()];
    twin.line = 2;
    t.ssh.push(twin);
    let mut k = t.kms[0].clone();
    k.signer = "erin@example.com".into();
    t.kms.push(k);
    let (ssh, kms) = t.shared_keys();
    assert_eq!(ssh.len(), 1);
    assert_eq!(ssh[0].0, 2);
    assert!(ssh[0].1.contains("must belong to one person"));
    assert_eq!(kms[0].0, 1);
}
