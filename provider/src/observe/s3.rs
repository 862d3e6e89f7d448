//! Placeholder: the `s3` collector is being written.

use crate::aws::AwsContext;
use crate::observe::{Existence, Observation, Target};

/// Observe a `s3` target.
pub async fn collect(_aws: &AwsContext, target: &Target) -> Observation {
    Observation::with_existence(
        target,
        Existence::Unknown("collector not written yet".into()),
    )
}
