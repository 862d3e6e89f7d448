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

/// Subject line (SNS allows 100 characters).
pub fn subject(report: &Report) -> String {
    let s = format!(
        "GxP qualification {} {}: {} passed, {} failed, {} errors",
        report.qualification.name,
        report.summary.status.as_str(),
        report.summary.passed,
        report.summary.failed,
        report.summary.error
    );
    s.chars().take(100).collect()
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
