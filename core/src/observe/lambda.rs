//! Collector for `AWS::Lambda::Function` (identifier: function name or ARN).
//!
//! GetFunction (ResourceNotFoundException → missing) gives `FunctionName`, `Arn`, `Runtime`,
//! `Role`, `Handler`, `KmsKeyArn` and `Tags`; GetPolicy gives the resource-based policy as
//! `Policy` (parsed JSON; ResourceNotFoundException: no policy, absent). Function URLs exist
//! on the unqualified function and on aliases: ListAliases, then GetFunctionUrlConfig on the
//! function and on each alias (ResourceNotFoundException: no URL) give `FunctionUrls`
//! (`[{Qualifier, AuthType, FunctionUrl}]`, empty when the function has none).

use serde_json::{json, Map, Value as Json};

use crate::aws::{classify, AwsContext, AwsErrorKind, ClassifiedError};
use crate::catalog::SeverityClass::{self, Cosmetic, Functional, Security};
use crate::observe::{tag_list, Existence, Observation, Target};

/// CloudFormation type handled here.
pub const FUNCTION: &str = "AWS::Lambda::Function";

/// Drift class of each top-level property this collector records.
pub const PROPERTY_CLASSES: &[(&str, &str, SeverityClass)] = &[
    (FUNCTION, "FunctionName", Functional),
    (FUNCTION, "Arn", Functional),
    (FUNCTION, "Runtime", Functional),
    (FUNCTION, "Role", Security),
    (FUNCTION, "Handler", Functional),
    (FUNCTION, "KmsKeyArn", Security),
    (FUNCTION, "Policy", Security),
    (FUNCTION, "FunctionUrls", Security),
    (FUNCTION, "Tags", Cosmetic),
];

/// The lambda registration (see [`crate::observe::services`]).
pub const SERVICE: crate::observe::services::Service = crate::observe::services::Service {
    name: "lambda",
    sdk_client: "aws-sdk-lambda",
    iam_actions: &["lambda:GetFunction"],
    resource_types: &[FUNCTION],
    collect: |aws, target| Box::pin(collect(aws, target)),
    discover,
    property_classes: PROPERTY_CLASSES,
    account_facets: &[],
};

/// Tag-based discovery: `arn:aws:lambda:R:A:function:NAME` is function NAME (versions and
/// aliases, `function:NAME:QUALIFIER`, are not functions).
pub fn discover(_arn: &str, rest: &str) -> Option<(&'static str, String)> {
    crate::observe::services::single_id(rest, "function:").map(|name| (FUNCTION, name))
}

/// Observe a function. Never panics; read failures are recorded in the observation.
pub async fn collect(aws: &AwsContext, target: &Target) -> Observation {
    let client = aws.lambda();
    let name = target.identifier.trim();
    let function = match client.get_function().function_name(name).send().await {
        Ok(out) => out,
        Err(e) => {
            let err = classify(&e);
            let existence = if err.kind == AwsErrorKind::NotFound {
                Existence::Missing
            } else {
                Existence::Unknown(format!("Lambda GetFunction: {err}"))
            };
            return Observation::with_existence(target, existence);
        }
    };
    let mut obs = Observation::exists(target);
    if let Some(c) = function.configuration() {
        obs.arn = c.function_arn().map(str::to_string);
        for (k, v) in [
            ("FunctionName", c.function_name()),
            ("Arn", c.function_arn()),
            ("Runtime", c.runtime().map(|r| r.as_str())),
            ("Role", c.role()),
            ("Handler", c.handler()),
            ("KmsKeyArn", c.kms_key_arn()),
        ] {
            if let Some(v) = v.filter(|v| !v.is_empty()) {
                obs.set(k, json!(v));
            }
        }
    }
    if let Some(tags) = function.tags().and_then(|t| tag_list(t.iter())) {
        obs.set("Tags", tags);
    }
    let function_ref = obs.arn.clone().unwrap_or_else(|| name.to_string());
    let (policy, urls) = futures::join!(
        client.get_policy().function_name(&function_ref).send(),
        function_urls(&client, &function_ref),
    );
    match policy {
        Ok(out) => match out.policy().map(serde_json::from_str::<Json>) {
            Some(Ok(doc)) => obs.set("Policy", doc),
            Some(Err(e)) => obs.error(
                "Policy",
                format!("Lambda GetPolicy: the policy is not JSON: {e}"),
            ),
            None => {}
        },
        Err(e) => {
            let err = classify(&e);
            if err.kind != AwsErrorKind::NotFound {
                obs.error("Policy", format!("Lambda GetPolicy: {err}"));
            }
        }
    }
    match urls {
        Ok(urls) => obs.set("FunctionUrls", Json::Array(urls)),
        Err(e) => obs.error("FunctionUrls", e),
    }
    obs
}

/// The function URLs of the function and its aliases.
async fn function_urls(
    client: &aws_sdk_lambda::Client,
    function: &str,
) -> Result<Vec<Json>, String> {
    let mut qualifiers: Vec<Option<String>> = vec![None];
    let mut pages = client
        .list_aliases()
        .function_name(function)
        .into_paginator()
        .items()
        .send();
    while let Some(alias) = pages.next().await {
        let alias = alias.map_err(|e| format!("Lambda ListAliases: {}", classify(&e)))?;
        if let Some(n) = alias.name() {
            qualifiers.push(Some(n.to_string()));
        }
    }
    let mut urls = Vec::new();
    for q in qualifiers {
        let got = client
            .get_function_url_config()
            .function_name(function)
            .set_qualifier(q.clone())
            .send()
            .await
            .map_err(|e| classify(&e));
        match got {
            Ok(c) => urls.push(url_json(
                q.as_deref(),
                c.auth_type().as_str(),
                c.function_url(),
            )),
            Err(ClassifiedError {
                kind: AwsErrorKind::NotFound,
                ..
            }) => {}
            Err(e) => return Err(format!("Lambda GetFunctionUrlConfig: {e}")),
        }
    }
    Ok(urls)
}

/// One function URL: `{Qualifier, AuthType, FunctionUrl}` (`Qualifier` absent for the
/// unqualified function).
pub fn url_json(qualifier: Option<&str>, auth_type: &str, url: &str) -> Json {
    let mut m = Map::new();
    if let Some(q) = qualifier {
        m.insert("Qualifier".into(), json!(q));
    }
    m.insert("AuthType".into(), json!(auth_type));
    m.insert("FunctionUrl".into(), json!(url));
    Json::Object(m)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::aws::fake_endpoint::{cut, cut_points, Answer, FakeEndpoint};
    use crate::checks::{evaluate_id, Status};
    use crate::observe::TargetOrigin;

    const FN_ARN: &str = "arn:aws:lambda:us-east-1:111122223333:function:lims-export";

    fn policy() -> String {
        let doc = json!({"Version": "2012-10-17", "Statement": [{
            "Sid": "s3", "Effect": "Allow", "Principal": {"Service": "s3.amazonaws.com"},
            "Action": "lambda:InvokeFunction", "Resource": FN_ARN,
            "Condition": {"StringEquals": {"AWS:SourceAccount": "111122223333"}}
        }]});
        json!({"Policy": doc.to_string(), "RevisionId": "r"}).to_string()
    }

    /// Lambda (restJson1): the route names the operation.
    fn operation(r: &crate::aws::fake_endpoint::Request) -> &'static str {
        let path = r.target.split('?').next().unwrap_or_default();
        if path.ends_with("/policy") {
            "GetPolicy"
        } else if path.ends_with("/aliases") {
            "ListAliases"
        } else if path.ends_with("/url") {
            "GetFunctionUrlConfig"
        } else {
            "GetFunction"
        }
    }

    fn answer(r: &crate::aws::fake_endpoint::Request, cut_op: &str, percent: f64) -> Answer {
        let op = operation(r);
        let (status, body) = match op {
            "GetFunction" => (200, json!({
                "Configuration": {"FunctionName": "lims-export", "FunctionArn": FN_ARN, "Runtime": "python3.12", "Role": "arn:aws:iam::111122223333:role/export", "Handler": "index.h"},
                "Tags": {"gxp:app": "lims"}
            }).to_string()),
            "GetPolicy" => (200, policy()),
            "ListAliases" => (200, json!({"Aliases": [{"Name": "live", "AliasArn": format!("{FN_ARN}:live"), "FunctionVersion": "1"}]}).to_string()),
            _ if r.target.contains("Qualifier=live") => (200, json!({
                "FunctionUrl": "https://abc.lambda-url.us-east-1.on.aws/", "FunctionArn": format!("{FN_ARN}:live"),
                "AuthType": "AWS_IAM", "CreationTime": "2026-01-01T00:00:00.000+0000", "LastModifiedTime": "2026-01-01T00:00:00.000+0000"
            }).to_string()),
            _ => (404, json!({"Type": "User", "Message": "The resource you requested does not exist."}).to_string()),
        };
        let body = if op == cut_op {
            cut(&body, percent)
        } else {
            body
        };
        let mut a = Answer::new(status, "application/json", body);
        if status == 404 {
            a.headers.push((
                "x-amzn-errortype".into(),
                "ResourceNotFoundException".into(),
            ));
        }
        a
    }

    fn target() -> Target {
        Target {
            key: "t".into(),
            resource_type: FUNCTION.into(),
            identifier: "lims-export".into(),
            origin: TargetOrigin::Spec,
            checks: vec![],
            params: Default::default(),
            expected_properties: None,
            requirements: vec![],
        }
    }

    #[test]
    fn discovery_maps_unqualified_functions_only() {
        assert_eq!(
            discover(FN_ARN, "function:lims-export"),
            Some((FUNCTION, "lims-export".to_string()))
        );
        assert_eq!(discover("", "function:lims-export:live"), None);
        assert_eq!(discover("", "layer:deps:3"), None);
    }

    #[tokio::test]
    async fn complete_lambda_answers_are_evaluated() {
        let endpoint = FakeEndpoint::start(|r| answer(r, "", 100.0)).await;
        let obs = collect(&endpoint.context(1).await, &target()).await;
        assert_eq!(obs.existence, Existence::Exists, "{obs:?}");
        assert_eq!(obs.arn.as_deref(), Some(FN_ARN));
        assert_eq!(obs.get("Policy.Statement[0].Sid"), Some(&json!("s3")));
        assert_eq!(
            obs.get("FunctionUrls"),
            Some(
                &json!([{"Qualifier": "live", "AuthType": "AWS_IAM", "FunctionUrl": "https://abc.lambda-url.us-east-1.on.aws/"}])
            )
        );
        assert_eq!(obs.get("Tags[0].Value"), Some(&json!("lims")));
        let o = evaluate_id("lambda.not_public", &obs, &Default::default());
        assert_eq!(o.status, Status::Passed, "{o:?}");
    }

    #[tokio::test]
    async fn lambda_answers_cut_short_are_errors_never_made_up_values() {
        for op in ["GetPolicy", "ListAliases", "GetFunctionUrlConfig"] {
            for percent in cut_points() {
                let endpoint = FakeEndpoint::start(move |r| answer(r, op, percent)).await;
                let obs = collect(&endpoint.context(1).await, &target()).await;
                let o = evaluate_id("lambda.not_public", &obs, &Default::default());
                assert_eq!(o.status, Status::Error, "{op} cut at {percent}%: {o:?}");
            }
        }
    }
}
