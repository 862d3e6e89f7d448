//! Qualification: observe, evaluate, report, file — the run behind `gxp_qualification`,
//! independent of Terraform. [`apply_run`] runs a qualification, [`refresh`] compares what a
//! previous one observed with the live state; callers turn their [`Message`]s into
//! diagnostics.

pub mod assemble;
pub mod drift;
pub mod filing;
pub mod import;
pub mod notify;
pub mod reasons;
pub mod run;
pub mod snapshot;

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::aws::AwsContext;
use crate::catalog::Stage;
use crate::evidence::spool::Spool;
use crate::evidence::{report_key, StoreError};
use crate::report::{self, *};
use crate::spec::canonical::from_canonical_json;
use crate::util::{now_utc, rfc3339, sha256_hex};

/// How serious a [`Message`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Severity {
    Warning,
    Error,
}

/// A problem or notice of a run, for the person who started it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    pub severity: Severity,
    pub summary: String,
    pub detail: String,
}

/// Labels printed on reports instead of the specification's application and environment.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ReportLabels {
    pub application: Option<String>,
    pub environment: Option<String>,
}

/// Where a run happens: AWS access and what the report records about the caller.
#[derive(Debug, Clone)]
pub struct RunContext<'a> {
    pub aws: &'a AwsContext,
    pub labels: ReportLabels,
    /// Version of the tool that runs the qualification (the provider), recorded in the report.
    pub provider_version: String,
    /// Version of Terraform (or OpenTofu) that drives it, recorded in the report.
    pub terraform_version: String,
}

/// What a finished run produced.
#[derive(Debug, Clone)]
pub struct Completed {
    /// The report as filed (or spooled).
    pub report: Report,
    pub report_sha256: String,
    /// Where the report is: its store location, or its spool path when it could not be filed.
    pub location: String,
    /// The report's sequence in its chain.
    pub sequence: i64,
    /// When the run finished (RFC 3339).
    pub qualified_at: String,
    /// Digest of the specification qualified.
    pub spec_digest: String,
    /// What was observed: the baseline of the next refresh.
    pub snapshot: snapshot::Snapshot,
    /// [`snapshot::Snapshot::fingerprint`] of `snapshot`.
    pub fingerprint: String,
    /// Whether failures make the run fail.
    pub enforce: bool,
}

impl Completed {
    /// Whether the run must be reported as failed: `enforce` and not every check passed.
    pub fn enforced_failure(&self) -> bool {
        self.enforce && self.report.summary.status != crate::checks::Status::Passed
    }
}

/// The outcome of [`apply_run`]: its messages, in order, and what it produced when it ran.
#[derive(Debug, Clone, Default)]
pub struct RunOutcome {
    pub messages: Vec<Message>,
    /// `None` when the run did not start (nothing was checked or filed).
    pub completed: Option<Completed>,
}

impl RunOutcome {
    fn error(&mut self, summary: impl Into<String>, detail: impl Into<String>) {
        self.messages.push(Message {
            severity: Severity::Error,
            summary: summary.into(),
            detail: detail.into(),
        });
    }

    fn warning(&mut self, summary: impl Into<String>, detail: impl Into<String>) {
        self.messages.push(Message {
            severity: Severity::Warning,
            summary: summary.into(),
            detail: detail.into(),
        });
    }
}

/// What refresh found since the qualification, kept until the next run.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq)]
pub struct Findings {
    pub drift: Vec<DriftItem>,
    /// (stack, last update now, last update at qualification).
    pub updated_stacks: Vec<(String, String, String)>,
    pub spooled_reports: usize,
}

/// What one run needs from configuration and prior state.
#[derive(Debug, Clone)]
pub struct RunSettings {
    pub name: String,
    pub spec_document: String,
    pub spec_digest: String,
    pub stages: Vec<Stage>,
    pub discovery_tags: BTreeMap<String, String>,
    pub concurrency: usize,
    pub enforce: bool,
    pub reasons: Vec<String>,
    pub configuration_commit: Option<String>,
    pub spool_directory: String,
    /// The resource's own store (`evidence_store` block), if it names one.
    pub evidence_store: Option<filing::StoreSettings>,
    /// The provider's default store, if it names one.
    pub default_store: Option<filing::StoreSettings>,
    pub previous_report_sha256: Option<String>,
    pub sequence: i64,
    /// Continue the chain of the reports already filed (or spooled) for this qualification
    /// in its store instead of `sequence` and `previous_report_sha256`: a new or replaced
    /// resource, which has no prior state.
    pub continue_chain: bool,
    /// Formats filed beside the JSON report.
    pub report_formats: Vec<String>,
    /// KMS key that signs the report digest.
    pub signing_key_id: Option<String>,
    /// SNS topic notified after the run.
    pub notify_topic_arn: Option<String>,
    /// What the previous qualification observed (private state), for the report's drift.
    pub previous_snapshot: Option<snapshot::Snapshot>,
}

/// A fresh, unique report id: UTC time plus a short hash.
pub fn new_report_id(name: &str, at: time::OffsetDateTime) -> String {
    let stamp = at
        .format(time::macros::format_description!(
            "[year][month][day]T[hour][minute][second]Z"
        ))
        .unwrap_or_default();
    let entropy = format!(
        "{name}|{}|{}",
        at.unix_timestamp_nanos(),
        std::process::id()
    );
    format!("{stamp}-{}", &sha256_hex(entropy.as_bytes())[..8])
}

/// Spool ids carry the qualification name so refresh can count a qualification's own.
pub fn spool_id(name: &str, report_id: &str) -> String {
    format!("{}--{report_id}", crate::evidence::sanitize(name))
}

/// Run a qualification: settle the spool, find where the report chain continues, observe,
/// evaluate, assemble the report, file it (or spool it), notify. Problems are returned as
/// [`Message`]s beside the result; a run that could not start has no [`Completed`] part.
pub async fn apply_run(ctx: &RunContext<'_>, mut s: RunSettings) -> RunOutcome {
    let aws = ctx.aws;
    let mut out = RunOutcome::default();
    if sha256_hex(s.spec_document.as_bytes()) != s.spec_digest {
        out.error(
            "Specification digest mismatch",
            "`spec_digest` is not the SHA-256 of `spec_document`.",
        );
        return out;
    }
    let spec = match from_canonical_json(&s.spec_document) {
        Ok(spec) => spec,
        Err(e) => {
            out.error("Invalid specification document", e);
            return out;
        }
    };
    let store_settings = match filing::choose(s.evidence_store.take(), s.default_store.take()) {
        Ok(x) => x,
        Err(e) => {
            out.error("No evidence store", e);
            return out;
        }
    };
    let store = filing::open(aws, &store_settings.choice);
    let spool = Spool::new(&s.spool_directory);
    // The store is checked before anything is filed in it, spooled reports included: a store
    // this run may not file in keeps them in the spool.
    let (protection, refused) = match store.protection().await {
        Ok(p)
            if filing::acceptable(&store_settings.choice, &p, store_settings.allow_unprotected) =>
        {
            (p, None)
        }
        Ok(p) => {
            let why = format!("{} — versioning and Object Lock are required (set allow_unprotected_store = true to accept it)", p.summary);
            (
                p,
                Some(StoreError::Unprotected {
                    store: store.describe(),
                    why,
                }),
            )
        }
        Err(e) => (
            crate::evidence::Protection {
                summary: format!("unknown: {e}"),
                ..Default::default()
            },
            Some(e),
        ),
    };

    match filing::drain_spool(store.as_ref(), &spool, refused.as_ref()).await {
        Ok(0) => {}
        Ok(n) => out.warning(
            format!("Filed {n} spooled report(s)"),
            format!(
                "Reports kept in {} after an earlier filing failure are now in {}.",
                s.spool_directory,
                store.describe()
            ),
        ),
        Err(e) => out.warning("Spooled reports are still waiting", e),
    }

    let application = ctx
        .labels
        .application
        .clone()
        .unwrap_or_else(|| spec.system.application_id.clone());
    let environment = ctx
        .labels
        .environment
        .clone()
        .unwrap_or_else(|| spec.system.environment.clone());
    // Where the chain continues is settled before any check runs: a run whose report could
    // not be chained is not started.
    if s.continue_chain {
        // A new (or replaced) qualification continues the chain of its reports already in
        // the store or spooled for it, so a report never claims a sequence twice.
        match filing::chain_head(
            store.as_ref(),
            &spool,
            &s.name,
            &application,
            &environment,
            refused.as_ref(),
        )
        .await
        {
            Ok((head, unread)) => {
                if let Some(why) = unread {
                    out.warning(
                        "The report chain was read from the spool only",
                        format!("{why}\n\nThis run's report will be spooled; it continues the chain of the reports spooled for {}.", store.describe()),
                    );
                }
                s.sequence = head.as_ref().map_or(1, |h| h.sequence + 1);
                s.previous_report_sha256 = head.map(|h| h.sha256);
            }
            Err(e) => {
                out.error(
                    "The report chain could not be read",
                    format!("{e}\n\nThe report of qualification `{}` must continue the chain of its reports in {}, so no check was run and nothing was filed. Allow listing and reading the store's reports, then apply again.", s.name, store.describe()),
                );
                return out;
            }
        }
    }
    let clock = std::time::Instant::now();
    let started = now_utc();
    let observed = run::observe_all(aws, &spec, &s.discovery_tags, s.concurrency).await;
    let finished = now_utc();

    let mut results = Vec::new();
    for (t, o) in &observed.targets {
        results.extend(assemble::target_results(t, o, &s.stages));
    }
    for expected in &spec.stacks {
        if let Some(obs) = observed.stacks.iter().find(|o| o.name == expected.name) {
            results.extend(assemble::stack_results(expected, obs, &s.stages));
        }
    }
    let suppressions = assemble::apply_suppressions(&mut results, &spec.suppressions, finished);
    // After the suppressions: a failed discovery or an empty run cannot be suppressed.
    let scope = assemble::scope_results(
        &spec,
        &s.discovery_tags,
        &observed.discovery,
        &results,
        &s.stages,
    );
    results.extend(scope);
    let summary = Summary::of(&results);

    // The snapshot is taken now; the observations then move into the report (no copies:
    // they are the largest part of a qualification's memory).
    let snapshot = observed.snapshot(&s.discovery_tags);
    // Drift since the previous qualification is recorded in this run's report; this run's
    // snapshot becomes the baseline, so the state reports no pending drift after it.
    let drift_since_previous = s
        .previous_snapshot
        .as_ref()
        .map(|previous| drift::since_previous(previous, &snapshot))
        .unwrap_or_default();
    let (targets, observations): (Vec<_>, Vec<_>) = observed.targets.into_iter().unzip();
    let report_id = new_report_id(&s.name, finished);
    let date = finished.date().to_string();
    let key = report_key(
        &application,
        &environment,
        &date,
        &s.name,
        &report_id,
        "json",
    );
    let location = store.location_of(&key);
    let report = Report {
        format: report::REPORT_FORMAT.into(),
        report_id: report_id.clone(),
        qualification: QualificationInfo {
            name: s.name.clone(),
            stages: s.stages.clone(),
            enforce: s.enforce,
            reasons: s.reasons.clone(),
            sequence: s.sequence,
            discovery_tags: s.discovery_tags.clone(),
        },
        spec: SpecInfo {
            name: spec.name.clone(),
            version: spec.version.clone(),
            digest: s.spec_digest.clone(),
            approval: spec.approval.clone(),
        },
        system: SystemInfo {
            application,
            environment,
            gamp_category: spec.system.gamp_category,
            risk_class: spec.system.risk_class.clone(),
        },
        run: RunInfo {
            started_at: rfc3339(started),
            finished_at: rfc3339(finished),
            caller_arn: aws.identity.arn.clone(),
            account: aws.identity.account.clone(),
            region: aws.region(),
            provider_version: ctx.provider_version.clone(),
            terraform_version: ctx.terraform_version.clone(),
            configuration_commit: s.configuration_commit.clone(),
        },
        evidence_store: StoreInfo {
            location: location.clone(),
            protected: protection.is_protected(),
            protection: protection.summary.clone(),
            unprotected_store_allowed: store_settings.allow_unprotected
                && !protection.is_protected(),
        },
        stacks: observed.stacks,
        traceability: assemble::traceability(&spec, &results, &location),
        results,
        summary: summary.clone(),
        suppressions,
        drift: drift_since_previous,
        previous_report_sha256: s.previous_report_sha256.clone(),
        targets,
        observations,
        notes: observed.notes,
    };
    let bytes = report::canonical_bytes(&report);
    let sha = sha256_hex(&bytes);
    let file_name = key.rsplit('/').next().unwrap_or(&key).to_string();
    let mut files = vec![
        (key.clone(), bytes, "application/json".to_string()),
        (
            format!("{key}.sha256"),
            format!("{sha}  {file_name}\n").into_bytes(),
            "text/plain".to_string(),
        ),
    ];
    let base = key.strip_suffix(".json").unwrap_or(&key).to_string();
    for name in s.report_formats.iter().filter(|f| f.as_str() != "json") {
        let rendered = crate::report::formats::Format::parse(name)
            .and_then(|f| crate::report::formats::render(&report, f).map(|bytes| (f, bytes)));
        match rendered {
            Ok((f, bytes)) => files.push((
                format!("{base}.{}", f.extension()),
                bytes,
                f.content_type().to_string(),
            )),
            Err(e) => out.error(format!("The {name} report could not be rendered"), e),
        }
    }
    if let Some(key_id) = &s.signing_key_id {
        match crate::integrity::sign::sign(aws, key_id, &sha).await {
            Ok(sig) => files.push((crate::integrity::signature_key(&key), sig.to_bytes(), "application/json".to_string())),
            Err(e) => out.error(
                "The report could not be signed",
                format!("KMS Sign with {key_id}: {e}\n\nThe report is filed unsigned; fix the key or its permissions and requalify."),
            ),
        }
    }
    let filed_at = match filing::file_or_spool(
        store.as_ref(),
        &spool,
        &spool_id(&s.name, &report_id),
        files,
        refused,
    )
    .await
    {
        Ok(loc) => loc,
        Err((spool_path, why)) => {
            out.error(
                "Evidence could not be filed",
                format!("{why}\n\nThe report ({} checks, status {}) is kept in the local spool at {spool_path}; the next apply files it first.", summary.total, summary.status.as_str()),
            );
            spool_path
        }
    };

    if let Some(topic) = &s.notify_topic_arn {
        if let Err(e) = notify::publish(aws, topic, &report, &filed_at, &sha).await {
            out.warning(
                "The qualification notification was not sent",
                format!("SNS Publish to {topic}: {e}"),
            );
        }
    }

    crate::util::bench_log("apply", clock);
    out.completed = Some(Completed {
        fingerprint: snapshot.fingerprint(),
        snapshot,
        report,
        report_sha256: sha,
        location: filed_at,
        sequence: s.sequence,
        qualified_at: rfc3339(finished),
        spec_digest: s.spec_digest,
        enforce: s.enforce,
    });
    out
}

/// Reports of qualification `name` waiting in the spool.
pub fn spooled_count(spool_directory: &str, name: &str) -> usize {
    let prefix = format!("{}--", crate::evidence::sanitize(name));
    Spool::new(spool_directory)
        .pending()
        .0
        .iter()
        .filter(|f| f.id.starts_with(&prefix))
        .count()
}

/// What refresh found.
#[derive(Debug, Clone, Default)]
pub struct Refreshed {
    pub drift: Vec<DriftItem>,
    pub updated_stacks: Vec<(String, String, String)>,
    pub spooled_reports: usize,
    pub fingerprint: String,
}

impl Refreshed {
    /// What the qualification keeps of it until the next run.
    pub fn findings(&self) -> Findings {
        Findings {
            drift: self.drift.clone(),
            updated_stacks: self.updated_stacks.clone(),
            spooled_reports: self.spooled_reports,
        }
    }
}

/// Re-observe what the last qualification observed and compare.
pub async fn refresh(
    aws: &crate::aws::AwsContext,
    qualified: &snapshot::Snapshot,
    concurrency: usize,
    spool_directory: &str,
    name: &str,
) -> Result<Refreshed, String> {
    let clock = std::time::Instant::now();
    let current = run::observe_snapshot(aws, qualified, concurrency).await?;
    let prefix = format!("{}--", crate::evidence::sanitize(name));
    let spooled_reports = Spool::new(spool_directory)
        .pending()
        .0
        .iter()
        .filter(|f| f.id.starts_with(&prefix))
        .count();
    let found = Refreshed {
        drift: drift::drift(qualified, &current),
        updated_stacks: drift::updated_stacks(qualified, &current),
        spooled_reports,
        fingerprint: current.fingerprint(),
    };
    crate::util::bench_log("refresh", clock);
    Ok(found)
}
