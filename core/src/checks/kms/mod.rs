//! The `kms.*` checks on `AWS::KMS::Key` observations (shape: see [`crate::observe::kms`]):
//! one file per check (definition, evaluator, unit tests), each registered by one line in
//! [`crate::checks::registry`].

pub mod enabled;
pub mod rotation;

/// The resource types the KMS checks apply to.
pub(super) const KMS_KEY: &[&str] = &["AWS::KMS::Key"];

/// Observations shared by the KMS checks' unit tests.
#[cfg(test)]
pub(super) mod fixtures {
    use crate::checks::{testing, Outcome};
    use crate::observe::Observation;

    pub fn key(props: serde_json::Value) -> Observation {
        testing::observation("AWS::KMS::Key", "1234", props)
    }

    pub fn run(id: &str, obs: &Observation) -> Outcome {
        testing::run(id, obs, &[])
    }
}
