//! The `guardduty.*` checks on the account observation (facet of [`crate::observe::guardduty`]).

pub mod enabled;
