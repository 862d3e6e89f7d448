//! The `cloudwatch.*` checks on `AWS::CloudWatch::Alarm` observations made by
//! [`crate::observe::cloudwatch`]: one file per check (definition, evaluator, unit tests),
//! each registered by one line in [`crate::checks::registry`].

pub mod alarm_actions;

/// The resource types the CloudWatch checks apply to.
pub(super) const ALARM: &[&str] = &["AWS::CloudWatch::Alarm"];
