//! `elb.deletion_protection`: load balancer deletion protection enabled. Definition,
//! evaluator and unit tests.

use super::{attribute_true, LOAD_BALANCER};
use crate::catalog::{CheckDef, Related, Remediation, SeverityClass, Stage};
use crate::checks::{Check, Outcome, Params};
use crate::observe::Observation;

/// The `elb.deletion_protection` check.
pub static CHECK: Check = Check {
    def: CheckDef {
        id: "elb.deletion_protection",
        title: "Load balancer deletion protection enabled",
        description: "OQ. Calls ELBv2 DescribeLoadBalancerAttributes. Passes when the attribute \
            deletion_protection.enabled is true, so that the qualified entry point of the system cannot be \
            deleted without first changing its configuration; false or not reported fails.",
        stage: Stage::Oq,
        service: "elb",
        resource_types: LOAD_BALANCER,
        severity: SeverityClass::Functional,
        iam_actions: &["elasticloadbalancing:DescribeLoadBalancerAttributes"],
        controls: &["21CFR11.10(a)", "Annex11-7", "Annex11-16"],
        remediation: "Terraform aws_lb enable_deletion_protection = true; CloudFormation \
            LoadBalancerAttributes deletion_protection.enabled = true; or ELBv2 ModifyLoadBalancerAttributes.",
        remediation_code: Remediation {
            terraform: "resource \"aws_lb\" \"lims\" {\n  # ...\n  enable_deletion_protection = true\n}",
            cloudformation: "LoadBalancerAttributes:\n  - Key: deletion_protection.enabled\n    Value: \"true\"",
            cli: "aws elbv2 modify-load-balancer-attributes --load-balancer-arn LB_ARN \\\n  --attributes Key=deletion_protection.enabled,Value=true",
        },
        related: Related {
            prowler: &["elbv2_deletion_protection"],
            aws_config: &["elb-deletion-protection-enabled"],
        },
        params: &[],
    },
    evaluate,
    #[cfg(test)]
    fixtures: crate::checks::UnitFixtures::Properties {
        pass: r#"{"LoadBalancerAttributes": [{"Key": "deletion_protection.enabled", "Value": "true"}]}"#,
        fail: r#"{"LoadBalancerAttributes": [{"Key": "deletion_protection.enabled", "Value": "false"}]}"#,
        unreadable: "LoadBalancerAttributes",
    },
};

fn evaluate(obs: &Observation, _params: &Params) -> Outcome {
    attribute_true(obs, "deletion_protection.enabled", "enabled", "disabled")
}

#[cfg(test)]
mod tests {
    use crate::checks::elb::fixtures::{errored, run, with_attributes};
    use crate::checks::Status;

    const ID: &str = "elb.deletion_protection";

    #[test]
    fn deletion_protection() {
        let on = with_attributes(&[("deletion_protection.enabled", "true")]);
        assert_eq!(run(ID, &on).status, Status::Passed);
        let off = with_attributes(&[("deletion_protection.enabled", "false")]);
        let o = run(ID, &off);
        assert_eq!((o.status, o.actual.as_str()), (Status::Failed, "disabled"));
        let other = with_attributes(&[("access_logs.s3.enabled", "true")]);
        assert_eq!(run(ID, &other).status, Status::Failed);
        assert_eq!(
            run(ID, &errored("LoadBalancerAttributes")).status,
            Status::Error
        );
    }
}
