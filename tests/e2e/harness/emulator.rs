//! The AWS endpoint the tests talk to: a moto server child process, LocalStack
//! (on the host, or in a container where Docker runs), or real AWS.

use std::fs::File;
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use aws_config::{BehaviorVersion, Region, SdkConfig};
use aws_credential_types::Credentials;

use super::{find_on_path, is_executable, repo_root, tail};

/// Region every emulated test runs in.
const EMULATED_REGION: &str = "us-east-1";
/// Static credentials accepted by the emulators.
const TEST_KEY: &str = "testing";
/// How long moto may take to answer HTTP.
const STARTUP_TIMEOUT: Duration = Duration::from_secs(30);
/// Attempts at finding a free port before giving up.
const PORT_ATTEMPTS: usize = 3;

/// Which AWS implementation the tests run against.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// A `moto_server` child process (default).
    Moto,
    /// LocalStack's community runtime, on the host from `make tools`' venv (a container
    /// with the cargo feature `localstack` where a Docker engine runs).
    LocalStack,
    /// Real AWS with ambient credentials.
    Aws,
}

impl Backend {
    /// Reads `GXP_TEST_BACKEND` (`moto` when unset or empty).
    ///
    /// Panics for `aws` unless `TF_ACC=1`: real AWS costs money and needs an explicit
    /// opt-in (`TF_ACC=1 make testacc` sets both).
    pub fn from_env() -> Backend {
        let raw = std::env::var("GXP_TEST_BACKEND").unwrap_or_default();
        let backend = match raw.trim().to_ascii_lowercase().as_str() {
            "" | "moto" => Backend::Moto,
            "localstack" => Backend::LocalStack,
            "aws" => Backend::Aws,
            other => panic!(
                "\n\n*** GXP_TEST_BACKEND={other:?} is not one of moto, localstack, aws. ***\n"
            ),
        };
        if backend == Backend::Aws {
            require_acceptance_opt_in(std::env::var("TF_ACC").ok().as_deref());
        }
        backend
    }

    /// Whether this backend lacks `need`, so that scenarios needing it cannot run.
    pub fn lacks(self, need: Needs) -> bool {
        match self {
            Backend::Aws => need == Needs::SecretRotationWithoutLambda,
            // moto 5.2 does not serve the Smithy RPC v2 CBOR protocol, the only one the
            // CloudWatch SDK speaks.
            Backend::Moto => matches!(need, Needs::CloudWatchCbor),
            // LocalStack 2026.3.0's community runtime (checked against its health endpoint
            // and by calling the APIs): no CloudTrail, no RDS ("not included in your
            // current license plan"), no EFS, no AWS Backup, no DynamoDB offline (DynamoDB
            // Local needs a Java it downloads), no rotation without a Lambda, a tagging API whose GetResources does not list S3
            // buckets, and a CloudFormation that refuses updates changing no resource.
            Backend::LocalStack => matches!(
                need,
                Needs::CloudTrail
                    | Needs::Rds
                    | Needs::DynamoDb
                    | Needs::SecretRotationWithoutLambda
                    | Needs::Efs
                    | Needs::Backup
                    | Needs::S3InTaggingApi
                    | Needs::TemplateOnlyStackUpdate
                    | Needs::Elbv2
            ),
        }
    }
}

/// What a scenario needs beyond what every backend offers (S3, KMS, CloudFormation, EC2,
/// IAM, STS, AWS Config, CloudWatch Logs, SNS, SQS and the tagging API for everything but
/// S3). Both emulators lack AWS Config's DescribeDeliveryChannelStatus; the scenarios expect
/// `config.delivery_channel` to be `error` on every emulator instead. [`Emulator::start_needing`] skips the scenario,
/// loudly, on a backend that lacks one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Needs {
    /// AWS CloudTrail (trails, their status and event selectors).
    CloudTrail,
    /// Amazon RDS (DB instances).
    Rds,
    /// Amazon DynamoDB tables (LocalStack runs DynamoDB Local, a Java program it downloads
    /// at start: offline it cannot, and every table call answers InternalError).
    DynamoDb,
    /// Secrets Manager RotateSecret with rotation rules and no rotation Lambda (moto turns
    /// rotation on; AWS and LocalStack require a rotation function, which LocalStack cannot
    /// run without Docker).
    SecretRotationWithoutLambda,
    /// Amazon EFS (file systems and their backup policies).
    Efs,
    /// AWS Backup (vaults and plans).
    Backup,
    /// Tag-based discovery of S3 buckets through the Resource Groups Tagging API's
    /// GetResources (AWS lists S3 buckets there).
    S3InTaggingApi,
    /// A CloudFormation UpdateStack whose template differs in bytes but changes no
    /// resource (AWS deploys it; LocalStack answers "No updates are to be performed").
    TemplateOnlyStackUpdate,
    /// CloudWatch (alarms) over the Smithy RPC v2 CBOR protocol, the only one the SDK's
    /// CloudWatch client speaks (LocalStack serves it, moto 5.2 does not).
    CloudWatchCbor,
    /// Elastic Load Balancing v2 (load balancers, listeners, attributes; LocalStack Pro only).
    Elbv2,
}

impl Needs {
    /// Every need, for listings.
    pub const ALL: [Needs; 10] = [
        Needs::CloudTrail,
        Needs::Rds,
        Needs::DynamoDb,
        Needs::SecretRotationWithoutLambda,
        Needs::Efs,
        Needs::Backup,
        Needs::S3InTaggingApi,
        Needs::TemplateOnlyStackUpdate,
        Needs::CloudWatchCbor,
        Needs::Elbv2,
    ];

    /// The catalog service (`CheckDef::service`) whose every check needs this, if any: a
    /// backend lacking it cannot exercise those checks (gxp-core's
    /// `catalog::emulator_coverage` lists them).
    pub fn service(self) -> Option<&'static str> {
        match self {
            Needs::CloudTrail => Some("cloudtrail"),
            Needs::Rds => Some("rds"),
            Needs::DynamoDb => Some("dynamodb"),
            Needs::Efs => Some("efs"),
            Needs::Backup => Some("backup"),
            Needs::CloudWatchCbor => Some("cloudwatch"),
            Needs::Elbv2 => Some("elb"),
            Needs::SecretRotationWithoutLambda
            | Needs::S3InTaggingApi
            | Needs::TemplateOnlyStackUpdate => None,
        }
    }
}

/// Panics unless `tf_acc` (the value of `TF_ACC`) is `1`.
fn require_acceptance_opt_in(tf_acc: Option<&str>) {
    if tf_acc != Some("1") {
        panic!(
            "\n\n*** Refusing to run against real AWS: GXP_TEST_BACKEND=aws needs TF_ACC=1 \
             (TF_ACC is {tf_acc:?}). ***\n\
             The tests create billable resources in the account of your ambient credentials.\n\
             Opt in with `TF_ACC=1 make testacc`, or unset GXP_TEST_BACKEND to use moto.\n"
        );
    }
}

/// Prints the loud `SKIPPED: <test>: <reason>` line of a test that returns early.
///
/// Written to the process's stderr directly, not with `eprintln!`, which the test
/// harness captures and only shows for failing tests, and in one write, so that the line
/// stays whole beside libtest's output: `scripts/test.sh` counts these lines as skipped
/// tests.
pub fn skipped(test: &str, reason: &str) {
    let line = format!(
        "\nSKIPPED: {test}: {reason} (GXP_TEST_BACKEND selects {:?})\n",
        Backend::from_env()
    );
    let _ = std::io::stderr().write_all(line.as_bytes());
}

/// Whether the tests run against moto; otherwise prints a loud `SKIPPED` line naming
/// `test` and `reason` to stderr, for tests that only make sense against moto.
pub fn moto_or_skip(test: &str, reason: &str) -> bool {
    if Backend::from_env() == Backend::Moto {
        return true;
    }
    skipped(test, reason);
    false
}

/// The name libtest gives the thread of the running test (`module::test_name`).
pub fn current_test() -> String {
    std::thread::current()
        .name()
        .unwrap_or("<unnamed test>")
        .to_string()
}

/// A running AWS endpoint; dropping it stops the emulator.
pub struct Emulator {
    /// Base URL such as `http://127.0.0.1:PORT`; empty for real AWS.
    pub endpoint: String,
    /// Region the tests use.
    pub region: String,
    backend: Backend,
    process: Option<MotoProcess>,
    localstack: Option<super::localstack::LocalStack>,
}

/// A moto server child and the directory holding its log.
struct MotoProcess {
    child: Child,
    _log_dir: tempfile::TempDir,
}

impl Emulator {
    /// Starts the backend chosen by `GXP_TEST_BACKEND`; panics loudly if it
    /// cannot be started.
    pub fn start() -> Emulator {
        match Backend::from_env() {
            Backend::Moto => start_moto(&[]),
            Backend::LocalStack => start_localstack(),
            Backend::Aws => Emulator {
                endpoint: String::new(),
                region: std::env::var("AWS_REGION")
                    .or_else(|_| std::env::var("AWS_DEFAULT_REGION"))
                    .unwrap_or_else(|_| EMULATED_REGION.to_string()),
                backend: Backend::Aws,
                process: None,
                localstack: None,
            },
        }
    }

    /// Starts the backend for a scenario that needs `needs`, or — when the backend
    /// lacks one of them — prints a loud `SKIPPED: <test>: ...` line (counted as skipped
    /// in the `make test` summary) and returns `None`; the test then returns.
    ///
    /// ```ignore
    /// let Some(emulator) = Emulator::start_needing(&[Needs::CloudTrail]) else { return };
    /// ```
    pub fn start_needing(needs: &[Needs]) -> Option<Emulator> {
        let backend = Backend::from_env();
        let lacking: Vec<Needs> = needs
            .iter()
            .copied()
            .filter(|s| backend.lacks(*s))
            .collect();
        if lacking.is_empty() {
            return Some(Emulator::start());
        }
        skipped(
            &current_test(),
            &format!("needs {lacking:?}, which the {backend:?} backend does not offer"),
        );
        None
    }

    /// Starts a moto server with extra environment variables (e.g.
    /// `INITIAL_NO_AUTH_ACTION_COUNT=0` to enforce IAM authentication);
    /// panics for the other backends, whose settings cannot be changed per test.
    pub fn start_with_env(env: &[(&str, &str)]) -> Emulator {
        match Backend::from_env() {
            Backend::Moto => start_moto(env),
            other => panic!("Emulator::start_with_env needs the moto backend, not {other:?}"),
        }
    }

    /// Switches a moto server to IAM enforcement now (`POST /moto-api/reset-auth` with `0`):
    /// every later request must be signed by an IAM user's access key and is authorised
    /// against its policies. Panics for the other backends and when moto refuses.
    pub fn enable_iam_enforcement(&self) {
        assert_eq!(
            self.backend,
            Backend::Moto,
            "IAM enforcement is a moto feature"
        );
        let addr = self
            .endpoint
            .strip_prefix("http://")
            .expect("moto endpoint is http://HOST:PORT");
        let mut stream = TcpStream::connect(addr).expect("connect to moto");
        let request = format!(
            "POST /moto-api/reset-auth HTTP/1.0\r\nHost: {addr}\r\nContent-Length: 1\r\n\r\n0"
        );
        stream
            .write_all(request.as_bytes())
            .expect("POST /moto-api/reset-auth");
        let mut answer = String::new();
        let _ = stream.read_to_string(&mut answer);
        assert!(
            answer.starts_with("HTTP/1.0 200") || answer.starts_with("HTTP/1.1 200"),
            "moto refused reset-auth: {answer}"
        );
    }

    /// The backend this emulator runs.
    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// Process id of the emulator process (moto, or LocalStack on the host); killing it
    /// takes the endpoint down.
    pub fn pid(&self) -> Option<u32> {
        self.process
            .as_ref()
            .map(|p| p.child.id())
            .or_else(|| self.localstack.as_ref().and_then(|l| l.pid()))
    }

    /// Environment for processes (Terraform) that should talk to this endpoint.
    pub fn env(&self) -> Vec<(String, String)> {
        let mut env = vec![
            ("AWS_REGION".to_string(), self.region.clone()),
            ("AWS_DEFAULT_REGION".to_string(), self.region.clone()),
        ];
        if self.backend != Backend::Aws {
            env.extend([
                ("AWS_ACCESS_KEY_ID".to_string(), TEST_KEY.to_string()),
                ("AWS_SECRET_ACCESS_KEY".to_string(), TEST_KEY.to_string()),
                ("AWS_ENDPOINT_URL".to_string(), self.endpoint.clone()),
            ]);
        }
        env
    }

    /// Variables of the parent environment that must not leak into processes
    /// talking to this endpoint (they would override the static test keys).
    pub(crate) fn env_remove(&self) -> &'static [&'static str] {
        match self.backend {
            Backend::Aws => &[],
            _ => &[
                "AWS_PROFILE",
                "AWS_DEFAULT_PROFILE",
                "AWS_SESSION_TOKEN",
                "AWS_SECURITY_TOKEN",
            ],
        }
    }

    /// SDK configuration for building fixtures directly: static test
    /// credentials, region and endpoint (ambient configuration for real AWS).
    /// For S3 also apply [`s3_path_style`](Self::s3_path_style).
    pub async fn sdk_config(&self) -> SdkConfig {
        let loader = aws_config::defaults(BehaviorVersion::latest())
            .region(Region::new(self.region.clone()));
        if self.backend == Backend::Aws {
            return loader.load().await;
        }
        loader
            .credentials_provider(Credentials::new(TEST_KEY, TEST_KEY, None, None, "gxp-e2e"))
            .endpoint_url(&self.endpoint)
            .load()
            .await
    }

    /// An S3 client from [`sdk_config`](Self::sdk_config) honouring
    /// [`s3_path_style`](Self::s3_path_style).
    pub async fn s3_client(&self) -> aws_sdk_s3::Client {
        let conf = aws_sdk_s3::config::Builder::from(&self.sdk_config().await)
            .force_path_style(self.s3_path_style())
            .build();
        aws_sdk_s3::Client::from_conf(conf)
    }

    /// Whether S3 must be addressed path-style (true for the emulators).
    pub fn s3_path_style(&self) -> bool {
        self.backend != Backend::Aws
    }
}

impl Drop for Emulator {
    fn drop(&mut self) {
        if let Some(process) = self.process.as_mut() {
            let _ = process.child.kill();
            let _ = process.child.wait();
        }
    }
}

fn start_localstack() -> Emulator {
    let localstack = super::localstack::LocalStack::start();
    Emulator {
        endpoint: localstack.endpoint.clone(),
        region: EMULATED_REGION.to_string(),
        backend: Backend::LocalStack,
        process: None,
        localstack: Some(localstack),
    }
}

/// The `moto_server` executable: `GXP_MOTO_SERVER`, `<repo>/.venv/bin/moto_server`,
/// or `moto_server` on `PATH`.
fn moto_server_path() -> PathBuf {
    if let Some(explicit) = std::env::var_os("GXP_MOTO_SERVER").filter(|v| !v.is_empty()) {
        let explicit = PathBuf::from(explicit);
        assert!(
            is_executable(&explicit),
            "\n\n*** GXP_MOTO_SERVER={} is not an executable file. ***\n\
             Unset it or run `make tools`.\n",
            explicit.display()
        );
        return explicit;
    }
    let venv = repo_root().join(".venv/bin/moto_server");
    if is_executable(&venv) {
        return venv;
    }
    find_on_path("moto_server").unwrap_or_else(|| {
        panic!(
            "\n\n*** moto_server not found. ***\n\
             Looked at GXP_MOTO_SERVER, {} and PATH.\n\
             Run `make tools` to install moto into .venv.\n",
            venv.display()
        )
    })
}

fn start_moto(env: &[(&str, &str)]) -> Emulator {
    let program = moto_server_path();
    let mut last_log = String::new();
    for _ in 0..PORT_ATTEMPTS {
        let port = free_port();
        let log_dir = tempfile::Builder::new()
            .prefix("gxp-moto-")
            .tempdir()
            .expect("create moto log dir");
        let log_path = log_dir.path().join("moto.log");
        let log = File::create(&log_path).expect("create moto log");
        let child = Command::new(&program)
            .args(["-H", "127.0.0.1", "-p", &port.to_string()])
            .envs(env.iter().copied())
            .stdin(Stdio::null())
            .stdout(log.try_clone().expect("clone log handle"))
            .stderr(log)
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {}: {e}", program.display()));
        let mut process = MotoProcess {
            child,
            _log_dir: log_dir,
        };
        let addr = SocketAddr::from(([127, 0, 0, 1], port));
        let outcome = wait_until_http(&mut process.child, addr);
        let log_text = std::fs::read_to_string(&log_path).unwrap_or_default();
        match outcome {
            Ok(()) => {
                return Emulator {
                    endpoint: format!("http://{addr}"),
                    region: EMULATED_REGION.to_string(),
                    backend: Backend::Moto,
                    process: Some(process),
                    localstack: None,
                }
            }
            Err(reason) => {
                let _ = process.child.kill();
                let _ = process.child.wait();
                let port_race = log_text.contains("in use");
                last_log = format!(
                    "{reason}\n----- moto log tail -----\n{}",
                    tail(&log_text, 40)
                );
                if !port_race {
                    break;
                }
            }
        }
    }
    panic!(
        "\n\n*** moto_server ({}) did not start. ***\n{last_log}\n\
         If moto is missing or broken, run `make tools`.\n",
        program.display()
    )
}

/// A port that was free on 127.0.0.1 a moment ago.
pub(super) fn free_port() -> u16 {
    TcpListener::bind(("127.0.0.1", 0))
        .and_then(|l| l.local_addr())
        .expect("bind an ephemeral port on 127.0.0.1")
        .port()
}

/// Polls `addr` until it answers an HTTP request, the child exits, or the
/// startup timeout passes.
fn wait_until_http(child: &mut Child, addr: SocketAddr) -> Result<(), String> {
    let deadline = Instant::now() + STARTUP_TIMEOUT;
    loop {
        if let Some(status) = child.try_wait().map_err(|e| e.to_string())? {
            return Err(format!("moto_server exited early with {status}"));
        }
        if answers_http(addr) {
            return Ok(());
        }
        if Instant::now() >= deadline {
            return Err(format!(
                "moto_server did not answer HTTP on {addr} within {}s",
                STARTUP_TIMEOUT.as_secs()
            ));
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// Whether something on `addr` replies to a plain HTTP request.
fn answers_http(addr: SocketAddr) -> bool {
    let Ok(mut stream) = TcpStream::connect_timeout(&addr, Duration::from_millis(500)) else {
        return false;
    };
    let _ = stream.set_read_timeout(Some(Duration::from_secs(2)));
    let request = "GET /moto-api/ HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n";
    if stream.write_all(request.as_bytes()).is_err() {
        return false;
    }
    let mut head = [0u8; 5];
    stream.read_exact(&mut head).is_ok() && &head == b"HTTP/"
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn real_aws_needs_tf_acc_1() {
        require_acceptance_opt_in(Some("1"));
        for refused in [None, Some(""), Some("0"), Some("true")] {
            let panic = std::panic::catch_unwind(|| require_acceptance_opt_in(refused))
                .expect_err("must refuse without TF_ACC=1");
            let message = panic.downcast_ref::<String>().expect("String panic");
            assert!(
                message.contains("Refusing to run against real AWS")
                    && message.contains("TF_ACC=1"),
                "{message}"
            );
        }
    }
}
