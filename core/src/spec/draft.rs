//! The specification as it is planned: every value may be unset or not known until apply.
//!
//! [`SpecDraft`] mirrors the arguments of `gxp_expected_spec` one to one (field name =
//! argument name; the resource type is `resource_type`). Validation ([`super::validate`])
//! reads it with the path of every value; [`to_model`] turns it into the known
//! [`super::model::Spec`] in canonical order once everything is known.

use std::collections::BTreeMap;

use super::canonical::parse_properties;
use super::model::*;
use crate::util::sha256_hex;

/// A planned value: unset, not known until apply, or known.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum Field<T> {
    /// Not set.
    #[default]
    Null,
    /// Known only after apply (it depends on another resource).
    Unknown,
    Known(T),
}

impl<T> Field<T> {
    /// The value, when known.
    pub fn known(&self) -> Option<&T> {
        match self {
            Field::Known(v) => Some(v),
            _ => None,
        }
    }

    /// Whether it is not set.
    pub fn is_null(&self) -> bool {
        matches!(self, Field::Null)
    }

    /// Whether it is known only after apply.
    pub fn is_unknown(&self) -> bool {
        matches!(self, Field::Unknown)
    }
}

/// A string that may be unset or unknown.
pub type Text = Field<String>;
/// A list of strings; the list and each element may be unset or unknown.
pub type TextList = Field<Vec<Text>>;
/// A map of strings; the map and each value may be unset or unknown.
pub type TextMap = Field<BTreeMap<String, Text>>;

/// A specification as planned: the arguments of `gxp_expected_spec`, any of which may be
/// unset or not known yet.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct SpecDraft {
    pub name: Text,
    pub version: Text,
    pub description: Text,
    pub system: Field<SystemDraft>,
    pub approval: Field<ApprovalDraft>,
    pub requirement: Field<Vec<RequirementDraft>>,
    pub expected_resource: Field<Vec<ExpectedResourceDraft>>,
    pub expected_stack: Field<Vec<ExpectedStackDraft>>,
    pub suppression: Field<Vec<SuppressionDraft>>,
    /// Meanings that need verified signatures from distinct signers.
    pub required_signatures: TextList,
    pub expected_account: Field<ExpectedAccountDraft>,
    pub expected_soup: Field<ExpectedSoupDraft>,
}

/// The approved SOUP of the infrastructure code (Terraform and provider versions).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ExpectedSoupDraft {
    pub terraform_version: Text,
    pub providers: TextMap,
    pub requirements: TextList,
}

/// Expectations on the account and region the provider is configured for.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ExpectedAccountDraft {
    pub checks: TextList,
    pub check_parameters: TextMap,
    pub requirements: TextList,
}

/// The system a specification covers.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct SystemDraft {
    pub application_id: Text,
    pub environment: Text,
    pub gamp_category: Field<i64>,
    pub risk_class: Text,
}

/// Who approved the specification, when, and under which change.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ApprovalDraft {
    pub approved_by: Text,
    pub approved_at: Text,
    pub change_reference: Text,
    pub reason: Text,
    /// Electronic signatures of this approval (`approval.signature` blocks).
    pub signature: Field<Vec<SignatureDraft>>,
}

/// One electronic signature of the approval.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct SignatureDraft {
    pub signer: Text,
    pub printed_name: Text,
    pub meaning: Text,
    pub signed_at: Text,
    pub method: Text,
    pub key_id: Text,
    pub algorithm: Text,
    pub spec_digest: Text,
    pub value: Text,
}

/// A user or functional requirement (URS/FS) the infrastructure must meet.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct RequirementDraft {
    pub id: Text,
    pub text: Text,
    pub controls: TextList,
    pub severity: Text,
}

/// An expectation on one AWS resource.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ExpectedResourceDraft {
    pub key: Text,
    pub resource_type: Text,
    pub identifier: Text,
    pub stack_name: Text,
    pub logical_id: Text,
    pub properties: Text,
    pub checks: TextList,
    pub check_parameters: TextMap,
    pub requirements: TextList,
}

/// An expectation on one CloudFormation stack.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ExpectedStackDraft {
    pub name: Text,
    pub template_sha256: Text,
    pub template_body: Text,
    pub outputs: TextMap,
    pub parameters: TextMap,
    pub resources: TextMap,
    pub requirements: TextList,
}

/// A check deliberately not applied to one resource.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct SuppressionDraft {
    pub check: Text,
    pub resource_key: Text,
    pub reason: Text,
    pub approved_by: Text,
    pub expires: Text,
}

/// Why a configuration could not be turned into a [`Spec`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Incomplete {
    /// Some value is not known until apply.
    Unknown,
    /// Some value is missing or malformed (validation reports it with its path).
    Invalid(String),
}

type R<T> = Result<T, Incomplete>;

fn known(v: &Text, what: &str) -> R<String> {
    match v {
        Field::Known(s) => Ok(s.clone()),
        Field::Unknown => Err(Incomplete::Unknown),
        Field::Null => Err(Incomplete::Invalid(format!("{what} is missing"))),
    }
}

fn optional(v: &Text) -> R<Option<String>> {
    match v {
        Field::Known(s) if s.is_empty() => Ok(None),
        Field::Known(s) => Ok(Some(s.clone())),
        Field::Null => Ok(None),
        Field::Unknown => Err(Incomplete::Unknown),
    }
}

fn string_set(v: &TextList) -> R<Vec<String>> {
    let mut out = Vec::new();
    match v {
        Field::Known(items) => {
            for item in items {
                if let Some(s) = optional(item)? {
                    out.push(s);
                }
            }
        }
        Field::Null => {}
        Field::Unknown => return Err(Incomplete::Unknown),
    }
    out.sort();
    out.dedup();
    Ok(out)
}

fn string_map(v: &TextMap) -> R<BTreeMap<String, String>> {
    let mut out = BTreeMap::new();
    match v {
        Field::Known(items) => {
            for (k, item) in items {
                match item {
                    Field::Known(s) => {
                        out.insert(k.clone(), s.clone());
                    }
                    Field::Null => {
                        out.insert(k.clone(), String::new());
                    }
                    Field::Unknown => return Err(Incomplete::Unknown),
                }
            }
        }
        Field::Null => {}
        Field::Unknown => return Err(Incomplete::Unknown),
    }
    Ok(out)
}

fn blocks<T>(v: &Field<Vec<T>>) -> R<&[T]> {
    match v {
        Field::Known(items) => Ok(items),
        Field::Null => Ok(&[]),
        Field::Unknown => Err(Incomplete::Unknown),
    }
}

/// Build the known model from configuration, in canonical order.
pub fn to_model(draft: &SpecDraft) -> R<Spec> {
    let system = match &draft.system {
        Field::Known(s) => System {
            application_id: known(&s.application_id, "system.application_id")?,
            environment: known(&s.environment, "system.environment")?,
            gamp_category: match s.gamp_category {
                Field::Known(n) => Some(n),
                Field::Null => None,
                Field::Unknown => return Err(Incomplete::Unknown),
            },
            risk_class: optional(&s.risk_class)?,
        },
        Field::Null => return Err(Incomplete::Invalid("system block is missing".into())),
        Field::Unknown => return Err(Incomplete::Unknown),
    };
    let mut signatures = Vec::new();
    if let Field::Known(a) = &draft.approval {
        for g in blocks(&a.signature)? {
            signatures.push(SpecSignature {
                signer: known(&g.signer, "approval.signature.signer")?,
                printed_name: known(&g.printed_name, "approval.signature.printed_name")?,
                meaning: known(&g.meaning, "approval.signature.meaning")?,
                signed_at: known(&g.signed_at, "approval.signature.signed_at")?,
                method: known(&g.method, "approval.signature.method")?,
                key_id: optional(&g.key_id)?,
                algorithm: optional(&g.algorithm)?,
                spec_digest: known(&g.spec_digest, "approval.signature.spec_digest")?
                    .to_ascii_lowercase(),
                value: known(&g.value, "approval.signature.value")?
                    .replace("\r\n", "\n")
                    .trim()
                    .to_string(),
            });
        }
    }
    signatures.sort_by(|a, b| {
        (&a.meaning, &a.signer, &a.signed_at, &a.value).cmp(&(
            &b.meaning,
            &b.signer,
            &b.signed_at,
            &b.value,
        ))
    });
    let mut required_signatures = Vec::new();
    if let Field::Known(items) = &draft.required_signatures {
        for item in items {
            if let Some(m) = optional(item)? {
                required_signatures.push(m);
            }
        }
    } else if draft.required_signatures.is_unknown() {
        return Err(Incomplete::Unknown);
    }
    required_signatures.sort();
    let approval = match &draft.approval {
        Field::Known(a) => Approval {
            approved_by: known(&a.approved_by, "approval.approved_by")?,
            approved_at: known(&a.approved_at, "approval.approved_at")?,
            change_reference: known(&a.change_reference, "approval.change_reference")?,
            reason: optional(&a.reason)?,
        },
        Field::Null => return Err(Incomplete::Invalid("approval block is missing".into())),
        Field::Unknown => return Err(Incomplete::Unknown),
    };

    let mut requirements = Vec::new();
    for r in blocks(&draft.requirement)? {
        requirements.push(Requirement {
            id: known(&r.id, "requirement.id")?,
            text: known(&r.text, "requirement.text")?,
            controls: string_set(&r.controls)?,
            severity: optional(&r.severity)?.unwrap_or_else(|| "functional".into()),
        });
    }
    requirements.sort_by(|a, b| a.id.cmp(&b.id));

    let mut resources = Vec::new();
    for r in blocks(&draft.expected_resource)? {
        let properties = match optional(&r.properties)? {
            Some(text) => Some(parse_properties(&text).map_err(Incomplete::Invalid)?),
            None => None,
        };
        resources.push(ExpectedResource {
            key: known(&r.key, "expected_resource.key")?,
            resource_type: known(&r.resource_type, "expected_resource.type")?,
            identifier: optional(&r.identifier)?,
            stack_name: optional(&r.stack_name)?,
            logical_id: optional(&r.logical_id)?,
            properties,
            checks: string_set(&r.checks)?,
            check_parameters: string_map(&r.check_parameters)?,
            requirements: string_set(&r.requirements)?,
        });
    }
    resources.sort_by(|a, b| a.key.cmp(&b.key));

    let mut stacks = Vec::new();
    for s in blocks(&draft.expected_stack)? {
        let template_sha256 = match (optional(&s.template_sha256)?, optional(&s.template_body)?) {
            (Some(h), _) => Some(h.to_ascii_lowercase()),
            (None, Some(body)) => Some(sha256_hex(body.as_bytes())),
            (None, None) => None,
        };
        stacks.push(ExpectedStack {
            name: known(&s.name, "expected_stack.name")?,
            template_sha256,
            outputs: string_map(&s.outputs)?,
            parameters: string_map(&s.parameters)?,
            resources: string_map(&s.resources)?,
            requirements: string_set(&s.requirements)?,
        });
    }
    stacks.sort_by(|a, b| a.name.cmp(&b.name));

    let mut suppressions = Vec::new();
    for s in blocks(&draft.suppression)? {
        suppressions.push(Suppression {
            check: known(&s.check, "suppression.check")?,
            resource_key: known(&s.resource_key, "suppression.resource_key")?,
            reason: known(&s.reason, "suppression.reason")?,
            approved_by: known(&s.approved_by, "suppression.approved_by")?,
            expires: optional(&s.expires)?,
        });
    }
    suppressions.sort_by(|a, b| (&a.check, &a.resource_key).cmp(&(&b.check, &b.resource_key)));

    let account = match &draft.expected_account {
        Field::Known(a) => Some(ExpectedAccount {
            checks: string_set(&a.checks)?,
            check_parameters: string_map(&a.check_parameters)?,
            requirements: string_set(&a.requirements)?,
        }),
        Field::Null => None,
        Field::Unknown => return Err(Incomplete::Unknown),
    };

    let soup = match &draft.expected_soup {
        Field::Known(s) => Some(ExpectedSoup {
            terraform_version: optional(&s.terraform_version)?,
            providers: string_map(&s.providers)?
                .into_iter()
                .map(|(k, v)| (provider_source(&k), v))
                .collect(),
            requirements: string_set(&s.requirements)?,
        }),
        Field::Null => None,
        Field::Unknown => return Err(Incomplete::Unknown),
    };

    Ok(Spec {
        name: known(&draft.name, "name")?,
        version: known(&draft.version, "version")?,
        description: optional(&draft.description)?,
        system,
        approval,
        signatures,
        required_signatures,
        requirements,
        resources,
        stacks,
        suppressions,
        account,
        soup,
    })
}
