//! Data source `gxp_requalification`: the pending requalification reasons of a filed
//! qualification (its latest report against the configuration and the live state), so a
//! `check` block fails on drift from the qualified state without an apply.

use async_trait::async_trait;
use serde::{Deserialize, Serialize};
use tf_provider::schema::{NestedBlock, Schema};
use tf_provider::value::{Value, ValueEmpty};
use tf_provider::{AttributePath, DataSource, Diagnostics};

use crate::convert::values::{non_empty as text, string_list as strings, Str, StrList};
use crate::provider::config::{evidence_store_block, store_settings, EvidenceStoreConfig};
use crate::provider::schema_builder::*;
use crate::provider::Shared;
use crate::resources::qualification::state::{DiscoveryConfig, QualificationState};
use crate::resources::qualification::{
    discovery_enumerate_types, discovery_exclude_checks, discovery_tags, parse_classes,
    parse_stages, schema::discovery_block, validate_config, DEFAULT_CONCURRENCY,
    DEFAULT_REQUALIFY_ON, DEFAULT_STAGES,
};
use gxp_core::integrity::sequence::ChainId;
use gxp_core::qualification::filing;
use gxp_core::qualification::reasons::parse_interval;
use gxp_core::qualification::requalify::{requalification, Expected, Lookup, Requalification};
use gxp_core::soup::SoupInventory;

/// Default spool directory, as on `gxp_qualification`.
const DEFAULT_SPOOL: &str = ".gxp-spool";

/// The `gxp_requalification` data source.
pub struct RequalificationDataSource {
    shared: Shared,
}

impl RequalificationDataSource {
    /// Bound to the provider's configuration.
    pub fn new(shared: Shared) -> Self {
        RequalificationDataSource { shared }
    }
}

/// Configuration and state of the data source. The inputs have the names (and meaning) of
/// `gxp_qualification`'s, so the same values can be passed to both.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq)]
#[serde(default)]
pub struct RequalificationState {
    pub name: Str,
    pub spec_document: Str,
    pub stages: StrList,
    pub requalify_on: StrList,
    pub requalify_after: Str,
    pub concurrency: Value<i64>,
    pub spool_directory: Str,
    pub discovery: Value<Vec<DiscoveryConfig>>,
    pub evidence_store: Value<Vec<EvidenceStoreConfig>>,
    pub reasons: StrList,
    pub qualified: Value<bool>,
    pub drift: StrList,
    pub report_id: Str,
    pub report_location: Str,
    pub report_sha256: Str,
    pub report_status: Str,
    pub report_finished_at: Str,
    pub report_sequence: Value<i64>,
    pub observed_at: Str,
}

/// The schema.
pub fn schema() -> Schema {
    use Mode::*;
    Schema {
        version: 1,
        block: block(
            "Whether a qualification still holds, without running it: reads the qualification's latest report from the evidence store, observes the live state again as that report's observations were, and returns the pending requalification reasons (the same rules and wording as `gxp_qualification`'s `requalification_reasons`). Inside a `check` block, drift from the qualified state fails the health check at every plan.",
            [
                ("name", string(Required, "Name of the qualification (`name` of its `gxp_qualification`).")),
                ("spec_document", string(Required, "`canonical_json` of the `gxp_expected_spec` the qualification should hold against; a document other than the qualified one is a reason (`specification changed`). Its `system` block gives the application and environment partitions of the report (unless the provider's `report_labels` set them).")),
                ("stages", string_list(OptionalComputed, "Stages the qualification runs: any of `IQ`, `OQ`, `PQ` (default all three); other stages than the qualified ones are a scope change.")),
                ("requalify_on", string_list(OptionalComputed, "Drift classes that call for requalification: `security`, `functional`, `cosmetic` (default `security` and `functional`).")),
                ("requalify_after", string(Optional, "Periodic review interval, e.g. `90d`, `12w`, `2160h`: once it has elapsed since the latest report, that is a reason.")),
                ("concurrency", number(OptionalComputed, "Maximum number of resources observed at once (default 16).")),
                ("spool_directory", string(Optional, "The qualification's spool directory (default `.gxp-spool` in the working directory): reports waiting there to be filed are a reason.")),
                ("reasons", string_list(Computed, "Why the qualification must run again: never qualified (no report filed), specification changed, scope changed, drift of a `requalify_on` class (with class, resource and property), stack updated, review period elapsed, last run failed or unevaluable, reports waiting in the spool. Empty while the qualified state holds.")),
                ("qualified", boolean(Computed, "Whether the qualified state holds: `reasons` is empty.")),
                ("drift", string_list(Computed, "Drift since the latest report, every class, as `CLASS: TARGET (TYPE ID) PROPERTY: QUALIFIED -> CURRENT`.")),
                ("report_id", string(Computed, "Id of the latest report (null when none is filed).")),
                ("report_location", string(Computed, "Where the latest report is filed (`s3://BUCKET/KEY` or a path).")),
                ("report_sha256", string(Computed, "SHA-256 of the latest report, as its chain records it.")),
                ("report_status", string(Computed, "Status of the latest report: `passed`, `failed` or `error`.")),
                ("report_finished_at", string(Computed, "When the latest qualification finished (RFC 3339).")),
                ("report_sequence", number(Computed, "Position of the latest report in the qualification's chain.")),
                ("observed_at", string(Computed, "When the live state was observed (RFC 3339).")),
            ],
            [
                ("discovery", NestedBlock::Optional(discovery_block())),
                ("evidence_store", NestedBlock::Optional(evidence_store_block("Store to read the reports from; defaults to the provider's `evidence_store`."))),
            ],
        ),
    }
}

impl RequalificationState {
    /// The inputs as a `gxp_qualification` configuration, for its validation and helpers.
    fn as_qualification(&self) -> QualificationState {
        QualificationState {
            name: self.name.clone(),
            spec_document: self.spec_document.clone(),
            stages: self.stages.clone(),
            requalify_on: self.requalify_on.clone(),
            requalify_after: self.requalify_after.clone(),
            concurrency: self.concurrency,
            spool_directory: self.spool_directory.clone(),
            discovery: self.discovery.clone(),
            evidence_store: self.evidence_store.clone(),
            ..Default::default()
        }
    }

    /// Defaults of the optional and computed inputs.
    fn with_defaults(mut self) -> Self {
        if self.stages.is_null() {
            self.stages = strings(&DEFAULT_STAGES);
        }
        if self.requalify_on.is_null() {
            self.requalify_on = strings(&DEFAULT_REQUALIFY_ON);
        }
        if self.concurrency.is_null() {
            self.concurrency = Value::Value(DEFAULT_CONCURRENCY);
        }
        self
    }

    /// What the configuration expects of the qualification (every input known, defaults
    /// filled, validated).
    fn expected(&self, spec_document: &str, soup: Option<SoupInventory>) -> Expected {
        let q = self.as_qualification();
        Expected {
            spec_digest: gxp_core::util::sha256_hex(spec_document.as_bytes()),
            stages: parse_stages(&self.stages).unwrap_or_default(),
            discovery_tags: discovery_tags(&q).unwrap_or_default(),
            discovery_exclude_checks: discovery_exclude_checks(&q).unwrap_or_default(),
            discovery_enumerate_types: discovery_enumerate_types(&q).unwrap_or_default(),
            requalify_on: parse_classes(&self.requalify_on).unwrap_or_default(),
            review_interval: text(&self.requalify_after).and_then(parse_interval),
            soup,
        }
    }

    /// The outputs from what was found.
    fn found(mut self, found: Requalification) -> Self {
        let s = |v: &str| Value::Value(v.to_string());
        let list = |items: Vec<String>| Value::Value(items.into_iter().map(Value::Value).collect());
        self.qualified = Value::Value(found.reasons.is_empty());
        self.reasons = list(found.reasons);
        self.drift = list(
            found
                .drift
                .iter()
                .map(gxp_core::qualification::drift::describe)
                .collect(),
        );
        self.observed_at = s(&gxp_core::util::rfc3339(found.observed_at));
        match found.latest {
            Some(latest) => {
                self.report_id = s(&latest.report.report_id);
                self.report_location = s(&latest.location);
                self.report_sha256 = s(&latest.sha256);
                self.report_status = s(latest.report.summary.status.as_str());
                self.report_finished_at = s(&latest.report.run.finished_at);
                self.report_sequence = Value::Value(latest.report.qualification.sequence);
            }
            None => {
                self.report_id = Value::Null;
                self.report_location = Value::Null;
                self.report_sha256 = Value::Null;
                self.report_status = Value::Null;
                self.report_finished_at = Value::Null;
                self.report_sequence = Value::Null;
            }
        }
        self
    }
}

/// Validation of the inputs: `gxp_qualification`'s for the attributes they share, and the
/// specification document (parsed).
fn validate(diags: &mut Diagnostics, c: &RequalificationState) {
    validate_config(diags, &c.as_qualification());
    if let Some(doc) = text(&c.spec_document) {
        if let Err(e) = gxp_core::spec::canonical::from_canonical_json(doc) {
            diags.error(
                "Invalid specification document",
                e,
                AttributePath::new("spec_document"),
            );
        }
    }
}

/// The chain of qualification `name` of `spec`, under the provider's report labels.
fn chain_of(
    name: &str,
    spec: &gxp_core::spec::model::Spec,
    labels: &gxp_core::qualification::ReportLabels,
) -> ChainId {
    ChainId {
        qualification: name.to_string(),
        application: labels
            .application
            .clone()
            .unwrap_or_else(|| spec.system.application_id.clone()),
        environment: labels
            .environment
            .clone()
            .unwrap_or_else(|| spec.system.environment.clone()),
    }
}

#[async_trait]
impl DataSource for RequalificationDataSource {
    type State<'a> = RequalificationState;
    type ProviderMetaState<'a> = ValueEmpty;

    fn schema(&self, _diags: &mut Diagnostics) -> Option<Schema> {
        Some(schema())
    }

    async fn validate<'a>(&self, diags: &mut Diagnostics, c: Self::State<'a>) -> Option<()> {
        validate(diags, &c);
        Some(())
    }

    async fn read<'a>(
        &self,
        diags: &mut Diagnostics,
        c: Self::State<'a>,
        _meta: Self::ProviderMetaState<'a>,
    ) -> Option<Self::State<'a>> {
        let Some(configured) = self.shared.get() else {
            diags.root_error_short("The gxp provider is not configured");
            return None;
        };
        let Some(aws) = configured.aws.as_ref() else {
            diags.root_error_short("AWS access is not configured yet");
            return None;
        };
        let c = c.with_defaults();
        validate(diags, &c);
        if !diags.errors.is_empty() {
            return None;
        }
        let (Some(name), Some(document)) = (text(&c.name), text(&c.spec_document)) else {
            diags.error(
                "Missing qualification",
                "`name` and `spec_document` must be set and not empty.",
                AttributePath::new(if text(&c.name).is_none() {
                    "name"
                } else {
                    "spec_document"
                }),
            );
            return None;
        };
        let spec = match gxp_core::spec::canonical::from_canonical_json(document) {
            Ok(spec) => spec,
            Err(e) => {
                diags.error(
                    "Invalid specification document",
                    e,
                    AttributePath::new("spec_document"),
                );
                return None;
            }
        };
        let own = c
            .evidence_store
            .as_ref_option()
            .and_then(|b| b.first())
            .and_then(store_settings);
        let settings = match filing::choose(own, configured.evidence_store.clone()) {
            Ok(s) => s,
            Err(e) => {
                diags.error("No evidence store", e, AttributePath::new("evidence_store"));
                return None;
            }
        };
        let store = filing::open(aws, &settings.choice);
        let chain = chain_of(name, &spec, &configured.labels);
        let lookup = Lookup {
            aws,
            store: store.as_ref(),
            chain: &chain,
            concurrency: c
                .concurrency
                .as_ref_option()
                .copied()
                .unwrap_or(DEFAULT_CONCURRENCY)
                .max(1) as usize,
            spool_directory: text(&c.spool_directory).unwrap_or(DEFAULT_SPOOL),
        };
        let soup =
            crate::resources::qualification::apply::current_soup(&configured.terraform_version);
        let expected = c.expected(document, Some(soup));
        match requalification(lookup, &expected).await {
            Ok(found) => Some(c.found(found)),
            Err(e) => {
                // Never an empty list of reasons: a health check must not pass on a read
                // that failed.
                diags.root_error(
                    "Cannot tell whether the qualification still holds",
                    format!("Qualification `{name}`: {e}"),
                );
                None
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use gxp_core::catalog::{SeverityClass, Stage};
    use gxp_core::qualification::requalify::Latest;
    use gxp_core::report::formats::sample_report;

    fn config() -> RequalificationState {
        RequalificationState {
            name: Value::Value("lims-prod".into()),
            spec_document: Value::Value("{}".into()),
            ..Default::default()
        }
    }

    #[test]
    fn defaults_are_those_of_the_qualification() {
        let c = config().with_defaults();
        let e = c.expected("{}", None);
        assert_eq!(e.stages, vec![Stage::Iq, Stage::Oq, Stage::Pq]);
        assert_eq!(
            e.requalify_on,
            vec![SeverityClass::Security, SeverityClass::Functional]
        );
        assert_eq!(c.concurrency, Value::Value(DEFAULT_CONCURRENCY));
        assert_eq!(e.spec_digest, gxp_core::util::sha256_hex(b"{}"));
        assert!(e.discovery_tags.is_empty() && e.review_interval.is_none());
        // Set values are kept.
        let c = RequalificationState {
            stages: strings(&["OQ", "IQ"]),
            requalify_on: strings(&["cosmetic"]),
            requalify_after: Value::Value("90d".into()),
            discovery: Value::Value(vec![DiscoveryConfig {
                tags: Value::Value([("gxp:app".to_string(), Value::Value("lims".into()))].into()),
                exclude_checks: strings(&["backup.resource_protected"]),
                enumerate_types: Value::Null,
            }]),
            ..config()
        }
        .with_defaults();
        let e = c.expected("{}", None);
        assert_eq!(e.stages, vec![Stage::Iq, Stage::Oq]);
        assert_eq!(e.requalify_on, vec![SeverityClass::Cosmetic]);
        assert_eq!(e.review_interval, Some(time::Duration::days(90)));
        assert_eq!(
            e.discovery_tags.get("gxp:app").map(String::as_str),
            Some("lims")
        );
        assert!(e
            .discovery_exclude_checks
            .contains("backup.resource_protected"));
    }

    #[test]
    fn bad_inputs_are_answered_with_the_attribute_path() {
        let c = RequalificationState {
            stages: strings(&["XQ"]),
            requalify_on: strings(&["loud"]),
            requalify_after: Value::Value("soon".into()),
            spec_document: Value::Value("not json".into()),
            ..config()
        };
        let mut diags = Diagnostics::default();
        validate(&mut diags, &c);
        let paths: Vec<AttributePath> = diags.errors.iter().map(|e| e.attribute.clone()).collect();
        for path in [
            AttributePath::new("stages").index(0),
            AttributePath::new("requalify_on").index(0),
            AttributePath::new("requalify_after"),
            AttributePath::new("spec_document"),
        ] {
            assert!(paths.contains(&path), "{path:?} not in {:?}", diags.errors);
        }
    }

    #[test]
    fn the_chain_is_the_specifications_system_unless_the_provider_labels_it() {
        let doc = r#"{"format":"gxp.spec/v1","spec":{"approval":{"approved_at":"2026-05-01","approved_by":"qa","change_reference":"CR-1"},"name":"lims-prod","requirements":[],"resources":[],"stacks":[],"suppressions":[],"system":{"application_id":"lims","environment":"prod"},"version":"1"}}"#;
        let spec = gxp_core::spec::canonical::from_canonical_json(doc).expect("document");
        let mut diags = Diagnostics::default();
        validate(
            &mut diags,
            &RequalificationState {
                spec_document: Value::Value(doc.into()),
                ..config()
            },
        );
        assert!(diags.errors.is_empty(), "{:?}", diags.errors);
        let unlabelled = chain_of("lims-prod", &spec, &Default::default());
        assert_eq!(
            (
                unlabelled.application.as_str(),
                unlabelled.environment.as_str()
            ),
            ("lims", "prod")
        );
        let labels = gxp_core::qualification::ReportLabels {
            application: Some("LIMS".into()),
            environment: None,
        };
        let labelled = chain_of("lims-prod", &spec, &labels);
        assert_eq!(
            (
                labelled.qualification.as_str(),
                labelled.application.as_str(),
                labelled.environment.as_str()
            ),
            ("lims-prod", "LIMS", "prod")
        );
    }

    #[test]
    fn outputs_say_qualified_only_without_reasons() {
        let report = sample_report();
        let held = Requalification {
            latest: Some(Latest {
                report: report.clone(),
                sha256: "ab".into(),
                location: "s3://evidence/r.json".into(),
            }),
            reasons: vec![],
            drift: vec![],
            observed_at: gxp_core::util::parse_time("2030-01-01T00:00:00Z").unwrap(),
        };
        let s = config().found(held.clone());
        assert_eq!(s.qualified, Value::Value(true));
        assert_eq!(s.reasons, Value::Value(vec![]));
        assert_eq!(s.report_id, Value::Value(report.report_id.clone()));
        assert_eq!(
            s.report_location,
            Value::Value("s3://evidence/r.json".into())
        );
        assert_eq!(
            s.report_sequence,
            Value::Value(report.qualification.sequence)
        );
        assert_eq!(s.observed_at, Value::Value("2030-01-01T00:00:00Z".into()));

        let never = Requalification {
            latest: None,
            reasons: vec!["never qualified: no report".into()],
            ..held
        };
        let s = config().found(never);
        assert_eq!(s.qualified, Value::Value(false));
        assert_eq!(s.reasons, strings(&["never qualified: no report"]));
        assert_eq!(s.report_id, Value::Null);
        assert_eq!(s.report_sequence, Value::Null);
    }
}
