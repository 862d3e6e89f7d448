//! End-to-end scenarios of `gxp_qualification`: real Terraform, real provider, moto.
//!
//! Each test builds its infrastructure through the SDK, applies a spec and a qualification,
//! and asserts on state, plan output and the reports filed in the evidence store.

use aws_config::SdkConfig;
use aws_sdk_s3::types::{
    BucketVersioningStatus, DefaultRetention, ObjectLockConfiguration, ObjectLockEnabled,
    ObjectLockRetentionMode, ObjectLockRule, PublicAccessBlockConfiguration, ServerSideEncryption,
    ServerSideEncryptionByDefault, ServerSideEncryptionConfiguration, ServerSideEncryptionRule,
    VersioningConfiguration,
};
use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::harness::{Emulator, HttpRecorder, Workspace};

pub const EVIDENCE: &str = "gxp-evidence-store";
pub const DATA: &str = "lims-data";

/// Evidence bucket with versioning and Object Lock (COMPLIANCE, 1 day).
pub async fn protected_bucket(sdk: &SdkConfig, name: &str) {
    let s3 = s3(sdk);
    s3.create_bucket()
        .bucket(name)
        .object_lock_enabled_for_bucket(true)
        .send()
        .await
        .expect("create evidence bucket");
    s3.put_bucket_versioning()
        .bucket(name)
        .versioning_configuration(
            VersioningConfiguration::builder()
                .status(BucketVersioningStatus::Enabled)
                .build(),
        )
        .send()
        .await
        .expect("versioning");
    let rule = ObjectLockRule::builder()
        .default_retention(
            DefaultRetention::builder()
                .mode(ObjectLockRetentionMode::Compliance)
                .days(1)
                .build(),
        )
        .build();
    s3.put_object_lock_configuration()
        .bucket(name)
        .object_lock_configuration(
            ObjectLockConfiguration::builder()
                .object_lock_enabled(ObjectLockEnabled::Enabled)
                .rule(rule)
                .build(),
        )
        .send()
        .await
        .expect("object lock");
}

pub fn s3(sdk: &SdkConfig) -> aws_sdk_s3::Client {
    aws_sdk_s3::Client::from_conf(
        aws_sdk_s3::config::Builder::from(sdk)
            .force_path_style(true)
            .build(),
    )
}

/// A data bucket with versioning, SSE-KMS and all public access blocked. Returns the key id.
pub async fn data_bucket(sdk: &SdkConfig, name: &str) -> String {
    let kms = aws_sdk_kms::Client::new(sdk);
    let key = kms
        .create_key()
        .send()
        .await
        .expect("kms key")
        .key_metadata
        .expect("metadata")
        .key_id;
    let s3 = s3(sdk);
    s3.create_bucket()
        .bucket(name)
        .send()
        .await
        .expect("create data bucket");
    set_versioning(sdk, name, BucketVersioningStatus::Enabled).await;
    let sse = ServerSideEncryptionByDefault::builder()
        .sse_algorithm(ServerSideEncryption::AwsKms)
        .kms_master_key_id(&key)
        .build()
        .unwrap();
    s3.put_bucket_encryption()
        .bucket(name)
        .server_side_encryption_configuration(
            ServerSideEncryptionConfiguration::builder()
                .rules(
                    ServerSideEncryptionRule::builder()
                        .apply_server_side_encryption_by_default(sse)
                        .build(),
                )
                .build()
                .unwrap(),
        )
        .send()
        .await
        .expect("encryption");
    block_public_access(sdk, name).await;
    key
}

/// Block all public access to a bucket.
pub async fn block_public_access(sdk: &SdkConfig, name: &str) {
    s3(sdk)
        .put_public_access_block()
        .bucket(name)
        .public_access_block_configuration(
            PublicAccessBlockConfiguration::builder()
                .block_public_acls(true)
                .ignore_public_acls(true)
                .block_public_policy(true)
                .restrict_public_buckets(true)
                .build(),
        )
        .send()
        .await
        .expect("public access block");
}

pub async fn set_versioning(sdk: &SdkConfig, name: &str, status: BucketVersioningStatus) {
    s3(sdk)
        .put_bucket_versioning()
        .bucket(name)
        .versioning_configuration(VersioningConfiguration::builder().status(status).build())
        .send()
        .await
        .expect("versioning");
}

/// Every key in a bucket.
pub async fn keys(sdk: &SdkConfig, bucket: &str) -> Vec<String> {
    let out = s3(sdk)
        .list_objects_v2()
        .bucket(bucket)
        .send()
        .await
        .expect("list");
    let mut keys: Vec<String> = out
        .contents()
        .iter()
        .filter_map(|o| o.key().map(str::to_string))
        .collect();
    keys.sort();
    keys
}

pub async fn object(sdk: &SdkConfig, bucket: &str, key: &str) -> Vec<u8> {
    let out = s3(sdk)
        .get_object()
        .bucket(bucket)
        .key(key)
        .send()
        .await
        .expect("get object");
    out.body
        .collect()
        .await
        .expect("body")
        .into_bytes()
        .to_vec()
}

/// Configuration: provider, spec (one data bucket) and a qualification.
pub fn config(spec_extra: &str, qualification_extra: &str, provider_extra: &str) -> String {
    format!(
        r#"
terraform {{
  required_providers {{
    gxp = {{ source = "gxp/gxp" }}
  }}
}}

provider "gxp" {{
  s3_use_path_style = true
  {provider_extra}
}}

resource "gxp_expected_spec" "s" {{
  name    = "lims-prod"
  version = "1.0"
  system {{
    application_id = "lims"
    environment    = "prod"
    gamp_category  = 1
  }}
  approval {{
    approved_by      = "qa.lead@example.com"
    approved_at      = "2026-01-01T00:00:00Z"
    change_reference = "CR-2026-001"
  }}
  requirement {{
    id       = "URS-001"
    text     = "Records are protected for the retention period"
    controls = ["21CFR11.10(c)", "Annex11-7"]
    severity = "security"
  }}
  expected_resource {{
    key          = "data_bucket"
    type         = "AWS::S3::Bucket"
    identifier   = "{DATA}"
    checks       = ["s3.versioning", "s3.public_access_block", "s3.encryption"]
    requirements = ["URS-001"]
    properties   = jsonencode({{ VersioningConfiguration = {{ Status = "Enabled" }} }})
  }}
  {spec_extra}
}}

resource "gxp_qualification" "q" {{
  name          = "lims-prod"
  spec_id       = gxp_expected_spec.s.id
  spec_digest   = gxp_expected_spec.s.digest
  spec_document = gxp_expected_spec.s.canonical_json
  {qualification_extra}
}}
"#
    )
}

pub const S3_STORE: &str = "evidence_store {\n    s3_bucket = \"gxp-evidence-store\"\n  }";

/// Validate a report against the published schema with the venv's jsonschema (loud failure
/// when the venv is missing: run `make tools`).
pub fn assert_schema_valid(report: &[u8]) {
    assert_all_schema_valid(&[("report".to_string(), report.to_vec())]);
}

/// Validate named reports against the published schema, in one jsonschema run; the failure
/// names every report that does not validate and why.
pub fn assert_all_schema_valid(reports: &[(String, Vec<u8>)]) {
    let python = crate::harness::repo_root().join(".venv/bin/python");
    assert!(
        python.exists(),
        "{} missing: run `make tools`",
        python.display()
    );
    let dir = tempfile::tempdir().unwrap();
    let schema = crate::harness::repo_root().join("docs/report.schema.json");
    let mut args = vec![
        "-c".to_string(),
        "import json,sys,jsonschema\n\
         s=json.load(open(sys.argv[1]))\n\
         v=jsonschema.Draft202012Validator(s, format_checker=jsonschema.FormatChecker())\n\
         bad=0\n\
         for name,path in zip(sys.argv[2::2], sys.argv[3::2]):\n\
         \x20   for e in v.iter_errors(json.load(open(path))):\n\
         \x20       bad+=1; print(f'{name}: {\"/\".join(map(str, e.absolute_path))}: {e.message}')\n\
         sys.exit(1 if bad else 0)"
            .to_string(),
        schema.to_str().unwrap().to_string(),
    ];
    for (i, (name, bytes)) in reports.iter().enumerate() {
        let path = dir.path().join(format!("{i}.json"));
        std::fs::write(&path, bytes).unwrap();
        args.push(name.clone());
        args.push(path.to_str().unwrap().to_string());
    }
    let out = std::process::Command::new(python)
        .args(&args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "reports do not validate against docs/report.schema.json:\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Every report (`*.json`) filed in `bucket` validates against docs/report.schema.json.
/// Returns the reports, parsed, in key order; there is at least one.
pub async fn assert_filed_reports_valid(sdk: &SdkConfig, bucket: &str) -> Vec<Value> {
    let mut reports = Vec::new();
    for key in keys(sdk, bucket).await {
        if key.ends_with(".json") {
            let bytes = object(sdk, bucket, &key).await;
            reports.push((format!("s3://{bucket}/{key}"), bytes));
        }
    }
    assert!(!reports.is_empty(), "no report filed in {bucket}");
    assert_all_schema_valid(&reports);
    reports
        .iter()
        .map(|(name, bytes)| {
            serde_json::from_slice(bytes).unwrap_or_else(|e| panic!("{name}: {e}"))
        })
        .collect()
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// Bucket and key of an `s3://` location.
pub fn split_s3(location: &str) -> (String, String) {
    let rest = location
        .strip_prefix("s3://")
        .unwrap_or_else(|| panic!("not an s3 location: {location}"));
    let (b, k) = rest.split_once('/').unwrap();
    (b.to_string(), k.to_string())
}

/// The auditor's verifier (`terraform-provider-gxp verify --json`) over the reports in an
/// evidence bucket: its exit status and its JSON result (`gxp.verification/v1`).
pub fn verify_bucket(emu: &Emulator, bucket: &str) -> (i32, Value) {
    let mut cmd = std::process::Command::new(crate::harness::provider_binary());
    cmd.args([
        "verify",
        "--json",
        "--path-style",
        &format!("s3://{bucket}/gxp-evidence"),
    ]);
    for var in emu.env_remove() {
        cmd.env_remove(var);
    }
    cmd.env_remove("TF_PLUGIN_MAGIC_COOKIE")
        .env("AWS_CONFIG_FILE", "/nonexistent/gxp-test-config")
        .env(
            "AWS_SHARED_CREDENTIALS_FILE",
            "/nonexistent/gxp-test-credentials",
        )
        .envs(emu.env());
    let out = cmd.output().expect("run the verifier");
    let json = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "verifier output is not JSON ({e}):\n{}\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    });
    (out.status.code().unwrap_or(-1), json)
}

/// Assert the verifier finds exactly one chain in `bucket`, intact, of sequences 1 to `n`.
pub fn assert_chain_intact(emu: &Emulator, bucket: &str, n: i64) -> Value {
    let (code, result) = verify_bucket(emu, bucket);
    assert_eq!(code, 0, "{result:#}");
    assert_eq!(result["passed"], true, "{result:#}");
    let chains = result["chains"].as_array().expect("chains");
    assert_eq!(chains.len(), 1, "{result:#}");
    let chain = &chains[0];
    assert_eq!(chain["qualification"], "lims-prod");
    assert_eq!(chain["intact"], true, "{result:#}");
    assert_eq!(chain["reports"], n, "{result:#}");
    assert_eq!(chain["first_sequence"], 1, "{result:#}");
    assert_eq!(chain["last_sequence"], n, "{result:#}");
    result
}

/// JSON reports in a bucket.
pub async fn report_keys(sdk: &SdkConfig, bucket: &str) -> Vec<String> {
    keys(sdk, bucket)
        .await
        .into_iter()
        .filter(|k| k.ends_with(".json"))
        .collect()
}

/// Set up a workspace with a passing qualification applied.
pub async fn passing(emu: &Emulator, spec_extra: &str, qual_extra: &str) -> (Workspace, SdkConfig) {
    let sdk = emu.sdk_config().await;
    protected_bucket(&sdk, EVIDENCE).await;
    data_bucket(&sdk, DATA).await;
    let ws = Workspace::new(emu);
    ws.write("main.tf", &config(spec_extra, qual_extra, S3_STORE));
    ws.apply().assert_success();
    (ws, sdk)
}

#[tokio::test(flavor = "multi_thread")]
async fn qualification_passes_files_report_and_second_plan_is_empty() {
    let emu = Emulator::start();
    let (ws, sdk) = passing(&emu, "", "").await;
    let q = ws.resource_values("gxp_qualification.q");
    assert_eq!(q["status"], "passed", "{q:#}");
    assert_eq!(q["failed_count"], 0);
    assert_eq!(q["error_count"], 0);
    // IQ exists + 1 property + 3 OQ checks.
    assert_eq!(q["total_count"], 5, "{q:#}");
    assert_eq!(
        q["requalification_reasons"],
        serde_json::json!(["initial qualification"])
    );
    assert_eq!(q["report_sequence"], 1);
    let location = q["report_location"].as_str().unwrap();
    assert!(
        location.starts_with(
            "s3://gxp-evidence-store/gxp-evidence/application=lims/environment=prod/date="
        ),
        "{location}"
    );
    let (bucket, key) = split_s3(location);
    let bytes = object(&sdk, &bucket, &key).await;
    assert_schema_valid(&bytes);
    assert_eq!(sha256_hex(&bytes), q["report_sha256"].as_str().unwrap());
    let side = String::from_utf8(object(&sdk, &bucket, &format!("{key}.sha256")).await).unwrap();
    assert!(side.starts_with(q["report_sha256"].as_str().unwrap()));
    let report: Value = serde_json::from_slice(&bytes).unwrap();
    assert_eq!(report["format"], "gxp.report/v1");
    assert_eq!(report["summary"]["status"], "passed");
    assert_eq!(report["evidence_store"]["protected"], true);
    assert_eq!(
        report["spec"]["digest"],
        ws.resource_values("gxp_expected_spec.s")["digest"]
    );
    assert!(report["previous_report_sha256"].is_null());
    let ids: Vec<&str> = report["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["check_id"].as_str().unwrap())
        .collect();
    for id in [
        "iq.resource_exists",
        "iq.resource_properties",
        "s3.versioning",
        "s3.public_access_block",
        "s3.encryption",
    ] {
        assert!(ids.contains(&id), "{id} missing from {ids:?}");
    }
    assert_eq!(report["traceability"][0]["requirement"], "URS-001");
    assert_eq!(report["traceability"][0]["status"], "passed");
    // The matrix walks from the requirement to each result and its place in the evidence.
    let traced = report["traceability"][0]["results"].as_array().unwrap();
    assert_eq!(traced.len(), 5, "{traced:#?}");
    for t in traced {
        let i = t["result_index"].as_u64().unwrap();
        let result = &report["results"][i as usize];
        for field in [
            "check_id",
            "target",
            "resource_type",
            "identifier",
            "status",
        ] {
            assert_eq!(t[field], result[field], "{field} of {t}");
        }
        assert_eq!(t["evidence"], format!("{location}#/results/{i}"));
        assert_eq!(
            report.pointer(&format!("/results/{i}/check_id")),
            Some(&t["check_id"]),
            "the evidence fragment is the result's JSON Pointer"
        );
    }
    ws.assert_plan_empty();
}

#[tokio::test(flavor = "multi_thread")]
async fn qualification_drift_after_pass_names_reason_and_resource_then_failed_run_is_recorded() {
    let emu = Emulator::start();
    let (ws, sdk) = passing(&emu, "", "").await;
    let first = ws.resource_values("gxp_qualification.q");
    set_versioning(&sdk, DATA, BucketVersioningStatus::Suspended).await;

    let plan = ws.plan();
    assert!(plan.plan_has_changes(), "{}", plan.combined());
    plan.assert_contains("requalification_reasons")
        .assert_contains("drift security: data_bucket (AWS::S3::Bucket lims-data) VersioningConfiguration.Status: Enabled -> Suspended")
        .assert_contains("update in-place");

    // enforce: the apply fails, one diagnostic per failed check, the report is filed anyway.
    let apply = ws.apply();
    apply.assert_failure()
        .assert_contains("Qualification check failed: s3.versioning on data_bucket")
        .assert_contains("expected: Enabled")
        .assert_contains("Qualification check failed: iq.resource_properties VersioningConfiguration.Status on data_bucket");
    let failed = ws.resource_values("gxp_qualification.q");
    assert_eq!(failed["status"], "failed", "{failed:#}");
    assert_eq!(failed["report_sequence"], 2);
    let (bucket, key) = split_s3(failed["report_location"].as_str().unwrap());
    let failed_bytes = object(&sdk, &bucket, &key).await;
    assert_schema_valid(&failed_bytes);
    let report: Value = serde_json::from_slice(&failed_bytes).unwrap();
    assert_eq!(report["summary"]["status"], "failed");
    assert_eq!(
        report["previous_report_sha256"], first["report_sha256"],
        "reports are chained"
    );
    // The requalifying run's report records what drifted since the previous qualification;
    // the state then has no pending drift (this run is the new baseline).
    assert_eq!(
        drifted(&report, "data_bucket", "VersioningConfiguration.Status"),
        serde_json::json!({
            "target": "data_bucket",
            "resource_type": "AWS::S3::Bucket",
            "identifier": DATA,
            "property": "VersioningConfiguration.Status",
            "class": "security",
            "qualified": "Enabled",
            "current": "Suspended",
        }),
        "{:#}",
        report["drift"]
    );
    assert_eq!(failed["drift"], serde_json::json!([]), "{failed:#}");

    // The failed run is itself a reason; fix the bucket and requalify.
    set_versioning(&sdk, DATA, BucketVersioningStatus::Enabled).await;
    ws.plan().assert_contains("last qualification failed");
    ws.apply().assert_success();
    let fixed = ws.resource_values("gxp_qualification.q");
    assert_eq!(fixed["status"], "passed");
    assert_eq!(fixed["report_sequence"], 3);
    ws.assert_plan_empty();
    let reports = assert_filed_reports_valid(&sdk, EVIDENCE).await;
    assert_eq!(reports.len(), 3, "one report per run, none overwritten");
    let by_sequence = |n: i64| {
        reports
            .iter()
            .find(|r| r["qualification"]["sequence"] == n)
            .unwrap_or_else(|| panic!("no report {n}"))
    };
    assert_eq!(
        by_sequence(1)["drift"],
        serde_json::json!([]),
        "the first qualification has no previous one"
    );
    let reverted = drifted(
        by_sequence(3),
        "data_bucket",
        "VersioningConfiguration.Status",
    );
    assert_eq!(
        (
            &reverted["qualified"],
            &reverted["current"],
            &reverted["class"]
        ),
        (
            &Value::from("Suspended"),
            &Value::from("Enabled"),
            &Value::from("security")
        )
    );
}

/// The drift item of a report for one target and property (panics when there is none).
pub fn drifted(report: &Value, target: &str, property: &str) -> Value {
    report["drift"]
        .as_array()
        .expect("drift")
        .iter()
        .find(|d| d["target"] == target && d["property"] == property)
        .unwrap_or_else(|| {
            panic!(
                "no drift of {target} {property} in report {}: {:#}",
                report["report_id"], report["drift"]
            )
        })
        .clone()
}

#[tokio::test(flavor = "multi_thread")]
async fn qualification_spec_change_and_cosmetic_drift() {
    let emu = Emulator::start();
    let (ws, sdk) = passing(&emu, "", "").await;
    // Cosmetic drift (a tag) does not trigger requalification by default.
    s3(&sdk)
        .put_bucket_tagging()
        .bucket(DATA)
        .tagging(
            aws_sdk_s3::types::Tagging::builder()
                .tag_set(
                    aws_sdk_s3::types::Tag::builder()
                        .key("Owner")
                        .value("lab")
                        .build()
                        .unwrap(),
                )
                .build()
                .unwrap(),
        )
        .send()
        .await
        .expect("tagging");
    ws.assert_plan_empty();

    ws.write(
        "main.tf",
        &config("description = \"now with a description\"", "", S3_STORE),
    );
    let plan = ws.plan();
    assert!(plan.plan_has_changes());
    plan.assert_contains("specification changed: digest");
    ws.apply().assert_success();
    ws.assert_plan_empty();

    // With cosmetic in requalify_on the tag drift is a reason.
    s3(&sdk)
        .put_bucket_tagging()
        .bucket(DATA)
        .tagging(
            aws_sdk_s3::types::Tagging::builder()
                .tag_set(
                    aws_sdk_s3::types::Tag::builder()
                        .key("Owner")
                        .value("qa")
                        .build()
                        .unwrap(),
                )
                .build()
                .unwrap(),
        )
        .send()
        .await
        .expect("tagging");
    ws.write(
        "main.tf",
        &config(
            "description = \"now with a description\"",
            "requalify_on = [\"security\", \"functional\", \"cosmetic\"]",
            S3_STORE,
        ),
    );
    ws.plan().assert_contains("drift cosmetic: data_bucket");
    // Cosmetic drift did not call for requalification, but the spec-change run recorded it.
    let reports = assert_filed_reports_valid(&sdk, EVIDENCE).await;
    assert_eq!(reports.len(), 2);
    let second = reports
        .iter()
        .find(|r| r["qualification"]["sequence"] == 2)
        .expect("the spec-change report");
    let tags: Vec<&Value> = second["drift"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| {
            d["target"] == "data_bucket" && d["property"].as_str().unwrap().starts_with("Tags")
        })
        .collect();
    assert!(!tags.is_empty(), "{:#}", second["drift"]);
    assert!(tags.iter().all(|d| d["class"] == "cosmetic"), "{tags:#?}");
}

#[tokio::test(flavor = "multi_thread")]
async fn qualification_review_period_elapsed_is_a_reason() {
    let emu = Emulator::start();
    let (ws, sdk) = passing(&emu, "", "requalify_after = \"2s\"").await;
    std::thread::sleep(std::time::Duration::from_secs(3));
    let plan = ws.plan();
    assert!(plan.plan_has_changes());
    plan.assert_contains("review period elapsed: qualified");
    assert_eq!(assert_filed_reports_valid(&sdk, EVIDENCE).await.len(), 1);
}

/// An unversioned bucket `plain-evidence` without Object Lock, the data bucket, and a
/// workspace with its spool directory.
async fn unprotected_store_workspace(
    emu: &Emulator,
    sdk: &SdkConfig,
) -> (Workspace, std::path::PathBuf) {
    s3(sdk)
        .create_bucket()
        .bucket("plain-evidence")
        .send()
        .await
        .unwrap();
    data_bucket(sdk, DATA).await;
    let ws = Workspace::new(emu);
    let spool = ws.path().join("spool");
    (ws, spool)
}

/// Qualification arguments filing in `plain-evidence`, spooling in `spool`.
fn plain_store(spool: &std::path::Path, allow_unprotected: bool) -> String {
    let allow = if allow_unprotected {
        "\n    allow_unprotected_store = true"
    } else {
        ""
    };
    format!(
        "evidence_store {{\n    s3_bucket = \"plain-evidence\"{allow}\n  }}\n  spool_directory = \"{}\"",
        spool.display()
    )
}

#[tokio::test(flavor = "multi_thread")]
async fn qualification_unprotected_store_is_refused_unless_allowed() {
    let emu = Emulator::start();
    let sdk = emu.sdk_config().await;
    let (ws, spool) = unprotected_store_workspace(&emu, &sdk).await;
    ws.write("main.tf", &config("", &plain_store(&spool, false), ""));
    ws.apply()
        .assert_failure()
        .assert_contains("Evidence could not be filed")
        .assert_contains("is not protected");
    assert!(
        keys(&sdk, "plain-evidence").await.is_empty(),
        "nothing filed in an unprotected store"
    );
    assert_eq!(
        std::fs::read_dir(&spool).unwrap().count(),
        1,
        "the report is kept in the spool"
    );

    ws.write("main.tf", &config("", &plain_store(&spool, true), ""));
    ws.apply().assert_success();
    let q = ws.resource_values("gxp_qualification.q");
    let (bucket, key) = split_s3(q["report_location"].as_str().unwrap());
    let unprotected = object(&sdk, &bucket, &key).await;
    assert_schema_valid(&unprotected);
    let report: Value = serde_json::from_slice(&unprotected).unwrap();
    assert_eq!(report["evidence_store"]["protected"], false);
    assert_eq!(report["evidence_store"]["unprotected_store_allowed"], true);
}

#[tokio::test(flavor = "multi_thread")]
async fn qualification_store_failure_spools_and_next_apply_files_it() {
    let emu = Emulator::start();
    let sdk = emu.sdk_config().await;
    data_bucket(&sdk, DATA).await;
    let ws = Workspace::new(&emu);
    let spool = ws.path().join("spool");
    ws.write(
        "main.tf",
        &config(
            "",
            &format!("{S3_STORE}\n  spool_directory = \"{}\"", spool.display()),
            "",
        ),
    );
    ws.apply()
        .assert_failure()
        .assert_contains("Evidence could not be filed")
        .assert_contains("local spool");
    let q = ws.resource_values("gxp_qualification.q");
    assert_eq!(
        q["status"], "passed",
        "the run is recorded although filing failed"
    );
    assert!(q["report_location"]
        .as_str()
        .unwrap()
        .starts_with(spool.to_str().unwrap()));

    protected_bucket(&sdk, EVIDENCE).await;
    let plan = ws.plan();
    plan.assert_contains("report(s) waiting in the local spool");
    ws.apply().assert_success();
    let reports: Vec<String> = keys(&sdk, EVIDENCE)
        .await
        .into_iter()
        .filter(|k| k.ends_with(".json"))
        .collect();
    assert_eq!(
        reports.len(),
        2,
        "spooled report filed first, then the new one: {reports:?}"
    );
    assert_eq!(
        std::fs::read_dir(&spool).map(|d| d.count()).unwrap_or(0),
        0,
        "spool emptied"
    );
    // The replacement continues the chain of the spooled report: the auditor's verifier
    // finds one intact chain.
    let second = ws.resource_values("gxp_qualification.q");
    assert_eq!(second["report_sequence"], 2, "{second:#}");
    let result = assert_chain_intact(&emu, EVIDENCE, 2);
    let first_report = &result["chains"][0]["locations"][0];
    let (bucket, key) = split_s3(first_report.as_str().unwrap());
    assert_eq!(
        sha256_hex(&object(&sdk, &bucket, &key).await),
        q["report_sha256"].as_str().unwrap(),
        "the spooled report is the first of the chain"
    );
    ws.assert_plan_empty();
    assert_eq!(assert_filed_reports_valid(&sdk, EVIDENCE).await.len(), 2);
}

#[tokio::test(flavor = "multi_thread")]
async fn qualification_spooled_reports_wait_for_an_acceptable_store() {
    let emu = Emulator::start();
    let sdk = emu.sdk_config().await;
    let (ws, spool) = unprotected_store_workspace(&emu, &sdk).await;
    ws.write("main.tf", &config("", &plain_store(&spool, false), ""));
    ws.apply()
        .assert_failure()
        .assert_contains("is not protected");
    let first = ws.resource_values("gxp_qualification.q");
    let first_spooled = std::path::PathBuf::from(first["report_location"].as_str().unwrap());
    assert!(first_spooled.starts_with(&spool), "{first:#}");

    // Still not allowed: the spooled report is not filed in the refused store either.
    ws.apply()
        .assert_failure()
        .assert_contains("is not protected")
        .assert_contains("Spooled reports are still waiting")
        .assert_not_contains("Filed 1 spooled report(s)");
    assert!(
        keys(&sdk, "plain-evidence").await.is_empty(),
        "nothing filed in an unprotected store, spooled reports included"
    );
    assert!(first_spooled.exists(), "the first report is still spooled");
    assert_eq!(std::fs::read_dir(&spool).unwrap().count(), 2);
    let second = ws.resource_values("gxp_qualification.q");
    assert_eq!(
        second["report_sequence"], 2,
        "the chain continues after the spooled report: {second:#}"
    );

    // Allowed: the spooled reports are filed first, then the new one; one intact chain.
    ws.write("main.tf", &config("", &plain_store(&spool, true), ""));
    ws.apply()
        .assert_success()
        .assert_contains("Filed 2 spooled report(s)");
    assert_eq!(report_keys(&sdk, "plain-evidence").await.len(), 3);
    assert_eq!(
        std::fs::read_dir(&spool).map(|d| d.count()).unwrap_or(0),
        0,
        "spool emptied"
    );
    assert_eq!(
        ws.resource_values("gxp_qualification.q")["report_sequence"],
        3
    );
    assert_chain_intact(&emu, "plain-evidence", 3);
    assert_eq!(
        assert_filed_reports_valid(&sdk, "plain-evidence")
            .await
            .len(),
        3
    );
    ws.assert_plan_empty();
}

#[tokio::test(flavor = "multi_thread")]
async fn qualification_failed_first_apply_is_replaced_and_the_chain_continues() {
    let emu = Emulator::start();
    let sdk = emu.sdk_config().await;
    protected_bucket(&sdk, EVIDENCE).await;
    data_bucket(&sdk, DATA).await;
    s3(&sdk)
        .delete_public_access_block()
        .bucket(DATA)
        .send()
        .await
        .expect("delete public access block");
    let ws = Workspace::new(&emu);
    ws.write("main.tf", &config("", "", S3_STORE));
    ws.apply()
        .assert_failure()
        .assert_contains("Qualification check failed: s3.public_access_block on data_bucket");
    let first = ws.resource_values("gxp_qualification.q");
    assert_eq!(first["status"], "failed", "{first:#}");
    assert_eq!(first["failed_count"], 1, "{first:#}");
    assert_eq!(first["report_sequence"], 1);

    // The failed create is tainted: the next apply replaces it, continuing the chain.
    block_public_access(&sdk, DATA).await;
    ws.plan().assert_contains("must be replaced");
    ws.apply().assert_success();
    let second = ws.resource_values("gxp_qualification.q");
    assert_eq!(second["status"], "passed", "{second:#}");
    assert_eq!(second["report_sequence"], 2, "{second:#}");
    let (bucket, key) = split_s3(second["report_location"].as_str().unwrap());
    let report: Value = serde_json::from_slice(&object(&sdk, &bucket, &key).await).unwrap();
    assert_eq!(report["qualification"]["sequence"], 2);
    assert_eq!(
        report["previous_report_sha256"], first["report_sha256"],
        "the replacement links to the failed first report"
    );
    assert_eq!(report_keys(&sdk, EVIDENCE).await.len(), 2);

    assert_eq!(assert_filed_reports_valid(&sdk, EVIDENCE).await.len(), 2);
    let result = assert_chain_intact(&emu, EVIDENCE, 2);
    let locations: Vec<&str> = result["chains"][0]["locations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l.as_str().unwrap())
        .collect();
    assert_eq!(
        locations,
        [
            first["report_location"].as_str().unwrap(),
            second["report_location"].as_str().unwrap()
        ]
    );
    ws.assert_plan_empty();
}

#[tokio::test(flavor = "multi_thread")]
async fn qualification_import_from_report_and_destroy_keeps_evidence() {
    let emu = Emulator::start();
    let (ws, sdk) = passing(&emu, "", "").await;
    let q = ws.resource_values("gxp_qualification.q");
    let location = q["report_location"].as_str().unwrap().to_string();
    ws.terraform(&["state", "rm", "gxp_qualification.q"])
        .assert_success();
    ws.import("gxp_qualification.q", &location).assert_success();
    let imported = ws.resource_values("gxp_qualification.q");
    assert_eq!(imported["report_location"], location.as_str());
    assert_eq!(imported["report_sha256"], q["report_sha256"]);
    assert_eq!(imported["status"], "passed");
    let plan = ws.plan();
    plan.assert_not_contains("requalification_reasons");
    ws.apply().assert_success();
    assert_eq!(
        ws.resource_values("gxp_qualification.q")["report_location"],
        location.as_str(),
        "settings-only update, no new run"
    );
    ws.assert_plan_empty();

    let before = keys(&sdk, EVIDENCE).await;
    ws.destroy().assert_success();
    assert_eq!(
        keys(&sdk, EVIDENCE).await,
        before,
        "destroy never deletes evidence"
    );
    assert_eq!(assert_filed_reports_valid(&sdk, EVIDENCE).await.len(), 1);
}

#[tokio::test(flavor = "multi_thread")]
async fn qualification_invalid_configuration_is_answered_at_plan() {
    let emu = Emulator::start();
    let ws = Workspace::new(&emu);
    ws.write(
        "main.tf",
        &config(
            "",
            "stages = [\"IQ\", \"XQ\"]\n  requalify_after = \"soon\"",
            S3_STORE,
        ),
    );
    ws.validate()
        .assert_failure()
        .assert_contains("Invalid stage")
        .assert_contains("Invalid review interval");
    // `.` and `..` would name the current or parent folder of the store: refused at plan,
    // with the attribute, instead of failing at every filing.
    for name in [".", ".."] {
        ws.write(
            "main.tf",
            &config("", "", S3_STORE).replace(
                "name          = \"lims-prod\"",
                &format!("name          = \"{name}\""),
            ),
        );
        let run = ws.validate();
        run.assert_failure()
            .assert_contains("Error: Invalid qualification name")
            .assert_contains("with gxp_qualification.q,")
            .assert_contains(&format!("name          = \"{name}\""));
    }
    let tampered = config("", "", S3_STORE).replace(
        "spec_digest   = gxp_expected_spec.s.digest",
        "spec_digest   = \"0000000000000000000000000000000000000000000000000000000000000000\"",
    );
    ws.write("main.tf", &tampered);
    ws.plan()
        .assert_failure()
        .assert_contains("Specification digest mismatch");
}

#[tokio::test(flavor = "multi_thread")]
async fn qualification_check_catalog_data_source_lists_checks() {
    let emu = Emulator::start();
    let ws = Workspace::new(&emu);
    ws.write(
        "main.tf",
        "terraform {\n  required_providers {\n    gxp = { source = \"gxp/gxp\" }\n  }\n}\nprovider \"gxp\" {}\ndata \"gxp_check_catalog\" \"s3\" {\n  service = \"s3\"\n}\ndata \"gxp_check_catalog\" \"pq\" {\n  stage = \"PQ\"\n}\noutput \"s3\" { value = data.gxp_check_catalog.s3.ids }\noutput \"pq\" { value = data.gxp_check_catalog.pq.checks[*].id }\noutput \"versioning_actions\" { value = [for c in data.gxp_check_catalog.s3.checks : c.iam_actions if c.id == \"s3.versioning\"][0] }\n",
    );
    ws.apply().assert_success();
    let out = ws.terraform(&["output", "-json"]);
    let v: Value = serde_json::from_str(&out.stdout).unwrap();
    let s3: Vec<&str> = v["s3"]["value"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_str().unwrap())
        .collect();
    // Every check of the service (`ids` is sorted): the registry's.
    let mut registered: Vec<&str> = gxp_core::catalog::all()
        .iter()
        .filter(|c| c.service == "s3")
        .map(|c| c.id)
        .collect();
    registered.sort_unstable();
    assert_eq!(s3, registered);
    assert!(s3.contains(&"s3.object_lock"));
    let pq: Vec<&str> = v["pq"]["value"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_str().unwrap())
        .collect();
    assert!(pq.contains(&"cloudtrail.logging"), "{pq:?}");
    assert!(!pq.contains(&"s3.versioning"));
    assert_eq!(
        v["versioning_actions"]["value"],
        serde_json::json!([
            "s3:GetBucketTagging",
            "s3:GetBucketVersioning",
            "s3:ListBucket"
        ])
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn qualification_stack_update_is_a_reason() {
    let emu = Emulator::start();
    let sdk = emu.sdk_config().await;
    crate::fixtures::stack::create_stack(&sdk, "lims-core", &[("Environment", "qa")]).await;
    let expected = crate::fixtures::stack::expected_stack("lims-core", &[("Environment", "qa")]);
    let map = |m: &std::collections::BTreeMap<String, String>| {
        let body: Vec<String> = m.iter().map(|(k, v)| format!("{k:?} = {v:?}")).collect();
        format!("{{ {} }}", body.join(", "))
    };
    let stack = format!(
        "expected_stack {{\n    name = \"lims-core\"\n    template_sha256 = {:?}\n    outputs = {}\n    parameters = {}\n    resources = {}\n  }}",
        expected.template_sha256.clone().unwrap(),
        map(&expected.outputs),
        map(&expected.parameters),
        map(&expected.resources)
    );
    let (ws, _) = passing(&emu, &stack, "").await;
    assert_eq!(
        ws.resource_values("gxp_qualification.q")["status"],
        "passed"
    );
    ws.assert_plan_empty();
    crate::fixtures::stack::update_stack_parameter(&sdk, "lims-core", "Owner", "someone-else")
        .await;
    let plan = ws.plan();
    assert!(plan.plan_has_changes());
    plan.assert_contains("stack lims-core updated since qualification")
        .assert_contains("drift functional: stack:lims-core (AWS::CloudFormation::Stack lims-core) Parameters.Owner");
    assert_eq!(assert_filed_reports_valid(&sdk, EVIDENCE).await.len(), 1);
}

#[tokio::test(flavor = "multi_thread")]
async fn qualification_signed_notified_read_back_and_verified() {
    let emu = Emulator::start();
    let sdk = emu.sdk_config().await;
    let kms = aws_sdk_kms::Client::new(&sdk);
    let key = kms
        .create_key()
        .key_usage(aws_sdk_kms::types::KeyUsageType::SignVerify)
        .key_spec(aws_sdk_kms::types::KeySpec::EccNistP256)
        .send()
        .await
        .unwrap()
        .key_metadata
        .unwrap()
        .arn
        .unwrap();
    let sns = aws_sdk_sns::Client::new(&sdk);
    let topic = sns
        .create_topic()
        .name("gxp-qualifications")
        .send()
        .await
        .unwrap()
        .topic_arn
        .unwrap();
    // A listener in the test receives what is published to an http subscription. AWS
    // first POSTs a SubscriptionConfirmation and delivers nothing until it is confirmed
    // with its token (https://docs.aws.amazon.com/sns/latest/dg/SendMessageToHttp.confirm.html);
    // LocalStack does the same, moto delivers at once (its Subscribe answers a real ARN).
    let subscriber = HttpRecorder::start();
    let subscription = sns
        .subscribe()
        .topic_arn(&topic)
        .protocol("http")
        .endpoint(&subscriber.url)
        .send()
        .await
        .expect("subscribe the listener");
    if subscription.subscription_arn() == Some("pending confirmation") {
        let request = subscriber
            .wait_for(std::time::Duration::from_secs(30), |r| {
                r.body_text().contains("\"SubscriptionConfirmation\"")
            })
            .expect("a SubscriptionConfirmation for the pending subscription");
        let confirmation: Value = serde_json::from_slice(&request.body).expect("SNS JSON");
        sns.confirm_subscription()
            .topic_arn(&topic)
            .token(confirmation["Token"].as_str().expect("Token"))
            .send()
            .await
            .expect("confirm the subscription");
    }
    let qual = format!("signing_key_id = {key:?}\n  notify_topic_arn = {topic:?}");
    let (ws, sdk) = passing(&emu, "", &qual).await;
    let q = ws.resource_values("gxp_qualification.q");
    assert_eq!(q["status"], "passed");
    let (bucket, report_key) = split_s3(q["report_location"].as_str().unwrap());
    let sig: Value =
        serde_json::from_slice(&object(&sdk, &bucket, &format!("{report_key}.sig")).await).unwrap();
    assert_eq!(sig["report_sha256"], q["report_sha256"]);
    assert_eq!(sig["key_id"], key.as_str());
    let delivered = subscriber
        .wait_for(std::time::Duration::from_secs(10), |r| {
            r.body_text().contains("\"Notification\"")
        })
        .expect("the qualification published to the SNS topic");
    assert!(delivered.request_line.starts_with("POST "), "{delivered:?}");
    let notification: Value = serde_json::from_slice(&delivered.body).expect("SNS JSON");
    assert_eq!(notification["Type"], "Notification");
    assert_eq!(notification["TopicArn"], topic.as_str());
    assert_eq!(
        notification["Subject"],
        "GxP qualification lims-prod passed: 5 passed, 0 failed, 0 errors"
    );
    let message: Value = serde_json::from_str(
        notification["Message"]
            .as_str()
            .expect("the message is a string"),
    )
    .expect("the message is JSON");
    assert_eq!(message["qualification"], "lims-prod");
    assert_eq!(message["status"], "passed");
    for (count, value) in [
        ("total", 5),
        ("passed", 5),
        ("failed", 0),
        ("error", 0),
        ("suppressed", 0),
    ] {
        assert_eq!(message["summary"][count], value, "{count}: {message:#}");
    }
    assert_eq!(message["report_location"], q["report_location"]);
    assert_eq!(message["report_sha256"], q["report_sha256"]);
    assert_eq!(message["report_id"], q["report_id"]);
    assert_eq!(message["application"], "lims");
    assert_eq!(message["environment"], "prod");
    let notifications = subscriber
        .requests()
        .iter()
        .filter(|r| r.body_text().contains("\"Notification\""))
        .count();
    assert_eq!(notifications, 1, "one notification per run");

    // Pipelines gate on the latest report through the data source.
    let mut cfg = config("", &qual, S3_STORE);
    cfg.push_str(
        r#"
data "gxp_report" "latest" {
  qualification = "lims-prod"
  application   = "lims"
  environment   = "prod"
  depends_on    = [gxp_qualification.q]
}
output "gate" { value = data.gxp_report.latest.status }
output "gate_sha" { value = data.gxp_report.latest.sha256 }
"#,
    );
    ws.write("main.tf", &cfg);
    ws.apply().assert_success();
    let out: Value = serde_json::from_str(&ws.terraform(&["output", "-json"]).stdout).unwrap();
    assert_eq!(out["gate"]["value"], "passed");
    assert_eq!(out["gate_sha"]["value"], q["report_sha256"]);

    // The auditor's verifier accepts the filed chain and its signature.
    let verify = std::process::Command::new(crate::harness::provider_binary())
        .args([
            "verify",
            &format!("s3://{bucket}/gxp-evidence/"),
            "--endpoint-url",
            &emu.endpoint,
            "--region",
            "us-east-1",
            "--path-style",
        ])
        .env("AWS_ACCESS_KEY_ID", "testing")
        .env("AWS_SECRET_ACCESS_KEY", "testing")
        .output()
        .unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&verify.stdout),
        String::from_utf8_lossy(&verify.stderr)
    );
    assert_eq!(verify.status.code(), Some(0), "{text}");
    assert_eq!(assert_filed_reports_valid(&sdk, EVIDENCE).await.len(), 1);
}

/// A state written by schema version 1 (`results` a list) is upgraded by Terraform through
/// the provider to version 3 (`results` a map keyed `CHECK_ID@TARGET[#PROPERTY]`, and
/// `results_in_state = "all"`: such a state holds every result), with no requalification.
#[tokio::test(flavor = "multi_thread")]
async fn qualification_state_version_1_results_list_is_upgraded_to_the_map() {
    let emu = Emulator::start();
    // Every result in state, as versions 1 and 2 kept them; then a configuration of those
    // versions, without `results_in_state`.
    let (ws, _sdk) = passing(&emu, "", "results_in_state = \"all\"").await;
    ws.write("main.tf", &config("", "", S3_STORE));
    let current = ws.resource_values("gxp_qualification.q");
    let map = current["results"].as_object().expect("results map").clone();
    assert_eq!(map.len() as u64, current["total_count"].as_u64().unwrap());

    // Rewrite the state as version 1 wrote it.
    let path = ws.path().join("terraform.tfstate");
    let mut state: Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
    let resource = state["resources"]
        .as_array_mut()
        .unwrap()
        .iter_mut()
        .find(|r| r["type"] == "gxp_qualification")
        .expect("qualification in state");
    let instance = &mut resource["instances"][0];
    assert_eq!(instance["schema_version"], 3);
    instance["schema_version"] = 1.into();
    instance["attributes"]["results"] = Value::Array(map.values().cloned().collect());
    instance["attributes"]
        .as_object_mut()
        .unwrap()
        .remove("results_in_state");
    state["serial"] = (state["serial"].as_u64().unwrap() + 1).into();
    std::fs::write(&path, serde_json::to_vec_pretty(&state).unwrap()).unwrap();

    // Refresh upgrades and persists it; nothing to requalify.
    ws.terraform(&["apply", "-refresh-only", "-auto-approve", "-no-color"])
        .assert_success();
    let upgraded = ws.resource_values("gxp_qualification.q");
    assert_eq!(upgraded["results"], Value::Object(map), "{upgraded:#}");
    assert_eq!(upgraded["results_in_state"], "all", "{upgraded:#}");
    let state: Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
    let instance = state["resources"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["type"] == "gxp_qualification")
        .unwrap()["instances"][0]
        .clone();
    assert_eq!(instance["schema_version"], 3);
    // A provider upgrade plans nothing: the upgraded state keeps every result.
    ws.assert_plan_empty();
}
