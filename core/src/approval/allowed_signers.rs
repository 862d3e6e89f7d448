//! The OpenSSH allowed_signers format (ssh-keygen(1), "ALLOWED SIGNERS"): who may sign with
//! which SSH key.
//!
//! One entry a line: `principals [options] keytype base64 [comment]`. Principals are
//! comma-separated patterns with `*` and `?`; options are comma-separated
//! `namespaces="a,b"`, `valid-after="YYYYMMDD[HHMM[SS]][Z]"` and `valid-before=…` (times
//! without `Z` are read as UTC here; ssh-keygen reads them as local time). `cert-authority`
//! is refused: list the signer's own key. Blank lines and `#` comments are skipped.

use ssh_key::PublicKey;
use time::OffsetDateTime;

use super::statement::NAMESPACE;

/// One entry of an allowed_signers list.
#[derive(Debug, Clone, PartialEq)]
pub struct AllowedSigner {
    /// 1-based line of the entry.
    pub line: usize,
    pub principals: Vec<String>,
    pub valid_after: Option<OffsetDateTime>,
    pub valid_before: Option<OffsetDateTime>,
    pub key: PublicKey,
}

/// The entries of an allowed_signers text and notes on the ones skipped, or the problems as
/// `(line, message)`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Parsed {
    pub signers: Vec<AllowedSigner>,
    pub notes: Vec<(usize, String)>,
}

impl AllowedSigner {
    /// Whether `signer` matches one of the principals and `at` (when known) is in the
    /// validity window.
    pub fn admits(&self, signer: &str, at: Option<OffsetDateTime>) -> bool {
        let in_window = at.is_none_or(|t| {
            self.valid_after.is_none_or(|a| t >= a) && self.valid_before.is_none_or(|b| t < b)
        });
        in_window && self.principals.iter().any(|p| glob(p, signer))
    }
}

/// `*` and `?` patterns, as OpenSSH matches principals.
pub fn glob(pattern: &str, text: &str) -> bool {
    fn go(p: &[char], t: &[char]) -> bool {
        match p.split_first() {
            None => t.is_empty(),
            Some(('*', rest)) => (0..=t.len()).any(|i| go(rest, &t[i..])),
            Some(('?', rest)) => !t.is_empty() && go(rest, &t[1..]),
            Some((c, rest)) => t.first() == Some(c) && go(rest, &t[1..]),
        }
    }
    let p: Vec<char> = pattern.chars().collect();
    let t: Vec<char> = text.chars().collect();
    go(&p, &t)
}

/// Split on `sep` outside double quotes (quotes are kept).
fn split_outside_quotes(text: &str, is_sep: impl Fn(char) -> bool) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut quoted = false;
    for c in text.chars() {
        if c == '"' {
            quoted = !quoted;
            cur.push(c);
        } else if !quoted && is_sep(c) {
            if !cur.is_empty() {
                out.push(std::mem::take(&mut cur));
            }
        } else {
            cur.push(c);
        }
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

fn unquote(v: &str) -> &str {
    v.strip_prefix('"')
        .and_then(|v| v.strip_suffix('"'))
        .unwrap_or(v)
}

/// `YYYYMMDD[HHMM[SS]][Z]`.
fn parse_stamp(v: &str) -> Option<OffsetDateTime> {
    let v = v.strip_suffix('Z').unwrap_or(v);
    if !v.bytes().all(|b| b.is_ascii_digit()) || ![8, 12, 14].contains(&v.len()) {
        return None;
    }
    let n = |a: usize, b: usize| v.get(a..b).and_then(|s| s.parse::<u32>().ok());
    let date = time::Date::from_calendar_date(
        n(0, 4)? as i32,
        time::Month::try_from(n(4, 6)? as u8).ok()?,
        n(6, 8)? as u8,
    )
    .ok()?;
    let (h, m, s) = match v.len() {
        8 => (0, 0, 0),
        12 => (n(8, 10)?, n(10, 12)?, 0),
        _ => (n(8, 10)?, n(10, 12)?, n(12, 14)?),
    };
    let t = time::Time::from_hms(h as u8, m as u8, s as u8).ok()?;
    Some(date.with_time(t).assume_utc())
}

fn is_key_type(token: &str) -> bool {
    token.parse::<ssh_key::Algorithm>().is_ok()
}

/// Parse an allowed_signers text.
pub fn parse(text: &str) -> Result<Parsed, Vec<(usize, String)>> {
    let mut parsed = Parsed::default();
    let mut problems = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        let line = i + 1;
        let trimmed = raw.trim();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        match entry(line, trimmed) {
            Ok(Some(s)) => parsed.signers.push(s),
            Ok(None) => parsed.notes.push((
                line,
                format!("entry skipped: its namespaces do not include `{NAMESPACE}`"),
            )),
            Err(e) => problems.push((line, e)),
        }
    }
    if problems.is_empty() {
        Ok(parsed)
    } else {
        Err(problems)
    }
}

fn entry(line: usize, text: &str) -> Result<Option<AllowedSigner>, String> {
    let tokens = split_outside_quotes(text, char::is_whitespace);
    let mut it = tokens.iter();
    let principals: Vec<String> = unquote(it.next().ok_or("empty entry")?)
        .split(',')
        .filter(|p| !p.is_empty())
        .map(str::to_string)
        .collect();
    if principals.is_empty() {
        return Err("no principals".into());
    }
    let mut next = it.next().ok_or("no key")?;
    let (mut namespaces, mut valid_after, mut valid_before) = (None, None, None);
    if !is_key_type(next) {
        for option in split_outside_quotes(next, |c| c == ',') {
            let (name, value) = match option.split_once('=') {
                Some((n, v)) => (n.to_ascii_lowercase(), Some(unquote(v).to_string())),
                None => (option.to_ascii_lowercase(), None),
            };
            match (name.as_str(), value) {
                ("cert-authority", _) => {
                    return Err(
                        "certificate authorities are not supported: list the signer's own key"
                            .into(),
                    )
                }
                ("namespaces", Some(v)) => {
                    namespaces = Some(v.split(',').map(str::to_string).collect::<Vec<_>>())
                }
                ("valid-after", Some(v)) => {
                    valid_after =
                        Some(parse_stamp(&v).ok_or_else(|| {
                            format!("valid-after `{v}` is not YYYYMMDD[HHMM[SS]][Z]")
                        })?)
                }
                ("valid-before", Some(v)) => {
                    valid_before = Some(parse_stamp(&v).ok_or_else(|| {
                        format!("valid-before `{v}` is not YYYYMMDD[HHMM[SS]][Z]")
                    })?)
                }
                (other, _) => return Err(format!("unknown option `{other}`")),
            }
        }
        next = it.next().ok_or("no key after the options")?;
    }
    let data = it.next().ok_or("the key has no base64 part")?;
    let key = PublicKey::from_openssh(&format!("{next} {data}"))
        .map_err(|e| format!("`{next}` key cannot be read: {e}"))?;
    if namespaces
        .as_ref()
        .is_some_and(|ns| !ns.iter().any(|n| glob(n, NAMESPACE)))
    {
        return Ok(None);
    }
    Ok(Some(AllowedSigner {
        line,
        principals,
        valid_after,
        valid_before,
        key,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    const ALICE: &str = include_str!("testdata/alice_ed25519.pub");
    const BOB: &str = include_str!("testdata/bob_ecdsa256.pub");

    fn key(pubfile: &str) -> String {
        pubfile
            .split_whitespace()
            .take(2)
            .collect::<Vec<_>>()
            .join(" ")
    }

    #[test]
    fn entries_comments_principals_and_patterns() {
        let text = format!(
            "# QA signers\n\nalice@example.com,a.example@example.com {} alice laptop\n*@example.com {}\n",
            key(ALICE),
            key(BOB)
        );
        let p = parse(&text).unwrap();
        assert_eq!(p.signers.len(), 2);
        assert_eq!(p.signers[0].line, 3);
        assert!(p.signers[0].admits("a.example@example.com", None));
        assert!(!p.signers[0].admits("bob@example.com", None));
        assert!(p.signers[1].admits("bob@example.com", None));
        assert!(!p.signers[1].admits("bob@example.org", None));
        assert!(glob("b?b@*", "bob@x") && !glob("b?b@*", "bb@x"));
    }

    #[test]
    fn namespaces_and_validity_windows() {
        let text = format!(
            "alice@example.com namespaces=\"git\" {}\nbob@example.com namespaces=\"git,gxp-spec\",valid-before=\"20260101\" {}\n",
            key(ALICE),
            key(BOB)
        );
        let p = parse(&text).unwrap();
        assert_eq!(p.signers.len(), 1, "the git-only entry is skipped");
        assert_eq!(p.notes[0].0, 1);
        let bob = &p.signers[0];
        let before = crate::util::parse_time("2025-12-31T23:00:00Z");
        let after = crate::util::parse_time("2026-03-01T09:30:00Z");
        assert!(bob.admits("bob@example.com", before));
        assert!(!bob.admits("bob@example.com", after), "valid-before passed");
        let windowed = parse(&format!("x valid-after=\"202603011000Z\" {}\n", key(ALICE))).unwrap();
        assert!(!windowed.signers[0].admits("x", after));
    }

    #[test]
    fn problems_carry_their_line() {
        let text = format!(
            "alice@example.com {}\nca@example.com cert-authority {}\nbob@example.com ssh-ed25519 AAAAnotbase64!\n",
            key(ALICE),
            key(BOB)
        );
        let e = parse(&text).unwrap_err();
        assert_eq!(e.len(), 2);
        assert_eq!(e[0].0, 2);
        assert!(e[0].1.contains("certificate authorities"), "{}", e[0].1);
        assert_eq!(e[1].0, 3);
        assert!(parse("x valid-after=\"yesterday\" ssh-ed25519 AAAA\n").is_err());
    }
}
