//! Error answers in each protocol's shape, as AWS sends them, so the SDK parses the error
//! code (and its retry classifier sees throttling as throttling).

use super::request::Protocol;

/// An error the proxy answers in place of the service.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// The service's throttling error.
    Throttling,
    /// HTTP 500 with an internal-error code.
    Internal,
    /// HTTP 503 with a service-unavailable code.
    Unavailable,
    /// The service's access-denied error.
    AccessDenied,
}

/// A complete error answer: status, content type, extra headers, body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ErrorAnswer {
    pub status: u16,
    pub content_type: &'static str,
    pub headers: Vec<(&'static str, String)>,
    pub body: String,
}

/// Request id put into injected errors (recognisable in logs).
pub const REQUEST_ID: &str = "gxp-fault-0000-0000-0000-000000000000";

/// Status and error code of `kind` for `service` in `protocol`.
pub fn code_of(kind: ErrorKind, service: &str, protocol: Protocol) -> (u16, &'static str) {
    match (kind, protocol) {
        (ErrorKind::Throttling, Protocol::RestXml) => (503, "SlowDown"),
        (ErrorKind::Throttling, Protocol::Ec2) => (503, "RequestLimitExceeded"),
        (ErrorKind::Throttling, Protocol::Json) if service == "tagging" => {
            (400, "ThrottledException")
        }
        (ErrorKind::Throttling, Protocol::Json) => (400, "ThrottlingException"),
        (ErrorKind::Throttling, _) => (400, "Throttling"),
        (ErrorKind::Internal, Protocol::RestXml | Protocol::Ec2) => (500, "InternalError"),
        (ErrorKind::Internal, Protocol::Json) if service == "kms" => (500, "KMSInternalException"),
        (ErrorKind::Internal, _) => (500, "InternalFailure"),
        (ErrorKind::Unavailable, Protocol::Ec2) => (503, "Unavailable"),
        (ErrorKind::Unavailable, _) => (503, "ServiceUnavailable"),
        (ErrorKind::AccessDenied, Protocol::RestXml) => (403, "AccessDenied"),
        (ErrorKind::AccessDenied, Protocol::Ec2) => (403, "UnauthorizedOperation"),
        (ErrorKind::AccessDenied, Protocol::Json) => (400, "AccessDeniedException"),
        (ErrorKind::AccessDenied, _) => (403, "AccessDenied"),
    }
}

fn message_of(kind: ErrorKind, service: &str, operation: &str) -> String {
    match kind {
        ErrorKind::Throttling => "Rate exceeded".into(),
        ErrorKind::Internal => "We encountered an internal error. Please try again.".into(),
        ErrorKind::Unavailable => "Service is unavailable. Please try again.".into(),
        ErrorKind::AccessDenied => format!(
            "User: arn:aws:iam::123456789012:user/gxp-ci is not authorized to perform: \
             {service}:{operation} (injected by the gxp fault proxy)"
        ),
    }
}

/// The answer for `kind` on a call of `operation` of `service` in `protocol`.
/// A `HEAD` answer has no body (as S3 sends it): only the status tells.
pub fn error_answer(
    kind: ErrorKind,
    service: &str,
    operation: &str,
    protocol: Protocol,
    head: bool,
) -> ErrorAnswer {
    let (status, code) = code_of(kind, service, protocol);
    let message = message_of(kind, service, operation);
    let mut headers = vec![("x-amzn-requestid", REQUEST_ID.to_string())];
    let (content_type, body) = match protocol {
        Protocol::Json => {
            headers.push(("x-amzn-errortype", code.to_string()));
            (
                "application/x-amz-json-1.1",
                serde_json::json!({ "__type": code, "message": message }).to_string(),
            )
        }
        Protocol::RestXml => {
            headers.push(("x-amz-request-id", REQUEST_ID.to_string()));
            (
                "application/xml",
                format!(
                    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>{code}</Code>\
                     <Message>{}</Message><RequestId>{REQUEST_ID}</RequestId></Error>",
                    xml_escape(&message)
                ),
            )
        }
        Protocol::Ec2 => (
            "text/xml;charset=UTF-8",
            format!(
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Response><Errors><Error>\
                 <Code>{code}</Code><Message>{}</Message></Error></Errors>\
                 <RequestID>{REQUEST_ID}</RequestID></Response>",
                xml_escape(&message)
            ),
        ),
        Protocol::Query | Protocol::Other => {
            let fault = if status >= 500 { "Receiver" } else { "Sender" };
            (
                "text/xml",
                format!(
                    "<ErrorResponse xmlns=\"http://{service}.amazonaws.com/doc/\">\n<Error>\
                     <Type>{fault}</Type><Code>{code}</Code><Message>{}</Message></Error>\
                     <RequestId>{REQUEST_ID}</RequestId></ErrorResponse>",
                    xml_escape(&message)
                ),
            )
        }
    };
    ErrorAnswer {
        status,
        content_type,
        headers,
        body: if head { String::new() } else { body },
    }
}

fn xml_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn throttling_codes_are_the_ones_the_sdk_retries_as_throttling() {
        // aws-runtime's THROTTLING_ERRORS (retries/classifiers.rs).
        let sdk_throttling = [
            "Throttling",
            "ThrottlingException",
            "ThrottledException",
            "RequestLimitExceeded",
            "SlowDown",
        ];
        for (service, protocol) in [
            ("s3", Protocol::RestXml),
            ("ec2", Protocol::Ec2),
            ("kms", Protocol::Json),
            ("tagging", Protocol::Json),
            ("sts", Protocol::Query),
        ] {
            let (_, code) = code_of(ErrorKind::Throttling, service, protocol);
            assert!(sdk_throttling.contains(&code), "{service}: {code}");
        }
    }

    #[test]
    fn shapes_per_protocol() {
        let json = error_answer(
            ErrorKind::AccessDenied,
            "kms",
            "DescribeKey",
            Protocol::Json,
            false,
        );
        assert_eq!(json.status, 400);
        let body: serde_json::Value = serde_json::from_str(&json.body).unwrap();
        assert_eq!(body["__type"], "AccessDeniedException");
        assert!(body["message"]
            .as_str()
            .unwrap()
            .contains("kms:DescribeKey"));

        let s3 = error_answer(
            ErrorKind::Throttling,
            "s3",
            "GetBucketVersioning",
            Protocol::RestXml,
            false,
        );
        assert_eq!(s3.status, 503);
        assert!(
            s3.body.contains("<Error><Code>SlowDown</Code>"),
            "{}",
            s3.body
        );
        let head = error_answer(
            ErrorKind::AccessDenied,
            "s3",
            "HeadBucket",
            Protocol::RestXml,
            true,
        );
        assert_eq!((head.status, head.body.as_str()), (403, ""));

        let ec2 = error_answer(
            ErrorKind::Internal,
            "ec2",
            "DescribeVpcs",
            Protocol::Ec2,
            false,
        );
        assert_eq!(ec2.status, 500);
        assert!(ec2
            .body
            .contains("<Errors><Error><Code>InternalError</Code>"));

        let query = error_answer(
            ErrorKind::Unavailable,
            "cloudformation",
            "DescribeStacks",
            Protocol::Query,
            false,
        );
        assert_eq!(query.status, 503);
        assert!(query
            .body
            .contains("<Type>Receiver</Type><Code>ServiceUnavailable</Code>"));
    }
}
