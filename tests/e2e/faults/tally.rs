//! The counts of the fault scenarios, for the closing note: each scenario test keeps a
//! [`Tally`] and, when it ends (passed or not), prints one line to the test process's stderr
//!
//! `FAULTS: <test> backend=<b> scenarios=<n> injected=<n> [<kind>=<n> ...] false_passes=<n>
//! reports_lost=<n> verified=<n> barriers=<n> elapsed=<s>s` (one line)
//!
//! (shown without `--nocapture`, like the `SKIPPED` lines); `scripts/test.sh` sums these
//! lines per backend into its `make test: fault scenarios ...` line. A scenario is one
//! faulted case judged on its own (one fault kind on every API, one store case, one kill
//! point, ...); several may share an apply.

use std::collections::BTreeMap;
use std::io::Write;
use std::time::Instant;

use super::transient::catch;
use super::verdicts::assert_chains;
use crate::harness::faults::Call;
use crate::harness::{current_test, Backend};

/// Marks a problem as a false pass (counted).
pub const FALSE_PASS: &str = "FALSE PASS:";
/// Marks a problem as a lost report (counted).
pub const REPORT_LOST: &str = "REPORT LOST:";

/// What one scenario test injected and found.
pub struct Tally {
    test: String,
    backend: Backend,
    scenarios: usize,
    injected: BTreeMap<&'static str, usize>,
    false_passes: usize,
    reports_lost: usize,
    verified: usize,
    barriers: usize,
    began: Instant,
}

impl Tally {
    /// A tally for the running test on `backend`.
    pub fn new(backend: Backend) -> Tally {
        Tally {
            test: current_test(),
            backend,
            scenarios: 0,
            injected: BTreeMap::new(),
            false_passes: 0,
            reports_lost: 0,
            verified: 0,
            barriers: 0,
            began: Instant::now(),
        }
    }

    /// `n` more scenarios.
    pub fn scenarios(&mut self, n: usize) {
        self.scenarios += n;
    }

    /// Counts the faults injected into `calls`.
    pub fn faults(&mut self, calls: &[Call]) {
        for fault in calls.iter().filter_map(|c| c.fault) {
            *self.injected.entry(fault.kind()).or_default() += 1;
        }
    }

    /// Counts the false passes and lost reports among `problems` (marked with
    /// [`FALSE_PASS`] and [`REPORT_LOST`]).
    pub fn judged(&mut self, problems: &[String]) {
        for p in problems {
            self.false_passes += p.matches(FALSE_PASS).count();
            self.reports_lost += p.matches(REPORT_LOST).count();
        }
    }

    /// `n` more faults of `kind` that are no proxy fault (the emulator killed).
    pub fn injected(&mut self, kind: &'static str, n: usize) {
        *self.injected.entry(kind).or_default() += n;
    }

    /// `n` more calls held at a barrier (interleaving concurrent runs; not a fault).
    pub fn barriers(&mut self, n: usize) {
        self.barriers += n;
    }

    /// Runs the verifier ([`assert_chains`]) and counts it: its problem, if any.
    pub fn chains(
        &mut self,
        scenario: &str,
        endpoint_env: &[(String, String)],
        source: &str,
        expected: &[(&str, i64)],
    ) -> Vec<String> {
        self.verified += 1;
        catch(|| {
            assert_chains(scenario, endpoint_env, source, expected);
        })
        .err()
        .into_iter()
        .collect()
    }

    /// The `FAULTS:` line.
    pub fn line(&self) -> String {
        let total: usize = self.injected.values().sum();
        let kinds: Vec<String> = self
            .injected
            .iter()
            .map(|(k, n)| format!("{k}={n}"))
            .collect();
        format!(
            "FAULTS: {} backend={:?} scenarios={} injected={total} [{}] false_passes={} \
             reports_lost={} verified={} barriers={} elapsed={}s",
            self.test,
            self.backend,
            self.scenarios,
            kinds.join(" "),
            self.false_passes,
            self.reports_lost,
            self.verified,
            self.barriers,
            self.began.elapsed().as_secs()
        )
    }
}

impl Drop for Tally {
    fn drop(&mut self) {
        let line = format!("\n{}\n", self.line());
        let _ = std::io::stderr().write_all(line.as_bytes());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn faults_tally_counts_kinds_and_marked_problems() {
        let mut t = Tally::new(Backend::Moto);
        t.judged(&[
            format!("a: {FALSE_PASS} x passed"),
            format!("b: {REPORT_LOST} r1 {REPORT_LOST} r2"),
            "c: statuses differ".into(),
        ]);
        t.injected("kill", 2);
        let line = t.line();
        let want = " scenarios=0 injected=2 [kill=2] false_passes=1 reports_lost=2 verified=0 ";
        assert!(line.contains(want), "{line}");
        std::mem::forget(t);
    }
}
