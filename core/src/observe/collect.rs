//! Collector dispatch: read a target's live configuration through the AWS APIs.

use crate::aws::AwsContext;
use crate::observe::{Observation, Target};

/// Observe one target. Never panics; read failures are recorded in the observation.
pub async fn collect(aws: &AwsContext, target: &Target) -> Observation {
    use super::*;
    match target.resource_type.as_str() {
        "AWS::S3::Bucket" => s3::collect(aws, target).await,
        "AWS::KMS::Key" => kms::collect(aws, target).await,
        "AWS::CloudTrail::Trail" => cloudtrail::collect(aws, target).await,
        "AWS::Config::ConfigurationRecorder" | "AWS::Config::DeliveryChannel" => {
            config::collect(aws, target).await
        }
        "AWS::Logs::LogGroup" => logs::collect(aws, target).await,
        "AWS::EC2::VPC" | "AWS::EC2::SecurityGroup" | "AWS::EC2::VPCEndpoint" => {
            ec2::collect(aws, target).await
        }
        "AWS::RDS::DBInstance" => rds::collect(aws, target).await,
        other => Observation::with_existence(
            target,
            Existence::Unknown(format!("no collector for resource type {other}")),
        ),
    }
}
