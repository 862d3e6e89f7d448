//! Data source `gxp_check_catalog`: the check catalog, so specifications can be built from it.

use std::collections::HashMap;

use async_trait::async_trait;
use serde::{Deserialize, Serialize};
use tf_provider::schema::{AttributeType, Schema};
use tf_provider::value::{Value, ValueEmpty};
use tf_provider::{DataSource, Diagnostics};

use crate::convert::values::{string_list as list, Str, StrList};
use crate::provider::schema_builder::*;
use gxp_core::catalog;
use gxp_core::observe::services;

/// The `gxp_check_catalog` data source.
pub struct CheckCatalogDataSource;

/// One catalog entry as exposed to Terraform.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq)]
#[serde(default)]
pub struct CheckEntry {
    pub id: Str,
    pub title: Str,
    pub stage: Str,
    pub service: Str,
    pub severity: Str,
    pub resource_types: StrList,
    pub controls: StrList,
    pub remediation: Str,
    pub iam_actions: StrList,
}

/// State of the data source.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq)]
#[serde(default)]
pub struct CatalogState {
    pub stage: Str,
    pub service: Str,
    pub resource_type: Str,
    pub version: Str,
    pub ids: StrList,
    pub checks: Value<Vec<CheckEntry>>,
}

const ENTRY_FIELDS: [(&str, bool); 9] = [
    ("id", false),
    ("title", false),
    ("stage", false),
    ("service", false),
    ("severity", false),
    ("resource_types", true),
    ("controls", true),
    ("remediation", false),
    ("iam_actions", true),
];

/// The schema.
pub fn schema() -> Schema {
    use Mode::*;
    let entry = AttributeType::Object(
        ENTRY_FIELDS
            .iter()
            .map(|(n, list)| {
                (
                    n.to_string(),
                    if *list {
                        AttributeType::List(Box::new(AttributeType::String))
                    } else {
                        AttributeType::String
                    },
                )
            })
            .collect::<HashMap<_, _>>(),
    );
    Schema {
        version: 1,
        block: block(
            "The check catalog: every check with its stage, severity, the regulatory controls it supports and a remediation hint. Filter by stage, service or resource type.",
            [
                ("stage", string(Optional, "Only checks of this stage: `IQ`, `OQ` or `PQ`.")),
                ("service", string(Optional, "Only checks of this service, e.g. `s3`, `cloudtrail`.")),
                ("resource_type", string(Optional, "Only checks that apply to this CloudFormation type, e.g. `AWS::S3::Bucket`.")),
                ("version", string(Computed, "Catalog version.")),
                ("ids", string_list(Computed, "Ids of the selected checks, sorted.")),
                ("checks", attr(AttributeType::List(Box::new(entry)), Computed, "The selected checks: `id`, `title`, `stage`, `service`, `severity`, `resource_types`, `controls`, `remediation`, `iam_actions` (the IAM actions its evaluation calls, sorted).")),
            ],
            [],
        ),
    }
}

#[async_trait]
impl DataSource for CheckCatalogDataSource {
    type State<'a> = CatalogState;
    type ProviderMetaState<'a> = ValueEmpty;

    fn schema(&self, _diags: &mut Diagnostics) -> Option<Schema> {
        Some(schema())
    }

    async fn validate<'a>(&self, diags: &mut Diagnostics, config: Self::State<'a>) -> Option<()> {
        if let Value::Value(s) = &config.stage {
            if s.parse::<catalog::Stage>().is_err() {
                diags.error(
                    "Invalid stage",
                    format!("`{s}` is not IQ, OQ or PQ."),
                    tf_provider::AttributePath::new("stage"),
                );
            }
        }
        Some(())
    }

    async fn read<'a>(
        &self,
        _diags: &mut Diagnostics,
        config: Self::State<'a>,
        _meta: Self::ProviderMetaState<'a>,
    ) -> Option<Self::State<'a>> {
        let stage = config
            .stage
            .as_ref_option()
            .and_then(|s| s.parse::<catalog::Stage>().ok());
        let service = config.service.as_ref_option().cloned();
        let rtype = config.resource_type.as_ref_option().cloned();
        let mut selected: Vec<&catalog::CheckDef> = catalog::all()
            .iter()
            .filter(|d| stage.is_none_or(|s| d.stage == s))
            .filter(|d| service.as_deref().is_none_or(|s| d.service == s))
            .filter(|d| {
                rtype
                    .as_deref()
                    .is_none_or(|t| d.resource_types.contains(&t))
            })
            .collect();
        selected.sort_by_key(|d| d.id);
        let s = |v: &str| Value::Value(v.to_string());
        let mut state = config;
        state.version = s(catalog::CATALOG_VERSION);
        state.ids = list(&selected.iter().map(|d| d.id).collect::<Vec<_>>());
        state.checks = Value::Value(
            selected
                .iter()
                .map(|d| CheckEntry {
                    id: s(d.id),
                    title: s(d.title),
                    stage: s(d.stage.as_str()),
                    service: s(d.service),
                    severity: s(d.severity.as_str()),
                    resource_types: list(d.resource_types),
                    controls: list(d.controls),
                    remediation: s(d.remediation),
                    iam_actions: list(&services::required_iam_actions(d)),
                })
                .collect(),
        );
        Some(state)
    }
}
