//! The `logs.*` checks on `AWS::Logs::LogGroup` observations (shape: see
//! [`crate::observe::logs`]): one file per check (definition, evaluator, unit tests), each
//! registered by one line in [`crate::checks::registry`].

pub mod kms;
pub mod retention;

/// The resource types the CloudWatch Logs checks apply to.
pub(super) const LOG_GROUP: &[&str] = &["AWS::Logs::LogGroup"];

/// Observations shared by the CloudWatch Logs checks' unit tests.
#[cfg(test)]
pub(super) mod fixtures {
    use crate::checks::testing;
    use crate::observe::Observation;
    use serde_json::Value as Json;

    pub fn obs(props: Json) -> Observation {
        testing::observation("AWS::Logs::LogGroup", "/gxp/app", props)
    }

    /// Runs through the catalog so the parameter defaults apply.
    pub use testing::run;
}
