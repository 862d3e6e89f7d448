//! `iq.stack_parameters`: Stack parameters match the specification. Definition, evaluator and unit tests.

use super::{stack_status, IqCheck, IqEvaluator, Outcomes};
use crate::catalog::{CheckDef, Related, Remediation, SeverityClass, Stage};
use crate::checks::Outcome;
use crate::observe::StackObservation;
use crate::spec::model::ExpectedStack;

/// The `iq.stack_parameters` check.
pub static CHECK: IqCheck = IqCheck {
    def: CheckDef {
        id: "iq.stack_parameters",
        title: "Stack parameters match the specification",
        description: "IQ. Calls CloudFormation DescribeStacks and reads Parameters. Passes when every expected \
            ParameterKey is present and its ParameterValue (or ResolvedValue for SSM parameter types) equals the \
            expected value. NoEcho parameters, returned masked as '****', are compared by presence only.",
        stage: Stage::Iq,
        service: "cloudformation",
        resource_types: &[],
        severity: SeverityClass::Functional,
        iam_actions: &["cloudformation:DescribeStacks"],
        controls: &["21CFR11.10(a)", "Annex11-4", "Annex11-10"],
        remediation: "Redeploy the stack with the approved parameter values (aws cloudformation deploy \
            --parameter-overrides, or the parameters map of aws_cloudformation_stack), or update the expected \
            parameters through change control.",
        remediation_code: Remediation {
            terraform: "resource \"aws_cloudformation_stack\" \"app\" {\n  name          = \"app\"\n  template_body = file(\"app.template.json\")\n  parameters    = { Environment = \"prod\" }\n}",
            cloudformation: "",
            cli: "aws cloudformation deploy --stack-name STACK --template-file app.template.json \\\n  --parameter-overrides Environment=prod",
        },
        related: Related {
            prowler: &[],
            aws_config: &[],
        },
        params: &[],
    },
    evaluate: IqEvaluator::Stack(evaluate),
};

/// How CloudFormation shows a NoEcho parameter value.
const MASKED: &str = "****";

/// One outcome per expected parameter key; a NoEcho parameter is compared by presence.
fn evaluate(expected: &ExpectedStack, obs: &StackObservation) -> Outcomes {
    let unavailable = stack_status(obs).err();
    let mut out = Vec::new();
    for (key, want) in &expected.parameters {
        let outcome = match (&unavailable, obs.parameters.get(key)) {
            (Some(unavailable), _) => unavailable.outcome(want.clone()),
            (None, Some(got)) if got == MASKED => Outcome::verdict(true, want, MASKED)
                .with_detail("NoEcho parameter: compared by presence only"),
            (None, Some(got)) => Outcome::verdict(got == want, want, got),
            (None, None) => Outcome::verdict(false, want, "parameter not present"),
        };
        out.push((Some(key.clone()), outcome));
    }
    out
}

#[cfg(test)]
mod tests {
    use crate::checks::iq::evaluate_stack;
    use crate::checks::iq::fixtures::{deployed, expected_stack, find};
    use crate::checks::Status;

    #[test]
    fn parameters_missing_or_different_fail() {
        let mut exp = expected_stack();
        exp.parameters.insert("Env".into(), "dev".into());
        exp.parameters.insert("Owner".into(), "qa".into());
        let results = evaluate_stack(&exp, &deployed());
        let env = find(&results, "iq.stack_parameters", Some("Env"));
        assert_eq!(env.status, Status::Failed);
        assert_eq!(env.actual, "prod");
        let owner = find(&results, "iq.stack_parameters", Some("Owner"));
        assert_eq!(owner.status, Status::Failed);
        assert_eq!(owner.actual, "parameter not present");
    }
}
