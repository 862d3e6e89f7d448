//! The `dynamodb.*` checks on `AWS::DynamoDB::Table` observations made by
//! [`crate::observe::dynamodb`]: one file per check (definition, evaluator, unit tests), each
//! registered by one line in [`crate::checks::registry`].

pub mod kms;
pub mod pitr;

/// The resource types the DynamoDB checks apply to.
pub(super) const TABLE: &[&str] = &["AWS::DynamoDB::Table"];

/// Observations shared by the DynamoDB checks' unit tests.
#[cfg(test)]
pub(super) mod fixtures {
    use crate::checks::testing;
    use crate::observe::Observation;
    use serde_json::Value as Json;

    pub fn table(props: Json) -> Observation {
        testing::observation("AWS::DynamoDB::Table", "lims", props)
    }

    /// Runs through the catalog so the parameter defaults apply.
    pub use testing::run;
}
