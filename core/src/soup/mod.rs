//! SOUP ("software of unknown provenance") of the infrastructure code: the Terraform
//! version, every provider (locked and installed) and every module of the working directory
//! a qualification runs in, recorded in the IQ report and compared with the specification's
//! `expected_soup`.
//!
//! - [`model`]: the inventory as the report records it;
//! - [`lock`]: the dependency lock file `.terraform.lock.hcl` (pure);
//! - [`modules`]: the module manifest `modules.json` (pure);
//! - [`constraint`]: Terraform version constraints (pure);
//! - [`collect`]: reading the inventory of a working directory (I/O);
//! - [`changes`]: what changed between two inventories (pure).

pub mod changes;
pub mod collect;
pub mod constraint;
pub mod lock;
pub mod model;
pub mod modules;

pub use model::*;
