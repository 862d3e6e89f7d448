//! EC2/VPC collector: `AWS::EC2::VPC`, `AWS::EC2::SecurityGroup`, `AWS::EC2::VPCEndpoint`
//! here; instances, EBS volumes and snapshots in [`compute`]; subnets, route tables and
//! network ACLs in [`network`].
//!
//! Properties are CloudFormation-shaped where CloudFormation has them. Facts CloudFormation has
//! no property for are ours: `IsDefault`, `FlowLogs` and `DefaultSecurityGroup` on a VPC,
//! `State` on an endpoint. Security group rules are flattened as CloudFormation writes them:
//! one entry per source or destination (CIDR, IPv6 CIDR, group, prefix list).

use serde_json::{json, Map, Value as Json};

use crate::aws::{classify, AwsContext, AwsErrorKind, ClassifiedError};
use crate::catalog::SeverityClass::{self, Cosmetic, Functional, Security};
use crate::observe::services::{AccountFacet, FacetProperties};
use crate::observe::{Existence, Observation, Target};
use aws_sdk_ec2::types::{Filter, IpPermission, SecurityGroup, Tag};

pub mod compute;
pub mod network;

use compute::{INSTANCE, SNAPSHOT, VOLUME};
use network::{NETWORK_ACL, ROUTE_TABLE, SUBNET};

const VPC: &str = "AWS::EC2::VPC";
const SG: &str = "AWS::EC2::SecurityGroup";
const VPCE: &str = "AWS::EC2::VPCEndpoint";

/// Drift class of each top-level property this collector records.
pub const PROPERTY_CLASSES: &[(&str, &str, SeverityClass)] = &[
    (VPC, "CidrBlock", Functional),
    (VPC, "IsDefault", Functional),
    (VPC, "FlowLogs", Security),
    (VPC, "DefaultSecurityGroup", Security),
    (VPC, "Tags", Cosmetic),
    (SG, "GroupName", Functional),
    (SG, "GroupDescription", Cosmetic),
    (SG, "VpcId", Functional),
    (SG, "SecurityGroupIngress", Security),
    (SG, "SecurityGroupEgress", Security),
    (SG, "Tags", Cosmetic),
    (VPCE, "VpcId", Functional),
    (VPCE, "ServiceName", Functional),
    (VPCE, "VpcEndpointType", Functional),
    (VPCE, "State", Functional),
    (VPCE, "PolicyDocument", Security),
    (VPCE, "RouteTableIds", Functional),
    (VPCE, "SubnetIds", Functional),
    (VPCE, "SecurityGroupIds", Security),
    (VPCE, "PrivateDnsEnabled", Functional),
    (VPCE, "Tags", Cosmetic),
    (INSTANCE, "InstanceType", Functional),
    (INSTANCE, "ImageId", Functional),
    (INSTANCE, "SubnetId", Functional),
    (INSTANCE, "State", Functional),
    (INSTANCE, "MetadataOptions", Security),
    (INSTANCE, "PublicIpAddress", Security),
    (INSTANCE, "IamInstanceProfile", Security),
    (INSTANCE, "Tags", Cosmetic),
    (SUBNET, "VpcId", Functional),
    (SUBNET, "CidrBlock", Functional),
    (SUBNET, "AvailabilityZone", Functional),
    (SUBNET, "MapPublicIpOnLaunch", Security),
    (SUBNET, "AssignIpv6AddressOnCreation", Security),
    (SUBNET, "Tags", Cosmetic),
    (VOLUME, "AvailabilityZone", Functional),
    (VOLUME, "VolumeType", Functional),
    (VOLUME, "Size", Functional),
    (VOLUME, "Encrypted", Security),
    (VOLUME, "KmsKeyId", Security),
    (VOLUME, "SnapshotId", Functional),
    (VOLUME, "State", Functional),
    (VOLUME, "Attachments", Functional),
    (VOLUME, "Tags", Cosmetic),
    (SNAPSHOT, "VolumeId", Functional),
    (SNAPSHOT, "Encrypted", Security),
    (SNAPSHOT, "KmsKeyId", Security),
    (SNAPSHOT, "State", Functional),
    (SNAPSHOT, "Description", Cosmetic),
    (SNAPSHOT, "CreateVolumePermissions", Security),
    (SNAPSHOT, "Tags", Cosmetic),
    (ROUTE_TABLE, "VpcId", Functional),
    (ROUTE_TABLE, "Routes", Security),
    (ROUTE_TABLE, "Associations", Functional),
    (ROUTE_TABLE, "Main", Functional),
    (ROUTE_TABLE, "Tags", Cosmetic),
    (NETWORK_ACL, "VpcId", Functional),
    (NETWORK_ACL, "IsDefault", Functional),
    (NETWORK_ACL, "Entries", Security),
    (NETWORK_ACL, "Associations", Functional),
    (NETWORK_ACL, "Tags", Cosmetic),
];

/// The ec2 registration (see [`crate::observe::services`]).
pub const SERVICE: crate::observe::services::Service = crate::observe::services::Service {
    name: "ec2",
    sdk_client: "aws-sdk-ec2",
    // Each type's describe call (its existence read), matched to the type by name
    // (`services::service_action_observes`).
    iam_actions: &[
        "ec2:DescribeVpcs",
        "ec2:DescribeSecurityGroups",
        "ec2:DescribeVpcEndpoints",
        "ec2:DescribeInstances",
        "ec2:DescribeSubnets",
        "ec2:DescribeVolumes",
        "ec2:DescribeSnapshots",
        "ec2:DescribeRouteTables",
        "ec2:DescribeNetworkAcls",
    ],
    resource_types: &[
        VPC,
        SG,
        VPCE,
        INSTANCE,
        SUBNET,
        VOLUME,
        SNAPSHOT,
        ROUTE_TABLE,
        NETWORK_ACL,
    ],
    collect: |aws, target| Box::pin(collect(aws, target)),
    discover,
    property_classes: PROPERTY_CLASSES,
    account_facets: ACCOUNT_FACETS,
};

/// Tag-based discovery: `arn:aws:ec2:R:A:KIND/ID` for KIND `vpc`, `security-group`,
/// `vpc-endpoint`, `instance`, `subnet`, `volume`, `snapshot`, `route-table` and
/// `network-acl` is that resource's ID.
pub fn discover(_arn: &str, rest: &str) -> Option<(&'static str, String)> {
    let (kind, id) = rest.split_once('/')?;
    let cfn = match kind {
        "vpc" => VPC,
        "security-group" => SG,
        "vpc-endpoint" => VPCE,
        "instance" => INSTANCE,
        "subnet" => SUBNET,
        "volume" => VOLUME,
        "snapshot" => SNAPSHOT,
        "route-table" => ROUTE_TABLE,
        "network-acl" => NETWORK_ACL,
        _ => return None,
    };
    (!id.is_empty() && !id.contains('/')).then(|| (cfn, id.to_string()))
}

/// Observe a target of one of the EC2 types.
pub async fn collect(aws: &AwsContext, target: &Target) -> Observation {
    match target.resource_type.as_str() {
        VPC => collect_vpc(aws, target).await,
        SG => collect_security_group(aws, target).await,
        VPCE => collect_vpc_endpoint(aws, target).await,
        INSTANCE => compute::collect_instance(aws, target).await,
        VOLUME => compute::collect_volume(aws, target).await,
        SNAPSHOT => compute::collect_snapshot(aws, target).await,
        SUBNET => network::collect_subnet(aws, target).await,
        ROUTE_TABLE => network::collect_route_table(aws, target).await,
        NETWORK_ACL => network::collect_network_acl(aws, target).await,
        other => Observation::with_existence(
            target,
            Existence::Unknown(format!("the EC2 collector does not handle {other}")),
        ),
    }
}

/// Existence after a failed describe call of `api`: not found → missing, anything else →
/// unknown, naming the API that failed.
fn existence_after(api: &str, err: ClassifiedError) -> Existence {
    if err.kind == AwsErrorKind::NotFound {
        Existence::Missing
    } else {
        Existence::Unknown(format!("EC2 {api}: {err}"))
    }
}

/// The ARN carried by a discovered target's key (`discovered:<ARN>`), if any.
fn arn_from_key(target: &Target) -> Option<String> {
    target.key.strip_prefix("discovered:").map(str::to_string)
}

/// CloudFormation `Tags`: `{"Key","Value"}` sorted by key; `None` when there are none.
fn tags_json(tags: &[Tag]) -> Option<Json> {
    let mut pairs: Vec<(&str, &str)> = tags
        .iter()
        .filter_map(|t| Some((t.key()?, t.value().unwrap_or(""))))
        .collect();
    if pairs.is_empty() {
        return None;
    }
    pairs.sort();
    Some(Json::Array(
        pairs
            .into_iter()
            .map(|(k, v)| json!({"Key": k, "Value": v}))
            .collect(),
    ))
}

async fn collect_vpc(aws: &AwsContext, target: &Target) -> Observation {
    let ec2 = aws.ec2();
    let id = target.identifier.as_str();
    let vpc = match ec2.describe_vpcs().vpc_ids(id).send().await {
        Ok(out) => match out.vpcs().first() {
            Some(v) => v.clone(),
            None => return Observation::with_existence(target, Existence::Missing),
        },
        Err(e) => {
            return Observation::with_existence(
                target,
                existence_after("DescribeVpcs", classify(&e)),
            )
        }
    };
    let mut obs = Observation::exists(target);
    obs.arn = arn_from_key(target);
    if let Some(cidr) = vpc.cidr_block() {
        obs.set("CidrBlock", json!(cidr));
    }
    if let Some(d) = vpc.is_default() {
        obs.set("IsDefault", json!(d));
    }
    if let Some(tags) = tags_json(vpc.tags()) {
        obs.set("Tags", tags);
    }

    let flow_logs = ec2
        .describe_flow_logs()
        .filter(Filter::builder().name("resource-id").values(id).build())
        .into_paginator()
        .items()
        .send()
        .collect::<Vec<_>>()
        .await;
    let mut logs = Vec::new();
    let mut failure = None;
    for item in flow_logs {
        match item {
            Ok(fl) => logs.push(flow_log_json(&fl)),
            Err(e) => {
                failure = Some(classify(&e).to_string());
                break;
            }
        }
    }
    match failure {
        Some(msg) => obs.error("FlowLogs", format!("DescribeFlowLogs: {msg}")),
        None if !logs.is_empty() => obs.set("FlowLogs", Json::Array(logs)),
        None => {}
    }

    let default_sg = ec2
        .describe_security_groups()
        .filters(Filter::builder().name("vpc-id").values(id).build())
        .filters(
            Filter::builder()
                .name("group-name")
                .values("default")
                .build(),
        )
        .send()
        .await;
    match default_sg {
        Ok(out) => {
            if let Some(sg) = out.security_groups().first() {
                obs.set("DefaultSecurityGroup", default_group_json(sg));
            }
        }
        Err(e) => obs.error(
            "DefaultSecurityGroup",
            format!("DescribeSecurityGroups: {}", classify(&e)),
        ),
    }
    obs
}

/// One flow log as recorded in `FlowLogs`.
fn flow_log_json(fl: &aws_sdk_ec2::types::FlowLog) -> Json {
    let mut m = Map::new();
    let mut put = |k: &str, v: Option<&str>| {
        if let Some(v) = v {
            m.insert(k.to_string(), json!(v));
        }
    };
    put("FlowLogId", fl.flow_log_id());
    put("TrafficType", fl.traffic_type().map(|t| t.as_str()));
    put(
        "LogDestinationType",
        fl.log_destination_type().map(|t| t.as_str()),
    );
    put("LogDestination", fl.log_destination());
    put("LogGroupName", fl.log_group_name());
    put("FlowLogStatus", fl.flow_log_status());
    put("DeliverLogsStatus", fl.deliver_logs_status());
    put("DeliverLogsErrorMessage", fl.deliver_logs_error_message());
    Json::Object(m)
}

/// The VPC's default security group as recorded in `DefaultSecurityGroup`.
fn default_group_json(sg: &SecurityGroup) -> Json {
    let ingress = rules_json(sg.ip_permissions(), Direction::Ingress);
    let egress = rules_json(sg.ip_permissions_egress(), Direction::Egress);
    json!({
        "GroupId": sg.group_id().unwrap_or_default(),
        "IngressRules": ingress.len(),
        "EgressRules": egress.len(),
        "IpPermissions": ingress,
        "IpPermissionsEgress": egress,
    })
}

async fn collect_security_group(aws: &AwsContext, target: &Target) -> Observation {
    let out = aws
        .ec2()
        .describe_security_groups()
        .group_ids(&target.identifier)
        .send()
        .await;
    let sg = match out {
        Ok(out) => match out.security_groups().first() {
            Some(sg) => sg.clone(),
            None => return Observation::with_existence(target, Existence::Missing),
        },
        Err(e) => {
            return Observation::with_existence(
                target,
                existence_after("DescribeSecurityGroups", classify(&e)),
            )
        }
    };
    let mut obs = Observation::exists(target);
    obs.arn = sg
        .security_group_arn()
        .map(str::to_string)
        .or_else(|| arn_from_key(target));
    for (prop, value) in [
        ("GroupName", sg.group_name()),
        ("GroupDescription", sg.description()),
        ("VpcId", sg.vpc_id()),
    ] {
        if let Some(v) = value {
            obs.set(prop, json!(v));
        }
    }
    let ingress = rules_json(sg.ip_permissions(), Direction::Ingress);
    if !ingress.is_empty() {
        obs.set("SecurityGroupIngress", Json::Array(ingress));
    }
    let egress = rules_json(sg.ip_permissions_egress(), Direction::Egress);
    if !egress.is_empty() {
        obs.set("SecurityGroupEgress", Json::Array(egress));
    }
    if let Some(tags) = tags_json(sg.tags()) {
        obs.set("Tags", tags);
    }
    obs
}

/// Which way a security group rule points (CloudFormation names its peer differently).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Direction {
    Ingress,
    Egress,
}

/// Flatten EC2 `IpPermissions` into CloudFormation rule entries, one per source/destination:
/// `{"IpProtocol","FromPort","ToPort", "CidrIp"|"CidrIpv6"|peer group|prefix list, "Description"}`.
/// Ports are omitted when EC2 reports none (protocol `-1`). Sorted for stable comparison.
pub fn rules_json(perms: &[IpPermission], direction: Direction) -> Vec<Json> {
    let (group_key, prefix_key) = match direction {
        Direction::Ingress => ("SourceSecurityGroupId", "SourcePrefixListId"),
        Direction::Egress => ("DestinationSecurityGroupId", "DestinationPrefixListId"),
    };
    let mut out = Vec::new();
    for p in perms {
        let base = |peer: &[(&str, Option<&str>)], description: Option<&str>| {
            let mut m = Map::new();
            m.insert("IpProtocol".into(), json!(p.ip_protocol().unwrap_or("-1")));
            if let Some(f) = p.from_port() {
                m.insert("FromPort".into(), json!(f));
            }
            if let Some(t) = p.to_port() {
                m.insert("ToPort".into(), json!(t));
            }
            for (k, v) in peer {
                if let Some(v) = v {
                    m.insert((*k).to_string(), json!(v));
                }
            }
            if let Some(d) = description.filter(|d| !d.is_empty()) {
                m.insert("Description".into(), json!(d));
            }
            Json::Object(m)
        };
        let before = out.len();
        for r in p.ip_ranges() {
            out.push(base(&[("CidrIp", r.cidr_ip())], r.description()));
        }
        for r in p.ipv6_ranges() {
            out.push(base(&[("CidrIpv6", r.cidr_ipv6())], r.description()));
        }
        for g in p.user_id_group_pairs() {
            // CloudFormation records the peer's account on ingress rules only.
            let owner = match direction {
                Direction::Ingress => g.user_id(),
                Direction::Egress => None,
            };
            out.push(base(
                &[
                    (group_key, g.group_id()),
                    ("SourceSecurityGroupOwnerId", owner),
                ],
                g.description(),
            ));
        }
        for pl in p.prefix_list_ids() {
            out.push(base(&[(prefix_key, pl.prefix_list_id())], pl.description()));
        }
        if out.len() == before {
            // A permission without any peer still is a rule; keep it visible.
            out.push(base(&[], None));
        }
    }
    out.sort_by_cached_key(Json::to_string);
    out
}

async fn collect_vpc_endpoint(aws: &AwsContext, target: &Target) -> Observation {
    let out = aws
        .ec2()
        .describe_vpc_endpoints()
        .vpc_endpoint_ids(&target.identifier)
        .send()
        .await;
    let ep = match out {
        Ok(out) => match out.vpc_endpoints().first() {
            Some(ep) => ep.clone(),
            None => return Observation::with_existence(target, Existence::Missing),
        },
        Err(e) => {
            return Observation::with_existence(
                target,
                existence_after("DescribeVpcEndpoints", classify(&e)),
            )
        }
    };
    let mut obs = Observation::exists(target);
    obs.arn = arn_from_key(target);
    for (prop, value) in [
        ("VpcId", ep.vpc_id()),
        ("ServiceName", ep.service_name()),
        (
            "VpcEndpointType",
            ep.vpc_endpoint_type().map(|t| t.as_str()),
        ),
        ("State", ep.state().map(|s| s.as_str())),
    ] {
        if let Some(v) = value {
            obs.set(prop, json!(v));
        }
    }
    if let Some(doc) = ep.policy_document() {
        let parsed = serde_json::from_str::<Json>(doc).unwrap_or_else(|_| json!(doc));
        obs.set("PolicyDocument", parsed);
    }
    let sorted = |ids: Vec<&str>| {
        let mut ids: Vec<&str> = ids;
        ids.sort_unstable();
        json!(ids)
    };
    if !ep.route_table_ids().is_empty() {
        let ids = ep.route_table_ids().iter().map(String::as_str).collect();
        obs.set("RouteTableIds", sorted(ids));
    }
    if !ep.subnet_ids().is_empty() {
        let ids = ep.subnet_ids().iter().map(String::as_str).collect();
        obs.set("SubnetIds", sorted(ids));
    }
    let groups: Vec<&str> = ep.groups().iter().filter_map(|g| g.group_id()).collect();
    if !groups.is_empty() {
        obs.set("SecurityGroupIds", sorted(groups));
    }
    if let Some(dns) = ep.private_dns_enabled() {
        obs.set("PrivateDnsEnabled", json!(dns));
    }
    if let Some(tags) = tags_json(ep.tags()) {
        obs.set("Tags", tags);
    }
    obs
}

// ---------------------------------------------------------------- account facet

/// Account property: EBS encryption by default in the region (GetEbsEncryptionByDefault).
pub const EBS_ENCRYPTION_BY_DEFAULT: &str = "EbsEncryptionByDefault";
/// Account property: the region's default EBS KMS key (GetEbsDefaultKmsKeyId).
pub const EBS_DEFAULT_KMS_KEY_ID: &str = "EbsDefaultKmsKeyId";

/// The account facet of `ec2.ebs_default_encryption`.
pub const ACCOUNT_FACETS: &[AccountFacet] = &[AccountFacet {
    properties: &[
        (EBS_ENCRYPTION_BY_DEFAULT, SeverityClass::Security),
        (EBS_DEFAULT_KMS_KEY_ID, SeverityClass::Security),
    ],
    checks: &["ec2.ebs_default_encryption"],
    read: |aws| Box::pin(read_ebs_defaults(aws)),
}];

/// GetEbsEncryptionByDefault and GetEbsDefaultKmsKeyId, each recorded on its own property.
async fn read_ebs_defaults(aws: &AwsContext) -> FacetProperties {
    let client = aws.ec2();
    let (enabled, key) = futures::join!(
        client.get_ebs_encryption_by_default().send(),
        client.get_ebs_default_kms_key_id().send()
    );
    // A successful answer without its value is malformed: an error, never a made-up
    // "disabled" or "no key".
    let enabled = match enabled {
        Ok(out) => out
            .ebs_encryption_by_default()
            .map(|b| Some(Json::Bool(b)))
            .ok_or_else(|| {
                "EC2 GetEbsEncryptionByDefault: answer without EbsEncryptionByDefault".to_string()
            }),
        Err(e) => Err(format!("EC2 GetEbsEncryptionByDefault: {}", classify(&e))),
    };
    let key = match key {
        Ok(out) => out
            .kms_key_id()
            .map(|k| Some(Json::String(k.to_string())))
            .ok_or_else(|| "EC2 GetEbsDefaultKmsKeyId: answer without KmsKeyId".to_string()),
        Err(e) => Err(format!("EC2 GetEbsDefaultKmsKeyId: {}", classify(&e))),
    };
    vec![
        (EBS_ENCRYPTION_BY_DEFAULT, enabled),
        (EBS_DEFAULT_KMS_KEY_ID, key),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_sdk_ec2::types::{IpRange, Ipv6Range, PrefixListId, UserIdGroupPair};

    #[test]
    fn a_failed_describe_names_its_api() {
        let throttled = ClassifiedError {
            kind: AwsErrorKind::Throttled,
            code: Some("RequestLimitExceeded".into()),
            message: "HTTP 503: Request limit exceeded.".into(),
        };
        assert_eq!(
            existence_after("DescribeVpcs", throttled),
            Existence::Unknown(
                "EC2 DescribeVpcs: RequestLimitExceeded: HTTP 503: Request limit exceeded.".into()
            )
        );
        let missing = ClassifiedError {
            kind: AwsErrorKind::NotFound,
            code: Some("InvalidVpcID.NotFound".into()),
            message: String::new(),
        };
        assert_eq!(existence_after("DescribeVpcs", missing), Existence::Missing);
    }

    #[test]
    fn rules_are_flattened_one_per_peer_and_sorted() {
        let perms = [
            IpPermission::builder()
                .ip_protocol("tcp")
                .from_port(22)
                .to_port(22)
                .ip_ranges(IpRange::builder().cidr_ip("0.0.0.0/0").build())
                .ipv6_ranges(Ipv6Range::builder().cidr_ipv6("::/0").build())
                .build(),
            IpPermission::builder()
                .ip_protocol("-1")
                .user_id_group_pairs(
                    UserIdGroupPair::builder()
                        .group_id("sg-1")
                        .user_id("123")
                        .description("self")
                        .build(),
                )
                .prefix_list_ids(PrefixListId::builder().prefix_list_id("pl-1").build())
                .build(),
        ];
        let rules = rules_json(&perms, Direction::Ingress);
        assert_eq!(rules.len(), 4);
        assert!(rules.contains(
            &json!({"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "CidrIp": "0.0.0.0/0"})
        ));
        assert!(rules.contains(
            &json!({"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "CidrIpv6": "::/0"})
        ));
        assert!(rules.contains(&json!({"IpProtocol": "-1", "SourceSecurityGroupId": "sg-1", "SourceSecurityGroupOwnerId": "123", "Description": "self"})));
        assert!(rules.contains(&json!({"IpProtocol": "-1", "SourcePrefixListId": "pl-1"})));
        let mut sorted = rules.clone();
        sorted.sort_by_cached_key(Json::to_string);
        assert_eq!(rules, sorted);

        let egress = rules_json(&perms[1..], Direction::Egress);
        assert!(egress.contains(&json!({"IpProtocol": "-1", "DestinationSecurityGroupId": "sg-1", "Description": "self"})));
        assert!(egress.contains(&json!({"IpProtocol": "-1", "DestinationPrefixListId": "pl-1"})));
    }

    #[test]
    fn a_permission_without_peers_is_still_counted() {
        let perms = [IpPermission::builder().ip_protocol("tcp").build()];
        assert_eq!(
            rules_json(&perms, Direction::Egress),
            vec![json!({"IpProtocol": "tcp"})]
        );
        let sg = SecurityGroup::builder()
            .group_id("sg-d")
            .set_ip_permissions_egress(Some(perms.to_vec()))
            .build();
        let d = default_group_json(&sg);
        assert_eq!(d["IngressRules"], json!(0));
        assert_eq!(d["EgressRules"], json!(1));
        assert_eq!(d["GroupId"], json!("sg-d"));
    }

    #[test]
    fn discovery_maps_every_ec2_kind_the_collector_reads() {
        for (rest, ty) in [
            ("vpc/vpc-1", VPC),
            ("security-group/sg-1", SG),
            ("vpc-endpoint/vpce-1", VPCE),
            ("instance/i-1", INSTANCE),
            ("subnet/subnet-1", SUBNET),
            ("volume/vol-1", VOLUME),
            ("snapshot/snap-1", SNAPSHOT),
            ("route-table/rtb-1", ROUTE_TABLE),
            ("network-acl/acl-1", NETWORK_ACL),
        ] {
            let id = rest.split_once('/').unwrap().1.to_string();
            assert_eq!(discover("arn", rest), Some((ty, id)), "{rest}");
        }
        for rest in [
            "internet-gateway/igw-1",
            "instance/",
            "instance/a/b",
            "image",
        ] {
            assert_eq!(discover("arn", rest), None, "{rest}");
        }
    }

    #[test]
    fn tags_sorted_by_key_and_absent_when_empty() {
        let tags = [
            Tag::builder().key("b").value("2").build(),
            Tag::builder().key("a").value("1").build(),
        ];
        assert_eq!(
            tags_json(&tags),
            Some(json!([{"Key": "a", "Value": "1"}, {"Key": "b", "Value": "2"}]))
        );
        assert_eq!(tags_json(&[]), None);
    }

    /// A DescribeSecurityGroups answer as moto 5.2 gives it: tcp/22 open to 0.0.0.0/0.
    const SG_PORT_22_OPEN: &str = r#"<?xml version="1.0" encoding="utf-8"?>
<DescribeSecurityGroupsResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15"><securityGroupInfo><item><groupId>sg-75bd497b9b3b4ff75</groupId><ipPermissionsEgress><item><ipProtocol>-1</ipProtocol><groups/><ipRanges><item><cidrIp>0.0.0.0/0</cidrIp></item></ipRanges><ipv6Ranges/><prefixListIds/></item></ipPermissionsEgress><tagSet><item><key>Name</key><value>lims-admin</value></item></tagSet><vpcId>vpc-b232af317707e4eba</vpcId><securityGroupArn>arn:aws:ec2:us-east-1:123456789012:security-group/sg-75bd497b9b3b4ff75</securityGroupArn><ownerId>123456789012</ownerId><groupName>lims-admin</groupName><groupDescription>LIMS admin access</groupDescription><ipPermissions><item><ipProtocol>tcp</ipProtocol><fromPort>22</fromPort><toPort>22</toPort><groups/><ipRanges><item><description>ssh</description><cidrIp>0.0.0.0/0</cidrIp></item></ipRanges><ipv6Ranges/><prefixListIds/></item><item><ipProtocol>tcp</ipProtocol><fromPort>443</fromPort><toPort>443</toPort><groups/><ipRanges><item><cidrIp>10.0.0.0/8</cidrIp></item></ipRanges><ipv6Ranges/><prefixListIds/></item></ipPermissions></item></securityGroupInfo><requestId>request-id</requestId></DescribeSecurityGroupsResponse>"#;

    fn sg_target() -> Target {
        Target {
            key: "admin_sg".into(),
            resource_type: SG.into(),
            identifier: "sg-75bd497b9b3b4ff75".into(),
            origin: crate::observe::TargetOrigin::Spec,
            checks: vec!["ec2.sg_no_admin_ingress".into()],
            params: Default::default(),
            expected_properties: None,
            requirements: vec![],
        }
    }

    async fn admin_ingress_outcome(body: String) -> (crate::checks::Outcome, usize) {
        use crate::aws::fake_endpoint::{Answer, FakeEndpoint};
        let endpoint = FakeEndpoint::start(move |_| Answer::xml(body.clone())).await;
        let obs = collect(&endpoint.context(2).await, &sg_target()).await;
        let outcome =
            crate::checks::evaluate_id("ec2.sg_no_admin_ingress", &obs, &Default::default());
        (outcome, endpoint.requests().len())
    }

    #[tokio::test]
    async fn a_security_group_answer_cut_short_is_an_error_never_a_pass() {
        use crate::aws::fake_endpoint::{cut, cut_points};
        use crate::checks::Status;
        let mut wrong = Vec::new();
        for percent in cut_points() {
            let (outcome, calls) = admin_ingress_outcome(cut(SG_PORT_22_OPEN, percent)).await;
            let detail = outcome.detail.clone().unwrap_or_default();
            let named = detail
                .contains("EC2 DescribeSecurityGroups answered HTTP 200 with a malformed body");
            // Two attempts: a malformed answer is retried as transient.
            if outcome.status != Status::Error || !named || calls != 2 {
                wrong.push(format!(
                    "cut at {percent:.0}%: {} after {calls} call(s) (actual {:?}; {detail})",
                    outcome.status.as_str(),
                    outcome.actual
                ));
            }
        }
        assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    }

    #[tokio::test]
    async fn a_complete_security_group_answer_is_evaluated() {
        use crate::checks::Status;
        let (outcome, calls) = admin_ingress_outcome(SG_PORT_22_OPEN.to_string()).await;
        assert_eq!(outcome.status, Status::Failed, "{outcome:?}");
        assert!(
            outcome.actual.contains("tcp 22-22 0.0.0.0/0"),
            "{outcome:?}"
        );
        assert_eq!(calls, 1);
        let closed = SG_PORT_22_OPEN.replace(
            "<fromPort>22</fromPort><toPort>22</toPort>",
            "<fromPort>23</fromPort><toPort>23</toPort>",
        );
        let (outcome, _) = admin_ingress_outcome(closed).await;
        assert_eq!(outcome.status, Status::Passed, "{outcome:?}");
    }

    /// A DescribeInstances answer as AWS documents it: a running instance with IMDSv2
    /// required, no public address and an instance profile (moto 5.2.1 leaves the profile out).
    const INSTANCE_WITH_PROFILE: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<DescribeInstancesResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"><requestId>r</requestId><reservationSet><item><reservationId>r-1</reservationId><ownerId>123456789012</ownerId><instancesSet><item><instanceId>i-0abc</instanceId><imageId>ami-1</imageId><instanceState><code>16</code><name>running</name></instanceState><instanceType>t3.micro</instanceType><subnetId>subnet-1</subnetId><iamInstanceProfile><arn>arn:aws:iam::123456789012:instance-profile/lims-app</arn><id>AIPA1</id></iamInstanceProfile><metadataOptions><state>applied</state><httpTokens>required</httpTokens><httpPutResponseHopLimit>1</httpPutResponseHopLimit><httpEndpoint>enabled</httpEndpoint></metadataOptions></item></instancesSet></item></reservationSet></DescribeInstancesResponse>"#;

    #[tokio::test]
    async fn an_instance_answer_with_a_profile_is_evaluated() {
        use crate::aws::fake_endpoint::{Answer, FakeEndpoint};
        use crate::checks::Status;
        let endpoint =
            FakeEndpoint::start(|_| Answer::xml(INSTANCE_WITH_PROFILE.to_string())).await;
        let mut t = sg_target();
        t.resource_type = INSTANCE.into();
        t.identifier = "i-0abc".into();
        let obs = collect(&endpoint.context(1).await, &t).await;
        assert_eq!(obs.existence, Existence::Exists, "{obs:?}");
        for id in [
            "ec2.instance_profile_attached",
            "ec2.instance_imdsv2",
            "ec2.instance_no_public_ip",
        ] {
            let o = crate::checks::evaluate_id(id, &obs, &Default::default());
            assert_eq!(o.status, Status::Passed, "{id}: {o:?}");
        }
        let o =
            crate::checks::evaluate_id("ec2.instance_profile_attached", &obs, &Default::default());
        assert_eq!(
            o.actual,
            "instance profile arn:aws:iam::123456789012:instance-profile/lims-app"
        );
        let without = INSTANCE_WITH_PROFILE
            .replace("<iamInstanceProfile><arn>arn:aws:iam::123456789012:instance-profile/lims-app</arn><id>AIPA1</id></iamInstanceProfile>", "");
        let endpoint = FakeEndpoint::start(move |_| Answer::xml(without.clone())).await;
        let obs = collect(&endpoint.context(1).await, &t).await;
        let o =
            crate::checks::evaluate_id("ec2.instance_profile_attached", &obs, &Default::default());
        assert_eq!(o.status, Status::Failed, "{o:?}");
    }
}

/// The account facet against documented EC2 answers.
#[cfg(test)]
mod account_facet_tests {
    use crate::aws::fake_endpoint::{Answer, Request};
    use crate::checks::Status;
    use crate::observe::account::testing::{outcome, whole_passes_and_cut_short_errors};

    const ID: &str = "ec2.ebs_default_encryption";
    const KEY: &str = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";

    fn ec2_xml(operation: &str, inner: &str) -> Answer {
        Answer::xml(format!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<{operation}Response xmlns=\"http://ec2.amazonaws.com/doc/2016-11-15/\"><requestId>r</requestId>{inner}</{operation}Response>"
        ))
    }

    fn ec2_error(status: u16, code: &str) -> Answer {
        Answer::new(status, "text/xml", format!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Response><Errors><Error><Code>{code}</Code><Message>{code}</Message></Error></Errors><RequestID>r</RequestID></Response>"
        ))
    }

    fn enabled_with_key(r: &Request) -> Answer {
        match r.operation().as_str() {
            "GetEbsEncryptionByDefault" => ec2_xml(
                "GetEbsEncryptionByDefault",
                "<ebsEncryptionByDefault>true</ebsEncryptionByDefault><sseType>sse-ebs</sseType>",
            ),
            "GetEbsDefaultKmsKeyId" => ec2_xml(
                "GetEbsDefaultKmsKeyId",
                &format!("<kmsKeyId>{KEY}</kmsKeyId>"),
            ),
            _ => ec2_error(400, "InvalidAction"),
        }
    }

    #[tokio::test]
    async fn encryption_by_default_and_its_key_are_read_whole_or_not_at_all() {
        // Without an expected key only GetEbsEncryptionByDefault decides.
        whole_passes_and_cut_short_errors(
            enabled_with_key,
            |r| r.operation() == "GetEbsEncryptionByDefault",
            ID,
            &[],
        )
        .await;
        // With one, both reads decide.
        for cut in ["GetEbsEncryptionByDefault", "GetEbsDefaultKmsKeyId"] {
            let is_cut: fn(&Request) -> bool = if cut == "GetEbsDefaultKmsKeyId" {
                |r| r.operation() == "GetEbsDefaultKmsKeyId"
            } else {
                |r| r.operation() == "GetEbsEncryptionByDefault"
            };
            whole_passes_and_cut_short_errors(enabled_with_key, is_cut, ID, &[("kms_key_id", KEY)])
                .await;
        }
    }

    #[tokio::test]
    async fn disabled_or_another_key_fails_and_an_unanswered_key_read_errors_when_it_matters() {
        let disabled = |r: &Request| match r.operation().as_str() {
            "GetEbsEncryptionByDefault" => ec2_xml(
                "GetEbsEncryptionByDefault",
                "<ebsEncryptionByDefault>false</ebsEncryptionByDefault>",
            ),
            _ => enabled_with_key(r),
        };
        let out = outcome(disabled, ID, &[("kms_key_id", KEY)]).await;
        assert_eq!(
            (out.status, out.actual.as_str()),
            (Status::Failed, "disabled")
        );
        let other = "arn:aws:kms:us-east-1:123456789012:key/00000000-0000-0000-0000-000000000000";
        let out = outcome(enabled_with_key, ID, &[("kms_key_id", other)]).await;
        assert_eq!(out.status, Status::Failed, "{out:?}");
        let out = outcome(
            enabled_with_key,
            ID,
            &[("kms_key_id", "1234abcd-12ab-34cd-56ef-1234567890ab")],
        )
        .await;
        assert_eq!(
            out.status,
            Status::Passed,
            "a key id matches its ARN: {out:?}"
        );
        // An endpoint without GetEbsDefaultKmsKeyId (moto 5.2, LocalStack 2026.3): the key
        // cannot be compared, so only a check expecting a key is an error.
        let no_key_api = |r: &Request| match r.operation().as_str() {
            "GetEbsDefaultKmsKeyId" => Answer::empty(500),
            _ => enabled_with_key(r),
        };
        assert_eq!(outcome(no_key_api, ID, &[]).await.status, Status::Passed);
        let out = outcome(no_key_api, ID, &[("kms_key_id", KEY)]).await;
        assert_eq!(out.status, Status::Error, "{out:?}");
        let denied = |_: &Request| ec2_error(403, "UnauthorizedOperation");
        assert_eq!(outcome(denied, ID, &[]).await.status, Status::Error);
        // A successful answer without the value is not "disabled".
        let empty = |r: &Request| ec2_xml(&r.operation(), "");
        let out = outcome(empty, ID, &[]).await;
        assert_eq!(out.status, Status::Error, "{out:?}");
    }
}
