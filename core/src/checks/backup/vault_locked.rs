//! `backup.vault_locked`: AWS Backup vault protected by Vault Lock. Definition, evaluator
//! and unit tests.

use super::VAULT;
use crate::catalog::{CheckDef, CheckParam, ParamKind, Related, Remediation, SeverityClass, Stage};
use crate::checks::support::{boolean, integer};
use crate::checks::{Check, Outcome, Params};
use crate::observe::Observation;

/// The `backup.vault_locked` check.
pub static CHECK: Check = Check {
    def: CheckDef {
        id: "backup.vault_locked",
        title: "Backup vault protected by Vault Lock",
        description: "OQ. Calls AWS Backup DescribeBackupVault. Passes when the vault is Locked (Vault Lock \
            in governance or compliance mode: recovery points cannot be deleted before their retention \
            ends) and, when min_retention_days is set, the lock's MinRetentionDays is at least that.",
        stage: Stage::Oq,
        service: "backup",
        resource_types: VAULT,
        severity: SeverityClass::Security,
        iam_actions: &["backup:DescribeBackupVault"],
        controls: &["21CFR11.10(c)", "21CFR11.10(e)", "Annex11-7.1", "Annex11-7.2"],
        remediation: "Terraform aws_backup_vault_lock_configuration { min_retention_days, max_retention_days, \
            changeable_for_days }; CloudFormation LockConfiguration; or AWS Backup \
            PutBackupVaultLockConfiguration (compliance mode is immutable once its grace period ends).",
        remediation_code: Remediation {
            terraform: "resource \"aws_backup_vault_lock_configuration\" \"records\" {\n  backup_vault_name   = aws_backup_vault.records.name\n  min_retention_days  = 35\n  max_retention_days  = 3650\n  changeable_for_days = 3\n}",
            cloudformation: "LockConfiguration:\n  MinRetentionDays: 35\n  MaxRetentionDays: 3650\n  ChangeableForDays: 3",
            cli: "aws backup put-backup-vault-lock-configuration --backup-vault-name VAULT --min-retention-days 35 --max-retention-days 3650 --changeable-for-days 3",
        },
        related: Related {
            prowler: &[],
            aws_config: &[],
        },
        params: &[CheckParam {
            name: "min_retention_days",
            description: "Minimum MinRetentionDays of the lock. When unset any lock passes.",
            default: None,
            kind: ParamKind::Days { min: 1, max: 36500 },
        }],
    },
    evaluate,
    #[cfg(test)]
    fixtures: crate::checks::UnitFixtures::Properties {
        pass: r#"{"Locked": true, "LockConfiguration": {"MinRetentionDays": 35, "MaxRetentionDays": 3650}}"#,
        fail: r#"{"Locked": false}"#,
        unreadable: "Locked",
    },
};

fn evaluate(obs: &Observation, params: &Params) -> Outcome {
    locked(obs, params.days("min_retention_days")).unwrap_or_else(|early| early)
}

fn locked(obs: &Observation, min: Option<i64>) -> Result<Outcome, Outcome> {
    let expected = match min {
        Some(d) => format!("Vault Lock with a minimum retention of at least {d} days"),
        None => "Vault Lock".to_string(),
    };
    if boolean(obs, "Locked", &expected)? != Some(true) {
        return Ok(Outcome::verdict(false, expected, "not locked"));
    }
    let days = integer(obs, "LockConfiguration.MinRetentionDays", &expected)?;
    Ok(match (min, days) {
        (None, Some(d)) => Outcome::verdict(
            true,
            expected,
            format!("locked, minimum retention {d} days"),
        ),
        (None, None) => Outcome::verdict(true, expected, "locked"),
        (Some(m), Some(d)) => Outcome::verdict(
            d >= m,
            expected,
            format!("locked, minimum retention {d} days"),
        ),
        (Some(_), None) => Outcome::verdict(false, expected, "locked without a minimum retention"),
    })
}

#[cfg(test)]
mod tests {
    use crate::checks::testing::{observation, run};
    use crate::checks::Status;
    use serde_json::json;

    const ID: &str = "backup.vault_locked";

    #[test]
    fn vault_locked_passes_when_locked_long_enough() {
        let v = |p| observation("AWS::Backup::BackupVault", "gxp-vault", p);
        let locked = v(json!({"Locked": true, "LockConfiguration": {"MinRetentionDays": 7}}));
        assert_eq!(run(ID, &locked, &[]).status, Status::Passed);
        assert_eq!(
            run(ID, &locked, &[("min_retention_days", "7")]).status,
            Status::Passed
        );
        assert_eq!(
            run(ID, &locked, &[("min_retention_days", "35")]).status,
            Status::Failed
        );
        let open = run(ID, &v(json!({"Locked": false})), &[]);
        assert_eq!(
            (open.status, open.actual.as_str()),
            (Status::Failed, "not locked")
        );
        let bare = v(json!({"Locked": true, "LockConfiguration": {}}));
        assert_eq!(
            run(ID, &bare, &[("min_retention_days", "1")]).status,
            Status::Failed
        );
        let mut e = v(json!({}));
        e.error("Locked", "AccessDeniedException");
        assert_eq!(run(ID, &e, &[]).status, Status::Error);
    }
}
