//! `iq.stack_status`: Stack deployed successfully. Definition, evaluator and unit tests.

use super::{stack_status, IqCheck, IqEvaluator, Outcomes};
use crate::catalog::{CheckDef, Related, Remediation, SeverityClass, Stage};
use crate::checks::Outcome;
use crate::observe::StackObservation;
use crate::spec::model::ExpectedStack;

/// The `iq.stack_status` check.
pub static CHECK: IqCheck = IqCheck {
    def: CheckDef {
        id: "iq.stack_status",
        title: "Stack deployed successfully",
        description: "IQ. Calls CloudFormation DescribeStacks for the stack name or ARN. Passes when the stack \
            exists and its StackStatus ends in _COMPLETE without being a rollback or deletion state, i.e. one of \
            CREATE_COMPLETE, UPDATE_COMPLETE, IMPORT_COMPLETE. Fails when the stack does not exist, or is \
            *_IN_PROGRESS, *_FAILED, ROLLBACK_COMPLETE, UPDATE_ROLLBACK_COMPLETE, IMPORT_ROLLBACK_COMPLETE or \
            DELETE_COMPLETE. Expected: a successful complete state; actual: the StackStatus (and StackStatusReason).",
        stage: Stage::Iq,
        service: "cloudformation",
        resource_types: &[],
        severity: SeverityClass::Functional,
        iam_actions: &["cloudformation:DescribeStacks"],
        controls: &["21CFR11.10(a)", "Annex11-4", "Annex11-10"],
        remediation: "Inspect DescribeStackEvents for the failing resource, fix the template or parameters, and \
            redeploy through the approved pipeline (cdk deploy / aws cloudformation deploy). A stack in \
            ROLLBACK_COMPLETE must be deleted and recreated; UPDATE_ROLLBACK_COMPLETE needs a corrected update.",
        remediation_code: Remediation {
            terraform: "resource \"aws_cloudformation_stack\" \"app\" {\n  name          = \"app\"\n  template_body = file(\"app.template.json\")\n}",
            cloudformation: "# A stack in ROLLBACK_COMPLETE cannot be updated: delete it, then deploy again.",
            cli: "aws cloudformation describe-stack-events --stack-name STACK\naws cloudformation deploy --stack-name STACK --template-file app.template.json",
        },
        related: Related {
            prowler: &[],
            aws_config: &[],
        },
        params: &[],
    },
    evaluate: IqEvaluator::Stack(evaluate),
};

/// Expected value of `iq.stack_status`.
const SUCCESSFUL_STATES: &str = "CREATE_COMPLETE, UPDATE_COMPLETE or IMPORT_COMPLETE";

fn evaluate(_expected: &ExpectedStack, obs: &StackObservation) -> Outcomes {
    let outcome = match stack_status(obs) {
        Err(unavailable) => unavailable.outcome(SUCCESSFUL_STATES.into()),
        Ok(status) => Outcome::verdict(is_successful(status), SUCCESSFUL_STATES, status),
    };
    vec![(None, outcome)]
}

/// Whether a StackStatus is a successful, settled state (not a rollback or deletion).
fn is_successful(status: &str) -> bool {
    status.ends_with("_COMPLETE") && !status.contains("ROLLBACK") && !status.starts_with("DELETE")
}

#[cfg(test)]
mod tests {
    use crate::checks::iq::evaluate_stack;
    use crate::checks::iq::fixtures::{deployed, find};
    use crate::checks::Status;
    use crate::spec::model::ExpectedStack;

    #[test]
    fn stack_status_accepts_only_settled_successful_states() {
        for (status, ok) in [
            ("CREATE_COMPLETE", true),
            ("UPDATE_COMPLETE", true),
            ("IMPORT_COMPLETE", true),
            ("UPDATE_ROLLBACK_COMPLETE", false),
            ("ROLLBACK_COMPLETE", false),
            ("IMPORT_ROLLBACK_COMPLETE", false),
            ("DELETE_COMPLETE", false),
            ("CREATE_IN_PROGRESS", false),
            ("UPDATE_COMPLETE_CLEANUP_IN_PROGRESS", false),
            ("CREATE_FAILED", false),
            ("REVIEW_IN_PROGRESS", false),
        ] {
            let mut obs = deployed();
            obs.status = Some(status.into());
            let results = evaluate_stack(&ExpectedStack::default(), &obs);
            assert_eq!(results.len(), 1);
            let o = find(&results, "iq.stack_status", None);
            assert_eq!(o.status == Status::Passed, ok, "{status}");
            assert_eq!(o.actual, status);
        }
    }
}
