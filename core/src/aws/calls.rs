//! Which AWS operations the provider calls, as IAM actions: [`iam_action`] names the action an
//! SDK operation is authorized by, and [`CallRecorder`], an interceptor installed on every
//! client of a context made [`AwsContext::with_call_recorder`](super::AwsContext), records
//! each operation called (once per operation call, whatever its retries). Tests use it to
//! prove that a collector's real calls are within the IAM actions its checks declare.

use std::collections::BTreeSet;
use std::sync::{Arc, Mutex};

use aws_smithy_runtime_api::box_error::BoxError;
use aws_smithy_runtime_api::client::interceptors::context::BeforeSerializationInterceptorContextRef;
use aws_smithy_runtime_api::client::interceptors::Intercept;
use aws_smithy_runtime_api::client::orchestrator::Metadata;
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use aws_smithy_types::config_bag::ConfigBag;

use super::Service;

impl Service {
    /// The service prefix of its IAM actions (`s3`, `logs`, `tag`, ...).
    pub const fn iam_prefix(self) -> &'static str {
        match self {
            Service::CloudFormation => "cloudformation",
            Service::CloudTrail => "cloudtrail",
            Service::CloudWatch => "cloudwatch",
            Service::ConfigService => "config",
            Service::Elbv2 => "elasticloadbalancing",
            Service::Ec2 => "ec2",
            Service::GuardDuty => "guardduty",
            Service::Iam => "iam",
            Service::Kms => "kms",
            Service::Logs => "logs",
            Service::Organizations => "organizations",
            Service::Rds => "rds",
            Service::ResourceGroupsTaggingApi => "tag",
            Service::S3 | Service::S3Control => "s3",
            Service::SecurityHub => "securityhub",
            Service::Sns => "sns",
            Service::Sts => "sts",
            Service::Sqs => "sqs",
            Service::SecretsManager => "secretsmanager",
            Service::Lambda => "lambda",
            Service::Efs => "elasticfilesystem",
            Service::DynamoDb => "dynamodb",
            Service::Backup => "backup",
        }
    }
}

/// S3 operations authorized by an action of another name (AWS Service Authorization
/// Reference, Amazon S3: "Actions defined by Amazon S3").
const S3_ACTION_OF_OPERATION: &[(&str, &str)] = &[
    ("HeadBucket", "ListBucket"),
    ("GetBucketEncryption", "GetEncryptionConfiguration"),
    ("GetPublicAccessBlock", "GetBucketPublicAccessBlock"),
    (
        "GetObjectLockConfiguration",
        "GetBucketObjectLockConfiguration",
    ),
    ("GetBucketReplication", "GetReplicationConfiguration"),
    (
        "GetBucketLifecycleConfiguration",
        "GetLifecycleConfiguration",
    ),
    ("HeadObject", "GetObject"),
    ("ListObjectsV2", "ListBucket"),
    ("ListObjectVersions", "ListBucketVersions"),
];

/// S3 Control operations authorized by an action of another name (Service Authorization
/// Reference, Amazon S3: GetPublicAccessBlock of the account is `s3:GetAccountPublicAccessBlock`).
const S3_CONTROL_ACTION_OF_OPERATION: &[(&str, &str)] = &[
    ("GetPublicAccessBlock", "GetAccountPublicAccessBlock"),
    ("PutPublicAccessBlock", "PutAccountPublicAccessBlock"),
    ("DeletePublicAccessBlock", "PutAccountPublicAccessBlock"),
];

/// The IAM action that authorizes `operation` (its Smithy name, e.g. `GetBucketVersioning`)
/// of `service`: `s3:GetBucketVersioning`. Most actions are named after their operation; S3
/// has exceptions (HeadBucket is `s3:ListBucket`, GetBucketEncryption is
/// `s3:GetEncryptionConfiguration`, ...).
pub fn iam_action(service: Service, operation: &str) -> String {
    let action = match service {
        Service::S3 => S3_ACTION_OF_OPERATION
            .iter()
            .find(|(op, _)| *op == operation)
            .map_or(operation, |(_, action)| action),
        // S3 Control's account-level operations are the `s3:...Account...` actions.
        Service::S3Control => S3_CONTROL_ACTION_OF_OPERATION
            .iter()
            .find(|(op, _)| *op == operation)
            .map_or(operation, |(_, action)| action),
        _ => operation,
    };
    format!("{}:{action}", service.iam_prefix())
}

/// The operation an IAM action of service prefix `prefix` authorizes, the inverse of
/// [`iam_action`] for the reads the collectors make: `s3:ListBucket` is HeadBucket,
/// `s3:GetEncryptionConfiguration` GetBucketEncryption; every other action is named after
/// its operation. Where one action authorizes several operations, the first of
/// `S3_ACTION_OF_OPERATION` (the bucket-level read) is given.
pub fn operation_of_action<'a>(prefix: &str, action: &'a str) -> &'a str {
    match prefix {
        "s3" => S3_ACTION_OF_OPERATION
            .iter()
            .find(|(_, a)| *a == action)
            .map_or(action, |(op, _)| op),
        _ => action,
    }
}

/// The S3 query sub-resources (`?versioning`, `?ownershipControls`, ...) and the operation
/// each names, by HTTP method: how a path-style S3 request is told apart from the others
/// (the e2e fault proxy reads it). A collector read of a new sub-resource adds its row here;
/// `every_s3_collector_read_has_its_sub_resource` fails until it does.
pub const S3_OPERATION_OF_SUBRESOURCE: &[(&str, &str, &str)] = &[
    ("GET", "encryption", "GetBucketEncryption"),
    ("GET", "versioning", "GetBucketVersioning"),
    ("GET", "publicAccessBlock", "GetPublicAccessBlock"),
    ("GET", "object-lock", "GetObjectLockConfiguration"),
    ("GET", "logging", "GetBucketLogging"),
    ("GET", "replication", "GetBucketReplication"),
    ("GET", "policy", "GetBucketPolicy"),
    ("GET", "tagging", "GetBucketTagging"),
    ("GET", "location", "GetBucketLocation"),
    ("GET", "acl", "GetBucketAcl"),
    ("GET", "ownershipControls", "GetBucketOwnershipControls"),
    ("GET", "lifecycle", "GetBucketLifecycleConfiguration"),
    ("GET", "list-type", "ListObjectsV2"),
    ("GET", "versions", "ListObjectVersions"),
    ("GET", "retention", "GetObjectRetention"),
    ("PUT", "encryption", "PutBucketEncryption"),
    ("PUT", "versioning", "PutBucketVersioning"),
    ("PUT", "publicAccessBlock", "PutPublicAccessBlock"),
    ("PUT", "object-lock", "PutObjectLockConfiguration"),
    ("PUT", "logging", "PutBucketLogging"),
    ("PUT", "replication", "PutBucketReplication"),
    ("PUT", "policy", "PutBucketPolicy"),
    ("PUT", "tagging", "PutBucketTagging"),
    ("DELETE", "policy", "DeleteBucketPolicy"),
    ("DELETE", "tagging", "DeleteBucketTagging"),
    ("DELETE", "encryption", "DeleteBucketEncryption"),
    ("DELETE", "publicAccessBlock", "DeletePublicAccessBlock"),
    ("DELETE", "replication", "DeleteBucketReplication"),
    ("POST", "delete", "DeleteObjects"),
];

/// Records the IAM action of every operation called through the clients it is installed on.
#[derive(Debug, Clone, Default)]
pub struct CallRecorder {
    actions: Arc<Mutex<BTreeSet<String>>>,
}

impl CallRecorder {
    /// A recorder with nothing recorded.
    pub fn new() -> Self {
        Self::default()
    }

    /// The IAM actions of the operations called so far, sorted.
    pub fn actions(&self) -> BTreeSet<String> {
        self.actions.lock().map(|a| a.clone()).unwrap_or_default()
    }

    /// Forget what was recorded.
    pub fn clear(&self) {
        if let Ok(mut a) = self.actions.lock() {
            a.clear();
        }
    }

    /// The interceptor for a client of `service`.
    pub(super) fn interceptor(&self, service: Service) -> RecordCalls {
        RecordCalls {
            service,
            recorder: self.clone(),
        }
    }
}

/// The interceptor of a [`CallRecorder`] on a client of one service.
#[derive(Debug)]
pub(super) struct RecordCalls {
    service: Service,
    recorder: CallRecorder,
}

impl Intercept for RecordCalls {
    fn name(&self) -> &'static str {
        "RecordCalls"
    }

    fn read_before_serialization(
        &self,
        _context: &BeforeSerializationInterceptorContextRef<'_>,
        _runtime_components: &RuntimeComponents,
        cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        let operation = cfg
            .load::<Metadata>()
            .map(|m| m.name().to_string())
            .unwrap_or_else(|| "UnknownOperation".into());
        if let Ok(mut a) = self.recorder.actions.lock() {
            a.insert(iam_action(self.service, &operation));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::aws::fake_endpoint::{Answer, FakeEndpoint};

    #[test]
    fn actions_are_named_after_operations_except_the_s3_exceptions() {
        assert_eq!(
            iam_action(Service::S3, "GetBucketVersioning"),
            "s3:GetBucketVersioning"
        );
        assert_eq!(iam_action(Service::S3, "HeadBucket"), "s3:ListBucket");
        assert_eq!(
            iam_action(Service::S3, "GetBucketEncryption"),
            "s3:GetEncryptionConfiguration"
        );
        assert_eq!(
            iam_action(Service::Logs, "DescribeLogGroups"),
            "logs:DescribeLogGroups"
        );
        assert_eq!(
            iam_action(Service::ResourceGroupsTaggingApi, "GetResources"),
            "tag:GetResources"
        );
        assert_eq!(
            iam_action(Service::ConfigService, "DescribeDeliveryChannels"),
            "config:DescribeDeliveryChannels"
        );
        // S3 Control's account public access block vs the bucket's.
        assert_eq!(
            iam_action(Service::S3Control, "GetPublicAccessBlock"),
            "s3:GetAccountPublicAccessBlock"
        );
        assert_eq!(
            iam_action(Service::S3, "GetPublicAccessBlock"),
            "s3:GetBucketPublicAccessBlock"
        );
        assert_eq!(
            iam_action(Service::SecurityHub, "GetEnabledStandards"),
            "securityhub:GetEnabledStandards"
        );
    }

    #[test]
    fn operations_of_actions_invert_the_s3_exceptions() {
        for (op, action) in S3_ACTION_OF_OPERATION {
            assert_eq!(
                iam_action(Service::S3, operation_of_action("s3", action)),
                format!("s3:{action}"),
                "{op}"
            );
        }
        assert_eq!(operation_of_action("s3", "ListBucket"), "HeadBucket");
        assert_eq!(
            operation_of_action("s3", "GetEncryptionConfiguration"),
            "GetBucketEncryption"
        );
        assert_eq!(
            operation_of_action("s3", "GetBucketPolicy"),
            "GetBucketPolicy"
        );
        assert_eq!(operation_of_action("kms", "DescribeKey"), "DescribeKey");
    }

    /// Every S3 read the collector's checks declare (beyond HeadBucket) is told apart by its
    /// query sub-resource.
    #[test]
    fn every_s3_collector_read_has_its_sub_resource() {
        for (prefix, op) in crate::observe::services::collector_operations("AWS::S3::Bucket") {
            assert_eq!(prefix, "s3");
            if op == "HeadBucket" {
                continue;
            }
            assert!(
                S3_OPERATION_OF_SUBRESOURCE
                    .iter()
                    .any(|(m, _, o)| *m == "GET" && *o == op),
                "S3 {op} has no row in S3_OPERATION_OF_SUBRESOURCE"
            );
        }
    }

    #[tokio::test]
    async fn the_recorder_sees_every_operation_once_whatever_its_retries() {
        let endpoint = FakeEndpoint::start(|_| Answer::empty(500)).await;
        let recorder = CallRecorder::new();
        let aws = endpoint.context(3).await.with_call_recorder(&recorder);
        let _ = aws.kms().describe_key().key_id("k").send().await;
        let _ = aws.s3().head_bucket().bucket("b").send().await;
        let got: Vec<String> = recorder.actions().into_iter().collect();
        assert_eq!(got, ["kms:DescribeKey", "s3:ListBucket"]);
        assert!(
            endpoint.requests().len() >= 4,
            "retried: {:?}",
            endpoint.requests().len()
        );
        recorder.clear();
        assert!(recorder.actions().is_empty());
    }
}
