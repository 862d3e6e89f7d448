//! Persistent faults, table-driven over fault kinds × services × operations, several per
//! apply: in round `i`,
//! * every weakened target (and the weakened stack) gets fault kind `i` on every call of its
//!   service that names it,
//! * every compliant target gets fault kind `i + 3` on its collector's `i`-th API only,
//! * discovery (GetResources) gets fault kind `i`.
//!
//! Nine rounds give every kind to every service, and every API of every collector a
//! persistent fault. A verdict resting on an API that failed for its target must be `error`
//! naming that API; the other verdicts keep their clean status; no check passes without a
//! real answer; the report is filed and its chain intact.

use std::collections::BTreeSet;
use std::time::Duration;

use super::apis::{ops_of_type, STACK};
use super::tally::Tally;
use super::transient::world_invariants;
use super::verdicts::{fault_problems, needle_of, statuses};
use super::world::{Role, World};
use super::{log_line, qualify_world, Bench};
use crate::harness::faults::{Call, Fault, Rule, Times};

/// Persistent fault kinds, one per round.
pub const PERSISTENT: [Fault; 9] = [
    Fault::Throttle,
    Fault::Http500,
    Fault::Http503,
    Fault::ResetBefore,
    Fault::ResetAfter,
    Fault::TruncatedShort(50),
    Fault::TruncatedWithLength(50),
    Fault::AccessDenied,
    Fault::Http404Bare,
];

/// Retries in the persistent rounds: persistence defeats any number; one keeps rounds short.
const PROVIDER: &str = "max_retries = 1";

/// One faulted unit of a round: rule and what it covers.
struct Planned {
    rule: Rule,
    /// `kind × service[:operation]` cell, for the coverage count.
    cell: String,
    /// Whether the fault can apply (a cut needs a body: HEAD answers have none).
    applicable: bool,
}

fn plan(world: &World, round: usize) -> Vec<Planned> {
    let weak = PERSISTENT[round % PERSISTENT.len()];
    let control = PERSISTENT[(round + 3) % PERSISTENT.len()];
    let mut out = Vec::new();
    let mut unit = |ty: &str, service: &'static str, needle: &str, role: Role| {
        let (rule, cell, applicable) = match role {
            // A bodiless 404 to HeadBucket is what S3 answers for a missing bucket: the
            // other S3 reads get it.
            Role::Weak if weak == Fault::Http404Bare && service == "s3" => {
                for (_, op) in &ops_of_type(ty)[1..] {
                    out.push(Planned {
                        rule: Rule::new(service, weak).op(op).needle(needle),
                        cell: format!("{} × {service}", weak.name()),
                        applicable: true,
                    });
                }
                return;
            }
            Role::Weak => (
                Rule::new(service, weak).needle(needle),
                format!("{} × {service}", weak.name()),
                true,
            ),
            Role::Control => {
                let ops = ops_of_type(ty);
                let (_, op) = ops[round % ops.len()];
                (
                    Rule::new(service, control).op(op).needle(needle),
                    format!("{} × {service}:{op}", control.name()),
                    !(control.needs_body() && op == "HeadBucket"),
                )
            }
        };
        out.push(Planned {
            rule,
            cell,
            applicable,
        });
    };
    for t in &world.targets {
        unit(t.resource_type, t.service, needle_of(&t.identifier), t.role);
    }
    for s in &world.stacks {
        unit(STACK, "cloudformation", &s.expected.name, s.role);
    }
    out.push(Planned {
        rule: Rule::new("tagging", weak).op("GetResources"),
        cell: format!("{} × tagging:GetResources", weak.name()),
        applicable: true,
    });
    out
}

fn injected_for(calls: &[Call], rule: &Rule) -> usize {
    calls
        .iter()
        .filter(|c| c.fault.is_some() && rule.matches(c))
        .count()
}

#[tokio::test(flavor = "multi_thread")]
async fn faults_persistent_give_error_naming_the_api_and_spare_the_rest() {
    let Some(bench) = Bench::start(&[]).await else {
        return;
    };
    let mut tally = Tally::new(bench.emu.backend());
    let world = World::build(&bench.sdk, bench.emu.backend()).await;
    let clean = qualify_world(&bench, &world, "clean", PROVIDER);
    clean.run.assert_success();
    let baseline = statuses(clean.report());

    let mut problems = Vec::new();
    let mut cells = BTreeSet::new();
    let mut injected = 0;
    for round in 0..PERSISTENT.len() {
        let planned = plan(&world, round);
        bench.proxy.clear_rules();
        bench.proxy.add_all(planned.iter().map(|p| p.rule.clone()));
        let label = format!("persistent round {round}");
        let applied = qualify_world(&bench, &world, &label, PROVIDER);
        bench.proxy.clear_rules();
        injected += applied.injected().len();
        tally.faults(&applied.calls);
        log_line(&format!(
            "{label}: {} calls, {} faulted, {:?}",
            applied.calls.len(),
            applied.injected().len(),
            applied.elapsed
        ));
        let mut found = world_invariants(&bench, &applied, &mut tally);
        for p in &planned {
            if injected_for(&applied.calls, &p.rule) > 0 {
                cells.insert(p.cell.clone());
            } else if p.applicable {
                found.push(format!("{label}: no fault injected for {}", p.cell));
            }
        }
        if let Some(report) = applied.report.as_ref() {
            found.extend(fault_problems(&label, report, &applied.calls, &baseline));
        }
        problems.extend(found);
    }
    log_line(&format!(
        "persistent: {} rounds, {} kind × service/API cells, {injected} faults injected",
        PERSISTENT.len(),
        cells.len()
    ));
    // A scenario: one fault kind on one service's calls about a weakened target, or on
    // one API of a compliant target's collector.
    tally.scenarios(cells.len());
    tally.judged(&problems);
    assert!(problems.is_empty(), "\n\n{}\n", problems.join("\n"));
}

/// Answers held past the provider's 60 s attempt timeout. Two applies at once, each through
/// its own proxy in front of the same emulator:
/// * every target's first call is held once, default retries: the retry answers, the
///   statuses are the clean run's;
/// * the weakened targets' first API is held every time, `max_retries = 0`: `error` naming
///   it.
///
/// Stacks are left out: they are observed before the targets, so holding them too would
/// double the minute this scenario waits.
#[tokio::test(flavor = "multi_thread")]
async fn faults_answers_held_past_the_attempt_timeout() {
    let Some(bench) = Bench::start(&[]).await else {
        return;
    };
    let mut tally = Tally::new(bench.emu.backend());
    let world = World::build(&bench.sdk, bench.emu.backend()).await;
    let clean = qualify_world(&bench, &world, "clean", "");
    clean.run.assert_success();
    let baseline = statuses(clean.report());
    // The provider's attempt timeout is 60 s (gxp_core::aws::context).
    let hold = Fault::Hold(62);
    let other = crate::harness::faults::FaultProxy::start(&bench.emu.endpoint);
    for t in &world.targets {
        let (_, first) = ops_of_type(t.resource_type)[0];
        let needle = needle_of(&t.identifier);
        bench.proxy.add(
            Rule::new(t.service, hold)
                .op(first)
                .needle(needle)
                .times(Times::First(1)),
        );
        if t.role == Role::Weak {
            other.add(Rule::new(t.service, hold).op(first).needle(needle));
        }
    }
    bench.proxy.add(
        Rule::new("sts", hold)
            .op("GetCallerIdentity")
            .times(Times::First(1)),
    );
    let (once, always) = std::thread::scope(|s| {
        let once = s.spawn(|| qualify_world(&bench, &world, "held once", ""));
        let always = s.spawn(|| {
            super::qualify_world_via(&bench, &other, &world, "held always", "max_retries = 0")
        });
        (once.join().unwrap(), always.join().unwrap())
    });
    bench.proxy.clear_rules();
    let mut problems = Vec::new();
    for applied in [&once, &always] {
        log_line(&format!(
            "{}: {} calls, {} held, {:?}",
            applied.label,
            applied.calls.len(),
            applied.injected().len(),
            applied.elapsed
        ));
        let start = applied.calls.first().map(|c| c.received);
        for c in applied.calls.iter().filter(|c| c.fault.is_some()) {
            log_line(&format!(
                "  held {} at {:?}",
                c.api(),
                start.map(|s| c.received - s)
            ));
        }
        tally.scenarios(1);
        tally.faults(&applied.calls);
        problems.extend(world_invariants(&bench, applied, &mut tally));
        if applied.elapsed < Duration::from_secs(60) {
            problems.push(format!(
                "{}: the held answers did not outlast the attempt timeout ({:?})",
                applied.label, applied.elapsed
            ));
        }
        if applied.injected().is_empty() {
            problems.push(format!("{}: nothing held", applied.label));
        }
    }
    if let Some(report) = once.report.as_ref() {
        let diff = super::transient::differences(&baseline, &statuses(report));
        if !diff.is_empty() {
            problems.push(format!(
                "held once: statuses differ from the clean run:\n  {}",
                diff.join("\n  ")
            ));
        }
    }
    if let Some(report) = always.report.as_ref() {
        problems.extend(fault_problems(
            "held always",
            report,
            &always.calls,
            &baseline,
        ));
    }
    tally.judged(&problems);
    assert!(problems.is_empty(), "\n\n{}\n", problems.join("\n"));
}
