//! Collector for `AWS::SecretsManager::Secret` (identifier: secret name or ARN).
//!
//! DescribeSecret (ResourceNotFoundException → missing) gives `Name`, `Arn`, `Description`,
//! `KmsKeyId` (absent: the AWS managed key `aws/secretsmanager`), `Tags`, and the rotation
//! settings CloudFormation keeps in `AWS::SecretsManager::RotationSchedule`:
//! `RotationEnabled`, `RotationLambdaARN` and `RotationRules {AutomaticallyAfterDays,
//! ScheduleExpression, Duration}`. When `KmsKeyId` is set, KMS DescribeKey on it gives
//! `KmsKeyManager` (`CUSTOMER` or `AWS`): an ARN does not say whether a key is customer
//! managed.

use aws_sdk_secretsmanager::operation::describe_secret::DescribeSecretOutput;
use serde_json::{json, Map, Value as Json};

use crate::aws::{classify, AwsContext, AwsErrorKind};
use crate::catalog::SeverityClass::{self, Cosmetic, Functional, Security};
use crate::observe::{tag_list, Existence, Observation, Target};

/// CloudFormation type handled here.
pub const SECRET: &str = "AWS::SecretsManager::Secret";

/// Drift class of each top-level property this collector records.
pub const PROPERTY_CLASSES: &[(&str, &str, SeverityClass)] = &[
    (SECRET, "Name", Functional),
    (SECRET, "Arn", Functional),
    (SECRET, "KmsKeyId", Security),
    (SECRET, "KmsKeyManager", Security),
    (SECRET, "RotationEnabled", Security),
    (SECRET, "RotationLambdaARN", Security),
    (SECRET, "RotationRules", Security),
    (SECRET, "Description", Cosmetic),
    (SECRET, "Tags", Cosmetic),
];

/// The secretsmanager registration (see [`crate::observe::services`]).
pub const SERVICE: crate::observe::services::Service = crate::observe::services::Service {
    name: "secretsmanager",
    sdk_client: "aws-sdk-secretsmanager",
    iam_actions: &["secretsmanager:DescribeSecret"],
    resource_types: &[SECRET],
    collect: |aws, target| Box::pin(collect(aws, target)),
    discover,
    property_classes: PROPERTY_CLASSES,
    account_facets: &[],
};

/// Tag-based discovery: `arn:aws:secretsmanager:R:A:secret:NAME-SUFFIX` is that secret (by
/// its ARN, which DescribeSecret accepts; the name cannot be cut from the random suffix
/// reliably). Secret names may contain `/`, never `:`.
pub fn discover(arn: &str, rest: &str) -> Option<(&'static str, String)> {
    rest.strip_prefix("secret:")
        .filter(|name| !name.is_empty() && !name.contains(':'))
        .map(|_| (SECRET, arn.to_string()))
}

/// Observe a secret. Never panics; read failures are recorded in the observation.
pub async fn collect(aws: &AwsContext, target: &Target) -> Observation {
    let out = aws
        .secretsmanager()
        .describe_secret()
        .secret_id(target.identifier.trim())
        .send()
        .await;
    let secret = match out {
        Ok(out) => out,
        Err(e) => {
            let err = classify(&e);
            let existence = if err.kind == AwsErrorKind::NotFound {
                Existence::Missing
            } else {
                Existence::Unknown(format!("Secrets Manager DescribeSecret: {err}"))
            };
            return Observation::with_existence(target, existence);
        }
    };
    let mut obs = Observation::exists(target);
    obs.arn = secret.arn().map(str::to_string);
    for (k, v) in secret_properties(&secret) {
        obs.set(&k, v);
    }
    if let Some(key) = secret.kms_key_id().filter(|k| !k.is_empty()) {
        let client = crate::observe::kms::client_for(aws, key, None);
        match crate::observe::kms::describe_key(&client, key).await {
            Ok(meta) => match meta.key_manager() {
                Some(m) => obs.set("KmsKeyManager", json!(m.as_str())),
                None => obs.error(
                    "KmsKeyManager",
                    format!("KMS DescribeKey on {key} answered without KeyManager"),
                ),
            },
            Err(e) => obs.error("KmsKeyManager", format!("KMS DescribeKey on {key}: {e}")),
        }
    }
    obs
}

/// The recorded properties of a described secret; unset values are left out.
pub fn secret_properties(s: &DescribeSecretOutput) -> Map<String, Json> {
    let mut m = Map::new();
    for (k, v) in [
        ("Name", s.name()),
        ("Arn", s.arn()),
        ("Description", s.description()),
        ("KmsKeyId", s.kms_key_id()),
        ("RotationLambdaARN", s.rotation_lambda_arn()),
    ] {
        if let Some(v) = v.filter(|v| !v.is_empty()) {
            m.insert(k.into(), json!(v));
        }
    }
    m.insert(
        "RotationEnabled".into(),
        json!(s.rotation_enabled().unwrap_or(false)),
    );
    if let Some(r) = s.rotation_rules() {
        let mut rules = Map::new();
        if let Some(d) = r.automatically_after_days().filter(|d| *d > 0) {
            rules.insert("AutomaticallyAfterDays".into(), json!(d));
        }
        if let Some(e) = r.schedule_expression() {
            rules.insert("ScheduleExpression".into(), json!(e));
        }
        if let Some(d) = r.duration() {
            rules.insert("Duration".into(), json!(d));
        }
        if !rules.is_empty() {
            m.insert("RotationRules".into(), Json::Object(rules));
        }
    }
    if let Some(tags) = tag_list(
        s.tags()
            .iter()
            .filter_map(|t| Some((t.key()?, t.value().unwrap_or("")))),
    ) {
        m.insert("Tags".into(), tags);
    }
    m
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::aws::fake_endpoint::{cut, cut_points, Answer, FakeEndpoint};
    use crate::checks::{evaluate_id, Status};
    use crate::observe::TargetOrigin;

    const SECRET_ARN: &str = "arn:aws:secretsmanager:us-east-1:111122223333:secret:lims/db-AbCdEf";
    const KEY_ARN: &str =
        "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";

    fn describe_secret() -> String {
        json!({
            "ARN": SECRET_ARN, "Name": "lims/db", "KmsKeyId": KEY_ARN,
            "RotationEnabled": true,
            "RotationLambdaARN": "arn:aws:lambda:us-east-1:111122223333:function:rotate",
            "RotationRules": {"AutomaticallyAfterDays": 30},
            "Tags": [{"Key": "gxp:app", "Value": "lims"}]
        })
        .to_string()
    }

    fn describe_key(manager: &str) -> String {
        json!({"KeyMetadata": {
            "KeyId": "1234abcd-12ab-34cd-56ef-1234567890ab", "Arn": KEY_ARN,
            "Enabled": true, "KeyState": "Enabled", "KeyManager": manager
        }})
        .to_string()
    }

    fn answer(op: &str, cut_op: &str, percent: f64, manager: &str) -> Answer {
        let body = match op {
            "DescribeSecret" => describe_secret(),
            "DescribeKey" => describe_key(manager),
            _ => r#"{"__type": "UnknownOperationException"}"#.into(),
        };
        let body = if op == cut_op {
            cut(&body, percent)
        } else {
            body
        };
        Answer::json(body)
    }

    fn target() -> Target {
        Target {
            key: "t".into(),
            resource_type: SECRET.into(),
            identifier: "lims/db".into(),
            origin: TargetOrigin::Spec,
            checks: vec![],
            params: Default::default(),
            expected_properties: None,
            requirements: vec![],
        }
    }

    #[test]
    fn discovery_keeps_the_secret_arn() {
        assert_eq!(
            discover(SECRET_ARN, "secret:lims/db-AbCdEf"),
            Some((SECRET, SECRET_ARN.to_string()))
        );
        let arn = "arn:aws:secretsmanager:us-east-1:111122223333:secret:lims-db-AbCdEf";
        assert_eq!(
            discover(arn, "secret:lims-db-AbCdEf"),
            Some((SECRET, arn.to_string()))
        );
        assert_eq!(discover(arn, "secret:"), None);
    }

    #[tokio::test]
    async fn complete_secrets_manager_answers_are_evaluated() {
        let endpoint = FakeEndpoint::start(|r| answer(&r.operation(), "", 100.0, "CUSTOMER")).await;
        let obs = collect(&endpoint.context(1).await, &target()).await;
        assert_eq!(obs.existence, Existence::Exists, "{obs:?}");
        assert_eq!(obs.arn.as_deref(), Some(SECRET_ARN));
        assert_eq!(obs.get("KmsKeyManager"), Some(&json!("CUSTOMER")));
        assert_eq!(
            obs.get("RotationRules.AutomaticallyAfterDays"),
            Some(&json!(30))
        );
        for check in ["secretsmanager.rotation", "secretsmanager.kms_cmk"] {
            let o = evaluate_id(check, &obs, &Default::default());
            assert_eq!(o.status, Status::Passed, "{check}: {o:?}");
        }
        let endpoint = FakeEndpoint::start(|r| answer(&r.operation(), "", 100.0, "AWS")).await;
        let obs = collect(&endpoint.context(1).await, &target()).await;
        let o = evaluate_id("secretsmanager.kms_cmk", &obs, &Default::default());
        assert_eq!(o.status, Status::Failed, "{o:?}");
    }

    #[tokio::test]
    async fn secrets_manager_answers_cut_short_are_errors_never_made_up_values() {
        for (op, checks) in [
            (
                "DescribeSecret",
                &["secretsmanager.rotation", "secretsmanager.kms_cmk"][..],
            ),
            ("DescribeKey", &["secretsmanager.kms_cmk"][..]),
        ] {
            for percent in cut_points() {
                let endpoint =
                    FakeEndpoint::start(move |r| answer(&r.operation(), op, percent, "CUSTOMER"))
                        .await;
                let obs = collect(&endpoint.context(1).await, &target()).await;
                for check in checks {
                    let o = evaluate_id(check, &obs, &Default::default());
                    assert_eq!(
                        o.status,
                        Status::Error,
                        "{op} cut at {percent}%: {check} {o:?}"
                    );
                }
            }
        }
    }
}
