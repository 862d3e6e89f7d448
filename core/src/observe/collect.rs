//! Collector dispatch: read a target's live configuration through the AWS APIs, with the
//! collector its service registers.

use crate::aws::AwsContext;
use crate::observe::{services, Existence, Observation, Target};

/// Observe one target with the collector of its service ([`super::services`]), then the
/// cross-service reads its checks need ([`super::supplements`]). Never panics; read failures
/// are recorded in the observation.
pub async fn collect(aws: &AwsContext, target: &Target) -> Observation {
    let mut obs = collect_own(aws, target).await;
    super::supplements::supplement(aws, target, &mut obs).await;
    obs
}

async fn collect_own(aws: &AwsContext, target: &Target) -> Observation {
    match services::for_resource_type(&target.resource_type) {
        Some(service) => (service.collect)(aws, target).await,
        None => Observation::with_existence(
            target,
            Existence::Unknown(format!(
                "no collector for resource type {}",
                target.resource_type
            )),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::aws::fake_endpoint::{Answer, FakeEndpoint};
    use crate::checks::{evaluate_id, Status};
    use crate::observe::{Existence, TargetOrigin};

    fn target(resource_type: &str, identifier: &str) -> Target {
        Target {
            key: "t".into(),
            resource_type: resource_type.into(),
            identifier: identifier.into(),
            origin: TargetOrigin::Spec,
            checks: vec![],
            params: Default::default(),
            expected_properties: None,
            requirements: vec![],
        }
    }

    #[tokio::test]
    async fn a_404_without_an_error_code_is_an_error_not_a_missing_resource() {
        // Every call answers 404 with an empty body and no AWS error code.
        let endpoint = FakeEndpoint::start(|_| Answer::empty(404)).await;
        let aws = endpoint.context(1).await;
        let cases = [
            (
                "AWS::KMS::Key",
                "1234abcd-12ab-34cd-56ef-1234567890ab",
                "kms.enabled",
            ),
            ("AWS::CloudTrail::Trail", "org-trail", "cloudtrail.exists"),
            ("AWS::Logs::LogGroup", "/gxp/lims", "logs.retention"),
            ("AWS::EC2::SecurityGroup", "sg-1", "ec2.sg_no_admin_ingress"),
            ("AWS::EC2::VPC", "vpc-1", "ec2.vpc_flow_logs"),
        ];
        let mut wrong = Vec::new();
        for (resource_type, identifier, check) in cases {
            let obs = collect(&aws, &target(resource_type, identifier)).await;
            let outcome = evaluate_id(check, &obs, &Default::default());
            let detail = outcome.detail.clone().unwrap_or_default();
            if outcome.status != Status::Error || !detail.contains("without an AWS error code") {
                wrong.push(format!(
                    "{check} on {resource_type}: {} (actual {:?}; {detail})",
                    outcome.status.as_str(),
                    outcome.actual
                ));
            }
        }
        assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    }

    #[tokio::test]
    async fn an_s3_head_404_still_means_the_bucket_is_missing() {
        // HEAD answers have no body: S3's 404 to HeadBucket is "no such bucket".
        let endpoint = FakeEndpoint::start(|r| {
            if r.method == "HEAD" {
                Answer::empty(404)
            } else {
                Answer::s3_error(404, "NoSuchBucket")
            }
        })
        .await;
        let obs = collect(
            &endpoint.context(1).await,
            &target("AWS::S3::Bucket", "gone"),
        )
        .await;
        assert_eq!(obs.existence, Existence::Missing, "{obs:?}");
        let outcome = evaluate_id("s3.versioning", &obs, &Default::default());
        assert_eq!(outcome.status, Status::Failed, "{outcome:?}");
    }
}
