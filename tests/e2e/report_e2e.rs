//! Every report format from real qualifications: a passing run, then a failing run with a
//! suppressed check. The JSON validates against docs/report.schema.json; the HTML parses
//! without errors, has no external assets and holds every section, check and traceability
//! link; the PDF's summary table holds the report's counts per stage; the JUnit XML's test
//! cases, failures, errors and skips equal the report's summary.
//!
//! The `gxp_report` data source, read from a separate configuration as a release pipeline
//! would: the latest report of a qualification (by chain sequence), a named report, and a
//! failed run's report that stops the gate.

use std::collections::BTreeMap;

use aws_sdk_s3::types::{BucketVersioningStatus, PublicAccessBlockConfiguration};
use serde_json::Value;

use crate::harness::{Emulator, Workspace};
use crate::qualification::{
    assert_filed_reports_valid, assert_schema_valid, config, keys, object, passing, s3,
    set_versioning, split_s3, DATA, EVIDENCE, S3_STORE,
};

const FORMATS: &str = "report_formats = [\"html\", \"pdf\", \"junit\", \"csv\", \"jsonl\"]\n  enforce = false\n  configuration_commit = \"9d1f0c3e5b7a2468ace0bdf13579ace02468bdf1\"";
/// The pipeline commit [`FORMATS`] records.
const COMMIT: &str = "9d1f0c3e5b7a2468ace0bdf13579ace02468bdf1";
const SUPPRESSION: &str = "suppression {\n    check = \"s3.public_access_block\"\n    resource_key = \"data_bucket\"\n    reason = \"Public read needed for the published SOP site until CR-2026-077\"\n    approved_by = \"qa.lead@example.com\"\n    expires = \"2099-12-31\"\n  }";

async fn artifacts(
    sdk: &aws_config::SdkConfig,
    location: &str,
) -> (Value, Vec<u8>, String, Vec<u8>, String, String, String) {
    let (bucket, key) = split_s3(location);
    let base = key.strip_suffix(".json").unwrap();
    let json = object(sdk, &bucket, &key).await;
    assert_schema_valid(&json);
    let report: Value = serde_json::from_slice(&json).unwrap();
    let html = String::from_utf8(object(sdk, &bucket, &format!("{base}.html")).await).unwrap();
    let pdf = object(sdk, &bucket, &format!("{base}.pdf")).await;
    let junit =
        String::from_utf8(object(sdk, &bucket, &format!("{base}.junit.xml")).await).unwrap();
    let csv = String::from_utf8(object(sdk, &bucket, &format!("{base}.csv")).await).unwrap();
    let jsonl = String::from_utf8(object(sdk, &bucket, &format!("{base}.jsonl")).await).unwrap();
    (report, json, html, pdf, junit, csv, jsonl)
}

fn count(v: &Value) -> i64 {
    v.as_i64().unwrap_or_else(|| panic!("not a count: {v}"))
}

/// Counts of results: total, passed, failed, error, suppressed.
fn counts<'a>(results: impl Iterator<Item = &'a Value>) -> [i64; 5] {
    let mut c = [0; 5];
    for r in results {
        c[0] += 1;
        c[match r["status"].as_str().unwrap() {
            "passed" => 1,
            "failed" => 2,
            "error" => 3,
            "suppressed" => 4,
            other => panic!("unknown status {other}"),
        }] += 1;
    }
    c
}

fn summary_counts(report: &Value) -> [i64; 5] {
    let s = &report["summary"];
    [
        count(&s["total"]),
        count(&s["passed"]),
        count(&s["failed"]),
        count(&s["error"]),
        count(&s["suppressed"]),
    ]
}

/// The HTML parses without errors, loads nothing from outside the file, has every section,
/// a numbered, anchored row per result, and traceability links that resolve to those rows.
fn check_html(report: &Value, html: &str) {
    let doc = scraper::Html::parse_document(html);
    assert!(doc.errors.is_empty(), "HTML parse errors: {:?}", doc.errors);
    let sel = |s: &str| scraper::Selector::parse(s).unwrap();
    for tag in [
        "script", "link", "img", "iframe", "frame", "object", "embed", "base", "[src]", "svg",
        "video", "audio",
    ] {
        let found: Vec<String> = doc.select(&sel(tag)).map(|e| e.html()).collect();
        assert!(
            found.is_empty(),
            "external asset or script ({tag}): {found:?}"
        );
    }
    let ids: Vec<&str> = doc
        .select(&sel("[id]"))
        .filter_map(|e| e.value().attr("id"))
        .collect();
    for a in doc.select(&sel("[href]")) {
        let href = a.value().attr("href").unwrap();
        let anchor = href
            .strip_prefix('#')
            .unwrap_or_else(|| panic!("link out of the document: {href}"));
        assert!(ids.contains(&anchor), "link to a missing anchor: {href}");
    }
    let style: String = doc.select(&sel("style")).flat_map(|s| s.text()).collect();
    for external in ["url(", "@import"] {
        assert!(
            !style.contains(external),
            "external asset in CSS: {external}"
        );
    }
    for id in [
        "application",
        "iq",
        "oq",
        "results",
        "summary",
        "traceability",
        "suppressions",
        "drift",
        "integrity",
        "signatures",
    ] {
        assert_eq!(
            doc.select(&sel(&format!("section#{id} > h2"))).count(),
            1,
            "HTML section #{id}"
        );
    }
    let results = report["results"].as_array().unwrap();
    for (i, r) in results.iter().enumerate() {
        let row = doc
            .select(&sel(&format!("section#results tr#result-{i}")))
            .next()
            .unwrap_or_else(|| panic!("no row for result {i}"));
        let cells: Vec<String> = row
            .select(&sel("td"))
            .map(|td| td.text().collect())
            .collect();
        assert_eq!(cells[0], i.to_string());
        assert_eq!(cells[1], r["check_id"].as_str().unwrap());
        assert_eq!(cells[4], r["target"].as_str().unwrap());
    }
    let rows: Vec<_> = doc.select(&sel("section#traceability tbody tr")).collect();
    let matrix = report["traceability"].as_array().unwrap();
    assert_eq!(rows.len(), matrix.len());
    for (tr, row) in rows.iter().zip(matrix) {
        let hrefs: Vec<String> = tr
            .select(&sel("td.refs a"))
            .map(|a| a.value().attr("href").unwrap().to_string())
            .collect();
        let expected: Vec<String> = row["results"]
            .as_array()
            .unwrap()
            .iter()
            .map(|x| format!("#result-{}", x["result_index"]))
            .collect();
        assert_eq!(hrefs, expected, "{}", row["requirement"]);
    }
}

/// The PDF's summary: the sentence with labelled counts and the summary table's header and
/// its row of counts per stage and for all stages.
fn check_pdf(report: &Value, pdf: &[u8]) {
    let text = pdf_extract::extract_text_from_mem(pdf).expect("PDF text");
    let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
    let results = report["results"].as_array().unwrap();
    for r in results {
        let id = r["check_id"].as_str().unwrap();
        assert!(text.contains(id), "{id} missing from PDF text");
    }
    let [t, p, f, e, s] = summary_counts(report);
    let sentence = format!("{t} checks: {p} passed, {f} failed, {e} error, {s} suppressed.");
    assert!(
        flat.contains(&sentence),
        "{sentence:?} missing from:\n{text}"
    );
    assert!(
        flat.contains("Stage Total Passed Failed Error Suppressed"),
        "summary table header missing from:\n{text}"
    );
    let mut stages: BTreeMap<&str, Vec<&Value>> = BTreeMap::new();
    for r in results {
        stages
            .entry(r["stage"].as_str().unwrap())
            .or_default()
            .push(r);
    }
    let mut rows: Vec<(String, [i64; 5])> = stages
        .iter()
        .map(|(stage, rs)| (stage.to_string(), counts(rs.iter().copied())))
        .collect();
    rows.push(("All stages".into(), [t, p, f, e, s]));
    for (label, [t, p, f, e, s]) in rows {
        let row = format!("{label} {t} {p} {f} {e} {s}");
        assert!(
            flat.contains(&row),
            "summary row {row:?} missing from:\n{text}"
        );
    }
    assert!(
        flat.contains(&format!(
            "Overall result: {}",
            match report["summary"]["status"].as_str().unwrap() {
                "passed" => "PASS",
                "failed" => "FAIL",
                _ => "ERROR",
            }
        )),
        "overall result missing from:\n{text}"
    );
}

/// Test cases, failures, errors and skips of the JUnit XML, by element and by the root's
/// attributes: `[tests, failures, errors, skipped]`.
fn junit_counts(xml: &str) -> ([i64; 4], [i64; 4]) {
    use quick_xml::events::Event;
    let mut reader = quick_xml::Reader::from_str(xml);
    let mut elements = [0; 4];
    let mut root = None;
    loop {
        match reader.read_event().expect("well-formed JUnit XML") {
            Event::Eof => break,
            Event::Start(e) | Event::Empty(e) => match e.name().as_ref() {
                "testsuites" => {
                    let get = |k: &str| -> i64 {
                        e.try_get_attribute(k)
                            .unwrap()
                            .unwrap_or_else(|| panic!("testsuites has no {k}"))
                            .normalized_value(quick_xml::XmlVersion::Implicit1_0)
                            .unwrap()
                            .parse()
                            .unwrap()
                    };
                    root = Some([get("tests"), get("failures"), get("errors"), get("skipped")]);
                }
                "testcase" => elements[0] += 1,
                "failure" => elements[1] += 1,
                "error" => elements[2] += 1,
                "skipped" => elements[3] += 1,
                _ => {}
            },
            _ => {}
        }
    }
    (elements, root.expect("a <testsuites> root"))
}

fn check_junit(report: &Value, junit: &str) {
    let [t, _, f, e, s] = summary_counts(report);
    let (elements, root) = junit_counts(junit);
    assert_eq!(
        elements,
        [t, f, e, s],
        "JUnit elements vs summary:\n{junit}"
    );
    assert_eq!(root, [t, f, e, s], "JUnit <testsuites> counts vs summary");
}

fn check_formats(report: &Value, html: &str, pdf: &[u8], junit: &str, jsonl: &str) {
    check_html(report, html);
    check_pdf(report, pdf);
    check_junit(report, junit);
    let results = report["results"].as_array().unwrap();
    assert_eq!(
        jsonl.lines().count(),
        results.len(),
        "one JSON line per result"
    );
    for line in jsonl.lines() {
        let v: Value = serde_json::from_str(line).unwrap();
        assert_eq!(v["report_id"], report["report_id"]);
    }
}

/// `enforce = false` is not silent: the apply succeeded, with one warning per failed or
/// unevaluable check and a summary with the counts and the report, and no error.
fn check_unenforced_warnings(report: &Value, run: &crate::harness::TfRun) {
    let bad: Vec<&Value> = report["results"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["status"] == "failed" || r["status"] == "error")
        .collect();
    assert!(!bad.is_empty(), "the run has failed checks");
    for r in &bad {
        let what = match r["property"].as_str() {
            Some(p) => format!("{} {p}", r["check_id"].as_str().unwrap()),
            None => r["check_id"].as_str().unwrap().to_string(),
        };
        let summary = if r["status"] == "failed" {
            "Qualification check failed"
        } else {
            "Qualification check could not be evaluated"
        };
        run.assert_contains(&format!(
            "Warning: {summary}: {what} on {}",
            r["target"].as_str().unwrap()
        ));
    }
    run.assert_contains("Warning: Qualification check failed: s3.versioning on data_bucket");
    let [_, _, failed, error, _] = summary_counts(report);
    run.assert_contains(&format!(
        "Warning: Qualification recorded {failed} failed and {error} unevaluable check results \
         (enforce = false)"
    ));
    run.assert_contains("The apply succeeds because enforce = false.");
    run.assert_not_contains("Error:");
}

/// The filed HTML and PDF end with the signature page — the specification's signatures (none
/// here: its approval instead), who executed the run with the pipeline commit, and blank
/// review and approval lines for the quality unit — and failed rows carry their remediation.
fn check_signature_page_and_remediation(report: &Value, html: &str, pdf: &[u8]) {
    let caller = report["run"]["caller_arn"]
        .as_str()
        .expect("caller identity");
    assert_eq!(report["run"]["configuration_commit"], COMMIT);
    let doc = scraper::Html::parse_document(html);
    let sel = |s: &str| scraper::Selector::parse(s).unwrap();
    let page: Vec<String> = doc
        .select(&sel("section#signatures td, section#signatures th, section#signatures h3, section#signatures p"))
        .map(|e| e.text().collect())
        .collect();
    for want in [
        "Executed by",
        "Run by",
        caller,
        COMMIT,
        "Quality unit review and approval",
        "Reviewed by (quality unit)",
        "Approved by (quality unit)",
        "Printed name",
        "Signature",
        "Date and time",
    ] {
        assert!(
            page.iter().any(|c| c == want),
            "{want} not on the HTML signature page: {page:?}"
        );
    }
    assert!(
        page.iter()
            .any(|c| c.starts_with("The specification carries no electronic signatures")),
        "{page:?}"
    );
    assert_eq!(
        doc.select(&sel("section#signatures table.signoff td.blank"))
            .count(),
        6
    );
    let flat = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ");
    for (i, r) in report["results"].as_array().unwrap().iter().enumerate() {
        let actual: String = doc
            .select(&sel(&format!(
                "section#results tr#result-{i} td:nth-child(9)"
            )))
            .next()
            .unwrap()
            .text()
            .collect();
        let remediation = format!("remediation: {}", r["remediation"].as_str().unwrap());
        assert_eq!(
            actual.ends_with(&remediation),
            r["status"] == "failed",
            "result {i} ({}): {actual}",
            r["status"]
        );
    }
    let pages = pdf_extract::extract_text_from_mem_by_pages(pdf).expect("PDF text by page");
    let first = pages
        .iter()
        .position(|p| p.contains("Signatures and approval"))
        .expect("a signature page in the PDF");
    // The signature page and what runs over onto the next: the end of the document.
    let last = flat(&pages[first..].concat());
    for want in [
        "Signatures and approval",
        "Executed by",
        caller,
        COMMIT,
        "Reviewed by (quality unit)",
        "Approved by (quality unit)",
        "Printed name",
        "Date and time",
    ] {
        assert!(
            last.contains(want),
            "{want} not on the PDF's signature page:\n{last}"
        );
    }
    let text = flat(&pages.concat());
    assert!(
        text.contains("remediation: Enable versioning"),
        "the failed versioning row has no remediation in the PDF:\n{text}"
    );
    assert!(text.contains("SUPPRESSED"), "the suppressed row's status");
}

#[tokio::test(flavor = "multi_thread")]
async fn report_e2e_every_format_from_passing_failing_and_suppressed_runs() {
    let emu = Emulator::start();
    let (ws, sdk) = passing(&emu, SUPPRESSION, FORMATS).await;
    let q = ws.resource_values("gxp_qualification.q");
    assert_eq!(q["status"], "passed");
    let (report, _, html, pdf, junit, csv, jsonl) =
        artifacts(&sdk, q["report_location"].as_str().unwrap()).await;
    check_formats(&report, &html, &pdf, &junit, &jsonl);
    assert_eq!(summary_counts(&report)[2..], [0, 0, 0]);
    assert!(csv.starts_with("\"Rule ID\",\"Resource ID\",\"Compliance\",\"Exception Reason\",\"Rule Level\",\"Rule Info\""), "{csv}");
    assert!(!csv.contains("Non-Compliant"));

    // Failing run: versioning suspended (fails), public access opened (suppressed).
    set_versioning(&sdk, DATA, BucketVersioningStatus::Suspended).await;
    s3(&sdk)
        .put_public_access_block()
        .bucket(DATA)
        .public_access_block_configuration(
            PublicAccessBlockConfiguration::builder()
                .block_public_acls(false)
                .ignore_public_acls(true)
                .block_public_policy(true)
                .restrict_public_buckets(true)
                .build(),
        )
        .send()
        .await
        .unwrap();
    let run = ws.apply();
    run.assert_success();
    let q = ws.resource_values("gxp_qualification.q");
    assert_eq!(q["status"], "failed");
    assert_eq!(q["suppressed_count"], 1);
    let (report, _, html, pdf, junit, csv, jsonl) =
        artifacts(&sdk, q["report_location"].as_str().unwrap()).await;
    check_formats(&report, &html, &pdf, &junit, &jsonl);
    check_unenforced_warnings(&report, &run);
    check_signature_page_and_remediation(&report, &html, &pdf);
    let [_, _, failed, _, suppressed] = summary_counts(&report);
    assert!(failed > 0 && suppressed == 1, "{:#}", report["summary"]);
    let suppressed = report["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["status"] == "suppressed")
        .expect("a suppressed result");
    assert_eq!(suppressed["check_id"], "s3.public_access_block");
    assert_eq!(
        suppressed["suppression"]["reason"],
        "Public read needed for the published SOP site until CR-2026-077"
    );
    assert!(html.contains("Public read needed for the published SOP site until CR-2026-077"));
    assert!(csv.contains("Non-Compliant") && csv.contains("Suppressed"));
    // The failing run's drift is in every human format.
    assert!(
        report["drift"]
            .as_array()
            .unwrap()
            .iter()
            .any(|d| d["property"] == "VersioningConfiguration.Status" && d["class"] == "security"),
        "{:#}",
        report["drift"]
    );
    let drift_html: String = scraper::Html::parse_document(&html)
        .select(&scraper::Selector::parse("section#drift td").unwrap())
        .map(|td| td.text().collect::<String>() + "|")
        .collect();
    assert!(
        drift_html.contains("VersioningConfiguration.Status|security|Enabled|Suspended|"),
        "{drift_html}"
    );
    let pdf_text = pdf_extract::extract_text_from_mem(&pdf).unwrap();
    assert!(
        pdf_text.contains("VersioningConfiguration.Status"),
        "drift missing from the PDF"
    );
    assert!(
        keys(&sdk, EVIDENCE)
            .await
            .iter()
            .filter(|k| k.ends_with(".pdf"))
            .count()
            == 2
    );
    assert_eq!(assert_filed_reports_valid(&sdk, EVIDENCE).await.len(), 2);
}

/// A pipeline's gate configuration, separate from the one that qualifies: the latest report of
/// `lims-prod` and the report named by `named`, with their values as outputs and `extra`.
fn gate_config(named: &str, extra: &str) -> String {
    format!(
        r#"
terraform {{
  required_providers {{
    gxp = {{ source = "gxp/gxp" }}
  }}
}}

provider "gxp" {{
  s3_use_path_style = true
}}

data "gxp_report" "latest" {{
  qualification = "lims-prod"
  application   = "lims"
  environment   = "prod"
  evidence_store {{
    s3_bucket = "{EVIDENCE}"
  }}
}}

data "gxp_report" "named" {{
  location = "{named}"
}}

output "latest" {{
  value = {{
    status   = data.gxp_report.latest.status
    sequence = data.gxp_report.latest.sequence
    sha256   = data.gxp_report.latest.sha256
    location = data.gxp_report.latest.location
    failed   = data.gxp_report.latest.failed_count
  }}
}}

output "named" {{
  value = {{
    status    = data.gxp_report.named.status
    sequence  = data.gxp_report.named.sequence
    sha256    = data.gxp_report.named.sha256
    report_id = data.gxp_report.named.report_id
  }}
}}
{extra}
"#
    )
}

const CHECK_GATE: &str = r#"
check "qualified" {
  assert {
    condition     = data.gxp_report.latest.status == "passed"
    error_message = "lims-prod is ${data.gxp_report.latest.status}, not qualified"
  }
}
"#;

const PRECONDITION_GATE: &str = r#"
output "release" {
  value = data.gxp_report.latest.report_id
  precondition {
    condition     = data.gxp_report.latest.status == "passed"
    error_message = "Release stopped: lims-prod is ${data.gxp_report.latest.status}"
  }
}
"#;

fn outputs(ws: &Workspace) -> Value {
    let out = ws.terraform(&["output", "-json"]);
    out.assert_success();
    serde_json::from_str(&out.stdout).unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn report_data_source_latest_by_sequence_named_and_failed_gate() {
    let emu = Emulator::start();
    // Three reports of one qualification: passed, passed after a spec change, failed.
    let (ws, sdk) = passing(&emu, "", "").await;
    let first = ws.resource_values("gxp_qualification.q");
    ws.write(
        "main.tf",
        &config("description = \"revision 2\"", "", S3_STORE),
    );
    ws.apply().assert_success();
    let second = ws.resource_values("gxp_qualification.q");
    assert_eq!(second["report_sequence"], 2);

    let gate = Workspace::new(&emu);
    let first_location = first["report_location"].as_str().unwrap();
    gate.write(
        "main.tf",
        &gate_config(first_location, &format!("{CHECK_GATE}{PRECONDITION_GATE}")),
    );
    gate.apply()
        .assert_success()
        .assert_not_contains("not qualified");
    let out = outputs(&gate);
    assert_eq!(out["latest"]["value"]["status"], "passed");
    assert_eq!(out["latest"]["value"]["sequence"], 2);
    assert_eq!(out["latest"]["value"]["sha256"], second["report_sha256"]);
    assert_eq!(
        out["latest"]["value"]["location"],
        second["report_location"]
    );
    // A named report is that one, not the latest.
    assert_eq!(out["named"]["value"]["sequence"], 1);
    assert_eq!(out["named"]["value"]["sha256"], first["report_sha256"]);
    assert_eq!(out["named"]["value"]["report_id"], first["report_id"]);
    assert_eq!(out["release"]["value"], second["report_id"]);

    // The third run fails (enforce): its report is filed and is the latest.
    set_versioning(&sdk, DATA, BucketVersioningStatus::Suspended).await;
    ws.apply()
        .assert_failure()
        .assert_contains("Qualification check failed: s3.versioning on data_bucket");
    let third = ws.resource_values("gxp_qualification.q");
    assert_eq!(third["report_sequence"], 3);
    assert_eq!(third["status"], "failed");

    // A copy of the first report filed under a later date partition and a later report id:
    // ordering keys by date and id would take it for the latest; the sequence does not.
    let (bucket, key) = split_s3(first_location);
    let late_key = key
        .rsplit_once("/date=")
        .map(|(prefix, _)| {
            format!("{prefix}/date=2099-12-31/lims-prod/20991231T235959Z-ffffffff.json")
        })
        .unwrap();
    let bytes = object(&sdk, &bucket, &key).await;
    let side = object(&sdk, &bucket, &format!("{key}.sha256")).await;
    for (k, body) in [
        (late_key.clone(), bytes),
        (format!("{late_key}.sha256"), side),
    ] {
        s3(&sdk)
            .put_object()
            .bucket(&bucket)
            .key(k)
            .body(body.into())
            .checksum_algorithm(aws_sdk_s3::types::ChecksumAlgorithm::Sha256)
            .send()
            .await
            .expect("file the copy");
    }

    // The check block warns, the precondition stops the release.
    gate.write("main.tf", &gate_config(first_location, CHECK_GATE));
    gate.apply()
        .assert_success()
        .assert_contains("lims-prod is failed, not qualified");
    let out = outputs(&gate);
    assert_eq!(out["latest"]["value"]["status"], "failed");
    assert_eq!(out["latest"]["value"]["sequence"], 3);
    assert_eq!(out["latest"]["value"]["sha256"], third["report_sha256"]);
    assert_eq!(out["latest"]["value"]["location"], third["report_location"]);
    assert_eq!(out["latest"]["value"]["failed"], third["failed_count"]);
    assert_eq!(out["named"]["value"]["status"], "passed");
    gate.write(
        "main.tf",
        &gate_config(first_location, &format!("{CHECK_GATE}{PRECONDITION_GATE}")),
    );
    gate.apply()
        .assert_failure()
        .assert_contains("Release stopped: lims-prod is failed");

    assert_eq!(assert_filed_reports_valid(&sdk, EVIDENCE).await.len(), 4);
}

/// An expired suppression no longer suppresses: the check counts as failed, with the expiry
/// in its detail, and the report lists the suppression as expired.
#[tokio::test(flavor = "multi_thread")]
async fn report_e2e_expired_suppression_counts_as_a_failure() {
    let emu = Emulator::start();
    let expired = SUPPRESSION.replace("2099-12-31", "2020-01-31");
    let sdk = emu.sdk_config().await;
    crate::qualification::protected_bucket(&sdk, EVIDENCE).await;
    crate::qualification::data_bucket(&sdk, DATA).await;
    s3(&sdk)
        .delete_public_access_block()
        .bucket(DATA)
        .send()
        .await
        .unwrap();
    let ws = Workspace::new(&emu);
    ws.write("main.tf", &config(&expired, FORMATS, S3_STORE));
    ws.apply().assert_success();
    let q = ws.resource_values("gxp_qualification.q");
    assert_eq!(q["status"], "failed", "{q:#}");
    assert_eq!(q["suppressed_count"], 0, "{q:#}");
    assert_eq!(
        q["results"]["s3.public_access_block@data_bucket"]["status"], "failed",
        "{q:#}"
    );
    let (report, _, html, ..) = artifacts(&sdk, q["report_location"].as_str().unwrap()).await;
    let result = report["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["check_id"] == "s3.public_access_block")
        .expect("the public access block result");
    assert_eq!(result["status"], "failed");
    assert!(
        result["detail"]
            .as_str()
            .unwrap_or_default()
            .contains("suppression expired on 2020-01-31"),
        "{result:#}"
    );
    let record = &report["suppressions"][0];
    assert_eq!(record["state"], "expired", "{:#}", report["suppressions"]);
    assert_eq!(
        record["reason"],
        "Public read needed for the published SOP site until CR-2026-077"
    );
    assert!(html.contains("expired"), "the HTML report shows the expiry");
}
