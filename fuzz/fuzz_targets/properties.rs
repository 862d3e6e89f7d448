//! cargo-fuzz harness of target `properties` (body: `gxp_fuzz::properties::run`).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| gxp_fuzz::properties::run(data));
