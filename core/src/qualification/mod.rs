//! Qualification: the run behind `gxp_qualification`, independent of Terraform.
//!
//! [`apply_run`] is a pipeline of phases, each a module with its own input and output types,
//! each testable alone:
//!
//! | Phase | Module | In | Out |
//! |---|---|---|---|
//! | prepare | [`prepare`] | [`RunSettings`] | [`prepare::Prepared`]: specification, store settings |
//! | approve | [`approve`] | specification, trust list, `required_signatures` | [`approve::Approved`]: verified signatures; a policy not met stops the run |
//! | settle the spool | [`settle`] | store settings, spool | [`settle::Settled`]: open store, protection, what still waits |
//! | find the chain head | [`chain`] (over [`crate::integrity::head`]) | settled store, chain | tentative [`Place`]: sequence, previous SHA-256 |
//! | observe | [`observe`] | specification, discovery tags | [`observe::Observed`] |
//! | evaluate | [`evaluate`] | specification, observations, stages, clock | [`evaluate::Evaluated`]: results, suppressions |
//! | assemble the report | [`assemble`] | [`assemble::RunRecord`], results, observations | [`crate::report::Report`] |
//! | file it | [`filing`] (over [`crate::integrity::sequence`]) | settled store, report, tentative place, formats, signing key | [`filing::Filing`]: SHA-256, location; the report at its claimed place |
//! | notify | [`notify`] | report, filing | SNS message |
//!
//! [`refresh`] compares what a previous run observed with the live state ([`drift`]);
//! [`reasons`] says why a qualification is due; [`import`] reads a filed report back;
//! [`requalify`] tells, from the latest filed report and the live state, whether a
//! qualification is still valid without running it. [`progress`] reports how far a long run
//! (or refresh) is to a sink the caller gives.
//! Callers turn the run's [`Message`]s into diagnostics.

pub mod approve;
pub mod assemble;
pub mod chain;
pub mod drift;
pub mod evaluate;
pub mod filing;
pub mod import;
pub mod notify;
pub mod observe;
pub mod prepare;
pub mod progress;
pub mod reasons;
pub mod requalify;
pub mod settle;
pub mod snapshot;
#[cfg(test)]
mod test_results;

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use crate::aws::AwsContext;
use crate::catalog::Stage;
use crate::evidence::report_key;
use crate::evidence::spool::Spool;
use crate::integrity::sequence::{ChainId, Place};
use crate::report::*;
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

impl Message {
    /// An error: the run failed, or part of it did.
    pub fn error(summary: impl Into<String>, detail: impl Into<String>) -> Message {
        Message {
            severity: Severity::Error,
            summary: summary.into(),
            detail: detail.into(),
        }
    }

    /// A warning: the run went on.
    pub fn warning(summary: impl Into<String>, detail: impl Into<String>) -> Message {
        Message {
            severity: Severity::Warning,
            summary: summary.into(),
            detail: detail.into(),
        }
    }
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
    /// Who may sign specifications (the provider's `electronic_signatures`), if configured.
    pub signer_trust: Option<&'a crate::approval::SignerTrust>,
    /// The SOUP of the working directory the run happens in (IQ), when the caller read it.
    pub soup: Option<crate::soup::SoupInventory>,
    /// Where the run reports its progress (targets observed, checks evaluated), if anywhere.
    pub progress: Option<progress::ProgressSink>,
}

/// What a finished run produced.
#[derive(Debug, Clone)]
pub struct Completed {
    /// The report as filed (or spooled).
    pub report: Report,
    pub report_sha256: String,
    /// Where the report is: its store location, or its spool path when it could not be filed.
    pub location: String,
    /// The report's sequence in its chain (the place it was given when filed).
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

/// What refresh found since the qualification, kept until the next run.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq)]
pub struct Findings {
    pub drift: Vec<DriftItem>,
    /// (stack, last update now, last update at qualification).
    pub updated_stacks: Vec<(String, String, String)>,
    pub spooled_reports: usize,
}

/// What one run needs from configuration and prior state.
#[derive(Debug, Clone, Default)]
pub struct RunSettings {
    pub name: String,
    pub spec_document: String,
    pub spec_digest: String,
    pub stages: Vec<Stage>,
    pub discovery_tags: BTreeMap<String, String>,
    /// Catalog checks discovered resources do not get (`discovery.exclude_checks`).
    pub discovery_exclude_checks: BTreeSet<String>,
    /// Types enumerated through their own service (`discovery.enumerate_types`).
    pub discovery_enumerate_types: BTreeSet<String>,
    pub concurrency: usize,
    pub enforce: bool,
    pub reasons: Vec<String>,
    pub configuration_commit: Option<String>,
    pub spool_directory: String,
    /// The resource's own store (`evidence_store` block), if it names one.
    pub evidence_store: Option<filing::StoreSettings>,
    /// The provider's default store, if it names one.
    pub default_store: Option<filing::StoreSettings>,
    /// The last report of this qualification as the prior state records it, and the sequence
    /// after it (1 without prior state). Only a report the store refuses anyway is sealed
    /// there, when the state's is later than the spool's; every run otherwise continues the
    /// chain as its store has it, and every report takes its place when it is filed.
    pub previous_report_sha256: Option<String>,
    pub sequence: i64,
    /// Formats filed beside the JSON report.
    pub report_formats: Vec<String>,
    /// KMS key that signs the report digest.
    pub signing_key_id: Option<String>,
    /// SNS topic notified after the run.
    pub notify_topic_arn: Option<String>,
    /// What the previous qualification observed (private state), for the report's drift.
    pub previous_snapshot: Option<snapshot::Snapshot>,
    /// The qualification's signature policy (merged with the specification's).
    pub required_signatures: Vec<String>,
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

/// Run a qualification: prepare, settle the spool, find the chain head, observe, evaluate,
/// assemble the report, file it (or spool it), notify. Problems are returned as
/// [`Message`]s beside the result; a run that could not start has no [`Completed`] part.
pub async fn apply_run(ctx: &RunContext<'_>, s: RunSettings) -> RunOutcome {
    let mut out = RunOutcome::default();
    let prepared = match prepare::prepare(&s) {
        Ok(p) => p,
        Err(m) => {
            out.messages.push(m);
            return out;
        }
    };
    let spec = prepared.spec;
    let approved = match approve::approve(
        Some(ctx.aws),
        ctx.signer_trust,
        &spec,
        &s.required_signatures,
    )
    .await
    {
        Ok(a) => a,
        Err(m) => {
            out.messages.push(m);
            return out;
        }
    };
    let spool = Spool::new(&s.spool_directory);

    let settled = settle::settle(ctx.aws, &prepared.store, &spool).await;
    out.messages.extend(settled.messages(&s.spool_directory));

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
    let chain_id = ChainId {
        qualification: s.name.clone(),
        application: application.clone(),
        environment: environment.clone(),
    };
    let prior = Place {
        sequence: s.sequence,
        previous_sha256: s.previous_report_sha256.clone(),
        not_before: None,
    };
    let tentative = match chain::place(&settled, &chain_id, prior).await {
        Ok(place) => place,
        Err(m) => {
            out.messages.push(m);
            return out;
        }
    };

    let clock = std::time::Instant::now();
    let started = now_utc();
    let reporter =
        progress::Reporter::new(ctx.progress.clone(), format!("qualification {}", s.name));
    let mut observed = observe::observe_all_reporting(
        ctx.aws,
        &spec,
        (
            &s.discovery_tags,
            &s.discovery_exclude_checks,
            &s.discovery_enumerate_types,
        ),
        s.concurrency,
        &reporter,
    )
    .await;
    if let Some(inv) = &ctx.soup {
        let note = crate::checks::iq::soup_locked::nothing_to_check_note(inv, spec.soup.is_some());
        observed.notes.extend(note);
    }
    observed.soup = ctx.soup.clone();
    let finished = now_utc();

    let evaluated = evaluate::evaluate(&spec, &observed, &s.stages, &s.discovery_tags, finished);
    reporter.evaluated(evaluated.results.len());

    // The snapshot is taken now; the observations then move into the report.
    let snapshot = observed.snapshot(
        &s.discovery_tags,
        &s.discovery_exclude_checks,
        &s.discovery_enumerate_types,
    );
    // Drift since the previous qualification is recorded in this run's report; this run's
    // snapshot becomes the baseline, so the state reports no pending drift after it.
    let drift = s
        .previous_snapshot
        .as_ref()
        .map(|previous| drift::since_previous(previous, &snapshot))
        .unwrap_or_default();
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
    let store = StoreInfo {
        location: settled.store.location_of(&key),
        protected: settled.protection.is_protected(),
        protection: settled.protection.summary.clone(),
        unprotected_store_allowed: settled.allow_unprotected && !settled.protection.is_protected(),
    };
    let clock_times = (rfc3339(started), rfc3339(finished));
    let record = run_record(
        ctx,
        &s,
        &spec,
        (application, environment),
        &tentative,
        clock_times,
        store,
        drift,
        &report_id,
    );
    let record = assemble::RunRecord { approved, ..record };
    let mut report = assemble::report(record, &spec, evaluated, observed);

    let companions = filing::Companions {
        formats: &s.report_formats,
        signing_key_id: s.signing_key_id.as_deref(),
    };
    let filing = filing::file_report(
        ctx.aws,
        settled,
        &spool,
        &spool_id(&s.name, &report_id),
        &mut report,
        &key,
        &tentative,
        &companions,
    )
    .await;
    out.messages.extend(filing.messages);

    if let Some(topic) = &s.notify_topic_arn {
        let sent = notify::publish(ctx.aws, topic, &report, &filing.location, &filing.sha256).await;
        if let Err(e) = sent {
            out.messages.push(Message::warning(
                "The qualification notification was not sent",
                format!("SNS Publish to {topic}: {e}"),
            ));
        }
    }
    crate::util::bench_log("apply", clock);
    out.completed = Some(Completed {
        fingerprint: snapshot.fingerprint(),
        snapshot,
        sequence: report.qualification.sequence,
        report,
        report_sha256: filing.sha256,
        location: filing.location,
        qualified_at: rfc3339(finished),
        spec_digest: s.spec_digest,
        enforce: s.enforce,
    });
    out
}

/// What the report records about this run.
#[allow(clippy::too_many_arguments)]
fn run_record(
    ctx: &RunContext<'_>,
    s: &RunSettings,
    spec: &crate::spec::model::Spec,
    (application, environment): (String, String),
    place: &Place,
    (started_at, finished_at): (String, String),
    evidence_store: StoreInfo,
    drift: Vec<DriftItem>,
    report_id: &str,
) -> assemble::RunRecord {
    assemble::RunRecord {
        report_id: report_id.to_string(),
        qualification: QualificationInfo {
            name: s.name.clone(),
            stages: s.stages.clone(),
            enforce: s.enforce,
            reasons: s.reasons.clone(),
            sequence: place.sequence,
            sequenced_at: None,
            discovery_tags: s.discovery_tags.clone(),
            discovery_exclude_checks: s.discovery_exclude_checks.clone(),
            discovery_enumerate_types: s.discovery_enumerate_types.clone(),
        },
        spec_digest: s.spec_digest.clone(),
        system: SystemInfo {
            application,
            environment,
            gamp_category: spec.system.gamp_category,
            risk_class: spec.system.risk_class.clone(),
        },
        run: RunInfo {
            started_at,
            finished_at,
            caller_arn: ctx.aws.identity.arn.clone(),
            account: ctx.aws.identity.account.clone(),
            region: ctx.aws.region(),
            provider_version: ctx.provider_version.clone(),
            terraform_version: ctx.terraform_version.clone(),
            configuration_commit: s.configuration_commit.clone(),
        },
        evidence_store,
        drift,
        previous_report_sha256: place.previous_sha256.clone(),
        approved: Default::default(),
    }
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

/// Re-observe what the last qualification observed and compare, reporting the targets
/// observed to `progress`.
pub async fn refresh(
    aws: &crate::aws::AwsContext,
    qualified: &snapshot::Snapshot,
    concurrency: usize,
    spool_directory: &str,
    name: &str,
    progress: Option<progress::ProgressSink>,
) -> Result<Refreshed, String> {
    let clock = std::time::Instant::now();
    let reporter = progress::Reporter::new(progress, format!("refresh of qualification {name}"));
    let current =
        observe::observe_snapshot_reporting(aws, qualified, concurrency, &reporter).await?;
    let spooled_reports = spooled_count(spool_directory, name);
    let found = Refreshed {
        drift: drift::drift(qualified, &current),
        updated_stacks: drift::updated_stacks(qualified, &current),
        spooled_reports,
        fingerprint: current.fingerprint(),
    };
    crate::util::bench_log("refresh", clock);
    Ok(found)
}
