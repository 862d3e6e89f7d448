//! gxp-core: the GxP qualification engine (IQ/OQ/PQ), independent of Terraform.
//!
//! The crate is laid out by architectural role:
//! - [`spec`]: the approved specification model, its canonical form, digest and upgrades (pure).
//! - [`approval`]: electronic signatures of the specification and their verification.
//! - [`catalog`]: the check catalog metadata (pure).
//! - [`aws`]: AWS access — SDK configuration, clients, error classification.
//! - [`observe`]: collectors that read live configuration into observations (I/O).
//! - [`checks`]: check evaluation, pure functions of observations.
//! - [`evidence`]: evidence stores (S3 with Object Lock, local directory, spool).
//! - [`report`]: the report model, its canonical form and renderers.
//! - [`integrity`]: report signatures (KMS) and the auditor's chain verifier.
//! - [`qualification`]: the run — observe, evaluate, assemble, file.
//! - [`policy`]: the least-privilege IAM policy a qualification needs (pure).

pub mod approval;
pub mod aws;
pub mod catalog;
pub mod checks;
pub mod evidence;
pub mod integrity;
pub mod observe;
pub mod policy;
pub mod qualification;
pub mod report;
pub mod soup;
pub mod spec;
pub mod util;
