//! Supplement (see [`super::supplements`]): the AWS Backup resource assignments of the
//! account, for `backup.resource_protected` on the resources AWS Backup protects (RDS DB
//! instances and clusters, DynamoDB, EBS, EFS, S3).
//!
//! Read once per run ([`crate::aws::run_cache`]), whatever the number of targets: AWS Backup
//! ListBackupPlans, then for each plan ListBackupSelections and, for each selection,
//! GetBackupSelection (every page of each list), and DescribeRegionSettings (the service
//! opt-in, which decides whether a selection by wildcard or by tags covers a resource type).
//! Recorded on each target as `BackupSelections` (ours: `[{BackupPlanId, BackupPlanName,
//! SelectionId, SelectionName, Resources, NotResources, ListOfTags: [{ConditionType,
//! ConditionKey, ConditionValue}], Conditions: {StringEquals|StringNotEquals|StringLike|
//! StringNotLike: [{ConditionKey, ConditionValue}]}}]`) and `BackupOptInPreference`
//! (`{"S3": true, ...}`). A failed read is recorded as the property's error, for every target
//! of the run.

use aws_sdk_backup::types::{BackupSelection, ConditionParameter};
use serde_json::{json, Map, Value as Json};

use super::supplements::Supplemental;
use super::Observation;
use crate::aws::{classify, AwsContext};

/// The selections of every plan (ours).
pub const SELECTIONS: &str = "BackupSelections";
/// The Region's service opt-in, `ResourceTypeOptInPreference` of DescribeRegionSettings (ours).
pub const OPT_IN: &str = "BackupOptInPreference";

/// The IAM actions of the read.
pub const IAM_ACTIONS: &[&str] = &[
    "backup:ListBackupPlans",
    "backup:ListBackupSelections",
    "backup:GetBackupSelection",
    "backup:DescribeRegionSettings",
];

/// The registration (see [`super::supplements::SUPPLEMENTS`]).
pub const SUPPLEMENT: Supplemental = Supplemental {
    name: "backup_selections",
    checks: &["backup.resource_protected"],
    resource_types: crate::checks::backup::resource_protected::RESOURCE_TYPES,
    properties: &[SELECTIONS, OPT_IN],
    iam_actions: IAM_ACTIONS,
    supplement: |aws, obs| Box::pin(supplement(aws, obs)),
};

/// The account's answer: the selections and the opt-in, each or its read error.
#[derive(Debug, Clone, PartialEq)]
pub struct AccountAssignments {
    pub selections: Result<Json, String>,
    pub opt_in: Result<Json, String>,
}

async fn supplement(aws: &AwsContext, obs: &mut Observation) {
    let answer = aws
        .run
        .get_or_read(SUPPLEMENT.name, || read_account(aws))
        .await;
    for (property, read) in [(SELECTIONS, &answer.selections), (OPT_IN, &answer.opt_in)] {
        match read {
            Ok(v) => obs.set(property, v.clone()),
            Err(e) => obs.error(property, e.clone()),
        }
    }
}

/// Read the account's assignments (not cached: [`SUPPLEMENT`] caches it per run).
pub async fn read_account(aws: &AwsContext) -> AccountAssignments {
    let (selections, opt_in) = futures::join!(read_selections(aws), read_opt_in(aws));
    AccountAssignments { selections, opt_in }
}

async fn read_selections(aws: &AwsContext) -> Result<Json, String> {
    let client = aws.backup();
    let mut plans = client.list_backup_plans().into_paginator().items().send();
    let mut out = Vec::new();
    while let Some(plan) = plans.next().await {
        let plan = plan.map_err(|e| format!("AWS Backup ListBackupPlans: {}", classify(&e)))?;
        let id = plan
            .backup_plan_id()
            .ok_or("AWS Backup ListBackupPlans answered a plan without BackupPlanId")?;
        let mut selections = client
            .list_backup_selections()
            .backup_plan_id(id)
            .into_paginator()
            .items()
            .send();
        while let Some(listed) = selections.next().await {
            let listed = listed
                .map_err(|e| format!("AWS Backup ListBackupSelections {id}: {}", classify(&e)))?;
            let selection_id = listed.selection_id().ok_or_else(|| {
                format!(
                    "AWS Backup ListBackupSelections {id} answered a selection without SelectionId"
                )
            })?;
            let got = client
                .get_backup_selection()
                .backup_plan_id(id)
                .selection_id(selection_id)
                .send()
                .await
                .map_err(|e| {
                    format!(
                        "AWS Backup GetBackupSelection {id}/{selection_id}: {}",
                        classify(&e)
                    )
                })?;
            let selection = got.backup_selection().ok_or_else(|| {
                format!("AWS Backup GetBackupSelection {id}/{selection_id} answered without BackupSelection")
            })?;
            out.push(selection_json(
                id,
                plan.backup_plan_name(),
                selection_id,
                selection,
            ));
        }
    }
    Ok(Json::Array(out))
}

async fn read_opt_in(aws: &AwsContext) -> Result<Json, String> {
    let out = aws
        .backup()
        .describe_region_settings()
        .send()
        .await
        .map_err(|e| format!("AWS Backup DescribeRegionSettings: {}", classify(&e)))?;
    let prefs = out
        .resource_type_opt_in_preference()
        .ok_or("AWS Backup DescribeRegionSettings answered without ResourceTypeOptInPreference")?;
    let sorted: std::collections::BTreeMap<&String, &bool> = prefs.iter().collect();
    Ok(json!(sorted))
}

fn parameters_json(ps: &[ConditionParameter]) -> Json {
    Json::Array(
        ps.iter()
            .map(|p| json!({"ConditionKey": p.condition_key(), "ConditionValue": p.condition_value()}))
            .collect(),
    )
}

/// A selection in the shape of CloudFormation's `BackupSelectionResourceType`, with its plan.
pub fn selection_json(
    plan_id: &str,
    plan_name: Option<&str>,
    selection_id: &str,
    s: &BackupSelection,
) -> Json {
    let mut m = Map::new();
    m.insert("BackupPlanId".into(), json!(plan_id));
    if let Some(name) = plan_name {
        m.insert("BackupPlanName".into(), json!(name));
    }
    m.insert("SelectionId".into(), json!(selection_id));
    m.insert("SelectionName".into(), json!(s.selection_name()));
    m.insert("Resources".into(), json!(s.resources()));
    m.insert("NotResources".into(), json!(s.not_resources()));
    m.insert(
        "ListOfTags".into(),
        Json::Array(
            s.list_of_tags()
                .iter()
                .map(|c| {
                    json!({
                        "ConditionType": c.condition_type().as_str(),
                        "ConditionKey": c.condition_key(),
                        "ConditionValue": c.condition_value(),
                    })
                })
                .collect(),
        ),
    );
    let mut conditions = Map::new();
    if let Some(c) = s.conditions() {
        for (k, ps) in [
            ("StringEquals", c.string_equals()),
            ("StringNotEquals", c.string_not_equals()),
            ("StringLike", c.string_like()),
            ("StringNotLike", c.string_not_like()),
        ] {
            if !ps.is_empty() {
                conditions.insert(k.into(), parameters_json(ps));
            }
        }
    }
    m.insert("Conditions".into(), Json::Object(conditions));
    Json::Object(m)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::aws::fake_endpoint::{cut, cut_points, Answer, FakeEndpoint, Request};
    use crate::checks::{evaluate_id, Status};
    use crate::observe::{collect::collect, Existence, Target, TargetOrigin};

    const CHECK: &str = "backup.resource_protected";
    const TABLE_ARN: &str = "arn:aws:dynamodb:us-east-1:111122223333:table/lims";

    /// The AWS Backup operation of a restJson1 request, from its route.
    fn backup_operation(r: &Request) -> Option<&'static str> {
        let path = r.target.split('?').next().unwrap_or_default();
        let parts: Vec<&str> = path.trim_matches('/').split('/').collect();
        match parts.as_slice() {
            ["account-settings"] => Some("DescribeRegionSettings"),
            ["backup", "plans"] => Some("ListBackupPlans"),
            ["backup", "plans", _, "selections"] => Some("ListBackupSelections"),
            ["backup", "plans", _, "selections", _] => Some("GetBackupSelection"),
            _ => None,
        }
    }

    /// AWS Backup as documented: two pages of plans (`daily`, then `tagged`), one selection
    /// each — `daily` names the table ARN, `tagged` selects `backup = true` — and the Region's
    /// opt-in; DynamoDB answers for the table `lims` (tagged `gxp:app = lims`). The answer of
    /// `cut_op` is cut at `percent`.
    fn answer(r: &Request, cut_op: &str, percent: f64) -> Answer {
        let (op, body) = match backup_operation(r) {
            Some(op @ "ListBackupPlans") if r.target.contains("nextToken=page2") => (
                op,
                json!({"BackupPlansList": [{"BackupPlanId": "p-tagged", "BackupPlanName": "tagged",
                    "BackupPlanArn": "arn:aws:backup:us-east-1:111122223333:backup-plan:p-tagged", "VersionId": "v"}]}),
            ),
            Some(op @ "ListBackupPlans") => (
                op,
                json!({"BackupPlansList": [{"BackupPlanId": "p-daily", "BackupPlanName": "daily",
                    "BackupPlanArn": "arn:aws:backup:us-east-1:111122223333:backup-plan:p-daily", "VersionId": "v"}],
                    "NextToken": "page2"}),
            ),
            Some(op @ "ListBackupSelections") => {
                let plan = if r.target.contains("p-daily") {
                    "daily"
                } else {
                    "tagged"
                };
                (
                    op,
                    json!({"BackupSelectionsList": [{"SelectionId": format!("s-{plan}"),
                    "SelectionName": plan, "BackupPlanId": format!("p-{plan}"),
                    "IamRoleArn": "arn:aws:iam::111122223333:role/backup"}]}),
                )
            }
            Some(op @ "GetBackupSelection") if r.target.contains("p-daily") => (
                op,
                json!({"BackupPlanId": "p-daily", "SelectionId": "s-daily", "BackupSelection": {
                    "SelectionName": "daily", "IamRoleArn": "arn:aws:iam::111122223333:role/backup",
                    "Resources": [TABLE_ARN], "NotResources": [], "ListOfTags": []}}),
            ),
            Some(op @ "GetBackupSelection") => (
                op,
                json!({"BackupPlanId": "p-tagged", "SelectionId": "s-tagged", "BackupSelection": {
                    "SelectionName": "tagged", "IamRoleArn": "arn:aws:iam::111122223333:role/backup",
                    "Resources": ["*"], "NotResources": ["arn:aws:s3:::scratch-*"],
                    "ListOfTags": [{"ConditionType": "STRINGEQUALS", "ConditionKey": "backup", "ConditionValue": "true"}],
                    "Conditions": {"StringEquals": [{"ConditionKey": "aws:ResourceTag/backup", "ConditionValue": "true"}],
                        "StringNotEquals": [], "StringLike": [], "StringNotLike": []}}}),
            ),
            Some(op) => (
                op,
                json!({"ResourceTypeOptInPreference": {"DynamoDB": true, "S3": false, "EFS": true, "RDS": true}}),
            ),
            None => {
                let op = r.operation();
                let body = match op.as_str() {
                    "DescribeTable" => json!({"Table": {"TableName": "lims", "TableArn": TABLE_ARN,
                        "TableStatus": "ACTIVE"}}),
                    "ListTagsOfResource" => json!({"Tags": [{"Key": "gxp:app", "Value": "lims"}]}),
                    _ => json!({}),
                };
                return Answer::new(200, "application/x-amz-json-1.0", body.to_string());
            }
        };
        let body = body.to_string();
        let body = if op == cut_op {
            cut(&body, percent)
        } else {
            body
        };
        Answer::new(200, "application/json", body)
    }

    fn table(key: &str, checks: &[&str]) -> Target {
        Target {
            key: key.into(),
            resource_type: "AWS::DynamoDB::Table".into(),
            identifier: "lims".into(),
            origin: TargetOrigin::Spec,
            checks: checks.iter().map(|c| c.to_string()).collect(),
            params: Default::default(),
            expected_properties: None,
            requirements: vec![],
        }
    }

    fn backup_calls(endpoint: &FakeEndpoint) -> Vec<&'static str> {
        endpoint
            .requests()
            .iter()
            .filter_map(backup_operation)
            .collect()
    }

    #[tokio::test]
    async fn every_page_of_plans_and_selections_is_read_and_evaluated() {
        let endpoint = FakeEndpoint::start(|r| answer(r, "", 100.0)).await;
        let aws = endpoint.context(1).await;
        let obs = collect(&aws, &table("t", &[CHECK])).await;
        assert_eq!(obs.existence, Existence::Exists, "{obs:?}");
        assert_eq!(
            obs.get("BackupSelections[0].Resources[0]"),
            Some(&json!(TABLE_ARN))
        );
        assert_eq!(
            obs.get("BackupSelections[1].BackupPlanName"),
            Some(&json!("tagged"))
        );
        assert_eq!(
            obs.get("BackupSelections[1].Conditions.StringEquals[0].ConditionKey"),
            Some(&json!("aws:ResourceTag/backup"))
        );
        assert_eq!(
            obs.get("BackupSelections[1].Conditions.StringNotEquals"),
            None
        );
        assert_eq!(
            obs.get("BackupOptInPreference.DynamoDB"),
            Some(&json!(true))
        );
        let o = evaluate_id(CHECK, &obs, &Default::default());
        assert_eq!(o.status, Status::Passed, "{o:?}");
        assert_eq!(o.actual, "selected (plan daily, selection daily)");
        let mut calls = backup_calls(&endpoint);
        calls.sort_unstable();
        assert_eq!(
            calls,
            [
                "DescribeRegionSettings",
                "GetBackupSelection",
                "GetBackupSelection",
                "ListBackupPlans",
                "ListBackupPlans",
                "ListBackupSelections",
                "ListBackupSelections"
            ]
        );
    }

    #[tokio::test]
    async fn the_account_is_read_once_per_run_and_only_for_targets_that_need_it() {
        let endpoint = FakeEndpoint::start(|r| answer(r, "", 100.0)).await;
        let aws = endpoint.context(1).await;
        let targets: Vec<Target> = (0..4).map(|i| table(&format!("t{i}"), &[CHECK])).collect();
        let observed =
            crate::qualification::observe::observe_targets(&aws, targets.clone(), 4).await;
        for (_, obs) in &observed {
            let o = evaluate_id(CHECK, obs, &Default::default());
            assert_eq!(o.status, Status::Passed, "{}: {o:?}", obs.key);
        }
        let once = backup_calls(&endpoint).len();
        assert_eq!(once, 7, "one account read for four targets");
        // The next run reads again.
        crate::qualification::observe::observe_targets(&aws, targets, 4).await;
        assert_eq!(backup_calls(&endpoint).len(), 2 * once);
        // A target whose checks do not need it: no AWS Backup call.
        let plain = collect(&aws.for_run(), &table("plain", &["dynamodb.pitr"])).await;
        assert!(!plain.properties.contains_key(SELECTIONS));
        assert_eq!(backup_calls(&endpoint).len(), 2 * once);
    }

    #[tokio::test]
    async fn a_failed_account_read_is_an_error_for_every_target_of_the_run() {
        let endpoint = FakeEndpoint::start(|r| match backup_operation(r) {
            Some("ListBackupPlans") => Answer::new(
                400,
                "application/json",
                r#"{"__type": "AccessDeniedException", "message": "denied"}"#,
            ),
            _ => answer(r, "", 100.0),
        })
        .await;
        let aws = endpoint.context(1).await;
        let targets: Vec<Target> = (0..3).map(|i| table(&format!("t{i}"), &[CHECK])).collect();
        let observed = crate::qualification::observe::observe_targets(&aws, targets, 3).await;
        for (_, obs) in &observed {
            let o = evaluate_id(CHECK, obs, &Default::default());
            assert_eq!(o.status, Status::Error, "{o:?}");
            assert!(
                o.detail
                    .as_deref()
                    .unwrap_or_default()
                    .contains("ListBackupPlans"),
                "{o:?}"
            );
        }
        let plans = backup_calls(&endpoint)
            .into_iter()
            .filter(|op| *op == "ListBackupPlans")
            .count();
        assert_eq!(
            plans, 1,
            "the error is kept for the run, not retried per target"
        );
    }

    #[tokio::test]
    async fn backup_answers_cut_short_are_errors_never_made_up_values() {
        for op in [
            "ListBackupPlans",
            "ListBackupSelections",
            "GetBackupSelection",
        ] {
            for percent in cut_points() {
                let endpoint = FakeEndpoint::start(move |r| answer(r, op, percent)).await;
                let obs = collect(&endpoint.context(1).await, &table("t", &[CHECK])).await;
                let o = evaluate_id(CHECK, &obs, &Default::default());
                assert_eq!(o.status, Status::Error, "{op} cut at {percent}%: {o:?}");
            }
        }
    }

    #[tokio::test]
    async fn an_unreadable_opt_in_errors_only_a_decision_that_rests_on_it() {
        let endpoint = FakeEndpoint::start(|r| match backup_operation(r) {
            Some("DescribeRegionSettings") => Answer::empty(404),
            _ => answer(r, "", 100.0),
        })
        .await;
        let aws = endpoint.context(1).await;
        let obs = collect(&aws, &table("t", &[CHECK])).await;
        assert!(obs.error_for(OPT_IN).is_some(), "{obs:?}");
        // Plan `daily` names the table's ARN: no opt-in needed.
        let o = evaluate_id(CHECK, &obs, &Default::default());
        assert_eq!(o.status, Status::Passed, "{o:?}");
        let mut by_wildcard_only = obs.clone();
        by_wildcard_only.set(
            SELECTIONS,
            json!([obs.get("BackupSelections[1]").unwrap().clone()]),
        );
        by_wildcard_only.set("Tags", json!([{"Key": "backup", "Value": "true"}]));
        let o = evaluate_id(CHECK, &by_wildcard_only, &Default::default());
        assert_eq!(o.status, Status::Error, "{o:?}");
    }
}
