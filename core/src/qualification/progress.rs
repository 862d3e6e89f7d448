//! Progress of a long run: how many targets are observed (n of N), how many checks were
//! evaluated, and the time elapsed, for an operator watching a pipeline.
//!
//! The engine knows nothing of where progress goes: the caller hands the run a
//! [`ProgressSink`] (the provider writes Terraform's provider log). A [`Reporter`] counts and
//! asks its [`Throttle`] whether a line is due, so a run over thousands of targets logs a
//! line every few seconds or every [`DEFAULT_EVERY_TARGETS`] targets, never one per target.
//! The throttle is pure (it is given the elapsed time); the reporter reads a [`Clock`].

use std::fmt;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// At most one line per this interval while targets are observed (unless
/// [`DEFAULT_EVERY_TARGETS`] targets were observed since the last line).
pub const DEFAULT_INTERVAL: Duration = Duration::from_secs(5);
/// A line after this many targets observed since the last line, even within the interval.
pub const DEFAULT_EVERY_TARGETS: usize = 1000;
/// Lines are never closer together than this (bounds the every-k rule on fast runs).
pub const MIN_GAP: Duration = Duration::from_secs(1);

/// What a run is doing when it reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    /// Observation started: `targets_total` targets to observe.
    Started,
    /// Observing: `targets_observed` of `targets_total` done.
    Observing,
    /// Every target observed.
    Observed,
    /// The checks were evaluated: `checks_evaluated` results.
    Evaluated,
}

/// One progress report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Progress {
    /// What runs, e.g. `qualification lims-prod` or `refresh lims-prod`.
    pub run: String,
    pub phase: Phase,
    pub targets_observed: usize,
    pub targets_total: usize,
    pub checks_evaluated: usize,
    /// Since the reporter was made (the start of the run's observation).
    pub elapsed: Duration,
}

impl Progress {
    /// The line an operator reads, e.g.
    /// `qualification lims-prod: observed 400 of 1000 targets, 12.0 s elapsed`.
    pub fn message(&self) -> String {
        let secs = self.elapsed.as_secs_f64();
        match self.phase {
            Phase::Started => format!("{}: observing {} targets", self.run, self.targets_total),
            Phase::Observing | Phase::Observed => format!(
                "{}: observed {} of {} targets, {secs:.1} s elapsed",
                self.run, self.targets_observed, self.targets_total
            ),
            Phase::Evaluated => format!(
                "{}: evaluated {} checks on {} targets, {secs:.1} s elapsed",
                self.run, self.checks_evaluated, self.targets_total
            ),
        }
    }
}

/// Where progress goes (the provider: Terraform's provider log).
#[derive(Clone)]
pub struct ProgressSink(Arc<dyn Fn(&Progress) + Send + Sync>);

impl ProgressSink {
    /// A sink calling `f` for every report.
    pub fn new(f: impl Fn(&Progress) + Send + Sync + 'static) -> ProgressSink {
        ProgressSink(Arc::new(f))
    }

    fn send(&self, p: &Progress) {
        (self.0)(p)
    }
}

impl fmt::Debug for ProgressSink {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ProgressSink")
    }
}

/// Decides whether an intermediate line is due. Pure: it is told the elapsed time.
#[derive(Debug, Clone)]
pub struct Throttle {
    interval: Duration,
    every_targets: usize,
    min_gap: Duration,
    /// (elapsed, targets observed) at the last line.
    last: (Duration, usize),
}

impl Throttle {
    /// A line when `interval` has passed since the last one, or `every_targets` targets were
    /// observed since it (but never two within `min_gap`).
    pub fn new(interval: Duration, every_targets: usize, min_gap: Duration) -> Throttle {
        Throttle {
            interval,
            every_targets: every_targets.max(1),
            min_gap,
            last: (Duration::ZERO, 0),
        }
    }

    /// Whether a line is due at `elapsed` with `observed` targets done; when it is, the
    /// throttle counts it as sent.
    pub fn due(&mut self, elapsed: Duration, observed: usize) -> bool {
        let (at, n) = self.last;
        let since = elapsed.saturating_sub(at);
        let due = since >= self.interval
            || (observed.saturating_sub(n) >= self.every_targets && since >= self.min_gap);
        if due {
            self.last = (elapsed, observed);
        }
        due
    }
}

impl Default for Throttle {
    fn default() -> Throttle {
        Throttle::new(DEFAULT_INTERVAL, DEFAULT_EVERY_TARGETS, MIN_GAP)
    }
}

/// The time elapsed since a start: the real one ([`Instant`]) or a fake one in tests.
pub type Clock = Arc<dyn Fn() -> Duration + Send + Sync>;

/// The real clock, started now.
pub fn real_clock() -> Clock {
    let start = Instant::now();
    Arc::new(move || start.elapsed())
}

/// Counts a run's progress and sends the lines that are due to its sink. Without a sink it
/// does nothing.
pub struct Reporter {
    sink: Option<ProgressSink>,
    run: String,
    clock: Clock,
    state: Mutex<(Throttle, usize)>,
}

impl fmt::Debug for Reporter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Reporter").field("run", &self.run).finish()
    }
}

impl Reporter {
    /// A reporter of run `run` to `sink` on the real clock, with the default throttle.
    pub fn new(sink: Option<ProgressSink>, run: impl Into<String>) -> Reporter {
        Reporter::with(sink, run, real_clock(), Throttle::default())
    }

    /// A reporter with a given clock and throttle.
    pub fn with(
        sink: Option<ProgressSink>,
        run: impl Into<String>,
        clock: Clock,
        throttle: Throttle,
    ) -> Reporter {
        Reporter {
            sink,
            run: run.into(),
            clock,
            state: Mutex::new((throttle, 0)),
        }
    }

    /// A reporter that reports nothing.
    pub fn silent() -> Reporter {
        Reporter::new(None, "")
    }

    fn send(&self, phase: Phase, observed: usize, total: usize, checks: usize) {
        if let Some(sink) = &self.sink {
            sink.send(&Progress {
                run: self.run.clone(),
                phase,
                targets_observed: observed,
                targets_total: total,
                checks_evaluated: checks,
                elapsed: (self.clock)(),
            });
        }
    }

    /// Observation of `total` targets starts.
    pub fn started(&self, total: usize) {
        if let Ok(mut s) = self.state.lock() {
            s.1 = total;
        }
        self.send(Phase::Started, 0, total, 0);
    }

    /// `observed` of the targets are done: a line when the throttle says so, and always
    /// when the last one is.
    pub fn observed(&self, observed: usize) {
        if self.sink.is_none() {
            return;
        }
        let elapsed = (self.clock)();
        let (due, total) = match self.state.lock() {
            Ok(mut s) => {
                let total = s.1;
                (observed < total && s.0.due(elapsed, observed), total)
            }
            Err(_) => (false, 0),
        };
        if observed >= total {
            self.send(Phase::Observed, observed, total, 0);
        } else if due {
            self.send(Phase::Observing, observed, total, 0);
        }
    }

    /// `checks` results were evaluated on the observed targets.
    pub fn evaluated(&self, checks: usize) {
        let total = self.state.lock().map(|s| s.1).unwrap_or(0);
        self.send(Phase::Evaluated, total, total, checks);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicU64, Ordering};

    fn ms(n: u64) -> Duration {
        Duration::from_millis(n)
    }

    #[test]
    fn the_throttle_waits_for_the_interval_or_k_targets_never_closer_than_the_gap() {
        let mut t = Throttle::new(ms(5000), 100, ms(1000));
        assert!(!t.due(ms(0), 1));
        assert!(!t.due(ms(4999), 99));
        assert!(t.due(ms(5000), 99), "the interval passed");
        assert!(!t.due(ms(5001), 100), "just sent");
        // 100 targets since the last line, but within the gap.
        assert!(!t.due(ms(5500), 199));
        assert!(t.due(ms(6000), 199), "k targets and the gap passed");
        assert!(!t.due(ms(6500), 250));
        assert!(t.due(ms(11000), 250), "the interval again");
    }

    /// A fake clock the test advances, and the lines a reporter sent.
    fn fake() -> (Reporter, Arc<AtomicU64>, Arc<Mutex<Vec<Progress>>>) {
        let now = Arc::new(AtomicU64::new(0));
        let lines = Arc::new(Mutex::new(Vec::new()));
        let clock_now = now.clone();
        let clock: Clock = Arc::new(move || ms(clock_now.load(Ordering::SeqCst)));
        let sent = lines.clone();
        let sink = ProgressSink::new(move |p| sent.lock().unwrap().push(p.clone()));
        let reporter = Reporter::with(
            Some(sink),
            "qualification q",
            clock,
            Throttle::new(ms(5000), 1000, ms(1000)),
        );
        (reporter, now, lines)
    }

    #[test]
    fn a_long_run_reports_start_every_few_seconds_the_end_and_the_checks() {
        let (r, now, lines) = fake();
        r.started(3000);
        // One target every 10 ms: 30 s in all; the k rule (1000 targets) fires every 10 s,
        // the interval every 5 s.
        for i in 1..=3000u64 {
            now.store(i * 10, Ordering::SeqCst);
            r.observed(i as usize);
        }
        r.evaluated(12000);
        let lines = lines.lock().unwrap();
        let phases: Vec<Phase> = lines.iter().map(|p| p.phase).collect();
        assert_eq!(phases.first(), Some(&Phase::Started));
        assert_eq!(
            &phases[phases.len() - 2..],
            &[Phase::Observed, Phase::Evaluated]
        );
        let observing: Vec<&Progress> = lines
            .iter()
            .filter(|p| p.phase == Phase::Observing)
            .collect();
        // 30 s of observation at one line per 5 s: 5 intermediate lines (5, 10, ..., 25 s).
        assert_eq!(observing.len(), 5, "{lines:#?}");
        assert_eq!(observing[0].targets_observed, 500);
        assert_eq!(observing[0].elapsed, ms(5000));
        assert_eq!(
            lines[lines.len() - 2].message(),
            "qualification q: observed 3000 of 3000 targets, 30.0 s elapsed"
        );
        assert_eq!(
            lines.last().unwrap().message(),
            "qualification q: evaluated 12000 checks on 3000 targets, 30.0 s elapsed"
        );
        assert_eq!(
            lines[0].message(),
            "qualification q: observing 3000 targets"
        );
    }

    #[test]
    fn a_fast_run_reports_every_k_targets_not_every_target() {
        let (r, now, lines) = fake();
        r.started(5000);
        // 5000 targets in 10 s (2 ms each): the k rule, 1000 targets (2 s), fires first.
        for i in 1..=5000u64 {
            now.store(i * 2, Ordering::SeqCst);
            r.observed(i as usize);
        }
        let lines = lines.lock().unwrap();
        let at: Vec<usize> = lines
            .iter()
            .filter(|p| p.phase == Phase::Observing)
            .map(|p| p.targets_observed)
            .collect();
        assert_eq!(at, vec![1000, 2000, 3000, 4000], "{lines:#?}");
        assert_eq!(lines.len(), 6, "start, four lines, end");
    }

    #[test]
    fn a_small_run_reports_start_and_end_only() {
        let (r, now, lines) = fake();
        r.started(3);
        for i in 1..=3u64 {
            now.store(i, Ordering::SeqCst);
            r.observed(i as usize);
        }
        let phases: Vec<Phase> = lines.lock().unwrap().iter().map(|p| p.phase).collect();
        assert_eq!(phases, vec![Phase::Started, Phase::Observed]);
    }

    #[test]
    fn a_silent_reporter_reports_nothing_and_never_fails() {
        let r = Reporter::silent();
        r.started(2);
        r.observed(1);
        r.observed(2);
        r.evaluated(4);
    }
}
