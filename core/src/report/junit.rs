//! JUnit XML report for CI systems: one `<testsuite>` per stage, one `<testcase>` per result
//! (`classname` = check id, `name` = `CHECK_ID @ TARGET[ PROPERTY]`), `<failure>` for failed,
//! `<error>` for unevaluable, `<skipped>` for suppressed checks; every test case carries its
//! expected and actual values in `<system-out>`.

use quick_xml::events::{BytesDecl, BytesText, Event};
use quick_xml::Writer;

use crate::catalog::Stage;
use crate::checks::Status;
use crate::util::parse_time;

use super::{CheckResult, Report};

/// Replace characters XML 1.0 cannot carry (control characters other than tab, line feed and
/// carriage return; U+FFFE, U+FFFF) with U+FFFD.
pub fn xml_safe(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            '\t' | '\n' | '\r' => c,
            c if (c as u32) < 0x20 || c == '\u{fffe}' || c == '\u{ffff}' => '\u{fffd}',
            c => c,
        })
        .collect()
}

/// An attribute value on one line (parsers turn line breaks in attributes into spaces anyway).
fn attr(text: &str) -> String {
    xml_safe(text).replace(['\r', '\n', '\t'], " ")
}

/// `CHECK_ID @ TARGET[ PROPERTY]`, or `CHECK_ID @ TARGET SUBJECT` for a result of one
/// principal.
pub fn case_name(r: &CheckResult) -> String {
    match (&r.property, &r.subject) {
        (Some(p), _) => format!("{} @ {} {p}", r.check_id, r.target),
        (None, Some(who)) => format!("{} @ {} {who}", r.check_id, r.target),
        (None, None) => format!("{} @ {}", r.check_id, r.target),
    }
}

fn body(r: &CheckResult) -> String {
    let mut text = format!(
        "{}\nresource: {} {}\nexpected: {}\nactual: {}\n",
        r.title, r.resource_type, r.identifier, r.expected, r.actual
    );
    if let Some(who) = &r.subject {
        text.push_str(&format!("principal: {who}\n"));
    }
    if let Some(d) = &r.detail {
        text.push_str(&format!("detail: {d}\n"));
    }
    text.push_str(&format!(
        "severity: {}\ncontrols: {}\nrequirements: {}\n",
        r.severity,
        r.controls.join(", "),
        r.requirements.join(", ")
    ));
    if let Some(s) = &r.suppression {
        text.push_str(&format!(
            "suppressed: {} (approved by {}, expires {})\n",
            s.reason,
            s.approved_by,
            s.expires.as_deref().unwrap_or("never")
        ));
    }
    if matches!(r.status, Status::Failed | Status::Error) {
        text.push_str(&format!("remediation: {}\n", r.remediation));
    }
    xml_safe(&text)
}

/// Run duration in seconds, when both timestamps parse.
fn duration(report: &Report) -> Option<String> {
    let start = parse_time(&report.run.started_at)?;
    let end = parse_time(&report.run.finished_at)?;
    let secs = (end - start).as_seconds_f64().max(0.0);
    Some(format!("{secs:.3}"))
}

struct Counts {
    tests: usize,
    failures: usize,
    errors: usize,
    skipped: usize,
}

fn counts<'a>(results: impl Iterator<Item = &'a CheckResult>) -> Counts {
    let mut c = Counts {
        tests: 0,
        failures: 0,
        errors: 0,
        skipped: 0,
    };
    for r in results {
        c.tests += 1;
        match r.status {
            Status::Passed => {}
            Status::Failed => c.failures += 1,
            Status::Error => c.errors += 1,
            Status::Suppressed => c.skipped += 1,
        }
    }
    c
}

/// Stages of the run: those configured plus any that has results, in qualification order.
fn stages(report: &Report) -> Vec<Stage> {
    Stage::ALL
        .into_iter()
        .filter(|s| {
            report.qualification.stages.contains(s) || report.results.iter().any(|r| r.stage == *s)
        })
        .collect()
}

/// Render a report as JUnit XML.
pub fn render(report: &Report) -> Result<Vec<u8>, String> {
    write(report).map_err(|e| e.to_string())
}

fn write(report: &Report) -> std::io::Result<Vec<u8>> {
    let mut w = Writer::new_with_indent(Vec::new(), b' ', 2);
    w.write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)))?;
    let all = counts(report.results.iter());
    let time = duration(report);
    let properties = [
        ("report_id", report.report_id.clone()),
        ("report_format", report.format.clone()),
        ("qualification", report.qualification.name.clone()),
        ("sequence", report.qualification.sequence.to_string()),
        ("application", report.system.application.clone()),
        ("environment", report.system.environment.clone()),
        ("spec_name", report.spec.name.clone()),
        ("spec_version", report.spec.version.clone()),
        ("spec_digest", report.spec.digest.clone()),
        ("region", report.run.region.clone()),
        ("account", report.run.account.clone().unwrap_or_default()),
        (
            "caller_arn",
            report.run.caller_arn.clone().unwrap_or_default(),
        ),
        ("evidence_location", report.evidence_store.location.clone()),
        ("overall_status", report.summary.status.as_str().to_string()),
    ];
    let suites_name = attr(&format!("gxp qualification {}", report.qualification.name));
    let (tests, failures, errors, skipped) = (
        all.tests.to_string(),
        all.failures.to_string(),
        all.errors.to_string(),
        all.skipped.to_string(),
    );
    let mut root = w.create_element("testsuites").with_attributes([
        ("name", suites_name.as_str()),
        ("tests", tests.as_str()),
        ("failures", failures.as_str()),
        ("errors", errors.as_str()),
        ("skipped", skipped.as_str()),
    ]);
    if let Some(t) = &time {
        root = root.with_attribute(("time", t.as_str()));
    }
    let timestamp = attr(&report.run.finished_at);
    root.write_inner_content(|w| {
        for (id, stage) in stages(report).into_iter().enumerate() {
            let results: Vec<&CheckResult> =
                report.results.iter().filter(|r| r.stage == stage).collect();
            let c = counts(results.iter().copied());
            let (id, tests, failures, errors, skipped) = (
                id.to_string(),
                c.tests.to_string(),
                c.failures.to_string(),
                c.errors.to_string(),
                c.skipped.to_string(),
            );
            w.create_element("testsuite")
                .with_attributes([
                    ("name", stage.as_str()),
                    ("id", id.as_str()),
                    ("tests", tests.as_str()),
                    ("failures", failures.as_str()),
                    ("errors", errors.as_str()),
                    ("skipped", skipped.as_str()),
                    ("timestamp", timestamp.as_str()),
                ])
                .write_inner_content(|w| {
                    w.create_element("properties").write_inner_content(|w| {
                        for (k, v) in &properties {
                            let v = attr(v);
                            w.create_element("property")
                                .with_attributes([("name", *k), ("value", v.as_str())])
                                .write_empty()?;
                        }
                        Ok(())
                    })?;
                    for r in &results {
                        testcase(w, r)?;
                    }
                    Ok(())
                })?;
        }
        Ok(())
    })?;
    let mut out = w.into_inner();
    out.push(b'\n');
    Ok(out)
}

fn testcase(w: &mut Writer<Vec<u8>>, r: &CheckResult) -> std::io::Result<()> {
    let classname = attr(&r.check_id);
    let name = attr(&case_name(r));
    w.create_element("testcase")
        .with_attributes([("classname", classname.as_str()), ("name", name.as_str())])
        .write_inner_content(|w| {
            match r.status {
                Status::Passed => {}
                Status::Failed => {
                    let message = attr(&format!("expected: {}; actual: {}", r.expected, r.actual));
                    w.create_element("failure")
                        .with_attributes([("message", message.as_str()), ("type", "failed")])
                        .write_text_content(BytesText::new(&body(r)))?;
                }
                Status::Error => {
                    let why = r.detail.as_deref().unwrap_or(&r.actual);
                    let message = attr(&format!("could not be evaluated: {why}"));
                    w.create_element("error")
                        .with_attributes([("message", message.as_str()), ("type", "error")])
                        .write_text_content(BytesText::new(&body(r)))?;
                }
                Status::Suppressed => {
                    let reason = r
                        .suppression
                        .as_ref()
                        .map(|s| s.reason.as_str())
                        .unwrap_or("no reason recorded");
                    let message = attr(&format!("suppressed: {reason}"));
                    w.create_element("skipped")
                        .with_attribute(("message", message.as_str()))
                        .write_empty()?;
                }
            }
            w.create_element("system-out")
                .write_text_content(BytesText::new(&body(r)))?;
            Ok(())
        })?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use quick_xml::events::Event;
    use quick_xml::Reader;

    use super::*;
    use crate::report::formats::sample_report;

    #[derive(Debug, Default)]
    struct Parsed {
        suites: Vec<(String, [usize; 4])>,
        root: [usize; 4],
        cases: Vec<(String, String)>,
        failures: Vec<String>,
        errors: Vec<String>,
        skipped: Vec<String>,
    }

    fn parse(xml: &[u8]) -> Parsed {
        let mut reader = Reader::from_reader(xml);
        let mut p = Parsed::default();
        let mut buf = Vec::new();
        let nums = |e: &quick_xml::events::BytesStart| {
            let get = |k: &str| -> usize {
                e.try_get_attribute(k)
                    .unwrap()
                    .unwrap_or_else(|| panic!("missing {k}"))
                    .normalized_value(quick_xml::XmlVersion::Implicit1_0)
                    .unwrap()
                    .parse()
                    .unwrap()
            };
            [get("tests"), get("failures"), get("errors"), get("skipped")]
        };
        let val = |e: &quick_xml::events::BytesStart, k: &str| -> String {
            e.try_get_attribute(k)
                .unwrap()
                .unwrap_or_else(|| panic!("missing {k}"))
                .normalized_value(quick_xml::XmlVersion::Implicit1_0)
                .unwrap()
                .into_owned()
        };
        loop {
            match reader.read_event_into(&mut buf).expect("well-formed XML") {
                Event::Eof => break,
                Event::Start(e) | Event::Empty(e) => match e.name().as_ref() {
                    "testsuites" => p.root = nums(&e),
                    "testsuite" => p.suites.push((val(&e, "name"), nums(&e))),
                    "testcase" => p.cases.push((val(&e, "classname"), val(&e, "name"))),
                    "failure" => p.failures.push(val(&e, "message")),
                    "error" => p.errors.push(val(&e, "message")),
                    "skipped" => p.skipped.push(val(&e, "message")),
                    _ => {}
                },
                _ => {}
            }
            buf.clear();
        }
        p
    }

    #[test]
    fn junit_has_a_suite_per_stage_and_a_case_per_result() {
        let report = sample_report();
        let xml = render(&report).unwrap();
        let p = parse(&xml);
        assert_eq!(p.root, [5, 1, 1, 1]);
        assert_eq!(
            p.suites,
            [
                ("IQ".to_string(), [2, 0, 0, 0]),
                ("OQ".to_string(), [2, 1, 0, 1]),
                ("PQ".to_string(), [1, 0, 1, 0]),
            ]
        );
        let expected: Vec<(String, String)> = Stage::ALL
            .iter()
            .flat_map(|s| report.results.iter().filter(move |r| r.stage == *s))
            .map(|r| (r.check_id.clone(), case_name(r)))
            .collect();
        assert_eq!(p.cases, expected);
        assert_eq!(
            p.cases[1].1,
            "iq.resource_properties @ evidence_bucket VersioningConfiguration"
        );
        assert_eq!(p.failures.len(), 1);
        assert!(p.failures[0].starts_with("expected: aws:kms with key arn:aws:kms:"));
        assert!(p.failures[0]
            .contains("actual: AES256 (S3-managed keys) — <not KMS> & \"unmanaged\", région ü"));
        assert_eq!(p.errors.len(), 1);
        assert!(p.errors[0].contains("AccessDenied"), "{}", p.errors[0]);
        assert!(!p.errors[0].contains('\n'));
        assert_eq!(
            p.skipped,
            ["suppressed: Retention enforced by the archive account; see CAPA-17 \"lock\" <plan> & memo"]
        );
    }

    #[test]
    fn junit_text_is_escaped_and_xml_safe() {
        let mut report = sample_report();
        report.results[2].actual = "bell\u{7} </failure><x>".into();
        let xml = render(&report).unwrap();
        let text = String::from_utf8(xml.clone()).unwrap();
        assert!(text.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>"));
        assert!(!text.contains('\u{7}'));
        assert!(text.contains("&lt;/failure&gt;&lt;x&gt;"));
        let p = parse(&xml);
        assert_eq!(p.cases.len(), 5);
        assert!(p.failures[0].ends_with("actual: bell\u{fffd} </failure><x>"));
    }

    #[test]
    fn empty_stages_still_get_a_suite() {
        let mut report = sample_report();
        report.results.retain(|r| r.stage == Stage::Iq);
        let p = parse(&render(&report).unwrap());
        let names: Vec<&str> = p.suites.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names, ["IQ", "OQ", "PQ"]);
        assert_eq!(p.suites[2].1, [0, 0, 0, 0]);
    }
}
