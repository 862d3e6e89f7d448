//! Data source `gxp_report`: the latest (or a named) report's summary from the evidence
//! store, so pipelines can gate on it.

use async_trait::async_trait;
use serde::{Deserialize, Serialize};
use tf_provider::schema::{NestedBlock, Schema};
use tf_provider::value::{Value, ValueEmpty};
use tf_provider::{AttributePath, DataSource, Diagnostics};

use crate::evidence::sanitize;
use crate::provider::config::{evidence_store_block, EvidenceStoreConfig};
use crate::provider::schema_builder::*;
use crate::provider::Shared;
use crate::qualification::filing;
use crate::qualification::import::read_report;
use crate::spec::config::Str;

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
}

/// The schema.
pub fn schema() -> Schema {
    use Mode::*;
    Schema {
        version: 1,
        block: block(
            "The summary of the latest (or a named) qualification report in the evidence store. The report's `.sha256` is checked when present. Use it to gate a pipeline on the last qualification.",
            [
                ("qualification", string(Optional, "Name of the qualification whose latest report is read. Required unless `location` is set.")),
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
            ],
            [("evidence_store", NestedBlock::Optional(evidence_store_block("Store to read from; defaults to the provider's `evidence_store`.")))],
        ),
    }
}

fn text(v: &Str) -> Option<String> {
    v.as_ref_option().filter(|s| !s.is_empty()).cloned()
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
                let store_cfg = c.evidence_store.as_ref_option().and_then(|b| b.first());
                let settings = match filing::choose(store_cfg, &configured.evidence_store) {
                    Ok(s) => s,
                    Err(e) => {
                        diags.root_error("No evidence store", e);
                        return None;
                    }
                };
                let store = filing::open(aws, &settings.choice);
                let prefix = format!(
                    "application={}/environment={}/",
                    sanitize(&text(&c.application).unwrap_or_default()),
                    sanitize(&text(&c.environment).unwrap_or_default())
                );
                let segment = format!(
                    "/{}/",
                    sanitize(&text(&c.qualification).unwrap_or_default())
                );
                let keys = match store.list(&prefix).await {
                    Ok(k) => k,
                    Err(e) => {
                        diags.root_error("Cannot list the evidence store", e.to_string());
                        return None;
                    }
                };
                // Keys sort by date partition, then by report id (which starts with the time).
                let latest = keys
                    .iter()
                    .filter(|k| k.ends_with(".json") && k.contains(&segment))
                    .max_by_key(|k| {
                        (
                            k.split('/').nth(2).unwrap_or_default().to_string(),
                            k.rsplit('/').next().unwrap_or_default().to_string(),
                        )
                    });
                match latest {
                    Some(k) => store
                        .location_of(&format!("{prefix}{}", k.strip_prefix(&prefix).unwrap_or(k))),
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
        let (report, sha) = match read_report(&configured, &location).await {
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
        Some(c)
    }
}
