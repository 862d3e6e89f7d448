//! The `secretsmanager.*` checks on `AWS::SecretsManager::Secret` observations made by
//! [`crate::observe::secretsmanager`]: one file per check (definition, evaluator, unit tests),
//! each registered by one line in [`crate::checks::registry`].

pub mod kms_cmk;
pub mod rotation;

/// The resource types the Secrets Manager checks apply to.
pub(super) const SECRET: &[&str] = &["AWS::SecretsManager::Secret"];

/// Observations shared by the Secrets Manager checks' unit tests.
#[cfg(test)]
pub(super) mod fixtures {
    use crate::checks::testing;
    use crate::observe::Observation;
    use serde_json::Value as Json;

    pub fn secret(props: Json) -> Observation {
        testing::observation("AWS::SecretsManager::Secret", "lims/db", props)
    }

    /// Runs through the catalog so the parameter defaults apply.
    pub use testing::run;
}
