//! The emulator killed (SIGKILL) during an apply, at the moment the proxy sees a chosen call:
//! while collecting, while reading the store's protection, while filing the report, while
//! filing its digest. moto records every request it handles (its recorder); the restarted
//! emulator replays them, so it holds what AWS would still hold. After the killed apply,
//! state and evidence must agree (the state's report is in the store or in the spool); the
//! next apply against the restarted emulator files what was spooled and continues the chain;
//! the verifier finds it intact, every run's report in it.

use std::io::{Read, Write};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Arc;

use super::tally::{Tally, REPORT_LOST};
use super::verdicts::apply_phase;
use super::world::{configuration, one_bucket_spec, Qualification, Store};
use super::{false_pass_problems, log_line, state_of, tail, Bench};
use crate::harness::faults::{Action, FaultProxy, Rule, Times};
use crate::harness::{moto_or_skip, Emulator};
use crate::qualification::{data_bucket, protected_bucket, report_keys};

const DATA: &str = "fzk-data";
const STORE: &str = "fzk-store";
const NAME: &str = "killed";

/// Where the emulator dies: the call that triggers the kill.
struct KillPoint {
    label: &'static str,
    /// Matching calls let through before the kill (the plan's refresh reads too).
    skip: u32,
    operation: &'static str,
    needles: &'static [&'static str],
    unless: Option<&'static str>,
}

const KILL_POINTS: &[KillPoint] = &[
    KillPoint {
        label: "refreshing (the plan)",
        skip: 0,
        operation: "GetBucketVersioning",
        needles: &["/fzk-data"],
        unless: None,
    },
    KillPoint {
        label: "collecting",
        skip: 1,
        operation: "GetBucketVersioning",
        needles: &["/fzk-data"],
        unless: None,
    },
    KillPoint {
        label: "reading the store's protection",
        skip: 0,
        operation: "GetObjectLockConfiguration",
        needles: &["/fzk-store"],
        unless: None,
    },
    KillPoint {
        label: "filing the report",
        skip: 0,
        operation: "PutObject",
        needles: &["/fzk-store"],
        unless: Some(".sha256"),
    },
    KillPoint {
        label: "filing the report's digest",
        skip: 0,
        operation: "PutObject",
        needles: &["/fzk-store", ".sha256"],
        unless: None,
    },
];

/// `POST PATH` to moto's own API; panics unless it answers 200.
fn moto_api(endpoint: &str, path: &str) {
    let addr = endpoint.trim_start_matches("http://");
    let mut conn = std::net::TcpStream::connect(addr).expect("connect to moto");
    conn.set_read_timeout(Some(std::time::Duration::from_secs(60)))
        .unwrap();
    write!(
        conn,
        "POST {path} HTTP/1.0\r\nHost: {addr}\r\nContent-Length: 0\r\n\r\n"
    )
    .unwrap();
    let mut answer = String::new();
    let _ = conn.read_to_string(&mut answer);
    assert!(
        answer.starts_with("HTTP/1.0 200") || answer.starts_with("HTTP/1.1 200"),
        "moto {path}: {answer}"
    );
}

/// A moto recording every request into `recording`, seeded for reproducible ids.
fn recording_moto(recording: &std::path::Path) -> Emulator {
    let path = recording.display().to_string();
    let emu = Emulator::start_with_env(&[
        ("MOTO_ENABLE_RECORDING", "True"),
        ("MOTO_RECORDER_FILEPATH", &path),
    ]);
    moto_api(&emu.endpoint, "/moto-api/seed?a=42");
    emu
}

#[tokio::test(flavor = "multi_thread")]
async fn faults_emulator_killed_during_an_apply_leaves_state_and_evidence_consistent() {
    let name = "faults_emulator_killed_during_an_apply_leaves_state_and_evidence_consistent";
    if !moto_or_skip(name, "the kill scenarios restart moto from its recording") {
        return;
    }
    let mut tally = Tally::new(crate::harness::Backend::Moto);
    tally.scenarios(KILL_POINTS.len());
    let dir = tempfile::tempdir().unwrap();
    let recording = dir.path().join("moto-recording.jsonl");
    let first = recording_moto(&recording);
    let proxy = FaultProxy::start(&first.endpoint);
    let sdk = first.sdk_config().await;
    data_bucket(&sdk, DATA).await;
    protected_bucket(&sdk, STORE).await;
    let pid = Arc::new(AtomicU32::new(first.pid().expect("moto pid")));
    let mut bench = Bench {
        emu: first,
        proxy,
        sdk,
    };

    let ws = bench.workspace();
    let q = Qualification {
        resource: "q".into(),
        name: NAME.into(),
        store: Store::S3(STORE.into()),
        spool: ws.path().join("spool").display().to_string(),
        discovery: false,
        extra: String::new(),
    };
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
                // The emulator is down until the test restarts it: retries only take time.
                "max_retries = 1",
            ),
        );
    };
    let mut ids: Vec<String> = Vec::new();
    let record = |ws: &crate::harness::Workspace, ids: &mut Vec<String>| {
        if let Some(id) = state_of(ws, "gxp_qualification.q")["report_id"].as_str() {
            if !ids.iter().any(|i| i == id) {
                ids.push(id.to_string());
            }
        }
    };
    write(0);
    ws.apply().assert_success();
    record(&ws, &mut ids);

    let mut problems = Vec::new();
    for (round, point) in KILL_POINTS.iter().enumerate() {
        let label = format!("killed while {}", point.label);
        let victim = Arc::clone(&pid);
        let mut rule = Rule::new(
            "s3",
            Action::Hook(Arc::new(move |_| {
                let _ = std::process::Command::new("kill")
                    .args(["-KILL", &victim.load(Ordering::SeqCst).to_string()])
                    .status();
                // The port closes with the process.
                std::thread::sleep(std::time::Duration::from_millis(300));
            })),
        )
        .op(point.operation)
        .times(Times::First(1));
        let mut pass = Rule::new("s3", Action::Delay(std::time::Duration::ZERO))
            .op(point.operation)
            .times(Times::First(point.skip));
        for n in point.needles {
            rule = rule.needle(n);
            pass = pass.needle(n);
        }
        if let Some(u) = point.unless {
            rule = rule.unless(u);
            pass = pass.unless(u);
        }
        bench.proxy.add(pass);
        bench.proxy.add(rule);
        write(round * 2 + 1);
        let began = std::time::Instant::now();
        let before = state_of(&ws, "gxp_qualification.q")["report_id"].clone();
        let mark = bench.proxy.mark();
        let killed = ws.apply();
        let calls = bench.proxy.calls_since(mark);
        bench.proxy.clear_rules();
        let kills = calls
            .iter()
            .filter(|c| c.action.as_deref() == Some("hook"))
            .count();
        tally.injected("kill", kills);
        if kills == 0 {
            problems.push(format!("{label}: the emulator was not killed"));
        }
        log_line(&format!(
            "{label}: exit {} after {:?}\n{}",
            killed.status,
            began.elapsed(),
            tail(&killed.combined(), 16)
        ));
        record(&ws, &mut ids);

        // Restart: a new moto replays what the dead one had handled.
        let restarted = recording_moto(&recording);
        moto_api(&restarted.endpoint, "/moto-api/recorder/replay-recording");
        pid.store(restarted.pid().expect("moto pid"), Ordering::SeqCst);
        bench.proxy.set_upstream(&restarted.endpoint);
        bench.sdk = restarted.sdk_config().await;
        bench.emu = restarted;

        let after = state_of(&ws, "gxp_qualification.q");
        if after["report_id"] != before {
            problems.extend(false_pass_problems(&bench, &label, &after, apply_phase(&calls)).await);
        }
        // State and evidence agree: the state's report is in the store or in the spool.
        let state = state_of(&ws, "gxp_qualification.q");
        let location = state["report_location"].as_str().unwrap_or_default();
        let id = state["report_id"].as_str().unwrap_or_default();
        let keys = report_keys(&bench.sdk, STORE).await;
        let filed = keys.iter().any(|k| k.contains(id));
        let spooled = location.contains("spool") && std::path::Path::new(location).exists();
        if !(filed || spooled) {
            problems.push(format!(
                "{label}: {REPORT_LOST} state names report {id} at {location:?}, which is neither in {STORE} nor in the spool"
            ));
        }

        // The next apply files what waits and continues the chain.
        write(round * 2 + 2);
        let next = ws.apply();
        if !next.success() {
            problems.push(format!(
                "{label}: the apply after the restart failed:\n{}",
                tail(&next.combined(), 30)
            ));
        }
        record(&ws, &mut ids);
        let keys = report_keys(&bench.sdk, STORE).await;
        for id in &ids {
            if !keys.iter().any(|k| k.contains(id.as_str())) {
                problems.push(format!("{label}: {REPORT_LOST} {id} is not in {STORE}"));
            }
        }
        problems.extend(tally.chains(
            &label,
            &bench.direct_env(),
            &format!("s3://{STORE}/gxp-evidence"),
            &[(NAME, keys.len() as i64)],
        ));
        if keys.len() != ids.len() {
            problems.push(format!(
                "{label}: {} reports in the store, {} runs recorded",
                keys.len(),
                ids.len()
            ));
        }
    }
    log_line(&format!(
        "killed: {} kill points, {} reports filed",
        KILL_POINTS.len(),
        ids.len()
    ));
    tally.judged(&problems);
    assert!(problems.is_empty(), "\n\n{}\n", problems.join("\n"));
}
