//! Phase: assemble the report. The run's record, its results and what it observed become
//! the report; requirements are traced to their results and evidence. Pure.

use std::collections::{BTreeMap, BTreeSet};

use crate::checks::Status;
use crate::report::*;
use crate::spec::model::Spec;

use super::evaluate::Evaluated;
use super::observe::Observed;

/// What the report records about the run besides its results and observations.
#[derive(Debug, Clone, PartialEq)]
pub struct RunRecord {
    pub report_id: String,
    pub qualification: QualificationInfo,
    /// Digest of the specification qualified.
    pub spec_digest: String,
    pub system: SystemInfo,
    pub run: RunInfo,
    /// Where the report is filed; its location is the evidence of every traced result.
    pub evidence_store: StoreInfo,
    /// Drift since the previous qualification.
    pub drift: Vec<DriftItem>,
    pub previous_report_sha256: Option<String>,
    /// The specification's verified signatures and policy.
    pub approved: super::approve::Approved,
}

/// The report of a run. The observations move into it (no copies: they are the largest
/// part of a qualification's memory).
pub fn report(record: RunRecord, spec: &Spec, evaluated: Evaluated, observed: Observed) -> Report {
    let Evaluated {
        results,
        suppressions,
    } = evaluated;
    let summary = Summary::of(&results);
    let traceability = traceability(spec, &results, &record.evidence_store.location);
    let (targets, observations): (Vec<_>, Vec<_>) = observed.targets.into_iter().unzip();
    Report {
        format: REPORT_FORMAT.into(),
        report_id: record.report_id,
        qualification: record.qualification,
        spec: SpecInfo {
            name: spec.name.clone(),
            version: spec.version.clone(),
            digest: record.spec_digest,
            approval: spec.approval.clone(),
            signing_digest: record.approved.signing_digest,
            signatures: record.approved.records,
            required_signatures: record.approved.required,
            signature_policy_met: record.approved.policy_met,
        },
        system: record.system,
        run: record.run,
        evidence_store: record.evidence_store,
        stacks: observed.stacks,
        traceability,
        results,
        summary,
        suppressions,
        drift: record.drift,
        previous_report_sha256: record.previous_report_sha256,
        targets,
        observations,
        notes: observed.notes,
        soup: observed.soup,
    }
}

/// Overall status of a set of results: failed > error > passed.
pub fn overall(results: &[&CheckResult]) -> Status {
    if results.iter().any(|r| r.status == Status::Failed) {
        Status::Failed
    } else if results.iter().any(|r| r.status == Status::Error) {
        Status::Error
    } else {
        Status::Passed
    }
}

/// Requirement → checks → results → evidence. Each row lists every result tracing to the
/// requirement with its index in `results` and its evidence reference, so the matrix can be
/// walked from a requirement to the evidence of each check on each resource.
pub fn traceability(spec: &Spec, results: &[CheckResult], evidence: &str) -> Vec<TraceRow> {
    let mut by_req: BTreeMap<&str, Vec<(usize, &CheckResult)>> = BTreeMap::new();
    for (i, r) in results.iter().enumerate() {
        for req in &r.requirements {
            by_req.entry(req.as_str()).or_default().push((i, r));
        }
    }
    spec.requirements
        .iter()
        .map(|req| {
            let rs = by_req.remove(req.id.as_str()).unwrap_or_default();
            let checks: BTreeSet<String> = rs
                .iter()
                .map(|(_, r)| format!("{}@{}", r.check_id, r.target))
                .collect();
            let only: Vec<&CheckResult> = rs.iter().map(|(_, r)| *r).collect();
            TraceRow {
                requirement: req.id.clone(),
                text: req.text.clone(),
                controls: req.controls.clone(),
                checks: checks.into_iter().collect(),
                status: if only.is_empty() {
                    Status::Error
                } else {
                    overall(&only)
                },
                evidence: evidence.to_string(),
                results: rs
                    .iter()
                    .map(|(i, r)| TraceResult::of(*i, r, evidence))
                    .collect(),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::model::Requirement;

    use crate::qualification::test_results::res;

    #[test]
    fn traceability_walks_requirements_to_results() {
        let spec = Spec {
            requirements: vec![
                Requirement {
                    id: "URS-1".into(),
                    text: "a".into(),
                    controls: vec![],
                    severity: "security".into(),
                },
                Requirement {
                    id: "URS-2".into(),
                    text: "b".into(),
                    controls: vec![],
                    severity: "security".into(),
                },
            ],
            ..Default::default()
        };
        let rs = vec![
            res("s3.versioning", "b", Status::Passed, &["URS-1"]),
            res("s3.encryption", "b", Status::Failed, &["URS-1"]),
        ];
        let rows = traceability(&spec, &rs, "s3://x/r.json");
        assert_eq!(rows[0].checks, vec!["s3.encryption@b", "s3.versioning@b"]);
        assert_eq!(rows[0].status, Status::Failed);
        let walked: Vec<(&str, &str, Status, u64, &str)> = rows[0]
            .results
            .iter()
            .map(|x| {
                (
                    x.check_id.as_str(),
                    x.target.as_str(),
                    x.status,
                    x.result_index,
                    x.evidence.as_str(),
                )
            })
            .collect();
        assert_eq!(
            walked,
            [
                (
                    "s3.versioning",
                    "b",
                    Status::Passed,
                    0,
                    "s3://x/r.json#/results/0"
                ),
                (
                    "s3.encryption",
                    "b",
                    Status::Failed,
                    1,
                    "s3://x/r.json#/results/1"
                ),
            ]
        );
        for x in &rows[0].results {
            assert_eq!(rs[x.result_index as usize].check_id, x.check_id);
        }
        assert!(rows[1].results.is_empty());
        assert_eq!(
            rows[1].status,
            Status::Error,
            "a requirement no check covers is not shown as passed"
        );
    }
}
