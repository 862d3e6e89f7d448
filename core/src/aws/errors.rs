//! Classification of AWS SDK errors into what a check or a diagnostic needs to know.

use aws_smithy_runtime_api::client::result::SdkError;
use aws_smithy_runtime_api::http::Response as HttpResponse;
use aws_smithy_types::error::display::DisplayErrorContext;
use aws_smithy_types::error::metadata::ProvideErrorMetadata;

/// What kind of failure an AWS call had.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AwsErrorKind {
    /// The endpoint could not be reached (connection refused, DNS, TLS).
    Unreachable,
    /// The call timed out.
    Timeout,
    /// No credentials could be found.
    NoCredentials,
    /// Credentials were rejected (invalid, expired, bad signature).
    CredentialsRejected,
    /// The caller is not allowed to make the call.
    AccessDenied,
    /// Throttled by the service.
    Throttled,
    /// The resource or configuration does not exist.
    NotFound,
    /// The endpoint does not implement the operation.
    Unsupported,
    /// A successful answer whose body is not well-formed for the service's protocol
    /// (see [`super::wellformed`]); it was not used.
    Malformed,
    /// Anything else.
    Other,
}

/// An AWS error with its kind, error code and full message.
#[derive(Debug, Clone)]
pub struct ClassifiedError {
    pub kind: AwsErrorKind,
    pub code: Option<String>,
    pub message: String,
}

impl std::fmt::Display for ClassifiedError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.code {
            Some(code) => write!(f, "{code}: {}", self.message),
            None => write!(f, "{}", self.message),
        }
    }
}

impl std::error::Error for ClassifiedError {}

const NOT_FOUND_SUFFIXES: [&str; 3] = ["NotFound", "NotFoundException", "NotFoundFault"];

/// Classify an error code returned by a service.
pub fn kind_of_code(code: &str) -> AwsErrorKind {
    match code {
        "InvalidClientTokenId"
        | "SignatureDoesNotMatch"
        | "ExpiredToken"
        | "InvalidAccessKeyId"
        | "UnrecognizedClientException"
        | "AuthFailure"
        | "ExpiredTokenException" => AwsErrorKind::CredentialsRejected,
        "AccessDenied"
        | "AccessDeniedException"
        | "UnauthorizedOperation"
        | "AuthorizationError"
        | "Forbidden" => AwsErrorKind::AccessDenied,
        "Throttling"
        | "ThrottlingException"
        | "TooManyRequestsException"
        | "RequestLimitExceeded"
        | "SlowDown"
        | "RequestThrottled" => AwsErrorKind::Throttled,
        "NotImplemented"
        | "InvalidAction"
        | "UnsupportedOperation"
        | "UnknownOperationException" => AwsErrorKind::Unsupported,
        c if c.starts_with("NoSuch") || NOT_FOUND_SUFFIXES.iter().any(|s| c.ends_with(s)) => {
            AwsErrorKind::NotFound
        }
        _ => AwsErrorKind::Other,
    }
}

/// Classify an SDK error.
pub fn classify<E>(err: &SdkError<E, HttpResponse>) -> ClassifiedError
where
    E: ProvideErrorMetadata + std::error::Error + 'static,
{
    if let Some(malformed) = super::wellformed::find_malformed(err) {
        return ClassifiedError {
            kind: AwsErrorKind::Malformed,
            code: None,
            message: shorten(&malformed.to_string(), 600),
        };
    }
    let message = DisplayErrorContext(err).to_string();
    let lower = message.to_ascii_lowercase();
    let (kind, code) = match err {
        SdkError::DispatchFailure(d) if d.is_timeout() => (AwsErrorKind::Timeout, None),
        SdkError::DispatchFailure(d) if d.is_io() => (AwsErrorKind::Unreachable, None),
        SdkError::TimeoutError(_) => (AwsErrorKind::Timeout, None),
        SdkError::ServiceError(se) => {
            let code = se.err().code().map(str::to_string);
            let kind = code
                .as_deref()
                .map(kind_of_code)
                .unwrap_or(AwsErrorKind::Other);
            let status = se.raw().status().as_u16();
            // A 404 without an AWS error code is not "resource missing": every service
            // names the missing resource in an error code, and answers that legitimately
            // have no body (S3 HEAD) get the code `NotFound` from the SDK. It stays `Other`:
            // the check is `error`, never `failed` on a made-up absence.
            let kind = match (kind, status) {
                (AwsErrorKind::Other, 501) => AwsErrorKind::Unsupported,
                // A 5xx without an AWS error code is an endpoint that does not implement the
                // operation (emulators answer so); AWS's own 5xx carry InternalFailure etc.
                (AwsErrorKind::Other, 500..=599) if code.is_none() => AwsErrorKind::Unsupported,
                (k, _) => k,
            };
            (kind, code)
        }
        _ if lower.contains("no credentials") || lower.contains("credentials provider") => {
            (AwsErrorKind::NoCredentials, None)
        }
        _ if lower.contains("connection refused")
            || lower.contains("dns error")
            || lower.contains("error trying to connect") =>
        {
            (AwsErrorKind::Unreachable, None)
        }
        _ => (AwsErrorKind::Other, err.code().map(str::to_string)),
    };
    let message = match (kind, err) {
        (AwsErrorKind::Unsupported, _) if code.is_none() => {
            "the endpoint does not support this operation (HTTP 5xx without an AWS error code)"
                .to_string()
        }
        (_, SdkError::ServiceError(se)) => {
            let status = se.raw().status().as_u16();
            let detail = se
                .err()
                .message()
                .map(str::to_string)
                .or_else(|| {
                    let body = std::str::from_utf8(se.raw().body().bytes()?).ok()?;
                    Some(body.split_whitespace().collect::<Vec<_>>().join(" "))
                })
                .unwrap_or_default();
            let note = if status == 404 && code.is_none() {
                " without an AWS error code (not an answer that says the resource is missing)"
            } else {
                ""
            };
            shorten(&format!("HTTP {status}{note}: {detail}"), 600)
        }
        _ => shorten(&message, 600),
    };
    ClassifiedError {
        kind,
        code,
        message,
    }
}

/// At most `max` characters, on a character boundary.
pub fn shorten(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let cut: String = text.chars().take(max).collect();
    format!("{cut}…")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_map_to_kinds() {
        assert_eq!(
            kind_of_code("InvalidClientTokenId"),
            AwsErrorKind::CredentialsRejected
        );
        assert_eq!(kind_of_code("AccessDenied"), AwsErrorKind::AccessDenied);
        assert_eq!(kind_of_code("ThrottlingException"), AwsErrorKind::Throttled);
        assert_eq!(kind_of_code("NoSuchBucket"), AwsErrorKind::NotFound);
        assert_eq!(
            kind_of_code("TrailNotFoundException"),
            AwsErrorKind::NotFound
        );
        assert_eq!(kind_of_code("DBInstanceNotFound"), AwsErrorKind::NotFound);
        assert_eq!(kind_of_code("Whatever"), AwsErrorKind::Other);
    }
}
