//! GuardDuty: what it reads about the account and region (the account facet of
//! `guardduty.enabled`): its detectors and their status.

use aws_sdk_guardduty::types::DetectorStatus;
use serde_json::{json, Value as Json};

use crate::aws::{classify, AwsContext};
use crate::catalog::SeverityClass;
use crate::observe::services::{AccountFacet, FacetProperties, Service};
use crate::observe::{Existence, Observation};

/// Account property: the region's detectors, `[{"DetectorId", "Status"}]` (an empty list:
/// no detector).
pub const DETECTORS: &str = "GuardDutyDetectors";

/// GuardDuty's registration: no resource type, one account facet.
pub const SERVICE: Service = Service {
    name: "guardduty",
    sdk_client: "aws-sdk-guardduty",
    iam_actions: &[],
    resource_types: &[],
    collect: |_, target| {
        Box::pin(async move {
            Observation::with_existence(
                target,
                Existence::Unknown("GuardDuty observes the account only".into()),
            )
        })
    },
    discover: |_, _| None,
    property_classes: &[],
    account_facets: &[AccountFacet {
        properties: &[(DETECTORS, SeverityClass::Security)],
        checks: &["guardduty.enabled"],
        read: |aws| Box::pin(read_detectors(aws)),
    }],
};

/// ListDetectors (every page) and GetDetector for each.
async fn read_detectors(aws: &AwsContext) -> FacetProperties {
    vec![(DETECTORS, detectors(aws).await.map(Some))]
}

async fn detectors(aws: &AwsContext) -> Result<Json, String> {
    let client = aws.guardduty();
    let mut ids = Vec::new();
    let mut token = None;
    loop {
        let out = client
            .list_detectors()
            .set_next_token(token)
            .send()
            .await
            .map_err(|e| format!("GuardDuty ListDetectors: {}", classify(&e)))?;
        ids.extend(out.detector_ids().iter().cloned());
        token = out
            .next_token()
            .filter(|t| !t.is_empty())
            .map(str::to_string);
        if token.is_none() {
            break;
        }
    }
    let mut out = Vec::new();
    for id in ids {
        let d = client
            .get_detector()
            .detector_id(&id)
            .send()
            .await
            .map_err(|e| format!("GuardDuty GetDetector {id}: {}", classify(&e)))?;
        // A detector without a known status is a malformed answer (the SDK fills a missing
        // required member with an unknown value): an error, never "disabled".
        let status = match d.status() {
            Some(s @ (DetectorStatus::Enabled | DetectorStatus::Disabled)) => s.as_str(),
            other => {
                return Err(format!(
                    "GuardDuty GetDetector {id}: answer without a known Status ({:?})",
                    other.map(DetectorStatus::as_str)
                ))
            }
        };
        out.push(json!({"DetectorId": id, "Status": status}));
    }
    Ok(Json::Array(out))
}

/// The account facet against documented GuardDuty answers.
#[cfg(test)]
mod tests {
    use crate::aws::fake_endpoint::{Answer, Request};
    use crate::checks::Status;
    use crate::observe::account::testing::{outcome, whole_passes_and_cut_short_errors};

    const ID: &str = "guardduty.enabled";

    fn json(body: &str) -> Answer {
        Answer::new(200, "application/json", body.to_string())
    }

    fn rest_error(status: u16, code: &str) -> Answer {
        let mut a = Answer::new(
            status,
            "application/json",
            format!("{{\"__type\":\"{code}\",\"message\":\"{code}\"}}"),
        );
        a.headers.push(("x-amzn-ErrorType".into(), code.into()));
        a
    }

    fn detector(status: &str) -> Answer {
        json(&format!(
            "{{\"createdAt\":\"2026-01-01T00:00:00.000Z\",\"findingPublishingFrequency\":\"SIX_HOURS\",\"serviceRole\":\"arn:aws:iam::123456789012:role/aws-service-role/guardduty.amazonaws.com/AWSServiceRoleForAmazonGuardDuty\",\"status\":\"{status}\",\"updatedAt\":\"2026-01-01T00:00:00.000Z\"}}"
        ))
    }

    fn enabled(r: &Request) -> Answer {
        match r.target.as_str() {
            "/detector" => json("{\"detectorIds\":[\"12abc34d567e8fa901bc2d34e56789f0\"]}"),
            "/detector/12abc34d567e8fa901bc2d34e56789f0" => detector("ENABLED"),
            _ => rest_error(400, "BadRequestException"),
        }
    }

    #[tokio::test]
    async fn detectors_are_read_whole_or_not_at_all() {
        whole_passes_and_cut_short_errors(enabled, |r| r.target == "/detector", ID, &[]).await;
        whole_passes_and_cut_short_errors(enabled, |r| r.target != "/detector", ID, &[]).await;
    }

    #[tokio::test]
    async fn no_or_a_disabled_detector_fails_and_unreadable_or_unknown_status_errors() {
        let none = |_: &Request| json("{\"detectorIds\":[]}");
        let out = outcome(none, ID, &[]).await;
        assert_eq!(
            (out.status, out.actual.as_str()),
            (Status::Failed, "no detector")
        );
        let disabled = |r: &Request| match r.target.as_str() {
            "/detector" => enabled(r),
            _ => detector("DISABLED"),
        };
        assert_eq!(outcome(disabled, ID, &[]).await.status, Status::Failed);
        let unknown = |r: &Request| match r.target.as_str() {
            "/detector" => enabled(r),
            _ => json("{\"serviceRole\":\"r\"}"),
        };
        let out = outcome(unknown, ID, &[]).await;
        assert_eq!(out.status, Status::Error, "{out:?}");
        for answer in [
            rest_error(403, "AccessDeniedException"),
            rest_error(429, "TooManyRequestsException"),
            Answer::empty(501),
        ] {
            let out = outcome(move |_| answer.clone(), ID, &[]).await;
            assert_eq!(out.status, Status::Error, "{out:?}");
        }
    }
}
