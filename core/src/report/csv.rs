//! CSV report in the layout of cdk-nag's compliance reports, so tools and spreadsheets built
//! for those read it unchanged: `Rule ID,Resource ID,Compliance,Exception Reason,Rule Level,Rule Info`.
//!
//! - Rule ID: the check id; for IQ property comparisons `CHECK_ID[PROPERTY]` (cdk-nag's
//!   `RULE[FINDING]` notation), so every row is one result.
//! - Resource ID: the spec key of the resource (`stack:NAME` for stacks, `discovered:ARN` for
//!   discovered resources) — like cdk-nag's construct path, the name in the source; for a
//!   result of one principal of the account, `TARGET[PRINCIPAL]` (`account[arn:aws:iam::…:user/alice]`).
//! - Compliance: `Compliant`, `Non-Compliant`, `Suppressed`, or `UNKNOWN` for a check that
//!   could not be evaluated (cdk-nag's value for a rule that errored).
//! - Exception Reason: the suppression's reason, else `N/A`.
//! - Rule Level: `Error` for security-class checks, `Warning` for the others.
//! - Rule Info: the check title.
//!
//! Every field is quoted (as cdk-nag does), quotes doubled, records end with CRLF (RFC 4180).

use ::csv::{QuoteStyle, Terminator, WriterBuilder};

use crate::catalog::SeverityClass;
use crate::checks::Status;

use super::{CheckResult, Report};

/// The header row.
pub const HEADER: [&str; 6] = [
    "Rule ID",
    "Resource ID",
    "Compliance",
    "Exception Reason",
    "Rule Level",
    "Rule Info",
];

/// cdk-nag's compliance value of a status.
pub fn compliance(status: Status) -> &'static str {
    match status {
        Status::Passed => "Compliant",
        Status::Failed => "Non-Compliant",
        Status::Suppressed => "Suppressed",
        Status::Error => "UNKNOWN",
    }
}

/// cdk-nag's rule level of a severity class.
pub fn rule_level(severity: SeverityClass) -> &'static str {
    match severity {
        SeverityClass::Security => "Error",
        SeverityClass::Functional | SeverityClass::Cosmetic => "Warning",
    }
}

fn row(r: &CheckResult) -> [String; 6] {
    let rule_id = match &r.property {
        Some(p) => format!("{}[{p}]", r.check_id),
        None => r.check_id.clone(),
    };
    let reason = match (&r.status, &r.suppression) {
        (Status::Suppressed, Some(s)) => s.reason.clone(),
        _ => "N/A".to_string(),
    };
    let resource_id = match &r.subject {
        Some(who) => format!("{}[{who}]", r.target),
        None => r.target.clone(),
    };
    [
        rule_id,
        resource_id,
        compliance(r.status).to_string(),
        reason,
        rule_level(r.severity).to_string(),
        r.title.clone(),
    ]
}

/// Render the results as CSV, one row per result.
pub fn render(report: &Report) -> Result<Vec<u8>, String> {
    let mut w = WriterBuilder::new()
        .quote_style(QuoteStyle::Always)
        .terminator(Terminator::CRLF)
        .from_writer(Vec::new());
    w.write_record(HEADER).map_err(|e| e.to_string())?;
    for r in &report.results {
        w.write_record(row(r)).map_err(|e| e.to_string())?;
    }
    w.into_inner().map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::formats::sample_report;

    #[test]
    fn csv_parses_back_with_header_and_a_row_per_result() {
        let report = sample_report();
        let bytes = render(&report).unwrap();
        let text = String::from_utf8(bytes.clone()).unwrap();
        assert!(text.starts_with(
            "\"Rule ID\",\"Resource ID\",\"Compliance\",\"Exception Reason\",\"Rule Level\",\"Rule Info\"\r\n"
        ));
        let mut reader = ::csv::Reader::from_reader(bytes.as_slice());
        assert_eq!(
            reader.headers().unwrap(),
            &::csv::StringRecord::from(HEADER.to_vec())
        );
        let rows: Vec<Vec<String>> = reader
            .records()
            .map(|r| r.unwrap().iter().map(str::to_string).collect())
            .collect();
        assert_eq!(rows.len(), report.results.len());
        let s = |v: &[&str]| v.iter().map(|x| x.to_string()).collect::<Vec<_>>();
        assert_eq!(
            rows[0],
            s(&[
                "iq.stack_status",
                "stack:lims-core",
                "Compliant",
                "N/A",
                "Warning",
                "Stack is in a complete state"
            ])
        );
        assert_eq!(
            rows[1][0],
            "iq.resource_properties[VersioningConfiguration]"
        );
        assert_eq!(
            rows[2],
            s(&[
                "s3.encryption",
                "evidence_bucket",
                "Non-Compliant",
                "N/A",
                "Error",
                "Default encryption with KMS"
            ])
        );
        assert_eq!(rows[3][2], "UNKNOWN");
        assert_eq!(
            rows[4][..4],
            s(&[
                "s3.object_lock",
                "evidence_bucket",
                "Suppressed",
                "Retention enforced by the archive account; see CAPA-17 \"lock\" <plan> & memo"
            ])[..]
        );
    }

    #[test]
    fn csv_quotes_commas_quotes_and_line_breaks() {
        let mut report = sample_report();
        report.results[0].title = "a, \"b\"\nc".into();
        let bytes = render(&report).unwrap();
        assert!(String::from_utf8_lossy(&bytes).contains("\"a, \"\"b\"\"\nc\""));
        let mut reader = ::csv::Reader::from_reader(bytes.as_slice());
        let first = reader.records().next().unwrap().unwrap();
        assert_eq!(&first[5], "a, \"b\"\nc");
        assert_eq!(reader.records().count(), 4);
    }
}
