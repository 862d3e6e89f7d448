//! Observations and runs shared by the checks' unit tests.

use std::collections::BTreeMap;

use serde_json::Value as Json;

use super::Outcome;
use crate::observe::{Observation, Target, TargetOrigin};

/// The observation time of the unit fixtures (ages of keys and credentials count from it).
pub const OBSERVED_AT: &str = "2026-06-01T00:00:00Z";

/// An existing resource of type `resource_type` with the properties of the JSON object `props`.
pub fn observation(resource_type: &str, identifier: &str, props: Json) -> Observation {
    let t = Target {
        key: "k".into(),
        resource_type: resource_type.into(),
        identifier: identifier.into(),
        origin: TargetOrigin::Spec,
        checks: vec![],
        params: BTreeMap::new(),
        expected_properties: None,
        requirements: vec![],
    };
    let mut o = Observation::exists(&t);
    o.observed_at = Some(OBSERVED_AT.into());
    if let Json::Object(m) = props {
        o.properties = m;
    }
    o
}

/// Evaluate check `id` through the catalog (so parameter defaults apply) with `CHECK.PARAM`
/// overrides from `params`.
pub fn run(id: &str, o: &Observation, params: &[(&str, &str)]) -> Outcome {
    let overrides = params
        .iter()
        .map(|(k, v)| (format!("{id}.{k}"), v.to_string()))
        .collect();
    super::evaluate_id(id, o, &overrides)
}
