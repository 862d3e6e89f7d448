//! Structure-aware input: values drawn from fuzzer bytes through [`arbitrary::Unstructured`],
//! biased towards the vocabulary of the code under test so that deep paths are reached.

use arbitrary::{Arbitrary, Result, Unstructured};
use serde_json::{Map, Value as Json};
use tf_provider::value::Value;

/// Deepest nesting of generated JSON.
const MAX_JSON_DEPTH: usize = 4;

/// A word from `vocab` most of the time, else any string (Terraform strings are any UTF-8).
pub fn word<S: AsRef<str>>(u: &mut Unstructured, vocab: &[S]) -> Result<String> {
    if !vocab.is_empty() && u.ratio(7, 8)? {
        Ok(u.choose(vocab)?.as_ref().to_string())
    } else {
        String::arbitrary(u)
    }
}

/// Up to `max` items made by `item`.
pub fn list<T>(
    u: &mut Unstructured,
    max: usize,
    mut item: impl FnMut(&mut Unstructured) -> Result<T>,
) -> Result<Vec<T>> {
    let n = u.int_in_range(0..=max)?;
    (0..n).map(|_| item(u)).collect()
}

/// A Terraform value as the provider receives it: mostly known; null when `optional`;
/// rarely unknown (known only after apply).
pub fn tf<T>(
    u: &mut Unstructured,
    optional: bool,
    known: impl FnOnce(&mut Unstructured) -> Result<T>,
) -> Result<Value<T>> {
    Ok(match u.int_in_range(0u8..=31)? {
        0 => Value::Unknown,
        1..=6 if optional => Value::Null,
        _ => Value::Value(known(u)?),
    })
}

/// A Terraform string drawn from `vocab`.
pub fn tf_word<S: AsRef<str>>(
    u: &mut Unstructured,
    optional: bool,
    vocab: &[S],
) -> Result<Value<String>> {
    tf(u, optional, |u| word(u, vocab))
}

/// Property names: CloudFormation-shaped, plus names that look like paths.
pub const PROPERTY_NAMES: &[&str] = &[
    "VersioningConfiguration",
    "Status",
    "BucketEncryption",
    "ServerSideEncryptionConfiguration",
    "ServerSideEncryptionByDefault",
    "SSEAlgorithm",
    "KMSMasterKeyID",
    "Rules",
    "Tags",
    "Key",
    "Value",
    "Enabled",
    "RetentionInDays",
    "a",
    "b",
    "",
    "a.b",
    "Rules[0]",
    "x]",
    "[1]",
    "Ünïcode",
];

/// Scalar spellings that CloudFormation's loose typing treats specially.
pub const SCALAR_WORDS: &[&str] = &[
    "Enabled",
    "Suspended",
    "aws:kms",
    "AES256",
    "true",
    "false",
    "TRUE",
    "False",
    "7",
    " 7 ",
    "7.0",
    "1e3",
    "-0",
    "0x10",
    "NaN",
    "inf",
    "",
    "null",
];

/// A JSON scalar, often one of [`SCALAR_WORDS`].
pub fn json_scalar(u: &mut Unstructured) -> Result<Json> {
    Ok(match u.int_in_range(0u8..=9)? {
        0 => Json::Null,
        1 => Json::Bool(bool::arbitrary(u)?),
        2 => Json::from(i64::arbitrary(u)?),
        3 => Json::from(u.int_in_range(-3i64..=400)?),
        4 => Json::from(u64::arbitrary(u)?),
        5 => serde_json::Number::from_f64(f64::arbitrary(u)?)
            .map(Json::Number)
            .unwrap_or(Json::Null),
        _ => Json::String(word(u, SCALAR_WORDS)?),
    })
}

/// Any JSON value up to [`MAX_JSON_DEPTH`], keys from [`PROPERTY_NAMES`].
pub fn json(u: &mut Unstructured, depth: usize) -> Result<Json> {
    json_with(u, depth, PROPERTY_NAMES)
}

/// Any JSON value up to [`MAX_JSON_DEPTH`], object keys from `keys`.
pub fn json_with<S: AsRef<str>>(u: &mut Unstructured, depth: usize, keys: &[S]) -> Result<Json> {
    if depth >= MAX_JSON_DEPTH {
        return json_scalar(u);
    }
    Ok(match u.int_in_range(0u8..=5)? {
        0 | 1 => Json::Object(json_object_with(u, depth + 1, keys)?),
        2 => Json::Array(list(u, 4, |u| json_with(u, depth + 1, keys))?),
        _ => json_scalar(u)?,
    })
}

/// A JSON object up to [`MAX_JSON_DEPTH`], keys from [`PROPERTY_NAMES`].
pub fn json_object(u: &mut Unstructured, depth: usize) -> Result<Map<String, Json>> {
    json_object_with(u, depth, PROPERTY_NAMES)
}

/// A JSON object up to [`MAX_JSON_DEPTH`], keys from `keys` at every depth.
pub fn json_object_with<S: AsRef<str>>(
    u: &mut Unstructured,
    depth: usize,
    keys: &[S],
) -> Result<Map<String, Json>> {
    let mut map = Map::new();
    for _ in 0..u.int_in_range(0..=4)? {
        map.insert(word(u, keys)?, json_with(u, depth, keys)?);
    }
    Ok(map)
}

/// A permutation of `0..n` drawn from the input (Fisher–Yates).
pub fn permutation(u: &mut Unstructured, n: usize) -> Result<Vec<usize>> {
    let mut order: Vec<usize> = (0..n).collect();
    for i in (1..n).rev() {
        let j = u.int_in_range(0..=i)?;
        order.swap(i, j);
    }
    Ok(order)
}

/// `items` reordered by a permutation drawn from the input.
pub fn shuffle<T: Clone>(u: &mut Unstructured, items: &[T]) -> Result<Vec<T>> {
    Ok(permutation(u, items.len())?
        .into_iter()
        .map(|i| items[i].clone())
        .collect())
}
