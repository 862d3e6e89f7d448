//! `iam.root_no_access_keys`: the root user has no access keys. Definition, evaluator and
//! unit tests.

use super::{ACCOUNT, SIGNATURE_COMPONENT_CONTROLS};
use crate::catalog::{CheckDef, Related, Remediation, SeverityClass, Stage};
use crate::checks::support::integer;
use crate::checks::{Check, Outcome, Params};
use crate::observe::iam::SUMMARY;
use crate::observe::Observation;

/// The `iam.root_no_access_keys` check.
pub static CHECK: Check = Check {
    def: CheckDef {
        id: "iam.root_no_access_keys",
        title: "Root user has no access keys",
        description: "OQ. Calls IAM GetAccountSummary. Passes when AccountAccessKeysPresent is 0.",
        stage: Stage::Oq,
        service: "iam",
        resource_types: ACCOUNT,
        severity: SeverityClass::Security,
        iam_actions: &["iam:GetAccountSummary"],
        controls: SIGNATURE_COMPONENT_CONTROLS,
        remediation: "Sign in as the root user and delete its access keys (IAM console, Security credentials); \
            use IAM roles or users for programmatic access.",
        remediation_code: Remediation {
            terraform: "# The root user's access keys are deleted by the root user; Terraform cannot manage them.\n# Qualify it:\n# expected_account { checks = [\"iam.root_no_access_keys\"] }",
            cloudformation: "# Not manageable through CloudFormation: delete the root user's access keys in the console.",
            cli: "aws iam get-account-summary --query 'SummaryMap.AccountAccessKeysPresent'",
        },
        related: Related {
            prowler: &["iam_no_root_access_key"],
            aws_config: &["iam-root-access-key-check"],
        },
        params: &[],
    },
    evaluate,
    #[cfg(test)]
    fixtures: crate::checks::UnitFixtures::Properties {
        pass: r#"{"IamAccountSummary": {"AccountMFAEnabled": 1, "AccountAccessKeysPresent": 0}}"#,
        fail: r#"{"IamAccountSummary": {"AccountMFAEnabled": 1, "AccountAccessKeysPresent": 1}}"#,
        unreadable: "IamAccountSummary",
    },
};

fn evaluate(obs: &Observation, _params: &Params) -> Outcome {
    let expected = "no root access keys";
    match integer(
        obs,
        &format!("{SUMMARY}.AccountAccessKeysPresent"),
        expected,
    ) {
        Err(e) => e,
        Ok(None) => Outcome::error(
            expected,
            "GetAccountSummary gave no AccountAccessKeysPresent",
        ),
        Ok(Some(0)) => Outcome::verdict(true, expected, "no root access keys"),
        Ok(Some(_)) => Outcome::verdict(false, expected, "the root user has access keys"),
    }
}

#[cfg(test)]
mod tests {
    use crate::checks::iam::fixtures::{account, run};
    use crate::checks::Status;
    use serde_json::json;

    #[test]
    fn a_summary_without_the_count_is_an_error() {
        let o = account(json!({"IamAccountSummary": {"AccountMFAEnabled": 1}}));
        assert_eq!(
            run("iam.root_no_access_keys", &o, &[]).status,
            Status::Error
        );
    }
}
