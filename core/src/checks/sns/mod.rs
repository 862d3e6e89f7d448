//! The `sns.*` checks on `AWS::SNS::Topic` observations made by [`crate::observe::sns`]: one
//! file per check (definition, evaluator, unit tests), each registered by one line in
//! [`crate::checks::registry`].

pub mod kms;

/// The resource types the SNS checks apply to.
pub(super) const TOPIC: &[&str] = &["AWS::SNS::Topic"];
