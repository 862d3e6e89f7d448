//! terraform-provider-gxp: GxP infrastructure qualification (IQ/OQ/PQ) as Terraform resources.
//!
//! The engine (spec model, catalog, collectors, checks, evidence, reports, integrity) is the
//! crate `gxp_core`; this crate is the Terraform layer on top of it:
//! - [`provider`]: protocol glue — the Terraform provider, its configuration and schema helpers.
//! - [`resources`]: Terraform resource and data source glue on top of the engine.
//! - [`convert`]: Terraform values converted for the engine (the specification among them),
//!   and the engine's problems and outcomes as diagnostics at their attribute paths.

pub mod convert;
pub mod provider;
pub mod resources;

/// Provider type name as used in Terraform resource names (`gxp_expected_spec`).
pub const PROVIDER_NAME: &str = "gxp";
/// Provider version, from Cargo.
pub const PROVIDER_VERSION: &str = env!("CARGO_PKG_VERSION");

/// Serve the provider over the Terraform plugin protocol (version 6).
pub async fn serve() -> anyhow::Result<()> {
    tf_provider::serve(PROVIDER_NAME, provider::GxpProvider::new()).await
}
