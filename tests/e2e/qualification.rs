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

use crate::harness::{Emulator, Workspace};

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
    s3.put_public_access_block()
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
    key
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
    let python = crate::harness::repo_root().join(".venv/bin/python");
    assert!(
        python.exists(),
        "{} missing: run `make tools`",
        python.display()
    );
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("report.json");
    std::fs::write(&path, report).unwrap();
    let schema = crate::harness::repo_root().join("docs/report.schema.json");
    let out = std::process::Command::new(python)
        .args([
            "-c",
            "import json,sys,jsonschema; s=json.load(open(sys.argv[1])); jsonschema.validate(json.load(open(sys.argv[2])), s, format_checker=jsonschema.FormatChecker())",
            schema.to_str().unwrap(),
            path.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "report does not validate: {}",
        String::from_utf8_lossy(&out.stderr)
    );
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

    // The failed run is itself a reason; fix the bucket and requalify.
    set_versioning(&sdk, DATA, BucketVersioningStatus::Enabled).await;
    ws.plan().assert_contains("last qualification failed");
    ws.apply().assert_success();
    let fixed = ws.resource_values("gxp_qualification.q");
    assert_eq!(fixed["status"], "passed");
    assert_eq!(fixed["report_sequence"], 3);
    ws.assert_plan_empty();
    assert_eq!(
        keys(&sdk, EVIDENCE)
            .await
            .iter()
            .filter(|k| k.ends_with(".json"))
            .count(),
        3,
        "one report per run, none overwritten"
    );
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
}

#[tokio::test(flavor = "multi_thread")]
async fn qualification_review_period_elapsed_is_a_reason() {
    let emu = Emulator::start();
    let (ws, _sdk) = passing(&emu, "", "requalify_after = \"2s\"").await;
    std::thread::sleep(std::time::Duration::from_secs(3));
    let plan = ws.plan();
    assert!(plan.plan_has_changes());
    plan.assert_contains("review period elapsed: qualified");
}

#[tokio::test(flavor = "multi_thread")]
async fn qualification_unprotected_store_is_refused_unless_allowed() {
    let emu = Emulator::start();
    let sdk = emu.sdk_config().await;
    s3(&sdk)
        .create_bucket()
        .bucket("plain-evidence")
        .send()
        .await
        .unwrap();
    data_bucket(&sdk, DATA).await;
    let ws = Workspace::new(&emu);
    let spool = ws.path().join("spool");
    let store = format!(
        "evidence_store {{\n    s3_bucket = \"plain-evidence\"\n  }}\n  spool_directory = \"{}\"",
        spool.display()
    );
    ws.write("main.tf", &config("", &store, ""));
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

    let allowed = format!("evidence_store {{\n    s3_bucket = \"plain-evidence\"\n    allow_unprotected_store = true\n  }}\n  spool_directory = \"{}\"", spool.display());
    ws.write("main.tf", &config("", &allowed, ""));
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
        "terraform {\n  required_providers {\n    gxp = { source = \"gxp/gxp\" }\n  }\n}\nprovider \"gxp\" {}\ndata \"gxp_check_catalog\" \"s3\" {\n  service = \"s3\"\n}\ndata \"gxp_check_catalog\" \"pq\" {\n  stage = \"PQ\"\n}\noutput \"s3\" { value = data.gxp_check_catalog.s3.ids }\noutput \"pq\" { value = data.gxp_check_catalog.pq.checks[*].id }\n",
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
    assert_eq!(s3.len(), 7, "{s3:?}");
    assert!(s3.contains(&"s3.object_lock"));
    let pq: Vec<&str> = v["pq"]["value"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_str().unwrap())
        .collect();
    assert!(pq.contains(&"cloudtrail.logging"), "{pq:?}");
    assert!(!pq.contains(&"s3.versioning"));
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
}

/// GET a path from the emulator (moto's state dump), with the standard library only.
fn http_get(endpoint: &str, path: &str) -> String {
    use std::io::{Read, Write};
    let host = endpoint.trim_start_matches("http://");
    let mut conn = std::net::TcpStream::connect(host).expect("connect to emulator");
    write!(
        conn,
        "GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut body = String::new();
    conn.read_to_string(&mut body).expect("read");
    body
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
    let topic = aws_sdk_sns::Client::new(&sdk)
        .create_topic()
        .name("gxp-qualifications")
        .send()
        .await
        .unwrap()
        .topic_arn
        .unwrap();
    let qual = format!("signing_key_id = {key:?}\n  notify_topic_arn = {topic:?}");
    let (ws, sdk) = passing(&emu, "", &qual).await;
    let q = ws.resource_values("gxp_qualification.q");
    assert_eq!(q["status"], "passed");
    let (bucket, report_key) = split_s3(q["report_location"].as_str().unwrap());
    let sig: Value =
        serde_json::from_slice(&object(&sdk, &bucket, &format!("{report_key}.sig")).await).unwrap();
    assert_eq!(sig["report_sha256"], q["report_sha256"]);
    assert_eq!(sig["key_id"], key.as_str());
    let state = http_get(&emu.endpoint, "/moto-api/data.json");
    assert!(
        state.contains(q["report_id"].as_str().unwrap()),
        "the SNS notification names the report"
    );

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
}
