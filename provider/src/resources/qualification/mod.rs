//! `gxp_qualification`: Terraform glue around [`crate::qualification`].

pub mod apply;
pub mod approval;
pub mod identity;
pub mod import;
pub mod schema;
pub mod state;

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use async_trait::async_trait;
use tf_provider::schema::{IdentitySchema, Schema};
use tf_provider::value::{Value, ValueEmpty};
use tf_provider::{AttributePath, Diagnostics, IdentityData, Resource};

use crate::convert::values::{
    known_strings, non_empty as text, non_empty_strings, string_list as strings, Str, StrList,
};
use crate::provider::config::store_settings;
use crate::provider::{Configured, Shared};
use gxp_core::catalog::{SeverityClass, Stage};
use gxp_core::qualification::filing::StoreSettings;
use gxp_core::qualification::reasons::{parse_interval, reasons, ReasonInputs};
use gxp_core::qualification::requalify;
use gxp_core::qualification::{self as q, RunSettings};
use state::{Private, QualificationState};

/// Default stages.
pub const DEFAULT_STAGES: [&str; 3] = ["IQ", "OQ", "PQ"];
/// Default drift classes that trigger requalification.
pub const DEFAULT_REQUALIFY_ON: [&str; 2] = ["security", "functional"];
/// Report formats that can be filed beside the JSON report.
pub const REPORT_FORMATS: [&str; 6] = ["json", "html", "pdf", "junit", "csv", "jsonl"];
/// Default concurrency.
pub const DEFAULT_CONCURRENCY: i64 = 16;

/// The `gxp_qualification` resource.
pub struct QualificationResource {
    shared: Shared,
}

impl QualificationResource {
    /// A resource bound to the provider's shared configuration.
    pub fn new(shared: Shared) -> Self {
        QualificationResource { shared }
    }

    fn configured(&self, diags: &mut Diagnostics) -> Option<Arc<Configured>> {
        let c = self.shared.get();
        if c.is_none() {
            diags.root_error_short("The gxp provider is not configured");
        }
        c
    }
}

/// Parse `stages`.
pub fn parse_stages(v: &StrList) -> Result<Vec<Stage>, (usize, String)> {
    let mut out = Vec::new();
    for (i, s) in known_strings(v).unwrap_or_default().iter().enumerate() {
        match s.parse::<Stage>() {
            Ok(st) if !out.contains(&st) => out.push(st),
            Ok(_) => {}
            Err(_) => return Err((i, s.clone())),
        }
    }
    out.sort();
    Ok(out)
}

/// Parse `requalify_on`.
pub fn parse_classes(v: &StrList) -> Result<Vec<SeverityClass>, (usize, String)> {
    known_strings(v)
        .unwrap_or_default()
        .iter()
        .enumerate()
        .map(|(i, s)| s.parse::<SeverityClass>().map_err(|_| (i, s.clone())))
        .collect()
}

pub(crate) fn discovery_tags(state: &QualificationState) -> Option<BTreeMap<String, String>> {
    let blocks = state.discovery.as_ref_option()?;
    let tags = blocks.first()?.tags.as_ref_option()?;
    Some(
        tags.iter()
            .filter_map(|(k, v)| v.as_ref_option().map(|v| (k.clone(), v.clone())))
            .collect(),
    )
}

/// `discovery.exclude_checks` (empty without a discovery block or exclusions; `None` while
/// the set or one of its elements is unknown).
pub(crate) fn discovery_exclude_checks(state: &QualificationState) -> Option<BTreeSet<String>> {
    let Some(block) = state.discovery.as_ref_option().and_then(|b| b.first()) else {
        return match state.discovery {
            Value::Unknown => None,
            _ => Some(BTreeSet::new()),
        };
    };
    known_strings(&block.exclude_checks).map(|ids| ids.into_iter().collect())
}

/// `discovery.enumerate_types` (empty without a discovery block or types; `None` while the
/// set or one of its elements is unknown).
pub(crate) fn discovery_enumerate_types(state: &QualificationState) -> Option<BTreeSet<String>> {
    let Some(block) = state.discovery.as_ref_option().and_then(|b| b.first()) else {
        return match state.discovery {
            Value::Unknown => None,
            _ => Some(BTreeSet::new()),
        };
    };
    known_strings(&block.enumerate_types).map(|ids| ids.into_iter().collect())
}

/// Plan-time validation of `discovery.enumerate_types`: every type has an enumerator, and a
/// type whose service reads tags needs at least one tag to filter on.
fn validate_enumerate_types(
    diags: &mut Diagnostics,
    block: &state::DiscoveryConfig,
    enumerate: &BTreeSet<String>,
) {
    use gxp_core::observe::enumeration;
    let path = || {
        AttributePath::new("discovery")
            .index(0)
            .attribute("enumerate_types")
    };
    const WHAT: &str = "Invalid type to enumerate";
    let mut problems: Vec<String> = enumerate
        .iter()
        .filter_map(|ty| enumeration::type_problem(ty))
        .collect();
    if let Value::Value(items) = &block.enumerate_types {
        if items
            .iter()
            .any(|s| matches!(s, Value::Value(s) if s.is_empty()))
            && !problems.iter().any(|p| p.contains("empty type"))
        {
            problems.push(enumeration::type_problem("").unwrap_or_default());
        }
    }
    for why in problems {
        diags.error(
            WHAT,
            format!("{why}. `enumerate_types` takes CloudFormation types the Resource Groups Tagging API does not list."),
            path(),
        );
    }
    let no_tags = matches!(&block.tags, Value::Value(t) if t.is_empty()) || block.tags.is_null();
    if no_tags {
        for ty in enumerate {
            if let Some(e) = enumeration::for_type(ty) {
                if e.tags == enumeration::TagSupport::Read {
                    diags.error(
                        WHAT,
                        format!("`{ty}` is enumerated with a tag filter, but `tags` is empty: give at least one tag (without a filter every resource of the type in the account would be qualified)."),
                        path(),
                    );
                }
            }
        }
    }
}

/// Plan-time validation of the `discovery` block: every id of `exclude_checks` names a check
/// discovered resources get; every type of `enumerate_types` can be enumerated.
fn validate_discovery(diags: &mut Diagnostics, cfg: &QualificationState) {
    let Some(block) = cfg.discovery.as_ref_option().and_then(|b| b.first()) else {
        return;
    };
    let enumerate: BTreeSet<String> = non_empty_strings(&block.enumerate_types)
        .into_iter()
        .collect();
    validate_enumerate_types(diags, block, &enumerate);
    // While the types to enumerate are unknown, an exclusion they would allow cannot be judged.
    let exclusions = if block.enumerate_types.is_unknown() {
        vec![]
    } else {
        non_empty_strings(&block.exclude_checks)
    };
    for id in exclusions {
        if let Some(why) = gxp_core::observe::discovery::exclude_check_problem(&id, &enumerate) {
            diags.error(
                "Invalid check to exclude from discovery",
                format!("{why}. `exclude_checks` takes the ids of OQ/PQ checks that discovered resources get (the checks of their type in the check catalog)."),
                AttributePath::new("discovery")
                    .index(0)
                    .attribute("exclude_checks"),
            );
        }
    }
    if let Value::Value(items) = &block.exclude_checks {
        if items
            .iter()
            .any(|s| matches!(s, Value::Value(s) if s.is_empty()))
        {
            diags.error(
                "Invalid check to exclude from discovery",
                "`exclude_checks` has an empty check id.",
                AttributePath::new("discovery")
                    .index(0)
                    .attribute("exclude_checks"),
            );
        }
    }
}

/// Plan-time validation of the configuration.
pub(crate) fn validate_config(diags: &mut Diagnostics, cfg: &QualificationState) {
    validate_discovery(diags, cfg);
    if let Value::Value(name) = &cfg.name {
        if let Some(why) = gxp_core::evidence::qualification_name_problem(name) {
            diags.error(
                "Invalid qualification name",
                format!("`{name}` {why}. Use a name such as `lims-prod`."),
                AttributePath::new("name"),
            );
        }
    }
    if let Err((i, s)) = parse_stages(&cfg.stages) {
        diags.error(
            "Invalid stage",
            format!("`{s}` is not a stage; use IQ, OQ or PQ."),
            AttributePath::new("stages").index(i as i64),
        );
    }
    if let Value::Value(items) = &cfg.stages {
        if items.is_empty() {
            diags.error(
                "No stages",
                "Run at least one of IQ, OQ, PQ.",
                AttributePath::new("stages"),
            );
        }
    }
    if let Err((i, s)) = parse_classes(&cfg.requalify_on) {
        diags.error(
            "Invalid drift class",
            format!("`{s}` is not a drift class; use security, functional or cosmetic."),
            AttributePath::new("requalify_on").index(i as i64),
        );
    }
    for (i, f) in known_strings(&cfg.report_formats)
        .unwrap_or_default()
        .iter()
        .enumerate()
    {
        if !REPORT_FORMATS.contains(&f.as_str()) {
            diags.error(
                "Unknown report format",
                format!("`{f}` is not one of {REPORT_FORMATS:?} (JSON is always filed)."),
                AttributePath::new("report_formats").index(i as i64),
            );
        }
    }
    for (i, m) in known_strings(&cfg.required_signatures)
        .unwrap_or_default()
        .iter()
        .enumerate()
    {
        let meanings = gxp_core::approval::statement::MEANINGS;
        if !meanings.contains(&m.as_str()) {
            diags.error(
                "Unknown signature meaning",
                format!("`{m}` is not a signature meaning; use one of {meanings:?}."),
                AttributePath::new("required_signatures").index(i as i64),
            );
        }
    }
    if let Some(arn) = text(&cfg.notify_topic_arn) {
        if !gxp_core::spec::validate::is_arn(arn)
            || !arn.starts_with("arn:aws")
            || !arn.contains(":sns:")
        {
            diags.error(
                "Malformed SNS topic ARN",
                format!("`{arn}` is not an SNS topic ARN (arn:aws:sns:REGION:ACCOUNT:NAME)."),
                AttributePath::new("notify_topic_arn"),
            );
        }
    }
    if let Some(r) = text(&cfg.requalify_after) {
        if parse_interval(r).is_none() {
            diags.error(
                "Invalid review interval",
                format!("`{r}` is not an interval such as 90d, 12w or 2160h."),
                AttributePath::new("requalify_after"),
            );
        }
    }
    if let Some(mode) = text(&cfg.results_in_state) {
        if state::ResultsInState::parse(mode).is_none() {
            diags.error(
                "Invalid results_in_state",
                format!(
                    "`{mode}` is not one of {:?}: `failures` keeps the failed and unevaluable results in state, `all` every result (the filed report keeps every result either way).",
                    state::ResultsInState::VALUES
                ),
                AttributePath::new("results_in_state"),
            );
        }
    }
    if let Value::Value(n) = cfg.concurrency {
        if !(1..=256).contains(&n) {
            diags.error(
                "Invalid concurrency",
                format!("`concurrency` must be between 1 and 256; got {n}."),
                AttributePath::new("concurrency"),
            );
        }
    }
    if let (Some(doc), Some(digest)) = (text(&cfg.spec_document), text(&cfg.spec_digest)) {
        let actual = gxp_core::util::sha256_hex(doc.as_bytes());
        if actual != digest {
            diags.error("Specification digest mismatch", format!("`spec_digest` is {digest} but the SHA-256 of `spec_document` is {actual}. Pass `digest` and `canonical_json` of the same gxp_expected_spec."), AttributePath::new("spec_digest"));
        }
        match gxp_core::spec::canonical::from_canonical_json(doc) {
            Err(e) => diags.error(
                "Invalid specification document",
                e,
                AttributePath::new("spec_document"),
            ),
            Ok(spec) => {
                // A document that did not come through gxp_expected_spec's validation (written
                // by hand, or by an older provider) gets the same check of its parameters.
                for r in &spec.resources {
                    for (k, v) in &r.check_parameters {
                        if let Some(Err(e)) = gxp_core::catalog::params::parse_entry(k, v) {
                            diags.error(
                                "Invalid check parameter value",
                                format!("Resource `{}` of the specification document: {e}.", r.key),
                                AttributePath::new("spec_document"),
                            );
                        }
                    }
                }
                if let Some(id) = text(&cfg.spec_id) {
                    if id != spec.name {
                        diags.error(
                            "Specification id mismatch",
                            format!(
                                "`spec_id` is `{id}` but the document is specification `{}`.",
                                spec.name
                            ),
                            AttributePath::new("spec_id"),
                        );
                    }
                }
            }
        }
    }
    if let Some(blocks) = cfg.evidence_store.as_ref_option() {
        if let Some(s) = blocks.first() {
            if text(&s.s3_bucket).is_some() && text(&s.local_directory).is_some() {
                diags.error(
                    "Conflicting evidence stores",
                    "Set either `s3_bucket` or `local_directory`, not both.",
                    AttributePath::new("evidence_store")
                        .index(0)
                        .attribute("local_directory"),
                );
            }
        }
    }
}

/// Fill defaults of optional+computed settings.
fn with_defaults(mut s: QualificationState) -> QualificationState {
    if s.stages.is_null() {
        s.stages = strings(&DEFAULT_STAGES);
    }
    if s.requalify_on.is_null() {
        s.requalify_on = strings(&DEFAULT_REQUALIFY_ON);
    }
    if s.enforce.is_null() {
        s.enforce = Value::Value(true);
    }
    if s.concurrency.is_null() {
        s.concurrency = Value::Value(DEFAULT_CONCURRENCY);
    }
    if s.results_in_state.is_null() {
        s.results_in_state = Value::Value(state::ResultsInState::DEFAULT.as_str().into());
    }
    s.id = s.name.clone();
    s
}

/// Mark everything a qualification run computes as unknown, with the reasons known.
fn pending_run(
    mut s: QualificationState,
    reasons: Vec<String>,
    sequence: Value<i64>,
) -> QualificationState {
    s.status = Value::Unknown;
    s.total_count = Value::Unknown;
    s.passed_count = Value::Unknown;
    s.failed_count = Value::Unknown;
    s.error_count = Value::Unknown;
    s.suppressed_count = Value::Unknown;
    s.results = Value::Unknown;
    s.qualified_at = Value::Unknown;
    s.observed_fingerprint = Value::Unknown;
    s.report_id = Value::Unknown;
    s.report_location = Value::Unknown;
    s.report_sha256 = Value::Unknown;
    s.verify_arguments = Value::Unknown;
    s.qualified_spec_digest = s.spec_digest.clone();
    s.report_sequence = sequence;
    s.requalification_reasons = Value::Value(reasons.into_iter().map(Value::Value).collect());
    s.drift = Value::Value(vec![]);
    s
}

/// The verifier's arguments for the chain head the pipeline knows (`--qualification`,
/// `--expect-head`, `--min-sequence`), from the name and the last report; `None` while one of
/// them is not known.
pub fn verify_arguments(name: &Str, sha256: &Str, sequence: &Value<i64>) -> Option<StrList> {
    let name = text(name)?;
    let sha = text(sha256)?;
    let sequence = sequence.as_ref_option()?;
    let args = [
        "--qualification",
        name,
        "--expect-head",
        sha,
        "--min-sequence",
        &sequence.to_string(),
    ];
    Some(Value::Value(
        args.iter().map(|a| Value::Value(a.to_string())).collect(),
    ))
}

/// `state` with its `verify_arguments` (kept as they are while the head is not known).
fn with_verify_arguments(mut state: QualificationState) -> QualificationState {
    if let Some(args) = verify_arguments(&state.name, &state.report_sha256, &state.report_sequence)
    {
        state.verify_arguments = args;
    }
    state
}

/// Reasons to requalify, from the refreshed prior state and the proposed configuration.
pub fn plan_reasons(
    prior: &QualificationState,
    private: &Private,
    proposed: &QualificationState,
) -> Vec<String> {
    plan_reasons_with_soup(prior, private, proposed, vec![])
}

/// [`plan_reasons`] with what changed in the SOUP of the working directory since the last
/// qualification.
pub fn plan_reasons_with_soup(
    prior: &QualificationState,
    private: &Private,
    proposed: &QualificationState,
    soup_changes: Vec<String>,
) -> Vec<String> {
    let classes = parse_classes(&proposed.requalify_on).unwrap_or_default();
    let mut scope_changes = Vec::new();
    if known_strings(&prior.stages) != known_strings(&proposed.stages) && !prior.stages.is_null() {
        scope_changes.push(requalify::SCOPE_STAGES.to_string());
    }
    if discovery_tags(prior) != discovery_tags(proposed) && !proposed.discovery.is_unknown() {
        scope_changes.push(requalify::SCOPE_DISCOVERY_TAGS.to_string());
    }
    if discovery_exclude_checks(prior) != discovery_exclude_checks(proposed)
        && discovery_exclude_checks(proposed).is_some()
    {
        scope_changes.push(requalify::SCOPE_DISCOVERY_EXCLUDE_CHECKS.to_string());
    }
    if discovery_enumerate_types(prior) != discovery_enumerate_types(proposed)
        && discovery_enumerate_types(proposed).is_some()
    {
        scope_changes.push(requalify::SCOPE_DISCOVERY_ENUMERATE_TYPES.to_string());
    }
    let inputs = ReasonInputs {
        qualified_spec_digest: text(&prior.qualified_spec_digest),
        config_spec_digest: match &proposed.spec_digest {
            Value::Value(d) => Some(d),
            _ => None,
        },
        drift: &private.findings.drift,
        updated_stacks: &private.findings.updated_stacks,
        requalify_on: &classes,
        qualified_at: text(&prior.qualified_at).and_then(gxp_core::util::parse_time),
        review_interval: text(&proposed.requalify_after).and_then(parse_interval),
        now: Some(gxp_core::util::now_utc()),
        last_status: text(&prior.status),
        spooled_reports: private.findings.spooled_reports,
        scope_changes,
        soup_changes,
    };
    reasons(&inputs)
}

/// Settings of one run, from the planned state, the prior state and the prior private state
/// (the snapshot of the previous qualification, for the drift the report records).
fn run_settings(
    planned: &QualificationState,
    default_store: Option<&StoreSettings>,
    prior: Option<&QualificationState>,
    private: Option<Private>,
) -> RunSettings {
    RunSettings {
        name: text(&planned.name).unwrap_or_default().to_string(),
        spec_document: text(&planned.spec_document).unwrap_or_default().to_string(),
        spec_digest: text(&planned.spec_digest).unwrap_or_default().to_string(),
        stages: parse_stages(&planned.stages).unwrap_or_default(),
        discovery_tags: discovery_tags(planned).unwrap_or_default(),
        discovery_exclude_checks: discovery_exclude_checks(planned).unwrap_or_default(),
        discovery_enumerate_types: discovery_enumerate_types(planned).unwrap_or_default(),
        concurrency: planned
            .concurrency
            .as_ref_option()
            .copied()
            .unwrap_or(DEFAULT_CONCURRENCY)
            .max(1) as usize,
        enforce: !matches!(planned.enforce, Value::Value(false)),
        reasons: known_strings(&planned.requalification_reasons).unwrap_or_default(),
        configuration_commit: text(&planned.configuration_commit).map(str::to_string),
        spool_directory: text(&planned.spool_directory)
            .unwrap_or(".gxp-spool")
            .to_string(),
        evidence_store: planned
            .evidence_store
            .as_ref_option()
            .and_then(|b| b.first())
            .and_then(store_settings),
        default_store: default_store.cloned(),
        previous_report_sha256: prior
            .and_then(|p| text(&p.report_sha256))
            .map(str::to_string),
        sequence: prior
            .and_then(|p| p.report_sequence.as_ref_option().copied())
            .map_or(1, |n| n + 1),
        report_formats: known_strings(&planned.report_formats).unwrap_or_default(),
        signing_key_id: text(&planned.signing_key_id).map(str::to_string),
        notify_topic_arn: text(&planned.notify_topic_arn).map(str::to_string),
        previous_snapshot: private.and_then(|p| p.snapshot),
        required_signatures: known_strings(&planned.required_signatures).unwrap_or_default(),
    }
}

#[async_trait]
impl Resource for QualificationResource {
    type State<'a> = QualificationState;
    type PrivateState<'a> = Option<Private>;
    type ProviderMetaState<'a> = ValueEmpty;

    fn schema(&self, _diags: &mut Diagnostics) -> Option<Schema> {
        Some(schema::schema())
    }

    fn identity_schema(&self) -> Option<IdentitySchema> {
        Some(identity::schema())
    }

    fn identity<'a>(
        &self,
        _diags: &mut Diagnostics,
        state: &Self::State<'a>,
        known: Option<&IdentityData>,
    ) -> Option<IdentityData> {
        // The report labels are known once the provider is configured with known values.
        let configured = self.shared.get().filter(|c| c.aws.is_some());
        identity::of_state(state, configured.as_ref().map(|c| &c.labels), known)
    }

    async fn validate<'a>(&self, diags: &mut Diagnostics, config: Self::State<'a>) -> Option<()> {
        validate_config(diags, &config);
        Some(())
    }

    async fn read<'a>(
        &self,
        diags: &mut Diagnostics,
        state: Self::State<'a>,
        private: Self::PrivateState<'a>,
        _meta: Self::ProviderMetaState<'a>,
    ) -> Option<(Self::State<'a>, Self::PrivateState<'a>)> {
        // A state written before `verify_arguments` existed gets them from its head.
        let state = with_verify_arguments(state);
        let Some(mut private) = private else {
            return Some((state, None));
        };
        let Some(configured) = self.shared.get() else {
            return Some((state, Some(private)));
        };
        let (Some(aws), Some(snapshot)) = (configured.aws.as_ref(), private.snapshot.as_ref())
        else {
            return Some((state, Some(private)));
        };
        let concurrency = state
            .concurrency
            .as_ref_option()
            .copied()
            .unwrap_or(DEFAULT_CONCURRENCY)
            .max(1) as usize;
        let spool = text(&state.spool_directory)
            .unwrap_or(".gxp-spool")
            .to_string();
        let name = text(&state.name).unwrap_or_default().to_string();
        let progress = Some(crate::provider::log::progress_sink());
        match q::refresh(aws, snapshot, concurrency, &spool, &name, progress).await {
            Ok(found) => {
                let mut state = state;
                state.drift = Value::Value(
                    found
                        .drift
                        .iter()
                        .map(|d| Value::Value(gxp_core::qualification::drift::describe(d)))
                        .collect(),
                );
                state.observed_fingerprint = Value::Value(found.fingerprint.clone());
                private.findings = found.findings();
                Some((state, Some(private)))
            }
            Err(e) => {
                diags.root_warning("Could not refresh the qualification's observations", e);
                Some((state, Some(private)))
            }
        }
    }

    async fn plan_create<'a>(
        &self,
        diags: &mut Diagnostics,
        proposed: Self::State<'a>,
        _config: Self::State<'a>,
        _meta: Self::ProviderMetaState<'a>,
    ) -> Option<(Self::State<'a>, Self::PrivateState<'a>)> {
        approval::check(diags, self.shared.get().as_deref(), &proposed).await;
        let mut reasons = vec!["initial qualification".to_string()];
        if let Some(name) = text(&proposed.name) {
            let spool = text(&proposed.spool_directory).unwrap_or(".gxp-spool");
            let pending = q::spooled_count(spool, name);
            if pending > 0 {
                reasons.push(format!(
                    "{pending} report(s) waiting in the local spool to be filed"
                ));
            }
        }
        // The sequence continues the chain of the reports already filed for this name (a
        // replacement after a failed first apply, a re-created qualification): claimed at apply.
        let planned = pending_run(with_defaults(proposed), reasons, Value::Unknown);
        Some((planned, None))
    }

    async fn plan_update<'a>(
        &self,
        diags: &mut Diagnostics,
        prior: Self::State<'a>,
        proposed: Self::State<'a>,
        _config: Self::State<'a>,
        prior_private: Self::PrivateState<'a>,
        _meta: Self::ProviderMetaState<'a>,
    ) -> Option<(Self::State<'a>, Self::PrivateState<'a>, Vec<AttributePath>)> {
        let replace = if prior.name != proposed.name && prior.name.is_value() {
            vec![AttributePath::new("name")]
        } else {
            vec![]
        };
        approval::check(diags, self.shared.get().as_deref(), &proposed).await;
        let private = prior_private.clone().unwrap_or_default();
        let proposed = with_defaults(proposed);
        // The SOUP now (when the provider is configured) against the last qualification's.
        let soup_changes = match (self.shared.get(), private.soup.as_ref()) {
            (Some(configured), Some(qualified)) => gxp_core::soup::changes::changes(
                qualified,
                &apply::current_soup(&configured.terraform_version),
            ),
            _ => vec![],
        };
        let reasons = plan_reasons_with_soup(&prior, &private, &proposed, soup_changes);
        // The report's place in the chain is claimed when it is filed (another working
        // directory may take the next one first): known after apply.
        let planned = if reasons.is_empty() {
            // No run: a switch to `failures` cuts the results already in state (one to `all`
            // fills them at the next run: the passed results are only in the report).
            let mode = state::ResultsInState::of(&proposed.results_in_state);
            let results = state::retain_in(&proposed.results, mode);
            QualificationState {
                results,
                ..proposed
            }
        } else {
            pending_run(proposed, reasons, Value::Unknown)
        };
        Some((planned, prior_private, replace))
    }

    async fn plan_destroy<'a>(
        &self,
        _diags: &mut Diagnostics,
        _prior: Self::State<'a>,
        prior_private: Self::PrivateState<'a>,
        _meta: Self::ProviderMetaState<'a>,
    ) -> Option<Self::PrivateState<'a>> {
        Some(prior_private)
    }

    async fn create<'a>(
        &self,
        diags: &mut Diagnostics,
        planned: Self::State<'a>,
        _config: Self::State<'a>,
        _private: Self::PrivateState<'a>,
        _meta: Self::ProviderMetaState<'a>,
    ) -> Option<(Self::State<'a>, Self::PrivateState<'a>)> {
        let configured = self.configured(diags)?;
        let settings = run_settings(&planned, configured.evidence_store.as_ref(), None, None);
        let (state, private) = apply::apply_run(diags, &configured, settings, planned).await?;
        Some((state, Some(private)))
    }

    async fn update<'a>(
        &self,
        diags: &mut Diagnostics,
        prior: Self::State<'a>,
        planned: Self::State<'a>,
        _config: Self::State<'a>,
        private: Self::PrivateState<'a>,
        _meta: Self::ProviderMetaState<'a>,
    ) -> Option<(Self::State<'a>, Self::PrivateState<'a>)> {
        if !planned.status.is_unknown() {
            // Settings only (e.g. enforce, requalify_after): nothing to run.
            return Some((planned, private));
        }
        let configured = self.configured(diags)?;
        let settings = run_settings(
            &planned,
            configured.evidence_store.as_ref(),
            Some(&prior),
            private,
        );
        let (state, private) = apply::apply_run(diags, &configured, settings, planned).await?;
        Some((state, Some(private)))
    }

    async fn destroy<'a>(
        &self,
        _diags: &mut Diagnostics,
        _prior: Self::State<'a>,
        _private: Self::PrivateState<'a>,
        _meta: Self::ProviderMetaState<'a>,
    ) -> Option<()> {
        // Evidence is never deleted: destroy only forgets the resource.
        Some(())
    }

    async fn import<'a>(
        &self,
        diags: &mut Diagnostics,
        id: String,
    ) -> Option<(Self::State<'a>, Self::PrivateState<'a>)> {
        let (state, private, _) = Resource::import_identified(self, diags, id).await?;
        Some((state, private))
    }

    /// Import by id: the report at the location `id`; the identity is its qualification's.
    async fn import_identified<'a>(
        &self,
        diags: &mut Diagnostics,
        id: String,
    ) -> Option<(
        Self::State<'a>,
        Self::PrivateState<'a>,
        Option<IdentityData>,
    )> {
        let configured = self.configured(diags)?;
        match import::identified_from_report_location(&configured, &id).await {
            Ok((state, private, found)) => Some((state, Some(private), Some(found.data()))),
            Err(e) => {
                diags.root_error("Cannot import the qualification", format!("{e}\n\nImport takes the location of a filed report: s3://BUCKET/KEY.json or a local path."));
                None
            }
        }
    }

    /// Import by identity: the latest report of the identity's chain in the provider's
    /// evidence store, imported as import by id of its location would.
    async fn import_by_identity<'a>(
        &self,
        diags: &mut Diagnostics,
        given: IdentityData,
    ) -> Option<(
        Self::State<'a>,
        Self::PrivateState<'a>,
        Option<IdentityData>,
    )> {
        let wanted = identity::QualificationIdentity::from_given(diags, &given)?;
        let configured = self.configured(diags)?;
        match import::from_identity(&configured, &wanted).await {
            Ok((state, private, found)) => Some((state, Some(private), Some(found.data()))),
            Err(e) => {
                diags.root_error("Cannot import the qualification", format!("{e}\n\nImport by identity takes the qualification's latest report in the provider's evidence store; import by id takes the location of any filed report."));
                None
            }
        }
    }

    async fn upgrade<'a>(
        &self,
        diags: &mut Diagnostics,
        version: i64,
        prior_state: tf_provider::RawValue,
    ) -> Option<Self::State<'a>> {
        const WHAT: &str = "Cannot upgrade gxp_qualification state";
        let mut json: serde_json::Value = match &prior_state {
            tf_provider::RawValue::Json(bytes) => match serde_json::from_slice(bytes) {
                Ok(v) => v,
                Err(e) => {
                    diags.root_error(WHAT, format!("The prior state is not JSON: {e}"));
                    return None;
                }
            },
            tf_provider::RawValue::MessagePack(_) => {
                diags.root_error(WHAT, "A legacy (non-JSON) state cannot be upgraded.");
                return None;
            }
        };
        if version > schema::SCHEMA_VERSION {
            diags.root_error(
                WHAT,
                format!("The state has schema version {version}, newer than this provider's {}: use a newer provider.", schema::SCHEMA_VERSION),
            );
            return None;
        }
        if version < 2 {
            state::upgrade_results_list(&mut json);
        }
        if version < 3 {
            state::upgrade_results_in_state(&mut json);
        }
        match serde_json::from_value::<QualificationState>(json) {
            Ok(state) => Some(state),
            Err(e) => {
                diags.root_error(WHAT, e.to_string());
                None
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A minimal canonical document with one bucket and `params` on it.
    fn document(params: &str) -> String {
        format!(
            r#"{{"format":"gxp.spec/v1","spec":{{"approval":{{"approved_at":"2026-05-01","approved_by":"qa","change_reference":"CR-1"}},"name":"lims-prod","requirements":[],"resources":[{{"check_parameters":{params},"checks":["s3.object_lock"],"identifier":"lims-data","key":"data","requirements":[],"type":"AWS::S3::Bucket"}}],"stacks":[],"suppressions":[],"system":{{"application_id":"lims","environment":"prod"}},"version":"1"}}}}"#
        )
    }

    fn diagnostics(doc: &str) -> Diagnostics {
        let cfg = QualificationState {
            spec_document: Value::Value(doc.to_string()),
            spec_digest: Value::Value(gxp_core::util::sha256_hex(doc.as_bytes())),
            ..Default::default()
        };
        let mut diags = Diagnostics::default();
        validate_config(&mut diags, &cfg);
        diags
    }

    #[test]
    fn dot_names_are_refused_at_plan_with_the_attribute_path() {
        for name in [".", ".."] {
            let cfg = QualificationState {
                name: Value::Value(name.into()),
                ..Default::default()
            };
            let mut diags = Diagnostics::default();
            validate_config(&mut diags, &cfg);
            assert_eq!(diags.errors.len(), 1, "{:?}", diags.errors);
            assert_eq!(diags.errors[0].summary, "Invalid qualification name");
            assert_eq!(diags.errors[0].attribute, AttributePath::new("name"));
        }
        let cfg = QualificationState {
            name: Value::Value("lims-prod".into()),
            ..Default::default()
        };
        let mut diags = Diagnostics::default();
        validate_config(&mut diags, &cfg);
        assert!(diags.errors.is_empty(), "{:?}", diags.errors);
    }

    #[test]
    fn a_document_with_an_unparsable_parameter_is_refused_at_plan() {
        let diags = diagnostics(&document(
            r#"{"s3.object_lock.min_retention_days":"2555d"}"#,
        ));
        assert_eq!(diags.errors.len(), 1, "{:?}", diags.errors);
        let e = &diags.errors[0];
        assert_eq!(e.summary, "Invalid check parameter value");
        assert_eq!(e.attribute, AttributePath::new("spec_document"));
        assert!(
            e.detail.contains("Resource `data`")
                && e.detail
                    .contains("`s3.object_lock.min_retention_days` = \"2555d\"")
                && e.detail
                    .contains("expected a whole number of days from 1 to 36500"),
            "{}",
            e.detail
        );
        let ok = diagnostics(&document(r#"{"s3.object_lock.min_retention_days":"2555"}"#));
        assert!(ok.errors.is_empty(), "{:?}", ok.errors);
    }

    fn with_discovery(exclude_checks: StrList) -> QualificationState {
        with_enumeration(exclude_checks, Value::Null)
    }

    fn with_enumeration(exclude_checks: StrList, enumerate_types: StrList) -> QualificationState {
        QualificationState {
            discovery: Value::Value(vec![state::DiscoveryConfig {
                tags: Value::Value([("gxp:app".to_string(), Value::Value("lims".into()))].into()),
                exclude_checks,
                enumerate_types,
            }]),
            ..Default::default()
        }
    }

    #[test]
    fn types_to_enumerate_must_be_types_the_tagging_api_misses() {
        let path = AttributePath::new("discovery")
            .index(0)
            .attribute("enumerate_types");
        let errors = |types: &[&str]| {
            let mut diags = Diagnostics::default();
            validate_config(&mut diags, &with_enumeration(Value::Null, strings(types)));
            diags.errors
        };
        assert!(errors(&["AWS::Config::DeliveryChannel"]).is_empty());
        assert!(errors(&[]).is_empty());
        let mut diags = Diagnostics::default();
        validate_config(&mut diags, &with_enumeration(Value::Null, Value::Unknown));
        validate_config(
            &mut diags,
            &with_enumeration(Value::Null, Value::Value(vec![Value::Unknown])),
        );
        assert!(diags.errors.is_empty(), "{:?}", diags.errors);
        for (ty, says) in [
            ("AWS::Foo::Bar", "not a type the provider observes"),
            ("AWS::S3::Bucket", "already found by tags"),
            (
                "AWS::Config::ConfigurationRecorder",
                "already found by tags",
            ),
            ("AWS::::Account", "expected_account"),
            ("", "empty type"),
        ] {
            let errs = errors(&["AWS::Config::DeliveryChannel", ty]);
            assert_eq!(errs.len(), 1, "{ty}: {errs:?}");
            assert_eq!(errs[0].summary, "Invalid type to enumerate");
            assert_eq!(errs[0].attribute, path, "{ty}");
            assert!(errs[0].detail.contains(says), "{ty}: {}", errs[0].detail);
            if !ty.is_empty() {
                assert!(
                    errs[0].detail.contains(&format!("`{ty}`")),
                    "{}",
                    errs[0].detail
                );
            }
        }
        assert_eq!(
            errors(&["AWS::A::B", "AWS::C::D"]).len(),
            2,
            "one error per type"
        );

        // A type without tags needs no tag to filter on.
        let mut untagged =
            with_enumeration(Value::Null, strings(&["AWS::Config::DeliveryChannel"]));
        if let Value::Value(blocks) = &mut untagged.discovery {
            blocks[0].tags = Value::Value(Default::default());
        }
        let mut diags = Diagnostics::default();
        validate_config(&mut diags, &untagged);
        assert!(diags.errors.is_empty(), "{:?}", diags.errors);
    }

    #[test]
    fn checks_of_enumerated_types_can_be_excluded_in_the_same_block() {
        let exclude_path = AttributePath::new("discovery")
            .index(0)
            .attribute("exclude_checks");
        let channel = strings(&["config.delivery_channel"]);
        let mut diags = Diagnostics::default();
        validate_config(
            &mut diags,
            &with_enumeration(channel.clone(), strings(&["AWS::Config::DeliveryChannel"])),
        );
        assert!(diags.errors.is_empty(), "{:?}", diags.errors);
        let mut diags = Diagnostics::default();
        validate_config(&mut diags, &with_enumeration(channel, Value::Null));
        assert_eq!(diags.errors.len(), 1, "{:?}", diags.errors);
        assert_eq!(diags.errors[0].attribute, exclude_path);
        // No discovered target is ever the account: its checks cannot be excluded.
        let mut diags = Diagnostics::default();
        validate_config(&mut diags, &with_discovery(strings(&["iam.root_mfa"])));
        assert_eq!(diags.errors.len(), 1, "{:?}", diags.errors);
        assert!(diags.errors[0].detail.contains("`iam.root_mfa`"));
    }

    #[test]
    fn changed_enumerate_types_are_a_scope_change_and_reach_the_run() {
        let private = Private::default();
        let scope = "qualification scope changed: discovery enumerate_types".to_string();
        let reasons = |prior: &QualificationState, proposed: &QualificationState| {
            plan_reasons(prior, &private, proposed)
        };
        let none = with_enumeration(Value::Null, Value::Null);
        let empty = with_enumeration(Value::Null, strings(&[]));
        let channel = with_enumeration(Value::Null, strings(&["AWS::Config::DeliveryChannel"]));
        assert!(
            !reasons(&none, &empty).contains(&scope),
            "null and empty are the same"
        );
        assert!(!reasons(&channel, &channel).contains(&scope));
        assert!(reasons(&none, &channel).contains(&scope));
        assert!(reasons(&channel, &none).contains(&scope));
        assert!(!reasons(&QualificationState::default(), &none).contains(&scope));
        assert!(
            !reasons(&channel, &with_enumeration(Value::Null, Value::Unknown)).contains(&scope)
        );
        assert_eq!(
            run_settings(&channel, None, None, None).discovery_enumerate_types,
            ["AWS::Config::DeliveryChannel".to_string()].into()
        );
        assert!(run_settings(&none, None, None, None)
            .discovery_enumerate_types
            .is_empty());
    }

    #[test]
    fn excluded_discovery_checks_must_be_checks_discovered_resources_get() {
        let exclude_path = AttributePath::new("discovery")
            .index(0)
            .attribute("exclude_checks");
        let errors = |ids: &[&str]| {
            let mut diags = Diagnostics::default();
            validate_config(&mut diags, &with_discovery(strings(ids)));
            diags.errors
        };
        assert!(errors(&["backup.resource_protected", "s3.versioning"]).is_empty());
        assert!(errors(&[]).is_empty());
        let mut diags = Diagnostics::default();
        validate_config(&mut diags, &with_discovery(Value::Null));
        validate_config(&mut diags, &with_discovery(Value::Unknown));
        validate_config(
            &mut diags,
            &with_discovery(Value::Value(vec![Value::Unknown])),
        );
        assert!(diags.errors.is_empty(), "{:?}", diags.errors);

        for (id, says) in [
            ("s3.versionning", "is not a check of the catalog"),
            ("iq.resource_exists", "is an IQ check"),
            ("config.delivery_channel", "tag-based discovery never finds"),
            ("", "empty check id"),
        ] {
            let errs = errors(&["s3.versioning", id]);
            assert_eq!(errs.len(), 1, "{id}: {errs:?}");
            assert_eq!(errs[0].summary, "Invalid check to exclude from discovery");
            assert_eq!(errs[0].attribute, exclude_path, "{id}");
            assert!(errs[0].detail.contains(says), "{id}: {}", errs[0].detail);
            if !id.is_empty() {
                assert!(
                    errs[0].detail.contains(&format!("`{id}`")),
                    "{}",
                    errs[0].detail
                );
            }
        }
        assert_eq!(errors(&["nope.a", "nope.b"]).len(), 2, "one error per id");
    }

    #[test]
    fn a_changed_exclude_checks_is_a_scope_change_and_reaches_the_run() {
        let private = Private::default();
        let scope = "qualification scope changed: discovery exclude_checks".to_string();
        let reasons = |prior: &QualificationState, proposed: &QualificationState| {
            plan_reasons(prior, &private, proposed)
        };
        let none = with_discovery(Value::Null);
        let empty = with_discovery(strings(&[]));
        let backup = with_discovery(strings(&["backup.resource_protected"]));
        let both = with_discovery(strings(&["s3.versioning", "backup.resource_protected"]));
        let reordered = with_discovery(strings(&["backup.resource_protected", "s3.versioning"]));
        assert!(
            !reasons(&none, &empty).contains(&scope),
            "null and empty are the same"
        );
        assert!(!reasons(&backup, &backup).contains(&scope));
        assert!(
            !reasons(&both, &reordered).contains(&scope),
            "a set: order is no change"
        );
        assert!(reasons(&none, &backup).contains(&scope));
        assert!(reasons(&backup, &none).contains(&scope));
        assert!(reasons(&backup, &both).contains(&scope));
        // A state without a discovery block (an older provider's) and no exclusions: no change.
        assert!(!reasons(&QualificationState::default(), &none).contains(&scope));
        // Unknown until apply: no reason claimed at plan.
        assert!(!reasons(&backup, &with_discovery(Value::Unknown)).contains(&scope));

        let settings = run_settings(&both, None, None, None);
        assert_eq!(
            settings.discovery_exclude_checks,
            ["backup.resource_protected", "s3.versioning"]
                .into_iter()
                .map(String::from)
                .collect::<BTreeSet<_>>()
        );
        assert!(run_settings(&none, None, None, None)
            .discovery_exclude_checks
            .is_empty());
    }
}
