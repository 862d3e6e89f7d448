//! The qualification report: everything an auditor needs to accept the evidence.

use serde::{Deserialize, Serialize};

use crate::catalog::{SeverityClass, Stage};
use crate::checks::Status;
use crate::observe::StackObservation;
use crate::spec::model::Approval;

/// A qualification report.
#[derive(Serialize, Deserialize, schemars::JsonSchema, Clone, Debug, PartialEq)]
pub struct Report {
    /// Report format identifier, `gxp.report/v1`.
    pub format: String,
    /// Unique id of this report.
    pub report_id: String,
    pub qualification: QualificationInfo,
    pub spec: SpecInfo,
    pub system: SystemInfo,
    pub run: RunInfo,
    pub evidence_store: StoreInfo,
    /// IQ build specification: the stacks as observed.
    #[serde(default)]
    pub stacks: Vec<StackObservation>,
    /// Every check on every resource.
    pub results: Vec<CheckResult>,
    pub summary: Summary,
    /// Requirement → checks → results → evidence.
    #[serde(default)]
    pub traceability: Vec<TraceRow>,
    /// Suppressions of the specification, with whether each was applied or expired.
    #[serde(default)]
    pub suppressions: Vec<SuppressionRecord>,
    /// Drift since the previous qualification.
    #[serde(default)]
    pub drift: Vec<DriftItem>,
    /// SHA-256 of the previous report of the same qualification (`null` for the first).
    pub previous_report_sha256: Option<String>,
    /// What was qualified: every target with its type, identifier, checks, parameters,
    /// expected properties and requirements (the IQ/OQ build specification as resolved).
    #[serde(default)]
    pub targets: Vec<crate::observe::Target>,
    /// Raw observations the checks were evaluated on (the collector output).
    #[serde(default)]
    pub observations: Vec<crate::observe::Observation>,
    /// Notes on the run: resources discovered but not checkable, unsupported endpoint features.
    #[serde(default)]
    pub notes: Vec<String>,
    /// IQ: the SOUP of the infrastructure code (Terraform, providers, modules) in the working
    /// directory of the run. Absent in reports of earlier provider versions and of runs
    /// outside Terraform.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub soup: Option<crate::soup::SoupInventory>,
}

/// The qualification that ran.
#[derive(Serialize, Deserialize, schemars::JsonSchema, Clone, Debug, PartialEq)]
pub struct QualificationInfo {
    pub name: String,
    pub stages: Vec<Stage>,
    pub enforce: bool,
    /// Why this run happened (initial qualification, drift, spec change, review period...).
    pub reasons: Vec<String>,
    /// Sequence number of this report in the qualification's chain (1 for the first).
    pub sequence: i64,
    /// When the report was given its place in the chain (`sequence` and
    /// `previous_report_sha256`), RFC 3339: not before the run finished, nor before the
    /// previous report was given its place, so `sequence` order and this time agree. A report
    /// spooled while its store was unreachable gets its place when it is filed. Absent in
    /// reports of earlier provider versions, whose chain order is checked on `run.finished_at`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sequenced_at: Option<String>,
    /// Tags of tag-based discovery (`discovery.tags`): every discovered resource carries all
    /// of them. Empty when the qualification does not discover. Import restores them.
    #[serde(default)]
    pub discovery_tags: std::collections::BTreeMap<String, String>,
    /// Catalog checks the qualification's discovered resources do not get
    /// (`discovery.exclude_checks`): deliberately out of scope for every resource discovery
    /// finds, as the team justified in its change record. Absent when none is excluded (and
    /// in reports of earlier provider versions). Import restores them.
    #[serde(default, skip_serializing_if = "std::collections::BTreeSet::is_empty")]
    pub discovery_exclude_checks: std::collections::BTreeSet<String>,
    /// CloudFormation types the Resource Groups Tagging API does not list, enumerated through
    /// their own service (`discovery.enumerate_types`): every resource of the type in the
    /// account and Region carrying all discovery tags where the service reads tags, every one
    /// where the type has none (the notes name each such target). Absent when none is
    /// enumerated (and in reports of earlier provider versions). Import restores them.
    #[serde(default, skip_serializing_if = "std::collections::BTreeSet::is_empty")]
    pub discovery_enumerate_types: std::collections::BTreeSet<String>,
}

/// The specification qualified against.
#[derive(Serialize, Deserialize, schemars::JsonSchema, Clone, Debug, PartialEq)]
pub struct SpecInfo {
    pub name: String,
    pub version: String,
    pub digest: String,
    pub approval: Approval,
    /// SHA-256 of the canonical form without signatures: what approvers signed. Present when
    /// the specification carries signatures or a signature policy applies.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signing_digest: Option<String>,
    /// Every electronic signature of the specification with its verification result.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub signatures: Vec<crate::approval::SignatureRecord>,
    /// The signature policy applied: meanings that needed verified signatures from distinct
    /// signers (the specification's and the qualification's, merged).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub required_signatures: Vec<String>,
    /// Whether the policy was met; absent without a policy.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signature_policy_met: Option<bool>,
}

/// The system covered.
#[derive(Serialize, Deserialize, schemars::JsonSchema, Clone, Debug, PartialEq)]
pub struct SystemInfo {
    pub application: String,
    pub environment: String,
    #[serde(default)]
    pub gamp_category: Option<i64>,
    #[serde(default)]
    pub risk_class: Option<String>,
}

/// Who, what and when.
#[derive(Serialize, Deserialize, schemars::JsonSchema, Clone, Debug, PartialEq)]
pub struct RunInfo {
    pub started_at: String,
    pub finished_at: String,
    pub caller_arn: Option<String>,
    pub account: Option<String>,
    pub region: String,
    pub provider_version: String,
    pub terraform_version: String,
    /// Configuration commit (e.g. from CI), when given.
    pub configuration_commit: Option<String>,
}

/// Where the report is filed and how it is protected.
#[derive(Serialize, Deserialize, schemars::JsonSchema, Clone, Debug, PartialEq)]
pub struct StoreInfo {
    pub location: String,
    pub protected: bool,
    pub protection: String,
    /// Set when the store was accepted without versioning/Object Lock.
    pub unprotected_store_allowed: bool,
}

/// One check on one resource (or one property of one resource, for IQ property checks).
#[derive(Serialize, Deserialize, schemars::JsonSchema, Clone, Debug, PartialEq)]
pub struct CheckResult {
    pub check_id: String,
    pub title: String,
    pub stage: Stage,
    pub severity: SeverityClass,
    /// Spec key of the resource or stack (`stack:NAME` for stack checks).
    pub target: String,
    pub resource_type: String,
    pub identifier: String,
    /// Property path, for `iq.resource_properties`.
    #[serde(default)]
    pub property: Option<String>,
    pub status: Status,
    pub expected: String,
    pub actual: String,
    #[serde(default)]
    pub detail: Option<String>,
    pub controls: Vec<String>,
    pub requirements: Vec<String>,
    pub remediation: String,
    #[serde(default)]
    pub suppression: Option<SuppressionRecord>,
    /// The principal the result is about (an IAM user's ARN, an access key, a policy), for
    /// checks that give one result per principal of the account; absent otherwise.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subject: Option<String>,
}

/// Counts of results.
#[derive(Serialize, Deserialize, schemars::JsonSchema, Clone, Debug, PartialEq, Default)]
pub struct Summary {
    pub total: i64,
    pub passed: i64,
    pub failed: i64,
    pub error: i64,
    pub suppressed: i64,
    /// `failed` when something failed; else `error` when something could not be evaluated
    /// or there is no result at all (nothing was qualified); else `passed`.
    pub status: Status,
}

impl Summary {
    /// Count results and derive the overall status.
    pub fn of(results: &[CheckResult]) -> Summary {
        let mut s = Summary::default();
        for r in results {
            s.total += 1;
            match r.status {
                Status::Passed => s.passed += 1,
                Status::Failed => s.failed += 1,
                Status::Error => s.error += 1,
                Status::Suppressed => s.suppressed += 1,
            }
        }
        s.status = if s.failed > 0 {
            Status::Failed
        } else if s.error > 0 || s.total == 0 {
            // No result: nothing was qualified, which is never a pass.
            Status::Error
        } else {
            Status::Passed
        };
        s
    }
}

/// A row of the traceability matrix: requirement → controls → checks → results → evidence.
#[derive(Serialize, Deserialize, schemars::JsonSchema, Clone, Debug, PartialEq)]
pub struct TraceRow {
    pub requirement: String,
    pub text: String,
    pub controls: Vec<String>,
    /// `CHECK_ID@TARGET` of every result tracing to the requirement, sorted and without
    /// repeats (a compact list; `results` has each result).
    pub checks: Vec<String>,
    /// Combined status of `results`: `failed` if one failed, else `error` if one could not be
    /// evaluated, else `passed`; `error` when no result traces to the requirement.
    pub status: Status,
    /// Location of the evidence: this report.
    pub evidence: String,
    /// Every result tracing to the requirement, in report order.
    #[serde(default)]
    pub results: Vec<TraceResult>,
}

/// One result in the traceability matrix, with a reference to its evidence.
#[derive(Serialize, Deserialize, schemars::JsonSchema, Clone, Debug, PartialEq)]
pub struct TraceResult {
    pub check_id: String,
    /// Spec key of the resource or stack (`stack:NAME`), as in the result.
    pub target: String,
    pub resource_type: String,
    pub identifier: String,
    /// Property path, for `iq.resource_properties` and stack property checks.
    #[serde(default)]
    pub property: Option<String>,
    /// The principal, for results of one principal (as in the result).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subject: Option<String>,
    pub status: Status,
    /// Index of the result in the report's `results` (0-based).
    pub result_index: u64,
    /// Where the result is: the report location with the JSON Pointer of the result as
    /// fragment, `LOCATION#/results/INDEX`. The HTML report anchors the same result as
    /// `#result-INDEX`.
    pub evidence: String,
}

impl TraceResult {
    /// The matrix entry of `result`, the `index`-th of the report filed at `location`.
    pub fn of(index: usize, result: &CheckResult, location: &str) -> TraceResult {
        TraceResult {
            check_id: result.check_id.clone(),
            target: result.target.clone(),
            resource_type: result.resource_type.clone(),
            identifier: result.identifier.clone(),
            property: result.property.clone(),
            subject: result.subject.clone(),
            status: result.status,
            result_index: index as u64,
            evidence: format!("{location}#/results/{index}"),
        }
    }
}

/// A suppression and how it was applied.
#[derive(Serialize, Deserialize, schemars::JsonSchema, Clone, Debug, PartialEq)]
pub struct SuppressionRecord {
    pub check: String,
    pub resource_key: String,
    pub reason: String,
    pub approved_by: String,
    pub expires: Option<String>,
    /// `applied`, `expired` (counted as a failure) or `unused`.
    pub state: String,
}

/// One drifted property.
#[derive(
    Serialize, Deserialize, schemars::JsonSchema, Clone, Debug, PartialEq, Eq, PartialOrd, Ord,
)]
pub struct DriftItem {
    pub target: String,
    pub resource_type: String,
    pub identifier: String,
    pub property: String,
    pub class: SeverityClass,
    /// Value at the last qualification (compact JSON, `absent` when not configured).
    pub qualified: String,
    /// Value now.
    pub current: String,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::{SeverityClass, Stage};

    fn result(status: Status) -> CheckResult {
        CheckResult {
            check_id: "s3.versioning".into(),
            title: "t".into(),
            stage: Stage::Oq,
            severity: SeverityClass::Security,
            target: "b".into(),
            resource_type: "AWS::S3::Bucket".into(),
            identifier: "b".into(),
            property: None,
            status,
            expected: "e".into(),
            actual: "a".into(),
            detail: None,
            controls: vec![],
            requirements: vec![],
            remediation: "r".into(),
            suppression: None,
            subject: None,
        }
    }

    fn summary(statuses: &[Status]) -> Summary {
        let results: Vec<CheckResult> = statuses.iter().map(|s| result(*s)).collect();
        Summary::of(&results)
    }

    #[test]
    fn summary_counts_each_status() {
        use Status::*;
        let s = summary(&[Passed, Passed, Failed, Error, Suppressed]);
        assert_eq!(
            (s.total, s.passed, s.failed, s.error, s.suppressed),
            (5, 2, 1, 1, 1)
        );
    }

    #[test]
    fn summary_status_is_failed_then_error_then_passed() {
        use Status::*;
        assert_eq!(summary(&[Passed, Error, Failed]).status, Failed);
        assert_eq!(summary(&[Passed, Error]).status, Error);
        assert_eq!(summary(&[Passed, Suppressed]).status, Passed);
        assert_eq!(summary(&[Suppressed]).status, Passed);
    }

    #[test]
    fn summary_without_results_is_not_passed() {
        let s = summary(&[]);
        assert_eq!(s.total, 0);
        assert_eq!(s.status, Status::Error, "nothing qualified is never a pass");
    }
}
