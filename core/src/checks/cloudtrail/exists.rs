//! `cloudtrail.exists`: CloudTrail trail exists. Definition, evaluator and unit tests.

use super::TRAIL;
use crate::catalog::{CheckDef, Related, Remediation, SeverityClass, Stage};
use crate::checks::{Check, Outcome, Params};
use crate::observe::Observation;

/// The `cloudtrail.exists` check.
pub static CHECK: Check = Check {
    def: CheckDef {
        id: "cloudtrail.exists",
        title: "CloudTrail trail exists",
        description:
            "OQ. Calls CloudTrail DescribeTrails (trailNameList with the trail name or ARN, \
            includeShadowTrails=true). Passes when the trail is returned.",
        stage: Stage::Oq,
        service: "cloudtrail",
        resource_types: TRAIL,
        severity: SeverityClass::Security,
        iam_actions: &["cloudtrail:DescribeTrails"],
        controls: &[
            "21CFR11.10(e)",
            "21CFR11.10(k)",
            "Annex11-9",
            "Annex11-10",
            "HIPAA-164.312(b)",
        ],
        remediation: "Create the trail through IaC: Terraform aws_cloudtrail, CloudFormation \
            AWS::CloudTrail::Trail, or the organization trail of the landing zone.",
        remediation_code: Remediation {
            terraform: "resource \"aws_cloudtrail\" \"audit\" {\n  name           = \"gxp-audit\"\n  s3_bucket_name = aws_s3_bucket.trail.id\n}",
            cloudformation: "AuditTrail:\n  Type: AWS::CloudTrail::Trail\n  Properties:\n    IsLogging: true\n    S3BucketName: !Ref TrailBucket",
            cli: "aws cloudtrail create-trail --name gxp-audit --s3-bucket-name TRAIL_BUCKET\naws cloudtrail start-logging --name gxp-audit",
        },
        related: Related {
            prowler: &[],
            aws_config: &["cloudtrail-enabled"],
        },
        params: &[],
    },
    evaluate,
    #[cfg(test)]
    fixtures: crate::checks::UnitFixtures::Existence,
};

/// Reached only for an existing trail (a missing one fails in `checks::evaluate`).
fn evaluate(obs: &Observation, _params: &Params) -> Outcome {
    let what = obs.arn.as_deref().unwrap_or(&obs.identifier);
    Outcome::verdict(true, "trail exists", format!("trail exists: {what}"))
}

#[cfg(test)]
mod tests {
    use crate::checks::cloudtrail::fixtures::{obs, run};
    use crate::checks::Status;
    use serde_json::json;
    use std::collections::BTreeMap;

    #[test]
    fn exists_passes_for_existing_trail() {
        let out = run("cloudtrail.exists", &obs(json!({})), &[]);
        assert_eq!(out.status, Status::Passed);
        assert!(out.actual.contains("trail/audit"), "{}", out.actual);
        // A missing trail fails through the dispatcher.
        let mut missing = obs(json!({}));
        missing.existence = crate::observe::Existence::Missing;
        let out = crate::checks::evaluate_id("cloudtrail.exists", &missing, &BTreeMap::new());
        assert_eq!(out.status, Status::Failed);
    }
}
