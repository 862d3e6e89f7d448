//! Rules of the specification's header: `name`, `version`, `system` and `approval`.

use super::{identifier_problem, known_str, Checker, Field, Path, SpecDraft};
use super::{CLOCK_SKEW_SECONDS, GAMP_CATEGORIES, RISK_CLASSES};
use crate::util::parse_time;

/// Check the header of `cfg`.
pub(super) fn check(c: &mut Checker, cfg: &SpecDraft, now: time::OffsetDateTime) {
    let root = Path::root;
    if let Some(name) = c.required(&cfg.name, root().attribute("name"), "name") {
        if let Some(why) = identifier_problem(name) {
            c.add(
                root().attribute("name"),
                "Invalid specification name",
                format!("`{}` {why}.", name.escape_debug()),
            );
        }
    }
    c.required(&cfg.version, root().attribute("version"), "version");

    if let Field::Known(sys) = &cfg.system {
        let p = || root().attribute("system");
        c.required(
            &sys.application_id,
            p().attribute("application_id"),
            "system.application_id",
        );
        c.required(
            &sys.environment,
            p().attribute("environment"),
            "system.environment",
        );
        if let Field::Known(cat) = sys.gamp_category {
            if !GAMP_CATEGORIES.contains(&cat) {
                c.add(
                    p().attribute("gamp_category"),
                    "Invalid GAMP category",
                    format!("GAMP 5 software categories are 1, 3, 4 and 5; got {cat}."),
                );
            }
        }
        if let Some(risk) = known_str(&sys.risk_class) {
            if !RISK_CLASSES.contains(&risk) {
                c.add(
                    p().attribute("risk_class"),
                    "Invalid risk class",
                    format!("Use one of {RISK_CLASSES:?}; got `{risk}`."),
                );
            }
        }
    }

    if let Field::Known(a) = &cfg.approval {
        let p = || root().attribute("approval");
        c.required(
            &a.approved_by,
            p().attribute("approved_by"),
            "approval.approved_by",
        );
        c.required(
            &a.change_reference,
            p().attribute("change_reference"),
            "approval.change_reference",
        );
        if let Some(at) = c.required(
            &a.approved_at,
            p().attribute("approved_at"),
            "approval.approved_at",
        ) {
            match parse_time(at) {
                None => c.add(
                    p().attribute("approved_at"),
                    "Invalid approval date",
                    format!("`{at}` is not an RFC 3339 timestamp (e.g. 2026-03-01T09:30:00Z) or a YYYY-MM-DD date."),
                ),
                Some(t) if (t - now).whole_seconds() > CLOCK_SKEW_SECONDS => c.add(
                    p().attribute("approved_at"),
                    "Approval dated in the future",
                    format!("The specification is approved at {at}, which is later than now. A specification cannot be approved before it is signed."),
                ),
                Some(_) => {}
            }
        }
    }
}
