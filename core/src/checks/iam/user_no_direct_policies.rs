//! `iam.user_no_direct_policies`: no IAM user has policies attached or inline (permissions
//! come through groups or roles); one result per user. Definition, evaluator and unit tests.

use super::{list, strings, text, ACCESS_CONTROLS, ACCOUNT};
use crate::catalog::{CheckDef, Related, Remediation, SeverityClass, Stage};
use crate::checks::{Check, Outcome, Params};
use crate::observe::iam::USER_POLICIES;
use crate::observe::Observation;

/// The `iam.user_no_direct_policies` check.
pub static CHECK: Check = Check {
    def: CheckDef {
        id: "iam.user_no_direct_policies",
        title: "IAM users have no policies of their own",
        description: "OQ. Calls IAM ListUsers, ListAttachedUserPolicies and ListUserPolicies. One result per IAM \
            user: passes when no managed policy is attached to the user and the user has no inline policy.",
        stage: Stage::Oq,
        service: "iam",
        resource_types: ACCOUNT,
        severity: SeverityClass::Security,
        iam_actions: &["iam:ListUsers", "iam:ListAttachedUserPolicies", "iam:ListUserPolicies"],
        controls: ACCESS_CONTROLS,
        remediation: "Grant permissions through IAM groups or roles: detach the user's managed policies \
            (DetachUserPolicy) and delete its inline policies (DeleteUserPolicy).",
        remediation_code: Remediation {
            terraform: "resource \"aws_iam_group_policy_attachment\" \"analysts\" {\n  group      = aws_iam_group.analysts.name\n  policy_arn = aws_iam_policy.read_records.arn\n}\n# instead of aws_iam_user_policy_attachment / aws_iam_user_policy",
            cloudformation: "Type: AWS::IAM::Group\nProperties:\n  ManagedPolicyArns:\n    - !Ref ReadRecordsPolicy",
            cli: "aws iam detach-user-policy --user-name USER --policy-arn POLICY_ARN",
        },
        related: Related {
            prowler: &["iam_policy_attached_only_to_group_or_roles"],
            aws_config: &["iam-user-no-policies-check"],
        },
        params: &[],
    },
    evaluate,
    #[cfg(test)]
    fixtures: crate::checks::UnitFixtures::Properties {
        pass: r#"{"IamUserPolicies": [{"UserName": "alice", "Arn": "arn:aws:iam::123456789012:user/alice", "AttachedPolicies": [], "InlinePolicies": []}]}"#,
        fail: r#"{"IamUserPolicies": [{"UserName": "alice", "Arn": "arn:aws:iam::123456789012:user/alice", "AttachedPolicies": ["arn:aws:iam::aws:policy/ReadOnlyAccess"], "InlinePolicies": []}]}"#,
        unreadable: "IamUserPolicies",
    },
};

fn evaluate(obs: &Observation, _params: &Params) -> Outcome {
    let expected = "no policy attached to or inline in any user";
    let users = match list(obs, USER_POLICIES, expected) {
        Ok(users) => users,
        Err(e) => return e,
    };
    let each = users
        .iter()
        .map(|u| {
            let attached = strings(u.get("AttachedPolicies"));
            let inline = strings(u.get("InlinePolicies"));
            let mut own = Vec::new();
            if !attached.is_empty() {
                own.push(format!("attached: {}", attached.join(", ")));
            }
            if !inline.is_empty() {
                own.push(format!("inline: {}", inline.join(", ")));
            }
            let outcome = if own.is_empty() {
                Outcome::verdict(true, "no policy of its own", "none")
            } else {
                Outcome::verdict(false, "no policy of its own", own.join("; "))
            };
            outcome.on(text(u, "Arn"))
        })
        .collect();
    Outcome::per_subject(expected, "IAM users", each)
}

#[cfg(test)]
mod tests {
    use crate::checks::iam::fixtures::{account, per_subject, run};
    use crate::checks::Status;
    use serde_json::json;

    #[test]
    fn inline_and_attached_policies_each_fail_their_user() {
        let o = account(json!({"IamUserPolicies": [
            {"Arn": "arn:aws:iam::1:user/a", "AttachedPolicies": [], "InlinePolicies": []},
            {"Arn": "arn:aws:iam::1:user/b", "AttachedPolicies": [], "InlinePolicies": ["mine"]},
            {"Arn": "arn:aws:iam::1:user/c", "AttachedPolicies": ["arn:aws:iam::1:policy/p"], "InlinePolicies": []},
        ]}));
        let out = run("iam.user_no_direct_policies", &o, &[]);
        let statuses: Vec<Status> = per_subject(&out).into_iter().map(|(_, s)| s).collect();
        assert_eq!(statuses, [Status::Passed, Status::Failed, Status::Failed]);
        assert_eq!(out.subjects[1].outcome.actual, "inline: mine");
        let none = run(
            "iam.user_no_direct_policies",
            &account(json!({"IamUserPolicies": []})),
            &[],
        );
        assert_eq!(
            (none.status, none.actual.as_str()),
            (Status::Passed, "no IAM users")
        );
    }
}
