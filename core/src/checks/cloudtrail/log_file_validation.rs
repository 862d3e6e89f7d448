//! `cloudtrail.log_file_validation`: CloudTrail log file integrity validation enabled.
//! Definition, evaluator and unit tests.

use super::TRAIL;
use crate::catalog::{CheckDef, Related, Remediation, SeverityClass, Stage};
use crate::checks::support::boolean;
use crate::checks::{Check, Outcome, Params};
use crate::observe::Observation;

/// The `cloudtrail.log_file_validation` check.
pub static CHECK: Check = Check {
    def: CheckDef {
        id: "cloudtrail.log_file_validation",
        title: "CloudTrail log file integrity validation enabled",
        description:
            "OQ. Calls CloudTrail DescribeTrails. Passes when LogFileValidationEnabled is true \
            (hourly signed digest files make log tampering detectable).",
        stage: Stage::Oq,
        service: "cloudtrail",
        resource_types: TRAIL,
        severity: SeverityClass::Security,
        iam_actions: &["cloudtrail:DescribeTrails"],
        controls: &["21CFR11.10(a)", "21CFR11.10(e)", "Annex11-9"],
        remediation: "Terraform aws_cloudtrail enable_log_file_validation = true; CloudFormation \
            EnableLogFileValidation: true; or CloudTrail UpdateTrail --enable-log-file-validation.",
        remediation_code: Remediation {
            terraform: "resource \"aws_cloudtrail\" \"audit\" {\n  # ...\n  enable_log_file_validation = true\n}",
            cloudformation: "EnableLogFileValidation: true",
            cli: "aws cloudtrail update-trail --name TRAIL --enable-log-file-validation",
        },
        related: Related {
            prowler: &["cloudtrail_log_file_validation_enabled"],
            aws_config: &["cloud-trail-log-file-validation-enabled"],
        },
        params: &[],
    },
    evaluate,
    #[cfg(test)]
    fixtures: crate::checks::UnitFixtures::Properties {
        pass: r#"{"EnableLogFileValidation": true}"#,
        fail: r#"{"EnableLogFileValidation": false}"#,
        unreadable: "EnableLogFileValidation",
    },
};

fn evaluate(obs: &Observation, _params: &Params) -> Outcome {
    log_file_validation(obs).unwrap_or_else(|early| early)
}

fn log_file_validation(obs: &Observation) -> Result<Outcome, Outcome> {
    let expected = "Enabled";
    let on = boolean(obs, "EnableLogFileValidation", expected)?.unwrap_or(false);
    Ok(Outcome::verdict(
        on,
        expected,
        if on { "Enabled" } else { "Disabled" },
    ))
}

#[cfg(test)]
mod tests {
    use crate::checks::cloudtrail::fixtures::{obs, run, status};
    use crate::checks::Status;
    use serde_json::json;

    #[test]
    fn log_file_validation() {
        let id = "cloudtrail.log_file_validation";
        let on = obs(json!({"EnableLogFileValidation": true}));
        assert_eq!(status(id, &on, &[]), Status::Passed);
        let off = run(id, &obs(json!({"EnableLogFileValidation": false})), &[]);
        assert_eq!(
            (off.status, off.actual.as_str()),
            (Status::Failed, "Disabled")
        );
        assert_eq!(status(id, &obs(json!({})), &[]), Status::Failed);
        let mut o = obs(json!({}));
        o.error("EnableLogFileValidation", "denied");
        assert_eq!(status(id, &o, &[]), Status::Error);
    }
}
