//! `gxp_expected_spec`: the approved specification as a Terraform resource.
//!
//! It has no remote object: its state is the specification, its canonical JSON form, the
//! digest of that form and a revision that increments whenever the digest changes. Digest
//! and revision are computed at plan time so `terraform plan` shows them changing.

use async_trait::async_trait;
use tf_provider::schema::{IdentitySchema, NestedBlock, Schema};
use tf_provider::value::{StructEmpty, Value, ValueEmpty};
use tf_provider::{AttributePath, Diagnostics, IdentityData, Resource};

use crate::convert::spec::{draft, SpecConfig};
use crate::provider::schema_builder::*;
use crate::resources::identity;
use gxp_core::spec::canonical;
use gxp_core::spec::draft::{to_model, Incomplete};
use gxp_core::spec::upgrade::{upgrade_json, SCHEMA_VERSION};
use gxp_core::spec::validate;

/// The `gxp_expected_spec` resource.
#[derive(Debug, Default, Clone)]
pub struct ExpectedSpecResource;

/// The schema of `gxp_expected_spec`.
pub fn schema() -> Schema {
    use Mode::*;
    let system = block(
        "The system the specification covers.",
        [
            ("application_id", string(Required, "Application identifier, as carried by the `Application` tag of its resources (e.g. `lims`).")),
            ("environment", string(Required, "Environment name (e.g. `prod`, `validation`).")),
            ("gamp_category", number(Optional, "GAMP 5 software category: 1 (infrastructure), 3, 4 or 5.")),
            ("risk_class", string(Optional, "Risk class from the system's risk assessment: `low`, `medium` or `high`.")),
        ],
        [],
    );
    let signature = block(
        "An electronic signature of this approval (21 CFR 11.50, 11.70): who signed, with what meaning, when and how, over which `signing_digest`. Verified against the provider's `electronic_signatures` trust list; see the guide \"Electronic signatures and approval\".",
        [
            ("signer", string(Required, "Identity that names the key: an `allowed_signers` principal (SSH) or a `kms_signer` `signer` (KMS). One line.")),
            ("printed_name", string(Required, "The signer's printed name, as the report shows it. One line.")),
            ("meaning", string(Required, "Meaning of the signature: `authored`, `reviewed`, `approved` or `responsible`.")),
            ("signed_at", string(Required, "When it was signed, RFC 3339 with offset (`2026-03-01T09:30:00Z`), exactly as in the signed statement. Must not be in the future.")),
            ("method", string(Required, "`ssh` (`ssh-keygen -Y sign -n gxp-spec`) or `kms` (AWS KMS `Sign`, `MessageType=DIGEST`).")),
            ("key_id", string(Optional, "`kms` only (required for it): the ARN of the KMS key that signed (not an alias).")),
            ("algorithm", string(Optional, "`kms` only: `ECDSA_SHA_256` or `RSASSA_PSS_SHA_256`; default from the key.")),
            ("spec_digest", string(Required, "The `signing_digest` that was signed (64 hex).")),
            ("value", string(Required, "`ssh`: the armored SSH signature (`file(\"statement.txt.sig\")`); `kms`: the base64 signature (`aws kms sign ... --query Signature --output text`).")),
        ],
        [],
    );
    let approval = block(
        "Approval of this version of the specification.",
        [
            ("approved_by", string(Required, "Identity of the approver (name or e-mail of the quality approver).")),
            ("approved_at", string(Required, "Time of approval, RFC 3339 (`2026-03-01T09:30:00Z`) or `YYYY-MM-DD`. Must not be in the future.")),
            ("change_reference", string(Required, "Change control record under which the specification was approved (e.g. `CR-2026-014`).")),
            ("reason", string(Optional, "Reason for this version.")),
        ],
        [("signature", NestedBlock::List(signature))],
    );
    let requirement = block(
        "A user or functional requirement (URS/FS) with the regulatory controls it implements.",
        [
            ("id", string(Required, "Requirement id, unique within the specification (e.g. `URS-001`).")),
            ("text", string(Required, "Requirement text.")),
            ("controls", string_list(Optional, "Regulatory control references, e.g. `21CFR11.10(e)`, `Annex11-9`, `HIPAA-164.312(b)`.")),
            ("severity", string(Optional, "Severity class of a deviation: `security`, `functional` (default) or `cosmetic`.")),
        ],
        [],
    );
    let expected_resource = block(
        "An expectation on one AWS resource.",
        [
            ("key", string(Required, "Stable key of this expectation, unique within the specification; reports and suppressions refer to it.")),
            ("type", string(Required, "AWS type in CloudFormation naming, e.g. `AWS::S3::Bucket`.")),
            ("identifier", string(Optional, "Physical id or ARN of the resource. Either this or `stack_name` with `logical_id`.")),
            ("stack_name", string(Optional, "Name of the expected stack that holds the resource (with `logical_id`).")),
            ("logical_id", string(Optional, "Logical id of the resource in `stack_name`.")),
            ("properties", string(Optional, "Expected properties as a JSON object in CloudFormation shape, e.g. `jsonencode({ VersioningConfiguration = { Status = \"Enabled\" } })`. Each given property must equal the live value.")),
            ("checks", string_list(Optional, "Catalog check ids to run on this resource (see `gxp_check_catalog`).")),
            ("check_parameters", string_map(Optional, "Check parameters as `CHECK_ID.PARAMETER = value`, e.g. `\"logs.retention.min_days\" = \"365\"`.")),
            ("requirements", string_list(Optional, "Ids of the requirements this expectation traces to.")),
        ],
        [],
    );
    let expected_stack = block(
        "An expectation on one CloudFormation stack.",
        [
            ("name", string(Required, "Stack name, unique within the specification.")),
            ("template_sha256", string(Optional, "SHA-256 (hex) of the approved template body. Conflicts with `template_body`.")),
            ("template_body", string(Optional, "Approved template body; its SHA-256 is what the specification holds. Conflicts with `template_sha256`.")),
            ("outputs", string_map(Optional, "Expected stack outputs (output key to value).")),
            ("parameters", string_map(Optional, "Expected stack parameters (parameter key to value).")),
            ("resources", string_map(Optional, "Expected logical resources (logical id to CloudFormation type).")),
            ("requirements", string_list(Optional, "Ids of the requirements this stack traces to.")),
        ],
        [],
    );
    let suppression = block(
        "A check deliberately not applied to one resource. Reported as `suppressed` with its reason; an expired suppression counts as a failure.",
        [
            ("check", string(Required, "Catalog check id that is suppressed.")),
            ("resource_key", string(Required, "Key of the expected resource it applies to.")),
            ("reason", string(Required, "Written justification (mandatory).")),
            ("approved_by", string(Required, "Who approved the exception.")),
            ("expires", string(Optional, "Expiry, RFC 3339 or `YYYY-MM-DD`; after it the check counts again.")),
        ],
        [],
    );
    let expected_account = block(
        "Expectations on the AWS account and region the provider is configured for: checks that belong to the account, not to a resource (e.g. `iam.password_policy`). Qualified as the target `account` of type `AWS::::Account`; suppressions name it with `resource_key = \"account\"`.",
        [
            ("checks", string_list(Optional, "Catalog check ids of type `AWS::::Account` to run on the account (see `gxp_check_catalog`).")),
            ("check_parameters", string_map(Optional, "Check parameters as `CHECK_ID.PARAMETER = value`, e.g. `\"iam.password_policy.min_length\" = \"14\"`.")),
            ("requirements", string_list(Optional, "Ids of the requirements the account's checks trace to.")),
        ],
        [],
    );
    let expected_soup = block(
        "The approved SOUP (software of unknown provenance) of the infrastructure code: the Terraform version and provider versions a qualification must run with. `iq.soup_versions` compares them with what the working directory runs; without this block the SOUP is recorded in the report but not compared.",
        [
            ("terraform_version", string(Optional, "Terraform version constraint, e.g. `>= 1.9, < 2.0` (Terraform syntax: `=`, `!=`, `>`, `>=`, `<`, `<=`, `~>`, comma-separated).")),
            ("providers", string_map(Optional, "Provider source (`NAMESPACE/TYPE` on registry.terraform.io, or `HOSTNAME/NAMESPACE/TYPE`) → version constraint, e.g. `\"hashicorp/aws\" = \"5.100.0\"`. Every provider in use must be listed.")),
            ("requirements", string_list(Optional, "Ids of the requirements the SOUP checks trace to.")),
        ],
        [],
    );
    let mut root = block(
        "The approved specification of a GxP system's infrastructure: requirements with regulatory controls, expected resources and properties, expected stacks and outputs, suppressions, approval. Its `digest` is the SHA-256 of a canonical JSON form; `revision` increments whenever the digest changes.",
        [
            ("id", string(Computed, "Identifier of the specification (its name).")),
            ("name", string(Required, "Name of the specification, unique per system (e.g. `lims-prod-infrastructure`). Changing it creates a new specification.")),
            ("version", string(Required, "Document version of the specification (e.g. `1.2`).")),
            ("description", string(Optional, "Description of the specification.")),
            ("digest", string(Computed, "SHA-256 (hex) of the canonical JSON form of the specification.")),
            ("revision", number(Computed, "Revision counter: 1 at creation, incremented whenever `digest` changes.")),
            ("canonical_json", string(Computed, "The canonical JSON form that `digest` is computed over; `gxp_qualification` takes it as `spec_document`.")),
            ("required_signatures", string_list(Optional, "Signature meanings that must carry verified signatures from distinct signers before the specification can be qualified, e.g. `[\"reviewed\", \"approved\"]`; a meaning listed twice needs two signers.")),
            ("signing_digest", string(Computed, "What approvers sign: the SHA-256 (hex) of the canonical form without `approval.signature` blocks, known at plan time. Equal to `digest` while the specification has no signatures.")),
        ],
        [
            ("system", NestedBlock::Single(system)),
            ("approval", NestedBlock::Single(approval)),
            ("requirement", NestedBlock::List(requirement)),
            ("expected_resource", NestedBlock::List(expected_resource)),
            ("expected_stack", NestedBlock::List(expected_stack)),
            ("suppression", NestedBlock::List(suppression)),
            ("expected_account", NestedBlock::Optional(expected_account)),
            ("expected_soup", NestedBlock::Optional(expected_soup)),
        ],
    );
    root.version = SCHEMA_VERSION;
    Schema {
        version: SCHEMA_VERSION,
        block: root,
    }
}

/// The identity schema of `gxp_expected_spec`: its name.
pub fn identity_schema() -> IdentitySchema {
    identity::string_schema(&[("name", "Name of the specification (its `name` attribute).")])
}

/// The identity of the specification in `state`: its name (unknown while the name is).
pub fn identity_of(state: &SpecConfig) -> IdentityData {
    identity::data([("name", identity::value_of(&state.name))])
}

/// Fill the computed attributes for a planned or applied state.
/// `prior` is the previous state (None on create).
pub fn compute(
    diags: &mut Diagnostics,
    mut state: SpecConfig,
    prior: Option<&SpecConfig>,
) -> Option<SpecConfig> {
    state.id = state.name.clone();
    match to_model(&draft(&state)) {
        Ok(spec) => {
            let text = canonical::canonical_json(&spec);
            let digest = gxp_core::util::sha256_hex(text.as_bytes());
            state.revision = match prior {
                None => Value::Value(1),
                Some(p) => match (&p.digest, p.revision) {
                    (Value::Value(old), Value::Value(rev)) if *old == digest => Value::Value(rev),
                    (Value::Value(_), Value::Value(rev)) => Value::Value(rev + 1),
                    // Imported state carries no digest yet: keep its revision.
                    (_, Value::Value(rev)) => Value::Value(rev),
                    _ => Value::Value(1),
                },
            };
            state.digest = Value::Value(digest);
            state.canonical_json = Value::Value(text);
            state.signing_digest = Value::Value(canonical::signing_digest(&spec));
        }
        Err(Incomplete::Unknown) => {
            // What is signed does not depend on the signatures: known even when one is not.
            state.signing_digest = match to_model(&unsigned_draft(&state)) {
                Ok(spec) => Value::Value(canonical::signing_digest(&spec)),
                Err(_) => Value::Unknown,
            };
            state.digest = Value::Unknown;
            state.canonical_json = Value::Unknown;
            state.revision = Value::Unknown;
        }
        Err(Incomplete::Invalid(why)) => {
            diags.error("Invalid specification", why, AttributePath::root());
            return None;
        }
    }
    Some(state)
}

/// The planned specification without its signatures.
fn unsigned_draft(state: &SpecConfig) -> gxp_core::spec::draft::SpecDraft {
    let mut d = draft(state);
    if let gxp_core::spec::draft::Field::Known(a) = &mut d.approval {
        a.signature = gxp_core::spec::draft::Field::Null;
    }
    d
}

/// A warning at `approval.signature[i].spec_digest` for every signature over another
/// digest than the planned signing digest: approvers see it before any qualification.
fn stale_signature_warnings(diags: &mut Diagnostics, planned: &SpecConfig) {
    let Value::Value(now) = &planned.signing_digest else {
        return;
    };
    let Some(approval) = planned.approval.as_ref_option() else {
        return;
    };
    for (i, g) in approval
        .signature
        .as_ref_option()
        .into_iter()
        .flatten()
        .enumerate()
    {
        if let Value::Value(signed) = &g.spec_digest {
            if !signed.eq_ignore_ascii_case(now) {
                diags.warning(
                    "Stale signature",
                    format!("`approval.signature[{i}]` signed digest {signed}; this specification's signing digest is now {now}: re-sign it (qualifications refuse a stale signature where a signature policy applies)."),
                    AttributePath::new("approval")
                        .attribute("signature")
                        .index(i as i64)
                        .attribute("spec_digest"),
                );
            }
        }
    }
}

/// Fill `signing_digest` in a state written by a provider without it (otherwise every
/// existing state would show a one-time update).
pub fn fill_signing_digest(state: &mut SpecConfig) {
    if !state.signing_digest.is_null() {
        return;
    }
    if let Value::Value(text) = &state.canonical_json {
        if let Ok(spec) = canonical::from_canonical_json(text) {
            state.signing_digest = Value::Value(canonical::signing_digest(&spec));
        }
    }
}

#[async_trait]
impl Resource for ExpectedSpecResource {
    type State<'a> = SpecConfig;
    type PrivateState<'a> = StructEmpty;
    type ProviderMetaState<'a> = ValueEmpty;

    fn schema(&self, _diags: &mut Diagnostics) -> Option<Schema> {
        Some(schema())
    }

    fn identity_schema(&self) -> Option<IdentitySchema> {
        Some(identity_schema())
    }

    fn identity<'a>(
        &self,
        _diags: &mut Diagnostics,
        state: &Self::State<'a>,
        _known: Option<&IdentityData>,
    ) -> Option<IdentityData> {
        Some(identity_of(state))
    }

    async fn validate<'a>(&self, diags: &mut Diagnostics, config: Self::State<'a>) -> Option<()> {
        crate::convert::diagnostics::report(
            diags,
            validate::validate(&draft(&config), gxp_core::util::now_utc()),
        );
        Some(())
    }

    async fn read<'a>(
        &self,
        _diags: &mut Diagnostics,
        state: Self::State<'a>,
        private_state: Self::PrivateState<'a>,
        _meta: Self::ProviderMetaState<'a>,
    ) -> Option<(Self::State<'a>, Self::PrivateState<'a>)> {
        Some((state, private_state))
    }

    async fn plan_create<'a>(
        &self,
        diags: &mut Diagnostics,
        proposed: Self::State<'a>,
        _config: Self::State<'a>,
        _meta: Self::ProviderMetaState<'a>,
    ) -> Option<(Self::State<'a>, Self::PrivateState<'a>)> {
        let planned = compute(diags, proposed, None)?;
        stale_signature_warnings(diags, &planned);
        Some((planned, StructEmpty {}))
    }

    async fn plan_update<'a>(
        &self,
        diags: &mut Diagnostics,
        prior: Self::State<'a>,
        proposed: Self::State<'a>,
        _config: Self::State<'a>,
        _prior_private: Self::PrivateState<'a>,
        _meta: Self::ProviderMetaState<'a>,
    ) -> Option<(Self::State<'a>, Self::PrivateState<'a>, Vec<AttributePath>)> {
        let replace = if prior.name != proposed.name && prior.name.is_value() {
            vec![AttributePath::new("name")]
        } else {
            vec![]
        };
        let planned = compute(diags, proposed, Some(&prior))?;
        stale_signature_warnings(diags, &planned);
        Some((planned, StructEmpty {}, replace))
    }

    async fn plan_destroy<'a>(
        &self,
        _diags: &mut Diagnostics,
        _prior: Self::State<'a>,
        _prior_private: Self::PrivateState<'a>,
        _meta: Self::ProviderMetaState<'a>,
    ) -> Option<Self::PrivateState<'a>> {
        Some(StructEmpty {})
    }

    async fn create<'a>(
        &self,
        diags: &mut Diagnostics,
        planned: Self::State<'a>,
        _config: Self::State<'a>,
        _private: Self::PrivateState<'a>,
        _meta: Self::ProviderMetaState<'a>,
    ) -> Option<(Self::State<'a>, Self::PrivateState<'a>)> {
        Some((compute(diags, planned, None)?, StructEmpty {}))
    }

    async fn update<'a>(
        &self,
        diags: &mut Diagnostics,
        prior: Self::State<'a>,
        planned: Self::State<'a>,
        _config: Self::State<'a>,
        _private: Self::PrivateState<'a>,
        _meta: Self::ProviderMetaState<'a>,
    ) -> Option<(Self::State<'a>, Self::PrivateState<'a>)> {
        Some((compute(diags, planned, Some(&prior))?, StructEmpty {}))
    }

    async fn destroy<'a>(
        &self,
        _diags: &mut Diagnostics,
        _prior: Self::State<'a>,
        _private: Self::PrivateState<'a>,
        _meta: Self::ProviderMetaState<'a>,
    ) -> Option<()> {
        Some(())
    }

    async fn import<'a>(
        &self,
        diags: &mut Diagnostics,
        id: String,
    ) -> Option<(Self::State<'a>, Self::PrivateState<'a>)> {
        if let Some(why) = validate::identifier_problem(&id) {
            diags.root_error(
                "Invalid import id",
                format!("Import a specification by its name (e.g. `lims-prod`); `{}` is not a valid name: it {why}.", id.escape_debug()),
            );
            return None;
        }
        let state = SpecConfig {
            id: Value::Value(id.clone()),
            name: Value::Value(id),
            revision: Value::Value(1),
            ..Default::default()
        };
        Some((state, StructEmpty {}))
    }

    /// Import by identity imports by the identity's name: the same state as import by id.
    async fn import_by_identity<'a>(
        &self,
        diags: &mut Diagnostics,
        given: IdentityData,
    ) -> Option<(
        Self::State<'a>,
        Self::PrivateState<'a>,
        Option<IdentityData>,
    )> {
        let [name] = identity::required_strings(
            diags,
            &given,
            ["name"],
            "Give the specification's name, e.g. `identity = { name = \"lims-prod\" }`.",
        )?;
        let (state, private) = Resource::import(self, diags, name).await?;
        let identity = identity_of(&state);
        Some((state, private, Some(identity)))
    }

    async fn upgrade<'a>(
        &self,
        diags: &mut Diagnostics,
        version: i64,
        prior_state: tf_provider::RawValue,
    ) -> Option<Self::State<'a>> {
        let json: serde_json::Value = match &prior_state {
            tf_provider::RawValue::Json(bytes) => match serde_json::from_slice(bytes) {
                Ok(v) => v,
                Err(e) => {
                    diags.root_error("Cannot read prior state", e.to_string());
                    return None;
                }
            },
            tf_provider::RawValue::MessagePack(_) => {
                diags.root_error_short("Cannot upgrade a legacy (non-JSON) state");
                return None;
            }
        };
        let upgraded = match upgrade_json(version, json) {
            Ok(v) => v,
            Err(e) => {
                diags.root_error("Cannot upgrade gxp_expected_spec state", e);
                return None;
            }
        };
        match serde_json::from_value::<SpecConfig>(upgraded) {
            Ok(mut state) => {
                fill_signing_digest(&mut state);
                Some(state)
            }
            Err(e) => {
                diags.root_error("Cannot upgrade gxp_expected_spec state", e.to_string());
                None
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_upgraded_state_gets_its_signing_digest_without_a_plan_diff() {
        let doc = r#"{"format":"gxp.spec/v1","spec":{"approval":{"approved_at":"2026-05-01","approved_by":"qa","change_reference":"CR-1"},"name":"lims","system":{"application_id":"lims","environment":"prod"},"version":"1"}}"#;
        let mut state = SpecConfig {
            canonical_json: Value::Value(doc.to_string()),
            ..Default::default()
        };
        fill_signing_digest(&mut state);
        assert_eq!(
            state.signing_digest,
            Value::Value(gxp_core::util::sha256_hex(doc.as_bytes())),
            "unsigned: the signing digest is the digest"
        );
        let mut none = SpecConfig::default();
        fill_signing_digest(&mut none);
        assert!(none.signing_digest.is_null());
    }

    use tf_provider::value::ValueAny;
    use tf_provider::{DynamicResource, RawValue};

    fn spec_state(name: Value<String>) -> SpecConfig {
        SpecConfig {
            id: name.clone(),
            name,
            revision: Value::Value(1),
            ..Default::default()
        }
    }

    fn raw_identity(name: ValueAny) -> RawValue {
        RawValue::serialize(
            &mut Diagnostics::default(),
            &identity::data([("name", name)]),
        )
        .unwrap()
    }

    fn decode(raw: &RawValue) -> IdentityData {
        raw.deserialize(&mut Diagnostics::default()).unwrap()
    }

    #[test]
    fn the_identity_is_the_name_through_the_wire_encoding() {
        let resource = ExpectedSpecResource;
        assert_eq!(
            DynamicResource::identity_schema(&resource),
            Some(identity_schema())
        );
        let mut diags = Diagnostics::default();
        let state =
            RawValue::serialize(&mut diags, &spec_state(Value::Value("lims-prod".into()))).unwrap();
        let known = raw_identity(ValueAny::String("lims-prod".into()));
        let got = DynamicResource::identity(&resource, &mut diags, &state, Some(&known))
            .expect("identity");
        assert!(diags.errors.is_empty(), "{:?}", diags.errors);
        assert_eq!(got, known, "a refresh keeps the identity byte for byte");
        // A name unknown at plan time: an unknown identity attribute (msgpack extension).
        let planned = RawValue::serialize(&mut diags, &spec_state(Value::Unknown)).unwrap();
        let got = DynamicResource::identity(&resource, &mut diags, &planned, None).unwrap();
        assert_eq!(decode(&got)["name"], ValueAny::Unknown);
    }

    #[tokio::test]
    async fn import_by_identity_gives_the_state_of_import_by_id() {
        let resource = ExpectedSpecResource;
        let mut diags = Diagnostics::default();
        let by_id = DynamicResource::import_identified(&resource, &mut diags, "lims-prod".into())
            .await
            .expect("import by id");
        let by_identity = DynamicResource::import_by_identity(
            &resource,
            &mut diags,
            raw_identity(ValueAny::String("lims-prod".into())),
        )
        .await
        .expect("import by identity");
        assert!(diags.errors.is_empty(), "{:?}", diags.errors);
        assert_eq!(by_identity, by_id);
        let identity = decode(by_id.2.as_ref().expect("an identity"));
        assert_eq!(identity["name"], ValueAny::String("lims-prod".into()));
    }

    #[tokio::test]
    async fn an_identity_without_a_valid_name_is_refused_with_its_path() {
        let resource = ExpectedSpecResource;
        let mut diags = Diagnostics::default();
        let got = DynamicResource::import_by_identity(
            &resource,
            &mut diags,
            raw_identity(ValueAny::Null),
        )
        .await;
        assert!(got.is_none());
        assert_eq!(diags.errors.len(), 1, "{:?}", diags.errors);
        assert_eq!(
            diags.errors[0].attribute,
            AttributePath::new("identity").attribute("name")
        );
        let mut diags = Diagnostics::default();
        let got = DynamicResource::import_by_identity(
            &resource,
            &mut diags,
            raw_identity(ValueAny::String("lims prod".into())),
        )
        .await;
        assert!(got.is_none());
        assert_eq!(diags.errors[0].summary, "Invalid import id");
    }
}
