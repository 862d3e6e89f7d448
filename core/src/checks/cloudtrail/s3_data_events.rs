//! `cloudtrail.s3_data_events`: CloudTrail records S3 data events (basic and advanced event
//! selectors). Definition, evaluator and unit tests.

use serde_json::Value as Json;

use super::TRAIL;
use crate::catalog::{CheckDef, CheckParam, ParamKind, Related, Remediation, SeverityClass, Stage};
use crate::checks::support::property;
use crate::checks::{Check, Outcome, Params};
use crate::observe::Observation;

/// The `cloudtrail.s3_data_events` check.
pub static CHECK: Check = Check {
    def: CheckDef {
        id: "cloudtrail.s3_data_events",
        title: "CloudTrail records S3 data events",
        description: "OQ. Calls CloudTrail GetEventSelectors. Passes when either a basic event selector has \
            ReadWriteType All and a DataResource of Type AWS::S3::Object whose Values cover the bucket (arn:aws:s3 \
            or arn:aws:s3::: for all buckets, or arn:aws:s3:::<bucket>/), or an advanced event selector has \
            eventCategory = Data and resources.type = AWS::S3::Object without a readOnly filter and with no \
            resources.ARN filter excluding the bucket. With bucket_arn unset, the selectors must cover all buckets.",
        stage: Stage::Oq,
        service: "cloudtrail",
        resource_types: TRAIL,
        severity: SeverityClass::Security,
        iam_actions: &["cloudtrail:GetEventSelectors"],
        controls: &["21CFR11.10(e)", "Annex11-9", "HIPAA-164.312(b)"],
        remediation: "Terraform aws_cloudtrail event_selector { read_write_type = \"All\", data_resource { type \
            = \"AWS::S3::Object\", values = [\"arn:aws:s3\"] } } (or advanced_event_selector with eventCategory \
            Data and resources.type AWS::S3::Object); CloudFormation EventSelectors; or CloudTrail \
            PutEventSelectors.",
        remediation_code: Remediation {
            terraform: "resource \"aws_cloudtrail\" \"audit\" {\n  # ...\n  event_selector {\n    read_write_type = \"All\"\n    data_resource {\n      type   = \"AWS::S3::Object\"\n      values = [\"arn:aws:s3\"]\n    }\n  }\n}",
            cloudformation: "EventSelectors:\n  - ReadWriteType: All\n    DataResources:\n      - Type: AWS::S3::Object\n        Values: [\"arn:aws:s3\"]",
            cli: "aws cloudtrail put-event-selectors --trail-name TRAIL --event-selectors \\\n  '[{\"ReadWriteType\":\"All\",\"DataResources\":[{\"Type\":\"AWS::S3::Object\",\"Values\":[\"arn:aws:s3\"]}]}]'",
        },
        related: Related {
            prowler: &["cloudtrail_s3_dataevents_read_enabled", "cloudtrail_s3_dataevents_write_enabled"],
            aws_config: &["cloudtrail-s3-dataevents-enabled"],
        },
        params: &[CheckParam {
            name: "bucket_arn",
            description: "ARN of the bucket whose object-level reads and writes must be recorded. When unset, \
                data events must be recorded for all S3 buckets.",
            default: None,
            kind: ParamKind::BucketNameOrArn,
        }],
    },
    evaluate,
    #[cfg(test)]
    fixtures: crate::checks::UnitFixtures::Properties {
        pass: r#"{"EventSelectors": [{"ReadWriteType": "All", "IncludeManagementEvents": true, "DataResources": [{"Type": "AWS::S3::Object", "Values": ["arn:aws:s3"]}]}]}"#,
        fail: r#"{"EventSelectors": [{"ReadWriteType": "ReadOnly", "IncludeManagementEvents": true, "DataResources": [{"Type": "AWS::S3::Object", "Values": ["arn:aws:s3"]}]}]}"#,
        unreadable: "AdvancedEventSelectors",
    },
};

fn evaluate(obs: &Observation, params: &Params) -> Outcome {
    s3_data_events(obs, params.text("bucket_arn")).unwrap_or_else(|early| early)
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
    use crate::checks::cloudtrail::fixtures::{obs, run, status};
    use crate::checks::Status;
    use serde_json::json;

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
