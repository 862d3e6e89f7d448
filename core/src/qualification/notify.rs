//! Notification after each run: the summary and report location to an SNS topic.

use serde_json::json;

use crate::aws::AwsContext;
use crate::report::Report;

/// The message published for a run (JSON, for people and subscribers alike).
pub fn message(report: &Report, location: &str, sha256: &str) -> String {
    serde_json::to_string_pretty(&json!({
        "qualification": report.qualification.name,
        "status": report.summary.status,
        "summary": report.summary,
        "application": report.system.application,
        "environment": report.system.environment,
        "spec": { "name": report.spec.name, "version": report.spec.version, "digest": report.spec.digest },
        "report_id": report.report_id,
        "report_location": location,
        "report_sha256": sha256,
        "finished_at": report.run.finished_at,
        "reasons": report.qualification.reasons,
    }))
    .unwrap_or_default()
}

/// Subject line. SNS accepts at most 100 printable ASCII characters and rejects the whole
/// publish otherwise, so other characters (e.g. in a qualification name) become `?`.
pub fn subject(report: &Report) -> String {
    let s = format!(
        "GxP qualification {} {}: {} passed, {} failed, {} errors",
        report.qualification.name,
        report.summary.status.as_str(),
        report.summary.passed,
        report.summary.failed,
        report.summary.error
    );
    s.chars()
        .map(|c| {
            if c.is_ascii_graphic() || c == ' ' {
                c
            } else {
                '?'
            }
        })
        .take(100)
        .collect()
}

/// Publish; returns the message id.
pub async fn publish(
    aws: &AwsContext,
    topic_arn: &str,
    report: &Report,
    location: &str,
    sha256: &str,
) -> Result<String, String> {
    aws.sns()
        .publish()
        .topic_arn(topic_arn)
        .subject(subject(report))
        .message(message(report, location, sha256))
        .send()
        .await
        .map(|out| out.message_id.unwrap_or_default())
        .map_err(|e| crate::aws::classify(&e).to_string())
}

#[cfg(test)]
mod tests {
    use serde_json::Value;

    use super::*;
    use crate::report::formats::sample_report;

    const LOCATION: &str = "s3://gxp-evidence/gxp-evidence/application=lims/environment=prod/date=2025-03-04/lims-prod/20250304T101112Z-1a2b3c4d.json";
    const SHA: &str = "0f0e0d0c0b0a09080706050403020100f0e0d0c0b0a090807060504030201000";

    #[test]
    fn message_carries_status_counts_and_location() {
        let report = sample_report();
        let text = message(&report, LOCATION, SHA);
        let m: Value = serde_json::from_str(&text).expect("the message is JSON");
        assert_eq!(m["qualification"], "lims-prod");
        assert_eq!(m["status"], "failed");
        assert_eq!(
            m["summary"],
            serde_json::json!({
                "total": 5, "passed": 2, "failed": 1, "error": 1, "suppressed": 1,
                "status": "failed"
            })
        );
        assert_eq!(m["application"], "lims");
        assert_eq!(m["environment"], "prod");
        assert_eq!(m["spec"]["name"], "LIMS production");
        assert_eq!(m["spec"]["version"], "1.4.0");
        assert_eq!(m["spec"]["digest"], report.spec.digest.as_str());
        assert_eq!(m["report_id"], "20250304T101112Z-1a2b3c4d");
        assert_eq!(m["report_location"], LOCATION);
        assert_eq!(m["report_sha256"], SHA);
        assert_eq!(m["finished_at"], "2025-03-04T10:11:12Z");
        assert_eq!(
            m["reasons"],
            serde_json::json!(["initial qualification", "specification changed"])
        );
    }

    #[test]
    fn subject_names_status_and_counts() {
        assert_eq!(
            subject(&sample_report()),
            "GxP qualification lims-prod failed: 2 passed, 1 failed, 1 errors"
        );
    }

    #[test]
    fn subject_is_printable_ascii() {
        let mut report = sample_report();
        report.qualification.name = "lims-prüfung\n\tλ".into();
        let s = subject(&report);
        assert!(s.starts_with("GxP qualification lims-pr?fung???"), "{s}");
        assert!(s.chars().all(|c| c.is_ascii_graphic() || c == ' '), "{s}");
    }

    #[test]
    fn subject_is_cut_at_100_characters() {
        let mut report = sample_report();
        report.qualification.name = "q".repeat(120);
        let s = subject(&report);
        assert_eq!(s.len(), 100);
        assert_eq!(s, format!("GxP qualification {}", "q".repeat(82)));

        // A short subject is left alone.
        report.qualification.name = "q".into();
        assert_eq!(
            subject(&report),
            "GxP qualification q failed: 2 passed, 1 failed, 1 errors"
        );
    }
}
