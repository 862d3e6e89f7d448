//! End-to-end: `results_in_state`. By default the state keeps only the failed and
//! unevaluable results, the filed report every result, and the plan after an apply stays
//! empty; `all` keeps every result.

use std::collections::BTreeSet;

use aws_sdk_s3::types::BucketVersioningStatus;
use serde_json::Value;

use crate::harness::{Emulator, Workspace};
use crate::qualification::{
    config, data_bucket, object, protected_bucket, set_versioning, split_s3, DATA, EVIDENCE,
    S3_STORE,
};

/// Keys of the state's `results`.
fn state_keys(q: &Value) -> BTreeSet<String> {
    q["results"]
        .as_object()
        .expect("results map")
        .keys()
        .cloned()
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn failures_in_state_keep_only_failed_results_and_the_report_keeps_all() {
    let emu = Emulator::start();
    let sdk = emu.sdk_config().await;
    protected_bucket(&sdk, EVIDENCE).await;
    data_bucket(&sdk, DATA).await;
    set_versioning(&sdk, DATA, BucketVersioningStatus::Suspended).await;
    let ws = Workspace::new(&emu);
    ws.write("main.tf", &config("", "enforce = false", S3_STORE));
    ws.apply().assert_success();
    let q = ws.resource_values("gxp_qualification.q");
    assert_eq!(q["results_in_state"], "failures", "the default");
    assert_eq!(q["status"], "failed", "{q:#}");
    assert_eq!(q["total_count"], 5, "{q:#}");
    // Versioning suspended: s3.versioning and the VersioningConfiguration property fail.
    assert_eq!(
        state_keys(&q),
        BTreeSet::from([
            "iq.resource_properties@data_bucket#VersioningConfiguration.Status".to_string(),
            "s3.versioning@data_bucket".to_string(),
        ]),
        "{q:#}"
    );
    for r in q["results"].as_object().unwrap().values() {
        assert_eq!(r["status"], "failed", "{r}");
    }
    let (bucket, key) = split_s3(q["report_location"].as_str().unwrap());
    let report: Value = serde_json::from_slice(&object(&sdk, &bucket, &key).await).unwrap();
    let statuses: Vec<&str> = report["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["status"].as_str().unwrap())
        .collect();
    assert_eq!(statuses.len(), 5, "the report keeps every result");
    assert_eq!(statuses.iter().filter(|s| **s == "passed").count(), 3);

    // Fixed: the requalification passes; nothing is left in state, and the plan is empty.
    set_versioning(&sdk, DATA, BucketVersioningStatus::Enabled).await;
    ws.apply().assert_success();
    let q = ws.resource_values("gxp_qualification.q");
    assert_eq!(q["status"], "passed", "{q:#}");
    assert_eq!(q["passed_count"], 5, "{q:#}");
    assert!(state_keys(&q).is_empty(), "{q:#}");
    ws.assert_plan_empty();

    // `all`: a settings change, no run; every result comes back at the next run.
    ws.write(
        "main.tf",
        &config(
            "",
            "enforce = false\n  results_in_state = \"all\"",
            S3_STORE,
        ),
    );
    ws.apply().assert_success();
    ws.assert_plan_empty();
    let sequence = ws.resource_values("gxp_qualification.q")["report_sequence"].clone();
    assert_eq!(sequence, 2, "no run for a settings change");

    // A bad value is refused at plan with the attribute path.
    ws.write(
        "main.tf",
        &config("", "results_in_state = \"passed\"", S3_STORE),
    );
    let plan = ws.plan();
    assert_eq!(plan.status, 1, "{}", plan.report());
    plan.assert_contains("Invalid results_in_state")
        .assert_contains("results_in_state");
}
