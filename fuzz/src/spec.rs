//! Target `spec`: Terraform values of `gxp_expected_spec` → validation → known model →
//! canonical JSON → digest, and the plan/apply computation of the resource.
//!
//! Asserts, for every configuration Terraform can hand over:
//! - validation and conversion never panic;
//! - a configuration that validation accepts, with every value known, converts to a model
//!   (whatever plan would reject must have been a plan-time diagnostic with its path);
//! - the canonical JSON is JSON, is its own canonical form, parses back to the same model,
//!   and its digest is the SHA-256 of exactly that text;
//! - the digest does not depend on the order of blocks, list items or JSON object members,
//!   on duplicated list items, or on giving a template as body or as (uppercase) SHA-256,
//!   as long as the identities (requirement ids, resource keys, ...) are unique;
//! - apply reproduces the plan exactly, re-planning an unchanged specification keeps digest
//!   and revision, and a changed digest increments the revision.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use arbitrary::{Result, Unstructured};
use serde_json::{Map, Value as Json};
use tf_provider::value::Value;
use tf_provider::Diagnostics;

use gxp::convert::spec::*;
use gxp::resources::expected_spec::compute;
use gxp_core::catalog;
use gxp_core::spec::canonical;
use gxp_core::spec::model::Spec;
use gxp_core::util::sha256_hex;

use super::gen::{self, list, tf, tf_word, word};

/// Validate a `gxp_expected_spec` configuration as plan does (the engine's rules over the
/// provider's draft of it).
pub fn validate(
    cfg: &SpecConfig,
    now: time::OffsetDateTime,
) -> Vec<gxp_core::spec::validate::Problem> {
    gxp_core::spec::validate::validate(&draft(cfg), now)
}

/// The known model of a `gxp_expected_spec` configuration, as plan converts it.
pub fn to_model(cfg: &SpecConfig) -> Result<Spec, gxp_core::spec::draft::Incomplete> {
    gxp_core::spec::draft::to_model(&draft(cfg))
}

/// Fixed "now" of validation (approval dates are compared with it).
pub fn now() -> time::OffsetDateTime {
    time::macros::datetime!(2026-06-01 00:00:00 UTC)
}

/// Words the generator draws from, many taken from the check catalog.
struct Vocab {
    check_ids: Vec<String>,
    param_keys: Vec<String>,
    types: Vec<String>,
    controls: Vec<String>,
}

fn vocab() -> &'static Vocab {
    static V: OnceLock<Vocab> = OnceLock::new();
    V.get_or_init(|| {
        let all = catalog::all();
        let mut check_ids: Vec<String> = all.iter().map(|c| c.id.to_string()).collect();
        check_ids.extend(["s3.bogus".into(), "".into(), "iq".into()]);
        let mut param_keys: Vec<String> = all
            .iter()
            .flat_map(|c| c.params.iter().map(move |p| format!("{}.{}", c.id, p.name)))
            .collect();
        param_keys.extend(["s3.versioning.nope".into(), "bogus".into(), ".x".into()]);
        let mut types: Vec<String> = all
            .iter()
            .flat_map(|c| c.resource_types.iter().map(|t| t.to_string()))
            .collect();
        types.sort();
        types.dedup();
        types.extend([
            "AWS::Bogus::Thing".into(),
            "AWS::S3".into(),
            "aws::s3::bucket".into(),
        ]);
        let mut controls: Vec<String> = all
            .iter()
            .flat_map(|c| c.controls.iter().map(|t| t.to_string()))
            .collect();
        controls.sort();
        controls.dedup();
        controls.extend(["21CFR11".into(), "Annex 11-9".into(), "21CFR11.10(".into()]);
        Vocab {
            check_ids,
            param_keys,
            types,
            controls,
        }
    })
}

const NAMES: &[&str] = &[
    "lims-prod",
    "lims",
    "A1",
    "x y",
    "",
    " ",
    ".",
    "..",
    "-a",
    "a/b",
];
const VERSIONS: &[&str] = &["1", "1.2", ""];
const APPS: &[&str] = &["lims", "eqms", "", "lims prod"];
const ENVS: &[&str] = &["prod", "validation", ""];
const RISKS: &[&str] = &["low", "medium", "high", "HIGH", ""];
const PEOPLE: &[&str] = &["qa@example.com", "Jane Doe", "", " "];
const DATES: &[&str] = &[
    "2026-01-01",
    "2026-03-01T09:30:00Z",
    "2026-05-31T23:59:59+02:00",
    "2026-06-01T00:04:59Z",
    "2026-06-01T00:05:01Z",
    "2999-01-01",
    "2026-13-01",
    "yesterday",
    "",
];
const CHANGES: &[&str] = &["CR-2026-014", "CR-1", ""];
const REQ_IDS: &[&str] = &["URS-001", "URS-002", "FS-1", "", "URS 1"];
const SEVERITIES: &[&str] = &["security", "functional", "cosmetic", "Security", ""];
const KEYS: &[&str] = &["bucket", "trail", "key", "bucket2", "", "a b"];
const IDENTIFIERS: &[&str] = &[
    "my-bucket",
    "arn:aws:s3:::my-bucket",
    "arn:aws:kms:us-east-1:123456789012:key/1234",
    "arn:bogus",
    "",
    " ",
];
const STACKS: &[&str] = &["app", "app-stack", ""];
const LOGICAL: &[&str] = &["Bucket", "Key", "Trail"];
const PROPERTY_TEXTS: &[&str] = &["{}", "[]", "{", "null", "1", "{\"a\":1,\"a\":2}", " { } "];
const PARAM_VALUES: &[&str] = &[
    "365",
    "2555d",
    "abc",
    "",
    "22,3389",
    "-1",
    "0",
    "COMPLIANCE",
    "GOVERNANCE",
    "1e3",
];
const HASHES: &[&str] = &[
    "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
    "9F86D081884C7D659A2FEAA0C55AD015A3BF4F1B2B0B822CD15D6C15B0F00A08",
    "xyz",
    "",
];
const BODIES: &[&str] = &["Resources: {}", "", "{\"Resources\":{}}"];
const OUTPUT_KEYS: &[&str] = &["BucketName", "Env", "KeyArn"];
const REASONS: &[&str] = &["accepted risk, CAPA-7", "", " "];
const CONSTRAINTS: &[&str] = &[
    ">= 1.9, < 2.0",
    "~> 5.0",
    "= 0.1.0",
    "5.100.0",
    "~>",
    "",
    ">= one",
    "1.2.3.4",
    "= 1.12.0-beta1",
];
const SOURCES: &[&str] = &[
    "hashicorp/aws",
    "registry.terraform.io/hashicorp/aws",
    "gxp/gxp",
    "aws",
    "a/b/c/d",
    "",
];
const EXPIRIES: &[&str] = &[
    "2027-01-01",
    "2020-01-01",
    "2026-06-01T00:00:00Z",
    "bad",
    "",
];

fn str_list<S: AsRef<str>>(u: &mut Unstructured, vocab: &[S]) -> Result<StrList> {
    tf(u, true, |u| list(u, 3, |u| tf(u, true, |u| word(u, vocab))))
}

fn str_map<K: AsRef<str>, V: AsRef<str>>(
    u: &mut Unstructured,
    keys: &[K],
    values: &[V],
) -> Result<StrMap> {
    tf(u, true, |u| {
        let mut map = BTreeMap::new();
        for _ in 0..u.int_in_range(0..=3)? {
            map.insert(word(u, keys)?, tf(u, true, |u| word(u, values))?);
        }
        Ok(map)
    })
}

fn properties_text(u: &mut Unstructured) -> Result<String> {
    if u.ratio(1, 4)? {
        word(u, PROPERTY_TEXTS)
    } else {
        Ok(Json::Object(gen::json_object(u, 1)?).to_string())
    }
}

/// A `gxp_expected_spec` configuration as Terraform hands it over (required blocks and
/// attributes present, possibly unknown; computed attributes not yet known).
pub fn config(u: &mut Unstructured) -> Result<SpecConfig> {
    let v = vocab();
    let system = SystemConfig {
        application_id: tf_word(u, false, APPS)?,
        environment: tf_word(u, false, ENVS)?,
        gamp_category: tf(u, true, |u| {
            Ok(match u.int_in_range(0u8..=7)? {
                0 => i64::MAX,
                1 => 2,
                2 => -1,
                _ => *u.choose(&[1, 3, 4, 5])?,
            })
        })?,
        risk_class: tf_word(u, true, RISKS)?,
    };
    let approval = ApprovalConfig {
        approved_by: tf_word(u, false, PEOPLE)?,
        approved_at: tf_word(u, false, DATES)?,
        change_reference: tf_word(u, false, CHANGES)?,
        reason: tf_word(u, true, &["first release", ""])?,
        signature: Value::Null,
    };
    let requirement = tf(u, true, |u| {
        list(u, 3, |u| {
            Ok(RequirementConfig {
                id: tf_word(u, false, REQ_IDS)?,
                text: tf_word(u, false, &["Records are retained", ""])?,
                controls: str_list(u, &v.controls)?,
                severity: tf_word(u, true, SEVERITIES)?,
            })
        })
    })?;
    let expected_resource = tf(u, true, |u| {
        list(u, 3, |u| {
            Ok(ExpectedResourceConfig {
                key: tf_word(u, false, KEYS)?,
                resource_type: tf_word(u, false, &v.types)?,
                identifier: tf_word(u, true, IDENTIFIERS)?,
                stack_name: tf_word(u, true, STACKS)?,
                logical_id: tf_word(u, true, LOGICAL)?,
                properties: tf(u, true, properties_text)?,
                checks: str_list(u, &v.check_ids)?,
                check_parameters: str_map(u, &v.param_keys, PARAM_VALUES)?,
                requirements: str_list(u, REQ_IDS)?,
            })
        })
    })?;
    let expected_stack = tf(u, true, |u| {
        list(u, 2, |u| {
            Ok(ExpectedStackConfig {
                name: tf_word(u, false, STACKS)?,
                template_sha256: tf_word(u, true, HASHES)?,
                template_body: tf_word(u, true, BODIES)?,
                outputs: str_map(u, OUTPUT_KEYS, NAMES)?,
                parameters: str_map(u, OUTPUT_KEYS, &["prod", "****"])?,
                resources: str_map(u, LOGICAL, &v.types)?,
                requirements: str_list(u, REQ_IDS)?,
            })
        })
    })?;
    let suppression = tf(u, true, |u| {
        list(u, 2, |u| {
            Ok(SuppressionConfig {
                check: tf_word(u, false, &v.check_ids)?,
                resource_key: tf_word(u, false, KEYS)?,
                reason: tf_word(u, false, REASONS)?,
                approved_by: tf_word(u, false, PEOPLE)?,
                expires: tf_word(u, true, EXPIRIES)?,
            })
        })
    })?;
    // Drawn last, so earlier corpus inputs decode as before.
    let expected_soup = tf(u, true, |u| {
        list(u, 1, |u| {
            Ok(ExpectedSoupConfig {
                terraform_version: tf_word(u, true, CONSTRAINTS)?,
                providers: str_map(u, SOURCES, CONSTRAINTS)?,
                requirements: str_list(u, REQ_IDS)?,
            })
        })
    })?;
    Ok(SpecConfig {
        id: Value::Unknown,
        name: tf_word(u, false, NAMES)?,
        version: tf_word(u, false, VERSIONS)?,
        description: tf_word(u, true, &["LIMS production", ""])?,
        digest: Value::Unknown,
        revision: Value::Unknown,
        canonical_json: Value::Unknown,
        system: Value::Value(system),
        approval: Value::Value(approval),
        requirement,
        expected_resource,
        expected_stack,
        suppression,
        // Read last, so the inputs of the corpus keep their meaning for the fields above.
        required_signatures: str_list(u, &["reviewed", "approved", "reviewed", "liked"])?,
        signing_digest: Value::Unknown,
        expected_account: Value::Null,
        expected_soup,
    })
}

/// Run the target on fuzzer bytes.
pub fn run(data: &[u8]) {
    let mut u = Unstructured::new(data);
    let Ok(cfg) = config(&mut u) else {
        return;
    };
    let problems = validate(&cfg, now());
    let model = to_model(&cfg);
    if problems.is_empty() && !has_unknown(&cfg) {
        assert!(
            model.is_ok(),
            "validation accepted a specification that plan rejects: {model:?}\n{cfg:#?}"
        );
    }
    let Ok(spec) = model else {
        return;
    };
    let digest = check_canonical(&spec);
    if unique_identities(&spec) {
        if let Ok(variant) = equivalent(&mut u, &cfg) {
            let other = to_model(&variant)
                .unwrap_or_else(|e| panic!("an equivalent configuration does not convert: {e:?}"));
            assert_eq!(
                canonical::canonical_json(&other),
                canonical::canonical_json(&spec),
                "reordering blocks, list items or JSON members changed the canonical form"
            );
        }
    }
    check_plan_and_apply(&cfg, &digest);
}

/// Canonical JSON and digest properties; returns the digest.
pub fn check_canonical(spec: &Spec) -> String {
    let text = canonical::canonical_json(spec);
    let value: Json = serde_json::from_str(&text)
        .unwrap_or_else(|e| panic!("canonical JSON is not JSON ({e}): {text}"));
    let mut again = String::new();
    canonical::write_canonical(&value, &mut again);
    assert_eq!(again, text, "canonical JSON is not its own canonical form");
    let parsed = canonical::from_canonical_json(&text)
        .unwrap_or_else(|e| panic!("canonical JSON does not parse back: {e}\n{text}"));
    assert_eq!(&parsed, spec, "canonical JSON does not round-trip");
    let digest = canonical::digest(spec);
    assert_eq!(digest, sha256_hex(text.as_bytes()));
    assert_eq!(canonical::digest(&parsed), digest, "digest is not stable");
    assert!(
        digest.len() == 64
            && digest
                .bytes()
                .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
    );
    digest
}

/// Plan (create), apply, re-plan and a changed plan through the resource's computation.
fn check_plan_and_apply(cfg: &SpecConfig, digest: &str) {
    let mut diags = Diagnostics::default();
    let planned = compute(&mut diags, cfg.clone(), None).expect("a convertible spec plans");
    assert_eq!(planned.digest, Value::Value(digest.to_string()));
    assert_eq!(planned.revision, Value::Value(1));
    let applied = compute(&mut diags, planned.clone(), None).expect("apply");
    assert_eq!(
        applied, planned,
        "apply produced another state than planned"
    );
    let replanned = compute(&mut diags, cfg.clone(), Some(&applied)).expect("re-plan");
    assert_eq!(
        replanned, applied,
        "re-planning an unchanged specification changed it"
    );

    let mut changed = cfg.clone();
    changed.version = Value::Value(format!("{}+1", known_or_empty(&cfg.version)));
    let next = compute(&mut diags, changed.clone(), Some(&applied)).expect("changed plan");
    assert_ne!(next.digest, applied.digest, "a new version kept the digest");
    assert_eq!(
        next.revision,
        Value::Value(2),
        "a changed digest must increment the revision"
    );
    let next_applied = compute(&mut diags, next.clone(), Some(&applied)).expect("changed apply");
    assert_eq!(
        next_applied, next,
        "apply of an update produced another state than planned"
    );
    assert!(diags.errors.is_empty(), "{diags:?}");
}

fn known_or_empty(v: &Str) -> String {
    match v {
        Value::Value(s) => s.clone(),
        _ => String::new(),
    }
}

/// Whether identities that the canonical order sorts by are unique (validation insists).
fn unique_identities(spec: &Spec) -> bool {
    fn unique<T: Ord>(mut items: Vec<T>) -> bool {
        let n = items.len();
        items.sort();
        items.dedup();
        items.len() == n
    }
    unique(spec.requirements.iter().map(|r| &r.id).collect())
        && unique(spec.resources.iter().map(|r| &r.key).collect())
        && unique(spec.stacks.iter().map(|s| &s.name).collect())
        && unique(
            spec.suppressions
                .iter()
                .map(|s| (&s.check, &s.resource_key))
                .collect(),
        )
}

/// The same specification written differently: blocks and list items reordered, a list
/// item repeated, JSON members reordered and re-indented, template body given as digest.
fn equivalent(u: &mut Unstructured, cfg: &SpecConfig) -> Result<SpecConfig> {
    let mut out = cfg.clone();
    if let Value::Value(reqs) = &cfg.requirement {
        let mut reqs = gen::shuffle(u, reqs)?;
        for r in &mut reqs {
            r.controls = reorder_list(u, &r.controls)?;
        }
        out.requirement = Value::Value(reqs);
    }
    if let Value::Value(resources) = &cfg.expected_resource {
        let mut resources = gen::shuffle(u, resources)?;
        for r in &mut resources {
            r.checks = reorder_list(u, &r.checks)?;
            r.requirements = reorder_list(u, &r.requirements)?;
            if let Value::Value(text) = &r.properties {
                if let Ok(Json::Object(map)) = serde_json::from_str::<Json>(text) {
                    let reordered = reorder_json(u, &Json::Object(map))?;
                    r.properties = Value::Value(
                        serde_json::to_string_pretty(&reordered).expect("JSON serializes"),
                    );
                }
            }
        }
        out.expected_resource = Value::Value(resources);
    }
    if let Value::Value(stacks) = &cfg.expected_stack {
        let mut stacks = gen::shuffle(u, stacks)?;
        for s in &mut stacks {
            s.requirements = reorder_list(u, &s.requirements)?;
            let no_hash = matches!(&s.template_sha256, Value::Null)
                || matches!(&s.template_sha256, Value::Value(h) if h.is_empty());
            if let (true, Value::Value(body)) = (no_hash, &s.template_body) {
                if !body.is_empty() && u.ratio(1, 2)? {
                    s.template_sha256 = Value::Value(sha256_hex(body.as_bytes()).to_uppercase());
                    s.template_body = Value::Null;
                }
            }
        }
        out.expected_stack = Value::Value(stacks);
    }
    if let Value::Value(suppressions) = &cfg.suppression {
        out.suppression = Value::Value(gen::shuffle(u, suppressions)?);
    }
    Ok(out)
}

/// Items reordered, the first one possibly repeated at the end.
fn reorder_list(u: &mut Unstructured, v: &StrList) -> Result<StrList> {
    Ok(match v {
        Value::Value(items) => {
            let mut items = gen::shuffle(u, items)?;
            if let Some(first) = items.first().cloned() {
                if u.ratio(1, 3)? {
                    items.push(first);
                }
            }
            Value::Value(items)
        }
        other => other.clone(),
    })
}

/// Object members reordered at every depth.
fn reorder_json(u: &mut Unstructured, v: &Json) -> Result<Json> {
    Ok(match v {
        Json::Object(map) => {
            let entries: Vec<(&String, &Json)> = map.iter().collect();
            let mut out = Map::new();
            for (k, v) in gen::shuffle(u, &entries)? {
                out.insert(k.clone(), reorder_json(u, v)?);
            }
            Json::Object(out)
        }
        Json::Array(items) => Json::Array(
            items
                .iter()
                .map(|i| reorder_json(u, i))
                .collect::<Result<_>>()?,
        ),
        other => other.clone(),
    })
}

/// Whether any attribute that conversion reads is unknown.
fn has_unknown(cfg: &SpecConfig) -> bool {
    fn s(v: &Str) -> bool {
        v.is_unknown()
    }
    fn l(v: &StrList) -> bool {
        match v {
            Value::Value(items) => items.iter().any(s),
            other => other.is_unknown(),
        }
    }
    fn m(v: &StrMap) -> bool {
        match v {
            Value::Value(items) => items.values().any(s),
            other => other.is_unknown(),
        }
    }
    fn blocks<T>(v: &Value<Vec<T>>, f: impl Fn(&T) -> bool) -> bool {
        match v {
            Value::Value(items) => items.iter().any(f),
            other => other.is_unknown(),
        }
    }
    let system = match &cfg.system {
        Value::Value(x) => {
            s(&x.application_id)
                || s(&x.environment)
                || x.gamp_category.is_unknown()
                || s(&x.risk_class)
        }
        other => other.is_unknown(),
    };
    let approval = match &cfg.approval {
        Value::Value(a) => {
            s(&a.approved_by) || s(&a.approved_at) || s(&a.change_reference) || s(&a.reason)
        }
        other => other.is_unknown(),
    };
    system
        || approval
        || l(&cfg.required_signatures)
        || s(&cfg.name)
        || s(&cfg.version)
        || s(&cfg.description)
        || blocks(&cfg.requirement, |r| {
            s(&r.id) || s(&r.text) || l(&r.controls) || s(&r.severity)
        })
        || blocks(&cfg.expected_resource, |r| {
            s(&r.key)
                || s(&r.resource_type)
                || s(&r.identifier)
                || s(&r.stack_name)
                || s(&r.logical_id)
                || s(&r.properties)
                || l(&r.checks)
                || m(&r.check_parameters)
                || l(&r.requirements)
        })
        || blocks(&cfg.expected_stack, |x| {
            s(&x.name)
                || s(&x.template_sha256)
                || s(&x.template_body)
                || m(&x.outputs)
                || m(&x.parameters)
                || m(&x.resources)
                || l(&x.requirements)
        })
        || blocks(&cfg.suppression, |x| {
            s(&x.check) || s(&x.resource_key) || s(&x.reason) || s(&x.approved_by) || s(&x.expires)
        })
}
