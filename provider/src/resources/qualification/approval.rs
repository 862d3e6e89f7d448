//! Plan-time check of the specification's electronic signatures: every signature is
//! verified against the provider's trust list, and the signature policy (the
//! specification's and the qualification's `required_signatures`) is applied. With a policy
//! each problem is an error, without one a warning (signatures are then verified and
//! reported, not required).

use tf_provider::value::Value;
use tf_provider::{AttributePath, Diagnostics};

use crate::convert::values::known_strings;
use crate::provider::Configured;
use gxp_core::approval::policy::{self, PolicyProblem};
use gxp_core::approval::{verify_all, SignatureRecord, SignatureStatus};
use gxp_core::qualification::approve::describe;

use super::state::QualificationState;

/// The summary of the diagnostic of a signature that does not count.
pub fn summary(status: SignatureStatus) -> &'static str {
    match status {
        SignatureStatus::Verified => "Signature verified",
        SignatureStatus::Invalid => "Signature does not verify",
        SignatureStatus::UnknownKey => "Unknown signing key",
        SignatureStatus::Stale => "Stale signature",
        SignatureStatus::OtherSpecification => "Signature made for another specification",
        SignatureStatus::Reused => "Signature reused",
        SignatureStatus::Unverifiable => "Signature cannot be verified",
    }
}

/// Check the signatures of the planned `spec_document`; nothing when it is not known yet
/// (apply checks then).
pub async fn check(
    diags: &mut Diagnostics,
    configured: Option<&Configured>,
    cfg: &QualificationState,
) {
    let Value::Value(doc) = &cfg.spec_document else {
        return;
    };
    let Ok(spec) = gxp_core::spec::canonical::from_canonical_json(doc) else {
        return; // validate reports it
    };
    if cfg.required_signatures.is_unknown() {
        return;
    }
    let own = known_strings(&cfg.required_signatures).unwrap_or_default();
    let required = policy::merge(&spec.required_signatures, &own);
    if spec.signatures.is_empty() && required.is_empty() {
        return;
    }
    let aws = configured.and_then(|c| c.aws.as_ref());
    let trust = configured.and_then(|c| c.signer_trust.as_deref());
    let records = verify_all(&spec, trust, aws).await;
    report(diags, &spec.name, &records, &required, &own, aws.is_some());
}

/// The diagnostics of `records` under policy `required` (`own`: the qualification's list,
/// for paths). `online`: KMS Verify was possible; otherwise unverifiable KMS signatures and
/// the policy are left to apply.
pub fn report(
    diags: &mut Diagnostics,
    spec_name: &str,
    records: &[SignatureRecord],
    required: &[String],
    own: &[String],
    online: bool,
) {
    let enforced = !required.is_empty();
    let deferred = |r: &SignatureRecord| {
        !online && r.status == SignatureStatus::Unverifiable && r.method == "kms"
    };
    for (i, r) in records.iter().enumerate() {
        if r.status == SignatureStatus::Verified || deferred(r) {
            continue;
        }
        let detail = format!(
            "Specification `{spec_name}`, signature {i} (`{}` by {}, {}): {}.",
            r.meaning,
            r.signer,
            r.method,
            r.detail.as_deref().unwrap_or("not verified")
        );
        let at = AttributePath::new("spec_document");
        if enforced {
            diags.error(summary(r.status), detail, at);
        } else {
            diags.warning(summary(r.status), detail, at);
        }
    }
    if !enforced || records.iter().any(deferred) {
        return;
    }
    let outcome = policy::evaluate(records, required);
    for p in &outcome.problems {
        let (meaning, slot) = match p {
            PolicyProblem::Missing { meaning, slot }
            | PolicyProblem::NotDistinct { meaning, slot, .. } => (meaning, *slot),
        };
        // A signature of this meaning that does not count has its own diagnostic above.
        if matches!(p, PolicyProblem::Missing { .. })
            && records.iter().any(|r| &r.meaning == meaning)
        {
            continue;
        }
        let (summary, detail) = describe(p, records);
        let occurrence = required[..slot].iter().filter(|m| *m == meaning).count();
        let at = own
            .iter()
            .enumerate()
            .filter(|(_, m)| *m == meaning)
            .nth(occurrence)
            .map(|(j, _)| AttributePath::new("required_signatures").index(j as i64))
            .unwrap_or_else(|| AttributePath::new("spec_document"));
        let source = if at == AttributePath::new("spec_document") {
            format!("the specification `{spec_name}`'s required_signatures")
        } else {
            "this qualification's required_signatures".to_string()
        };
        diags.error(summary, format!("{detail} Required by {source}."), at);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use gxp_core::approval::record::sample_record as rec;

    fn strings(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn with_a_policy_problems_are_errors_at_their_attribute() {
        let records = [
            rec("alice", "reviewed", SignatureStatus::Verified),
            rec("bob", "approved", SignatureStatus::UnknownKey),
        ];
        let own = strings(&["reviewed", "authored"]);
        let required = policy::merge(&strings(&["approved"]), &own);
        let mut diags = Diagnostics::default();
        report(&mut diags, "lims", &records, &required, &own, true);
        let got: Vec<(&str, AttributePath)> = diags
            .errors
            .iter()
            .map(|d| (d.summary.as_ref(), d.attribute.clone()))
            .collect();
        assert_eq!(
            got,
            vec![
                ("Unknown signing key", AttributePath::new("spec_document")),
                (
                    "Missing required signature",
                    AttributePath::new("required_signatures").index(1)
                ),
            ]
        );
        assert!(diags.warnings.is_empty());
    }

    #[test]
    fn without_a_policy_problems_are_warnings() {
        let records = [rec("bob", "approved", SignatureStatus::Invalid)];
        let mut diags = Diagnostics::default();
        report(&mut diags, "lims", &records, &[], &[], true);
        assert!(diags.errors.is_empty());
        assert_eq!(diags.warnings.len(), 1);
        assert_eq!(diags.warnings[0].summary, "Signature does not verify");
        assert!(diags.warnings[0].detail.contains("`approved` by bob"));
    }

    #[test]
    fn kms_signatures_unverifiable_before_apply_defer_the_policy() {
        let mut r = rec("bob", "approved", SignatureStatus::Unverifiable);
        r.method = "kms".into();
        let mut diags = Diagnostics::default();
        report(
            &mut diags,
            "lims",
            &[r],
            &strings(&["approved"]),
            &[],
            false,
        );
        assert!(diags.errors.is_empty() && diags.warnings.is_empty());
    }
}
