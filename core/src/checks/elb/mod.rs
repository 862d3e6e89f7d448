//! The `elb.*` checks on `AWS::ElasticLoadBalancingV2::LoadBalancer` observations made by
//! [`crate::observe::elb`]: one file per check (definition, evaluator, unit tests), each
//! registered by one line in [`crate::checks::registry`]. This module holds what they share.

pub mod access_logging;
pub mod deletion_protection;
pub mod tls_listeners;

use super::{support, Outcome};
use crate::observe::Observation;
use serde_json::Value as Json;

/// The resource types the ELB checks apply to.
pub(super) const LOAD_BALANCER: &[&str] = &["AWS::ElasticLoadBalancingV2::LoadBalancer"];

/// The value of load balancer attribute `key`; `Ok(None)` when the load balancer does not
/// report it, `Err` when the attributes could not be read.
pub(super) fn attribute<'a>(
    obs: &'a Observation,
    key: &str,
    expected: &str,
) -> Result<Option<&'a str>, Outcome> {
    let attributes = support::property(obs, "LoadBalancerAttributes", expected)?;
    Ok(attributes
        .and_then(Json::as_array)
        .into_iter()
        .flatten()
        .find(|a| a.get("Key").and_then(Json::as_str) == Some(key))
        .and_then(|a| a.get("Value"))
        .and_then(Json::as_str))
}

/// An attribute that must be `true`: `yes` / `no` / `not reported`.
pub(super) fn attribute_true(obs: &Observation, key: &str, yes: &str, no: &str) -> Outcome {
    let expected = format!("{key} = true");
    match attribute(obs, key, &expected) {
        Err(e) => e,
        Ok(None) => Outcome::verdict(false, expected, format!("{key} not reported")),
        Ok(Some(v)) => {
            let on = v.trim().eq_ignore_ascii_case("true");
            Outcome::verdict(on, expected, if on { yes } else { no })
        }
    }
}

/// Observations shared by the ELB checks' unit tests.
#[cfg(test)]
pub(super) mod fixtures {
    use crate::checks::{evaluate_id, testing, Outcome};
    use crate::observe::Observation;
    use serde_json::{json, Value as Json};
    use std::collections::BTreeMap;

    pub const ARN: &str =
        "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/lims/50dc6c495c0c9188";

    pub fn lb(props: Json) -> Observation {
        testing::observation("AWS::ElasticLoadBalancingV2::LoadBalancer", ARN, props)
    }

    /// A load balancer with the attributes `pairs`.
    pub fn with_attributes(pairs: &[(&str, &str)]) -> Observation {
        let attrs: Vec<Json> = pairs
            .iter()
            .map(|(k, v)| json!({"Key": k, "Value": v}))
            .collect();
        lb(json!({ "LoadBalancerAttributes": attrs }))
    }

    pub fn run(id: &str, o: &Observation) -> Outcome {
        evaluate_id(id, o, &BTreeMap::new())
    }

    pub fn errored(property: &str) -> Observation {
        let mut o = lb(json!({}));
        o.error(property, "AccessDenied: not allowed");
        o
    }
}
