//! Phase: approve. The specification's electronic signatures are verified against the
//! provider's trust list and the signature policy (the specification's and the
//! qualification's `required_signatures`) is applied: a policy that is not met stops the
//! run before anything is observed.

use crate::approval::policy::{self, PolicyProblem};
use crate::approval::{verify_all, SignatureRecord, SignerTrust};
use crate::aws::AwsContext;
use crate::spec::canonical::signing_digest;
use crate::spec::model::Spec;

use super::Message;

/// The signatures of the specification qualified, as the report records them.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Approved {
    /// Set when the specification has signatures or a policy applies.
    pub signing_digest: Option<String>,
    pub records: Vec<SignatureRecord>,
    /// The merged policy.
    pub required: Vec<String>,
    /// `None` without a policy.
    pub policy_met: Option<bool>,
}

/// One line per problem of a policy, for diagnostics.
pub fn describe(problem: &PolicyProblem, records: &[SignatureRecord]) -> (String, String) {
    match problem {
        PolicyProblem::Missing { meaning, .. } => {
            let unverified: Vec<String> = records
                .iter()
                .filter(|r| &r.meaning == meaning)
                .map(|r| format!("`{}` by {} is {}", r.meaning, r.signer, r.status.as_str()))
                .collect();
            (
                "Missing required signature".into(),
                format!(
                    "No verified `{meaning}` signature{}.",
                    if unverified.is_empty() {
                        String::new()
                    } else {
                        format!(" ({})", unverified.join("; "))
                    }
                ),
            )
        }
        PolicyProblem::NotDistinct { meaning, signers, .. } => (
            "Required signatures need distinct signers".into(),
            format!(
                "The verified `{meaning}` signatures are by {}, who already fill(s) another required meaning: each required signature needs its own signer.",
                signers.join(", ")
            ),
        ),
    }
}

/// Verify the signatures of `spec` and apply the policy `required` (already merged with
/// the specification's own).
pub async fn approve(
    aws: Option<&AwsContext>,
    trust: Option<&SignerTrust>,
    spec: &Spec,
    required: &[String],
) -> Result<Approved, Message> {
    let required = policy::merge(&spec.required_signatures, required);
    if spec.signatures.is_empty() && required.is_empty() {
        return Ok(Approved::default());
    }
    let records = verify_all(spec, trust, aws).await;
    let outcome = policy::evaluate(&records, &required);
    if !required.is_empty() && !outcome.met {
        let lines: Vec<String> = outcome
            .problems
            .iter()
            .map(|p| {
                let (s, d) = describe(p, &records);
                format!("{s}: {d}")
            })
            .collect();
        return Err(Message::error(
            "Electronic signature policy not met",
            format!(
                "Specification `{}` needs verified signatures {:?} from distinct signers. {} Nothing was checked or filed.",
                spec.name,
                required,
                lines.join(" ")
            ),
        ));
    }
    Ok(Approved {
        signing_digest: Some(signing_digest(spec)),
        records,
        policy_met: (!required.is_empty()).then_some(outcome.met),
        required,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::approval::fixtures::*;

    fn run(spec: &Spec, required: &[&str]) -> Result<Approved, Message> {
        let required: Vec<String> = required.iter().map(|s| s.to_string()).collect();
        let rt = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        rt.block_on(approve(None, Some(&trust()), spec, &required))
    }

    #[test]
    fn a_met_policy_is_recorded_and_an_unmet_one_stops_the_run() {
        let mut s = spec("lims-prod");
        s.required_signatures = vec!["reviewed".into()];
        let a = signed(&s, "lims-prod", "alice@example.com", "reviewed");
        s.signatures = vec![a];
        let ok = run(&s, &[]).unwrap();
        assert_eq!(ok.policy_met, Some(true));
        assert_eq!(ok.required, vec!["reviewed"]);
        assert_eq!(ok.signing_digest, Some(signing_digest(&s)));
        let e = run(&s, &["approved"]).unwrap_err();
        assert_eq!(e.summary, "Electronic signature policy not met");
        assert!(
            e.detail.contains("No verified `approved` signature"),
            "{}",
            e.detail
        );
        let unsigned = spec("lims-prod");
        assert_eq!(run(&unsigned, &[]).unwrap(), Approved::default());
    }
}
