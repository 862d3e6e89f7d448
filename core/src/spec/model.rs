//! The approved specification with every value known: the input of canonicalisation,
//! digest and qualification.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// An approved specification.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Default)]
pub struct Spec {
    pub name: String,
    pub version: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    pub system: System,
    pub approval: Approval,
    /// Electronic signatures of the approval (the `approval.signature` blocks), in canonical
    /// order; absent when there are none, so an unsigned specification keeps its canonical
    /// form and digest. They are not part of what they sign ([`super::canonical::signing_digest`]).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub signatures: Vec<SpecSignature>,
    /// Meanings that must carry verified signatures from distinct signers (a meaning listed
    /// twice needs two signers); sorted, not de-duplicated.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub required_signatures: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub requirements: Vec<Requirement>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub resources: Vec<ExpectedResource>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub stacks: Vec<ExpectedStack>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub suppressions: Vec<Suppression>,
    /// Account-level expectations (the `expected_account` block), absent when not given, so
    /// a specification without it keeps its canonical form and digest.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account: Option<ExpectedAccount>,
    /// Approved SOUP of the infrastructure code (the `expected_soup` block), absent when not
    /// given, so a specification without it keeps its canonical form and digest.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub soup: Option<ExpectedSoup>,
}

/// The approved SOUP: the Terraform version and provider versions (Terraform version
/// constraints) a qualification must run with, compared by `iq.soup_versions`.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Default)]
pub struct ExpectedSoup {
    /// Constraint on the Terraform version, e.g. `>= 1.9, < 2.0`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub terraform_version: Option<String>,
    /// Provider source address (`registry.terraform.io/NS/TYPE`) → version constraint.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub providers: BTreeMap<String, String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub requirements: Vec<String>,
}

/// The full source address of a provider: `NS/TYPE` is on `registry.terraform.io`, as in
/// Terraform's `required_providers`; a full `HOST/NS/TYPE` is kept.
pub fn provider_source(short: &str) -> String {
    if short.split('/').count() == 2 {
        format!("registry.terraform.io/{short}")
    } else {
        short.to_string()
    }
}

/// The system covered: application, environment, GAMP category, risk class.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Default)]
pub struct System {
    pub application_id: String,
    pub environment: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gamp_category: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub risk_class: Option<String>,
}

/// Approval metadata.
#[derive(Serialize, Deserialize, schemars::JsonSchema, Clone, Debug, PartialEq, Default)]
pub struct Approval {
    pub approved_by: String,
    pub approved_at: String,
    pub change_reference: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// One electronic signature of the specification's approval: who signed (identity and
/// printed name), with what meaning, when and how, over which signing digest, and the
/// signature value (see `crate::approval::statement` for the exact bytes signed).
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq, Default)]
pub struct SpecSignature {
    /// Identity that names the key: an allowed_signers principal (SSH) or a `kms_signer`.
    pub signer: String,
    /// The signer's printed name (21 CFR 11.50(a)(1)).
    pub printed_name: String,
    /// `authored`, `reviewed`, `approved` or `responsible` (21 CFR 11.50(a)(3)).
    pub meaning: String,
    /// When it was signed, RFC 3339, exactly as written in the signature block.
    pub signed_at: String,
    /// `ssh` or `kms`.
    pub method: String,
    /// KMS key ARN (`kms` only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key_id: Option<String>,
    /// KMS signing algorithm (`kms` only; default from the key).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub algorithm: Option<String>,
    /// The signing digest that was signed (lowercase hex).
    pub spec_digest: String,
    /// `ssh`: the armored SSHSIG; `kms`: the base64 signature.
    pub value: String,
}

/// A requirement with its regulatory controls.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Default)]
pub struct Requirement {
    pub id: String,
    pub text: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub controls: Vec<String>,
    pub severity: String,
}

/// An expectation on one resource.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Default)]
pub struct ExpectedResource {
    pub key: String,
    #[serde(rename = "type")]
    pub resource_type: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub identifier: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stack_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub logical_id: Option<String>,
    /// Expected properties, CloudFormation-shaped JSON object (already canonical).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub properties: Option<serde_json::Value>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub checks: Vec<String>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub check_parameters: BTreeMap<String, String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub requirements: Vec<String>,
}

/// The key of the account target: reports, traces and suppressions (`resource_key`) name
/// the account by it.
pub const ACCOUNT_KEY: &str = "account";

/// The CloudFormation-style type of the account target.
pub const ACCOUNT_TYPE: &str = "AWS::::Account";

/// Expectations on the AWS account and region the provider is configured for (checks such
/// as `iam.password_policy` that belong to the account, not to a resource).
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Default)]
pub struct ExpectedAccount {
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub checks: Vec<String>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub check_parameters: BTreeMap<String, String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub requirements: Vec<String>,
}

/// An expectation on one CloudFormation stack.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Default)]
pub struct ExpectedStack {
    pub name: String,
    /// Lowercase hex SHA-256 of the approved template (given, or computed from the body).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub template_sha256: Option<String>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub outputs: BTreeMap<String, String>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub parameters: BTreeMap<String, String>,
    /// Logical id → CloudFormation type.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub resources: BTreeMap<String, String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub requirements: Vec<String>,
}

/// A suppressed check with its justification.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Default)]
pub struct Suppression {
    pub check: String,
    pub resource_key: String,
    pub reason: String,
    pub approved_by: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires: Option<String>,
}

impl Spec {
    /// The requirement with this id.
    pub fn requirement(&self, id: &str) -> Option<&Requirement> {
        self.requirements.iter().find(|r| r.id == id)
    }

    /// The expected resource with this key.
    pub fn resource(&self, key: &str) -> Option<&ExpectedResource> {
        self.resources.iter().find(|r| r.key == key)
    }

    /// The expected stack with this name.
    pub fn stack(&self, name: &str) -> Option<&ExpectedStack> {
        self.stacks.iter().find(|s| s.name == name)
    }
}
