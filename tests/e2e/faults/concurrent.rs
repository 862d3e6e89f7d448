//! Qualifications applied at the same time into one evidence store.
//!
//! * Several qualifications (different names) in one configuration: Terraform applies them
//!   in parallel; twice, so each chain has two reports.
//! * One qualification name applied from two working directories at once (two pipelines):
//!   an existing qualification's update and a new one's creation, and then two creations.
//!   A barrier in the proxy holds each run's report PutObject until the other's arrived, so
//!   both have read where the chain continues before either files.
//!
//! Every chain must be one and intact, and every run's report in the store.

use std::time::Duration;

use super::tally::{Tally, REPORT_LOST};
use super::verdicts::apply_phase;
use super::world::{configuration, one_bucket_spec, Qualification, Store};
use super::{false_pass_problems, log_line, state_of, tail, Bench};
use crate::harness::faults::{Action, Rule, Times};
use crate::harness::{TfRun, Workspace};
use crate::qualification::{data_bucket, protected_bucket, report_keys};

const DATA: &str = "fzc-data";
/// One store per sub-scenario, so each chain is judged on its own.
const STORE: &str = "fzc-store";
const SHARED_STORE: &str = "fzc-shared";
const TWIN_STORE: &str = "fzc-twin";
const PARALLEL: usize = 6;

fn qualification(ws: &Workspace, resource: &str, name: &str) -> Qualification {
    let store = match name {
        "shared" => SHARED_STORE,
        "twin" => TWIN_STORE,
        _ => STORE,
    };
    Qualification {
        resource: resource.into(),
        name: name.into(),
        store: Store::S3(store.into()),
        spool: ws.path().join("spool").display().to_string(),
        discovery: false,
        extra: String::new(),
    }
}

fn write(ws: &Workspace, quals: &[Qualification], round: usize) {
    let spec = format!(
        "  description = \"round {round}\"\n{}",
        one_bucket_spec(DATA)
    );
    ws.write(
        "main.tf",
        &configuration(&spec, quals, &(String::new(), String::new()), ""),
    );
}

/// Both applies at once.
fn both(a: &Workspace, b: &Workspace) -> (TfRun, TfRun) {
    std::thread::scope(|s| {
        let first = s.spawn(|| a.apply());
        let second = s.spawn(|| b.apply());
        (first.join().unwrap(), second.join().unwrap())
    })
}

/// A barrier for the next two report PutObjects of qualification `name`.
fn barrier(bench: &Bench, name: &str) {
    bench.proxy.clear_rules();
    bench.proxy.add(
        Rule::new(
            "s3",
            Action::Barrier {
                parties: 2,
                timeout: Duration::from_secs(20),
            },
        )
        .op("PutObject")
        .needle(&format!("/{name}/"))
        .unless(".sha256")
        .times(Times::First(2)),
    );
}

fn report_id(ws: &Workspace) -> Option<String> {
    state_of(ws, "gxp_qualification.q")["report_id"]
        .as_str()
        .map(str::to_string)
}

#[tokio::test(flavor = "multi_thread")]
async fn faults_concurrent_qualifications_into_one_store_keep_every_chain() {
    let Some(bench) = Bench::start(&[]).await else {
        return;
    };
    // Three scenarios: several names at once, one name's update and creation at once, one
    // new name's two creations at once.
    let mut tally = Tally::new(bench.emu.backend());
    tally.scenarios(3);
    data_bucket(&bench.sdk, DATA).await;
    for store in [STORE, SHARED_STORE, TWIN_STORE] {
        protected_bucket(&bench.sdk, store).await;
    }
    let mut problems = Vec::new();

    // Several names, one configuration, applied in parallel by Terraform.
    let ws = bench.workspace();
    let quals: Vec<Qualification> = (0..PARALLEL)
        .map(|i| qualification(&ws, &format!("q{i}"), &format!("parallel-{i}")))
        .collect();
    let mut parallel_ids = Vec::new();
    for round in 1..=2 {
        write(&ws, &quals, round);
        let mark = bench.proxy.mark();
        ws.apply().assert_success();
        let calls = bench.proxy.calls_since(mark);
        for q in &quals {
            let state = state_of(&ws, &format!("gxp_qualification.{}", q.resource));
            let label = format!("parallel {} round {round}", q.name);
            problems.extend(false_pass_problems(&bench, &label, &state, apply_phase(&calls)).await);
            parallel_ids.extend(state["report_id"].as_str().map(str::to_string));
        }
    }
    let keys = report_keys(&bench.sdk, STORE).await;
    for id in &parallel_ids {
        if !keys.iter().any(|k| k.contains(id.as_str())) {
            problems.push(format!("parallel: {REPORT_LOST} {id} is not in {STORE}"));
        }
    }
    let names: Vec<String> = quals.iter().map(|q| q.name.clone()).collect();
    let expected: Vec<(&str, i64)> = names.iter().map(|n| (n.as_str(), 2)).collect();
    let env = bench.direct_env();
    let source = |store: &str| format!("s3://{store}/gxp-evidence");
    problems.extend(tally.chains("parallel names", &env, &source(STORE), &expected));

    // One name, two working directories: A exists (report 1), then A updates while B is
    // created, at once.
    let a = bench.workspace();
    let b = bench.workspace();
    write(&a, &[qualification(&a, "q", "shared")], 1);
    a.apply().assert_success();
    let mut ids: Vec<String> = report_id(&a).into_iter().collect();
    write(&a, &[qualification(&a, "q", "shared")], 2);
    write(&b, &[qualification(&b, "q", "shared")], 2);
    barrier(&bench, "shared");
    let mark = bench.proxy.mark();
    let (ra, rb) = both(&a, &b);
    let calls = bench.proxy.calls_since(mark);
    bench.proxy.clear_rules();
    tally.barriers(barred(&calls));
    // Both directories' calls interleave: judged by all of them (no read is faulted here).
    for (label, ws) in [("shared A", &a), ("shared B", &b)] {
        let state = state_of(ws, "gxp_qualification.q");
        problems.extend(false_pass_problems(&bench, label, &state, &calls).await);
    }
    for (label, run, ws) in [("A", &ra, &a), ("B", &rb, &b)] {
        log_line(&format!(
            "concurrent shared {label}: exit {}\n{}",
            run.status,
            tail(&run.combined(), 12)
        ));
        ids.extend(report_id(ws));
    }
    // Whatever was spooled is filed by each directory's next apply.
    for ws in [&a, &b] {
        write(ws, &[qualification(ws, "q", "shared")], 3);
        let run = ws.apply();
        if run.success() {
            ids.extend(report_id(ws));
        } else {
            problems.push(format!(
                "shared: a later apply failed:\n{}",
                tail(&run.combined(), 30)
            ));
        }
    }
    ids.sort();
    ids.dedup();
    let keys = report_keys(&bench.sdk, SHARED_STORE).await;
    for id in &ids {
        if !keys.iter().any(|k| k.contains(id.as_str())) {
            problems.push(format!(
                "shared: {REPORT_LOST} {id} is not in {SHARED_STORE}"
            ));
        }
    }
    problems.extend(tally.chains(
        "one name from two directories",
        &env,
        &source(SHARED_STORE),
        &[("shared", ids.len() as i64)],
    ));

    // Two creations of one new name at once.
    let c = bench.workspace();
    let d = bench.workspace();
    write(&c, &[qualification(&c, "q", "twin")], 1);
    write(&d, &[qualification(&d, "q", "twin")], 1);
    barrier(&bench, "twin");
    let mark = bench.proxy.mark();
    let (rc, rd) = both(&c, &d);
    let calls = bench.proxy.calls_since(mark);
    bench.proxy.clear_rules();
    tally.barriers(barred(&calls));
    let mut twin: Vec<String> = Vec::new();
    for (label, run, ws) in [("C", &rc, &c), ("D", &rd, &d)] {
        log_line(&format!(
            "concurrent twin {label}: exit {}\n{}",
            run.status,
            tail(&run.combined(), 12)
        ));
        let state = state_of(ws, "gxp_qualification.q");
        let label = format!("twin {label}");
        problems.extend(false_pass_problems(&bench, &label, &state, &calls).await);
        twin.extend(report_id(ws));
        if !run.success() {
            // A run refused (or spooled) now files at its next apply.
            write(ws, &[qualification(ws, "q", "twin")], 2);
            if ws.apply().success() {
                twin.extend(report_id(ws));
            }
        }
    }
    twin.sort();
    twin.dedup();
    let keys = report_keys(&bench.sdk, TWIN_STORE).await;
    for id in &twin {
        if !keys.iter().any(|k| k.contains(id.as_str())) {
            problems.push(format!("twin: {REPORT_LOST} {id} is not in {TWIN_STORE}"));
        }
    }
    problems.extend(tally.chains(
        "one new name created twice at once",
        &env,
        &source(TWIN_STORE),
        &[("twin", twin.len() as i64)],
    ));
    tally.judged(&problems);
    assert!(problems.is_empty(), "\n\n{}\n", problems.join("\n"));
}

/// How many of `calls` a barrier held.
fn barred(calls: &[crate::harness::faults::Call]) -> usize {
    calls
        .iter()
        .filter(|c| c.action.as_deref() == Some("barrier"))
        .count()
}
