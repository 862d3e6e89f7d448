//! Placeholder: evaluators for `config` checks are being written.

use super::{Outcome, Params};
use crate::observe::Observation;

/// Evaluate a `config` check; `None` when `id` is not one of them.
pub fn evaluate(_id: &str, _obs: &Observation, _params: &Params) -> Option<Outcome> {
    None
}
