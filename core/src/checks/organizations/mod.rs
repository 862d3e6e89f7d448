//! The `organizations.*` checks on the account observation (facet of
//! [`crate::observe::organizations`]).

pub mod account_member;
