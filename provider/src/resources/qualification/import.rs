//! Import an existing qualification from the location of a filed report.

use std::collections::{BTreeMap, BTreeSet};

use tf_provider::value::Value;

use crate::provider::Configured;
use crate::resources::qualification::identity::QualificationIdentity;
use crate::resources::qualification::state::{
    results_map, DiscoveryConfig, Private, QualificationState,
};
use gxp_core::evidence::local::LocalStore;
use gxp_core::evidence::EvidenceStore;
use gxp_core::integrity::head;
use gxp_core::qualification::filing::{self, StoreChoice};
use gxp_core::qualification::import::{read_report, snapshot_of};
use gxp_core::qualification::Findings;
use gxp_core::report::Report;

/// The `discovery` block of a qualification whose report records these discovery tags,
/// excluded checks and enumerated types; null (no block) without tags or enumerated types,
/// as in a configuration without discovery. No exclusions (no enumerated types):
/// `exclude_checks` (`enumerate_types`) null, as in a block that does not set it.
fn discovery_block(
    tags: &BTreeMap<String, String>,
    exclude_checks: &BTreeSet<String>,
    enumerate_types: &BTreeSet<String>,
) -> Value<Vec<DiscoveryConfig>> {
    if tags.is_empty() && enumerate_types.is_empty() {
        return Value::Null;
    }
    let set = |items: &BTreeSet<String>| {
        if items.is_empty() {
            Value::Null
        } else {
            Value::Value(items.iter().map(|c| Value::Value(c.clone())).collect())
        }
    };
    Value::Value(vec![DiscoveryConfig {
        tags: Value::Value(
            tags.iter()
                .map(|(k, v)| (k.clone(), Value::Value(v.clone())))
                .collect(),
        ),
        exclude_checks: set(exclude_checks),
        enumerate_types: set(enumerate_types),
    }])
}

/// State and private state of a qualification from one of its reports.
pub async fn from_report_location(
    configured: &Configured,
    location: &str,
) -> Result<(QualificationState, Private), String> {
    let (state, private, _) = identified_from_report_location(configured, location).await?;
    Ok((state, private))
}

/// State, private state and identity of a qualification from one of its reports.
pub async fn identified_from_report_location(
    configured: &Configured,
    location: &str,
) -> Result<(QualificationState, Private, QualificationIdentity), String> {
    let (report, sha) = read_report(configured.aws.as_ref(), location).await?;
    let (state, private) = from_report(&report, &sha, location);
    Ok((state, private, QualificationIdentity::of_report(&report)))
}

/// The provider's evidence store, opened: where import by identity looks reports up.
fn provider_store(configured: &Configured) -> Result<Box<dyn EvidenceStore>, String> {
    let settings = configured.evidence_store.as_ref().ok_or(
        "The provider block names no `evidence_store`: import by identity looks the qualification's latest report up in the provider's evidence store. Configure it, or import by id (the report's location).",
    )?;
    match (&settings.choice, configured.aws.as_ref()) {
        (StoreChoice::Local { directory }, _) => Ok(Box::new(LocalStore::new(directory))),
        (choice, Some(aws)) => Ok(filing::open(aws, choice)),
        (_, None) => Err("AWS access is not configured yet (the provider configuration has values unknown until apply).".into()),
    }
}

/// Where the latest report of the qualification `identity` is filed: the head of its chain
/// of reports in the provider's evidence store (what a run continues after).
pub async fn latest_report_location(
    configured: &Configured,
    identity: &QualificationIdentity,
) -> Result<String, String> {
    let store = provider_store(configured)?;
    match head::store_head(store.as_ref(), &identity.chain()).await? {
        Some(found) => Ok(found.location),
        None => Err(format!(
            "{} holds no report of the qualification with {}.",
            store.describe(),
            identity.describe()
        )),
    }
}

/// State, private state and identity of the qualification `wanted` from its latest report
/// (import by identity): the state import by id of that report's location gives.
pub async fn from_identity(
    configured: &Configured,
    wanted: &QualificationIdentity,
) -> Result<(QualificationState, Private, QualificationIdentity), String> {
    let location = latest_report_location(configured, wanted).await?;
    let (state, private, found) = identified_from_report_location(configured, &location).await?;
    if &found != wanted {
        return Err(format!(
            "The latest report found for {} ({location}) is the report of the qualification with {}.",
            wanted.describe(),
            found.describe()
        ));
    }
    Ok((state, private, found))
}

/// State and private state of a qualification from its report `report` (SHA-256 `sha`)
/// filed at `location`.
pub fn from_report(report: &Report, sha: &str, location: &str) -> (QualificationState, Private) {
    let s = |v: &str| Value::Value(v.to_string());
    let strings = |items: Vec<String>| Value::Value(items.into_iter().map(Value::Value).collect());
    let state = QualificationState {
        id: s(&report.qualification.name),
        name: s(&report.qualification.name),
        spec_id: s(&report.spec.name),
        spec_digest: s(&report.spec.digest),
        stages: strings(
            report
                .qualification
                .stages
                .iter()
                .map(|st| st.as_str().to_string())
                .collect(),
        ),
        enforce: Value::Value(report.qualification.enforce),
        status: s(report.summary.status.as_str()),
        total_count: Value::Value(report.summary.total),
        passed_count: Value::Value(report.summary.passed),
        failed_count: Value::Value(report.summary.failed),
        error_count: Value::Value(report.summary.error),
        suppressed_count: Value::Value(report.summary.suppressed),
        // Every result of the report, `results_in_state` left to the configuration: the plan
        // after the import cuts them to what it keeps (a settings update, no run).
        results: Value::Value(results_map(&report.results)),
        qualified_at: s(&report.run.finished_at),
        qualified_spec_digest: s(&report.spec.digest),
        report_id: s(&report.report_id),
        report_location: s(location),
        report_sha256: s(sha),
        report_sequence: Value::Value(report.qualification.sequence),
        requalification_reasons: strings(report.qualification.reasons.clone()),
        drift: Value::Value(vec![]),
        discovery: discovery_block(
            &report.qualification.discovery_tags,
            &report.qualification.discovery_exclude_checks,
            &report.qualification.discovery_enumerate_types,
        ),
        ..Default::default()
    };
    let snapshot = snapshot_of(report);
    let mut state = state;
    state.observed_fingerprint = Value::Value(snapshot.fingerprint());
    if let Some(args) =
        super::verify_arguments(&state.name, &state.report_sha256, &state.report_sequence)
    {
        state.verify_arguments = args;
    }
    (
        state,
        Private {
            snapshot: Some(snapshot),
            findings: Findings::default(),
            soup: report.soup.clone(),
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::resources::qualification::plan_reasons;
    use gxp_core::report::formats::sample_report;

    fn tags() -> BTreeMap<String, String> {
        [("gxp:app", "lims"), ("gxp:env", "prod")]
            .into_iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn import_restores_the_discovery_tags_of_the_report() {
        let mut report = sample_report();
        report.qualification.discovery_tags = tags();
        let (state, private) = from_report(&report, "ab12", "s3://evidence/r.json");
        assert_eq!(
            state.discovery,
            discovery_block(&tags(), &BTreeSet::new(), &BTreeSet::new())
        );
        let Value::Value(blocks) = &state.discovery else {
            panic!("no discovery block: {:?}", state.discovery)
        };
        assert_eq!(
            blocks[0].tags,
            Value::Value(
                tags()
                    .into_iter()
                    .map(|(k, v)| (k, Value::Value(v)))
                    .collect()
            )
        );
        let snapshot = private.snapshot.as_ref().expect("snapshot");
        assert_eq!(snapshot.discovery_tags, tags(), "refresh discovers again");

        // The configuration that filed the report: same tags, so no scope change.
        let mut config = state.clone();
        config.discovery = discovery_block(&tags(), &BTreeSet::new(), &BTreeSet::new());
        let reasons = plan_reasons(&state, &private, &config);
        assert!(
            !reasons.iter().any(|r| r.contains("scope changed")),
            "{reasons:?}"
        );
        // Other tags in the configuration are a scope change.
        let mut other = tags();
        other.insert("gxp:env".into(), "dev".into());
        config.discovery = discovery_block(&other, &BTreeSet::new(), &BTreeSet::new());
        let reasons = plan_reasons(&state, &private, &config);
        assert!(
            reasons.contains(&"qualification scope changed: discovery tags".to_string()),
            "{reasons:?}"
        );
    }

    #[test]
    fn import_restores_the_excluded_checks_of_the_report() {
        let excluded: BTreeSet<String> = ["backup.resource_protected".to_string()].into();
        let mut report = sample_report();
        report.qualification.discovery_tags = tags();
        report.qualification.discovery_exclude_checks = excluded.clone();
        let (state, private) = from_report(&report, "ab12", "s3://evidence/r.json");
        let Value::Value(blocks) = &state.discovery else {
            panic!("no discovery block: {:?}", state.discovery)
        };
        assert_eq!(
            blocks[0].exclude_checks,
            Value::Value(vec![Value::Value("backup.resource_protected".to_string())])
        );
        let snapshot = private.snapshot.as_ref().expect("snapshot");
        assert_eq!(
            snapshot.discovery_exclude_checks, excluded,
            "refresh gives newly discovered resources the same checks"
        );
        // The configuration that filed the report plans no scope change; dropping the
        // exclusion does.
        let mut config = state.clone();
        config.discovery = discovery_block(&tags(), &excluded, &BTreeSet::new());
        let reasons = plan_reasons(&state, &private, &config);
        assert!(
            !reasons.iter().any(|r| r.contains("scope changed")),
            "{reasons:?}"
        );
        config.discovery = discovery_block(&tags(), &BTreeSet::new(), &BTreeSet::new());
        let reasons = plan_reasons(&state, &private, &config);
        assert!(
            reasons.contains(&"qualification scope changed: discovery exclude_checks".to_string()),
            "{reasons:?}"
        );
        // Without exclusions the block leaves `exclude_checks` null, as a configuration that
        // does not set it.
        report.qualification.discovery_exclude_checks.clear();
        let (state, _) = from_report(&report, "ab12", "s3://evidence/r.json");
        let Value::Value(blocks) = &state.discovery else {
            panic!("no discovery block")
        };
        assert_eq!(blocks[0].exclude_checks, Value::Null);
    }

    #[test]
    fn import_restores_the_enumerated_types_of_the_report() {
        let types: BTreeSet<String> = ["AWS::Config::DeliveryChannel".to_string()].into();
        let mut report = sample_report();
        report.qualification.discovery_enumerate_types = types.clone();
        let (state, private) = from_report(&report, "ab12", "s3://evidence/r.json");
        // Enumeration alone (no tags) is a discovery block too.
        let Value::Value(blocks) = &state.discovery else {
            panic!("no discovery block: {:?}", state.discovery)
        };
        assert_eq!(
            blocks[0].enumerate_types,
            Value::Value(vec![Value::Value(
                "AWS::Config::DeliveryChannel".to_string()
            )])
        );
        assert_eq!(blocks[0].exclude_checks, Value::Null);
        let snapshot = private.snapshot.as_ref().expect("snapshot");
        assert_eq!(
            snapshot.discovery_enumerate_types, types,
            "refresh enumerates again"
        );
        let mut config = state.clone();
        config.discovery = discovery_block(&BTreeMap::new(), &BTreeSet::new(), &types);
        let reasons = plan_reasons(&state, &private, &config);
        assert!(
            !reasons.iter().any(|r| r.contains("scope changed")),
            "{reasons:?}"
        );
        config.discovery = discovery_block(&BTreeMap::new(), &BTreeSet::new(), &BTreeSet::new());
        let reasons = plan_reasons(&state, &private, &config);
        assert!(
            reasons.contains(&"qualification scope changed: discovery enumerate_types".to_string()),
            "{reasons:?}"
        );
    }

    #[test]
    fn import_without_discovery_has_no_discovery_block() {
        let report = sample_report();
        assert!(report.qualification.discovery_tags.is_empty());
        let (state, private) = from_report(&report, "ab12", "/evidence/r.json");
        assert_eq!(state.discovery, Value::Null);
        assert!(private.snapshot.unwrap().discovery_tags.is_empty());
    }

    #[test]
    fn reports_filed_before_discovery_tags_were_recorded_still_import() {
        let mut json: serde_json::Value =
            serde_json::from_slice(&gxp_core::report::canonical_bytes(&sample_report())).unwrap();
        json["qualification"]
            .as_object_mut()
            .unwrap()
            .remove("discovery_tags")
            .expect("recorded");
        let report: Report = serde_json::from_value(json).expect("older report parses");
        assert!(report.qualification.discovery_tags.is_empty());
    }
}
