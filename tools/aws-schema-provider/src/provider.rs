//! The plugin: the provider, one schema-only resource or data source per type.

use std::collections::HashMap;
use std::sync::Arc;

use async_trait::async_trait;
use tf_provider::schema::Schema;
use tf_provider::{
    AttributePath, Diagnostics, DynamicDataSource, DynamicProvider, DynamicResource, RawValue,
};

use crate::schema::{BlockSpec, ProviderSchema};
use crate::validate::{validate_block, Problem, Step};

/// Environment variable naming the schema document; default: the `make tools` cache.
pub const SCHEMA_ENV: &str = "GXP_AWS_SCHEMA";

/// The schema document `make tools` writes.
pub fn default_schema_path() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../.tools/aws-schema/schema.json")
}

/// The provider served as `aws`.
pub struct StandIn {
    schema: Result<Arc<ProviderSchema>, String>,
}

impl StandIn {
    /// Load the schema from `$GXP_AWS_SCHEMA` or [`default_schema_path`]. A missing or bad
    /// document is reported by the provider schema call, where Terraform shows it.
    pub fn load() -> StandIn {
        let path = std::env::var_os(SCHEMA_ENV)
            .map(std::path::PathBuf::from)
            .unwrap_or_else(default_schema_path);
        let schema = std::fs::read_to_string(&path)
            .map_err(|e| format!("cannot read {}: {e}; run `make tools`", path.display()))
            .and_then(|text| {
                ProviderSchema::from_json(&text).map_err(|e| format!("{}: {e}", path.display()))
            });
        StandIn {
            schema: schema.map(Arc::new),
        }
    }

    /// A stand-in serving `schema`.
    pub fn new(schema: ProviderSchema) -> StandIn {
        StandIn {
            schema: Ok(Arc::new(schema)),
        }
    }
}

/// Decode a configuration value (MessagePack, or JSON in older protocol paths).
fn decode(diags: &mut Diagnostics, raw: &RawValue) -> Option<rmpv::Value> {
    match raw {
        RawValue::MessagePack(bytes) if bytes.is_empty() => Some(rmpv::Value::Nil),
        RawValue::MessagePack(bytes) => match rmpv::decode::read_value(&mut bytes.as_slice()) {
            Ok(v) => Some(v),
            Err(e) => {
                diags.root_error("Cannot decode the configuration", e.to_string());
                None
            }
        },
        RawValue::Json(bytes) => match serde_json::from_slice::<serde_json::Value>(bytes) {
            Ok(v) => Some(json_to_msgpack(v)),
            Err(e) => {
                diags.root_error("Cannot decode the configuration", e.to_string());
                None
            }
        },
    }
}

fn json_to_msgpack(v: serde_json::Value) -> rmpv::Value {
    use serde_json::Value as J;
    match v {
        J::Null => rmpv::Value::Nil,
        J::Bool(b) => rmpv::Value::Boolean(b),
        J::Number(n) => n
            .as_i64()
            .map(rmpv::Value::from)
            .unwrap_or_else(|| rmpv::Value::F64(n.as_f64().unwrap_or(f64::NAN))),
        J::String(s) => rmpv::Value::from(s),
        J::Array(a) => rmpv::Value::Array(a.into_iter().map(json_to_msgpack).collect()),
        J::Object(o) => rmpv::Value::Map(
            o.into_iter()
                .map(|(k, v)| (rmpv::Value::from(k), json_to_msgpack(v)))
                .collect(),
        ),
    }
}

fn attribute_path(steps: &[Step]) -> Option<AttributePath> {
    let (Step::Attribute(first), rest) = steps.split_first()? else {
        return None;
    };
    let mut path = AttributePath::new(first.clone());
    for step in rest {
        path = match step {
            Step::Attribute(a) => path.attribute(a.clone()),
            Step::Index(i) => path.index(*i),
            Step::Key(k) => path.key(k.clone()),
        };
    }
    Some(path)
}

fn report(diags: &mut Diagnostics, problems: Vec<Problem>) {
    for p in problems {
        match attribute_path(&p.path) {
            Some(path) => diags.error(p.summary, p.detail, path),
            None => diags.root_error(p.summary, p.detail),
        }
    }
}

/// Validate `config` against `block`: `Some(())` when valid.
fn validate_config(diags: &mut Diagnostics, block: &BlockSpec, config: &RawValue) -> Option<()> {
    let value = decode(diags, config)?;
    let problems = validate_block(block, &value);
    if problems.is_empty() {
        Some(())
    } else {
        report(diags, problems);
        None
    }
}

fn refuse(diags: &mut Diagnostics, what: &str, type_name: &str) {
    diags.root_error(
        format!("hashicorp/aws stand-in cannot {what} {type_name}"),
        format!(
            "This is the schema-only stand-in for hashicorp/aws 5.100.0 that this project's tests install in a throwaway plugin mirror. It serves the schema and validates configurations; it cannot {what} {type_name} or any other real AWS object. Use `mock_provider \"aws\"` in `terraform test`, or install the real hashicorp/aws provider."
        ),
    );
}

#[async_trait]
impl DynamicProvider for StandIn {
    fn schema(&self, diags: &mut Diagnostics) -> Option<Schema> {
        match &self.schema {
            Ok(s) => Some(s.provider.to_plugin_schema(0)),
            Err(e) => {
                diags.root_error("hashicorp/aws stand-in has no schema", e.clone());
                None
            }
        }
    }

    async fn validate(&self, diags: &mut Diagnostics, config: RawValue) -> Option<()> {
        let schema = self.schema.as_ref().ok()?;
        validate_config(diags, &schema.provider, &config)
    }

    async fn configure(
        &self,
        _diags: &mut Diagnostics,
        _terraform_version: String,
        _config: RawValue,
    ) -> Option<()> {
        // Configuring succeeds so that a plan reaches the resource and its clear refusal.
        Some(())
    }

    fn get_resources(
        &self,
        _diags: &mut Diagnostics,
    ) -> Option<HashMap<String, Box<dyn DynamicResource>>> {
        let schema = self.schema.as_ref().ok()?;
        Some(
            schema
                .resources
                .keys()
                .filter_map(|name| {
                    let short = name.strip_prefix("aws_")?.to_string();
                    let r: Box<dyn DynamicResource> = Box::new(SchemaOnly {
                        schema: schema.clone(),
                        type_name: name.clone(),
                        data: false,
                    });
                    Some((short, r))
                })
                .collect(),
        )
    }

    fn get_data_sources(
        &self,
        _diags: &mut Diagnostics,
    ) -> Option<HashMap<String, Box<dyn DynamicDataSource>>> {
        let schema = self.schema.as_ref().ok()?;
        Some(
            schema
                .data_sources
                .keys()
                .filter_map(|name| {
                    let short = name.strip_prefix("aws_")?.to_string();
                    let d: Box<dyn DynamicDataSource> = Box::new(SchemaOnly {
                        schema: schema.clone(),
                        type_name: name.clone(),
                        data: true,
                    });
                    Some((short, d))
                })
                .collect(),
        )
    }
}

/// One resource or data source type: its schema, validation, and a refusal for the rest.
struct SchemaOnly {
    schema: Arc<ProviderSchema>,
    type_name: String,
    data: bool,
}

impl SchemaOnly {
    fn spec(&self) -> &(i64, BlockSpec) {
        let map = if self.data {
            &self.schema.data_sources
        } else {
            &self.schema.resources
        };
        &map[&self.type_name]
    }
}

#[async_trait]
impl DynamicDataSource for SchemaOnly {
    fn schema(&self, _diags: &mut Diagnostics) -> Option<Schema> {
        let (version, block) = self.spec();
        Some(block.to_plugin_schema(*version))
    }

    async fn validate(&self, diags: &mut Diagnostics, config: RawValue) -> Option<()> {
        validate_config(diags, &self.spec().1, &config)
    }

    async fn read(
        &self,
        diags: &mut Diagnostics,
        _config: RawValue,
        _provider_meta_state: RawValue,
    ) -> Option<RawValue> {
        refuse(diags, "read", &format!("data source {}", self.type_name));
        None
    }
}

#[async_trait]
impl DynamicResource for SchemaOnly {
    fn schema(&self, _diags: &mut Diagnostics) -> Option<Schema> {
        let (version, block) = self.spec();
        Some(block.to_plugin_schema(*version))
    }

    async fn validate(&self, diags: &mut Diagnostics, config: RawValue) -> Option<()> {
        validate_config(diags, &self.spec().1, &config)
    }

    async fn read(
        &self,
        diags: &mut Diagnostics,
        _state: RawValue,
        _private_state: Vec<u8>,
        _provider_meta_state: RawValue,
    ) -> Option<(RawValue, Vec<u8>)> {
        refuse(diags, "read", &self.type_name);
        None
    }

    async fn plan_create(
        &self,
        diags: &mut Diagnostics,
        _proposed_state: RawValue,
        _config_state: RawValue,
        _provider_meta_state: RawValue,
    ) -> Option<(RawValue, Vec<u8>)> {
        refuse(diags, "plan", &self.type_name);
        None
    }

    async fn plan_update(
        &self,
        diags: &mut Diagnostics,
        _prior_state: RawValue,
        _proposed_state: RawValue,
        _config_state: RawValue,
        _prior_private_state: Vec<u8>,
        _provider_meta_state: RawValue,
    ) -> Option<(RawValue, Vec<u8>, Vec<AttributePath>)> {
        refuse(diags, "plan", &self.type_name);
        None
    }

    async fn plan_destroy(
        &self,
        diags: &mut Diagnostics,
        _prior_state: RawValue,
        _prior_private_state: Vec<u8>,
        _provider_meta_state: RawValue,
    ) -> Option<Vec<u8>> {
        refuse(diags, "plan", &self.type_name);
        None
    }

    async fn create(
        &self,
        diags: &mut Diagnostics,
        _planned_state: RawValue,
        _config_state: RawValue,
        _planned_private_state: Vec<u8>,
        _provider_meta_state: RawValue,
    ) -> Option<(RawValue, Vec<u8>)> {
        refuse(diags, "apply", &self.type_name);
        None
    }

    async fn update(
        &self,
        diags: &mut Diagnostics,
        _prior_state: RawValue,
        _planned_state: RawValue,
        _config_state: RawValue,
        _planned_private_state: Vec<u8>,
        _provider_meta_state: RawValue,
    ) -> Option<(RawValue, Vec<u8>)> {
        refuse(diags, "apply", &self.type_name);
        None
    }

    async fn destroy(
        &self,
        diags: &mut Diagnostics,
        _prior_state: RawValue,
        _planned_private_state: Vec<u8>,
        _provider_meta_state: RawValue,
    ) -> Option<()> {
        refuse(diags, "apply", &self.type_name);
        None
    }

    async fn import(&self, diags: &mut Diagnostics, _id: String) -> Option<(RawValue, Vec<u8>)> {
        refuse(diags, "import", &self.type_name);
        None
    }
}
