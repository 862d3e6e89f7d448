//! Plan-time validation of a specification, with the attribute path of every problem.
//!
//! Unknown values (not known until apply) are skipped; everything known is checked.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::OnceLock;

use regex::Regex;
use tf_provider::value::Value;
use tf_provider::AttributePath;

use super::config::{SpecConfig, Str, StrList, StrMap};
use gxp_core::catalog;
use gxp_core::spec::canonical::parse_properties;
use gxp_core::util::parse_time;

/// One validation finding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub path: AttributePath,
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

fn re(cell: &'static OnceLock<Regex>, pattern: &str) -> &'static Regex {
    cell.get_or_init(|| Regex::new(pattern).expect("static regex"))
}

/// `AWS::Service::Resource`.
pub fn is_cfn_type(text: &str) -> bool {
    static R: OnceLock<Regex> = OnceLock::new();
    re(&R, r"^[A-Za-z0-9]+::[A-Za-z0-9]+::[A-Za-z0-9]+$").is_match(text)
}

/// `arn:partition:service:region:account:resource`.
pub fn is_arn(text: &str) -> bool {
    static R: OnceLock<Regex> = OnceLock::new();
    re(
        &R,
        r"^arn:aws(-cn|-us-gov|-iso|-iso-b)?:[a-z0-9-]+:([a-z]{2}(-[a-z]+)+-\d)?:(\d{12}|aws)?:.+$",
    )
    .is_match(text)
}

/// Lowercase or uppercase 64-digit hex.
pub fn is_sha256_hex(text: &str) -> bool {
    text.len() == 64 && text.bytes().all(|b| b.is_ascii_hexdigit())
}

/// Identifiers (names, requirement ids, resource keys): an ASCII letter or digit, then ASCII
/// letters, digits and `_ . : / -`.
pub fn is_identifier(text: &str) -> bool {
    identifier_problem(text).is_none()
}

/// Why `text` is not an identifier (see [`is_identifier`]), naming the offending character;
/// `None` when it is one.
pub fn identifier_problem(text: &str) -> Option<String> {
    const ALLOWED: &str = "use ASCII letters, digits and _ . : / -";
    let describe = |c: char| match c {
        ' ' => "a space".to_string(),
        c if c.is_whitespace() => format!("whitespace (U+{:04X})", c as u32),
        c if c.is_control() => format!("the control character U+{:04X}", c as u32),
        c if !c.is_ascii() => format!("the non-ASCII character `{c}` (U+{:04X})", c as u32),
        c => format!("`{c}`"),
    };
    let allowed = |c: char| c.is_ascii_alphanumeric() || "_.:/-".contains(c);
    let Some(first) = text.chars().next() else {
        return Some("is empty".into());
    };
    if !first.is_ascii_alphanumeric() {
        return Some(format!(
            "must start with an ASCII letter or digit, not {}",
            describe(first)
        ));
    }
    text.chars()
        .find(|c| !allowed(*c))
        .map(|c| format!("contains {}; {ALLOWED}", describe(c)))
}

struct Checker {
    problems: Vec<Problem>,
}

impl Checker {
    fn add(&mut self, path: AttributePath, summary: impl Into<String>, detail: impl Into<String>) {
        self.problems.push(Problem {
            path,
            summary: summary.into(),
            detail: detail.into(),
        });
    }

    /// A required, non-empty string. Returns the value when known.
    fn required<'a>(&mut self, v: &'a Str, path: AttributePath, what: &str) -> Option<&'a str> {
        match v {
            Value::Value(s) if !s.trim().is_empty() => Some(s),
            Value::Value(_) | Value::Null => {
                self.add(
                    path,
                    format!("Missing {what}"),
                    format!("`{what}` must be set to a non-empty value."),
                );
                None
            }
            Value::Unknown => None,
        }
    }
}

fn known_str(v: &Str) -> Option<&str> {
    match v {
        Value::Value(s) if !s.is_empty() => Some(s),
        _ => None,
    }
}

fn items<T>(v: &Value<Vec<T>>) -> &[T] {
    match v {
        Value::Value(items) => items,
        _ => &[],
    }
}

fn list_items(v: &StrList) -> impl Iterator<Item = (usize, &str)> {
    items(v)
        .iter()
        .enumerate()
        .filter_map(|(i, s)| known_str(s).map(|s| (i, s)))
}

fn map_items(v: &StrMap) -> Vec<(&str, &Str)> {
    match v {
        Value::Value(m) => m.iter().map(|(k, v)| (k.as_str(), v)).collect(),
        _ => Vec::new(),
    }
}

/// Validate a specification configuration; `now` is passed in so tests are deterministic.
pub fn validate(cfg: &SpecConfig, now: time::OffsetDateTime) -> Vec<Problem> {
    let mut c = Checker {
        problems: Vec::new(),
    };
    let root = AttributePath::root;

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

    if let Value::Value(sys) = &cfg.system {
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
        if let Value::Value(cat) = sys.gamp_category {
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

    if let Value::Value(a) = &cfg.approval {
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

    let check_trace = |c: &mut Checker, list: &StrList, path: &dyn Fn() -> AttributePath| {
        if !requirements_known {
            return;
        }
        for (j, id) in list_items(list) {
            if !requirement_ids.contains(id) {
                c.add(
                    path().index(j as i64),
                    "Expectation traces to an undefined requirement",
                    format!("Requirement `{id}` is not defined in a `requirement` block of this specification."),
                );
            }
        }
    };

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
        check_trace(&mut c, &s.requirements, &|| p().attribute("requirements"));
    }

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
        if matches!(&r.identifier, Value::Value(id) if id.trim().is_empty()) {
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
            if stacks_known && !stack_names.contains(stack) {
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
        let mut checks_here: Vec<&str> = Vec::new();
        for (j, id) in list_items(&r.checks) {
            match catalog::get(id) {
                None => c.add(
                    p().attribute("checks").index(j as i64),
                    "Unknown check id",
                    format!(
                        "`{id}` is not in the check catalog (see data source gxp_check_catalog)."
                    ),
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
        for (k, v) in map_items(&r.check_parameters) {
            let known_param = k.rsplit_once('.').and_then(|(check, param)| {
                catalog::get(check).map(|def| (check, def.param(param)))
            });
            if let (Some((_, Some(param))), Value::Value(value)) = (known_param, v) {
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
                Some((check, true)) if !r.checks.is_unknown() && !checks_here.contains(&check) => {
                    Some(format!(
                        "`{check}` is not listed in this resource's `checks`."
                    ))
                }
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
        check_trace(&mut c, &r.requirements, &|| p().attribute("requirements"));
    }

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
            if resources_known && !resource_types.contains_key(k) {
                c.add(
                    p().attribute("resource_key"),
                    "Suppression of an undefined resource",
                    format!("No expected_resource has key `{k}`."),
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
            Value::Value(r) if !r.trim().is_empty() => {}
            Value::Unknown => {}
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
    c.problems
}
