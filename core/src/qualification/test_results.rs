//! Check results for the unit tests of the run's phases.

use crate::catalog::{SeverityClass, Stage};
use crate::checks::Status;
use crate::report::CheckResult;

/// An OQ security result of `check` on the bucket `target`, tracing to `reqs`.
pub(crate) fn res(check: &str, target: &str, status: Status, reqs: &[&str]) -> CheckResult {
    CheckResult {
        check_id: check.into(),
        title: "t".into(),
        stage: Stage::Oq,
        severity: SeverityClass::Security,
        target: target.into(),
        resource_type: "AWS::S3::Bucket".into(),
        identifier: target.into(),
        property: None,
        status,
        expected: "e".into(),
        actual: "a".into(),
        detail: None,
        controls: vec![],
        requirements: reqs.iter().map(|s| s.to_string()).collect(),
        remediation: "r".into(),
        suppression: None,
        subject: None,
    }
}
