//! Terraform values (each may be null or unknown) and the plain values the engine takes.

use std::collections::BTreeMap;

use tf_provider::value::Value;

/// A string that may be null or unknown.
pub type Str = Value<String>;
/// A list of strings; the list and each element may be null or unknown.
pub type StrList = Value<Vec<Str>>;
/// A map of strings; the map and each value may be null or unknown.
pub type StrMap = Value<BTreeMap<String, Str>>;

/// The string when it is known and not empty.
pub fn non_empty(v: &Str) -> Option<&str> {
    match v {
        Value::Value(s) if !s.is_empty() => Some(s),
        _ => None,
    }
}

/// The string, owned, when it is known and not empty.
pub fn non_empty_string(v: &Str) -> Option<String> {
    non_empty(v).map(str::to_string)
}

/// The known, non-empty elements of a list (none when the list is null or unknown).
pub fn non_empty_strings(v: &StrList) -> Vec<String> {
    match v {
        Value::Value(items) => items.iter().filter_map(non_empty_string).collect(),
        _ => vec![],
    }
}

/// Every element of a list when all are known (an empty list when it is null; `None` while
/// the list or an element is unknown).
pub fn known_strings(v: &StrList) -> Option<Vec<String>> {
    match v {
        Value::Value(items) => items.iter().map(|s| s.as_ref_option().cloned()).collect(),
        Value::Null => Some(vec![]),
        Value::Unknown => None,
    }
}

/// A known list of known strings.
pub fn string_list(items: &[&str]) -> StrList {
    Value::Value(items.iter().map(|s| Value::Value(s.to_string())).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(v: &str) -> Str {
        Value::Value(v.to_string())
    }

    #[test]
    fn empty_null_and_unknown_strings_are_absent() {
        assert_eq!(non_empty(&s("a")), Some("a"));
        assert_eq!(non_empty(&s("")), None);
        assert_eq!(non_empty(&Value::Null), None);
        assert_eq!(non_empty(&Value::Unknown), None);
        assert_eq!(non_empty_string(&s("b")), Some("b".to_string()));
    }

    #[test]
    fn lists_keep_what_is_known() {
        let list: StrList = Value::Value(vec![s("a"), s(""), Value::Null, s("b")]);
        assert_eq!(non_empty_strings(&list), vec!["a", "b"]);
        assert_eq!(non_empty_strings(&Value::Unknown), Vec::<String>::new());
        assert_eq!(known_strings(&list), None);
        assert_eq!(known_strings(&Value::Null), Some(vec![]));
        assert_eq!(known_strings(&Value::Unknown), None);
        assert_eq!(
            known_strings(&string_list(&["x", "y"])),
            Some(vec!["x".to_string(), "y".to_string()])
        );
    }
}
