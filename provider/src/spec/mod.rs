//! The specification as Terraform hands it over: configuration form, its conversion into the
//! engine's model, and plan-time validation.

pub mod config;
pub mod validate;

#[cfg(test)]
mod tests;
