//! Tamper evidence of filed reports: KMS signatures and the auditor's verifier.
//!
//! Every report `KEY.json` is filed with two companions:
//! - `KEY.json.sha256`: its SHA-256 in `sha256sum` format (`HEX  FILENAME`);
//! - `KEY.json.sig` (when a signing key is configured): a [`sign::SignatureFile`], a KMS
//!   signature over that SHA-256.
//!
//! Reports of one qualification form a chain: each carries its `qualification.sequence`
//! and the SHA-256 of the previous report, so an altered, removed, duplicated or reordered
//! report is detected.
//!
//! - [`sign`]: sign a report digest with an asymmetric KMS key and verify a signature (I/O).
//! - [`chain`]: hash, chain and signature-digest checks over collected reports, the chain
//!   order ([`chain::order_time`]) and the head of a chain (pure): the one chain walk of the
//!   verifier and of every run.
//! - [`collect`]: read reports and their companions from a store (the one reader).
//! - [`sequence`]: a report's place in its chain, claimed once in the store (the chain
//!   cannot fork): claims, places, sealing a report at its place.
//! - [`head`]: where a qualification's chain continues, from its claims and reports in the
//!   store and in the spool (used by every run before it checks anything, and when it files).
//! - [`verify`]: the `verify` subcommand: collect reports from a file, a directory or S3,
//!   run the checks, verify signatures through KMS, print a summary.

pub mod chain;
pub mod collect;
pub mod head;
pub mod sequence;
pub mod sign;
pub mod verify;

/// Suffix of the SHA-256 companion of a report (`KEY.json.sha256`).
pub const SHA256_SUFFIX: &str = ".sha256";
/// Suffix of the signature companion of a report (`KEY.json.sig`).
pub const SIGNATURE_SUFFIX: &str = ".sig";
/// Extension of report files.
pub const REPORT_EXTENSION: &str = ".json";

/// The key (or path) of the signature companion of the report at `report_key`.
pub fn signature_key(report_key: &str) -> String {
    format!("{report_key}{SIGNATURE_SUFFIX}")
}

/// The key (or path) of the SHA-256 companion of the report at `report_key`.
pub fn sha256_key(report_key: &str) -> String {
    format!("{report_key}{SHA256_SUFFIX}")
}
