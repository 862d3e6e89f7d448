//! Collector for `AWS::Backup::BackupVault` (identifier: vault name or ARN) and
//! `AWS::Backup::BackupPlan` (identifier: plan id or ARN).
//!
//! Vaults: DescribeBackupVault (ResourceNotFoundException → missing) gives
//! `BackupVaultName`, `Arn`, `EncryptionKeyArn`, `Locked` and, when locked,
//! `LockConfiguration {MinRetentionDays, MaxRetentionDays}`; ListTags gives
//! `BackupVaultTags` (a map, as in CloudFormation); ListRecoveryPointsByBackupVault (every
//! page) gives `RecoveryPoints` (`[{RecoveryPointArn, ResourceArn, ResourceType, Status,
//! IsEncrypted, EncryptionKeyArn, DeleteAfterDays}]`, ours: CloudFormation has no property for
//! them).
//!
//! Plans: GetBackupPlan gives `BackupPlan {BackupPlanName, BackupPlanRule: [{RuleName,
//! TargetBackupVault, ScheduleExpression, ScheduleExpressionTimezone, Lifecycle
//! {DeleteAfterDays, MoveToColdStorageAfterDays}}]}` and `Arn`; ListTags gives
//! `BackupPlanTags`.

use std::collections::HashMap;

use aws_sdk_backup::types::{BackupRule, Lifecycle, RecoveryPointByBackupVault};
use serde_json::{json, Map, Value as Json};

use crate::aws::{classify, AwsContext, AwsErrorKind};
use crate::catalog::SeverityClass::{self, Cosmetic, Functional, Security};
use crate::observe::{Existence, Observation, Target};

/// CloudFormation types handled here.
pub const VAULT: &str = "AWS::Backup::BackupVault";
/// CloudFormation types handled here.
pub const PLAN: &str = "AWS::Backup::BackupPlan";

/// Drift class of each top-level property this collector records.
pub const PROPERTY_CLASSES: &[(&str, &str, SeverityClass)] = &[
    (VAULT, "BackupVaultName", Functional),
    (VAULT, "Arn", Functional),
    (VAULT, "EncryptionKeyArn", Security),
    (VAULT, "Locked", Security),
    (VAULT, "LockConfiguration", Security),
    (VAULT, "RecoveryPoints", Functional),
    (VAULT, "BackupVaultTags", Cosmetic),
    (PLAN, "BackupPlan", Security),
    (PLAN, "Arn", Functional),
    (PLAN, "BackupPlanTags", Cosmetic),
];

/// The backup registration (see [`crate::observe::services`]).
pub const SERVICE: crate::observe::services::Service = crate::observe::services::Service {
    name: "backup",
    sdk_client: "aws-sdk-backup",
    iam_actions: &[
        "backup:DescribeBackupVault",
        "backup:GetBackupPlan",
        "backup:ListTags",
    ],
    resource_types: &[VAULT, PLAN],
    collect: |aws, target| Box::pin(collect(aws, target)),
    discover,
    property_classes: PROPERTY_CLASSES,
    account_facets: &[],
};

/// Tag-based discovery: `arn:aws:backup:R:A:backup-vault:NAME` is vault NAME,
/// `arn:aws:backup:R:A:backup-plan:ID` is plan ID.
pub fn discover(_arn: &str, rest: &str) -> Option<(&'static str, String)> {
    let single = |prefix| crate::observe::services::single_id(rest, prefix);
    single("backup-vault:")
        .map(|n| (VAULT, n))
        .or_else(|| single("backup-plan:").map(|id| (PLAN, id)))
}

/// The name or id after `:backup-vault:` / `:backup-plan:` in an ARN, or the identifier.
fn short_id<'a>(identifier: &'a str, kind: &str) -> &'a str {
    match identifier.split_once(kind) {
        Some((head, id)) if head.starts_with("arn:") => id,
        _ => identifier,
    }
}

/// Observe a vault or a plan. Never panics; read failures are recorded in the observation.
pub async fn collect(aws: &AwsContext, target: &Target) -> Observation {
    if target.resource_type == PLAN {
        collect_plan(aws, target).await
    } else {
        collect_vault(aws, target).await
    }
}

fn existence_of<E>(
    api: &str,
    e: &aws_sdk_backup::error::SdkError<E, aws_smithy_runtime_api::http::Response>,
) -> Existence
where
    E: aws_smithy_types::error::metadata::ProvideErrorMetadata + std::error::Error + 'static,
{
    let err = classify(e);
    if err.kind == AwsErrorKind::NotFound {
        Existence::Missing
    } else {
        Existence::Unknown(format!("AWS Backup {api}: {err}"))
    }
}

async fn tags(aws: &AwsContext, obs: &mut Observation, property: &str) {
    let Some(arn) = obs.arn.clone() else { return };
    let mut pages = aws
        .backup()
        .list_tags()
        .resource_arn(&arn)
        .into_paginator()
        .send();
    let mut all: HashMap<String, String> = HashMap::new();
    while let Some(page) = pages.next().await {
        match page {
            Ok(p) => all.extend(p.tags.unwrap_or_default()),
            Err(e) => {
                obs.error(property, format!("AWS Backup ListTags: {}", classify(&e)));
                return;
            }
        }
    }
    if !all.is_empty() {
        let sorted: std::collections::BTreeMap<_, _> = all.into_iter().collect();
        obs.set(property, json!(sorted));
    }
}

async fn collect_vault(aws: &AwsContext, target: &Target) -> Observation {
    let client = aws.backup();
    let name = short_id(target.identifier.trim(), ":backup-vault:");
    let vault = match client
        .describe_backup_vault()
        .backup_vault_name(name)
        .send()
        .await
    {
        Ok(v) => v,
        Err(e) => {
            return Observation::with_existence(target, existence_of("DescribeBackupVault", &e))
        }
    };
    let mut obs = Observation::exists(target);
    obs.arn = vault.backup_vault_arn().map(str::to_string);
    for (k, v) in [
        ("BackupVaultName", vault.backup_vault_name()),
        ("Arn", vault.backup_vault_arn()),
        ("EncryptionKeyArn", vault.encryption_key_arn()),
    ] {
        if let Some(v) = v.filter(|v| !v.is_empty()) {
            obs.set(k, json!(v));
        }
    }
    let locked = vault.locked().unwrap_or(false);
    obs.set("Locked", json!(locked));
    if locked {
        let mut lock = Map::new();
        if let Some(d) = vault.min_retention_days() {
            lock.insert("MinRetentionDays".into(), json!(d));
        }
        if let Some(d) = vault.max_retention_days() {
            lock.insert("MaxRetentionDays".into(), json!(d));
        }
        obs.set("LockConfiguration", Json::Object(lock));
    }
    tags(aws, &mut obs, "BackupVaultTags").await;
    let mut pages = client
        .list_recovery_points_by_backup_vault()
        .backup_vault_name(name)
        .into_paginator()
        .items()
        .send();
    let mut points = Vec::new();
    loop {
        match pages.next().await {
            None => break,
            Some(Ok(p)) => points.push(recovery_point_json(&p)),
            Some(Err(e)) => {
                obs.error(
                    "RecoveryPoints",
                    format!(
                        "AWS Backup ListRecoveryPointsByBackupVault: {}",
                        classify(&e)
                    ),
                );
                return obs;
            }
        }
    }
    obs.set("RecoveryPoints", Json::Array(points));
    obs
}

async fn collect_plan(aws: &AwsContext, target: &Target) -> Observation {
    let id = short_id(target.identifier.trim(), ":backup-plan:");
    let out = match aws
        .backup()
        .get_backup_plan()
        .backup_plan_id(id)
        .send()
        .await
    {
        Ok(out) => out,
        Err(e) => return Observation::with_existence(target, existence_of("GetBackupPlan", &e)),
    };
    let mut obs = Observation::exists(target);
    obs.arn = out.backup_plan_arn().map(str::to_string);
    if let Some(a) = out.backup_plan_arn() {
        obs.set("Arn", json!(a));
    }
    match out.backup_plan() {
        Some(plan) => obs.set(
            "BackupPlan",
            json!({
                "BackupPlanName": plan.backup_plan_name(),
                "BackupPlanRule": plan.rules().iter().map(rule_json).collect::<Vec<_>>(),
            }),
        ),
        None => obs.error(
            "BackupPlan",
            "AWS Backup GetBackupPlan answered without BackupPlan",
        ),
    }
    tags(aws, &mut obs, "BackupPlanTags").await;
    obs
}

fn lifecycle_json(l: &Lifecycle) -> Json {
    let mut m = Map::new();
    if let Some(d) = l.delete_after_days() {
        m.insert("DeleteAfterDays".into(), json!(d));
    }
    if let Some(d) = l.move_to_cold_storage_after_days() {
        m.insert("MoveToColdStorageAfterDays".into(), json!(d));
    }
    Json::Object(m)
}

/// A plan rule in CloudFormation shape (`TargetBackupVault`, `Lifecycle`, ...).
pub fn rule_json(r: &BackupRule) -> Json {
    let mut m = Map::new();
    m.insert("RuleName".into(), json!(r.rule_name()));
    m.insert(
        "TargetBackupVault".into(),
        json!(r.target_backup_vault_name()),
    );
    if let Some(s) = r.schedule_expression().filter(|s| !s.is_empty()) {
        m.insert("ScheduleExpression".into(), json!(s));
    }
    if let Some(tz) = r.schedule_expression_timezone() {
        m.insert("ScheduleExpressionTimezone".into(), json!(tz));
    }
    if let Some(c) = r.enable_continuous_backup() {
        m.insert("EnableContinuousBackup".into(), json!(c));
    }
    if let Some(l) = r.lifecycle() {
        m.insert("Lifecycle".into(), lifecycle_json(l));
    }
    Json::Object(m)
}

/// A recovery point of a vault.
pub fn recovery_point_json(p: &RecoveryPointByBackupVault) -> Json {
    let mut m = Map::new();
    for (k, v) in [
        ("RecoveryPointArn", p.recovery_point_arn()),
        ("ResourceArn", p.resource_arn()),
        ("ResourceType", p.resource_type()),
        ("Status", p.status().map(|s| s.as_str())),
        ("EncryptionKeyArn", p.encryption_key_arn()),
    ] {
        if let Some(v) = v {
            m.insert(k.into(), json!(v));
        }
    }
    m.insert("IsEncrypted".into(), json!(p.is_encrypted()));
    if let Some(d) = p.lifecycle().and_then(|l| l.delete_after_days()) {
        m.insert("DeleteAfterDays".into(), json!(d));
    }
    Json::Object(m)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::aws::fake_endpoint::{cut, cut_points, Answer, FakeEndpoint};
    use crate::checks::{evaluate_id, Status};
    use crate::observe::TargetOrigin;

    const VAULT_ARN: &str = "arn:aws:backup:us-east-1:111122223333:backup-vault:gxp-vault";
    const PLAN_ARN: &str = "arn:aws:backup:us-east-1:111122223333:backup-plan:8f2b-plan";

    /// AWS Backup (restJson1) as documented: the route names the operation.
    fn answer(r: &crate::aws::fake_endpoint::Request, cut_op: &str, percent: f64) -> Answer {
        let path = r.target.split('?').next().unwrap_or_default().to_string();
        let (op, body) = if path.starts_with("/tags/") {
            ("ListTags", json!({"Tags": {"gxp:app": "lims"}}).to_string())
        } else if path.ends_with("/recovery-points/") || path.ends_with("/recovery-points") {
            ("ListRecoveryPointsByBackupVault", json!({"RecoveryPoints": [{
                "RecoveryPointArn": "arn:aws:backup:us-east-1:111122223333:recovery-point:rp-1",
                "BackupVaultName": "gxp-vault", "ResourceArn": "arn:aws:dynamodb:us-east-1:111122223333:table/lims",
                "ResourceType": "DynamoDB", "Status": "COMPLETED", "IsEncrypted": true,
                "EncryptionKeyArn": "arn:aws:kms:us-east-1:111122223333:key/k",
                "Lifecycle": {"DeleteAfterDays": 35}
            }]}).to_string())
        } else if path.starts_with("/backup-vaults/") {
            (
                "DescribeBackupVault",
                json!({
                    "BackupVaultName": "gxp-vault", "BackupVaultArn": VAULT_ARN,
                    "EncryptionKeyArn": "arn:aws:kms:us-east-1:111122223333:key/k",
                    "Locked": true, "MinRetentionDays": 35, "MaxRetentionDays": 3650
                })
                .to_string(),
            )
        } else {
            ("GetBackupPlan", json!({
                "BackupPlanId": "8f2b-plan", "BackupPlanArn": PLAN_ARN, "VersionId": "v1",
                "BackupPlan": {"BackupPlanName": "daily", "Rules": [{
                    "RuleName": "daily", "TargetBackupVaultName": "gxp-vault",
                    "ScheduleExpression": "cron(0 5 ? * * *)", "Lifecycle": {"DeleteAfterDays": 35}
                }]}
            }).to_string())
        };
        let body = if op == cut_op {
            cut(&body, percent)
        } else {
            body
        };
        Answer::new(200, "application/json", body)
    }

    fn target(resource_type: &str, identifier: &str) -> Target {
        Target {
            key: "t".into(),
            resource_type: resource_type.into(),
            identifier: identifier.into(),
            origin: TargetOrigin::Spec,
            checks: vec![],
            params: Default::default(),
            expected_properties: None,
            requirements: vec![],
        }
    }

    #[test]
    fn discovery_maps_vaults_and_plans() {
        assert_eq!(
            discover(VAULT_ARN, "backup-vault:gxp-vault"),
            Some((VAULT, "gxp-vault".into()))
        );
        assert_eq!(
            discover(PLAN_ARN, "backup-plan:8f2b-plan"),
            Some((PLAN, "8f2b-plan".into()))
        );
        assert_eq!(discover("", "recovery-point:rp-1"), None);
        assert_eq!(short_id(VAULT_ARN, ":backup-vault:"), "gxp-vault");
        assert_eq!(short_id("gxp-vault", ":backup-vault:"), "gxp-vault");
    }

    const VAULT_CHECKS: &[&str] = &[
        "backup.vault_locked",
        "backup.recovery_point_encrypted",
        "backup.recovery_point_min_retention",
    ];

    #[tokio::test]
    async fn complete_backup_answers_are_evaluated() {
        let endpoint = FakeEndpoint::start(|r| answer(r, "", 100.0)).await;
        let aws = endpoint.context(1).await;
        let vault = collect(&aws, &target(VAULT, VAULT_ARN)).await;
        assert_eq!(vault.existence, Existence::Exists, "{vault:?}");
        assert_eq!(vault.get("BackupVaultTags.gxp:app"), Some(&json!("lims")));
        assert_eq!(
            vault.get("RecoveryPoints[0].DeleteAfterDays"),
            Some(&json!(35))
        );
        for check in VAULT_CHECKS {
            let o = evaluate_id(check, &vault, &Default::default());
            assert_eq!(o.status, Status::Passed, "{check}: {o:?}");
        }
        let plan = collect(&aws, &target(PLAN, "8f2b-plan")).await;
        assert_eq!(plan.arn.as_deref(), Some(PLAN_ARN));
        assert_eq!(
            plan.get("BackupPlan.BackupPlanRule[0].TargetBackupVault"),
            Some(&json!("gxp-vault"))
        );
        let o = evaluate_id(
            "backup.plan_min_frequency_retention",
            &plan,
            &Default::default(),
        );
        assert_eq!(o.status, Status::Passed, "{o:?}");
    }

    #[tokio::test]
    async fn backup_answers_cut_short_are_errors_never_made_up_values() {
        for (op, ty, checks) in [
            ("DescribeBackupVault", VAULT, VAULT_CHECKS),
            ("ListRecoveryPointsByBackupVault", VAULT, &VAULT_CHECKS[1..]),
            (
                "GetBackupPlan",
                PLAN,
                &["backup.plan_min_frequency_retention"][..],
            ),
        ] {
            for percent in cut_points() {
                let endpoint = FakeEndpoint::start(move |r| answer(r, op, percent)).await;
                let obs = collect(&endpoint.context(1).await, &target(ty, "gxp-vault")).await;
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
