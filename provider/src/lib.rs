//! terraform-provider-gxp: GxP infrastructure qualification (IQ/OQ/PQ) as Terraform resources.
//!
//! The crate is laid out by architectural role:
//! - [`provider`]: protocol glue — the Terraform provider, its configuration and schema helpers.
//! - [`resources`]: Terraform resource and data source glue on top of the domain modules.
//! - [`spec`]: the approved specification model, its canonical form, digest and validation (pure).
//! - [`catalog`]: the check catalog metadata (pure).
//! - [`aws`]: AWS access — SDK configuration, clients, error classification.
//! - [`observe`]: collectors that read live configuration into observations (I/O).
//! - [`checks`]: check evaluation, pure functions of observations.
//! - [`evidence`]: evidence stores (S3 with Object Lock, local directory, spool).
//! - [`report`]: the report model, its canonical form and renderers.
//! - [`integrity`]: report signatures (KMS) and the auditor's chain verifier.

pub mod aws;
pub mod catalog;
pub mod checks;
pub mod evidence;
pub mod integrity;
pub mod observe;
pub mod provider;
pub mod qualification;
pub mod report;
pub mod resources;
pub mod spec;
pub mod util;

/// Provider type name as used in Terraform resource names (`gxp_expected_spec`).
pub const PROVIDER_NAME: &str = "gxp";
/// Provider version, from Cargo.
pub const PROVIDER_VERSION: &str = env!("CARGO_PKG_VERSION");

/// Serve the provider over the Terraform plugin protocol (version 6).
pub async fn serve() -> anyhow::Result<()> {
    tf_provider::serve(PROVIDER_NAME, provider::GxpProvider::new()).await
}
