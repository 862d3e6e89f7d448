//! `s3.public_access_block`: Bucket blocks all public access. Definition, evaluator and unit tests.

use super::{truthy, Eval, BUCKET_TYPES};
use crate::catalog::{CheckDef, Related, Remediation, SeverityClass, Stage};
use crate::checks::{support, Check, Outcome, Params};
use crate::observe::Observation;

/// The `s3.public_access_block` check.
pub static CHECK: Check = Check {
    def: CheckDef {
        id: "s3.public_access_block",
        title: "Bucket blocks all public access",
        description: "OQ. Calls S3 GetPublicAccessBlock for the bucket. Passes when all four flags are true: \
            BlockPublicAcls, IgnorePublicAcls, BlockPublicPolicy, RestrictPublicBuckets. A missing configuration \
            (NoSuchPublicAccessBlockConfiguration) or any false flag fails; the account-level block is reported \
            for information but does not substitute for the bucket setting.",
        stage: Stage::Oq,
        service: "s3",
        resource_types: BUCKET_TYPES,
        severity: SeverityClass::Security,
        iam_actions: &["s3:GetBucketPublicAccessBlock"],
        controls: &["21CFR11.10(c)", "21CFR11.10(d)", "21CFR11.10(g)", "Annex11-12"],
        remediation: "Terraform aws_s3_bucket_public_access_block with block_public_acls, ignore_public_acls, \
            block_public_policy and restrict_public_buckets all = true; CloudFormation \
            PublicAccessBlockConfiguration with the four flags true; or S3 PutPublicAccessBlock.",
        remediation_code: Remediation {
            terraform: "resource \"aws_s3_bucket_public_access_block\" \"records\" {\n  bucket                  = aws_s3_bucket.records.id\n  block_public_acls       = true\n  ignore_public_acls      = true\n  block_public_policy     = true\n  restrict_public_buckets = true\n}",
            cloudformation: "PublicAccessBlockConfiguration:\n  BlockPublicAcls: true\n  IgnorePublicAcls: true\n  BlockPublicPolicy: true\n  RestrictPublicBuckets: true",
            cli: "aws s3api put-public-access-block --bucket BUCKET --public-access-block-configuration \\\n  BlockPublicAcls=true,IgnorePublicAcls=true,BlockPublicPolicy=true,RestrictPublicBuckets=true",
        },
        related: Related {
            prowler: &["s3_bucket_level_public_access_block"],
            aws_config: &["s3-bucket-level-public-access-prohibited"],
        },
        params: &[],
    },
    evaluate,
    #[cfg(test)]
    fixtures: crate::checks::UnitFixtures::Properties {
        pass: r#"{"PublicAccessBlockConfiguration": {"BlockPublicAcls": true, "IgnorePublicAcls": true, "BlockPublicPolicy": true, "RestrictPublicBuckets": true}}"#,
        fail: r#"{"PublicAccessBlockConfiguration": {"BlockPublicAcls": true, "IgnorePublicAcls": true, "BlockPublicPolicy": false, "RestrictPublicBuckets": true}}"#,
        unreadable: "PublicAccessBlockConfiguration",
    },
};

fn evaluate(obs: &Observation, _params: &Params) -> Outcome {
    public_access_block(obs).unwrap_or_else(|early| early)
}

const PUBLIC_ACCESS_FLAGS: [&str; 4] = [
    "BlockPublicAcls",
    "IgnorePublicAcls",
    "BlockPublicPolicy",
    "RestrictPublicBuckets",
];

fn public_access_block(obs: &Observation) -> Eval {
    let expected = format!("{} all true", PUBLIC_ACCESS_FLAGS.join(", "));
    let Some(conf) = support::property(obs, "PublicAccessBlockConfiguration", &expected)? else {
        return Ok(Outcome::verdict(false, expected, "not configured"));
    };
    let off: Vec<&str> = PUBLIC_ACCESS_FLAGS
        .into_iter()
        .filter(|flag| !truthy(conf.get(flag)))
        .collect();
    Ok(if off.is_empty() {
        Outcome::verdict(true, expected, "all four true")
    } else {
        Outcome::verdict(false, expected, format!("false: {}", off.join(", ")))
    })
}

#[cfg(test)]
mod tests {
    use crate::checks::s3::fixtures::{bucket, errored, run};
    use crate::checks::Status;
    use serde_json::json;

    #[test]
    fn public_access_block_lists_false_flags() {
        let all = json!({"BlockPublicAcls": true, "IgnorePublicAcls": true,
                         "BlockPublicPolicy": true, "RestrictPublicBuckets": true});
        let r = run(
            "s3.public_access_block",
            &bucket(json!({"PublicAccessBlockConfiguration": all})),
            &[],
        );
        assert_eq!(r.status, Status::Passed);
        let some = json!({"BlockPublicAcls": true, "IgnorePublicAcls": true,
                          "BlockPublicPolicy": false});
        let r = run(
            "s3.public_access_block",
            &bucket(json!({"PublicAccessBlockConfiguration": some})),
            &[],
        );
        assert_eq!(r.status, Status::Failed);
        assert_eq!(r.actual, "false: BlockPublicPolicy, RestrictPublicBuckets");
        let r = run("s3.public_access_block", &bucket(json!({})), &[]);
        assert_eq!(
            (r.status, r.actual.as_str()),
            (Status::Failed, "not configured")
        );
        let r = errored(
            "s3.public_access_block",
            "PublicAccessBlockConfiguration",
            &[],
        );
        assert_eq!(r.status, Status::Error);
    }
}
