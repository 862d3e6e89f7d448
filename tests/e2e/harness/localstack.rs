//! LocalStack for `GXP_TEST_BACKEND=localstack`.
//!
//! By default LocalStack's community runtime runs on the host, without Docker, from the
//! Python 3.13 venv `make tools` builds in `.tools/localstack/venv`
//! (`python -m localstack.runtime.main`, `GATEWAY_LISTEN=127.0.0.1:PORT`). Each
//! [`LocalStack`] is a process of its own with its own state directory, so tests are as
//! isolated as with moto. It starts in about 3 s of CPU (8 s of wall time on the two
//! loaded cores of CI), so the harness keeps one instance started ahead in the background
//! ([`SPARE`]): the next test takes it ready and a new spare starts while that test runs.
//!
//! With the cargo feature `localstack` and a Docker engine answering on its socket, the
//! `localstack/localstack:$GXP_LOCALSTACK_TAG` container is used instead.

use std::fs::File;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::PathBuf;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::Mutex;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use super::{is_executable, repo_root, tail};

/// How long a host LocalStack may take to answer its health check with every service up
/// (8 s is usual; on two cores shared with parallel builds it took up to 150 s).
const STARTUP_TIMEOUT: Duration = Duration::from_secs(300);
/// How long dropping an instance waits for its launcher to exit before killing it.
const STOP_TIMEOUT: Duration = Duration::from_secs(10);
/// Attempts at finding a free port before giving up.
const PORT_ATTEMPTS: usize = 3;

/// Services loaded eagerly at start (LocalStack's `SERVICES`, `EAGER_SERVICE_LOADING=1`):
/// the ones the provider and the scenarios call. Loading them lazily would make the first
/// call of every test wait for the service to load; with `STRICT_SERVICE_LOADING` (the
/// default) any other service answers as unavailable.
pub(crate) const SERVICES: &str =
    "s3,kms,cloudformation,ec2,iam,config,sts,sns,sqs,logs,resourcegroupstaggingapi,lambda,secretsmanager,cloudwatch";

/// Runs LocalStack (argv: state directory, log file) in a session of its own and makes
/// sure it does not outlive the test process: it reads stdin until end of file (the test
/// process closed the pipe, or is gone), then kills LocalStack's process group (LocalStack
/// and anything it started) and removes the state directory, unless what it read contains
/// `keep` (the log of a failing test). Its one line of output is LocalStack's pid.
const LAUNCHER: &str = r#"
import os, shutil, signal, subprocess, sys, threading
workdir, log_path = sys.argv[1], sys.argv[2]
log = open(log_path, "ab", buffering=0)
child = subprocess.Popen([sys.executable, "-m", "localstack.runtime.main"],
                         stdin=subprocess.DEVNULL, stdout=log, stderr=log,
                         start_new_session=True)
print(child.pid, flush=True)
def stop(keep):
    try:
        os.killpg(child.pid, signal.SIGKILL)
    except OSError:
        pass
    child.wait()
    if not keep:
        shutil.rmtree(workdir, ignore_errors=True)
    os._exit(0)
signal.signal(signal.SIGTERM, lambda *_: stop(False))
def wait_child():
    code = child.wait()
    log.write(("\n%s %s\n" % ("launcher: LocalStack exited with", code)).encode())
threading.Thread(target=wait_child, daemon=True).start()
stop(b"keep" in sys.stdin.buffer.read())
"#;

/// The line the launcher appends to the log when LocalStack exits on its own.
const EXITED: &str = "launcher: LocalStack exited with";

/// A running LocalStack; dropping it stops it.
pub(crate) struct LocalStack {
    /// `http://127.0.0.1:PORT`.
    pub endpoint: String,
    inner: Inner,
}

enum Inner {
    Host(HostProcess),
    #[cfg(feature = "localstack")]
    Container(Option<testcontainers::ContainerAsync<testcontainers::GenericImage>>),
}

/// The one instance started ahead for the next test, if any.
static SPARE: Mutex<Option<JoinHandle<Result<HostProcess, String>>>> = Mutex::new(None);

impl LocalStack {
    /// A LocalStack of its own for one test: the container where the cargo feature
    /// `localstack` is on and a Docker engine answers, otherwise the host runtime.
    /// Panics loudly when it cannot be started.
    pub(crate) fn start() -> LocalStack {
        #[cfg(feature = "localstack")]
        if docker_engine_answers() {
            return container::start();
        }
        let taken = SPARE.lock().unwrap_or_else(|e| e.into_inner()).take();
        let started = match taken {
            Some(spare) => spare
                .join()
                .unwrap_or_else(|_| Err("the thread starting LocalStack panicked".into())),
            None => HostProcess::start(),
        };
        // Start the next test's instance while this test runs.
        *SPARE.lock().unwrap_or_else(|e| e.into_inner()) =
            Some(std::thread::spawn(HostProcess::start));
        match started {
            Ok(process) => LocalStack {
                endpoint: process.endpoint(),
                inner: Inner::Host(process),
            },
            Err(reason) => panic!(
                "\n\n*** LocalStack did not start on the host. ***\n{reason}\n\
                 GXP_TEST_BACKEND=localstack runs the venv `make tools` installs in \
                 .tools/localstack (Python 3.13); run `make tools`.\n"
            ),
        }
    }

    /// Process id of the LocalStack runtime on the host (killing it stops the endpoint);
    /// `None` for a container.
    pub(crate) fn pid(&self) -> Option<u32> {
        match &self.inner {
            Inner::Host(process) => Some(process.pid),
            #[cfg(feature = "localstack")]
            Inner::Container(_) => None,
        }
    }
}

impl Drop for LocalStack {
    fn drop(&mut self) {
        match &mut self.inner {
            Inner::Host(process) => process.stop(std::thread::panicking()),
            #[cfg(feature = "localstack")]
            Inner::Container(container) => {
                if let Some(container) = container.take() {
                    let _ = container::on_own_runtime(move || async move { container.rm().await });
                }
            }
        }
    }
}

/// LocalStack on the host: the launcher child, the pipe that keeps it alive, and the
/// directory with LocalStack's state, temporary files and log.
struct HostProcess {
    launcher: Child,
    keepalive: Option<ChildStdin>,
    pid: u32,
    port: u16,
    dir: Option<tempfile::TempDir>,
}

impl HostProcess {
    fn endpoint(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    fn log_path(&self) -> PathBuf {
        self.dir
            .as_ref()
            .expect("LocalStack dir present until drop")
            .path()
            .join("localstack.log")
    }

    /// Starts LocalStack on a free port and waits until every service in [`SERVICES`]
    /// is up.
    fn start() -> Result<HostProcess, String> {
        let python = python()?;
        let cert = repo_root().join(".tools/localstack/server.test.pem");
        if !cert.is_file() {
            return Err(format!("no certificate at {}", cert.display()));
        }
        let mut last = String::new();
        for _ in 0..PORT_ATTEMPTS {
            let started = Instant::now();
            let mut process = HostProcess::spawn(&python, &cert)?;
            match process.wait_ready() {
                Ok(()) => {
                    let _ = writeln!(
                        std::io::stderr(),
                        "localstack: up in {:.1}s on port {} (pid {})",
                        started.elapsed().as_secs_f64(),
                        process.port,
                        process.pid
                    );
                    return Ok(process);
                }
                Err(reason) => {
                    let log = std::fs::read_to_string(process.log_path()).unwrap_or_default();
                    process.stop(false);
                    let port_race = log.contains("in use");
                    last = format!(
                        "{reason}\n----- LocalStack log tail -----\n{}",
                        tail(&log, 40)
                    );
                    if !port_race {
                        break;
                    }
                }
            }
        }
        Err(last)
    }

    fn spawn(python: &PathBuf, cert: &std::path::Path) -> Result<HostProcess, String> {
        let port = super::emulator::free_port();
        let dir = tempfile::Builder::new()
            .prefix("gxp-localstack-")
            .tempdir()
            .map_err(|e| format!("create LocalStack dir: {e}"))?;
        let tmp = dir.path().join("tmp");
        std::fs::create_dir(&tmp).map_err(|e| format!("create {}: {e}", tmp.display()))?;
        let log = dir.path().join("localstack.log");
        File::create(&log).map_err(|e| format!("create {}: {e}", log.display()))?;
        let mut cmd = Command::new(python);
        cmd.arg("-c")
            .arg(LAUNCHER)
            .arg(dir.path())
            .arg(&log)
            .env("GATEWAY_LISTEN", format!("127.0.0.1:{port}"))
            .env("LOCALSTACK_HOST", format!("127.0.0.1:{port}"))
            .env("CUSTOM_SSL_CERT_PATH", cert)
            .env("SKIP_SSL_CERT_DOWNLOAD", "1")
            .env("LOCALSTACK_VOLUME_DIR", dir.path())
            // LocalStack's scratch directory is <Python's temp dir>/localstack: one per
            // instance. (LocalStack itself reads TMPDIR as a deprecated setting; TEMP is
            // Python's next choice.)
            .env_remove("TMPDIR")
            .env("TEMP", &tmp)
            .env("SERVICES", SERVICES)
            .env("EAGER_SERVICE_LOADING", "1")
            // No DNS server (it would bind port 53), no analytics, no update check.
            .env("DNS_ADDRESS", "0")
            .env("DISABLE_EVENTS", "1")
            .env("LOCALSTACK_UPDATE_CHECK", "0")
            .env_remove("DEBUG")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null());
        #[cfg(unix)]
        {
            use std::os::unix::process::CommandExt;
            cmd.process_group(0);
        }
        let mut launcher = cmd
            .spawn()
            .map_err(|e| format!("cannot run {}: {e}", python.display()))?;
        let keepalive = launcher.stdin.take();
        let mut first = String::new();
        let stdout = launcher.stdout.take().expect("piped stdout");
        let _ = BufReader::new(stdout).read_line(&mut first);
        let Ok(pid) = first.trim().parse::<u32>() else {
            let _ = launcher.kill();
            let _ = launcher.wait();
            let text = std::fs::read_to_string(&log).unwrap_or_default();
            return Err(format!(
                "the LocalStack launcher printed {first:?} instead of a pid\n{}",
                tail(&text, 40)
            ));
        };
        Ok(HostProcess {
            launcher,
            keepalive,
            pid,
            port,
            dir: Some(dir),
        })
    }

    /// Polls `/_localstack/health` until every service in [`SERVICES`] is `running`.
    fn wait_ready(&mut self) -> Result<(), String> {
        let addr = SocketAddr::from(([127, 0, 0, 1], self.port));
        let deadline = Instant::now() + STARTUP_TIMEOUT;
        loop {
            if let Some(status) = self.launcher.try_wait().map_err(|e| e.to_string())? {
                return Err(format!("the LocalStack launcher exited early ({status})"));
            }
            if std::fs::read_to_string(self.log_path()).is_ok_and(|log| log.contains(EXITED)) {
                return Err("LocalStack exited early".to_string());
            }
            if let Some(health) = health(addr) {
                if all_running(&health) {
                    return Ok(());
                }
            }
            if Instant::now() >= deadline {
                return Err(format!(
                    "LocalStack did not report {SERVICES} running on {addr} within {}s",
                    STARTUP_TIMEOUT.as_secs()
                ));
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// Closes the keep-alive pipe (the launcher then kills LocalStack's process group and
    /// removes its directory) and reaps the launcher. With `keep_log` (a failing test) the
    /// directory is kept and the log's path and tail printed.
    fn stop(&mut self, keep_log: bool) {
        if let Some(mut pipe) = self.keepalive.take() {
            if keep_log {
                let _ = pipe.write_all(b"keep");
            }
        }
        let deadline = Instant::now() + STOP_TIMEOUT;
        while matches!(self.launcher.try_wait(), Ok(None)) && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(20));
        }
        let _ = self.launcher.kill();
        let _ = self.launcher.wait();
        let Some(dir) = self.dir.take() else {
            return;
        };
        if keep_log {
            let log = dir.path().join("localstack.log");
            let text = std::fs::read_to_string(&log).unwrap_or_default();
            let _ = writeln!(
                std::io::stderr(),
                "LocalStack log kept at {}; its tail:\n{}",
                log.display(),
                tail(&text, 30)
            );
            let _ = dir.keep();
        }
    }
}

/// The venv's interpreter: `GXP_LOCALSTACK_PYTHON` or `.tools/localstack/venv/bin/python`.
fn python() -> Result<PathBuf, String> {
    let path = std::env::var_os("GXP_LOCALSTACK_PYTHON")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .unwrap_or_else(|| repo_root().join(".tools/localstack/venv/bin/python"));
    if is_executable(&path) {
        Ok(path)
    } else {
        Err(format!("no LocalStack Python at {}", path.display()))
    }
}

/// The JSON body of `GET /_localstack/health`, if it answers 200.
fn health(addr: SocketAddr) -> Option<serde_json::Value> {
    let mut stream = TcpStream::connect_timeout(&addr, Duration::from_millis(500)).ok()?;
    stream.set_read_timeout(Some(Duration::from_secs(5))).ok()?;
    let request = "GET /_localstack/health HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n";
    stream.write_all(request.as_bytes()).ok()?;
    let mut answer = Vec::new();
    stream.read_to_end(&mut answer).ok()?;
    let text = String::from_utf8_lossy(&answer);
    let (head, body) = text.split_once("\r\n\r\n")?;
    if !head.starts_with("HTTP/1.0 200") && !head.starts_with("HTTP/1.1 200") {
        return None;
    }
    serde_json::from_str(body).ok()
}

/// Whether the health answer lists every service of [`SERVICES`] as `running`.
fn all_running(health: &serde_json::Value) -> bool {
    SERVICES.split(',').all(|service| {
        health
            .pointer(&format!("/services/{service}"))
            .and_then(serde_json::Value::as_str)
            == Some("running")
    })
}

/// Whether a Docker engine answers on its Unix socket (`DOCKER_HOST` or the default).
#[cfg(feature = "localstack")]
fn docker_engine_answers() -> bool {
    #[cfg(unix)]
    {
        let socket = std::env::var("DOCKER_HOST")
            .ok()
            .and_then(|h| h.strip_prefix("unix://").map(str::to_string))
            .unwrap_or_else(|| "/var/run/docker.sock".to_string());
        let Ok(mut stream) = std::os::unix::net::UnixStream::connect(&socket) else {
            return false;
        };
        let _ = stream.set_read_timeout(Some(Duration::from_secs(2)));
        if stream
            .write_all(b"GET /_ping HTTP/1.0\r\nHost: docker\r\n\r\n")
            .is_err()
        {
            return false;
        }
        let mut head = [0u8; 12];
        stream.read_exact(&mut head).is_ok()
            && head.starts_with(b"HTTP/1.")
            && &head[9..12] == b"200"
    }
    #[cfg(not(unix))]
    {
        false
    }
}

/// The container path (cargo feature `localstack`, a Docker engine).
#[cfg(feature = "localstack")]
mod container {
    use std::time::Duration;

    use testcontainers::core::{IntoContainerPort, WaitFor};
    use testcontainers::runners::AsyncRunner;
    use testcontainers::{GenericImage, ImageExt};

    use super::{Inner, LocalStack};

    /// LocalStack's edge port inside the container.
    const EDGE_PORT: u16 = 4566;
    /// Image pull excluded, how long LocalStack may take to become ready.
    const STARTUP_TIMEOUT: Duration = Duration::from_secs(180);

    /// Starts `localstack/localstack:$GXP_LOCALSTACK_TAG` (default `latest`).
    ///
    /// Runs on its own thread and Tokio runtime, so it works from synchronous
    /// tests and from inside `#[tokio::test]` alike.
    pub(super) fn start() -> LocalStack {
        let tag = std::env::var("GXP_LOCALSTACK_TAG").unwrap_or_else(|_| "latest".to_string());
        let started = on_own_runtime(move || async move {
            let container = GenericImage::new("localstack/localstack", tag.as_str())
                .with_exposed_port(EDGE_PORT.tcp())
                .with_wait_for(WaitFor::message_on_stdout("Ready."))
                .with_env_var("LOCALSTACK_UPDATE_CHECK", "0")
                .with_env_var("SERVICES", super::SERVICES)
                .with_env_var("EAGER_SERVICE_LOADING", "1")
                .with_startup_timeout(STARTUP_TIMEOUT)
                .start()
                .await?;
            let port = container.get_host_port_ipv4(EDGE_PORT).await?;
            Ok::<_, testcontainers::TestcontainersError>((container, port))
        });
        match started {
            Ok((container, port)) => LocalStack {
                endpoint: format!("http://127.0.0.1:{port}"),
                inner: Inner::Container(Some(container)),
            },
            Err(e) => panic!("\n\n*** The LocalStack container did not start: {e} ***\n"),
        }
    }

    /// Runs the future made by `make` to completion on a fresh thread with a
    /// fresh current-thread Tokio runtime, and returns its output.
    pub(super) fn on_own_runtime<F, Fut, T>(make: F) -> T
    where
        F: FnOnce() -> Fut + Send + 'static,
        Fut: std::future::Future<Output = T>,
        T: Send + 'static,
    {
        std::thread::spawn(move || {
            tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("build a Tokio runtime")
                .block_on(make())
        })
        .join()
        .expect("LocalStack helper thread panicked")
    }
}
