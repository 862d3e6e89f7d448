//! Rules of expected resources: unique keys, type names, how each is located (identifier or
//! stack and logical id), expected properties, checks that apply to the type, their
//! parameters, traces.

use std::collections::HashMap;

use super::requirements::Requirements;
use super::stacks::Stacks;
use super::{
    identifier_problem, is_arn, is_cfn_type, items, known_str, list_items, map_items, Checker,
    Field, Path, SpecDraft, TextList, TextMap,
};
use crate::catalog;
use crate::spec::canonical::parse_properties;

/// The resources a specification expects: key → type (when known).
pub(super) struct Resources<'a> {
    pub(super) types: HashMap<&'a str, Option<&'a str>>,
    /// Whether every key is known (references to resources are checked only then).
    pub(super) known: bool,
}

/// Check the expected resources of `cfg`.
pub(super) fn check<'a>(
    c: &mut Checker,
    cfg: &'a SpecDraft,
    requirements: &Requirements<'_>,
    stacks: &Stacks<'_>,
) -> Resources<'a> {
    let root = Path::root;
    // Resources: unique keys, types, identifiers, checks, parameters, traces.
    let mut resource_types: HashMap<&str, Option<&str>> = HashMap::new();
    let mut resources_known = !cfg.expected_resource.is_unknown();
    for (i, r) in items(&cfg.expected_resource).iter().enumerate() {
        let p = || root().attribute("expected_resource").index(i as i64);
        if r.key.is_unknown() {
            resources_known = false;
        }
        let ty = c.required(
            &r.resource_type,
            p().attribute("type"),
            "expected_resource.type",
        );
        if let Some(t) = ty {
            if !is_cfn_type(t) {
                c.add(
                    p().attribute("type"),
                    "Malformed resource type",
                    format!("`{t}` is not a CloudFormation type name such as AWS::S3::Bucket."),
                );
            }
        }
        if let Some(key) = c.required(&r.key, p().attribute("key"), "expected_resource.key") {
            if let Some(why) = identifier_problem(key) {
                c.add(
                    p().attribute("key"),
                    "Invalid resource key",
                    format!("`{}` {why} (e.g. evidence_bucket).", key.escape_debug()),
                );
            }
            if resource_types.insert(key, ty).is_some() {
                c.add(
                    p().attribute("key"),
                    "Duplicate resource key",
                    format!("Resource key `{key}` is used by more than one expected_resource."),
                );
            }
        }
        if matches!(&r.identifier, Field::Known(id) if id.trim().is_empty()) {
            c.add(
                p().attribute("identifier"),
                "Empty identifier",
                "`identifier` is set but empty: give the resource's physical id or ARN, or leave it out and set `stack_name` and `logical_id`.",
            );
        }
        if let Some(id) = known_str(&r.identifier) {
            if id.starts_with("arn:") && !is_arn(id) {
                c.add(
                    p().attribute("identifier"),
                    "Malformed ARN",
                    format!(
                        "`{id}` is not of the form arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE."
                    ),
                );
            }
        }
        let has_identifier = !r.identifier.is_null();
        let has_logical = !r.stack_name.is_null() && !r.logical_id.is_null();
        if !has_identifier && !has_logical {
            c.add(
                p().attribute("identifier"),
                "Resource cannot be located",
                "Set `identifier` (physical id or ARN), or both `stack_name` and `logical_id`.",
            );
        }
        if r.stack_name.is_null() != r.logical_id.is_null() {
            c.add(
                p().attribute(if r.logical_id.is_null() {
                    "logical_id"
                } else {
                    "stack_name"
                }),
                "Incomplete stack reference",
                "`stack_name` and `logical_id` are set together.",
            );
        }
        if let Some(stack) = known_str(&r.stack_name) {
            if stacks.known && !stacks.names.contains(stack) {
                c.add(
                    p().attribute("stack_name"),
                    "Reference to an undefined stack",
                    format!("Stack `{stack}` has no expected_stack block in this specification."),
                );
            }
        }
        if let Some(props) = known_str(&r.properties) {
            if let Err(e) = parse_properties(props) {
                c.add(
                    p().attribute("properties"),
                    "Invalid expected properties",
                    format!("`properties` {e}."),
                );
            }
        }
        checks_and_parameters(c, &r.checks, &r.check_parameters, ty, &p, "resource");
        requirements.trace(c, &r.requirements, &|| p().attribute("requirements"));
    }

    Resources {
        types: resource_types,
        known: resources_known,
    }
}

/// Rules of a target's `checks` and `check_parameters` (an expected resource of type `ty`,
/// or the account): known check ids that apply to the type; parameters `CHECK_ID.PARAM` of
/// listed checks, each of its parameter's form. `what` names the target in messages.
pub(super) fn checks_and_parameters(
    c: &mut Checker,
    checks: &TextList,
    check_parameters: &TextMap,
    ty: Option<&str>,
    p: &dyn Fn() -> Path,
    what: &str,
) {
    let mut checks_here: Vec<&str> = Vec::new();
    for (j, id) in list_items(checks) {
        match catalog::get(id) {
            None => c.add(
                p().attribute("checks").index(j as i64),
                "Unknown check id",
                format!("`{id}` is not in the check catalog (see data source gxp_check_catalog)."),
            ),
            Some(def) => {
                checks_here.push(id);
                if let Some(t) = ty {
                    if !def.resource_types.is_empty() && !def.resource_types.contains(&t) {
                        c.add(
                            p().attribute("checks").index(j as i64),
                            "Check does not apply to this resource type",
                            format!("`{id}` applies to {:?}, not to {t}.", def.resource_types),
                        );
                    }
                }
            }
        }
    }
    for (k, v) in map_items(check_parameters) {
        let known_param = k
            .rsplit_once('.')
            .and_then(|(check, param)| catalog::get(check).map(|def| (check, def.param(param))));
        if let (Some((_, Some(param))), Field::Known(value)) = (known_param, v) {
            if let Some(Err(e)) = catalog::params::parse_entry(k, value) {
                c.add(
                    p().attribute("check_parameters").key(k.to_string()),
                    "Invalid check parameter value",
                    format!(
                        "`{value}` is not a valid value for `{k}` ({}): expected {}. {}",
                        e.reason, e.expected, param.description
                    ),
                );
            }
        }
        let known_param = known_param.map(|(check, param)| (check, param.is_some()));
        let problem = match known_param {
            None => Some(format!(
                "`{k}` must be CHECK_ID.PARAMETER with a catalog check id."
            )),
            Some((_, false)) => Some(format!("The check has no parameter named in `{k}`.")),
            Some((check, true)) if !checks.is_unknown() && !checks_here.contains(&check) => Some(
                format!("`{check}` is not listed in this {what}'s `checks`."),
            ),
            Some(_) => None,
        };
        if let Some(detail) = problem {
            c.add(
                p().attribute("check_parameters").key(k.to_string()),
                "Unknown check parameter",
                detail,
            );
        }
    }
}
