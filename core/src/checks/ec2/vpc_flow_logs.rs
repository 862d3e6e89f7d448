//! `ec2.vpc_flow_logs`: VPC flow logs active. Definition, evaluator and unit tests.

use serde_json::Value as Json;

use super::{field, VPC};
use crate::catalog::{CheckDef, CheckParam, ParamKind, Related, Remediation, SeverityClass, Stage};
use crate::checks::support::property;
use crate::checks::{Check, Outcome, Params};
use crate::observe::Observation;

/// The `ec2.vpc_flow_logs` check.
pub static CHECK: Check = Check {
    def: CheckDef {
        id: "ec2.vpc_flow_logs",
        title: "VPC flow logs active",
        description: "PQ. Calls EC2 DescribeFlowLogs with filter resource-id = the VPC id. Passes when a flow log \
            has FlowLogStatus ACTIVE, DeliverLogsStatus SUCCESS (when reported) and TrafficType equal to \
            traffic_type (ALL also satisfies ACCEPT or REJECT).",
        stage: Stage::Pq,
        service: "ec2",
        resource_types: VPC,
        severity: SeverityClass::Security,
        iam_actions: &["ec2:DescribeFlowLogs"],
        controls: &["21CFR11.10(e)", "Annex11-9", "Annex11-12", "HIPAA-164.312(b)"],
        remediation: "Terraform aws_flow_log { vpc_id = <vpc>, traffic_type = \"ALL\", log_destination_type = \
            \"cloud-watch-logs\" or \"s3\", log_destination = <arn> }; CloudFormation AWS::EC2::FlowLog; or EC2 \
            CreateFlowLogs. For DeliverLogsStatus FAILED fix the delivery role or bucket policy.",
        remediation_code: Remediation {
            terraform: "resource \"aws_flow_log\" \"vpc\" {\n  vpc_id               = aws_vpc.main.id\n  traffic_type         = \"ALL\"\n  log_destination_type = \"s3\"\n  log_destination      = aws_s3_bucket.flow_logs.arn\n}",
            cloudformation: "FlowLog:\n  Type: AWS::EC2::FlowLog\n  Properties:\n    ResourceId: !Ref Vpc\n    ResourceType: VPC\n    TrafficType: ALL\n    LogDestinationType: s3\n    LogDestination: !GetAtt FlowLogBucket.Arn",
            cli: "aws ec2 create-flow-logs --resource-type VPC --resource-ids VPC_ID --traffic-type ALL \\\n  --log-destination-type s3 --log-destination FLOW_LOG_BUCKET_ARN",
        },
        related: Related {
            prowler: &["vpc_flow_logs_enabled"],
            aws_config: &["vpc-flow-logs-enabled"],
        },
        params: &[CheckParam {
            name: "traffic_type",
            description: "Required traffic type: ALL, ACCEPT or REJECT.",
            default: Some("ALL"),
            kind: ParamKind::OneOf(&["ALL", "ACCEPT", "REJECT"]),
        }],
    },
    evaluate,
    #[cfg(test)]
    fixtures: crate::checks::UnitFixtures::Properties {
        pass: r#"{"FlowLogs": [{"FlowLogId": "fl-1", "FlowLogStatus": "ACTIVE", "TrafficType": "ALL", "LogDestinationType": "cloud-watch-logs", "LogGroupName": "fl", "DeliverLogsStatus": "SUCCESS"}]}"#,
        fail: r#"{"FlowLogs": [{"FlowLogId": "fl-1", "FlowLogStatus": "ACTIVE", "TrafficType": "REJECT", "LogDestinationType": "cloud-watch-logs", "LogGroupName": "fl", "DeliverLogsStatus": "SUCCESS"}]}"#,
        unreadable: "FlowLogs",
    },
};

fn evaluate(obs: &Observation, params: &Params) -> Outcome {
    let wanted = params.choice("traffic_type").unwrap_or("ALL");
    let expected = format!("an ACTIVE flow log capturing {wanted} traffic");
    let logs = match property(obs, "FlowLogs", &expected) {
        Err(e) => return e,
        Ok(None) => return Outcome::verdict(false, expected, "no flow log"),
        Ok(Some(v)) => v.as_array().cloned().unwrap_or_default(),
    };
    let describe = |fl: &Json| {
        let dest = match (field(fl, "LogDestination"), field(fl, "LogGroupName")) {
            ("", "") => String::new(),
            ("", group) => format!(" to log group {group}"),
            (dest, _) => format!(" to {dest}"),
        };
        let delivery = match field(fl, "DeliverLogsStatus") {
            "" => String::new(),
            s => format!(", delivery {s}"),
        };
        format!(
            "{} {} {}{dest}{delivery}",
            field(fl, "FlowLogId"),
            field(fl, "FlowLogStatus"),
            field(fl, "TrafficType"),
        )
    };
    let good = logs.iter().find(|fl| {
        let traffic = field(fl, "TrafficType");
        let delivery = field(fl, "DeliverLogsStatus");
        field(fl, "FlowLogStatus").eq_ignore_ascii_case("ACTIVE")
            && (delivery.is_empty() || delivery.eq_ignore_ascii_case("SUCCESS"))
            && (traffic.eq_ignore_ascii_case("ALL") || traffic.eq_ignore_ascii_case(wanted))
    });
    match good {
        Some(fl) => Outcome::verdict(true, expected, describe(fl)),
        None if logs.is_empty() => Outcome::verdict(false, expected, "no flow log"),
        None => {
            let all: Vec<String> = logs.iter().map(describe).collect();
            Outcome::verdict(false, expected, all.join("; "))
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::checks::ec2::fixtures::{obs, run, run_with};
    use crate::checks::Status;
    use crate::observe::Observation;
    use serde_json::{json, Value as Json};

    fn vpc_with_logs(logs: Json) -> Observation {
        obs("AWS::EC2::VPC", json!({ "FlowLogs": logs }))
    }

    fn flow(status: &str, traffic: &str) -> Json {
        json!({"FlowLogId": "fl-1", "FlowLogStatus": status, "TrafficType": traffic,
               "LogDestinationType": "cloud-watch-logs", "LogGroupName": "fl", "DeliverLogsStatus": "SUCCESS"})
    }

    #[test]
    fn flow_logs_pass_when_active_all() {
        let o = run(
            "ec2.vpc_flow_logs",
            &vpc_with_logs(json!([flow("ACTIVE", "ALL")])),
        );
        assert_eq!(o.status, Status::Passed, "{o:?}");
        assert!(
            o.actual.contains("fl-1 ACTIVE ALL to log group fl"),
            "{}",
            o.actual
        );
        // ALL satisfies a REJECT requirement; REJECT does not satisfy ALL.
        let o = run_with(
            "ec2.vpc_flow_logs",
            &vpc_with_logs(json!([flow("ACTIVE", "ALL")])),
            "traffic_type",
            "reject",
        );
        assert_eq!(o.status, Status::Passed);
        let o = run_with(
            "ec2.vpc_flow_logs",
            &vpc_with_logs(json!([flow("ACTIVE", "REJECT")])),
            "traffic_type",
            "REJECT",
        );
        assert_eq!(o.status, Status::Passed);
    }

    #[test]
    fn flow_logs_fail_on_wrong_traffic_inactive_or_failed_delivery() {
        let o = run(
            "ec2.vpc_flow_logs",
            &vpc_with_logs(json!([flow("ACTIVE", "REJECT")])),
        );
        assert_eq!(o.status, Status::Failed);
        assert!(o.actual.contains("REJECT"), "{}", o.actual);
        let o = run(
            "ec2.vpc_flow_logs",
            &vpc_with_logs(json!([flow("INACTIVE", "ALL")])),
        );
        assert_eq!(o.status, Status::Failed);
        let mut failed = flow("ACTIVE", "ALL");
        failed["DeliverLogsStatus"] = json!("FAILED");
        let o = run("ec2.vpc_flow_logs", &vpc_with_logs(json!([failed])));
        assert_eq!(o.status, Status::Failed);
        assert!(o.actual.contains("delivery FAILED"), "{}", o.actual);
        // One good flow log among bad ones passes.
        let o = run(
            "ec2.vpc_flow_logs",
            &vpc_with_logs(json!([flow("INACTIVE", "ALL"), flow("ACTIVE", "ALL")])),
        );
        assert_eq!(o.status, Status::Passed);
    }

    #[test]
    fn flow_logs_not_configured_fails() {
        let o = run("ec2.vpc_flow_logs", &obs("AWS::EC2::VPC", json!({})));
        assert_eq!(
            (o.status, o.actual.as_str()),
            (Status::Failed, "no flow log")
        );
    }

    #[test]
    fn flow_logs_read_error_and_bad_param_are_errors() {
        let mut o = obs("AWS::EC2::VPC", json!({}));
        o.error("FlowLogs", "DescribeFlowLogs: AccessDenied");
        let out = run("ec2.vpc_flow_logs", &o);
        assert_eq!(out.status, Status::Error);
        assert!(out.detail.unwrap().contains("AccessDenied"));
        let out = run_with(
            "ec2.vpc_flow_logs",
            &vpc_with_logs(json!([flow("ACTIVE", "ALL")])),
            "traffic_type",
            "SOME",
        );
        assert_eq!(out.status, Status::Error);
    }
}
