//! The approved specification: the planned form with its validation, the known model, the
//! canonical form and digest, and state upgrades. Pure logic: no I/O.

pub mod canonical;
pub mod draft;
pub mod model;
pub mod path;
pub mod upgrade;
pub mod validate;

#[cfg(test)]
mod tests;
