//! Terraform version constraints (pure): a comma-separated list of `=`, `!=`, `>`, `>=`,
//! `<`, `<=`, `~>` and bare versions, all of which must hold.
//!
//! `~> X.Y.Z` fixes every given segment but the last, which may grow: `~> 1.11` is
//! `>= 1.11, < 2.0`, `~> 1.11.0` is `>= 1.11.0, < 1.12.0`; `~> 1` fixes the major version
//! (`>= 1, < 2`), as Terraform's provider constraints do. A pre-release version
//! (`1.12.0-beta1`) matches only `=` and bare constraints naming it exactly (and `!=` others).

use std::cmp::Ordering;

/// A version: up to three numeric segments (missing ones are 0) and a pre-release label.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Version {
    segments: [u64; 3],
    /// How many segments were written.
    given: usize,
    prerelease: Option<String>,
}

impl Version {
    /// Parse `1`, `1.2`, `1.2.3`, `1.2.3-beta1`, `v1.2.3` (a build suffix `+…` is ignored).
    pub fn parse(text: &str) -> Result<Version, String> {
        let t = text.trim();
        let t = t.strip_prefix('v').unwrap_or(t);
        let t = t.split('+').next().unwrap_or(t);
        let (core, prerelease) = match t.split_once('-') {
            Some((c, p)) if !p.is_empty() => (c, Some(p.to_string())),
            Some(_) => return Err(format!("`{text}` is not a version")),
            None => (t, None),
        };
        let parts: Vec<&str> = core.split('.').collect();
        if parts.is_empty() || parts.len() > 3 {
            return Err(format!(
                "`{text}` is not a version (1 to 3 numeric segments)"
            ));
        }
        let mut segments = [0u64; 3];
        for (i, p) in parts.iter().enumerate() {
            if p.is_empty() || !p.bytes().all(|b| b.is_ascii_digit()) {
                return Err(format!("`{text}` is not a version"));
            }
            segments[i] = p
                .parse()
                .map_err(|_| format!("`{text}` is not a version (segment too large)"))?;
        }
        Ok(Version {
            segments,
            given: parts.len(),
            prerelease,
        })
    }

    fn cmp_release(&self, other: &Version) -> Ordering {
        self.segments.cmp(&other.segments)
    }
}

impl PartialOrd for Version {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Version {
    /// Numeric segments, then a pre-release before its release.
    fn cmp(&self, other: &Self) -> Ordering {
        self.cmp_release(other)
            .then_with(|| match (&self.prerelease, &other.prerelease) {
                (None, None) => Ordering::Equal,
                (Some(_), None) => Ordering::Less,
                (None, Some(_)) => Ordering::Greater,
                (Some(a), Some(b)) => a.cmp(b),
            })
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Op {
    Eq,
    Ne,
    Gt,
    Ge,
    Lt,
    Le,
    Pessimistic,
}

/// A parsed constraint: every part must hold.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Constraint {
    parts: Vec<(Op, Version)>,
}

impl Constraint {
    /// Parse a constraint such as `>= 1.9, < 2.0` or `~> 5.0`.
    pub fn parse(text: &str) -> Result<Constraint, String> {
        if text.trim().is_empty() {
            return Err("an empty version constraint".into());
        }
        let mut parts = Vec::new();
        for part in text.split(',') {
            let p = part.trim();
            let (op, rest) = [
                ("~>", Op::Pessimistic),
                (">=", Op::Ge),
                ("<=", Op::Le),
                ("!=", Op::Ne),
                ("=", Op::Eq),
                (">", Op::Gt),
                ("<", Op::Lt),
            ]
            .into_iter()
            .find_map(|(sym, op)| p.strip_prefix(sym).map(|r| (op, r)))
            .unwrap_or((Op::Eq, p));
            let v = Version::parse(rest).map_err(|e| format!("`{p}` in `{text}`: {e}"))?;
            parts.push((op, v));
        }
        Ok(Constraint { parts })
    }

    /// Whether `v` meets every part.
    pub fn matches(&self, v: &Version) -> bool {
        self.parts.iter().all(|(op, c)| {
            if v.prerelease.is_some() || c.prerelease.is_some() {
                // Pre-releases match only exactly.
                return match op {
                    Op::Eq => v == c,
                    Op::Ne => v != c,
                    _ => false,
                };
            }
            match op {
                Op::Eq => v.cmp_release(c) == Ordering::Equal,
                Op::Ne => v.cmp_release(c) != Ordering::Equal,
                Op::Gt => v > c,
                Op::Ge => v >= c,
                Op::Lt => v < c,
                Op::Le => v <= c,
                Op::Pessimistic => {
                    let fixed = c.given.saturating_sub(1).max(1);
                    v >= c && v.segments[..fixed] == c.segments[..fixed]
                }
            }
        })
    }
}

/// Whether `version` meets `constraint`; an error names which of the two does not parse.
pub fn satisfies(version: &str, constraint: &str) -> Result<bool, String> {
    let c = Constraint::parse(constraint).map_err(|e| format!("invalid constraint: {e}"))?;
    let v = Version::parse(version).map_err(|e| format!("invalid version: {e}"))?;
    Ok(c.matches(&v))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn constraints_match_as_terraform_reads_them() {
        for (constraint, version, want) in [
            ("~> 1.11", "1.11.4", true),
            ("~> 1.11", "1.99.0", true),
            ("~> 1.11", "2.0.0", false),
            ("~> 1.11", "1.10.9", false),
            ("~> 1.11.0", "1.11.7", true),
            ("~> 1.11.0", "1.12.0", false),
            ("~> 1", "1.15.5", true),
            ("~> 1", "2.0.0", false),
            (">= 1.9, < 2.0", "1.9.0", true),
            (">= 1.9, < 2.0", "1.15.5", true),
            (">= 1.9, < 2.0", "2.0.0", false),
            (">= 1.9, < 2.0", "1.8.9", false),
            ("!= 1.10.0", "1.10.0", false),
            ("!= 1.10.0", "1.10.1", true),
            ("5.100.0", "5.100.0", true),
            ("5.100.0", "5.99.0", false),
            ("= 5.100.0", "5.100.0", true),
            ("=5.100", "5.100.0", true),
            ("> 1.0", "1.0.0", false),
            ("<= 1.0", "1.0.0", true),
            (">= 1.5", "v1.11.4", true),
            (">= 1.5", "1.12.0-beta1", false),
            ("= 1.12.0-beta1", "1.12.0-beta1", true),
            ("~> 1.12.0-beta1", "1.12.0-beta1", false),
            ("1.12.0", "1.12.0-beta1", false),
        ] {
            assert_eq!(
                satisfies(version, constraint),
                Ok(want),
                "{version} against {constraint}"
            );
        }
    }

    #[test]
    fn malformed_constraints_and_versions_are_errors() {
        for c in [
            "", " ", ">=", "~> x", "1.2.3.4", ">= 1,", "=> 1.0", "1.-2", "1.2-",
        ] {
            assert!(Constraint::parse(c).is_err(), "{c:?}");
        }
        for v in ["", "unknown", "1.2.3.4", "1..2", "99999999999999999999999"] {
            assert!(Version::parse(v).is_err(), "{v:?}");
        }
        let err = satisfies("1.0.0", "~> one").unwrap_err();
        assert!(err.starts_with("invalid constraint"), "{err}");
        let err = satisfies("", ">= 1").unwrap_err();
        assert!(err.starts_with("invalid version"), "{err}");
    }
}
