//! Validation of a configuration value against a block schema, as the real provider's
//! ValidateResourceConfig would do it: value types, required arguments, computed-only
//! attributes that are set, and the number and nesting of blocks.
//!
//! Values are the MessagePack the plugin protocol carries: an unknown value (not known until
//! apply) is extension type 0, or 12 when it carries refinements ("not null", a string
//! prefix, ...); it is never an error. A null is "not set".

use rmpv::Value;

use crate::schema::{AttributeSpec, BlockSpec, BlockTypeSpec, Nesting, Type};

/// One step of an attribute path.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Step {
    Attribute(String),
    Index(i64),
    Key(String),
}

/// One validation error, on an attribute path.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    pub summary: String,
    pub detail: String,
    pub path: Vec<Step>,
}

/// Whether `v` is Terraform's unknown value (plain, or refined).
pub fn is_unknown(v: &Value) -> bool {
    matches!(v, Value::Ext(0, _) | Value::Ext(12, _))
}

/// The problems of configuration `value` against `block` (empty: valid).
pub fn validate_block(block: &BlockSpec, value: &Value) -> Vec<Problem> {
    let mut out = Vec::new();
    check_block(block, value, &mut Vec::new(), &mut out);
    out
}

fn dotted(path: &[Step]) -> String {
    let mut s = String::new();
    for step in path {
        match step {
            Step::Attribute(a) => {
                if !s.is_empty() {
                    s.push('.');
                }
                s.push_str(a);
            }
            Step::Index(i) => s.push_str(&format!("[{i}]")),
            Step::Key(k) => s.push_str(&format!("[{k:?}]")),
        }
    }
    s
}

fn problem(out: &mut Vec<Problem>, path: &[Step], summary: &str, detail: String) {
    out.push(Problem {
        summary: summary.to_string(),
        detail,
        path: path.to_vec(),
    });
}

/// The entries of a MessagePack map with string keys.
fn entries(value: &Value) -> Option<Vec<(&str, &Value)>> {
    value
        .as_map()?
        .iter()
        .map(|(k, v)| Some((k.as_str()?, v)))
        .collect()
}

fn check_block(block: &BlockSpec, value: &Value, path: &mut Vec<Step>, out: &mut Vec<Problem>) {
    if value.is_nil() || is_unknown(value) {
        return;
    }
    let Some(fields) = entries(value) else {
        problem(
            out,
            path,
            "Invalid block value",
            format!("Expected an object for `{}`.", dotted(path)),
        );
        return;
    };
    for (name, _) in &fields {
        if !block.attributes.contains_key(*name) && !block.block_types.contains_key(*name) {
            path.push(Step::Attribute(name.to_string()));
            problem(
                out,
                path,
                "Unsupported argument",
                format!("An argument named \"{name}\" is not expected here."),
            );
            path.pop();
        }
    }
    let get = |name: &str| fields.iter().find(|(k, _)| *k == name).map(|(_, v)| *v);
    for (name, spec) in &block.attributes {
        path.push(Step::Attribute(name.clone()));
        check_attribute(name, spec, get(name).unwrap_or(&Value::Nil), path, out);
        path.pop();
    }
    for (name, spec) in &block.block_types {
        path.push(Step::Attribute(name.clone()));
        check_block_type(name, spec, get(name).unwrap_or(&Value::Nil), path, out);
        path.pop();
    }
}

fn check_attribute(
    name: &str,
    spec: &AttributeSpec,
    value: &Value,
    path: &mut Vec<Step>,
    out: &mut Vec<Problem>,
) {
    if value.is_nil() {
        if spec.required {
            problem(
                out,
                path,
                "Missing required argument",
                format!("The argument \"{name}\" is required, but no definition was found."),
            );
        }
        return;
    }
    if spec.computed_only() {
        problem(
            out,
            path,
            "Computed attribute cannot be set",
            format!(
                "\"{name}\" is set by hashicorp/aws (computed only); remove it from the configuration and read it as a reference instead."
            ),
        );
        return;
    }
    check_type(&spec.ty, value, path, out);
}

/// Whether `v` is a number in MessagePack (cty also sends big numbers as decimal strings).
fn is_number(v: &Value) -> bool {
    match v {
        Value::Integer(_) | Value::F32(_) | Value::F64(_) => true,
        Value::String(s) => s.as_str().is_some_and(|s| s.trim().parse::<f64>().is_ok()),
        _ => false,
    }
}

fn check_type(ty: &Type, value: &Value, path: &mut Vec<Step>, out: &mut Vec<Problem>) {
    if value.is_nil() || is_unknown(value) {
        return;
    }
    let mismatch = |out: &mut Vec<Problem>, path: &[Step]| {
        problem(
            out,
            path,
            "Incorrect attribute value type",
            format!(
                "Inappropriate value for attribute \"{}\": {} required.",
                dotted(path),
                ty.friendly()
            ),
        )
    };
    match ty {
        Type::Dynamic => {}
        Type::String => {
            if !value.is_str() {
                mismatch(out, path);
            }
        }
        Type::Number => {
            if !is_number(value) {
                mismatch(out, path);
            }
        }
        Type::Bool => {
            if !value.is_bool() {
                mismatch(out, path);
            }
        }
        Type::List(elem) | Type::Set(elem) => match value.as_array() {
            None => mismatch(out, path),
            Some(items) => {
                let indexed = matches!(ty, Type::List(_));
                for (i, item) in items.iter().enumerate() {
                    if indexed {
                        path.push(Step::Index(i as i64));
                    }
                    check_type(elem, item, path, out);
                    if indexed {
                        path.pop();
                    }
                }
            }
        },
        Type::Map(elem) => match entries(value) {
            None => mismatch(out, path),
            Some(fields) => {
                for (k, v) in fields {
                    path.push(Step::Key(k.to_string()));
                    check_type(elem, v, path, out);
                    path.pop();
                }
            }
        },
        Type::Object(attrs) => match entries(value) {
            None => mismatch(out, path),
            Some(fields) => {
                for (k, v) in fields {
                    path.push(Step::Attribute(k.to_string()));
                    match attrs.get(k) {
                        Some(t) => check_type(t, v, path, out),
                        None => problem(
                            out,
                            path,
                            "Unsupported attribute",
                            format!("This object does not have an attribute named \"{k}\"."),
                        ),
                    }
                    path.pop();
                }
            }
        },
        Type::Tuple(elems) => match value.as_array() {
            Some(items) if items.len() == elems.len() => {
                for (i, (t, v)) in elems.iter().zip(items).enumerate() {
                    path.push(Step::Index(i as i64));
                    check_type(t, v, path, out);
                    path.pop();
                }
            }
            _ => mismatch(out, path),
        },
    }
}

fn check_block_type(
    name: &str,
    spec: &BlockTypeSpec,
    value: &Value,
    path: &mut Vec<Step>,
    out: &mut Vec<Problem>,
) {
    if is_unknown(value) {
        return;
    }
    match spec.nesting {
        Nesting::Single | Nesting::Group => {
            if value.is_nil() {
                if spec.min_items > 0 && spec.nesting == Nesting::Single {
                    problem(
                        out,
                        path,
                        "Missing required block",
                        format!("A \"{name}\" block is required."),
                    );
                }
                return;
            }
            check_block(&spec.block, value, path, out);
        }
        Nesting::List | Nesting::Set => {
            let items: &[Value] = if value.is_nil() {
                &[]
            } else {
                match value.as_array() {
                    Some(items) => items,
                    None => {
                        problem(
                            out,
                            path,
                            "Invalid block value",
                            format!("Expected a list of \"{name}\" blocks."),
                        );
                        return;
                    }
                }
            };
            // A dynamic block whose for_each is not known yet: its count is not known either.
            if !items.iter().any(is_unknown) {
                let n = items.len() as i64;
                if n < spec.min_items {
                    problem(
                        out,
                        path,
                        &format!("Insufficient {name} blocks"),
                        format!(
                            "At least {} \"{name}\" block(s) are required.",
                            spec.min_items
                        ),
                    );
                }
                if spec.max_items > 0 && n > spec.max_items {
                    problem(
                        out,
                        path,
                        &format!("Too many {name} blocks"),
                        format!(
                            "No more than {} \"{name}\" block(s) are allowed.",
                            spec.max_items
                        ),
                    );
                }
            }
            let indexed = spec.nesting == Nesting::List;
            for (i, item) in items.iter().enumerate() {
                if indexed {
                    path.push(Step::Index(i as i64));
                }
                check_block(&spec.block, item, path, out);
                if indexed {
                    path.pop();
                }
            }
        }
        Nesting::Map => {
            if value.is_nil() {
                return;
            }
            match entries(value) {
                None => problem(
                    out,
                    path,
                    "Invalid block value",
                    format!("Expected a map of \"{name}\" blocks."),
                ),
                Some(fields) => {
                    for (k, v) in fields {
                        path.push(Step::Key(k.to_string()));
                        check_block(&spec.block, v, path, out);
                        path.pop();
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::ProviderSchema;
    use serde_json::json;

    fn versioning_schema() -> BlockSpec {
        let doc = json!({"provider_schemas": {crate::schema::PROVIDER_ADDRESS: {
            "provider": {"block": {}},
            "resource_schemas": {"aws_s3_bucket_versioning": {"block": {
                "attributes": {
                    "bucket": {"type": "string", "required": true},
                    "id": {"type": "string", "optional": true, "computed": true},
                    "arn": {"type": "string", "computed": true},
                    "tags": {"type": ["map", "string"], "optional": true},
                    "ports": {"type": ["list", "number"], "optional": true},
                    "ingress": {"type": ["set", ["object", {"from_port": "number"}]], "optional": true, "computed": true}
                },
                "block_types": {
                    "versioning_configuration": {"nesting_mode": "list", "min_items": 1, "max_items": 1, "block": {
                        "attributes": {"status": {"type": "string", "required": true}}
                    }},
                    "timeouts": {"nesting_mode": "single", "block": {"attributes": {"create": {"type": "string", "optional": true}}}}
                }
            }}}
        }}});
        ProviderSchema::from_json(&doc.to_string())
            .unwrap()
            .resources
            .remove("aws_s3_bucket_versioning")
            .unwrap()
            .1
    }

    fn s(v: &str) -> Value {
        Value::from(v)
    }

    fn obj(fields: Vec<(&str, Value)>) -> Value {
        Value::Map(fields.into_iter().map(|(k, v)| (s(k), v)).collect())
    }

    fn unknown() -> Value {
        Value::Ext(0, vec![0])
    }

    /// A complete, valid configuration (Terraform sends every attribute, null when unset).
    fn valid() -> Vec<(&'static str, Value)> {
        vec![
            ("bucket", s("b")),
            ("id", Value::Nil),
            ("arn", Value::Nil),
            ("tags", obj(vec![("Env", s("prod"))])),
            ("ports", Value::Array(vec![Value::from(443)])),
            ("ingress", Value::Nil),
            (
                "versioning_configuration",
                Value::Array(vec![obj(vec![("status", s("Enabled"))])]),
            ),
            ("timeouts", Value::Nil),
        ]
    }

    fn with(field: &str, value: Value) -> Value {
        obj(valid()
            .into_iter()
            .map(|(k, v)| {
                if k == field {
                    (k, value.clone())
                } else {
                    (k, v)
                }
            })
            .collect())
    }

    fn summaries(problems: &[Problem]) -> Vec<(String, String)> {
        problems
            .iter()
            .map(|p| (p.summary.clone(), dotted(&p.path)))
            .collect()
    }

    #[test]
    fn a_valid_configuration_has_no_problem() {
        assert_eq!(validate_block(&versioning_schema(), &obj(valid())), vec![]);
    }

    #[test]
    fn unknown_values_are_never_errors() {
        let b = versioning_schema();
        assert_eq!(validate_block(&b, &with("bucket", unknown())), vec![]);
        // A refined unknown (Terraform 1.6+: e.g. known not to be null).
        assert_eq!(
            validate_block(&b, &with("bucket", Value::Ext(12, vec![0x81, 0x01, 0xc3]))),
            vec![]
        );
        assert_eq!(
            validate_block(&b, &with("versioning_configuration", unknown())),
            vec![]
        );
        assert_eq!(validate_block(&b, &unknown()), vec![]);
    }

    #[test]
    fn a_missing_required_argument_is_reported_on_its_path() {
        let p = validate_block(&versioning_schema(), &with("bucket", Value::Nil));
        assert_eq!(
            summaries(&p),
            vec![("Missing required argument".into(), "bucket".into())]
        );
    }

    #[test]
    fn a_computed_only_attribute_that_is_set_is_rejected() {
        let p = validate_block(&versioning_schema(), &with("arn", s("arn:aws:s3:::b")));
        assert_eq!(
            summaries(&p),
            vec![("Computed attribute cannot be set".into(), "arn".into())]
        );
        // Also with a value known only at apply: the argument is still there.
        assert_eq!(
            summaries(&validate_block(
                &versioning_schema(),
                &with("arn", unknown())
            )),
            vec![("Computed attribute cannot be set".into(), "arn".into())]
        );
        // Optional and computed may be set.
        assert_eq!(
            validate_block(&versioning_schema(), &with("id", s("b"))),
            vec![]
        );
    }

    #[test]
    fn wrong_value_types_are_reported_with_the_element_path() {
        let b = versioning_schema();
        let p = validate_block(&b, &with("bucket", Value::from(true)));
        assert_eq!(
            summaries(&p),
            vec![("Incorrect attribute value type".into(), "bucket".into())]
        );
        assert!(p[0].detail.contains("string required"));
        let p = validate_block(&b, &with("ports", Value::Array(vec![s("https")])));
        assert_eq!(
            summaries(&p),
            vec![("Incorrect attribute value type".into(), "ports[0]".into())]
        );
        // cty sends numbers that do not fit a float as decimal strings.
        assert_eq!(
            validate_block(&b, &with("ports", Value::Array(vec![s("443")]))),
            vec![]
        );
        let p = validate_block(&b, &with("tags", obj(vec![("Env", Value::from(1))])));
        assert_eq!(
            summaries(&p),
            vec![(
                "Incorrect attribute value type".into(),
                "tags[\"Env\"]".into()
            )]
        );
        let p = validate_block(
            &b,
            &with(
                "ingress",
                Value::Array(vec![obj(vec![("to_port", Value::from(1))])]),
            ),
        );
        assert_eq!(
            summaries(&p),
            vec![("Unsupported attribute".into(), "ingress.to_port".into())]
        );
    }

    #[test]
    fn block_counts_and_nested_blocks_are_checked() {
        let b = versioning_schema();
        let p = validate_block(&b, &with("versioning_configuration", Value::Array(vec![])));
        assert_eq!(
            summaries(&p),
            vec![(
                "Insufficient versioning_configuration blocks".into(),
                "versioning_configuration".into()
            )]
        );
        let two = Value::Array(vec![
            obj(vec![("status", s("Enabled"))]),
            obj(vec![("status", s("Suspended"))]),
        ]);
        let p = validate_block(&b, &with("versioning_configuration", two));
        assert_eq!(
            summaries(&p),
            vec![(
                "Too many versioning_configuration blocks".into(),
                "versioning_configuration".into()
            )]
        );
        let p = validate_block(
            &b,
            &with(
                "versioning_configuration",
                Value::Array(vec![obj(vec![("status", Value::Nil)])]),
            ),
        );
        assert_eq!(
            summaries(&p),
            vec![(
                "Missing required argument".into(),
                "versioning_configuration[0].status".into()
            )]
        );
        // A dynamic block with an unknown for_each: the count is not known.
        assert_eq!(
            validate_block(
                &b,
                &with("versioning_configuration", Value::Array(vec![unknown()]))
            ),
            vec![]
        );
    }

    #[test]
    fn unsupported_arguments_are_reported() {
        let mut fields = valid();
        fields.push(("versioning", s("Enabled")));
        let p = validate_block(&versioning_schema(), &obj(fields));
        assert_eq!(
            summaries(&p),
            vec![("Unsupported argument".into(), "versioning".into())]
        );
    }
}
