//! `elb.access_logging`: load balancer access logs delivered to S3. Definition, evaluator and
//! unit tests.

use super::{attribute_true, LOAD_BALANCER};
use crate::catalog::{CheckDef, Related, Remediation, SeverityClass, Stage};
use crate::checks::{Check, Outcome, Params};
use crate::observe::Observation;

/// The `elb.access_logging` check.
pub static CHECK: Check = Check {
    def: CheckDef {
        id: "elb.access_logging",
        title: "Load balancer access logging enabled",
        description: "OQ. Calls ELBv2 DescribeLoadBalancerAttributes. Passes when the attribute \
            access_logs.s3.enabled is true (every request recorded in S3 with client, time, path and \
            result); false or not reported fails.",
        stage: Stage::Oq,
        service: "elb",
        resource_types: LOAD_BALANCER,
        severity: SeverityClass::Security,
        iam_actions: &["elasticloadbalancing:DescribeLoadBalancerAttributes"],
        controls: &["21CFR11.10(e)", "21CFR11.10(k)", "Annex11-9", "Annex11-12"],
        remediation: "Terraform aws_lb { access_logs { bucket = ..., enabled = true } }; CloudFormation \
            LoadBalancerAttributes access_logs.s3.enabled = true with access_logs.s3.bucket; or ELBv2 \
            ModifyLoadBalancerAttributes. The bucket policy must let the ELB log delivery write to it.",
        remediation_code: Remediation {
            terraform: "resource \"aws_lb\" \"lims\" {\n  # ...\n  access_logs {\n    bucket  = aws_s3_bucket.lb_logs.id\n    prefix  = \"lims\"\n    enabled = true\n  }\n}",
            cloudformation: "LoadBalancerAttributes:\n  - Key: access_logs.s3.enabled\n    Value: \"true\"\n  - Key: access_logs.s3.bucket\n    Value: !Ref LbLogsBucket",
            cli: "aws elbv2 modify-load-balancer-attributes --load-balancer-arn LB_ARN \\\n  --attributes Key=access_logs.s3.enabled,Value=true Key=access_logs.s3.bucket,Value=LOG_BUCKET",
        },
        related: Related {
            prowler: &["elbv2_logging_enabled"],
            aws_config: &["elb-logging-enabled"],
        },
        params: &[],
    },
    evaluate,
    #[cfg(test)]
    fixtures: crate::checks::UnitFixtures::Properties {
        pass: r#"{"LoadBalancerAttributes": [{"Key": "access_logs.s3.enabled", "Value": "true"}]}"#,
        fail: r#"{"LoadBalancerAttributes": [{"Key": "access_logs.s3.enabled", "Value": "false"}]}"#,
        unreadable: "LoadBalancerAttributes",
    },
};

fn evaluate(obs: &Observation, _params: &Params) -> Outcome {
    attribute_true(obs, "access_logs.s3.enabled", "enabled", "disabled")
}

#[cfg(test)]
mod tests {
    use crate::checks::elb::fixtures::{errored, lb, run, with_attributes};
    use crate::checks::Status;
    use serde_json::json;

    const ID: &str = "elb.access_logging";

    #[test]
    fn access_logging() {
        let o = run(
            ID,
            &with_attributes(&[
                ("access_logs.s3.bucket", "lb-logs"),
                ("access_logs.s3.enabled", "true"),
            ]),
        );
        assert_eq!((o.status, o.actual.as_str()), (Status::Passed, "enabled"));
        let o = run(ID, &with_attributes(&[("access_logs.s3.enabled", "false")]));
        assert_eq!((o.status, o.actual.as_str()), (Status::Failed, "disabled"));
        let o = run(ID, &lb(json!({"LoadBalancerAttributes": []})));
        assert_eq!(
            (o.status, o.actual.as_str()),
            (Status::Failed, "access_logs.s3.enabled not reported")
        );
        assert_eq!(
            run(ID, &errored("LoadBalancerAttributes")).status,
            Status::Error
        );
    }
}
