//! Observe everything a qualification covers, with bounded concurrency.

use std::collections::{BTreeMap, BTreeSet};

use futures::stream::{self, StreamExt};

use super::snapshot::{SnapStack, SnapTarget, Snapshot};
use crate::aws::AwsContext;
use crate::observe::{
    self, collect::collect, Existence, Observation, StackObservation, Target, TargetOrigin,
};
use crate::spec::model::Spec;

/// What one run observed.
#[derive(Debug, Clone, Default)]
pub struct Observed {
    pub targets: Vec<(Target, Observation)>,
    pub stacks: Vec<StackObservation>,
    pub notes: Vec<String>,
}

impl Observed {
    /// The snapshot kept in private state.
    pub fn snapshot(&self, discovery_tags: &BTreeMap<String, String>) -> Snapshot {
        Snapshot {
            targets: self
                .targets
                .iter()
                .map(|(t, o)| SnapTarget::of(t, o))
                .collect(),
            stacks: self.stacks.iter().map(SnapStack::of).collect(),
            discovery_tags: discovery_tags.clone(),
        }
    }
}

/// Observe stacks by name, concurrently.
pub async fn observe_stacks(
    aws: &AwsContext,
    names: &BTreeSet<String>,
    concurrency: usize,
) -> Vec<StackObservation> {
    stream::iter(names.iter().cloned())
        .map(|name| async move { observe::stack::collect_stack(aws, &name).await })
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
    // Unordered, so one slow resource never holds a slot the others could use; the input
    // order is restored afterwards.
    let mut observed: Vec<(usize, Target, Observation)> =
        stream::iter(targets.into_iter().enumerate())
            .map(|(i, t)| async move {
                let o = collect(aws, &t).await;
                (i, t, o)
            })
            .buffer_unordered(concurrency)
            .collect()
            .await;
    observed.sort_by_key(|(i, _, _)| *i);
    observed.into_iter().map(|(_, t, o)| (t, o)).collect()
}
/// Targets of the specification; identifiers from stacks where given by logical id.
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
                        let existence = if obs.status.is_none() || obs.errors.is_empty() {
                            Existence::Missing
                        } else {
                            Existence::Unknown(format!(
                                "resources of stack {stack} could not be read"
                            ))
                        };
                        let o = Observation::with_existence(&t, existence);
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

/// Observe everything the specification and discovery cover.
pub async fn observe_all(
    aws: &AwsContext,
    spec: &Spec,
    discovery_tags: &BTreeMap<String, String>,
    concurrency: usize,
) -> Observed {
    let mut names: BTreeSet<String> = spec.stacks.iter().map(|s| s.name.clone()).collect();
    names.extend(spec.resources.iter().filter_map(|r| r.stack_name.clone()));
    let stacks = observe_stacks(aws, &names, concurrency).await;
    let (mut targets, unresolved) = spec_targets(spec, &stacks);
    let mut notes = Vec::new();
    for s in &stacks {
        if let Some(note) = &s.cfn_drift_note {
            notes.push(format!("stack {}: {note}", s.name));
        }
    }
    if !discovery_tags.is_empty() {
        match observe::discovery::discover(aws, discovery_tags).await {
            Ok(found) => {
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
            }
            Err(e) => notes.push(format!("tag-based discovery failed: {e}")),
        }
    }
    let mut observed = observe_targets(aws, targets, concurrency).await;
    observed.extend(unresolved);
    observed.sort_by(|a, b| a.0.key.cmp(&b.0.key));
    Observed {
        targets: observed,
        stacks,
        notes,
    }
}

/// Observe again what a snapshot covers (refresh), plus newly discovered resources.
pub async fn observe_snapshot(
    aws: &AwsContext,
    snapshot: &Snapshot,
    concurrency: usize,
) -> Result<Snapshot, String> {
    let mut targets: Vec<Target> = snapshot.targets.iter().map(SnapTarget::target).collect();
    if !snapshot.discovery_tags.is_empty() {
        let found = observe::discovery::discover(aws, &snapshot.discovery_tags).await?;
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
    let stacks = observe_stacks(aws, &names, concurrency).await;
    let observed = observe_targets(aws, targets, concurrency).await;
    Ok(Snapshot {
        targets: observed.iter().map(|(t, o)| SnapTarget::of(t, o)).collect(),
        stacks: stacks.iter().map(SnapStack::of).collect(),
        discovery_tags: snapshot.discovery_tags.clone(),
    })
}
