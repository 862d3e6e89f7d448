//! State upgrades of `gxp_expected_spec` between schema versions.
//!
//! - Version 0 (pre-release layout): approval fields were top-level attributes
//!   `approved_by`, `approved_at`, `change_reference`, and requirement controls a
//!   comma-separated string `control_refs`.
//! - Version 1: the `approval` block and the `controls` list.

use serde_json::{json, Map, Value as Json};

/// Current schema version of `gxp_expected_spec`.
pub const SCHEMA_VERSION: i64 = 1;

/// Upgrade a JSON state of `version` to the current layout.
pub fn upgrade_json(version: i64, mut state: Json) -> Result<Json, String> {
    if version > SCHEMA_VERSION {
        return Err(format!(
            "state schema version {version} is newer than this provider supports ({SCHEMA_VERSION}); upgrade the provider"
        ));
    }
    if version < 0 {
        return Err(format!("invalid state schema version {version}"));
    }
    if version == 0 {
        state = upgrade_v0_to_v1(state)?;
    }
    Ok(state)
}

fn upgrade_v0_to_v1(state: Json) -> Result<Json, String> {
    let Json::Object(mut obj) = state else {
        return Err("version 0 state is not an object".into());
    };
    let mut approval = Map::new();
    for field in ["approved_by", "approved_at", "change_reference"] {
        approval.insert(field.into(), obj.remove(field).unwrap_or(Json::Null));
    }
    approval.insert("reason".into(), Json::Null);
    obj.insert("approval".into(), Json::Object(approval));
    if let Some(Json::Array(reqs)) = obj.get_mut("requirement") {
        for req in reqs.iter_mut().filter_map(Json::as_object_mut) {
            let refs = req.remove("control_refs").unwrap_or(Json::Null);
            let controls: Vec<Json> = refs
                .as_str()
                .unwrap_or("")
                .split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(|s| json!(s))
                .collect();
            req.insert("controls".into(), Json::Array(controls));
        }
    }
    Ok(Json::Object(obj))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn v0_approval_and_controls_move_into_v1_layout() {
        let v0 = json!({
            "id": "lims", "name": "lims", "approved_by": "qa@example.com",
            "approved_at": "2026-01-01T00:00:00Z", "change_reference": "CR-1",
            "requirement": [{"id": "URS-1", "text": "t", "control_refs": "21CFR11.10(e), Annex11-9", "severity": "security"}]
        });
        let v1 = upgrade_json(0, v0).unwrap();
        assert_eq!(v1["approval"]["approved_by"], "qa@example.com");
        assert_eq!(v1["approval"]["change_reference"], "CR-1");
        assert!(v1.get("approved_by").is_none());
        assert_eq!(
            v1["requirement"][0]["controls"],
            json!(["21CFR11.10(e)", "Annex11-9"])
        );
        assert!(v1["requirement"][0].get("control_refs").is_none());
    }

    #[test]
    fn current_version_is_unchanged_and_future_versions_are_refused() {
        let s = json!({"name": "x"});
        assert_eq!(upgrade_json(SCHEMA_VERSION, s.clone()).unwrap(), s);
        assert!(upgrade_json(SCHEMA_VERSION + 1, s).is_err());
    }
}
