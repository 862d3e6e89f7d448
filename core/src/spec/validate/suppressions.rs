//! Rules of suppressions: a known check on a defined resource, once; a written reason and an
//! approver; a well-formed expiry.

use std::collections::BTreeMap;

use super::account::Account;
use super::resources::Resources;
use super::{items, known_str, Checker, Field, Path, SpecDraft};
use crate::catalog;
use crate::spec::model::ACCOUNT_KEY;
use crate::util::parse_time;

/// Check the suppressions of `cfg`.
pub(super) fn check(
    c: &mut Checker,
    cfg: &SpecDraft,
    resources: &Resources<'_>,
    account: &Account,
) {
    let root = Path::root;
    // Suppressions: reason and approver mandatory; known check; defined resource.
    let mut seen: BTreeMap<(String, String), usize> = BTreeMap::new();
    for (i, s) in items(&cfg.suppression).iter().enumerate() {
        let p = || root().attribute("suppression").index(i as i64);
        let check = c.required(&s.check, p().attribute("check"), "suppression.check");
        if let Some(id) = check {
            if catalog::get(id).is_none() {
                c.add(
                    p().attribute("check"),
                    "Unknown check id",
                    format!("`{id}` is not in the check catalog."),
                );
            }
        }
        let key = c.required(
            &s.resource_key,
            p().attribute("resource_key"),
            "suppression.resource_key",
        );
        if let Some(k) = key {
            let the_account = account.present && k == ACCOUNT_KEY;
            if resources.known && !resources.types.contains_key(k) && !the_account {
                c.add(
                    p().attribute("resource_key"),
                    "Suppression of an undefined resource",
                    format!(
                        "No expected_resource has key `{k}`{}.",
                        if k == ACCOUNT_KEY {
                            " and the specification has no expected_account block"
                        } else {
                            ""
                        }
                    ),
                );
            }
        }
        if let (Some(ch), Some(k)) = (check, key) {
            if seen.insert((ch.into(), k.into()), i).is_some() {
                c.add(
                    p(),
                    "Duplicate suppression",
                    format!("`{ch}` on `{k}` is suppressed more than once."),
                );
            }
        }
        match &s.reason {
            Field::Known(r) if !r.trim().is_empty() => {}
            Field::Unknown => {}
            _ => c.add(
                p().attribute("reason"),
                "Suppression without a reason",
                "Every suppression needs a written justification: auditors read each one.",
            ),
        }
        c.required(
            &s.approved_by,
            p().attribute("approved_by"),
            "suppression.approved_by",
        );
        if let Some(exp) = known_str(&s.expires) {
            if parse_time(exp).is_none() {
                c.add(
                    p().attribute("expires"),
                    "Invalid expiry",
                    format!("`{exp}` is not an RFC 3339 timestamp or a YYYY-MM-DD date."),
                );
            }
        }
    }
}
