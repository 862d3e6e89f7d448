//! `backup.recovery_point_min_retention`: every recovery point of a vault is kept at least
//! the minimum. Definition, evaluator and unit tests.

use serde_json::Value as Json;

use super::{point_name, recovery_points, VAULT};
use crate::catalog::{CheckDef, CheckParam, ParamKind, Related, Remediation, SeverityClass, Stage};
use crate::checks::{Check, Outcome, Params};
use crate::observe::Observation;

/// The `backup.recovery_point_min_retention` check.
pub static CHECK: Check = Check {
    def: CheckDef {
        id: "backup.recovery_point_min_retention",
        title: "Backup recovery points retained at least the minimum",
        description: "PQ. Calls AWS Backup ListRecoveryPointsByBackupVault. Passes when the vault holds at \
            least one recovery point and every one is kept at least min_days (Lifecycle.DeleteAfterDays; \
            a recovery point without a lifecycle is kept until deleted and passes).",
        stage: Stage::Pq,
        service: "backup",
        resource_types: VAULT,
        severity: SeverityClass::Functional,
        iam_actions: &["backup:ListRecoveryPointsByBackupVault"],
        controls: &["21CFR11.10(c)", "Annex11-7.1", "Annex11-7.2", "Annex11-17"],
        remediation: "Give the plan rules that back up into the vault a lifecycle of at least min_days \
            (Terraform aws_backup_plan rule lifecycle { delete_after = 35 }; CloudFormation \
            Lifecycle.DeleteAfterDays) and lock the vault with that minimum (backup.vault_locked).",
        remediation_code: Remediation {
            terraform: "rule {\n  rule_name         = \"daily\"\n  target_vault_name = aws_backup_vault.records.name\n  schedule          = \"cron(0 5 ? * * *)\"\n  lifecycle {\n    delete_after = 35\n  }\n}",
            cloudformation: "Lifecycle:\n  DeleteAfterDays: 35",
            cli: "aws backup update-recovery-point-lifecycle --backup-vault-name VAULT --recovery-point-arn RP_ARN --lifecycle DeleteAfterDays=35",
        },
        related: Related {
            prowler: &[],
            aws_config: &["backup-recovery-point-minimum-retention-check"],
        },
        params: &[CheckParam {
            name: "min_days",
            description: "Minimum retention of every recovery point, in days.",
            default: Some("35"),
            kind: ParamKind::Days { min: 1, max: 36500 },
        }],
    },
    evaluate,
    #[cfg(test)]
    fixtures: crate::checks::UnitFixtures::Properties {
        pass: r#"{"RecoveryPoints": [{"RecoveryPointArn": "arn:aws:backup:us-east-1:111122223333:recovery-point:rp-1", "DeleteAfterDays": 35}]}"#,
        fail: r#"{"RecoveryPoints": [{"RecoveryPointArn": "arn:aws:backup:us-east-1:111122223333:recovery-point:rp-1", "DeleteAfterDays": 7}]}"#,
        unreadable: "RecoveryPoints",
    },
};

fn evaluate(obs: &Observation, params: &Params) -> Outcome {
    let min = params.days("min_days").unwrap_or(35);
    let expected = format!("every recovery point kept at least {min} days");
    let points = match recovery_points(obs, &expected) {
        Ok(p) => p,
        Err(early) => return early,
    };
    let short: Vec<String> = points
        .iter()
        .filter_map(|p| {
            let days = p.get("DeleteAfterDays").and_then(Json::as_i64)?;
            (days < min).then(|| format!("{} ({days} days)", point_name(p)))
        })
        .collect();
    if short.is_empty() {
        Outcome::verdict(
            true,
            expected,
            format!("{} recovery point(s), none shorter", points.len()),
        )
    } else {
        Outcome::verdict(
            false,
            expected,
            format!("kept shorter: {}", short.join(", ")),
        )
    }
}

#[cfg(test)]
mod tests {
    use crate::checks::testing::{observation, run};
    use crate::checks::Status;
    use serde_json::json;

    const ID: &str = "backup.recovery_point_min_retention";

    #[test]
    fn every_point_is_compared_with_min_days() {
        let v = |p| observation("AWS::Backup::BackupVault", "gxp-vault", p);
        let rp = |n: &str, d: Option<i64>| {
            let mut p = json!({"RecoveryPointArn": format!("arn:aws:backup:us-east-1:1:recovery-point:{n}")});
            if let Some(d) = d {
                p["DeleteAfterDays"] = json!(d);
            }
            p
        };
        let ok = v(json!({"RecoveryPoints": [rp("a", Some(35)), rp("b", None)]}));
        assert_eq!(run(ID, &ok, &[]).status, Status::Passed);
        assert_eq!(run(ID, &ok, &[("min_days", "36")]).status, Status::Failed);
        let short = run(ID, &v(json!({"RecoveryPoints": [rp("a", Some(7))]})), &[]);
        assert_eq!(
            (short.status, short.actual.as_str()),
            (Status::Failed, "kept shorter: a (7 days)")
        );
        assert_eq!(
            run(ID, &v(json!({"RecoveryPoints": []})), &[]).status,
            Status::Failed
        );
        assert_eq!(run(ID, &ok, &[("min_days", "0")]).status, Status::Error);
    }
}
