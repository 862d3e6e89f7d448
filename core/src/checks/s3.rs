//! Evaluators for `s3.*` checks on `AWS::S3::Bucket` observations
//! (shape: see [`crate::observe::s3`]).

use serde_json::Value as Json;

use super::support;
use super::{Outcome, Params};
use crate::observe::s3::{bucket_arn, bucket_name};
use crate::observe::Observation;

/// Evaluate a `s3` check; `None` when `id` is not one of them.
pub fn evaluate(id: &str, obs: &Observation, params: &Params) -> Option<Outcome> {
    let result = match id {
        "s3.encryption" => encryption(obs, params),
        "s3.versioning" => versioning(obs),
        "s3.public_access_block" => public_access_block(obs),
        "s3.tls_only" => tls_only(obs),
        "s3.object_lock" => object_lock(obs, params),
        "s3.access_logging" => access_logging(obs, params),
        "s3.replication" => replication(obs, params),
        _ => return None,
    };
    Some(result.unwrap_or_else(|error| error))
}

/// Outcome of an evaluator; `Err` carries an early outcome (usually a read error).
type Eval = Result<Outcome, Outcome>;

/// A text parameter (parsed and trimmed), when set.
fn param<'a>(params: &'a Params, name: &str) -> Option<&'a str> {
    params.text(name)
}

/// `true`, or the string `true` / `Enabled` (any case).
fn truthy(v: Option<&Json>) -> bool {
    match v {
        Some(Json::Bool(b)) => *b,
        Some(Json::String(s)) => {
            s.eq_ignore_ascii_case("true") || s.eq_ignore_ascii_case("enabled")
        }
        _ => false,
    }
}

fn str_at<'a>(v: &'a Json, pointer: &str) -> Option<&'a str> {
    v.pointer(pointer).and_then(Json::as_str)
}

// ------------------------------------------------------------------ s3.encryption

/// Default encryption is aws:kms (or aws:kms:dsse), with the expected key when set.
fn encryption(obs: &Observation, params: &Params) -> Eval {
    let want = param(params, "kms_key_id");
    let expected = match want {
        Some(k) => format!("aws:kms with key {k}"),
        None => "aws:kms".to_string(),
    };
    let rules = support::property(
        obs,
        "BucketEncryption.ServerSideEncryptionConfiguration",
        &expected,
    )?
    .and_then(Json::as_array)
    .filter(|r| !r.is_empty());
    let Some(rules) = rules else {
        return Ok(Outcome::verdict(false, expected, "not configured"));
    };
    let mut seen = Vec::new();
    let mut undecided = None;
    for rule in rules {
        let algorithm = str_at(rule, "/ServerSideEncryptionByDefault/SSEAlgorithm");
        let key = str_at(rule, "/ServerSideEncryptionByDefault/KMSMasterKeyID");
        let is_kms = matches!(algorithm, Some("aws:kms" | "aws:kms:dsse"));
        seen.push(match (algorithm, key) {
            (None, _) => "no default encryption".to_string(),
            (Some(a), Some(k)) if is_kms => format!("{a} with key {k}"),
            (Some(a), None) if is_kms => format!("{a} with the AWS managed key aws/s3"),
            (Some(a), _) => a.to_string(),
        });
        if !is_kms {
            continue;
        }
        match (want, key) {
            (None, _) => {
                return Ok(Outcome::verdict(
                    true,
                    expected,
                    seen.pop().unwrap_or_default(),
                ))
            }
            (Some(_), None) => {}
            (Some(w), Some(k)) => match key_matches(obs, k, w) {
                Ok(true) => {
                    return Ok(Outcome::verdict(
                        true,
                        expected,
                        seen.pop().unwrap_or_default(),
                    ))
                }
                Ok(false) => {}
                Err(why) => undecided = Some(why),
            },
        }
    }
    if let Some(why) = undecided {
        return Err(Outcome::error(expected, why));
    }
    Ok(Outcome::verdict(false, expected, seen.join("; ")))
}

/// Whether the bucket's key reference matches the expected one, resolving aliases through
/// `KmsKeyAliases`; `Err` when an alias could not be resolved.
fn key_matches(obs: &Observation, actual: &str, expected: &str) -> Result<bool, String> {
    if support::kms_key_matches(actual, expected) {
        return Ok(true);
    }
    let resolve = |reference: &str| -> Result<String, String> {
        if !reference.contains("alias/") {
            return Ok(reference.to_string());
        }
        let key = obs
            .get("KmsKeyAliases")
            .and_then(|m| m.get(reference))
            .and_then(Json::as_str);
        match (key, obs.error_for("KmsKeyAliases")) {
            (Some(k), _) => Ok(k.to_string()),
            (None, Some(err)) => Err(err.to_string()),
            (None, None) => Err(format!("KMS alias {reference} was not resolved to a key")),
        }
    };
    Ok(support::kms_key_matches(
        &resolve(actual)?,
        &resolve(expected)?,
    ))
}

// ------------------------------------------------------------------ s3.versioning

fn versioning(obs: &Observation) -> Eval {
    const EXPECTED: &str = "Enabled";
    let status = support::string(obs, "VersioningConfiguration.Status", EXPECTED)?;
    let outcome = match status {
        Some(s) => Outcome::verdict(s == "Enabled", EXPECTED, s),
        None => Outcome::verdict(false, EXPECTED, "not configured (never enabled)"),
    };
    Ok(match obs.get("MfaDelete").and_then(Json::as_str) {
        Some(mfa) => outcome.with_detail(format!("MFA delete: {mfa}")),
        None => outcome,
    })
}

// ------------------------------------------------------------------ s3.public_access_block

const PUBLIC_ACCESS_FLAGS: [&str; 4] = [
    "BlockPublicAcls",
    "IgnorePublicAcls",
    "BlockPublicPolicy",
    "RestrictPublicBuckets",
];

fn public_access_block(obs: &Observation) -> Eval {
    let expected = format!("{} all true", PUBLIC_ACCESS_FLAGS.join(", "));
    let Some(conf) = support::property(obs, "PublicAccessBlockConfiguration", &expected)? else {
        return Ok(Outcome::verdict(false, expected, "not configured"));
    };
    let off: Vec<&str> = PUBLIC_ACCESS_FLAGS
        .into_iter()
        .filter(|flag| !truthy(conf.get(flag)))
        .collect();
    Ok(if off.is_empty() {
        Outcome::verdict(true, expected, "all four true")
    } else {
        Outcome::verdict(false, expected, format!("false: {}", off.join(", ")))
    })
}

// ------------------------------------------------------------------ s3.tls_only

fn tls_only(obs: &Observation) -> Eval {
    const EXPECTED: &str =
        "a Deny of s3:* for Principal * on the bucket and its objects when aws:SecureTransport is false";
    let Some(policy) = support::property(obs, "BucketPolicy", EXPECTED)? else {
        return Ok(Outcome::verdict(false, EXPECTED, "no bucket policy"));
    };
    let arn = obs
        .arn
        .clone()
        .unwrap_or_else(|| bucket_arn(&obs.identifier));
    let statements: Vec<&Json> = match policy.get("Statement") {
        Some(Json::Array(list)) => list.iter().collect(),
        Some(single @ Json::Object(_)) => vec![single],
        _ => Vec::new(),
    };
    let mut partial = Vec::new();
    for (i, stmt) in statements.iter().enumerate() {
        let name = str_at(stmt, "/Sid")
            .map(|s| format!("statement {s}"))
            .unwrap_or_else(|| format!("statement #{}", i + 1));
        match tls_gaps(stmt, &arn) {
            None => {}
            Some(gaps) if gaps.is_empty() => {
                return Ok(Outcome::verdict(
                    true,
                    EXPECTED,
                    format!("{name} denies non-TLS access"),
                ))
            }
            Some(gaps) => partial.push(format!("{name}: {}", gaps.join(", "))),
        }
    }
    Ok(if partial.is_empty() {
        Outcome::verdict(false, EXPECTED, "no statement denies non-TLS access")
    } else {
        Outcome::verdict(false, EXPECTED, "non-TLS deny is incomplete")
            .with_detail(partial.join("; "))
    })
}

/// `None` when the statement is not a Deny conditioned on aws:SecureTransport false;
/// otherwise what it lacks (empty when it denies all non-TLS access to bucket and objects).
fn tls_gaps(stmt: &Json, bucket_arn: &str) -> Option<Vec<&'static str>> {
    if str_at(stmt, "/Effect") != Some("Deny") {
        return None;
    }
    let conditions: Vec<(&str, &str, &Json)> = stmt
        .get("Condition")
        .and_then(Json::as_object)
        .into_iter()
        .flatten()
        .flat_map(|(op, keys)| {
            keys.as_object()
                .into_iter()
                .flatten()
                .map(move |(k, v)| (op.as_str(), k.as_str(), v))
        })
        .collect();
    let insecure = |(op, key, value): &(&str, &str, &Json)| {
        (op.eq_ignore_ascii_case("Bool") || op.eq_ignore_ascii_case("BoolIfExists"))
            && key.eq_ignore_ascii_case("aws:SecureTransport")
            && is_false(value)
    };
    if !conditions.iter().any(insecure) {
        return None;
    }
    let mut gaps = Vec::new();
    if ["NotPrincipal", "NotAction", "NotResource"]
        .iter()
        .any(|k| stmt.get(k).is_some())
    {
        gaps.push("uses NotPrincipal/NotAction/NotResource");
    }
    if conditions.len() > 1 {
        gaps.push("further conditions narrow the deny");
    }
    if !everyone(stmt.get("Principal")) {
        gaps.push("Principal is not *");
    }
    if !strings(stmt.get("Action"))
        .iter()
        .any(|a| *a == "*" || a.eq_ignore_ascii_case("s3:*"))
    {
        gaps.push("Action does not include s3:*");
    }
    let resources = strings(stmt.get("Resource"));
    if !resources.iter().any(|r| covers(r, bucket_arn, false)) {
        gaps.push("Resource does not cover the bucket");
    }
    let objects = format!("{bucket_arn}/");
    if !resources.iter().any(|r| covers(r, &objects, true)) {
        gaps.push("Resource does not cover the objects");
    }
    Some(gaps)
}

/// `false`, `"false"` or a non-empty list of those.
fn is_false(v: &Json) -> bool {
    match v {
        Json::Bool(b) => !b,
        Json::String(s) => s.eq_ignore_ascii_case("false"),
        Json::Array(items) => !items.is_empty() && items.iter().all(is_false),
        _ => false,
    }
}

/// `"*"`, `{"AWS": "*"}` or `{"AWS": ["*"]}`.
fn everyone(principal: Option<&Json>) -> bool {
    match principal {
        Some(Json::String(s)) => s == "*",
        Some(Json::Object(m)) => strings(m.get("AWS")).contains(&"*"),
        _ => false,
    }
}

/// A string or a list of strings.
fn strings(v: Option<&Json>) -> Vec<&str> {
    match v {
        Some(Json::String(s)) => vec![s.as_str()],
        Some(Json::Array(items)) => items.iter().filter_map(Json::as_str).collect(),
        _ => Vec::new(),
    }
}

/// Whether the IAM resource pattern (`*`, `?` wildcards) matches `text`; with `any_suffix`,
/// whether it matches `text` followed by every possible suffix (only a `*` absorbs it).
fn covers(pattern: &str, text: &str, any_suffix: bool) -> bool {
    let p: Vec<char> = pattern.chars().collect();
    let mut t: Vec<Option<char>> = text.chars().map(Some).collect();
    if any_suffix {
        t.push(None);
    }
    // dp[j]: p[..i] matches t[..j], row by row over i.
    let mut dp = vec![false; t.len() + 1];
    dp[0] = true;
    for pc in &p {
        let mut next = vec![false; t.len() + 1];
        next[0] = dp[0] && *pc == '*';
        for j in 1..=t.len() {
            next[j] = match pc {
                '*' => dp[j] || next[j - 1],
                '?' => dp[j - 1] && t[j - 1].is_some(),
                c => dp[j - 1] && t[j - 1] == Some(*c),
            };
        }
        dp = next;
    }
    dp[t.len()]
}

// ------------------------------------------------------------------ s3.object_lock

fn object_lock(obs: &Observation, params: &Params) -> Eval {
    let mode = params.choice("mode").unwrap_or("COMPLIANCE");
    let min_days = params.days("min_retention_days").unwrap_or(1);
    let expected = format!("Enabled, default retention {mode} for at least {min_days} day(s)");
    let flag = support::property(obs, "ObjectLockEnabled", &expected)?;
    let conf = support::property(obs, "ObjectLockConfiguration", &expected)?;
    let enabled = truthy(flag) || truthy(conf.and_then(|c| c.get("ObjectLockEnabled")));
    if !enabled {
        return Ok(Outcome::verdict(false, expected, "not enabled"));
    }
    let Some(retention) = conf.and_then(|c| c.pointer("/Rule/DefaultRetention")) else {
        return Ok(Outcome::verdict(
            false,
            expected,
            "Enabled, no default retention",
        ));
    };
    let actual_mode = str_at(retention, "/Mode").unwrap_or("no mode");
    let number = |k: &str| retention.get(k).and_then(Json::as_i64).unwrap_or(0);
    let (days, years) = (number("Days"), number("Years"));
    let effective = days.max(years.saturating_mul(365));
    let period = if years > 0 && days == 0 {
        format!("{years} year(s) ({effective} days)")
    } else {
        format!("{effective} day(s)")
    };
    Ok(Outcome::verdict(
        actual_mode.eq_ignore_ascii_case(mode) && effective >= min_days,
        expected,
        format!("Enabled, default retention {actual_mode} for {period}"),
    ))
}

// ------------------------------------------------------------------ s3.access_logging

fn access_logging(obs: &Observation, params: &Params) -> Eval {
    let want = param(params, "target_bucket").map(bucket_name);
    let expected = match want {
        Some(b) => format!("access logs delivered to {b}"),
        None => "access logs delivered to another bucket".to_string(),
    };
    let dest = support::string(obs, "LoggingConfiguration.DestinationBucketName", &expected)?
        .filter(|d| !d.is_empty());
    let Some(dest) = dest else {
        return Ok(Outcome::verdict(false, expected, "not configured"));
    };
    let dest = bucket_name(dest);
    let prefix = obs
        .get("LoggingConfiguration.LogFilePrefix")
        .and_then(Json::as_str)
        .map(|p| format!(" (prefix {p})"))
        .unwrap_or_default();
    let actual = format!("delivered to {dest}{prefix}");
    if dest == bucket_name(&obs.identifier) {
        return Ok(Outcome::verdict(
            false,
            expected,
            format!("{actual}, the bucket itself"),
        ));
    }
    Ok(Outcome::verdict(
        want.is_none_or(|w| w == dest),
        expected,
        actual,
    ))
}

// ------------------------------------------------------------------ s3.replication

fn replication(obs: &Observation, params: &Params) -> Eval {
    let want = param(params, "destination_bucket");
    let expected = match want {
        Some(b) => format!("an enabled replication rule to {b}"),
        None => "an enabled replication rule".to_string(),
    };
    let Some(rules) = support::property(obs, "ReplicationConfiguration.Rules", &expected)?
        .and_then(Json::as_array)
    else {
        return Ok(Outcome::verdict(false, expected, "not configured"));
    };
    let mut seen = Vec::new();
    let mut ok = false;
    for rule in rules {
        let status = str_at(rule, "/Status").unwrap_or("no status");
        let dest = str_at(rule, "/Destination/Bucket").filter(|d| !d.is_empty());
        seen.push(format!("{status} to {}", dest.unwrap_or("no destination")));
        if let (true, Some(d)) = (status == "Enabled", dest) {
            ok |= want.is_none_or(|w| bucket_name(w) == bucket_name(d));
        }
    }
    let actual = if seen.is_empty() {
        "no rules".to_string()
    } else {
        seen.join("; ")
    };
    Ok(Outcome::verdict(ok, expected, actual))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::Status;
    use crate::observe::{Target, TargetOrigin};
    use serde_json::json;
    use std::collections::BTreeMap;

    const ARN: &str = "arn:aws:s3:::gxp-data";

    fn bucket(props: Json) -> Observation {
        let t = Target {
            key: "b".into(),
            resource_type: "AWS::S3::Bucket".into(),
            identifier: "gxp-data".into(),
            origin: TargetOrigin::Spec,
            checks: vec![],
            params: BTreeMap::new(),
            expected_properties: None,
            requirements: vec![],
        };
        let mut o = Observation::exists(&t);
        o.arn = Some(ARN.into());
        for (k, v) in props.as_object().unwrap() {
            o.set(k, v.clone());
        }
        o
    }

    fn run(id: &str, obs: &Observation, p: &[(&str, &str)]) -> Outcome {
        let overrides = p
            .iter()
            .map(|(k, v)| (format!("{id}.{k}"), v.to_string()))
            .collect();
        crate::checks::evaluate_id(id, obs, &overrides)
    }

    fn errored(id: &str, property: &str, p: &[(&str, &str)]) -> Outcome {
        let mut o = bucket(json!({}));
        o.error(property, "AccessDenied: Access Denied");
        run(id, &o, p)
    }

    fn sse(alg: &str, key: Option<&str>) -> Json {
        let mut d = json!({"SSEAlgorithm": alg});
        if let Some(k) = key {
            d["KMSMasterKeyID"] = json!(k);
        }
        json!({"BucketEncryption": {"ServerSideEncryptionConfiguration": [
            {"ServerSideEncryptionByDefault": d, "BucketKeyEnabled": true}]}})
    }

    const KEY_ARN: &str =
        "arn:aws:kms:us-east-1:111122223333:key/1111aaaa-2222-3333-4444-555566667777";

    #[test]
    fn encryption_passes_for_kms_and_matching_key() {
        let o = bucket(sse("aws:kms", Some(KEY_ARN)));
        let r = run("s3.encryption", &o, &[]);
        assert_eq!(r.status, Status::Passed);
        assert_eq!(r.actual, format!("aws:kms with key {KEY_ARN}"));
        let r = run(
            "s3.encryption",
            &o,
            &[("kms_key_id", "1111aaaa-2222-3333-4444-555566667777")],
        );
        assert_eq!(
            (r.status, r.expected.as_str()),
            (
                Status::Passed,
                "aws:kms with key 1111aaaa-2222-3333-4444-555566667777"
            )
        );
        let dsse = bucket(sse("aws:kms:dsse", None));
        assert_eq!(run("s3.encryption", &dsse, &[]).status, Status::Passed);
    }

    #[test]
    fn encryption_fails_for_sse_s3_other_key_managed_key_or_none() {
        let r = run("s3.encryption", &bucket(sse("AES256", None)), &[]);
        assert_eq!((r.status, r.actual.as_str()), (Status::Failed, "AES256"));
        let other = bucket(sse("aws:kms", Some(KEY_ARN)));
        let r = run(
            "s3.encryption",
            &other,
            &[("kms_key_id", "9999aaaa-9999-9999-9999-999999999999")],
        );
        assert_eq!(r.status, Status::Failed);
        let managed = bucket(sse("aws:kms", None));
        let r = run("s3.encryption", &managed, &[("kms_key_id", KEY_ARN)]);
        assert_eq!(r.status, Status::Failed);
        assert!(r.actual.contains("AWS managed key"));
        let r = run("s3.encryption", &bucket(json!({})), &[]);
        assert_eq!(
            (r.status, r.actual.as_str()),
            (Status::Failed, "not configured")
        );
    }

    #[test]
    fn encryption_resolves_aliases_and_errors_when_it_cannot() {
        let mut o = bucket(sse("aws:kms", Some("alias/gxp")));
        o.set("KmsKeyAliases", json!({"alias/gxp": KEY_ARN}));
        let r = run(
            "s3.encryption",
            &o,
            &[("kms_key_id", "1111aaaa-2222-3333-4444-555566667777")],
        );
        assert_eq!(r.status, Status::Passed);
        let r = run(
            "s3.encryption",
            &o,
            &[("kms_key_id", "3333aaaa-3333-3333-3333-333333333333")],
        );
        assert_eq!(r.status, Status::Failed);

        let mut o = bucket(sse("aws:kms", Some(KEY_ARN)));
        o.error(
            "KmsKeyAliases",
            "KMS DescribeKey alias/gxp: NotFoundException",
        );
        let r = run("s3.encryption", &o, &[("kms_key_id", "alias/gxp")]);
        assert_eq!(r.status, Status::Error);
        let o = bucket(sse("aws:kms", Some(KEY_ARN)));
        let r = run("s3.encryption", &o, &[("kms_key_id", "alias/gxp")]);
        assert_eq!(r.status, Status::Error);
        // An alias matches itself without resolution.
        let o = bucket(sse("aws:kms", Some("arn:aws:kms:us-east-1:1:alias/gxp")));
        let r = run("s3.encryption", &o, &[("kms_key_id", "alias/gxp")]);
        assert_eq!(r.status, Status::Passed);
    }

    #[test]
    fn encryption_read_error_is_error() {
        assert_eq!(
            errored("s3.encryption", "BucketEncryption", &[]).status,
            Status::Error
        );
    }

    #[test]
    fn versioning_pass_fail_not_configured_error() {
        let on = bucket(
            json!({"VersioningConfiguration": {"Status": "Enabled"}, "MfaDelete": "Disabled"}),
        );
        let r = run("s3.versioning", &on, &[]);
        assert_eq!(r.status, Status::Passed);
        assert_eq!(r.detail.as_deref(), Some("MFA delete: Disabled"));
        let off = bucket(json!({"VersioningConfiguration": {"Status": "Suspended"}}));
        let r = run("s3.versioning", &off, &[]);
        assert_eq!((r.status, r.actual.as_str()), (Status::Failed, "Suspended"));
        let r = run("s3.versioning", &bucket(json!({})), &[]);
        assert_eq!(r.status, Status::Failed);
        assert!(r.actual.starts_with("not configured"));
        assert_eq!(
            errored("s3.versioning", "VersioningConfiguration", &[]).status,
            Status::Error
        );
    }

    #[test]
    fn public_access_block_lists_false_flags() {
        let all = json!({"BlockPublicAcls": true, "IgnorePublicAcls": true,
                         "BlockPublicPolicy": true, "RestrictPublicBuckets": true});
        let r = run(
            "s3.public_access_block",
            &bucket(json!({"PublicAccessBlockConfiguration": all})),
            &[],
        );
        assert_eq!(r.status, Status::Passed);
        let some = json!({"BlockPublicAcls": true, "IgnorePublicAcls": true,
                          "BlockPublicPolicy": false});
        let r = run(
            "s3.public_access_block",
            &bucket(json!({"PublicAccessBlockConfiguration": some})),
            &[],
        );
        assert_eq!(r.status, Status::Failed);
        assert_eq!(r.actual, "false: BlockPublicPolicy, RestrictPublicBuckets");
        let r = run("s3.public_access_block", &bucket(json!({})), &[]);
        assert_eq!(
            (r.status, r.actual.as_str()),
            (Status::Failed, "not configured")
        );
        let r = errored(
            "s3.public_access_block",
            "PublicAccessBlockConfiguration",
            &[],
        );
        assert_eq!(r.status, Status::Error);
    }

    fn policy(statement: Json) -> Observation {
        bucket(json!({"BucketPolicy": {"Version": "2012-10-17", "Statement": statement}}))
    }

    fn tls(statement: Json) -> Outcome {
        run("s3.tls_only", &policy(statement), &[])
    }

    #[test]
    fn tls_only_accepts_the_usual_shapes() {
        let canonical = json!([{"Sid": "DenyInsecure", "Effect": "Deny", "Principal": "*",
            "Action": "s3:*", "Resource": [ARN, format!("{ARN}/*")],
            "Condition": {"Bool": {"aws:SecureTransport": "false"}}}]);
        let r = tls(canonical);
        assert_eq!(r.status, Status::Passed);
        assert_eq!(r.actual, "statement DenyInsecure denies non-TLS access");
        // Single statement object, AWS principal list, action list, boolean false, wildcard resource.
        let r = tls(json!({"Effect": "Deny", "Principal": {"AWS": ["*"]},
            "Action": ["s3:GetObject", "s3:*"], "Resource": "arn:aws:s3:::gxp-data*",
            "Condition": {"Bool": {"aws:securetransport": false}}}));
        assert_eq!(r.status, Status::Passed);
        let r = tls(
            json!([{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
                "Resource": format!("{ARN}/*")},
            {"Effect": "Deny", "Principal": {"AWS": "*"}, "Action": "*", "Resource": "*",
                "Condition": {"BoolIfExists": {"aws:SecureTransport": ["false"]}}}]),
        );
        assert_eq!(r.status, Status::Passed);
    }

    #[test]
    fn tls_only_rejects_incomplete_denies() {
        let objects_only = json!([{"Effect": "Deny", "Principal": "*", "Action": "s3:*",
            "Resource": format!("{ARN}/*"),
            "Condition": {"Bool": {"aws:SecureTransport": "false"}}}]);
        let r = tls(objects_only);
        assert_eq!(r.status, Status::Failed);
        assert!(r.detail.unwrap().contains("does not cover the bucket"));
        let get_only = json!([{"Effect": "Deny", "Principal": "*", "Action": "s3:GetObject",
            "Resource": [ARN, format!("{ARN}/*")],
            "Condition": {"Bool": {"aws:SecureTransport": "false"}}}]);
        assert!(tls(get_only).detail.unwrap().contains("s3:*"));
        let one_role = json!([{"Effect": "Deny", "Principal": {"AWS": "arn:aws:iam::1:role/x"},
            "Action": "s3:*", "Resource": [ARN, format!("{ARN}/*")],
            "Condition": {"Bool": {"aws:SecureTransport": "false"}}}]);
        assert!(tls(one_role).detail.unwrap().contains("Principal"));
        let narrowed = json!([{"Effect": "Deny", "Principal": "*", "Action": "s3:*",
            "Resource": [ARN, format!("{ARN}/*")],
            "Condition": {"Bool": {"aws:SecureTransport": "false"},
                          "StringEquals": {"aws:PrincipalAccount": "1"}}}]);
        assert!(tls(narrowed).detail.unwrap().contains("further conditions"));
        let other_bucket = json!([{"Effect": "Deny", "Principal": "*", "Action": "s3:*",
            "Resource": ["arn:aws:s3:::other", "arn:aws:s3:::other/*"],
            "Condition": {"Bool": {"aws:SecureTransport": "false"}}}]);
        assert_eq!(tls(other_bucket).status, Status::Failed);
        let secure_true = json!([{"Effect": "Deny", "Principal": "*", "Action": "s3:*",
            "Resource": "*", "Condition": {"Bool": {"aws:SecureTransport": "true"}}}]);
        let r = tls(secure_true);
        assert_eq!(
            (r.status, r.actual.as_str()),
            (Status::Failed, "no statement denies non-TLS access")
        );
    }

    #[test]
    fn tls_only_not_configured_and_error() {
        let r = run("s3.tls_only", &bucket(json!({})), &[]);
        assert_eq!(
            (r.status, r.actual.as_str()),
            (Status::Failed, "no bucket policy")
        );
        let allow_only = json!([{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::1:root"},
            "Action": "s3:GetObject", "Resource": format!("{ARN}/*")}]);
        assert_eq!(tls(allow_only).status, Status::Failed);
        assert_eq!(
            errored("s3.tls_only", "BucketPolicy", &[]).status,
            Status::Error
        );
    }

    #[test]
    fn resource_patterns_cover_all_objects_only_with_a_star() {
        assert!(covers("arn:aws:s3:::b/*", "arn:aws:s3:::b/", true));
        assert!(covers("arn:aws:s3:::*", "arn:aws:s3:::b/", true));
        assert!(covers("*", "arn:aws:s3:::b", false));
        assert!(!covers("arn:aws:s3:::b/?", "arn:aws:s3:::b/", true));
        assert!(!covers("arn:aws:s3:::b/logs/*", "arn:aws:s3:::b/", true));
        assert!(!covers("arn:aws:s3:::b/*", "arn:aws:s3:::b", false));
        assert!(covers("arn:aws:s3:::b?", "arn:aws:s3:::bx", false));
    }

    fn lock(retention: Json) -> Observation {
        bucket(json!({"ObjectLockEnabled": true, "ObjectLockConfiguration":
            {"ObjectLockEnabled": "Enabled", "Rule": {"DefaultRetention": retention}}}))
    }

    #[test]
    fn an_unparsable_retention_parameter_is_an_error_not_the_default() {
        // 30-day retention; "2555d" used to be read as the default of 1 day: a pass.
        let o = lock(json!({"Mode": "COMPLIANCE", "Days": 30}));
        let r = run("s3.object_lock", &o, &[("min_retention_days", "2555d")]);
        assert_eq!(r.status, Status::Error, "{r:?}");
        let detail = r.detail.unwrap();
        assert!(
            detail.contains("`s3.object_lock.min_retention_days` = \"2555d\" is not valid")
                && detail.contains("expected a whole number of days from 1 to 36500"),
            "{detail}"
        );
        let r = run("s3.object_lock", &o, &[("mode", "LEGAL_HOLD")]);
        assert_eq!(r.status, Status::Error, "{r:?}");
        assert_eq!(
            run("s3.object_lock", &o, &[("min_retention_days", "2555")]).status,
            Status::Failed
        );
    }

    #[test]
    fn object_lock_checks_mode_and_period() {
        let o = lock(json!({"Mode": "COMPLIANCE", "Days": 1}));
        let r = run(
            "s3.object_lock",
            &o,
            &[("mode", "COMPLIANCE"), ("min_retention_days", "1")],
        );
        assert_eq!(r.status, Status::Passed);
        assert_eq!(
            r.actual,
            "Enabled, default retention COMPLIANCE for 1 day(s)"
        );
        let r = run(
            "s3.object_lock",
            &o,
            &[("mode", "COMPLIANCE"), ("min_retention_days", "30")],
        );
        assert_eq!(r.status, Status::Failed);
        let r = run("s3.object_lock", &o, &[("mode", "GOVERNANCE")]);
        assert_eq!(r.status, Status::Failed);
        let years = lock(json!({"Mode": "COMPLIANCE", "Years": 7}));
        let r = run(
            "s3.object_lock",
            &years,
            &[("mode", "compliance"), ("min_retention_days", "2555")],
        );
        assert_eq!(r.status, Status::Passed);
        assert_eq!(
            r.actual,
            "Enabled, default retention COMPLIANCE for 7 year(s) (2555 days)"
        );
        let r = run("s3.object_lock", &years, &[("min_retention_days", "2556")]);
        assert_eq!(r.status, Status::Failed);
    }

    #[test]
    fn object_lock_not_enabled_no_retention_and_error() {
        let r = run("s3.object_lock", &bucket(json!({})), &[]);
        assert_eq!(
            (r.status, r.actual.as_str()),
            (Status::Failed, "not enabled")
        );
        let bare = bucket(json!({"ObjectLockEnabled": true,
            "ObjectLockConfiguration": {"ObjectLockEnabled": "Enabled"}}));
        let r = run("s3.object_lock", &bare, &[]);
        assert_eq!(
            (r.status, r.actual.as_str()),
            (Status::Failed, "Enabled, no default retention")
        );
        assert_eq!(
            errored("s3.object_lock", "ObjectLockConfiguration", &[]).status,
            Status::Error
        );
        assert_eq!(
            errored("s3.object_lock", "ObjectLockEnabled", &[]).status,
            Status::Error
        );
    }

    #[test]
    fn access_logging_pass_fail_not_configured_error() {
        let o = bucket(json!({"LoggingConfiguration":
            {"DestinationBucketName": "gxp-logs", "LogFilePrefix": "gxp-data/"}}));
        let r = run("s3.access_logging", &o, &[]);
        assert_eq!(r.status, Status::Passed);
        assert_eq!(r.actual, "delivered to gxp-logs (prefix gxp-data/)");
        let r = run(
            "s3.access_logging",
            &o,
            &[("target_bucket", "arn:aws:s3:::gxp-logs")],
        );
        assert_eq!(r.status, Status::Passed);
        let r = run("s3.access_logging", &o, &[("target_bucket", "audit-logs")]);
        assert_eq!(r.status, Status::Failed);
        let selfish =
            bucket(json!({"LoggingConfiguration": {"DestinationBucketName": "gxp-data"}}));
        assert_eq!(
            run("s3.access_logging", &selfish, &[]).status,
            Status::Failed
        );
        let r = run("s3.access_logging", &bucket(json!({})), &[]);
        assert_eq!(
            (r.status, r.actual.as_str()),
            (Status::Failed, "not configured")
        );
        assert_eq!(
            errored("s3.access_logging", "LoggingConfiguration", &[]).status,
            Status::Error
        );
    }

    fn replicated(rules: Json) -> Observation {
        bucket(json!({"ReplicationConfiguration":
            {"Role": "arn:aws:iam::1:role/r", "Rules": rules}}))
    }

    #[test]
    fn replication_pass_fail_not_configured_error() {
        let o = replicated(json!([
            {"Status": "Disabled", "Destination": {"Bucket": "arn:aws:s3:::old"}},
            {"Status": "Enabled", "Destination": {"Bucket": "arn:aws:s3:::gxp-replica"}}]));
        let r = run("s3.replication", &o, &[]);
        assert_eq!(r.status, Status::Passed);
        assert_eq!(
            r.actual,
            "Disabled to arn:aws:s3:::old; Enabled to arn:aws:s3:::gxp-replica"
        );
        assert_eq!(
            run(
                "s3.replication",
                &o,
                &[("destination_bucket", "gxp-replica")]
            )
            .status,
            Status::Passed
        );
        let r = run(
            "s3.replication",
            &o,
            &[("destination_bucket", "arn:aws:s3:::gxp-replica")],
        );
        assert_eq!(r.status, Status::Passed);
        assert_eq!(
            run("s3.replication", &o, &[("destination_bucket", "old")]).status,
            Status::Failed
        );
        let disabled = replicated(json!([{"Status": "Disabled",
            "Destination": {"Bucket": "arn:aws:s3:::gxp-replica"}}]));
        assert_eq!(run("s3.replication", &disabled, &[]).status, Status::Failed);
        let r = run("s3.replication", &bucket(json!({})), &[]);
        assert_eq!(
            (r.status, r.actual.as_str()),
            (Status::Failed, "not configured")
        );
        assert_eq!(
            errored("s3.replication", "ReplicationConfiguration", &[]).status,
            Status::Error
        );
    }

    #[test]
    fn unknown_ids_are_not_s3_checks() {
        assert!(evaluate("kms.rotation", &bucket(json!({})), &Params::default()).is_none());
    }
}
