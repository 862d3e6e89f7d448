//! The specification as Terraform hands it over: every value may be null or unknown.
//!
//! These structs mirror the `gxp_expected_spec` schema one to one (field name = attribute
//! name) and are (de)serialized by `tf_provider`. [`draft`] converts them into the engine's
//! planned form ([`gxp_core::spec::draft::SpecDraft`]), which is validated and turned into
//! the known model there.

use gxp_core::spec::draft::{
    ApprovalDraft, ExpectedAccountDraft, ExpectedResourceDraft, ExpectedSoupDraft,
    ExpectedStackDraft, Field, RequirementDraft, SignatureDraft, SpecDraft, SuppressionDraft,
    SystemDraft, Text, TextList, TextMap,
};
use serde::{Deserialize, Serialize};
use tf_provider::value::Value;

pub use super::values::{Str, StrList, StrMap};

/// State and configuration of `gxp_expected_spec`.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq)]
#[serde(default)]
pub struct SpecConfig {
    pub id: Str,
    pub name: Str,
    pub version: Str,
    pub description: Str,
    pub digest: Str,
    pub revision: Value<i64>,
    pub canonical_json: Str,
    pub system: Value<SystemConfig>,
    pub approval: Value<ApprovalConfig>,
    pub requirement: Value<Vec<RequirementConfig>>,
    pub expected_resource: Value<Vec<ExpectedResourceConfig>>,
    pub expected_stack: Value<Vec<ExpectedStackConfig>>,
    pub suppression: Value<Vec<SuppressionConfig>>,
    pub required_signatures: StrList,
    pub signing_digest: Str,
    /// At most one block (Terraform gives an optional block as a list of at most one).
    pub expected_account: Value<Vec<ExpectedAccountConfig>>,
    /// At most one block.
    pub expected_soup: Value<Vec<ExpectedSoupConfig>>,
}

/// The approved SOUP of the infrastructure code.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq)]
#[serde(default)]
pub struct ExpectedSoupConfig {
    pub terraform_version: Str,
    pub providers: StrMap,
    pub requirements: StrList,
}

/// Expectations on the account and region the provider is configured for.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq)]
#[serde(default)]
pub struct ExpectedAccountConfig {
    pub checks: StrList,
    pub check_parameters: StrMap,
    pub requirements: StrList,
}

/// The system a specification covers.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq)]
#[serde(default)]
pub struct SystemConfig {
    pub application_id: Str,
    pub environment: Str,
    pub gamp_category: Value<i64>,
    pub risk_class: Str,
}

/// Who approved the specification, when, and under which change.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq)]
#[serde(default)]
pub struct ApprovalConfig {
    pub approved_by: Str,
    pub approved_at: Str,
    pub change_reference: Str,
    pub reason: Str,
    pub signature: Value<Vec<SignatureConfig>>,
}

/// An electronic signature of the approval (`approval.signature`).
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq)]
#[serde(default)]
pub struct SignatureConfig {
    pub signer: Str,
    pub printed_name: Str,
    pub meaning: Str,
    pub signed_at: Str,
    pub method: Str,
    pub key_id: Str,
    pub algorithm: Str,
    pub spec_digest: Str,
    pub value: Str,
}

/// A user or functional requirement (URS/FS) the infrastructure must meet.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq)]
#[serde(default)]
pub struct RequirementConfig {
    pub id: Str,
    pub text: Str,
    pub controls: StrList,
    pub severity: Str,
}

/// An expectation on one AWS resource.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq)]
#[serde(default)]
pub struct ExpectedResourceConfig {
    pub key: Str,
    #[serde(rename = "type")]
    pub resource_type: Str,
    pub identifier: Str,
    pub stack_name: Str,
    pub logical_id: Str,
    pub properties: Str,
    pub checks: StrList,
    pub check_parameters: StrMap,
    pub requirements: StrList,
}

/// An expectation on one CloudFormation stack.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq)]
#[serde(default)]
pub struct ExpectedStackConfig {
    pub name: Str,
    pub template_sha256: Str,
    pub template_body: Str,
    pub outputs: StrMap,
    pub parameters: StrMap,
    pub resources: StrMap,
    pub requirements: StrList,
}

/// A check deliberately not applied to one resource.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq)]
#[serde(default)]
pub struct SuppressionConfig {
    pub check: Str,
    pub resource_key: Str,
    pub reason: Str,
    pub approved_by: Str,
    pub expires: Str,
}

/// A Terraform value as a planned value of the engine.
fn field<T, U>(v: &Value<T>, known: impl FnOnce(&T) -> U) -> Field<U> {
    match v {
        Value::Value(x) => Field::Known(known(x)),
        Value::Null => Field::Null,
        Value::Unknown => Field::Unknown,
    }
}

fn text(v: &Str) -> Text {
    field(v, String::clone)
}

fn text_list(v: &StrList) -> TextList {
    field(v, |items| items.iter().map(text).collect())
}

fn text_map(v: &StrMap) -> TextMap {
    field(v, |m| m.iter().map(|(k, v)| (k.clone(), text(v))).collect())
}

fn blocks<T, U>(v: &Value<Vec<T>>, each: impl Fn(&T) -> U) -> Field<Vec<U>> {
    field(v, |items| items.iter().map(each).collect())
}

/// The engine's planned form of a `gxp_expected_spec` configuration: every value as it is,
/// null and unknown included.
pub fn draft(cfg: &SpecConfig) -> SpecDraft {
    SpecDraft {
        name: text(&cfg.name),
        version: text(&cfg.version),
        description: text(&cfg.description),
        system: field(&cfg.system, |s| SystemDraft {
            application_id: text(&s.application_id),
            environment: text(&s.environment),
            gamp_category: field(&s.gamp_category, |n| *n),
            risk_class: text(&s.risk_class),
        }),
        approval: field(&cfg.approval, |a| ApprovalDraft {
            approved_by: text(&a.approved_by),
            approved_at: text(&a.approved_at),
            change_reference: text(&a.change_reference),
            reason: text(&a.reason),
            signature: blocks(&a.signature, |g| SignatureDraft {
                signer: text(&g.signer),
                printed_name: text(&g.printed_name),
                meaning: text(&g.meaning),
                signed_at: text(&g.signed_at),
                method: text(&g.method),
                key_id: text(&g.key_id),
                algorithm: text(&g.algorithm),
                spec_digest: text(&g.spec_digest),
                value: text(&g.value),
            }),
        }),
        requirement: blocks(&cfg.requirement, |r| RequirementDraft {
            id: text(&r.id),
            text: text(&r.text),
            controls: text_list(&r.controls),
            severity: text(&r.severity),
        }),
        expected_resource: blocks(&cfg.expected_resource, |r| ExpectedResourceDraft {
            key: text(&r.key),
            resource_type: text(&r.resource_type),
            identifier: text(&r.identifier),
            stack_name: text(&r.stack_name),
            logical_id: text(&r.logical_id),
            properties: text(&r.properties),
            checks: text_list(&r.checks),
            check_parameters: text_map(&r.check_parameters),
            requirements: text_list(&r.requirements),
        }),
        expected_stack: blocks(&cfg.expected_stack, |s| ExpectedStackDraft {
            name: text(&s.name),
            template_sha256: text(&s.template_sha256),
            template_body: text(&s.template_body),
            outputs: text_map(&s.outputs),
            parameters: text_map(&s.parameters),
            resources: text_map(&s.resources),
            requirements: text_list(&s.requirements),
        }),
        suppression: blocks(&cfg.suppression, |s| SuppressionDraft {
            check: text(&s.check),
            resource_key: text(&s.resource_key),
            reason: text(&s.reason),
            approved_by: text(&s.approved_by),
            expires: text(&s.expires),
        }),
        required_signatures: text_list(&cfg.required_signatures),
        expected_account: match &cfg.expected_account {
            Value::Value(blocks) => match blocks.first() {
                Some(a) => Field::Known(ExpectedAccountDraft {
                    checks: text_list(&a.checks),
                    check_parameters: text_map(&a.check_parameters),
                    requirements: text_list(&a.requirements),
                }),
                None => Field::Null,
            },
            Value::Null => Field::Null,
            Value::Unknown => Field::Unknown,
        },
        expected_soup: match &cfg.expected_soup {
            Value::Value(blocks) => match blocks.first() {
                Some(s) => Field::Known(ExpectedSoupDraft {
                    terraform_version: text(&s.terraform_version),
                    providers: text_map(&s.providers),
                    requirements: text_list(&s.requirements),
                }),
                None => Field::Null,
            },
            Value::Null => Field::Null,
            Value::Unknown => Field::Unknown,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_draft_keeps_null_unknown_and_known_values_where_they_are() {
        let s = |v: &str| Value::Value(v.to_string());
        let cfg = SpecConfig {
            name: s("lims"),
            version: Value::Unknown,
            system: Value::Value(SystemConfig {
                application_id: s("lims"),
                gamp_category: Value::Value(4),
                ..Default::default()
            }),
            expected_resource: Value::Value(vec![ExpectedResourceConfig {
                key: s("b"),
                resource_type: s("AWS::S3::Bucket"),
                checks: Value::Value(vec![s("s3.versioning"), Value::Unknown]),
                check_parameters: Value::Value(
                    [("s3.object_lock.mode".to_string(), Value::Null)].into(),
                ),
                ..Default::default()
            }]),
            suppression: Value::Unknown,
            ..Default::default()
        };
        let d = draft(&cfg);
        assert_eq!(d.name, Field::Known("lims".into()));
        assert_eq!(d.version, Field::Unknown);
        assert_eq!(d.description, Field::Null);
        let system = d.system.known().unwrap();
        assert_eq!(
            (
                &system.application_id,
                &system.environment,
                &system.gamp_category
            ),
            (&Field::Known("lims".into()), &Field::Null, &Field::Known(4))
        );
        let r = &d.expected_resource.known().unwrap()[0];
        assert_eq!(r.resource_type, Field::Known("AWS::S3::Bucket".into()));
        assert_eq!(
            r.checks,
            Field::Known(vec![Field::Known("s3.versioning".into()), Field::Unknown])
        );
        assert_eq!(
            r.check_parameters,
            Field::Known([("s3.object_lock.mode".to_string(), Field::Null)].into())
        );
        assert!(d.suppression.is_unknown());
        assert!(d.approval.is_null());
    }

    #[test]
    fn the_account_block_is_at_most_one_and_absent_when_not_given() {
        let none = draft(&SpecConfig::default());
        assert!(none.expected_account.is_null());
        let empty = draft(&SpecConfig {
            expected_account: Value::Value(vec![]),
            ..Default::default()
        });
        assert!(empty.expected_account.is_null());
        let given = draft(&SpecConfig {
            expected_account: Value::Value(vec![ExpectedAccountConfig {
                checks: Value::Value(vec![Value::Value("iam.root_mfa".into())]),
                ..Default::default()
            }]),
            ..Default::default()
        });
        let a = given.expected_account.known().expect("known");
        assert_eq!(
            a.checks,
            Field::Known(vec![Field::Known("iam.root_mfa".to_string())])
        );
        assert!(a.requirements.is_null());
        let unknown = draft(&SpecConfig {
            expected_account: Value::Unknown,
            ..Default::default()
        });
        assert!(unknown.expected_account.is_unknown());
    }
}
