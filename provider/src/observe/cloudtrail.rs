//! Placeholder: the `cloudtrail` collector is being written.

use crate::aws::AwsContext;
use crate::observe::{Existence, Observation, Target};

/// Observe a `cloudtrail` target.
pub async fn collect(_aws: &AwsContext, target: &Target) -> Observation {
    Observation::with_existence(
        target,
        Existence::Unknown("collector not written yet".into()),
    )
}
