//! Schema-only stand-in for the hashicorp/aws provider, for tests on machines where the real
//! provider cannot be installed.
//!
//! It serves the hashicorp/aws 5.100.0 schema (converted by `scripts/aws_schema.py` from
//! `@cdktf/provider-aws` and cached by `make tools` in `.tools/aws-schema/schema.json`) over
//! plugin protocol 6, validates provider, resource and data source configurations against it
//! ([`validate`]) and refuses, with a diagnostic, to plan, apply, read or import anything:
//! `terraform validate` and `terraform test` with `mock_provider "aws"` work, a real plan
//! does not. It is installed only into throwaway filesystem mirrors of the tests.

pub mod provider;
pub mod schema;
pub mod validate;

pub use provider::StandIn;
