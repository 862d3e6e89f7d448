//! The `rds.*` checks on `AWS::RDS::DBInstance` observations made by
//! [`crate::observe::rds`]: one file per check (definition, evaluator, unit tests), each
//! registered by one line in [`crate::checks::registry`]. This module holds what they share.

pub mod backup_retention;
pub mod deletion_protection;
pub mod multi_az;
pub mod storage_encrypted;

use super::support::boolean;
use super::Outcome;
use crate::observe::Observation;

/// The resource types the RDS checks apply to.
pub(super) const DB_INSTANCE: &[&str] = &["AWS::RDS::DBInstance"];

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
