//! The `cloudtrail.*` checks on `AWS::CloudTrail::Trail` observations (shape: see
//! [`crate::observe::cloudtrail`]): one file per check (definition, evaluator, unit tests),
//! each registered by one line in [`crate::checks::registry`].

pub mod cloudwatch_logs;
pub mod exists;
pub mod kms;
pub mod log_file_validation;
pub mod logging;
pub mod management_events;
pub mod multi_region;
pub mod s3_data_events;

/// The resource types the CloudTrail checks apply to.
pub(super) const TRAIL: &[&str] = &["AWS::CloudTrail::Trail"];

/// Observations and runs shared by the CloudTrail checks' unit tests.
#[cfg(test)]
pub(super) mod fixtures {
    use crate::checks::testing;
    use crate::checks::Status;
    use crate::observe::Observation;
    use serde_json::Value as Json;

    pub fn obs(props: Json) -> Observation {
        let mut o = testing::observation("AWS::CloudTrail::Trail", "audit", props);
        o.arn = Some("arn:aws:cloudtrail:us-east-1:111122223333:trail/audit".into());
        o
    }

    pub use testing::run;

    pub fn status(id: &str, o: &Observation, params: &[(&str, &str)]) -> Status {
        run(id, o, params).status
    }
}
