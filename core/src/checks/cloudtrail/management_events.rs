//! `cloudtrail.management_events`: a logging trail records read and write management events
//! without exclusions. Definition, evaluator and unit tests.

use serde_json::Value as Json;

use crate::catalog::{CheckDef, Related, Remediation, SeverityClass, Stage};
use crate::checks::support::property;
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
        controls: &["21CFR11.10(e)", "21CFR11.10(k)", "Annex11-9", "Annex11-12.4"],
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

/// Why a trail does not record every management event, `None` when it does.
fn shortfall(trail: &Json) -> Option<String> {
    if trail.get("IsLogging").and_then(Json::as_bool) != Some(true) {
        return Some("not logging".into());
    }
    let list = |k: &str| trail.get(k).and_then(Json::as_array).cloned().unwrap_or_default();
    let basic = list("EventSelectors");
    let advanced = list("AdvancedEventSelectors");
    let basic_ok = basic.iter().any(|s| {
        s.get("IncludeManagementEvents").and_then(Json::as_bool) != Some(false)
            && s.get("ReadWriteType").and_then(Json::as_str).unwrap_or("All") == "All"
            && s.get("ExcludeManagementEventSources")
                .and_then(Json::as_array)
                .is_none_or(|v| v.is_empty())
    });
    let advanced_ok = advanced.iter().any(|s| {
        let fields = s.get("FieldSelectors").and_then(Json::as_array).cloned().unwrap_or_default();
        matches!(fields.as_slice(), [f] if f.get("Field").and_then(Json::as_str) == Some("eventCategory")
            && f.get("Equals").and_then(Json::as_array).is_some_and(|e| e.len() == 1 && e[0] == "Management"))
    });
    if basic_ok || advanced_ok {
        return None;
    }
    let management: Vec<&Json> = basic
        .iter()
        .filter(|s| s.get("IncludeManagementEvents").and_then(Json::as_bool) != Some(false))
        .collect();
    Some(if basic.is_empty() && advanced.is_empty() {
        "no event selector".into()
    } else if let Some(s) = management.first() {
        let rw = s.get("ReadWriteType").and_then(Json::as_str).unwrap_or("All");
        if rw != "All" {
            format!("management events {rw}")
        } else {
            "management event sources excluded".into()
        }
    } else if !advanced.is_empty() {
        "advanced selectors filter management events".into()
    } else {
        "management events not included".into()
    })
}

fn evaluate(obs: &Observation, _params: &Params) -> Outcome {
    const EXPECTED: &str = "a logging trail with all read and write management events";
    let trails = match property(obs, MANAGEMENT_EVENT_TRAILS, EXPECTED) {
        Err(e) => return e,
        Ok(t) => t.and_then(Json::as_array).cloned().unwrap_or_default(),
    };
    let name = |t: &Json| t.get("Name").and_then(Json::as_str).unwrap_or("?").to_string();
    let mut short = Vec::new();
    for t in &trails {
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
        observation("AWS::::Account", "123456789012/eu-west-1", json!({"ManagementEventTrails": trails}))
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
            (Status::Failed, "audit: advanced selectors filter management events".into())
        );
    }

    #[test]
    fn write_only_excluded_sources_stopped_or_no_trail_fail() {
        let t = |sel: Value, logging: bool| json!([{"Name": "t", "IsLogging": logging, "EventSelectors": [sel]}]);
        assert_eq!(
            status(t(json!({"ReadWriteType": "WriteOnly", "IncludeManagementEvents": true}), true)),
            (Status::Failed, "t: management events WriteOnly".into())
        );
        assert_eq!(
            status(t(json!({"ReadWriteType": "All", "IncludeManagementEvents": true, "ExcludeManagementEventSources": ["kms.amazonaws.com"]}), true)),
            (Status::Failed, "t: management event sources excluded".into())
        );
        assert_eq!(
            status(t(json!({"ReadWriteType": "All", "IncludeManagementEvents": false}), true)),
            (Status::Failed, "t: management events not included".into())
        );
        assert_eq!(
            status(t(json!({"ReadWriteType": "All", "IncludeManagementEvents": true}), false)),
            (Status::Failed, "t: not logging".into())
        );
        assert_eq!(status(json!([])), (Status::Failed, "no trail".into()));
        assert_eq!(
            status(json!([{"Name": "t", "IsLogging": true}])),
            (Status::Failed, "t: no event selector".into())
        );
    }

    #[test]
    fn unreadable_is_an_error() {
        let mut o = account(json!([]));
        o.error("ManagementEventTrails", "CloudTrail DescribeTrails: AccessDenied");
        assert_eq!(run(ID, &o, &[]).status, Status::Error);
    }
}
