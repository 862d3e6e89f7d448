//! Which AWS read APIs the collectors call, and which of them each check's verdict rests on.
//!
//! The table is the test's own reading of `provider/src/observe/*` and `checks/*`: a check
//! whose every call of one of its APIs was faulted had no real answer behind it and must not
//! be `passed`. A collector that starts calling a new API shows up in
//! [`assert_inventory_covered`] (the fault scenarios then miss it).

/// `(service, operation)`.
pub type Api = (&'static str, &'static str);

/// Resource types with a collector, in the order their APIs are listed.
const COLLECTED_TYPES: [&str; 11] = [
    "AWS::S3::Bucket",
    "AWS::KMS::Key",
    "AWS::CloudTrail::Trail",
    "AWS::Logs::LogGroup",
    "AWS::Config::ConfigurationRecorder",
    "AWS::Config::DeliveryChannel",
    "AWS::EC2::VPC",
    "AWS::EC2::SecurityGroup",
    "AWS::EC2::VPCEndpoint",
    "AWS::RDS::DBInstance",
    STACK,
];

/// Every read API the collectors, discovery and provider configuration call: STS
/// GetCallerIdentity, each collector's ([`ops_of_type`]) and the tagging API's GetResources.
pub fn collector_apis() -> Vec<Api> {
    apis_of_types(COLLECTED_TYPES)
}

/// The read APIs a qualification of targets of `types` (and [`STACK`]s) with discovery
/// calls: STS GetCallerIdentity, each type's collector's, the tagging API's GetResources.
pub fn apis_of_types<'a>(types: impl IntoIterator<Item = &'a str>) -> Vec<Api> {
    let mut apis = vec![("sts", "GetCallerIdentity")];
    for ty in types {
        for api in ops_of_type(ty) {
            if !apis.contains(api) {
                apis.push(*api);
            }
        }
    }
    apis.push(("tagging", "GetResources"));
    apis
}

/// The read APIs of one service.
pub fn apis_of(service: &str) -> Vec<&'static str> {
    collector_apis()
        .into_iter()
        .filter(|(s, _)| *s == service)
        .map(|(_, op)| op)
        .collect()
}

/// The S3 API reading a top-level bucket property.
fn s3_api_of(property: &str) -> &'static str {
    match property {
        "BucketEncryption" | "KmsKeyAliases" => "GetBucketEncryption",
        "VersioningConfiguration" | "MfaDelete" => "GetBucketVersioning",
        "PublicAccessBlockConfiguration" => "GetPublicAccessBlock",
        "ObjectLockEnabled" | "ObjectLockConfiguration" => "GetObjectLockConfiguration",
        "LoggingConfiguration" => "GetBucketLogging",
        "ReplicationConfiguration" => "GetBucketReplication",
        "BucketPolicy" => "GetBucketPolicy",
        "OwnershipControls" => "GetBucketOwnershipControls",
        "LifecycleConfiguration" => "GetBucketLifecycleConfiguration",
        "Tags" => "GetBucketTagging",
        _ => "HeadBucket",
    }
}

/// What a verdict needs: every API of `all`, and at least one of `any` (existence).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Needs {
    pub all: Vec<Api>,
    pub any: Vec<Api>,
}

fn all(apis: &[Api]) -> Needs {
    Needs {
        all: apis.to_vec(),
        any: vec![],
    }
}

/// The APIs the verdict of `check_id` (on `property`) for a `resource_type` rests on.
pub fn needs(resource_type: &str, check_id: &str, property: Option<&str>) -> Needs {
    let top = property.map(|p| p.split(['.', '[']).next().unwrap_or(p));
    match (resource_type, check_id) {
        ("AWS::S3::Bucket", "iq.resource_exists") => Needs {
            all: vec![],
            any: apis_of("s3").into_iter().map(|op| ("s3", op)).collect(),
        },
        ("AWS::S3::Bucket", "iq.resource_properties") => {
            all(&[("s3", s3_api_of(top.unwrap_or_default()))])
        }
        ("AWS::S3::Bucket", check) => all(&[(
            "s3",
            match check {
                "s3.encryption" => "GetBucketEncryption",
                "s3.versioning" => "GetBucketVersioning",
                "s3.public_access_block" => "GetPublicAccessBlock",
                "s3.tls_only" => "GetBucketPolicy",
                "s3.object_lock" => "GetObjectLockConfiguration",
                "s3.access_logging" => "GetBucketLogging",
                "s3.replication" => "GetBucketReplication",
                "s3.acl_disabled" => "GetBucketOwnershipControls",
                "s3.lifecycle_retention" => "GetBucketLifecycleConfiguration",
                other => panic!("no S3 API known for {other}"),
            },
        )]),
        ("AWS::KMS::Key", "kms.rotation") => {
            all(&[("kms", "DescribeKey"), ("kms", "GetKeyRotationStatus")])
        }
        ("AWS::KMS::Key", _) => all(&[("kms", "DescribeKey")]),
        ("AWS::CloudTrail::Trail", "cloudtrail.logging") => all(&[
            ("cloudtrail", "DescribeTrails"),
            ("cloudtrail", "GetTrailStatus"),
        ]),
        ("AWS::CloudTrail::Trail", "cloudtrail.s3_data_events") => all(&[
            ("cloudtrail", "DescribeTrails"),
            ("cloudtrail", "GetEventSelectors"),
        ]),
        ("AWS::CloudTrail::Trail", _) => all(&[("cloudtrail", "DescribeTrails")]),
        ("AWS::Logs::LogGroup", _) => all(&[("logs", "DescribeLogGroups")]),
        ("AWS::Config::ConfigurationRecorder", "config.recorder_recording") => all(&[
            ("config", "DescribeConfigurationRecorders"),
            ("config", "DescribeConfigurationRecorderStatus"),
        ]),
        ("AWS::Config::ConfigurationRecorder", _) => {
            all(&[("config", "DescribeConfigurationRecorders")])
        }
        ("AWS::Config::DeliveryChannel", "config.delivery_channel") => all(&[
            ("config", "DescribeDeliveryChannels"),
            ("config", "DescribeDeliveryChannelStatus"),
        ]),
        ("AWS::Config::DeliveryChannel", _) => all(&[("config", "DescribeDeliveryChannels")]),
        ("AWS::EC2::VPC", "ec2.vpc_flow_logs") => {
            all(&[("ec2", "DescribeVpcs"), ("ec2", "DescribeFlowLogs")])
        }
        ("AWS::EC2::VPC", "ec2.default_sg_closed") => {
            all(&[("ec2", "DescribeVpcs"), ("ec2", "DescribeSecurityGroups")])
        }
        ("AWS::EC2::VPC", _) => all(&[("ec2", "DescribeVpcs")]),
        ("AWS::EC2::SecurityGroup", _) => all(&[("ec2", "DescribeSecurityGroups")]),
        ("AWS::EC2::VPCEndpoint", _) => all(&[("ec2", "DescribeVpcEndpoints")]),
        ("AWS::RDS::DBInstance", _) => all(&[("rds", "DescribeDBInstances")]),
        (_, "iq.template_hash") => all(&[
            ("cloudformation", "DescribeStacks"),
            ("cloudformation", "GetTemplate"),
        ]),
        (_, "iq.stack_resources") => all(&[
            ("cloudformation", "DescribeStacks"),
            ("cloudformation", "ListStackResources"),
        ]),
        (_, "iq.stack_drift") => all(&[
            ("cloudformation", "DescribeStacks"),
            ("cloudformation", "DetectStackDrift"),
        ]),
        (_, c) if c.starts_with("iq.stack_") => all(&[("cloudformation", "DescribeStacks")]),
        (_, "iq.scope") => all(&[("tagging", "GetResources")]),
        (ty, check) => panic!("no API dependency known for {check} on {ty}"),
    }
}

/// Panics naming every API of `all` (the world's, [`apis_of_types`]) a clean run did not
/// call, and every API a clean run called that the inventory does not list (the fault
/// scenarios would not cover it).
pub fn assert_inventory_covered(all: &[Api], calls: &[crate::harness::faults::Call]) {
    let called: std::collections::BTreeSet<(String, String)> = calls
        .iter()
        .filter(|c| !c.service.is_empty())
        .map(|c| (c.service.clone(), c.operation.clone()))
        .collect();
    // Not collector reads: the evidence store and KMS signing.
    let store_apis = [
        "PutObject",
        "GetObject",
        "ListObjectsV2",
        "GetBucketVersioning",
        "GetObjectLockConfiguration",
    ];
    let unlisted: Vec<String> = called
        .iter()
        .filter(|(s, op)| {
            let listed = all.contains(&(s.as_str(), op.as_str()));
            let store = s == "s3" && store_apis.contains(&op.as_str());
            !(listed || store || op == "DescribeStackDriftDetectionStatus")
        })
        .map(|(s, op)| format!("{s}:{op}"))
        .collect();
    let missing: Vec<String> = all
        .iter()
        .filter(|(s, op)| !called.contains(&(s.to_string(), op.to_string())))
        .map(|(s, op)| format!("{s}:{op}"))
        .collect();
    assert!(
        unlisted.is_empty() && missing.is_empty(),
        "the collector API inventory (tests/e2e/faults/apis.rs) is out of date:\n\
         called but not listed: {unlisted:?}\nlisted but not called by a clean run: {missing:?}"
    );
}

/// Resource type of the world's stacks in [`ops_of_type`].
pub const STACK: &str = "stack";

/// The read APIs the collector of `resource_type` (or [`STACK`]) calls for one target.
pub fn ops_of_type(resource_type: &str) -> &'static [Api] {
    match resource_type {
        "AWS::S3::Bucket" => &[
            ("s3", "HeadBucket"),
            ("s3", "GetBucketEncryption"),
            ("s3", "GetBucketVersioning"),
            ("s3", "GetPublicAccessBlock"),
            ("s3", "GetObjectLockConfiguration"),
            ("s3", "GetBucketLogging"),
            ("s3", "GetBucketReplication"),
            ("s3", "GetBucketPolicy"),
            ("s3", "GetBucketTagging"),
            ("s3", "GetBucketOwnershipControls"),
            ("s3", "GetBucketLifecycleConfiguration"),
        ],
        "AWS::KMS::Key" => &[
            ("kms", "DescribeKey"),
            ("kms", "GetKeyRotationStatus"),
            ("kms", "ListResourceTags"),
        ],
        "AWS::CloudTrail::Trail" => &[
            ("cloudtrail", "DescribeTrails"),
            ("cloudtrail", "GetTrailStatus"),
            ("cloudtrail", "GetEventSelectors"),
            ("cloudtrail", "ListTags"),
        ],
        "AWS::Logs::LogGroup" => &[
            ("logs", "DescribeLogGroups"),
            ("logs", "ListTagsForResource"),
        ],
        "AWS::Config::ConfigurationRecorder" => &[
            ("config", "DescribeConfigurationRecorders"),
            ("config", "DescribeConfigurationRecorderStatus"),
        ],
        "AWS::Config::DeliveryChannel" => &[
            ("config", "DescribeDeliveryChannels"),
            ("config", "DescribeDeliveryChannelStatus"),
        ],
        "AWS::EC2::VPC" => &[
            ("ec2", "DescribeVpcs"),
            ("ec2", "DescribeFlowLogs"),
            ("ec2", "DescribeSecurityGroups"),
        ],
        "AWS::EC2::SecurityGroup" => &[("ec2", "DescribeSecurityGroups")],
        "AWS::EC2::VPCEndpoint" => &[("ec2", "DescribeVpcEndpoints")],
        "AWS::RDS::DBInstance" => &[("rds", "DescribeDBInstances")],
        STACK => &[
            ("cloudformation", "DescribeStacks"),
            ("cloudformation", "GetTemplate"),
            ("cloudformation", "ListStackResources"),
            ("cloudformation", "DetectStackDrift"),
        ],
        other => panic!("no collector APIs known for {other}"),
    }
}
