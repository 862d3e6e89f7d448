//! Placeholder: the CloudFormation stack collector is being written.

use crate::aws::AwsContext;
use crate::observe::StackObservation;

/// Observe a stack by name.
pub async fn collect_stack(_aws: &AwsContext, name: &str) -> StackObservation {
    let mut o = StackObservation {
        name: name.to_string(),
        ..Default::default()
    };
    o.errors
        .insert("stack".into(), "collector not written yet".into());
    o
}
/// TEMPORARY STUB.
pub fn physical_id<'a>(obs: &'a StackObservation, logical_id: &str) -> Option<&'a str> {
    obs.resources.get(logical_id).map(|(_, p)| p.as_str())
}
