//! `kms.rotation`: KMS key automatic rotation enabled. Definition, evaluator and unit tests.

use super::KMS_KEY;
use crate::catalog::{CheckDef, Related, Remediation, SeverityClass, Stage};
use crate::checks::{support, Check, Outcome, Params};
use crate::observe::Observation;

/// The `kms.rotation` check.
pub static CHECK: Check = Check {
    def: CheckDef {
        id: "kms.rotation",
        title: "KMS key automatic rotation enabled",
        description: "OQ. Calls KMS GetKeyRotationStatus. Passes when KeyRotationEnabled is true. Asymmetric, \
            HMAC, imported-material and custom-key-store keys do not support automatic rotation and fail unless \
            suppressed with a documented reason.",
        stage: Stage::Oq,
        service: "kms",
        resource_types: KMS_KEY,
        severity: SeverityClass::Security,
        iam_actions: &["kms:DescribeKey", "kms:GetKeyRotationStatus"],
        controls: &["21CFR11.10(c)", "21CFR11.30", "Annex11-12", "HIPAA-164.312(a)(2)(iv)"],
        remediation: "Terraform aws_kms_key enable_key_rotation = true (optionally rotation_period_in_days); \
            CloudFormation EnableKeyRotation: true; or KMS EnableKeyRotation.",
        remediation_code: Remediation {
            terraform: "resource \"aws_kms_key\" \"records\" {\n  # ...\n  enable_key_rotation = true\n}",
            cloudformation: "EnableKeyRotation: true",
            cli: "aws kms enable-key-rotation --key-id KEY_ID",
        },
        related: Related {
            prowler: &["kms_cmk_rotation_enabled"],
            aws_config: &["cmk-backing-key-rotation-enabled"],
        },
        params: &[],
    },
    evaluate,
    #[cfg(test)]
    fixtures: crate::checks::UnitFixtures::Properties {
        pass: r#"{"KeySpec": "SYMMETRIC_DEFAULT", "EnableKeyRotation": true}"#,
        fail: r#"{"KeySpec": "SYMMETRIC_DEFAULT", "EnableKeyRotation": false}"#,
        unreadable: "EnableKeyRotation",
    },
};

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
fn evaluate(obs: &Observation, _params: &Params) -> Outcome {
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
    use crate::checks::kms::fixtures::{key, run};
    use crate::checks::Status;
    use serde_json::json;

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
}
