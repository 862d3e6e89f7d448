//! CloudFormation stack collector: status, outputs, parameters, template digest, resources and
//! CloudFormation's own drift detection, as read through the CloudFormation API.

use std::collections::BTreeMap;
use std::time::Duration;

use aws_sdk_cloudformation::error::ProvideErrorMetadata;
use aws_sdk_cloudformation::types::{Stack, StackDriftDetectionStatus, TemplateStage};
use aws_sdk_cloudformation::Client;
use aws_smithy_runtime_api::client::result::SdkError;
use aws_smithy_runtime_api::http::Response as HttpResponse;
use time::OffsetDateTime;

use crate::aws::{classify, AwsContext, AwsErrorKind};
use crate::observe::StackObservation;
use crate::util::{rfc3339, sha256_hex};

/// `errors` key: DescribeStacks failed (status, outputs, parameters unknown).
pub const PART_STACK: &str = "stack";
/// `errors` key: GetTemplate failed (template digest unknown).
pub const PART_TEMPLATE: &str = "template";
/// `errors` key: ListStackResources failed (resources unknown).
pub const PART_RESOURCES: &str = "resources";
/// `errors` key: drift detection was attempted and failed (not merely unsupported).
pub const PART_DRIFT: &str = "drift";

/// Pauses between DescribeStackDriftDetectionStatus polls (bounded: about 30 s in total).
const DRIFT_POLL_DELAYS_MS: [u64; 12] = [
    500, 1000, 1500, 2000, 2500, 3000, 3000, 3000, 3000, 3000, 3500, 4000,
];

/// Whether the stack collector runs CloudFormation drift detection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DriftDetection {
    /// DetectStackDrift and poll for its result (up to about 30 s per stack): a qualification
    /// run, whose report records the drift status (`iq.stack_drift`).
    Detect,
    /// No drift detection (`cfn_drift_status` and `cfn_drift_note` stay empty): refresh,
    /// which compares the snapshot's status, template, outputs and parameters only and must
    /// stay cheap.
    Skip,
}

/// Observe a stack by name or stack id, with CloudFormation drift detection. Never panics:
/// a stack that does not exist has `status: None`; each failed read is recorded in `errors`
/// under its part name.
pub async fn collect_stack(aws: &AwsContext, name: &str) -> StackObservation {
    collect_stack_with(aws, name, DriftDetection::Detect).await
}

/// [`collect_stack`], with or without drift detection.
pub async fn collect_stack_with(
    aws: &AwsContext,
    name: &str,
    drift_detection: DriftDetection,
) -> StackObservation {
    let client = aws.cloudformation();
    let mut obs = StackObservation {
        name: name.to_string(),
        ..Default::default()
    };

    let stack = match describe(&client, name).await {
        Ok(Some(stack)) => stack,
        Ok(None) => return obs,
        Err(message) => {
            obs.errors.insert(PART_STACK.into(), message);
            return obs;
        }
    };
    record_stack(&mut obs, &stack);

    // Address the exact stack found (a stack re-created under the same name has a new id).
    let id = obs.stack_id.clone().unwrap_or_else(|| name.to_string());
    let drift = async {
        match drift_detection {
            DriftDetection::Detect => Some(detect_drift(&client, &id).await),
            DriftDetection::Skip => None,
        }
    };
    let (template, resources, drift) = tokio::join!(
        template_sha256(&client, &id),
        resources(&client, &id),
        drift,
    );
    match template {
        Ok(digest) => obs.template_sha256 = Some(digest),
        Err(message) => {
            obs.errors.insert(PART_TEMPLATE.into(), message);
        }
    }
    match resources {
        Ok(map) => obs.resources = map,
        Err(message) => {
            obs.errors.insert(PART_RESOURCES.into(), message);
        }
    }
    match drift {
        Some(Drift::Status(status)) => obs.cfn_drift_status = Some(status),
        Some(Drift::Unsupported(note)) => obs.cfn_drift_note = Some(note),
        Some(Drift::Failed(message)) => {
            obs.errors.insert(PART_DRIFT.into(), message);
        }
        None => {}
    }
    obs
}

/// The physical id of a stack resource by logical id, when the stack has it.
pub fn physical_id<'a>(obs: &'a StackObservation, logical_id: &str) -> Option<&'a str> {
    obs.resources
        .get(logical_id)
        .map(|(_, physical)| physical.as_str())
        .filter(|p| !p.is_empty())
}

/// DescribeStacks; `Ok(None)` when the stack does not exist.
async fn describe(client: &Client, name: &str) -> Result<Option<Stack>, String> {
    match client.describe_stacks().stack_name(name).send().await {
        Ok(out) => Ok(out.stacks().first().cloned()),
        Err(err) if is_missing_stack(&err) => Ok(None),
        Err(err) => Err(format!("DescribeStacks: {}", classify(&err))),
    }
}

/// CloudFormation answers a missing stack with `ValidationError: Stack with id X does not exist`.
fn is_missing_stack<E: ProvideErrorMetadata>(err: &SdkError<E, HttpResponse>) -> bool {
    err.code() == Some("ValidationError")
        && err.message().is_some_and(|m| m.contains("does not exist"))
}

/// Copy status, id, outputs, parameters and last change time from DescribeStacks.
fn record_stack(obs: &mut StackObservation, stack: &Stack) {
    obs.status = Some(
        stack
            .stack_status()
            .map(|s| s.as_str().to_string())
            .unwrap_or_else(|| "UNKNOWN".into()),
    );
    obs.stack_id = stack.stack_id().map(str::to_string);
    obs.outputs = stack
        .outputs()
        .iter()
        .filter_map(|o| {
            Some((
                o.output_key()?.to_string(),
                o.output_value().unwrap_or_default().to_string(),
            ))
        })
        .collect();
    // SSM parameter types: ResolvedValue is the value in effect, ParameterValue the SSM name.
    obs.parameters = stack
        .parameters()
        .iter()
        .filter_map(|p| {
            let value = p
                .resolved_value()
                .or(p.parameter_value())
                .unwrap_or_default();
            Some((p.parameter_key()?.to_string(), value.to_string()))
        })
        .collect();
    obs.last_updated = stack
        .last_updated_time()
        .or(stack.creation_time())
        .and_then(|t| OffsetDateTime::from_unix_timestamp_nanos(t.as_nanos()).ok())
        .map(rfc3339);
}

/// SHA-256 of the original template body, exactly as returned.
async fn template_sha256(client: &Client, id: &str) -> Result<String, String> {
    let out = client
        .get_template()
        .stack_name(id)
        .template_stage(TemplateStage::Original)
        .send()
        .await
        .map_err(|e| format!("GetTemplate: {}", classify(&e)))?;
    out.template_body()
        .map(|body| sha256_hex(body.as_bytes()))
        .ok_or_else(|| "GetTemplate returned no TemplateBody".to_string())
}

/// ListStackResources (all pages): logical id → (type, physical id). Resources already
/// deleted (`DELETE_COMPLETE`) are not deployed and are left out.
async fn resources(
    client: &Client,
    id: &str,
) -> Result<BTreeMap<String, (String, String)>, String> {
    let mut map = BTreeMap::new();
    let mut pages = client
        .list_stack_resources()
        .stack_name(id)
        .into_paginator()
        .send();
    while let Some(page) = pages.next().await {
        let page = page.map_err(|e| format!("ListStackResources: {}", classify(&e)))?;
        for r in page.stack_resource_summaries() {
            let deleted = r
                .resource_status()
                .is_some_and(|s| s.as_str() == "DELETE_COMPLETE");
            if let (Some(logical), false) = (r.logical_resource_id(), deleted) {
                map.insert(
                    logical.to_string(),
                    (
                        r.resource_type().unwrap_or_default().to_string(),
                        r.physical_resource_id().unwrap_or_default().to_string(),
                    ),
                );
            }
        }
    }
    Ok(map)
}

/// What CloudFormation drift detection gave.
enum Drift {
    /// `StackDriftStatus` after a completed detection.
    Status(String),
    /// The endpoint does not support drift detection (why).
    Unsupported(String),
    /// Detection was attempted and failed or did not finish.
    Failed(String),
}

/// DetectStackDrift, then poll DescribeStackDriftDetectionStatus a bounded number of times.
async fn detect_drift(client: &Client, id: &str) -> Drift {
    // One retry: a transient fault (throttling, a reset connection) must not leave the stack's
    // drift unevaluated, while an endpoint without drift detection (bare 5xx) costs one
    // backoff, not the provider's full retry budget. Refresh does not detect drift.
    let one_retry = aws_sdk_cloudformation::config::Builder::default()
        .retry_config(aws_config::retry::RetryConfig::standard().with_max_attempts(2));
    let detection_id = match client
        .detect_stack_drift()
        .stack_name(id)
        .customize()
        .config_override(one_retry)
        .send()
        .await
    {
        Ok(out) => match out.stack_drift_detection_id() {
            Some(d) => d.to_string(),
            None => return Drift::Failed("DetectStackDrift returned no detection id".into()),
        },
        Err(err) => return drift_call_failed("DetectStackDrift", &err),
    };
    for delay in DRIFT_POLL_DELAYS_MS {
        tokio::time::sleep(Duration::from_millis(delay)).await;
        let out = match client
            .describe_stack_drift_detection_status()
            .stack_drift_detection_id(&detection_id)
            .send()
            .await
        {
            Ok(out) => out,
            Err(err) => return drift_call_failed("DescribeStackDriftDetectionStatus", &err),
        };
        match out.detection_status() {
            Some(StackDriftDetectionStatus::DetectionInProgress) => continue,
            Some(StackDriftDetectionStatus::DetectionComplete) => {
                return match out.stack_drift_status() {
                    Some(s) => Drift::Status(s.as_str().to_string()),
                    None => Drift::Failed("drift detection completed without a status".into()),
                };
            }
            other => {
                let status = other.map(|s| s.as_str()).unwrap_or("no status");
                let reason = out.detection_status_reason().unwrap_or("no reason given");
                return Drift::Failed(format!("drift detection {status}: {reason}"));
            }
        }
    }
    let waited: u64 = DRIFT_POLL_DELAYS_MS.iter().sum();
    Drift::Failed(format!(
        "drift detection {detection_id} did not complete within {} s",
        waited / 1000
    ))
}

/// A failed drift call: unsupported by the endpoint (note) or a real failure (error).
fn drift_call_failed<E>(operation: &str, err: &SdkError<E, HttpResponse>) -> Drift
where
    E: ProvideErrorMetadata + std::error::Error + 'static,
{
    let classified = classify(err);
    let status = err.raw_response().map(|r| r.status().as_u16());
    if classified.kind == AwsErrorKind::Unsupported {
        return Drift::Unsupported(format!(
            "drift detection is not supported by the endpoint: {operation}: {classified}"
        ));
    }
    // moto answers operations it does not implement with a bare HTTP 500 page (no AWS error
    // code); AWS itself always sends a code (InternalFailure) with a 500.
    if classified.code.is_none() && matches!(status, Some(404 | 500 | 501)) {
        let status = status.unwrap_or_default();
        return Drift::Unsupported(format!(
            "drift detection is not supported by the endpoint: {operation} answered HTTP {status} \
             without an AWS error code (an emulator without the operation)"
        ));
    }
    Drift::Failed(format!("{operation}: {classified}"))
}

/// A minimal CloudFormation endpoint for unit tests (awsQuery over HTTP/1.1 on localhost):
/// DescribeStacks, GetTemplate and ListStackResources answer for any stack with a complete
/// stack holding one bucket (`Bucket` → `BUCKET_PHYSICAL_ID`); every other action (drift
/// detection) gets a bare HTTP 500, as from an emulator without it; [`start_with_drift`]
/// instead throttles the first DetectStackDrift and then completes detection `IN_SYNC`.
/// Records every action.
#[cfg(test)]
pub(crate) mod fake_cloudformation {
    use std::sync::{Arc, Mutex};

    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    use tokio::net::{TcpListener, TcpStream};

    use crate::aws::AwsContext;

    /// Physical id of the stack's `Bucket`.
    pub const BUCKET_PHYSICAL_ID: &str = "app-bucket-1";

    /// A running fake endpoint.
    pub struct FakeCloudFormation {
        pub aws: AwsContext,
        actions: Arc<Mutex<Vec<String>>>,
    }

    impl FakeCloudFormation {
        /// Actions called so far, in order of arrival.
        pub fn actions(&self) -> Vec<String> {
            self.actions.lock().unwrap().clone()
        }
    }

    /// Start the endpoint and an [`AwsContext`] pointing at it.
    pub async fn start() -> FakeCloudFormation {
        start_mode(false).await
    }

    /// An endpoint with drift detection whose first DetectStackDrift is throttled.
    pub async fn start_with_drift() -> FakeCloudFormation {
        start_mode(true).await
    }

    async fn start_mode(drift: bool) -> FakeCloudFormation {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let endpoint = format!("http://{}", listener.local_addr().unwrap());
        let actions = Arc::new(Mutex::new(Vec::new()));
        let recorded = actions.clone();
        tokio::spawn(async move {
            while let Ok((conn, _)) = listener.accept().await {
                tokio::spawn(serve(conn, recorded.clone(), drift));
            }
        });
        let sdk = aws_config::SdkConfig::builder()
            .behavior_version(aws_config::BehaviorVersion::latest())
            .region(aws_types::region::Region::new("us-east-1"))
            .endpoint_url(endpoint)
            .credentials_provider(
                aws_credential_types::provider::SharedCredentialsProvider::new(
                    aws_credential_types::Credentials::new(
                        "testing", "testing", None, None, "fake",
                    ),
                ),
            )
            .build();
        FakeCloudFormation {
            aws: AwsContext::from_sdk_config(sdk, true),
            actions,
        }
    }

    async fn serve(mut conn: TcpStream, actions: Arc<Mutex<Vec<String>>>, drift: bool) {
        let mut buf = Vec::new();
        loop {
            // One request: headers, then Content-Length bytes of form-encoded body.
            let head_end = loop {
                if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
                    break i + 4;
                }
                let mut chunk = [0u8; 4096];
                match conn.read(&mut chunk).await {
                    Ok(0) | Err(_) => return,
                    Ok(n) => buf.extend_from_slice(&chunk[..n]),
                }
            };
            let head = String::from_utf8_lossy(&buf[..head_end]).to_ascii_lowercase();
            let length: usize = head
                .lines()
                .find_map(|l| l.strip_prefix("content-length:"))
                .and_then(|v| v.trim().parse().ok())
                .unwrap_or(0);
            while buf.len() < head_end + length {
                let mut chunk = [0u8; 4096];
                match conn.read(&mut chunk).await {
                    Ok(0) | Err(_) => return,
                    Ok(n) => buf.extend_from_slice(&chunk[..n]),
                }
            }
            let body = String::from_utf8_lossy(&buf[head_end..head_end + length]).to_string();
            buf.drain(..head_end + length);
            let action = body
                .split('&')
                .find_map(|kv| kv.strip_prefix("Action="))
                .unwrap_or_default()
                .to_string();
            let first_detection = {
                let mut seen = actions.lock().unwrap();
                seen.push(action.clone());
                !seen[..seen.len() - 1].contains(&action)
            };
            let (status, xml) = match (response(&action, drift), action.as_str()) {
                (_, "DetectStackDrift") if drift && first_detection => (
                    "400 Bad Request",
                    "<ErrorResponse><Error><Type>Sender</Type><Code>Throttling</Code>\
                     <Message>Rate exceeded</Message></Error><RequestId>1</RequestId>\
                     </ErrorResponse>"
                        .to_string(),
                ),
                (Some(xml), _) => ("200 OK", xml),
                (None, _) => ("500 Internal Server Error", String::new()),
            };
            let reply = format!(
                "HTTP/1.1 {status}\r\nContent-Type: text/xml\r\nContent-Length: {}\r\n\r\n{xml}",
                xml.len()
            );
            if conn.write_all(reply.as_bytes()).await.is_err() {
                return;
            }
        }
    }

    fn response(action: &str, drift: bool) -> Option<String> {
        let result = match action {
            "DetectStackDrift" if drift => {
                "<StackDriftDetectionId>d-1</StackDriftDetectionId>".to_string()
            }
            "DescribeStackDriftDetectionStatus" if drift => "<StackId>app</StackId>\
                <StackDriftDetectionId>d-1</StackDriftDetectionId>\
                <StackDriftStatus>IN_SYNC</StackDriftStatus>\
                <DetectionStatus>DETECTION_COMPLETE</DetectionStatus>\
                <Timestamp>2026-01-01T00:00:00Z</Timestamp>"
                .to_string(),
            "DescribeStacks" => "<Stacks><member><StackName>app</StackName>\
                <StackId>arn:aws:cloudformation:us-east-1:123456789012:stack/app/1</StackId>\
                <StackStatus>CREATE_COMPLETE</StackStatus>\
                <CreationTime>2026-01-01T00:00:00Z</CreationTime></member></Stacks>"
                .to_string(),
            "GetTemplate" => "<TemplateBody>{}</TemplateBody>".to_string(),
            "ListStackResources" => format!(
                "<StackResourceSummaries><member><LogicalResourceId>Bucket</LogicalResourceId>\
                 <PhysicalResourceId>{BUCKET_PHYSICAL_ID}</PhysicalResourceId>\
                 <ResourceType>AWS::S3::Bucket</ResourceType>\
                 <ResourceStatus>CREATE_COMPLETE</ResourceStatus>\
                 <LastUpdatedTimestamp>2026-01-01T00:00:00Z</LastUpdatedTimestamp>\
                 </member></StackResourceSummaries>"
            ),
            _ => return None,
        };
        Some(format!(
            "<{action}Response xmlns=\"http://cloudformation.amazonaws.com/doc/2010-05-15/\">\
             <{action}Result>{result}</{action}Result>\
             <ResponseMetadata><RequestId>1</RequestId></ResponseMetadata></{action}Response>"
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_sdk_cloudformation::types::{Output, Parameter, StackStatus};
    use aws_smithy_types::DateTime;

    fn stack() -> aws_sdk_cloudformation::types::builders::StackBuilder {
        Stack::builder()
            .stack_id("arn:aws:cloudformation:us-east-1:1:stack/app/1")
            .stack_name("app")
            .stack_status(StackStatus::UpdateComplete)
            .creation_time(DateTime::from_secs(1_767_225_600))
            .outputs(
                Output::builder()
                    .output_key("Out")
                    .output_value("v")
                    .build(),
            )
            .parameters(
                Parameter::builder()
                    .parameter_key("Plain")
                    .parameter_value("p")
                    .build(),
            )
            .parameters(
                Parameter::builder()
                    .parameter_key("FromSsm")
                    .parameter_value("/gxp/env")
                    .resolved_value("prod")
                    .build(),
            )
    }

    #[test]
    fn describe_stacks_fields_are_recorded() {
        let mut obs = StackObservation::default();
        record_stack(&mut obs, &stack().build());
        assert_eq!(obs.status.as_deref(), Some("UPDATE_COMPLETE"));
        assert_eq!(
            obs.stack_id.as_deref(),
            Some("arn:aws:cloudformation:us-east-1:1:stack/app/1")
        );
        assert_eq!(obs.outputs.get("Out").map(String::as_str), Some("v"));
        assert_eq!(obs.parameters.get("Plain").map(String::as_str), Some("p"));
        // SSM parameter types: the resolved value is the value in effect.
        assert_eq!(
            obs.parameters.get("FromSsm").map(String::as_str),
            Some("prod")
        );
        // No LastUpdatedTime: the creation time.
        assert_eq!(obs.last_updated.as_deref(), Some("2026-01-01T00:00:00Z"));
    }

    #[test]
    fn last_updated_time_wins_over_creation_time() {
        let mut obs = StackObservation::default();
        let s = stack()
            .last_updated_time(DateTime::from_fractional_secs(1_767_229_200, 0.75))
            .build();
        record_stack(&mut obs, &s);
        assert_eq!(obs.last_updated.as_deref(), Some("2026-01-01T01:00:00Z"));
    }

    #[tokio::test]
    async fn drift_detection_runs_only_when_asked() {
        let fake = fake_cloudformation::start().await;
        let skipped = collect_stack_with(&fake.aws, "app", DriftDetection::Skip).await;
        assert_eq!(
            skipped.status.as_deref(),
            Some("CREATE_COMPLETE"),
            "{skipped:?}"
        );
        assert_eq!(
            physical_id(&skipped, "Bucket"),
            Some(fake_cloudformation::BUCKET_PHYSICAL_ID)
        );
        assert_eq!(skipped.template_sha256, Some(sha256_hex(b"{}")));
        assert!(skipped.errors.is_empty(), "{:?}", skipped.errors);
        assert_eq!(skipped.cfn_drift_status, None);
        assert_eq!(skipped.cfn_drift_note, None);
        let mut actions = fake.actions();
        actions.sort();
        assert_eq!(
            actions,
            ["DescribeStacks", "GetTemplate", "ListStackResources"],
            "no drift detection"
        );

        let detected = collect_stack(&fake.aws, "app").await;
        assert!(fake.actions().contains(&"DetectStackDrift".to_string()));
        assert!(
            detected
                .cfn_drift_note
                .as_deref()
                .is_some_and(|n| n.contains("not supported")),
            "{detected:?}"
        );
        assert_eq!(
            (&detected.resources, &detected.template_sha256),
            (&skipped.resources, &skipped.template_sha256)
        );
    }

    #[tokio::test]
    async fn a_throttled_drift_detection_is_retried() {
        let fake = fake_cloudformation::start_with_drift().await;
        let detected = collect_stack(&fake.aws, "app").await;
        assert_eq!(
            detected.cfn_drift_status.as_deref(),
            Some("IN_SYNC"),
            "{detected:?}"
        );
        assert!(detected.errors.is_empty(), "{:?}", detected.errors);
        let detections = fake
            .actions()
            .iter()
            .filter(|a| *a == "DetectStackDrift")
            .count();
        assert_eq!(detections, 2, "throttled once, then retried");
    }

    #[test]
    fn physical_ids_resolve_by_logical_id() {
        let mut obs = StackObservation::default();
        obs.resources.insert(
            "Bucket".into(),
            ("AWS::S3::Bucket".into(), "app-bucket-1".into()),
        );
        obs.resources
            .insert("Pending".into(), ("AWS::SNS::Topic".into(), String::new()));
        assert_eq!(physical_id(&obs, "Bucket"), Some("app-bucket-1"));
        assert_eq!(physical_id(&obs, "Pending"), None);
        assert_eq!(physical_id(&obs, "Missing"), None);
    }
}
