//! `iam.no_kms_decrypt_on_all_keys`: no customer managed or inline policy allows KMS
//! decryption on every key; one result per policy. Definition, evaluator and unit tests.

use serde_json::Value as Json;

use super::no_admin_policies::{each_policy, POLICY_ACTIONS};
use super::{allows, ACCOUNT};
use crate::catalog::{CheckDef, Related, Remediation, SeverityClass, Stage};
use crate::checks::{Check, Outcome, Params};
use crate::observe::Observation;

/// The KMS actions that decrypt records (AWS Config's blocked actions).
const DECRYPT_ACTIONS: &[&str] = &["kms:Decrypt", "kms:ReEncryptFrom"];

/// The `iam.no_kms_decrypt_on_all_keys` check.
pub static CHECK: Check = Check {
    def: CheckDef {
        id: "iam.no_kms_decrypt_on_all_keys",
        title: "No policy allows KMS decryption with every key",
        description: "OQ. Calls the same IAM APIs as iam.no_admin_policies. One result per customer managed and \
            inline policy: fails when a statement with Effect Allow grants kms:Decrypt or kms:ReEncryptFrom \
            (by name or wildcard: \"*\", \"kms:*\", \"kms:De*\"; or a NotAction that leaves them granted) on \
            Resource \"*\" or every key (\"arn:...:key/*\"). Conditions are not evaluated.",
        stage: Stage::Oq,
        service: "iam",
        resource_types: ACCOUNT,
        severity: SeverityClass::Security,
        iam_actions: POLICY_ACTIONS,
        controls: &["21CFR11.10(c)", "21CFR11.10(d)", "21CFR11.30", "Annex11-7.1", "Annex11-12"],
        remediation: "Name the keys: replace Resource \"*\" in statements allowing kms:Decrypt by the ARNs of the \
            keys the principal needs, or grant decryption in the key policies.",
        remediation_code: Remediation {
            terraform: "data \"aws_iam_policy_document\" \"decrypt_records\" {\n  statement {\n    actions   = [\"kms:Decrypt\"]\n    resources = [aws_kms_key.records.arn]\n  }\n}",
            cloudformation: "PolicyDocument:\n  Version: '2012-10-17'\n  Statement:\n    - Effect: Allow\n      Action: kms:Decrypt\n      Resource: !GetAtt RecordsKey.Arn",
            cli: "aws iam create-policy-version --policy-arn POLICY_ARN --policy-document file://named-keys.json --set-as-default",
        },
        related: Related {
            prowler: &[
                "iam_policy_no_full_access_to_kms",
                "iam_inline_policy_no_full_access_to_kms",
            ],
            aws_config: &[
                "iam-customer-policy-blocked-kms-actions",
                "iam-inline-policy-blocked-kms-actions",
            ],
        },
        params: &[],
    },
    evaluate,
    #[cfg(test)]
    fixtures: crate::checks::UnitFixtures::Properties {
        pass: r#"{"IamPolicyDocuments": [{"Subject": "arn:aws:iam::123456789012:policy/decrypt-one", "Kind": "customer_managed", "Document": {"Statement": [{"Effect": "Allow", "Action": "kms:Decrypt", "Resource": "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"}]}}]}"#,
        fail: r#"{"IamPolicyDocuments": [{"Subject": "arn:aws:iam::123456789012:policy/decrypt-all", "Kind": "customer_managed", "Document": {"Statement": [{"Effect": "Allow", "Action": ["kms:Decrypt"], "Resource": "*"}]}}]}"#,
        unreadable: "IamPolicyDocuments",
    },
};

/// Whether a resource element covers every KMS key.
fn every_key(resource: &str) -> bool {
    resource == "*"
        || resource.ends_with(":key/*")
        || resource.ends_with(":*") && resource.contains(":kms:")
}

fn decrypts_everything(statement: &Json) -> bool {
    DECRYPT_ACTIONS
        .iter()
        .any(|a| allows(statement, a, &every_key))
}

fn evaluate(obs: &Observation, _params: &Params) -> Outcome {
    each_policy(
        obs,
        "no policy allows kms:Decrypt on every key",
        "no statement allows kms:Decrypt or kms:ReEncryptFrom on every key",
        &decrypts_everything,
        "allows kms:Decrypt or kms:ReEncryptFrom on every key",
    )
}

#[cfg(test)]
mod tests {
    use crate::checks::iam::fixtures::{account, per_subject, run};
    use crate::checks::Status;
    use serde_json::json;

    #[test]
    fn wildcards_and_key_patterns_count_as_every_key() {
        let doc = |action: serde_json::Value, resource: &str| json!({"Statement": [{"Effect": "Allow", "Action": action, "Resource": resource}]});
        let cases = [
            ("star", doc(json!("*"), "*"), Status::Failed),
            ("kms-star", doc(json!("kms:*"), "*"), Status::Failed),
            ("prefix", doc(json!(["kms:De*"]), "*"), Status::Failed),
            (
                "reencrypt",
                doc(json!("kms:ReEncryptFrom"), "*"),
                Status::Failed,
            ),
            (
                "key-pattern",
                doc(
                    json!("kms:Decrypt"),
                    "arn:aws:kms:eu-west-1:123456789012:key/*",
                ),
                Status::Failed,
            ),
            (
                "one-key",
                doc(
                    json!("kms:Decrypt"),
                    "arn:aws:kms:eu-west-1:123456789012:key/abc",
                ),
                Status::Passed,
            ),
            ("encrypt", doc(json!("kms:Encrypt"), "*"), Status::Passed),
            (
                "not-action",
                json!({"Statement": {"Effect": "Allow", "NotAction": "kms:Decrypt", "Resource": "*"}}),
                Status::Failed,
            ),
        ];
        let list: Vec<_> = cases
            .iter()
            .map(|(s, d, _)| json!({"Subject": s, "Kind": "inline", "Document": d}))
            .collect();
        let out = run(
            "iam.no_kms_decrypt_on_all_keys",
            &account(json!({"IamPolicyDocuments": list})),
            &[],
        );
        let want: Vec<(String, Status)> = cases
            .iter()
            .map(|(s, _, st)| (s.to_string(), *st))
            .collect();
        let got = per_subject(&out);
        // NotAction kms:Decrypt still grants kms:ReEncryptFrom on every key.
        assert_eq!(got, want);
    }
}
