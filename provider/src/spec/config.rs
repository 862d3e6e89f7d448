//! The specification as Terraform hands it over: every value may be null or unknown.
//!
//! These structs mirror the `gxp_expected_spec` schema one to one (field name = attribute
//! name) and are (de)serialized by `tf_provider`. [`super::model`] holds the fully known form.

use std::collections::BTreeMap;

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
