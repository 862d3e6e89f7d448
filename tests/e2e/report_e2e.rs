//! Every report format from real qualifications: a passing run, then a failing run with a
//! suppressed check. The JSON validates against docs/report.schema.json; the HTML parses
//! and holds every section and check id; the PDF's text holds the summary and every check id.

use aws_sdk_s3::types::{BucketVersioningStatus, PublicAccessBlockConfiguration};
use serde_json::Value;

use crate::harness::Emulator;
use crate::qualification::{
    assert_schema_valid, keys, object, passing, s3, set_versioning, split_s3, DATA, EVIDENCE,
};

const FORMATS: &str =
    "report_formats = [\"html\", \"pdf\", \"junit\", \"csv\", \"jsonl\"]\n  enforce = false";
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

fn check_human_formats(report: &Value, html: &str, pdf: &[u8], jsonl: &str) {
    let doc = scraper::Html::parse_document(html);
    for id in [
        "application",
        "iq",
        "oq",
        "results",
        "summary",
        "traceability",
        "suppressions",
    ] {
        let sel = scraper::Selector::parse(&format!("#{id}")).unwrap();
        assert!(
            doc.select(&sel).next().is_some(),
            "HTML section #{id} missing"
        );
    }
    let text = pdf_extract::extract_text_from_mem(pdf).expect("PDF text");
    let results = report["results"].as_array().unwrap();
    for r in results {
        let id = r["check_id"].as_str().unwrap();
        assert!(html.contains(id), "{id} missing from HTML");
        assert!(text.contains(id), "{id} missing from PDF text");
    }
    let summary = &report["summary"];
    assert!(text.contains(&summary["total"].to_string()), "PDF summary");
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

#[tokio::test(flavor = "multi_thread")]
async fn report_e2e_every_format_from_passing_failing_and_suppressed_runs() {
    let emu = Emulator::start();
    let (ws, sdk) = passing(&emu, SUPPRESSION, FORMATS).await;
    let q = ws.resource_values("gxp_qualification.q");
    assert_eq!(q["status"], "passed");
    let (report, _, html, pdf, junit, csv, jsonl) =
        artifacts(&sdk, q["report_location"].as_str().unwrap()).await;
    check_human_formats(&report, &html, &pdf, &jsonl);
    assert!(
        junit.contains("<testsuite") && !junit.contains("<failure"),
        "{junit}"
    );
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
    ws.apply().assert_success();
    let q = ws.resource_values("gxp_qualification.q");
    assert_eq!(q["status"], "failed");
    assert_eq!(q["suppressed_count"], 1);
    let (report, _, html, pdf, junit, csv, jsonl) =
        artifacts(&sdk, q["report_location"].as_str().unwrap()).await;
    check_human_formats(&report, &html, &pdf, &jsonl);
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
    assert!(
        junit.contains("<failure") && junit.contains("<skipped"),
        "JUnit has the failure and the suppression"
    );
    assert!(csv.contains("Non-Compliant") && csv.contains("Suppressed"));
    assert!(
        keys(&sdk, EVIDENCE)
            .await
            .iter()
            .filter(|k| k.ends_with(".pdf"))
            .count()
            == 2
    );
}
