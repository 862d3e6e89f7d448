//! Collector for `AWS::DynamoDB::Table` (identifier: table name or table ARN).
//!
//! DescribeTable (ResourceNotFoundException → missing) gives `TableName`, `Arn`,
//! `BillingMode`, `TableStatus`, `DeletionProtectionEnabled` and `SSESpecification`;
//! DescribeContinuousBackups gives `PointInTimeRecoverySpecification`; ListTagsOfResource on
//! the table ARN gives `Tags`. Properties are CloudFormation-shaped:
//!
//! - `SSESpecification: {SSEEnabled, SSEType, KMSMasterKeyId}` from the table's
//!   `SSEDescription`; DynamoDB answers without one for a table encrypted with the AWS owned
//!   key (the default), recorded as absent (not configured).
//! - `PointInTimeRecoverySpecification: {PointInTimeRecoveryEnabled, RecoveryPeriodInDays}`.

use aws_sdk_dynamodb::types::{
    ContinuousBackupsDescription, PointInTimeRecoveryStatus, SseDescription, SseStatus,
    TableDescription,
};
use serde_json::{json, Map, Value as Json};

use crate::aws::{classify, AwsContext, AwsErrorKind};
use crate::catalog::SeverityClass::{self, Cosmetic, Functional, Security};
use crate::observe::{tag_list, Existence, Observation, Target};

/// CloudFormation type handled here.
pub const TABLE: &str = "AWS::DynamoDB::Table";

/// Drift class of each top-level property this collector records.
pub const PROPERTY_CLASSES: &[(&str, &str, SeverityClass)] = &[
    (TABLE, "TableName", Functional),
    (TABLE, "Arn", Functional),
    (TABLE, "BillingMode", Functional),
    (TABLE, "TableStatus", Functional),
    (TABLE, "DeletionProtectionEnabled", Security),
    (TABLE, "SSESpecification", Security),
    (TABLE, "PointInTimeRecoverySpecification", Security),
    (TABLE, "Tags", Cosmetic),
];

/// The dynamodb registration (see [`crate::observe::services`]).
pub const SERVICE: crate::observe::services::Service = crate::observe::services::Service {
    name: "dynamodb",
    sdk_client: "aws-sdk-dynamodb",
    iam_actions: &["dynamodb:DescribeTable", "dynamodb:ListTagsOfResource"],
    resource_types: &[TABLE],
    collect: |aws, target| Box::pin(collect(aws, target)),
    discover,
    property_classes: PROPERTY_CLASSES,
    account_facets: &[],
};

/// Tag-based discovery: `arn:aws:dynamodb:R:A:table/NAME` is table NAME (streams, indexes
/// and backups, `table/NAME/...`, are not tables).
pub fn discover(_arn: &str, rest: &str) -> Option<(&'static str, String)> {
    crate::observe::services::single_id(rest, "table/").map(|name| (TABLE, name))
}

/// Observe a table. Never panics; read failures are recorded in the observation.
pub async fn collect(aws: &AwsContext, target: &Target) -> Observation {
    let client = aws.dynamodb();
    let name = target.identifier.trim();
    let table = match client.describe_table().table_name(name).send().await {
        Ok(out) => match out.table {
            Some(t) => t,
            None => {
                return Observation::with_existence(
                    target,
                    Existence::Unknown("DynamoDB DescribeTable answered without a table".into()),
                )
            }
        },
        Err(e) => {
            let err = classify(&e);
            let existence = if err.kind == AwsErrorKind::NotFound {
                Existence::Missing
            } else {
                Existence::Unknown(format!("DynamoDB DescribeTable: {err}"))
            };
            return Observation::with_existence(target, existence);
        }
    };
    let mut obs = Observation::exists(target);
    for (k, v) in table_properties(&table) {
        obs.set(&k, v);
    }
    obs.arn = table.table_arn().map(str::to_string);
    let table_ref = obs.arn.clone().unwrap_or_else(|| name.to_string());
    let (backups, tags) = futures::join!(
        client
            .describe_continuous_backups()
            .table_name(&table_ref)
            .send(),
        client
            .list_tags_of_resource()
            .resource_arn(&table_ref)
            .send(),
    );
    match backups {
        Ok(out) => match out.continuous_backups_description() {
            Some(d) => obs.set("PointInTimeRecoverySpecification", pitr_json(d)),
            None => obs.error(
                "PointInTimeRecoverySpecification",
                "DynamoDB DescribeContinuousBackups answered without ContinuousBackupsDescription",
            ),
        },
        Err(e) => obs.error(
            "PointInTimeRecoverySpecification",
            format!("DynamoDB DescribeContinuousBackups: {}", classify(&e)),
        ),
    }
    match tags {
        Ok(out) => {
            if let Some(tags) = tag_list(out.tags().iter().map(|t| (t.key(), t.value()))) {
                obs.set("Tags", tags);
            }
        }
        Err(e) => obs.error(
            "Tags",
            format!("DynamoDB ListTagsOfResource: {}", classify(&e)),
        ),
    }
    obs
}

/// CloudFormation properties of a described table; unset values are left out.
pub fn table_properties(t: &TableDescription) -> Map<String, Json> {
    let mut m = Map::new();
    if let Some(n) = t.table_name() {
        m.insert("TableName".into(), json!(n));
    }
    if let Some(a) = t.table_arn() {
        m.insert("Arn".into(), json!(a));
    }
    if let Some(b) = t.billing_mode_summary().and_then(|b| b.billing_mode()) {
        m.insert("BillingMode".into(), json!(b.as_str()));
    }
    if let Some(s) = t.table_status() {
        m.insert("TableStatus".into(), json!(s.as_str()));
    }
    if let Some(p) = t.deletion_protection_enabled() {
        m.insert("DeletionProtectionEnabled".into(), json!(p));
    }
    if let Some(sse) = t.sse_description() {
        m.insert("SSESpecification".into(), sse_json(sse));
    }
    m
}

/// `SSESpecification` from an `SSEDescription`: enabled while ENABLED or UPDATING (an
/// encrypted table changing keys stays encrypted).
pub fn sse_json(sse: &SseDescription) -> Json {
    let enabled = matches!(
        sse.status(),
        Some(SseStatus::Enabled) | Some(SseStatus::Updating)
    );
    let mut m = Map::new();
    m.insert("SSEEnabled".into(), json!(enabled));
    if let Some(s) = sse.status() {
        m.insert("SSEStatus".into(), json!(s.as_str()));
    }
    if let Some(t) = sse.sse_type() {
        m.insert("SSEType".into(), json!(t.as_str()));
    }
    if let Some(k) = sse.kms_master_key_arn() {
        m.insert("KMSMasterKeyId".into(), json!(k));
    }
    Json::Object(m)
}

/// `PointInTimeRecoverySpecification` from a `ContinuousBackupsDescription`; no PITR
/// description means PITR is off.
pub fn pitr_json(d: &ContinuousBackupsDescription) -> Json {
    let pitr = d.point_in_time_recovery_description();
    let enabled = pitr.and_then(|p| p.point_in_time_recovery_status())
        == Some(&PointInTimeRecoveryStatus::Enabled);
    let mut m = Map::new();
    m.insert("PointInTimeRecoveryEnabled".into(), json!(enabled));
    if let Some(days) = pitr.and_then(|p| p.recovery_period_in_days()) {
        m.insert("RecoveryPeriodInDays".into(), json!(days));
    }
    Json::Object(m)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::aws::fake_endpoint::{cut, cut_points, Answer, FakeEndpoint};
    use crate::checks::{evaluate_id, Status};
    use crate::observe::TargetOrigin;

    const TABLE_ARN: &str = "arn:aws:dynamodb:us-east-1:111122223333:table/lims";
    const KEY_ARN: &str =
        "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";

    fn describe_table() -> String {
        json!({"Table": {
            "TableName": "lims", "TableArn": TABLE_ARN, "TableStatus": "ACTIVE",
            "BillingModeSummary": {"BillingMode": "PAY_PER_REQUEST"},
            "DeletionProtectionEnabled": true,
            "SSEDescription": {"Status": "ENABLED", "SSEType": "KMS", "KMSMasterKeyArn": KEY_ARN}
        }})
        .to_string()
    }

    fn continuous_backups() -> String {
        json!({"ContinuousBackupsDescription": {
            "ContinuousBackupsStatus": "ENABLED",
            "PointInTimeRecoveryDescription": {
                "PointInTimeRecoveryStatus": "ENABLED", "RecoveryPeriodInDays": 35,
                "EarliestRestorableDateTime": 1.7e9, "LatestRestorableDateTime": 1.7e9
            }
        }})
        .to_string()
    }

    /// DynamoDB as documented, with `cut` applied to the answer of operation `cut_op`.
    fn answer(op: &str, cut_op: &str, percent: f64) -> Answer {
        let body = match op {
            "DescribeTable" => describe_table(),
            "DescribeContinuousBackups" => continuous_backups(),
            "ListTagsOfResource" => r#"{"Tags": [{"Key": "gxp:app", "Value": "lims"}]}"#.into(),
            _ => r#"{"__type": "UnknownOperationException"}"#.into(),
        };
        let body = if op == cut_op {
            cut(&body, percent)
        } else {
            body
        };
        Answer::new(200, "application/x-amz-json-1.0", body)
    }

    fn target() -> Target {
        Target {
            key: "t".into(),
            resource_type: TABLE.into(),
            identifier: "lims".into(),
            origin: TargetOrigin::Spec,
            checks: vec![],
            params: Default::default(),
            expected_properties: None,
            requirements: vec![],
        }
    }

    #[test]
    fn discovery_maps_tables_only() {
        assert_eq!(
            discover(TABLE_ARN, "table/lims"),
            Some((TABLE, "lims".to_string()))
        );
        assert_eq!(
            discover("", "table/lims/stream/2026-01-01T00:00:00.000"),
            None
        );
        assert_eq!(discover("", "table/lims/index/by-date"), None);
        assert_eq!(discover("", "table/"), None);
    }

    #[test]
    fn owned_key_tables_have_no_sse_specification_and_pitr_off_is_false() {
        let t = TableDescription::builder().table_name("lims").build();
        assert!(!table_properties(&t).contains_key("SSESpecification"));
        let off = ContinuousBackupsDescription::builder()
            .continuous_backups_status(aws_sdk_dynamodb::types::ContinuousBackupsStatus::Enabled)
            .build()
            .unwrap();
        assert_eq!(
            pitr_json(&off),
            json!({"PointInTimeRecoveryEnabled": false})
        );
    }

    #[tokio::test]
    async fn complete_dynamodb_answers_are_evaluated() {
        let endpoint = FakeEndpoint::start(|r| answer(&r.operation(), "", 100.0)).await;
        let obs = collect(&endpoint.context(1).await, &target()).await;
        assert_eq!(obs.existence, Existence::Exists, "{obs:?}");
        assert_eq!(obs.arn.as_deref(), Some(TABLE_ARN));
        assert_eq!(
            obs.get("SSESpecification.KMSMasterKeyId"),
            Some(&json!(KEY_ARN))
        );
        assert_eq!(
            obs.get("PointInTimeRecoverySpecification.RecoveryPeriodInDays"),
            Some(&json!(35))
        );
        assert_eq!(obs.get("Tags[0].Key"), Some(&json!("gxp:app")));
        for check in ["dynamodb.pitr", "dynamodb.kms"] {
            let o = evaluate_id(check, &obs, &Default::default());
            assert_eq!(o.status, Status::Passed, "{check}: {o:?}");
        }
    }

    #[tokio::test]
    async fn dynamodb_answers_cut_short_are_errors_never_made_up_values() {
        for (op, check) in [
            ("DescribeTable", "dynamodb.kms"),
            ("DescribeContinuousBackups", "dynamodb.pitr"),
        ] {
            for percent in cut_points() {
                let endpoint =
                    FakeEndpoint::start(move |r| answer(&r.operation(), op, percent)).await;
                let obs = collect(&endpoint.context(1).await, &target()).await;
                let o = evaluate_id(check, &obs, &Default::default());
                assert_eq!(o.status, Status::Error, "{op} cut at {percent}%: {o:?}");
            }
        }
    }

    #[tokio::test]
    async fn a_missing_table_is_missing() {
        let endpoint = FakeEndpoint::start(|_| {
            Answer::new(
                400,
                "application/x-amz-json-1.0",
                r#"{"__type": "com.amazonaws.dynamodb.v20120810#ResourceNotFoundException", "message": "Requested resource not found"}"#,
            )
        })
        .await;
        let obs = collect(&endpoint.context(1).await, &target()).await;
        assert_eq!(obs.existence, Existence::Missing, "{obs:?}");
    }
}
