//! `backup.recovery_point_encrypted`: every recovery point of a vault is encrypted.
//! Definition, evaluator and unit tests.

use serde_json::Value as Json;

use super::{point_name, recovery_points, VAULT};
use crate::catalog::{CheckDef, Related, Remediation, SeverityClass, Stage};
use crate::checks::{Check, Outcome, Params};
use crate::observe::Observation;

/// The `backup.recovery_point_encrypted` check.
pub static CHECK: Check = Check {
    def: CheckDef {
        id: "backup.recovery_point_encrypted",
        title: "Backup recovery points encrypted",
        description: "PQ. Calls AWS Backup ListRecoveryPointsByBackupVault. Passes when the vault holds at \
            least one recovery point and every one has IsEncrypted true; a vault without recovery points \
            fails (nothing was backed up into it).",
        stage: Stage::Pq,
        service: "backup",
        resource_types: VAULT,
        severity: SeverityClass::Security,
        iam_actions: &["backup:ListRecoveryPointsByBackupVault"],
        controls: &["21CFR11.10(c)", "21CFR11.30", "Annex11-7", "Annex11-12", "HIPAA-164.312(a)(2)(iv)"],
        remediation: "Back up into a vault with a KMS key (Terraform aws_backup_vault kms_key_arn; CloudFormation \
            EncryptionKeyArn) and back up resources whose own encryption is enabled: an unencrypted \
            source (an unencrypted RDS snapshot, EBS volume) yields an unencrypted recovery point.",
        remediation_code: Remediation {
            terraform: "resource \"aws_backup_vault\" \"records\" {\n  name        = \"gxp-records\"\n  kms_key_arn = aws_kms_key.backup.arn\n}",
            cloudformation: "Type: AWS::Backup::BackupVault\nProperties:\n  BackupVaultName: gxp-records\n  EncryptionKeyArn: !GetAtt BackupKey.Arn",
            cli: "aws backup list-recovery-points-by-backup-vault --backup-vault-name VAULT --query 'RecoveryPoints[?IsEncrypted==`false`]'",
        },
        related: Related {
            prowler: &["backup_recovery_point_encrypted"],
            aws_config: &["backup-recovery-point-encrypted"],
        },
        params: &[],
    },
    evaluate,
    #[cfg(test)]
    fixtures: crate::checks::UnitFixtures::Properties {
        pass: r#"{"RecoveryPoints": [{"RecoveryPointArn": "arn:aws:backup:us-east-1:111122223333:recovery-point:rp-1", "IsEncrypted": true}]}"#,
        fail: r#"{"RecoveryPoints": [{"RecoveryPointArn": "arn:aws:backup:us-east-1:111122223333:recovery-point:rp-1", "IsEncrypted": false}]}"#,
        unreadable: "RecoveryPoints",
    },
};

fn evaluate(obs: &Observation, _params: &Params) -> Outcome {
    const EXPECTED: &str = "every recovery point encrypted";
    let points = match recovery_points(obs, EXPECTED) {
        Ok(p) => p,
        Err(early) => return early,
    };
    let plain: Vec<&str> = points
        .iter()
        .filter(|p| p.get("IsEncrypted").and_then(Json::as_bool) != Some(true))
        .map(point_name)
        .collect();
    if plain.is_empty() {
        Outcome::verdict(
            true,
            EXPECTED,
            format!("{} recovery point(s), all encrypted", points.len()),
        )
    } else {
        Outcome::verdict(
            false,
            EXPECTED,
            format!("not encrypted: {}", plain.join(", ")),
        )
    }
}

#[cfg(test)]
mod tests {
    use crate::checks::testing::{observation, run};
    use crate::checks::Status;
    use serde_json::json;

    const ID: &str = "backup.recovery_point_encrypted";

    #[test]
    fn every_point_must_be_encrypted_and_an_empty_vault_fails() {
        let v = |p| observation("AWS::Backup::BackupVault", "gxp-vault", p);
        let rp = |n: &str, e: bool| json!({"RecoveryPointArn": format!("arn:aws:backup:us-east-1:1:recovery-point:{n}"), "IsEncrypted": e});
        assert_eq!(
            run(
                ID,
                &v(json!({"RecoveryPoints": [rp("a", true), rp("b", true)]})),
                &[]
            )
            .status,
            Status::Passed
        );
        let mixed = run(
            ID,
            &v(json!({"RecoveryPoints": [rp("a", true), rp("b", false)]})),
            &[],
        );
        assert_eq!(
            (mixed.status, mixed.actual.as_str()),
            (Status::Failed, "not encrypted: b")
        );
        let empty = run(ID, &v(json!({"RecoveryPoints": []})), &[]);
        assert_eq!(
            (empty.status, empty.actual.as_str()),
            (Status::Failed, "no recovery points in the vault")
        );
        assert_eq!(run(ID, &v(json!({})), &[]).status, Status::Error);
    }
}
