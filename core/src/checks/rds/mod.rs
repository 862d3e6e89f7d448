//! The `rds.*` checks on DB instance, cluster and snapshot observations made by
//! [`crate::observe::rds`]: one file per check (definition, evaluator, unit tests), each
//! registered by one line in [`crate::checks::registry`]. This module holds what they share.

pub mod backup_retention;
pub mod cluster_backup_retention;
pub mod cluster_deletion_protection;
pub mod cluster_multi_az;
pub mod cluster_storage_encrypted;
pub mod deletion_protection;
pub mod log_exports;
pub mod multi_az;
pub mod no_public_access;
pub mod snapshot_encrypted;
pub mod snapshot_not_public;
pub mod storage_encrypted;

use super::support::boolean;
use super::Outcome;
use crate::observe::Observation;

/// The resource types the RDS checks apply to.
pub(super) const DB_INSTANCE: &[&str] = &["AWS::RDS::DBInstance"];

/// The resource types the RDS cluster checks apply to.
pub(super) const DB_CLUSTER: &[&str] = &["AWS::RDS::DBCluster"];

/// The resource types the RDS snapshot checks apply to.
pub(super) const SNAPSHOTS: &[&str] = &["AWS::RDS::DBSnapshot", "AWS::RDS::DBClusterSnapshot"];

/// A boolean property that must be true: `yes` / `no` / `not reported`.
pub(super) fn flag(obs: &Observation, property: &str, yes: &str, no: &str) -> Outcome {
    match boolean(obs, property, yes) {
        Err(e) => e,
        Ok(None) => Outcome::verdict(false, yes, "not reported"),
        Ok(Some(b)) => Outcome::verdict(b, yes, if b { yes } else { no }),
    }
}

/// Observations shared by the RDS checks' unit tests.
#[cfg(test)]
pub(super) mod fixtures {
    use crate::checks::{evaluate_id, testing, Outcome};
    use crate::observe::Observation;
    use serde_json::Value as Json;
    use std::collections::BTreeMap;

    pub fn db(props: Json) -> Observation {
        testing::observation("AWS::RDS::DBInstance", "lims", props)
    }

    pub fn run(id: &str, o: &Observation) -> Outcome {
        evaluate_id(id, o, &BTreeMap::new())
    }

    pub fn errored(property: &str) -> Observation {
        let mut o = db(serde_json::json!({}));
        o.error(property, "AccessDenied: not allowed");
        o
    }
}
