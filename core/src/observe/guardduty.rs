//! GuardDuty: what it reads about the account and region (the account facet of
//! `guardduty.enabled`): its detectors and their status.

use serde_json::{json, Value as Json};

use crate::aws::{classify, AwsContext};
use crate::catalog::SeverityClass;
use crate::observe::services::{AccountFacet, FacetProperties, Service};

/// Account property: the region's detectors, `[{"DetectorId", "Status", "FindingPublishingFrequency"}]`.
pub const DETECTORS: &str = "GuardDutyDetectors";

/// GuardDuty's registration: no resource type, one account facet.
pub const SERVICE: Service = Service {
    name: "guardduty",
    sdk_client: "aws-sdk-guardduty",
    iam_actions: &[],
    resource_types: &[],
    collect: |_, target| Box::pin(async move { crate::observe::Observation::exists(target) }),
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
    vec![(DETECTORS, detectors(aws).await)]
}

async fn detectors(aws: &AwsContext) -> Result<Option<Json>, String> {
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
        token = out.next_token().filter(|t| !t.is_empty()).map(str::to_string);
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
        out.push(json!({
            "DetectorId": id,
            "Status": d.status().map(|s| s.as_str()),
            "FindingPublishingFrequency": d.finding_publishing_frequency().map(|f| f.as_str()),
        }));
    }
    Ok(Some(Json::Array(out)))
}
