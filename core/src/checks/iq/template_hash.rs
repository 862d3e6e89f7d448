//! `iq.template_hash`: Deployed template matches the approved template. Definition, evaluator and unit tests.

use super::{stack_status, IqCheck, IqEvaluator, Outcomes};
use crate::catalog::{CheckDef, CheckParam, ParamKind, Related, Remediation, SeverityClass, Stage};
use crate::checks::Outcome;
use crate::observe::stack::PART_TEMPLATE;
use crate::observe::StackObservation;
use crate::spec::model::ExpectedStack;

/// The `iq.template_hash` check.
pub static CHECK: IqCheck = IqCheck {
    def: CheckDef {
        id: "iq.template_hash",
        title: "Deployed template matches the approved template",
        description: "IQ. Calls CloudFormation GetTemplate (TemplateStage=Original) for the stack, computes the \
            SHA-256 of the returned TemplateBody exactly as returned (UTF-8 bytes, no re-formatting) and compares \
            its lowercase hex digest with the approved digest. Passes on equality. Expected: the approved SHA-256; \
            actual: the digest of the deployed template.",
        stage: Stage::Iq,
        service: "cloudformation",
        resource_types: &[],
        severity: SeverityClass::Functional,
        iam_actions: &["cloudformation:GetTemplate"],
        controls: &["21CFR11.10(a)", "21CFR11.10(k)", "Annex11-4", "Annex11-10"],
        remediation: "Either redeploy the approved template revision, or, if the deployed change is intended, \
            raise a change request, have the new template approved and record its SHA-256 \
            (sha256sum of the synthesized template) in the expected specification.",
        remediation_code: Remediation {
            terraform: "resource \"gxp_expected_spec\" \"app\" {\n  # ...\n  expected_stack {\n    name          = \"app\"\n    template_body = file(\"app.template.json\") # or template_sha256 = \"<approved digest>\"\n  }\n}",
            cloudformation: "",
            cli: "sha256sum app.template.json\naws cloudformation deploy --stack-name STACK --template-file app.template.json",
        },
        related: Related {
            prowler: &[],
            aws_config: &[],
        },
        params: &[CheckParam {
            name: "sha256",
            description: "Approved SHA-256 of the template body, 64 lowercase hex characters. When unset the \
                template digest from the approved specification is used; the check fails if neither is given.",
            default: None,
            kind: ParamKind::Sha256Hex,
        }],
    },
    evaluate: IqEvaluator::Stack(evaluate),
};

/// Compared only when the expectation gives a digest.
fn evaluate(expected: &ExpectedStack, obs: &StackObservation) -> Outcomes {
    let Some(want) = &expected.template_sha256 else {
        return vec![];
    };
    let outcome = match stack_status(obs) {
        Err(unavailable) => unavailable.outcome(want.to_ascii_lowercase()),
        Ok(_) => {
            let want = want.trim().to_ascii_lowercase();
            match (obs.errors.get(PART_TEMPLATE), &obs.template_sha256) {
                (Some(err), _) => Outcome::error(want, err.clone()),
                (None, Some(got)) => {
                    let got = got.to_ascii_lowercase();
                    Outcome::verdict(got == want, want, got)
                }
                (None, None) => Outcome::error(want, "the template digest was not read"),
            }
        }
    };
    vec![(None, outcome)]
}

#[cfg(test)]
mod tests {
    use crate::checks::iq::evaluate_stack;
    use crate::checks::iq::fixtures::{deployed, expected_stack, find, HASH};
    use crate::checks::Status;
    use crate::observe::stack::PART_TEMPLATE;

    #[test]
    fn template_hash_compares_lowercase_and_reports_both_digests() {
        let mut obs = deployed();
        obs.template_sha256 = Some("00".repeat(32));
        let results = evaluate_stack(&expected_stack(), &obs);
        let o = find(&results, "iq.template_hash", None);
        assert_eq!(o.status, Status::Failed);
        assert_eq!(o.expected, HASH);
        assert_eq!(o.actual, "00".repeat(32));

        let mut exp = expected_stack();
        exp.template_sha256 = None;
        let results = evaluate_stack(&exp, &obs);
        assert!(!results.iter().any(|(id, _, _)| *id == "iq.template_hash"));
    }

    #[test]
    fn template_read_error_is_error_not_pass() {
        let mut obs = deployed();
        obs.errors
            .insert(PART_TEMPLATE.into(), "GetTemplate: AccessDenied".into());
        let results = evaluate_stack(&expected_stack(), &obs);
        assert_eq!(
            find(&results, "iq.template_hash", None).status,
            Status::Error
        );
        // Parts that were read are still evaluated.
        assert_eq!(
            find(&results, "iq.stack_status", None).status,
            Status::Passed
        );

        let mut obs = deployed();
        obs.template_sha256 = None;
        let results = evaluate_stack(&expected_stack(), &obs);
        assert_eq!(
            find(&results, "iq.template_hash", None).status,
            Status::Error
        );
    }
}
