//! Compatibility with emulators whose S3 answers the SDK cannot parse.
//!
//! moto 5.2 answers GetBucketVersioning with the root element `GetBucketVersioningResponse`
//! instead of `VersioningConfiguration`; the SDK then fails with a parse error on an HTTP 200.
//! Real AWS never takes this path. Anything other than a well-formed document with an
//! `Enabled`/`Suspended` status stays an error.

use aws_sdk_s3::error::SdkError;
use aws_smithy_runtime_api::http::Response;

/// Versioning as read from a misnamed answer.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Versioning {
    pub status: Option<String>,
    pub mfa_delete: Option<String>,
}

/// The versioning of a failed GetBucketVersioning call whose HTTP 200 body has the misnamed
/// root; `None` for every other error.
pub fn misnamed_versioning_answer<E>(err: &SdkError<E, Response>) -> Option<Versioning> {
    let raw = err.raw_response()?;
    if raw.status().as_u16() != 200 {
        return None;
    }
    let body = raw.body().bytes()?;
    // A cut answer is malformed, not misnamed, however much of it reads well.
    if super::wellformed::xml_problem(body).is_some() {
        return None;
    }
    parse_misnamed_versioning(std::str::from_utf8(body).ok()?)
}

fn element<'a>(body: &'a str, tag: &str) -> Option<Option<&'a str>> {
    let Some((_, after)) = body.split_once(&format!("<{tag}>")) else {
        return Some(None);
    };
    let (value, _) = after.split_once(&format!("</{tag}>"))?;
    Some(Some(value.trim()))
}

/// Parse a `GetBucketVersioningResponse` body; `None` for any other root or value.
pub fn parse_misnamed_versioning(body: &str) -> Option<Versioning> {
    let body = body.trim_start();
    let body = match body.strip_prefix("<?xml") {
        Some(rest) => rest.split_once("?>")?.1.trim_start(),
        None => body,
    };
    let rest = body.strip_prefix("<GetBucketVersioningResponse")?;
    if !rest.starts_with([' ', '>', '/']) {
        return None;
    }
    let status = match element(rest, "Status")? {
        None => None,
        Some(s @ ("Enabled" | "Suspended")) => Some(s.to_string()),
        Some(_) => return None,
    };
    let mfa_delete = match element(rest, "MfaDelete")? {
        None => None,
        Some(m @ ("Enabled" | "Disabled")) => Some(m.to_string()),
        Some(_) => return None,
    };
    Some(Versioning { status, mfa_delete })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn status(body: &str) -> Option<Option<String>> {
        parse_misnamed_versioning(body).map(|v| v.status)
    }

    #[test]
    fn moto_versioning_answers_are_read() {
        let decl = "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n";
        let ns = "xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"";
        assert_eq!(
            status(&format!("{decl}<GetBucketVersioningResponse {ns}><Status>Enabled</Status></GetBucketVersioningResponse>")),
            Some(Some("Enabled".into()))
        );
        assert_eq!(
            parse_misnamed_versioning(&format!("<GetBucketVersioningResponse {ns}><Status>Suspended</Status><MfaDelete>Disabled</MfaDelete></GetBucketVersioningResponse>")),
            Some(Versioning { status: Some("Suspended".into()), mfa_delete: Some("Disabled".into()) })
        );
        assert_eq!(
            status(&format!("{decl}<GetBucketVersioningResponse {ns}/>")),
            Some(None)
        );
        assert_eq!(status("<Error><Code>x</Code></Error>"), None);
        assert_eq!(
            status("<GetBucketVersioningResponseX><Status>Enabled</Status>"),
            None
        );
        assert_eq!(
            status("<GetBucketVersioningResponse><Status>On</Status>"),
            None
        );
    }
}
