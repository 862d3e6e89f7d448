//! A tiny HTTP/1.1 server on loopback for collector tests: it answers each request with
//! what a handler returns, always with a `Content-Length` matching the body it sends (so
//! a body cut short looks complete to the client), and records every request.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use aws_config::retry::RetryConfig;
use aws_config::timeout::TimeoutConfig;
use aws_config::{BehaviorVersion, Region};
use aws_credential_types::Credentials;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

use super::AwsContext;

/// One request as received.
#[derive(Debug, Clone)]
pub struct Request {
    pub method: String,
    /// Path and query, e.g. `/bucket?versioning`.
    pub target: String,
    /// Lowercased names.
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Request {
    /// The first value of header `name` (lowercase).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// The body as text (lossy).
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    /// The `X-Amz-Target` operation of a JSON protocol call (`TrentService.DescribeKey` →
    /// `DescribeKey`), or the `Action` of a query protocol call.
    pub fn operation(&self) -> String {
        if let Some(target) = self.header("x-amz-target") {
            return target.rsplit('.').next().unwrap_or(target).to_string();
        }
        let text = self.text();
        text.split('&')
            .find_map(|p| p.strip_prefix("Action="))
            .unwrap_or_default()
            .to_string()
    }
}

/// An answer: status, extra headers, body.
#[derive(Debug, Clone)]
pub struct Answer {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Answer {
    /// An answer with a body and content type.
    pub fn new(status: u16, content_type: &str, body: impl Into<Vec<u8>>) -> Answer {
        Answer {
            status,
            headers: vec![("Content-Type".into(), content_type.into())],
            body: body.into(),
        }
    }

    /// `200` with an XML body.
    pub fn xml(body: impl Into<Vec<u8>>) -> Answer {
        Answer::new(200, "text/xml", body)
    }

    /// `200` with an awsJson body.
    pub fn json(body: impl Into<Vec<u8>>) -> Answer {
        Answer::new(200, "application/x-amz-json-1.1", body)
    }

    /// An S3-style XML error.
    pub fn s3_error(status: u16, code: &str) -> Answer {
        Answer::new(
            status,
            "application/xml",
            format!("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>{code}</Code><Message>{code}</Message><RequestId>r</RequestId></Error>"),
        )
    }

    /// An empty answer.
    pub fn empty(status: u16) -> Answer {
        Answer {
            status,
            headers: vec![],
            body: vec![],
        }
    }
}

type Handler = dyn Fn(&Request) -> Answer + Send + Sync;

/// A running fake endpoint; dropping it stops it.
pub struct FakeEndpoint {
    /// `http://127.0.0.1:PORT`.
    pub url: String,
    requests: Arc<Mutex<Vec<Request>>>,
    task: tokio::task::JoinHandle<()>,
}

impl FakeEndpoint {
    /// Serve `handler` on a loopback port (in the current tokio runtime).
    pub async fn start(handler: impl Fn(&Request) -> Answer + Send + Sync + 'static) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind loopback");
        let url = format!("http://{}", listener.local_addr().expect("address"));
        let requests = Arc::new(Mutex::new(Vec::new()));
        let handler: Arc<Handler> = Arc::new(handler);
        let sink = Arc::clone(&requests);
        let task = tokio::spawn(async move {
            while let Ok((conn, _)) = listener.accept().await {
                let (handler, sink) = (Arc::clone(&handler), Arc::clone(&sink));
                tokio::spawn(async move { serve(conn, &*handler, &sink).await });
            }
        });
        FakeEndpoint {
            url,
            requests,
            task,
        }
    }

    /// Every request so far.
    pub fn requests(&self) -> Vec<Request> {
        self.requests.lock().expect("lock").clone()
    }

    /// An AWS context whose every service is this endpoint, with `attempts` attempts per
    /// call (retries without waiting long) and static credentials.
    pub async fn context(&self, attempts: u32) -> AwsContext {
        let sdk = aws_config::defaults(BehaviorVersion::latest())
            .region(Region::new("us-east-1"))
            .credentials_provider(Credentials::new("AKIDTEST", "secret", None, None, "test"))
            .endpoint_url(&self.url)
            .retry_config(
                RetryConfig::standard()
                    .with_max_attempts(attempts)
                    .with_initial_backoff(Duration::from_millis(1))
                    .with_max_backoff(Duration::from_millis(5)),
            )
            .timeout_config(
                TimeoutConfig::builder()
                    .operation_attempt_timeout(Duration::from_secs(10))
                    .build(),
            )
            .load()
            .await;
        AwsContext::from_sdk_config(sdk, true)
    }
}

impl Drop for FakeEndpoint {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Read one request, answer it, close the connection.
async fn serve(mut conn: TcpStream, handler: &Handler, sink: &Mutex<Vec<Request>>) {
    let mut data = Vec::new();
    let mut buf = [0u8; 8192];
    let head_end = loop {
        if let Some(i) = data.windows(4).position(|w| w == b"\r\n\r\n") {
            break i;
        }
        match conn.read(&mut buf).await {
            Ok(0) | Err(_) => return,
            Ok(n) => data.extend_from_slice(&buf[..n]),
        }
    };
    let head = String::from_utf8_lossy(&data[..head_end]).into_owned();
    let mut lines = head.split("\r\n");
    let mut request_line = lines.next().unwrap_or_default().split(' ');
    let method = request_line.next().unwrap_or_default().to_string();
    let target = request_line.next().unwrap_or_default().to_string();
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_string()))
        .collect();
    let length: usize = headers
        .iter()
        .find(|(k, _)| k == "content-length")
        .and_then(|(_, v)| v.parse().ok())
        .unwrap_or(0);
    let mut body = data[head_end + 4..].to_vec();
    while body.len() < length {
        match conn.read(&mut buf).await {
            Ok(0) | Err(_) => break,
            Ok(n) => body.extend_from_slice(&buf[..n]),
        }
    }
    let request = Request {
        method,
        target,
        headers,
        body,
    };
    sink.lock().expect("lock").push(request.clone());
    let answer = handler(&request);
    let mut out = format!("HTTP/1.1 {} Fake\r\n", answer.status);
    for (k, v) in &answer.headers {
        out.push_str(&format!("{k}: {v}\r\n"));
    }
    if request.method != "HEAD" || !answer.body.is_empty() {
        out.push_str(&format!("Content-Length: {}\r\n", answer.body.len()));
    } else {
        out.push_str("Content-Length: 0\r\n");
    }
    out.push_str("Connection: close\r\n\r\n");
    let mut bytes = out.into_bytes();
    if request.method != "HEAD" {
        bytes.extend_from_slice(&answer.body);
    }
    let _ = conn.write_all(&bytes).await;
    let _ = conn.shutdown().await;
}

/// `body` cut at `percent` % of its length.
pub fn cut(body: &str, percent: f64) -> String {
    let at = ((body.len() as f64) * percent / 100.0).round() as usize;
    let mut at = at.min(body.len());
    while !body.is_char_boundary(at) {
        at -= 1;
    }
    body[..at].to_string()
}

/// The ten cut points from 20 % to 80 % of a body.
pub fn cut_points() -> impl Iterator<Item = f64> {
    (0..10).map(|i| 20.0 + 60.0 * f64::from(i) / 9.0)
}
