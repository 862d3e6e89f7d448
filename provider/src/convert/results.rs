//! A run's outcome as Terraform diagnostics: the engine's messages, and one diagnostic per
//! failed or unevaluable check up to a cap, with a summary naming every check beyond it —
//! errors when the run is enforced, warnings when it is not (`enforce = false`).

use std::collections::BTreeMap;

use tf_provider::Diagnostics;

use gxp_core::checks::Status;
use gxp_core::qualification::{Message, Severity};
use gxp_core::report::{CheckResult, Report};

/// At most this many per-check diagnostics; the rest are summarised.
pub const MAX_CHECK_DIAGNOSTICS: usize = 50;

/// The engine's messages of a run, at the root of the configuration.
pub fn report_messages(diags: &mut Diagnostics, messages: impl IntoIterator<Item = Message>) {
    for m in messages {
        match m.severity {
            Severity::Error => diags.root_error(m.summary, m.detail),
            Severity::Warning => diags.root_warning(m.summary, m.detail),
        }
    }
}

/// The level of the per-check diagnostics: errors fail the apply, warnings do not.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Level {
    Error,
    Warning,
}

fn push(diags: &mut Diagnostics, level: Level, summary: String, detail: String) {
    match level {
        Level::Error => diags.root_error(summary, detail),
        Level::Warning => diags.root_warning(summary, detail),
    }
}

/// One diagnostic per failed or unevaluable check, at `level`, up to
/// [`MAX_CHECK_DIAGNOSTICS`], then one naming the checks beyond the cap.
pub fn report_results(diags: &mut Diagnostics, results: &[CheckResult], level: Level) {
    let bad: Vec<&CheckResult> = results
        .iter()
        .filter(|r| matches!(r.status, Status::Failed | Status::Error))
        .collect();
    for r in bad.iter().take(MAX_CHECK_DIAGNOSTICS) {
        let what = match &r.property {
            Some(p) => format!("{} {p}", r.check_id),
            None => r.check_id.clone(),
        };
        let on = match &r.subject {
            Some(s) => format!("{} ({s})", r.target),
            None => r.target.clone(),
        };
        let summary = match r.status {
            Status::Failed => format!("Qualification check failed: {what} on {on}"),
            _ => format!("Qualification check could not be evaluated: {what} on {on}"),
        };
        let mut detail = format!(
            "{} ({} {})\nexpected: {}\nactual:   {}",
            r.title, r.resource_type, r.identifier, r.expected, r.actual
        );
        if let Some(d) = &r.detail {
            detail.push_str(&format!("\ndetail:   {d}"));
        }
        detail.push_str(&format!("\nremediation: {}", r.remediation));
        push(diags, level, summary, detail);
    }
    if bad.len() > MAX_CHECK_DIAGNOSTICS {
        let (summary, detail) = beyond_the_cap(&bad[MAX_CHECK_DIAGNOSTICS..]);
        push(diags, level, summary, detail);
    }
}

/// Summary and detail of the warning that closes an unenforced run with failed or
/// unevaluable checks: the counts, that the apply succeeded only because of
/// `enforce = false`, and where the report is filed.
pub fn enforce_off_summary(report: &Report, location: &str) -> (String, String) {
    let s = &report.summary;
    (
        format!(
            "Qualification recorded {} failed and {} unevaluable check results (enforce = false)",
            s.failed, s.error
        ),
        format!(
            "The apply succeeds because enforce = false. Report: {location}. Set enforce = true \
             to fail the apply on failed or unevaluable checks."
        ),
    )
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
            subject: None,
        }
    }

    /// The diagnostics of `level`, and that the other level got none.
    fn at(diags: &Diagnostics, level: Level) -> &Vec<tf_provider::Diagnostic> {
        let (mine, other) = match level {
            Level::Error => (&diags.errors, &diags.warnings),
            Level::Warning => (&diags.warnings, &diags.errors),
        };
        assert!(other.is_empty(), "{level:?} only");
        mine
    }

    #[test]
    fn the_checks_behind_the_diagnostic_cap_are_named_with_their_counts() {
        for level in [Level::Error, Level::Warning] {
            the_cap_at(level);
        }
    }

    fn the_cap_at(level: Level) {
        // 50 versioning failures fill the cap; the other checks would go unnamed.
        let mut results: Vec<CheckResult> = (0..50)
            .map(|i| result("s3.versioning", i, Status::Failed))
            .collect();
        results.extend((0..3).map(|i| result("s3.public_access_block", i, Status::Failed)));
        results.extend((0..2).map(|i| result("kms.rotation", i, Status::Error)));
        results.push(result("kms.rotation", 9, Status::Failed));
        results.push(result("s3.tls_only", 0, Status::Passed));
        let mut diags = Diagnostics::default();
        report_results(&mut diags, &results, level);
        let found = at(&diags, level);
        assert_eq!(found.len(), MAX_CHECK_DIAGNOSTICS + 1);
        assert_eq!(
            found[0].summary,
            "Qualification check failed: s3.versioning on r0"
        );
        let last = found.last().unwrap();
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
        report_results(&mut diags, &results[..10], level);
        assert_eq!(at(&diags, level).len(), 10);
    }

    #[test]
    fn an_unenforced_run_is_summarised_with_its_counts_and_report() {
        let mut report = gxp_core::report::formats::sample_report();
        report.qualification.enforce = false;
        let (summary, detail) = enforce_off_summary(&report, "s3://evidence/r.json");
        assert_eq!(
            summary,
            "Qualification recorded 1 failed and 1 unevaluable check results (enforce = false)"
        );
        assert_eq!(
            detail,
            "The apply succeeds because enforce = false. Report: s3://evidence/r.json. Set \
             enforce = true to fail the apply on failed or unevaluable checks."
        );
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
