//! cargo-fuzz harness of target `spec` (body: `gxp_fuzz::spec::run`).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| gxp_fuzz::spec::run(data));
