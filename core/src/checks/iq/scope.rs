//! `iq.scope`: Qualification scope resolved and not empty. Definition, evaluator (the run's scope, once every other result is in) and unit tests.

use super::{IqCheck, IqEvaluator};
use crate::catalog::{CheckDef, Related, Remediation, SeverityClass, Stage};
use crate::checks::{Outcome, Status};
use crate::observe::discovery::DiscoveryOutcome;
use crate::spec::model::Spec;

/// The `iq.scope` check.
pub static CHECK: IqCheck = IqCheck {
    def: CheckDef {
        id: "iq.scope",
        title: "Qualification scope resolved and not empty",
        description: "IQ. Resolves what the qualification covers: the specification's expected resources and \
            stacks and, with discovery tags, the resources carrying all of them (Resource Groups Tagging API \
            GetResources, every page). Recorded whatever the stages, and only when the scope is not established: \
            error when GetResources fails (target `discovery`; expected: the tags; actual: the error), since the \
            resources discovery should have found are then not qualified; error when the run has no other result \
            at all (target `scope`; actual: nothing to qualify). Never passes: a run that checked nothing is not \
            a qualification.",
        stage: Stage::Iq,
        service: "any",
        resource_types: &[],
        severity: SeverityClass::Functional,
        iam_actions: &["tag:GetResources"],
        controls: &["21CFR11.10(a)", "Annex11-4"],
        remediation: "Discovery failed: grant tag:GetResources to the provider's role (or fix the endpoint) and \
            requalify. Nothing to qualify: add expected resources or stacks to the specification, tag the \
            resources to discover with every discovery tag, or select the stages whose checks apply.",
        remediation_code: Remediation {
            terraform: "data \"aws_iam_policy_document\" \"discovery\" {\n  statement {\n    actions   = [\"tag:GetResources\"]\n    resources = [\"*\"]\n  }\n}",
            cloudformation: "",
            cli: "aws resourcegroupstaggingapi get-resources --tag-filters Key=gxp:system,Values=lims",
        },
        related: Related {
            prowler: &[],
            aws_config: &[],
        },
        params: &[],
    },
    evaluate: IqEvaluator::Run(evaluate),
};

/// Pseudo-target of the `iq.scope` result of a failed discovery.
pub const DISCOVERY_TARGET: &str = "discovery";
/// Pseudo-target of the `iq.scope` result of a run with nothing to qualify.
pub const SCOPE_TARGET: &str = "scope";
/// Resource type of the `iq.scope` pseudo-targets: the qualification itself.
pub const SCOPE_RESOURCE_TYPE: &str = "gxp_qualification";

/// What the run knows of its scope once every other result is in.
#[derive(Debug, Clone, Copy)]
pub struct RunScope<'a> {
    pub spec: &'a Spec,
    /// The discovery tags as `KEY=VALUE, KEY=VALUE` (sorted by key).
    pub query: &'a str,
    /// What tag-based discovery gave.
    pub discovery: &'a DiscoveryOutcome,
    /// How many other results the run has (suppressions applied).
    pub other_results: usize,
    /// The stages the run selected.
    pub stages: &'a [Stage],
}

/// Whatever the stages: an error when tag-based discovery failed (the resources it should
/// have found are not qualified), and an error when the run has no other result: nothing
/// was qualified, which must never pass. `None` when the scope is established.
fn evaluate(scope: &RunScope<'_>) -> Option<(&'static str, Outcome)> {
    let query = scope.query;
    if let DiscoveryOutcome::Failed(error) = scope.discovery {
        return Some((
            DISCOVERY_TARGET,
            Outcome {
                status: Status::Error,
                expected: format!("the resources tagged {query} (Resource Groups Tagging API GetResources)"),
                actual: error.clone(),
                detail: Some("tag-based discovery failed: the resources it should have found were not qualified".into()),
                subjects: vec![],
            },
        ));
    }
    if scope.other_results > 0 {
        return None;
    }
    let discovered = match scope.discovery {
        DiscoveryOutcome::NotConfigured => "no discovery tags".to_string(),
        DiscoveryOutcome::Found { targets, unsupported } => format!(
            "discovery by tags {query} found {targets} checkable resource(s) and {unsupported} of types without checks"
        ),
        DiscoveryOutcome::Failed(_) => unreachable!("handled above"),
    };
    let stages: Vec<&str> = scope.stages.iter().map(|s| s.as_str()).collect();
    Some((
        SCOPE_TARGET,
        Outcome {
            status: Status::Error,
            expected: "at least one check result".into(),
            actual: "nothing to qualify".into(),
            detail: Some(format!(
                "no check applies in stages {}: the specification lists {} expected resource(s) and {} stack(s); {discovered}",
                stages.join(", "),
                scope.spec.resources.len(),
                scope.spec.stacks.len(),
            )),
            subjects: vec![],
        },
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scope<'a>(
        spec: &'a Spec,
        discovery: &'a DiscoveryOutcome,
        other_results: usize,
    ) -> RunScope<'a> {
        RunScope {
            spec,
            query: "gxp:app=lims",
            discovery,
            other_results,
            stages: &Stage::ALL,
        }
    }

    #[test]
    fn failed_discovery_is_an_error_even_with_other_results() {
        let failed = DiscoveryOutcome::Failed("GetResources: AccessDenied".into());
        for others in [0, 3] {
            let (target, o) = evaluate(&scope(&Spec::default(), &failed, others)).unwrap();
            assert_eq!(target, DISCOVERY_TARGET);
            assert_eq!(o.status, Status::Error);
            assert_eq!(o.actual, "GetResources: AccessDenied");
            assert!(o.expected.contains("gxp:app=lims"), "{}", o.expected);
        }
    }

    #[test]
    fn an_established_scope_has_no_outcome_and_an_empty_one_never_passes() {
        let found = DiscoveryOutcome::Found {
            targets: 1,
            unsupported: 0,
        };
        assert_eq!(evaluate(&scope(&Spec::default(), &found, 1)), None);
        assert_eq!(
            evaluate(&scope(
                &Spec::default(),
                &DiscoveryOutcome::NotConfigured,
                1
            )),
            None
        );
        let (target, o) = evaluate(&scope(&Spec::default(), &found, 0)).unwrap();
        assert_eq!((target, o.status), (SCOPE_TARGET, Status::Error));
        assert_eq!(o.actual, "nothing to qualify");
        assert!(o.detail.unwrap().contains("stages IQ, OQ, PQ"));
    }
}
