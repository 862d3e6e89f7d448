//! Data source `gxp_report`: the latest (or a named) report's summary from the evidence
//! store, so pipelines can gate on it.

use async_trait::async_trait;
use serde::{Deserialize, Serialize};
use tf_provider::schema::{NestedBlock, Schema};
use tf_provider::value::{Value, ValueEmpty};
use tf_provider::{AttributePath, DataSource, Diagnostics};

use crate::convert::values::{non_empty_string as text, Str};
use crate::provider::config::{evidence_store_block, store_settings, EvidenceStoreConfig};
use crate::provider::schema_builder::*;
use crate::provider::Shared;
use gxp_core::evidence::{is_report_of, partition_prefix};
use gxp_core::qualification::filing;
use gxp_core::qualification::import::read_report;

/// The `gxp_report` data source.
pub struct ReportDataSource {
    shared: Shared,
}

impl ReportDataSource {
    /// Bound to the provider's configuration.
    pub fn new(shared: Shared) -> Self {
        ReportDataSource { shared }
    }
}

/// State of the data source.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq)]
#[serde(default)]
pub struct ReportState {
    pub qualification: Str,
    pub application: Str,
    pub environment: Str,
    pub location: Str,
    pub evidence_store: Value<Vec<EvidenceStoreConfig>>,
    pub report_id: Str,
    pub status: Str,
    pub total_count: Value<i64>,
    pub passed_count: Value<i64>,
    pub failed_count: Value<i64>,
    pub error_count: Value<i64>,
    pub suppressed_count: Value<i64>,
    pub qualified_at: Str,
    pub spec_name: Str,
    pub spec_version: Str,
    pub spec_digest: Str,
    pub sha256: Str,
    pub sequence: Value<i64>,
    pub previous_report_sha256: Str,
    pub verify_arguments: crate::convert::values::StrList,
}

/// The schema.
pub fn schema() -> Schema {
    use Mode::*;
    Schema {
        version: 1,
        block: block(
            "The summary of the latest (or a named) qualification report in the evidence store. The report's `.sha256` is checked when present. Use it to gate a pipeline on the last qualification.",
            [
                ("qualification", string(Optional, "Name of the qualification whose latest report is read: the one with the highest `sequence` in its chain, then the latest finish time. Required unless `location` is set.")),
                ("application", string(Optional, "Application partition to search (as in the report keys). Required with `qualification`.")),
                ("environment", string(Optional, "Environment partition to search. Required with `qualification`.")),
                ("location", string(OptionalComputed, "Location of a named report (`s3://BUCKET/KEY.json` or a path); computed as the latest report's location otherwise.")),
                ("report_id", string(Computed, "Id of the report.")),
                ("status", string(Computed, "`passed`, `failed` or `error`.")),
                ("total_count", number(Computed, "Number of results.")),
                ("passed_count", number(Computed, "Number of passed results.")),
                ("failed_count", number(Computed, "Number of failed results.")),
                ("error_count", number(Computed, "Number of results that could not be evaluated.")),
                ("suppressed_count", number(Computed, "Number of suppressed results.")),
                ("qualified_at", string(Computed, "When the qualification finished (RFC 3339).")),
                ("spec_name", string(Computed, "Name of the specification qualified against.")),
                ("spec_version", string(Computed, "Version of the specification.")),
                ("spec_digest", string(Computed, "Digest of the specification.")),
                ("sha256", string(Computed, "SHA-256 of the report's canonical JSON.")),
                ("sequence", number(Computed, "Position of the report in its qualification's chain.")),
                ("previous_report_sha256", string(Computed, "SHA-256 of the previous report of the chain (null for the first).")),
                ("verify_arguments", string_list(Computed, "Arguments for the verifier that make a chain cut short after this report a finding: `[\"--qualification\", NAME, \"--expect-head\", sha256, \"--min-sequence\", sequence]`, the same as the qualification's.")),
            ],
            [("evidence_store", NestedBlock::Optional(evidence_store_block("Store to read from; defaults to the provider's `evidence_store`.")))],
        ),
    }
}

/// What choosing the latest report reads from each report.
#[derive(Deserialize, Clone, Debug, PartialEq)]
struct ReportHead {
    report_id: String,
    qualification: HeadQualification,
    run: HeadRun,
}

#[derive(Deserialize, Clone, Debug, PartialEq)]
struct HeadQualification {
    name: String,
    sequence: i64,
}

#[derive(Deserialize, Clone, Debug, PartialEq)]
struct HeadRun {
    finished_at: String,
}

/// The key of the latest report of `qualification` among `heads`: the highest
/// `qualification.sequence`, then the latest `run.finished_at`, then the greatest report id.
/// Reports of another qualification whose name sanitizes to the same key segment are ignored.
fn latest_of(heads: Vec<(String, ReportHead)>, qualification: &str) -> Option<String> {
    heads
        .into_iter()
        .filter(|(_, h)| h.qualification.name == qualification)
        .max_by(|(_, a), (_, b)| {
            let order = |h: &ReportHead| {
                (
                    h.qualification.sequence,
                    gxp_core::util::parse_time(&h.run.finished_at),
                    h.report_id.clone(),
                )
            };
            order(a).cmp(&order(b))
        })
        .map(|(key, _)| key)
}

/// Read every candidate report and choose the latest ([`latest_of`]). A candidate that cannot
/// be read or parsed is an error: it could be the latest, and a gate must not pass on an older
/// report.
async fn latest_report(
    store: &dyn gxp_core::evidence::EvidenceStore,
    keys: Vec<String>,
    qualification: &str,
) -> Result<Option<String>, String> {
    let mut heads = Vec::with_capacity(keys.len());
    for key in keys {
        let bytes = store
            .get(&key)
            .await
            .map_err(|e| format!("{}: {e}", store.location_of(&key)))?;
        let head: ReportHead = serde_json::from_slice(&bytes).map_err(|e| {
            format!(
                "{} is not a qualification report: {e}",
                store.location_of(&key)
            )
        })?;
        heads.push((key, head));
    }
    Ok(latest_of(heads, qualification))
}

#[async_trait]
impl DataSource for ReportDataSource {
    type State<'a> = ReportState;
    type ProviderMetaState<'a> = ValueEmpty;

    fn schema(&self, _diags: &mut Diagnostics) -> Option<Schema> {
        Some(schema())
    }

    async fn validate<'a>(&self, diags: &mut Diagnostics, c: Self::State<'a>) -> Option<()> {
        if c.location.is_null() && c.qualification.is_null() {
            diags.error("Which report?", "Set `qualification` (with `application` and `environment`) for the latest report, or `location` for a named one.", AttributePath::new("qualification"));
        }
        if c.location.is_null()
            && !c.qualification.is_null()
            && (c.application.is_null() || c.environment.is_null())
        {
            diags.error("Missing partition", "`application` and `environment` are needed to find the latest report of a qualification.", AttributePath::new(if c.application.is_null() { "application" } else { "environment" }));
        }
        Some(())
    }

    async fn read<'a>(
        &self,
        diags: &mut Diagnostics,
        mut c: Self::State<'a>,
        _meta: Self::ProviderMetaState<'a>,
    ) -> Option<Self::State<'a>> {
        let Some(configured) = self.shared.get() else {
            diags.root_error_short("The gxp provider is not configured");
            return None;
        };
        let location = match text(&c.location) {
            Some(l) => l,
            None => {
                let Some(aws) = configured.aws.as_ref() else {
                    diags.root_error_short("AWS access is not configured yet");
                    return None;
                };
                let own = c
                    .evidence_store
                    .as_ref_option()
                    .and_then(|b| b.first())
                    .and_then(store_settings);
                let settings = match filing::choose(own, configured.evidence_store.clone()) {
                    Ok(s) => s,
                    Err(e) => {
                        diags.root_error("No evidence store", e);
                        return None;
                    }
                };
                let store = filing::open(aws, &settings.choice);
                let prefix = partition_prefix(
                    &text(&c.application).unwrap_or_default(),
                    &text(&c.environment).unwrap_or_default(),
                );
                let qualification = text(&c.qualification).unwrap_or_default();
                let keys = match store.list(&prefix).await {
                    Ok(k) => k,
                    Err(e) => {
                        diags.root_error("Cannot list the evidence store", e.to_string());
                        return None;
                    }
                };
                let candidates: Vec<String> = keys
                    .into_iter()
                    .filter(|k| is_report_of(k, &qualification))
                    .collect();
                let latest = match latest_report(store.as_ref(), candidates, &qualification).await {
                    Ok(latest) => latest,
                    Err(e) => {
                        diags.root_error("Cannot tell which report is the latest", e);
                        return None;
                    }
                };
                match latest {
                    Some(k) => store.location_of(&format!(
                        "{prefix}{}",
                        k.strip_prefix(&prefix).unwrap_or(&k)
                    )),
                    None => {
                        diags.root_error(
                            "No report found",
                            format!(
                                "No report of qualification `{}` under {} in {}.",
                                text(&c.qualification).unwrap_or_default(),
                                prefix,
                                store.describe()
                            ),
                        );
                        return None;
                    }
                }
            }
        };
        let (report, sha) = match read_report(configured.aws.as_ref(), &location).await {
            Ok(x) => x,
            Err(e) => {
                diags.root_error("Cannot read the report", e);
                return None;
            }
        };
        let s = |v: &str| Value::Value(v.to_string());
        c.location = s(&location);
        c.report_id = s(&report.report_id);
        c.status = s(report.summary.status.as_str());
        c.total_count = Value::Value(report.summary.total);
        c.passed_count = Value::Value(report.summary.passed);
        c.failed_count = Value::Value(report.summary.failed);
        c.error_count = Value::Value(report.summary.error);
        c.suppressed_count = Value::Value(report.summary.suppressed);
        c.qualified_at = s(&report.run.finished_at);
        c.spec_name = s(&report.spec.name);
        c.spec_version = s(&report.spec.version);
        c.spec_digest = s(&report.spec.digest);
        c.sha256 = s(&sha);
        c.sequence = Value::Value(report.qualification.sequence);
        c.previous_report_sha256 = report.previous_report_sha256.clone().into();
        c.verify_arguments = crate::resources::qualification::verify_arguments(
            &Value::Value(report.qualification.name.clone()),
            &c.sha256,
            &c.sequence,
        )
        .unwrap_or(Value::Null);
        Some(c)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn head(name: &str, sequence: i64, finished_at: &str, id: &str) -> ReportHead {
        ReportHead {
            report_id: id.into(),
            qualification: HeadQualification {
                name: name.into(),
                sequence,
            },
            run: HeadRun {
                finished_at: finished_at.into(),
            },
        }
    }

    #[test]
    fn latest_is_the_highest_sequence_then_the_latest_finish() {
        // Key order (date partition, id) would pick `c`: its clock ran ahead.
        let heads = vec![
            (
                "a".to_string(),
                head("q", 1, "2026-03-01T10:00:00Z", "20260301T100000Z-1"),
            ),
            (
                "b".to_string(),
                head("q", 2, "2026-03-01T11:00:00Z", "20260301T110000Z-2"),
            ),
            (
                "c".to_string(),
                head("q", 1, "2026-03-02T09:00:00Z", "20260302T090000Z-3"),
            ),
        ];
        assert_eq!(latest_of(heads.clone(), "q").as_deref(), Some("b"));
        // Same sequence (a replaced first run): the one that finished last.
        let retried = vec![
            ("a".to_string(), head("q", 1, "2026-03-01T10:00:00Z", "x")),
            (
                "b".to_string(),
                head("q", 1, "2026-03-01T10:05:00+00:00", "a"),
            ),
        ];
        assert_eq!(latest_of(retried, "q").as_deref(), Some("b"));
        // Another qualification in the same key segment (`q x` and `q_x` both sanitize to `q_x`).
        let mixed = vec![
            ("a".to_string(), head("q x", 1, "2026-03-01T10:00:00Z", "1")),
            ("b".to_string(), head("q_x", 9, "2026-03-01T10:00:00Z", "2")),
        ];
        assert_eq!(latest_of(mixed, "q x").as_deref(), Some("a"));
        assert_eq!(latest_of(vec![], "q"), None);
    }
}
