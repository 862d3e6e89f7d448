//! Placeholder: the `config` collector is being written.

use crate::aws::AwsContext;
use crate::observe::{Existence, Observation, Target};

/// Observe a `config` target.
pub async fn collect(_aws: &AwsContext, target: &Target) -> Observation {
    Observation::with_existence(
        target,
        Existence::Unknown("collector not written yet".into()),
    )
}
