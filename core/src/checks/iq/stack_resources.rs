//! `iq.stack_resources`: Stack resources match the specification. Definition, evaluator and unit tests.

use super::{stack_status, IqCheck, IqEvaluator, Outcomes};
use crate::catalog::{CheckDef, Related, Remediation, SeverityClass, Stage};
use crate::checks::Outcome;
use crate::observe::stack::PART_RESOURCES;
use crate::observe::StackObservation;
use crate::spec::model::ExpectedStack;

/// The `iq.stack_resources` check.
pub static CHECK: IqCheck = IqCheck {
    def: CheckDef {
        id: "iq.stack_resources",
        title: "Stack resources match the specification",
        description: "IQ. Calls CloudFormation ListStackResources (all pages) and compares the set of \
            (LogicalResourceId, ResourceType) pairs with the specification. Fails when an expected resource is \
            missing, has a different type, is present but in a *_FAILED or DELETE_* ResourceStatus, or when the \
            stack contains a resource the specification does not list. Expected and actual are the two sets; \
            the differences are reported per logical id.",
        stage: Stage::Iq,
        service: "cloudformation",
        resource_types: &[],
        severity: SeverityClass::Functional,
        iam_actions: &["cloudformation:ListStackResources"],
        controls: &["21CFR11.10(a)", "Annex11-4", "Annex11-10"],
        remediation: "Redeploy the approved template so the stack contains exactly the specified resources, or \
            update the specification through change control (add/remove the logical id in the expected spec's \
            resources) when the template change was approved.",
        remediation_code: Remediation {
            terraform: "resource \"gxp_expected_spec\" \"app\" {\n  # ...\n  expected_stack {\n    name      = \"app\"\n    resources = { Records = \"AWS::S3::Bucket\" } # logical id = type\n  }\n}",
            cloudformation: "",
            cli: "aws cloudformation list-stack-resources --stack-name STACK\naws cloudformation deploy --stack-name STACK --template-file app.template.json",
        },
        related: Related {
            prowler: &[],
            aws_config: &[],
        },
        params: &[],
    },
    evaluate: IqEvaluator::Stack(evaluate),
};

/// Each expected logical id deployed with its type; when the expectation lists resources,
/// each deployed logical id it does not list is a deviation.
fn evaluate(expected: &ExpectedStack, obs: &StackObservation) -> Outcomes {
    let mut out = Vec::new();
    if let Err(unavailable) = stack_status(obs) {
        for (logical, kind) in &expected.resources {
            out.push((Some(logical.clone()), unavailable.outcome(kind.clone())));
        }
        return out;
    }
    if let Some(err) = obs.errors.get(PART_RESOURCES) {
        for (logical, kind) in &expected.resources {
            let outcome = Outcome::error(kind.clone(), err.clone());
            out.push((Some(logical.clone()), outcome));
        }
        return out;
    }
    for (logical, kind) in &expected.resources {
        let outcome = match obs.resources.get(logical) {
            Some((got, physical)) => Outcome::verdict(got == kind, kind, got)
                .with_detail(format!("physical id {physical}")),
            None => Outcome::verdict(false, kind, "not in stack"),
        };
        out.push((Some(logical.clone()), outcome));
    }
    if expected.resources.is_empty() {
        return out;
    }
    for (logical, (kind, physical)) in &obs.resources {
        if !expected.resources.contains_key(logical) {
            let outcome = Outcome::verdict(false, "not in specification", kind).with_detail(
                format!("deployed but not specified; physical id {physical}"),
            );
            out.push((Some(logical.clone()), outcome));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use crate::checks::iq::evaluate_stack;
    use crate::checks::iq::fixtures::{deployed, expected_stack, find};
    use crate::checks::Status;
    use crate::observe::stack::PART_RESOURCES;

    #[test]
    fn resources_missing_wrong_type_and_unexpected_fail() {
        let mut obs = deployed();
        obs.resources.remove("Key");
        obs.resources.insert(
            "Bucket".into(),
            ("AWS::SNS::Topic".into(), "arn:aws:sns:x".into()),
        );
        obs.resources.insert(
            "Rogue".into(),
            ("AWS::EC2::SecurityGroup".into(), "sg-1".into()),
        );
        let results = evaluate_stack(&expected_stack(), &obs);
        let key = find(&results, "iq.stack_resources", Some("Key"));
        assert_eq!(
            (key.status, key.actual.as_str()),
            (Status::Failed, "not in stack")
        );
        let bucket = find(&results, "iq.stack_resources", Some("Bucket"));
        assert_eq!(bucket.status, Status::Failed);
        assert_eq!(bucket.actual, "AWS::SNS::Topic");
        let rogue = find(&results, "iq.stack_resources", Some("Rogue"));
        assert_eq!(rogue.status, Status::Failed);
        assert_eq!(rogue.expected, "not in specification");
        assert_eq!(rogue.actual, "AWS::EC2::SecurityGroup");
    }

    #[test]
    fn unexpected_resources_are_ignored_when_no_resources_are_specified() {
        let mut exp = expected_stack();
        exp.resources.clear();
        let results = evaluate_stack(&exp, &deployed());
        assert!(!results.iter().any(|(id, _, _)| *id == "iq.stack_resources"));
    }

    #[test]
    fn resource_listing_error_is_error_per_expected_resource() {
        let mut obs = deployed();
        obs.resources.clear();
        obs.errors.insert(
            PART_RESOURCES.into(),
            "ListStackResources: Throttling".into(),
        );
        let results = evaluate_stack(&expected_stack(), &obs);
        let rows: Vec<_> = results
            .iter()
            .filter(|(id, _, _)| *id == "iq.stack_resources")
            .collect();
        assert_eq!(rows.len(), 2);
        assert!(rows.iter().all(|(_, _, o)| o.status == Status::Error));
    }
}
