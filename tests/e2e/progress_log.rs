//! End-to-end: a qualification's progress (targets observed n of N, checks evaluated,
//! elapsed) reaches Terraform's provider log under `TF_LOG_PROVIDER=INFO`, and nothing of it
//! is printed without it.

use crate::harness::{Emulator, Workspace};
use crate::qualification::{config, data_bucket, protected_bucket, DATA, EVIDENCE, S3_STORE};

/// The lines of `stderr` that carry `needle`.
fn lines_with<'a>(stderr: &'a str, needle: &str) -> Vec<&'a str> {
    stderr.lines().filter(|l| l.contains(needle)).collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn progress_of_apply_and_refresh_is_in_the_provider_log() {
    let emu = Emulator::start();
    let sdk = emu.sdk_config().await;
    protected_bucket(&sdk, EVIDENCE).await;
    data_bucket(&sdk, DATA).await;
    let mut ws = Workspace::new(&emu);
    ws.write("main.tf", &config("", "", S3_STORE));
    ws.set_env("TF_LOG_PROVIDER", "INFO");
    let apply = ws.apply();
    apply.assert_success();
    // One bucket in the specification: IQ exists + 1 property + 3 OQ checks.
    for message in [
        "qualification lims-prod: observing 1 targets",
        "qualification lims-prod: observed 1 of 1 targets,",
        "qualification lims-prod: evaluated 5 checks on 1 targets,",
    ] {
        let found = lines_with(&apply.stderr, message);
        assert_eq!(found.len(), 1, "{message:?} once in:\n{}", apply.report());
        // Terraform's provider logger, at the level the plugin gave, with the key/value pairs.
        let line = found[0];
        assert!(
            line.contains("[INFO]") && line.contains("provider.terraform-provider-gxp"),
            "{line}"
        );
        assert!(line.contains("targets_total=1"), "{line}");
    }
    assert!(
        lines_with(&apply.stderr, "elapsed")
            .iter()
            .all(|l| l.contains("elapsed_ms=")),
        "{}",
        apply.report()
    );

    // The refresh of the next plan reports its own observation.
    let plan = ws.plan();
    assert_eq!(plan.status, 0, "{}", plan.report());
    let refreshed = lines_with(
        &plan.stderr,
        "refresh of qualification lims-prod: observed 1 of 1 targets,",
    );
    assert_eq!(refreshed.len(), 1, "{}", plan.report());

    // Without the provider log, nothing of it is printed.
    ws.set_env("TF_LOG_PROVIDER", "OFF");
    let quiet = ws.plan();
    assert_eq!(quiet.status, 0, "{}", quiet.report());
    assert!(
        lines_with(&quiet.combined(), "of qualification lims-prod").is_empty(),
        "{}",
        quiet.report()
    );
}
