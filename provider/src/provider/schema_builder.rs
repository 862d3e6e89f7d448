//! Terse constructors for `tf_provider` schema items, so that schemas read like tables.

use std::collections::HashMap;

use tf_provider::schema::{
    Attribute, AttributeConstraint, AttributeType, Block, Description, NestedBlock,
};

/// How Terraform treats an attribute: set by the user, computed by the provider, or both.
#[derive(Clone, Copy, Debug)]
pub enum Mode {
    /// Must be set in configuration.
    Required,
    /// May be set in configuration.
    Optional,
    /// Set by the provider only.
    Computed,
    /// May be set; the provider fills it in otherwise.
    OptionalComputed,
}

impl From<Mode> for AttributeConstraint {
    fn from(mode: Mode) -> Self {
        match mode {
            Mode::Required => AttributeConstraint::Required,
            Mode::Optional => AttributeConstraint::Optional,
            Mode::Computed => AttributeConstraint::Computed,
            Mode::OptionalComputed => AttributeConstraint::OptionalComputed,
        }
    }
}

/// An attribute of any type.
pub fn attr(ty: AttributeType, mode: Mode, description: &str) -> Attribute {
    Attribute {
        attr_type: ty,
        description: Description::markdown(description),
        constraint: mode.into(),
        sensitive: false,
        deprecated: false,
    }
}

/// A string attribute.
pub fn string(mode: Mode, description: &str) -> Attribute {
    attr(AttributeType::String, mode, description)
}

/// A sensitive string attribute (redacted in plan output).
pub fn secret(mode: Mode, description: &str) -> Attribute {
    Attribute {
        sensitive: true,
        ..string(mode, description)
    }
}

/// A boolean attribute.
pub fn boolean(mode: Mode, description: &str) -> Attribute {
    attr(AttributeType::Bool, mode, description)
}

/// A number attribute.
pub fn number(mode: Mode, description: &str) -> Attribute {
    attr(AttributeType::Number, mode, description)
}

/// A list of strings.
pub fn string_list(mode: Mode, description: &str) -> Attribute {
    attr(
        AttributeType::List(Box::new(AttributeType::String)),
        mode,
        description,
    )
}

/// A set of strings.
pub fn string_set(mode: Mode, description: &str) -> Attribute {
    attr(
        AttributeType::Set(Box::new(AttributeType::String)),
        mode,
        description,
    )
}

/// A map of strings.
pub fn string_map(mode: Mode, description: &str) -> Attribute {
    attr(
        AttributeType::Map(Box::new(AttributeType::String)),
        mode,
        description,
    )
}

/// A block with attributes and nested blocks.
pub fn block<const A: usize, const B: usize>(
    description: &str,
    attributes: [(&str, Attribute); A],
    blocks: [(&str, NestedBlock); B],
) -> Block {
    Block {
        version: 0,
        attributes: attributes
            .into_iter()
            .map(|(k, v)| (k.to_string(), v))
            .collect::<HashMap<_, _>>(),
        blocks: blocks
            .into_iter()
            .map(|(k, v)| (k.to_string(), v))
            .collect::<HashMap<_, _>>(),
        description: Description::markdown(description),
        deprecated: false,
    }
}

/// Every attribute path of a block, dotted (`approval.approved_by`), with its description.
/// Used by the documentation test and by `docs` generation.
pub fn flatten(block: &Block) -> Vec<(String, String)> {
    fn walk(prefix: &str, block: &Block, out: &mut Vec<(String, String)>) {
        for (name, a) in &block.attributes {
            out.push((format!("{prefix}{name}"), a.description.content.clone()));
        }
        for (name, nested) in &block.blocks {
            let inner = match nested {
                NestedBlock::Single(b)
                | NestedBlock::List(b)
                | NestedBlock::Set(b)
                | NestedBlock::Map(b)
                | NestedBlock::Group(b)
                | NestedBlock::Optional(b)
                | NestedBlock::Bounded { block: b, .. } => b,
            };
            out.push((format!("{prefix}{name}"), inner.description.content.clone()));
            walk(&format!("{prefix}{name}."), inner, out);
        }
    }
    let mut out = Vec::new();
    walk("", block, &mut out);
    out.sort();
    out
}
