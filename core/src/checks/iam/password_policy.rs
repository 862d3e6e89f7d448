//! `iam.password_policy`: the account password policy meets the minimums (length,
//! character classes, reuse prevention, maximum age). Definition, evaluator and unit tests.

use serde_json::Value as Json;

use super::ACCOUNT;
use crate::catalog::{CheckDef, CheckParam, ParamKind, Related, Remediation, SeverityClass, Stage};
use crate::checks::support::property;
use crate::checks::{Check, Outcome, Params};
use crate::observe::iam::PASSWORD_POLICY;
use crate::observe::Observation;

/// The `iam.password_policy` check.
pub static CHECK: Check = Check {
    def: CheckDef {
        id: "iam.password_policy",
        title: "Account password policy meets the minimums",
        description: "OQ. Calls IAM GetAccountPasswordPolicy (NoSuchEntity: no policy, which fails). Passes when \
            MinimumPasswordLength is at least min_length, the character classes required by require_* are \
            required, PasswordReusePrevention is at least reuse_prevention (0: not checked) and passwords \
            expire within max_age_days (0: not checked).",
        stage: Stage::Oq,
        service: "iam",
        resource_types: ACCOUNT,
        severity: SeverityClass::Security,
        iam_actions: &["iam:GetAccountPasswordPolicy"],
        controls: &[
            "21CFR11.10(d)",
            "21CFR11.10(g)",
            "21CFR11.200",
            "21CFR11.300",
            "21CFR11.300(b)",
            "Annex11-12",
            "Annex11-12.1",
        ],
        remediation: "Terraform aws_iam_account_password_policy with the minimums; or IAM \
            UpdateAccountPasswordPolicy.",
        remediation_code: Remediation {
            terraform: "resource \"aws_iam_account_password_policy\" \"gxp\" {\n  minimum_password_length      = 14\n  require_symbols              = true\n  require_numbers              = true\n  require_uppercase_characters = true\n  require_lowercase_characters = true\n  password_reuse_prevention    = 24\n  max_password_age             = 90\n}",
            cloudformation: "# No CloudFormation resource sets the account password policy: use Terraform or the CLI.",
            cli: "aws iam update-account-password-policy --minimum-password-length 14 --require-symbols --require-numbers --require-uppercase-characters --require-lowercase-characters --password-reuse-prevention 24 --max-password-age 90",
        },
        related: Related {
            prowler: &[
                "iam_password_policy_minimum_length_14",
                "iam_password_policy_symbol",
                "iam_password_policy_number",
                "iam_password_policy_uppercase",
                "iam_password_policy_lowercase",
                "iam_password_policy_reuse_24",
                "iam_password_policy_expires_passwords_within_90_days_or_less",
            ],
            aws_config: &["iam-password-policy"],
        },
        params: &[
            CheckParam {
                name: "min_length",
                description: "Minimum password length (characters).",
                default: Some("14"),
                kind: ParamKind::Count { min: 6, max: 128 },
            },
            CheckParam {
                name: "require_symbols",
                description: "Require at least one symbol.",
                default: Some("true"),
                kind: ParamKind::Boolean,
            },
            CheckParam {
                name: "require_numbers",
                description: "Require at least one number.",
                default: Some("true"),
                kind: ParamKind::Boolean,
            },
            CheckParam {
                name: "require_uppercase",
                description: "Require at least one uppercase letter.",
                default: Some("true"),
                kind: ParamKind::Boolean,
            },
            CheckParam {
                name: "require_lowercase",
                description: "Require at least one lowercase letter.",
                default: Some("true"),
                kind: ParamKind::Boolean,
            },
            CheckParam {
                name: "reuse_prevention",
                description: "Minimum number of previous passwords that cannot be reused (0: not checked).",
                default: Some("24"),
                kind: ParamKind::Count { min: 0, max: 24 },
            },
            CheckParam {
                name: "max_age_days",
                description: "Passwords must expire within this many days (0: not checked).",
                default: Some("90"),
                kind: ParamKind::Count { min: 0, max: 1095 },
            },
        ],
    },
    evaluate,
    #[cfg(test)]
    fixtures: crate::checks::UnitFixtures::Properties {
        pass: r#"{"IamPasswordPolicy": {"MinimumPasswordLength": 14, "RequireSymbols": true, "RequireNumbers": true, "RequireUppercaseCharacters": true, "RequireLowercaseCharacters": true, "PasswordReusePrevention": 24, "ExpirePasswords": true, "MaxPasswordAge": 90}}"#,
        fail: r#"{"IamPasswordPolicy": {"MinimumPasswordLength": 8, "RequireSymbols": true, "RequireNumbers": true, "RequireUppercaseCharacters": true, "RequireLowercaseCharacters": true, "PasswordReusePrevention": 24, "ExpirePasswords": true, "MaxPasswordAge": 90}}"#,
        unreadable: "IamPasswordPolicy",
    },
};

fn evaluate(obs: &Observation, params: &Params) -> Outcome {
    let min_length = params.count("min_length").unwrap_or(14);
    let reuse = params.count("reuse_prevention").unwrap_or(24);
    let max_age = params.count("max_age_days").unwrap_or(90);
    let classes = [
        ("require_symbols", "RequireSymbols", "symbols"),
        ("require_numbers", "RequireNumbers", "numbers"),
        (
            "require_uppercase",
            "RequireUppercaseCharacters",
            "uppercase letters",
        ),
        (
            "require_lowercase",
            "RequireLowercaseCharacters",
            "lowercase letters",
        ),
    ];
    let required: Vec<(&str, &str)> = classes
        .iter()
        .filter(|(param, _, _)| params.boolean(param).unwrap_or(true))
        .map(|(_, prop, what)| (*prop, *what))
        .collect();
    let mut expected = format!("minimum length {min_length}");
    if !required.is_empty() {
        let names: Vec<&str> = required.iter().map(|(_, w)| *w).collect();
        expected.push_str(&format!(", requires {}", names.join(", ")));
    }
    if reuse > 0 {
        expected.push_str(&format!(", remembers {reuse} passwords"));
    }
    if max_age > 0 {
        expected.push_str(&format!(", passwords expire within {max_age} days"));
    }
    let policy = match property(obs, PASSWORD_POLICY, &expected) {
        Err(e) => return e,
        Ok(None) => return Outcome::verdict(false, expected, "not configured"),
        Ok(Some(p)) => p,
    };
    let number = |k: &str| policy.get(k).and_then(Json::as_i64);
    let flag = |k: &str| policy.get(k).and_then(Json::as_bool).unwrap_or(false);
    let mut short = Vec::new();
    match number("MinimumPasswordLength") {
        Some(n) if n >= min_length => {}
        n => short.push(format!(
            "minimum length {}",
            n.map_or("not set".into(), |n| n.to_string())
        )),
    }
    for (prop, what) in &required {
        if !flag(prop) {
            short.push(format!("{what} not required"));
        }
    }
    if reuse > 0 {
        match number("PasswordReusePrevention") {
            Some(n) if n >= reuse => {}
            n => short.push(format!("remembers {} passwords", n.unwrap_or(0))),
        }
    }
    if max_age > 0 {
        match number("MaxPasswordAge") {
            Some(n) if n > 0 && n <= max_age => {}
            Some(n) => short.push(format!("passwords expire after {n} days")),
            None => short.push("passwords never expire".into()),
        }
    }
    if short.is_empty() {
        Outcome::verdict(true, expected, "meets the minimums")
    } else {
        Outcome::verdict(false, expected, short.join("; "))
    }
}

#[cfg(test)]
mod tests {
    use crate::checks::iam::fixtures::{account, run};
    use crate::checks::Status;
    use serde_json::json;

    fn policy(p: serde_json::Value) -> crate::observe::Observation {
        account(json!({ "IamPasswordPolicy": p }))
    }

    #[test]
    fn no_policy_fails_as_not_configured() {
        let out = run("iam.password_policy", &account(json!({})), &[]);
        assert_eq!(
            (out.status, out.actual.as_str()),
            (Status::Failed, "not configured")
        );
    }

    #[test]
    fn each_shortfall_is_named_and_parameters_relax_them() {
        let weak = policy(
            json!({"MinimumPasswordLength": 8, "RequireSymbols": false, "PasswordReusePrevention": 3}),
        );
        let out = run("iam.password_policy", &weak, &[]);
        assert_eq!(out.status, Status::Failed);
        for part in [
            "minimum length 8",
            "symbols not required",
            "remembers 3 passwords",
            "passwords never expire",
        ] {
            assert!(out.actual.contains(part), "{part}: {}", out.actual);
        }
        let relaxed = [
            ("min_length", "8"),
            ("require_symbols", "false"),
            ("require_numbers", "false"),
            ("require_uppercase", "false"),
            ("require_lowercase", "false"),
            ("reuse_prevention", "0"),
            ("max_age_days", "0"),
        ];
        assert_eq!(
            run("iam.password_policy", &weak, &relaxed).status,
            Status::Passed
        );
        assert_eq!(
            run("iam.password_policy", &weak, &[("min_length", "five")]).status,
            Status::Error
        );
    }

    #[test]
    fn passwords_expiring_later_than_the_maximum_fail() {
        let p = policy(
            json!({"MinimumPasswordLength": 14, "RequireSymbols": true, "RequireNumbers": true,
            "RequireUppercaseCharacters": true, "RequireLowercaseCharacters": true,
            "PasswordReusePrevention": 24, "ExpirePasswords": true, "MaxPasswordAge": 180}),
        );
        let out = run("iam.password_policy", &p, &[]);
        assert_eq!(out.status, Status::Failed);
        assert_eq!(out.actual, "passwords expire after 180 days");
        assert_eq!(
            run("iam.password_policy", &p, &[("max_age_days", "365")]).status,
            Status::Passed
        );
    }
}
