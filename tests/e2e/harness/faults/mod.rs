//! A fault-injecting HTTP proxy on loopback, between the provider (launched by Terraform)
//! and the emulator.
//!
//! Every request is identified ([`request::identify`]: service from the SigV4 scope,
//! operation from `X-Amz-Target`, `Action=` or the S3 method, path and sub-resource) and
//! matched against the [`Rule`]s the test set, which may change while Terraform runs. The
//! first matching rule with budget left decides what happens ([`Action`]); a call no rule
//! matches is forwarded unchanged. Every call is logged ([`Call`]) with what was done to it,
//! so a test can tell which answers were real.
//!
//! Point a workspace at the proxy with
//! `ws.set_env("AWS_ENDPOINT_URL", &proxy.url)`; the provider reads it for every service.

mod request;
mod server;
mod shapes;

use std::collections::HashMap;
use std::sync::{Arc, Mutex, RwLock};
use std::thread::JoinHandle;
use std::time::Duration;

pub use request::{percent_decode, Protocol};

/// A fault the proxy injects in place of (or on top of) the emulator's answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Fault {
    /// The service's throttling error in its protocol's shape (JSON `ThrottlingException`,
    /// query `Throttling`, EC2 `RequestLimitExceeded`, S3 `SlowDown`).
    Throttle,
    /// HTTP 500 with the service's internal-error code.
    Http500,
    /// HTTP 503 with the service's unavailable code.
    Http503,
    /// The connection is reset (TCP RST) before the call reaches the emulator.
    ResetBefore,
    /// The call is forwarded and handled by the emulator, then the connection is reset
    /// instead of relaying the answer.
    ResetAfter,
    /// The call is forwarded; its answer is held for the given seconds (past the
    /// provider's attempt timeout) before it is relayed.
    Hold(u64),
    /// The answer's body is cut to the given percentage and sent with a matching
    /// `Content-Length`: a well-framed but incomplete document.
    TruncatedWithLength(u8),
    /// The answer announces its full `Content-Length`, sends the given percentage of the
    /// body, and the connection is closed.
    TruncatedShort(u8),
    /// The service's access-denied error in its protocol's shape.
    AccessDenied,
    /// HTTP 404 with an empty body and no AWS error code (a gateway's answer, not the
    /// service's "no such resource").
    Http404Bare,
}

impl Fault {
    /// Short name for tables and messages.
    pub fn name(self) -> String {
        match self {
            Fault::Throttle => "throttle".into(),
            Fault::Http500 => "http-500".into(),
            Fault::Http503 => "http-503".into(),
            Fault::ResetBefore => "reset-before".into(),
            Fault::ResetAfter => "reset-after".into(),
            Fault::Hold(s) => format!("hold-{s}s"),
            Fault::TruncatedWithLength(p) => format!("truncated-{p}%-with-length"),
            Fault::TruncatedShort(p) => format!("truncated-{p}%-short"),
            Fault::AccessDenied => "access-denied".into(),
            Fault::Http404Bare => "http-404-bare".into(),
        }
    }

    /// The kind of fault, without its parameter (`hold`, not `hold-62s`): for counts.
    pub fn kind(self) -> &'static str {
        match self {
            Fault::Throttle => "throttle",
            Fault::Http500 => "http-500",
            Fault::Http503 => "http-503",
            Fault::ResetBefore => "reset-before",
            Fault::ResetAfter => "reset-after",
            Fault::Hold(_) => "hold",
            Fault::TruncatedWithLength(_) => "truncated-with-length",
            Fault::TruncatedShort(_) => "truncated-short",
            Fault::AccessDenied => "access-denied",
            Fault::Http404Bare => "http-404-bare",
        }
    }

    /// Whether the fault needs the answer's body (nothing to cut in an empty body).
    pub fn needs_body(self) -> bool {
        matches!(
            self,
            Fault::TruncatedWithLength(_) | Fault::TruncatedShort(_)
        )
    }
}

/// A callback run by a [`Action::Hook`] rule (e.g. killing the emulator mid-apply).
pub type HookFn = Arc<dyn Fn(&Call) + Send + Sync>;

/// What a rule does to a matching call.
#[derive(Clone)]
pub enum Action {
    /// Inject a fault.
    Fault(Fault),
    /// Forward after a delay (a slow endpoint; not a fault).
    Delay(Duration),
    /// Hold matching calls until `parties` of them arrived (or `timeout` passed), then
    /// forward them all: forces concurrent callers to interleave.
    Barrier { parties: usize, timeout: Duration },
    /// Run a callback (on a blocking thread), then forward the call.
    Hook(HookFn),
}

impl std::fmt::Debug for Action {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Action::Fault(x) => write!(f, "Fault({})", x.name()),
            Action::Delay(d) => write!(f, "Delay({d:?})"),
            Action::Barrier { parties, .. } => write!(f, "Barrier({parties})"),
            Action::Hook(_) => write!(f, "Hook"),
        }
    }
}

impl From<Fault> for Action {
    fn from(f: Fault) -> Action {
        Action::Fault(f)
    }
}

/// How many matching calls a rule acts on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Times {
    /// The first `n` matching calls.
    First(u32),
    /// The first `n` attempts of every distinct call (same method, path, query and body):
    /// a transient fault each retry recovers from.
    FirstAttempts(u32),
    /// Every matching call: a persistent fault.
    Always,
}

/// Which calls a rule matches, what it does to them, how often.
#[derive(Debug, Clone)]
pub struct Rule {
    /// SigV4 service name (`s3`, `kms`, ...) or `*`.
    pub service: String,
    /// Operation name, or any.
    pub operation: Option<String>,
    /// Texts that must all appear in the path, query or (decoded) body, e.g. a bucket name.
    pub needles: Vec<String>,
    /// Text that must not appear there.
    pub unless: Option<String>,
    pub action: Action,
    pub times: Times,
}

impl Rule {
    /// A persistent rule on every call of `service`.
    pub fn new(service: &str, action: impl Into<Action>) -> Rule {
        Rule {
            service: service.to_string(),
            operation: None,
            needles: Vec::new(),
            unless: None,
            action: action.into(),
            times: Times::Always,
        }
    }

    /// Only calls of `operation`.
    pub fn op(mut self, operation: &str) -> Rule {
        self.operation = Some(operation.to_string());
        self
    }

    /// Only calls mentioning `needle` (and the needles given before).
    pub fn needle(mut self, needle: &str) -> Rule {
        self.needles.push(needle.to_string());
        self
    }

    /// Only calls not mentioning `text`.
    pub fn unless(mut self, text: &str) -> Rule {
        self.unless = Some(text.to_string());
        self
    }

    /// How often the rule acts.
    pub fn times(mut self, times: Times) -> Rule {
        self.times = times;
        self
    }

    /// Whether the rule matches `call` (its budget aside).
    pub fn matches(&self, call: &Call) -> bool {
        (self.service == "*" || self.service == call.service)
            && self
                .operation
                .as_ref()
                .is_none_or(|op| *op == call.operation)
            && self.needles.iter().all(|n| call.mentions(n))
            && self.unless.as_ref().is_none_or(|n| !call.mentions(n))
    }
}

/// One call the proxy received.
#[derive(Debug, Clone)]
pub struct Call {
    /// Arrival order, from 0.
    pub seq: u64,
    pub service: String,
    pub operation: String,
    pub protocol: Protocol,
    pub method: String,
    /// Path and query as sent.
    pub target: String,
    /// The body, percent-decoded when it is a form (lossy UTF-8).
    pub body: String,
    /// The fault injected, if any.
    pub fault: Option<Fault>,
    /// A non-fault action applied (`delay`, `barrier`, `hook`).
    pub action: Option<String>,
    /// Status of the emulator's answer when the call was forwarded and answered.
    pub upstream_status: Option<u16>,
    /// When the proxy received it.
    pub received: std::time::Instant,
}

impl Call {
    /// Whether `needle` appears in the path, query or body.
    pub fn mentions(&self, needle: &str) -> bool {
        percent_decode(&self.target).contains(needle) || self.body.contains(needle)
    }

    /// Whether the client received the emulator's own answer.
    pub fn answered(&self) -> bool {
        self.fault.is_none() && self.upstream_status.is_some()
    }

    /// `service:Operation`.
    pub fn api(&self) -> String {
        format!("{}:{}", self.service, self.operation)
    }
}

/// Rules with their budgets.
#[derive(Default)]
struct RuleBook {
    rules: Vec<(Rule, RuleUse)>,
}

#[derive(Default)]
struct RuleUse {
    used: u32,
    per_call: HashMap<String, u32>,
}

impl RuleBook {
    /// The action of the first matching rule with budget left (the budget is taken), with
    /// the rule index and the key its budget was taken under.
    fn take(&mut self, call: &Call, key: &str) -> Option<(usize, Action)> {
        for (i, (rule, used)) in self.rules.iter_mut().enumerate() {
            if !rule.matches(call) {
                continue;
            }
            let take = match rule.times {
                Times::Always => true,
                Times::First(n) => used.used < n,
                Times::FirstAttempts(n) => used.per_call.get(key).copied().unwrap_or(0) < n,
            };
            if take {
                used.used += 1;
                *used.per_call.entry(key.to_string()).or_default() += 1;
                return Some((i, rule.action.clone()));
            }
        }
        None
    }

    /// Give back a budget taken by [`take`](Self::take) (a fault that did not apply).
    fn refund(&mut self, index: usize, key: &str) {
        if let Some((_, used)) = self.rules.get_mut(index) {
            used.used = used.used.saturating_sub(1);
            if let Some(n) = used.per_call.get_mut(key) {
                *n = n.saturating_sub(1);
            }
        }
    }
}

/// State shared between the test and the proxy's tasks.
pub(crate) struct Shared {
    upstream: RwLock<String>,
    rules: Mutex<RuleBook>,
    calls: Mutex<Vec<Call>>,
    barriers: Mutex<HashMap<usize, Arc<server::Gate>>>,
}

impl Shared {
    fn record(&self, mut call: Call) -> u64 {
        let mut calls = self.calls.lock().unwrap();
        call.seq = calls.len() as u64;
        let seq = call.seq;
        calls.push(call);
        seq
    }

    fn update(&self, seq: u64, f: impl FnOnce(&mut Call)) {
        if let Some(call) = self.calls.lock().unwrap().get_mut(seq as usize) {
            f(call);
        }
    }
}

/// The running proxy; dropping it stops it.
pub struct FaultProxy {
    /// `http://127.0.0.1:PORT`.
    pub url: String,
    shared: Arc<Shared>,
    stop_tx: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl FaultProxy {
    /// A proxy forwarding to `upstream` (`http://host:port`), on its own runtime thread.
    pub fn start(upstream: &str) -> FaultProxy {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind a loopback port");
        listener.set_nonblocking(true).expect("non-blocking");
        let url = format!("http://{}", listener.local_addr().expect("address"));
        let shared = Arc::new(Shared {
            upstream: RwLock::new(upstream.trim_end_matches('/').to_string()),
            rules: Mutex::new(RuleBook::default()),
            calls: Mutex::new(Vec::new()),
            barriers: Mutex::new(HashMap::new()),
        });
        let (stop_tx, stop_rx) = tokio::sync::oneshot::channel();
        let serving = Arc::clone(&shared);
        let thread = std::thread::Builder::new()
            .name("gxp-fault-proxy".into())
            .spawn(move || server::run(listener, serving, stop_rx))
            .expect("spawn the proxy thread");
        FaultProxy {
            url,
            shared,
            stop_tx: Some(stop_tx),
            thread: Some(thread),
        }
    }

    /// Forward to another upstream from now on (e.g. a restarted emulator).
    pub fn set_upstream(&self, upstream: &str) {
        *self.shared.upstream.write().unwrap() = upstream.trim_end_matches('/').to_string();
    }

    /// Add a rule (after the existing ones: earlier rules win).
    pub fn add(&self, rule: Rule) {
        self.shared
            .rules
            .lock()
            .unwrap()
            .rules
            .push((rule, RuleUse::default()));
    }

    /// Add several rules.
    pub fn add_all(&self, rules: impl IntoIterator<Item = Rule>) {
        for r in rules {
            self.add(r);
        }
    }

    /// Remove every rule: calls are forwarded unchanged.
    pub fn clear_rules(&self) {
        self.shared.rules.lock().unwrap().rules.clear();
        self.shared.barriers.lock().unwrap().clear();
    }

    /// Every call received so far.
    pub fn calls(&self) -> Vec<Call> {
        self.shared.calls.lock().unwrap().clone()
    }

    /// Calls received from `from` (a [`mark`](Self::mark)) on.
    pub fn calls_since(&self, from: u64) -> Vec<Call> {
        self.shared.calls.lock().unwrap()[from as usize..].to_vec()
    }

    /// The number of calls so far: a mark for [`calls_since`](Self::calls_since).
    pub fn mark(&self) -> u64 {
        self.shared.calls.lock().unwrap().len() as u64
    }

    /// Calls a fault was injected into, since `from`.
    pub fn injected_since(&self, from: u64) -> Vec<Call> {
        self.calls_since(from)
            .into_iter()
            .filter(|c| c.fault.is_some())
            .collect()
    }
}

impl Drop for FaultProxy {
    fn drop(&mut self) {
        if let Some(tx) = self.stop_tx.take() {
            let _ = tx.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn call(service: &str, op: &str, target: &str, body: &str) -> Call {
        Call {
            seq: 0,
            service: service.into(),
            operation: op.into(),
            protocol: Protocol::Json,
            method: "POST".into(),
            target: target.into(),
            body: body.into(),
            fault: None,
            action: None,
            upstream_status: None,
            received: std::time::Instant::now(),
        }
    }

    #[test]
    fn budgets_first_first_attempts_and_always() {
        let mut book = RuleBook::default();
        book.rules.push((
            Rule::new("kms", Fault::Throttle)
                .op("DescribeKey")
                .times(Times::FirstAttempts(2)),
            RuleUse::default(),
        ));
        book.rules.push((
            Rule::new("*", Fault::Http500).times(Times::First(1)),
            RuleUse::default(),
        ));
        let a = call("kms", "DescribeKey", "/", "{\"KeyId\":\"a\"}");
        let b = call("kms", "DescribeKey", "/", "{\"KeyId\":\"b\"}");
        let take = |book: &mut RuleBook, c: &Call, key: &str| book.take(c, key).map(|(i, _)| i);
        assert_eq!(take(&mut book, &a, "a"), Some(0));
        assert_eq!(take(&mut book, &a, "a"), Some(0));
        assert_eq!(take(&mut book, &b, "b"), Some(0), "per distinct call");
        assert_eq!(take(&mut book, &a, "a"), Some(1), "then the next rule");
        assert_eq!(take(&mut book, &a, "a"), None, "First(1) spent");
        book.refund(1, "a");
        assert_eq!(take(&mut book, &a, "a"), Some(1), "refunded");
    }

    #[test]
    fn needles_match_paths_and_decoded_bodies() {
        let rule = Rule::new("s3", Fault::AccessDenied)
            .needle("gxp evidence")
            .unless("sha256");
        assert!(rule.matches(&call("s3", "PutObject", "/gxp%20evidence/a.json", "")));
        assert!(!rule.matches(&call(
            "s3",
            "PutObject",
            "/gxp%20evidence/a.json.sha256",
            ""
        )));
        assert!(!rule.matches(&call("kms", "PutObject", "/gxp%20evidence/a.json", "")));
        assert!(Rule::new("*", Fault::Throttle).matches(&call("ec2", "X", "/", "")));
    }
}
