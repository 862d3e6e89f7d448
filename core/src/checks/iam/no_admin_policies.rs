//! `iam.no_admin_policies`: no customer managed or inline policy allows every action on
//! every resource; one result per policy. Definition, evaluator and unit tests.

use serde_json::Value as Json;

use super::{allows, list, statements, text, ACCESS_CONTROLS, ACCOUNT};
use crate::catalog::{CheckDef, Related, Remediation, SeverityClass, Stage};
use crate::checks::{Check, Outcome, Params};
use crate::observe::iam::POLICY_DOCUMENTS;
use crate::observe::Observation;

/// The `iam.no_admin_policies` check.
pub static CHECK: Check = Check {
    def: CheckDef {
        id: "iam.no_admin_policies",
        title: "No policy grants full administrative access",
        description: "OQ. Calls IAM ListPolicies (Scope Local) and GetPolicyVersion (default version), and \
            ListUsers, ListGroups, ListRoles with List/Get{User,Group,Role}Policy. One result per customer managed \
            and inline policy: fails when a statement with Effect Allow grants Action \"*\" (a string or in a \
            list; or a NotAction that leaves \"*\" granted) on Resource \"*\" (or NotResource). Conditions are \
            not evaluated. A document that is not JSON is an error.",
        stage: Stage::Oq,
        service: "iam",
        resource_types: ACCOUNT,
        severity: SeverityClass::Security,
        iam_actions: POLICY_ACTIONS,
        controls: ACCESS_CONTROLS,
        remediation: "Replace \"Action\": \"*\" on \"Resource\": \"*\" by the actions and resources the \
            principal needs (least privilege); keep administrative access in a break-glass role with MFA.",
        remediation_code: Remediation {
            terraform: "data \"aws_iam_policy_document\" \"records_read\" {\n  statement {\n    actions   = [\"s3:GetObject\"]\n    resources = [\"${aws_s3_bucket.records.arn}/*\"]\n  }\n}",
            cloudformation: "PolicyDocument:\n  Version: '2012-10-17'\n  Statement:\n    - Effect: Allow\n      Action: s3:GetObject\n      Resource: !Sub '${RecordsBucket.Arn}/*'",
            cli: "aws iam create-policy-version --policy-arn POLICY_ARN --policy-document file://least-privilege.json --set-as-default",
        },
        related: Related {
            prowler: &[
                "iam_customer_attached_policy_no_administrative_privileges",
                "iam_customer_unattached_policy_no_administrative_privileges",
                "iam_inline_policy_no_administrative_privileges",
            ],
            aws_config: &["iam-policy-no-statements-with-admin-access"],
        },
        params: &[],
    },
    evaluate,
    #[cfg(test)]
    fixtures: crate::checks::UnitFixtures::Properties {
        pass: r#"{"IamPolicyDocuments": [{"Subject": "arn:aws:iam::123456789012:policy/read", "Kind": "customer_managed", "Document": {"Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]}}]}"#,
        fail: r#"{"IamPolicyDocuments": [{"Subject": "arn:aws:iam::123456789012:policy/admin", "Kind": "customer_managed", "Document": {"Statement": {"Effect": "Allow", "Action": "*", "Resource": "*"}}}]}"#,
        unreadable: "IamPolicyDocuments",
    },
};

/// What the policy-document facet calls (shared with `iam.no_kms_decrypt_on_all_keys`).
pub const POLICY_ACTIONS: &[&str] = &[
    "iam:ListPolicies",
    "iam:GetPolicyVersion",
    "iam:ListUsers",
    "iam:ListUserPolicies",
    "iam:GetUserPolicy",
    "iam:ListGroups",
    "iam:ListGroupPolicies",
    "iam:GetGroupPolicy",
    "iam:ListRoles",
    "iam:ListRolePolicies",
    "iam:GetRolePolicy",
];

/// One outcome per policy document: `grants` decides a statement; `what` names the grant.
pub fn each_policy(
    obs: &Observation,
    expected: &str,
    per_policy: &str,
    grants: &dyn Fn(&Json) -> bool,
    what: &str,
) -> Outcome {
    let policies = match list(obs, POLICY_DOCUMENTS, expected) {
        Ok(p) => p,
        Err(e) => return e,
    };
    let each = policies
        .iter()
        .map(|p| {
            let outcome = match p.get("Document").map(statements) {
                None => Outcome::error(per_policy, "the policy has no document"),
                Some(Err(e)) => Outcome::error(per_policy, e),
                Some(Ok(list)) => match list.iter().position(|s| grants(s)) {
                    Some(i) => Outcome::verdict(false, per_policy, format!("statement {i} {what}")),
                    None => Outcome::verdict(true, per_policy, "no such statement"),
                },
            };
            outcome.on(text(p, "Subject"))
        })
        .collect();
    Outcome::per_subject(expected, "customer managed or inline policies", each)
}

fn evaluate(obs: &Observation, _params: &Params) -> Outcome {
    each_policy(
        obs,
        "no policy allows \"*\" on \"*\"",
        "no statement allows \"*\" on \"*\"",
        &|s| allows(s, "*", &|r| r == "*") && grants_every_action(s),
        "allows \"*\" on \"*\"",
    )
}

/// Whether the statement's actions are every action: `*` (or `*:*`) in Action, or a
/// NotAction (every action but some; taken as administrative).
fn grants_every_action(s: &Json) -> bool {
    s.get("NotAction").is_some()
        || super::strings(s.get("Action"))
            .iter()
            .any(|a| *a == "*" || *a == "*:*")
}

#[cfg(test)]
mod tests {
    use crate::checks::iam::fixtures::{account, per_subject, run};
    use crate::checks::Status;
    use crate::observe::iam::document_json;
    use serde_json::json;

    fn policies(docs: &[(&str, serde_json::Value)]) -> crate::observe::Observation {
        let list: Vec<_> = docs
            .iter()
            .map(|(s, d)| json!({"Subject": s, "Kind": "customer_managed", "Document": d}))
            .collect();
        account(json!({ "IamPolicyDocuments": list }))
    }

    #[test]
    fn every_spelling_of_full_access_fails_its_policy() {
        // As GetPolicyVersion returns it: URL-encoded.
        let encoded = document_json("%7B%22Version%22%3A%222012-10-17%22%2C%22Statement%22%3A%5B%7B%22Effect%22%3A%22Allow%22%2C%22Action%22%3A%5B%22%2A%22%5D%2C%22Resource%22%3A%5B%22%2A%22%5D%7D%5D%7D");
        let o = policies(&[
            (
                "string",
                json!({"Statement": {"Effect": "Allow", "Action": "*", "Resource": "*"}}),
            ),
            ("encoded-array", encoded),
            (
                "not-action",
                json!({"Statement": [{"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"}]}),
            ),
            (
                "scoped",
                json!({"Statement": [{"Effect": "Allow", "Action": "*", "Resource": "arn:aws:s3:::b"}]}),
            ),
            (
                "deny",
                json!({"Statement": [{"Effect": "Deny", "Action": "*", "Resource": "*"}]}),
            ),
            (
                "service-star",
                json!({"Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}),
            ),
            ("garbled", json!("{not json")),
        ]);
        let out = run("iam.no_admin_policies", &o, &[]);
        assert_eq!(
            per_subject(&out),
            [
                ("string".to_string(), Status::Failed),
                ("encoded-array".to_string(), Status::Failed),
                ("not-action".to_string(), Status::Failed),
                ("scoped".to_string(), Status::Passed),
                ("deny".to_string(), Status::Passed),
                ("service-star".to_string(), Status::Passed),
                ("garbled".to_string(), Status::Error),
            ]
        );
        assert_eq!(out.status, Status::Failed);
    }

    #[test]
    fn an_account_without_policies_passes_and_says_so() {
        let out = run("iam.no_admin_policies", &policies(&[]), &[]);
        assert_eq!(out.status, Status::Passed);
        assert_eq!(out.actual, "no customer managed or inline policies");
    }
}
