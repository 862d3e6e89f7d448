//! End-to-end scenarios of the provider configuration: region, endpoints,
//! credentials, conflicting options, assume_role and the published schema.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::harness::{
    moto_or_skip, skipped, Backend, Emulator, HttpRecorder, TfRun, Workspace, PROVIDER_SOURCE,
};

/// How the provider block is shown in Terraform diagnostics.
const PROVIDER_ADDR: &str = "provider[\"registry.terraform.io/gxp/gxp\"]";

/// A small valid specification, so that `plan` configures the provider.
const SPEC: &str = r#"
resource "gxp_expected_spec" "x" {
  name    = "lims-prod"
  version = "1.0"

  system {
    application_id = "lims"
    environment    = "prod"
  }

  approval {
    approved_by      = "qa@example.com"
    approved_at      = "2026-01-15"
    change_reference = "CR-2026-001"
  }
}
"#;

/// A configuration with `provider_body` inside the `provider "gxp"` block.
fn config(provider_body: &str) -> String {
    format!(
        r#"terraform {{
  required_providers {{
    gxp = {{ source = "gxp/gxp" }}
  }}
}}

provider "gxp" {{
  s3_use_path_style = true
{provider_body}}}
{SPEC}"#
    )
}

/// Whether an emulator (with its test keys) is the backend; otherwise prints a
/// loud `SKIPPED` line.
fn emulated_or_skip(test: &str) -> bool {
    if Backend::from_env() != Backend::Aws {
        return true;
    }
    skipped(
        test,
        "needs an emulator that accepts made-up access keys, not real AWS",
    );
    false
}

/// `value` as an HCL string literal (paths of temporary files).
fn hcl(value: &str) -> String {
    format!("{value:?}")
}

/// `(access key id, region, service)` of every signed request `recorder` received.
fn scopes(recorder: &HttpRecorder) -> Vec<(String, String, String)> {
    recorder
        .requests()
        .iter()
        .filter_map(|r| r.sigv4_scope())
        .collect()
}

/// Asserts that `recorder` (the STS endpoint) received requests, every one of
/// them STS signed with `key` for `region`.
#[track_caller]
fn assert_sts_signed_with(recorder: &HttpRecorder, key: &str, region: &str) {
    let seen = scopes(recorder);
    assert!(
        !seen.is_empty(),
        "no signed request reached the STS endpoint"
    );
    for (k, r, service) in &seen {
        assert_eq!(
            (k.as_str(), r.as_str(), service.as_str()),
            (key, region, "sts"),
            "a request was signed otherwise: {seen:?}"
        );
    }
}

/// Asserts a plan succeeded with the specification to create.
#[track_caller]
fn assert_plans(run: &TfRun) {
    assert!(
        run.plan_has_changes(),
        "expected a plan creating the specification:\n{}",
        run.report()
    );
    run.assert_contains("gxp_expected_spec.x will be created");
}

/// Asserts `run` failed with `summary` on the provider block.
#[track_caller]
fn assert_provider_error(run: &TfRun, summary: &str) {
    run.assert_failure()
        .assert_contains(&format!("Error: {summary}"))
        .assert_contains(&format!("with {PROVIDER_ADDR},"));
}

/// Clears every ambient region source for later runs in `ws`.
fn without_region(ws: &mut Workspace) {
    ws.set_env("AWS_REGION", "");
    ws.set_env("AWS_DEFAULT_REGION", "");
    ws.set_env("AWS_CONFIG_FILE", "/nonexistent");
    ws.set_env("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent");
}

#[test]
fn provider_config_no_region_is_a_diagnostic() {
    let emulator = Emulator::start();
    let mut ws = Workspace::new(&emulator);
    without_region(&mut ws);
    ws.write("main.tf", &config(""));
    let run = ws.plan();
    assert_provider_error(&run, "No AWS region configured");
    run.assert_contains("Set `region` in the provider block");

    // `region` in the provider block is enough.
    ws.write("main.tf", &config("  region = \"us-east-1\"\n"));
    assert_plans(&ws.plan());
}

#[test]
fn provider_config_empty_region_variables_count_as_unset() {
    let emulator = Emulator::start();
    let mut ws = Workspace::new(&emulator);
    without_region(&mut ws);
    ws.write("main.tf", &config(""));

    // An empty AWS_REGION does not hide AWS_DEFAULT_REGION...
    ws.set_env("AWS_DEFAULT_REGION", &emulator.region);
    assert_plans(&ws.plan());

    // ...nor the region of the profile.
    ws.set_env("AWS_DEFAULT_REGION", "");
    ws.write(
        "aws/config",
        &format!("[default]\nregion = {}\n", emulator.region),
    );
    let config_file = ws.path().join("aws/config");
    ws.set_env("AWS_CONFIG_FILE", config_file.to_str().expect("UTF-8 path"));
    assert_plans(&ws.plan());
}

/// A TCP server on loopback that accepts connections and never answers them.
struct SilentServer {
    url: String,
    stop: Arc<AtomicBool>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl SilentServer {
    fn start() -> SilentServer {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind a loopback port");
        listener
            .set_nonblocking(true)
            .expect("non-blocking listener");
        let url = format!("http://{}", listener.local_addr().expect("local address"));
        let stop = Arc::new(AtomicBool::new(false));
        let stopped = Arc::clone(&stop);
        let thread = std::thread::spawn(move || {
            let mut held: Vec<TcpStream> = Vec::new();
            while !stopped.load(Ordering::Relaxed) {
                match listener.accept() {
                    Ok((conn, _)) => held.push(conn),
                    Err(_) => std::thread::sleep(Duration::from_millis(20)),
                }
            }
        });
        SilentServer {
            url,
            stop,
            thread: Some(thread),
        }
    }
}

impl Drop for SilentServer {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

#[test]
fn provider_config_unreachable_endpoint_fails_fast() {
    let emulator = Emulator::start();
    let ws = Workspace::new(&emulator);

    // Nothing listens on port 1: the connection is refused.
    ws.write(
        "main.tf",
        &config("  endpoints {\n    sts = \"http://127.0.0.1:1\"\n  }\n"),
    );
    let started = Instant::now();
    let run = ws.plan();
    let refused = started.elapsed();
    assert_provider_error(&run, "AWS endpoint unreachable: http://127.0.0.1:1");
    run.assert_contains("skip_credentials_validation = true");

    // A server that accepts connections and never answers: the timeouts apply.
    let silent = SilentServer::start();
    let url = silent.url.clone();
    ws.write(
        "main.tf",
        &config(&format!("  endpoints {{\n    sts = \"{url}\"\n  }}\n")),
    );
    let started = Instant::now();
    let run = ws.plan();
    let silent_elapsed = started.elapsed();
    assert_provider_error(&run, &format!("AWS endpoint unreachable: {url}"));
    run.assert_contains("timeout");
    eprintln!(
        "refused endpoint failed after {refused:?}, silent endpoint after {silent_elapsed:?}"
    );
    assert!(refused < Duration::from_secs(30), "took {refused:?}");
    assert!(
        silent_elapsed < Duration::from_secs(30),
        "took {silent_elapsed:?}"
    );
    drop(silent);
}

#[test]
fn provider_config_rejected_credentials_and_skipping_validation() {
    if !moto_or_skip(
        "provider_config_rejected_credentials_and_skipping_validation",
        "needs a moto server started with IAM authentication enforced",
    ) {
        return;
    }
    // moto with IAM authentication enforced from the first request: the static
    // test keys exist in no IAM user, so STS refuses them.
    let strict = Emulator::start_with_env(&[("INITIAL_NO_AUTH_ACTION_COUNT", "0")]);
    let ws = Workspace::new(&strict);
    ws.write("main.tf", &config(""));
    let run = ws.plan();
    assert_provider_error(&run, "AWS rejected the credentials");
    run.assert_contains("InvalidClientTokenId");

    ws.write(
        "main.tf",
        &config("  skip_credentials_validation = true\n  skip_requesting_account_id  = true\n"),
    );
    assert_plans(&ws.plan());
}

/// One conflicting or malformed provider option and its diagnostic.
struct ConflictCase {
    body: &'static str,
    summary: &'static str,
    /// The attribute on the line the diagnostic shows.
    attribute: &'static str,
}

const CONFLICTS: &[ConflictCase] = &[
    ConflictCase {
        body: "  access_key = \"AKIAIOSFODNN7EXAMPLE\"\n",
        summary: "Incomplete static credentials",
        attribute: "access_key",
    },
    ConflictCase {
        body: "  evidence_store {\n    s3_bucket       = \"lims-evidence\"\n    local_directory = \"/var/gxp/evidence\"\n  }\n",
        summary: "Conflicting evidence stores",
        attribute: "local_directory",
    },
    ConflictCase {
        body: "  assume_role {\n    role_arn = \"arn:aws:iam::123456789012:user/gxp\"\n  }\n",
        summary: "Malformed role ARN",
        attribute: "role_arn",
    },
    ConflictCase {
        body: "  token = \"FwoGZXIvYXdzEXAMPLE\"\n",
        summary: "Conflicting credentials",
        attribute: "token",
    },
    ConflictCase {
        body: "  max_retries = 101\n",
        summary: "Invalid max_retries",
        attribute: "max_retries",
    },
    ConflictCase {
        body: "  max_retries = -1\n",
        summary: "Invalid max_retries",
        attribute: "max_retries",
    },
    ConflictCase {
        body: "  endpoints {\n    sts = \"http://127.0.0.1:5000\"\n    s3  = \"localhost:4566\"\n  }\n",
        summary: "Malformed endpoint URL",
        attribute: "s3",
    },
    ConflictCase {
        body: "  assume_role {\n    role_arn = \"arn:aws:iam::123456789012:role/gxp\"\n    duration = \"5m\"\n  }\n",
        summary: "Invalid assume_role duration",
        attribute: "duration",
    },
];

/// Whether the HCL `line` sets `attribute` (`attribute = ...`).
fn sets(line: &str, attribute: &str) -> bool {
    line.trim_start()
        .strip_prefix(attribute)
        .is_some_and(|rest| rest.trim_start().starts_with('='))
}

#[test]
fn provider_config_conflicting_options_each_get_their_own_diagnostic() {
    let emulator = Emulator::start();
    let ws = Workspace::new(&emulator);
    for case in CONFLICTS {
        let text = config(case.body);
        ws.write("main.tf", &text);
        let run = ws.validate();
        assert_provider_error(&run, case.summary);
        let output = run.combined();
        assert_eq!(
            output.matches("Error: ").count(),
            1,
            "expected exactly one error:\n{}",
            run.report()
        );
        let line = text
            .lines()
            .position(|l| sets(l, case.attribute))
            .map(|i| i + 1)
            .expect("the case sets its attribute");
        assert!(
            output.contains(&format!("on main.tf line {line},")),
            "diagnostic does not point at line {line} ({}):\n{}",
            case.attribute,
            run.report()
        );
        let shown = output
            .lines()
            .find_map(|l| l.trim_start().strip_prefix(&format!("{line}:")))
            .unwrap_or_else(|| panic!("source line {line} not shown:\n{}", run.report()));
        assert!(
            sets(shown, case.attribute),
            "shown line {shown:?} does not set {}",
            case.attribute
        );
    }
}

/// The roles moto has handed out (`AssumedRole` records of its state dump).
fn assumed_roles(emulator: &Emulator) -> Vec<Value> {
    let addr = emulator.endpoint.trim_start_matches("http://");
    let mut stream = TcpStream::connect(addr).expect("connect to moto");
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .expect("set read timeout");
    write!(
        stream,
        "GET /moto-api/data.json HTTP/1.0\r\nHost: {addr}\r\n\r\n"
    )
    .expect("send request");
    let mut response = String::new();
    stream
        .read_to_string(&mut response)
        .expect("read moto state");
    let body = response
        .split_once("\r\n\r\n")
        .map(|(_, b)| b)
        .expect("HTTP response with a body");
    let state: Value = serde_json::from_str(body).expect("moto state is JSON");
    state
        .pointer("/sts/AssumedRole")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default()
}

#[test]
fn provider_config_assume_role_against_moto() {
    if !moto_or_skip(
        "provider_config_assume_role_against_moto",
        "reads the assumed roles from moto's state dump",
    ) {
        return;
    }
    let emulator = Emulator::start();
    let mut ws = Workspace::new(&emulator);
    let role = "arn:aws:iam::123456789012:role/gxp";
    let assume = |session: &str, endpoints: &str| {
        config(&format!(
            "  assume_role {{\n    role_arn     = \"{role}\"\n    session_name = \"{session}\"\n    external_id  = \"ext-7\"\n    duration     = \"1h\"\n  }}\n{endpoints}"
        ))
    };
    ws.write("main.tf", &assume("gxp-e2e", ""));
    assert_plans(&ws.plan());
    let roles = assumed_roles(&emulator);
    let found = roles
        .iter()
        .find(|r| r["session_name"] == "gxp-e2e")
        .unwrap_or_else(|| panic!("no AssumeRole with session gxp-e2e in {roles:#?}"));
    assert_eq!(found["role_arn"], role);
    assert_eq!(found["external_id"], "ext-7");

    // AssumeRole goes to the `endpoints.sts` URL, like GetCallerIdentity, even
    // when the general endpoint is unreachable.
    ws.set_env("AWS_ENDPOINT_URL", "http://127.0.0.1:1");
    ws.write(
        "main.tf",
        &assume(
            "gxp-e2e-sts",
            &format!(
                "  endpoints {{\n    sts = \"{}\"\n  }}\n",
                emulator.endpoint
            ),
        ),
    );
    assert_plans(&ws.plan());
    let roles = assumed_roles(&emulator);
    assert!(
        roles.iter().any(|r| r["session_name"] == "gxp-e2e-sts"),
        "no AssumeRole with session gxp-e2e-sts in {roles:#?}"
    );
}

/// Collects `path: problem` for every attribute or block of `block` (a schema
/// block of `providers schema -json`) without a description.
fn undescribed(block: &Value, path: &str, out: &mut Vec<String>) {
    if let Some(attrs) = block.get("attributes").and_then(Value::as_object) {
        for (name, attr) in attrs {
            let described = attr
                .get("description")
                .and_then(Value::as_str)
                .is_some_and(|d| !d.trim().is_empty());
            if !described {
                out.push(format!("{path}.{name}"));
            }
        }
    }
    if let Some(blocks) = block.get("block_types").and_then(Value::as_object) {
        for (name, nested) in blocks {
            let inner = &nested["block"];
            let described = inner
                .get("description")
                .and_then(Value::as_str)
                .is_some_and(|d| !d.trim().is_empty());
            if !described {
                out.push(format!("{path}.{name} (block)"));
            }
            undescribed(inner, &format!("{path}.{name}"), out);
        }
    }
}

#[test]
fn provider_config_schema_lists_described_attributes() {
    let emulator = Emulator::start();
    let ws = Workspace::new(&emulator);
    ws.write("main.tf", &config(""));
    let run = ws.terraform(&["providers", "schema", "-json"]);
    run.assert_success();
    let schema: Value = serde_json::from_str(&run.stdout)
        .unwrap_or_else(|e| panic!("schema is not JSON ({e}):\n{}", run.report()));
    let provider = schema
        .pointer(&format!(
            "/provider_schemas/{}",
            PROVIDER_SOURCE.replace('/', "~1")
        ))
        .unwrap_or_else(|| panic!("no {PROVIDER_SOURCE} in {schema:#}"));

    let block = &provider["provider"]["block"];
    let attrs = &block["attributes"];
    for name in [
        "region",
        "profile",
        "access_key",
        "secret_key",
        "token",
        "shared_config_files",
        "shared_credentials_files",
        "s3_use_path_style",
        "skip_credentials_validation",
        "skip_requesting_account_id",
        "max_retries",
    ] {
        assert!(
            attrs.get(name).is_some(),
            "provider attribute {name} missing"
        );
        assert_eq!(attrs[name]["optional"], true, "{name} is optional");
    }
    for secret in ["access_key", "secret_key", "token"] {
        assert_eq!(attrs[secret]["sensitive"], true, "{secret} is sensitive");
    }
    assert!(attrs["region"].get("sensitive").is_none());
    let endpoints = &block["block_types"]["endpoints"];
    assert_eq!(endpoints["nesting_mode"], "list");
    assert_eq!(endpoints["max_items"], 1);
    for service in [
        "s3",
        "sts",
        "cloudformation",
        "cloudtrail",
        "cloudwatch",
        "configservice",
        "ec2",
        "elbv2",
        "kms",
        "logs",
        "rds",
        "resourcegroupstaggingapi",
        "sns",
        "dynamodb",
        "secretsmanager",
        "sqs",
        "lambda",
        "efs",
        "backup",
    ] {
        assert!(
            endpoints["block"]["attributes"].get(service).is_some(),
            "endpoints.{service} missing"
        );
    }
    for nested in ["assume_role", "evidence_store", "report_labels"] {
        assert!(
            block["block_types"].get(nested).is_some(),
            "provider block {nested} missing"
        );
    }

    // Every attribute and block of the provider, each resource and each data
    // source carries a description.
    let mut missing = Vec::new();
    undescribed(block, "provider", &mut missing);
    let mut resources = 0;
    for kind in ["resource_schemas", "data_source_schemas"] {
        if let Some(schemas) = provider.get(kind).and_then(Value::as_object) {
            for (name, s) in schemas {
                resources += 1;
                let described = s["block"]["description"]
                    .as_str()
                    .is_some_and(|d| !d.trim().is_empty());
                if !described {
                    missing.push(format!("{name} (block)"));
                }
                undescribed(&s["block"], name, &mut missing);
            }
        }
    }
    assert!(
        provider
            .pointer("/resource_schemas/gxp_expected_spec/block/attributes/digest")
            .is_some(),
        "gxp_expected_spec missing from the schema"
    );
    assert!(resources >= 1);
    assert!(missing.is_empty(), "without description: {missing:#?}");
}

/// Profile `gxp-validation`: its region in the config file, its keys in the
/// credentials file.
const PROFILE_CONFIG: &str = "[profile gxp-validation]\nregion = eu-central-1\n";
const PROFILE_CREDENTIALS: &str = "[gxp-validation]\naws_access_key_id = AKIAGXPPROFILEFILE\naws_secret_access_key = profile-secret\n";

#[test]
fn provider_config_profile_from_shared_files() {
    if !emulated_or_skip("provider_config_profile_from_shared_files") {
        return;
    }
    let emulator = Emulator::start();
    // Every STS call of `configure` goes through this recorder to moto.
    let sts = HttpRecorder::proxy(&emulator.endpoint);
    let mut ws = Workspace::new(&emulator);
    without_region(&mut ws);
    ws.write("aws/config", PROFILE_CONFIG);
    ws.write("aws/credentials", PROFILE_CREDENTIALS);
    let files = |profile: &str| {
        format!(
            "  profile                  = \"{profile}\"\n  shared_config_files      = [{}]\n  shared_credentials_files = [{}]\n  endpoints {{\n    sts = \"{}\"\n  }}\n",
            hcl(ws.path().join("aws/config").to_str().expect("UTF-8 path")),
            hcl(ws.path().join("aws/credentials").to_str().expect("UTF-8 path")),
            sts.url
        )
    };

    // No region in the provider block or the environment: the profile's region
    // applies, and its keys sign the calls, although AWS_ACCESS_KEY_ID is set
    // (a `profile` argument wins over the environment keys).
    ws.write("main.tf", &config(&files("gxp-validation")));
    ws.apply().assert_success();
    let spec = ws.resource_values("gxp_expected_spec.x");
    assert_eq!(spec["revision"], 1, "{spec:#}");
    assert_eq!(spec["digest"].as_str().map(str::len), Some(64), "{spec:#}");
    assert_sts_signed_with(&sts, "AKIAGXPPROFILEFILE", "eu-central-1");

    // A profile that is in none of the files is an error, not a silent fallback
    // to the environment keys.
    ws.write("main.tf", &config(&files("gxp-missing")));
    let run = ws.plan();
    assert_provider_error(&run, "AWS profile not found: gxp-missing");
    run.assert_contains("selected by the `profile` argument")
        .assert_contains("aws/credentials");
}

#[test]
fn provider_config_aws_profile_environment_fallback() {
    if !emulated_or_skip("provider_config_aws_profile_environment_fallback") {
        return;
    }
    let emulator = Emulator::start();
    let sts = HttpRecorder::proxy(&emulator.endpoint);
    let mut ws = Workspace::new(&emulator);
    without_region(&mut ws);
    ws.write("aws/config", PROFILE_CONFIG);
    ws.write("aws/credentials", PROFILE_CREDENTIALS);
    for (variable, file) in [
        ("AWS_CONFIG_FILE", "aws/config"),
        ("AWS_SHARED_CREDENTIALS_FILE", "aws/credentials"),
    ] {
        let path = ws.path().join(file);
        ws.set_env(variable, path.to_str().expect("UTF-8 path"));
    }
    // As in every AWS SDK, keys in the environment win over AWS_PROFILE.
    ws.set_env("AWS_ACCESS_KEY_ID", "");
    ws.set_env("AWS_SECRET_ACCESS_KEY", "");
    ws.set_env("AWS_PROFILE", "gxp-validation");
    ws.write(
        "main.tf",
        &config(&format!(
            "  endpoints {{\n    sts = \"{}\"\n  }}\n",
            sts.url
        )),
    );
    assert_plans(&ws.plan());
    assert_sts_signed_with(&sts, "AKIAGXPPROFILEFILE", "eu-central-1");

    ws.set_env("AWS_PROFILE", "gxp-typo");
    let run = ws.plan();
    assert_provider_error(&run, "AWS profile not found: gxp-typo");
    run.assert_contains("selected by AWS_PROFILE");
}

#[test]
fn provider_config_service_endpoint_variable() {
    if !emulated_or_skip("provider_config_service_endpoint_variable") {
        return;
    }
    let emulator = Emulator::start();
    let sts = HttpRecorder::proxy(&emulator.endpoint);
    let mut ws = Workspace::new(&emulator);
    ws.write("main.tf", &config(""));

    // The general endpoint is unreachable...
    ws.set_env("AWS_ENDPOINT_URL", "http://127.0.0.1:1");
    assert_provider_error(&ws.plan(), "AWS endpoint unreachable: http://127.0.0.1:1");

    // ...AWS_ENDPOINT_URL_STS sends STS elsewhere, so configure succeeds.
    ws.set_env("AWS_ENDPOINT_URL_STS", &sts.url);
    assert_plans(&ws.plan());
    assert_sts_signed_with(&sts, "testing", &emulator.region);
}

#[test]
fn provider_config_static_credentials_are_used() {
    if !emulated_or_skip("provider_config_static_credentials_are_used") {
        return;
    }
    let emulator = Emulator::start();
    let sts = HttpRecorder::proxy(&emulator.endpoint);
    let ws = Workspace::new(&emulator);
    // The environment holds other keys (`testing`): the block's keys win.
    ws.write(
        "main.tf",
        &config(&format!(
            "  access_key = \"AKIAGXPSTATICBLOCK\"\n  secret_key = \"static-secret\"\n  token      = \"gxp-session-token\"\n  endpoints {{\n    sts = \"{}\"\n  }}\n",
            sts.url
        )),
    );
    ws.apply().assert_success();
    assert_eq!(ws.resource_values("gxp_expected_spec.x")["revision"], 1);
    assert_sts_signed_with(&sts, "AKIAGXPSTATICBLOCK", &emulator.region);
    for request in sts.requests() {
        assert_eq!(
            request.header("x-amz-security-token"),
            Some("gxp-session-token"),
            "{request:?}"
        );
    }
}

/// A qualification of the data bucket filed in a local directory, with
/// `provider_body` in the provider block; returns its report.
async fn qualified_report(emulator: &Emulator, provider_body: &str) -> (Workspace, Value) {
    let ws = Workspace::new(emulator);
    let evidence = ws.path().join("evidence");
    let store = format!(
        "evidence_store {{\n    local_directory = {}\n  }}\n  {provider_body}",
        hcl(evidence.to_str().expect("UTF-8 path"))
    );
    ws.write("main.tf", &crate::qualification::config("", "", &store));
    ws.apply().assert_success();
    let q = ws.resource_values("gxp_qualification.q");
    assert_eq!(q["status"], "passed", "{q:#}");
    let location = q["report_location"].as_str().expect("report location");
    assert!(
        location.starts_with(evidence.to_str().expect("UTF-8 path")),
        "{location}"
    );
    let bytes = std::fs::read(location).expect("the report is filed locally");
    crate::qualification::assert_schema_valid(&bytes);
    (
        ws,
        serde_json::from_slice(&bytes).expect("the report is JSON"),
    )
}

#[tokio::test(flavor = "multi_thread")]
async fn provider_config_skip_requesting_account_id_leaves_it_out_of_reports() {
    if !emulated_or_skip("provider_config_skip_requesting_account_id_leaves_it_out_of_reports") {
        return;
    }
    let emulator = Emulator::start();
    crate::qualification::data_bucket(&emulator.sdk_config().await, crate::qualification::DATA)
        .await;
    let sts = HttpRecorder::proxy(&emulator.endpoint);
    let sts_block = format!("endpoints {{\n    sts = \"{}\"\n  }}", sts.url);

    // By default the report names the account and the caller (moto's account is
    // 123456789012, LocalStack's 000000000000: ask the emulator).
    let account = aws_sdk_sts::Client::new(&emulator.sdk_config().await)
        .get_caller_identity()
        .send()
        .await
        .expect("GetCallerIdentity")
        .account
        .expect("account");
    let (_ws, report) = qualified_report(&emulator, &sts_block).await;
    assert_eq!(
        report["run"]["account"],
        account.as_str(),
        "{:#}",
        report["run"]
    );
    assert!(
        report["run"]["caller_arn"].is_string(),
        "{:#}",
        report["run"]
    );

    // Credentials are still validated, but the account id is not recorded.
    let (_ws, report) = qualified_report(
        &emulator,
        &format!("skip_requesting_account_id = true\n  {sts_block}"),
    )
    .await;
    assert!(report["run"]["account"].is_null(), "{:#}", report["run"]);
    assert!(
        report["run"]["caller_arn"].is_string(),
        "{:#}",
        report["run"]
    );

    // With validation skipped as well, configure makes no STS call at all.
    let calls = sts.requests().len();
    let (_ws, report) = qualified_report(
        &emulator,
        &format!(
            "skip_requesting_account_id  = true\n  skip_credentials_validation = true\n  {sts_block}"
        ),
    )
    .await;
    assert!(report["run"]["account"].is_null(), "{:#}", report["run"]);
    assert!(report["run"]["caller_arn"].is_null(), "{:#}", report["run"]);
    assert_eq!(sts.requests().len(), calls, "STS was called");
}

#[tokio::test(flavor = "multi_thread")]
async fn provider_config_report_labels_name_reports_and_their_keys() {
    use crate::qualification::{
        config as qualification_config, data_bucket, object, protected_bucket, split_s3, DATA,
        EVIDENCE, S3_STORE,
    };
    let emulator = Emulator::start();
    let sdk = emulator.sdk_config().await;
    protected_bucket(&sdk, EVIDENCE).await;
    data_bucket(&sdk, DATA).await;

    // The specification says lims/prod; the provider's labels replace both.
    let labels =
        "report_labels {\n    application = \"qms\"\n    environment = \"validation\"\n  }";
    let ws = Workspace::new(&emulator);
    let mut cfg = qualification_config("", "", &format!("{S3_STORE}\n  {labels}"));
    cfg.push_str(
        r#"
data "gxp_report" "latest" {
  qualification = "lims-prod"
  application   = "qms"
  environment   = "validation"
  depends_on    = [gxp_qualification.q]
}
output "latest" { value = data.gxp_report.latest.location }
"#,
    );
    ws.write("main.tf", &cfg);
    ws.apply().assert_success();
    let q = ws.resource_values("gxp_qualification.q");
    let location = q["report_location"].as_str().expect("report location");
    assert!(
        location.starts_with(&format!(
            "s3://{EVIDENCE}/gxp-evidence/application=qms/environment=validation/date="
        )),
        "{location}"
    );
    let (bucket, key) = split_s3(location);
    let report: Value =
        serde_json::from_slice(&object(&sdk, &bucket, &key).await).expect("report JSON");
    assert_eq!(report["system"]["application"], "qms");
    assert_eq!(report["system"]["environment"], "validation");
    assert_eq!(report["evidence_store"]["location"], location);
    // The data source finds the report in the labelled partition.
    let out: Value =
        serde_json::from_str(&ws.terraform(&["output", "-json"]).stdout).expect("outputs are JSON");
    assert_eq!(out["latest"]["value"], location);

    // A label that is not set comes from the specification's `system` block.
    let (_ws, report) =
        qualified_report(&emulator, "report_labels {\n    environment = \"qa\"\n  }").await;
    assert_eq!(report["system"]["application"], "lims");
    assert_eq!(report["system"]["environment"], "qa");
    let location = report["evidence_store"]["location"]
        .as_str()
        .expect("location");
    assert!(
        location.contains("/application=lims/environment=qa/date="),
        "{location}"
    );
}
