//! Transient faults: the first attempt of every distinct call of every read API the
//! collectors use (and of STS GetCallerIdentity and discovery) is faulted; the SDK's retries
//! must recover and give exactly the statuses of a clean run.

use std::collections::BTreeMap;

use super::apis::Api;
use super::tally::{Tally, FALSE_PASS, REPORT_LOST};
use super::verdicts::{false_passes, statuses};

use super::world::World;
use super::{log_line, qualify_world, Applied, Bench, WORLD_QUALIFICATION};
use crate::harness::faults::{Fault, Rule, Times};

/// The transient fault kinds; each gets one apply with every collector API faulted once.
/// (AccessDenied is not transient by nature: the SDK rightly does not retry it; see
/// `persistent`.)
pub const TRANSIENT: [Fault; 9] = [
    Fault::Throttle,
    Fault::Http500,
    Fault::Http503,
    Fault::ResetBefore,
    Fault::ResetAfter,
    Fault::TruncatedShort(50),
    Fault::TruncatedWithLength(20),
    Fault::TruncatedWithLength(50),
    Fault::TruncatedWithLength(80),
];

/// Rules faulting the first attempt of every distinct call of every API of `apis`.
pub fn on_every_api(apis: &[Api], fault: Fault) -> Vec<Rule> {
    apis.iter()
        .map(|(service, op)| {
            Rule::new(service, fault)
                .op(op)
                .times(Times::FirstAttempts(1))
        })
        .collect()
}

/// What differs between two status maps.
pub fn differences(
    clean: &BTreeMap<String, String>,
    got: &BTreeMap<String, String>,
) -> Vec<String> {
    let mut keys: Vec<&String> = clean.keys().chain(got.keys()).collect();
    keys.sort();
    keys.dedup();
    keys.into_iter()
        .filter_map(|k| {
            let (a, b) = (clean.get(k), got.get(k));
            (a != b).then(|| {
                format!(
                    "{k}: clean {} -> {}",
                    a.map_or("absent", String::as_str),
                    b.map_or("absent", String::as_str)
                )
            })
        })
        .collect()
}

/// The invariants of one apply of the world, as problems: a filed report, no false pass,
/// one intact chain of one report in the evidence directory (the verifier run counted in
/// `tally`).
pub fn world_invariants(bench: &Bench, applied: &Applied, tally: &mut Tally) -> Vec<String> {
    let Some(report) = applied.report.as_ref() else {
        return vec![format!(
            "{}: {REPORT_LOST} no report filed\n{}",
            applied.label,
            applied.run.combined()
        )];
    };
    let mut problems: Vec<String> = false_passes(report, &applied.calls)
        .into_iter()
        .map(|p| format!("{}: {FALSE_PASS} {p}", applied.label))
        .collect();
    problems.extend(tally.chains(
        &applied.label,
        &bench.direct_env(),
        &applied.evidence.display().to_string(),
        &[(WORLD_QUALIFICATION, 1)],
    ));
    problems
}

/// The panic message of `f`, if it panics.
pub fn catch(f: impl FnOnce()) -> Result<(), String> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)).map_err(|p| {
        p.downcast_ref::<String>()
            .cloned()
            .or_else(|| p.downcast_ref::<&str>().map(|s| s.to_string()))
            .unwrap_or_else(|| "panic".into())
    })
}

#[tokio::test(flavor = "multi_thread")]
async fn faults_transient_on_every_collector_api_give_clean_statuses() {
    let Some(bench) = Bench::start(&[]).await else {
        return;
    };
    let mut tally = Tally::new(bench.emu.backend());
    let world = World::build(&bench.sdk, bench.emu.backend()).await;
    let apis = world.apis();
    let clean = qualify_world(&bench, &world, "clean", "");
    clean.run.assert_success();
    super::apis::assert_inventory_covered(&apis, &clean.calls);
    let found = world_invariants(&bench, &clean, &mut tally);
    assert!(found.is_empty(), "clean run: {found:?}");
    let baseline = statuses(clean.report());
    for (check, target) in [
        ("ec2.sg_no_admin_ingress", "sg-ssh"),
        ("s3.versioning", "bucket-nover"),
        ("cloudtrail.logging", "trail-off"),
    ] {
        if world.targets.iter().any(|t| t.key == target) {
            let key = format!("{check}@{target}");
            assert_eq!(baseline[&key], "failed", "the world's weakened {key}");
        }
    }

    let mut problems = Vec::new();
    let mut injected = 0;
    for fault in TRANSIENT {
        bench.proxy.clear_rules();
        bench.proxy.add_all(on_every_api(&apis, fault));
        let label = format!("transient {}", fault.name());
        let applied = qualify_world(&bench, &world, &label, "");
        bench.proxy.clear_rules();
        let faulted: std::collections::BTreeSet<String> =
            applied.injected().iter().map(|c| c.api()).collect();
        injected += applied.injected().len();
        tally.scenarios(1);
        tally.faults(&applied.calls);
        log_line(&format!(
            "{label}: {} calls, {} faulted ({} APIs), {:?}",
            applied.calls.len(),
            applied.injected().len(),
            faulted.len(),
            applied.elapsed
        ));
        if !applied.run.success() {
            problems.push(format!(
                "{label}: apply failed:\n{}",
                applied.run.combined()
            ));
            continue;
        }
        problems.extend(world_invariants(&bench, &applied, &mut tally));
        let Some(report) = applied.report.as_ref() else {
            continue;
        };
        let diff = differences(&baseline, &statuses(report));
        if !diff.is_empty() {
            problems.push(format!(
                "{label}: statuses differ from the clean run:\n  {}",
                diff.join("\n  ")
            ));
        }
        // Every API got its fault (a HEAD answer has no body to cut).
        let not_faulted: Vec<String> = apis
            .iter()
            .filter(|(_, op)| !(fault.needs_body() && *op == "HeadBucket"))
            .map(|(s, op)| format!("{s}:{op}"))
            .filter(|api| !faulted.contains(api))
            .collect();
        if !not_faulted.is_empty() {
            problems.push(format!("{label}: no fault injected into {not_faulted:?}"));
        }
    }
    log_line(&format!(
        "transient: {} scenarios, {injected} faults injected",
        TRANSIENT.len()
    ));
    tally.judged(&problems);
    assert!(problems.is_empty(), "\n\n{}\n", problems.join("\n\n"));
}
