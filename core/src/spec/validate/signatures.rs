//! Rules of the approval's electronic signatures (`approval.signature` blocks) and of
//! `required_signatures`: their form only (verification needs the provider's trust list and
//! happens in [`crate::approval`]).

use super::CLOCK_SKEW_SECONDS;
use super::{is_arn, is_sha256_hex, items, known_str, list_items, Checker, Field, Path, SpecDraft};
use crate::approval::statement::{KMS_ALGORITHMS, MEANINGS, METHODS, NAMESPACE};

/// Check the signatures and the signature policy of `cfg`.
pub(super) fn check(c: &mut Checker, cfg: &SpecDraft, now: time::OffsetDateTime) {
    for (i, m) in list_items(&cfg.required_signatures) {
        if !MEANINGS.contains(&m) {
            c.add(
                Path::new("required_signatures").index(i as i64),
                "Unknown signature meaning",
                format!("`{m}` is not a signature meaning; use one of {MEANINGS:?}."),
            );
        }
    }
    let Field::Known(approval) = &cfg.approval else {
        return;
    };
    // (index, value, (signer, meaning, digest)) of the signatures before.
    type Seen<'a> = (usize, Option<&'a str>, Option<(&'a str, &'a str, String)>);
    let mut seen: Vec<Seen> = Vec::new();
    for (i, g) in items(&approval.signature).iter().enumerate() {
        let p = || Path::new("approval").attribute("signature").index(i as i64);
        for (attr, v) in [("signer", &g.signer), ("printed_name", &g.printed_name)] {
            if let Some(text) = c.required(v, p().attribute(attr), &format!("signature {attr}")) {
                if text.contains('\n') || text.contains('\r') {
                    c.add(
                        p().attribute(attr),
                        "Multi-line value",
                        format!("`{attr}` is one line of the signed statement; it cannot hold a line break."),
                    );
                }
            }
        }
        if let Some(m) = c.required(&g.meaning, p().attribute("meaning"), "signature meaning") {
            if !MEANINGS.contains(&m) {
                c.add(
                    p().attribute("meaning"),
                    "Unknown signature meaning",
                    format!("`{m}` is not a signature meaning; use one of {MEANINGS:?} (21 CFR 11.50(a)(3))."),
                );
            }
        }
        if let Some(at) = c.required(
            &g.signed_at,
            p().attribute("signed_at"),
            "signature signed_at",
        ) {
            match time::OffsetDateTime::parse(at, &time::format_description::well_known::Rfc3339) {
                Err(_) => c.add(
                    p().attribute("signed_at"),
                    "Invalid signature time",
                    format!("`{at}` is not an RFC 3339 timestamp with offset (e.g. 2026-03-01T09:30:00Z)."),
                ),
                Ok(t) if (t - now).whole_seconds() > CLOCK_SKEW_SECONDS => c.add(
                    p().attribute("signed_at"),
                    "Signature dated in the future",
                    format!("The signature is dated {at}, which is later than now."),
                ),
                Ok(_) => {}
            }
        }
        let method = c.required(&g.method, p().attribute("method"), "signature method");
        if let Some(m) = method {
            if !METHODS.contains(&m) {
                c.add(
                    p().attribute("method"),
                    "Unknown signature method",
                    format!("`{m}` is not a signature method; use `ssh` or `kms`."),
                );
            }
        }
        let key_id = known_str(&g.key_id);
        match (method, key_id) {
            (Some("kms"), None) if !g.key_id.is_unknown() => c.add(
                p().attribute("key_id"),
                "Missing KMS key",
                "A `kms` signature names the key ARN that made it in `key_id`.",
            ),
            (Some("kms"), Some(k)) if !is_arn(k) || !k.contains(":key/") => c.add(
                p().attribute("key_id"),
                "KMS key must be a key ARN",
                format!("`{k}` is not a KMS key ARN (arn:aws:kms:REGION:ACCOUNT:key/ID); an alias can be repointed to another key."),
            ),
            (Some("ssh"), Some(_)) => c.add(
                p().attribute("key_id"),
                "key_id is for kms signatures",
                "An `ssh` signature carries its key; `key_id` names the KMS key of a `kms` signature.",
            ),
            _ => {}
        }
        if let Some(a) = known_str(&g.algorithm) {
            if method == Some("ssh") || !KMS_ALGORITHMS.contains(&a) {
                c.add(
                    p().attribute("algorithm"),
                    "Unknown signing algorithm",
                    format!(
                        "`algorithm` is for kms signatures: one of {KMS_ALGORITHMS:?}; got `{a}`."
                    ),
                );
            }
        }
        let digest = c.required(
            &g.spec_digest,
            p().attribute("spec_digest"),
            "signature spec_digest",
        );
        if let Some(d) = digest {
            if !is_sha256_hex(d) {
                c.add(
                    p().attribute("spec_digest"),
                    "Invalid signed digest",
                    format!(
                        "`{d}` is not a 64-hex SHA-256: give the `signing_digest` that was signed."
                    ),
                );
            }
        }
        let value = c.required(&g.value, p().attribute("value"), "signature value");
        if let Some(v) = value {
            match method {
                Some("ssh") => match crate::approval::ssh::parse(v) {
                    Err(e) => c.add(
                        p().attribute("value"),
                        "Malformed SSH signature",
                        format!("{e}. Give the armored `ssh-keygen -Y sign -n {NAMESPACE}` output, e.g. file(\"statement.txt.sig\")."),
                    ),
                    Ok(sig) if sig.namespace() != NAMESPACE => c.add(
                        p().attribute("value"),
                        "Malformed SSH signature",
                        format!("The signature is in namespace `{}`; sign with `ssh-keygen -Y sign -n {NAMESPACE}`.", sig.namespace()),
                    ),
                    Ok(_) => {}
                },
                Some("kms")
                    if !matches!(aws_smithy_types::base64::decode(v.trim()), Ok(b) if !b.is_empty()) =>
                {
                    c.add(
                        p().attribute("value"),
                        "Malformed KMS signature",
                        "Give the base64 signature (`aws kms sign ... --query Signature --output text`).",
                    );
                }
                _ => {}
            }
        }
        let identity = match (known_str(&g.signer), known_str(&g.meaning), digest) {
            (Some(s), Some(m), Some(d)) => Some((s, m, d.to_ascii_lowercase())),
            _ => None,
        };
        let value = value.map(str::trim);
        if let Some((j, _, _)) = seen.iter().find(|(_, v, id)| {
            (value.is_some() && *v == value) || (identity.is_some() && *id == identity)
        }) {
            c.add(
                p(),
                "Signature reused",
                format!("`approval.signature[{i}]` repeats `approval.signature[{j}]` (the same value, or the same signer, meaning and digest): each signature counts once."),
            );
        }
        seen.push((i, value, identity));
    }
}
