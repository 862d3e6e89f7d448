//! `efs.backup_policy`: EFS automatic backups enabled. Definition, evaluator and unit tests.

use super::FILE_SYSTEM;
use crate::catalog::{CheckDef, Related, Remediation, SeverityClass, Stage};
use crate::checks::support::string;
use crate::checks::{Check, Outcome, Params};
use crate::observe::Observation;

/// The `efs.backup_policy` check.
pub static CHECK: Check = Check {
    def: CheckDef {
        id: "efs.backup_policy",
        title: "EFS automatic backups enabled (backup policy ENABLED)",
        description: "OQ. Calls EFS DescribeBackupPolicy. Passes when the file system's backup policy status \
            is ENABLED (AWS Backup then backs it up daily with the default plan); no backup policy \
            (PolicyNotFound) fails.",
        stage: Stage::Oq,
        service: "efs",
        resource_types: FILE_SYSTEM,
        severity: SeverityClass::Functional,
        iam_actions: &["elasticfilesystem:DescribeBackupPolicy"],
        controls: &["21CFR11.10(a)", "21CFR11.10(c)", "Annex11-7.2", "Annex11-16", "Annex11-17"],
        remediation: "Terraform aws_efs_backup_policy { backup_policy { status = \"ENABLED\" } }; CloudFormation \
            BackupPolicy.Status: ENABLED; or EFS PutBackupPolicy.",
        remediation_code: Remediation {
            terraform: "resource \"aws_efs_backup_policy\" \"records\" {\n  file_system_id = aws_efs_file_system.records.id\n  backup_policy {\n    status = \"ENABLED\"\n  }\n}",
            cloudformation: "BackupPolicy:\n  Status: ENABLED",
            cli: "aws efs put-backup-policy --file-system-id FS_ID --backup-policy Status=ENABLED",
        },
        related: Related {
            prowler: &["efs_have_backup_enabled"],
            aws_config: &[],
        },
        params: &[],
    },
    evaluate,
    #[cfg(test)]
    fixtures: crate::checks::UnitFixtures::Properties {
        pass: r#"{"BackupPolicy": {"Status": "ENABLED"}}"#,
        fail: r#"{"BackupPolicy": {"Status": "DISABLED"}}"#,
        unreadable: "BackupPolicy",
    },
};

fn evaluate(obs: &Observation, _params: &Params) -> Outcome {
    const EXPECTED: &str = "ENABLED";
    match string(obs, "BackupPolicy.Status", EXPECTED) {
        Err(e) => e,
        Ok(None) => Outcome::verdict(false, EXPECTED, "not configured"),
        Ok(Some(s)) => Outcome::verdict(s == EXPECTED, EXPECTED, s),
    }
}

#[cfg(test)]
mod tests {
    use crate::checks::testing::{observation, run};
    use crate::checks::Status;
    use serde_json::json;

    const ID: &str = "efs.backup_policy";

    #[test]
    fn backup_policy_passes_only_when_enabled() {
        let fs = |p| observation("AWS::EFS::FileSystem", "fs-1", p);
        assert_eq!(
            run(ID, &fs(json!({"BackupPolicy": {"Status": "ENABLED"}})), &[]).status,
            Status::Passed
        );
        for s in ["DISABLED", "ENABLING", "DISABLING"] {
            assert_eq!(
                run(ID, &fs(json!({"BackupPolicy": {"Status": s}})), &[]).status,
                Status::Failed,
                "{s}"
            );
        }
        let none = run(ID, &fs(json!({})), &[]);
        assert_eq!(
            (none.status, none.actual.as_str()),
            (Status::Failed, "not configured")
        );
        let mut e = fs(json!({}));
        e.error("BackupPolicy", "AccessDenied");
        assert_eq!(run(ID, &e, &[]).status, Status::Error);
    }
}
