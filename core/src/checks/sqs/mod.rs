//! The `sqs.*` checks on `AWS::SQS::Queue` observations made by [`crate::observe::sqs`]: one
//! file per check (definition, evaluator, unit tests), each registered by one line in
//! [`crate::checks::registry`].

pub mod kms;

/// The resource types the SQS checks apply to.
pub(super) const QUEUE: &[&str] = &["AWS::SQS::Queue"];
