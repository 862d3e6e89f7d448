//! Import an existing qualification from the location of a filed report.

use tf_provider::value::Value;

use super::snapshot::{SnapStack, SnapTarget, Snapshot};
use crate::observe::{Target, TargetOrigin};
use crate::provider::Configured;
use crate::report::Report;
use crate::resources::qualification::state::{Findings, Private, QualificationState, ResultState};
use crate::util::sha256_hex;

/// Read bytes from `s3://BUCKET/KEY` or a local path.
pub async fn read_location(configured: &Configured, location: &str) -> Result<Vec<u8>, String> {
    if let Some(rest) = location.strip_prefix("s3://") {
        let (bucket, key) = rest
            .split_once('/')
            .ok_or_else(|| format!("`{location}` has no key"))?;
        let aws = configured
            .aws
            .as_ref()
            .ok_or("AWS access is not configured")?;
        let out = aws
            .s3()
            .get_object()
            .bucket(bucket)
            .key(key)
            .send()
            .await
            .map_err(|e| crate::aws::classify(&e).to_string())?;
        let body = out.body.collect().await.map_err(|e| e.to_string())?;
        Ok(body.into_bytes().to_vec())
    } else {
        std::fs::read(location).map_err(|e| format!("cannot read {location}: {e}"))
    }
}

/// Parse a filed report, checking it against the `.sha256` filed beside it when present.
pub async fn read_report(
    configured: &Configured,
    location: &str,
) -> Result<(Report, String), String> {
    let bytes = read_location(configured, location).await?;
    let sha = sha256_hex(&bytes);
    if let Ok(side) = read_location(configured, &format!("{location}.sha256")).await {
        let recorded = String::from_utf8_lossy(&side)
            .split_whitespace()
            .next()
            .unwrap_or_default()
            .to_string();
        if recorded != sha {
            return Err(format!("the report's SHA-256 is {sha} but {location}.sha256 records {recorded}: the report was altered"));
        }
    }
    let report: Report = serde_json::from_slice(&bytes)
        .map_err(|e| format!("{location} is not a qualification report: {e}"))?;
    Ok((report, sha))
}

/// State and private state of a qualification from one of its reports.
pub async fn from_report_location(
    configured: &Configured,
    location: &str,
) -> Result<(QualificationState, Private), String> {
    let (report, sha) = read_report(configured, location).await?;
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
        results: Value::Value(report.results.iter().map(ResultState::from).collect()),
        qualified_at: s(&report.run.finished_at),
        qualified_spec_digest: s(&report.spec.digest),
        report_id: s(&report.report_id),
        report_location: s(location),
        report_sha256: s(&sha),
        report_sequence: Value::Value(report.qualification.sequence),
        requalification_reasons: strings(report.qualification.reasons.clone()),
        drift: Value::Value(vec![]),
        ..Default::default()
    };
    let targets = report
        .observations
        .iter()
        .map(|o| {
            let t = report
                .targets
                .iter()
                .find(|t| t.key == o.key)
                .cloned()
                .unwrap_or_else(|| Target {
                    key: o.key.clone(),
                    resource_type: o.resource_type.clone(),
                    identifier: o.identifier.clone(),
                    origin: if o.key.starts_with("discovered:") {
                        TargetOrigin::Discovered
                    } else {
                        TargetOrigin::Spec
                    },
                    checks: vec![],
                    params: Default::default(),
                    expected_properties: None,
                    requirements: vec![],
                });
            SnapTarget::of(&t, o)
        })
        .collect();
    let snapshot = Snapshot {
        targets,
        stacks: report.stacks.iter().map(SnapStack::of).collect(),
        discovery_tags: Default::default(),
    };
    let mut state = state;
    state.observed_fingerprint = Value::Value(snapshot.fingerprint());
    Ok((
        state,
        Private {
            snapshot: Some(snapshot),
            findings: Findings::default(),
        },
    ))
}
