//! End-to-end tests: real Terraform driving the `gxp` provider binary against an
//! AWS emulator (moto by default; see `harness::Backend`).
//!
//! Scenario modules are added next to `harness_smoke`; all of them share the
//! `harness` API.

mod harness;
mod harness_smoke;

mod fixtures;

mod account_checks;
mod backup_protected;
mod catalog_fixtures;
mod chain_claims;
mod collect_ec2_rds;
mod collect_s3_kms;
mod collect_stack;
mod collect_trail_config_logs;
mod discovery;
mod evidence_store;
mod expected_account;
mod faults;
mod iam_actions;
mod iam_policy;
mod identity;
mod modules;
mod progress_log;
mod provider_config;
mod qualification;
mod report_e2e;
mod requalification;
mod results_in_state;
mod signatures;
mod soup;
mod spec;
mod verify;
