//! `organizations.account_member`: the account is a member of an AWS Organization.
//! Definition, evaluator and unit tests.

use serde_json::Value as Json;

use crate::catalog::{CheckDef, Related, Remediation, SeverityClass, Stage};
use crate::checks::support::property;
use crate::checks::{Check, Outcome, Params};
use crate::observe::account::ACCOUNT_TYPE;
use crate::observe::organizations::ORGANIZATION;
use crate::observe::Observation;

/// The `organizations.account_member` check.
pub static CHECK: Check = Check {
    def: CheckDef {
        id: "organizations.account_member",
        title: "Account is a member of an AWS Organization",
        description: "OQ. Calls Organizations DescribeOrganization. Passes when the account belongs to an \
            organization (governed by its service control policies and central security services); \
            AWSOrganizationsNotInUseException (not a member) fails.",
        stage: Stage::Oq,
        service: "organizations",
        resource_types: &[ACCOUNT_TYPE],
        severity: SeverityClass::Functional,
        iam_actions: &["organizations:DescribeOrganization"],
        controls: &["21CFR11.10(d)", "Annex11-12"],
        remediation: "Invite the account into the organization (Organizations InviteAccountToOrganization \
            from the management account) and accept the handshake, or create it there (CreateAccount).",
        remediation_code: Remediation {
            terraform: "# In the management account:\nresource \"aws_organizations_account\" \"gxp\" {\n  name  = \"gxp-prod\"\n  email = \"gxp-prod@example.com\"\n}",
            cloudformation: "# In the management account:\nAccount:\n  Type: AWS::Organizations::Account\n  Properties:\n    AccountName: gxp-prod\n    Email: gxp-prod@example.com",
            cli: "aws organizations accept-handshake --handshake-id HANDSHAKE_ID",
        },
        related: Related {
            prowler: &["organizations_account_part_of_organizations"],
            aws_config: &["account-part-of-organizations"],
        },
        params: &[],
    },
    evaluate,
    #[cfg(test)]
    fixtures: crate::checks::UnitFixtures::Properties {
        pass: r#"{"Organization": {"Id": "o-abc123", "MasterAccountId": "111122223333"}}"#,
        fail: r#"{}"#,
        unreadable: "Organization",
    },
};

fn evaluate(obs: &Observation, _params: &Params) -> Outcome {
    const EXPECTED: &str = "a member of an organization";
    match property(obs, ORGANIZATION, EXPECTED) {
        Err(e) => e,
        Ok(None) => Outcome::verdict(false, EXPECTED, "not a member of an organization"),
        Ok(Some(org)) => {
            let field = |k: &str| org.get(k).and_then(Json::as_str).unwrap_or("?");
            Outcome::verdict(
                true,
                EXPECTED,
                format!(
                    "member of {} (management account {})",
                    field("Id"),
                    field("MasterAccountId")
                ),
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::checks::testing::{observation, run};
    use crate::checks::Status;
    use serde_json::json;

    const ID: &str = "organizations.account_member";

    fn account(props: serde_json::Value) -> crate::observe::Observation {
        observation("AWS::::Account", "123456789012/eu-west-1", props)
    }

    #[test]
    fn a_member_passes_and_names_its_organization() {
        let o =
            account(json!({"Organization": {"Id": "o-abc123", "MasterAccountId": "111122223333"}}));
        let r = run(ID, &o, &[]);
        assert_eq!(
            (r.status, r.actual.as_str()),
            (
                Status::Passed,
                "member of o-abc123 (management account 111122223333)"
            )
        );
    }

    #[test]
    fn not_in_use_fails_and_unreadable_errors() {
        // AWSOrganizationsNotInUseException leaves the property absent (observe::organizations).
        let r = run(ID, &account(json!({})), &[]);
        assert_eq!(r.status, Status::Failed);
        let mut o = account(json!({}));
        o.error(
            "Organization",
            "Organizations DescribeOrganization: AccessDenied",
        );
        assert_eq!(run(ID, &o, &[]).status, Status::Error);
    }
}
