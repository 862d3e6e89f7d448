//! What every fault scenario asserts: statuses, no `passed` verdict without a real answer
//! behind it, no report lost, the verifier clean.

use std::collections::BTreeMap;

use serde_json::Value;

use super::apis::{needs, Api};
use crate::harness::faults::Call;

/// `CHECK_ID@TARGET[#PROPERTY]` → status of every result of a report.
pub fn statuses(report: &Value) -> BTreeMap<String, String> {
    results(report)
        .iter()
        .map(|r| {
            (
                result_key(r),
                r["status"].as_str().unwrap_or("?").to_string(),
            )
        })
        .collect()
}

/// The results of a report.
pub fn results(report: &Value) -> Vec<Value> {
    report["results"].as_array().cloned().unwrap_or_default()
}

/// `CHECK_ID@TARGET[#PROPERTY]` of a result.
pub fn result_key(r: &Value) -> String {
    let base = format!(
        "{}@{}",
        r["check_id"].as_str().unwrap_or("?"),
        r["target"].as_str().unwrap_or("?")
    );
    match r["property"].as_str() {
        Some(p) => format!("{base}#{p}"),
        None => base,
    }
}

/// The text a result gives for an error: expected, actual and detail.
pub fn result_text(r: &Value) -> String {
    format!(
        "{} | {} | {}",
        r["expected"].as_str().unwrap_or_default(),
        r["actual"].as_str().unwrap_or_default(),
        r["detail"].as_str().unwrap_or_default()
    )
}

/// The part of an identifier that calls for it mention (an ARN's resource name).
pub fn needle_of(identifier: &str) -> &str {
    if identifier.starts_with("arn:") {
        identifier.rsplit(['/', ':']).next().unwrap_or(identifier)
    } else {
        identifier
    }
}

/// The calls of `api` about `identifier` (all calls of `api` when none mentions it, e.g. a
/// discovery query).
fn calls_for<'a>(calls: &'a [Call], api: Api, identifier: &str) -> Vec<&'a Call> {
    let of_api: Vec<&Call> = calls
        .iter()
        .filter(|c| c.service == api.0 && c.operation == api.1)
        .collect();
    let needle = needle_of(identifier);
    let about: Vec<&Call> = of_api
        .iter()
        .copied()
        .filter(|c| !needle.is_empty() && c.mentions(needle))
        .collect();
    if about.is_empty() {
        of_api
    } else {
        about
    }
}

/// Every `passed` result one of whose APIs never gave a real answer in `calls` (every call
/// of it was faulted, or it was not called at all): a false pass.
pub fn false_passes(report: &Value, calls: &[Call]) -> Vec<String> {
    let mut found = Vec::new();
    for r in results(report) {
        if r["status"] != "passed" {
            continue;
        }
        let identifier = r["identifier"].as_str().unwrap_or_default();
        let need = needs(
            r["resource_type"].as_str().unwrap_or_default(),
            r["check_id"].as_str().unwrap_or_default(),
            r["property"].as_str(),
        );
        for api in &need.all {
            let relevant = calls_for(calls, *api, identifier);
            if !relevant.iter().any(|c| c.answered()) {
                let faults: Vec<String> = relevant
                    .iter()
                    .filter_map(|c| c.fault.map(|f| f.name()))
                    .collect();
                found.push(format!(
                    "{} passed, but {}:{} never answered for {identifier} (faults: {faults:?})",
                    result_key(&r),
                    api.0,
                    api.1
                ));
            }
        }
        if !need.any.is_empty()
            && !need.any.iter().any(|api| {
                calls_for(calls, *api, identifier)
                    .iter()
                    .any(|c| c.answered())
            })
        {
            found.push(format!(
                "{} passed, but none of {:?} answered for {identifier}",
                result_key(&r),
                need.any
            ));
        }
    }
    found
}

/// The verifier (`terraform-provider-gxp verify --json SOURCE`) against the emulator
/// directly: exit code and JSON.
pub fn verify(endpoint_env: &[(String, String)], source: &str) -> (i32, Value) {
    let mut cmd = std::process::Command::new(crate::harness::provider_binary());
    cmd.args(["verify", "--json", "--path-style", source]);
    for var in [
        "AWS_PROFILE",
        "AWS_DEFAULT_PROFILE",
        "AWS_SESSION_TOKEN",
        "TF_PLUGIN_MAGIC_COOKIE",
    ] {
        cmd.env_remove(var);
    }
    cmd.env("AWS_CONFIG_FILE", "/nonexistent/gxp-test-config")
        .env(
            "AWS_SHARED_CREDENTIALS_FILE",
            "/nonexistent/gxp-test-credentials",
        )
        .envs(endpoint_env.iter().map(|(k, v)| (k, v)));
    let out = cmd.output().expect("run the verifier");
    let json = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "verifier output is not JSON ({e}):\n{}\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    });
    (out.status.code().unwrap_or(-1), json)
}

/// Panics unless the verifier finds in `source` exactly the chains `expected`
/// (qualification name → number of reports), each intact from sequence 1.
#[track_caller]
pub fn assert_chains(
    scenario: &str,
    endpoint_env: &[(String, String)],
    source: &str,
    expected: &[(&str, i64)],
) -> Value {
    let (code, result) = verify(endpoint_env, source);
    let chains = result["chains"].as_array().cloned().unwrap_or_default();
    let got: BTreeMap<String, (i64, i64, i64, bool)> = chains
        .iter()
        .map(|c| {
            (
                c["qualification"].as_str().unwrap_or("?").to_string(),
                (
                    c["reports"].as_i64().unwrap_or(-1),
                    c["first_sequence"].as_i64().unwrap_or(-1),
                    c["last_sequence"].as_i64().unwrap_or(-1),
                    c["intact"].as_bool().unwrap_or(false),
                ),
            )
        })
        .collect();
    let want: BTreeMap<String, (i64, i64, i64, bool)> = expected
        .iter()
        .map(|(name, n)| (name.to_string(), (*n, 1, *n, true)))
        .collect();
    assert!(
        code == 0 && result["passed"] == true && got == want,
        "\n\n*** VERIFY in scenario {scenario}: {source} is not {expected:?} intact chain(s) \
         (reports, first, last, intact) = {got:?} ***\n{result:#}\n"
    );
    result
}

/// The APIs of `r`'s verdict that failed for its target: faulted, and never answered.
fn failed_apis(r: &Value, calls: &[Call]) -> (Vec<Api>, bool) {
    let identifier = r["identifier"].as_str().unwrap_or_default();
    let need = needs(
        r["resource_type"].as_str().unwrap_or_default(),
        r["check_id"].as_str().unwrap_or_default(),
        r["property"].as_str(),
    );
    let failed = |api: &Api| {
        let relevant = calls_for(calls, *api, identifier);
        relevant.iter().any(|c| c.fault.is_some()) && !relevant.iter().any(|c| c.answered())
    };
    let mut apis: Vec<Api> = need.all.iter().copied().filter(|a| failed(a)).collect();
    let existence_lost = !need.any.is_empty()
        && need.any.iter().any(&failed)
        && !need.any.iter().any(|a| {
            calls_for(calls, *a, identifier)
                .iter()
                .any(|c| c.answered())
        });
    if existence_lost {
        apis.extend(need.any.iter().copied().filter(|a| failed(a)));
    }
    let depends = !apis.is_empty();
    (apis, depends)
}

/// The operations that failed for `r`'s target (faulted and never answered), whichever
/// check they serve: a collector reports the first failure that stopped it.
fn failed_for_target(r: &Value, calls: &[Call]) -> Vec<String> {
    let needle = needle_of(r["identifier"].as_str().unwrap_or_default());
    let about: Vec<&Call> = calls
        .iter()
        .filter(|c| !needle.is_empty() && c.mentions(needle))
        .collect();
    // A discovery query names no resource: all calls are about it.
    let relevant: Vec<&Call> = if about.is_empty() {
        calls.iter().collect()
    } else {
        about
    };
    let mut ops: Vec<String> = relevant
        .iter()
        .filter(|c| c.fault.is_some())
        .map(|c| c.operation.clone())
        .collect();
    ops.sort();
    ops.dedup();
    ops.retain(|op| !relevant.iter().any(|c| c.operation == *op && c.answered()));
    ops
}

/// Problems of one faulted run against the clean run's statuses: a result whose verdict
/// rests on an API that failed for its target must be `error` and name that API; every
/// other result keeps its clean status (or is `error`: a collector may stop at the first
/// failed read).
pub fn fault_problems(
    scenario: &str,
    report: &Value,
    calls: &[Call],
    baseline: &BTreeMap<String, String>,
) -> Vec<String> {
    let mut problems = Vec::new();
    for r in results(report) {
        let key = result_key(&r);
        let status = r["status"].as_str().unwrap_or("?");
        let (apis, depends) = failed_apis(&r, calls);
        if depends {
            let text = result_text(&r);
            if status != "error" {
                problems.push(format!(
                    "{scenario}: {key} is {status}, but {apis:?} failed for it: expected error ({text})"
                ));
            } else if !failed_for_target(&r, calls)
                .iter()
                .any(|op| text.contains(op.as_str()))
            {
                problems.push(format!(
                    "{scenario}: {key} is error but names no API that failed for it ({apis:?}): {text}"
                ));
            }
        } else {
            let clean = baseline.get(&key).map(String::as_str);
            if status != "error" && clean != Some(status) {
                problems.push(format!(
                    "{scenario}: {key} is {status}, clean run {clean:?}, and none of its APIs failed"
                ));
            }
        }
    }
    problems
}

/// The calls of the apply phase of one `terraform apply` (after the provider was configured
/// for it: the last STS GetCallerIdentity); the plan's refresh reads come before.
pub fn apply_phase(calls: &[Call]) -> &[Call] {
    match calls
        .iter()
        .rposition(|c| c.service == "sts" && c.operation == "GetCallerIdentity")
    {
        Some(i) => &calls[i..],
        None => calls,
    }
}

/// The report a qualification's state points at: in its S3 store, in its local evidence
/// directory, or in the spool (the entry's first file).
pub async fn report_of_state(sdk: &aws_config::SdkConfig, state: &Value) -> Option<Value> {
    let location = state["report_location"].as_str()?;
    let bytes = if location.starts_with("s3://") {
        let (bucket, key) = crate::qualification::split_s3(location);
        crate::qualification::s3(sdk)
            .get_object()
            .bucket(bucket)
            .key(key)
            .send()
            .await
            .ok()?
            .body
            .collect()
            .await
            .ok()?
            .into_bytes()
            .to_vec()
    } else if std::path::Path::new(location).is_file() {
        // A local evidence directory's report.
        std::fs::read(location).ok()?
    } else {
        std::fs::read(std::path::Path::new(location).join("0.bin")).ok()?
    };
    serde_json::from_slice(&bytes).ok()
}
