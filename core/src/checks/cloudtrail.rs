//! Evaluators for `cloudtrail.*` checks on `AWS::CloudTrail::Trail` observations.

use serde_json::Value as Json;

use super::support::{boolean, kms_key_matches, property, string};
use super::{Outcome, Params};
use crate::observe::Observation;

/// Evaluate a `cloudtrail` check; `None` when `id` is not one of them.
pub fn evaluate(id: &str, obs: &Observation, params: &Params) -> Option<Outcome> {
    let outcome = match id {
        "cloudtrail.exists" => Ok(exists(obs)),
        "cloudtrail.logging" => logging(obs),
        "cloudtrail.multi_region" => multi_region(obs),
        "cloudtrail.log_file_validation" => log_file_validation(obs),
        "cloudtrail.kms" => kms(obs, params.text("kms_key_id")),
        "cloudtrail.cloudwatch_logs" => cloudwatch_logs(obs),
        "cloudtrail.s3_data_events" => s3_data_events(obs, params.text("bucket_arn")),
        _ => return None,
    };
    Some(outcome.unwrap_or_else(|e| e))
}

/// Reached only for an existing trail (a missing one fails in `checks::evaluate`).
fn exists(obs: &Observation) -> Outcome {
    let what = obs.arn.as_deref().unwrap_or(&obs.identifier);
    Outcome::verdict(true, "trail exists", format!("trail exists: {what}"))
}

fn logging(obs: &Observation) -> Result<Outcome, Outcome> {
    let expected = "logging, no delivery error";
    let is_logging = boolean(obs, "IsLogging", expected)?;
    let delivery_error = string(obs, "LatestDeliveryError", expected)?;
    Ok(match (is_logging, delivery_error) {
        (Some(true), None) => Outcome::verdict(true, expected, "logging"),
        (Some(true), Some(e)) => {
            Outcome::verdict(false, expected, format!("logging, delivery error: {e}"))
        }
        (Some(false), _) => Outcome::verdict(false, expected, "not logging"),
        (None, _) => Outcome::verdict(false, expected, "logging status not reported"),
    })
}

fn multi_region(obs: &Observation) -> Result<Outcome, Outcome> {
    let expected = "multi-region, global service events included";
    let multi = boolean(obs, "IsMultiRegionTrail", expected)?.unwrap_or(false);
    let global = boolean(obs, "IncludeGlobalServiceEvents", expected)?.unwrap_or(false);
    let actual = format!(
        "{}, global service events {}",
        if multi {
            "multi-region"
        } else {
            "single-region"
        },
        if global { "included" } else { "excluded" }
    );
    Ok(Outcome::verdict(multi && global, expected, actual))
}

fn log_file_validation(obs: &Observation) -> Result<Outcome, Outcome> {
    let expected = "Enabled";
    let on = boolean(obs, "EnableLogFileValidation", expected)?.unwrap_or(false);
    Ok(Outcome::verdict(
        on,
        expected,
        if on { "Enabled" } else { "Disabled" },
    ))
}

fn kms(obs: &Observation, want: Option<&str>) -> Result<Outcome, Outcome> {
    let want = want.filter(|w| !w.trim().is_empty());
    let expected = match want {
        Some(w) => format!("SSE-KMS with key {w}"),
        None => "SSE-KMS with any key".to_string(),
    };
    Ok(match string(obs, "KMSKeyId", &expected)? {
        None => Outcome::verdict(false, expected, "not configured"),
        Some(key) => {
            let ok = want.is_none_or(|w| kms_key_matches(key, w));
            Outcome::verdict(ok, expected, format!("SSE-KMS with key {key}"))
        }
    })
}

fn cloudwatch_logs(obs: &Observation) -> Result<Outcome, Outcome> {
    let expected = "log group and delivery role configured";
    let group = string(obs, "CloudWatchLogsLogGroupArn", expected)?;
    let role = string(obs, "CloudWatchLogsRoleArn", expected)?;
    let show = |v: Option<&str>| v.unwrap_or("not configured").to_string();
    let actual = format!("log group {}, role {}", show(group), show(role));
    let mut out = Outcome::verdict(group.is_some() && role.is_some(), expected, actual);
    // Informational: a delivery error does not fail this configuration check.
    if let Ok(Some(e)) = string(obs, "LatestCloudWatchLogsDeliveryError", expected) {
        out = out.with_detail(format!("latest CloudWatch Logs delivery error: {e}"));
    }
    Ok(out)
}

/// Which kinds of S3 object events a set of selectors records for the target.
#[derive(Default, Debug, Clone, Copy, PartialEq, Eq)]
struct Coverage {
    reads: bool,
    writes: bool,
}

impl Coverage {
    fn add(&mut self, reads: bool, writes: bool) {
        self.reads |= reads;
        self.writes |= writes;
    }
}

fn s3_data_events(obs: &Observation, bucket: Option<&str>) -> Result<Outcome, Outcome> {
    let bucket = bucket
        .map(str::trim)
        .filter(|b| !b.is_empty())
        .map(bucket_name);
    let expected = match bucket {
        Some(b) => format!("S3 object read and write events recorded for bucket {b}"),
        None => "S3 object read and write events recorded for all buckets".to_string(),
    };
    let basic = property(obs, "EventSelectors", &expected)?;
    let advanced = property(obs, "AdvancedEventSelectors", &expected)?;
    // Where the trail's S3 object ARNs start (partition left out).
    let target = match bucket {
        Some(b) => format!("s3:::{b}/"),
        None => "s3:::".to_string(),
    };
    let mut cov = Coverage::default();
    for sel in as_list(basic) {
        basic_coverage(sel, bucket, &mut cov);
    }
    for sel in as_list(advanced) {
        advanced_coverage(sel, &target, &mut cov);
    }
    let actual = match (cov.reads, cov.writes) {
        (true, true) => "read and write events recorded",
        (true, false) => "only read events recorded",
        (false, true) => "only write events recorded",
        (false, false) if basic.is_none() && advanced.is_none() => "no event selectors",
        (false, false) => "no selector records these S3 data events",
    };
    let actual = match bucket {
        Some(b) => format!("{actual} for bucket {b}"),
        None => format!("{actual} for all buckets"),
    };
    Ok(Outcome::verdict(cov.reads && cov.writes, expected, actual))
}

fn as_list(v: Option<&Json>) -> &[Json] {
    v.and_then(Json::as_array).map(Vec::as_slice).unwrap_or(&[])
}

fn strings(v: Option<&Json>) -> Vec<&str> {
    as_list(v).iter().filter_map(Json::as_str).collect()
}

/// The bucket name of a bucket parameter: an ARN (`arn:aws:s3:::NAME`, optional `/` or
/// `/*`) or a bare name.
fn bucket_name(param: &str) -> &str {
    let rest = match param.split_once(":s3:::") {
        Some((head, rest)) if head.starts_with("arn:") => rest,
        _ => param,
    };
    rest.split('/').next().unwrap_or(rest)
}

/// An ARN without `arn:<partition>:`, so `arn:aws:s3:::b/` and `arn:aws-cn:s3:::b/` compare
/// equal (`s3:::b/`). Other strings are returned as they are.
fn strip_partition(s: &str) -> &str {
    match s.strip_prefix("arn:") {
        Some(rest) => rest.split_once(':').map(|(_, r)| r).unwrap_or(""),
        None => s,
    }
}

/// A basic selector: `DataResources` of type `AWS::S3::Object` covering the bucket
/// (`arn:aws:s3` / `arn:aws:s3:::` = all buckets; `arn:aws:s3:::BUCKET/` = all of BUCKET).
fn basic_coverage(sel: &Json, bucket: Option<&str>, cov: &mut Coverage) {
    let covers = as_list(sel.get("DataResources")).iter().any(|r| {
        r.get("Type").and_then(Json::as_str) == Some("AWS::S3::Object")
            && strings(r.get("Values")).into_iter().any(|v| {
                let v = strip_partition(v);
                v == "s3"
                    || v == "s3:::"
                    || bucket.is_some_and(|b| {
                        v.strip_prefix("s3:::")
                            .is_some_and(|rest| rest == format!("{b}/") || rest == b)
                    })
            })
    });
    if !covers {
        return;
    }
    match sel.get("ReadWriteType").and_then(Json::as_str) {
        Some("ReadOnly") => cov.add(true, false),
        Some("WriteOnly") => cov.add(false, true),
        // `All`, and the API default when absent.
        _ => cov.add(true, true),
    }
}

/// An advanced selector: `eventCategory` = Data, `resources.type` = AWS::S3::Object, an
/// optional `readOnly` filter, `resources.ARN` filters that keep every object under
/// `target`, and no other field (any other field narrows the recorded events).
fn advanced_coverage(sel: &Json, target: &str, cov: &mut Coverage) {
    let fields = as_list(sel.get("FieldSelectors"));
    let mut data = false;
    let mut s3_objects = false;
    let (mut reads, mut writes) = (true, true);
    for f in fields {
        let name = f.get("Field").and_then(Json::as_str).unwrap_or("");
        let only_equals = [
            "StartsWith",
            "EndsWith",
            "NotEquals",
            "NotStartsWith",
            "NotEndsWith",
        ]
        .iter()
        .all(|op| strings(f.get(*op)).is_empty());
        match name {
            "eventCategory" => data = only_equals && equals(f).contains(&"Data"),
            "resources.type" => s3_objects = only_equals && equals(f).contains(&"AWS::S3::Object"),
            "readOnly" => {
                let values = equals(f);
                if !only_equals || values.len() != 1 {
                    return;
                }
                reads = values[0] == "true";
                writes = values[0] == "false";
            }
            "resources.ARN" => {
                if !arn_filter_keeps(f, target) {
                    return;
                }
            }
            _ => return,
        }
    }
    if data && s3_objects {
        cov.add(reads, writes);
    }
}

fn equals(f: &Json) -> Vec<&str> {
    strings(f.get("Equals"))
}

/// Whether a `resources.ARN` field selector keeps every object ARN under `target`
/// (`s3:::BUCKET/` or `s3:::`): only `StartsWith` prefixes of `target` pass, and no
/// exclusion may reach into `target`.
fn arn_filter_keeps(f: &Json, target: &str) -> bool {
    let ops = |op: &str| -> Vec<&str> {
        strings(f.get(op))
            .into_iter()
            .map(strip_partition)
            .collect()
    };
    if !ops("Equals").is_empty() || !ops("EndsWith").is_empty() || !ops("NotEndsWith").is_empty() {
        return false;
    }
    let starts = ops("StartsWith");
    if !starts.is_empty() && !starts.iter().any(|p| target.starts_with(p)) {
        return false;
    }
    let excludes = ops("NotStartsWith").into_iter().chain(ops("NotEquals"));
    for x in excludes {
        if target.starts_with(x) || x.starts_with(target) {
            return false;
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::Status;
    use crate::observe::{Target, TargetOrigin};
    use serde_json::json;
    use std::collections::BTreeMap;

    fn obs(props: Json) -> Observation {
        let t = Target {
            key: "trail".into(),
            resource_type: "AWS::CloudTrail::Trail".into(),
            identifier: "audit".into(),
            origin: TargetOrigin::Spec,
            checks: vec![],
            params: BTreeMap::new(),
            expected_properties: None,
            requirements: vec![],
        };
        let mut o = Observation::exists(&t);
        o.arn = Some("arn:aws:cloudtrail:us-east-1:111122223333:trail/audit".into());
        for (k, v) in props.as_object().unwrap() {
            o.set(k, v.clone());
        }
        o
    }

    fn run(id: &str, o: &Observation, params: &[(&str, &str)]) -> Outcome {
        let overrides = params
            .iter()
            .map(|(k, v)| (format!("{id}.{k}"), v.to_string()))
            .collect();
        crate::checks::evaluate_id(id, o, &overrides)
    }

    fn status(id: &str, o: &Observation, params: &[(&str, &str)]) -> Status {
        run(id, o, params).status
    }

    #[test]
    fn unknown_id_is_none() {
        assert!(evaluate("s3.versioning", &obs(json!({})), &Params::default()).is_none());
    }

    #[test]
    fn exists_passes_for_existing_trail() {
        let out = run("cloudtrail.exists", &obs(json!({})), &[]);
        assert_eq!(out.status, Status::Passed);
        assert!(out.actual.contains("trail/audit"), "{}", out.actual);
        // A missing trail fails through the dispatcher.
        let mut missing = obs(json!({}));
        missing.existence = crate::observe::Existence::Missing;
        let out = crate::checks::evaluate_id("cloudtrail.exists", &missing, &BTreeMap::new());
        assert_eq!(out.status, Status::Failed);
    }

    #[test]
    fn logging() {
        let id = "cloudtrail.logging";
        assert_eq!(
            status(id, &obs(json!({"IsLogging": true})), &[]),
            Status::Passed
        );
        let out = run(id, &obs(json!({"IsLogging": false})), &[]);
        assert_eq!(
            (out.status, out.actual.as_str()),
            (Status::Failed, "not logging")
        );
        let out = run(
            id,
            &obs(json!({"IsLogging": true, "LatestDeliveryError": "AccessDenied"})),
            &[],
        );
        assert_eq!(out.status, Status::Failed);
        assert!(out.actual.contains("AccessDenied"));
        assert_eq!(status(id, &obs(json!({})), &[]), Status::Failed);
        let mut o = obs(json!({}));
        o.error("IsLogging", "GetTrailStatus: AccessDenied");
        let out = run(id, &o, &[]);
        assert_eq!(out.status, Status::Error);
        assert!(out.detail.unwrap().contains("AccessDenied"));
    }

    #[test]
    fn multi_region() {
        let id = "cloudtrail.multi_region";
        let both = json!({"IsMultiRegionTrail": true, "IncludeGlobalServiceEvents": true});
        assert_eq!(status(id, &obs(both), &[]), Status::Passed);
        let single = json!({"IsMultiRegionTrail": false, "IncludeGlobalServiceEvents": true});
        let out = run(id, &obs(single), &[]);
        assert_eq!(out.status, Status::Failed);
        assert!(out.actual.starts_with("single-region"));
        let no_global = json!({"IsMultiRegionTrail": true, "IncludeGlobalServiceEvents": false});
        assert_eq!(status(id, &obs(no_global), &[]), Status::Failed);
        assert_eq!(status(id, &obs(json!({})), &[]), Status::Failed);
        let mut o = obs(json!({"IncludeGlobalServiceEvents": true}));
        o.error("IsMultiRegionTrail", "denied");
        assert_eq!(status(id, &o, &[]), Status::Error);
    }

    #[test]
    fn log_file_validation() {
        let id = "cloudtrail.log_file_validation";
        let on = obs(json!({"EnableLogFileValidation": true}));
        assert_eq!(status(id, &on, &[]), Status::Passed);
        let off = run(id, &obs(json!({"EnableLogFileValidation": false})), &[]);
        assert_eq!(
            (off.status, off.actual.as_str()),
            (Status::Failed, "Disabled")
        );
        assert_eq!(status(id, &obs(json!({})), &[]), Status::Failed);
        let mut o = obs(json!({}));
        o.error("EnableLogFileValidation", "denied");
        assert_eq!(status(id, &o, &[]), Status::Error);
    }

    #[test]
    fn kms() {
        let id = "cloudtrail.kms";
        let arn = "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";
        let o = obs(json!({ "KMSKeyId": arn }));
        assert_eq!(status(id, &o, &[]), Status::Passed);
        assert_eq!(
            status(
                id,
                &o,
                &[("kms_key_id", "1234abcd-12ab-34cd-56ef-1234567890ab")]
            ),
            Status::Passed
        );
        assert_eq!(status(id, &o, &[("kms_key_id", arn)]), Status::Passed);
        let out = run(id, &o, &[("kms_key_id", "alias/other")]);
        assert_eq!(out.status, Status::Failed);
        assert_eq!(out.expected, "SSE-KMS with key alias/other");
        // Not a key reference at all: the check is not evaluated.
        let out = run(id, &o, &[("kms_key_id", "other")]);
        assert_eq!(out.status, Status::Error, "{out:?}");
        let none = run(id, &obs(json!({})), &[]);
        assert_eq!(
            (none.status, none.actual.as_str()),
            (Status::Failed, "not configured")
        );
        let mut e = obs(json!({}));
        e.error("KMSKeyId", "denied");
        assert_eq!(status(id, &e, &[]), Status::Error);
    }

    #[test]
    fn cloudwatch_logs() {
        let id = "cloudtrail.cloudwatch_logs";
        let both = json!({
            "CloudWatchLogsLogGroupArn": "arn:aws:logs:us-east-1:111122223333:log-group:ct:*",
            "CloudWatchLogsRoleArn": "arn:aws:iam::111122223333:role/ct"
        });
        assert_eq!(status(id, &obs(both.clone()), &[]), Status::Passed);
        let mut with_error = both.clone();
        with_error["LatestCloudWatchLogsDeliveryError"] = json!("AccessDenied");
        let out = run(id, &obs(with_error), &[]);
        assert_eq!(out.status, Status::Passed);
        assert!(out.detail.unwrap().contains("AccessDenied"));
        let group_only = json!({"CloudWatchLogsLogGroupArn": "arn:x"});
        let out = run(id, &obs(group_only), &[]);
        assert_eq!(out.status, Status::Failed);
        assert!(out.actual.contains("role not configured"));
        assert_eq!(status(id, &obs(json!({})), &[]), Status::Failed);
        let mut e = obs(json!({"CloudWatchLogsLogGroupArn": "arn:x"}));
        e.error("CloudWatchLogsRoleArn", "denied");
        assert_eq!(status(id, &e, &[]), Status::Error);
    }

    fn basic(rw: &str, values: &[&str]) -> Json {
        json!({"EventSelectors": [{
            "ReadWriteType": rw,
            "IncludeManagementEvents": true,
            "DataResources": [{"Type": "AWS::S3::Object", "Values": values}]
        }]})
    }

    #[test]
    fn s3_data_events_basic_selectors() {
        let id = "cloudtrail.s3_data_events";
        let bucket = [("bucket_arn", "arn:aws:s3:::evidence")];
        let all = obs(basic("All", &["arn:aws:s3"]));
        assert_eq!(status(id, &all, &[]), Status::Passed);
        assert_eq!(status(id, &all, &bucket), Status::Passed);
        let all2 = obs(basic("All", &["arn:aws:s3:::"]));
        assert_eq!(status(id, &all2, &[]), Status::Passed);
        let one = obs(basic("All", &["arn:aws:s3:::evidence/"]));
        assert_eq!(status(id, &one, &bucket), Status::Passed);
        assert_eq!(
            status(id, &one, &[("bucket_arn", "evidence")]),
            Status::Passed
        );
        // One bucket does not cover all buckets, nor another bucket, nor a prefix the bucket.
        assert_eq!(status(id, &one, &[]), Status::Failed);
        assert_eq!(
            status(id, &one, &[("bucket_arn", "arn:aws:s3:::other")]),
            Status::Failed
        );
        let prefix = obs(basic("All", &["arn:aws:s3:::evidence/reports"]));
        assert_eq!(status(id, &prefix, &bucket), Status::Failed);
        let reads = run(id, &obs(basic("ReadOnly", &["arn:aws:s3"])), &[]);
        assert_eq!(reads.status, Status::Failed);
        assert!(reads.actual.starts_with("only read"), "{}", reads.actual);
        // A read selector plus a write selector together record both.
        let mut split = basic("ReadOnly", &["arn:aws:s3"]);
        let write = basic("WriteOnly", &["arn:aws:s3"])["EventSelectors"][0].clone();
        split["EventSelectors"].as_array_mut().unwrap().push(write);
        assert_eq!(status(id, &obs(split), &[]), Status::Passed);
        // Management events only.
        let mgmt = json!({"EventSelectors": [{"ReadWriteType": "All", "IncludeManagementEvents": true, "DataResources": []}]});
        let out = run(id, &obs(mgmt), &[]);
        assert_eq!(out.status, Status::Failed);
        let lambda = json!({"EventSelectors": [{"ReadWriteType": "All", "DataResources": [{"Type": "AWS::Lambda::Function", "Values": ["arn:aws:lambda"]}]}]});
        assert_eq!(status(id, &obs(lambda), &[]), Status::Failed);
        let none = run(id, &obs(json!({})), &[]);
        assert_eq!(
            (none.status, none.actual.as_str()),
            (Status::Failed, "no event selectors for all buckets")
        );
    }

    fn advanced(extra: Json) -> Json {
        let mut fields = vec![
            json!({"Field": "eventCategory", "Equals": ["Data"]}),
            json!({"Field": "resources.type", "Equals": ["AWS::S3::Object"]}),
        ];
        if let Json::Array(more) = extra {
            fields.extend(more);
        }
        json!({"AdvancedEventSelectors": [{"Name": "s3", "FieldSelectors": fields}]})
    }

    #[test]
    fn s3_data_events_advanced_selectors() {
        let id = "cloudtrail.s3_data_events";
        let bucket = [("bucket_arn", "arn:aws:s3:::evidence")];
        let plain = obs(advanced(json!([])));
        assert_eq!(status(id, &plain, &[]), Status::Passed);
        assert_eq!(status(id, &plain, &bucket), Status::Passed);
        let read_only = advanced(json!([{"Field": "readOnly", "Equals": ["true"]}]));
        assert_eq!(status(id, &obs(read_only), &[]), Status::Failed);
        let starts =
            advanced(json!([{"Field": "resources.ARN", "StartsWith": ["arn:aws:s3:::evidence/"]}]));
        assert_eq!(status(id, &obs(starts.clone()), &bucket), Status::Passed);
        assert_eq!(status(id, &obs(starts), &[]), Status::Failed);
        let other =
            advanced(json!([{"Field": "resources.ARN", "StartsWith": ["arn:aws:s3:::other/"]}]));
        assert_eq!(status(id, &obs(other), &bucket), Status::Failed);
        let excluded = advanced(
            json!([{"Field": "resources.ARN", "NotStartsWith": ["arn:aws:s3:::evidence/tmp/"]}]),
        );
        assert_eq!(status(id, &obs(excluded.clone()), &bucket), Status::Failed);
        let elsewhere = advanced(
            json!([{"Field": "resources.ARN", "NotStartsWith": ["arn:aws:s3:::scratch/"]}]),
        );
        assert_eq!(status(id, &obs(elsewhere), &bucket), Status::Passed);
        assert_eq!(status(id, &obs(excluded), &[]), Status::Failed);
        let event_name = advanced(json!([{"Field": "eventName", "Equals": ["GetObject"]}]));
        assert_eq!(status(id, &obs(event_name), &[]), Status::Failed);
        let mgmt = json!({"AdvancedEventSelectors": [{"FieldSelectors": [{"Field": "eventCategory", "Equals": ["Management"]}]}]});
        assert_eq!(status(id, &obs(mgmt), &[]), Status::Failed);
        // Read-only and write-only advanced selectors together record both.
        let mut split = advanced(json!([{"Field": "readOnly", "Equals": ["true"]}]));
        let writes = advanced(json!([{"Field": "readOnly", "Equals": ["false"]}]))
            ["AdvancedEventSelectors"][0]
            .clone();
        split["AdvancedEventSelectors"]
            .as_array_mut()
            .unwrap()
            .push(writes);
        assert_eq!(status(id, &obs(split), &[]), Status::Passed);
    }

    #[test]
    fn s3_data_events_read_error() {
        let id = "cloudtrail.s3_data_events";
        let mut o = obs(json!({}));
        o.error("EventSelectors", "GetEventSelectors: AccessDenied");
        o.error("AdvancedEventSelectors", "GetEventSelectors: AccessDenied");
        let out = run(id, &o, &[]);
        assert_eq!(out.status, Status::Error);
        // Even when the other half would pass, an unreadable half is an error.
        let mut half = obs(basic("All", &["arn:aws:s3"]));
        half.error("AdvancedEventSelectors", "denied");
        assert_eq!(status(id, &half, &[]), Status::Error);
    }

    #[test]
    fn helpers() {
        assert_eq!(bucket_name("arn:aws:s3:::evidence"), "evidence");
        assert_eq!(bucket_name("arn:aws:s3:::evidence/*"), "evidence");
        assert_eq!(bucket_name("evidence"), "evidence");
        assert_eq!(strip_partition("arn:aws-cn:s3:::b/"), "s3:::b/");
        assert_eq!(strip_partition("arn:"), "");
        assert_eq!(strip_partition("plain"), "plain");
    }
}
