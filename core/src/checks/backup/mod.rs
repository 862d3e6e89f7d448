//! The `backup.*` checks on `AWS::Backup::BackupVault` and `AWS::Backup::BackupPlan`
//! observations made by [`crate::observe::backup`]: one file per check (definition,
//! evaluator, unit tests), each registered by one line in [`crate::checks::registry`].

pub mod plan_min_frequency_retention;
pub mod recovery_point_encrypted;
pub mod recovery_point_min_retention;
pub mod resource_protected;
pub mod vault_locked;

use serde_json::Value as Json;

use super::support::property;
use super::Outcome;
use crate::observe::Observation;

/// The resource types of the vault checks.
pub(super) const VAULT: &[&str] = &["AWS::Backup::BackupVault"];
/// The resource types of the plan checks.
pub(super) const PLAN: &[&str] = &["AWS::Backup::BackupPlan"];

/// The vault's recovery points; a vault without any fails (nothing was backed up into it),
/// an unreadable list is an error.
pub(super) fn recovery_points<'a>(
    obs: &'a Observation,
    expected: &str,
) -> Result<&'a Vec<Json>, Outcome> {
    match property(obs, "RecoveryPoints", expected)?.and_then(Json::as_array) {
        None => Err(Outcome::error(
            expected,
            "the vault's recovery points were not reported",
        )),
        Some(points) if points.is_empty() => Err(Outcome::verdict(
            false,
            expected,
            "no recovery points in the vault",
        )),
        Some(points) => Ok(points),
    }
}

/// The name of a recovery point in messages: the last part of its ARN.
pub(super) fn point_name(p: &Json) -> &str {
    p.get("RecoveryPointArn")
        .and_then(Json::as_str)
        .map_or("(unnamed)", |a| a.rsplit(':').next().unwrap_or(a))
}
