//! `kms.enabled`: KMS key enabled. Definition, evaluator and unit tests.

use super::KMS_KEY;
use crate::catalog::{CheckDef, Related, Remediation, SeverityClass, Stage};
use crate::checks::{support, Check, Outcome, Params};
use crate::observe::Observation;

/// The `kms.enabled` check.
pub static CHECK: Check = Check {
    def: CheckDef {
        id: "kms.enabled",
        title: "KMS key enabled",
        description: "OQ. Calls KMS DescribeKey. Passes when KeyMetadata.Enabled is true and KeyState is \
            Enabled; Disabled, PendingDeletion, PendingImport or Unavailable fails (data encrypted under the key \
            cannot be read).",
        stage: Stage::Oq,
        service: "kms",
        resource_types: KMS_KEY,
        severity: SeverityClass::Functional,
        iam_actions: &["kms:DescribeKey"],
        controls: &["21CFR11.10(c)", "21CFR11.30", "Annex11-7", "Annex11-12", "HIPAA-164.312(a)(2)(iv)"],
        remediation: "KMS EnableKey (Terraform aws_kms_key is_enabled = true; CloudFormation Enabled: true); for \
            PendingDeletion run KMS CancelKeyDeletion and then EnableKey.",
        remediation_code: Remediation {
            terraform: "resource \"aws_kms_key\" \"records\" {\n  # ...\n  is_enabled = true\n}",
            cloudformation: "Enabled: true",
            cli: "aws kms cancel-key-deletion --key-id KEY_ID   # only when PendingDeletion\naws kms enable-key --key-id KEY_ID",
        },
        related: Related {
            prowler: &["kms_cmk_are_used", "kms_cmk_not_deleted_unintentionally"],
            aws_config: &["kms-cmk-not-scheduled-for-deletion"],
        },
        params: &[],
    },
    evaluate,
    #[cfg(test)]
    fixtures: crate::checks::UnitFixtures::Properties {
        pass: r#"{"Enabled": true, "KeyState": "Enabled"}"#,
        fail: r#"{"Enabled": false, "KeyState": "Disabled"}"#,
        unreadable: "Enabled",
    },
};

/// Passes when `Enabled` is true and `KeyState` is `Enabled`.
fn evaluate(obs: &Observation, _params: &Params) -> Outcome {
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

#[cfg(test)]
mod tests {
    use crate::checks::kms::fixtures::{key, run};
    use crate::checks::Status;
    use serde_json::json;

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
    fn an_id_outside_the_catalog_is_an_error() {
        let o = run(
            "kms.nope",
            &key(json!({"Enabled": true, "KeyState": "Enabled"})),
        );
        assert_eq!(o.status, Status::Error);
        assert!(o.detail.unwrap().contains("unknown check `kms.nope`"));
    }
}
