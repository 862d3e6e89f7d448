//! `lambda.not_public`: Lambda function not invocable by everyone (resource policy and
//! function URLs). Definition, evaluator and unit tests.

use serde_json::Value as Json;

use super::FUNCTION;
use crate::catalog::{CheckDef, Related, Remediation, SeverityClass, Stage};
use crate::checks::support::property;
use crate::checks::{Check, Outcome, Params};
use crate::observe::Observation;

/// The `lambda.not_public` check.
pub static CHECK: Check = Check {
    def: CheckDef {
        id: "lambda.not_public",
        title: "Lambda function not public (policy and function URLs)",
        description: "OQ. Calls Lambda GetPolicy, ListAliases and GetFunctionUrlConfig. Fails when an Allow \
            statement of the resource policy grants Principal \"*\" (or {\"AWS\": \"*\"}) without a \
            condition on a caller-restricting key (aws:SourceAccount, aws:SourceArn, aws:SourceOwner, \
            aws:PrincipalAccount, aws:PrincipalArn, aws:PrincipalOrgID, aws:PrincipalOrgPaths, \
            aws:SourceVpc, aws:SourceVpce) with a value other than \"*\", or when the function or an \
            alias has a function URL with AuthType NONE.",
        stage: Stage::Oq,
        service: "lambda",
        resource_types: FUNCTION,
        severity: SeverityClass::Security,
        iam_actions: &[
            "lambda:GetPolicy",
            "lambda:ListAliases",
            "lambda:GetFunctionUrlConfig",
        ],
        controls: &["21CFR11.10(d)", "21CFR11.10(g)", "Annex11-12"],
        remediation: "Remove the public statement (Lambda RemovePermission) or add a condition naming the \
            caller (aws:SourceAccount / aws:SourceArn for a service principal); give function URLs \
            AuthType AWS_IAM (Terraform aws_lambda_function_url authorization_type = \"AWS_IAM\"; \
            CloudFormation AWS::Lambda::Url AuthType).",
        remediation_code: Remediation {
            terraform: "resource \"aws_lambda_permission\" \"s3\" {\n  statement_id   = \"s3\"\n  action         = \"lambda:InvokeFunction\"\n  function_name  = aws_lambda_function.export.function_name\n  principal      = \"s3.amazonaws.com\"\n  source_arn     = aws_s3_bucket.records.arn\n  source_account = data.aws_caller_identity.current.account_id\n}\n\nresource \"aws_lambda_function_url\" \"export\" {\n  function_name      = aws_lambda_function.export.function_name\n  authorization_type = \"AWS_IAM\"\n}",
            cloudformation: "Type: AWS::Lambda::Url\nProperties:\n  TargetFunctionArn: !GetAtt Export.Arn\n  AuthType: AWS_IAM",
            cli: "aws lambda remove-permission --function-name FUNCTION --statement-id PUBLIC_SID && aws lambda update-function-url-config --function-name FUNCTION --auth-type AWS_IAM",
        },
        related: Related {
            prowler: &[
                "awslambda_function_not_publicly_accessible",
                "awslambda_function_url_public",
            ],
            aws_config: &["lambda-function-public-access-prohibited"],
        },
        params: &[],
    },
    evaluate,
    #[cfg(test)]
    fixtures: crate::checks::UnitFixtures::Properties {
        pass: r#"{"Policy": {"Statement": [{"Effect": "Allow", "Principal": {"Service": "s3.amazonaws.com"}, "Action": "lambda:InvokeFunction", "Condition": {"StringEquals": {"AWS:SourceAccount": "111122223333"}}}]}, "FunctionUrls": [{"AuthType": "AWS_IAM", "FunctionUrl": "https://x.lambda-url.us-east-1.on.aws/"}]}"#,
        fail: r#"{"Policy": {"Statement": [{"Effect": "Allow", "Principal": "*", "Action": "lambda:InvokeFunction"}]}, "FunctionUrls": []}"#,
        unreadable: "FunctionUrls",
    },
};

const EXPECTED: &str = "no public policy statement and no function URL with AuthType NONE";

/// Condition keys that restrict who may call (compared case-insensitively, as IAM does).
const RESTRICTING_KEYS: &[&str] = &[
    "aws:sourceaccount",
    "aws:sourcearn",
    "aws:sourceowner",
    "aws:principalaccount",
    "aws:principalarn",
    "aws:principalorgid",
    "aws:principalorgpaths",
    "aws:sourcevpc",
    "aws:sourcevpce",
];

fn evaluate(obs: &Observation, _params: &Params) -> Outcome {
    not_public(obs).unwrap_or_else(|early| early)
}

fn not_public(obs: &Observation) -> Result<Outcome, Outcome> {
    let policy = property(obs, "Policy", EXPECTED)?;
    let urls = property(obs, "FunctionUrls", EXPECTED)?;
    let Some(urls) = urls.and_then(Json::as_array) else {
        return Err(Outcome::error(
            EXPECTED,
            "the function URLs were not reported",
        ));
    };
    let mut findings: Vec<String> = policy
        .map(public_statements)
        .unwrap_or_default()
        .into_iter()
        .map(|sid| {
            format!("policy statement {sid} allows Principal * without a restricting condition")
        })
        .collect();
    for u in urls {
        if u.get("AuthType").and_then(Json::as_str) == Some("NONE") {
            let on = u
                .get("Qualifier")
                .and_then(Json::as_str)
                .map_or("the function".to_string(), |q| format!("alias {q}"));
            findings.push(format!("function URL of {on} has AuthType NONE"));
        }
    }
    Ok(if findings.is_empty() {
        let policy_text = if policy.is_some() {
            "resource policy restricted"
        } else {
            "no resource policy"
        };
        Outcome::verdict(
            true,
            EXPECTED,
            format!("{policy_text}; {} function URL(s), none public", urls.len()),
        )
    } else {
        Outcome::verdict(false, EXPECTED, findings.join("; "))
    })
}

/// Whether a principal element is everyone: `"*"`, `{"AWS": "*"}` or a list containing `"*"`.
fn everyone(principal: Option<&Json>) -> bool {
    match principal {
        Some(Json::String(s)) => s == "*",
        Some(Json::Object(m)) => m.get("AWS").is_some_and(|v| everyone(Some(v))),
        Some(Json::Array(a)) => a.iter().any(|v| everyone(Some(v))),
        _ => false,
    }
}

/// Whether a statement's condition restricts the caller with a non-wildcard value.
fn restricted(condition: Option<&Json>) -> bool {
    let Some(Json::Object(operators)) = condition else {
        return false;
    };
    operators.values().filter_map(Json::as_object).any(|keys| {
        keys.iter().any(|(k, v)| {
            let fixed = match v {
                Json::String(s) => !s.contains('*') && !s.is_empty(),
                Json::Array(a) => {
                    !a.is_empty()
                        && a.iter()
                            .all(|x| x.as_str().is_some_and(|s| !s.contains('*')))
                }
                _ => false,
            };
            RESTRICTING_KEYS.contains(&k.to_ascii_lowercase().as_str()) && fixed
        })
    })
}

/// The Sids (or indexes) of Allow statements granting everyone without a restriction.
fn public_statements(policy: &Json) -> Vec<String> {
    let statements = match policy.get("Statement") {
        Some(Json::Array(a)) => a.iter().collect::<Vec<_>>(),
        Some(s @ Json::Object(_)) => vec![s],
        _ => Vec::new(),
    };
    statements
        .into_iter()
        .enumerate()
        .filter(|(_, s)| s.get("Effect").and_then(Json::as_str) == Some("Allow"))
        .filter(|(_, s)| everyone(s.get("Principal")) && !restricted(s.get("Condition")))
        .map(|(i, s)| {
            s.get("Sid")
                .and_then(Json::as_str)
                .map_or(format!("#{i}"), str::to_string)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use crate::checks::testing::{observation, run};
    use crate::checks::Status;
    use serde_json::{json, Value as Json};

    const ID: &str = "lambda.not_public";

    fn function(policy: Option<Json>, urls: Json) -> crate::observe::Observation {
        let mut props = json!({ "FunctionUrls": urls });
        if let Some(p) = policy {
            props["Policy"] = p;
        }
        observation("AWS::Lambda::Function", "lims-export", props)
    }

    fn stmt(principal: Json, condition: Option<Json>) -> Json {
        let mut s = json!({"Sid": "s", "Effect": "Allow", "Principal": principal, "Action": "lambda:InvokeFunction"});
        if let Some(c) = condition {
            s["Condition"] = c;
        }
        json!({"Version": "2012-10-17", "Statement": [s]})
    }

    #[test]
    fn a_function_without_policy_or_urls_passes() {
        let o = run(ID, &function(None, json!([])), &[]);
        assert_eq!(o.status, Status::Passed, "{o:?}");
        assert!(o.actual.starts_with("no resource policy"), "{o:?}");
    }

    #[test]
    fn everyone_without_a_restricting_condition_fails() {
        for principal in [
            json!("*"),
            json!({"AWS": "*"}),
            json!({"AWS": ["111122223333", "*"]}),
        ] {
            let o = run(
                ID,
                &function(Some(stmt(principal.clone(), None)), json!([])),
                &[],
            );
            assert_eq!(o.status, Status::Failed, "{principal}: {o:?}");
        }
        // The condition of a public function URL permission does not restrict the caller.
        let url_auth = json!({"StringEquals": {"lambda:FunctionUrlAuthType": "NONE"}});
        assert_eq!(
            run(
                ID,
                &function(Some(stmt(json!("*"), Some(url_auth))), json!([])),
                &[]
            )
            .status,
            Status::Failed
        );
        let wildcard = json!({"StringLike": {"AWS:SourceArn": "arn:aws:s3:::*"}});
        assert_eq!(
            run(
                ID,
                &function(Some(stmt(json!("*"), Some(wildcard))), json!([])),
                &[]
            )
            .status,
            Status::Failed
        );
    }

    #[test]
    fn restricted_or_named_principals_pass() {
        let account = json!({"StringEquals": {"AWS:SourceAccount": "111122223333"}});
        assert_eq!(
            run(
                ID,
                &function(Some(stmt(json!("*"), Some(account))), json!([])),
                &[]
            )
            .status,
            Status::Passed
        );
        let org = json!({"StringEquals": {"aws:PrincipalOrgID": ["o-abc123"]}});
        assert_eq!(
            run(
                ID,
                &function(Some(stmt(json!({"AWS": "*"}), Some(org))), json!([])),
                &[]
            )
            .status,
            Status::Passed
        );
        let named = stmt(json!({"AWS": "arn:aws:iam::111122223333:root"}), None);
        assert_eq!(
            run(ID, &function(Some(named), json!([])), &[]).status,
            Status::Passed
        );
        let deny = json!({"Statement": {"Effect": "Deny", "Principal": "*", "Action": "lambda:*"}});
        assert_eq!(
            run(ID, &function(Some(deny), json!([])), &[]).status,
            Status::Passed
        );
    }

    #[test]
    fn a_url_without_auth_fails() {
        let urls = json!([{"AuthType": "AWS_IAM", "FunctionUrl": "u1"}, {"Qualifier": "live", "AuthType": "NONE", "FunctionUrl": "u2"}]);
        let o = run(ID, &function(None, urls), &[]);
        assert_eq!(o.status, Status::Failed);
        assert_eq!(o.actual, "function URL of alias live has AuthType NONE");
    }

    #[test]
    fn unreadable_policy_or_urls_are_errors() {
        let mut o = function(None, json!([]));
        o.error("Policy", "AccessDeniedException");
        assert_eq!(run(ID, &o, &[]).status, Status::Error);
        let no_urls = observation("AWS::Lambda::Function", "f", json!({}));
        assert_eq!(run(ID, &no_urls, &[]).status, Status::Error);
    }
}
