//! Fuzz targets of terraform-provider-gxp, as plain functions over fuzzer bytes.
//!
//! Each target is `fn(&[u8])` and panics when a property does not hold. The cargo-fuzz
//! harness (`fuzz_targets/`, run by `make fuzz`) and the corpus replay test of `make test`
//! (`tests/fuzz_corpus.rs`, on stable Rust) call the same functions; the replay test
//! includes this file as a module, so items refer to each other with `super::`.
//!
//! | target | input | what it checks |
//! |---|---|---|
//! | `spec` | structured `gxp_expected_spec` values | validation, model, canonical JSON, digest, plan/apply |
//! | `spec_json` | JSON text | `properties`, `spec_document`, state upgrades |
//! | `check_params` | structured parameters and observations | typed check parameters, evaluation |
//! | `properties` | structured JSON | `iq.resource_properties` comparison |
//! | `chain` | structured chains and alterations | the verifier's chain walk and signature selection |
//! | `report_parse` | bytes | report, `.sha256`, `.sig` and argument parsing |

pub mod chain;
pub mod check_params;
pub mod gen;
pub mod properties;
pub mod report_parse;
pub mod spec;
pub mod spec_json;

/// A fuzz target: its name (the `fuzz_targets/NAME.rs` harness, the `corpus/NAME` seeds)
/// and its body.
pub struct Target {
    pub name: &'static str,
    pub run: fn(&[u8]),
}

/// Every target.
pub const TARGETS: &[Target] = &[
    Target {
        name: "spec",
        run: spec::run,
    },
    Target {
        name: "spec_json",
        run: spec_json::run,
    },
    Target {
        name: "check_params",
        run: check_params::run,
    },
    Target {
        name: "properties",
        run: properties::run,
    },
    Target {
        name: "chain",
        run: chain::run,
    },
    Target {
        name: "report_parse",
        run: report_parse::run,
    },
];
