//! Canonical JSON form of a specification and its SHA-256 digest.
//!
//! The canonical form (documented in `docs/resources/expected_spec.md`) is:
//! - a JSON object `{"format":"gxp.spec/v1","spec":{...}}`, UTF-8, no insignificant whitespace;
//! - object members sorted by key (byte order), at every depth, including `properties`;
//! - null and empty optional values omitted;
//! - collections whose order carries no meaning sorted by their identity: requirements by
//!   id, resources by key, stacks by name, suppressions by (check, resource key); string
//!   lists (controls, checks, requirement ids) sorted and de-duplicated;
//! - a stack's `template_body` replaced by its lowercase SHA-256 (`template_sha256`).
//!
//! The same specification therefore has the same digest whatever the order of blocks or
//! attributes in HCL, the machine or the run.

use std::collections::BTreeMap;

use serde_json::Value as Json;
use tf_provider::value::Value;

use super::config::{SpecConfig, Str, StrList, StrMap};
use super::model::*;
use crate::util::sha256_hex;

/// Identifier of the canonical format; part of the digested bytes.
pub const CANONICAL_FORMAT: &str = "gxp.spec/v1";

/// Why a configuration could not be turned into a [`Spec`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Incomplete {
    /// Some value is not known until apply.
    Unknown,
    /// Some value is missing or malformed (validation reports it with its path).
    Invalid(String),
}

type R<T> = Result<T, Incomplete>;

fn known(v: &Str, what: &str) -> R<String> {
    match v {
        Value::Value(s) => Ok(s.clone()),
        Value::Unknown => Err(Incomplete::Unknown),
        Value::Null => Err(Incomplete::Invalid(format!("{what} is missing"))),
    }
}

fn optional(v: &Str) -> R<Option<String>> {
    match v {
        Value::Value(s) if s.is_empty() => Ok(None),
        Value::Value(s) => Ok(Some(s.clone())),
        Value::Null => Ok(None),
        Value::Unknown => Err(Incomplete::Unknown),
    }
}

fn string_set(v: &StrList) -> R<Vec<String>> {
    let mut out = Vec::new();
    match v {
        Value::Value(items) => {
            for item in items {
                if let Some(s) = optional(item)? {
                    out.push(s);
                }
            }
        }
        Value::Null => {}
        Value::Unknown => return Err(Incomplete::Unknown),
    }
    out.sort();
    out.dedup();
    Ok(out)
}

fn string_map(v: &StrMap) -> R<BTreeMap<String, String>> {
    let mut out = BTreeMap::new();
    match v {
        Value::Value(items) => {
            for (k, item) in items {
                match item {
                    Value::Value(s) => {
                        out.insert(k.clone(), s.clone());
                    }
                    Value::Null => {
                        out.insert(k.clone(), String::new());
                    }
                    Value::Unknown => return Err(Incomplete::Unknown),
                }
            }
        }
        Value::Null => {}
        Value::Unknown => return Err(Incomplete::Unknown),
    }
    Ok(out)
}

fn blocks<T>(v: &Value<Vec<T>>) -> R<&[T]> {
    match v {
        Value::Value(items) => Ok(items),
        Value::Null => Ok(&[]),
        Value::Unknown => Err(Incomplete::Unknown),
    }
}

/// Parse a `properties` JSON document; it must be an object.
pub fn parse_properties(text: &str) -> Result<Json, String> {
    let value: Json = serde_json::from_str(text).map_err(|e| format!("not valid JSON: {e}"))?;
    if !value.is_object() {
        return Err("must be a JSON object (use jsonencode({ ... }))".into());
    }
    Ok(value)
}

/// Build the known model from configuration, in canonical order.
pub fn to_model(cfg: &SpecConfig) -> R<Spec> {
    let system = match &cfg.system {
        Value::Value(s) => System {
            application_id: known(&s.application_id, "system.application_id")?,
            environment: known(&s.environment, "system.environment")?,
            gamp_category: match s.gamp_category {
                Value::Value(n) => Some(n),
                Value::Null => None,
                Value::Unknown => return Err(Incomplete::Unknown),
            },
            risk_class: optional(&s.risk_class)?,
        },
        Value::Null => return Err(Incomplete::Invalid("system block is missing".into())),
        Value::Unknown => return Err(Incomplete::Unknown),
    };
    let approval = match &cfg.approval {
        Value::Value(a) => Approval {
            approved_by: known(&a.approved_by, "approval.approved_by")?,
            approved_at: known(&a.approved_at, "approval.approved_at")?,
            change_reference: known(&a.change_reference, "approval.change_reference")?,
            reason: optional(&a.reason)?,
        },
        Value::Null => return Err(Incomplete::Invalid("approval block is missing".into())),
        Value::Unknown => return Err(Incomplete::Unknown),
    };

    let mut requirements = Vec::new();
    for r in blocks(&cfg.requirement)? {
        requirements.push(Requirement {
            id: known(&r.id, "requirement.id")?,
            text: known(&r.text, "requirement.text")?,
            controls: string_set(&r.controls)?,
            severity: optional(&r.severity)?.unwrap_or_else(|| "functional".into()),
        });
    }
    requirements.sort_by(|a, b| a.id.cmp(&b.id));

    let mut resources = Vec::new();
    for r in blocks(&cfg.expected_resource)? {
        let properties = match optional(&r.properties)? {
            Some(text) => Some(parse_properties(&text).map_err(Incomplete::Invalid)?),
            None => None,
        };
        resources.push(ExpectedResource {
            key: known(&r.key, "expected_resource.key")?,
            resource_type: known(&r.resource_type, "expected_resource.type")?,
            identifier: optional(&r.identifier)?,
            stack_name: optional(&r.stack_name)?,
            logical_id: optional(&r.logical_id)?,
            properties,
            checks: string_set(&r.checks)?,
            check_parameters: string_map(&r.check_parameters)?,
            requirements: string_set(&r.requirements)?,
        });
    }
    resources.sort_by(|a, b| a.key.cmp(&b.key));

    let mut stacks = Vec::new();
    for s in blocks(&cfg.expected_stack)? {
        let template_sha256 = match (optional(&s.template_sha256)?, optional(&s.template_body)?) {
            (Some(h), _) => Some(h.to_ascii_lowercase()),
            (None, Some(body)) => Some(sha256_hex(body.as_bytes())),
            (None, None) => None,
        };
        stacks.push(ExpectedStack {
            name: known(&s.name, "expected_stack.name")?,
            template_sha256,
            outputs: string_map(&s.outputs)?,
            parameters: string_map(&s.parameters)?,
            resources: string_map(&s.resources)?,
            requirements: string_set(&s.requirements)?,
        });
    }
    stacks.sort_by(|a, b| a.name.cmp(&b.name));

    let mut suppressions = Vec::new();
    for s in blocks(&cfg.suppression)? {
        suppressions.push(Suppression {
            check: known(&s.check, "suppression.check")?,
            resource_key: known(&s.resource_key, "suppression.resource_key")?,
            reason: known(&s.reason, "suppression.reason")?,
            approved_by: known(&s.approved_by, "suppression.approved_by")?,
            expires: optional(&s.expires)?,
        });
    }
    suppressions.sort_by(|a, b| (&a.check, &a.resource_key).cmp(&(&b.check, &b.resource_key)));

    Ok(Spec {
        name: known(&cfg.name, "name")?,
        version: known(&cfg.version, "version")?,
        description: optional(&cfg.description)?,
        system,
        approval,
        requirements,
        resources,
        stacks,
        suppressions,
    })
}

/// Write `value` as canonical JSON: sorted object keys, no whitespace.
pub fn write_canonical(value: &Json, out: &mut String) {
    match value {
        Json::Object(map) => {
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort();
            out.push('{');
            for (i, k) in keys.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(&Json::String(k.clone()).to_string());
                out.push(':');
                write_canonical(&map[k], out);
            }
            out.push('}');
        }
        Json::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_canonical(item, out);
            }
            out.push(']');
        }
        other => out.push_str(&other.to_string()),
    }
}

/// Canonical JSON text of any serializable value.
pub fn canonical_string<T: serde::Serialize>(value: &T) -> String {
    let json = serde_json::to_value(value).unwrap_or(Json::Null);
    let mut out = String::new();
    write_canonical(&json, &mut out);
    out
}

/// Canonical JSON text of a specification.
pub fn canonical_json(spec: &Spec) -> String {
    canonical_string(&serde_json::json!({ "format": CANONICAL_FORMAT, "spec": spec }))
}

/// SHA-256 digest (lowercase hex) of the canonical form.
pub fn digest(spec: &Spec) -> String {
    sha256_hex(canonical_json(spec).as_bytes())
}

/// Parse a canonical document back into a specification (used by qualification).
pub fn from_canonical_json(text: &str) -> Result<Spec, String> {
    #[derive(serde::Deserialize)]
    struct Doc {
        format: String,
        spec: Spec,
    }
    let doc: Doc = serde_json::from_str(text).map_err(|e| format!("not a canonical spec: {e}"))?;
    if doc.format != CANONICAL_FORMAT {
        return Err(format!(
            "unsupported spec format `{}` (expected `{CANONICAL_FORMAT}`)",
            doc.format
        ));
    }
    Ok(doc.spec)
}
