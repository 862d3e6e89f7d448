//! Resource identities (Terraform 1.12 and later): the identity schema attributes and the
//! conversion between identity data and plain strings, shared by the resources that have
//! an identity.

use tf_provider::schema::{AttributeType, IdentityAttribute, IdentitySchema};
use tf_provider::value::{Value, ValueAny};
use tf_provider::{AttributePath, Diagnostics, IdentityData};

/// A string identity attribute that an `import` block must give.
pub fn required_string(description: &str) -> IdentityAttribute {
    IdentityAttribute {
        attr_type: AttributeType::String,
        description: description.to_string(),
        required_for_import: true,
        optional_for_import: false,
    }
}

/// A version-0 identity schema with these string attributes, all required for import.
pub fn string_schema(attributes: &[(&str, &str)]) -> IdentitySchema {
    IdentitySchema {
        version: 0,
        attributes: attributes
            .iter()
            .map(|(name, description)| (name.to_string(), required_string(description)))
            .collect(),
    }
}

/// A state string as an identity attribute value (null and unknown stay so).
pub fn value_of(v: &Value<String>) -> ValueAny {
    match v {
        Value::Value(s) => ValueAny::String(s.clone()),
        Value::Null => ValueAny::Null,
        Value::Unknown => ValueAny::Unknown,
    }
}

/// Identity data from attribute names and values.
pub fn data<const N: usize>(attributes: [(&str, ValueAny); N]) -> IdentityData {
    attributes
        .into_iter()
        .map(|(name, value)| (name.to_string(), value))
        .collect()
}

/// The attribute `name` of `identity` when it is a known, non-empty string.
pub fn known_string<'a>(identity: &'a IdentityData, name: &str) -> Option<&'a str> {
    match identity.get(name) {
        Some(ValueAny::String(s)) if !s.is_empty() => Some(s),
        _ => None,
    }
}

/// The attributes `names` of an identity given to import, each a known, non-empty string;
/// an error naming the attribute (`identity.NAME`) for each one missing, and `None`.
pub fn required_strings<const N: usize>(
    diags: &mut Diagnostics,
    identity: &IdentityData,
    names: [&str; N],
    hint: &str,
) -> Option<[String; N]> {
    let mut missing = false;
    let values = names.map(|name| match known_string(identity, name) {
        Some(s) => s.to_string(),
        None => {
            let what = match identity.get(name) {
                Some(ValueAny::String(_)) => "is empty",
                Some(ValueAny::Unknown) => "is not known until apply",
                Some(ValueAny::Null) | None => "is not set",
                Some(_) => "is not a string",
            };
            diags.error(
                "Invalid import identity",
                format!("`identity.{name}` {what}: import by identity needs a non-empty string for every identity attribute. {hint}"),
                AttributePath::new("identity").attribute(name.to_string()),
            );
            missing = true;
            String::new()
        }
    });
    (!missing).then_some(values)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_schema_requires_every_attribute_for_import() {
        let schema = string_schema(&[("name", "The name."), ("environment", "The env.")]);
        assert_eq!(schema.version, 0);
        assert_eq!(schema.attributes.len(), 2);
        for attr in schema.attributes.values() {
            assert_eq!(attr.attr_type, AttributeType::String);
            assert!(attr.required_for_import && !attr.optional_for_import);
        }
        assert_eq!(schema.attributes["name"].description, "The name.");
    }

    #[test]
    fn state_values_keep_null_and_unknown() {
        assert_eq!(
            value_of(&Value::Value("a".into())),
            ValueAny::String("a".into())
        );
        assert_eq!(value_of(&Value::Null), ValueAny::Null);
        assert_eq!(value_of(&Value::Unknown), ValueAny::Unknown);
    }

    #[test]
    fn every_missing_attribute_is_an_error_with_its_path() {
        let identity = data([
            ("name", ValueAny::String("q".into())),
            ("application", ValueAny::Null),
            ("environment", ValueAny::String(String::new())),
        ]);
        let mut diags = Diagnostics::default();
        let got = required_strings(
            &mut diags,
            &identity,
            ["name", "application", "environment"],
            "",
        );
        assert_eq!(got, None);
        assert_eq!(diags.errors.len(), 2, "{:?}", diags.errors);
        assert_eq!(
            diags.errors[0].attribute,
            AttributePath::new("identity").attribute("application")
        );
        assert!(diags.errors[0].detail.contains("is not set"));
        assert!(diags.errors[1]
            .detail
            .contains("`identity.environment` is empty"));

        let mut diags = Diagnostics::default();
        let complete = data([("name", ValueAny::String("q".into()))]);
        assert_eq!(
            required_strings(&mut diags, &complete, ["name"], ""),
            Some(["q".to_string()])
        );
        assert!(diags.errors.is_empty());
    }
}
