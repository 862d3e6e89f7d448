//! EC2 instance and EBS collectors: `AWS::EC2::Instance`, `AWS::EC2::Volume` and
//! `AWS::EC2::Snapshot`.
//!
//! `AWS::EC2::Snapshot` is not a CloudFormation type (CloudFormation cannot create EBS
//! snapshots); it is the catalog's name for what the Resource Groups Tagging API lists as
//! `ec2:snapshot`, written like the other types. Properties are CloudFormation-shaped where
//! CloudFormation has them (`MetadataOptions`, `IamInstanceProfile`, `Encrypted`, ...); ours
//! are `State`, `PublicIpAddress`, `Attachments` and `CreateVolumePermissions` (the
//! DescribeSnapshotAttribute answer). A volume's ARN, which DescribeVolumes does not answer,
//! is made from the region and the caller's account ([`volume_arn`]).

use serde_json::{json, Map, Value as Json};

use super::{arn_from_key, existence_after, tags_json};
use crate::aws::{classify, AwsContext};
use crate::observe::{described, Existence, Observation, Target};
use aws_sdk_ec2::types::{
    CreateVolumePermission, Instance, InstanceStateName, SnapshotAttributeName,
};

/// The instance, volume and snapshot types.
pub(super) const INSTANCE: &str = "AWS::EC2::Instance";
pub(super) const VOLUME: &str = "AWS::EC2::Volume";
pub(super) const SNAPSHOT: &str = "AWS::EC2::Snapshot";

/// `MetadataOptions` as CloudFormation writes it.
fn metadata_options_json(i: &Instance) -> Option<Json> {
    let m = i.metadata_options()?;
    let mut out = Map::new();
    for (k, v) in [
        ("HttpTokens", m.http_tokens().map(|t| t.as_str())),
        ("HttpEndpoint", m.http_endpoint().map(|t| t.as_str())),
        (
            "HttpProtocolIpv6",
            m.http_protocol_ipv6().map(|t| t.as_str()),
        ),
        (
            "InstanceMetadataTags",
            m.instance_metadata_tags().map(|t| t.as_str()),
        ),
    ] {
        if let Some(v) = v {
            out.insert(k.into(), json!(v));
        }
    }
    if let Some(hops) = m.http_put_response_hop_limit() {
        out.insert("HttpPutResponseHopLimit".into(), json!(hops));
    }
    Some(Json::Object(out))
}

/// The properties recorded for one instance (pure, for tests).
pub(super) fn instance_properties(i: &Instance) -> Vec<(&'static str, Json)> {
    let mut out = Vec::new();
    for (k, v) in [
        ("InstanceType", i.instance_type().map(|t| t.as_str())),
        ("ImageId", i.image_id()),
        ("SubnetId", i.subnet_id()),
        (
            "State",
            i.state().and_then(|s| s.name()).map(|n| n.as_str()),
        ),
    ] {
        if let Some(v) = v {
            out.push((k, json!(v)));
        }
    }
    if let Some(m) = metadata_options_json(i) {
        out.push(("MetadataOptions", m));
    }
    // Absent when the instance has no public IPv4 address.
    if let Some(ip) = i.public_ip_address().filter(|ip| !ip.is_empty()) {
        out.push(("PublicIpAddress", json!(ip)));
    }
    if let Some(arn) = i.iam_instance_profile().and_then(|p| p.arn()) {
        out.push(("IamInstanceProfile", json!(arn)));
    }
    if let Some(tags) = tags_json(i.tags()) {
        out.push(("Tags", tags));
    }
    out
}

pub(super) async fn collect_instance(aws: &AwsContext, target: &Target) -> Observation {
    let out = aws
        .ec2()
        .describe_instances()
        .instance_ids(&target.identifier)
        .send()
        .await;
    let answer = out
        .map(|out| {
            out.reservations()
                .iter()
                .flat_map(|r| r.instances())
                .next()
                .cloned()
        })
        .map_err(|e| existence_after("DescribeInstances", classify(&e)));
    let instance = match described(target, answer) {
        Ok(instance) => instance,
        Err(obs) => return *obs,
    };
    // A terminated instance is gone (AWS lists it for about an hour after termination).
    if instance.state().and_then(|s| s.name()) == Some(&InstanceStateName::Terminated) {
        return Observation::with_existence(target, Existence::Missing);
    }
    let mut obs = Observation::exists(target);
    obs.arn = arn_from_key(target);
    for (k, v) in instance_properties(&instance) {
        obs.set(k, v);
    }
    obs
}

/// An EBS volume's ARN, `arn:PARTITION:ec2:REGION:ACCOUNT:volume/ID`. DescribeVolumes
/// answers none, so a volume of the specification gets it from the provider's region and the
/// account it acts in (STS GetCallerIdentity, [`AwsContext::identity`]); when that account is
/// unknown (`skip_requesting_account_id`, or the call failed) the volume has no ARN, and
/// checks needing it are `error`. A discovered volume has the tagging API's ARN.
pub(super) fn volume_arn(partition: &str, region: &str, account: &str, volume_id: &str) -> String {
    format!("arn:{partition}:ec2:{region}:{account}:volume/{volume_id}")
}

pub(super) async fn collect_volume(aws: &AwsContext, target: &Target) -> Observation {
    let out = aws
        .ec2()
        .describe_volumes()
        .volume_ids(&target.identifier)
        .send()
        .await;
    let answer = out
        .map(|out| out.volumes().first().cloned())
        .map_err(|e| existence_after("DescribeVolumes", classify(&e)));
    let v = match described(target, answer) {
        Ok(v) => v,
        Err(obs) => return *obs,
    };
    let mut obs = Observation::exists(target);
    obs.arn = arn_from_key(target).or_else(|| {
        let id = v.volume_id().unwrap_or(&target.identifier);
        let account = aws.identity.account.as_deref()?;
        Some(volume_arn(&aws.partition(), &aws.region(), account, id))
    });
    for (k, val) in [
        ("AvailabilityZone", v.availability_zone()),
        ("VolumeType", v.volume_type().map(|t| t.as_str())),
        ("KmsKeyId", v.kms_key_id()),
        ("SnapshotId", v.snapshot_id().filter(|s| !s.is_empty())),
        ("State", v.state().map(|s| s.as_str())),
    ] {
        if let Some(val) = val {
            obs.set(k, json!(val));
        }
    }
    if let Some(size) = v.size() {
        obs.set("Size", json!(size));
    }
    if let Some(enc) = v.encrypted() {
        obs.set("Encrypted", json!(enc));
    }
    let attached: Vec<&str> = v
        .attachments()
        .iter()
        .filter_map(|a| a.instance_id())
        .collect();
    if !attached.is_empty() {
        obs.set("Attachments", json!(attached));
    }
    if let Some(tags) = tags_json(v.tags()) {
        obs.set("Tags", tags);
    }
    obs
}

/// `CreateVolumePermissions` as recorded: `{"Group": "all"}` or `{"UserId": ACCOUNT}`,
/// sorted.
pub(super) fn volume_permissions_json(perms: &[CreateVolumePermission]) -> Json {
    let mut out: Vec<Json> = perms
        .iter()
        .map(|p| {
            let mut m = Map::new();
            if let Some(g) = p.group() {
                m.insert("Group".into(), json!(g.as_str()));
            }
            if let Some(u) = p.user_id() {
                m.insert("UserId".into(), json!(u));
            }
            Json::Object(m)
        })
        .collect();
    out.sort_by_cached_key(Json::to_string);
    Json::Array(out)
}

pub(super) async fn collect_snapshot(aws: &AwsContext, target: &Target) -> Observation {
    let ec2 = aws.ec2();
    let out = ec2
        .describe_snapshots()
        .snapshot_ids(&target.identifier)
        .send()
        .await;
    let answer = out
        .map(|out| out.snapshots().first().cloned())
        .map_err(|e| existence_after("DescribeSnapshots", classify(&e)));
    let s = match described(target, answer) {
        Ok(s) => s,
        Err(obs) => return *obs,
    };
    let mut obs = Observation::exists(target);
    obs.arn = arn_from_key(target);
    for (k, val) in [
        ("VolumeId", s.volume_id()),
        ("KmsKeyId", s.kms_key_id()),
        ("State", s.state().map(|st| st.as_str())),
        ("Description", s.description().filter(|d| !d.is_empty())),
    ] {
        if let Some(val) = val {
            obs.set(k, json!(val));
        }
    }
    if let Some(enc) = s.encrypted() {
        obs.set("Encrypted", json!(enc));
    }
    if let Some(tags) = tags_json(s.tags()) {
        obs.set("Tags", tags);
    }
    let attr = ec2
        .describe_snapshot_attribute()
        .snapshot_id(&target.identifier)
        .attribute(SnapshotAttributeName::CreateVolumePermission)
        .send()
        .await;
    match attr {
        Ok(a) => obs.set(
            "CreateVolumePermissions",
            volume_permissions_json(a.create_volume_permissions()),
        ),
        Err(e) => obs.error(
            "CreateVolumePermissions",
            format!("DescribeSnapshotAttribute: {}", classify(&e)),
        ),
    }
    obs
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_sdk_ec2::types::{
        HttpTokensState, IamInstanceProfile, InstanceMetadataEndpointState,
        InstanceMetadataOptionsResponse, InstanceState, PermissionGroup,
    };

    #[test]
    fn instance_properties_are_cloudformation_shaped() {
        let i = Instance::builder()
            .instance_id("i-1")
            .image_id("ami-1")
            .subnet_id("subnet-1")
            .state(
                InstanceState::builder()
                    .name(InstanceStateName::Running)
                    .build(),
            )
            .metadata_options(
                InstanceMetadataOptionsResponse::builder()
                    .http_tokens(HttpTokensState::Required)
                    .http_endpoint(InstanceMetadataEndpointState::Enabled)
                    .http_put_response_hop_limit(1)
                    .build(),
            )
            .public_ip_address("")
            .iam_instance_profile(
                IamInstanceProfile::builder()
                    .arn("arn:aws:iam::1:instance-profile/app")
                    .build(),
            )
            .build();
        let props: Map<String, Json> = instance_properties(&i)
            .into_iter()
            .map(|(k, v)| (k.to_string(), v))
            .collect();
        assert_eq!(
            props["MetadataOptions"],
            json!({"HttpTokens": "required", "HttpEndpoint": "enabled", "HttpPutResponseHopLimit": 1})
        );
        assert_eq!(props["State"], json!("running"));
        assert_eq!(
            props["IamInstanceProfile"],
            json!("arn:aws:iam::1:instance-profile/app")
        );
        // An empty public address is no public address.
        assert!(!props.contains_key("PublicIpAddress"));
    }

    #[test]
    fn a_volume_arn_is_made_of_partition_region_account_and_id() {
        assert_eq!(
            volume_arn("aws", "eu-west-1", "111122223333", "vol-0a1b"),
            "arn:aws:ec2:eu-west-1:111122223333:volume/vol-0a1b"
        );
        assert_eq!(
            volume_arn("aws-cn", "cn-north-1", "1", "vol-2"),
            "arn:aws-cn:ec2:cn-north-1:1:volume/vol-2"
        );
    }

    #[test]
    fn volume_permissions_are_sorted_groups_and_accounts() {
        let perms = [
            CreateVolumePermission::builder().user_id("222").build(),
            CreateVolumePermission::builder()
                .group(PermissionGroup::All)
                .build(),
        ];
        assert_eq!(
            volume_permissions_json(&perms),
            json!([{"Group": "all"}, {"UserId": "222"}])
        );
        assert_eq!(volume_permissions_json(&[]), json!([]));
    }
}
