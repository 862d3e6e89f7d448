//! cargo-fuzz harness of target `report_parse` (body: `gxp_fuzz::report_parse::run`).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| gxp_fuzz::report_parse::run(data));
