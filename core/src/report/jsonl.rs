//! JSON Lines report for bulk query (Athena, Spark, `jq`): one compact JSON object per
//! result, each carrying the report's identity (report id, qualification, application,
//! environment, specification, when), so lines from many reports can be queried together.
//! Every line has the same members (absent values are `null`), as table schemas expect; a
//! result of one principal of the account (an IAM user, an access key, a policy)
//! also has `subject`, the principal (absent, read as `null`, on every other line).

use serde_json::{json, Value};

use super::{CheckResult, Report};

/// The flat record of one result.
pub fn record(report: &Report, r: &CheckResult) -> Value {
    let s = r.suppression.as_ref();
    let mut line = json!({
        "report_id": report.report_id,
        "report_format": report.format,
        "qualification": report.qualification.name,
        "sequence": report.qualification.sequence,
        "application": report.system.application,
        "environment": report.system.environment,
        "spec_name": report.spec.name,
        "spec_version": report.spec.version,
        "spec_digest": report.spec.digest,
        "account": report.run.account,
        "region": report.run.region,
        "started_at": report.run.started_at,
        "finished_at": report.run.finished_at,
        "check_id": r.check_id,
        "title": r.title,
        "stage": r.stage,
        "severity": r.severity,
        "target": r.target,
        "resource_type": r.resource_type,
        "identifier": r.identifier,
        "property": r.property,
        "status": r.status,
        "expected": r.expected,
        "actual": r.actual,
        "detail": r.detail,
        "controls": r.controls,
        "requirements": r.requirements,
        "remediation": r.remediation,
        "suppression_reason": s.map(|s| &s.reason),
        "suppression_approved_by": s.map(|s| &s.approved_by),
        "suppression_expires": s.and_then(|s| s.expires.as_ref()),
    });
    if let (Some(subject), Value::Object(members)) = (&r.subject, &mut line) {
        members.insert("subject".into(), Value::String(subject.clone()));
    }
    line
}

/// Render the results as JSON Lines (each line ends with `\n`).
pub fn render(report: &Report) -> Result<Vec<u8>, String> {
    let mut out = Vec::new();
    for r in &report.results {
        serde_json::to_writer(&mut out, &record(report, r)).map_err(|e| e.to_string())?;
        out.push(b'\n');
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::formats::sample_report;

    #[test]
    fn every_line_parses_and_carries_the_report_identity() {
        let report = sample_report();
        let bytes = render(&report).unwrap();
        let text = String::from_utf8(bytes).unwrap();
        assert!(text.ends_with('\n'));
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), report.results.len());
        let mut keys = None;
        for (line, r) in lines.iter().zip(&report.results) {
            let v: Value = serde_json::from_str(line).expect("line is JSON");
            let obj = v.as_object().unwrap();
            let these: Vec<String> = obj.keys().cloned().collect();
            match &keys {
                None => keys = Some(these),
                Some(k) => assert_eq!(&these, k, "same members on every line"),
            }
            assert_eq!(v["report_id"], report.report_id);
            assert_eq!(v["qualification"], "lims-prod");
            assert_eq!(v["application"], "lims");
            assert_eq!(v["environment"], "prod");
            assert_eq!(v["spec_digest"], report.spec.digest);
            assert_eq!(v["finished_at"], report.run.finished_at);
            assert_eq!(v["check_id"], r.check_id);
            assert_eq!(v["status"], r.status.as_str());
            assert_eq!(v["stage"], r.stage.as_str());
            assert_eq!(v["actual"], r.actual);
        }
        let suppressed: Value = serde_json::from_str(lines[4]).unwrap();
        assert_eq!(suppressed["suppression_expires"], "2031-01-01");
        let passed: Value = serde_json::from_str(lines[0]).unwrap();
        assert_eq!(passed["suppression_reason"], Value::Null);
        assert_eq!(passed["property"], Value::Null);
    }

    #[test]
    fn lines_are_compact_even_with_line_breaks_in_values() {
        let report = sample_report();
        let text = String::from_utf8(render(&report).unwrap()).unwrap();
        // The error detail holds a line break; it stays escaped inside its line.
        assert_eq!(text.matches('\n').count(), report.results.len());
        assert!(text.contains("GetTrailStatus\\non the trail"));
    }
}
