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
            resources discovery should have found are then not qualified; error for each type of `enumerate_types` \
            whose resources could not be listed or whose tags could not be read (target `discovery:<TYPE>`); \
            error when the run has no other result \
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

/// Pseudo-target of the `iq.scope` result of a failed discovery; `discovery:<TYPE>` for a
/// failed enumeration of one type ([`enumeration_target`]).
pub const DISCOVERY_TARGET: &str = "discovery";

/// Pseudo-target of the `iq.scope` result of a failed enumeration of `resource_type`.
pub fn enumeration_target(resource_type: &str) -> String {
    format!("{DISCOVERY_TARGET}:{resource_type}")
}

/// One `iq.scope` outcome: its pseudo-target, its identifier (`None`: the discovery tags) and
/// the outcome.
#[derive(Debug, Clone, PartialEq)]
pub struct ScopeOutcome {
    pub target: String,
    pub identifier: Option<String>,
    pub outcome: Outcome,
}
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
    /// (type, why): the types of `discovery.enumerate_types` that could not be enumerated.
    pub enumeration_failed: &'a [(String, String)],
    /// How many other results the run has (suppressions applied).
    pub other_results: usize,
    /// The stages the run selected.
    pub stages: &'a [Stage],
}

/// Whatever the stages: an error when tag-based discovery failed (the resources it should
/// have found are not qualified), one per type whose enumeration failed, and an error when
/// the run has no other result: nothing was qualified, which must never pass. Empty when
/// the scope is established.
fn evaluate(scope: &RunScope<'_>) -> Vec<ScopeOutcome> {
    let mut out: Vec<ScopeOutcome> = scope
        .enumeration_failed
        .iter()
        .map(|(ty, error)| {
            let source = crate::observe::enumeration::for_type(ty)
                .map_or("its own service".to_string(), |e| e.source.to_string());
            ScopeOutcome {
                target: enumeration_target(ty),
                identifier: Some(ty.clone()),
                outcome: Outcome {
                    status: Status::Error,
                    expected: format!("every {ty} of the account and Region ({source})"),
                    actual: error.clone(),
                    detail: Some(
                        "enumeration failed: the resources of this type were not qualified".into(),
                    ),
                    subjects: vec![],
                },
            }
        })
        .collect();
    if let Some(failed) = discovery_failed(scope) {
        out.insert(0, failed);
        return out;
    }
    if scope.other_results > 0 || !out.is_empty() {
        return out;
    }
    out.extend(nothing_to_qualify(scope));
    out
}

fn discovery_failed(scope: &RunScope<'_>) -> Option<ScopeOutcome> {
    let query = scope.query;
    let DiscoveryOutcome::Failed(error) = scope.discovery else {
        return None;
    };
    Some(ScopeOutcome {
        target: DISCOVERY_TARGET.into(),
        identifier: None,
        outcome: Outcome {
            status: Status::Error,
            expected: format!(
                "the resources tagged {query} (Resource Groups Tagging API GetResources)"
            ),
            actual: error.clone(),
            detail: Some(
                "tag-based discovery failed: the resources it should have found were not qualified"
                    .into(),
            ),
            subjects: vec![],
        },
    })
}

fn nothing_to_qualify(scope: &RunScope<'_>) -> Option<ScopeOutcome> {
    let query = scope.query;
    let discovered = match scope.discovery {
        DiscoveryOutcome::NotConfigured => "no discovery tags".to_string(),
        DiscoveryOutcome::Found { targets, unsupported } => format!(
            "discovery by tags {query} found {targets} checkable resource(s) and {unsupported} of types without checks"
        ),
        DiscoveryOutcome::Failed(e) => format!("discovery failed: {e}"),
    };
    let stages: Vec<&str> = scope.stages.iter().map(|s| s.as_str()).collect();
    Some(ScopeOutcome {
        target: SCOPE_TARGET.into(),
        identifier: None,
        outcome: Outcome {
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
    })
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
            enumeration_failed: &[],
            other_results,
            stages: &Stage::ALL,
        }
    }

    fn only(outcomes: Vec<ScopeOutcome>) -> (String, Outcome) {
        assert_eq!(outcomes.len(), 1, "{outcomes:?}");
        let o = outcomes.into_iter().next().unwrap();
        (o.target, o.outcome)
    }

    #[test]
    fn failed_discovery_is_an_error_even_with_other_results() {
        let failed = DiscoveryOutcome::Failed("GetResources: AccessDenied".into());
        for others in [0, 3] {
            let (target, o) = only(evaluate(&scope(&Spec::default(), &failed, others)));
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
        assert_eq!(evaluate(&scope(&Spec::default(), &found, 1)), vec![]);
        assert_eq!(
            evaluate(&scope(
                &Spec::default(),
                &DiscoveryOutcome::NotConfigured,
                1
            )),
            vec![]
        );
        let (target, o) = only(evaluate(&scope(&Spec::default(), &found, 0)));
        assert_eq!((target.as_str(), o.status), (SCOPE_TARGET, Status::Error));
        assert_eq!(o.actual, "nothing to qualify");
        assert!(o.detail.unwrap().contains("stages IQ, OQ, PQ"));
    }

    #[test]
    fn each_failed_enumeration_is_an_error_on_its_own_pseudo_target() {
        let failed = [
            (
                "AWS::Config::DeliveryChannel".to_string(),
                "AWS Config DescribeDeliveryChannels: AccessDenied".to_string(),
            ),
            ("AWS::Foo::Bar".to_string(), "no enumerator".to_string()),
        ];
        let found = DiscoveryOutcome::Found {
            targets: 2,
            unsupported: 0,
        };
        let spec = Spec::default();
        for others in [0, 4] {
            let run = RunScope {
                enumeration_failed: &failed,
                ..scope(&spec, &found, others)
            };
            let outcomes = evaluate(&run);
            assert_eq!(
                outcomes.len(),
                2,
                "{outcomes:?}: no `nothing to qualify` beside"
            );
            let channel = &outcomes[0];
            assert_eq!(channel.target, "discovery:AWS::Config::DeliveryChannel");
            assert_eq!(
                channel.identifier.as_deref(),
                Some("AWS::Config::DeliveryChannel")
            );
            assert_eq!(channel.outcome.status, Status::Error);
            assert!(
                channel
                    .outcome
                    .expected
                    .contains("every AWS::Config::DeliveryChannel")
                    && channel
                        .outcome
                        .expected
                        .contains("AWS Config DescribeDeliveryChannels"),
                "{}",
                channel.outcome.expected
            );
            assert!(channel.outcome.actual.contains("AccessDenied"));
            assert!(channel
                .outcome
                .detail
                .as_deref()
                .unwrap()
                .contains("not qualified"));
            assert_eq!(outcomes[1].target, "discovery:AWS::Foo::Bar");
            assert!(outcomes[1].outcome.expected.contains("its own service"));
        }
        // Beside a failed discovery: both are reported.
        let tagging = DiscoveryOutcome::Failed("GetResources: AccessDenied".into());
        let run = RunScope {
            enumeration_failed: &failed[..1],
            ..scope(&spec, &tagging, 0)
        };
        let targets: Vec<String> = evaluate(&run).into_iter().map(|o| o.target).collect();
        assert_eq!(
            targets,
            [DISCOVERY_TARGET, "discovery:AWS::Config::DeliveryChannel"]
        );
    }
}
