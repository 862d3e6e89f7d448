//! Resource scoping, as data: which read actions AWS lets a policy scope to a resource ARN
//! ([`SCOPED`], from the Service Authorization Reference), the kind of ARN of a resource type
//! ([`kind_of_type`]) and how an identifier becomes that ARN ([`arn`]). Every action not in
//! the table is granted on `*`.

/// The kinds of resource a read can be scoped to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ArnKind {
    /// `arn:P:s3:::BUCKET`.
    S3Bucket,
    /// `arn:P:kms:R:A:key/ID`.
    KmsKey,
    /// `arn:P:cloudformation:R:A:stack/NAME/*`.
    CfnStack,
    /// `arn:P:sns:R:A:TOPIC`.
    SnsTopic,
}

impl ArnKind {
    /// The Sid of the statement holding the reads scoped to this kind.
    pub fn read_sid(self) -> &'static str {
        match self {
            ArnKind::S3Bucket => "GxpReadS3Buckets",
            ArnKind::KmsKey => "GxpReadKmsKeys",
            ArnKind::CfnStack => "GxpReadStacks",
            ArnKind::SnsTopic => "GxpReadSnsTopics",
        }
    }
}

/// Read actions whose Service Authorization Reference entry accepts the resource kind, each
/// with it ("Actions, resources, and condition keys for Amazon S3 / AWS KMS / AWS
/// CloudFormation / Amazon SNS"). Not listed, hence on `*`: the EC2, Config, Logs, ...
/// `Describe*` reads, `tag:GetResources`, `cloudformation:DescribeStackDriftDetectionStatus`,
/// `s3:GetAccountPublicAccessBlock`, `kms:ListAliases`.
pub const SCOPED: &[(&str, ArnKind)] = &[
    ("s3:ListBucket", ArnKind::S3Bucket),
    ("s3:GetBucketVersioning", ArnKind::S3Bucket),
    ("s3:GetEncryptionConfiguration", ArnKind::S3Bucket),
    ("s3:GetBucketPublicAccessBlock", ArnKind::S3Bucket),
    ("s3:GetBucketObjectLockConfiguration", ArnKind::S3Bucket),
    ("s3:GetBucketLogging", ArnKind::S3Bucket),
    ("s3:GetReplicationConfiguration", ArnKind::S3Bucket),
    ("s3:GetBucketPolicy", ArnKind::S3Bucket),
    ("s3:GetBucketOwnershipControls", ArnKind::S3Bucket),
    ("s3:GetLifecycleConfiguration", ArnKind::S3Bucket),
    ("s3:GetBucketTagging", ArnKind::S3Bucket),
    ("kms:DescribeKey", ArnKind::KmsKey),
    ("kms:GetKeyRotationStatus", ArnKind::KmsKey),
    ("kms:ListResourceTags", ArnKind::KmsKey),
    ("cloudformation:DescribeStacks", ArnKind::CfnStack),
    ("cloudformation:GetTemplate", ArnKind::CfnStack),
    ("cloudformation:ListStackResources", ArnKind::CfnStack),
    ("cloudformation:DetectStackDrift", ArnKind::CfnStack),
    ("sns:GetTopicAttributes", ArnKind::SnsTopic),
    ("sns:ListTagsForResource", ArnKind::SnsTopic),
];

/// The kind `action` can be scoped to, if AWS allows it.
pub fn kind_of_action(action: &str) -> Option<ArnKind> {
    SCOPED.iter().find(|(a, _)| *a == action).map(|(_, k)| *k)
}

/// The kind of ARN of a CloudFormation resource type, for the types with scoped reads.
pub fn kind_of_type(resource_type: &str) -> Option<ArnKind> {
    match resource_type {
        "AWS::S3::Bucket" => Some(ArnKind::S3Bucket),
        "AWS::KMS::Key" => Some(ArnKind::KmsKey),
        "AWS::CloudFormation::Stack" => Some(ArnKind::CfnStack),
        "AWS::SNS::Topic" => Some(ArnKind::SnsTopic),
        _ => None,
    }
}

/// Where ARNs are built: the partition, and the account and region (`*` when unknown).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ArnContext {
    pub partition: String,
    pub account: Option<String>,
    pub region: Option<String>,
}

impl ArnContext {
    fn account(&self) -> &str {
        self.account
            .as_deref()
            .filter(|a| !a.is_empty())
            .unwrap_or("*")
    }

    fn region(&self) -> &str {
        self.region
            .as_deref()
            .filter(|r| !r.is_empty())
            .unwrap_or("*")
    }

    /// The ARN of a KMS key named by `key_id` (key id, key ARN, alias or alias ARN); `None`
    /// for an alias, whose key is not known at plan time (IAM matches key ARNs, not aliases).
    pub fn kms_key(&self, key_id: &str) -> Option<String> {
        let id = key_id.trim();
        if id.is_empty() || id.starts_with("alias/") || id.contains(":alias/") {
            return None;
        }
        if id.starts_with("arn:") {
            return Some(id.to_string());
        }
        Some(format!(
            "arn:{}:kms:{}:{}:key/{id}",
            self.partition,
            self.region(),
            self.account()
        ))
    }

    /// The ARN of bucket `identifier` (a name or an ARN; the partition of an ARN is kept).
    pub fn bucket(&self, identifier: &str) -> Option<String> {
        let id = identifier.trim();
        if id.is_empty() {
            return None;
        }
        let name = crate::observe::s3::bucket_name(id);
        let partition = if id.starts_with("arn:") {
            id.split(':').nth(1).unwrap_or(&self.partition)
        } else {
            &self.partition
        };
        Some(format!("arn:{partition}:s3:::{name}"))
    }

    /// The ARN of stack `name` (every stack of that name: `stack/NAME/*`), or the stack ARN
    /// itself.
    pub fn stack(&self, name: &str) -> Option<String> {
        let name = name.trim();
        if name.is_empty() {
            return None;
        }
        if name.starts_with("arn:") {
            return Some(name.to_string());
        }
        Some(format!(
            "arn:{}:cloudformation:{}:{}:stack/{name}/*",
            self.partition,
            self.region(),
            self.account()
        ))
    }

    /// The ARN of an SNS topic: only an identifier that is already an ARN.
    pub fn topic(&self, identifier: &str) -> Option<String> {
        let id = identifier.trim();
        id.starts_with("arn:").then(|| id.to_string())
    }

    /// The ARN of a resource of `kind` named by `identifier`; `None` when it has none at plan
    /// time.
    pub fn arn(&self, kind: ArnKind, identifier: &str) -> Option<String> {
        match kind {
            ArnKind::S3Bucket => self.bucket(identifier),
            ArnKind::KmsKey => self.kms_key(identifier),
            ArnKind::CfnStack => self.stack(identifier),
            ArnKind::SnsTopic => self.topic(identifier),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::observe::services::SERVICES;

    fn ctx(account: Option<&str>, region: Option<&str>) -> ArnContext {
        ArnContext {
            partition: "aws".into(),
            account: account.map(str::to_string),
            region: region.map(str::to_string),
        }
    }

    #[test]
    fn every_scoped_action_is_declared_by_some_check_or_service() {
        let declared: Vec<&str> = crate::catalog::all()
            .iter()
            .flat_map(|c| c.iam_actions.iter().copied())
            .chain(SERVICES.iter().flat_map(|s| s.iam_actions.iter().copied()))
            .collect();
        for (action, _) in SCOPED {
            assert!(declared.contains(action), "stale row {action}");
        }
        let mut seen = std::collections::HashSet::new();
        for (action, _) in SCOPED {
            assert!(seen.insert(action), "{action} listed twice");
        }
    }

    #[test]
    fn arns_of_each_kind() {
        let c = ctx(Some("123456789012"), Some("eu-west-1"));
        assert_eq!(
            c.kms_key("1234abcd-12ab").as_deref(),
            Some("arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab")
        );
        assert_eq!(c.kms_key("alias/lims"), None);
        assert_eq!(c.kms_key("arn:aws:kms:eu-west-1:1:alias/lims"), None);
        assert_eq!(
            c.kms_key("arn:aws:kms:eu-west-1:1:key/k").as_deref(),
            Some("arn:aws:kms:eu-west-1:1:key/k")
        );
        assert_eq!(
            c.bucket("arn:aws-cn:s3:::b").as_deref(),
            Some("arn:aws-cn:s3:::b")
        );
        assert_eq!(c.bucket("b").as_deref(), Some("arn:aws:s3:::b"));
        assert_eq!(c.bucket(""), None);
        assert_eq!(
            c.stack("net").as_deref(),
            Some("arn:aws:cloudformation:eu-west-1:123456789012:stack/net/*")
        );
        assert_eq!(c.topic("t"), None);
        let unknown = ctx(None, None);
        assert_eq!(
            unknown.kms_key("k").as_deref(),
            Some("arn:aws:kms:*:*:key/k")
        );
    }
}
