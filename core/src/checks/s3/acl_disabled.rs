//! `s3.acl_disabled`: Bucket ACLs disabled (Object Ownership BucketOwnerEnforced).
//! Definition, evaluator and unit tests.

use super::{str_at, Eval, BUCKET_TYPES};
use crate::catalog::{CheckDef, Related, Remediation, SeverityClass, Stage};
use crate::checks::{support, Check, Outcome, Params};
use crate::observe::Observation;
use serde_json::Value as Json;

/// The `s3.acl_disabled` check.
pub static CHECK: Check = Check {
    def: CheckDef {
        id: "s3.acl_disabled",
        title: "Bucket ACLs disabled (bucket owner enforced)",
        description: "OQ. Calls S3 GetBucketOwnershipControls. Passes when Object Ownership is \
            BucketOwnerEnforced, so that access is granted by policies alone and ACLs cannot grant it; \
            BucketOwnerPreferred, ObjectWriter or no ownership controls (OwnershipControlsNotFoundError) \
            fails. AWS Config rule s3-bucket-acl-prohibited.",
        stage: Stage::Oq,
        service: "s3",
        resource_types: BUCKET_TYPES,
        severity: SeverityClass::Security,
        iam_actions: &["s3:GetBucketOwnershipControls"],
        controls: &["21CFR11.10(d)", "21CFR11.10(g)", "Annex11-12"],
        remediation: "Terraform aws_s3_bucket_ownership_controls { rule { object_ownership = \
            \"BucketOwnerEnforced\" } }; CloudFormation OwnershipControls.Rules: [{ObjectOwnership: \
            BucketOwnerEnforced}]; or S3 PutBucketOwnershipControls with ObjectOwnership=BucketOwnerEnforced.",
        remediation_code: Remediation {
            terraform: "resource \"aws_s3_bucket_ownership_controls\" \"records\" {\n  bucket = aws_s3_bucket.records.id\n  rule {\n    object_ownership = \"BucketOwnerEnforced\"\n  }\n}",
            cloudformation: "OwnershipControls:\n  Rules:\n    - ObjectOwnership: BucketOwnerEnforced",
            cli: "aws s3api put-bucket-ownership-controls --bucket BUCKET --ownership-controls 'Rules=[{ObjectOwnership=BucketOwnerEnforced}]'",
        },
        related: Related {
            prowler: &["s3_bucket_acl_prohibited"],
            aws_config: &["s3-bucket-acl-prohibited"],
        },
        params: &[],
    },
    evaluate,
    #[cfg(test)]
    fixtures: crate::checks::UnitFixtures::Properties {
        pass: r#"{"OwnershipControls": {"Rules": [{"ObjectOwnership": "BucketOwnerEnforced"}]}}"#,
        fail: r#"{"OwnershipControls": {"Rules": [{"ObjectOwnership": "ObjectWriter"}]}}"#,
        unreadable: "OwnershipControls",
    },
};

fn evaluate(obs: &Observation, _params: &Params) -> Outcome {
    acl_disabled(obs).unwrap_or_else(|early| early)
}

fn acl_disabled(obs: &Observation) -> Eval {
    const EXPECTED: &str = "BucketOwnerEnforced";
    let rules = support::property(obs, "OwnershipControls", EXPECTED)?
        .and_then(|c| c.get("Rules"))
        .and_then(Json::as_array);
    let owners: Vec<&str> = rules
        .into_iter()
        .flatten()
        .filter_map(|r| str_at(r, "/ObjectOwnership"))
        .collect();
    Ok(match owners.as_slice() {
        [] => Outcome::verdict(false, EXPECTED, "not configured"),
        [one] => Outcome::verdict(*one == EXPECTED, EXPECTED, *one),
        many => Outcome::verdict(
            many.iter().all(|o| *o == EXPECTED),
            EXPECTED,
            many.join(", "),
        ),
    })
}

#[cfg(test)]
mod tests {
    use crate::checks::s3::fixtures::{bucket, errored, run};
    use crate::checks::Status;
    use serde_json::json;

    const ID: &str = "s3.acl_disabled";

    fn owned(ownership: &str) -> crate::observe::Observation {
        bucket(json!({"OwnershipControls": {"Rules": [{"ObjectOwnership": ownership}]}}))
    }

    #[test]
    fn acl_disabled_passes_only_when_bucket_owner_enforced() {
        let r = run(ID, &owned("BucketOwnerEnforced"), &[]);
        assert_eq!(
            (r.status, r.expected.as_str(), r.actual.as_str()),
            (Status::Passed, "BucketOwnerEnforced", "BucketOwnerEnforced")
        );
        for weaker in ["BucketOwnerPreferred", "ObjectWriter"] {
            let r = run(ID, &owned(weaker), &[]);
            assert_eq!((r.status, r.actual.as_str()), (Status::Failed, weaker));
        }
    }

    #[test]
    fn acl_disabled_fails_without_ownership_controls() {
        // OwnershipControlsNotFoundError leaves the property absent (observe::s3).
        let r = run(ID, &bucket(json!({})), &[]);
        assert_eq!(
            (r.status, r.actual.as_str()),
            (Status::Failed, "not configured")
        );
        let r = run(
            ID,
            &bucket(json!({"OwnershipControls": {"Rules": []}})),
            &[],
        );
        assert_eq!(
            (r.status, r.actual.as_str()),
            (Status::Failed, "not configured")
        );
    }

    #[test]
    fn acl_disabled_unreadable_is_an_error() {
        let r = errored(ID, "OwnershipControls", &[]);
        assert_eq!(r.status, Status::Error);
        assert!(r.detail.unwrap_or_default().contains("AccessDenied"));
    }
}
