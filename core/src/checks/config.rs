//! Evaluators for `config.*` checks on AWS Config recorder and delivery channel observations.

use super::support::{boolean, string};
use super::{Outcome, Params};
use crate::observe::Observation;

/// Evaluate a `config` check; `None` when `id` is not one of them.
pub fn evaluate(id: &str, obs: &Observation, params: &Params) -> Option<Outcome> {
    let outcome = match id {
        "config.recorder_recording" => recorder_recording(obs, params),
        "config.delivery_channel" => delivery_channel(obs, params.text("s3_bucket_name")),
        _ => return None,
    };
    Some(outcome.unwrap_or_else(|e| e))
}

fn is_failure(status: &str) -> bool {
    status.eq_ignore_ascii_case("failure")
}

/// Collects what a multi-part check found: definite problems, and parts that could not be
/// read. Any problem fails the check (it fails whatever the unread parts say); otherwise an
/// unread part makes it an error.
#[derive(Default)]
struct Findings {
    problems: Vec<String>,
    unread: Vec<String>,
}

impl Findings {
    /// The value of a part, or `None` after noting that it could not be read.
    fn read<T>(&mut self, part: Result<T, Outcome>) -> Option<T> {
        match part {
            Ok(v) => Some(v),
            Err(e) => {
                self.unread.push(e.detail.unwrap_or(e.actual));
                None
            }
        }
    }

    fn outcome(self, expected: &str, passed_actual: String) -> Outcome {
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

fn recorder_recording(obs: &Observation, params: &Params) -> Result<Outcome, Outcome> {
    let need_global = params
        .boolean("include_global_resource_types")
        .unwrap_or(true);
    let expected = if need_global {
        "recording all supported resource types including global ones, last status not FAILURE"
    } else {
        "recording all supported resource types, last status not FAILURE"
    };
    let mut f = Findings::default();
    let all = f.read(boolean(obs, "RecordingGroup.AllSupported", expected));
    let global = f.read(boolean(
        obs,
        "RecordingGroup.IncludeGlobalResourceTypes",
        expected,
    ));
    let recording = f.read(boolean(obs, "Recording", expected));
    let last_status = f.read(string(obs, "LastStatus", expected)).flatten();

    match recording {
        Some(Some(true)) | None => {}
        Some(Some(false)) => f.problems.push("not recording".to_string()),
        Some(None) => f.problems.push("recording status not reported".to_string()),
    }
    if let Some(s) = last_status.filter(|s| is_failure(s)) {
        let why = string(obs, "LastErrorCode", expected)
            .ok()
            .flatten()
            .map(|c| format!(" ({c})"))
            .unwrap_or_default();
        f.problems.push(format!("last status {s}{why}"));
    }
    if all.is_some_and(|a| a != Some(true)) {
        f.problems
            .push("not all supported resource types".to_string());
    }
    if need_global && global.is_some_and(|g| g != Some(true)) {
        f.problems
            .push("global resource types excluded".to_string());
    }
    let mut actual = "recording all supported resource types".to_string();
    if global == Some(Some(true)) {
        actual.push_str(" including global ones");
    }
    if let Some(s) = last_status {
        actual.push_str(&format!(", last status {s}"));
    }
    Ok(f.outcome(expected, actual))
}

fn delivery_channel(obs: &Observation, want: Option<&str>) -> Result<Outcome, Outcome> {
    let want = want.map(str::trim).filter(|w| !w.is_empty());
    let expected = match want {
        Some(b) => format!("delivers to S3 bucket {b}, last history delivery not FAILURE"),
        None => "delivers to an S3 bucket, last history delivery not FAILURE".to_string(),
    };
    let Some(bucket) = string(obs, "S3BucketName", &expected)? else {
        return Ok(Outcome::verdict(false, expected, "no S3 bucket configured"));
    };
    let mut f = Findings::default();
    let status = f
        .read(string(obs, "ConfigHistoryDeliveryStatus", &expected))
        .flatten();
    let mut actual = format!("delivers to S3 bucket {bucket}");
    if let Some(s) = status {
        actual.push_str(&format!(", last history delivery {s}"));
    }
    if want.is_some_and(|w| w != bucket) {
        f.problems.push(format!("delivers to S3 bucket {bucket}"));
    }
    if status.is_some_and(is_failure) {
        let mut why = format!("last history delivery {}", status.unwrap_or_default());
        if let Ok(Some(e)) = string(obs, "ConfigHistoryDeliveryError", &expected) {
            why.push_str(&format!(" ({e})"));
        }
        f.problems.push(why);
    }
    Ok(f.outcome(&expected, actual))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::Status;
    use crate::observe::{Target, TargetOrigin};
    use serde_json::{json, Value as Json};
    use std::collections::BTreeMap;

    fn obs(resource_type: &str, props: Json) -> Observation {
        let t = Target {
            key: "k".into(),
            resource_type: resource_type.into(),
            identifier: "default".into(),
            origin: TargetOrigin::Spec,
            checks: vec![],
            params: BTreeMap::new(),
            expected_properties: None,
            requirements: vec![],
        };
        let mut o = Observation::exists(&t);
        for (k, v) in props.as_object().unwrap() {
            o.set(k, v.clone());
        }
        o
    }

    fn recorder(props: Json) -> Observation {
        obs("AWS::Config::ConfigurationRecorder", props)
    }

    fn channel(props: Json) -> Observation {
        obs("AWS::Config::DeliveryChannel", props)
    }

    /// Runs through the catalog so the parameter defaults apply.
    fn run(id: &str, o: &Observation, params: &[(&str, &str)]) -> Outcome {
        let overrides = params
            .iter()
            .map(|(k, v)| (format!("{id}.{k}"), v.to_string()))
            .collect();
        crate::checks::evaluate_id(id, o, &overrides)
    }

    fn good_recorder() -> Json {
        json!({
            "Name": "default",
            "RecordingGroup": {"AllSupported": true, "IncludeGlobalResourceTypes": true, "ResourceTypes": []},
            "Recording": true,
            "LastStatus": "SUCCESS"
        })
    }

    #[test]
    fn unknown_id_is_none() {
        assert!(evaluate("s3.versioning", &recorder(json!({})), &Params::default()).is_none());
    }

    #[test]
    fn recorder_recording() {
        let id = "config.recorder_recording";
        let out = run(id, &recorder(good_recorder()), &[]);
        assert_eq!(out.status, Status::Passed, "{out:?}");

        let mut stopped = good_recorder();
        stopped["Recording"] = json!(false);
        let out = run(id, &recorder(stopped), &[]);
        assert_eq!(out.status, Status::Failed);
        assert_eq!(out.actual, "not recording");

        let mut some = good_recorder();
        some["RecordingGroup"]["AllSupported"] = json!(false);
        let out = run(id, &recorder(some), &[]);
        assert_eq!(out.status, Status::Failed);
        assert!(out.actual.contains("not all supported"));

        let mut no_global = good_recorder();
        no_global["RecordingGroup"]["IncludeGlobalResourceTypes"] = json!(false);
        assert_eq!(
            run(id, &recorder(no_global.clone()), &[]).status,
            Status::Failed
        );
        let relaxed = [("include_global_resource_types", "false")];
        assert_eq!(
            run(id, &recorder(no_global), &relaxed).status,
            Status::Passed
        );

        let mut failing = good_recorder();
        failing["LastStatus"] = json!("Failure");
        failing["LastErrorCode"] = json!("AccessDenied");
        let out = run(id, &recorder(failing), &[]);
        assert_eq!(out.status, Status::Failed);
        assert!(out.actual.contains("AccessDenied"), "{}", out.actual);

        let out = run(id, &recorder(json!({"Name": "default"})), &[]);
        assert_eq!(out.status, Status::Failed);
        assert!(out.actual.contains("recording status not reported"));
    }

    #[test]
    fn recorder_read_error() {
        let mut o = recorder(good_recorder());
        o.properties.remove("Recording");
        o.error(
            "Recording",
            "DescribeConfigurationRecorderStatus: AccessDenied",
        );
        let out = run("config.recorder_recording", &o, &[]);
        assert_eq!(out.status, Status::Error);
        assert!(out.detail.unwrap().contains("AccessDenied"));

        // A readable part that fails decides the check whatever the unread part says.
        o.set(
            "RecordingGroup",
            json!({"AllSupported": false, "IncludeGlobalResourceTypes": false}),
        );
        let out = run("config.recorder_recording", &o, &[]);
        assert_eq!(out.status, Status::Failed);
        assert!(out.actual.contains("not all supported"), "{}", out.actual);
        assert!(out.detail.unwrap().contains("AccessDenied"));
    }

    #[test]
    fn delivery_channel() {
        let id = "config.delivery_channel";
        let good = json!({"Name": "default", "S3BucketName": "cfg", "ConfigHistoryDeliveryStatus": "Success"});
        assert_eq!(run(id, &channel(good.clone()), &[]).status, Status::Passed);
        assert_eq!(
            run(id, &channel(good.clone()), &[("s3_bucket_name", "cfg")]).status,
            Status::Passed
        );
        let out = run(id, &channel(good), &[("s3_bucket_name", "other")]);
        assert_eq!(out.status, Status::Failed);
        assert_eq!(out.actual, "delivers to S3 bucket cfg");

        // Never delivered yet: no status, passes on the bucket alone.
        let fresh = json!({"Name": "default", "S3BucketName": "cfg"});
        assert_eq!(run(id, &channel(fresh), &[]).status, Status::Passed);

        let failing = json!({"S3BucketName": "cfg", "ConfigHistoryDeliveryStatus": "Failure",
                             "ConfigHistoryDeliveryError": "NoSuchBucket"});
        let out = run(id, &channel(failing), &[]);
        assert_eq!(out.status, Status::Failed);
        assert!(out.actual.contains("NoSuchBucket"));

        let out = run(id, &channel(json!({"Name": "default"})), &[]);
        assert_eq!(out.status, Status::Failed);
        assert_eq!(out.actual, "no S3 bucket configured");
    }

    #[test]
    fn delivery_channel_status_unreadable_is_error() {
        let mut o = channel(json!({"Name": "default", "S3BucketName": "cfg"}));
        o.error(
            "ConfigHistoryDeliveryStatus",
            "DescribeDeliveryChannelStatus: not implemented",
        );
        let out = run("config.delivery_channel", &o, &[]);
        assert_eq!(out.status, Status::Error);
        assert!(out
            .detail
            .unwrap()
            .contains("DescribeDeliveryChannelStatus"));

        // The wrong bucket fails whatever the delivery status.
        let out = run(
            "config.delivery_channel",
            &o,
            &[("s3_bucket_name", "approved")],
        );
        assert_eq!(out.status, Status::Failed);
        assert_eq!(out.actual, "delivers to S3 bucket cfg");

        // The bucket itself unreadable: error.
        let mut b = channel(json!({"Name": "default"}));
        b.error("S3BucketName", "DescribeDeliveryChannels: AccessDenied");
        assert_eq!(
            run("config.delivery_channel", &b, &[]).status,
            Status::Error
        );
    }
}
