//! The IQ (installation qualification) checks: the deployed state against the approved
//! specification. Each is a unit like the OQ/PQ checks (`checks/iq/<check>.rs`: definition,
//! evaluator, unit tests), registered by one line in [`super::registry::IQ_CHECKS`]. They
//! differ in what they evaluate ([`IqEvaluator`]): an expected stack against its
//! [`StackObservation`], a specified resource against its [`Observation`], or the run
//! itself (`iq.scope`). This module holds what they share and the entry points the run calls.

pub mod resource_exists;
pub mod resource_properties;
pub mod scope;
pub mod soup_locked;
pub mod soup_versions;
pub mod stack_drift;
pub mod stack_outputs;
pub mod stack_parameters;
pub mod stack_resources;
pub mod stack_status;
pub mod template_hash;

pub use resource_exists::evaluate_resource_exists;
pub use resource_properties::compare_properties;

use super::Outcome;
use crate::catalog::CheckDef;
use crate::observe::stack::PART_STACK;
use crate::observe::{Observation, StackObservation, Target};
use crate::soup::SoupInventory;
use crate::spec::model::{ExpectedSoup, ExpectedStack};

/// One IQ check: its catalog entry and its evaluator, defined together in one file.
#[derive(Debug)]
pub struct IqCheck {
    /// The catalog entry (id, title, stage, service, controls, ...).
    pub def: CheckDef,
    /// What it evaluates, and how.
    pub evaluate: IqEvaluator,
}

/// Outcomes of one IQ check, each with its sub-item (logical id, output or parameter key,
/// property path), `None` for the check as a whole.
pub type Outcomes = Vec<(Option<String>, Outcome)>;

/// How an IQ check is evaluated: by the piece of the run it belongs to.
#[derive(Debug, Clone, Copy)]
pub enum IqEvaluator {
    /// An expected stack against its observation ([`evaluate_stack`]).
    Stack(fn(&ExpectedStack, &StackObservation) -> Outcomes),
    /// A resource of the specification against its observation ([`evaluate_resource`]).
    Resource(fn(&Target, &Observation) -> Outcomes),
    /// The SOUP of the run's working directory against the approved SOUP
    /// ([`evaluate_soup`]).
    Soup(fn(&SoupScope<'_>) -> Outcomes),
    /// The run's scope, once every other result is in: its outcomes, each on a pseudo-target
    /// ([`scope::RunScope`], [`scope::ScopeOutcome`]).
    Run(fn(&scope::RunScope<'_>) -> Vec<scope::ScopeOutcome>),
}

/// Evaluate every IQ stack check of the registry on an expected stack, in catalog order:
/// `(check id, sub-item, outcome)`.
///
/// Sub-items are the logical id (`iq.stack_resources`), output key (`iq.stack_outputs`) or
/// parameter key (`iq.stack_parameters`). `iq.stack_drift` has an outcome only when drift
/// detection ran (or failed); an unsupporting endpoint leaves only `cfn_drift_note`.
pub fn evaluate_stack(
    expected: &ExpectedStack,
    obs: &StackObservation,
) -> Vec<(&'static str, Option<String>, Outcome)> {
    let mut out = Vec::new();
    for c in super::registry::IQ_CHECKS {
        if let IqEvaluator::Stack(evaluate) = c.evaluate {
            let id = c.def.id;
            out.extend(evaluate(expected, obs).into_iter().map(|(s, o)| (id, s, o)));
        }
    }
    out
}

/// Evaluate every IQ resource check of the registry on a resource of the specification, in
/// catalog order: `(check id, property path, outcome)`.
pub fn evaluate_resource(
    target: &Target,
    obs: &Observation,
) -> Vec<(&'static str, Option<String>, Outcome)> {
    let mut out = Vec::new();
    for c in super::registry::IQ_CHECKS {
        if let IqEvaluator::Resource(evaluate) = c.evaluate {
            let id = c.def.id;
            out.extend(evaluate(target, obs).into_iter().map(|(s, o)| (id, s, o)));
        }
    }
    out
}

/// What the SOUP checks evaluate: the run's inventory and the specification's approved SOUP.
#[derive(Debug, Clone, Copy)]
pub struct SoupScope<'a> {
    pub inventory: &'a SoupInventory,
    pub expected: Option<&'a ExpectedSoup>,
}

/// Pseudo-target of the SOUP results.
pub const SOUP_TARGET: &str = "soup";
/// Resource type of the SOUP results: the working directory Terraform runs in.
pub const SOUP_RESOURCE_TYPE: &str = "Terraform::WorkingDirectory";

/// Evaluate every IQ SOUP check of the registry, in catalog order: `(check id, sub-item
/// (provider source or `terraform`), outcome)`.
pub fn evaluate_soup(scope: &SoupScope<'_>) -> Vec<(&'static str, Option<String>, Outcome)> {
    let mut out = Vec::new();
    for c in super::registry::IQ_CHECKS {
        if let IqEvaluator::Soup(evaluate) = c.evaluate {
            let id = c.def.id;
            out.extend(evaluate(scope).into_iter().map(|(s, o)| (id, s, o)));
        }
    }
    out
}

/// Actual value reported for every expectation of a stack that does not exist.
pub(crate) const STACK_NOT_FOUND: &str = "stack not found";

/// Why the expectations of a stack cannot be compared.
pub(crate) enum Unavailable<'a> {
    /// DescribeStacks found no stack: every expectation fails.
    NotFound,
    /// DescribeStacks failed (the error): every expectation is `error`.
    Unreadable(&'a str),
}

impl Unavailable<'_> {
    /// The outcome of an expectation whose expected value is `expected`.
    pub(crate) fn outcome(&self, expected: String) -> Outcome {
        match self {
            Unavailable::NotFound => Outcome::verdict(false, expected, STACK_NOT_FOUND),
            Unavailable::Unreadable(err) => Outcome::error(expected, *err),
        }
    }
}

/// The StackStatus of an observed stack, or why its expectations cannot be compared (a
/// DescribeStacks error wins over a status).
pub(crate) fn stack_status(obs: &StackObservation) -> Result<&str, Unavailable<'_>> {
    match (&obs.status, obs.errors.get(PART_STACK)) {
        (_, Some(err)) => Err(Unavailable::Unreadable(err)),
        (None, None) => Err(Unavailable::NotFound),
        (Some(status), None) => Ok(status),
    }
}

/// A deployed stack and an expectation it meets, shared by the stack checks' unit tests.
#[cfg(test)]
pub(crate) mod fixtures {
    use super::*;
    use std::collections::BTreeMap;

    pub const HASH: &str = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";

    pub fn map(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    pub fn expected_stack() -> ExpectedStack {
        ExpectedStack {
            name: "app".into(),
            template_sha256: Some(HASH.to_ascii_uppercase()),
            outputs: map(&[("BucketName", "app-bucket")]),
            parameters: map(&[("Env", "prod"), ("Secret", "s3cr3t")]),
            resources: map(&[("Bucket", "AWS::S3::Bucket"), ("Key", "AWS::KMS::Key")]),
            requirements: vec![],
        }
    }

    pub fn deployed() -> StackObservation {
        let mut resources = BTreeMap::new();
        resources.insert(
            "Bucket".to_string(),
            ("AWS::S3::Bucket".to_string(), "app-bucket".to_string()),
        );
        resources.insert(
            "Key".to_string(),
            ("AWS::KMS::Key".to_string(), "1234-abcd".to_string()),
        );
        StackObservation {
            name: "app".into(),
            status: Some("UPDATE_COMPLETE".into()),
            stack_id: Some("arn:aws:cloudformation:us-east-1:1:stack/app/x".into()),
            template_sha256: Some(HASH.into()),
            outputs: map(&[("BucketName", "app-bucket"), ("Extra", "ignored")]),
            parameters: map(&[("Env", "prod"), ("Secret", "****")]),
            resources,
            last_updated: Some("2026-01-01T00:00:00Z".into()),
            cfn_drift_status: None,
            cfn_drift_note: Some("unsupported".into()),
            errors: BTreeMap::new(),
        }
    }

    /// A working directory after `terraform init`: gxp/gxp and hashicorp/aws locked and
    /// installed at the same versions with hashes.
    pub mod soup {
        use crate::soup::{FileState, SoupInventory, SoupProvider};

        pub const GXP: &str = "registry.terraform.io/gxp/gxp";
        pub const AWS: &str = "registry.terraform.io/hashicorp/aws";

        pub fn inventory() -> SoupInventory {
            SoupInventory {
                terraform_version: "1.11.4".into(),
                working_directory: "/work/app".into(),
                lock_file: FileState::Read {
                    sha256: "ab".repeat(32),
                },
                providers: vec![
                    SoupProvider {
                        source: GXP.into(),
                        locked_version: Some("0.1.0".into()),
                        constraints: Some("= 0.1.0".into()),
                        hashes: vec!["h1:x".into()],
                        installed: vec!["0.1.0 linux_amd64".into()],
                        this_provider: true,
                        running_version: Some("0.1.0".into()),
                        note: None,
                    },
                    SoupProvider {
                        source: AWS.into(),
                        locked_version: Some("5.100.0".into()),
                        constraints: Some("~> 5.0".into()),
                        hashes: vec!["h1:a".into(), "zh:b".into()],
                        installed: vec!["5.100.0 linux_amd64".into()],
                        ..Default::default()
                    },
                ],
                modules_manifest: FileState::Absent,
                modules: vec![],
                installed_error: None,
            }
        }
    }

    /// The one outcome of `id` (and sub-item `sub`) in `results`.
    pub fn find<'a>(
        results: &'a [(&'static str, Option<String>, Outcome)],
        id: &str,
        sub: Option<&str>,
    ) -> &'a Outcome {
        let hits: Vec<_> = results
            .iter()
            .filter(|(i, s, _)| *i == id && s.as_deref() == sub)
            .collect();
        assert_eq!(hits.len(), 1, "{id} {sub:?} in {results:#?}");
        &hits[0].2
    }
}

#[cfg(test)]
mod tests {
    use super::fixtures::{deployed, expected_stack, find, HASH};
    use super::*;
    use crate::checks::Status;

    #[test]
    fn true_expectation_passes_every_stack_check() {
        let results = evaluate_stack(&expected_stack(), &deployed());
        assert_eq!(results.len(), 1 + 1 + 2 + 1 + 2, "{results:#?}");
        for (id, sub, o) in &results {
            assert_eq!(o.status, Status::Passed, "{id} {sub:?}: {o:?}");
        }
        assert!(!results.iter().any(|(id, _, _)| *id == "iq.stack_drift"));
        let masked = find(&results, "iq.stack_parameters", Some("Secret"));
        assert!(masked.detail.as_deref().unwrap().contains("NoEcho"));
        let bucket = find(&results, "iq.stack_resources", Some("Bucket"));
        assert_eq!(bucket.detail.as_deref(), Some("physical id app-bucket"));
    }

    #[test]
    fn missing_stack_fails_every_expectation_with_stack_not_found() {
        let obs = StackObservation {
            name: "app".into(),
            ..Default::default()
        };
        let results = evaluate_stack(&expected_stack(), &obs);
        assert_eq!(results.len(), 7);
        for (id, sub, o) in &results {
            assert_eq!(o.status, Status::Failed, "{id} {sub:?}");
            assert_eq!(o.actual, STACK_NOT_FOUND);
        }
        assert_eq!(find(&results, "iq.template_hash", None).expected, HASH);
    }

    #[test]
    fn unreadable_stack_errors_every_expectation() {
        let mut obs = StackObservation {
            name: "app".into(),
            ..Default::default()
        };
        obs.errors
            .insert(PART_STACK.into(), "DescribeStacks: AccessDenied".into());
        let results = evaluate_stack(&expected_stack(), &obs);
        assert_eq!(results.len(), 7);
        for (id, _, o) in &results {
            assert_eq!(o.status, Status::Error, "{id}");
            assert_eq!(o.detail.as_deref(), Some("DescribeStacks: AccessDenied"));
        }
    }

    #[test]
    fn failed_stack_still_evaluates_other_expectations() {
        let mut obs = deployed();
        obs.status = Some("UPDATE_ROLLBACK_COMPLETE".into());
        let results = evaluate_stack(&expected_stack(), &obs);
        assert_eq!(
            find(&results, "iq.stack_status", None).status,
            Status::Failed
        );
        assert_eq!(
            find(&results, "iq.stack_outputs", Some("BucketName")).status,
            Status::Passed
        );
    }

    /// The stack entry point runs the registry's stack checks in catalog order, and the
    /// resource entry point its resource checks.
    #[test]
    fn entry_points_run_the_registered_iq_checks_in_catalog_order() {
        let registered = |stack: bool| -> Vec<&str> {
            crate::checks::registry::IQ_CHECKS
                .iter()
                .filter(|c| match c.evaluate {
                    IqEvaluator::Stack(_) => stack,
                    IqEvaluator::Resource(_) => !stack,
                    IqEvaluator::Run(_) | IqEvaluator::Soup(_) => false,
                })
                .map(|c| c.def.id)
                .collect()
        };
        let mut obs = deployed();
        obs.cfn_drift_status = Some("IN_SYNC".into());
        let mut ids: Vec<&str> = evaluate_stack(&expected_stack(), &obs)
            .into_iter()
            .map(|(id, _, _)| id)
            .collect();
        ids.dedup();
        assert_eq!(ids, registered(true));

        let t = Target {
            key: "bucket".into(),
            resource_type: "AWS::S3::Bucket".into(),
            identifier: "b".into(),
            origin: crate::observe::TargetOrigin::Spec,
            checks: vec![],
            params: Default::default(),
            expected_properties: Some(serde_json::json!({"A": 1})),
            requirements: vec![],
        };
        let ids: Vec<&str> = evaluate_resource(&t, &Observation::exists(&t))
            .into_iter()
            .map(|(id, _, _)| id)
            .collect();
        assert_eq!(ids, registered(false));

        let soup: Vec<&str> = crate::checks::registry::IQ_CHECKS
            .iter()
            .filter(|c| matches!(c.evaluate, IqEvaluator::Soup(_)))
            .map(|c| c.def.id)
            .collect();
        let expected = ExpectedSoup::default();
        let mut ids: Vec<&str> = evaluate_soup(&SoupScope {
            inventory: &fixtures::soup::inventory(),
            expected: Some(&expected),
        })
        .into_iter()
        .map(|(id, _, _)| id)
        .collect();
        ids.dedup();
        assert_eq!(ids, soup);
    }
}
