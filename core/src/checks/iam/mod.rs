//! IAM checks of the account (`AWS::::Account`): root account, password policy, users,
//! their credentials and policies. They read the IAM account facets
//! ([`crate::observe::iam`]); checks that cover every principal give one outcome per
//! principal ([`crate::checks::Outcome::per_subject`]).

pub mod access_keys_rotated;
pub mod no_admin_policies;
pub mod no_kms_decrypt_on_all_keys;
pub mod password_policy;
pub mod root_mfa;
pub mod root_no_access_keys;
pub mod unused_credentials;
pub mod user_console_mfa;
pub mod user_no_direct_policies;

use serde_json::Value as Json;

use crate::checks::Outcome;
use crate::observe::Observation;
use crate::util::parse_time;

/// The resource types of the IAM checks: the account.
pub const ACCOUNT: &[&str] = &[crate::observe::account::ACCOUNT_TYPE];

/// The controls of access to the system and its records.
pub const ACCESS_CONTROLS: &[&str] = &[
    "21CFR11.10(d)",
    "21CFR11.10(g)",
    "21CFR11.300",
    "Annex11-12",
    "Annex11-12.1",
];

/// [`ACCESS_CONTROLS`] and §11.200 (two distinct identification components): the checks
/// of the root user's and the console users' second factor and of root access keys, as
/// Prowler's Part 11 mapping places them.
pub const SIGNATURE_COMPONENT_CONTROLS: &[&str] = &[
    "21CFR11.10(d)",
    "21CFR11.10(g)",
    "21CFR11.200",
    "21CFR11.300",
    "Annex11-12",
    "Annex11-12.1",
];

/// When the account was observed (ages count from it); an error outcome without it.
pub fn observed_at(obs: &Observation, expected: &str) -> Result<time::OffsetDateTime, Outcome> {
    obs.observed_at
        .as_deref()
        .and_then(parse_time)
        .ok_or_else(|| Outcome::error(expected, "the observation has no time to count ages from"))
}

/// Whole days from `then` (an IAM date, RFC 3339) to `now`; `None` when `then` is not a date
/// (`N/A`, `no_information`, `not_supported`).
pub fn days_since(then: &str, now: time::OffsetDateTime) -> Option<i64> {
    parse_time(then).map(|t| (now - t).whole_days())
}

pub use crate::checks::support::list;

/// A string member of a JSON object, `""` when absent.
pub fn text<'a>(v: &'a Json, key: &str) -> &'a str {
    v.get(key).and_then(Json::as_str).unwrap_or_default()
}

/// The strings of a policy element that may be a string or a list of strings.
pub fn strings(v: Option<&Json>) -> Vec<&str> {
    match v {
        Some(Json::String(s)) => vec![s.as_str()],
        Some(Json::Array(items)) => items.iter().filter_map(Json::as_str).collect(),
        _ => vec![],
    }
}

/// The statements of a policy document (`Statement` an object or a list), or why the
/// document cannot be read.
pub fn statements(document: &Json) -> Result<Vec<&Json>, String> {
    match document {
        Json::Object(doc) => match doc.get("Statement") {
            Some(Json::Array(items)) => Ok(items.iter().collect()),
            Some(one @ Json::Object(_)) => Ok(vec![one]),
            None => Ok(vec![]),
            Some(_) => Err("the policy's Statement is neither an object nor a list".into()),
        },
        Json::String(_) => Err("the policy document is not JSON".into()),
        _ => Err("the policy document is not a JSON object".into()),
    }
}

/// IAM wildcard matching (`*` any run, `?` one character), case-insensitive as IAM action
/// names are.
pub fn wildcard_match(pattern: &str, text: &str) -> bool {
    let p: Vec<char> = pattern.to_ascii_lowercase().chars().collect();
    let t: Vec<char> = text.to_ascii_lowercase().chars().collect();
    let (mut pi, mut ti, mut star, mut mark) = (0, 0, None, 0);
    while ti < t.len() {
        if pi < p.len() && (p[pi] == '?' || p[pi] == t[ti]) {
            pi += 1;
            ti += 1;
        } else if pi < p.len() && p[pi] == '*' {
            star = Some(pi);
            mark = ti;
            pi += 1;
        } else if let Some(s) = star {
            pi = s + 1;
            mark += 1;
            ti = mark;
        } else {
            return false;
        }
    }
    while pi < p.len() && p[pi] == '*' {
        pi += 1;
    }
    pi == p.len()
}

/// Whether an `Allow` statement grants `action` on every resource matching `all_resources`:
/// `Action` matches it, or `NotAction` does not exclude it; `Resource` has an element
/// `all_resources` accepts (a `NotResource` statement grants all but some resources and is
/// taken as granting all). Conditions are not evaluated: a conditional grant still counts.
pub fn allows(statement: &Json, action: &str, all_resources: &dyn Fn(&str) -> bool) -> bool {
    if !text(statement, "Effect").eq_ignore_ascii_case("Allow") {
        return false;
    }
    let action_granted = if statement.get("NotAction").is_some() {
        !strings(statement.get("NotAction"))
            .iter()
            .any(|p| wildcard_match(p, action))
    } else {
        strings(statement.get("Action"))
            .iter()
            .any(|p| wildcard_match(p, action))
    };
    let resource_all = if statement.get("NotResource").is_some() {
        true
    } else {
        strings(statement.get("Resource"))
            .iter()
            .any(|r| all_resources(r))
    };
    action_granted && resource_all
}

#[cfg(test)]
pub(crate) mod fixtures {
    use serde_json::Value as Json;

    use crate::checks::testing::{observation, run as run_check};
    use crate::checks::{Outcome, Status};
    use crate::observe::Observation;

    /// The account with the properties of `props`, observed at the unit fixtures' time.
    pub fn account(props: Json) -> Observation {
        observation(super::ACCOUNT[0], "123456789012/eu-west-1", props)
    }

    /// Run `id` with `CHECK.PARAM` overrides.
    pub fn run(id: &str, o: &Observation, params: &[(&str, &str)]) -> Outcome {
        run_check(id, o, params)
    }

    /// The (subject, status) of each principal's outcome.
    pub fn per_subject(out: &Outcome) -> Vec<(String, Status)> {
        out.subjects
            .iter()
            .map(|s| (s.subject.clone(), s.outcome.status))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn wildcards_match_like_iam() {
        assert!(wildcard_match("*", "kms:Decrypt"));
        assert!(wildcard_match("kms:*", "kms:Decrypt"));
        assert!(wildcard_match("KMS:decrypt", "kms:Decrypt"));
        assert!(wildcard_match("kms:De*", "kms:Decrypt"));
        assert!(wildcard_match("kms:?ecrypt", "kms:Decrypt"));
        assert!(!wildcard_match("kms:Encrypt", "kms:Decrypt"));
        assert!(!wildcard_match("s3:*", "kms:Decrypt"));
        assert!(wildcard_match("*:*", "kms:Decrypt"));
    }

    #[test]
    fn statements_come_as_an_object_or_a_list() {
        let one = json!({"Statement": {"Effect": "Allow", "Action": "*", "Resource": "*"}});
        let many = json!({"Statement": [{"Effect": "Allow", "Action": ["*"], "Resource": ["*"]}]});
        assert_eq!(statements(&one).unwrap().len(), 1);
        assert_eq!(statements(&many).unwrap().len(), 1);
        assert!(statements(&json!("text")).is_err());
        assert!(statements(&json!({"Statement": 3})).is_err());
        let star = |r: &str| r == "*";
        assert!(allows(
            statements(&one).unwrap()[0],
            "iam:CreateUser",
            &star
        ));
        assert!(allows(
            statements(&many).unwrap()[0],
            "iam:CreateUser",
            &star
        ));
    }

    #[test]
    fn not_action_grants_what_it_does_not_name() {
        let s = json!({"Effect": "Allow", "NotAction": ["iam:*"], "Resource": "*"});
        let star = |r: &str| r == "*";
        assert!(allows(&s, "kms:Decrypt", &star));
        assert!(!allows(&s, "iam:CreateUser", &star));
        let deny = json!({"Effect": "Deny", "Action": "*", "Resource": "*"});
        assert!(!allows(&deny, "kms:Decrypt", &star));
        let scoped = json!({"Effect": "Allow", "Action": "*", "Resource": "arn:aws:s3:::b"});
        assert!(!allows(&scoped, "kms:Decrypt", &star));
    }
}
