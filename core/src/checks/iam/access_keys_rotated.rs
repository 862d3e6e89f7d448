//! `iam.access_keys_rotated`: every active access key is younger than the maximum age; one
//! result per access key. Definition, evaluator and unit tests.

use super::{days_since, list, observed_at, text, ACCOUNT};
use crate::catalog::{CheckDef, CheckParam, ParamKind, Related, Remediation, SeverityClass, Stage};
use crate::checks::{Check, Outcome, Params};
use crate::observe::iam::ACCESS_KEYS;
use crate::observe::Observation;

/// The `iam.access_keys_rotated` check.
pub static CHECK: Check = Check {
    def: CheckDef {
        id: "iam.access_keys_rotated",
        title: "Access keys are rotated",
        description: "OQ. Calls IAM ListUsers and ListAccessKeys. One result per access key of every IAM user \
            (subject USER_ARN (ACCESS_KEY_ID)): passes when the key is inactive or was created at most \
            max_age_days before the observation.",
        stage: Stage::Oq,
        service: "iam",
        resource_types: ACCOUNT,
        severity: SeverityClass::Security,
        iam_actions: &["iam:ListUsers", "iam:ListAccessKeys"],
        controls: &[
            "21CFR11.10(d)",
            "21CFR11.10(g)",
            "21CFR11.200",
            "21CFR11.300(b)",
            "Annex11-12",
            "Annex11-12.1",
        ],
        remediation: "Create a new access key (CreateAccessKey), move its users to it, then deactivate and delete \
            the old one (UpdateAccessKey, DeleteAccessKey); better, replace long-lived keys by roles.",
        remediation_code: Remediation {
            terraform: "resource \"aws_iam_access_key\" \"ci\" {\n  user = aws_iam_user.ci.name\n  # replace on rotation: terraform apply -replace=aws_iam_access_key.ci\n}",
            cloudformation: "Type: AWS::IAM::AccessKey\nProperties:\n  UserName: !Ref CiUser\n  Serial: 2  # increment to rotate",
            cli: "aws iam create-access-key --user-name USER && aws iam update-access-key --user-name USER --access-key-id OLD_KEY --status Inactive",
        },
        related: Related {
            prowler: &["iam_rotate_access_key_90_days"],
            aws_config: &["access-keys-rotated"],
        },
        params: &[CheckParam {
            name: "max_age_days",
            description: "Maximum age of an active access key, in days.",
            default: Some("90"),
            kind: ParamKind::Days { min: 1, max: 3650 },
        }],
    },
    evaluate,
    #[cfg(test)]
    fixtures: crate::checks::UnitFixtures::Properties {
        pass: r#"{"IamAccessKeys": [{"UserName": "ci", "Arn": "arn:aws:iam::123456789012:user/ci", "AccessKeys": [{"AccessKeyId": "AKIA1", "Status": "Active", "CreateDate": "2026-05-01T00:00:00Z"}]}]}"#,
        fail: r#"{"IamAccessKeys": [{"UserName": "ci", "Arn": "arn:aws:iam::123456789012:user/ci", "AccessKeys": [{"AccessKeyId": "AKIA1", "Status": "Active", "CreateDate": "2025-01-01T00:00:00Z"}]}]}"#,
        unreadable: "IamAccessKeys",
    },
};

fn evaluate(obs: &Observation, params: &Params) -> Outcome {
    let max = params.days("max_age_days").unwrap_or(90);
    let expected = format!("every active access key at most {max} days old");
    let (users, now) = match list(obs, ACCESS_KEYS, &expected)
        .and_then(|u| Ok((u, observed_at(obs, &expected)?)))
    {
        Ok(found) => found,
        Err(e) => return e,
    };
    let mut each = Vec::new();
    for user in users {
        let keys = user
            .get("AccessKeys")
            .and_then(|k| k.as_array())
            .map(Vec::as_slice)
            .unwrap_or_default();
        for key in keys {
            let subject = format!("{} ({})", text(user, "Arn"), text(key, "AccessKeyId"));
            let want = format!("inactive, or at most {max} days old");
            let outcome = if text(key, "Status") == "Inactive" {
                Outcome::verdict(true, want, "inactive")
            } else {
                match days_since(text(key, "CreateDate"), now) {
                    Some(age) => {
                        Outcome::verdict(age <= max, want, format!("active, {age} days old"))
                    }
                    None => Outcome::error(
                        want,
                        format!("CreateDate `{}` is not a date", text(key, "CreateDate")),
                    ),
                }
            };
            each.push(outcome.on(subject));
        }
    }
    Outcome::per_subject(expected, "IAM access keys", each)
}

#[cfg(test)]
mod tests {
    use crate::checks::iam::fixtures::{account, per_subject, run};
    use crate::checks::Status;
    use serde_json::json;

    /// The shape ListAccessKeys gives for two users (recorded: moto cannot backdate a key,
    /// so old keys are exercised here only).
    fn keys() -> crate::observe::Observation {
        account(json!({"IamAccessKeys": [
            {"UserName": "ci", "Arn": "arn:aws:iam::1:user/ci", "AccessKeys": [
                {"AccessKeyId": "AKIAOLD", "Status": "Active", "CreateDate": "2026-01-01T00:00:00Z"},
                {"AccessKeyId": "AKIANEW", "Status": "Active", "CreateDate": "2026-05-20T00:00:00Z"},
            ]},
            {"UserName": "old", "Arn": "arn:aws:iam::1:user/old", "AccessKeys": [
                {"AccessKeyId": "AKIAOFF", "Status": "Inactive", "CreateDate": "2020-01-01T00:00:00Z"},
            ]},
            {"UserName": "none", "Arn": "arn:aws:iam::1:user/none", "AccessKeys": []},
        ]}))
    }

    #[test]
    fn one_result_per_key_naming_user_and_key() {
        let out = run("iam.access_keys_rotated", &keys(), &[]);
        assert_eq!(out.status, Status::Failed);
        assert_eq!(
            per_subject(&out),
            [
                (
                    "arn:aws:iam::1:user/ci (AKIAOLD)".to_string(),
                    Status::Failed
                ),
                (
                    "arn:aws:iam::1:user/ci (AKIANEW)".to_string(),
                    Status::Passed
                ),
                (
                    "arn:aws:iam::1:user/old (AKIAOFF)".to_string(),
                    Status::Passed
                ),
            ]
        );
        assert_eq!(out.subjects[0].outcome.actual, "active, 151 days old");
        assert_eq!(
            run(
                "iam.access_keys_rotated",
                &keys(),
                &[("max_age_days", "200")]
            )
            .status,
            Status::Passed
        );
    }

    #[test]
    fn no_keys_passes_and_a_missing_clock_is_an_error() {
        let o =
            account(json!({"IamAccessKeys": [{"Arn": "arn:aws:iam::1:user/a", "AccessKeys": []}]}));
        let out = run("iam.access_keys_rotated", &o, &[]);
        assert_eq!(
            (out.status, out.actual.as_str()),
            (Status::Passed, "no IAM access keys")
        );
        let mut o = keys();
        o.observed_at = None;
        assert_eq!(
            run("iam.access_keys_rotated", &o, &[]).status,
            Status::Error
        );
    }
}
