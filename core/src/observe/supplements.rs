//! Supplements: cross-service reads a check needs beyond what its resource's own collector
//! reads (e.g. the AWS Backup selections of the account for `backup.resource_protected` on an
//! S3 bucket or a DynamoDB table). Each is declared once here — the checks that need it, the
//! resource types it serves, the IAM actions it calls, its read — and
//! [`super::collect::collect`] runs it after the service collector, only for a target whose
//! checks include one that needs it, and only when the resource exists. A supplement records
//! its answer as observation properties (ours: CloudFormation has no such property), or a read
//! error on them (the checks reading them are then `error`). Account-wide answers are read
//! once per run ([`crate::aws::run_cache`]).

use futures::future::BoxFuture;

use super::{backup_selections, Existence, Observation, Target};
use crate::aws::AwsContext;

/// A supplement's read: adds its properties (or their read errors) to an existing resource's
/// observation. Never panics.
pub type Supplement = for<'a> fn(&'a AwsContext, &'a mut Observation) -> BoxFuture<'a, ()>;

/// One cross-service read.
#[derive(Debug)]
pub struct Supplemental {
    /// Its name, for messages and the run cache.
    pub name: &'static str,
    /// The checks whose evaluation needs it.
    pub checks: &'static [&'static str],
    /// The CloudFormation types it reads for.
    pub resource_types: &'static [&'static str],
    /// The observation properties it records (or records a read error on).
    pub properties: &'static [&'static str],
    /// The IAM actions it calls (each of its checks declares them too).
    pub iam_actions: &'static [&'static str],
    /// The read.
    pub supplement: Supplement,
}

/// Every supplement.
pub const SUPPLEMENTS: &[&Supplemental] = &[&backup_selections::SUPPLEMENT];

/// The supplement check `check_id` needs, if any.
pub fn for_check(check_id: &str) -> Option<&'static Supplemental> {
    SUPPLEMENTS
        .iter()
        .copied()
        .find(|s| s.checks.contains(&check_id))
}

/// The supplements a target's checks need, for its type.
pub fn needed_by(target: &Target) -> impl Iterator<Item = &'static Supplemental> + '_ {
    SUPPLEMENTS.iter().copied().filter(|s| {
        s.resource_types.contains(&target.resource_type.as_str())
            && target.checks.iter().any(|c| s.checks.contains(&c.as_str()))
    })
}

/// Run the supplements `target` needs on its observation (a resource that exists only).
pub async fn supplement(aws: &AwsContext, target: &Target, obs: &mut Observation) {
    if obs.existence != Existence::Exists {
        return;
    }
    for s in needed_by(target) {
        (s.supplement)(aws, obs).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog;

    #[test]
    fn every_supplement_serves_registered_checks_that_declare_its_actions() {
        for s in SUPPLEMENTS {
            assert!(!s.checks.is_empty(), "{}", s.name);
            for id in s.checks {
                let def = catalog::get(id).unwrap_or_else(|| panic!("{}: no check {id}", s.name));
                for a in s.iam_actions {
                    assert!(def.iam_actions.contains(a), "{id} does not declare {a}");
                }
                for t in def.resource_types {
                    assert!(s.resource_types.contains(t), "{}: {id} on {t}", s.name);
                    assert!(
                        super::super::services::for_resource_type(t).is_some(),
                        "{t}: no collector"
                    );
                }
                assert_eq!(for_check(id).map(|f| f.name), Some(s.name));
            }
        }
        assert!(for_check("s3.versioning").is_none());
    }
}
