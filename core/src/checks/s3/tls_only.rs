//! `s3.tls_only`: Bucket policy denies non-TLS access. Definition, evaluator and unit tests.

use super::{str_at, Eval, BUCKET_TYPES};
use crate::catalog::{CheckDef, Related, Remediation, SeverityClass, Stage};
use crate::checks::{support, Check, Outcome, Params};
use crate::observe::s3::bucket_arn;
use crate::observe::Observation;
use serde_json::Value as Json;

/// The `s3.tls_only` check.
pub static CHECK: Check = Check {
    def: CheckDef {
        id: "s3.tls_only",
        title: "Bucket policy denies non-TLS access",
        description: "OQ. Calls S3 GetBucketPolicy and parses the policy. Passes when a statement has Effect \
            Deny, Principal \"*\" (or {\"AWS\": \"*\"}), Action s3:* (or *), Resource covering both the bucket \
            ARN and <bucket ARN>/*, and Condition Bool aws:SecureTransport = \"false\". No bucket policy \
            (NoSuchBucketPolicy) fails.",
        stage: Stage::Oq,
        service: "s3",
        resource_types: BUCKET_TYPES,
        severity: SeverityClass::Security,
        iam_actions: &["s3:GetBucketPolicy"],
        controls: &["21CFR11.10(c)", "21CFR11.30", "Annex11-12", "HIPAA-164.312(e)(1)"],
        remediation: "Add a bucket policy statement {\"Effect\":\"Deny\",\"Principal\":\"*\",\"Action\":\"s3:*\",\
            \"Resource\":[\"<bucket arn>\",\"<bucket arn>/*\"],\"Condition\":{\"Bool\":{\"aws:SecureTransport\":\
            \"false\"}}} via aws_s3_bucket_policy (or CDK enforceSSL: true, CloudFormation AWS::S3::BucketPolicy).",
        remediation_code: Remediation {
            terraform: "data \"aws_iam_policy_document\" \"tls_only\" {\n  statement {\n    effect    = \"Deny\"\n    actions   = [\"s3:*\"]\n    resources = [aws_s3_bucket.records.arn, \"${aws_s3_bucket.records.arn}/*\"]\n    principals {\n      type        = \"*\"\n      identifiers = [\"*\"]\n    }\n    condition {\n      test     = \"Bool\"\n      variable = \"aws:SecureTransport\"\n      values   = [\"false\"]\n    }\n  }\n}\n\nresource \"aws_s3_bucket_policy\" \"records\" {\n  bucket = aws_s3_bucket.records.id\n  policy = data.aws_iam_policy_document.tls_only.json\n}",
            cloudformation: "RecordsPolicy:\n  Type: AWS::S3::BucketPolicy\n  Properties:\n    Bucket: !Ref Records\n    PolicyDocument:\n      Statement:\n        - Effect: Deny\n          Principal: \"*\"\n          Action: \"s3:*\"\n          Resource: [!GetAtt Records.Arn, !Sub \"${Records.Arn}/*\"]\n          Condition:\n            Bool:\n              aws:SecureTransport: \"false\"",
            cli: "aws s3api put-bucket-policy --bucket BUCKET --policy file://tls-only-policy.json",
        },
        related: Related {
            prowler: &["s3_bucket_secure_transport_policy"],
            aws_config: &["s3-bucket-ssl-requests-only"],
        },
        params: &[],
    },
    evaluate,
    #[cfg(test)]
    fixtures: crate::checks::UnitFixtures::Properties {
        pass: r#"{"BucketPolicy": {"Version": "2012-10-17", "Statement": [{"Sid": "DenyInsecure", "Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": ["arn:aws:s3:::gxp-data", "arn:aws:s3:::gxp-data/*"], "Condition": {"Bool": {"aws:SecureTransport": "false"}}}]}}"#,
        fail: r#"{"BucketPolicy": {"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::gxp-data/*", "Condition": {"Bool": {"aws:SecureTransport": "false"}}}]}}"#,
        unreadable: "BucketPolicy",
    },
};

fn evaluate(obs: &Observation, _params: &Params) -> Outcome {
    tls_only(obs).unwrap_or_else(|early| early)
}

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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::s3::fixtures::{bucket, errored, run, ARN};
    use crate::checks::Status;
    use serde_json::json;

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
}
