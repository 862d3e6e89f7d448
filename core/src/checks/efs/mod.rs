//! The `efs.*` checks on `AWS::EFS::FileSystem` observations made by [`crate::observe::efs`]:
//! one file per check (definition, evaluator, unit tests), each registered by one line in
//! [`crate::checks::registry`].

pub mod backup_policy;
pub mod encrypted;

/// The resource types the EFS checks apply to.
pub(super) const FILE_SYSTEM: &[&str] = &["AWS::EFS::FileSystem"];
