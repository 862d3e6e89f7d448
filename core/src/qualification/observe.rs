//! Phase: observe. Read everything a qualification covers — its stacks, the resources of
//! its specification and those tag-based discovery finds — with bounded concurrency; and,
//! for refresh, everything a previous qualification observed.

use std::collections::{BTreeMap, BTreeSet};

use futures::stream::{self, StreamExt};

use super::progress::Reporter;
use super::snapshot::{SnapStack, SnapTarget, Snapshot};
use crate::aws::AwsContext;
use crate::observe::stack::{DriftDetection, PART_RESOURCES, PART_STACK};
use crate::observe::{
    self, collect::collect, Existence, Observation, StackObservation, Target, TargetOrigin,
};
use crate::spec::model::Spec;

pub use crate::observe::discovery::DiscoveryOutcome;

/// What one run observed.
#[derive(Debug, Clone, Default)]
pub struct Observed {
    pub targets: Vec<(Target, Observation)>,
    pub stacks: Vec<StackObservation>,
    pub notes: Vec<String>,
    /// What tag-based discovery gave.
    pub discovery: DiscoveryOutcome,
    /// (type, why): the types of `discovery.enumerate_types` whose resources could not be
    /// enumerated (each an `iq.scope` error).
    pub enumeration_failed: Vec<(String, String)>,
    /// The SOUP inventory of the working directory (set by the run, not observed in AWS;
    /// not part of the snapshot, so it does not change the fingerprint).
    pub soup: Option<crate::soup::SoupInventory>,
}

impl Observed {
    /// The snapshot kept in private state.
    pub fn snapshot(
        &self,
        discovery_tags: &BTreeMap<String, String>,
        discovery_exclude_checks: &BTreeSet<String>,
        discovery_enumerate_types: &BTreeSet<String>,
    ) -> Snapshot {
        Snapshot {
            targets: self
                .targets
                .iter()
                .map(|(t, o)| SnapTarget::of(t, o))
                .collect(),
            stacks: self.stacks.iter().map(SnapStack::of).collect(),
            discovery_tags: discovery_tags.clone(),
            discovery_exclude_checks: discovery_exclude_checks.clone(),
            discovery_enumerate_types: discovery_enumerate_types.clone(),
        }
    }
}

/// Observe stacks by name, concurrently; CloudFormation drift detection as asked.
pub async fn observe_stacks(
    aws: &AwsContext,
    names: &BTreeSet<String>,
    concurrency: usize,
    drift_detection: DriftDetection,
) -> Vec<StackObservation> {
    stream::iter(names.iter().cloned())
        .map(|name| async move {
            observe::stack::collect_stack_with(aws, &name, drift_detection).await
        })
        .buffered(concurrency)
        .collect()
        .await
}

/// Observe targets, concurrently, keeping their order.
pub async fn observe_targets(
    aws: &AwsContext,
    targets: Vec<Target>,
    concurrency: usize,
) -> Vec<(Target, Observation)> {
    observe_targets_reporting(aws, targets, concurrency, &Reporter::silent()).await
}

/// [`observe_targets`], reporting the targets observed (n of N) to `progress`.
pub async fn observe_targets_reporting(
    aws: &AwsContext,
    targets: Vec<Target>,
    concurrency: usize,
    progress: &Reporter,
) -> Vec<(Target, Observation)> {
    // One run: account-wide reads (supplements) are made once for all its targets.
    let aws = &aws.for_run();
    progress.started(targets.len());
    // Unordered, so one slow resource never holds a slot the others could use; the input
    // order is restored afterwards.
    let mut observed: Vec<(usize, Target, Observation)> = Vec::with_capacity(targets.len());
    let mut results = stream::iter(targets.into_iter().enumerate())
        .map(|(i, t)| async move {
            let o = collect(aws, &t).await;
            (i, t, o)
        })
        .buffer_unordered(concurrency);
    while let Some(one) = results.next().await {
        observed.push(one);
        progress.observed(observed.len());
    }
    observed.sort_by_key(|(i, _, _)| *i);
    observed.into_iter().map(|(_, t, o)| (t, o)).collect()
}
/// Targets of the specification; identifiers from stacks where given by logical id.
///
/// Returns the targets to observe and the stack resources that could not be resolved to a
/// physical id, already observed: `Missing` when the stack does not exist or does not have
/// the logical id, `Unknown` (so its checks are `error`, never `failed`) when the stack or
/// its resources could not be read.
fn spec_targets(
    spec: &Spec,
    stacks: &[StackObservation],
) -> (Vec<Target>, Vec<(Target, Observation)>) {
    let mut ready = Vec::new();
    let mut unresolved = Vec::new();
    for r in &spec.resources {
        let mut t = Target {
            key: r.key.clone(),
            resource_type: r.resource_type.clone(),
            identifier: r.identifier.clone().unwrap_or_default(),
            origin: TargetOrigin::Spec,
            checks: r.checks.clone(),
            params: r.check_parameters.clone(),
            expected_properties: r.properties.clone(),
            requirements: r.requirements.clone(),
        };
        if t.identifier.is_empty() {
            let stack = r.stack_name.as_deref().unwrap_or_default();
            let logical = r.logical_id.as_deref().unwrap_or_default();
            match stacks.iter().find(|s| s.name == stack) {
                Some(obs) => match observe::stack::physical_id(obs, logical) {
                    Some(id) => t.identifier = id.to_string(),
                    None => {
                        t.identifier = format!("{stack}/{logical}");
                        let o = Observation::with_existence(&t, unresolved_existence(obs));
                        unresolved.push((t, o));
                        continue;
                    }
                },
                None => {
                    t.identifier = format!("{stack}/{logical}");
                    let o = Observation::with_existence(&t, Existence::Missing);
                    unresolved.push((t, o));
                    continue;
                }
            }
        }
        ready.push(t);
    }
    (ready, unresolved)
}

/// Whether a stack resource that could not be resolved to a physical id exists.
fn unresolved_existence(obs: &StackObservation) -> Existence {
    if let Some(e) = obs.errors.get(PART_STACK) {
        Existence::Unknown(format!("stack {} could not be read: {e}", obs.name))
    } else if obs.status.is_none() {
        Existence::Missing
    } else if let Some(e) = obs.errors.get(PART_RESOURCES) {
        Existence::Unknown(format!(
            "resources of stack {} could not be read: {e}",
            obs.name
        ))
    } else {
        Existence::Missing
    }
}

/// The account the provider acts in: as identified when it was configured, else asked of
/// STS now.
async fn account_id(aws: &AwsContext) -> Result<String, String> {
    if let Some(account) = &aws.identity.account {
        return Ok(account.clone());
    }
    match aws.caller_identity().await {
        Ok(identity) => identity
            .account
            .ok_or_else(|| "GetCallerIdentity gave no account".to_string()),
        Err(e) => {
            let (summary, detail) = e.diagnostic();
            Err(format!("{summary}: {detail}"))
        }
    }
}

/// Observe everything the specification and discovery cover — the resources carrying the
/// discovery tags and those of `discovery_enumerate_types` ([`observe::enumeration`]);
/// discovered resources get the checks of their type but `discovery_exclude_checks`.
pub async fn observe_all(
    aws: &AwsContext,
    spec: &Spec,
    discovery_tags: &BTreeMap<String, String>,
    discovery_exclude_checks: &BTreeSet<String>,
    discovery_enumerate_types: &BTreeSet<String>,
    concurrency: usize,
) -> Observed {
    observe_all_reporting(
        aws,
        spec,
        (
            discovery_tags,
            discovery_exclude_checks,
            discovery_enumerate_types,
        ),
        concurrency,
        &Reporter::silent(),
    )
    .await
}

/// [`observe_all`], reporting the targets observed to `progress`; `discovery` is (tags,
/// checks excluded, types enumerated).
pub async fn observe_all_reporting(
    aws: &AwsContext,
    spec: &Spec,
    (discovery_tags, discovery_exclude_checks, discovery_enumerate_types): (
        &BTreeMap<String, String>,
        &BTreeSet<String>,
        &BTreeSet<String>,
    ),
    concurrency: usize,
    progress: &Reporter,
) -> Observed {
    let mut names: BTreeSet<String> = spec.stacks.iter().map(|s| s.name.clone()).collect();
    names.extend(spec.resources.iter().filter_map(|r| r.stack_name.clone()));
    let stacks = observe_stacks(aws, &names, concurrency, DriftDetection::Detect).await;
    let (mut targets, mut unresolved) = spec_targets(spec, &stacks);
    if let Some(expected) = &spec.account {
        let (t, unidentified) =
            observe::account::target(expected, account_id(aws).await, &aws.region());
        match unidentified {
            Some(o) => unresolved.push((t, o)),
            None => targets.push(t),
        }
    }
    let mut notes = Vec::new();
    for s in &stacks {
        if let Some(note) = &s.cfn_drift_note {
            notes.push(format!("stack {}: {note}", s.name));
        }
    }
    let mut discovery = DiscoveryOutcome::NotConfigured;
    let mut found = observe::discovery::Discovery::default();
    if !discovery_tags.is_empty() {
        match observe::discovery::discover(aws, discovery_tags).await {
            Ok(tagged) => {
                discovery = DiscoveryOutcome::Found {
                    targets: tagged.targets.len(),
                    unsupported: tagged.unsupported.len(),
                };
                if tagged.targets.is_empty() {
                    notes.push(format!(
                        "tag-based discovery found no checkable resource tagged {}",
                        super::evaluate::tag_query(discovery_tags)
                    ));
                }
                found = tagged;
            }
            // A result (`iq.scope`, error), not only a note: see evaluate::scope_results.
            Err(e) => discovery = DiscoveryOutcome::Failed(e),
        }
    }
    let mut enumeration_failed = Vec::new();
    if !discovery_enumerate_types.is_empty() {
        let enumerated =
            observe::enumeration::enumerate(aws, discovery_tags, discovery_enumerate_types).await;
        notes.extend(enumerated.notes);
        // Each a result (`iq.scope`, error), not only a note.
        enumeration_failed = enumerated.failed;
        found = found.with_enumerated(enumerated.targets);
    }
    let found = found.excluding(discovery_exclude_checks);
    let known: BTreeSet<(String, String)> = targets
        .iter()
        .map(|t| (t.resource_type.clone(), t.identifier.clone()))
        .collect();
    for t in found.targets {
        if !known.contains(&(t.resource_type.clone(), t.identifier.clone())) {
            targets.push(t);
        }
    }
    for arn in found.unsupported {
        notes.push(format!("discovered but no checks for its type: {arn}"));
    }
    let mut observed = observe_targets_reporting(aws, targets, concurrency, progress).await;
    observed.extend(unresolved);
    observed.sort_by(|a, b| a.0.key.cmp(&b.0.key));
    Observed {
        targets: observed,
        stacks,
        notes,
        discovery,
        enumeration_failed,
        soup: None,
    }
}

/// Observe again what a snapshot covers (refresh), plus newly discovered resources.
///
/// Stacks are read without CloudFormation drift detection (DetectStackDrift polls up to
/// about 30 s per stack, and the snapshot does not keep its result): refresh compares
/// status, template, outputs and parameters, which are cheap to read.
pub async fn observe_snapshot(
    aws: &AwsContext,
    snapshot: &Snapshot,
    concurrency: usize,
) -> Result<Snapshot, String> {
    observe_snapshot_reporting(aws, snapshot, concurrency, &Reporter::silent()).await
}

/// [`observe_snapshot`], reporting the targets observed to `progress`.
pub async fn observe_snapshot_reporting(
    aws: &AwsContext,
    snapshot: &Snapshot,
    concurrency: usize,
    progress: &Reporter,
) -> Result<Snapshot, String> {
    let mut targets: Vec<Target> = snapshot.targets.iter().map(SnapTarget::target).collect();
    if !snapshot.discovery_tags.is_empty() || !snapshot.discovery_enumerate_types.is_empty() {
        let mut found = observe::discovery::Discovery::default();
        if !snapshot.discovery_tags.is_empty() {
            found = observe::discovery::discover(aws, &snapshot.discovery_tags).await?;
        }
        if !snapshot.discovery_enumerate_types.is_empty() {
            let enumerated = observe::enumeration::enumerate(
                aws,
                &snapshot.discovery_tags,
                &snapshot.discovery_enumerate_types,
            )
            .await;
            if let Some((ty, why)) = enumerated.failed.first() {
                return Err(format!("enumeration of {ty} failed: {why}"));
            }
            found = found.with_enumerated(enumerated.targets);
        }
        let found = found.excluding(&snapshot.discovery_exclude_checks);
        let known: BTreeSet<String> = targets.iter().map(|t| t.key.clone()).collect();
        let spec_ids: BTreeSet<(String, String)> = targets
            .iter()
            .map(|t| (t.resource_type.clone(), t.identifier.clone()))
            .collect();
        targets.extend(found.targets.into_iter().filter(|t| {
            !known.contains(&t.key)
                && !spec_ids.contains(&(t.resource_type.clone(), t.identifier.clone()))
        }));
    }
    let names: BTreeSet<String> = snapshot.stacks.iter().map(|s| s.name.clone()).collect();
    let stacks = observe_stacks(aws, &names, concurrency, DriftDetection::Skip).await;
    let observed = observe_targets_reporting(aws, targets, concurrency, progress).await;
    Ok(Snapshot {
        targets: observed.iter().map(|(t, o)| SnapTarget::of(t, o)).collect(),
        stacks: stacks.iter().map(SnapStack::of).collect(),
        discovery_tags: snapshot.discovery_tags.clone(),
        discovery_exclude_checks: snapshot.discovery_exclude_checks.clone(),
        discovery_enumerate_types: snapshot.discovery_enumerate_types.clone(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::observe::stack::fake_cloudformation;
    use crate::qualification::snapshot::SnapStack;
    use crate::spec::model::{ExpectedResource, ExpectedStack};

    fn in_stack(key: &str, stack: &str, logical: &str) -> ExpectedResource {
        ExpectedResource {
            key: key.into(),
            resource_type: "AWS::S3::Bucket".into(),
            stack_name: Some(stack.into()),
            logical_id: Some(logical.into()),
            checks: vec!["s3.versioning".into()],
            requirements: vec!["URS-1".into()],
            ..Default::default()
        }
    }

    fn stack(name: &str, resources: &[(&str, &str)]) -> StackObservation {
        StackObservation {
            name: name.into(),
            status: Some("CREATE_COMPLETE".into()),
            resources: resources
                .iter()
                .map(|(l, p)| (l.to_string(), ("AWS::S3::Bucket".into(), p.to_string())))
                .collect(),
            ..Default::default()
        }
    }

    fn spec(resources: Vec<ExpectedResource>) -> Spec {
        Spec {
            resources,
            ..Default::default()
        }
    }

    fn unresolved_existence_of(spec: &Spec, stacks: &[StackObservation]) -> Existence {
        let (ready, unresolved) = spec_targets(spec, stacks);
        assert!(ready.is_empty(), "{ready:?}");
        assert_eq!(unresolved.len(), 1, "{unresolved:?}");
        let (t, o) = &unresolved[0];
        assert_eq!(
            t.identifier,
            format!("core/{}", spec.resources[0].logical_id.as_deref().unwrap())
        );
        assert_eq!(o.key, t.key);
        o.existence.clone()
    }

    #[test]
    fn spec_targets_take_physical_ids_from_their_stack() {
        let spec = spec(vec![
            in_stack("data", "core", "DataBucket"),
            in_stack("logs", "audit", "LogBucket"),
            ExpectedResource {
                key: "direct".into(),
                resource_type: "AWS::S3::Bucket".into(),
                identifier: Some("direct-bucket".into()),
                ..Default::default()
            },
        ]);
        let stacks = [
            stack("core", &[("DataBucket", "core-data-1"), ("Other", "x")]),
            stack("audit", &[("LogBucket", "audit-logs-1")]),
        ];
        let (ready, unresolved) = spec_targets(&spec, &stacks);
        assert!(unresolved.is_empty(), "{unresolved:?}");
        let ids: Vec<(&str, &str)> = ready
            .iter()
            .map(|t| (t.key.as_str(), t.identifier.as_str()))
            .collect();
        assert_eq!(
            ids,
            [
                ("data", "core-data-1"),
                ("logs", "audit-logs-1"),
                ("direct", "direct-bucket")
            ]
        );
        let data = &ready[0];
        assert_eq!(data.origin, TargetOrigin::Spec);
        assert_eq!(data.checks, ["s3.versioning"]);
        assert_eq!(data.requirements, ["URS-1"]);
    }

    #[test]
    fn logical_id_not_in_the_stack_is_missing() {
        let spec = spec(vec![in_stack("data", "core", "DataBucket")]);
        let stacks = [stack("core", &[("Other", "x")])];
        assert_eq!(unresolved_existence_of(&spec, &stacks), Existence::Missing);
        // Also when another part of the stack (the template) could not be read.
        let mut partial = stack("core", &[("Other", "x")]);
        partial
            .errors
            .insert(crate::observe::stack::PART_TEMPLATE.into(), "denied".into());
        assert_eq!(
            unresolved_existence_of(&spec, &[partial]),
            Existence::Missing
        );
    }

    #[test]
    fn stack_that_does_not_exist_leaves_its_resources_missing() {
        let spec = spec(vec![in_stack("data", "core", "DataBucket")]);
        let absent = StackObservation {
            name: "core".into(),
            ..Default::default()
        };
        assert_eq!(
            unresolved_existence_of(&spec, &[absent]),
            Existence::Missing
        );
    }

    #[test]
    fn stack_that_could_not_be_described_leaves_its_resources_unknown() {
        let spec = spec(vec![in_stack("data", "core", "DataBucket")]);
        let mut unreadable = StackObservation {
            name: "core".into(),
            ..Default::default()
        };
        unreadable
            .errors
            .insert(PART_STACK.into(), "DescribeStacks: AccessDenied".into());
        match unresolved_existence_of(&spec, &[unreadable]) {
            Existence::Unknown(why) => {
                assert!(why.contains("stack core could not be read"), "{why}");
                assert!(why.contains("AccessDenied"), "{why}");
            }
            other => panic!("DescribeStacks failed, so existence is unknown: {other:?}"),
        }
    }

    #[test]
    fn stack_whose_resources_could_not_be_listed_leaves_them_unknown() {
        let spec = spec(vec![in_stack("data", "core", "DataBucket")]);
        let mut unlisted = stack("core", &[]);
        unlisted.errors.insert(
            PART_RESOURCES.into(),
            "ListStackResources: Throttling".into(),
        );
        match unresolved_existence_of(&spec, &[unlisted]) {
            Existence::Unknown(why) => {
                assert!(why.contains("resources of stack core"), "{why}")
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn unknown_stack_resource_is_an_error_not_a_failure() {
        let spec = spec(vec![in_stack("data", "core", "DataBucket")]);
        let mut unreadable = StackObservation {
            name: "core".into(),
            ..Default::default()
        };
        unreadable
            .errors
            .insert(PART_STACK.into(), "DescribeStacks: AccessDenied".into());
        let (_, unresolved) = spec_targets(&spec, &[unreadable]);
        let (t, o) = &unresolved[0];
        let results = super::super::evaluate::target_results(t, o, &crate::catalog::Stage::ALL);
        assert!(!results.is_empty());
        for r in &results {
            assert_eq!(r.status, crate::checks::Status::Error, "{r:?}");
        }
    }

    #[tokio::test]
    async fn refresh_reads_stacks_without_drift_detection_and_apply_with_it() {
        let fake = fake_cloudformation::start().await;
        let snapshot = Snapshot {
            stacks: vec![SnapStack {
                name: "app".into(),
                ..Default::default()
            }],
            ..Default::default()
        };
        let current = observe_snapshot(&fake.aws, &snapshot, 4).await.unwrap();
        assert_eq!(current.stacks[0].status.as_deref(), Some("CREATE_COMPLETE"));
        assert!(
            !fake.actions().iter().any(|a| a.contains("Drift")),
            "refresh ran drift detection: {:?}",
            fake.actions()
        );

        let spec = Spec {
            stacks: vec![ExpectedStack {
                name: "app".into(),
                ..Default::default()
            }],
            ..Default::default()
        };
        let observed = observe_all(
            &fake.aws,
            &spec,
            &BTreeMap::new(),
            &BTreeSet::new(),
            &BTreeSet::new(),
            4,
        )
        .await;
        assert!(
            fake.actions().contains(&"DetectStackDrift".to_string()),
            "{:?}",
            fake.actions()
        );
        assert_eq!(observed.discovery, DiscoveryOutcome::NotConfigured);
        assert!(observed.stacks[0].cfn_drift_note.is_some());
    }

    #[tokio::test]
    async fn failed_discovery_is_an_outcome_not_a_note() {
        // The fake endpoint answers GetResources with HTTP 500.
        let fake = fake_cloudformation::start().await;
        let tags: BTreeMap<String, String> = [("gxp:app".to_string(), "lims".to_string())].into();
        let observed = observe_all(
            &fake.aws,
            &Spec::default(),
            &tags,
            &BTreeSet::new(),
            &BTreeSet::new(),
            4,
        )
        .await;
        match &observed.discovery {
            DiscoveryOutcome::Failed(e) => assert!(e.contains("GetResources"), "{e}"),
            other => panic!("{other:?}"),
        }
        assert!(observed.targets.is_empty());
        assert!(
            !observed.notes.iter().any(|n| n.contains("discovery")),
            "{:?}",
            observed.notes
        );
    }
}
