//! The forms check parameter values take, and the one parser for them (pure).
//!
//! Every [`CheckParam`](super::CheckParam) declares a [`ParamKind`]. The same parser
//! ([`ParamKind::parse`]) checks a value at plan time (the specification's validation, the
//! qualification's check of the document it receives) and reads it at evaluation, where a
//! value that does not parse makes the check `error`: a malformed value never becomes the
//! default.

use std::fmt;

/// The form of a check parameter's value.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ParamKind {
    /// A whole number of days from `min` to `max`.
    Days { min: i64, max: i64 },
    /// A whole number from `min` to `max` (characters, passwords remembered, ...).
    Count { min: i64, max: i64 },
    /// `true` or `false` (any case).
    Boolean,
    /// One of the values (any case); read as the listed spelling.
    OneOf(&'static [&'static str]),
    /// A SHA-256 digest: 64 hexadecimal digits (read in lowercase).
    Sha256Hex,
    /// A KMS key: key id, key ARN, `alias/NAME` or alias ARN.
    KmsKey,
    /// A comma-separated list of ports or port ranges (`22,3389`, `8000-8100`).
    PortList,
    /// An S3 bucket name.
    BucketName,
    /// An S3 bucket name or bucket ARN (`arn:aws:s3:::NAME`).
    BucketNameOrArn,
}

/// A parsed parameter value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ParamValue {
    /// [`ParamKind::Days`].
    Days(i64),
    /// [`ParamKind::Count`].
    Count(i64),
    /// [`ParamKind::Boolean`].
    Boolean(bool),
    /// [`ParamKind::OneOf`]: the listed spelling.
    Choice(&'static str),
    /// [`ParamKind::PortList`]: inclusive ranges.
    Ports(Vec<(u16, u16)>),
    /// Every other kind: the value, trimmed (a digest in lowercase).
    Text(String),
}

impl ParamKind {
    /// The expected form, for messages: "a whole number of days from 1 to 36500".
    pub fn form(self) -> String {
        match self {
            ParamKind::Days { min, max } => {
                format!("a whole number of days from {min} to {max}")
            }
            ParamKind::Count { min, max } => format!("a whole number from {min} to {max}"),
            ParamKind::Boolean => "true or false".into(),
            ParamKind::OneOf(values) => format!("one of {}", values.join(", ")),
            ParamKind::Sha256Hex => "a SHA-256 digest (64 hexadecimal digits)".into(),
            ParamKind::KmsKey => {
                "a KMS key id, key ARN, alias/NAME or alias ARN".into()
            }
            ParamKind::PortList => {
                "a comma-separated list of ports or port ranges from 0 to 65535 (e.g. 22,3389 or 8000-8100)".into()
            }
            ParamKind::BucketName => "an S3 bucket name".into(),
            ParamKind::BucketNameOrArn => {
                "an S3 bucket name or bucket ARN (arn:aws:s3:::NAME)".into()
            }
        }
    }

    /// Parse `raw` (surrounding whitespace ignored); `Err` says why it is not of this form.
    pub fn parse(self, raw: &str) -> Result<ParamValue, String> {
        let v = raw.trim();
        if v.is_empty() {
            return Err("the value is empty (remove the entry to use the default)".into());
        }
        match self {
            ParamKind::Count { min, max } => match (ParamKind::Days { min, max }).parse(v)? {
                ParamValue::Days(n) => Ok(ParamValue::Count(n)),
                _ => Err("not a whole number".into()),
            },
            ParamKind::Days { min, max } => {
                if !v.bytes().all(|b| b.is_ascii_digit()) {
                    return Err("not a whole number".into());
                }
                match v.parse::<i64>() {
                    Ok(n) if (min..=max).contains(&n) => Ok(ParamValue::Days(n)),
                    _ => Err("out of range".into()),
                }
            }
            ParamKind::Boolean => match v.to_ascii_lowercase().as_str() {
                "true" => Ok(ParamValue::Boolean(true)),
                "false" => Ok(ParamValue::Boolean(false)),
                _ => Err("not true or false".into()),
            },
            ParamKind::OneOf(values) => values
                .iter()
                .find(|c| c.eq_ignore_ascii_case(v))
                .map(|c| ParamValue::Choice(c))
                .ok_or_else(|| "not one of the allowed values".into()),
            ParamKind::Sha256Hex => {
                if v.len() == 64 && v.bytes().all(|b| b.is_ascii_hexdigit()) {
                    Ok(ParamValue::Text(v.to_ascii_lowercase()))
                } else {
                    Err("not 64 hexadecimal digits".into())
                }
            }
            ParamKind::KmsKey => is_kms_key(v)
                .then(|| ParamValue::Text(v.to_string()))
                .ok_or_else(|| "not a KMS key reference".into()),
            ParamKind::PortList => parse_ports(v).map(ParamValue::Ports),
            ParamKind::BucketName => is_bucket_name(v)
                .then(|| ParamValue::Text(v.to_string()))
                .ok_or_else(|| "not a bucket name".into()),
            ParamKind::BucketNameOrArn => {
                let refused = || "not a bucket name or bucket ARN".to_string();
                let name = match v.strip_prefix("arn:") {
                    Some(rest) => match rest.split_once(":s3:::") {
                        Some((partition, name))
                            if partition.starts_with("aws") && !partition.contains(':') =>
                        {
                            name
                        }
                        _ => return Err(refused()),
                    },
                    None => v,
                };
                if is_bucket_name(name) {
                    Ok(ParamValue::Text(v.to_string()))
                } else {
                    Err(refused())
                }
            }
        }
    }
}

/// Why a parameter value was refused: the parameter, the value, the expected form.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParamError {
    /// `CHECK_ID.PARAMETER`.
    pub parameter: String,
    pub value: String,
    /// Why it does not parse ("not a whole number").
    pub reason: String,
    /// [`ParamKind::form`].
    pub expected: String,
}

impl fmt::Display for ParamError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "`{}` = {:?} is not valid ({}): expected {}",
            self.parameter, self.value, self.reason, self.expected
        )
    }
}

impl std::error::Error for ParamError {}

impl super::CheckParam {
    /// Parse a value of this parameter of check `check`.
    pub fn parse(&self, check: &str, raw: &str) -> Result<ParamValue, ParamError> {
        self.kind.parse(raw).map_err(|reason| ParamError {
            parameter: format!("{check}.{}", self.name),
            value: raw.to_string(),
            reason,
            expected: self.kind.form(),
        })
    }
}

/// Parse the value of a `CHECK_ID.PARAMETER` entry (as in `check_parameters`); `None` when
/// the key names no parameter of a catalog check (reported separately).
pub fn parse_entry(key: &str, value: &str) -> Option<Result<ParamValue, ParamError>> {
    let (check, name) = key.rsplit_once('.')?;
    let def = super::get(check)?;
    Some(def.param(name)?.parse(check, value))
}

/// `22`, `22,3389`, `8000-8100`: inclusive port ranges; empty pieces are ignored.
pub fn parse_ports(text: &str) -> Result<Vec<(u16, u16)>, String> {
    let mut out = Vec::new();
    for piece in text.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        let (lo, hi) = piece.split_once('-').unwrap_or((piece, piece));
        let port = |s: &str| {
            let s = s.trim();
            (!s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()))
                .then(|| s.parse::<u16>().ok())
                .flatten()
        };
        match (port(lo), port(hi)) {
            (Some(lo), Some(hi)) if lo <= hi => out.push((lo, hi)),
            _ => return Err(format!("{piece:?} is not a port or port range")),
        }
    }
    if out.is_empty() {
        return Err("no port is listed".into());
    }
    Ok(out)
}

/// An S3 bucket name: 3 to 255 ASCII letters, digits, dots, hyphens or underscores, starting
/// and ending with a letter or digit (names made since 2018 are 3 to 63 lowercase characters;
/// older ones in us-east-1 may be longer and mixed case).
pub fn is_bucket_name(name: &str) -> bool {
    let b = name.as_bytes();
    (3..=255).contains(&b.len())
        && b.iter()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'.' | b'-' | b'_'))
        && b[0].is_ascii_alphanumeric()
        && b[b.len() - 1].is_ascii_alphanumeric()
}

/// A KMS key reference: a key id (UUID, or `mrk-` and 32 hex digits), `alias/NAME`, or a key
/// or alias ARN (`arn:PARTITION:kms:REGION:ACCOUNT:key/ID` / `alias/NAME`).
pub fn is_kms_key(text: &str) -> bool {
    fn key_id(id: &str) -> bool {
        let uuid = id.len() == 36
            && id.bytes().enumerate().all(|(i, b)| {
                if matches!(i, 8 | 13 | 18 | 23) {
                    b == b'-'
                } else {
                    b.is_ascii_hexdigit()
                }
            });
        let mrk = id
            .strip_prefix("mrk-")
            .is_some_and(|h| h.len() == 32 && h.bytes().all(|b| b.is_ascii_hexdigit()));
        uuid || mrk
    }
    fn alias(name: &str) -> bool {
        !name.is_empty()
            && name.len() <= 250
            && name
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'/' | b'_' | b'-'))
    }
    fn reference(r: &str) -> bool {
        match r.strip_prefix("alias/") {
            Some(name) => alias(name),
            None => key_id(r),
        }
    }
    if let Some(rest) = text.strip_prefix("arn:") {
        let parts: Vec<&str> = rest.splitn(5, ':').collect();
        return parts.len() == 5
            && parts[0].starts_with("aws")
            && parts[1] == "kms"
            && !parts[2].is_empty()
            && parts[3].len() == 12
            && parts[3].bytes().all(|b| b.is_ascii_digit())
            && match parts[4].strip_prefix("key/") {
                Some(id) => key_id(id),
                None => parts[4].strip_prefix("alias/").is_some_and(alias),
            };
    }
    reference(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(kind: ParamKind, raw: &str) -> ParamValue {
        kind.parse(raw)
            .unwrap_or_else(|e| panic!("{kind:?} refused {raw:?}: {e}"))
    }

    fn refused(kind: ParamKind, raw: &str) {
        assert!(kind.parse(raw).is_err(), "{kind:?} accepted {raw:?}");
    }

    #[test]
    fn days_are_whole_numbers_within_bounds() {
        let count = ParamKind::Count { min: 0, max: 24 };
        assert_eq!(ok(count, "0"), ParamValue::Count(0));
        assert_eq!(ok(count, " 24 "), ParamValue::Count(24));
        refused(count, "25");
        refused(count, "-1");
        assert_eq!(count.form(), "a whole number from 0 to 24");
        let k = ParamKind::Days { min: 1, max: 36500 };
        assert_eq!(ok(k, "30"), ParamValue::Days(30));
        assert_eq!(ok(k, " 2555 "), ParamValue::Days(2555));
        assert_eq!(ok(k, "36500"), ParamValue::Days(36500));
        for bad in [
            "2555d",
            "abc",
            "0",
            "36501",
            "-1",
            "+5",
            "1.5",
            "",
            "  ",
            "1e3",
            "99999999999999999999",
        ] {
            refused(k, bad);
        }
        assert_eq!(k.form(), "a whole number of days from 1 to 36500");
    }

    #[test]
    fn booleans_are_true_or_false() {
        assert_eq!(ok(ParamKind::Boolean, "true"), ParamValue::Boolean(true));
        assert_eq!(ok(ParamKind::Boolean, "FALSE"), ParamValue::Boolean(false));
        for bad in ["yes", "1", "no", "t", ""] {
            refused(ParamKind::Boolean, bad);
        }
    }

    #[test]
    fn one_of_reads_the_listed_spelling() {
        let k = ParamKind::OneOf(&["COMPLIANCE", "GOVERNANCE"]);
        assert_eq!(ok(k, "compliance"), ParamValue::Choice("COMPLIANCE"));
        assert_eq!(ok(k, "GOVERNANCE"), ParamValue::Choice("GOVERNANCE"));
        refused(k, "LEGAL_HOLD");
        refused(k, "COMPLIANCE,GOVERNANCE");
        assert_eq!(k.form(), "one of COMPLIANCE, GOVERNANCE");
    }

    #[test]
    fn sha256_is_64_hex_digits_read_in_lowercase() {
        let hex = "AB".repeat(32);
        assert_eq!(
            ok(ParamKind::Sha256Hex, &hex),
            ParamValue::Text("ab".repeat(32))
        );
        refused(ParamKind::Sha256Hex, &"a".repeat(63));
        refused(ParamKind::Sha256Hex, &"g".repeat(64));
        refused(ParamKind::Sha256Hex, &format!("sha256:{}", "a".repeat(64)));
    }

    #[test]
    fn kms_keys_are_ids_aliases_and_arns() {
        for good in [
            "1234abcd-12ab-34cd-56ef-1234567890ab",
            "mrk-1234abcd12ab34cd56ef1234567890ab",
            "alias/gxp-evidence",
            "alias/aws/s3",
            "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab",
            "arn:aws-us-gov:kms:us-gov-west-1:123456789012:alias/gxp",
        ] {
            ok(ParamKind::KmsKey, good);
        }
        for bad in [
            "my-key",
            "alias/",
            "alias/with space",
            "key/1234abcd-12ab-34cd-56ef-1234567890ab",
            "arn:aws:s3:::bucket",
            "arn:aws:kms:us-east-1:123:key/1234abcd-12ab-34cd-56ef-1234567890ab",
            "arn:aws:kms:us-east-1:123456789012:key/nope",
        ] {
            refused(ParamKind::KmsKey, bad);
        }
    }

    #[test]
    fn port_lists_are_ports_and_ranges() {
        assert_eq!(
            ok(ParamKind::PortList, "22, 3389,8000-8100"),
            ParamValue::Ports(vec![(22, 22), (3389, 3389), (8000, 8100)])
        );
        assert_eq!(
            ok(ParamKind::PortList, "22,"),
            ParamValue::Ports(vec![(22, 22)])
        );
        for bad in ["", ",", "ssh", "22;3389", "70000", "100-10", "22-", "-1"] {
            refused(ParamKind::PortList, bad);
        }
    }

    #[test]
    fn bucket_names_and_arns() {
        for good in ["lims-data", "a.b-c", "Legacy_Bucket1"] {
            ok(ParamKind::BucketName, good);
            ok(ParamKind::BucketNameOrArn, good);
        }
        for bad in [
            "ab",
            "s3://lims-data",
            "lims data",
            "-lims",
            "lims/",
            "lims-",
        ] {
            refused(ParamKind::BucketName, bad);
            refused(ParamKind::BucketNameOrArn, bad);
        }
        ok(ParamKind::BucketNameOrArn, "arn:aws:s3:::lims-data");
        ok(ParamKind::BucketNameOrArn, "arn:aws-cn:s3:::lims-data");
        refused(ParamKind::BucketName, "arn:aws:s3:::lims-data");
        refused(ParamKind::BucketNameOrArn, "arn:aws:s3:::");
        refused(
            ParamKind::BucketNameOrArn,
            "arn:aws:kms:us-east-1:123456789012:alias/x",
        );
    }

    #[test]
    fn entries_are_parsed_by_their_catalog_parameter() {
        assert_eq!(
            parse_entry("logs.retention.min_days", "400"),
            Some(Ok(ParamValue::Days(400)))
        );
        let e = parse_entry("logs.retention.min_days", "abc")
            .unwrap()
            .unwrap_err();
        assert_eq!(e.parameter, "logs.retention.min_days");
        assert_eq!(parse_entry("logs.retention.colour", "red"), None);
        assert_eq!(parse_entry("nope.min_days", "1"), None);
        assert_eq!(parse_entry("nodot", "1"), None);
    }

    #[test]
    fn errors_name_the_parameter_the_value_and_the_form() {
        let p = super::super::CheckParam {
            name: "min_retention_days",
            description: "d",
            default: Some("1"),
            kind: ParamKind::Days { min: 1, max: 36500 },
        };
        let e = p.parse("s3.object_lock", "2555d").unwrap_err();
        assert_eq!(e.parameter, "s3.object_lock.min_retention_days");
        assert_eq!(
            e.to_string(),
            "`s3.object_lock.min_retention_days` = \"2555d\" is not valid (not a whole number): expected a whole number of days from 1 to 36500"
        );
        let e = p.parse("s3.object_lock", " ").unwrap_err();
        assert!(e.to_string().contains("the value is empty"), "{e}");
    }
}
