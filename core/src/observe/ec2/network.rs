//! VPC network collectors: `AWS::EC2::Subnet`, `AWS::EC2::RouteTable` and
//! `AWS::EC2::NetworkAcl`.
//!
//! Subnet properties are CloudFormation's. A route table's `Routes` and a network ACL's
//! `Entries` are ours, written like CloudFormation's `AWS::EC2::Route` and
//! `AWS::EC2::NetworkAclEntry` resources (one entry each, sorted), with the subnets they are
//! associated with (`Associations`) and, for an ACL, `IsDefault`.

use serde_json::{json, Map, Value as Json};

use super::{arn_from_key, existence_after, tags_json};
use crate::aws::{classify, AwsContext};
use crate::observe::{described, Observation, Target};
use aws_sdk_ec2::types::{NetworkAclEntry, Route};

/// The subnet, route table and network ACL types.
pub(super) const SUBNET: &str = "AWS::EC2::Subnet";
pub(super) const ROUTE_TABLE: &str = "AWS::EC2::RouteTable";
pub(super) const NETWORK_ACL: &str = "AWS::EC2::NetworkAcl";

pub(super) async fn collect_subnet(aws: &AwsContext, target: &Target) -> Observation {
    let out = aws
        .ec2()
        .describe_subnets()
        .subnet_ids(&target.identifier)
        .send()
        .await;
    let answer = out
        .map(|out| out.subnets().first().cloned())
        .map_err(|e| existence_after("DescribeSubnets", classify(&e)));
    let s = match described(target, answer) {
        Ok(s) => s,
        Err(obs) => return *obs,
    };
    let mut obs = Observation::exists(target);
    obs.arn = s
        .subnet_arn()
        .map(str::to_string)
        .or_else(|| arn_from_key(target));
    for (k, v) in [
        ("VpcId", s.vpc_id()),
        ("CidrBlock", s.cidr_block()),
        ("AvailabilityZone", s.availability_zone()),
    ] {
        if let Some(v) = v {
            obs.set(k, json!(v));
        }
    }
    for (k, v) in [
        ("MapPublicIpOnLaunch", s.map_public_ip_on_launch()),
        (
            "AssignIpv6AddressOnCreation",
            s.assign_ipv6_address_on_creation(),
        ),
    ] {
        if let Some(v) = v {
            obs.set(k, json!(v));
        }
    }
    if let Some(tags) = tags_json(s.tags()) {
        obs.set("Tags", tags);
    }
    obs
}

/// One route as recorded in `Routes`: destination, target and state.
pub(super) fn route_json(r: &Route) -> Json {
    let mut m = Map::new();
    for (k, v) in [
        ("DestinationCidrBlock", r.destination_cidr_block()),
        ("DestinationIpv6CidrBlock", r.destination_ipv6_cidr_block()),
        ("DestinationPrefixListId", r.destination_prefix_list_id()),
        ("GatewayId", r.gateway_id()),
        ("NatGatewayId", r.nat_gateway_id()),
        ("TransitGatewayId", r.transit_gateway_id()),
        ("VpcPeeringConnectionId", r.vpc_peering_connection_id()),
        ("NetworkInterfaceId", r.network_interface_id()),
        (
            "EgressOnlyInternetGatewayId",
            r.egress_only_internet_gateway_id(),
        ),
        ("State", r.state().map(|s| s.as_str())),
    ] {
        if let Some(v) = v.filter(|v| !v.is_empty()) {
            m.insert(k.into(), json!(v));
        }
    }
    Json::Object(m)
}

pub(super) async fn collect_route_table(aws: &AwsContext, target: &Target) -> Observation {
    let out = aws
        .ec2()
        .describe_route_tables()
        .route_table_ids(&target.identifier)
        .send()
        .await;
    let answer = out
        .map(|out| out.route_tables().first().cloned())
        .map_err(|e| existence_after("DescribeRouteTables", classify(&e)));
    let rt = match described(target, answer) {
        Ok(rt) => rt,
        Err(obs) => return *obs,
    };
    let mut obs = Observation::exists(target);
    obs.arn = arn_from_key(target);
    if let Some(vpc) = rt.vpc_id() {
        obs.set("VpcId", json!(vpc));
    }
    let mut routes: Vec<Json> = rt.routes().iter().map(route_json).collect();
    routes.sort_by_cached_key(Json::to_string);
    obs.set("Routes", Json::Array(routes));
    let mut subnets: Vec<&str> = rt
        .associations()
        .iter()
        .filter_map(|a| a.subnet_id())
        .collect();
    subnets.sort_unstable();
    if !subnets.is_empty() {
        obs.set("Associations", json!(subnets));
    }
    if rt.associations().iter().any(|a| a.main() == Some(true)) {
        obs.set("Main", json!(true));
    }
    if let Some(tags) = tags_json(rt.tags()) {
        obs.set("Tags", tags);
    }
    obs
}

/// One ACL entry as recorded in `Entries`, in CloudFormation's `NetworkAclEntry` words:
/// `RuleNumber`, `Protocol` (`-1`, `6`, `17`, ...), `RuleAction`, `Egress`, `CidrBlock` or
/// `Ipv6CidrBlock`, `PortRange {From, To}` when EC2 reports one.
pub(super) fn acl_entry_json(e: &NetworkAclEntry) -> Json {
    let mut m = Map::new();
    if let Some(n) = e.rule_number() {
        m.insert("RuleNumber".into(), json!(n));
    }
    for (k, v) in [
        ("Protocol", e.protocol()),
        ("RuleAction", e.rule_action().map(|a| a.as_str())),
        ("CidrBlock", e.cidr_block()),
        ("Ipv6CidrBlock", e.ipv6_cidr_block()),
    ] {
        if let Some(v) = v {
            m.insert(k.into(), json!(v));
        }
    }
    m.insert("Egress".into(), json!(e.egress().unwrap_or(false)));
    if let Some(p) = e.port_range() {
        let mut range = Map::new();
        if let Some(f) = p.from() {
            range.insert("From".into(), json!(f));
        }
        if let Some(t) = p.to() {
            range.insert("To".into(), json!(t));
        }
        m.insert("PortRange".into(), Json::Object(range));
    }
    Json::Object(m)
}

pub(super) async fn collect_network_acl(aws: &AwsContext, target: &Target) -> Observation {
    let out = aws
        .ec2()
        .describe_network_acls()
        .network_acl_ids(&target.identifier)
        .send()
        .await;
    let answer = out
        .map(|out| out.network_acls().first().cloned())
        .map_err(|e| existence_after("DescribeNetworkAcls", classify(&e)));
    let acl = match described(target, answer) {
        Ok(acl) => acl,
        Err(obs) => return *obs,
    };
    let mut obs = Observation::exists(target);
    obs.arn = arn_from_key(target);
    if let Some(vpc) = acl.vpc_id() {
        obs.set("VpcId", json!(vpc));
    }
    if let Some(d) = acl.is_default() {
        obs.set("IsDefault", json!(d));
    }
    let mut entries: Vec<Json> = acl.entries().iter().map(acl_entry_json).collect();
    entries.sort_by_cached_key(|e| {
        (
            e["Egress"].as_bool(),
            e.get("RuleNumber").and_then(Json::as_i64),
            e.to_string(),
        )
    });
    obs.set("Entries", Json::Array(entries));
    let mut subnets: Vec<&str> = acl
        .associations()
        .iter()
        .filter_map(|a| a.subnet_id())
        .collect();
    subnets.sort_unstable();
    if !subnets.is_empty() {
        obs.set("Associations", json!(subnets));
    }
    if let Some(tags) = tags_json(acl.tags()) {
        obs.set("Tags", tags);
    }
    obs
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_sdk_ec2::types::{PortRange, RouteState, RuleAction};

    #[test]
    fn routes_keep_destination_target_and_state_only() {
        let r = Route::builder()
            .destination_cidr_block("0.0.0.0/0")
            .gateway_id("igw-1")
            .state(RouteState::Active)
            .nat_gateway_id("")
            .build();
        assert_eq!(
            route_json(&r),
            json!({"DestinationCidrBlock": "0.0.0.0/0", "GatewayId": "igw-1", "State": "active"})
        );
    }

    #[test]
    fn acl_entries_are_cloudformation_shaped() {
        let e = NetworkAclEntry::builder()
            .rule_number(100)
            .protocol("6")
            .rule_action(RuleAction::Allow)
            .egress(false)
            .cidr_block("0.0.0.0/0")
            .port_range(PortRange::builder().from(22).to(22).build())
            .build();
        assert_eq!(
            acl_entry_json(&e),
            json!({"RuleNumber": 100, "Protocol": "6", "RuleAction": "allow", "Egress": false,
                   "CidrBlock": "0.0.0.0/0", "PortRange": {"From": 22, "To": 22}})
        );
    }
}
