//! `rds.log_exports`: RDS instance or cluster exports its logs to CloudWatch Logs.
//! Definition, evaluator and unit tests.

use serde_json::Value as Json;

use crate::catalog::{CheckDef, Related, Remediation, SeverityClass, Stage};
use crate::checks::support::property;
use crate::checks::{Check, Outcome, Params};
use crate::observe::Observation;

/// The `rds.log_exports` check.
pub static CHECK: Check = Check {
    def: CheckDef {
        id: "rds.log_exports",
        title: "RDS logs exported to CloudWatch Logs",
        description: "OQ. Calls RDS DescribeDBInstances or DescribeDBClusters. Passes when \
            EnableCloudwatchLogsExports (EnabledCloudwatchLogsExports in the answer) names at least one log type \
            (e.g. postgresql, audit, error), so database audit records leave the instance and are kept with the \
            log group's retention; an empty list fails. Which log types an engine offers differs (MySQL audit needs \
            the audit plugin's option group): the exported types are recorded in the result.",
        stage: Stage::Oq,
        service: "rds",
        resource_types: &["AWS::RDS::DBInstance", "AWS::RDS::DBCluster"],
        severity: SeverityClass::Security,
        iam_actions: &["rds:DescribeDBInstances", "rds:DescribeDBClusters"],
        controls: &["21CFR11.10(e)", "21CFR11.10(k)", "Annex11-9", "Annex11-12"],
        remediation: "Terraform aws_db_instance / aws_rds_cluster enabled_cloudwatch_logs_exports = [\"postgresql\"] \
            (the engine's log types); CloudFormation EnableCloudwatchLogsExports; or RDS ModifyDBInstance / \
            ModifyDBCluster --cloudwatch-logs-export-configuration EnableLogTypes=....",
        remediation_code: Remediation {
            terraform: "resource \"aws_db_instance\" \"lims\" {\n  # ...\n  enabled_cloudwatch_logs_exports = [\"postgresql\", \"upgrade\"]\n}",
            cloudformation: "EnableCloudwatchLogsExports:\n  - postgresql\n  - upgrade",
            cli: "aws rds modify-db-instance --db-instance-identifier DB \\\n  --cloudwatch-logs-export-configuration '{\"EnableLogTypes\":[\"postgresql\",\"upgrade\"]}' --apply-immediately",
        },
        related: Related {
            prowler: &["rds_instance_integration_cloudwatch_logs", "rds_cluster_integration_cloudwatch_logs"],
            aws_config: &["rds-logging-enabled"],
        },
        params: &[],
    },
    evaluate,
    #[cfg(test)]
    fixtures: crate::checks::UnitFixtures::Properties {
        pass: r#"{"EnableCloudwatchLogsExports": ["postgresql"]}"#,
        fail: r#"{"EnableCloudwatchLogsExports": []}"#,
        unreadable: "EnableCloudwatchLogsExports",
    },
};

fn evaluate(obs: &Observation, _params: &Params) -> Outcome {
    let expected = "at least one log type exported to CloudWatch Logs";
    let types: Vec<&str> = match property(obs, "EnableCloudwatchLogsExports", expected) {
        Err(e) => return e,
        Ok(None) => vec![],
        Ok(Some(v)) => v
            .as_array()
            .map(|a| a.iter().filter_map(Json::as_str).collect())
            .unwrap_or_default(),
    };
    if types.is_empty() {
        Outcome::verdict(false, expected, "no log exports")
    } else {
        Outcome::verdict(true, expected, format!("exports {}", types.join(", ")))
    }
}

#[cfg(test)]
mod tests {
    use crate::checks::rds::fixtures::{db, errored, run};
    use crate::checks::{testing, Status};
    use serde_json::json;

    #[test]
    fn log_exports_on_instances_and_clusters() {
        let id = "rds.log_exports";
        let o = run(
            id,
            &db(json!({"EnableCloudwatchLogsExports": ["postgresql", "upgrade"]})),
        );
        assert_eq!(
            (o.status, o.actual.as_str()),
            (Status::Passed, "exports postgresql, upgrade")
        );
        let o = run(id, &db(json!({"EnableCloudwatchLogsExports": []})));
        assert_eq!(
            (o.status, o.actual.as_str()),
            (Status::Failed, "no log exports")
        );
        assert_eq!(run(id, &db(json!({}))).status, Status::Failed);
        assert_eq!(
            run(id, &errored("EnableCloudwatchLogsExports")).status,
            Status::Error
        );
        let cluster = testing::observation(
            "AWS::RDS::DBCluster",
            "c",
            json!({"EnableCloudwatchLogsExports": ["audit"]}),
        );
        assert_eq!(run(id, &cluster).status, Status::Passed);
    }
}
