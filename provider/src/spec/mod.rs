//! The approved specification: configuration form, known model, canonical form and digest,
//! validation, and state upgrades. Pure logic: no I/O.

pub mod canonical;
pub mod config;
pub mod model;
pub mod upgrade;
pub mod validate;

#[cfg(test)]
mod tests;
