//! Observation of live infrastructure: what the checks look at.
//!
//! A collector (I/O, one module per service) reads a target's live configuration through the
//! AWS APIs into an [`Observation`]: a CloudFormation-shaped property document (`properties`)
//! plus facts CloudFormation has no property for (e.g. `IsLogging` of a trail, the parsed
//! bucket policy). Checks ([`crate::checks`]) and drift detection are pure functions of
//! observations, so they are unit-tested without an emulator; refresh re-collects
//! observations only.

pub mod account;
pub mod backup;
pub mod backup_selections;
pub mod cloudtrail;
pub mod cloudwatch;
pub mod collect;
pub mod config;
pub mod discovery;
pub mod dynamodb;
pub mod ec2;
pub mod efs;
pub mod elb;
pub mod guardduty;
pub mod iam;
pub mod kms;
pub mod lambda;
pub mod logs;
pub mod organizations;
pub mod rds;
pub mod s3;
pub mod secretsmanager;
pub mod securityhub;
pub mod services;
pub mod sns;
pub mod sqs;
pub mod stack;
pub mod supplements;

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value as Json};

/// Drift classification tables of every registered service ([`services::SERVICES`], same
/// order): (CloudFormation type, top-level property, class). Properties not listed are
/// functional; `Tags` and descriptions are cosmetic.
pub const PROPERTY_CLASS_TABLES: &[services::PropertyClasses] =
    &services::property_class_tables::<{ services::SERVICES.len() }>();

/// Where a target came from.
#[derive(Serialize, Deserialize, schemars::JsonSchema, Clone, Debug, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum TargetOrigin {
    /// An `expected_resource` of the specification.
    Spec,
    /// Found through tag-based discovery (Resource Groups Tagging API).
    Discovered,
    /// The account and region of the provider (the `expected_account` block).
    Account,
}

/// A resource to observe and check.
#[derive(Serialize, Deserialize, schemars::JsonSchema, Clone, Debug, PartialEq)]
pub struct Target {
    /// Spec key, or `discovered:<ARN>` for discovered resources.
    pub key: String,
    /// CloudFormation type, e.g. `AWS::S3::Bucket`.
    pub resource_type: String,
    /// Physical id (bucket name, trail name or ARN, key id, VPC id, ...) or ARN.
    pub identifier: String,
    pub origin: TargetOrigin,
    /// Catalog check ids to run.
    pub checks: Vec<String>,
    /// Check parameters, `CHECK_ID.PARAM` → value.
    pub params: BTreeMap<String, String>,
    /// Expected properties (CloudFormation shape), compared by `iq.resource_properties`.
    pub expected_properties: Option<Json>,
    /// Requirement ids this target traces to.
    pub requirements: Vec<String>,
}

/// Whether the observed resource exists.
#[derive(Serialize, Deserialize, schemars::JsonSchema, Clone, Debug, PartialEq, Eq)]
#[serde(rename_all = "snake_case", tag = "state", content = "detail")]
pub enum Existence {
    Exists,
    Missing,
    /// Existence could not be determined (the error message).
    Unknown(String),
}

/// What was observed of one target.
#[derive(Serialize, Deserialize, schemars::JsonSchema, Clone, Debug, PartialEq)]
pub struct Observation {
    pub key: String,
    pub resource_type: String,
    pub identifier: String,
    /// ARN when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub arn: Option<String>,
    pub existence: Existence,
    /// Live properties, CloudFormation-shaped where CloudFormation has the property.
    /// A property that is not configured is absent (not null).
    pub properties: Map<String, Json>,
    /// Properties that could not be read: top-level property name → error message.
    /// A check that needs such a property is `error`, never `passed`.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub errors: BTreeMap<String, String>,
    /// When the collector read it (RFC 3339), for checks that compare ages (access keys,
    /// last use of credentials); set by the account collector. Not a property, so it is no
    /// drift.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub observed_at: Option<String>,
}

impl Observation {
    /// An observation of a resource that exists, with no properties yet.
    pub fn exists(target: &Target) -> Self {
        Observation {
            key: target.key.clone(),
            resource_type: target.resource_type.clone(),
            identifier: target.identifier.clone(),
            arn: None,
            existence: Existence::Exists,
            properties: Map::new(),
            errors: BTreeMap::new(),
            observed_at: None,
        }
    }

    /// An observation with the given existence.
    pub fn with_existence(target: &Target, existence: Existence) -> Self {
        Observation {
            existence,
            ..Observation::exists(target)
        }
    }

    /// Record a property value.
    pub fn set(&mut self, property: &str, value: Json) {
        self.properties.insert(property.to_string(), value);
    }

    /// Record that a property could not be read.
    pub fn error(&mut self, property: &str, message: impl Into<String>) {
        self.errors.insert(property.to_string(), message.into());
    }

    /// A property by dotted path (`VersioningConfiguration.Status`, `Rules[0].Status`).
    pub fn get(&self, path: &str) -> Option<&Json> {
        let mut parts = path_segments(path).into_iter();
        let first = parts.next()?;
        let mut cur = match first {
            Segment::Key(k) => self.properties.get(&k)?,
            Segment::Index(_) => return None,
        };
        for seg in parts {
            cur = match seg {
                Segment::Key(k) => cur.get(&k)?,
                Segment::Index(i) => cur.get(i)?,
            };
        }
        Some(cur)
    }

    /// The read error of the top-level property of `path`, if any.
    pub fn error_for(&self, path: &str) -> Option<&str> {
        let top = path.split(['.', '[']).next().unwrap_or(path);
        self.errors.get(top).map(String::as_str)
    }
}

/// CloudFormation `Tags` (`[{"Key", "Value"}]`, sorted by key) from key/value pairs; `None`
/// when there are none (an untagged resource has no `Tags` property).
pub fn tag_list<K: AsRef<str>, V: AsRef<str>>(
    pairs: impl IntoIterator<Item = (K, V)>,
) -> Option<Json> {
    let mut pairs: Vec<(String, String)> = pairs
        .into_iter()
        .map(|(k, v)| (k.as_ref().to_string(), v.as_ref().to_string()))
        .collect();
    if pairs.is_empty() {
        return None;
    }
    pairs.sort();
    Some(Json::Array(
        pairs
            .into_iter()
            .map(|(k, v)| serde_json::json!({"Key": k, "Value": v}))
            .collect(),
    ))
}

/// One step of a dotted property path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Segment {
    Key(String),
    Index(usize),
}

/// Split `A.B[0].C` into segments.
pub fn path_segments(path: &str) -> Vec<Segment> {
    let mut out = Vec::new();
    for part in path.split('.') {
        let mut rest = part;
        if let Some(open) = rest.find('[') {
            let key = &rest[..open];
            if !key.is_empty() {
                out.push(Segment::Key(key.to_string()));
            }
            rest = &rest[open..];
            while let Some(stripped) = rest.strip_prefix('[') {
                let close = stripped.find(']').unwrap_or(stripped.len());
                if let Ok(i) = stripped[..close].parse() {
                    out.push(Segment::Index(i));
                }
                rest = stripped.get(close + 1..).unwrap_or("");
            }
        } else if !rest.is_empty() {
            out.push(Segment::Key(rest.to_string()));
        }
    }
    out
}

/// A CloudFormation stack as observed.
#[derive(Serialize, Deserialize, schemars::JsonSchema, Clone, Debug, PartialEq, Default)]
pub struct StackObservation {
    pub name: String,
    /// `None` when the stack does not exist.
    pub status: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stack_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub template_sha256: Option<String>,
    #[serde(default)]
    pub outputs: BTreeMap<String, String>,
    #[serde(default)]
    pub parameters: BTreeMap<String, String>,
    /// Logical id → (CloudFormation type, physical id).
    #[serde(default)]
    pub resources: BTreeMap<String, (String, String)>,
    /// Last update (or creation) time, RFC 3339.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_updated: Option<String>,
    /// Result of CloudFormation's DetectStackDrift, when the endpoint supports it:
    /// `IN_SYNC`, `DRIFTED`, ...; `None` when unsupported.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cfn_drift_status: Option<String>,
    /// Why DetectStackDrift gave no result (unsupported by the endpoint, ...).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cfn_drift_note: Option<String>,
    /// What could not be read: part (`template`, `resources`, ...) → error message.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub errors: BTreeMap<String, String>,
}

/// The one resource a describe-by-id call answered, or the observation to return instead:
/// `Missing` when the answer lists none, else the existence its read error gives.
pub(crate) fn described<T>(
    target: &Target,
    answer: Result<Option<T>, Existence>,
) -> Result<T, Box<Observation>> {
    match answer {
        Ok(Some(resource)) => Ok(resource),
        Ok(None) => Err(Box::new(Observation::with_existence(
            target,
            Existence::Missing,
        ))),
        Err(existence) => Err(Box::new(Observation::with_existence(target, existence))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn dotted_paths_reach_nested_values() {
        let t = Target {
            key: "b".into(),
            resource_type: "AWS::S3::Bucket".into(),
            identifier: "b".into(),
            origin: TargetOrigin::Spec,
            checks: vec![],
            params: BTreeMap::new(),
            expected_properties: None,
            requirements: vec![],
        };
        let mut o = Observation::exists(&t);
        o.set("A", json!({"B": [{"C": 1}]}));
        assert_eq!(o.get("A.B[0].C"), Some(&json!(1)));
        assert_eq!(o.get("A.B[1].C"), None);
        o.error("X", "denied");
        assert_eq!(o.error_for("X.Y[0]"), Some("denied"));
        assert_eq!(
            path_segments("A[2][3].B"),
            vec![
                Segment::Key("A".into()),
                Segment::Index(2),
                Segment::Index(3),
                Segment::Key("B".into())
            ]
        );
    }
}
