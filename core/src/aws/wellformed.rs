//! Answers that are not well-formed for their protocol are errors, never evaluated.
//!
//! The SDK's deserializers are lenient: an EC2 (XML) answer cut short but delivered with a
//! matching `Content-Length` parses as a document with fewer elements, and a security group
//! then seems to have no ingress rules. [`WellFormedAnswers`], an interceptor on every client
//! the provider builds, checks each successful (2xx) non-streaming answer before its output
//! is used: XML must be one complete root element with balanced tags, JSON must parse, and an
//! empty body is accepted only where the operation legitimately has none (HEAD, 204, writes
//! and other operations without an output body). A client-error (4xx) answer with a body
//! must be a well-formed error document too: its error code ("not configured", "not
//! found") decides checks. Otherwise the call fails with a
//! [`MalformedAnswer`] naming the service and API, which
//! [`classify`](super::errors::classify) reports as [`AwsErrorKind::Malformed`]
//! (super::AwsErrorKind::Malformed) and [`RetryMalformed`] retries as transient, so a
//! persistent one ends as an `error` observation.
//!
//! Streaming bodies (S3 GetObject) are not read here; their reads check length and checksum
//! where they are consumed ([`crate::evidence::s3`]).

use aws_smithy_runtime_api::box_error::BoxError;
use aws_smithy_runtime_api::client::interceptors::context::{
    AfterDeserializationInterceptorContextRef, InterceptorContext,
};
use aws_smithy_runtime_api::client::interceptors::Intercept;
use aws_smithy_runtime_api::client::orchestrator::Metadata;
use aws_smithy_runtime_api::client::retries::classifiers::{ClassifyRetry, RetryAction};
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use aws_smithy_types::config_bag::ConfigBag;

use super::Service;

/// How a service encodes its answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Protocol {
    /// awsQuery and ec2Query: every answer is an XML document.
    Query,
    /// restXml (S3): XML documents; operations without an output body answer with none.
    RestXml,
    /// awsJson 1.0/1.1: every answer is a JSON object.
    Json,
    /// Smithy RPC v2 CBOR (CloudWatch): every answer is one CBOR data item.
    Cbor,
}

impl Service {
    /// The protocol of the service's API (as in its Smithy model).
    pub const fn protocol(self) -> Protocol {
        match self {
            Service::CloudFormation
            | Service::Ec2
            | Service::Elbv2
            | Service::Iam
            | Service::Rds
            | Service::Sns
            | Service::Sts => Protocol::Query,
            Service::CloudWatch => Protocol::Cbor,
            Service::S3 | Service::S3Control => Protocol::RestXml,
            // awsJson (Organizations) and restJson1 (GuardDuty, Security Hub): JSON objects.
            Service::CloudTrail
            | Service::ConfigService
            | Service::GuardDuty
            | Service::Kms
            | Service::Logs
            | Service::Organizations
            | Service::ResourceGroupsTaggingApi
            | Service::SecurityHub
            // awsJson 1.0 (DynamoDB, SQS), awsJson 1.1 (Secrets Manager) and restJson1
            // (Lambda, EFS, Backup): JSON documents.
            | Service::DynamoDb
            | Service::SecretsManager
            | Service::Sqs
            | Service::Lambda
            | Service::Efs
            | Service::Backup => Protocol::Json,
        }
    }

    /// The name used in messages, e.g. `EC2`.
    pub const fn display_name(self) -> &'static str {
        match self {
            Service::CloudFormation => "CloudFormation",
            Service::CloudTrail => "CloudTrail",
            Service::CloudWatch => "CloudWatch",
            Service::ConfigService => "AWS Config",
            Service::Ec2 => "EC2",
            Service::Elbv2 => "ELBv2",
            Service::GuardDuty => "GuardDuty",
            Service::Iam => "IAM",
            Service::Kms => "KMS",
            Service::Logs => "CloudWatch Logs",
            Service::Organizations => "Organizations",
            Service::Rds => "RDS",
            Service::ResourceGroupsTaggingApi => "Resource Groups Tagging API",
            Service::S3 => "S3",
            Service::S3Control => "S3 Control",
            Service::SecurityHub => "Security Hub",
            Service::Sns => "SNS",
            Service::Sts => "STS",
            Service::Sqs => "SQS",
            Service::SecretsManager => "Secrets Manager",
            Service::Lambda => "Lambda",
            Service::Efs => "Amazon EFS",
            Service::DynamoDb => "DynamoDB",
            Service::Backup => "AWS Backup",
        }
    }
}

/// A successful or client-error answer whose body is not well-formed for the service's protocol.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MalformedAnswer {
    /// e.g. `EC2`.
    pub service: String,
    /// e.g. `DescribeSecurityGroups`.
    pub operation: String,
    pub status: u16,
    /// What is wrong with the body.
    pub problem: String,
}

impl std::fmt::Display for MalformedAnswer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} {} answered HTTP {} with a malformed body ({}); the answer was not used",
            self.service, self.operation, self.status, self.problem
        )
    }
}

impl std::error::Error for MalformedAnswer {}

/// The [`MalformedAnswer`] among `err` and its sources, if any.
pub fn find_malformed<'a>(
    err: &'a (dyn std::error::Error + 'static),
) -> Option<&'a MalformedAnswer> {
    let mut current = Some(err);
    while let Some(e) = current {
        if let Some(found) = e.downcast_ref::<MalformedAnswer>() {
            return Some(found);
        }
        current = e.source();
    }
    None
}

/// Why `body` is not one well-formed XML document (one root element, balanced tags,
/// nothing but whitespace, comments and processing instructions around it); `None` when it is.
pub fn xml_problem(body: &[u8]) -> Option<String> {
    use quick_xml::events::Event;
    let mut reader = quick_xml::Reader::from_reader(body);
    reader.config_mut().check_end_names = true;
    let mut depth: usize = 0;
    let mut roots = 0;
    let mut open: Vec<String> = Vec::new();
    loop {
        let at = reader.buffer_position();
        let event = match reader.read_event() {
            Ok(event) => event,
            Err(e) => return Some(format!("XML error at byte {at} of {}: {e}", body.len())),
        };
        match event {
            Event::Start(start) => {
                if depth == 0 {
                    roots += 1;
                }
                depth += 1;
                open.push(start.name().0.to_string());
            }
            Event::End(_) => {
                depth = depth.saturating_sub(1);
                open.pop();
            }
            Event::Empty(_) if depth == 0 => roots += 1,
            Event::Text(text) if depth == 0 && !text.chars().all(char::is_whitespace) => {
                return Some(format!("text outside the root element at byte {at}"));
            }
            Event::CData(_) | Event::GeneralRef(_) if depth == 0 => {
                return Some(format!("content outside the root element at byte {at}"));
            }
            Event::Eof => break,
            _ => {}
        }
        if roots > 1 {
            return Some(format!("a second root element at byte {at}"));
        }
    }
    if let Some(name) = open.last() {
        return Some(format!(
            "the document ends inside element <{name}> ({} element(s) not closed; {} bytes)",
            open.len(),
            body.len()
        ));
    }
    if roots == 0 {
        return Some("no root element".into());
    }
    None
}

/// Why `body` is not one JSON value; `None` when it is.
pub fn json_problem(body: &[u8]) -> Option<String> {
    serde_json::from_slice::<serde::de::IgnoredAny>(body)
        .err()
        .map(|e| format!("JSON error: {e} ({} bytes)", body.len()))
}

/// Why `body` is not exactly one complete CBOR data item; `None` when it is.
pub fn cbor_problem(body: &[u8]) -> Option<String> {
    let mut decoder = minicbor::Decoder::new(body);
    match decoder.skip() {
        Err(e) => Some(format!("CBOR error: {e} ({} bytes)", body.len())),
        Ok(()) if decoder.position() != body.len() => Some(format!(
            "{} bytes after the CBOR data item ({} bytes)",
            body.len() - decoder.position(),
            body.len()
        )),
        Ok(()) => None,
    }
}

/// Whether an operation answers with an output body when it succeeds: reads do
/// (`Get*`, `Describe*`, `List*`, `Lookup*`, `Detect*`, `Sign`, `Verify`, `Publish`);
/// HEAD operations and writes without an output may answer with none.
pub fn has_output_body(operation: &str) -> bool {
    [
        "Get", "Describe", "List", "Lookup", "Detect", "Search", "Select",
    ]
    .iter()
    .any(|p| operation.starts_with(p))
        || matches!(operation, "Sign" | "Verify" | "Publish" | "AssumeRole")
}

/// Why a successful answer of `service`'s `operation` with `status` and `body` is not
/// well-formed; `None` when it is.
pub fn answer_problem(
    service: Service,
    operation: &str,
    status: u16,
    body: &[u8],
) -> Option<String> {
    let blank = body.iter().all(u8::is_ascii_whitespace);
    if blank {
        let may_be_empty =
            status == 204 || operation.starts_with("Head") || !has_output_body(operation);
        return (!may_be_empty).then(|| {
            format!(
                "an empty body ({} bytes) where {operation} answers with a document",
                body.len()
            )
        });
    }
    match (service, operation) {
        // GetBucketPolicy's output is the policy document itself: JSON.
        (Service::S3, "GetBucketPolicy") => json_problem(body),
        _ => match service.protocol() {
            Protocol::Query | Protocol::RestXml => xml_problem(body),
            Protocol::Json => json_problem(body),
            Protocol::Cbor => cbor_problem(body),
        },
    }
}

/// Why a client-error (4xx) answer's `body` is not a well-formed error document of
/// `service`'s protocol; `None` when it is, or when it has no body (S3 HEAD's bare 404).
///
/// An error answer cut short can keep its error code (`<Code>NoSuchBucketPolicy</Code>` may
/// survive the cut) while the document is broken; a code that says "not configured" would
/// then fail a check on a made-up absence, so such an answer is not trusted either.
pub fn error_answer_problem(service: Service, body: &[u8]) -> Option<String> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return None;
    }
    match service.protocol() {
        Protocol::Query | Protocol::RestXml => xml_problem(body),
        Protocol::Json => json_problem(body),
        Protocol::Cbor => cbor_problem(body),
    }
}

/// The interceptor checking that successful and client-error answers are well-formed (see
/// the module docs).
#[derive(Debug, Clone, Copy)]
pub struct WellFormedAnswers {
    pub service: Service,
}

impl Intercept for WellFormedAnswers {
    fn name(&self) -> &'static str {
        "WellFormedAnswers"
    }

    fn read_after_deserialization(
        &self,
        context: &AfterDeserializationInterceptorContextRef<'_>,
        _runtime_components: &RuntimeComponents,
        cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        let response = context.response();
        let status = response.status().as_u16();
        if !(200..300).contains(&status) && !(400..500).contains(&status) {
            return Ok(());
        }
        // A streaming body (S3 GetObject) was handed to the output unread: not checked here.
        let Some(body) = response.body().bytes() else {
            return Ok(());
        };
        let operation = cfg
            .load::<Metadata>()
            .map(|m| m.name().to_string())
            .unwrap_or_else(|| "the operation".into());
        let problem = if (200..300).contains(&status) {
            answer_problem(self.service, &operation, status, body)
        } else {
            error_answer_problem(self.service, body)
        };
        match problem {
            None => Ok(()),
            Some(problem) => Err(Box::new(MalformedAnswer {
                service: self.service.display_name().into(),
                operation,
                status,
                problem,
            })),
        }
    }
}

/// Retries a call whose answer was malformed (a transient fault: a cut connection, a
/// misbehaving proxy), within the client's retry budget.
#[derive(Debug, Clone, Copy, Default)]
pub struct RetryMalformed;

impl ClassifyRetry for RetryMalformed {
    fn classify_retry(&self, ctx: &InterceptorContext) -> RetryAction {
        match ctx.output_or_error() {
            Some(Err(err)) if find_malformed(err).is_some() => RetryAction::transient_error(),
            _ => RetryAction::NoActionIndicated,
        }
    }

    fn name(&self) -> &'static str {
        "RetryMalformed"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SG: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<DescribeSecurityGroupsResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/">
  <requestId>59dbff89-35bd-4eac-99ed-be587EXAMPLE</requestId>
  <securityGroupInfo>
    <item><groupId>sg-1</groupId><ipPermissions><item><ipProtocol>tcp</ipProtocol>
      <fromPort>22</fromPort><toPort>22</toPort>
      <ipRanges><item><cidrIp>0.0.0.0/0</cidrIp></item></ipRanges></item></ipPermissions>
    </item>
  </securityGroupInfo>
</DescribeSecurityGroupsResponse>
"#;

    #[test]
    fn one_complete_cbor_item_is_well_formed_and_every_cut_is_not() {
        let mut e = minicbor::Encoder::new(Vec::new());
        e.map(2)
            .unwrap()
            .str("MetricAlarms")
            .unwrap()
            .array(1)
            .unwrap()
            .map(1)
            .unwrap()
            .str("AlarmName")
            .unwrap()
            .str("lims-errors")
            .unwrap()
            .str("CompositeAlarms")
            .unwrap()
            .array(0)
            .unwrap();
        let body = e.into_writer();
        assert_eq!(cbor_problem(&body), None);
        for cut in 1..body.len() {
            assert!(
                cbor_problem(&body[..cut]).is_some(),
                "cut at {cut} accepted"
            );
        }
        let mut twice = body.clone();
        twice.extend_from_slice(&body);
        assert!(cbor_problem(&twice)
            .unwrap()
            .contains("after the CBOR data item"));
        assert!(answer_problem(Service::CloudWatch, "DescribeAlarms", 200, &body[..5]).is_some());
        assert!(error_answer_problem(Service::CloudWatch, &body[..5]).is_some());
    }

    #[test]
    fn complete_xml_is_well_formed_and_every_cut_is_not() {
        assert_eq!(xml_problem(SG.as_bytes()), None);
        assert_eq!(xml_problem(b"<a/>"), None);
        assert_eq!(
            xml_problem(b"<!-- c --><a>x &amp; y<![CDATA[z]]></a>\n"),
            None
        );
        let trimmed = SG.trim_end();
        for cut in 1..trimmed.len() {
            assert!(
                xml_problem(&trimmed.as_bytes()[..cut]).is_some(),
                "cut at {cut} accepted: {:?}",
                &trimmed[..cut]
            );
        }
        let in_text = SG.find("sg-1").unwrap();
        let p = xml_problem(&SG.as_bytes()[..in_text]).unwrap();
        assert!(p.contains("ends inside element <groupId>"), "{p}");
    }

    #[test]
    fn malformed_xml_is_named() {
        for (body, says) in [
            (&b"<a><b></a>"[..], "XML error"),
            (b"<a></a><b></b>", "second root"),
            (b"<a></a>junk", "text outside"),
            (b"<?xml version=\"1.0\"?>", "no root"),
            (b"<a x=\"1", "XML error"),
        ] {
            let p = xml_problem(body).unwrap_or_else(|| panic!("{body:?} accepted"));
            assert!(p.contains(says), "{body:?}: {p}");
        }
    }

    #[test]
    fn json_must_parse() {
        assert_eq!(json_problem(br#"{"KeyMetadata":{"Enabled":true}}"#), None);
        let body = br#"{"KeyMetadata":{"Enabled":true,"KeyState":"Enabled"}}"#;
        for cut in 1..body.len() {
            assert!(json_problem(&body[..cut]).is_some(), "cut at {cut}");
        }
    }

    #[test]
    fn empty_bodies_only_where_the_operation_has_none() {
        let empty = |service, op, status| answer_problem(service, op, status, b"");
        assert_eq!(empty(Service::S3, "HeadBucket", 200), None);
        assert_eq!(empty(Service::S3, "PutObject", 200), None);
        assert_eq!(empty(Service::S3, "DeleteObject", 204), None);
        assert!(empty(Service::S3, "GetBucketVersioning", 200).is_some());
        assert!(empty(Service::S3, "ListObjectsV2", 200).is_some());
        assert!(empty(Service::Ec2, "DescribeSecurityGroups", 200).is_some());
        assert!(empty(Service::Kms, "DescribeKey", 200).is_some());
        assert!(empty(Service::Sts, "GetCallerIdentity", 200).is_some());
        assert_eq!(empty(Service::Logs, "PutRetentionPolicy", 200), None);
        assert!(empty(Service::Kms, "Sign", 200).is_some());
        assert_eq!(
            answer_problem(
                Service::S3,
                "GetBucketPolicy",
                200,
                br#"{"Version":"2012-10-17"}"#
            ),
            None
        );
        assert!(answer_problem(Service::S3, "GetBucketPolicy", 200, b"{\"Vers").is_some());
        assert!(answer_problem(Service::Kms, "DescribeKey", 200, b"<a/>").is_some());
    }

    #[test]
    fn client_error_answers_must_be_whole_error_documents() {
        let s3 = br#"<?xml version="1.0" encoding="UTF-8"?>
<Error><Code>NoSuchBucketPolicy</Code><Message>m</Message></Error>"#;
        assert_eq!(error_answer_problem(Service::S3, s3), None);
        // S3's errors are XML even where the output is JSON (GetBucketPolicy).
        assert!(error_answer_problem(Service::S3, &s3[..60]).is_some());
        assert_eq!(
            error_answer_problem(Service::S3, b""),
            None,
            "HEAD's bare 404"
        );
        let kms = br#"{"__type":"NotFoundException","message":"m"}"#;
        assert_eq!(error_answer_problem(Service::Kms, kms), None);
        assert!(error_answer_problem(Service::Kms, &kms[..30]).is_some());
    }

    #[test]
    fn the_error_names_service_and_api_and_is_found_through_sources() {
        let m = MalformedAnswer {
            service: "EC2".into(),
            operation: "DescribeSecurityGroups".into(),
            status: 200,
            problem: "cut".into(),
        };
        let text = m.to_string();
        assert!(
            text.starts_with("EC2 DescribeSecurityGroups answered HTTP 200"),
            "{text}"
        );
        #[derive(Debug)]
        struct Wrapper(MalformedAnswer);
        impl std::fmt::Display for Wrapper {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("wrapper")
            }
        }
        impl std::error::Error for Wrapper {
            fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
                Some(&self.0)
            }
        }
        let w = Wrapper(m.clone());
        assert_eq!(find_malformed(&w), Some(&m));
    }
}
