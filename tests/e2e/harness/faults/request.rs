//! Which AWS service and operation an HTTP request calls, and in which wire protocol.
//!
//! * service: the SigV4 credential scope of the `Authorization` header
//!   (`Credential=AKID/DATE/REGION/SERVICE/aws4_request`);
//! * operation: `X-Amz-Target` (JSON protocols), `Action=` of the form body or query
//!   string (query protocols), the path of the Smithy RPC v2 protocol
//!   (`/service/S/operation/OP`), or for S3 the `x-id` parameter, else method, path and
//!   sub-resource (`?versioning`, `?object-lock`, ...).
//!
//! S3 is addressed path-style (`/BUCKET/KEY`), as the end-to-end tests configure it.

/// The wire protocol of a call: it decides the shape of an injected error.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Protocol {
    /// `awsJson1_0` / `awsJson1_1` (`X-Amz-Target`): CloudTrail, KMS, Config, Logs, tagging.
    Json,
    /// `awsQuery`: STS, CloudFormation, RDS, SNS (`<ErrorResponse><Error>…`).
    Query,
    /// `ec2Query` (`<Response><Errors><Error>…`).
    Ec2,
    /// `restXml` of S3 (`<Error>…` at the top level).
    RestXml,
    /// Not signed, or not recognisable as an AWS call (e.g. moto's own `/moto-api/`).
    Other,
}

/// What a request calls.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Identified {
    /// SigV4 signing name (`s3`, `kms`, `ec2`, `logs`, `tagging`, ...); empty when unsigned.
    pub service: String,
    /// Operation name as in the AWS API reference (`GetBucketVersioning`, `DescribeKey`).
    pub operation: String,
    pub protocol: Protocol,
}

/// Identify a request from its method, path with query, headers and body.
pub fn identify(
    method: &str,
    path_and_query: &str,
    header: impl Fn(&str) -> Option<String>,
    body: &[u8],
) -> Identified {
    let service = header("authorization")
        .and_then(|a| sigv4_service(&a))
        .unwrap_or_default();
    let (path, query) = path_and_query
        .split_once('?')
        .unwrap_or((path_and_query, ""));
    if let Some(target) = header("x-amz-target") {
        let operation = target.rsplit('.').next().unwrap_or(&target).to_string();
        return Identified {
            service,
            operation,
            protocol: Protocol::Json,
        };
    }
    if let Some(rest) = path.strip_prefix("/service/") {
        if let Some((_, op)) = rest.split_once("/operation/") {
            return Identified {
                service,
                operation: op.trim_end_matches('/').to_string(),
                protocol: Protocol::Json,
            };
        }
    }
    if service == "s3" {
        return Identified {
            operation: s3_operation(method, path, query),
            service,
            protocol: Protocol::RestXml,
        };
    }
    let action = form_value(query, "Action")
        .or_else(|| form_value(&String::from_utf8_lossy(body), "Action"));
    match action {
        Some(operation) => Identified {
            protocol: if service == "ec2" {
                Protocol::Ec2
            } else {
                Protocol::Query
            },
            service,
            operation,
        },
        None => Identified {
            service,
            operation: format!("{method} {path}"),
            protocol: Protocol::Other,
        },
    }
}

/// The service of a SigV4 `Authorization` header.
pub fn sigv4_service(authorization: &str) -> Option<String> {
    let credential = authorization
        .split([',', ' '])
        .find_map(|part| part.trim().strip_prefix("Credential="))?;
    // AKID/DATE/REGION/SERVICE/aws4_request
    let parts: Vec<&str> = credential.split('/').collect();
    (parts.len() == 5 && parts[4] == "aws4_request").then(|| parts[3].to_string())
}

/// The first value of `name` in an `application/x-www-form-urlencoded` string.
pub fn form_value(form: &str, name: &str) -> Option<String> {
    form.split('&').find_map(|pair| {
        let (k, v) = pair.split_once('=')?;
        (percent_decode(k) == name).then(|| percent_decode(v))
    })
}

/// `%XX` and `+` decoded (lossy on invalid UTF-8).
pub fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if i + 3 <= bytes.len() => match (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                (Some(hi), Some(lo)) => {
                    out.push(hi << 4 | lo);
                    i += 2;
                }
                _ => out.push(b'%'),
            },
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The value of one hexadecimal digit.
fn hex(digit: u8) -> Option<u8> {
    (digit as char).to_digit(16).map(|d| d as u8)
}

/// S3 sub-resources and the operation they name, by method: the S3 service's own table.
use gxp_core::aws::calls::S3_OPERATION_OF_SUBRESOURCE as S3_SUBRESOURCES;

/// The S3 operation of a path-style request.
pub fn s3_operation(method: &str, path: &str, query: &str) -> String {
    if let Some(x_id) = form_value(query, "x-id") {
        return x_id;
    }
    let keys: Vec<String> = query
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| percent_decode(p.split('=').next().unwrap_or(p)))
        .collect();
    let mut segments = path.trim_start_matches('/').splitn(2, '/');
    let bucket = segments.next().unwrap_or_default();
    let has_key = segments.next().is_some_and(|k| !k.is_empty());
    if let Some((_, _, op)) = S3_SUBRESOURCES
        .iter()
        .find(|(m, sub, _)| *m == method && keys.iter().any(|k| k == sub))
    {
        let op = *op;
        // Object-level variants of the tagging and retention sub-resources.
        return match (op, has_key) {
            ("GetBucketTagging", true) => "GetObjectTagging".into(),
            ("PutBucketTagging", true) => "PutObjectTagging".into(),
            _ => op.into(),
        };
    }
    match (method, bucket.is_empty(), has_key) {
        ("GET", true, _) => "ListBuckets".into(),
        ("HEAD", false, false) => "HeadBucket".into(),
        ("GET", false, false) => "ListObjects".into(),
        ("PUT", false, false) => "CreateBucket".into(),
        ("DELETE", false, false) => "DeleteBucket".into(),
        ("HEAD", false, true) => "HeadObject".into(),
        ("GET", false, true) => "GetObject".into(),
        ("PUT", false, true) => "PutObject".into(),
        ("DELETE", false, true) => "DeleteObject".into(),
        _ => format!("{method} {path}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id(method: &str, pq: &str, headers: &[(&str, &str)], body: &str) -> Identified {
        identify(
            method,
            pq,
            |name| {
                headers
                    .iter()
                    .find(|(k, _)| k.eq_ignore_ascii_case(name))
                    .map(|(_, v)| v.to_string())
            },
            body.as_bytes(),
        )
    }

    fn auth(service: &str) -> String {
        format!(
            "AWS4-HMAC-SHA256 Credential=testing/20260301/us-east-1/{service}/aws4_request, \
             SignedHeaders=host;x-amz-date, Signature=abc"
        )
    }

    #[test]
    fn json_protocols_are_named_by_their_target() {
        let a = auth("kms");
        let got = id(
            "POST",
            "/",
            &[
                ("Authorization", &a),
                ("X-Amz-Target", "TrentService.DescribeKey"),
            ],
            "{}",
        );
        assert_eq!(
            got,
            Identified {
                service: "kms".into(),
                operation: "DescribeKey".into(),
                protocol: Protocol::Json
            }
        );
        let a = auth("cloudtrail");
        let got = id(
            "POST",
            "/",
            &[
                ("authorization", &a),
                (
                    "x-amz-target",
                    "com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.GetTrailStatus",
                ),
            ],
            "{}",
        );
        assert_eq!(
            (got.service.as_str(), got.operation.as_str()),
            ("cloudtrail", "GetTrailStatus")
        );
    }

    #[test]
    fn query_protocols_are_named_by_their_action() {
        let a = auth("ec2");
        let got = id(
            "POST",
            "/",
            &[("Authorization", &a)],
            "Action=DescribeSecurityGroups&Version=2016-11-15&GroupId.1=sg-1",
        );
        assert_eq!(got.operation, "DescribeSecurityGroups");
        assert_eq!(got.protocol, Protocol::Ec2);
        let a = auth("sts");
        let got = id(
            "POST",
            "/",
            &[("Authorization", &a)],
            "Action=GetCallerIdentity&Version=2011-06-15",
        );
        assert_eq!(
            (got.service.as_str(), got.operation.as_str(), got.protocol),
            ("sts", "GetCallerIdentity", Protocol::Query)
        );
        let got = id("GET", "/?Action=DescribeStacks&Version=2010-05-15", &[], "");
        assert_eq!(got.operation, "DescribeStacks");
        assert_eq!(got.service, "", "unsigned");
    }

    #[test]
    fn s3_operations_from_method_path_and_sub_resource() {
        let a = auth("s3");
        let op = |m: &str, pq: &str| id(m, pq, &[("Authorization", &a)], "").operation;
        assert_eq!(op("HEAD", "/data"), "HeadBucket");
        assert_eq!(op("GET", "/data?versioning"), "GetBucketVersioning");
        assert_eq!(op("GET", "/data?object-lock"), "GetObjectLockConfiguration");
        assert_eq!(
            op("GET", "/data?publicAccessBlock="),
            "GetPublicAccessBlock"
        );
        assert_eq!(op("GET", "/data?encryption"), "GetBucketEncryption");
        assert_eq!(op("GET", "/data?tagging"), "GetBucketTagging");
        assert_eq!(op("GET", "/data?list-type=2&prefix=a%2Fb"), "ListObjectsV2");
        assert_eq!(op("PUT", "/data/a/b.json?x-id=PutObject"), "PutObject");
        assert_eq!(op("PUT", "/data/a/b.json"), "PutObject");
        assert_eq!(op("GET", "/data/a/b.json"), "GetObject");
        assert_eq!(op("GET", "/data/k?tagging"), "GetObjectTagging");
        assert_eq!(op("PUT", "/data"), "CreateBucket");
        assert_eq!(op("GET", "/"), "ListBuckets");
        assert_eq!(
            id("HEAD", "/data", &[("Authorization", &a)], "").protocol,
            Protocol::RestXml
        );
    }

    #[test]
    fn rpc_v2_paths_and_unknown_requests() {
        let a = auth("monitoring");
        let got = id(
            "POST",
            "/service/GraniteServiceVersion20100801/operation/GetMetricData",
            &[("Authorization", &a)],
            "",
        );
        assert_eq!(got.operation, "GetMetricData");
        let got = id("GET", "/moto-api/", &[], "");
        assert_eq!(got.protocol, Protocol::Other);
        assert_eq!(got.operation, "GET /moto-api/");
    }

    #[test]
    fn forms_are_decoded() {
        assert_eq!(percent_decode("arn%3Aaws%3Akms+x%2"), "arn:aws:kms x%2");
        assert_eq!(
            form_value("A=1&Action=Describe%41", "Action").unwrap(),
            "DescribeA"
        );
        assert_eq!(form_value("A=1", "Action"), None);
        assert_eq!(sigv4_service("Bearer x"), None);
    }
}
