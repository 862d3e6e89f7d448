//! End-to-end tests: real Terraform driving the `gxp` provider binary against an
//! AWS emulator (moto by default; see `harness::Backend`).
//!
//! Scenario modules are added next to `harness_smoke`; all of them share the
//! `harness` API.

mod harness;
mod harness_smoke;
