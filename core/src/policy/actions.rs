//! The reads a qualification of a specification makes, as IAM actions, derived from the
//! registry only: what each collector calls for a resource of its type
//! ([`services::collector_actions`]), what each selected check declares
//! ([`services::check_actions_for_type`]), the IQ checks of stacks and resources, the
//! account checks (each its own declared actions, not every action of its service) and
//! tag-based discovery and enumeration.

use std::collections::{BTreeMap, BTreeSet};

use crate::catalog::{self, CheckDef, Stage};
use crate::checks::iq::IqEvaluator;
use crate::checks::registry::IQ_CHECKS;
use crate::observe::enumeration;
use crate::observe::services::{self, SERVICES};
use crate::spec::model::{Spec, ACCOUNT_TYPE};

/// The CloudFormation type of a stack (the stack IQ checks' target).
pub const STACK_TYPE: &str = "AWS::CloudFormation::Stack";

/// What a read is made on.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum On {
    /// No resource known at plan time (discovery, account, list reads).
    Any,
    /// A target of the specification: its CloudFormation type, its identifier (`None` when
    /// it is located by stack and logical id, so unknown at plan) and a label for notes.
    Target {
        resource_type: String,
        identifier: Option<String>,
        label: String,
    },
}

/// Discovery as the qualification's `discovery` block sets it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Discovery {
    /// `tags`: tag-based discovery runs when not empty.
    pub tags: BTreeMap<String, String>,
    /// `exclude_checks`: checks discovered resources do not get (their reads are left out).
    pub exclude_checks: BTreeSet<String>,
    /// `enumerate_types`: types enumerated through their own service.
    pub enumerate_types: BTreeSet<String>,
}

impl Discovery {
    /// Whether the run discovers or enumerates resources.
    pub fn is_on(&self) -> bool {
        !self.tags.is_empty() || !self.enumerate_types.is_empty()
    }
}

/// One action the run needs, and on what.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Need {
    pub action: &'static str,
    pub on: On,
}

/// Every read a qualification of `spec` makes in `stages`, with tag-based discovery and
/// enumeration as `discovery` sets them. Observation does not depend on the stages (every resource
/// and stack is observed); the checks outside `stages` are not evaluated, so what only they
/// need is left out (such a read is denied and no result depends on it).
pub fn reads(spec: &Spec, stages: &[Stage], discovery: &Discovery) -> Vec<Need> {
    let mut out = BTreeSet::new();
    let mut add = |action: &'static str, on: &On| {
        out.insert(Need {
            action,
            on: on.clone(),
        });
    };
    let mut stacks: BTreeSet<&str> = spec.stacks.iter().map(|s| s.name.as_str()).collect();
    for r in &spec.resources {
        let t = r.resource_type.as_str();
        let on = On::Target {
            resource_type: t.to_string(),
            identifier: r.identifier.clone().filter(|i| !i.trim().is_empty()),
            label: r.key.clone(),
        };
        for a in services::collector_actions(t) {
            add(a, &on);
        }
        if let Some(stack) = r.stack_name.as_deref() {
            stacks.insert(stack);
        }
        if stages.contains(&Stage::Iq) {
            for c in IQ_CHECKS {
                if !matches!(c.evaluate, IqEvaluator::Resource(_)) {
                    continue;
                }
                for a in c.def.iam_actions {
                    // A CloudFormation read locates the resource in its stack.
                    if a.starts_with("cloudformation:") {
                        if let Some(stack) = r.stack_name.as_deref() {
                            add(a, &stack_on(stack));
                        }
                    } else {
                        add(a, &on);
                    }
                }
            }
        }
        for id in &r.checks {
            let Some(def) = catalog::get(id) else {
                continue;
            };
            if def.stage == Stage::Iq || !stages.contains(&def.stage) {
                continue;
            }
            for a in services::check_actions_for_type(def, t) {
                add(a, &on);
            }
        }
    }
    // Stacks are observed whatever the stages.
    for name in stacks {
        let on = stack_on(name);
        for c in IQ_CHECKS {
            if matches!(c.evaluate, IqEvaluator::Stack(_)) {
                for a in c.def.iam_actions {
                    add(a, &on);
                }
            }
        }
    }
    if let Some(account) = &spec.account {
        for id in &account.checks {
            let Some(def) = catalog::get(id) else {
                continue;
            };
            if stages.contains(&def.stage) {
                for a in def.iam_actions {
                    add(a, &On::Any);
                }
            }
        }
    }
    if discovery.is_on() {
        for a in enumeration::iam_actions(&discovery.enumerate_types) {
            add(a, &On::Any);
        }
        for c in IQ_CHECKS {
            if matches!(c.evaluate, IqEvaluator::Run(_)) {
                for a in c.def.iam_actions {
                    add(a, &On::Any);
                }
            }
        }
        for t in discoverable_types() {
            for a in services::collector_actions(t) {
                add(a, &On::Any);
            }
            let selected = catalog::for_resource_type(t)
                .filter(|d| stages.contains(&d.stage) && !discovery.exclude_checks.contains(d.id));
            for def in selected {
                for a in services::check_actions_for_type(def, t) {
                    add(a, &On::Any);
                }
            }
        }
    }
    out.into_iter().collect()
}

/// The types tag-based discovery can find: every type a service observes but the account.
pub fn discoverable_types() -> impl Iterator<Item = &'static str> {
    SERVICES
        .iter()
        .flat_map(|s| s.resource_types.iter().copied())
        .filter(|t| *t != ACCOUNT_TYPE)
}

fn stack_on(name: &str) -> On {
    On::Target {
        resource_type: STACK_TYPE.to_string(),
        identifier: Some(name.to_string()),
        label: format!("stack:{name}"),
    }
}

/// The IAM actions one result of `check` on a target of `resource_type` depends on: the
/// existence read of the type and the check's own actions for it
/// ([`services::check_actions_for_type`]); an account check its declared actions; a stack
/// check `cloudformation:DescribeStacks` and its own; `iq.resource_properties` every read of
/// the collector (any property may be compared). Without one of them the result is `error`.
pub fn actions_for_result(check: &CheckDef, resource_type: &str) -> Vec<&'static str> {
    let mut out: Vec<&'static str> = Vec::new();
    if resource_type == ACCOUNT_TYPE {
        out.extend(check.iam_actions.iter().copied());
    } else if check.stage == Stage::Iq {
        let evaluator = IQ_CHECKS
            .iter()
            .find(|c| c.def.id == check.id)
            .map(|c| c.evaluate);
        match evaluator {
            Some(IqEvaluator::Stack(_)) => {
                out.push("cloudformation:DescribeStacks");
                out.extend(check.iam_actions.iter().copied());
            }
            Some(IqEvaluator::Resource(_)) => {
                out.extend(services::existence_action(resource_type));
                if check.iam_actions.is_empty() {
                    out.extend(services::collector_actions(resource_type));
                }
                out.extend(check.iam_actions.iter().copied());
            }
            // The SOUP checks read the working directory (no action is declared).
            Some(IqEvaluator::Run(_)) | Some(IqEvaluator::Soup(_)) | None => {
                out.extend(check.iam_actions.iter().copied())
            }
        }
    } else {
        out.extend(services::existence_action(resource_type));
        out.extend(services::check_actions_for_type(check, resource_type).copied());
    }
    out.sort_unstable();
    out.dedup();
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_result_depends_on_the_existence_read_and_its_own_actions() {
        let rotation = catalog::get("kms.rotation").unwrap();
        assert_eq!(
            actions_for_result(rotation, "AWS::KMS::Key"),
            ["kms:DescribeKey", "kms:GetKeyRotationStatus"]
        );
        let logging = catalog::get("s3.access_logging").unwrap();
        assert_eq!(
            actions_for_result(logging, "AWS::S3::Bucket"),
            ["s3:GetBucketLogging", "s3:ListBucket"]
        );
        // An account check: what it declares, not every action of its service.
        let password = catalog::get("iam.password_policy").unwrap();
        assert_eq!(
            actions_for_result(password, ACCOUNT_TYPE),
            ["iam:GetAccountPasswordPolicy"]
        );
        let template = catalog::get("iq.template_hash").unwrap();
        assert_eq!(
            actions_for_result(template, STACK_TYPE),
            [
                "cloudformation:DescribeStacks",
                "cloudformation:GetTemplate"
            ]
        );
        let exists = catalog::get("iq.resource_exists").unwrap();
        assert!(actions_for_result(exists, "AWS::KMS::Key").contains(&"kms:DescribeKey"));
    }
}
