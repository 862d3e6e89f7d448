//! Qualification reports: the model, its canonical JSON form and digest.
//! Renderers for people and tools live beside the model, one module per format.

pub mod csv;
pub mod document;
pub mod formats;
pub mod html;
pub mod jsonl;
pub mod junit;
pub mod model;
pub mod pdf;
pub mod schema;

pub use model::*;

use crate::spec::canonical::canonical_string;
use crate::util::sha256_hex;

/// Identifier of the report JSON format (the schema is `docs/report.schema.json`).
pub const REPORT_FORMAT: &str = "gxp.report/v1";

/// Canonical JSON bytes of a report: sorted keys, no insignificant whitespace.
/// The report's SHA-256 is computed over exactly these bytes, and they are what is filed.
pub fn canonical_bytes(report: &Report) -> Vec<u8> {
    canonical_string(report).into_bytes()
}

/// SHA-256 (hex) of the canonical report.
pub fn sha256(report: &Report) -> String {
    sha256_hex(&canonical_bytes(report))
}
