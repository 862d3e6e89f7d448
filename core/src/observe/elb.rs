//! Elastic Load Balancing v2 collector: `AWS::ElasticLoadBalancingV2::LoadBalancer`
//! (application, network and gateway load balancers).
//!
//! The identifier is the load balancer ARN (CloudFormation's `Ref`) or its name.
//! DescribeLoadBalancers establishes existence; DescribeLoadBalancerAttributes and
//! DescribeListeners (with DescribeRules for plain-HTTP listeners, whose rules may forward
//! unencrypted traffic past a redirecting default action) then run concurrently. Recorded:
//! - CloudFormation properties: `Name`, `Type`, `Scheme`, `IpAddressType`, `SecurityGroups`,
//!   `Subnets`, `LoadBalancerAttributes` (`[{Key, Value}]`, sorted by key);
//! - ours: `AvailabilityZones` (zone names), `State`, and `Listeners`: `[{Port, Protocol,
//!   SslPolicy, Certificates, DefaultActions: [{Type, TargetGroupArn, RedirectConfig}],
//!   Rules}]` (CloudFormation keeps listeners as `AWS::ElasticLoadBalancingV2::Listener`
//!   resources), `Rules` only on HTTP listeners: their non-default rules' `{Priority,
//!   Actions}`.
//!
//! Tags are not read (DescribeTags; no check reads them). A failed attributes or listeners
//! read is recorded on `LoadBalancerAttributes` or `Listeners`.

use aws_sdk_elasticloadbalancingv2::types::{Action, Listener, LoadBalancer};
use aws_sdk_elasticloadbalancingv2::Client;
use serde_json::{json, Map, Value as Json};

use crate::aws::{classify, AwsContext, AwsErrorKind, ClassifiedError};
use crate::catalog::SeverityClass::{self, Functional, Security};
use crate::observe::{Existence, Observation, Target};

const LB: &str = "AWS::ElasticLoadBalancingV2::LoadBalancer";

/// Drift class of each top-level property this collector records.
pub const PROPERTY_CLASSES: &[(&str, &str, SeverityClass)] = &[
    (LB, "Name", Functional),
    (LB, "Type", Functional),
    (LB, "Scheme", Security),
    (LB, "IpAddressType", Functional),
    (LB, "SecurityGroups", Security),
    (LB, "Subnets", Functional),
    (LB, "AvailabilityZones", Functional),
    (LB, "State", Functional),
    (LB, "LoadBalancerAttributes", Security),
    (LB, "Listeners", Security),
];

/// The elb registration (see [`crate::observe::services`]); its ARN and IAM namespace is
/// `elasticloadbalancing`.
pub const SERVICE: crate::observe::services::Service = crate::observe::services::Service {
    name: "elb",
    sdk_client: "aws-sdk-elasticloadbalancingv2",
    iam_actions: &["elasticloadbalancing:DescribeLoadBalancers"],
    resource_types: &[LB],
    collect: |aws, target| Box::pin(collect(aws, target)),
    discover,
    property_classes: PROPERTY_CLASSES,
    account_facets: &[],
};

/// Tag-based discovery: `arn:aws:elasticloadbalancing:R:A:loadbalancer/{app,net,gwy}/NAME/ID`
/// is that load balancer (identified by its ARN). Classic load balancers
/// (`loadbalancer/NAME`), listeners and target groups are not checked.
pub fn discover(arn: &str, rest: &str) -> Option<(&'static str, String)> {
    let parts: Vec<&str> = rest.split('/').collect();
    match parts.as_slice() {
        ["loadbalancer", "app" | "net" | "gwy", name, id] if !name.is_empty() && !id.is_empty() => {
            Some((LB, arn.to_string()))
        }
        _ => None,
    }
}

/// Observe a load balancer target.
pub async fn collect(aws: &AwsContext, target: &Target) -> Observation {
    let client = aws.elbv2();
    let id = target.identifier.trim();
    let request = client.describe_load_balancers();
    let request = if id.starts_with("arn:") {
        request.load_balancer_arns(id)
    } else {
        request.names(id)
    };
    let lb = match request.send().await {
        Ok(out) => match out.load_balancers().first() {
            Some(lb) => lb.clone(),
            None => return Observation::with_existence(target, Existence::Missing),
        },
        Err(e) => {
            let err = classify(&e);
            let existence = if err.kind == AwsErrorKind::NotFound {
                Existence::Missing
            } else {
                Existence::Unknown(format!("ELBv2 DescribeLoadBalancers: {err}"))
            };
            return Observation::with_existence(target, existence);
        }
    };
    let mut obs = Observation::exists(target);
    obs.arn = lb.load_balancer_arn().map(str::to_string);
    for (property, value) in load_balancer_properties(&lb) {
        obs.set(property, value);
    }
    let Some(arn) = lb.load_balancer_arn() else {
        for property in ["LoadBalancerAttributes", "Listeners"] {
            obs.error(
                property,
                "ELBv2 DescribeLoadBalancers answered without an ARN",
            );
        }
        return obs;
    };
    let (attributes, listeners) =
        futures::join!(read_attributes(&client, arn), read_listeners(&client, arn));
    match attributes {
        Ok(v) => obs.set("LoadBalancerAttributes", v),
        Err(e) => obs.error(
            "LoadBalancerAttributes",
            format!("ELBv2 DescribeLoadBalancerAttributes: {e}"),
        ),
    }
    match listeners {
        Ok(v) => obs.set("Listeners", v),
        Err(e) => obs.error("Listeners", e),
    }
    obs
}

/// The load balancer's own properties (see the module docs).
pub fn load_balancer_properties(lb: &LoadBalancer) -> Vec<(&'static str, Json)> {
    let mut out = Vec::new();
    for (property, value) in [
        ("Name", lb.load_balancer_name()),
        ("Type", lb.r#type().map(|t| t.as_str())),
        ("Scheme", lb.scheme().map(|s| s.as_str())),
        ("IpAddressType", lb.ip_address_type().map(|t| t.as_str())),
        (
            "State",
            lb.state().and_then(|s| s.code()).map(|c| c.as_str()),
        ),
    ] {
        if let Some(v) = value {
            out.push((property, json!(v)));
        }
    }
    if !lb.security_groups().is_empty() {
        out.push(("SecurityGroups", json!(lb.security_groups())));
    }
    let zones = lb.availability_zones();
    let subnets: Vec<&str> = zones.iter().filter_map(|z| z.subnet_id()).collect();
    let names: Vec<&str> = zones.iter().filter_map(|z| z.zone_name()).collect();
    if !subnets.is_empty() {
        out.push(("Subnets", json!(subnets)));
    }
    if !names.is_empty() {
        out.push(("AvailabilityZones", json!(names)));
    }
    out
}

async fn read_attributes(client: &Client, arn: &str) -> Result<Json, ClassifiedError> {
    let out = client
        .describe_load_balancer_attributes()
        .load_balancer_arn(arn)
        .send()
        .await
        .map_err(|e| classify(&e))?;
    let mut pairs: Vec<(&str, &str)> = out
        .attributes()
        .iter()
        .filter_map(|a| Some((a.key()?, a.value().unwrap_or(""))))
        .collect();
    pairs.sort();
    Ok(Json::Array(
        pairs
            .into_iter()
            .map(|(k, v)| json!({"Key": k, "Value": v}))
            .collect(),
    ))
}

/// Every listener (all pages), with the rules of plain-HTTP listeners.
async fn read_listeners(client: &Client, arn: &str) -> Result<Json, String> {
    let mut pages = client
        .describe_listeners()
        .load_balancer_arn(arn)
        .into_paginator()
        .send();
    let mut listeners = Vec::new();
    while let Some(page) = pages.next().await {
        let page = page.map_err(|e| format!("ELBv2 DescribeListeners: {}", classify(&e)))?;
        listeners.extend(page.listeners().iter().cloned());
    }
    let mut out = Vec::new();
    for l in &listeners {
        let mut v = listener_json(l);
        let http = l.protocol().is_some_and(|p| p.as_str() == "HTTP");
        if let (true, Some(listener_arn)) = (http, l.listener_arn()) {
            let rules = read_rules(client, listener_arn)
                .await
                .map_err(|e| format!("ELBv2 DescribeRules: {e}"))?;
            v["Rules"] = rules;
        }
        out.push(v);
    }
    Ok(Json::Array(out))
}

/// The non-default rules of a listener: `[{Priority, Actions}]`.
async fn read_rules(client: &Client, listener_arn: &str) -> Result<Json, ClassifiedError> {
    let mut rules = Vec::new();
    let mut marker: Option<String> = None;
    loop {
        let out = client
            .describe_rules()
            .listener_arn(listener_arn)
            .set_marker(marker.clone())
            .send()
            .await
            .map_err(|e| classify(&e))?;
        for r in out.rules() {
            if r.is_default() == Some(true) {
                continue;
            }
            let actions: Vec<Json> = r.actions().iter().map(action_json).collect();
            rules.push(json!({"Priority": r.priority(), "Actions": actions}));
        }
        match out.next_marker() {
            Some(m) if !m.is_empty() && marker.as_deref() != Some(m) => marker = Some(m.into()),
            _ => break,
        }
    }
    Ok(Json::Array(rules))
}

/// One listener (see the module docs).
pub fn listener_json(l: &Listener) -> Json {
    let mut m = Map::new();
    if let Some(port) = l.port() {
        m.insert("Port".into(), json!(port));
    }
    if let Some(protocol) = l.protocol() {
        m.insert("Protocol".into(), json!(protocol.as_str()));
    }
    if let Some(policy) = l.ssl_policy() {
        m.insert("SslPolicy".into(), json!(policy));
    }
    let certificates: Vec<&str> = l
        .certificates()
        .iter()
        .filter_map(|c| c.certificate_arn())
        .collect();
    if !certificates.is_empty() {
        m.insert("Certificates".into(), json!(certificates));
    }
    let actions: Vec<Json> = l.default_actions().iter().map(action_json).collect();
    m.insert("DefaultActions".into(), Json::Array(actions));
    Json::Object(m)
}

/// One listener or rule action: `{Type, TargetGroupArn, RedirectConfig: {Protocol, Port,
/// StatusCode}}`.
pub fn action_json(a: &Action) -> Json {
    let mut m = Map::new();
    if let Some(t) = a.r#type() {
        m.insert("Type".into(), json!(t.as_str()));
    }
    if let Some(tg) = a.target_group_arn() {
        m.insert("TargetGroupArn".into(), json!(tg));
    }
    if let Some(r) = a.redirect_config() {
        let mut c = Map::new();
        if let Some(p) = r.protocol() {
            c.insert("Protocol".into(), json!(p));
        }
        if let Some(p) = r.port() {
            c.insert("Port".into(), json!(p));
        }
        if let Some(s) = r.status_code() {
            c.insert("StatusCode".into(), json!(s.as_str()));
        }
        m.insert("RedirectConfig".into(), Json::Object(c));
    }
    Json::Object(m)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn discovery_takes_v2_load_balancers_only() {
        let arn = "arn:aws:elasticloadbalancing:eu-west-1:123456789012:loadbalancer/app/lims/50dc6c495c0c9188";
        let rest = arn.splitn(6, ':').nth(5).unwrap();
        assert_eq!(discover(arn, rest), Some((LB, arn.to_string())));
        for other in [
            "loadbalancer/lims-classic",
            "listener/app/lims/50dc6c495c0c9188/f2f7dc8efc522ab2",
            "targetgroup/lims/73e2d6bc24d8a067",
            "loadbalancer/app//x",
        ] {
            assert_eq!(discover("arn", other), None, "{other}");
        }
        assert_eq!(
            crate::observe::discovery::resource_for_arn(arn),
            Some((LB, arn.to_string()))
        );
    }

    #[test]
    fn listeners_and_redirects_are_recorded() {
        use aws_sdk_elasticloadbalancingv2::types::{
            ActionTypeEnum, Certificate, ProtocolEnum, RedirectActionConfig,
            RedirectActionStatusCodeEnum,
        };
        let redirect = Action::builder()
            .r#type(ActionTypeEnum::Redirect)
            .redirect_config(
                RedirectActionConfig::builder()
                    .protocol("HTTPS")
                    .port("443")
                    .status_code(RedirectActionStatusCodeEnum::Http301)
                    .build(),
            )
            .build();
        let l = Listener::builder()
            .port(443)
            .protocol(ProtocolEnum::Https)
            .ssl_policy("ELBSecurityPolicy-TLS13-1-2-2021-06")
            .certificates(
                Certificate::builder()
                    .certificate_arn("arn:aws:acm:eu-west-1:123456789012:certificate/c")
                    .build(),
            )
            .default_actions(redirect)
            .build();
        assert_eq!(
            listener_json(&l),
            json!({"Port": 443, "Protocol": "HTTPS",
                   "SslPolicy": "ELBSecurityPolicy-TLS13-1-2-2021-06",
                   "Certificates": ["arn:aws:acm:eu-west-1:123456789012:certificate/c"],
                   "DefaultActions": [{"Type": "redirect", "RedirectConfig":
                       {"Protocol": "HTTPS", "Port": "443", "StatusCode": "HTTP_301"}}]})
        );
    }
}
