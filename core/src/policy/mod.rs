//! The least-privilege IAM policy a qualification of a specification needs (the
//! `gxp_iam_policy` data source), derived from the registry alone, without calling AWS:
//! - [`actions`]: the reads of collectors, checks, stacks, the account and discovery;
//! - [`store`]: the evidence store, report signing, signature verification and notification;
//! - [`scope`]: which actions AWS lets a policy scope to a resource, and the ARNs;
//! - [`document`]: the statements and their bytes.
//!
//! A read is scoped to the ARNs of its targets only when every target of that kind has an
//! ARN at plan time (a KMS key named by alias or a bucket located by stack has none); the
//! others, and every action AWS does not scope, are granted on `*`, each said in a note.

pub mod actions;
pub mod document;
pub mod scope;
pub mod store;

use std::collections::{BTreeMap, BTreeSet};

use crate::catalog::Stage;
use crate::qualification::filing::StoreChoice;
use crate::spec::model::Spec;

pub use actions::{actions_for_result, Discovery, Need, On};
pub use document::{PolicyDocument, Resources, Statement};
pub use scope::{ArnContext, ArnKind};

/// What the policy is derived from: the specification and the run's settings, with the
/// attribute names of `gxp_qualification`.
#[derive(Clone, Debug)]
pub struct PolicyInputs {
    pub spec: Spec,
    /// The stages qualified (IQ, OQ, PQ when the user sets none).
    pub stages: Vec<Stage>,
    /// The `discovery` block (tags, excluded checks, enumerated types).
    pub discovery: Discovery,
    /// The evidence store; `None` when none is configured.
    pub store: Option<StoreChoice>,
    /// The report signing key.
    pub signing_key: Option<String>,
    pub notify_topic: Option<String>,
    /// KMS keys verifying electronic signatures by KMS (those without a public key).
    pub signature_keys: Vec<String>,
    pub account: Option<String>,
    pub region: Option<String>,
    pub partition: String,
}

/// One action allowed on one resource, in the statement `sid` (`*` grants all go to
/// [`document::ANY_SID`]).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Grant {
    pub sid: &'static str,
    pub action: String,
    pub resource: String,
}

impl Grant {
    /// `action` on `resource` in statement `sid`.
    pub fn new(sid: &'static str, action: &str, resource: &str) -> Grant {
        Grant::on(sid, action, resource.to_string())
    }

    /// `action` on `resource` in statement `sid`.
    pub fn on(sid: &'static str, action: &str, resource: String) -> Grant {
        Grant {
            sid,
            action: action.to_string(),
            resource,
        }
    }
}

/// The derived policy.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Policy {
    pub document: PolicyDocument,
    /// Every action of the document, sorted, each once.
    pub actions: Vec<String>,
    /// What stays on `*` and why, and advice (SSE-KMS, STS).
    pub notes: Vec<String>,
}

impl Policy {
    /// The document as minified JSON.
    pub fn json(&self) -> String {
        self.document.to_json()
    }

    /// Its size as IAM counts it: characters but whitespace.
    pub fn size(&self) -> usize {
        self.json().chars().filter(|c| !c.is_whitespace()).count()
    }
}

/// The size limit of a customer managed policy (characters but whitespace).
pub const MANAGED_POLICY_LIMIT: usize = 6144;

/// Derive the policy a qualification with `inputs` needs.
pub fn derive(inputs: &PolicyInputs) -> Policy {
    let ctx = ArnContext {
        partition: inputs.partition.clone(),
        account: inputs.account.clone(),
        region: inputs.region.clone(),
    };
    let reads = actions::reads(&inputs.spec, &inputs.stages, &inputs.discovery);
    let (mut grants, mut notes) = read_grants(&reads, &ctx);
    if let Some(store) = &inputs.store {
        let (g, n) = store::store_grants(store, &ctx);
        grants.extend(g);
        notes.extend(n);
    }
    if let Some(key) = inputs.signing_key.as_deref().filter(|k| !k.is_empty()) {
        let (g, n) = store::signing_grants(key, &ctx);
        grants.extend(g);
        notes.extend(n);
    }
    let (g, n) = store::verify_grants(&inputs.signature_keys, &ctx);
    grants.extend(g);
    notes.extend(n);
    if let Some(topic) = inputs.notify_topic.as_deref().filter(|t| !t.is_empty()) {
        grants.extend(store::notify_grants(topic));
    }
    if inputs.discovery.is_on() {
        notes.push(
            "discovery: the resources tag-based discovery and enumeration find are not known at plan time, so tag:GetResources, the enumerations and the reads of every discoverable type are on *".into(),
        );
    }
    notes.push(
        "sts:GetCallerIdentity (the caller's account) needs no permission and is not listed".into(),
    );
    grants.sort();
    grants.dedup();
    let document = PolicyDocument::of(&grants);
    let actions: BTreeSet<String> = document
        .statements
        .iter()
        .flat_map(|s| s.actions.iter().cloned())
        .collect();
    Policy {
        document,
        actions: actions.into_iter().collect(),
        notes,
    }
}

/// The grants of the reads: on the ARNs of their targets where the action can be scoped to
/// the target's kind and every target of that kind has an ARN, else on `*`.
fn read_grants(reads: &[Need], ctx: &ArnContext) -> (Vec<Grant>, Vec<String>) {
    // The targets of each kind that have no ARN at plan time.
    let mut without_arn: BTreeMap<ArnKind, BTreeSet<String>> = BTreeMap::new();
    let mut scoped: Vec<(&Need, ArnKind, Option<String>)> = Vec::new();
    let mut grants = Vec::new();
    for need in reads {
        let target = match &need.on {
            On::Target {
                resource_type,
                identifier,
                label,
            } => scope::kind_of_type(resource_type)
                .filter(|k| scope::kind_of_action(need.action) == Some(*k))
                .map(|k| (k, identifier, label)),
            On::Any => None,
        };
        match target {
            Some((kind, identifier, label)) => {
                let arn = identifier.as_deref().and_then(|i| ctx.arn(kind, i));
                if arn.is_none() {
                    let why = match identifier {
                        Some(i) => format!("{label} ({i})"),
                        None => format!("{label} (located by its stack)"),
                    };
                    without_arn.entry(kind).or_default().insert(why);
                }
                scoped.push((need, kind, arn));
            }
            None => grants.push(Grant::new(document::ANY_SID, need.action, "*")),
        }
    }
    let mut notes = Vec::new();
    for (kind, targets) in &without_arn {
        let actions: BTreeSet<&str> = scoped
            .iter()
            .filter(|(_, k, _)| k == kind)
            .map(|(n, _, _)| n.action)
            .collect();
        notes.push(format!(
            "{} on *: {} {} no ARN at plan time",
            actions.into_iter().collect::<Vec<_>>().join(", "),
            targets.iter().cloned().collect::<Vec<_>>().join(", "),
            if targets.len() == 1 { "has" } else { "have" }
        ));
    }
    for (need, kind, arn) in scoped {
        let resource = match arn {
            Some(arn) if !without_arn.contains_key(&kind) => arn,
            _ => "*".to_string(),
        };
        let sid = if resource == "*" {
            document::ANY_SID
        } else {
            kind.read_sid()
        };
        grants.push(Grant::on(sid, need.action, resource));
    }
    (grants, notes)
}

#[cfg(test)]
mod tests;
