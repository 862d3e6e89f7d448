#!/usr/bin/env bash
# Run `terraform test` of every module (modules/**/tests/*.tftest.hcl) against the gxp provider
# under test and the schema-only hashicorp/aws stand-in, from a throwaway plugin mirror.
#
# The runs are tests of the Terraform-native suite (tests/terraform_native, one test per `run`
# block), which `make test` runs with the rest of `cargo test --workspace`; this script runs
# just them. Extra arguments go to the test harness (e.g. a name filter after `--`).
#
# Environment: CARGO (default cargo), CARGO_FLAGS (e.g. --locked), TEST_THREADS (default 2).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
# shellcheck disable=SC2086 # CARGO_FLAGS is a list of flags
exec "${CARGO:-cargo}" test ${CARGO_FLAGS:-} -p terraform-provider-gxp --test terraform_native -- \
    --test-threads="${TEST_THREADS:-2}" terraform_test:: "$@"
