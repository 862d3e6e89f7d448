//! Faults of the S3 evidence store. One workspace holds one qualification per scenario, each
//! filing in its own Object Lock bucket, so the rule of a scenario (needle: its bucket) hits
//! only its own store, and one apply runs every scenario at once:
//! 1. a clean apply files report 1 of every qualification;
//! 2. a requalification with the faults: a persistent fault spools the report (the apply
//!    says where), a transient one files it (also when the emulator wrote the object and
//!    the first answer was lost);
//! 3. a clean requalification files the spooled report first, then its own;
//! 4. `terraform destroy`, then the qualifications are created again with faults on the
//!    reads that tell where their chains continue; 5. a clean apply.
//!
//! After every apply: no report lost (every report id in state is in its store or its spool)
//! and, once filed, every chain intact.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use super::tally::{Tally, REPORT_LOST};
use super::verdicts::apply_phase;
use super::world::{configuration, one_bucket_spec, Qualification, Store};
use super::{false_pass_problems, log_line, state_of, Bench};
use crate::harness::faults::{Fault, Rule, Times};
use crate::harness::TfRun;
use crate::qualification::{data_bucket, protected_bucket, report_keys};

const DATA: &str = "fzq-data";

/// What a store fault is expected to do to the report of its run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Expect {
    /// Kept in the spool, filed by the next apply.
    Spooled,
    /// Filed by this apply.
    Filed,
    /// Nothing run, nothing filed or spooled: the apply refused (a created qualification
    /// that cannot read where its chain continues).
    Refused,
    /// Any of these (the answer's meaning is not fixed: a cut document; a created
    /// qualification may spool or refuse).
    Either,
}

/// One store scenario: its rule (on its own bucket) and what it should do.
struct Case {
    name: &'static str,
    operation: &'static str,
    /// Only keys with (`Some(true)`) or without (`Some(false)`) `.sha256`.
    digest: Option<bool>,
    fault: Fault,
    times: Times,
    expect: Expect,
}

const fn case(
    name: &'static str,
    operation: &'static str,
    digest: Option<bool>,
    fault: Fault,
    times: Times,
    expect: Expect,
) -> Case {
    Case {
        name,
        operation,
        digest,
        fault,
        times,
        expect,
    }
}

const PUT: &str = "PutObject";
/// Every S3 operation.
const ANY: &str = "*";
const ALWAYS: Times = Times::Always;
const ONCE: Times = Times::FirstAttempts(1);

/// Faults while filing an existing qualification's report.
const FILING: &[Case] = &[
    case(
        "put-throttle",
        PUT,
        Some(false),
        Fault::Throttle,
        ALWAYS,
        Expect::Spooled,
    ),
    case(
        "put-500",
        PUT,
        Some(false),
        Fault::Http500,
        ALWAYS,
        Expect::Spooled,
    ),
    case(
        "put-503",
        PUT,
        Some(false),
        Fault::Http503,
        ALWAYS,
        Expect::Spooled,
    ),
    case(
        "put-reset",
        PUT,
        Some(false),
        Fault::ResetBefore,
        ALWAYS,
        Expect::Spooled,
    ),
    case(
        "put-denied",
        PUT,
        Some(false),
        Fault::AccessDenied,
        ALWAYS,
        Expect::Spooled,
    ),
    case(
        "put-404",
        PUT,
        Some(false),
        Fault::Http404Bare,
        ALWAYS,
        Expect::Spooled,
    ),
    // The object is written, every answer lost: the apply cannot know and spools; the next
    // apply finds the object (412) with the same bytes.
    case(
        "put-lost-answer",
        PUT,
        Some(false),
        Fault::ResetAfter,
        ALWAYS,
        Expect::Spooled,
    ),
    // The first answer lost: the retry finds the object (412) with the same bytes.
    case(
        "put-lost-once",
        PUT,
        Some(false),
        Fault::ResetAfter,
        ONCE,
        Expect::Filed,
    ),
    case(
        "put-throttle-once",
        PUT,
        Some(false),
        Fault::Throttle,
        ONCE,
        Expect::Filed,
    ),
    case(
        "put-reset-once",
        PUT,
        Some(false),
        Fault::ResetBefore,
        ONCE,
        Expect::Filed,
    ),
    case(
        "digest-503",
        PUT,
        Some(true),
        Fault::Http503,
        ALWAYS,
        Expect::Spooled,
    ),
    case(
        "digest-reset",
        PUT,
        Some(true),
        Fault::ResetBefore,
        ALWAYS,
        Expect::Spooled,
    ),
    case(
        "versioning-denied",
        "GetBucketVersioning",
        None,
        Fault::AccessDenied,
        ALWAYS,
        Expect::Spooled,
    ),
    case(
        "versioning-cut",
        "GetBucketVersioning",
        None,
        Fault::TruncatedWithLength(50),
        ALWAYS,
        Expect::Either,
    ),
    case(
        "lock-500",
        "GetObjectLockConfiguration",
        None,
        Fault::Http500,
        ALWAYS,
        Expect::Spooled,
    ),
    case(
        "lock-short",
        "GetObjectLockConfiguration",
        None,
        Fault::TruncatedShort(50),
        ALWAYS,
        Expect::Spooled,
    ),
    case(
        "lock-404",
        "GetObjectLockConfiguration",
        None,
        Fault::Http404Bare,
        ALWAYS,
        Expect::Spooled,
    ),
];

/// Faults while a created qualification (after `terraform destroy`) reads where its chain
/// continues, or files its first report.
const CREATION: &[Case] = &[
    // The store cannot be reached at all: its chain cannot be read, so no report may claim
    // a sequence number that is already taken (issue 8 finding 3).
    case(
        "created-store-unreachable",
        ANY,
        None,
        Fault::ResetBefore,
        ALWAYS,
        Expect::Spooled,
    ),
    // The store's protection cannot be read (the report is spooled), its chain can.
    case(
        "created-store-unchecked",
        "GetBucketVersioning",
        None,
        Fault::AccessDenied,
        ALWAYS,
        Expect::Spooled,
    ),
    case(
        "created-list-500",
        "ListObjectsV2",
        None,
        Fault::Http500,
        ALWAYS,
        Expect::Either,
    ),
    case(
        "created-get-reset",
        "GetObject",
        None,
        Fault::ResetBefore,
        ALWAYS,
        Expect::Either,
    ),
    case(
        "created-put-503",
        PUT,
        Some(false),
        Fault::Http503,
        ALWAYS,
        Expect::Spooled,
    ),
];

fn bucket_of(index: usize) -> String {
    format!("fzq-{index:02}-store")
}

fn rule(c: &Case, bucket: &str) -> Rule {
    let mut r = Rule::new("s3", c.fault)
        .needle(&format!("/{bucket}"))
        .times(c.times);
    if c.operation != ANY {
        r = r.op(c.operation);
    }
    match c.digest {
        Some(true) => r.needle(".sha256"),
        Some(false) => r.unless(".sha256"),
        None => r,
    }
}

/// The qualifications of the workspace, one per filing case.
fn qualifications(ws: &Path) -> Vec<Qualification> {
    FILING
        .iter()
        .enumerate()
        .map(|(i, c)| Qualification {
            resource: c.name.replace('-', "_"),
            name: format!("store-{}", c.name),
            store: Store::S3(bucket_of(i)),
            spool: spool_dir(ws, c.name).display().to_string(),
            discovery: false,
            extra: String::new(),
        })
        .collect()
}

fn spool_dir(ws: &Path, name: &str) -> PathBuf {
    ws.join(format!("spool-{name}"))
}

/// Filings waiting in a spool directory.
fn spooled(dir: &Path) -> usize {
    std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .flatten()
                .filter(|e| !e.file_name().to_string_lossy().starts_with('.'))
                .count()
        })
        .unwrap_or(0)
}

/// Whether the report a state's `location` names was filed in `bucket` or waits in case
/// `name`'s spool; an error when state and evidence disagree.
fn outcome_of(ws: &Path, name: &str, bucket: &str, location: &str) -> Result<Expect, String> {
    let in_spool = spooled(&spool_dir(ws, name));
    let filed = location.starts_with(&format!("s3://{bucket}/"));
    match (filed, in_spool) {
        (true, 0) => Ok(Expect::Filed),
        (false, 1) if location.contains("spool-") => Ok(Expect::Spooled),
        (false, 0) if location.is_empty() => Ok(Expect::Refused),
        (filed, in_spool) => Err(format!(
            "{name}: inconsistent after the faulted apply: location {location:?}, \
             {in_spool} spooled, filed {filed:?}"
        )),
    }
}

/// Every report id a qualification's state named, by qualification.
type Seen = BTreeMap<String, Vec<String>>;

fn record_ids(ws: &crate::harness::Workspace, quals: &[Qualification], seen: &mut Seen) {
    for q in quals {
        let state = state_of(ws, &format!("gxp_qualification.{}", q.resource));
        if let Some(id) = state["report_id"].as_str() {
            let ids = seen.entry(q.name.clone()).or_default();
            if !ids.iter().any(|i| i == id) {
                ids.push(id.to_string());
            }
        }
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn faults_store_faults_spool_and_the_next_apply_files_first() {
    let Some(bench) = Bench::start(&[]).await else {
        return;
    };
    let mut tally = Tally::new(bench.emu.backend());
    tally.scenarios(FILING.len() + CREATION.len());
    data_bucket(&bench.sdk, DATA).await;
    for i in 0..FILING.len() {
        protected_bucket(&bench.sdk, &bucket_of(i)).await;
    }
    let ws = bench.workspace();
    let quals = qualifications(ws.path());
    let write = |round: usize| {
        let spec = format!(
            "  description = \"round {round}\"\n{}",
            one_bucket_spec(DATA)
        );
        ws.write(
            "main.tf",
            // Two retries: persistence outlasts any number, and the rounds stay short.
            &configuration(&spec, &quals, &("".into(), "".into()), "max_retries = 2"),
        );
    };
    let mut seen = Seen::new();
    let mut problems = Vec::new();
    let mut injected = 0;
    let apply = |label: &str| -> (TfRun, Vec<crate::harness::faults::Call>) {
        let mark = bench.proxy.mark();
        let began = std::time::Instant::now();
        let run = ws.apply();
        log_line(&format!(
            "store {label}: exit {}, {:?}",
            run.status,
            began.elapsed()
        ));
        (run, bench.proxy.calls_since(mark))
    };

    // 1. Clean: report 1 everywhere.
    write(1);
    let (run, _) = apply("clean");
    run.assert_success();
    record_ids(&ws, &quals, &mut seen);

    // 2. Faults while filing.
    for (i, c) in FILING.iter().enumerate() {
        bench.proxy.add(rule(c, &bucket_of(i)));
    }
    write(2);
    let (run, calls) = apply("faulted");
    bench.proxy.clear_rules();
    injected += calls.iter().filter(|c| c.fault.is_some()).count();
    tally.faults(&calls);
    record_ids(&ws, &quals, &mut seen);
    let mut waiting = 0;
    for (i, (c, q)) in FILING.iter().zip(&quals).enumerate() {
        let bucket = bucket_of(i);
        let state = state_of(&ws, &format!("gxp_qualification.{}", q.resource));
        problems.extend(false_pass_problems(&bench, c.name, &state, apply_phase(&calls)).await);
        let faulted = calls
            .iter()
            .filter(|call| call.fault.is_some() && call.mentions(&bucket))
            .count();
        if faulted == 0 {
            problems.push(format!("{}: no fault injected", c.name));
        }
        let state = state_of(&ws, &format!("gxp_qualification.{}", q.resource));
        let location = state["report_location"]
            .as_str()
            .unwrap_or_default()
            .to_string();
        let outcome = match outcome_of(ws.path(), c.name, &bucket, &location) {
            Ok(o) => o,
            Err(e) => {
                problems.push(e);
                continue;
            }
        };
        if outcome == Expect::Spooled {
            waiting += 1;
            if !run
                .combined()
                .contains(&spool_dir(ws.path(), c.name).display().to_string())
            {
                problems.push(format!(
                    "{}: spooled, but the apply did not say where",
                    c.name
                ));
            }
        }
        if c.expect != Expect::Either && outcome != c.expect {
            problems.push(format!(
                "{}: {:?} expected, got {outcome:?} ({location})",
                c.name, c.expect
            ));
        }
        if state["report_sequence"] != 2 {
            problems.push(format!(
                "{}: sequence {} after run 2",
                c.name, state["report_sequence"]
            ));
        }
    }
    if waiting > 0 && !super::squash(&run.combined()).contains("Evidence could not be filed") {
        problems.push("faulted apply: no \"Evidence could not be filed\" diagnostic".into());
    }

    // 3. Clean requalification: spooled reports first, then report 3.
    write(3);
    let (run, calls) = apply("recovery");
    run.assert_success();
    record_ids(&ws, &quals, &mut seen);
    for (i, (c, q)) in FILING.iter().zip(&quals).enumerate() {
        let bucket = bucket_of(i);
        let state = state_of(&ws, &format!("gxp_qualification.{}", q.resource));
        problems.extend(false_pass_problems(&bench, c.name, &state, apply_phase(&calls)).await);
        if spooled(&spool_dir(ws.path(), c.name)) != 0 {
            problems.push(format!("{}: the spool was not drained", c.name));
        }
        let ids = &seen[&q.name];
        let puts: Vec<&str> = calls
            .iter()
            // The reports' and digests' writes, not the chain's sequence claims.
            .filter(|call| call.operation == PUT && call.mentions(&format!("{bucket}/")))
            .filter(|call| !call.target.contains("/_chain/"))
            .map(|call| call.target.as_str())
            .collect();
        let first = puts.first().copied().unwrap_or_default();
        let spooled_id = &ids[1];
        let was_spooled = !first.is_empty() && puts.iter().any(|p| p.contains(spooled_id.as_str()));
        if was_spooled && !first.contains(spooled_id.as_str()) {
            problems.push(format!(
                "{}: the spooled report {spooled_id} was not filed first: {puts:?}",
                c.name
            ));
        }
        problems.extend(store_problems(&bench, &mut tally, c.name, &bucket, &q.name, ids).await);
    }

    // 4. Destroy, then create the qualifications again with faults on the chain reads.
    ws.destroy().assert_success();
    for (i, c) in CREATION.iter().enumerate() {
        bench.proxy.add(rule(c, &bucket_of(i)));
    }
    write(4);
    let (run, calls) = apply("created with faults");
    bench.proxy.clear_rules();
    injected += calls.iter().filter(|c| c.fault.is_some()).count();
    tally.faults(&calls);
    record_ids(&ws, &quals, &mut seen);
    for (i, (c, q)) in FILING.iter().zip(&quals).enumerate() {
        let state = state_of(&ws, &format!("gxp_qualification.{}", q.resource));
        problems.extend(false_pass_problems(&bench, &q.name, &state, apply_phase(&calls)).await);
        let Some(k) = CREATION.get(i) else { continue };
        let location = state["report_location"].as_str().unwrap_or_default();
        match outcome_of(ws.path(), c.name, &bucket_of(i), location) {
            Ok(o) if k.expect != Expect::Either && o != k.expect => problems.push(format!(
                "{}: created under {}: {:?} expected, got {o:?} ({location})",
                c.name, k.name, k.expect
            )),
            Ok(_) => {}
            Err(e) => problems.push(format!("created under {}: {e}", k.name)),
        }
    }
    log_line(&format!(
        "store created with faults: exit {}\n{}",
        run.status,
        super::tail(&run.combined(), 60)
    ));
    // 5. Clean: everything filed, every chain one and intact.
    write(5);
    let (run, _) = apply("clean after creation");
    run.assert_success();
    record_ids(&ws, &quals, &mut seen);
    for (i, (c, q)) in FILING.iter().zip(&quals).enumerate() {
        let bucket = bucket_of(i);
        if spooled(&spool_dir(ws.path(), c.name)) != 0 {
            problems.push(format!(
                "{}: the spool was not drained after creation",
                c.name
            ));
        }
        let label = match CREATION.get(i) {
            Some(k) => format!(
                "{} created under {} on {}",
                c.name,
                k.fault.name(),
                k.operation
            ),
            None => format!("{} created", c.name),
        };
        problems.extend(
            store_problems(&bench, &mut tally, &label, &bucket, &q.name, &seen[&q.name]).await,
        );
    }
    log_line(&format!(
        "store: {} filing + {} creation scenarios, {injected} faults injected",
        FILING.len(),
        CREATION.len()
    ));
    tally.judged(&problems);
    assert!(problems.is_empty(), "\n\n{}\n", problems.join("\n"));
}

/// No report of `ids` missing from `bucket`, and one intact chain of exactly those reports.
async fn store_problems(
    bench: &Bench,
    tally: &mut Tally,
    label: &str,
    bucket: &str,
    qualification: &str,
    ids: &[String],
) -> Vec<String> {
    let keys = report_keys(&bench.sdk, bucket).await;
    let mut problems: Vec<String> = ids
        .iter()
        .filter(|id| !keys.iter().any(|k| k.contains(id.as_str())))
        .map(|id| format!("{label}: {REPORT_LOST} {id} is in no store ({keys:?})"))
        .collect();
    let n = keys.len() as i64;
    problems.extend(tally.chains(
        label,
        &bench.direct_env(),
        &format!("s3://{bucket}/gxp-evidence"),
        &[(qualification, n)],
    ));
    if keys.len() != ids.len() {
        problems.push(format!(
            "{label}: {} reports in {bucket}, {} runs recorded in state",
            keys.len(),
            ids.len()
        ));
    }
    problems
}
