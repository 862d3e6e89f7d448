//! Evaluators for `kms.*` checks on `AWS::KMS::Key` observations.

use super::support;
use super::{Outcome, Params};
use crate::observe::Observation;

/// Evaluate a `kms` check; `None` when `id` is not one of them.
pub fn evaluate(id: &str, obs: &Observation, _params: &Params) -> Option<Outcome> {
    Some(match id {
        "kms.enabled" => enabled(obs),
        "kms.rotation" => rotation(obs),
        _ => return None,
    })
}

/// Passes when `Enabled` is true and `KeyState` is `Enabled`.
fn enabled(obs: &Observation) -> Outcome {
    const EXPECTED: &str = "Enabled";
    let flag = match support::boolean(obs, "Enabled", EXPECTED) {
        Ok(v) => v,
        Err(e) => return e,
    };
    let state = match support::string(obs, "KeyState", EXPECTED) {
        Ok(v) => v,
        Err(e) => return e,
    };
    let actual = match (state, flag) {
        (Some(s), _) => s.to_string(),
        (None, Some(true)) => "Enabled (key state not reported)".to_string(),
        (None, Some(false)) => "Disabled".to_string(),
        (None, None) => "not reported".to_string(),
    };
    Outcome::verdict(
        flag == Some(true) && state == Some("Enabled"),
        EXPECTED,
        actual,
    )
}

/// Key specs and origins that cannot rotate automatically.
fn rotation_unsupported(obs: &Observation) -> Option<String> {
    let spec = obs.get("KeySpec").and_then(|v| v.as_str());
    if let Some(spec) = spec.filter(|s| *s != "SYMMETRIC_DEFAULT") {
        return Some(format!(
            "key spec {spec} does not support automatic rotation"
        ));
    }
    let origin = obs.get("Origin").and_then(|v| v.as_str());
    if let Some(origin) = origin.filter(|o| *o != "AWS_KMS") {
        return Some(format!(
            "key origin {origin} does not support automatic rotation"
        ));
    }
    None
}

/// Passes when `EnableKeyRotation` is true. A key whose spec or origin cannot rotate fails
/// (suppress with a documented reason), whatever the rotation-status call answered.
fn rotation(obs: &Observation) -> Outcome {
    const EXPECTED: &str = "automatic rotation enabled";
    let answer = support::boolean(obs, "EnableKeyRotation", EXPECTED);
    if matches!(answer, Ok(Some(true))) {
        let period = obs
            .get("RotationPeriodInDays")
            .and_then(|v| v.as_i64())
            .map(|d| format!(" (every {d} days)"))
            .unwrap_or_default();
        return Outcome::verdict(true, EXPECTED, format!("enabled{period}"));
    }
    if let Some(reason) = rotation_unsupported(obs) {
        let outcome = Outcome::verdict(false, EXPECTED, "not supported");
        return outcome.with_detail(reason);
    }
    match answer {
        Err(e) => e,
        Ok(Some(_)) => Outcome::verdict(false, EXPECTED, "disabled"),
        Ok(None) => Outcome::verdict(false, EXPECTED, "not reported"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::Status;
    use crate::observe::{Observation, Target, TargetOrigin};
    use serde_json::json;
    use std::collections::BTreeMap;

    fn key(props: serde_json::Value) -> Observation {
        let t = Target {
            key: "k".into(),
            resource_type: "AWS::KMS::Key".into(),
            identifier: "1234".into(),
            origin: TargetOrigin::Spec,
            checks: vec![],
            params: BTreeMap::new(),
            expected_properties: None,
            requirements: vec![],
        };
        let mut o = Observation::exists(&t);
        for (k, v) in props.as_object().unwrap() {
            o.set(k, v.clone());
        }
        o
    }

    fn run(id: &str, obs: &Observation) -> Outcome {
        evaluate(id, obs, &Params::default()).expect("kms check")
    }

    #[test]
    fn enabled_passes_only_for_enabled_state() {
        let ok = key(json!({"Enabled": true, "KeyState": "Enabled"}));
        let o = run("kms.enabled", &ok);
        assert_eq!((o.status, o.actual.as_str()), (Status::Passed, "Enabled"));

        let off = key(json!({"Enabled": false, "KeyState": "Disabled"}));
        let o = run("kms.enabled", &off);
        assert_eq!((o.status, o.actual.as_str()), (Status::Failed, "Disabled"));

        let pending = key(json!({"Enabled": false, "KeyState": "PendingDeletion"}));
        assert_eq!(run("kms.enabled", &pending).actual, "PendingDeletion");
        assert_eq!(run("kms.enabled", &pending).status, Status::Failed);
    }

    #[test]
    fn enabled_fails_when_not_reported_and_errors_on_read_error() {
        let o = run("kms.enabled", &key(json!({})));
        assert_eq!(
            (o.status, o.actual.as_str()),
            (Status::Failed, "not reported")
        );

        let mut denied = key(json!({"KeyState": "Enabled"}));
        denied.error("Enabled", "AccessDeniedException: no");
        let o = run("kms.enabled", &denied);
        assert_eq!(o.status, Status::Error);
        assert!(o.detail.unwrap().contains("AccessDenied"));
    }

    #[test]
    fn rotation_pass_fail_and_not_reported() {
        let on = key(
            json!({"KeySpec": "SYMMETRIC_DEFAULT", "EnableKeyRotation": true,
                            "RotationPeriodInDays": 365}),
        );
        let o = run("kms.rotation", &on);
        assert_eq!(o.status, Status::Passed);
        assert_eq!(o.actual, "enabled (every 365 days)");

        let off = key(json!({"KeySpec": "SYMMETRIC_DEFAULT", "EnableKeyRotation": false}));
        let o = run("kms.rotation", &off);
        assert_eq!((o.status, o.actual.as_str()), (Status::Failed, "disabled"));

        let o = run(
            "kms.rotation",
            &key(json!({"KeySpec": "SYMMETRIC_DEFAULT"})),
        );
        assert_eq!(
            (o.status, o.actual.as_str()),
            (Status::Failed, "not reported")
        );
    }

    #[test]
    fn rotation_read_error_is_error() {
        let mut o = key(json!({"KeySpec": "SYMMETRIC_DEFAULT"}));
        o.error("EnableKeyRotation", "ThrottlingException: slow down");
        assert_eq!(run("kms.rotation", &o).status, Status::Error);
    }

    #[test]
    fn rotation_of_asymmetric_or_imported_keys_fails_even_when_the_call_errors() {
        let mut asym = key(json!({"KeySpec": "RSA_2048"}));
        asym.error(
            "EnableKeyRotation",
            "UnsupportedOperationException: asymmetric",
        );
        let o = run("kms.rotation", &asym);
        assert_eq!(o.status, Status::Failed);
        assert!(o.detail.unwrap().contains("RSA_2048"));

        let imported = key(json!({"KeySpec": "SYMMETRIC_DEFAULT", "Origin": "EXTERNAL",
                                  "EnableKeyRotation": false}));
        let o = run("kms.rotation", &imported);
        assert_eq!(o.status, Status::Failed);
        assert!(o.detail.unwrap().contains("EXTERNAL"));
    }

    #[test]
    fn unknown_ids_are_not_kms_checks() {
        assert!(evaluate("s3.versioning", &key(json!({})), &Params::default()).is_none());
    }
}
