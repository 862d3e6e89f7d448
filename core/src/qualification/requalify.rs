//! Whether a filed qualification is still valid, without running it: its latest report in the
//! store compared with the configuration and the live state. This is what the
//! `gxp_requalification` data source answers, so a `check` block (evaluated by every plan and
//! by HCP Terraform's health assessments) fails when the qualified state has drifted.
//!
//! [`pending_reasons`] and [`scope_changes`] are pure; [`latest_report`] and [`requalification`]
//! read the store and the live state.

use std::collections::{BTreeMap, BTreeSet};

use crate::aws::AwsContext;
use crate::catalog::{SeverityClass, Stage};
use crate::evidence::EvidenceStore;
use crate::integrity::head::store_head;
use crate::integrity::sequence::ChainId;
use crate::report::{DriftItem, QualificationInfo, Report};

use super::import::{read_report, snapshot_of};
use super::reasons::{reasons, ReasonInputs};
use super::{refresh, spooled_count, Refreshed};

/// Scope attribute names, as `qualification scope changed: NAME` reasons give them (the same
/// for `gxp_qualification`'s plan and `gxp_requalification`).
pub const SCOPE_STAGES: &str = "stages";
/// See [`SCOPE_STAGES`].
pub const SCOPE_DISCOVERY_TAGS: &str = "discovery tags";
/// See [`SCOPE_STAGES`].
pub const SCOPE_DISCOVERY_EXCLUDE_CHECKS: &str = "discovery exclude_checks";
/// See [`SCOPE_STAGES`].
pub const SCOPE_DISCOVERY_ENUMERATE_TYPES: &str = "discovery enumerate_types";

/// What the configuration asks of a qualification, every value known.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Expected {
    /// SHA-256 of the specification document in configuration.
    pub spec_digest: String,
    /// Stages to run, sorted, without duplicates.
    pub stages: Vec<Stage>,
    pub discovery_tags: BTreeMap<String, String>,
    pub discovery_exclude_checks: BTreeSet<String>,
    pub discovery_enumerate_types: BTreeSet<String>,
    /// Drift classes that call for requalification.
    pub requalify_on: Vec<SeverityClass>,
    /// Periodic review interval (`requalify_after`).
    pub review_interval: Option<time::Duration>,
    /// The SOUP of the working directory now (`None` when not read): compared with the
    /// report's, as `gxp_qualification`'s plan compares it with the last run's.
    pub soup: Option<crate::soup::SoupInventory>,
}

/// The scope attributes whose value in `expected` differs from what the qualification that
/// filed `qualified` recorded, in the order `gxp_qualification` names them.
pub fn scope_changes(qualified: &QualificationInfo, expected: &Expected) -> Vec<String> {
    let mut stages = qualified.stages.clone();
    stages.sort();
    stages.dedup();
    let mut out = Vec::new();
    if stages != expected.stages {
        out.push(SCOPE_STAGES.to_string());
    }
    if qualified.discovery_tags != expected.discovery_tags {
        out.push(SCOPE_DISCOVERY_TAGS.to_string());
    }
    if qualified.discovery_exclude_checks != expected.discovery_exclude_checks {
        out.push(SCOPE_DISCOVERY_EXCLUDE_CHECKS.to_string());
    }
    if qualified.discovery_enumerate_types != expected.discovery_enumerate_types {
        out.push(SCOPE_DISCOVERY_ENUMERATE_TYPES.to_string());
    }
    out
}

/// The reason given while a qualification has no report: a health check must fail, never
/// pass, when nothing was qualified.
pub fn never_qualified(chain: &ChainId, store: &str) -> String {
    format!(
        "never qualified: no report of qualification `{}` (application {}, environment {}) in {store}",
        chain.qualification, chain.application, chain.environment
    )
}

/// Why the qualification that filed `report` must run again, given what a refresh `found`
/// against that report's observations and what the configuration `expected`, at `now`: the
/// same rules and wording as `gxp_qualification`'s `requalification_reasons`. Empty when the
/// qualified state still holds.
pub fn pending_reasons(
    report: &Report,
    found: &Refreshed,
    expected: &Expected,
    now: time::OffsetDateTime,
) -> Vec<String> {
    let inputs = ReasonInputs {
        qualified_spec_digest: Some(&report.spec.digest),
        config_spec_digest: Some(&expected.spec_digest),
        drift: &found.drift,
        updated_stacks: &found.updated_stacks,
        requalify_on: &expected.requalify_on,
        qualified_at: crate::util::parse_time(&report.run.finished_at),
        review_interval: expected.review_interval,
        now: Some(now),
        last_status: Some(report.summary.status.as_str()),
        spooled_reports: found.spooled_reports,
        scope_changes: scope_changes(&report.qualification, expected),
        soup_changes: match (report.soup.as_ref(), expected.soup.as_ref()) {
            (Some(qualified), Some(now)) => crate::soup::changes::changes(qualified, now),
            _ => vec![],
        },
    };
    reasons(&inputs)
}

/// A qualification's latest report, as filed.
#[derive(Debug, Clone)]
pub struct Latest {
    pub report: Report,
    /// SHA-256 of the report's bytes.
    pub sha256: String,
    /// Where it is filed.
    pub location: String,
}

/// The latest report of `chain` in `store`: the head of its chain (its highest claim, else its
/// highest filed report), read and checked against the SHA-256 the chain records for it.
/// `None` when the chain has no report yet; an unreadable store or report is an error.
pub async fn latest_report(
    aws: &AwsContext,
    store: &dyn EvidenceStore,
    chain: &ChainId,
) -> Result<Option<Latest>, String> {
    let Some(head) = store_head(store, chain).await? else {
        return Ok(None);
    };
    let (report, sha256) = read_report(Some(aws), &head.location).await?;
    if sha256 != head.sha256 {
        return Err(format!(
            "the report at {} has SHA-256 {sha256} but its chain records {}: the report was altered",
            head.location, head.sha256
        ));
    }
    if report.qualification.name != chain.qualification {
        return Err(format!(
            "the report at {} is of qualification `{}`, not `{}`",
            head.location, report.qualification.name, chain.qualification
        ));
    }
    Ok(Some(Latest {
        report,
        sha256,
        location: head.location,
    }))
}

/// What [`requalification`] found.
#[derive(Debug, Clone)]
pub struct Requalification {
    /// The latest report; `None` when the qualification was never filed.
    pub latest: Option<Latest>,
    /// Why the qualification must run again; empty when the qualified state holds.
    pub reasons: Vec<String>,
    /// Drift since the latest report, every class.
    pub drift: Vec<DriftItem>,
    /// When the live state was observed.
    pub observed_at: time::OffsetDateTime,
}

/// Where [`requalification`] looks, and how.
#[derive(Clone, Copy)]
pub struct Lookup<'a> {
    pub aws: &'a AwsContext,
    pub store: &'a dyn EvidenceStore,
    pub chain: &'a ChainId,
    /// Resources observed at once.
    pub concurrency: usize,
    /// Where the qualification spools reports it could not file.
    pub spool_directory: &'a str,
}

/// The pending requalification of `lookup.chain`: its latest report, the live state observed
/// again as that report's observations were, and the reasons to requalify. Without a report
/// the reasons say it was never qualified (and name the reports waiting in the spool).
pub async fn requalification(
    lookup: Lookup<'_>,
    expected: &Expected,
) -> Result<Requalification, String> {
    let name = &lookup.chain.qualification;
    let Some(latest) = latest_report(lookup.aws, lookup.store, lookup.chain).await? else {
        let mut reasons = vec![never_qualified(lookup.chain, &lookup.store.describe())];
        let spooled = spooled_count(lookup.spool_directory, name);
        if spooled > 0 {
            reasons.push(format!(
                "{spooled} report(s) waiting in the local spool to be filed"
            ));
        }
        return Ok(Requalification {
            latest: None,
            reasons,
            drift: vec![],
            observed_at: crate::util::now_utc(),
        });
    };
    let snapshot = snapshot_of(&latest.report);
    let found = refresh(
        lookup.aws,
        &snapshot,
        lookup.concurrency,
        lookup.spool_directory,
        name,
        None,
    )
    .await
    .map_err(|e| format!("cannot observe the qualified resources: {e}"))?;
    let observed_at = crate::util::now_utc();
    let reasons = pending_reasons(&latest.report, &found, expected, observed_at);
    Ok(Requalification {
        latest: Some(latest),
        reasons,
        drift: found.drift,
        observed_at,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::formats::sample_report;

    /// What the configuration that filed `report` expects, `report` made a passed run.
    fn filed() -> (Report, Expected) {
        let mut report = sample_report();
        report.summary.status = crate::checks::Status::Passed;
        let mut stages = report.qualification.stages.clone();
        stages.sort();
        stages.dedup();
        let expected = Expected {
            spec_digest: report.spec.digest.clone(),
            stages,
            discovery_tags: report.qualification.discovery_tags.clone(),
            discovery_exclude_checks: report.qualification.discovery_exclude_checks.clone(),
            discovery_enumerate_types: report.qualification.discovery_enumerate_types.clone(),
            requalify_on: vec![SeverityClass::Security, SeverityClass::Functional],
            review_interval: None,
            soup: report.soup.clone(),
        };
        (report, expected)
    }

    fn now() -> time::OffsetDateTime {
        crate::util::parse_time("2030-01-01T00:00:00Z").unwrap()
    }

    fn drift(class: SeverityClass) -> DriftItem {
        DriftItem {
            target: "data_bucket".into(),
            resource_type: "AWS::S3::Bucket".into(),
            identifier: "lims-data".into(),
            property: "VersioningConfiguration.Status".into(),
            class,
            qualified: "Enabled".into(),
            current: "Suspended".into(),
        }
    }

    #[test]
    fn the_configuration_that_filed_a_passed_report_without_drift_has_no_reason() {
        let (report, expected) = filed();
        let r = pending_reasons(&report, &Refreshed::default(), &expected, now());
        assert!(r.is_empty(), "{r:?}");
    }

    #[test]
    fn drift_of_a_requalifying_class_is_a_reason_in_the_resources_wording() {
        let (report, expected) = filed();
        let found = Refreshed {
            drift: vec![
                drift(SeverityClass::Security),
                drift(SeverityClass::Cosmetic),
            ],
            ..Default::default()
        };
        let r = pending_reasons(&report, &found, &expected, now());
        assert_eq!(
            r,
            vec!["drift security: data_bucket (AWS::S3::Bucket lims-data) VersioningConfiguration.Status: Enabled -> Suspended"]
        );
    }

    #[test]
    fn a_changed_specification_a_failed_run_and_the_review_period_are_reasons() {
        let (mut report, mut expected) = filed();
        expected.spec_digest = "f".repeat(64);
        let r = pending_reasons(&report, &Refreshed::default(), &expected, now());
        assert_eq!(r.len(), 1, "{r:?}");
        assert!(
            r[0].starts_with("specification changed: digest ")
                && r[0].ends_with(" -> ffffffffffff"),
            "{r:?}"
        );

        let (_, expected) = filed();
        report.summary.status = crate::checks::Status::Failed;
        let r = pending_reasons(&report, &Refreshed::default(), &expected, now());
        assert_eq!(r, vec!["last qualification failed"]);
        report.summary.status = crate::checks::Status::Error;
        let r = pending_reasons(&report, &Refreshed::default(), &expected, now());
        assert_eq!(
            r,
            vec!["last qualification had checks that could not be evaluated"]
        );

        report.summary.status = crate::checks::Status::Passed;
        let mut expected = expected;
        expected.review_interval = Some(time::Duration::days(90));
        let at = crate::util::parse_time(&report.run.finished_at).expect("finished_at");
        let r = pending_reasons(
            &report,
            &Refreshed::default(),
            &expected,
            at + time::Duration::days(89),
        );
        assert!(r.is_empty(), "{r:?}");
        let r = pending_reasons(
            &report,
            &Refreshed::default(),
            &expected,
            at + time::Duration::days(90),
        );
        assert_eq!(r.len(), 1, "{r:?}");
        assert!(
            r[0].starts_with("review period elapsed: qualified "),
            "{r:?}"
        );
    }

    #[test]
    fn stacks_and_spooled_reports_are_reasons() {
        let (report, expected) = filed();
        let found = Refreshed {
            updated_stacks: vec![("core".into(), "t2".into(), "t1".into())],
            spooled_reports: 2,
            ..Default::default()
        };
        let r = pending_reasons(&report, &found, &expected, now());
        assert_eq!(
            r,
            vec![
                "stack core updated since qualification: t2 (at qualification: t1)",
                "2 report(s) waiting in the local spool to be filed"
            ]
        );
    }

    #[test]
    fn a_scope_other_than_the_qualified_one_is_a_scope_change() {
        let (report, expected) = filed();
        assert!(scope_changes(&report.qualification, &expected).is_empty());

        let mut other = expected.clone();
        other.stages = vec![Stage::Iq];
        assert_eq!(scope_changes(&report.qualification, &other), ["stages"]);

        let mut other = expected.clone();
        other.discovery_tags.insert("gxp:app".into(), "lims".into());
        other
            .discovery_exclude_checks
            .insert("backup.resource_protected".into());
        other
            .discovery_enumerate_types
            .insert("AWS::Config::DeliveryChannel".into());
        assert_eq!(
            scope_changes(&report.qualification, &other),
            [
                "discovery tags",
                "discovery exclude_checks",
                "discovery enumerate_types"
            ]
        );
        let r = pending_reasons(&report, &Refreshed::default(), &other, now());
        assert_eq!(r[0], "qualification scope changed: discovery tags", "{r:?}");

        // Stage order and repetition in a report are no change.
        let mut reordered = report.qualification.clone();
        reordered.stages.reverse();
        reordered.stages.extend(report.qualification.stages.clone());
        assert!(scope_changes(&reordered, &expected).is_empty());
    }

    #[test]
    fn never_qualified_names_the_qualification_and_the_store() {
        let chain = ChainId {
            qualification: "lims-prod".into(),
            application: "lims".into(),
            environment: "prod".into(),
        };
        assert_eq!(
            never_qualified(&chain, "s3://evidence/gxp-evidence/"),
            "never qualified: no report of qualification `lims-prod` (application lims, environment prod) in s3://evidence/gxp-evidence/"
        );
    }

    #[test]
    fn a_changed_soup_is_a_reason_as_on_the_qualification() {
        let (mut report, mut expected) = filed();
        let found = Refreshed::default();
        let inventory = crate::soup::SoupInventory {
            terraform_version: "1.11.4".into(),
            ..Default::default()
        };
        report.soup = Some(inventory.clone());
        expected.soup = Some(inventory.clone());
        assert!(pending_reasons(&report, &found, &expected, now()).is_empty());
        expected.soup = Some(crate::soup::SoupInventory {
            terraform_version: "1.15.5".into(),
            ..inventory
        });
        let reasons = pending_reasons(&report, &found, &expected, now());
        assert!(
            reasons
                .iter()
                .any(|r| r.contains("Terraform 1.11.4 -> 1.15.5")),
            "{reasons:?}"
        );
    }
}
