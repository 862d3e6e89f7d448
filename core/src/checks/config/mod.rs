//! The `config.*` checks on AWS Config recorder and delivery channel observations (shape: see
//! [`crate::observe::config`]): one file per check (definition, evaluator, unit tests), each
//! registered by one line in [`crate::checks::registry`]. This module holds what they share.

pub mod delivery_channel;
pub mod recorder_recording;

use super::Outcome;

pub(super) fn is_failure(status: &str) -> bool {
    status.eq_ignore_ascii_case("failure")
}

/// Collects what a multi-part check found: definite problems, and parts that could not be
/// read. Any problem fails the check (it fails whatever the unread parts say); otherwise an
/// unread part makes it an error.
#[derive(Default)]
pub(super) struct Findings {
    pub problems: Vec<String>,
    pub unread: Vec<String>,
}

impl Findings {
    /// The value of a part, or `None` after noting that it could not be read.
    pub fn read<T>(&mut self, part: Result<T, Outcome>) -> Option<T> {
        match part {
            Ok(v) => Some(v),
            Err(e) => {
                self.unread.push(e.detail.unwrap_or(e.actual));
                None
            }
        }
    }

    pub fn outcome(self, expected: &str, passed_actual: String) -> Outcome {
        if !self.problems.is_empty() {
            let out = Outcome::verdict(false, expected, self.problems.join("; "));
            if self.unread.is_empty() {
                out
            } else {
                out.with_detail(format!("also not readable: {}", self.unread.join("; ")))
            }
        } else if !self.unread.is_empty() {
            Outcome::error(expected, self.unread.join("; "))
        } else {
            Outcome::verdict(true, expected, passed_actual)
        }
    }
}

/// Observations shared by the AWS Config checks' unit tests.
#[cfg(test)]
pub(super) mod fixtures {
    use crate::checks::testing;
    use crate::observe::Observation;
    use serde_json::{json, Value as Json};

    pub fn recorder(props: Json) -> Observation {
        testing::observation("AWS::Config::ConfigurationRecorder", "default", props)
    }

    pub fn channel(props: Json) -> Observation {
        testing::observation("AWS::Config::DeliveryChannel", "default", props)
    }

    /// Runs through the catalog so the parameter defaults apply.
    pub use testing::run;

    pub fn good_recorder() -> Json {
        json!({
            "Name": "default",
            "RecordingGroup": {"AllSupported": true, "IncludeGlobalResourceTypes": true, "ResourceTypes": []},
            "Recording": true,
            "LastStatus": "SUCCESS"
        })
    }
}
