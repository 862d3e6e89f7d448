//! Collector dispatch: read a target's live configuration through the AWS APIs.

use crate::aws::AwsContext;
use crate::observe::{Existence, Observation, Target};

/// Observe one target. Never panics; read failures are recorded in the observation.
pub async fn collect(aws: &AwsContext, target: &Target) -> Observation {
    let _ = aws;
    Observation::with_existence(
        target,
        Existence::Unknown(format!("no collector for {}", target.resource_type)),
    )
}
