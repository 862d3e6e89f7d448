//! Faults of STS GetCallerIdentity, which provider configuration calls to validate the
//! credentials: a transient fault is retried (within `max_retries`) and the apply files its
//! report; a persistent one stops the plan with a diagnostic naming the API, and nothing runs
//! (no call beyond STS, the chain unchanged). After every run: no false pass, every report
//! of state in the evidence directory, the chain intact.

use super::tally::{Tally, REPORT_LOST};
use super::verdicts::apply_phase;
use super::world::{configuration, one_bucket_spec, Qualification, Store};
use super::{false_pass_problems, log_line, squash, state_of, Bench};
use crate::harness::faults::{Fault, Rule, Times};
use crate::harness::Workspace;
use crate::qualification::data_bucket;

const DATA: &str = "fzs-data";
const NAME: &str = "configure";

/// Persistent faults of GetCallerIdentity (held past its 8 s attempt timeout included).
const PERSISTENT: [Fault; 9] = [
    Fault::Throttle,
    Fault::Http500,
    Fault::Http503,
    Fault::ResetBefore,
    Fault::ResetAfter,
    Fault::TruncatedShort(50),
    Fault::AccessDenied,
    Fault::Http404Bare,
    Fault::Hold(10),
];

/// Transient faults, with how many attempts each hits.
const TRANSIENT: [(Fault, u32); 6] = [
    (Fault::Throttle, 1),
    (Fault::Http503, 1),
    (Fault::ResetBefore, 1),
    (Fault::ResetAfter, 1),
    (Fault::TruncatedShort(50), 1),
    // Two throttled attempts: within `max_retries` (2), beyond the two attempts
    // GetCallerIdentity used to be limited to.
    (Fault::Throttle, 2),
];

#[tokio::test(flavor = "multi_thread")]
async fn faults_provider_configuration_sts_transient_retried_persistent_named() {
    let Some(bench) = Bench::start(&[]).await else {
        return;
    };
    let mut tally = Tally::new(bench.emu.backend());
    tally.scenarios(TRANSIENT.len() + PERSISTENT.len());
    data_bucket(&bench.sdk, DATA).await;
    let ws = bench.workspace();
    let evidence = ws.path().join("evidence");
    let q = Qualification {
        resource: "q".into(),
        name: NAME.into(),
        store: Store::Local(evidence.display().to_string()),
        spool: ws.path().join("spool").display().to_string(),
        discovery: false,
        extra: String::new(),
    };
    // Each round changes the specification, so every apply requalifies.
    let write = |round: usize| {
        let spec = format!(
            "  description = \"round {round}\"\n{}",
            one_bucket_spec(DATA)
        );
        ws.write(
            "main.tf",
            &configuration(
                &spec,
                std::slice::from_ref(&q),
                &(String::new(), String::new()),
                // Two retries: enough for the transient cases, and persistent ones end sooner.
                "max_retries = 2",
            ),
        );
    };
    let mut problems = Vec::new();
    let mut ids: Vec<String> = Vec::new();
    let mut injected = 0;
    for (round, (fault, attempts)) in TRANSIENT.into_iter().enumerate() {
        write(round);
        bench.proxy.clear_rules();
        bench.proxy.add(
            Rule::new("sts", fault)
                .op("GetCallerIdentity")
                .times(Times::First(attempts)),
        );
        let mark = bench.proxy.mark();
        let apply = ws.apply();
        let calls = bench.proxy.calls_since(mark);
        tally.faults(&calls);
        injected += calls.iter().filter(|c| c.fault.is_some()).count();
        let label = format!("sts transient {} ×{attempts}", fault.name());
        log_line(&format!("{label}: exit {}", apply.status));
        if !apply.success() {
            problems.push(format!(
                "{label}: the apply did not recover:\n{}",
                super::tail(&apply.combined(), 20)
            ));
            continue;
        }
        if calls.iter().all(|c| c.fault.is_none()) {
            problems.push(format!("{label}: no fault injected"));
        }
        let state = state_of(&ws, "gxp_qualification.q");
        problems.extend(false_pass_problems(&bench, &label, &state, apply_phase(&calls)).await);
        ids.extend(state["report_id"].as_str().map(str::to_string));
        problems.extend(chain_problems(&bench, &mut tally, &label, &ws, &ids));
    }
    for (round, fault) in PERSISTENT.into_iter().enumerate() {
        write(TRANSIENT.len() + round);
        bench.proxy.clear_rules();
        bench
            .proxy
            .add(Rule::new("sts", fault).op("GetCallerIdentity"));
        let mark = bench.proxy.mark();
        let plan = ws.plan();
        let calls = bench.proxy.calls_since(mark);
        tally.faults(&calls);
        injected += calls.iter().filter(|c| c.fault.is_some()).count();
        let label = format!("sts persistent {}", fault.name());
        let text = squash(&plan.combined());
        log_line(&format!(
            "{label}: exit {}, {} calls",
            plan.status,
            calls.len()
        ));
        if plan.status != 1 {
            problems.push(format!(
                "{label}: the plan did not fail (exit {})",
                plan.status
            ));
        } else if !text.contains("GetCallerIdentity") {
            problems.push(format!(
                "{label}: the diagnostic does not name STS GetCallerIdentity:\n{}",
                super::tail(&plan.combined(), 20)
            ));
        }
        if calls.iter().any(|c| c.service != "sts") {
            problems.push(format!("{label}: calls beyond STS: {calls:?}"));
        }
        problems.extend(chain_problems(&bench, &mut tally, &label, &ws, &ids));
    }
    bench.proxy.clear_rules();
    log_line(&format!(
        "configure: {} scenarios, {injected} faults injected",
        TRANSIENT.len() + PERSISTENT.len()
    ));
    tally.judged(&problems);
    assert!(problems.is_empty(), "\n\n{}\n", problems.join("\n\n"));
}

/// Every report of `ids` in the workspace's evidence directory, and one intact chain of
/// exactly those reports.
fn chain_problems(
    bench: &Bench,
    tally: &mut Tally,
    label: &str,
    ws: &Workspace,
    ids: &[String],
) -> Vec<String> {
    let evidence = ws.path().join("evidence");
    let files: Vec<String> = walkdir(&evidence)
        .into_iter()
        .filter(|f| f.ends_with(".json"))
        .collect();
    let mut problems: Vec<String> = ids
        .iter()
        .filter(|id| !files.iter().any(|f| f.contains(id.as_str())))
        .map(|id| {
            format!(
                "{label}: {REPORT_LOST} {id} is not in {}",
                evidence.display()
            )
        })
        .collect();
    problems.extend(tally.chains(
        label,
        &bench.direct_env(),
        &evidence.display().to_string(),
        &[(NAME, ids.len() as i64)],
    ));
    problems
}

/// Every file under `dir`.
fn walkdir(dir: &std::path::Path) -> Vec<String> {
    let mut out = Vec::new();
    let mut todo = vec![dir.to_path_buf()];
    while let Some(d) = todo.pop() {
        for entry in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() {
                todo.push(path);
            } else {
                out.push(path.display().to_string());
            }
        }
    }
    out
}
