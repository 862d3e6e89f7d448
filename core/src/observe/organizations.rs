//! AWS Organizations: what it reads about the account (the account facet of
//! `organizations.account_member`): the organization it belongs to.

use serde_json::json;

use crate::aws::{classify, AwsContext};
use crate::catalog::SeverityClass;
use crate::observe::services::{AccountFacet, FacetProperties, Service};
use crate::observe::{Existence, Observation};

/// Account property: the organization (`{"Id", "Arn", "MasterAccountId", "FeatureSet"}`),
/// absent when the account is in none (AWSOrganizationsNotInUseException).
pub const ORGANIZATION: &str = "Organization";

/// DescribeOrganization's answer in an account that belongs to no organization.
const NOT_IN_USE: &str = "AWSOrganizationsNotInUseException";

/// Organizations' registration: no resource type, one account facet.
pub const SERVICE: Service = Service {
    name: "organizations",
    sdk_client: "aws-sdk-organizations",
    iam_actions: &[],
    resource_types: &[],
    collect: |_, target| {
        Box::pin(async move {
            Observation::with_existence(
                target,
                Existence::Unknown("Organizations observes the account only".into()),
            )
        })
    },
    discover: |_, _| None,
    property_classes: &[],
    account_facets: &[AccountFacet {
        properties: &[(ORGANIZATION, SeverityClass::Functional)],
        checks: &["organizations.account_member"],
        read: |aws| Box::pin(read_organization(aws)),
    }],
};

/// DescribeOrganization.
async fn read_organization(aws: &AwsContext) -> FacetProperties {
    let value = match aws.organizations().describe_organization().send().await {
        Ok(out) => match out.organization() {
            Some(o) if o.id().is_some() => Ok(Some(json!({
                "Id": o.id(),
                "Arn": o.arn(),
                "MasterAccountId": o.master_account_id(),
                "FeatureSet": o.feature_set().map(|f| f.as_str()),
            }))),
            _ => Err("Organizations DescribeOrganization: answer without Organization.Id".into()),
        },
        Err(e) => {
            let err = classify(&e);
            if err.code.as_deref() == Some(NOT_IN_USE) {
                Ok(None)
            } else {
                Err(format!("Organizations DescribeOrganization: {err}"))
            }
        }
    };
    vec![(ORGANIZATION, value)]
}

/// The account facet against documented Organizations answers.
#[cfg(test)]
mod tests {
    use crate::aws::fake_endpoint::{Answer, Request};
    use crate::checks::Status;
    use crate::observe::account::testing::{outcome, whole_passes_and_cut_short_errors};

    const ID: &str = "organizations.account_member";

    fn error(code: &str) -> Answer {
        Answer::new(
            400,
            "application/x-amz-json-1.1",
            format!("{{\"__type\":\"{code}\",\"Message\":\"{code}\"}}"),
        )
    }

    fn member(r: &Request) -> Answer {
        if r.operation() == "DescribeOrganization" {
            Answer::json("{\"Organization\":{\"Id\":\"o-exampleorgid\",\"Arn\":\"arn:aws:organizations::111111111111:organization/111111111111/o-exampleorgid\",\"FeatureSet\":\"ALL\",\"MasterAccountArn\":\"arn:aws:organizations::111111111111:account/o-exampleorgid/111111111111\",\"MasterAccountId\":\"111111111111\",\"MasterAccountEmail\":\"bill@example.com\"}}")
        } else {
            error("InvalidInputException")
        }
    }

    #[tokio::test]
    async fn the_organization_is_read_whole_or_not_at_all() {
        whole_passes_and_cut_short_errors(member, |_| true, ID, &[]).await;
        let out = outcome(member, ID, &[]).await;
        assert_eq!(
            out.actual,
            "member of o-exampleorgid (management account 111111111111)"
        );
    }

    #[tokio::test]
    async fn not_in_use_fails_and_every_other_answer_errors() {
        let out = outcome(|_| error("AWSOrganizationsNotInUseException"), ID, &[]).await;
        assert_eq!(out.status, Status::Failed, "{out:?}");
        for answer in [
            error("AccessDeniedException"),
            error("TooManyRequestsException"),
            Answer::empty(501),
            // A successful answer without the organization is not "not a member".
            Answer::json("{}"),
        ] {
            let out = outcome(move |_| answer.clone(), ID, &[]).await;
            assert_eq!(out.status, Status::Error, "{out:?}");
        }
    }
}
