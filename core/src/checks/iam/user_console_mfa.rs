//! `iam.user_console_mfa`: every IAM user with a console password has MFA; one result per
//! user. Definition, evaluator and unit tests.

use super::{list, text, ACCOUNT, SIGNATURE_COMPONENT_CONTROLS};
use crate::catalog::{CheckDef, Related, Remediation, SeverityClass, Stage};
use crate::checks::{Check, Outcome, Params};
use crate::observe::iam::CREDENTIAL_REPORT;
use crate::observe::Observation;

/// The credential report's row of the root user.
pub const ROOT_ROW: &str = "<root_account>";

/// The `iam.user_console_mfa` check.
pub static CHECK: Check = Check {
    def: CheckDef {
        id: "iam.user_console_mfa",
        title: "IAM users with console access have MFA",
        description: "OQ. Calls IAM GenerateCredentialReport (polled until complete) and GetCredentialReport. One \
            result per IAM user (the root user excluded): passes when the user has no console password \
            (password_enabled false) or has an MFA device (mfa_active true).",
        stage: Stage::Oq,
        service: "iam",
        resource_types: ACCOUNT,
        severity: SeverityClass::Security,
        iam_actions: &["iam:GenerateCredentialReport", "iam:GetCredentialReport"],
        controls: SIGNATURE_COMPONENT_CONTROLS,
        remediation: "Assign an MFA device to each IAM user with a console password (IAM EnableMFADevice), or \
            remove the console password; better, give people access through IAM Identity Center with MFA.",
        remediation_code: Remediation {
            terraform: "resource \"aws_iam_virtual_mfa_device\" \"alice\" {\n  virtual_mfa_device_name = \"alice\"\n}\n# then the user enables it: aws iam enable-mfa-device",
            cloudformation: "Type: AWS::IAM::VirtualMFADevice\nProperties:\n  Users:\n    - alice",
            cli: "aws iam enable-mfa-device --user-name USER --serial-number MFA_ARN --authentication-code1 CODE1 --authentication-code2 CODE2",
        },
        related: Related {
            prowler: &["iam_user_mfa_enabled_console_access"],
            aws_config: &["mfa-enabled-for-iam-console-access"],
        },
        params: &[],
    },
    evaluate,
    #[cfg(test)]
    fixtures: crate::checks::UnitFixtures::Properties {
        pass: r#"{"IamCredentialReport": [{"user": "alice", "arn": "arn:aws:iam::123456789012:user/alice", "password_enabled": "true", "mfa_active": "true"}]}"#,
        fail: r#"{"IamCredentialReport": [{"user": "alice", "arn": "arn:aws:iam::123456789012:user/alice", "password_enabled": "true", "mfa_active": "false"}]}"#,
        unreadable: "IamCredentialReport",
    },
};

fn evaluate(obs: &Observation, _params: &Params) -> Outcome {
    let expected = "MFA for every user with a console password";
    let rows = match list(obs, CREDENTIAL_REPORT, expected) {
        Ok(rows) => rows,
        Err(e) => return e,
    };
    let each = rows
        .iter()
        .filter(|r| text(r, "user") != ROOT_ROW)
        .map(|r| {
            let expected = "MFA when the user has a console password";
            let outcome = match (text(r, "password_enabled"), text(r, "mfa_active")) {
                ("false", _) => Outcome::verdict(true, expected, "no console password"),
                ("true", "true") => Outcome::verdict(true, expected, "console password with MFA"),
                ("true", "false") => {
                    Outcome::verdict(false, expected, "console password without MFA")
                }
                (p, m) => Outcome::error(
                    expected,
                    format!("credential report: password_enabled `{p}`, mfa_active `{m}`"),
                ),
            };
            outcome.on(text(r, "arn"))
        })
        .collect();
    Outcome::per_subject(expected, "IAM users", each)
}

#[cfg(test)]
mod tests {
    use crate::checks::iam::fixtures::{account, per_subject, run};
    use crate::checks::Status;
    use serde_json::json;

    fn row(user: &str, password: &str, mfa: &str) -> serde_json::Value {
        json!({"user": user, "arn": format!("arn:aws:iam::123456789012:user/{user}"), "password_enabled": password, "mfa_active": mfa})
    }

    #[test]
    fn one_result_per_user_naming_who_has_no_mfa() {
        let o = account(json!({"IamCredentialReport": [
            {"user": "<root_account>", "arn": "arn:aws:iam::123456789012:root", "password_enabled": "not_supported", "mfa_active": "false"},
            row("alice", "true", "true"),
            row("bob", "true", "false"),
            row("build", "false", "false"),
            row("odd", "maybe", "false"),
        ]}));
        let out = run("iam.user_console_mfa", &o, &[]);
        assert_eq!(out.status, Status::Failed);
        assert_eq!(
            out.actual,
            "1 of 4 IAM users non-compliant, 1 could not be evaluated"
        );
        assert_eq!(
            per_subject(&out),
            [
                (
                    "arn:aws:iam::123456789012:user/alice".to_string(),
                    Status::Passed
                ),
                (
                    "arn:aws:iam::123456789012:user/bob".to_string(),
                    Status::Failed
                ),
                (
                    "arn:aws:iam::123456789012:user/build".to_string(),
                    Status::Passed
                ),
                (
                    "arn:aws:iam::123456789012:user/odd".to_string(),
                    Status::Error
                ),
            ]
        );
    }

    #[test]
    fn no_users_passes_and_says_so() {
        let o = account(json!({"IamCredentialReport": [
            {"user": "<root_account>", "arn": "arn:aws:iam::123456789012:root", "password_enabled": "not_supported", "mfa_active": "true"},
        ]}));
        let out = run("iam.user_console_mfa", &o, &[]);
        assert_eq!(
            (out.status, out.actual.as_str()),
            (Status::Passed, "no IAM users")
        );
        assert!(out.subjects.is_empty());
    }
}
