//! cargo-fuzz harness of target `check_params` (body: `gxp_fuzz::check_params::run`).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| gxp_fuzz::check_params::run(data));
