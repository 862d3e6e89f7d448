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
    /// `all` or `failures`: which results `results` keeps ([`ResultsInState`]).
    pub results_in_state: Str,
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

/// Which results the state keeps in `results` (`results_in_state`); the filed report
/// keeps every result either way.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ResultsInState {
    /// Every result.
    All,
    /// Only results that did not pass: `failed` and `error` (not evaluable). The summary
    /// counts, fingerprints and the report's place stay in state.
    Failures,
}

impl ResultsInState {
    /// Values of `results_in_state`.
    pub const VALUES: [&'static str; 2] = ["all", "failures"];
    /// The default of new qualifications: state that grows with failures, not with scope.
    pub const DEFAULT: ResultsInState = ResultsInState::Failures;

    /// Parse a value of `results_in_state`.
    pub fn parse(s: &str) -> Option<ResultsInState> {
        match s {
            "all" => Some(ResultsInState::All),
            "failures" => Some(ResultsInState::Failures),
            _ => None,
        }
    }

    /// The attribute's value.
    pub fn as_str(self) -> &'static str {
        match self {
            ResultsInState::All => "all",
            ResultsInState::Failures => "failures",
        }
    }

    /// The mode of a state or configuration (the default while null or unknown).
    pub fn of(value: &Str) -> ResultsInState {
        value
            .as_ref_option()
            .and_then(|s| ResultsInState::parse(s))
            .unwrap_or(ResultsInState::DEFAULT)
    }

    /// Whether a result of `status` (`passed`, `failed`, `error`, `suppressed`) is kept.
    pub fn keeps(self, status: &str) -> bool {
        match self {
            ResultsInState::All => true,
            ResultsInState::Failures => matches!(status, "failed" | "error"),
        }
    }
}

/// The `results` map of a run, with only the results `mode` keeps (keys as
/// [`results_map`] gives them over every result, so a key never depends on the mode).
pub fn results_map_in(
    results: &[CheckResult],
    mode: ResultsInState,
) -> BTreeMap<String, ResultState> {
    let mut map = results_map(results);
    map.retain(|_, r| mode.keeps(r.status.as_ref_option().map_or("", String::as_str)));
    map
}

/// A `results` map of state cut to what `mode` keeps (a switch to `failures` without a run).
pub fn retain_in(
    results: &Value<BTreeMap<String, ResultState>>,
    mode: ResultsInState,
) -> Value<BTreeMap<String, ResultState>> {
    match results {
        Value::Value(map) => Value::Value(
            map.iter()
                .filter(|(_, r)| mode.keeps(r.status.as_ref_option().map_or("", String::as_str)))
                .map(|(k, r)| (k.clone(), r.clone()))
                .collect(),
        ),
        other => other.clone(),
    }
}

/// State upgrade to schema version 3: a state of an earlier version holds every result, so
/// its `results_in_state` is `all` (a provider upgrade changes no plan; the configuration
/// sets `failures` to cut it).
pub fn upgrade_results_in_state(state: &mut serde_json::Value) {
    if let Some(obj) = state.as_object_mut() {
        let unset = obj.get("results_in_state").is_none_or(|v| v.is_null());
        if unset {
            obj.insert(
                "results_in_state".into(),
                serde_json::Value::String(ResultsInState::All.as_str().into()),
            );
        }
    }
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

    /// A report of `n` buckets, five results each, every tenth bucket failing one check
    /// and every hundredth with one check that could not be evaluated.
    fn results_of(n: usize) -> Vec<CheckResult> {
        let one = sample_report().results[0].clone();
        let mut out = Vec::new();
        for b in 0..n {
            for (i, check) in [
                "iq.resource_exists",
                "iq.resource_properties",
                "s3.versioning",
                "s3.public_access_block",
                "s3.encryption",
            ]
            .iter()
            .enumerate()
            {
                let mut r = one.clone();
                r.check_id = check.to_string();
                r.target = format!("bucket_{b:05}");
                r.identifier = format!("lims-prod-data-{b:05}");
                r.resource_type = "AWS::S3::Bucket".into();
                r.property = (i == 1).then(|| "VersioningConfiguration.Status".to_string());
                r.subject = None;
                r.expected = "Enabled".into();
                r.actual = "Enabled".into();
                r.status = gxp_core::checks::Status::Passed;
                if b % 10 == 0 && i == 2 {
                    r.status = gxp_core::checks::Status::Failed;
                    r.actual = "Suspended".into();
                }
                if b % 100 == 0 && i == 4 {
                    r.status = gxp_core::checks::Status::Error;
                }
                out.push(r);
            }
        }
        out
    }

    #[test]
    fn failures_keep_failed_and_unevaluable_results_under_their_keys() {
        let results = results_of(100);
        let all = results_map_in(&results, ResultsInState::All);
        let failures = results_map_in(&results, ResultsInState::Failures);
        assert_eq!(all, results_map(&results));
        // 10 failed + 1 error.
        assert_eq!(failures.len(), 11, "{:?}", failures.keys());
        for (k, r) in &failures {
            assert_eq!(all.get(k), Some(r), "same key and entry as in `all`");
            assert!(matches!(
                r.status.as_ref_option().map(String::as_str),
                Some("failed" | "error")
            ));
        }
        assert!(failures.contains_key("s3.versioning@bucket_00010"));
        assert!(failures.contains_key("s3.encryption@bucket_00000"));
        assert_eq!(
            retain_in(&Value::Value(all), ResultsInState::Failures),
            Value::Value(failures)
        );
        assert_eq!(
            retain_in(&Value::Unknown, ResultsInState::Failures),
            Value::Unknown
        );
        assert!(ResultsInState::Failures.keeps("error"));
        assert!(!ResultsInState::Failures.keeps("suppressed"));
        assert!(!ResultsInState::Failures.keeps("passed"));
        assert_eq!(ResultsInState::of(&Value::Null), ResultsInState::Failures);
        assert_eq!(
            ResultsInState::of(&Value::Value("all".into())),
            ResultsInState::All
        );
    }

    /// Bytes of the state (JSON as Terraform stores its attributes) per qualified resource.
    fn state_bytes_per_resource(n: usize, mode: ResultsInState) -> usize {
        let state = QualificationState {
            results_in_state: Value::Value(mode.as_str().into()),
            results: Value::Value(results_map_in(&results_of(n), mode)),
            ..Default::default()
        };
        serde_json::to_vec(&state).unwrap().len() / n
    }

    /// A measurement, not a timing: state bytes per resource at 1 000 resources (5 results
    /// each, 10 % failing one check, 1 % with one unevaluable check). Printed with
    /// `--nocapture`; `failures` must cut the state by an order of magnitude.
    #[test]
    fn state_bytes_per_resource_by_results_in_state() {
        let all = state_bytes_per_resource(1000, ResultsInState::All);
        let failures = state_bytes_per_resource(1000, ResultsInState::Failures);
        eprintln!("state bytes per resource (1000 resources, 5 results each, 11 % failing): all {all}, failures {failures}");
        assert!(all > 1000, "{all}");
        assert!(failures * 10 < all, "all {all}, failures {failures}");
        // Linear: the same per resource at 10 000.
        let all_10k = state_bytes_per_resource(10_000, ResultsInState::All);
        assert!(all_10k.abs_diff(all) * 20 < all, "{all} vs {all_10k}");
    }

    #[test]
    fn states_before_version_3_keep_all_results() {
        let mut old = json!({"name": "q", "results": {}});
        upgrade_results_in_state(&mut old);
        assert_eq!(old["results_in_state"], "all");
        let mut set = json!({"name": "q", "results_in_state": "failures"});
        upgrade_results_in_state(&mut set);
        assert_eq!(set["results_in_state"], "failures");
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
