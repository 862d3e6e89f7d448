//! Qualification: observe, evaluate, report, file. The Terraform resource is a thin layer
//! over [`apply_run`], [`refresh`] and [`import`]; the phases are in
//! [`gxp_core::qualification`].

pub mod import;

use gxp_core::qualification::sequence::{ChainId, Place};
use gxp_core::qualification::{assemble, drift, filing, notify, run, snapshot};
use gxp_core::report::formats::Format;

use std::collections::BTreeMap;

use tf_provider::value::Value;
use tf_provider::Diagnostics;

use crate::provider::config::EvidenceStoreConfig;
use crate::provider::shared::EvidenceStoreDefaults;
use crate::provider::Configured;
use crate::resources::qualification::state::{results_map, Findings, Private, QualificationState};
use gxp_core::catalog::Stage;
use gxp_core::checks::Status;
use gxp_core::evidence::spool::Spool;
use gxp_core::evidence::{report_key, StoreError};
use gxp_core::report::{self, *};
use gxp_core::spec::canonical::from_canonical_json;
use gxp_core::util::{now_utc, rfc3339, sha256_hex};

/// At most this many per-check diagnostics; the rest are summarised.
pub const MAX_CHECK_DIAGNOSTICS: usize = 50;

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
    pub evidence_store: Option<EvidenceStoreConfig>,
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
    format!("{}--{report_id}", gxp_core::evidence::sanitize(name))
}

/// Run a qualification and build the resulting state. Errors (failed checks with `enforce`,
/// filing failures) are reported as diagnostics alongside the returned state, so the
/// state records the failed run.
pub async fn apply_run(
    diags: &mut Diagnostics,
    configured: &Configured,
    s: RunSettings,
    planned: QualificationState,
) -> Option<(QualificationState, Private)> {
    let Some(aws) = configured.aws.as_ref() else {
        diags.root_error(
            "The gxp provider configuration is not known yet",
            "Provider values depend on resources not yet created; apply those first.",
        );
        return None;
    };
    if sha256_hex(s.spec_document.as_bytes()) != s.spec_digest {
        diags.root_error(
            "Specification digest mismatch",
            "`spec_digest` is not the SHA-256 of `spec_document`.",
        );
        return None;
    }
    let spec = match from_canonical_json(&s.spec_document) {
        Ok(spec) => spec,
        Err(e) => {
            diags.root_error("Invalid specification document", e);
            return None;
        }
    };
    let store_settings = match choose_store(s.evidence_store.as_ref(), &configured.evidence_store) {
        Ok(x) => x,
        Err(e) => {
            diags.root_error("No evidence store", e);
            return None;
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
            gxp_core::evidence::Protection {
                summary: format!("unknown: {e}"),
                ..Default::default()
            },
            Some(e),
        ),
    };

    let drained = filing::drain_spool(store.as_ref(), &spool, refused.as_ref(), Some(aws)).await;
    if drained.filed > 0 {
        let mut detail = format!(
            "Reports kept in {} after an earlier filing failure are now in {}.",
            s.spool_directory,
            store.describe()
        );
        if !drained.moved.is_empty() {
            detail.push_str(&format!(
                "\n\nTheir chain had moved on while they waited, so they took the next free places (each says so in its notes):\n  {}",
                drained.moved.join("\n  ")
            ));
        }
        diags.root_warning(format!("Filed {} spooled report(s)", drained.filed), detail);
    }
    for (summary, detail) in drained.problems {
        diags.root_error(summary, detail);
    }
    if let Some(why) = drained.waiting {
        diags.root_warning("Spooled reports are still waiting", why);
    }

    let application = configured
        .labels
        .application
        .clone()
        .unwrap_or_else(|| spec.system.application_id.clone());
    let environment = configured
        .labels
        .environment
        .clone()
        .unwrap_or_else(|| spec.system.environment.clone());
    // Where the chain continues is read before any check runs: a run whose report could not
    // take its place in the chain is not started. The report is sealed there for now; its
    // place is claimed when it is filed (a concurrent writer of the same name may take this
    // one meanwhile, and the report then takes the next).
    let chain = ChainId {
        qualification: s.name.clone(),
        application: application.clone(),
        environment: environment.clone(),
    };
    let tentative = match filing::chain_head(store.as_ref(), &spool, &chain, refused.as_ref()).await
    {
        Ok((head, None)) => Place::after(head.as_ref()),
        // The store refuses this run's report anyway: it is spooled, and takes its place in
        // the chain when it is filed. Sealed after the spooled reports (or the state's last
        // report, when later) for now.
        Ok((head, Some(_unread))) => Place::after(head.as_ref()).later(Place {
            sequence: s.sequence,
            previous_sha256: s.previous_report_sha256.clone(),
            not_before: None,
        }),
        Err(e) => {
            diags.root_error(
                "The report chain could not be read",
                format!("{e}\n\nThe report of qualification `{}` must take its place in the chain of its reports in {}, so no check was run and nothing was filed. Allow listing and reading the store's objects (s3:ListBucket and s3:GetObject), then apply again.", s.name, store.describe()),
            );
            return None;
        }
    };
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
            sequence: tentative.sequence,
            sequenced_at: None,
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
            provider_version: crate::PROVIDER_VERSION.into(),
            terraform_version: configured.terraform_version.clone(),
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
        previous_report_sha256: tentative.previous_sha256.clone(),
        targets,
        observations,
        notes: observed.notes,
    };
    let mut report = report;
    let mut formats = Vec::new();
    for name in s.report_formats.iter().filter(|f| f.as_str() != "json") {
        match Format::parse(name) {
            Ok(f) => formats.push(f),
            Err(e) => diags.root_error(format!("The {name} report could not be rendered"), e),
        }
    }
    let filed = filing::file_report(
        store.as_ref(),
        &spool,
        Some(aws),
        &mut report,
        &key,
        &tentative,
        &formats,
        s.signing_key_id.as_deref(),
        &spool_id(&s.name, &report_id),
        refused.as_ref(),
    )
    .await;
    for (summary, detail) in filed.problems {
        diags.root_error(summary, detail);
    }
    if let Some(why) = &filed.spooled {
        let place = if filed.unplaced {
            "; it takes its place in the report chain when it is filed"
        } else {
            ""
        };
        diags.root_error(
            "Evidence could not be filed",
            format!("{why}\n\nThe report ({} checks, status {}) is kept in the local spool at {}; the next apply files it first{place}.", summary.total, summary.status.as_str(), filed.location),
        );
    }
    let sha = filed.sealed.sha256.clone();
    let filed_at = filed.location;

    if let Some(topic) = &s.notify_topic_arn {
        if let Err(e) = notify::publish(aws, topic, &report, &filed_at, &sha).await {
            diags.root_warning(
                "The qualification notification was not sent",
                format!("SNS Publish to {topic}: {e}"),
            );
        }
    }

    let mut state = planned;
    state.status = Value::Value(summary.status.as_str().into());
    state.total_count = Value::Value(summary.total);
    state.passed_count = Value::Value(summary.passed);
    state.failed_count = Value::Value(summary.failed);
    state.error_count = Value::Value(summary.error);
    state.suppressed_count = Value::Value(summary.suppressed);
    state.results = Value::Value(results_map(&report.results));
    state.qualified_at = Value::Value(rfc3339(finished));
    state.qualified_spec_digest = Value::Value(s.spec_digest.clone());
    state.observed_fingerprint = Value::Value(snapshot.fingerprint());
    state.report_id = Value::Value(report_id);
    state.report_location = Value::Value(filed_at);
    state.report_sha256 = Value::Value(sha);
    state.report_sequence = Value::Value(report.qualification.sequence);
    // No pending drift: this run's observations are the new baseline (the plan said so).
    // What had drifted since the previous qualification is recorded in the report.
    state.drift = Value::Value(vec![]);
    if s.enforce && summary.status != Status::Passed {
        report_failures(diags, &report.results);
    }
    gxp_core::util::bench_log("apply", clock);
    Some((
        state,
        Private {
            snapshot: Some(snapshot),
            findings: Findings::default(),
        },
    ))
}

/// One diagnostic per failed or unevaluable check.
fn report_failures(diags: &mut Diagnostics, results: &[CheckResult]) {
    let bad: Vec<&CheckResult> = results
        .iter()
        .filter(|r| matches!(r.status, Status::Failed | Status::Error))
        .collect();
    for r in bad.iter().take(MAX_CHECK_DIAGNOSTICS) {
        let what = match &r.property {
            Some(p) => format!("{} {p}", r.check_id),
            None => r.check_id.clone(),
        };
        let summary = match r.status {
            Status::Failed => format!("Qualification check failed: {what} on {}", r.target),
            _ => format!(
                "Qualification check could not be evaluated: {what} on {}",
                r.target
            ),
        };
        let mut detail = format!(
            "{} ({} {})\nexpected: {}\nactual:   {}",
            r.title, r.resource_type, r.identifier, r.expected, r.actual
        );
        if let Some(d) = &r.detail {
            detail.push_str(&format!("\ndetail:   {d}"));
        }
        detail.push_str(&format!("\nremediation: {}", r.remediation));
        diags.root_error(summary, detail);
    }
    if bad.len() > MAX_CHECK_DIAGNOSTICS {
        let (summary, detail) = beyond_the_cap(&bad[MAX_CHECK_DIAGNOSTICS..]);
        diags.root_error(summary, detail);
    }
}

/// Summary and detail of the results behind the diagnostic cap: which checks, how many
/// failed and how many could not be evaluated, so no failing check goes unnamed.
fn beyond_the_cap(hidden: &[&CheckResult]) -> (String, String) {
    let mut by_check: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
    for r in hidden {
        let counts = by_check.entry(r.check_id.as_str()).or_default();
        match r.status {
            Status::Failed => counts.0 += 1,
            _ => counts.1 += 1,
        }
    }
    const NAMED_IN_SUMMARY: usize = 10;
    let mut named: Vec<String> = by_check
        .iter()
        .take(NAMED_IN_SUMMARY)
        .map(|(id, (f, e))| format!("{id} ×{}", f + e))
        .collect();
    if by_check.len() > NAMED_IN_SUMMARY {
        named.push(format!("{} more", by_check.len() - NAMED_IN_SUMMARY));
    }
    let summary = format!(
        "{} more checks failed or could not be evaluated: {}",
        hidden.len(),
        named.join(", ")
    );
    let lines: Vec<String> = by_check
        .iter()
        .map(|(id, (failed, error))| {
            let mut parts = Vec::new();
            if *failed > 0 {
                parts.push(format!("{failed} failed"));
            }
            if *error > 0 {
                parts.push(format!("{error} could not be evaluated"));
            }
            format!("  {id}: {}", parts.join(", "))
        })
        .collect();
    let detail = format!(
        "Beyond the first {MAX_CHECK_DIAGNOSTICS} diagnostics, by check:\n{}\n\nSee the filed report for every result.",
        lines.join("\n")
    );
    (summary, detail)
}

/// Reports of qualification `name` waiting in the spool.
pub fn spooled_count(spool_directory: &str, name: &str) -> usize {
    let prefix = format!("{}--", gxp_core::evidence::sanitize(name));
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
    /// The findings kept in private state.
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
    aws: &gxp_core::aws::AwsContext,
    qualified: &snapshot::Snapshot,
    concurrency: usize,
    spool_directory: &str,
    name: &str,
) -> Result<Refreshed, String> {
    let clock = std::time::Instant::now();
    let current = run::observe_snapshot(aws, qualified, concurrency).await?;
    let prefix = format!("{}--", gxp_core::evidence::sanitize(name));
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
    gxp_core::util::bench_log("refresh", clock);
    Ok(found)
}

fn text(v: &crate::spec::config::Str) -> Option<String> {
    v.as_ref_option().filter(|s| !s.is_empty()).cloned()
}

/// The resource's `evidence_store` block, else the provider's default.
pub fn choose_store(
    resource: Option<&EvidenceStoreConfig>,
    provider: &EvidenceStoreDefaults,
) -> Result<filing::StoreSettings, String> {
    if let Some(r) = resource {
        let allow = matches!(r.allow_unprotected_store.as_ref_option(), Some(true));
        if let Some(bucket) = text(&r.s3_bucket) {
            return Ok(filing::StoreSettings {
                choice: filing::StoreChoice::S3 {
                    bucket,
                    prefix: text(&r.s3_prefix),
                    kms_key_id: text(&r.kms_key_id),
                },
                allow_unprotected: allow,
            });
        }
        if let Some(directory) = text(&r.local_directory) {
            return Ok(filing::StoreSettings {
                choice: filing::StoreChoice::Local { directory },
                allow_unprotected: allow,
            });
        }
    }
    if let Some(bucket) = &provider.s3_bucket {
        return Ok(filing::StoreSettings {
            choice: filing::StoreChoice::S3 {
                bucket: bucket.clone(),
                prefix: provider.s3_prefix.clone(),
                kms_key_id: provider.kms_key_id.clone(),
            },
            allow_unprotected: provider.allow_unprotected_store,
        });
    }
    if let Some(directory) = &provider.local_directory {
        return Ok(filing::StoreSettings {
            choice: filing::StoreChoice::Local {
                directory: directory.clone(),
            },
            allow_unprotected: provider.allow_unprotected_store,
        });
    }
    Err("No evidence store is configured: set `evidence_store` on the qualification or in the provider block.".into())
}

#[cfg(test)]
mod tests {
    use super::*;
    use gxp_core::catalog::{SeverityClass, Stage};

    fn result(check: &str, target: usize, status: Status) -> CheckResult {
        CheckResult {
            check_id: check.into(),
            title: "t".into(),
            stage: Stage::Oq,
            severity: SeverityClass::Security,
            target: format!("r{target}"),
            resource_type: "AWS::S3::Bucket".into(),
            identifier: format!("b{target}"),
            property: None,
            status,
            expected: "e".into(),
            actual: "a".into(),
            detail: None,
            controls: vec![],
            requirements: vec![],
            remediation: "r".into(),
            suppression: None,
        }
    }

    #[test]
    fn the_checks_behind_the_diagnostic_cap_are_named_with_their_counts() {
        // 50 versioning failures fill the cap; the other checks would go unnamed.
        let mut results: Vec<CheckResult> = (0..50)
            .map(|i| result("s3.versioning", i, Status::Failed))
            .collect();
        results.extend((0..3).map(|i| result("s3.public_access_block", i, Status::Failed)));
        results.extend((0..2).map(|i| result("kms.rotation", i, Status::Error)));
        results.push(result("kms.rotation", 9, Status::Failed));
        results.push(result("s3.tls_only", 0, Status::Passed));
        let mut diags = Diagnostics::default();
        report_failures(&mut diags, &results);
        assert_eq!(diags.errors.len(), MAX_CHECK_DIAGNOSTICS + 1);
        let last = diags.errors.last().unwrap();
        assert_eq!(
            last.summary,
            "6 more checks failed or could not be evaluated: kms.rotation ×3, s3.public_access_block ×3"
        );
        assert!(
            last.detail.contains("  kms.rotation: 1 failed, 2 could not be evaluated\n  s3.public_access_block: 3 failed"),
            "{}",
            last.detail
        );
        assert!(!last.detail.contains("s3.tls_only"));

        // Under the cap: one diagnostic per result, no summary.
        let mut diags = Diagnostics::default();
        report_failures(&mut diags, &results[..10]);
        assert_eq!(diags.errors.len(), 10);
    }

    #[test]
    fn many_checks_behind_the_cap_are_all_in_the_detail() {
        let mut results: Vec<CheckResult> = (0..50)
            .map(|i| result("s3.versioning", i, Status::Failed))
            .collect();
        results.extend((0..12).map(|i| result(&format!("x.check_{i:02}"), i, Status::Failed)));
        let (summary, detail) = beyond_the_cap(&results[50..].iter().collect::<Vec<_>>());
        assert!(summary.ends_with("x.check_09 ×1, 2 more"), "{summary}");
        assert!(detail.contains("x.check_11: 1 failed"), "{detail}");
    }
}
