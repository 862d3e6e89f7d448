//! The approved specification: known model, canonical form and digest, and state upgrades.
//! Pure logic: no I/O.

pub mod canonical;
pub mod model;
pub mod upgrade;
