//! Terraform state of `gxp_qualification` and its private state.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use tf_provider::value::Value;

use crate::convert::values::{Str, StrList, StrMap};
use crate::provider::config::EvidenceStoreConfig;
use gxp_core::qualification::snapshot::Snapshot;
use gxp_core::qualification::Findings;
use gxp_core::report::CheckResult;

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
    pub required_signatures: StrList,
    pub discovery: Value<Vec<DiscoveryConfig>>,
    pub evidence_store: Value<Vec<EvidenceStoreConfig>>,
    pub status: Str,
    pub total_count: Value<i64>,
    pub passed_count: Value<i64>,
    pub failed_count: Value<i64>,
    pub error_count: Value<i64>,
    pub suppressed_count: Value<i64>,
    pub results: Value<BTreeMap<String, ResultState>>,
    pub qualified_at: Str,
    pub qualified_spec_digest: Str,
    pub observed_fingerprint: Str,
    pub report_id: Str,
    pub report_location: Str,
    pub report_sha256: Str,
    pub report_sequence: Value<i64>,
    pub verify_arguments: StrList,
    pub requalification_reasons: StrList,
    pub drift: StrList,
}

/// `discovery` block.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq)]
#[serde(default)]
pub struct DiscoveryConfig {
    pub tags: StrMap,
    /// A set in the schema; its elements in any order here.
    pub exclude_checks: StrList,
    /// A set in the schema: types enumerated through their own service.
    pub enumerate_types: StrList,
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

/// Key of a result in the `results` map: `CHECK_ID@TARGET`, then `#PROPERTY` for property
/// checks, e.g. `s3.versioning@records_bucket` or
/// `iq.resource_properties@records_bucket#VersioningConfiguration.Status`.
///
/// A result of one principal of the account (an IAM user, an access key, a policy) is
/// keyed `CHECK_ID@TARGET[SUBJECT]`, e.g.
/// `iam.user_console_mfa@account[arn:aws:iam::123456789012:user/alice]`.
pub fn result_key(r: &CheckResult) -> String {
    match &r.subject {
        Some(who) => format!(
            "{}[{who}]",
            key_of(&r.check_id, &r.target, r.property.as_deref())
        ),
        None => key_of(&r.check_id, &r.target, r.property.as_deref()),
    }
}

fn key_of(check_id: &str, target: &str, property: Option<&str>) -> String {
    match property {
        Some(p) => format!("{check_id}@{target}#{p}"),
        None => format!("{check_id}@{target}"),
    }
}

/// `base`, or `base~2`, `base~3`, ... if `taken` already holds it.
fn unique_key(base: String, taken: impl Fn(&str) -> bool) -> String {
    let mut key = base.clone();
    let mut n = 1;
    while taken(&key) {
        n += 1;
        key = format!("{base}~{n}");
    }
    key
}

/// The `results` map of a run. A map, not a list: Terraform compares and renders a map by
/// key, a list by a longest-common-subsequence diff whose cost grows with the square of
/// its length (minutes for every plan at tens of thousands of results). Keys are unique;
/// should two results ever share one, the later gets `~2`, `~3`, ... appended.
pub fn results_map(results: &[CheckResult]) -> BTreeMap<String, ResultState> {
    let mut map = BTreeMap::new();
    for r in results {
        let key = unique_key(result_key(r), |k| map.contains_key(k));
        map.insert(key, ResultState::from(r));
    }
    map
}

/// State upgrade from schema version 1, where `results` was a list, to version 2 (a map keyed
/// by [`result_key`]). Other attributes are unchanged.
pub fn upgrade_results_list(state: &mut serde_json::Value) {
    let Some(list) = state.get("results").and_then(|r| r.as_array()).cloned() else {
        return;
    };
    let text =
        |e: &serde_json::Value, k: &str| e.get(k).and_then(|v| v.as_str()).map(str::to_string);
    let mut map = serde_json::Map::new();
    for entry in list {
        let base = key_of(
            &text(&entry, "check_id").unwrap_or_default(),
            &text(&entry, "target").unwrap_or_default(),
            text(&entry, "property").as_deref(),
        );
        let key = unique_key(base, |k| map.contains_key(k));
        map.insert(key, entry);
    }
    state["results"] = serde_json::Value::Object(map);
}

/// Private state: the qualified snapshot and what refresh found.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq)]
pub struct Private {
    pub snapshot: Option<Snapshot>,
    #[serde(default)]
    pub findings: Findings,
    /// The SOUP inventory of the last qualification: the plan compares the working
    /// directory's with it (absent in states of earlier provider versions).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub soup: Option<gxp_core::soup::SoupInventory>,
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use gxp_core::report::formats::sample_report;

    #[test]
    fn results_are_keyed_by_check_target_and_property() {
        let report = sample_report();
        let map = results_map(&report.results);
        assert_eq!(map.len(), report.results.len());
        for r in &report.results {
            let entry = &map[&result_key(r)];
            assert_eq!(entry.check_id, Value::Value(r.check_id.clone()));
            assert_eq!(entry.status, Value::Value(r.status.as_str().to_string()));
        }
        let with_property = report.results.iter().find(|r| r.property.is_some());
        if let Some(r) = with_property {
            assert!(result_key(r).contains('#'), "{}", result_key(r));
        }
    }

    #[test]
    fn colliding_keys_are_numbered_not_dropped() {
        let report = sample_report();
        let twice = [report.results[0].clone(), report.results[0].clone()];
        let map = results_map(&twice);
        let base = result_key(&twice[0]);
        assert_eq!(
            map.keys().cloned().collect::<Vec<_>>(),
            vec![base.clone(), format!("{base}~2")]
        );
    }

    #[test]
    fn version_1_results_list_becomes_the_map() {
        let mut state = json!({
            "name": "q",
            "results": [
                {"check_id": "s3.versioning", "target": "data", "property": null, "status": "passed"},
                {"check_id": "iq.resource_properties", "target": "data", "property": "A.B", "status": "failed"},
                {"check_id": "s3.versioning", "target": "data", "property": null, "status": "error"}
            ]
        });
        upgrade_results_list(&mut state);
        assert_eq!(
            state,
            json!({
                "name": "q",
                "results": {
                    "s3.versioning@data": {"check_id": "s3.versioning", "target": "data", "property": null, "status": "passed"},
                    "iq.resource_properties@data#A.B": {"check_id": "iq.resource_properties", "target": "data", "property": "A.B", "status": "failed"},
                    "s3.versioning@data~2": {"check_id": "s3.versioning", "target": "data", "property": null, "status": "error"}
                }
            })
        );
        // Null results (a planned, never applied run) stay null.
        let mut pending = json!({"name": "q", "results": null});
        upgrade_results_list(&mut pending);
        assert_eq!(pending, json!({"name": "q", "results": null}));
    }
}
