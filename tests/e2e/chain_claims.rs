//! End-to-end: a qualification's report chain cannot fork (issue 8, finding 3).
//!
//! A created qualification — first apply, after `terraform destroy`, replacing a tainted one —
//! whose store cannot be reached spools its report; it takes the next free place of the
//! chain when it is filed. Two working directories applying the same qualification name at
//! once claim consecutive sequence numbers. In every case the auditor's verifier finds one
//! intact chain and no report is lost.

use serde_json::Value;

use crate::harness::{Emulator, Workspace};
use crate::qualification::{
    assert_chain_intact, assert_filed_reports_valid, config, data_bucket, protected_bucket,
    report_keys, EVIDENCE, S3_STORE,
};

/// Qualification arguments: the S3 store with a spool in `ws`.
fn store(ws: &Workspace) -> String {
    format!(
        "{S3_STORE}\n  spool_directory = \"{}\"",
        ws.path().join("spool").display()
    )
}

/// Provider arguments sending S3 calls to a closed port: the evidence store (and the S3
/// checks) cannot be reached.
const S3_UNREACHABLE: &str = "max_retries = 1\n  endpoints {\n    s3 = \"http://127.0.0.1:9\"\n  }";

/// Apply with the store unreachable: the report is spooled.
fn apply_unreachable(ws: &Workspace) -> Value {
    ws.write("main.tf", &config("", &store(ws), S3_UNREACHABLE));
    ws.apply()
        .assert_failure()
        .assert_contains("Evidence could not be filed")
        .assert_contains("takes its place in the report chain when it is filed");
    let q = ws.resource_values("gxp_qualification.q");
    let spooled = q["report_location"].as_str().unwrap();
    assert!(spooled.starts_with(ws.path().to_str().unwrap()), "{q:#}");
    q
}

/// Apply with the store reachable: `spooled` reports are filed first.
fn apply_reachable(ws: &Workspace, spooled: usize) -> Value {
    ws.write("main.tf", &config("", &store(ws), ""));
    let run = ws.apply();
    run.assert_success();
    if spooled > 0 {
        run.assert_contains(&format!("Filed {spooled} spooled report(s)"));
    }
    assert_eq!(
        std::fs::read_dir(ws.path().join("spool"))
            .map(|d| d.count())
            .unwrap_or(0),
        0,
        "spool emptied"
    );
    ws.resource_values("gxp_qualification.q")
}

async fn setup(emu: &Emulator) -> aws_config::SdkConfig {
    let sdk = emu.sdk_config().await;
    protected_bucket(&sdk, EVIDENCE).await;
    data_bucket(&sdk, DATA_BUCKET).await;
    sdk
}

use crate::qualification::DATA as DATA_BUCKET;

#[tokio::test(flavor = "multi_thread")]
async fn chain_created_qualification_with_store_unreachable_continues_the_chain() {
    let emu = Emulator::start();
    let sdk = setup(&emu).await;
    // Another working directory filed the first report of the name.
    let other = Workspace::new(&emu);
    assert_eq!(apply_reachable(&other, 0)["report_sequence"], 1);

    // A new working directory creates the same qualification while the store is down: its
    // report is spooled, knowing nothing of the chain.
    let ws = Workspace::new(&emu);
    apply_unreachable(&ws);
    // Reachable again: the spooled report takes sequence 2, the new run 3.
    let run = {
        ws.write("main.tf", &config("", &store(&ws), ""));
        ws.apply()
    };
    run.assert_success()
        .assert_contains("Filed 1 spooled report(s)")
        .assert_contains("spooled as sequence 1, filed as sequence 2");
    assert_eq!(
        ws.resource_values("gxp_qualification.q")["report_sequence"],
        3
    );
    assert_chain_intact(&emu, EVIDENCE, 3);
    let reports = assert_filed_reports_valid(&sdk, EVIDENCE).await;
    let moved: Vec<&Value> = reports
        .iter()
        .filter(|r| r["notes"].to_string().contains("spooled as sequence 1"))
        .collect();
    assert_eq!(moved.len(), 1, "the re-placed report says so");
    assert_eq!(moved[0]["qualification"]["sequence"], 2);
    ws.assert_plan_empty();
}

#[tokio::test(flavor = "multi_thread")]
async fn chain_destroy_and_recreate_continues_the_chain_store_reachable_or_not() {
    let emu = Emulator::start();
    let sdk = setup(&emu).await;
    let ws = Workspace::new(&emu);
    assert_eq!(apply_reachable(&ws, 0)["report_sequence"], 1);
    ws.destroy().assert_success();
    assert_eq!(apply_reachable(&ws, 0)["report_sequence"], 2);
    ws.destroy().assert_success();
    apply_unreachable(&ws);
    assert_eq!(apply_reachable(&ws, 1)["report_sequence"], 4);
    assert_chain_intact(&emu, EVIDENCE, 4);
    assert_eq!(report_keys(&sdk, EVIDENCE).await.len(), 4, "no report lost");
}

#[tokio::test(flavor = "multi_thread")]
async fn chain_tainted_qualification_replaced_continues_the_chain_store_reachable_or_not() {
    let emu = Emulator::start();
    let sdk = setup(&emu).await;
    let ws = Workspace::new(&emu);
    assert_eq!(apply_reachable(&ws, 0)["report_sequence"], 1);
    ws.terraform(&["taint", "gxp_qualification.q"])
        .assert_success();
    assert_eq!(apply_reachable(&ws, 0)["report_sequence"], 2);
    ws.terraform(&["taint", "gxp_qualification.q"])
        .assert_success();
    apply_unreachable(&ws);
    assert_eq!(apply_reachable(&ws, 1)["report_sequence"], 4);
    assert_chain_intact(&emu, EVIDENCE, 4);
    assert_eq!(report_keys(&sdk, EVIDENCE).await.len(), 4, "no report lost");
}

/// Apply `workspaces` at the same time; each succeeds. Returns their report sequences.
fn apply_at_once(workspaces: &[Workspace]) -> Vec<i64> {
    std::thread::scope(|s| {
        let runs: Vec<_> = workspaces
            .iter()
            .map(|ws| s.spawn(move || ws.apply().assert_success().status))
            .collect();
        for run in runs {
            assert_eq!(run.join().unwrap(), 0);
        }
    });
    let mut sequences: Vec<i64> = workspaces
        .iter()
        .map(|ws| {
            ws.resource_values("gxp_qualification.q")["report_sequence"]
                .as_i64()
                .unwrap()
        })
        .collect();
    sequences.sort();
    sequences
}

#[tokio::test(flavor = "multi_thread")]
async fn chain_two_working_directories_applying_one_name_at_once_keep_one_chain() {
    let emu = Emulator::start();
    let sdk = setup(&emu).await;
    let workspaces = [Workspace::new(&emu), Workspace::new(&emu)];
    for ws in &workspaces {
        ws.write("main.tf", &config("", &store(ws), ""));
    }
    assert_eq!(apply_at_once(&workspaces), [1, 2]);
    // Both requalify at once (the review is forced by tainting).
    for ws in &workspaces {
        ws.terraform(&["taint", "gxp_qualification.q"])
            .assert_success();
    }
    assert_eq!(apply_at_once(&workspaces), [3, 4]);
    assert_chain_intact(&emu, EVIDENCE, 4);
    assert_eq!(
        assert_filed_reports_valid(&sdk, EVIDENCE).await.len(),
        4,
        "no report lost"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn chain_two_working_directories_into_one_local_directory_keep_one_chain() {
    let emu = Emulator::start();
    setup(&emu).await;
    let evidence = tempfile::tempdir().unwrap();
    let local = format!(
        "evidence_store {{\n    local_directory = \"{}\"\n  }}",
        evidence.path().display()
    );
    let workspaces = [Workspace::new(&emu), Workspace::new(&emu)];
    for ws in &workspaces {
        ws.write("main.tf", &config("", &local, ""));
    }
    assert_eq!(apply_at_once(&workspaces), [1, 2]);
    let out = std::process::Command::new(crate::harness::provider_binary())
        .args(["verify", "--json", evidence.path().to_str().unwrap()])
        .output()
        .expect("run the verifier");
    let result: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!("{e}: {}", String::from_utf8_lossy(&out.stderr));
    });
    assert_eq!(out.status.code(), Some(0), "{result:#}");
    assert_eq!(result["passed"], true, "{result:#}");
    let chains = result["chains"].as_array().unwrap();
    assert_eq!(chains.len(), 1, "{result:#}");
    assert_eq!(chains[0]["intact"], true, "{result:#}");
    assert_eq!(chains[0]["reports"], 2, "{result:#}");
}
