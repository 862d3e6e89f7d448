//! Rules of the `expected_account` block: checks that apply to the account
//! (`AWS::::Account`), their parameters, traces; and the account's key, which no expected
//! resource may take.

use super::requirements::Requirements;
use super::resources::{checks_and_parameters, Resources};
use super::{list_items, Checker, Field, Path, SpecDraft};
use crate::catalog;
use crate::spec::model::{ACCOUNT_KEY, ACCOUNT_TYPE};

/// Whether the specification has an account target (or may have one: not known yet).
pub(super) struct Account {
    pub(super) present: bool,
}

/// Check the `expected_account` block of `cfg`.
pub(super) fn check(
    c: &mut Checker,
    cfg: &SpecDraft,
    requirements: &Requirements<'_>,
    resources: &Resources<'_>,
) -> Account {
    let account = match &cfg.expected_account {
        Field::Known(a) => a,
        Field::Unknown => return Account { present: true },
        Field::Null => return Account { present: false },
    };
    let p = || Path::root().attribute("expected_account");
    if resources.types.contains_key(ACCOUNT_KEY) {
        c.add(
            p(),
            "Resource key reserved for the account",
            format!("An expected_resource has key `{ACCOUNT_KEY}`, which names the account target of `expected_account` in reports and suppressions: rename that resource."),
        );
    }
    checks_and_parameters(
        c,
        &account.checks,
        &account.check_parameters,
        Some(ACCOUNT_TYPE),
        &p,
        "account",
    );
    for (j, id) in list_items(&account.checks) {
        if let Some(def) = catalog::get(id) {
            if def.resource_types.is_empty() {
                c.add(
                    p().attribute("checks").index(j as i64),
                    "Check does not apply to this resource type",
                    format!(
                        "`{id}` applies to expected resources and stacks, not to {ACCOUNT_TYPE}."
                    ),
                );
            }
        }
    }
    requirements.trace(c, &account.requirements, &|| p().attribute("requirements"));
    Account { present: true }
}
