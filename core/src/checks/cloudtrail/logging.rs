//! `cloudtrail.logging`: CloudTrail trail is logging. Definition, evaluator and unit tests.

use super::TRAIL;
use crate::catalog::{CheckDef, Related, Remediation, SeverityClass, Stage};
use crate::checks::support::{boolean, string};
use crate::checks::{Check, Outcome, Params};
use crate::observe::Observation;

/// The `cloudtrail.logging` check.
pub static CHECK: Check = Check {
    def: CheckDef {
        id: "cloudtrail.logging",
        title: "CloudTrail trail is logging",
        description: "PQ. Calls CloudTrail GetTrailStatus. Passes when IsLogging is true and no \
            LatestDeliveryError is reported (the trail is delivering log files to S3).",
        stage: Stage::Pq,
        service: "cloudtrail",
        resource_types: TRAIL,
        severity: SeverityClass::Security,
        iam_actions: &["cloudtrail:GetTrailStatus"],
        controls: &["21CFR11.10(e)", "21CFR11.10(k)", "Annex11-9", "HIPAA-164.312(b)"],
        remediation: "Start logging (CloudTrail StartLogging; Terraform aws_cloudtrail enable_logging = true; \
            CloudFormation IsLogging: true). For a delivery error fix the S3 bucket policy / KMS key policy \
            that must allow cloudtrail.amazonaws.com. Investigate who stopped logging (CAPA).",
        remediation_code: Remediation {
            terraform: "resource \"aws_cloudtrail\" \"audit\" {\n  # ...\n  enable_logging = true\n}",
            cloudformation: "IsLogging: true",
            cli: "aws cloudtrail start-logging --name TRAIL\naws cloudtrail get-trail-status --name TRAIL",
        },
        related: Related {
            prowler: &[],
            aws_config: &["cloudtrail-enabled"],
        },
        params: &[],
    },
    evaluate,
    #[cfg(test)]
    fixtures: crate::checks::UnitFixtures::Properties {
        pass: r#"{"IsLogging": true}"#,
        fail: r#"{"IsLogging": false}"#,
        unreadable: "IsLogging",
    },
};

fn evaluate(obs: &Observation, _params: &Params) -> Outcome {
    logging(obs).unwrap_or_else(|early| early)
}

fn logging(obs: &Observation) -> Result<Outcome, Outcome> {
    let expected = "logging, no delivery error";
    let is_logging = boolean(obs, "IsLogging", expected)?;
    let delivery_error = string(obs, "LatestDeliveryError", expected)?;
    Ok(match (is_logging, delivery_error) {
        (Some(true), None) => Outcome::verdict(true, expected, "logging"),
        (Some(true), Some(e)) => {
            Outcome::verdict(false, expected, format!("logging, delivery error: {e}"))
        }
        (Some(false), _) => Outcome::verdict(false, expected, "not logging"),
        (None, _) => Outcome::verdict(false, expected, "logging status not reported"),
    })
}

#[cfg(test)]
mod tests {
    use crate::checks::cloudtrail::fixtures::{obs, run, status};
    use crate::checks::Status;
    use serde_json::json;

    #[test]
    fn logging() {
        let id = "cloudtrail.logging";
        assert_eq!(
            status(id, &obs(json!({"IsLogging": true})), &[]),
            Status::Passed
        );
        let out = run(id, &obs(json!({"IsLogging": false})), &[]);
        assert_eq!(
            (out.status, out.actual.as_str()),
            (Status::Failed, "not logging")
        );
        let out = run(
            id,
            &obs(json!({"IsLogging": true, "LatestDeliveryError": "AccessDenied"})),
            &[],
        );
        assert_eq!(out.status, Status::Failed);
        assert!(out.actual.contains("AccessDenied"));
        assert_eq!(status(id, &obs(json!({})), &[]), Status::Failed);
        let mut o = obs(json!({}));
        o.error("IsLogging", "GetTrailStatus: AccessDenied");
        let out = run(id, &o, &[]);
        assert_eq!(out.status, Status::Error);
        assert!(out.detail.unwrap().contains("AccessDenied"));
    }
}
