//! Fault injection end to end: real Terraform drives the provider, whose AWS calls go
//! through the fault proxy ([`crate::harness::faults`]) to moto.
//!
//! Scenarios (each asserts that no check passed without a real answer behind it, that no
//! report was lost and that the verifier finds the chains intact):
//! * [`transient`]: a transient fault of each kind on every read API the collectors use
//!   gives the statuses of a clean run;
//! * [`persistent`]: persistent faults give `error` naming the API, per service and per
//!   operation, and leave the other targets' verdicts alone;
//! * [`store`]: faults of the S3 evidence store spool the report, the next apply files it
//!   first;
//! * [`concurrent`]: qualifications applied at the same time into one store keep every
//!   chain intact;
//! * [`killed`]: the emulator killed during an apply leaves state and evidence consistent;
//! * [`configure`]: STS GetCallerIdentity faults during provider configuration;
//! * [`proxy`]: the proxy's faults as the SDK sees them (the harness's own test: nothing is
//!   qualified or filed).
//!
//! Each scenario test prints a `FAULTS:` line with its counts ([`tally`]): scenarios,
//! injected faults by kind, false passes, lost reports, verifier runs; `make test` sums them.
//!
//! Backends: every scenario runs against moto and, under `GXP_TEST_BACKEND=localstack`,
//! against LocalStack, declaring what it needs ([`Bench::start`]). The world is built of the
//! services the backend offers: on LocalStack without its CloudTrail and RDS targets (a
//! `faults:` line says so). The kill scenario needs moto (its recorder restarts the killed
//! emulator with what it held) and prints a `SKIPPED` line elsewhere.

mod apis;
mod concurrent;
mod configure;
mod killed;
mod persistent;
mod proxy;
mod store;
mod tally;
mod transient;
mod verdicts;
mod world;

use std::path::PathBuf;
use std::time::{Duration, Instant};

use aws_config::SdkConfig;
use serde_json::Value;

use crate::harness::faults::{Call, FaultProxy};
use crate::harness::{Emulator, Needs, TfRun, Workspace};
use world::{Qualification, Store, World};

/// An emulator, the fault proxy in front of it and an SDK configuration reaching it directly.
pub struct Bench {
    pub emu: Emulator,
    pub proxy: FaultProxy,
    pub sdk: SdkConfig,
}

impl Bench {
    /// A bench on the backend `GXP_TEST_BACKEND` selects, or `None` (with a loud `SKIPPED`
    /// line naming what is lacking, counted as skipped) when that backend lacks one of
    /// `needs`. The scenarios here need only what every backend offers (S3, STS, KMS, EC2,
    /// Logs, Config, CloudFormation, the tagging API); the world leaves out the targets of
    /// services a backend lacks ([`World::build`]).
    pub async fn start(needs: &[Needs]) -> Option<Bench> {
        let emu = Emulator::start_needing(needs)?;
        let proxy = FaultProxy::start(&emu.endpoint);
        let sdk = emu.sdk_config().await;
        Some(Bench { emu, proxy, sdk })
    }

    /// A workspace whose Terraform runs talk to the proxy.
    pub fn workspace(&self) -> Workspace {
        let mut ws = Workspace::new(&self.emu);
        ws.set_env("AWS_ENDPOINT_URL", &self.proxy.url);
        ws
    }

    /// Environment reaching the emulator directly (for the verifier).
    pub fn direct_env(&self) -> Vec<(String, String)> {
        self.emu.env()
    }
}

/// One apply of the world's qualification and what it left.
pub struct Applied {
    pub label: String,
    pub run: TfRun,
    /// The filed report (`None` when nothing was filed).
    pub report: Option<Value>,
    /// The calls the proxy received during the apply.
    pub calls: Vec<Call>,
    pub evidence: PathBuf,
    pub elapsed: Duration,
    /// Keeps the working directory (and its evidence) until the scenario is done.
    pub _ws: Workspace,
}

impl Applied {
    /// The report, or a panic naming the scenario and showing Terraform's output.
    #[track_caller]
    pub fn report(&self) -> &Value {
        self.report.as_ref().unwrap_or_else(|| {
            panic!(
                "scenario {}: no report was filed\n{}",
                self.label,
                self.run.combined()
            )
        })
    }

    /// The calls a fault was injected into.
    pub fn injected(&self) -> Vec<&Call> {
        self.calls.iter().filter(|c| c.fault.is_some()).collect()
    }
}

/// Qualification name of the world.
pub const WORLD_QUALIFICATION: &str = "fault-world";

/// Apply the world's qualification (discovery on, local evidence directory) in a fresh
/// workspace through the proxy, with `provider_extra` in the provider block.
pub fn qualify_world(bench: &Bench, world: &World, label: &str, provider_extra: &str) -> Applied {
    qualify_world_via(bench, &bench.proxy, world, label, provider_extra)
}

/// Observe every target of the world at once (the default concurrency is 16).
pub const ALL_AT_ONCE: &str = "concurrency = 64";

/// [`qualify_world`] through another proxy (in front of the same emulator).
pub fn qualify_world_via(
    bench: &Bench,
    proxy: &FaultProxy,
    world: &World,
    label: &str,
    provider_extra: &str,
) -> Applied {
    let mut ws = Workspace::new(&bench.emu);
    ws.set_env("AWS_ENDPOINT_URL", &proxy.url);
    let evidence = ws.path().join("evidence");
    let q = Qualification {
        resource: "q".into(),
        name: WORLD_QUALIFICATION.into(),
        store: Store::Local(evidence.display().to_string()),
        spool: ws.path().join("spool").display().to_string(),
        discovery: true,
        extra: ALL_AT_ONCE.into(),
    };
    ws.write(
        "main.tf",
        &world::configuration(&world.spec_blocks(), &[q], &world.discovery, provider_extra),
    );
    let mark = proxy.mark();
    let began = Instant::now();
    let run = ws.apply();
    let elapsed = began.elapsed();
    let calls = proxy.calls_since(mark);
    let state = state_of(&ws, "gxp_qualification.q");
    let report = state["report_location"]
        .as_str()
        .filter(|l| !l.is_empty())
        .and_then(|l| std::fs::read(l).ok())
        .map(|b| serde_json::from_slice(&b).expect("report JSON"));
    Applied {
        label: label.into(),
        run,
        report,
        calls,
        evidence,
        elapsed,
        _ws: ws,
    }
}

/// The values of `address` in the workspace's state, `Null` when absent.
pub fn state_of(ws: &Workspace, address: &str) -> Value {
    let show = ws.terraform(&["show", "-json"]);
    if !show.success() {
        return Value::Null;
    }
    let state: Value = serde_json::from_str(&show.stdout).unwrap_or(Value::Null);
    let mut found = Value::Null;
    if let Some(resources) = state
        .pointer("/values/root_module/resources")
        .and_then(Value::as_array)
    {
        for r in resources {
            if r["address"] == address {
                found = r["values"].clone();
            }
        }
    }
    found
}

/// `text` with Terraform's diagnostic frames removed and whitespace runs collapsed.
pub fn squash(text: &str) -> String {
    crate::harness::normalise(text)
}

/// The last `lines` lines of `text`.
pub fn tail(text: &str, lines: usize) -> String {
    let all: Vec<&str> = text.lines().collect();
    all[all.len().saturating_sub(lines)..].join("\n")
}

/// Prints one line to the test process's stderr (shown with `--nocapture` and in the
/// `make test` log when a scenario fails): what a scenario injected and how long it took.
pub fn log_line(line: &str) {
    use std::io::Write;
    let _ = writeln!(std::io::stderr(), "faults: {line}");
}

/// The false passes (as problems) of the report a qualification's `state` points at,
/// judged by `calls` (pass [`verdicts::apply_phase`] of an apply's calls when the plan's
/// refresh read the same resources); a state without a report gives none.
pub async fn false_pass_problems(
    bench: &Bench,
    label: &str,
    state: &Value,
    calls: &[Call],
) -> Vec<String> {
    let Some(report) = verdicts::report_of_state(&bench.sdk, state).await else {
        return Vec::new();
    };
    verdicts::false_passes(&report, calls)
        .into_iter()
        .map(|p| format!("{label}: {} {p}", tally::FALSE_PASS))
        .collect()
}
