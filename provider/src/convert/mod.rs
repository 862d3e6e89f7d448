//! Conversion between Terraform values and the engine's types, and the engine's problems and
//! outcomes as Terraform diagnostics at their attribute paths.
//!
//! - [`values`]: Terraform values (null, unknown, known) and the plain values the engine takes.
//! - [`spec`]: the specification as Terraform hands it over, converted into the engine's
//!   planned form ([`gxp_core::spec::draft`]), where it is validated and canonicalised.
//! - [`diagnostics`]: configuration problems at the attribute paths Terraform shows them at.
//! - [`results`]: a run's messages and failed checks as diagnostics.

pub mod diagnostics;
pub mod results;
pub mod spec;
pub mod values;
