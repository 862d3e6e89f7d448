//! A tiny HTTP/1.1 server on loopback that records every request it receives and
//! either answers `200 OK` itself or forwards the request to an upstream server
//! (a recording proxy in front of moto).
//!
//! Each connection carries one request: requests are read up to their
//! `Content-Length`, and every answer closes the connection.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// How long one connection may take to send its request or answer.
const IO_TIMEOUT: Duration = Duration::from_secs(20);

/// One request as received.
#[derive(Debug, Clone)]
pub struct Captured {
    /// Request line, e.g. `POST / HTTP/1.1`.
    pub request_line: String,
    /// Header names (lowercased) and values, in order.
    pub headers: Vec<(String, String)>,
    /// The body.
    pub body: Vec<u8>,
}

impl Captured {
    /// The first value of header `name` (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        let name = name.to_ascii_lowercase();
        self.headers
            .iter()
            .find(|(k, _)| *k == name)
            .map(|(_, v)| v.as_str())
    }

    /// The body as text (lossy).
    pub fn body_text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    /// The SigV4 credential scope of the `Authorization` header as
    /// `(access key id, region, service)`, if the request is signed.
    pub fn sigv4_scope(&self) -> Option<(String, String, String)> {
        let auth = self.header("authorization")?;
        let credential = auth
            .split([',', ' '])
            .find_map(|part| part.trim().strip_prefix("Credential="))?;
        // AKID/DATE/REGION/SERVICE/aws4_request
        let parts: Vec<&str> = credential.split('/').collect();
        (parts.len() == 5).then(|| {
            (
                parts[0].to_string(),
                parts[2].to_string(),
                parts[3].to_string(),
            )
        })
    }
}

/// A recording HTTP server; dropping it stops it.
pub struct HttpRecorder {
    /// `http://127.0.0.1:PORT`.
    pub url: String,
    captured: Arc<Mutex<Vec<Captured>>>,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl HttpRecorder {
    /// A server answering every request with an empty `200 OK`.
    pub fn start() -> HttpRecorder {
        HttpRecorder::serve(None)
    }

    /// A proxy forwarding every request to `upstream` (`http://host:port`) and relaying
    /// its answer.
    pub fn proxy(upstream: &str) -> HttpRecorder {
        let upstream = upstream
            .strip_prefix("http://")
            .unwrap_or_else(|| panic!("upstream {upstream} is not an http:// URL"))
            .trim_end_matches('/')
            .to_string();
        HttpRecorder::serve(Some(upstream))
    }

    fn serve(upstream: Option<String>) -> HttpRecorder {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind a loopback port");
        listener
            .set_nonblocking(true)
            .expect("non-blocking listener");
        let url = format!("http://{}", listener.local_addr().expect("local address"));
        let captured = Arc::new(Mutex::new(Vec::new()));
        let stop = Arc::new(AtomicBool::new(false));
        let (sink, stopped) = (Arc::clone(&captured), Arc::clone(&stop));
        let thread = std::thread::spawn(move || {
            while !stopped.load(Ordering::Relaxed) {
                match listener.accept() {
                    Ok((conn, _)) => {
                        let sink = Arc::clone(&sink);
                        let upstream = upstream.clone();
                        std::thread::spawn(move || handle(conn, upstream.as_deref(), &sink));
                    }
                    Err(_) => std::thread::sleep(Duration::from_millis(10)),
                }
            }
        });
        HttpRecorder {
            url,
            captured,
            stop,
            thread: Some(thread),
        }
    }

    /// Every request received so far.
    pub fn requests(&self) -> Vec<Captured> {
        self.captured.lock().expect("recorder lock").clone()
    }

    /// Waits up to `timeout` for a request matching `pred`.
    pub fn wait_for(
        &self,
        timeout: Duration,
        pred: impl Fn(&Captured) -> bool,
    ) -> Option<Captured> {
        let deadline = Instant::now() + timeout;
        loop {
            if let Some(found) = self.requests().into_iter().find(|c| pred(c)) {
                return Some(found);
            }
            if Instant::now() >= deadline {
                return None;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for HttpRecorder {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// Reads one request from `conn`, records it, answers it.
fn handle(mut conn: TcpStream, upstream: Option<&str>, sink: &Mutex<Vec<Captured>>) {
    let _ = conn.set_nonblocking(false);
    let _ = conn.set_read_timeout(Some(IO_TIMEOUT));
    let _ = conn.set_write_timeout(Some(IO_TIMEOUT));
    let Some((head, body)) = read_request(&mut conn) else {
        return;
    };
    let mut lines = head.split("\r\n");
    let request_line = lines.next().unwrap_or_default().to_string();
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_string()))
        .collect();
    let captured = Captured {
        request_line,
        headers,
        body,
    };
    sink.lock().expect("recorder lock").push(captured.clone());
    let answer = match upstream {
        None => b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n".to_vec(),
        Some(upstream) => forward(upstream, &captured).unwrap_or_else(|e| {
            format!(
                "HTTP/1.1 502 Bad Gateway\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{e}",
                e.len()
            )
            .into_bytes()
        }),
    };
    let _ = conn.write_all(&answer);
    let _ = conn.flush();
    let _ = conn.shutdown(std::net::Shutdown::Both);
}

/// The head (without the blank line) and body of one request.
fn read_request(conn: &mut TcpStream) -> Option<(String, Vec<u8>)> {
    let mut data = Vec::new();
    let mut buf = [0u8; 8192];
    let head_end = loop {
        if let Some(i) = data.windows(4).position(|w| w == b"\r\n\r\n") {
            break i;
        }
        let n = conn.read(&mut buf).ok()?;
        if n == 0 {
            return None;
        }
        data.extend_from_slice(&buf[..n]);
    };
    let head = String::from_utf8_lossy(&data[..head_end]).into_owned();
    let length: usize = head
        .split("\r\n")
        .filter_map(|l| l.split_once(':'))
        .find(|(k, _)| k.trim().eq_ignore_ascii_case("content-length"))
        .and_then(|(_, v)| v.trim().parse().ok())
        .unwrap_or(0);
    let mut body = data[head_end + 4..].to_vec();
    while body.len() < length {
        let n = conn.read(&mut buf).ok()?;
        if n == 0 {
            break;
        }
        body.extend_from_slice(&buf[..n]);
    }
    Some((head, body))
}

/// Sends `request` to `upstream` on a fresh connection and returns the whole answer,
/// with `Connection: close` so the client opens a new connection for its next request.
fn forward(upstream: &str, request: &Captured) -> Result<Vec<u8>, String> {
    let mut up = TcpStream::connect(upstream).map_err(|e| format!("connect {upstream}: {e}"))?;
    up.set_read_timeout(Some(IO_TIMEOUT))
        .map_err(|e| e.to_string())?;
    let mut out = format!("{}\r\n", request.request_line);
    for (k, v) in &request.headers {
        if k != "connection" && k != "keep-alive" {
            out.push_str(&format!("{k}: {v}\r\n"));
        }
    }
    out.push_str("connection: close\r\n\r\n");
    let mut bytes = out.into_bytes();
    bytes.extend_from_slice(&request.body);
    up.write_all(&bytes).map_err(|e| format!("send: {e}"))?;
    let mut answer = Vec::new();
    up.read_to_end(&mut answer)
        .map_err(|e| format!("read: {e}"))?;
    let Some(head_end) = answer.windows(4).position(|w| w == b"\r\n\r\n") else {
        return Err(format!("no HTTP answer from {upstream}"));
    };
    let head = String::from_utf8_lossy(&answer[..head_end]).into_owned();
    let mut rebuilt = String::new();
    for line in head.split("\r\n") {
        let name = line
            .split_once(':')
            .map(|(k, _)| k.trim().to_ascii_lowercase());
        if !matches!(name.as_deref(), Some("connection" | "keep-alive")) {
            rebuilt.push_str(line);
            rebuilt.push_str("\r\n");
        }
    }
    rebuilt.push_str("Connection: close\r\n\r\n");
    let mut relayed = rebuilt.into_bytes();
    relayed.extend_from_slice(&answer[head_end + 4..]);
    Ok(relayed)
}
