//! Security Hub: what it reads about the account and region (the account facet of
//! `securityhub.enabled`): the hub and its enabled standards.

use serde_json::{json, Value as Json};

use crate::aws::{classify, AwsContext};
use crate::catalog::SeverityClass;
use crate::observe::services::{AccountFacet, FacetProperties, Service};

/// Account property: the hub (`{"HubArn", "SubscribedAt", "AutoEnableControls"}`), absent when
/// Security Hub is not enabled (DescribeHub InvalidAccessException).
pub const HUB: &str = "SecurityHub";
/// Account property: the standards subscriptions,
/// `[{"StandardsArn", "StandardsSubscriptionArn", "StandardsStatus"}]`.
pub const ENABLED_STANDARDS: &str = "SecurityHubEnabledStandards";

/// The error code of DescribeHub in an account that has not enabled Security Hub.
const NOT_SUBSCRIBED: &str = "InvalidAccessException";

/// Security Hub's registration: no resource type, one account facet.
pub const SERVICE: Service = Service {
    name: "securityhub",
    sdk_client: "aws-sdk-securityhub",
    iam_actions: &[],
    resource_types: &[],
    collect: |_, target| Box::pin(async move { crate::observe::Observation::exists(target) }),
    discover: |_, _| None,
    property_classes: &[],
    account_facets: &[AccountFacet {
        properties: &[
            (HUB, SeverityClass::Security),
            (ENABLED_STANDARDS, SeverityClass::Security),
        ],
        checks: &["securityhub.enabled"],
        read: |aws| Box::pin(read_hub(aws)),
    }],
};

/// DescribeHub, then (on an enabled hub) GetEnabledStandards, every page.
async fn read_hub(aws: &AwsContext) -> FacetProperties {
    let client = aws.securityhub();
    let hub = match client.describe_hub().send().await {
        Ok(h) => json!({
            "HubArn": h.hub_arn(),
            "SubscribedAt": h.subscribed_at(),
            "AutoEnableControls": h.auto_enable_controls(),
        }),
        Err(e) => {
            let err = classify(&e);
            if err.code.as_deref() == Some(NOT_SUBSCRIBED) {
                return vec![(HUB, Ok(None)), (ENABLED_STANDARDS, Ok(None))];
            }
            let msg = format!("Security Hub DescribeHub: {err}");
            return vec![(HUB, Err(msg.clone())), (ENABLED_STANDARDS, Err(msg))];
        }
    };
    let mut standards = Vec::new();
    let mut token = None;
    let standards = loop {
        match client
            .get_enabled_standards()
            .set_next_token(token)
            .send()
            .await
        {
            Ok(out) => {
                standards.extend(out.standards_subscriptions().iter().map(|s| {
                    json!({
                        "StandardsArn": s.standards_arn(),
                        "StandardsSubscriptionArn": s.standards_subscription_arn(),
                        "StandardsStatus": s.standards_status().map(|x| x.as_str()),
                    })
                }));
                token = out.next_token().filter(|t| !t.is_empty()).map(str::to_string);
                if token.is_none() {
                    break Ok(Some(Json::Array(standards)));
                }
            }
            Err(e) => break Err(format!("Security Hub GetEnabledStandards: {}", classify(&e))),
        }
    };
    vec![(HUB, Ok(Some(hub))), (ENABLED_STANDARDS, standards)]
}
