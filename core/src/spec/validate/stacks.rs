//! Rules of expected stacks: unique names, template digest forms, resource type names,
//! traces.

use std::collections::HashSet;

use super::requirements::Requirements;
use super::{is_cfn_type, is_sha256_hex, items, known_str, map_items, Checker, Path, SpecDraft};

/// The stacks a specification expects.
pub(super) struct Stacks<'a> {
    pub(super) names: HashSet<&'a str>,
    /// Whether every name is known (references to stacks are checked only then).
    pub(super) known: bool,
}

/// Check the expected stacks of `cfg`.
pub(super) fn check<'a>(
    c: &mut Checker,
    cfg: &'a SpecDraft,
    requirements: &Requirements<'_>,
) -> Stacks<'a> {
    let root = Path::root;
    // Stacks: unique names, template hash form, resource types.
    let mut stack_names: HashSet<&str> = HashSet::new();
    let mut stacks_known = !cfg.expected_stack.is_unknown();
    for (i, s) in items(&cfg.expected_stack).iter().enumerate() {
        let p = || root().attribute("expected_stack").index(i as i64);
        if s.name.is_unknown() {
            stacks_known = false;
        }
        if let Some(name) = c.required(&s.name, p().attribute("name"), "expected_stack.name") {
            if !stack_names.insert(name) {
                c.add(
                    p().attribute("name"),
                    "Duplicate stack expectation",
                    format!("Stack `{name}` is expected more than once."),
                );
            }
        }
        if known_str(&s.template_sha256).is_some() && known_str(&s.template_body).is_some() {
            c.add(
                p().attribute("template_body"),
                "Conflicting template expectations",
                "Set either `template_sha256` or `template_body`, not both.",
            );
        }
        if let Some(h) = known_str(&s.template_sha256) {
            if !is_sha256_hex(h) {
                c.add(
                    p().attribute("template_sha256"),
                    "Malformed template SHA-256",
                    format!("`{h}` is not 64 hexadecimal digits."),
                );
            }
        }
        for (logical_id, ty) in map_items(&s.resources) {
            if let Some(ty) = known_str(ty) {
                if !is_cfn_type(ty) {
                    c.add(
                        p().attribute("resources").key(logical_id.to_string()),
                        "Malformed resource type",
                        format!(
                            "`{ty}` is not a CloudFormation type name such as AWS::S3::Bucket."
                        ),
                    );
                }
            }
        }
        requirements.trace(c, &s.requirements, &|| p().attribute("requirements"));
    }

    Stacks {
        names: stack_names,
        known: stacks_known,
    }
}
