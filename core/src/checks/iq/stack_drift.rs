//! `iq.stack_drift`: Stack has not drifted. Definition, evaluator and unit tests.

use super::{stack_status, IqCheck, IqEvaluator, Outcomes};
use crate::catalog::{CheckDef, Related, Remediation, SeverityClass, Stage};
use crate::checks::Outcome;
use crate::observe::stack::PART_DRIFT;
use crate::observe::StackObservation;
use crate::spec::model::ExpectedStack;

/// The `iq.stack_drift` check.
pub static CHECK: IqCheck = IqCheck {
    def: CheckDef {
        id: "iq.stack_drift",
        title: "Stack has not drifted",
        description: "IQ. Calls CloudFormation DetectStackDrift, polls DescribeStackDriftDetectionStatus until \
            DetectionStatus is DETECTION_COMPLETE, and reads DescribeStackResourceDrifts for resources that are \
            MODIFIED or DELETED. Passes when StackDriftStatus is IN_SYNC. The drift status and per-resource \
            property differences are recorded as evidence. Where the endpoint does not support drift detection \
            (e.g. an emulator returning not-implemented) the result is recorded as not applicable with the \
            error, never as a pass.",
        stage: Stage::Iq,
        service: "cloudformation",
        resource_types: &[],
        severity: SeverityClass::Functional,
        iam_actions: &["cloudformation:DetectStackDrift", "cloudformation:DescribeStackDriftDetectionStatus"],
        controls: &["21CFR11.10(a)", "21CFR11.10(k)", "Annex11-10", "Annex11-11"],
        remediation: "Assess each drifted property: revert the out-of-band change by redeploying the approved \
            template (or aws cloudformation update-stack with the same template), or bring the change into the \
            template through change control. Open a CAPA when the drift weakens a security property.",
        remediation_code: Remediation {
            terraform: "# Re-apply the approved configuration to revert out-of-band changes.\nresource \"aws_cloudformation_stack\" \"app\" {\n  name          = \"app\"\n  template_body = file(\"app.template.json\")\n}",
            cloudformation: "",
            cli: "aws cloudformation detect-stack-drift --stack-name STACK\naws cloudformation describe-stack-resource-drifts --stack-name STACK \\\n  --stack-resource-drift-status-filters MODIFIED DELETED",
        },
        related: Related {
            prowler: &[],
            aws_config: &["cloudformation-stack-drift-detection-check"],
        },
        params: &[],
    },
    evaluate: IqEvaluator::Stack(evaluate),
};

/// An outcome only when drift detection ran or failed (an unsupporting endpoint leaves only
/// `cfn_drift_note`), and none for a stack that is missing or unreadable.
fn evaluate(_expected: &ExpectedStack, obs: &StackObservation) -> Outcomes {
    if stack_status(obs).is_err() {
        return vec![];
    }
    let outcome = if let Some(err) = obs.errors.get(PART_DRIFT) {
        Outcome::error("IN_SYNC", err.clone())
    } else if let Some(drift) = &obs.cfn_drift_status {
        match drift.as_str() {
            "IN_SYNC" => Outcome::verdict(true, "IN_SYNC", drift.clone()),
            "DRIFTED" => Outcome::verdict(false, "IN_SYNC", drift.clone()),
            other => Outcome::error(
                "IN_SYNC",
                format!("drift detection gave no verdict: StackDriftStatus {other}"),
            ),
        }
    } else {
        return vec![];
    };
    vec![(None, outcome)]
}

#[cfg(test)]
mod tests {
    use crate::checks::iq::evaluate_stack;
    use crate::checks::iq::fixtures::{deployed, expected_stack, find};
    use crate::checks::Status;
    use crate::observe::stack::PART_DRIFT;

    #[test]
    fn drift_status_passes_only_in_sync() {
        for (drift, status) in [
            ("IN_SYNC", Status::Passed),
            ("DRIFTED", Status::Failed),
            ("UNKNOWN", Status::Error),
            ("NOT_CHECKED", Status::Error),
        ] {
            let mut obs = deployed();
            obs.cfn_drift_status = Some(drift.into());
            let results = evaluate_stack(&expected_stack(), &obs);
            assert_eq!(
                find(&results, "iq.stack_drift", None).status,
                status,
                "{drift}"
            );
        }
        let mut obs = deployed();
        obs.errors
            .insert(PART_DRIFT.into(), "drift detection timed out".into());
        let results = evaluate_stack(&expected_stack(), &obs);
        assert_eq!(find(&results, "iq.stack_drift", None).status, Status::Error);
    }
}
