//! `s3.lifecycle_retention`: lifecycle rules keep record versions at least N days.
//! Definition, evaluator and unit tests.
//!
//! Decision (21 CFR 11.10(c): records retrievable throughout their retention period; Annex 11
//! §7.1 data accessible throughout the retention period, §17 archived data): the check fails
//! when an enabled lifecycle rule permanently deletes a record version sooner than
//! `min_retention_days`:
//! - `NoncurrentVersionExpiration.NoncurrentDays` below the minimum (previous versions of a
//!   record are deleted);
//! - a current-object `Expiration` (days below the minimum, or a date) on a bucket whose
//!   versioning is not `Enabled`: there the expiration deletes the only copy.
//!
//! On a versioned bucket a current-object expiration only adds a delete marker: the record
//! stays retrievable as a noncurrent version, which the noncurrent rule governs, so it does
//! not fail the check (the actual value names it). Disabled rules, transitions to other
//! storage classes, expired-delete-marker clean-up and aborting incomplete multipart uploads
//! delete no record. A rule's filter (prefix, tags, sizes) is not narrowed down: any enabled
//! rule counts, since the check cannot know which keys hold records. No lifecycle
//! configuration (`NoSuchLifecycleConfiguration`) expires nothing and passes.

use super::{str_at, Eval, BUCKET_TYPES};
use crate::catalog::{CheckDef, CheckParam, ParamKind, Related, Remediation, SeverityClass, Stage};
use crate::checks::{support, Check, Outcome, Params};
use crate::observe::Observation;
use serde_json::Value as Json;

/// The default minimum: one year. Set it to the records' retention period (e.g. 2555 for
/// seven years).
const DEFAULT_MIN_DAYS: i64 = 365;

/// The `s3.lifecycle_retention` check.
pub static CHECK: Check = Check {
    def: CheckDef {
        id: "s3.lifecycle_retention",
        title: "Lifecycle rules keep record versions for the retention period",
        description: "OQ. Calls S3 GetBucketLifecycleConfiguration (and uses GetBucketVersioning). Fails \
            when an enabled lifecycle rule expires noncurrent versions (NoncurrentVersionExpiration \
            NoncurrentDays) sooner than min_retention_days, or expires current objects (Expiration days \
            below the minimum, or a date) on a bucket whose versioning is not Enabled, where that deletes \
            the only copy. On a versioned bucket a current-object expiration only adds a delete marker and \
            the record stays retrievable as a noncurrent version. Disabled rules, transitions, \
            delete-marker clean-up and incomplete-upload aborts pass; a rule's filter is not narrowed \
            (any enabled rule counts). No lifecycle configuration (NoSuchLifecycleConfiguration) passes. \
            Prowler's s3_bucket_lifecycle_enabled and AWS Config's s3-version-lifecycle-policy-check ask \
            for a lifecycle policy to exist, not for retention, and are not equivalents.",
        stage: Stage::Oq,
        service: "s3",
        resource_types: BUCKET_TYPES,
        severity: SeverityClass::Security,
        iam_actions: &["s3:GetLifecycleConfiguration", "s3:GetBucketVersioning"],
        controls: &["21CFR11.10(c)", "Annex11-7.1", "Annex11-17"],
        remediation: "Keep noncurrent versions at least the retention period, or remove the expiring rule: \
            Terraform aws_s3_bucket_lifecycle_configuration { rule { noncurrent_version_expiration { \
            noncurrent_days = <retention days> } } }; CloudFormation LifecycleConfiguration.Rules[].\
            NoncurrentVersionExpiration.NoncurrentDays; or S3 PutBucketLifecycleConfiguration (or \
            DeleteBucketLifecycle). Keep versioning Enabled on buckets whose current objects expire.",
        remediation_code: Remediation {
            terraform: "resource \"aws_s3_bucket_lifecycle_configuration\" \"records\" {\n  bucket = aws_s3_bucket.records.id\n  rule {\n    id     = \"keep-record-versions\"\n    status = \"Enabled\"\n    filter {}\n    noncurrent_version_expiration {\n      noncurrent_days = 2555\n    }\n  }\n}",
            cloudformation: "LifecycleConfiguration:\n  Rules:\n    - Id: keep-record-versions\n      Status: Enabled\n      NoncurrentVersionExpiration:\n        NoncurrentDays: 2555",
            cli: "aws s3api put-bucket-lifecycle-configuration --bucket BUCKET --lifecycle-configuration \\\n  '{\"Rules\":[{\"ID\":\"keep-record-versions\",\"Status\":\"Enabled\",\"Filter\":{},\"NoncurrentVersionExpiration\":{\"NoncurrentDays\":2555}}]}'",
        },
        related: Related {
            prowler: &[],
            aws_config: &[],
        },
        params: &[CheckParam {
            name: "min_retention_days",
            description: "Minimum number of days a record version is kept before a lifecycle rule may \
                delete it (default one year; set it to the records' retention period, e.g. 2555 for seven \
                years).",
            default: Some("365"),
            kind: ParamKind::Days { min: 1, max: 36500 },
        }],
    },
    evaluate,
    #[cfg(test)]
    fixtures: crate::checks::UnitFixtures::Properties {
        pass: r#"{"LifecycleConfiguration": {"Rules": [{"Id": "keep", "Status": "Enabled", "NoncurrentVersionExpiration": {"NoncurrentDays": 400}}]}}"#,
        fail: r#"{"LifecycleConfiguration": {"Rules": [{"Id": "short", "Status": "Enabled", "NoncurrentVersionExpiration": {"NoncurrentDays": 30}}]}}"#,
        unreadable: "LifecycleConfiguration",
    },
};

fn evaluate(obs: &Observation, params: &Params) -> Outcome {
    lifecycle_retention(obs, params).unwrap_or_else(|early| early)
}

/// A rule's number of days at `pointer`: `Ok(None)` when absent, `Err` when not a number.
fn days_at(rule: &Json, pointer: &str) -> Result<Option<i64>, ()> {
    match rule.pointer(pointer) {
        None | Some(Json::Null) => Ok(None),
        Some(v) => v.as_i64().map(Some).ok_or(()),
    }
}

fn lifecycle_retention(obs: &Observation, params: &Params) -> Eval {
    let min = params
        .days("min_retention_days")
        .unwrap_or(DEFAULT_MIN_DAYS);
    let expected =
        format!("no enabled lifecycle rule deletes a record version in less than {min} day(s)");
    let conf = support::property(obs, "LifecycleConfiguration", &expected)?;
    let Some(conf) = conf else {
        return Ok(Outcome::verdict(
            true,
            expected,
            "no lifecycle configuration",
        ));
    };
    let Some(rules) = conf.get("Rules").and_then(Json::as_array) else {
        return Err(Outcome::error(
            expected,
            "LifecycleConfiguration has no Rules list",
        ));
    };
    let enabled: Vec<&Json> = rules
        .iter()
        .filter(|r| str_at(r, "/Status").is_some_and(|s| s.eq_ignore_ascii_case("Enabled")))
        .collect();
    let mut short = Vec::new();
    let mut kept = Vec::new();
    let mut versioned = None;
    for (i, rule) in enabled.iter().enumerate() {
        let name =
            str_at(rule, "/Id").map_or_else(|| format!("#{}", i + 1), |id| format!("{id:?}"));
        let malformed = |what: &str| Outcome::error(&expected, format!("rule {name}: {what}"));
        let noncurrent = match days_at(rule, "/NoncurrentVersionExpiration/NoncurrentDays") {
            Ok(Some(d)) => Some(d),
            Ok(None) => days_at(rule, "/NoncurrentVersionExpirationInDays")
                .map_err(|_| malformed("NoncurrentVersionExpirationInDays is not a number"))?,
            Err(()) => return Err(malformed("NoncurrentDays is not a number")),
        };
        if noncurrent.is_none() && rule.get("NoncurrentVersionExpiration").is_some() {
            return Err(malformed(
                "NoncurrentVersionExpiration without NoncurrentDays",
            ));
        }
        match noncurrent {
            Some(d) if d < min => short.push(format!(
                "rule {name} deletes noncurrent versions after {d} day(s)"
            )),
            Some(d) => kept.push(format!("rule {name} keeps noncurrent versions {d} day(s)")),
            None => {}
        }
        let current = days_at(rule, "/ExpirationInDays")
            .map_err(|_| malformed("ExpirationInDays is not a number"))?;
        let date = str_at(rule, "/ExpirationDate");
        let expires = match (current, date) {
            (Some(d), _) if d < min => Some(format!("after {d} day(s)")),
            (_, Some(date)) => Some(format!("on {date}")),
            _ => None,
        };
        if let Some(when) = expires {
            let is_versioned = match versioned {
                Some(v) => v,
                None => {
                    let status = support::string(obs, "VersioningConfiguration.Status", &expected)?;
                    let v = status.is_some_and(|s| s.eq_ignore_ascii_case("Enabled"));
                    versioned = Some(v);
                    v
                }
            };
            if is_versioned {
                kept.push(format!(
                    "rule {name} expires current objects {when} (kept as noncurrent versions)"
                ));
            } else {
                short.push(format!(
                    "rule {name} deletes objects {when} on a bucket without versioning Enabled"
                ));
            }
        }
    }
    if !short.is_empty() {
        return Ok(Outcome::verdict(false, expected, short.join("; ")));
    }
    let actual = if kept.is_empty() {
        format!(
            "{} enabled rule(s), none deleting record versions",
            enabled.len()
        )
    } else {
        kept.join("; ")
    };
    Ok(Outcome::verdict(true, expected, actual))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::s3::fixtures::{bucket, errored, run};
    use crate::checks::Status;
    use serde_json::json;

    const ID: &str = "s3.lifecycle_retention";

    fn rules(rules: Json, versioning: Option<&str>) -> Observation {
        let mut props = json!({"LifecycleConfiguration": {"Rules": rules}});
        if let Some(status) = versioning {
            props["VersioningConfiguration"] = json!({"Status": status});
        }
        bucket(props)
    }

    #[test]
    fn noncurrent_versions_kept_at_least_the_minimum_pass() {
        let o = rules(
            json!([{"Id": "keep", "Status": "Enabled",
                    "NoncurrentVersionExpiration": {"NoncurrentDays": 2555, "NewerNoncurrentVersions": 3}}]),
            Some("Enabled"),
        );
        let r = run(ID, &o, &[("min_retention_days", "2555")]);
        assert_eq!(r.status, Status::Passed, "{r:?}");
        assert_eq!(
            r.actual,
            "rule \"keep\" keeps noncurrent versions 2555 day(s)"
        );
        let r = run(ID, &o, &[("min_retention_days", "2556")]);
        assert_eq!(r.status, Status::Failed, "{r:?}");
        assert_eq!(
            r.actual,
            "rule \"keep\" deletes noncurrent versions after 2555 day(s)"
        );
    }

    #[test]
    fn no_lifecycle_or_no_expiring_rule_passes() {
        let r = run(ID, &bucket(json!({})), &[]);
        assert_eq!(
            (r.status, r.actual.as_str()),
            (Status::Passed, "no lifecycle configuration")
        );
        let o = rules(
            json!([
                {"Id": "archive", "Status": "Enabled",
                 "Transitions": [{"StorageClass": "GLACIER", "TransitionInDays": 30}],
                 "AbortIncompleteMultipartUpload": {"DaysAfterInitiation": 7},
                 "ExpiredObjectDeleteMarker": true},
                {"Id": "off", "Status": "Disabled",
                 "NoncurrentVersionExpiration": {"NoncurrentDays": 1}, "ExpirationInDays": 1}
            ]),
            None,
        );
        let r = run(ID, &o, &[]);
        assert_eq!(r.status, Status::Passed, "{r:?}");
        assert_eq!(r.actual, "1 enabled rule(s), none deleting record versions");
    }

    #[test]
    fn the_default_minimum_is_one_year() {
        let o = |days: i64| {
            rules(
                json!([{"Status": "Enabled", "NoncurrentVersionExpiration": {"NoncurrentDays": days}}]),
                Some("Enabled"),
            )
        };
        assert_eq!(run(ID, &o(365), &[]).status, Status::Passed);
        let r = run(ID, &o(364), &[]);
        assert_eq!(r.status, Status::Failed);
        assert_eq!(
            r.actual,
            "rule #1 deletes noncurrent versions after 364 day(s)"
        );
        // The legacy CloudFormation spelling counts the same.
        let legacy = rules(
            json!([{"Status": "Enabled", "NoncurrentVersionExpirationInDays": 10}]),
            Some("Enabled"),
        );
        assert_eq!(run(ID, &legacy, &[]).status, Status::Failed);
    }

    #[test]
    fn current_object_expiration_fails_only_without_versioning() {
        let expiring = json!([{"Id": "tmp", "Status": "Enabled", "ExpirationInDays": 30}]);
        let r = run(ID, &rules(expiring.clone(), Some("Enabled")), &[]);
        assert_eq!(r.status, Status::Passed, "{r:?}");
        assert_eq!(
            r.actual,
            "rule \"tmp\" expires current objects after 30 day(s) (kept as noncurrent versions)"
        );
        for versioning in [None, Some("Suspended")] {
            let r = run(ID, &rules(expiring.clone(), versioning), &[]);
            assert_eq!(r.status, Status::Failed, "{versioning:?}: {r:?}");
            assert_eq!(
                r.actual,
                "rule \"tmp\" deletes objects after 30 day(s) on a bucket without versioning Enabled"
            );
        }
        let dated = json!([{"Status": "Enabled", "ExpirationDate": "2030-01-01T00:00:00Z"}]);
        let r = run(ID, &rules(dated, None), &[]);
        assert_eq!(r.status, Status::Failed, "{r:?}");
        assert!(r.actual.contains("on 2030-01-01T00:00:00Z"), "{r:?}");
        // A long current-object expiration deletes nothing sooner than the minimum.
        let long = json!([{"Status": "Enabled", "ExpirationInDays": 3650}]);
        assert_eq!(run(ID, &rules(long, None), &[]).status, Status::Passed);
    }

    #[test]
    fn unreadable_or_malformed_lifecycle_is_an_error() {
        assert_eq!(
            errored(ID, "LifecycleConfiguration", &[]).status,
            Status::Error
        );
        // Versioning decides a current-object expiration: unreadable, the check cannot decide.
        let mut o = rules(json!([{"Status": "Enabled", "ExpirationInDays": 30}]), None);
        o.error("VersioningConfiguration", "AccessDenied: Access Denied");
        assert_eq!(run(ID, &o, &[]).status, Status::Error);
        for bad in [
            json!([{"Status": "Enabled", "NoncurrentVersionExpiration": {"NewerNoncurrentVersions": 2}}]),
            json!([{"Status": "Enabled", "NoncurrentVersionExpiration": {"NoncurrentDays": "soon"}}]),
            json!([{"Status": "Enabled", "ExpirationInDays": "soon"}]),
        ] {
            let r = run(ID, &rules(bad.clone(), Some("Enabled")), &[]);
            assert_eq!(r.status, Status::Error, "{bad}: {r:?}");
        }
        let no_rules = bucket(json!({"LifecycleConfiguration": {}}));
        assert_eq!(run(ID, &no_rules, &[]).status, Status::Error);
        let r = run(ID, &bucket(json!({})), &[("min_retention_days", "1y")]);
        assert_eq!(r.status, Status::Error);
    }
}
