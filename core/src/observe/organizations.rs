//! AWS Organizations: what it reads about the account (the account facet of
//! `organizations.account_member`): the organization it belongs to.

use serde_json::json;

use crate::aws::{classify, AwsContext};
use crate::catalog::SeverityClass;
use crate::observe::services::{AccountFacet, FacetProperties, Service};

/// Account property: the organization (`{"Id", "Arn", "MasterAccountId", "FeatureSet"}`),
/// absent when the account is in none (AWSOrganizationsNotInUseException).
pub const ORGANIZATION: &str = "Organization";

const NOT_IN_USE: &str = "AWSOrganizationsNotInUseException";

/// Organizations' registration: no resource type, one account facet.
pub const SERVICE: Service = Service {
    name: "organizations",
    sdk_client: "aws-sdk-organizations",
    iam_actions: &[],
    resource_types: &[],
    collect: |_, target| Box::pin(async move { crate::observe::Observation::exists(target) }),
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
        Ok(out) => Ok(out.organization().map(|o| {
            json!({
                "Id": o.id(),
                "Arn": o.arn(),
                "MasterAccountId": o.master_account_id(),
                "FeatureSet": o.feature_set().map(|f| f.as_str()),
            })
        })),
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
