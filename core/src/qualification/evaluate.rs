//! Phase: evaluate. Observations become results: each target's catalog checks and IQ
//! comparisons, each expected stack's IQ checks, the specification's suppressions, the SOUP
//! of the working directory, and the run's scope. Pure.

use std::collections::BTreeMap;

use crate::catalog::{self, CheckDef, Stage};
use crate::checks::iq::scope::RunScope;
use crate::checks::iq::{self, IqEvaluator, SoupScope, SOUP_RESOURCE_TYPE, SOUP_TARGET};
use crate::checks::{self, registry, Outcome, Status};
use crate::observe::{Observation, StackObservation, Target, TargetOrigin};
use crate::report::{CheckResult, SuppressionRecord};
use crate::soup::SoupInventory;
use crate::spec::model::{ExpectedStack, Spec, Suppression};
use crate::util::parse_time;

use super::observe::{DiscoveryOutcome, Observed};

/// The results of a run, suppressions applied, and the record of every suppression.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Evaluated {
    pub results: Vec<CheckResult>,
    pub suppressions: Vec<SuppressionRecord>,
}

/// Evaluate everything observed against the specification, at `now` (suppression expiry).
pub fn evaluate(
    spec: &Spec,
    observed: &Observed,
    stages: &[Stage],
    discovery_tags: &BTreeMap<String, String>,
    now: time::OffsetDateTime,
) -> Evaluated {
    let mut results = Vec::new();
    for (t, o) in &observed.targets {
        results.extend(target_results(t, o, stages));
    }
    for expected in &spec.stacks {
        if let Some(obs) = observed.stacks.iter().find(|o| o.name == expected.name) {
            results.extend(stack_results(expected, obs, stages));
        }
    }
    let suppressions = apply_suppressions(&mut results, &spec.suppressions, now);
    // After the suppressions: the SOUP is approved in `expected_soup`, not suppressed; a
    // failed discovery or an empty run cannot be suppressed. The scope counts only the
    // results of the specification: a run with only SOUP results qualified nothing.
    let soup = soup_results(spec, observed.soup.as_ref(), stages);
    let scope = scope_results_with(
        spec,
        discovery_tags,
        &observed.discovery,
        &observed.enumeration_failed,
        &results,
        stages,
    );
    results.extend(soup);
    results.extend(scope);
    Evaluated {
        results,
        suppressions,
    }
}

fn result(
    def: &CheckDef,
    target: &str,
    resource_type: &str,
    identifier: &str,
    property: Option<String>,
    outcome: Outcome,
    requirements: &[String],
) -> CheckResult {
    CheckResult {
        check_id: def.id.to_string(),
        title: def.title.to_string(),
        stage: def.stage,
        severity: def.severity,
        target: target.to_string(),
        resource_type: resource_type.to_string(),
        identifier: identifier.to_string(),
        property,
        status: outcome.status,
        expected: outcome.expected,
        actual: outcome.actual,
        detail: outcome.detail,
        controls: def.controls.iter().map(|c| c.to_string()).collect(),
        requirements: requirements.to_vec(),
        remediation: def.remediation.to_string(),
        suppression: None,
        subject: None,
    }
}

fn def(id: &str) -> &'static CheckDef {
    catalog::get(id).unwrap_or_else(|| panic!("catalog misses built-in check {id}"))
}

/// Results of one resource target.
pub fn target_results(target: &Target, obs: &Observation, stages: &[Stage]) -> Vec<CheckResult> {
    let mut out = Vec::new();
    let r = |def: &CheckDef, property: Option<String>, outcome: Outcome| {
        result(
            def,
            &target.key,
            &target.resource_type,
            &target.identifier,
            property,
            outcome,
            &target.requirements,
        )
    };
    if stages.contains(&Stage::Iq) && target.origin == TargetOrigin::Spec {
        for (id, property, outcome) in iq::evaluate_resource(target, obs) {
            out.push(r(def(id), property, outcome));
        }
    }
    for id in &target.checks {
        let Some(d) = catalog::get(id) else { continue };
        if !stages.contains(&d.stage) || d.id.starts_with("iq.") {
            continue;
        }
        let mut outcome = checks::evaluate_with(d, obs, &target.params);
        // A check covering every principal gives one result per principal, naming it.
        let subjects = std::mem::take(&mut outcome.subjects);
        if subjects.is_empty() {
            out.push(r(d, None, outcome));
        }
        for s in subjects {
            let mut each = r(d, None, s.outcome);
            each.subject = Some(s.subject);
            out.push(each);
        }
    }
    out
}

/// Results of one expected stack.
pub fn stack_results(
    expected: &ExpectedStack,
    obs: &StackObservation,
    stages: &[Stage],
) -> Vec<CheckResult> {
    if !stages.contains(&Stage::Iq) {
        return vec![];
    }
    iq::evaluate_stack(expected, obs)
        .into_iter()
        .map(|(id, property, outcome)| {
            result(
                def(id),
                &format!("stack:{}", expected.name),
                "AWS::CloudFormation::Stack",
                &expected.name,
                property,
                outcome,
                &expected.requirements,
            )
        })
        .collect()
}

pub use crate::checks::iq::scope::{DISCOVERY_TARGET, SCOPE_RESOURCE_TYPE, SCOPE_TARGET};

/// Results of the IQ SOUP checks ([`iq::evaluate_soup`]) on the run's inventory, when the
/// run has one and IQ is selected; they trace to `expected_soup.requirements`.
pub fn soup_results(
    spec: &Spec,
    soup: Option<&SoupInventory>,
    stages: &[Stage],
) -> Vec<CheckResult> {
    let Some(inventory) = soup.filter(|_| stages.contains(&Stage::Iq)) else {
        return vec![];
    };
    let expected = spec.soup.as_ref();
    let requirements = expected.map(|e| e.requirements.as_slice()).unwrap_or(&[]);
    iq::evaluate_soup(&SoupScope {
        inventory,
        expected,
    })
    .into_iter()
    .map(|(id, property, outcome)| {
        result(
            def(id),
            SOUP_TARGET,
            SOUP_RESOURCE_TYPE,
            &inventory.working_directory,
            property,
            outcome,
            requirements,
        )
    })
    .collect()
}

/// Discovery tags as `KEY=VALUE, KEY=VALUE` (sorted by key).
pub fn tag_query(tags: &BTreeMap<String, String>) -> String {
    tags.iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// `iq.scope` results ([`iq::scope`]), whatever the stages: an error when tag-based discovery
/// failed (the resources it should have found are not qualified), and an error when `others`
/// — every other result of the run — is empty: nothing was qualified, which must never pass.
pub fn scope_results(
    spec: &Spec,
    discovery_tags: &BTreeMap<String, String>,
    discovery: &DiscoveryOutcome,
    others: &[CheckResult],
    stages: &[Stage],
) -> Vec<CheckResult> {
    scope_results_with(spec, discovery_tags, discovery, &[], others, stages)
}

/// [`scope_results`] with the run's failed enumerations (type, why): one `iq.scope` error
/// each, on pseudo-target `discovery:<TYPE>`.
pub fn scope_results_with(
    spec: &Spec,
    discovery_tags: &BTreeMap<String, String>,
    discovery: &DiscoveryOutcome,
    enumeration_failed: &[(String, String)],
    others: &[CheckResult],
    stages: &[Stage],
) -> Vec<CheckResult> {
    let query = tag_query(discovery_tags);
    let scope = RunScope {
        spec,
        query: &query,
        discovery,
        enumeration_failed,
        other_results: others.len(),
        stages,
    };
    let mut out = Vec::new();
    for c in registry::IQ_CHECKS {
        if let IqEvaluator::Run(evaluate) = c.evaluate {
            for found in evaluate(&scope) {
                let r = result(
                    &c.def,
                    &found.target,
                    SCOPE_RESOURCE_TYPE,
                    found.identifier.as_deref().unwrap_or(&query),
                    None,
                    found.outcome,
                    &[],
                );
                out.push(r);
            }
        }
    }
    out
}

/// Apply the specification's suppressions. An unexpired suppression turns a failed or
/// errored result into `suppressed`; an expired one no longer suppresses, so the check
/// counts as a failure (with the expiry named). Returns one record per suppression.
pub fn apply_suppressions(
    results: &mut [CheckResult],
    suppressions: &[Suppression],
    now: time::OffsetDateTime,
) -> Vec<SuppressionRecord> {
    let mut records = Vec::new();
    for s in suppressions {
        let expired = s
            .expires
            .as_deref()
            .and_then(parse_time)
            .map(|t| t <= now)
            .unwrap_or(false);
        let mut used = false;
        for r in results
            .iter_mut()
            .filter(|r| r.check_id == s.check && r.target == s.resource_key)
        {
            let record = SuppressionRecord {
                check: s.check.clone(),
                resource_key: s.resource_key.clone(),
                reason: s.reason.clone(),
                approved_by: s.approved_by.clone(),
                expires: s.expires.clone(),
                state: if expired { "expired" } else { "applied" }.into(),
            };
            if r.status == Status::Passed {
                continue;
            }
            used = true;
            if expired {
                r.status = Status::Failed;
                let note = format!("suppression expired on {}; the exception must be renewed or the resource fixed", s.expires.clone().unwrap_or_default());
                r.detail = Some(match r.detail.take() {
                    Some(d) => format!("{note}. {d}"),
                    None => note,
                });
            } else {
                r.status = Status::Suppressed;
            }
            r.suppression = Some(record);
        }
        records.push(SuppressionRecord {
            check: s.check.clone(),
            resource_key: s.resource_key.clone(),
            reason: s.reason.clone(),
            approved_by: s.approved_by.clone(),
            expires: s.expires.clone(),
            state: match (expired, used) {
                (true, _) => "expired",
                (false, true) => "applied",
                (false, false) => "unused",
            }
            .into(),
        });
    }
    records
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::Stage;

    use crate::qualification::test_results::res;

    fn sup(expires: Option<&str>) -> Suppression {
        Suppression {
            check: "s3.replication".into(),
            resource_key: "b".into(),
            reason: "single-region by design".into(),
            approved_by: "qa".into(),
            expires: expires.map(str::to_string),
        }
    }

    fn now() -> time::OffsetDateTime {
        parse_time("2026-06-01T00:00:00Z").unwrap()
    }

    #[test]
    fn active_suppression_suppresses_a_failure() {
        let mut rs = vec![
            res("s3.replication", "b", Status::Failed, &[]),
            res("s3.versioning", "b", Status::Failed, &[]),
        ];
        let rec = apply_suppressions(&mut rs, &[sup(Some("2026-12-31"))], now());
        assert_eq!(rs[0].status, Status::Suppressed);
        assert_eq!(
            rs[0].suppression.as_ref().unwrap().reason,
            "single-region by design"
        );
        assert_eq!(rs[1].status, Status::Failed);
        assert_eq!(rec[0].state, "applied");
    }

    #[test]
    fn expired_suppression_counts_as_failure() {
        let mut rs = vec![res("s3.replication", "b", Status::Error, &[])];
        let rec = apply_suppressions(&mut rs, &[sup(Some("2026-01-01"))], now());
        assert_eq!(rs[0].status, Status::Failed);
        assert!(rs[0].detail.as_ref().unwrap().contains("expired"));
        assert_eq!(rec[0].state, "expired");
    }

    #[test]
    fn unused_suppression_leaves_passes_alone() {
        let mut rs = vec![res("s3.replication", "b", Status::Passed, &[])];
        let rec = apply_suppressions(&mut rs, &[sup(None)], now());
        assert_eq!(rs[0].status, Status::Passed);
        assert_eq!(rec[0].state, "unused");
    }

    #[test]
    fn soup_results_are_iq_only_not_suppressible_and_not_counted_by_the_scope() {
        use crate::checks::iq::fixtures::soup::{inventory, AWS};
        let mut inv = inventory();
        inv.providers[1].hashes.clear();
        let spec = Spec {
            soup: Some(crate::spec::model::ExpectedSoup {
                requirements: vec!["URS-9".into()],
                ..Default::default()
            }),
            suppressions: vec![Suppression {
                check: "iq.soup_locked".into(),
                resource_key: SOUP_TARGET.into(),
                reason: "r".into(),
                approved_by: "qa".into(),
                expires: None,
            }],
            ..Default::default()
        };
        let observed = Observed {
            soup: Some(inv),
            ..Default::default()
        };
        let ev = evaluate(&spec, &observed, &Stage::ALL, &BTreeMap::new(), now());
        let locked: Vec<&CheckResult> = ev
            .results
            .iter()
            .filter(|r| r.check_id == "iq.soup_locked")
            .collect();
        assert_eq!(locked.len(), 2);
        let aws = locked
            .iter()
            .find(|r| r.property.as_deref() == Some(AWS))
            .unwrap();
        assert_eq!(aws.status, Status::Failed, "not suppressed");
        assert_eq!(
            (aws.target.as_str(), aws.resource_type.as_str()),
            (SOUP_TARGET, SOUP_RESOURCE_TYPE)
        );
        assert_eq!(aws.identifier, "/work/app");
        assert_eq!(aws.requirements, ["URS-9"]);
        // Only SOUP results: the specification qualified nothing.
        let last = ev.results.last().unwrap();
        assert_eq!(
            (last.check_id.as_str(), last.actual.as_str()),
            ("iq.scope", "nothing to qualify")
        );
        // Not in OQ-only runs, nor without an inventory.
        let oq = evaluate(&spec, &observed, &[Stage::Oq], &BTreeMap::new(), now());
        assert!(oq
            .results
            .iter()
            .all(|r| !r.check_id.starts_with("iq.soup")));
        assert!(soup_results(&spec, None, &Stage::ALL).is_empty());
    }

    fn tags() -> BTreeMap<String, String> {
        [("gxp:app".to_string(), "lims".to_string())].into()
    }

    #[test]
    fn failed_discovery_is_an_error_result_whatever_the_other_results() {
        let others = vec![res("s3.versioning", "b", Status::Passed, &[])];
        let failed = DiscoveryOutcome::Failed(
            "Resource Groups Tagging API GetResources: AccessDenied".into(),
        );
        let rs = scope_results(&Spec::default(), &tags(), &failed, &others, &[Stage::Oq]);
        assert_eq!(rs.len(), 1);
        let r = &rs[0];
        assert_eq!(r.check_id, "iq.scope");
        assert_eq!(r.stage, Stage::Iq, "recorded although IQ is not selected");
        assert_eq!(r.target, DISCOVERY_TARGET);
        assert_eq!(r.resource_type, SCOPE_RESOURCE_TYPE);
        assert_eq!(r.identifier, "gxp:app=lims");
        assert_eq!(r.status, Status::Error);
        assert!(r.expected.contains("gxp:app=lims"), "{}", r.expected);
        assert!(r.actual.contains("AccessDenied"), "{}", r.actual);
        assert!(!r.controls.is_empty() && !r.remediation.is_empty());
        let mut all = others;
        all.extend(rs);
        assert_eq!(crate::report::Summary::of(&all).status, Status::Error);
    }

    #[test]
    fn successful_discovery_with_other_results_adds_nothing() {
        let others = vec![res("s3.versioning", "b", Status::Passed, &[])];
        let found = DiscoveryOutcome::Found {
            targets: 0,
            unsupported: 0,
        };
        assert!(scope_results(&Spec::default(), &tags(), &found, &others, &Stage::ALL).is_empty());
        assert!(scope_results(
            &Spec::default(),
            &BTreeMap::new(),
            &DiscoveryOutcome::NotConfigured,
            &others,
            &Stage::ALL
        )
        .is_empty());
    }

    #[test]
    fn nothing_to_qualify_is_an_error() {
        let found = DiscoveryOutcome::Found {
            targets: 0,
            unsupported: 2,
        };
        let rs = scope_results(&Spec::default(), &tags(), &found, &[], &Stage::ALL);
        assert_eq!(rs.len(), 1);
        let r = &rs[0];
        assert_eq!(
            (r.check_id.as_str(), r.target.as_str()),
            ("iq.scope", SCOPE_TARGET)
        );
        assert_eq!(r.status, Status::Error);
        assert_eq!(r.actual, "nothing to qualify");
        let detail = r.detail.as_deref().unwrap();
        assert!(
            detail.contains("0 expected resource(s) and 0 stack(s)"),
            "{detail}"
        );
        assert!(
            detail.contains("found 0 checkable resource(s) and 2"),
            "{detail}"
        );
        assert_eq!(crate::report::Summary::of(&rs).status, Status::Error);

        // Without discovery too, e.g. only stacks and only OQ selected.
        let spec = Spec {
            stacks: vec![ExpectedStack::default()],
            ..Default::default()
        };
        let rs = scope_results(
            &spec,
            &BTreeMap::new(),
            &DiscoveryOutcome::NotConfigured,
            &[],
            &[Stage::Oq],
        );
        assert_eq!(rs[0].actual, "nothing to qualify");
        let detail = rs[0].detail.as_deref().unwrap();
        assert!(detail.contains("stages OQ"), "{detail}");
        assert!(detail.contains("no discovery tags"), "{detail}");
    }
}
