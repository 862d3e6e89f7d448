//! A qualification run as `gxp_qualification` drives it: the engine's run
//! ([`gxp_core::qualification::apply_run`]) with the provider's configuration, its outcome
//! turned into state and diagnostics.

use tf_provider::value::Value;
use tf_provider::Diagnostics;

use gxp_core::checks::Status;
use gxp_core::qualification::{self as q, Findings, RunContext, RunSettings};
use gxp_core::soup::{self, SoupInventory};

use super::state::{results_map_in, Private, QualificationState, ResultsInState};
use crate::convert::results::{enforce_off_summary, report_messages, report_results, Level};
use crate::provider::Configured;

/// The SOUP inventory of the working directory Terraform runs the provider in (the
/// provider process inherits Terraform's working directory, also after `-chdir`, and its
/// `TF_DATA_DIR`).
pub fn current_soup(terraform_version: &str) -> SoupInventory {
    match std::env::current_dir() {
        Ok(dir) => soup::collect::collect(
            &dir,
            &soup::collect::data_dir_from_env(),
            terraform_version,
            crate::PROVIDER_VERSION,
        ),
        Err(e) => soup::collect::unknown_directory(
            &e.to_string(),
            terraform_version,
            crate::PROVIDER_VERSION,
        ),
    }
}

/// Run a qualification and build the resulting state. Errors (failed checks with `enforce`,
/// filing failures) are reported as diagnostics alongside the returned state, so the
/// state records the failed run.
pub async fn apply_run(
    diags: &mut Diagnostics,
    configured: &Configured,
    settings: RunSettings,
    planned: QualificationState,
) -> Option<(QualificationState, Private)> {
    let Some(aws) = configured.aws.as_ref() else {
        diags.root_error(
            "The gxp provider configuration is not known yet",
            "Provider values depend on resources not yet created; apply those first.",
        );
        return None;
    };
    let ctx = RunContext {
        aws,
        labels: configured.labels.clone(),
        provider_version: crate::PROVIDER_VERSION.into(),
        terraform_version: configured.terraform_version.clone(),
        signer_trust: configured.signer_trust.as_deref(),
        soup: Some(current_soup(&configured.terraform_version)),
        progress: Some(crate::provider::log::progress_sink()),
    };
    let outcome = q::apply_run(&ctx, settings).await;
    report_messages(diags, outcome.messages);
    let done = outcome.completed?;
    let summary = &done.report.summary;
    let mut state = planned;
    state.status = Value::Value(summary.status.as_str().into());
    state.total_count = Value::Value(summary.total);
    state.passed_count = Value::Value(summary.passed);
    state.failed_count = Value::Value(summary.failed);
    state.error_count = Value::Value(summary.error);
    state.suppressed_count = Value::Value(summary.suppressed);
    let mode = ResultsInState::of(&state.results_in_state);
    state.results = Value::Value(results_map_in(&done.report.results, mode));
    state.qualified_at = Value::Value(done.qualified_at.clone());
    state.qualified_spec_digest = Value::Value(done.spec_digest.clone());
    state.observed_fingerprint = Value::Value(done.fingerprint.clone());
    state.report_id = Value::Value(done.report.report_id.clone());
    state.report_location = Value::Value(done.location.clone());
    state.report_sha256 = Value::Value(done.report_sha256.clone());
    state.report_sequence = Value::Value(done.sequence);
    if let Some(args) =
        super::verify_arguments(&state.name, &state.report_sha256, &state.report_sequence)
    {
        state.verify_arguments = args;
    }
    // No pending drift: this run's observations are the new baseline (the plan said so).
    // What had drifted since the previous qualification is recorded in the report.
    state.drift = Value::Value(vec![]);
    if done.enforced_failure() {
        report_results(diags, &done.report.results, Level::Error);
    } else if !done.enforce && summary.status != Status::Passed {
        // Not enforced: the apply succeeds, but no failed or unevaluable check goes unsaid.
        report_results(diags, &done.report.results, Level::Warning);
        let (summary, detail) = enforce_off_summary(&done.report, &done.location);
        diags.root_warning(summary, detail);
    }
    Some((
        state,
        Private {
            snapshot: Some(done.snapshot),
            findings: Findings::default(),
            soup: done.report.soup.clone(),
        },
    ))
}
