//! The provider schema document (`terraform providers schema -json` shape) and its
//! conversion to the plugin library's schema types.

use std::collections::{BTreeMap, HashMap};

use serde::Deserialize;
use serde_json::Value as Json;
use tf_provider::schema::{
    Attribute, AttributeConstraint, AttributeType, Block, BlockNesting, Description, NestedBlock,
    Schema,
};

/// Registry address of the provider whose schema the document holds.
pub const PROVIDER_ADDRESS: &str = "registry.terraform.io/hashicorp/aws";

/// A Terraform value type (cty), as `["list", "string"]` in the JSON schema.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Type {
    String,
    Number,
    Bool,
    /// `dynamic`: any value.
    Dynamic,
    List(Box<Type>),
    Set(Box<Type>),
    Map(Box<Type>),
    Object(BTreeMap<String, Type>),
    Tuple(Vec<Type>),
}

impl Type {
    /// Parse the JSON form of a type.
    pub fn from_json(json: &Json) -> Result<Type, String> {
        match json {
            Json::String(s) => match s.as_str() {
                "string" => Ok(Type::String),
                "number" => Ok(Type::Number),
                "bool" => Ok(Type::Bool),
                "dynamic" => Ok(Type::Dynamic),
                other => Err(format!("unknown primitive type `{other}`")),
            },
            Json::Array(parts) if parts.len() >= 2 => {
                let kind = parts[0].as_str().unwrap_or_default();
                match kind {
                    "list" => Ok(Type::List(Box::new(Type::from_json(&parts[1])?))),
                    "set" => Ok(Type::Set(Box::new(Type::from_json(&parts[1])?))),
                    "map" => Ok(Type::Map(Box::new(Type::from_json(&parts[1])?))),
                    "object" => {
                        let attrs = parts[1]
                            .as_object()
                            .ok_or("object type without attributes")?;
                        Ok(Type::Object(
                            attrs
                                .iter()
                                .map(|(k, v)| Ok((k.clone(), Type::from_json(v)?)))
                                .collect::<Result<_, String>>()?,
                        ))
                    }
                    "tuple" => Ok(Type::Tuple(
                        parts[1]
                            .as_array()
                            .ok_or("tuple type without elements")?
                            .iter()
                            .map(Type::from_json)
                            .collect::<Result<_, String>>()?,
                    )),
                    other => Err(format!("unknown type constructor `{other}`")),
                }
            }
            other => Err(format!("not a type: {other}")),
        }
    }

    /// The type as Terraform writes it (`list(string)`), for diagnostics.
    pub fn friendly(&self) -> String {
        match self {
            Type::String => "string".into(),
            Type::Number => "number".into(),
            Type::Bool => "bool".into(),
            Type::Dynamic => "any".into(),
            Type::List(t) => format!("list({})", t.friendly()),
            Type::Set(t) => format!("set({})", t.friendly()),
            Type::Map(t) => format!("map({})", t.friendly()),
            Type::Object(_) => "object".into(),
            Type::Tuple(_) => "tuple".into(),
        }
    }

    fn to_plugin(&self) -> AttributeType {
        match self {
            Type::String => AttributeType::String,
            Type::Number => AttributeType::Number,
            Type::Bool => AttributeType::Bool,
            Type::Dynamic => AttributeType::Any,
            Type::List(t) => AttributeType::List(Box::new(t.to_plugin())),
            Type::Set(t) => AttributeType::Set(Box::new(t.to_plugin())),
            Type::Map(t) => AttributeType::Map(Box::new(t.to_plugin())),
            Type::Object(attrs) => AttributeType::Object(
                attrs
                    .iter()
                    .map(|(k, v)| (k.clone(), v.to_plugin()))
                    .collect::<HashMap<_, _>>(),
            ),
            Type::Tuple(ts) => AttributeType::Tuple(ts.iter().map(Type::to_plugin).collect()),
        }
    }
}

/// One attribute of a block.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AttributeSpec {
    pub ty: Type,
    pub required: bool,
    pub optional: bool,
    pub computed: bool,
}

impl AttributeSpec {
    /// Set by the provider only: configuring it is an error.
    pub fn computed_only(&self) -> bool {
        self.computed && !self.optional && !self.required
    }
}

/// Nesting mode of a nested block.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Nesting {
    Single,
    Group,
    List,
    Set,
    Map,
}

/// One nested block type of a block.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BlockTypeSpec {
    pub nesting: Nesting,
    pub block: BlockSpec,
    pub min_items: i64,
    /// 0: unbounded.
    pub max_items: i64,
}

/// A block: attributes and nested block types.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct BlockSpec {
    pub attributes: BTreeMap<String, AttributeSpec>,
    pub block_types: BTreeMap<String, BlockTypeSpec>,
}

#[derive(Deserialize)]
struct RawSchema {
    #[serde(default)]
    version: i64,
    block: RawBlock,
}

#[derive(Deserialize, Default)]
struct RawBlock {
    #[serde(default)]
    attributes: BTreeMap<String, RawAttribute>,
    #[serde(default)]
    block_types: BTreeMap<String, RawBlockType>,
}

#[derive(Deserialize)]
struct RawAttribute {
    #[serde(rename = "type")]
    ty: Option<Json>,
    #[serde(default)]
    required: bool,
    #[serde(default)]
    optional: bool,
    #[serde(default)]
    computed: bool,
}

#[derive(Deserialize)]
struct RawBlockType {
    nesting_mode: String,
    #[serde(default)]
    block: RawBlock,
    #[serde(default)]
    min_items: i64,
    #[serde(default)]
    max_items: i64,
}

#[derive(Deserialize)]
struct RawProviderSchema {
    provider: RawSchema,
    #[serde(default)]
    resource_schemas: BTreeMap<String, RawSchema>,
    #[serde(default)]
    data_source_schemas: BTreeMap<String, RawSchema>,
}

#[derive(Deserialize)]
struct RawDocument {
    provider_schemas: BTreeMap<String, RawProviderSchema>,
}

fn convert_block(raw: RawBlock, path: &str) -> Result<BlockSpec, String> {
    let mut attributes = BTreeMap::new();
    for (name, a) in raw.attributes {
        let ty =
            a.ty.as_ref()
                .ok_or_else(|| format!("{path}.{name}: attribute without a type"))
                .and_then(|t| Type::from_json(t).map_err(|e| format!("{path}.{name}: {e}")))?;
        attributes.insert(
            name,
            AttributeSpec {
                ty,
                required: a.required,
                optional: a.optional,
                computed: a.computed,
            },
        );
    }
    let mut block_types = BTreeMap::new();
    for (name, b) in raw.block_types {
        let nesting = match b.nesting_mode.as_str() {
            "single" => Nesting::Single,
            "group" => Nesting::Group,
            "list" => Nesting::List,
            "set" => Nesting::Set,
            "map" => Nesting::Map,
            other => return Err(format!("{path}.{name}: unknown nesting mode `{other}`")),
        };
        let block = convert_block(b.block, &format!("{path}.{name}"))?;
        block_types.insert(
            name,
            BlockTypeSpec {
                nesting,
                block,
                min_items: b.min_items,
                max_items: b.max_items,
            },
        );
    }
    Ok(BlockSpec {
        attributes,
        block_types,
    })
}

/// A provider's schema: its configuration block, resources and data sources.
#[derive(Clone, Debug, Default)]
pub struct ProviderSchema {
    pub provider: BlockSpec,
    /// Resource type (`aws_s3_bucket`) -> (schema version, block).
    pub resources: BTreeMap<String, (i64, BlockSpec)>,
    pub data_sources: BTreeMap<String, (i64, BlockSpec)>,
}

impl ProviderSchema {
    /// Read the schema of [`PROVIDER_ADDRESS`] from a `terraform providers schema -json` document.
    pub fn from_json(text: &str) -> Result<ProviderSchema, String> {
        let mut doc: RawDocument = serde_json::from_str(text)
            .map_err(|e| format!("not a provider schema document: {e}"))?;
        let raw = doc
            .provider_schemas
            .remove(PROVIDER_ADDRESS)
            .ok_or_else(|| format!("the document has no schema for {PROVIDER_ADDRESS}"))?;
        let mut out = ProviderSchema {
            provider: convert_block(raw.provider.block, "provider")?,
            ..Default::default()
        };
        for (name, s) in raw.resource_schemas {
            let block = convert_block(s.block, &name)?;
            out.resources.insert(name, (s.version, block));
        }
        for (name, s) in raw.data_source_schemas {
            let block = convert_block(s.block, &format!("data.{name}"))?;
            out.data_sources.insert(name, (s.version, block));
        }
        Ok(out)
    }
}

impl BlockSpec {
    /// The block in the plugin library's types, as served by `GetProviderSchema`.
    pub fn to_plugin(&self) -> Block {
        Block {
            version: 0,
            attributes: self
                .attributes
                .iter()
                .map(|(name, a)| {
                    let constraint = match (a.required, a.optional, a.computed) {
                        (true, _, _) => AttributeConstraint::Required,
                        (false, true, true) => AttributeConstraint::OptionalComputed,
                        (false, true, false) => AttributeConstraint::Optional,
                        (false, false, _) => AttributeConstraint::Computed,
                    };
                    (
                        name.clone(),
                        Attribute {
                            attr_type: a.ty.to_plugin(),
                            description: Description::plain(""),
                            constraint,
                            sensitive: false,
                            deprecated: false,
                        },
                    )
                })
                .collect(),
            blocks: self
                .block_types
                .iter()
                .map(|(name, b)| {
                    let nesting = match b.nesting {
                        Nesting::Single => BlockNesting::Single,
                        Nesting::Group => BlockNesting::Group,
                        Nesting::List => BlockNesting::List,
                        Nesting::Set => BlockNesting::Set,
                        Nesting::Map => BlockNesting::Map,
                    };
                    (
                        name.clone(),
                        NestedBlock::Bounded {
                            nesting,
                            block: b.block.to_plugin(),
                            min_items: b.min_items,
                            max_items: b.max_items,
                        },
                    )
                })
                .collect(),
            description: Description::plain(""),
            deprecated: false,
        }
    }

    /// [`to_plugin`](Self::to_plugin) with a schema version.
    pub fn to_plugin_schema(&self, version: i64) -> Schema {
        Schema {
            version,
            block: self.to_plugin(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn document(resource: Json) -> String {
        json!({
            "format_version": "1.0",
            "provider_schemas": {
                PROVIDER_ADDRESS: {
                    "provider": {"version": 0, "block": {"attributes": {"region": {"type": "string", "optional": true}}}},
                    "resource_schemas": {"aws_thing": resource},
                    "data_source_schemas": {}
                }
            }
        })
        .to_string()
    }

    #[test]
    fn reads_attributes_types_and_block_bounds() {
        let doc = document(json!({"version": 2, "block": {
            "attributes": {
                "arn": {"type": "string", "computed": true},
                "tags": {"type": ["map", "string"], "optional": true},
                "rules": {"type": ["set", ["object", {"port": "number"}]], "optional": true, "computed": true}
            },
            "block_types": {
                "versioning": {"nesting_mode": "list", "min_items": 1, "max_items": 1,
                               "block": {"attributes": {"status": {"type": "string", "required": true}}}},
                "timeouts": {"nesting_mode": "single", "block": {}}
            }
        }}));
        let schema = ProviderSchema::from_json(&doc).unwrap();
        let (version, thing) = &schema.resources["aws_thing"];
        assert_eq!(*version, 2);
        assert!(thing.attributes["arn"].computed_only());
        assert!(!thing.attributes["rules"].computed_only());
        assert_eq!(
            thing.attributes["rules"].ty,
            Type::Set(Box::new(Type::Object(BTreeMap::from([(
                "port".to_string(),
                Type::Number
            )]))))
        );
        let v = &thing.block_types["versioning"];
        assert_eq!((v.nesting, v.min_items, v.max_items), (Nesting::List, 1, 1));
        assert_eq!(thing.block_types["timeouts"].nesting, Nesting::Single);
        assert_eq!(schema.provider.attributes["region"].ty, Type::String);
    }

    #[test]
    fn plugin_schema_keeps_bounds_and_constraints() {
        let doc = document(json!({"block": {
            "attributes": {"id": {"type": "string", "optional": true, "computed": true}},
            "block_types": {"rule": {"nesting_mode": "set", "min_items": 1, "block": {}}}
        }}));
        let schema = ProviderSchema::from_json(&doc).unwrap();
        let block = schema.resources["aws_thing"].1.to_plugin();
        assert_eq!(
            block.attributes["id"].constraint,
            AttributeConstraint::OptionalComputed
        );
        assert!(matches!(
            block.blocks["rule"],
            NestedBlock::Bounded {
                nesting: BlockNesting::Set,
                min_items: 1,
                max_items: 0,
                ..
            }
        ));
    }

    #[test]
    fn rejects_documents_without_the_aws_schema_or_with_bad_types() {
        let other =
            json!({"provider_schemas": {"registry.terraform.io/x/y": {"provider": {"block": {}}}}});
        assert!(ProviderSchema::from_json(&other.to_string())
            .unwrap_err()
            .contains("no schema for registry.terraform.io/hashicorp/aws"));
        let bad = document(json!({"block": {"attributes": {"x": {"type": ["vector", "string"]}}}}));
        assert!(ProviderSchema::from_json(&bad)
            .unwrap_err()
            .contains("aws_thing.x: unknown type constructor `vector`"));
    }
}
