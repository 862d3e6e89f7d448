//! `rds.snapshot_not_public`: RDS DB or cluster snapshot not restorable by everyone.
//! Definition, evaluator and unit tests.

use serde_json::Value as Json;

use super::SNAPSHOTS;
use crate::catalog::{CheckDef, Related, Remediation, SeverityClass, Stage};
use crate::checks::support::property;
use crate::checks::{Check, Outcome, Params};
use crate::observe::Observation;

/// The `rds.snapshot_not_public` check.
pub static CHECK: Check = Check {
    def: CheckDef {
        id: "rds.snapshot_not_public",
        title: "RDS snapshot not public",
        description: "OQ. Calls RDS DescribeDBSnapshots and DescribeDBSnapshotAttributes (DB snapshots) or \
            DescribeDBClusterSnapshots and DescribeDBClusterSnapshotAttributes (cluster snapshots). Fails when \
            the restore attribute contains all (any AWS account can restore the database); passes otherwise, \
            naming the accounts it is shared with.",
        stage: Stage::Oq,
        service: "rds",
        resource_types: SNAPSHOTS,
        severity: SeverityClass::Security,
        iam_actions: &[
            "rds:DescribeDBSnapshots",
            "rds:DescribeDBSnapshotAttributes",
            "rds:DescribeDBClusterSnapshots",
            "rds:DescribeDBClusterSnapshotAttributes",
        ],
        controls: &["21CFR11.10(c)", "21CFR11.10(d)", "21CFR11.10(g)", "21CFR11.10(k)", "Annex11-12"],
        remediation: "Remove the public permission: RDS ModifyDBSnapshotAttribute (or \
            ModifyDBClusterSnapshotAttribute) --attribute-name restore --values-to-remove all; share with named \
            accounts only.",
        remediation_code: Remediation {
            terraform: "# Terraform shares snapshots with named accounts only:\nresource \"aws_db_snapshot\" \"lims\" {\n  db_instance_identifier = aws_db_instance.lims.identifier\n  db_snapshot_identifier = \"lims-release-1\"\n  shared_accounts        = [\"210987654321\"]\n}",
            cloudformation: "# CloudFormation has no snapshot permission resource; use the CLI.",
            cli: "aws rds modify-db-snapshot-attribute --db-snapshot-identifier SNAPSHOT --attribute-name restore \\\n  --values-to-remove all\naws rds modify-db-cluster-snapshot-attribute --db-cluster-snapshot-identifier SNAPSHOT \\\n  --attribute-name restore --values-to-remove all",
        },
        related: Related {
            prowler: &["rds_snapshots_public_access"],
            aws_config: &["rds-snapshots-public-prohibited"],
        },
        params: &[],
    },
    evaluate,
    #[cfg(test)]
    fixtures: crate::checks::UnitFixtures::Properties {
        pass: r#"{"RestoreAccounts": ["210987654321"]}"#,
        fail: r#"{"RestoreAccounts": ["all"]}"#,
        unreadable: "RestoreAccounts",
    },
};

fn evaluate(obs: &Observation, _params: &Params) -> Outcome {
    let expected = "restore attribute without all";
    let accounts: Vec<&str> = match property(obs, "RestoreAccounts", expected) {
        Err(e) => return e,
        // The collector records the attribute whenever it was read (an empty list when private).
        Ok(None) => return Outcome::error(expected, "the restore attribute was not read"),
        Ok(Some(v)) => v
            .as_array()
            .map(|a| a.iter().filter_map(Json::as_str).collect())
            .unwrap_or_default(),
    };
    if accounts.iter().any(|a| a.eq_ignore_ascii_case("all")) {
        return Outcome::verdict(false, expected, "public: any AWS account can restore it");
    }
    let actual = if accounts.is_empty() {
        "private".to_string()
    } else {
        format!("private (shared with accounts {})", accounts.join(", "))
    };
    Outcome::verdict(true, expected, actual)
}

#[cfg(test)]
mod tests {
    use crate::checks::rds::fixtures::run;
    use crate::checks::{testing, Status};
    use serde_json::json;

    #[test]
    fn public_snapshots_fail_for_db_and_cluster_snapshots() {
        let id = "rds.snapshot_not_public";
        for ty in ["AWS::RDS::DBSnapshot", "AWS::RDS::DBClusterSnapshot"] {
            let snap = |v| testing::observation(ty, "s", json!({ "RestoreAccounts": v }));
            assert_eq!(run(id, &snap(json!(["all"]))).status, Status::Failed);
            let o = run(id, &snap(json!([])));
            assert_eq!((o.status, o.actual.as_str()), (Status::Passed, "private"));
            let o = run(id, &snap(json!(["1", "2"])));
            assert_eq!(o.actual, "private (shared with accounts 1, 2)");
            assert_eq!(
                run(id, &testing::observation(ty, "s", json!({}))).status,
                Status::Error
            );
        }
    }
}
