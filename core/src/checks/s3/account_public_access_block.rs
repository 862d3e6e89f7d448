//! `s3.account_public_access_block`: S3 Block Public Access is on for the whole account.
//! Definition, evaluator and unit tests.

use serde_json::Value as Json;

use crate::catalog::{CheckDef, Related, Remediation, SeverityClass, Stage};
use crate::checks::support::property;
use crate::checks::{Check, Outcome, Params};
use crate::observe::account::ACCOUNT_TYPE;
use crate::observe::s3::ACCOUNT_PUBLIC_ACCESS_BLOCK;
use crate::observe::Observation;

/// The four settings of a public access block, in the order they are reported.
const SETTINGS: [&str; 4] = [
    "BlockPublicAcls",
    "IgnorePublicAcls",
    "BlockPublicPolicy",
    "RestrictPublicBuckets",
];

/// The `s3.account_public_access_block` check.
pub static CHECK: Check = Check {
    def: CheckDef {
        id: "s3.account_public_access_block",
        title: "S3 Block Public Access on for the account",
        description: "OQ. Calls S3 Control GetPublicAccessBlock for the account \
            (NoSuchPublicAccessBlockConfiguration: none, which fails). Passes when BlockPublicAcls, \
            IgnorePublicAcls, BlockPublicPolicy and RestrictPublicBuckets are all true, so that no \
            bucket of the account can be made public whatever its own settings.",
        stage: Stage::Oq,
        service: "s3",
        resource_types: &[ACCOUNT_TYPE],
        severity: SeverityClass::Security,
        iam_actions: &["s3:GetAccountPublicAccessBlock"],
        controls: &["21CFR11.10(c)", "21CFR11.10(d)", "21CFR11.10(g)", "Annex11-7.1", "Annex11-12"],
        remediation: "Terraform aws_s3_account_public_access_block with the four settings true (the \
            account-baseline module); or S3 Control PutPublicAccessBlock for the account.",
        remediation_code: Remediation {
            terraform: "resource \"aws_s3_account_public_access_block\" \"this\" {\n  block_public_acls       = true\n  ignore_public_acls      = true\n  block_public_policy     = true\n  restrict_public_buckets = true\n}",
            cloudformation: "# No CloudFormation resource sets the account's public access block: use Terraform or the CLI.",
            cli: "aws s3control put-public-access-block --account-id ACCOUNT_ID --public-access-block-configuration BlockPublicAcls=true,IgnorePublicAcls=true,BlockPublicPolicy=true,RestrictPublicBuckets=true",
        },
        related: Related {
            prowler: &["s3_account_level_public_access_blocks"],
            aws_config: &["s3-account-level-public-access-blocks-periodic"],
        },
        params: &[],
    },
    evaluate,
    #[cfg(test)]
    fixtures: crate::checks::UnitFixtures::Properties {
        pass: r#"{"AccountPublicAccessBlock": {"BlockPublicAcls": true, "IgnorePublicAcls": true, "BlockPublicPolicy": true, "RestrictPublicBuckets": true}}"#,
        fail: r#"{"AccountPublicAccessBlock": {"BlockPublicAcls": true, "IgnorePublicAcls": true, "BlockPublicPolicy": false, "RestrictPublicBuckets": true}}"#,
        unreadable: "AccountPublicAccessBlock",
    },
};

fn evaluate(obs: &Observation, _params: &Params) -> Outcome {
    const EXPECTED: &str = "all four settings true";
    let block = match property(obs, ACCOUNT_PUBLIC_ACCESS_BLOCK, EXPECTED) {
        Err(e) => return e,
        Ok(None) => return Outcome::verdict(false, EXPECTED, "not configured"),
        Ok(Some(b)) => b,
    };
    let off: Vec<&str> = SETTINGS
        .into_iter()
        .filter(|s| block.get(*s).and_then(Json::as_bool) != Some(true))
        .collect();
    if off.is_empty() {
        Outcome::verdict(true, EXPECTED, "all four settings true")
    } else {
        Outcome::verdict(false, EXPECTED, format!("off: {}", off.join(", ")))
    }
}

#[cfg(test)]
mod tests {
    use crate::checks::testing::{observation, run};
    use crate::checks::Status;
    use serde_json::json;

    const ID: &str = "s3.account_public_access_block";

    fn account(props: serde_json::Value) -> crate::observe::Observation {
        observation("AWS::::Account", "123456789012/eu-west-1", props)
    }

    #[test]
    fn every_setting_must_be_on() {
        let all = json!({"BlockPublicAcls": true, "IgnorePublicAcls": true, "BlockPublicPolicy": true, "RestrictPublicBuckets": true});
        let r = run(ID, &account(json!({"AccountPublicAccessBlock": all})), &[]);
        assert_eq!(r.status, Status::Passed, "{r:?}");
        let r = run(
            ID,
            &account(
                json!({"AccountPublicAccessBlock": {"BlockPublicAcls": true, "IgnorePublicAcls": false, "BlockPublicPolicy": true}}),
            ),
            &[],
        );
        assert_eq!(
            (r.status, r.actual.as_str()),
            (
                Status::Failed,
                "off: IgnorePublicAcls, RestrictPublicBuckets"
            )
        );
    }

    #[test]
    fn no_account_block_fails() {
        // NoSuchPublicAccessBlockConfiguration leaves the property absent (observe::s3).
        let r = run(ID, &account(json!({})), &[]);
        assert_eq!(
            (r.status, r.actual.as_str()),
            (Status::Failed, "not configured")
        );
    }

    #[test]
    fn unreadable_is_an_error() {
        let mut o = account(json!({}));
        o.error(
            "AccountPublicAccessBlock",
            "S3 Control GetPublicAccessBlock: AccessDenied",
        );
        let r = run(ID, &o, &[]);
        assert_eq!(r.status, Status::Error);
    }
}
