//! Terraform's provider log: lines the plugin writes to its standard error in go-plugin's
//! JSON log format (`@level`, `@message`, `@module`, then key/value pairs), which Terraform
//! shows under `TF_LOG_PROVIDER` (or `TF_LOG`) at their level.

use std::io::Write;

use gxp_core::qualification::progress::{Phase, Progress, ProgressSink};

/// The log line (without its newline) of one progress report, at level `info`.
pub fn progress_line(p: &Progress) -> String {
    let phase = match p.phase {
        Phase::Started => "started",
        Phase::Observing => "observing",
        Phase::Observed => "observed",
        Phase::Evaluated => "evaluated",
    };
    serde_json::json!({
        "@level": "info",
        "@message": p.message(),
        "@module": "gxp",
        "phase": phase,
        "targets_observed": p.targets_observed,
        "targets_total": p.targets_total,
        "checks_evaluated": p.checks_evaluated,
        "elapsed_ms": p.elapsed.as_millis() as u64,
    })
    .to_string()
}

/// A sink writing each progress report to standard error as a provider log line.
pub fn progress_sink() -> ProgressSink {
    ProgressSink::new(|p| {
        let mut err = std::io::stderr().lock();
        let _ = writeln!(err, "{}", progress_line(p));
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn a_progress_line_is_one_line_of_go_plugin_json() {
        let line = progress_line(&Progress {
            run: "qualification lims-prod".into(),
            phase: Phase::Observing,
            targets_observed: 400,
            targets_total: 1000,
            checks_evaluated: 0,
            elapsed: Duration::from_millis(12_345),
        });
        assert!(!line.contains('\n'), "{line}");
        let v: serde_json::Value = serde_json::from_str(&line).unwrap();
        assert_eq!(v["@level"], "info");
        assert_eq!(v["@module"], "gxp");
        assert_eq!(
            v["@message"],
            "qualification lims-prod: observed 400 of 1000 targets, 12.3 s elapsed"
        );
        assert_eq!(v["targets_observed"], 400);
        assert_eq!(v["targets_total"], 1000);
        assert_eq!(v["elapsed_ms"], 12_345);
        assert_eq!(v["phase"], "observing");
        // No @timestamp: go-plugin would drop a line whose timestamp it cannot parse to
        // its debug level.
        assert!(v.get("@timestamp").is_none());
    }
}
