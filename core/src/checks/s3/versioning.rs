//! `s3.versioning`: Bucket versioning enabled. Definition, evaluator and unit tests.

use super::{Eval, BUCKET_TYPES};
use crate::catalog::{CheckDef, Related, Remediation, SeverityClass, Stage};
use crate::checks::{support, Check, Outcome, Params};
use crate::observe::Observation;
use serde_json::Value as Json;

/// The `s3.versioning` check.
pub static CHECK: Check = Check {
    def: CheckDef {
        id: "s3.versioning",
        title: "Bucket versioning enabled",
        description: "OQ. Calls S3 GetBucketVersioning. Passes when Status is Enabled; Suspended or never \
            enabled (no Status) fails. MFADelete is reported but not required.",
        stage: Stage::Oq,
        service: "s3",
        resource_types: BUCKET_TYPES,
        severity: SeverityClass::Security,
        iam_actions: &["s3:GetBucketVersioning"],
        controls: &["21CFR11.10(a)", "21CFR11.10(c)", "Annex11-7"],
        remediation: "Enable versioning: Terraform aws_s3_bucket_versioning { versioning_configuration { status \
            = \"Enabled\" } }, CloudFormation VersioningConfiguration.Status: Enabled, or S3 PutBucketVersioning.",
        remediation_code: Remediation {
            terraform: "resource \"aws_s3_bucket_versioning\" \"records\" {\n  bucket = aws_s3_bucket.records.id\n  versioning_configuration {\n    status = \"Enabled\"\n  }\n}",
            cloudformation: "VersioningConfiguration:\n  Status: Enabled",
            cli: "aws s3api put-bucket-versioning --bucket BUCKET --versioning-configuration Status=Enabled",
        },
        related: Related {
            prowler: &["s3_bucket_object_versioning"],
            aws_config: &["s3-bucket-versioning-enabled"],
        },
        params: &[],
    },
    evaluate,
    #[cfg(test)]
    fixtures: crate::checks::UnitFixtures::Properties {
        pass: r#"{"VersioningConfiguration": {"Status": "Enabled"}}"#,
        fail: r#"{"VersioningConfiguration": {"Status": "Suspended"}}"#,
        unreadable: "VersioningConfiguration",
    },
};

fn evaluate(obs: &Observation, _params: &Params) -> Outcome {
    versioning(obs).unwrap_or_else(|early| early)
}

fn versioning(obs: &Observation) -> Eval {
    const EXPECTED: &str = "Enabled";
    let status = support::string(obs, "VersioningConfiguration.Status", EXPECTED)?;
    let outcome = match status {
        Some(s) => Outcome::verdict(s == "Enabled", EXPECTED, s),
        None => Outcome::verdict(false, EXPECTED, "not configured (never enabled)"),
    };
    Ok(match obs.get("MfaDelete").and_then(Json::as_str) {
        Some(mfa) => outcome.with_detail(format!("MFA delete: {mfa}")),
        None => outcome,
    })
}

#[cfg(test)]
mod tests {
    use crate::checks::s3::fixtures::{bucket, errored, run};
    use crate::checks::Status;
    use serde_json::json;

    #[test]
    fn versioning_pass_fail_not_configured_error() {
        let on = bucket(
            json!({"VersioningConfiguration": {"Status": "Enabled"}, "MfaDelete": "Disabled"}),
        );
        let r = run("s3.versioning", &on, &[]);
        assert_eq!(r.status, Status::Passed);
        assert_eq!(r.detail.as_deref(), Some("MFA delete: Disabled"));
        let off = bucket(json!({"VersioningConfiguration": {"Status": "Suspended"}}));
        let r = run("s3.versioning", &off, &[]);
        assert_eq!((r.status, r.actual.as_str()), (Status::Failed, "Suspended"));
        let r = run("s3.versioning", &bucket(json!({})), &[]);
        assert_eq!(r.status, Status::Failed);
        assert!(r.actual.starts_with("not configured"));
        assert_eq!(
            errored("s3.versioning", "VersioningConfiguration", &[]).status,
            Status::Error
        );
    }
}
