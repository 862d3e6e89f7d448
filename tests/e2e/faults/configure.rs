//! Faults of STS GetCallerIdentity, which provider configuration calls to validate the
//! credentials: a transient fault is retried (within `max_retries`); a persistent one stops
//! the plan with a diagnostic naming the API, and nothing runs.

use super::world::{configuration, one_bucket_spec, Qualification, Store};
use super::{log_line, squash, Bench};
use crate::harness::faults::{Fault, Rule, Times};

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
    let name = "faults_provider_configuration_sts_transient_retried_persistent_named";
    let Some(bench) = Bench::start(name).await else {
        return;
    };
    let ws = bench.workspace();
    let q = Qualification {
        resource: "q".into(),
        name: "configure".into(),
        store: Store::Local(ws.path().join("evidence").display().to_string()),
        spool: ws.path().join("spool").display().to_string(),
        discovery: false,
        extra: String::new(),
    };
    ws.write(
        "main.tf",
        &configuration(
            &one_bucket_spec("fzs-data"),
            &[q],
            &(String::new(), String::new()),
            // Two retries: enough for the transient cases, and persistent ones end sooner.
            "max_retries = 2",
        ),
    );
    let mut problems = Vec::new();
    let mut injected = 0;
    for (fault, attempts) in TRANSIENT {
        bench.proxy.clear_rules();
        bench.proxy.add(
            Rule::new("sts", fault)
                .op("GetCallerIdentity")
                .times(Times::First(attempts)),
        );
        let mark = bench.proxy.mark();
        let plan = ws.plan();
        injected += bench.proxy.injected_since(mark).len();
        let label = format!("sts transient {} ×{attempts}", fault.name());
        log_line(&format!("{label}: exit {}", plan.status));
        if !plan.plan_has_changes() {
            let mut p = format!(
                "{label}: the plan did not recover:\n{}",
                super::tail(&plan.combined(), 20)
            );
            if attempts > 1 {
                p.push_str(
                    "\n(issue 8 finding 4: provider configuration's GetCallerIdentity ignores \
                     max_retries; the fix is on branch issue8-fixes)",
                );
            }
            problems.push(p);
        }
    }
    for fault in PERSISTENT {
        bench.proxy.clear_rules();
        bench
            .proxy
            .add(Rule::new("sts", fault).op("GetCallerIdentity"));
        let mark = bench.proxy.mark();
        let plan = ws.plan();
        let calls = bench.proxy.calls_since(mark);
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
    }
    bench.proxy.clear_rules();
    log_line(&format!(
        "configure: {} scenarios, {injected} faults injected",
        TRANSIENT.len() + PERSISTENT.len()
    ));
    assert!(problems.is_empty(), "\n\n{}\n", problems.join("\n\n"));
}
