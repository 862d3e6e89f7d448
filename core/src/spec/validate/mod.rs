//! Plan-time validation of a specification, with the path of every problem, one module per
//! family of rules:
//!
//! - [`header`]: name, version, `system` and `approval`;
//! - [`signatures`]: the approval's electronic signatures and `required_signatures` (their
//!   form only: verification needs the provider's trust list);
//! - [`requirements`]: requirement ids, controls and severities, and the traces to them;
//! - [`stacks`]: expected stacks (names, template digests, resource types);
//! - [`resources`]: expected resources (keys, types, locations, properties, checks and
//!   their parameters);
//! - [`account`]: the `expected_account` block (checks of the account, their parameters,
//!   traces);
//! - [`soup`]: the `expected_soup` block (version constraints, provider sources, traces);
//! - [`suppressions`]: suppressions (known check and resource, justification, expiry);
//! - [`forms`]: the lexical forms the rules share.
//!
//! Unknown values (not known until apply) are skipped; everything known is checked. The
//! families run in this order, so problems are reported in the order of the configuration.

mod account;
pub mod forms;
mod header;
mod requirements;
mod resources;
mod signatures;
mod soup;
mod stacks;
mod suppressions;

pub use forms::*;

use super::draft::{Field, SpecDraft, Text, TextList, TextMap};
use super::path::Path;

/// One validation finding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub path: Path,
    pub summary: String,
    pub detail: String,
}

/// Allowed severity classes of a requirement.
pub const SEVERITIES: [&str; 3] = ["security", "functional", "cosmetic"];
/// Allowed GAMP 5 software categories.
pub const GAMP_CATEGORIES: [i64; 4] = [1, 3, 4, 5];
/// Allowed risk classes.
pub const RISK_CLASSES: [&str; 3] = ["low", "medium", "high"];
/// Tolerated clock skew when checking that an approval is not dated in the future.
pub const CLOCK_SKEW_SECONDS: i64 = 300;

/// Validate a planned specification; `now` is passed in so tests are deterministic.
pub fn validate(draft: &SpecDraft, now: time::OffsetDateTime) -> Vec<Problem> {
    let mut c = Checker::default();
    header::check(&mut c, draft, now);
    signatures::check(&mut c, draft, now);
    let requirements = requirements::check(&mut c, draft);
    let stacks = stacks::check(&mut c, draft, &requirements);
    let resources = resources::check(&mut c, draft, &requirements, &stacks);
    let account = account::check(&mut c, draft, &requirements, &resources);
    suppressions::check(&mut c, draft, &resources, &account);
    soup::check(&mut c, draft, &requirements);
    c.problems
}

/// Collects the problems of one validation, in order.
#[derive(Default)]
pub(super) struct Checker {
    pub(super) problems: Vec<Problem>,
}

impl Checker {
    pub(super) fn add(
        &mut self,
        path: Path,
        summary: impl Into<String>,
        detail: impl Into<String>,
    ) {
        self.problems.push(Problem {
            path,
            summary: summary.into(),
            detail: detail.into(),
        });
    }

    /// A required, non-empty string. Returns the value when known.
    pub(super) fn required<'a>(&mut self, v: &'a Text, path: Path, what: &str) -> Option<&'a str> {
        match v {
            Field::Known(s) if !s.trim().is_empty() => Some(s),
            Field::Known(_) | Field::Null => {
                self.add(
                    path,
                    format!("Missing {what}"),
                    format!("`{what}` must be set to a non-empty value."),
                );
                None
            }
            Field::Unknown => None,
        }
    }
}

pub(super) fn known_str(v: &Text) -> Option<&str> {
    match v {
        Field::Known(s) if !s.is_empty() => Some(s),
        _ => None,
    }
}

pub(super) fn items<T>(v: &Field<Vec<T>>) -> &[T] {
    match v {
        Field::Known(items) => items,
        _ => &[],
    }
}

pub(super) fn list_items(v: &TextList) -> impl Iterator<Item = (usize, &str)> {
    items(v)
        .iter()
        .enumerate()
        .filter_map(|(i, s)| known_str(s).map(|s| (i, s)))
}

pub(super) fn map_items(v: &TextMap) -> Vec<(&str, &Text)> {
    match v {
        Field::Known(m) => m.iter().map(|(k, v)| (k.as_str(), v)).collect(),
        _ => Vec::new(),
    }
}
