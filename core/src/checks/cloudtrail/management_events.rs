//! `cloudtrail.management_events`: a logging trail records read and write management events
//! without exclusions. Definition, evaluator and unit tests.

use serde_json::Value as Json;

use crate::catalog::{CheckDef, Related, Remediation, SeverityClass, Stage};
use crate::checks::support::list;
use crate::checks::{Check, Outcome, Params};
use crate::observe::account::ACCOUNT_TYPE;
use crate::observe::cloudtrail::MANAGEMENT_EVENT_TRAILS;
use crate::observe::Observation;

/// The `cloudtrail.management_events` check.
pub static CHECK: Check = Check {
    def: CheckDef {
        id: "cloudtrail.management_events",
        title: "A logging trail records all management events",
        description: "OQ. Calls CloudTrail DescribeTrails (with the region's multi-region trails of other \
            home regions), GetTrailStatus and GetEventSelectors for each. Passes when a trail that is \
            logging records read and write management events without exclusions: a basic event selector \
            with IncludeManagementEvents, ReadWriteType All and no ExcludeManagementEventSources, or an \
            advanced event selector whose only field selector is eventCategory = Management.",
        stage: Stage::Oq,
        service: "cloudtrail",
        resource_types: &[ACCOUNT_TYPE],
        severity: SeverityClass::Security,
        iam_actions: &[
            "cloudtrail:DescribeTrails",
            "cloudtrail:GetTrailStatus",
            "cloudtrail:GetEventSelectors",
        ],
        controls: &["21CFR11.10(e)", "21CFR11.10(k)", "21CFR11.300(d)", "Annex11-9", "Annex11-12.4"],
        remediation: "Terraform aws_cloudtrail with event_selector { read_write_type = \"All\", \
            include_management_events = true } and no exclude_management_event_sources (the audit-trail \
            module); or CloudTrail PutEventSelectors.",
        remediation_code: Remediation {
            terraform: "resource \"aws_cloudtrail\" \"audit\" {\n  name           = \"gxp-audit\"\n  s3_bucket_name = aws_s3_bucket.trail.id\n\n  event_selector {\n    read_write_type           = \"All\"\n    include_management_events = true\n  }\n}",
            cloudformation: "EventSelectors:\n  - ReadWriteType: All\n    IncludeManagementEvents: true",
            cli: "aws cloudtrail put-event-selectors --trail-name TRAIL --event-selectors '[{\"ReadWriteType\":\"All\",\"IncludeManagementEvents\":true}]'",
        },
        related: Related {
            prowler: &["cloudtrail_multi_region_enabled_logging_management_events"],
            aws_config: &["cloudtrail-security-trail-enabled"],
        },
        params: &[],
    },
    evaluate,
    #[cfg(test)]
    fixtures: crate::checks::UnitFixtures::Properties {
        pass: r#"{"ManagementEventTrails": [{"Name": "audit", "IsLogging": true, "EventSelectors": [{"ReadWriteType": "All", "IncludeManagementEvents": true}]}]}"#,
        fail: r#"{"ManagementEventTrails": [{"Name": "audit", "IsLogging": true, "EventSelectors": [{"ReadWriteType": "WriteOnly", "IncludeManagementEvents": true}]}]}"#,
        unreadable: "ManagementEventTrails",
    },
};

/// Whether a basic event selector records every read and write management event: it says
/// so explicitly (`IncludeManagementEvents` true, `ReadWriteType` All) and excludes no
/// event source. A selector that leaves a value out records nothing made up.
fn basic_records_all(s: &Json) -> bool {
    s.get("IncludeManagementEvents").and_then(Json::as_bool) == Some(true)
        && s.get("ReadWriteType").and_then(Json::as_str) == Some("All")
        && s.get("ExcludeManagementEventSources")
            .and_then(Json::as_array)
            .is_none_or(|v| v.is_empty())
}

/// For an advanced event selector of management events only (field selectors
/// `eventCategory = Management` and at most a `readOnly` equality), the `readOnly` values
/// it records (`None`: both); `Err(())` for any other selector (another field, e.g. an
/// `eventSource NotEquals` exclusion, or another operator).
fn advanced_read_only(s: &Json) -> Result<Option<Vec<String>>, ()> {
    let fields = s.get("FieldSelectors").and_then(Json::as_array).ok_or(())?;
    let equals_only = |f: &Json| -> Result<Vec<String>, ()> {
        let obj = f.as_object().ok_or(())?;
        if obj.keys().any(|k| k != "Field" && k != "Equals") {
            return Err(());
        }
        Ok(obj
            .get("Equals")
            .and_then(Json::as_array)
            .ok_or(())?
            .iter()
            .filter_map(Json::as_str)
            .map(str::to_string)
            .collect())
    };
    let mut management = false;
    let mut read_only = None;
    for f in fields {
        match f.get("Field").and_then(Json::as_str) {
            Some("eventCategory") => {
                management = equals_only(f)? == ["Management"];
                if !management {
                    return Err(());
                }
            }
            Some("readOnly") => read_only = Some(equals_only(f)?),
            _ => return Err(()),
        }
    }
    if management {
        Ok(read_only)
    } else {
        Err(())
    }
}

/// Whether the advanced event selectors together record every read and write management
/// event: one selector of management events without a `readOnly` filter, or selectors
/// whose `readOnly` filters cover both `true` and `false`.
fn advanced_records_all(selectors: &[Json]) -> bool {
    let mut read = false;
    let mut write = false;
    for s in selectors {
        match advanced_read_only(s) {
            Ok(None) => return true,
            Ok(Some(values)) => {
                read |= values.iter().any(|v| v == "true");
                write |= values.iter().any(|v| v == "false");
            }
            Err(()) => {}
        }
    }
    read && write
}

/// Why a trail does not record every management event, `None` when it does.
fn shortfall(trail: &Json) -> Option<String> {
    if trail.get("IsLogging").and_then(Json::as_bool) != Some(true) {
        return Some("not logging".into());
    }
    let list = |k: &str| {
        trail
            .get(k)
            .and_then(Json::as_array)
            .cloned()
            .unwrap_or_default()
    };
    let basic = list("EventSelectors");
    let advanced = list("AdvancedEventSelectors");
    if basic.iter().any(basic_records_all) || advanced_records_all(&advanced) {
        return None;
    }
    let management = basic
        .iter()
        .find(|s| s.get("IncludeManagementEvents").and_then(Json::as_bool) == Some(true));
    Some(if basic.is_empty() && advanced.is_empty() {
        "no event selector".into()
    } else if let Some(s) = management {
        match s.get("ReadWriteType").and_then(Json::as_str) {
            Some("All") => "management event sources excluded".into(),
            Some(rw) => format!("management events {rw}"),
            None => "management events without ReadWriteType".into(),
        }
    } else if !advanced.is_empty() {
        "advanced selectors filter management events".into()
    } else {
        "management events not included".into()
    })
}

fn evaluate(obs: &Observation, _params: &Params) -> Outcome {
    const EXPECTED: &str = "a logging trail with all read and write management events";
    let trails = match list(obs, MANAGEMENT_EVENT_TRAILS, EXPECTED) {
        Err(e) => return e,
        Ok(t) => t,
    };
    let name = |t: &Json| {
        t.get("Name")
            .and_then(Json::as_str)
            .unwrap_or("?")
            .to_string()
    };
    let mut short = Vec::new();
    for t in trails {
        match shortfall(t) {
            None => return Outcome::verdict(true, EXPECTED, format!("trail {}", name(t))),
            Some(why) => short.push(format!("{}: {why}", name(t))),
        }
    }
    if short.is_empty() {
        return Outcome::verdict(false, EXPECTED, "no trail");
    }
    Outcome::verdict(false, EXPECTED, short.join("; "))
}

#[cfg(test)]
mod tests {
    use crate::checks::testing::{observation, run};
    use crate::checks::Status;
    use serde_json::{json, Value};

    const ID: &str = "cloudtrail.management_events";

    fn account(trails: Value) -> crate::observe::Observation {
        observation(
            "AWS::::Account",
            "123456789012/eu-west-1",
            json!({"ManagementEventTrails": trails}),
        )
    }

    fn status(trails: Value) -> (Status, String) {
        let r = run(ID, &account(trails), &[]);
        (r.status, r.actual)
    }

    #[test]
    fn basic_selector_all_management_events_passes() {
        let trails = json!([
            {"Name": "stopped", "IsLogging": false, "EventSelectors": [{"ReadWriteType": "All", "IncludeManagementEvents": true}]},
            {"Name": "audit", "IsLogging": true, "EventSelectors": [{"ReadWriteType": "All", "IncludeManagementEvents": true, "ExcludeManagementEventSources": []}]}
        ]);
        assert_eq!(status(trails), (Status::Passed, "trail audit".into()));
    }

    #[test]
    fn advanced_selector_of_management_events_only_passes() {
        let trails = json!([{"Name": "audit", "IsLogging": true, "AdvancedEventSelectors": [
            {"Name": "Management events selector", "FieldSelectors": [{"Field": "eventCategory", "Equals": ["Management"]}]}]}]);
        assert_eq!(status(trails).0, Status::Passed);
        let filtered = json!([{"Name": "audit", "IsLogging": true, "AdvancedEventSelectors": [
            {"FieldSelectors": [{"Field": "eventCategory", "Equals": ["Management"]}, {"Field": "readOnly", "Equals": ["false"]}]}]}]);
        assert_eq!(
            status(filtered),
            (
                Status::Failed,
                "audit: advanced selectors filter management events".into()
            )
        );
    }

    #[test]
    fn advanced_selectors_split_by_read_only_pass_together_only() {
        let sel = |ro: &str| json!({"FieldSelectors": [{"Field": "eventCategory", "Equals": ["Management"]}, {"Field": "readOnly", "Equals": [ro]}]});
        let both = json!([{"Name": "audit", "IsLogging": true, "AdvancedEventSelectors": [sel("true"), sel("false")]}]);
        assert_eq!(status(both).0, Status::Passed);
        let write =
            json!([{"Name": "audit", "IsLogging": true, "AdvancedEventSelectors": [sel("false")]}]);
        assert_eq!(status(write).0, Status::Failed);
        let excluded = json!([{"Name": "audit", "IsLogging": true, "AdvancedEventSelectors": [
            {"FieldSelectors": [{"Field": "eventCategory", "Equals": ["Management"]}, {"Field": "eventSource", "NotEquals": ["kms.amazonaws.com"]}]}]}]);
        assert_eq!(
            status(excluded),
            (
                Status::Failed,
                "audit: advanced selectors filter management events".into()
            )
        );
        let data_only = json!([{"Name": "audit", "IsLogging": true, "AdvancedEventSelectors": [
            {"FieldSelectors": [{"Field": "eventCategory", "Equals": ["Data"]}, {"Field": "resources.type", "Equals": ["AWS::S3::Object"]}]}]}]);
        assert_eq!(status(data_only).0, Status::Failed);
    }

    #[test]
    fn a_selector_that_leaves_values_out_does_not_pass() {
        let t = json!([{"Name": "t", "IsLogging": true, "EventSelectors": [{"IncludeManagementEvents": true}]}]);
        assert_eq!(
            status(t),
            (
                Status::Failed,
                "t: management events without ReadWriteType".into()
            )
        );
        let t =
            json!([{"Name": "t", "IsLogging": true, "EventSelectors": [{"ReadWriteType": "All"}]}]);
        assert_eq!(
            status(t),
            (Status::Failed, "t: management events not included".into())
        );
    }

    #[test]
    fn write_only_excluded_sources_stopped_or_no_trail_fail() {
        let t = |sel: Value, logging: bool| json!([{"Name": "t", "IsLogging": logging, "EventSelectors": [sel]}]);
        assert_eq!(
            status(t(
                json!({"ReadWriteType": "WriteOnly", "IncludeManagementEvents": true}),
                true
            )),
            (Status::Failed, "t: management events WriteOnly".into())
        );
        assert_eq!(
            status(t(
                json!({"ReadWriteType": "All", "IncludeManagementEvents": true, "ExcludeManagementEventSources": ["kms.amazonaws.com"]}),
                true
            )),
            (
                Status::Failed,
                "t: management event sources excluded".into()
            )
        );
        assert_eq!(
            status(t(
                json!({"ReadWriteType": "All", "IncludeManagementEvents": false}),
                true
            )),
            (Status::Failed, "t: management events not included".into())
        );
        assert_eq!(
            status(t(
                json!({"ReadWriteType": "All", "IncludeManagementEvents": true}),
                false
            )),
            (Status::Failed, "t: not logging".into())
        );
        assert_eq!(status(json!([])), (Status::Failed, "no trail".into()));
        assert_eq!(
            status(json!([{"Name": "t", "IsLogging": true}])),
            (Status::Failed, "t: no event selector".into())
        );
    }

    #[test]
    fn unreadable_or_unread_is_an_error() {
        let mut o = account(json!([]));
        o.error(
            "ManagementEventTrails",
            "CloudTrail DescribeTrails: AccessDenied",
        );
        assert_eq!(run(ID, &o, &[]).status, Status::Error);
        let unread = observation("AWS::::Account", "123456789012/eu-west-1", json!({}));
        assert_eq!(run(ID, &unread, &[]).status, Status::Error);
    }
}
