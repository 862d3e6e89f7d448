//! The evidence store as a data lake: reports of several qualifications, filed on several
//! days into a local directory store with the provider's own renderers and keys, queried
//! with DuckDB (`read_json` with Hive partitioning over the JSON Lines files) using the
//! queries of `docs/guides/evidence-lake.md`, exactly as printed there.
//!
//! DuckDB is the pinned `duckdb` package of the tool venv (`make tools`).

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::{json, Value};

use gxp_core::evidence::local::LocalStore;
use gxp_core::evidence::{report_key, EvidenceStore};
use gxp_core::report::formats::Format;
use gxp_core::report::{CheckResult, Report, Summary};

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// One result: `(check, target, status)`.
type Outcome = (&'static str, &'static str, &'static str);

/// A report as a run of `qualification` would file it, started at `started_at`.
fn report(
    qualification: &str,
    application: &str,
    environment: &str,
    started_at: &str,
    outcomes: &[Outcome],
) -> Report {
    let results: Vec<Value> = outcomes
        .iter()
        .map(|(check, target, status)| {
            json!({
                "check_id": check,
                "title": format!("{check} on {target}"),
                "stage": "OQ",
                "severity": "security",
                "target": target,
                "resource_type": "AWS::S3::Bucket",
                "identifier": format!("{application}-{environment}-{target}"),
                "status": status,
                "expected": "Enabled",
                "actual": if *status == "passed" { "Enabled" } else { "Suspended" },
                "controls": ["21CFR11.10(c)"],
                "requirements": ["URS-001"],
                "remediation": "Enable it."
            })
        })
        .collect();
    let results: Vec<CheckResult> = serde_json::from_value(Value::Array(results)).unwrap();
    let stamp: String = started_at
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .collect();
    let report_id = format!(
        "{stamp}-{}",
        &gxp_core::util::sha256_hex(qualification.as_bytes())[..8]
    );
    let summary = Summary::of(&results);
    let value = json!({
        "format": "gxp.report/v1",
        "report_id": report_id,
        "qualification": {"name": qualification, "stages": ["IQ", "OQ", "PQ"], "enforce": true, "reasons": [], "sequence": 1},
        "spec": {"name": qualification, "version": "1.0", "digest": "0".repeat(64),
                 "approval": {"approved_by": "qa@example.com", "approved_at": "2026-01-01", "change_reference": "CR-1"}},
        "system": {"application": application, "environment": environment},
        "run": {"started_at": started_at, "finished_at": started_at, "caller_arn": null, "account": "111122223333",
                "region": "eu-west-1", "provider_version": "0.1.0", "terraform_version": "1.11.4", "configuration_commit": null},
        "evidence_store": {"location": "", "protected": false, "protection": "local directory", "unprotected_store_allowed": true},
        "results": [],
        "summary": {"total": 0, "passed": 0, "failed": 0, "error": 0, "suppressed": 0, "status": "error"},
        "previous_report_sha256": null
    });
    let mut report: Report = serde_json::from_value(value).unwrap();
    report.results = results;
    report.summary = summary;
    report
}

/// File a report's JSON and JSON Lines renderings at its partitioned keys.
async fn file(store: &LocalStore, r: &Report) {
    let date = &r.run.started_at[..10];
    for (format, body, content_type) in [
        (
            Format::Json,
            serde_json::to_vec(r).unwrap(),
            "application/json",
        ),
        (
            Format::Jsonl,
            gxp_core::report::jsonl::render(r).unwrap(),
            "application/x-ndjson",
        ),
    ] {
        let key = report_key(
            &r.system.application,
            &r.system.environment,
            date,
            &r.qualification.name,
            &r.report_id,
            format.extension(),
        );
        store
            .put_new(&key, &body, content_type)
            .await
            .unwrap_or_else(|e| panic!("filing {key}: {e:?}"));
    }
}

/// The ```sql blocks of the guide that DuckDB runs (those reading the JSON Lines files).
fn duckdb_queries() -> Vec<String> {
    let guide = std::fs::read_to_string(repo_root().join("docs/guides/evidence-lake.md")).unwrap();
    let mut out = Vec::new();
    let mut current: Option<String> = None;
    for line in guide.lines() {
        match &mut current {
            None if line.trim_start() == "```sql" => current = Some(String::new()),
            None => {}
            Some(text) if line.trim_start().starts_with("```") => {
                if text.contains("read_json(") {
                    out.push(std::mem::take(text));
                }
                current = None;
            }
            Some(text) => {
                text.push_str(line);
                text.push('\n');
            }
        }
    }
    out
}

/// Run `queries` with DuckDB in `dir`: for each, the rows as JSON objects.
fn run_duckdb(dir: &Path, queries: &[String]) -> Vec<Vec<Value>> {
    let python = repo_root().join(".venv/bin/python");
    assert!(
        python.is_file(),
        "{} is missing: run `make tools` (it installs the pinned duckdb package)",
        python.display()
    );
    let script = r#"
import datetime, decimal, json, sys
import duckdb
queries = json.load(sys.stdin)
con = duckdb.connect()
def plain(v):
    if isinstance(v, (datetime.date, datetime.datetime)):
        return v.isoformat()
    if isinstance(v, decimal.Decimal):
        return int(v)
    return v
out = []
for q in queries:
    rel = con.sql(q)
    out.append([{c: plain(v) for c, v in zip(rel.columns, row)} for row in rel.fetchall()])
json.dump(out, sys.stdout)
"#;
    let mut child = Command::new(python)
        .args(["-c", script])
        .current_dir(dir)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    {
        use std::io::Write;
        let mut stdin = child.stdin.take().unwrap();
        stdin
            .write_all(serde_json::to_string(queries).unwrap().as_bytes())
            .unwrap();
    }
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "duckdb failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

#[tokio::test]
async fn duckdb_answers_the_guides_queries_over_a_filed_store() {
    let tmp = tempfile::tempdir().unwrap();
    let store = LocalStore::new(tmp.path().join("evidence"));
    let ok: &[Outcome] = &[
        ("s3.versioning", "results", "passed"),
        ("s3.encryption", "results", "passed"),
        ("s3.object_lock", "results", "passed"),
    ];
    let reports = [
        // lims-prod: a failure on the second day, fixed on the third.
        report("lims-prod", "lims", "prod", "2026-03-01T09:00:00Z", ok),
        report(
            "lims-prod",
            "lims",
            "prod",
            "2026-03-02T09:00:00Z",
            &[
                ("s3.versioning", "results", "failed"),
                ("s3.encryption", "results", "passed"),
                ("s3.object_lock", "results", "passed"),
            ],
        ),
        report("lims-prod", "lims", "prod", "2026-03-03T09:00:00Z", ok),
        // lims-validation: the same application, another environment, one run a day later.
        report(
            "lims-validation",
            "lims",
            "validation",
            "2026-03-02T14:30:00Z",
            &[
                ("s3.versioning", "results", "failed"),
                ("s3.encryption", "results", "failed"),
                ("s3.object_lock", "results", "passed"),
            ],
        ),
        // erp-prod: two runs on the first day (the later one is the latest), then an error.
        report(
            "erp-prod",
            "erp",
            "prod",
            "2026-03-01T08:00:00Z",
            &[
                ("s3.versioning", "ledger", "failed"),
                ("s3.encryption", "ledger", "passed"),
            ],
        ),
        report(
            "erp-prod",
            "erp",
            "prod",
            "2026-03-01T17:45:00Z",
            &[
                ("s3.versioning", "ledger", "passed"),
                ("s3.encryption", "ledger", "passed"),
            ],
        ),
        report(
            "erp-prod",
            "erp",
            "prod",
            "2026-03-03T08:00:00Z",
            &[
                ("s3.versioning", "ledger", "passed"),
                ("s3.encryption", "ledger", "error"),
            ],
        ),
    ];
    for r in &reports {
        file(&store, r).await;
    }

    let queries = duckdb_queries();
    assert_eq!(
        queries.len(),
        2,
        "the guide gives two DuckDB queries: {queries:#?}"
    );
    let answers = run_duckdb(tmp.path(), &queries);

    // Failed checks per application and day.
    let per_day: Vec<(String, String, i64, i64)> = answers[0]
        .iter()
        .map(|r| {
            (
                r["application"].as_str().unwrap().to_string(),
                r["date"].as_str().unwrap().to_string(),
                r["reports"].as_i64().unwrap(),
                r["failed_checks"].as_i64().unwrap(),
            )
        })
        .collect();
    let expected: Vec<(String, String, i64, i64)> = [
        ("erp", "2026-03-01", 2, 1),
        ("erp", "2026-03-03", 1, 0),
        ("lims", "2026-03-01", 1, 0),
        ("lims", "2026-03-02", 2, 3),
        ("lims", "2026-03-03", 1, 0),
    ]
    .iter()
    .map(|(a, d, n, f)| (a.to_string(), d.to_string(), *n, *f))
    .collect();
    assert_eq!(per_day, expected, "{:#?}", answers[0]);

    // Latest status per qualification.
    let latest: Vec<(String, String, String, String, i64)> = answers[1]
        .iter()
        .map(|r| {
            (
                r["qualification"].as_str().unwrap().to_string(),
                r["application"].as_str().unwrap().to_string(),
                r["environment"].as_str().unwrap().to_string(),
                r["status"].as_str().unwrap().to_string(),
                r["failed_checks"].as_i64().unwrap(),
            )
        })
        .collect();
    let s = |v: &str| v.to_string();
    assert_eq!(
        latest,
        vec![
            (s("erp-prod"), s("erp"), s("prod"), s("error"), 0),
            (s("lims-prod"), s("lims"), s("prod"), s("passed"), 0),
            (
                s("lims-validation"),
                s("lims"),
                s("validation"),
                s("failed"),
                2
            ),
        ],
        "{:#?}",
        answers[1]
    );
    // The latest report's time, from the partitioned content.
    let qualified_at: Vec<&str> = answers[1]
        .iter()
        .map(|r| r["qualified_at"].as_str().unwrap())
        .collect();
    assert_eq!(
        qualified_at,
        [
            "2026-03-03T08:00:00",
            "2026-03-03T09:00:00",
            "2026-03-02T14:30:00"
        ]
    );
}

#[test]
fn the_guide_gives_athena_ddl_and_both_queries() {
    let guide = std::fs::read_to_string(repo_root().join("docs/guides/evidence-lake.md")).unwrap();
    for needle in [
        "CREATE EXTERNAL TABLE gxp_results",
        "PARTITIONED BY (application string, environment string, `date` string)",
        "org.openx.data.jsonserde.JsonSerDe",
        "MSCK REPAIR TABLE gxp_results",
        "max_by(report_id, started_at)",
        "count_if(status = 'failed')",
    ] {
        assert!(guide.contains(needle), "the Athena part lacks `{needle}`");
    }
    // The Athena table has a column for every JSON Lines member but the partition columns.
    let record = gxp_core::report::jsonl::record(
        &report("q", "a", "e", "2026-03-01T00:00:00Z", &[("s3.versioning", "t", "passed")]),
        &serde_json::from_value(json!({
            "check_id": "s3.versioning", "title": "t", "stage": "OQ", "severity": "security",
            "target": "t", "resource_type": "AWS::S3::Bucket", "identifier": "i", "status": "passed",
            "expected": "x", "actual": "x", "controls": [], "requirements": [], "remediation": ""
        }))
        .unwrap(),
    );
    let ddl =
        &guide[guide.find("CREATE EXTERNAL TABLE").unwrap()..guide.find("PARTITIONED BY").unwrap()];
    for member in record.as_object().unwrap().keys() {
        if member == "application" || member == "environment" {
            continue;
        }
        assert!(
            ddl.lines()
                .any(|l| l.split_whitespace().next() == Some(member.as_str())),
            "the Athena table has no column `{member}`"
        );
    }
}
