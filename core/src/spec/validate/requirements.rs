//! Rules of requirements: unique ids, known control references and severities; and the
//! traces of expectations to requirements.

use std::collections::HashSet;

use super::SEVERITIES;
use super::{identifier_problem, items, known_str, list_items, Checker, Path, SpecDraft, TextList};
use crate::catalog;

/// The requirements a specification defines.
pub(super) struct Requirements<'a> {
    ids: HashSet<&'a str>,
    /// Whether every id is known (traces are checked only then).
    known: bool,
}

/// Check the requirements of `cfg`.
pub(super) fn check<'a>(c: &mut Checker, cfg: &'a SpecDraft) -> Requirements<'a> {
    let root = Path::root;
    // Requirements: unique ids, known controls and severities.
    let mut requirement_ids: HashSet<&str> = HashSet::new();
    let mut requirements_known = !cfg.requirement.is_unknown();
    for (i, r) in items(&cfg.requirement).iter().enumerate() {
        let p = || root().attribute("requirement").index(i as i64);
        if r.id.is_unknown() {
            requirements_known = false;
        }
        if let Some(id) = c.required(&r.id, p().attribute("id"), "requirement.id") {
            if let Some(why) = identifier_problem(id) {
                c.add(
                    p().attribute("id"),
                    "Invalid requirement id",
                    format!("`{}` {why} (e.g. URS-001).", id.escape_debug()),
                );
            }
            if !requirement_ids.insert(id) {
                c.add(
                    p().attribute("id"),
                    "Duplicate requirement id",
                    format!("Requirement `{id}` is defined more than once."),
                );
            }
        }
        c.required(&r.text, p().attribute("text"), "requirement.text");
        for (j, control) in list_items(&r.controls) {
            if !catalog::is_known_control(control) {
                c.add(
                    p().attribute("controls").index(j as i64),
                    "Unknown regulatory control reference",
                    format!("`{control}` is not a recognised control reference. Use forms such as 21CFR11.10(e), Annex11-9, HIPAA-164.312(b)."),
                );
            }
        }
        if let Some(sev) = known_str(&r.severity) {
            if !SEVERITIES.contains(&sev) {
                c.add(
                    p().attribute("severity"),
                    "Invalid severity class",
                    format!("Use one of {SEVERITIES:?}; got `{sev}`."),
                );
            }
        }
    }

    Requirements {
        ids: requirement_ids,
        known: requirements_known,
    }
}

impl Requirements<'_> {
    /// Check that the requirement ids in `list` are defined (skipped while some id is
    /// unknown).
    pub(super) fn trace(&self, c: &mut Checker, list: &TextList, path: &dyn Fn() -> Path) {
        if !self.known {
            return;
        }
        for (j, id) in list_items(list) {
            if !self.ids.contains(id) {
                c.add(
                    path().index(j as i64),
                    "Expectation traces to an undefined requirement",
                    format!("Requirement `{id}` is not defined in a `requirement` block of this specification."),
                );
            }
        }
    }
}
