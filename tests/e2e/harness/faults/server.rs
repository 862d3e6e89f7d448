//! The proxy's HTTP side: a hyper 1 server per connection, forwarding through a hyper-util
//! client, with the connection under our control so it can be reset (RST: `SO_LINGER` 0)
//! or closed mid-answer.

use std::convert::Infallible;
use std::os::fd::{AsRawFd, BorrowedFd, RawFd};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use bytes::Bytes;
use futures::StreamExt;
use http_body_util::combinators::BoxBody;
use http_body_util::{BodyExt, Full, StreamBody};
use hyper::body::{Frame, Incoming};
use hyper::header::{HeaderValue, CONTENT_LENGTH, CONTENT_TYPE};
use hyper::{Request, Response};
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::client::legacy::Client;
use hyper_util::rt::{TokioExecutor, TokioIo};
use tokio::sync::{oneshot, watch, Notify};

use super::request::{identify, percent_decode, Protocol};
use super::shapes::{error_answer, ErrorKind};
use super::{Action, Call, Fault, Shared};

type Body = BoxBody<Bytes, Infallible>;
type Upstream = Client<HttpConnector, Full<Bytes>>;

/// Headers that belong to one connection and are not forwarded.
const HOP_BY_HOP: &[&str] = &[
    "connection",
    "keep-alive",
    "proxy-connection",
    "te",
    "trailer",
    "transfer-encoding",
    "upgrade",
    "expect",
    "content-length",
];

/// How long a truncated answer's connection stays open after its partial body.
const SHORT_BODY_CLOSE_AFTER: Duration = Duration::from_millis(200);

/// Serve `listener` until `stop` fires.
pub(crate) fn run(
    listener: std::net::TcpListener,
    shared: Arc<Shared>,
    stop: oneshot::Receiver<()>,
) {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .thread_name("gxp-fault-proxy-worker")
        .enable_all()
        .build()
        .expect("proxy runtime");
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::from_std(listener).expect("tokio listener");
        let upstream: Upstream = Client::builder(TokioExecutor::new()).build_http();
        let accept = async {
            loop {
                match listener.accept().await {
                    Ok((stream, _)) => {
                        tokio::spawn(serve(stream, Arc::clone(&shared), upstream.clone()));
                    }
                    Err(_) => tokio::time::sleep(Duration::from_millis(10)).await,
                }
            }
        };
        tokio::select! {
            _ = accept => {}
            _ = stop => {}
        }
    });
    runtime.shutdown_timeout(Duration::from_secs(1));
}

/// How a connection is to be ended by the proxy.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Close {
    /// TCP RST.
    Reset,
    /// Orderly close (FIN).
    Fin,
}

/// Control over one client connection.
struct ConnCtl {
    fd: RawFd,
    ended: Notify,
    how: Mutex<Option<Close>>,
}

impl ConnCtl {
    fn end(&self, how: Close) {
        *self.how.lock().unwrap() = Some(how);
        self.ended.notify_one();
    }
}

/// A rendezvous of [`Action::Barrier`] calls.
pub(crate) struct Gate {
    arrived: watch::Sender<usize>,
}

async fn serve(stream: tokio::net::TcpStream, shared: Arc<Shared>, upstream: Upstream) {
    let _ = stream.set_nodelay(true);
    let ctl = Arc::new(ConnCtl {
        fd: stream.as_raw_fd(),
        ended: Notify::new(),
        how: Mutex::new(None),
    });
    let service_ctl = Arc::clone(&ctl);
    let service = hyper::service::service_fn(move |req| {
        handle(
            req,
            Arc::clone(&shared),
            upstream.clone(),
            Arc::clone(&service_ctl),
        )
    });
    let conn =
        hyper::server::conn::http1::Builder::new().serve_connection(TokioIo::new(stream), service);
    let mut conn = std::pin::pin!(conn);
    tokio::select! {
        _ = conn.as_mut() => {}
        _ = ctl.ended.notified() => {
            if *ctl.how.lock().unwrap() == Some(Close::Reset) {
                // SAFETY: the stream owning the descriptor lives in `conn`, dropped below.
                let fd = unsafe { BorrowedFd::borrow_raw(ctl.fd) };
                let _ = socket2::SockRef::from(&fd).set_linger(Some(Duration::ZERO));
            }
        }
    }
    // Dropping `conn` closes the socket: RST with linger 0, else FIN.
}

/// The emulator's answer to a forwarded call.
struct Answer {
    parts: hyper::http::response::Parts,
    body: Bytes,
}

async fn handle(
    req: Request<Incoming>,
    shared: Arc<Shared>,
    upstream: Upstream,
    ctl: Arc<ConnCtl>,
) -> Result<Response<Body>, Infallible> {
    let (parts, body) = req.into_parts();
    let body = match body.collect().await {
        Ok(b) => b.to_bytes(),
        Err(_) => Bytes::new(),
    };
    let target = parts
        .uri
        .path_and_query()
        .map(|p| p.as_str().to_string())
        .unwrap_or_else(|| "/".into());
    let header = |name: &str| {
        parts
            .headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string)
    };
    let id = identify(parts.method.as_str(), &target, header, &body);
    let text = String::from_utf8_lossy(&body).into_owned();
    let body_text = match id.protocol {
        Protocol::Query | Protocol::Ec2 => percent_decode(&text),
        _ => text,
    };
    let key = format!("{} {target} {body_text}", parts.method);
    let mut call = Call {
        seq: 0,
        service: id.service.clone(),
        operation: id.operation.clone(),
        protocol: id.protocol,
        method: parts.method.to_string(),
        target: target.clone(),
        body: body_text,
        fault: None,
        action: None,
        upstream_status: None,
        received: std::time::Instant::now(),
    };
    let taken = shared.rules.lock().unwrap().take(&call, &key);
    match &taken {
        Some((_, Action::Fault(f))) => call.fault = Some(*f),
        Some((_, Action::Delay(_))) => call.action = Some("delay".into()),
        Some((_, Action::Barrier { .. })) => call.action = Some("barrier".into()),
        Some((_, Action::Hook(_))) => call.action = Some("hook".into()),
        None => {}
    }
    let snapshot = call.clone();
    let seq = shared.record(call);
    let head = parts.method == hyper::Method::HEAD;

    let forward = || forward(&shared, &upstream, &parts, &target, body.clone());
    let Some((rule, action)) = taken else {
        return relay_or_reset(&shared, seq, forward().await, &ctl).await;
    };
    let fault = match action {
        Action::Fault(f) => f,
        Action::Delay(d) => {
            tokio::time::sleep(d).await;
            return relay_or_reset(&shared, seq, forward().await, &ctl).await;
        }
        Action::Barrier { parties, timeout } => {
            let gate = Arc::clone(shared.barriers.lock().unwrap().entry(rule).or_insert_with(
                || {
                    Arc::new(Gate {
                        arrived: watch::channel(0).0,
                    })
                },
            ));
            gate.arrived.send_modify(|n| *n += 1);
            let mut rx = gate.arrived.subscribe();
            let _ = tokio::time::timeout(timeout, rx.wait_for(|n| *n >= parties)).await;
            return relay_or_reset(&shared, seq, forward().await, &ctl).await;
        }
        Action::Hook(hook) => {
            let _ = tokio::task::spawn_blocking(move || hook(&snapshot)).await;
            return relay_or_reset(&shared, seq, forward().await, &ctl).await;
        }
    };

    let error = |kind: ErrorKind| {
        let answer = error_answer(kind, &id.service, &id.operation, id.protocol, head);
        let mut builder = Response::builder()
            .status(answer.status)
            .header(CONTENT_TYPE, answer.content_type);
        for (k, v) in &answer.headers {
            builder = builder.header(*k, v);
        }
        Ok(builder
            .header(CONTENT_LENGTH, answer.body.len())
            .body(full(Bytes::from(answer.body)))
            .expect("error answer"))
    };
    match fault {
        Fault::Throttle => error(ErrorKind::Throttling),
        Fault::Http500 => error(ErrorKind::Internal),
        Fault::Http503 => error(ErrorKind::Unavailable),
        Fault::AccessDenied => error(ErrorKind::AccessDenied),
        Fault::Http404Bare => Ok(Response::builder()
            .status(404)
            .header(CONTENT_LENGTH, 0)
            .body(full(Bytes::new()))
            .expect("404 answer")),
        Fault::ResetBefore => end(&ctl, Close::Reset).await,
        Fault::ResetAfter => {
            let answered = forward().await;
            if let Ok(a) = &answered {
                shared.update(seq, |c| c.upstream_status = Some(a.parts.status.as_u16()));
            }
            end(&ctl, Close::Reset).await
        }
        Fault::Hold(seconds) => {
            let answered = forward().await;
            if let Ok(a) = &answered {
                shared.update(seq, |c| c.upstream_status = Some(a.parts.status.as_u16()));
            }
            // The client usually gives up first; the connection task then drops this future.
            tokio::time::sleep(Duration::from_secs(seconds)).await;
            match answered {
                Ok(a) => Ok(respond(a.parts, full(a.body.clone()), a.body.len())),
                Err(_) => end(&ctl, Close::Reset).await,
            }
        }
        Fault::TruncatedWithLength(percent) | Fault::TruncatedShort(percent) => {
            let answer = match forward().await {
                Ok(a) => a,
                Err(_) => {
                    shared.update(seq, |c| c.fault = None);
                    return end(&ctl, Close::Reset).await;
                }
            };
            let status = answer.parts.status.as_u16();
            shared.update(seq, |c| c.upstream_status = Some(status));
            let len = answer.body.len();
            if len < 2 {
                // Nothing to cut: the call is answered as the emulator did, budget returned.
                shared.rules.lock().unwrap().refund(rule, &key);
                shared.update(seq, |c| c.fault = None);
                return Ok(respond(answer.parts, full(answer.body), len));
            }
            let cut = (len * usize::from(percent) / 100).clamp(1, len - 1);
            let partial = answer.body.slice(..cut);
            if matches!(fault, Fault::TruncatedWithLength(_)) {
                return Ok(respond(answer.parts, full(partial), cut));
            }
            let frames = futures::stream::once(async move { Ok(Frame::data(partial)) })
                .chain(futures::stream::pending());
            let closer = Arc::clone(&ctl);
            tokio::spawn(async move {
                tokio::time::sleep(SHORT_BODY_CLOSE_AFTER).await;
                closer.end(Close::Fin);
            });
            Ok(respond(
                answer.parts,
                BoxBody::new(StreamBody::new(frames)),
                len,
            ))
        }
    }
}

fn full(bytes: Bytes) -> Body {
    Full::new(bytes).boxed()
}

/// End the connection without an answer; the returned future never completes (the
/// connection task drops it).
async fn end(ctl: &ConnCtl, how: Close) -> Result<Response<Body>, Infallible> {
    ctl.end(how);
    std::future::pending().await
}

/// Relay a forwarded answer, or reset the connection when the emulator could not be reached
/// (as a dead endpoint would).
async fn relay_or_reset(
    shared: &Shared,
    seq: u64,
    answered: Result<Answer, String>,
    ctl: &ConnCtl,
) -> Result<Response<Body>, Infallible> {
    match answered {
        Ok(a) => {
            shared.update(seq, |c| c.upstream_status = Some(a.parts.status.as_u16()));
            let len = a.body.len();
            Ok(respond(a.parts, full(a.body), len))
        }
        Err(_) => end(ctl, Close::Reset).await,
    }
}

/// The emulator's status and headers with `body` announced as `content_length` bytes.
fn respond(
    parts: hyper::http::response::Parts,
    body: Body,
    content_length: usize,
) -> Response<Body> {
    let mut response = Response::new(body);
    *response.status_mut() = parts.status;
    for (name, value) in &parts.headers {
        if !HOP_BY_HOP.contains(&name.as_str()) {
            response.headers_mut().append(name.clone(), value.clone());
        }
    }
    response
        .headers_mut()
        .insert(CONTENT_LENGTH, HeaderValue::from(content_length));
    response
}

/// Send the call to the current upstream and read its whole answer.
async fn forward(
    shared: &Shared,
    upstream: &Upstream,
    parts: &hyper::http::request::Parts,
    target: &str,
    body: Bytes,
) -> Result<Answer, String> {
    let base = shared.upstream.read().unwrap().clone();
    let uri: hyper::Uri = format!("{base}{target}")
        .parse()
        .map_err(|e| format!("upstream URI: {e}"))?;
    let mut request = Request::builder().method(parts.method.clone()).uri(uri);
    for (name, value) in &parts.headers {
        if !HOP_BY_HOP.contains(&name.as_str()) {
            request = request.header(name, value);
        }
    }
    let request = request
        .body(Full::new(body))
        .map_err(|e| format!("request: {e}"))?;
    let response = upstream
        .request(request)
        .await
        .map_err(|e| format!("upstream: {e}"))?;
    let (parts, body) = response.into_parts();
    let body = body
        .collect()
        .await
        .map_err(|e| format!("upstream body: {e}"))?
        .to_bytes();
    Ok(Answer { parts, body })
}
