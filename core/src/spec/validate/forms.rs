//! The lexical forms of specification values: identifiers, CloudFormation type names, ARNs,
//! SHA-256 digests (pure).

use std::sync::OnceLock;

use regex::Regex;

fn re(cell: &'static OnceLock<Regex>, pattern: &str) -> &'static Regex {
    cell.get_or_init(|| Regex::new(pattern).expect("static regex"))
}

/// `AWS::Service::Resource`.
pub fn is_cfn_type(text: &str) -> bool {
    static R: OnceLock<Regex> = OnceLock::new();
    re(&R, r"^[A-Za-z0-9]+::[A-Za-z0-9]+::[A-Za-z0-9]+$").is_match(text)
}

/// `arn:partition:service:region:account:resource`.
pub fn is_arn(text: &str) -> bool {
    static R: OnceLock<Regex> = OnceLock::new();
    re(
        &R,
        r"^arn:aws(-cn|-us-gov|-iso|-iso-b)?:[a-z0-9-]+:([a-z]{2}(-[a-z]+)+-\d)?:(\d{12}|aws)?:.+$",
    )
    .is_match(text)
}

/// Lowercase or uppercase 64-digit hex.
pub fn is_sha256_hex(text: &str) -> bool {
    text.len() == 64 && text.bytes().all(|b| b.is_ascii_hexdigit())
}

/// Identifiers (names, requirement ids, resource keys): an ASCII letter or digit, then ASCII
/// letters, digits and `_ . : / -`.
pub fn is_identifier(text: &str) -> bool {
    identifier_problem(text).is_none()
}

/// Why `text` is not an identifier (see [`is_identifier`]), naming the offending character;
/// `None` when it is one.
pub fn identifier_problem(text: &str) -> Option<String> {
    const ALLOWED: &str = "use ASCII letters, digits and _ . : / -";
    let describe = |c: char| match c {
        ' ' => "a space".to_string(),
        c if c.is_whitespace() => format!("whitespace (U+{:04X})", c as u32),
        c if c.is_control() => format!("the control character U+{:04X}", c as u32),
        c if !c.is_ascii() => format!("the non-ASCII character `{c}` (U+{:04X})", c as u32),
        c => format!("`{c}`"),
    };
    let allowed = |c: char| c.is_ascii_alphanumeric() || "_.:/-".contains(c);
    let Some(first) = text.chars().next() else {
        return Some("is empty".into());
    };
    if !first.is_ascii_alphanumeric() {
        return Some(format!(
            "must start with an ASCII letter or digit, not {}",
            describe(first)
        ));
    }
    text.chars()
        .find(|c| !allowed(*c))
        .map(|c| format!("contains {}; {ALLOWED}", describe(c)))
}
