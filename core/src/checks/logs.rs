//! Evaluators for `logs.*` checks on `AWS::Logs::LogGroup` observations.

use super::support::{integer, kms_key_matches, string};
use super::{Outcome, Params};
use crate::observe::Observation;

/// Minimum retention when `min_days` is not set (the catalog default).
const DEFAULT_MIN_DAYS: i64 = 365;

/// Evaluate a `logs` check; `None` when `id` is not one of them.
pub fn evaluate(id: &str, obs: &Observation, params: &Params) -> Option<Outcome> {
    let outcome = match id {
        "logs.retention" => retention(obs, params.days("min_days").unwrap_or(DEFAULT_MIN_DAYS)),
        "logs.kms" => kms(obs, params.text("kms_key_id")),
        _ => return None,
    };
    Some(outcome.unwrap_or_else(|e| e))
}

fn retention(obs: &Observation, min_days: i64) -> Result<Outcome, Outcome> {
    let expected = format!("retention at least {min_days} days");
    Ok(match integer(obs, "RetentionInDays", &expected)? {
        None => Outcome::verdict(true, expected, "never expire (records kept indefinitely)"),
        Some(days) => Outcome::verdict(days >= min_days, expected, format!("{days} days")),
    })
}

fn kms(obs: &Observation, want: Option<&str>) -> Result<Outcome, Outcome> {
    let want = want.map(str::trim).filter(|w| !w.is_empty());
    let expected = match want {
        Some(w) => format!("encrypted with KMS key {w}"),
        None => "encrypted with a KMS key".to_string(),
    };
    Ok(match string(obs, "KmsKeyId", &expected)? {
        None => Outcome::verdict(false, expected, "not configured"),
        Some(key) => Outcome::verdict(
            want.is_none_or(|w| kms_key_matches(key, w)),
            expected,
            format!("encrypted with KMS key {key}"),
        ),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::Status;
    use crate::observe::{Target, TargetOrigin};
    use serde_json::{json, Value as Json};
    use std::collections::BTreeMap;

    fn obs(props: Json) -> Observation {
        let t = Target {
            key: "lg".into(),
            resource_type: "AWS::Logs::LogGroup".into(),
            identifier: "/gxp/app".into(),
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

    /// Runs through the catalog so the parameter defaults apply.
    fn run(id: &str, o: &Observation, params: &[(&str, &str)]) -> Outcome {
        let overrides = params
            .iter()
            .map(|(k, v)| (format!("{id}.{k}"), v.to_string()))
            .collect();
        crate::checks::evaluate_id(id, o, &overrides)
    }

    #[test]
    fn unknown_id_is_none() {
        assert!(evaluate("s3.versioning", &obs(json!({})), &Params::default()).is_none());
    }

    #[test]
    fn an_unparsable_min_days_is_an_error_not_the_default() {
        // "abc" used to be checked as the default, 365 days.
        let out = run(
            "logs.retention",
            &obs(json!({"RetentionInDays": 400})),
            &[("min_days", "abc")],
        );
        assert_eq!(out.status, Status::Error, "{out:?}");
        assert!(out
            .detail
            .unwrap()
            .contains("`logs.retention.min_days` = \"abc\" is not valid"),);
        let out = run("logs.retention", &obs(json!({})), &[("min_days", "0")]);
        assert_eq!(out.status, Status::Error, "out of range: {out:?}");
    }

    #[test]
    fn retention() {
        let id = "logs.retention";
        let year = obs(json!({"RetentionInDays": 365}));
        let out = run(id, &year, &[]);
        assert_eq!(out.status, Status::Passed);
        assert_eq!(out.expected, "retention at least 365 days");
        let week = run(id, &obs(json!({"RetentionInDays": 7})), &[]);
        assert_eq!(
            (week.status, week.actual.as_str()),
            (Status::Failed, "7 days")
        );
        assert_eq!(
            run(
                id,
                &obs(json!({"RetentionInDays": 7})),
                &[("min_days", "7")]
            )
            .status,
            Status::Passed
        );
        assert_eq!(
            run(id, &year, &[("min_days", "3653")]).status,
            Status::Failed
        );
        let never = run(id, &obs(json!({})), &[]);
        assert_eq!(never.status, Status::Passed);
        assert!(never.actual.contains("never expire"));
        let mut e = obs(json!({}));
        e.error("RetentionInDays", "DescribeLogGroups: AccessDenied");
        assert_eq!(run(id, &e, &[]).status, Status::Error);
    }

    #[test]
    fn kms() {
        let id = "logs.kms";
        let arn = "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";
        let o = obs(json!({ "KmsKeyId": arn }));
        assert_eq!(run(id, &o, &[]).status, Status::Passed);
        assert_eq!(run(id, &o, &[("kms_key_id", arn)]).status, Status::Passed);
        assert_eq!(
            run(
                id,
                &o,
                &[("kms_key_id", "1234abcd-12ab-34cd-56ef-1234567890ab")]
            )
            .status,
            Status::Passed
        );
        let other = run(
            id,
            &o,
            &[(
                "kms_key_id",
                "arn:aws:kms:us-east-1:111122223333:key/ffffffff-ffff-ffff-ffff-ffffffffffff",
            )],
        );
        assert_eq!(other.status, Status::Failed);
        let none = run(id, &obs(json!({})), &[]);
        assert_eq!(
            (none.status, none.actual.as_str()),
            (Status::Failed, "not configured")
        );
        let mut e = obs(json!({}));
        e.error("KmsKeyId", "denied");
        assert_eq!(run(id, &e, &[]).status, Status::Error);
    }
}
