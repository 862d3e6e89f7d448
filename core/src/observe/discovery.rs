//! Tag-based discovery: find the resources carrying a set of tags through the Resource Groups
//! Tagging API (GetResources) and turn the ones the provider can check into targets.

use std::collections::{BTreeMap, BTreeSet};

use aws_sdk_resourcegroupstagging::types::TagFilter;

use crate::aws::{classify, AwsContext};
use crate::catalog;
use crate::observe::{Target, TargetOrigin};

/// What discovery found.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Discovery {
    /// Resources of a checkable type, sorted by key (`discovered:<ARN>`).
    pub targets: Vec<Target>,
    /// ARNs of tagged resources whose type the provider cannot check (sorted): discovered
    /// but not checkable.
    pub unsupported: Vec<String>,
}

/// What tag-based discovery gave in one run.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum DiscoveryOutcome {
    /// The qualification has no discovery tags.
    #[default]
    NotConfigured,
    /// GetResources answered: how many tagged resources of a checkable type it listed, and
    /// how many of a type without checks.
    Found { targets: usize, unsupported: usize },
    /// GetResources failed (the error).
    Failed(String),
}

/// Find resources carrying all `tags` (Resource Groups Tagging API GetResources, every page)
/// as targets with the catalog's OQ/PQ checks for their type ([`Discovery::excluding`] takes
/// out the checks the `discovery` block excludes).
///
/// At least one tag is required: without a filter the API would return every tagged
/// resource of the account.
pub async fn discover(
    aws: &AwsContext,
    tags: &BTreeMap<String, String>,
) -> Result<Discovery, String> {
    if tags.is_empty() {
        return Err("tag-based discovery needs at least one tag".into());
    }
    let mut request = aws.tagging().get_resources();
    for (key, value) in tags {
        request = request.tag_filters(TagFilter::builder().key(key).values(value).build());
    }
    let mut pages = request.into_paginator().send();
    let mut arns = BTreeSet::new();
    while let Some(page) = pages.next().await {
        let page = page
            .map_err(|e| format!("Resource Groups Tagging API GetResources: {}", classify(&e)))?;
        for mapping in page.resource_tag_mapping_list() {
            if let Some(arn) = mapping.resource_arn() {
                arns.insert(arn.to_string());
            }
        }
    }
    Ok(classify_arns(arns))
}

impl Discovery {
    /// The same discovery with the checks `exclude_checks` (`discovery.exclude_checks`) taken
    /// out of every discovered target: the checks of the type a qualification deliberately
    /// leaves out of scope (the report records them, `qualification.discovery_exclude_checks`).
    pub fn excluding(mut self, exclude_checks: &BTreeSet<String>) -> Discovery {
        if !exclude_checks.is_empty() {
            for t in &mut self.targets {
                t.checks.retain(|c| !exclude_checks.contains(c));
            }
        }
        self
    }
}

/// CloudFormation types the provider observes that tag-based discovery can never find, with
/// why: Config delivery channels have no ARN (the tagging API lists none).
pub const NOT_DISCOVERABLE: &[(&str, &str)] = &[(
    crate::observe::config::CHANNEL,
    "delivery channels have no ARN",
)];

/// Every CloudFormation type tag-based discovery can give a target of: the types the
/// services observe ([`crate::observe::services::SERVICES`]) but [`NOT_DISCOVERABLE`].
pub fn discoverable_types() -> impl Iterator<Item = &'static str> {
    crate::observe::services::SERVICES
        .iter()
        .flat_map(|s| s.resource_types.iter().copied())
        .filter(|t| !NOT_DISCOVERABLE.iter().any(|(n, _)| n == t))
}

/// Why `check_id` cannot be in `discovery.exclude_checks`, or `None` when it can: it must be
/// a catalog check that discovered resources get — an OQ/PQ check of a type discovery finds.
pub fn exclude_check_problem(check_id: &str) -> Option<String> {
    let Some(check) = catalog::get(check_id) else {
        return Some(format!(
            "`{check_id}` is not a check of the catalog (see the check catalog guide for the ids)"
        ));
    };
    if check.stage == catalog::Stage::Iq {
        return Some(format!(
            "`{check_id}` is an IQ check; discovered resources get only the OQ/PQ checks of their type, so there is nothing to exclude"
        ));
    }
    if !discoverable_types().any(|t| check.applies_to(t)) {
        let types = if check.resource_types.is_empty() {
            "no resource type".to_string()
        } else {
            check.resource_types.join(", ")
        };
        return Some(format!(
            "`{check_id}` applies to {types}, which tag-based discovery never finds, so no discovered resource gets it"
        ));
    }
    None
}

/// Split ARNs into targets (sorted by key) and unsupported ARNs (sorted).
pub fn classify_arns(arns: impl IntoIterator<Item = String>) -> Discovery {
    let mut found = Discovery::default();
    for arn in arns {
        match resource_for_arn(&arn) {
            Some((resource_type, identifier)) => found.targets.push(Target {
                key: format!("discovered:{arn}"),
                resource_type: resource_type.to_string(),
                identifier,
                origin: TargetOrigin::Discovered,
                checks: catalog::for_resource_type(resource_type)
                    .map(|c| c.id.to_string())
                    .collect(),
                params: BTreeMap::new(),
                expected_properties: None,
                requirements: Vec::new(),
            }),
            None => found.unsupported.push(arn),
        }
    }
    found.targets.sort_by(|a, b| a.key.cmp(&b.key));
    found.targets.dedup_by(|a, b| a.key == b.key);
    found.unsupported.sort();
    found.unsupported.dedup();
    found
}

/// The CloudFormation type and the identifier its collector expects for an ARN, when the
/// provider can check that kind of resource: the `discover` of the ARN's service
/// ([`crate::observe::services`]).
///
/// | ARN | Type | Identifier |
/// |---|---|---|
/// | `arn:aws:s3:::NAME` | `AWS::S3::Bucket` | bucket name |
/// | `arn:aws:kms:R:A:key/ID` | `AWS::KMS::Key` | key id |
/// | `arn:aws:cloudtrail:R:A:trail/NAME` | `AWS::CloudTrail::Trail` | the ARN |
/// | `arn:aws:logs:R:A:log-group:NAME[:*]` | `AWS::Logs::LogGroup` | group name |
/// | `arn:aws:ec2:R:A:vpc/ID` | `AWS::EC2::VPC` | VPC id |
/// | `arn:aws:ec2:R:A:security-group/ID` | `AWS::EC2::SecurityGroup` | group id |
/// | `arn:aws:ec2:R:A:vpc-endpoint/ID` | `AWS::EC2::VPCEndpoint` | endpoint id |
/// | `arn:aws:rds:R:A:db:ID` | `AWS::RDS::DBInstance` | instance identifier |
/// | `arn:aws:config:R:A:configuration-recorder/NAME/ID` | `AWS::Config::ConfigurationRecorder` | recorder name |
/// | `arn:aws:dynamodb:R:A:table/NAME` | `AWS::DynamoDB::Table` | table name |
/// | `arn:aws:secretsmanager:R:A:secret:NAME-SUFFIX` | `AWS::SecretsManager::Secret` | the ARN |
/// | `arn:aws:sns:R:A:NAME` | `AWS::SNS::Topic` | the ARN |
/// | `arn:aws:sqs:R:A:NAME` | `AWS::SQS::Queue` | the ARN |
/// | `arn:aws:lambda:R:A:function:NAME` | `AWS::Lambda::Function` | function name |
/// | `arn:aws:elasticfilesystem:R:A:file-system/ID` | `AWS::EFS::FileSystem` | file system id |
/// | `arn:aws:cloudwatch:R:A:alarm:NAME` | `AWS::CloudWatch::Alarm` | alarm name |
/// | `arn:aws:elasticloadbalancing:R:A:loadbalancer/app\|net\|gwy/NAME/ID` | `AWS::ElasticLoadBalancingV2::LoadBalancer` | the ARN |
pub fn resource_for_arn(arn: &str) -> Option<(&'static str, String)> {
    let mut parts = arn.splitn(6, ':');
    let (Some("arn"), Some(_partition), Some(service), Some(_region), Some(_account), Some(rest)) = (
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
    ) else {
        return None;
    };
    crate::observe::services::for_namespace(service).and_then(|s| (s.discover)(arn, rest))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn map(arn: &str) -> Option<(&'static str, String)> {
        resource_for_arn(arn)
    }

    #[test]
    fn supported_arns_map_to_types_and_identifiers() {
        let cases = [
            (
                "arn:aws:s3:::evidence-bucket",
                "AWS::S3::Bucket",
                "evidence-bucket",
            ),
            (
                "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab",
                "AWS::KMS::Key",
                "1234abcd-12ab-34cd-56ef-1234567890ab",
            ),
            (
                "arn:aws:cloudtrail:us-east-1:123456789012:trail/org-trail",
                "AWS::CloudTrail::Trail",
                "arn:aws:cloudtrail:us-east-1:123456789012:trail/org-trail",
            ),
            (
                "arn:aws:logs:us-east-1:123456789012:log-group:/aws/trail/audit:*",
                "AWS::Logs::LogGroup",
                "/aws/trail/audit",
            ),
            (
                "arn:aws:logs:us-east-1:123456789012:log-group:flow-logs",
                "AWS::Logs::LogGroup",
                "flow-logs",
            ),
            (
                "arn:aws:ec2:us-east-1:123456789012:vpc/vpc-0abc",
                "AWS::EC2::VPC",
                "vpc-0abc",
            ),
            (
                "arn:aws:ec2:us-east-1:123456789012:security-group/sg-0abc",
                "AWS::EC2::SecurityGroup",
                "sg-0abc",
            ),
            (
                "arn:aws:ec2:us-east-1:123456789012:vpc-endpoint/vpce-0abc",
                "AWS::EC2::VPCEndpoint",
                "vpce-0abc",
            ),
            (
                "arn:aws:rds:eu-west-1:123456789012:db:lims-db",
                "AWS::RDS::DBInstance",
                "lims-db",
            ),
            (
                "arn:aws:config:us-east-1:123456789012:configuration-recorder/default/abc123",
                "AWS::Config::ConfigurationRecorder",
                "default",
            ),
            (
                "arn:aws:dynamodb:us-east-1:123456789012:table/lims-records",
                "AWS::DynamoDB::Table",
                "lims-records",
            ),
            (
                "arn:aws:sns:us-east-1:123456789012:gxp-alerts",
                "AWS::SNS::Topic",
                "arn:aws:sns:us-east-1:123456789012:gxp-alerts",
            ),
            (
                "arn:aws:sqs:us-east-1:123456789012:gxp-events",
                "AWS::SQS::Queue",
                "arn:aws:sqs:us-east-1:123456789012:gxp-events",
            ),
            (
                "arn:aws:secretsmanager:us-east-1:123456789012:secret:lims/db-AbCdEf",
                "AWS::SecretsManager::Secret",
                "arn:aws:secretsmanager:us-east-1:123456789012:secret:lims/db-AbCdEf",
            ),
            (
                "arn:aws:lambda:us-east-1:123456789012:function:lims-export",
                "AWS::Lambda::Function",
                "lims-export",
            ),
            (
                "arn:aws:elasticfilesystem:us-east-1:123456789012:file-system/fs-0abc",
                "AWS::EFS::FileSystem",
                "fs-0abc",
            ),
            (
                "arn:aws-us-gov:s3:::gov-bucket",
                "AWS::S3::Bucket",
                "gov-bucket",
            ),
            (
                "arn:aws-cn:rds:cn-north-1:123456789012:db:cn-db",
                "AWS::RDS::DBInstance",
                "cn-db",
            ),
            (
                "arn:aws:ec2:us-east-1:123456789012:instance/i-1",
                "AWS::EC2::Instance",
                "i-1",
            ),
            (
                "arn:aws:ec2:us-east-1:123456789012:snapshot/snap-1",
                "AWS::EC2::Snapshot",
                "snap-1",
            ),
            (
                "arn:aws:rds:us-east-1:123456789012:cluster:aurora",
                "AWS::RDS::DBCluster",
                "aurora",
            ),
            (
                "arn:aws:rds:us-east-1:123456789012:snapshot:rds:lims-2026-01-01-03-04",
                "AWS::RDS::DBSnapshot",
                "rds:lims-2026-01-01-03-04",
            ),
            (
                "arn:aws:rds:us-east-1:123456789012:cluster-snapshot:c-1",
                "AWS::RDS::DBClusterSnapshot",
                "c-1",
            ),
        ];
        for (arn, ty, id) in cases {
            assert_eq!(map(arn), Some((ty, id.to_string())), "{arn}");
        }
    }

    #[test]
    fn other_arns_are_unsupported() {
        for arn in [
            "arn:aws:s3:::bucket/key.txt",
            "arn:aws:s3:us-east-1:123456789012:accesspoint/ap",
            "arn:aws:s3:::",
            "arn:aws:kms:us-east-1:123456789012:alias/evidence",
            "arn:aws:logs:us-east-1:123456789012:log-group:g:log-stream:s",
            "arn:aws:ec2:us-east-1:123456789012:internet-gateway/igw-1",
            "arn:aws:ec2:us-east-1:123456789012:image/ami-1",
            "arn:aws:rds:us-east-1:123456789012:db-proxy:prx-1",
            "arn:aws:rds:us-east-1:123456789012:pg:params",
            "arn:aws:sns:us-east-1:123456789012:topic:0c8b8f33-1c0f-4e0c-9d7e-6d6b5a4f3e2d",
            "arn:aws:dynamodb:us-east-1:123456789012:table/t/stream/2026-01-01T00:00:00.000",
            "arn:aws:lambda:us-east-1:123456789012:function:f:live",
            "arn:aws:elasticfilesystem:us-east-1:123456789012:access-point/fsap-1",
            "arn:aws:efs:us-east-1:123456789012:file-system/fs-1",
            "arn:aws:config:us-east-1:123456789012:config-rule/config-rule-1",
            "arn:aws:ec2:us-east-1:123456789012:vpc/",
            "not-an-arn",
            "arn:aws:s3",
            "",
        ] {
            assert_eq!(map(arn), None, "{arn}");
        }
    }

    #[test]
    fn targets_carry_key_origin_and_catalog_checks_sorted_by_key() {
        let found = classify_arns([
            "arn:aws:sns:us-east-1:1:topic:sub-1".to_string(),
            "arn:aws:s3:::b".to_string(),
            "arn:aws:ec2:us-east-1:1:vpc/vpc-1".to_string(),
            "arn:aws:s3:::b".to_string(),
            "arn:aws:ec2:us-east-1:1:internet-gateway/igw-1".to_string(),
        ]);
        let keys: Vec<_> = found.targets.iter().map(|t| t.key.as_str()).collect();
        assert_eq!(
            keys,
            [
                "discovered:arn:aws:ec2:us-east-1:1:vpc/vpc-1",
                "discovered:arn:aws:s3:::b"
            ]
        );
        let vpc = &found.targets[0];
        assert_eq!(vpc.resource_type, "AWS::EC2::VPC");
        assert_eq!(vpc.identifier, "vpc-1");
        assert_eq!(vpc.origin, TargetOrigin::Discovered);
        // Each discovered resource gets the registered checks of its type, in catalog order.
        let registered = |ty: &str| -> Vec<String> {
            crate::catalog::for_resource_type(ty)
                .map(|c| c.id.to_string())
                .collect()
        };
        assert_eq!(vpc.checks, registered("AWS::EC2::VPC"));
        assert!(vpc.checks.iter().any(|c| c == "ec2.vpc_flow_logs"));
        assert_eq!(found.targets[1].checks, registered("AWS::S3::Bucket"));
        assert!(found.targets[1].checks.len() >= 7);
        assert!(found.targets.iter().all(|t| t.params.is_empty()
            && t.expected_properties.is_none()
            && t.requirements.is_empty()));
        assert_eq!(
            found.unsupported,
            [
                "arn:aws:ec2:us-east-1:1:internet-gateway/igw-1",
                "arn:aws:sns:us-east-1:1:topic:sub-1"
            ]
        );
    }

    fn ids(items: &[&str]) -> BTreeSet<String> {
        items.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn excluded_checks_are_taken_out_of_every_discovered_target_and_only_those() {
        let arns = || {
            [
                "arn:aws:s3:::b".to_string(),
                "arn:aws:dynamodb:us-east-1:1:table/t".to_string(),
                "arn:aws:ec2:us-east-1:1:vpc/vpc-1".to_string(),
            ]
        };
        let all = classify_arns(arns());
        assert_eq!(
            all.clone().excluding(&BTreeSet::new()),
            all,
            "nothing excluded"
        );
        let excluded = ids(&["backup.resource_protected", "s3.versioning"]);
        let found = classify_arns(arns()).excluding(&excluded);
        assert_eq!(found.targets.len(), 3, "no target is dropped");
        for (before, after) in all.targets.iter().zip(&found.targets) {
            let expected: Vec<String> = before
                .checks
                .iter()
                .filter(|c| !excluded.contains(*c))
                .cloned()
                .collect();
            assert_eq!(after.checks, expected, "{}", after.key);
            assert!(!after.checks.is_empty(), "{}", after.key);
        }
        let of_type = |d: &Discovery, ty: &str| -> Vec<String> {
            let t = d.targets.iter().find(|t| t.resource_type == ty);
            t.expect(ty).checks.clone()
        };
        for ty in ["AWS::S3::Bucket", "AWS::DynamoDB::Table"] {
            assert!(of_type(&all, ty).contains(&"backup.resource_protected".to_string()));
            assert!(!of_type(&found, ty).contains(&"backup.resource_protected".to_string()));
        }
        assert!(!of_type(&found, "AWS::S3::Bucket").contains(&"s3.versioning".to_string()));
        // The VPC never had them: its checks are unchanged.
        assert_eq!(
            of_type(&found, "AWS::EC2::VPC"),
            of_type(&all, "AWS::EC2::VPC")
        );
    }

    #[test]
    fn discoverable_types_are_those_some_arn_maps_to() {
        let types: BTreeSet<&str> = discoverable_types().collect();
        assert!(types.contains("AWS::S3::Bucket"));
        assert!(types.contains("AWS::DynamoDB::Table"));
        assert!(!types.contains("AWS::Config::DeliveryChannel"));
        // Every observed type is either discoverable or said not to be.
        for s in crate::observe::services::SERVICES {
            for t in s.resource_types {
                assert!(
                    types.contains(t) || NOT_DISCOVERABLE.iter().any(|(n, _)| n == t),
                    "{t}"
                );
            }
        }
    }

    #[test]
    fn only_oq_pq_checks_of_discoverable_types_can_be_excluded() {
        for ok in ["backup.resource_protected", "s3.versioning"] {
            assert_eq!(exclude_check_problem(ok), None, "{ok}");
        }
        let unknown = exclude_check_problem("s3.no_such_check").expect("unknown");
        assert!(unknown.contains("not a check of the catalog"), "{unknown}");
        let iq = exclude_check_problem("iq.resource_exists").expect("IQ");
        assert!(iq.contains("is an IQ check"), "{iq}");
        let channel = exclude_check_problem("config.delivery_channel").expect("channel");
        assert!(
            channel.contains("AWS::Config::DeliveryChannel")
                && channel.contains("tag-based discovery never finds"),
            "{channel}"
        );
        // Every check the catalog gives a discoverable type can be excluded.
        for t in discoverable_types() {
            for c in catalog::for_resource_type(t) {
                assert_eq!(exclude_check_problem(c.id), None, "{}", c.id);
            }
        }
    }

    #[tokio::test]
    async fn discovery_without_tags_is_refused() {
        let sdk = aws_config::SdkConfig::builder().build();
        let aws = AwsContext::from_sdk_config(sdk, true);
        let err = discover(&aws, &BTreeMap::new()).await.unwrap_err();
        assert!(err.contains("at least one tag"), "{err}");
    }
}
