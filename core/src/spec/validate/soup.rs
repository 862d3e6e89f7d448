//! Rules of the `expected_soup` block: Terraform version constraints, provider source
//! addresses, and the traces to requirements.

use super::requirements::Requirements;
use super::{known_str, map_items, Checker, Field, Path, SpecDraft};
use crate::soup::constraint::Constraint;
use crate::spec::model::provider_source;

/// Whether `source` is a provider source address: `NS/TYPE` or `HOST/NS/TYPE`, each part
/// non-empty without spaces.
fn valid_source(source: &str) -> bool {
    let parts: Vec<&str> = source.split('/').collect();
    (2..=3).contains(&parts.len())
        && parts
            .iter()
            .all(|p| !p.is_empty() && !p.contains(char::is_whitespace))
}

fn constraint(c: &mut Checker, value: &str, path: Path) {
    if let Err(e) = Constraint::parse(value) {
        c.add(
            path,
            "Invalid version constraint",
            format!("`{value}` is not a Terraform version constraint (e.g. `>= 1.9, < 2.0`, `~> 5.0`, `= 5.100.0`): {e}."),
        );
    }
}

/// Check the `expected_soup` block of `cfg`.
pub(super) fn check(c: &mut Checker, cfg: &SpecDraft, requirements: &Requirements<'_>) {
    let Field::Known(soup) = &cfg.expected_soup else {
        return;
    };
    let p = || Path::root().attribute("expected_soup");
    if let Some(v) = known_str(&soup.terraform_version) {
        constraint(c, v, p().attribute("terraform_version"));
    } else if matches!(&soup.terraform_version, Field::Known(_)) {
        constraint(c, "", p().attribute("terraform_version"));
    }
    let mut seen: Vec<(String, &str)> = Vec::new();
    for (key, value) in map_items(&soup.providers) {
        let path = || p().attribute("providers").key(key);
        if !valid_source(key) {
            c.add(
                path(),
                "Invalid provider source",
                format!("`{key}` is not a provider source address: give `NAMESPACE/TYPE` (e.g. `hashicorp/aws`) or `HOSTNAME/NAMESPACE/TYPE` as in `required_providers`."),
            );
            continue;
        }
        let full = provider_source(key);
        if let Some((_, other)) = seen.iter().find(|(s, _)| *s == full) {
            c.add(
                path(),
                "Duplicate provider source",
                format!("`{key}` and `{other}` name the same provider `{full}`: give it once."),
            );
        }
        seen.push((full, key));
        match value {
            Field::Known(v) => constraint(c, v, path()),
            Field::Null => constraint(c, "", path()),
            Field::Unknown => {}
        }
    }
    requirements.trace(c, &soup.requirements, &|| p().attribute("requirements"));
}
