//! The `lambda.*` checks on `AWS::Lambda::Function` observations made by
//! [`crate::observe::lambda`]: one file per check (definition, evaluator, unit tests), each
//! registered by one line in [`crate::checks::registry`].

pub mod not_public;

/// The resource types the Lambda checks apply to.
pub(super) const FUNCTION: &[&str] = &["AWS::Lambda::Function"];
