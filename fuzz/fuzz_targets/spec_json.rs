//! cargo-fuzz harness of target `spec_json` (body: `gxp_fuzz::spec_json::run`).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| gxp_fuzz::spec_json::run(data));
