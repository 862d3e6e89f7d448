//! Data source `gxp_iam_policy`: the least-privilege IAM policy a qualification of a
//! specification needs ([`gxp_core::policy`]), for the pipeline role that runs it.

use std::collections::BTreeMap;

use async_trait::async_trait;
use serde::{Deserialize, Serialize};
use tf_provider::schema::{NestedBlock, Schema};
use tf_provider::value::{Value, ValueEmpty};
use tf_provider::{AttributePath, DataSource, Diagnostics};

use crate::convert::values::{non_empty_string as text, non_empty_strings, Str, StrList, StrMap};
use crate::provider::config::{evidence_store_block, store_settings, EvidenceStoreConfig};
use crate::provider::schema_builder::*;
use crate::provider::Shared;
use crate::resources::qualification::parse_stages;
use gxp_core::approval::SignerTrust;
use gxp_core::catalog::Stage;
use gxp_core::policy::{self, Discovery, PolicyInputs, MANAGED_POLICY_LIMIT};
use gxp_core::spec::model::Spec;

/// The `gxp_iam_policy` data source.
pub struct IamPolicyDataSource {
    shared: Shared,
}

impl IamPolicyDataSource {
    /// Bound to the provider's configuration (account, region, default evidence store).
    pub fn new(shared: Shared) -> Self {
        IamPolicyDataSource { shared }
    }
}

/// The `discovery` block.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq)]
#[serde(default)]
pub struct DiscoveryConfig {
    pub tags: StrMap,
    /// A set in the schema.
    pub exclude_checks: StrList,
    /// A set in the schema.
    pub enumerate_types: StrList,
}

/// State of the data source.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq)]
#[serde(default)]
pub struct IamPolicyState {
    pub spec_document: Str,
    pub stages: StrList,
    pub discovery: Value<Vec<DiscoveryConfig>>,
    pub evidence_store: Value<Vec<EvidenceStoreConfig>>,
    pub signing_key_id: Str,
    pub notify_topic_arn: Str,
    pub json: Str,
    pub actions: StrList,
    pub notes: StrList,
    pub size: Value<i64>,
}

/// The schema.
pub fn schema() -> Schema {
    use Mode::*;
    let discovery = block(
        "Tag-based discovery and enumeration, as on `gxp_qualification`: the reads of every type discovery can find are granted on `*`.",
        [
            ("tags", string_map(Required, "Tags every discovered resource carries (the qualification's `discovery.tags`).")),
            ("exclude_checks", string_set(Optional, "Checks discovered resources do not get (the qualification's `discovery.exclude_checks`): reads only they need are left out.")),
            ("enumerate_types", string_set(Optional, "Types enumerated through their own service (the qualification's `discovery.enumerate_types`): their enumeration calls are granted on `*`.")),
        ],
        [],
    );
    Schema {
        version: 1,
        block: block(
            "The least-privilege IAM policy that a `gxp_qualification` of a specification needs: the reads each of its checks declares, its stacks, tag-based discovery, the evidence store (write, read for the chain, SSE-KMS), report signing, `kms:Verify` on the provider's `electronic_signatures` KMS signer keys that have no public key, and notification — scoped to resource ARNs where AWS allows it. Derived from the check catalog without calling AWS. The attribute names are those of `gxp_qualification`, so the same values can be passed.",
            [
                ("spec_document", string(Required, "The specification: `canonical_json` of the `gxp_expected_spec` (the qualification's `spec_document`).")),
                ("stages", string_list(Optional, "Stages qualified: `IQ`, `OQ`, `PQ` (default all three). Reads only checks of other stages need are left out.")),
                ("signing_key_id", string(Optional, "KMS key that signs reports (the qualification's `signing_key_id`): `kms:DescribeKey` and `kms:Sign` on it.")),
                ("notify_topic_arn", string(Optional, "SNS topic notified after each run: `sns:Publish` on it.")),
                ("json", string(Computed, "The policy document, minified JSON (`aws_iam_policy.policy`).")),
                ("actions", string_list(Computed, "Every action of the policy, sorted.")),
                ("notes", string_list(Computed, "What stays on `*` and why, and what to add outside the provider's knowledge (SSE-KMS on the evidence bucket).")),
                ("size", number(Computed, "Characters of the policy without whitespace, as IAM counts them (a managed policy holds at most 6144: a warning above).")),
            ],
            [
                ("discovery", NestedBlock::Optional(discovery)),
                ("evidence_store", NestedBlock::Optional(evidence_store_block("Evidence store the qualification files to; defaults to the provider's `evidence_store`."))),
            ],
        ),
    }
}

/// The specification of `state.spec_document`, or the diagnostics `gxp_qualification` gives
/// for the same document (at `spec_document`). `None` while it is unknown.
fn spec_of(diags: &mut Diagnostics, state: &IamPolicyState) -> Option<Spec> {
    let doc = text(&state.spec_document)?;
    let path = || AttributePath::new("spec_document");
    match gxp_core::spec::canonical::from_canonical_json(&doc) {
        Err(e) => {
            diags.error("Invalid specification document", e, path());
            None
        }
        Ok(spec) => {
            let mut ok = true;
            for r in &spec.resources {
                for (k, v) in &r.check_parameters {
                    if let Some(Err(e)) = gxp_core::catalog::params::parse_entry(k, v) {
                        ok = false;
                        diags.error(
                            "Invalid check parameter value",
                            format!("Resource `{}` of the specification document: {e}.", r.key),
                            path(),
                        );
                    }
                }
            }
            ok.then_some(spec)
        }
    }
}

/// `stages` (all three when unset), or the diagnostic of the first invalid one.
fn stages_of(diags: &mut Diagnostics, state: &IamPolicyState) -> Option<Vec<Stage>> {
    if state.stages.is_null() {
        return Some(Stage::ALL.to_vec());
    }
    match parse_stages(&state.stages) {
        Err((i, s)) => {
            diags.error(
                "Invalid stage",
                format!("`{s}` is not a stage; use IQ, OQ or PQ."),
                AttributePath::new("stages").index(i as i64),
            );
            None
        }
        Ok(stages) if stages.is_empty() => {
            diags.error(
                "No stages",
                "Run at least one of IQ, OQ, PQ.",
                AttributePath::new("stages"),
            );
            None
        }
        Ok(stages) => Some(stages),
    }
}

/// The `discovery` block (an empty [`Discovery`] without one).
fn discovery_of(state: &IamPolicyState) -> Discovery {
    let Some(block) = state.discovery.as_ref_option().and_then(|b| b.first()) else {
        return Discovery::default();
    };
    let tags: BTreeMap<String, String> = block
        .tags
        .as_ref_option()
        .map(|tags| {
            tags.iter()
                .filter_map(|(k, v)| v.as_ref_option().map(|v| (k.clone(), v.clone())))
                .collect()
        })
        .unwrap_or_default();
    Discovery {
        tags,
        exclude_checks: non_empty_strings(&block.exclude_checks)
            .into_iter()
            .collect(),
        enumerate_types: non_empty_strings(&block.enumerate_types)
            .into_iter()
            .collect(),
    }
}

/// The KMS keys of the provider's `kms_signer` blocks that verify with `kms:Verify` (those
/// without a configured public key, which verify offline).
fn signature_keys(trust: Option<&SignerTrust>) -> Vec<String> {
    let mut keys: Vec<String> = trust
        .map(|t| {
            t.kms
                .iter()
                .filter(|k| k.public_key.is_none())
                .map(|k| k.key_id.clone())
                .collect()
        })
        .unwrap_or_default();
    keys.sort();
    keys.dedup();
    keys
}

fn strings(items: &[String]) -> StrList {
    Value::Value(items.iter().map(|s| Value::Value(s.clone())).collect())
}

#[async_trait]
impl DataSource for IamPolicyDataSource {
    type State<'a> = IamPolicyState;
    type ProviderMetaState<'a> = ValueEmpty;

    fn schema(&self, _diags: &mut Diagnostics) -> Option<Schema> {
        Some(schema())
    }

    async fn validate<'a>(&self, diags: &mut Diagnostics, c: Self::State<'a>) -> Option<()> {
        spec_of(diags, &c);
        stages_of(diags, &c);
        if let Some(arn) = text(&c.notify_topic_arn) {
            if !gxp_core::spec::validate::is_arn(&arn) || !arn.contains(":sns:") {
                diags.error(
                    "Malformed SNS topic ARN",
                    format!("`{arn}` is not an SNS topic ARN (arn:aws:sns:REGION:ACCOUNT:NAME)."),
                    AttributePath::new("notify_topic_arn"),
                );
            }
        }
        Some(())
    }

    async fn read<'a>(
        &self,
        diags: &mut Diagnostics,
        mut c: Self::State<'a>,
        _meta: Self::ProviderMetaState<'a>,
    ) -> Option<Self::State<'a>> {
        let configured = self.shared.get();
        let spec = spec_of(diags, &c);
        let stages = stages_of(diags, &c);
        let (Some(spec), Some(stages)) = (spec, stages) else {
            if !diags.errors.is_empty() {
                return None;
            }
            diags.error(
                "Unknown specification document",
                "`spec_document` must be known when the policy is read.",
                AttributePath::new("spec_document"),
            );
            return None;
        };
        let own = c
            .evidence_store
            .as_ref_option()
            .and_then(|b| b.first())
            .and_then(store_settings);
        let store = own
            .or_else(|| configured.as_ref().and_then(|c| c.evidence_store.clone()))
            .map(|s| s.choice);
        let aws = configured.as_ref().and_then(|c| c.aws.as_ref());
        let region = aws.map(|a| a.region()).filter(|r| !r.is_empty());
        let partition = match (aws, region.as_deref()) {
            (Some(a), _) => a.partition(),
            (None, Some(r)) => gxp_core::aws::context::partition_of_region(r).to_string(),
            (None, None) => "aws".to_string(),
        };
        let inputs = PolicyInputs {
            spec,
            stages,
            discovery: discovery_of(&c),
            store,
            signing_key: text(&c.signing_key_id),
            notify_topic: text(&c.notify_topic_arn),
            signature_keys: signature_keys(
                configured.as_ref().and_then(|c| c.signer_trust.as_deref()),
            ),
            account: aws.and_then(|a| a.identity.account.clone()),
            region,
            partition,
        };
        let p = policy::derive(&inputs);
        let size = p.size();
        if size > MANAGED_POLICY_LIMIT {
            diags.warning(
                "Policy larger than a managed policy",
                format!("The policy has {size} characters without whitespace; a customer managed policy holds at most {MANAGED_POLICY_LIMIT}. Split it, or attach it as an inline policy of a role (up to 10240 characters)."),
                AttributePath::new("json"),
            );
        }
        c.json = Value::Value(p.json());
        c.actions = strings(&p.actions);
        c.notes = strings(&p.notes);
        c.size = Value::Value(size as i64);
        Some(c)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use gxp_core::approval::KmsSigner;

    #[test]
    fn only_kms_signers_without_a_public_key_need_kms_verify() {
        assert!(signature_keys(None).is_empty());
        let signer = |key: &str, public_key: Option<Vec<u8>>| KmsSigner {
            signer: "bob@example.com".into(),
            key_id: key.into(),
            public_key,
        };
        let trust = SignerTrust {
            ssh: vec![],
            kms: vec![
                signer("arn:aws:kms:eu-west-1:1:key/b", None),
                signer("arn:aws:kms:eu-west-1:1:key/offline", Some(vec![0x30])),
                signer("arn:aws:kms:eu-west-1:1:key/a", None),
                signer("arn:aws:kms:eu-west-1:1:key/b", None),
            ],
        };
        assert_eq!(
            signature_keys(Some(&trust)),
            vec![
                "arn:aws:kms:eu-west-1:1:key/a",
                "arn:aws:kms:eu-west-1:1:key/b"
            ]
        );
    }

    #[test]
    fn the_discovery_block_gives_tags_exclusions_and_enumerated_types() {
        let mut state = IamPolicyState::default();
        assert_eq!(discovery_of(&state), Discovery::default());
        let list = |items: &[&str]| -> StrList {
            Value::Value(items.iter().map(|s| Value::Value(s.to_string())).collect())
        };
        state.discovery = Value::Value(vec![DiscoveryConfig {
            tags: Value::Value([("app".to_string(), Value::Value("lims".to_string()))].into()),
            exclude_checks: list(&["backup.resource_protected"]),
            enumerate_types: list(&["AWS::Config::DeliveryChannel"]),
        }]);
        let d = discovery_of(&state);
        assert_eq!(d.tags.get("app").map(String::as_str), Some("lims"));
        assert!(d.exclude_checks.contains("backup.resource_protected"));
        assert!(d.enumerate_types.contains("AWS::Config::DeliveryChannel"));
    }
}
