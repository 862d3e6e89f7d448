//! Security Hub: what it reads about the account and region (the account facet of
//! `securityhub.enabled`): the hub and its enabled standards.

use aws_sdk_securityhub::types::StandardsStatus;
use serde_json::{json, Value as Json};

use crate::aws::{classify, AwsContext};
use crate::catalog::SeverityClass;
use crate::observe::services::{AccountFacet, FacetProperties, Service};
use crate::observe::{Existence, Observation};

/// Account property: the hub (`{"HubArn", "SubscribedAt"}`), absent when Security Hub is
/// not enabled (DescribeHub InvalidAccessException).
pub const HUB: &str = "SecurityHub";
/// Account property: the standards subscriptions,
/// `[{"StandardsArn", "StandardsSubscriptionArn", "StandardsStatus"}]`; absent when the
/// hub is not enabled.
pub const ENABLED_STANDARDS: &str = "SecurityHubEnabledStandards";

/// The error code of DescribeHub in an account that has not enabled Security Hub ("Account
/// is not subscribed to AWS Security Hub").
const NOT_SUBSCRIBED: &str = "InvalidAccessException";

/// Security Hub's registration: no resource type, one account facet.
pub const SERVICE: Service = Service {
    name: "securityhub",
    sdk_client: "aws-sdk-securityhub",
    iam_actions: &[],
    resource_types: &[],
    collect: |_, target| {
        Box::pin(async move {
            Observation::with_existence(
                target,
                Existence::Unknown("Security Hub observes the account only".into()),
            )
        })
    },
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
        Ok(h) => match h.hub_arn() {
            Some(arn) => json!({"HubArn": arn, "SubscribedAt": h.subscribed_at()}),
            None => {
                let msg = "Security Hub DescribeHub: answer without HubArn".to_string();
                return vec![(HUB, Err(msg.clone())), (ENABLED_STANDARDS, Err(msg))];
            }
        },
        Err(e) => {
            let err = classify(&e);
            if err.code.as_deref() == Some(NOT_SUBSCRIBED) {
                return vec![(HUB, Ok(None)), (ENABLED_STANDARDS, Ok(None))];
            }
            let msg = format!("Security Hub DescribeHub: {err}");
            return vec![(HUB, Err(msg.clone())), (ENABLED_STANDARDS, Err(msg))];
        }
    };
    vec![
        (HUB, Ok(Some(hub))),
        (ENABLED_STANDARDS, enabled_standards(aws).await.map(Some)),
    ]
}

async fn enabled_standards(aws: &AwsContext) -> Result<Json, String> {
    let client = aws.securityhub();
    let mut standards = Vec::new();
    let mut token = None;
    loop {
        let out = client
            .get_enabled_standards()
            .set_next_token(token)
            .send()
            .await
            .map_err(|e| format!("Security Hub GetEnabledStandards: {}", classify(&e)))?;
        for s in out.standards_subscriptions() {
            // A subscription without a known status is a malformed answer (the SDK fills a
            // missing required member with an unknown value): an error, never "not ready".
            let status = match s.standards_status() {
                Some(
                    st @ (StandardsStatus::Deleting
                    | StandardsStatus::Failed
                    | StandardsStatus::Incomplete
                    | StandardsStatus::Pending
                    | StandardsStatus::Ready),
                ) => st,
                other => {
                    return Err(format!(
                        "Security Hub GetEnabledStandards: a subscription without a known StandardsStatus ({:?})",
                        other.map(StandardsStatus::as_str)
                    ))
                }
            };
            standards.push(json!({
                "StandardsArn": s.standards_arn(),
                "StandardsSubscriptionArn": s.standards_subscription_arn(),
                "StandardsStatus": status.as_str(),
            }));
        }
        token = out
            .next_token()
            .filter(|t| !t.is_empty())
            .map(str::to_string);
        if token.is_none() {
            return Ok(Json::Array(standards));
        }
    }
}

/// The account facet against documented Security Hub answers.
#[cfg(test)]
mod tests {
    use crate::aws::fake_endpoint::{Answer, Request};
    use crate::checks::Status;
    use crate::observe::account::testing::{outcome, whole_passes_and_cut_short_errors};

    const ID: &str = "securityhub.enabled";
    const FSBP: &str =
        "arn:aws:securityhub:us-east-1::standards/aws-foundational-security-best-practices/v/1.0.0";

    fn json(body: String) -> Answer {
        Answer::new(200, "application/json", body)
    }

    fn rest_error(status: u16, code: &str) -> Answer {
        let mut a = Answer::new(
            status,
            "application/json",
            format!("{{\"__type\":\"{code}\",\"Message\":\"{code}\"}}"),
        );
        a.headers.push(("x-amzn-ErrorType".into(), code.into()));
        a
    }

    fn hub() -> Answer {
        json("{\"HubArn\":\"arn:aws:securityhub:us-east-1:123456789012:hub/default\",\"SubscribedAt\":\"2026-01-01T00:00:00.000Z\",\"AutoEnableControls\":true,\"ControlFindingGenerator\":\"SECURITY_CONTROL\"}".into())
    }

    fn standards(status: &str) -> Answer {
        json(format!("{{\"StandardsSubscriptions\":[{{\"StandardsSubscriptionArn\":\"arn:aws:securityhub:us-east-1:123456789012:subscription/aws-foundational-security-best-practices/v/1.0.0\",\"StandardsArn\":\"{FSBP}\",\"StandardsInput\":{{}},\"StandardsStatus\":\"{status}\"}}]}}"))
    }

    fn ready(r: &Request) -> Answer {
        match (r.method.as_str(), r.target.as_str()) {
            ("GET", "/accounts") => hub(),
            ("POST", "/standards/get") => standards("READY"),
            _ => rest_error(400, "InvalidInputException"),
        }
    }

    #[tokio::test]
    async fn the_hub_and_its_standards_are_read_whole_or_not_at_all() {
        whole_passes_and_cut_short_errors(ready, |r| r.target == "/accounts", ID, &[]).await;
        whole_passes_and_cut_short_errors(ready, |r| r.target == "/standards/get", ID, &[]).await;
        let out = outcome(ready, ID, &[]).await;
        assert_eq!(
            out.actual,
            "enabled; READY: aws-foundational-security-best-practices/v/1.0.0"
        );
    }

    #[tokio::test]
    async fn not_subscribed_or_no_ready_standard_fails_and_unreadable_errors() {
        let not_subscribed = |_: &Request| rest_error(401, "InvalidAccessException");
        let out = outcome(not_subscribed, ID, &[]).await;
        assert_eq!(
            (out.status, out.actual.as_str()),
            (Status::Failed, "not enabled")
        );
        let pending = |r: &Request| match r.target.as_str() {
            "/accounts" => hub(),
            _ => standards("PENDING"),
        };
        assert_eq!(outcome(pending, ID, &[]).await.status, Status::Failed);
        let none = |r: &Request| match r.target.as_str() {
            "/accounts" => hub(),
            _ => json("{\"StandardsSubscriptions\":[]}".into()),
        };
        let out = outcome(none, ID, &[]).await;
        assert_eq!(
            (out.status, out.actual.as_str()),
            (Status::Failed, "enabled, no standard")
        );
        // moto 5.2 answers DescribeHub but has no GetEnabledStandards.
        let no_standards_api = |r: &Request| match r.target.as_str() {
            "/accounts" => hub(),
            _ => Answer::empty(500),
        };
        let out = outcome(no_standards_api, ID, &[]).await;
        assert_eq!(out.status, Status::Error, "{out:?}");
        // A subscription without a known status is not "not ready".
        let unknown = |r: &Request| match r.target.as_str() {
            "/accounts" => hub(),
            _ => json(format!(
                "{{\"StandardsSubscriptions\":[{{\"StandardsArn\":\"{FSBP}\"}}]}}"
            )),
        };
        let out = outcome(unknown, ID, &[]).await;
        assert_eq!(out.status, Status::Error, "{out:?}");
        for answer in [
            rest_error(403, "AccessDeniedException"),
            rest_error(429, "LimitExceededException"),
            Answer::empty(501),
        ] {
            let out = outcome(move |_| answer.clone(), ID, &[]).await;
            assert_eq!(out.status, Status::Error, "{out:?}");
        }
    }
}
