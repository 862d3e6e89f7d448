//! TEMPORARY STUB (replaced by the iq branch).
use super::{Outcome, Params};
use crate::observe::{Observation, StackObservation};
use crate::spec::model::ExpectedStack;
pub fn evaluate(_id: &str, _obs: &Observation, _params: &Params) -> Option<Outcome> {
    None
}
pub fn evaluate_resource_exists(_obs: &Observation) -> Outcome {
    Outcome::error("x", "stub")
}
pub fn compare_properties(_e: &serde_json::Value, _obs: &Observation) -> Vec<(String, Outcome)> {
    vec![]
}
pub fn evaluate_stack(
    _e: &ExpectedStack,
    _o: &StackObservation,
) -> Vec<(&'static str, Option<String>, Outcome)> {
    vec![]
}
