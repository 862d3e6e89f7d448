//! `iam.unused_credentials`: no IAM user has a console password or active access key left
//! unused longer than the maximum (credential report); one result per user. Definition,
//! evaluator and unit tests.

use serde_json::Value as Json;

use super::user_console_mfa::ROOT_ROW;
use super::{days_since, list, observed_at, text, ACCESS_CONTROLS, ACCOUNT};
use crate::catalog::{CheckDef, CheckParam, ParamKind, Related, Remediation, SeverityClass, Stage};
use crate::checks::support::property;
use crate::checks::{Check, Outcome, Params};
use crate::observe::iam::{CREDENTIAL_REPORT, CREDENTIAL_USAGE};
use crate::observe::Observation;

/// The `iam.unused_credentials` check.
pub static CHECK: Check = Check {
    def: CheckDef {
        id: "iam.unused_credentials",
        title: "No credentials left unused",
        description: "OQ. Calls IAM GenerateCredentialReport (polled until complete) and GetCredentialReport. One \
            result per IAM user (the root user excluded): passes when its console password and each active \
            access key was last used (or, never used, set: password_last_changed, access_key_N_last_rotated) \
            at most max_days_unused days before the observation.",
        stage: Stage::Oq,
        service: "iam",
        resource_types: ACCOUNT,
        severity: SeverityClass::Security,
        iam_actions: &["iam:GenerateCredentialReport", "iam:GetCredentialReport"],
        controls: ACCESS_CONTROLS,
        remediation: "Disable what is not used: delete the user's login profile (DeleteLoginProfile) and \
            deactivate its unused access keys (UpdateAccessKey --status Inactive), or remove the user.",
        remediation_code: Remediation {
            terraform: "# Remove the unused credential from configuration, e.g. the user's\n# aws_iam_user_login_profile or aws_iam_access_key, then apply.",
            cloudformation: "# Remove the AWS::IAM::AccessKey (or set Status: Inactive) and the user's LoginProfile.",
            cli: "aws iam update-access-key --user-name USER --access-key-id KEY --status Inactive && aws iam delete-login-profile --user-name USER",
        },
        related: Related {
            prowler: &["iam_user_accesskey_unused", "iam_user_console_access_unused"],
            aws_config: &["iam-user-unused-credentials-check"],
        },
        params: &[CheckParam {
            name: "max_days_unused",
            description: "Maximum days a console password or active access key may go unused.",
            default: Some("45"),
            kind: ParamKind::Days { min: 1, max: 3650 },
        }],
    },
    evaluate,
    #[cfg(test)]
    fixtures: crate::checks::UnitFixtures::Properties {
        pass: r#"{"IamCredentialReport": [{"user": "alice", "arn": "arn:aws:iam::123456789012:user/alice", "user_creation_time": "2025-01-01T00:00:00+00:00", "password_enabled": "true", "password_last_changed": "2025-01-01T00:00:00+00:00", "access_key_1_active": "false", "access_key_1_last_rotated": "N/A", "access_key_2_active": "false", "access_key_2_last_rotated": "N/A"}],
                  "IamCredentialUsage": {"arn:aws:iam::123456789012:user/alice": {"password_last_used": "2026-05-30T00:00:00+00:00", "access_key_1_last_used_date": "N/A", "access_key_2_last_used_date": "N/A"}}}"#,
        fail: r#"{"IamCredentialReport": [{"user": "alice", "arn": "arn:aws:iam::123456789012:user/alice", "user_creation_time": "2025-01-01T00:00:00+00:00", "password_enabled": "true", "password_last_changed": "2025-01-01T00:00:00+00:00", "access_key_1_active": "false", "access_key_1_last_rotated": "N/A", "access_key_2_active": "false", "access_key_2_last_rotated": "N/A"}],
                  "IamCredentialUsage": {"arn:aws:iam::123456789012:user/alice": {"password_last_used": "2025-06-01T00:00:00+00:00", "access_key_1_last_used_date": "N/A", "access_key_2_last_used_date": "N/A"}}}"#,
        unreadable: "IamCredentialReport",
    },
};

/// Days since a credential was last used, else since it was set (`set_columns`, first date).
fn idle_days(used: &str, set: &[&str], now: time::OffsetDateTime) -> Option<(i64, bool)> {
    if let Some(d) = days_since(used, now) {
        return Some((d, true));
    }
    set.iter()
        .find_map(|s| days_since(s, now))
        .map(|d| (d, false))
}

fn user_outcome(row: &Json, usage: Option<&Json>, max: i64, now: time::OffsetDateTime) -> Outcome {
    let want = format!("each credential used within {max} days");
    let used = |c: &str| usage.map(|u| text(u, c)).unwrap_or("N/A");
    let mut credentials = Vec::new();
    if text(row, "password_enabled") == "true" {
        credentials.push((
            "console password",
            idle_days(
                used("password_last_used"),
                &[
                    text(row, "password_last_changed"),
                    text(row, "user_creation_time"),
                ],
                now,
            ),
        ));
    }
    for n in [1, 2] {
        if text(row, &format!("access_key_{n}_active")) == "true" {
            credentials.push((
                if n == 1 {
                    "access key 1"
                } else {
                    "access key 2"
                },
                idle_days(
                    used(&format!("access_key_{n}_last_used_date")),
                    &[text(row, &format!("access_key_{n}_last_rotated"))],
                    now,
                ),
            ));
        }
    }
    if credentials.is_empty() {
        return Outcome::verdict(true, want, "no console password or active access key");
    }
    let mut idle = Vec::new();
    let mut seen = Vec::new();
    for (what, days) in credentials {
        match days {
            None => {
                return Outcome::error(want, format!("credential report: no date for the {what}"))
            }
            Some((d, was_used)) => {
                let how = if was_used {
                    format!("{what} last used {d} days ago")
                } else {
                    format!("{what} never used, set {d} days ago")
                };
                if d > max {
                    idle.push(how);
                } else {
                    seen.push(how);
                }
            }
        }
    }
    if idle.is_empty() {
        Outcome::verdict(true, want, seen.join("; "))
    } else {
        Outcome::verdict(false, want, idle.join("; "))
    }
}

fn evaluate(obs: &Observation, params: &Params) -> Outcome {
    let max = params.days("max_days_unused").unwrap_or(45);
    let expected = format!("no credential unused for more than {max} days");
    let read = || -> Result<_, Outcome> {
        let rows = list(obs, CREDENTIAL_REPORT, &expected)?;
        let usage = property(obs, CREDENTIAL_USAGE, &expected)?;
        Ok((rows, usage, observed_at(obs, &expected)?))
    };
    let (rows, usage, now) = match read() {
        Ok(found) => found,
        Err(e) => return e,
    };
    let each = rows
        .iter()
        .filter(|r| text(r, "user") != ROOT_ROW)
        .map(|r| {
            let arn = text(r, "arn");
            user_outcome(r, usage.and_then(|u| u.get(arn)), max, now).on(arn)
        })
        .collect();
    Outcome::per_subject(expected, "IAM users", each)
}

#[cfg(test)]
mod tests {
    use crate::checks::iam::fixtures::{account, per_subject, run};
    use crate::checks::Status;
    use serde_json::json;

    /// Rows as AWS's credential report gives them (recorded shapes: moto reports every key
    /// and password as just created, so the idle branches are exercised here only).
    fn report() -> crate::observe::Observation {
        let row = |user: &str, password: &str, key1: &str, rotated: &str| {
            json!({
                "user": user, "arn": format!("arn:aws:iam::1:user/{user}"),
                "user_creation_time": "2025-01-01T00:00:00+00:00", "password_enabled": password,
                "password_last_changed": "2025-01-01T00:00:00+00:00", "mfa_active": "false",
                "access_key_1_active": key1, "access_key_1_last_rotated": rotated,
                "access_key_2_active": "false", "access_key_2_last_rotated": "N/A",
            })
        };
        account(json!({
            "IamCredentialReport": [
                {"user": "<root_account>", "arn": "arn:aws:iam::1:root", "password_enabled": "not_supported"},
                row("active", "true", "false", "N/A"),
                row("idle", "true", "false", "N/A"),
                row("keyonly", "false", "true", "2026-05-25T00:00:00+00:00"),
                row("stalekey", "false", "true", "2025-01-01T00:00:00+00:00"),
                row("nothing", "false", "false", "N/A"),
            ],
            "IamCredentialUsage": {
                "arn:aws:iam::1:user/active": {"password_last_used": "2026-05-31T00:00:00+00:00", "access_key_1_last_used_date": "N/A", "access_key_2_last_used_date": "N/A"},
                "arn:aws:iam::1:user/idle": {"password_last_used": "no_information", "access_key_1_last_used_date": "N/A", "access_key_2_last_used_date": "N/A"},
                "arn:aws:iam::1:user/keyonly": {"password_last_used": "N/A", "access_key_1_last_used_date": "N/A", "access_key_2_last_used_date": "N/A"},
                "arn:aws:iam::1:user/stalekey": {"password_last_used": "N/A", "access_key_1_last_used_date": "2026-01-01T00:00:00+00:00", "access_key_2_last_used_date": "N/A"},
                "arn:aws:iam::1:user/nothing": {"password_last_used": "N/A", "access_key_1_last_used_date": "N/A", "access_key_2_last_used_date": "N/A"},
            },
        }))
    }

    #[test]
    fn each_user_is_judged_on_its_own_credentials() {
        let out = run("iam.unused_credentials", &report(), &[]);
        let statuses: Vec<(String, Status)> = per_subject(&out);
        let by = |u: &str| {
            statuses
                .iter()
                .find(|(s, _)| s.ends_with(&format!("/{u}")))
                .unwrap()
                .1
        };
        assert_eq!(statuses.len(), 5, "{statuses:?}");
        assert_eq!(by("active"), Status::Passed);
        assert_eq!(by("idle"), Status::Failed, "never used since 2025: idle");
        assert_eq!(by("keyonly"), Status::Passed);
        assert_eq!(by("stalekey"), Status::Failed);
        assert_eq!(by("nothing"), Status::Passed);
        assert_eq!(
            out.subjects[1].outcome.actual,
            "console password never used, set 516 days ago"
        );
        let lenient = run(
            "iam.unused_credentials",
            &report(),
            &[("max_days_unused", "600")],
        );
        assert_eq!(lenient.status, Status::Passed, "{lenient:?}");
    }

    #[test]
    fn unreadable_usage_is_an_error() {
        let mut o = report();
        o.properties.remove("IamCredentialUsage");
        o.error("IamCredentialUsage", "Throttling");
        assert_eq!(run("iam.unused_credentials", &o, &[]).status, Status::Error);
    }
}
