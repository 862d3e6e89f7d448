//! Terraform state of `gxp_qualification` and its private state.

use serde::{Deserialize, Serialize};
use tf_provider::value::Value;

use crate::provider::config::EvidenceStoreConfig;
use crate::qualification::snapshot::Snapshot;
use crate::report::{CheckResult, DriftItem};
use crate::spec::config::{Str, StrList, StrMap};

/// State and configuration of `gxp_qualification`.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq)]
#[serde(default)]
pub struct QualificationState {
    pub id: Str,
    pub name: Str,
    pub spec_id: Str,
    pub spec_digest: Str,
    pub spec_document: Str,
    pub stages: StrList,
    pub requalify_after: Str,
    pub enforce: Value<bool>,
    pub requalify_on: StrList,
    pub concurrency: Value<i64>,
    pub configuration_commit: Str,
    pub spool_directory: Str,
    pub report_formats: StrList,
    pub signing_key_id: Str,
    pub notify_topic_arn: Str,
    pub discovery: Value<Vec<DiscoveryConfig>>,
    pub evidence_store: Value<Vec<EvidenceStoreConfig>>,
    pub status: Str,
    pub total_count: Value<i64>,
    pub passed_count: Value<i64>,
    pub failed_count: Value<i64>,
    pub error_count: Value<i64>,
    pub suppressed_count: Value<i64>,
    pub results: Value<Vec<ResultState>>,
    pub qualified_at: Str,
    pub qualified_spec_digest: Str,
    pub observed_fingerprint: Str,
    pub report_id: Str,
    pub report_location: Str,
    pub report_sha256: Str,
    pub report_sequence: Value<i64>,
    pub requalification_reasons: StrList,
    pub drift: StrList,
}

/// `discovery` block.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq)]
#[serde(default)]
pub struct DiscoveryConfig {
    pub tags: StrMap,
}

/// One entry of `results`.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq)]
#[serde(default)]
pub struct ResultState {
    pub check_id: Str,
    pub target: Str,
    pub resource_type: Str,
    pub identifier: Str,
    pub property: Str,
    pub stage: Str,
    pub severity: Str,
    pub status: Str,
    pub expected: Str,
    pub actual: Str,
}

impl From<&CheckResult> for ResultState {
    fn from(r: &CheckResult) -> Self {
        let s = |v: &str| Value::Value(v.to_string());
        ResultState {
            check_id: s(&r.check_id),
            target: s(&r.target),
            resource_type: s(&r.resource_type),
            identifier: s(&r.identifier),
            property: r.property.clone().into(),
            stage: s(r.stage.as_str()),
            severity: s(r.severity.as_str()),
            status: s(r.status.as_str()),
            expected: s(&r.expected),
            actual: s(&r.actual),
        }
    }
}

/// What refresh found since the qualification.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq)]
pub struct Findings {
    pub drift: Vec<DriftItem>,
    /// (stack, last update now, last update at qualification).
    pub updated_stacks: Vec<(String, String, String)>,
    pub spooled_reports: usize,
}

/// Private state: the qualified snapshot and what refresh found.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq)]
pub struct Private {
    pub snapshot: Option<Snapshot>,
    #[serde(default)]
    pub findings: Findings,
}
