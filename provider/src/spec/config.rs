//! The specification as Terraform hands it over: every value may be null or unknown.
//!
//! These structs mirror the `gxp_expected_spec` schema one to one (field name = attribute
//! name) and are (de)serialized by `tf_provider`. [`super::model`] holds the fully known form.

use std::collections::BTreeMap;

use gxp_core::spec::canonical::parse_properties;
use gxp_core::spec::model::*;
use gxp_core::util::sha256_hex;
use serde::{Deserialize, Serialize};
use tf_provider::value::Value;

/// A string that may be null or unknown.
pub type Str = Value<String>;
/// A list of strings; the list and each element may be null or unknown.
pub type StrList = Value<Vec<Str>>;
/// A map of strings; the map and each value may be null or unknown.
pub type StrMap = Value<BTreeMap<String, Str>>;

/// State and configuration of `gxp_expected_spec`.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq)]
#[serde(default)]
pub struct SpecConfig {
    pub id: Str,
    pub name: Str,
    pub version: Str,
    pub description: Str,
    pub digest: Str,
    pub revision: Value<i64>,
    pub canonical_json: Str,
    pub system: Value<SystemConfig>,
    pub approval: Value<ApprovalConfig>,
    pub requirement: Value<Vec<RequirementConfig>>,
    pub expected_resource: Value<Vec<ExpectedResourceConfig>>,
    pub expected_stack: Value<Vec<ExpectedStackConfig>>,
    pub suppression: Value<Vec<SuppressionConfig>>,
}

/// The system a specification covers.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq)]
#[serde(default)]
pub struct SystemConfig {
    pub application_id: Str,
    pub environment: Str,
    pub gamp_category: Value<i64>,
    pub risk_class: Str,
}

/// Who approved the specification, when, and under which change.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq)]
#[serde(default)]
pub struct ApprovalConfig {
    pub approved_by: Str,
    pub approved_at: Str,
    pub change_reference: Str,
    pub reason: Str,
}

/// A user or functional requirement (URS/FS) the infrastructure must meet.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq)]
#[serde(default)]
pub struct RequirementConfig {
    pub id: Str,
    pub text: Str,
    pub controls: StrList,
    pub severity: Str,
}

/// An expectation on one AWS resource.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq)]
#[serde(default)]
pub struct ExpectedResourceConfig {
    pub key: Str,
    #[serde(rename = "type")]
    pub resource_type: Str,
    pub identifier: Str,
    pub stack_name: Str,
    pub logical_id: Str,
    pub properties: Str,
    pub checks: StrList,
    pub check_parameters: StrMap,
    pub requirements: StrList,
}

/// An expectation on one CloudFormation stack.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq)]
#[serde(default)]
pub struct ExpectedStackConfig {
    pub name: Str,
    pub template_sha256: Str,
    pub template_body: Str,
    pub outputs: StrMap,
    pub parameters: StrMap,
    pub resources: StrMap,
    pub requirements: StrList,
}

/// A check deliberately not applied to one resource.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq)]
#[serde(default)]
pub struct SuppressionConfig {
    pub check: Str,
    pub resource_key: Str,
    pub reason: Str,
    pub approved_by: Str,
    pub expires: Str,
}

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
