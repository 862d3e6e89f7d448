//! `iq.stack_outputs`: Stack outputs match the specification. Definition, evaluator and unit tests.

use super::{stack_status, IqCheck, IqEvaluator, Outcomes};
use crate::catalog::{CheckDef, Related, Remediation, SeverityClass, Stage};
use crate::checks::Outcome;
use crate::observe::StackObservation;
use crate::spec::model::ExpectedStack;

/// The `iq.stack_outputs` check.
pub static CHECK: IqCheck = IqCheck {
    def: CheckDef {
        id: "iq.stack_outputs",
        title: "Stack outputs match the specification",
        description: "IQ. Calls CloudFormation DescribeStacks and reads Outputs. Passes when every expected \
            OutputKey is present and its OutputValue equals the expected value exactly (string comparison). \
            Outputs that are not in the specification are reported but do not fail the check.",
        stage: Stage::Iq,
        service: "cloudformation",
        resource_types: &[],
        severity: SeverityClass::Functional,
        iam_actions: &["cloudformation:DescribeStacks"],
        controls: &["21CFR11.10(a)", "Annex11-4"],
        remediation: "Add or correct the Outputs section of the template (CfnOutput in CDK) and redeploy, or \
            correct the expected outputs in the specification through change control.",
        remediation_code: Remediation {
            terraform: "resource \"gxp_expected_spec\" \"app\" {\n  # ...\n  expected_stack {\n    name    = \"app\"\n    outputs = { BucketName = \"lims-records\" }\n  }\n}",
            cloudformation: "Outputs:\n  BucketName:\n    Value: !Ref Records",
            cli: "aws cloudformation describe-stacks --stack-name STACK --query 'Stacks[0].Outputs'\naws cloudformation deploy --stack-name STACK --template-file app.template.json",
        },
        related: Related {
            prowler: &[],
            aws_config: &[],
        },
        params: &[],
    },
    evaluate: IqEvaluator::Stack(evaluate),
};

/// One outcome per expected output key; outputs not in the specification are not compared.
fn evaluate(expected: &ExpectedStack, obs: &StackObservation) -> Outcomes {
    let unavailable = stack_status(obs).err();
    let mut out = Vec::new();
    for (key, want) in &expected.outputs {
        let outcome = match (&unavailable, obs.outputs.get(key)) {
            (Some(unavailable), _) => unavailable.outcome(want.clone()),
            (None, Some(got)) => Outcome::verdict(got == want, want, got),
            (None, None) => Outcome::verdict(false, want, "output not present"),
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
    fn outputs_missing_or_different_fail() {
        let mut exp = expected_stack();
        exp.outputs
            .insert("TopicArn".into(), "arn:aws:sns:x".into());
        exp.outputs.insert("BucketName".into(), "other".into());
        let results = evaluate_stack(&exp, &deployed());
        let missing = find(&results, "iq.stack_outputs", Some("TopicArn"));
        assert_eq!(missing.status, Status::Failed);
        assert_eq!(missing.actual, "output not present");
        let wrong = find(&results, "iq.stack_outputs", Some("BucketName"));
        assert_eq!(wrong.status, Status::Failed);
        assert_eq!(
            (wrong.expected.as_str(), wrong.actual.as_str()),
            ("other", "app-bucket")
        );
        // Outputs not in the specification produce no outcome.
        assert!(!results
            .iter()
            .any(|(_, sub, _)| sub.as_deref() == Some("Extra")));
    }
}
