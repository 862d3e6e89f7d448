//! The `securityhub.*` checks on the account observation (facet of
//! [`crate::observe::securityhub`]).

pub mod enabled;
