//! cargo-fuzz harness of target `chain` (body: `gxp_fuzz::chain::run`).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| gxp_fuzz::chain::run(data));
