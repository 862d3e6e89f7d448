//! The `s3.*` checks on `AWS::S3::Bucket` observations (shape: see [`crate::observe::s3`]):
//! one file per check (definition, evaluator, unit tests), each registered by one line in
//! [`crate::checks::registry`]. This module holds what they share.

pub mod access_logging;
pub mod account_public_access_block;
pub mod acl_disabled;
pub mod encryption;
pub mod lifecycle_retention;
pub mod object_lock;
pub mod public_access_block;
pub mod replication;
pub mod tls_only;
pub mod versioning;

use serde_json::Value as Json;

use super::{Outcome, Params};

/// The resource types the S3 checks apply to.
pub(super) const BUCKET_TYPES: &[&str] = &["AWS::S3::Bucket"];

/// Outcome of an evaluator; `Err` carries an early outcome (usually a read error).
pub(super) type Eval = Result<Outcome, Outcome>;

/// A text parameter (parsed and trimmed), when set.
pub(super) fn param<'a>(params: &'a Params, name: &str) -> Option<&'a str> {
    params.text(name)
}

/// `true`, or the string `true` / `Enabled` (any case).
pub(super) fn truthy(v: Option<&Json>) -> bool {
    match v {
        Some(Json::Bool(b)) => *b,
        Some(Json::String(s)) => {
            s.eq_ignore_ascii_case("true") || s.eq_ignore_ascii_case("enabled")
        }
        _ => false,
    }
}

pub(super) fn str_at<'a>(v: &'a Json, pointer: &str) -> Option<&'a str> {
    v.pointer(pointer).and_then(Json::as_str)
}

/// Observations and runs shared by the S3 checks' unit tests.
#[cfg(test)]
pub(super) mod fixtures {
    use crate::checks::Outcome;
    use crate::observe::{Observation, Target, TargetOrigin};
    use serde_json::{json, Value as Json};
    use std::collections::BTreeMap;

    pub const ARN: &str = "arn:aws:s3:::gxp-data";

    pub fn bucket(props: Json) -> Observation {
        let t = Target {
            key: "b".into(),
            resource_type: "AWS::S3::Bucket".into(),
            identifier: "gxp-data".into(),
            origin: TargetOrigin::Spec,
            checks: vec![],
            params: BTreeMap::new(),
            expected_properties: None,
            requirements: vec![],
        };
        let mut o = Observation::exists(&t);
        o.arn = Some(ARN.into());
        for (k, v) in props.as_object().unwrap() {
            o.set(k, v.clone());
        }
        o
    }

    pub fn run(id: &str, obs: &Observation, p: &[(&str, &str)]) -> Outcome {
        let overrides = p
            .iter()
            .map(|(k, v)| (format!("{id}.{k}"), v.to_string()))
            .collect();
        crate::checks::evaluate_id(id, obs, &overrides)
    }

    pub fn errored(id: &str, property: &str, p: &[(&str, &str)]) -> Outcome {
        let mut o = bucket(json!({}));
        o.error(property, "AccessDenied: Access Denied");
        run(id, &o, p)
    }
}
