//! The specification as Terraform hands it over, and its conversion into the engine's planned
//! form ([`gxp_core::spec::draft`]), where it is validated and canonicalised.

pub mod config;
