//! The qualified snapshot: what the last qualification observed, kept in private state so
//! refresh can tell what drifted since.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value as Json};

use crate::observe::{Existence, Observation, StackObservation, Target, TargetOrigin};
use crate::spec::canonical::canonical_string;
use crate::util::sha256_hex;

/// One observed target, compactly.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct SnapTarget {
    pub key: String,
    pub resource_type: String,
    pub identifier: String,
    pub origin: TargetOrigin,
    /// `exists`, `missing` or `unknown`.
    pub existence: String,
    /// Canonical JSON of the observed properties.
    pub properties: String,
    /// Checks and parameters of the target: collectors read what they need (e.g. key
    /// aliases named by a parameter), so refresh must observe with the same inputs.
    #[serde(default)]
    pub checks: Vec<String>,
    #[serde(default)]
    pub params: BTreeMap<String, String>,
}

/// One observed stack, compactly.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Default)]
pub struct SnapStack {
    pub name: String,
    pub status: Option<String>,
    pub last_updated: Option<String>,
    pub template_sha256: Option<String>,
    pub outputs: BTreeMap<String, String>,
    pub parameters: BTreeMap<String, String>,
}

/// Everything a qualification observed.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Default)]
pub struct Snapshot {
    pub targets: Vec<SnapTarget>,
    pub stacks: Vec<SnapStack>,
    /// Tags used for discovery, if any.
    #[serde(default)]
    pub discovery_tags: BTreeMap<String, String>,
    /// Checks discovered resources do not get (`discovery.exclude_checks`): refresh gives
    /// newly discovered resources the same checks. Not written when empty, so the
    /// fingerprint of a snapshot without exclusions is unchanged.
    #[serde(default, skip_serializing_if = "BTreeSet::is_empty")]
    pub discovery_exclude_checks: BTreeSet<String>,
}

fn existence_str(e: &Existence) -> &'static str {
    match e {
        Existence::Exists => "exists",
        Existence::Missing => "missing",
        Existence::Unknown(_) => "unknown",
    }
}

impl SnapTarget {
    /// Snapshot of one observation.
    pub fn of(target: &Target, obs: &Observation) -> Self {
        SnapTarget {
            key: target.key.clone(),
            resource_type: target.resource_type.clone(),
            identifier: target.identifier.clone(),
            origin: target.origin.clone(),
            existence: existence_str(&obs.existence).into(),
            properties: canonical_string(&obs.properties),
            checks: target.checks.clone(),
            params: target.params.clone(),
        }
    }

    /// The properties as a JSON object.
    pub fn properties(&self) -> Map<String, Json> {
        serde_json::from_str(&self.properties).unwrap_or_default()
    }

    /// The target this snapshot entry re-observes on refresh.
    pub fn target(&self) -> Target {
        Target {
            key: self.key.clone(),
            resource_type: self.resource_type.clone(),
            identifier: self.identifier.clone(),
            origin: self.origin.clone(),
            checks: self.checks.clone(),
            params: self.params.clone(),
            expected_properties: None,
            requirements: vec![],
        }
    }
}

impl SnapStack {
    /// Snapshot of one stack observation.
    pub fn of(obs: &StackObservation) -> Self {
        SnapStack {
            name: obs.name.clone(),
            status: obs.status.clone(),
            last_updated: obs.last_updated.clone(),
            template_sha256: obs.template_sha256.clone(),
            outputs: obs.outputs.clone(),
            parameters: obs.parameters.clone(),
        }
    }
}

impl Snapshot {
    /// SHA-256 over the canonical snapshot: equal fingerprints, equal observations.
    pub fn fingerprint(&self) -> String {
        let mut sorted = self.clone();
        sorted.targets.sort_by(|a, b| a.key.cmp(&b.key));
        sorted.stacks.sort_by(|a, b| a.name.cmp(&b.name));
        sha256_hex(canonical_string(&sorted).as_bytes())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn excluded_checks_are_kept_and_written_only_when_there_are_some() {
        let plain = Snapshot {
            discovery_tags: [("gxp:app".to_string(), "lims".to_string())].into(),
            ..Default::default()
        };
        let json = serde_json::to_value(&plain).unwrap();
        assert!(
            json.get("discovery_exclude_checks").is_none(),
            "a snapshot without exclusions is written (and fingerprinted) as before: {json}"
        );
        // Private state written before exclusions existed still reads.
        let older: Snapshot = serde_json::from_value(json).unwrap();
        assert_eq!(older, plain);

        let excluding = Snapshot {
            discovery_exclude_checks: ["backup.resource_protected".to_string()].into(),
            ..plain.clone()
        };
        let json = serde_json::to_value(&excluding).unwrap();
        assert_eq!(
            json["discovery_exclude_checks"],
            serde_json::json!(["backup.resource_protected"])
        );
        assert_eq!(serde_json::from_value::<Snapshot>(json).unwrap(), excluding);
        assert_ne!(excluding.fingerprint(), plain.fingerprint());
    }
}
