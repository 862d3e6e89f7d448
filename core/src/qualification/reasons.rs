//! Why a qualification must run again: the pure rules behind `requalification_reasons`.

use crate::catalog::SeverityClass;
use crate::report::DriftItem;

use super::drift::describe;

/// What the plan knows about the last qualification and the present.
#[derive(Debug, Clone, Default)]
pub struct ReasonInputs<'a> {
    /// Spec digest the last qualification ran against.
    pub qualified_spec_digest: Option<&'a str>,
    /// Spec digest in configuration (`None` when unknown until apply).
    pub config_spec_digest: Option<&'a str>,
    /// Drift found by the last refresh.
    pub drift: &'a [DriftItem],
    /// Stacks updated since qualification: (name, updated at, qualified version's update time).
    pub updated_stacks: &'a [(String, String, String)],
    /// Drift classes that trigger requalification.
    pub requalify_on: &'a [SeverityClass],
    /// Last qualification time and the review interval, when set.
    pub qualified_at: Option<time::OffsetDateTime>,
    pub review_interval: Option<time::Duration>,
    pub now: Option<time::OffsetDateTime>,
    /// Status of the last run (`passed`, `failed`, `error`).
    pub last_status: Option<&'a str>,
    /// Reports waiting in the spool.
    pub spooled_reports: usize,
    /// Scope attributes (stages, discovery) changed in configuration.
    pub scope_changes: Vec<String>,
    /// What changed in the SOUP of the working directory since the last qualification
    /// ([`crate::soup::changes::changes`]); each is a reason whatever `requalify_on` says.
    pub soup_changes: Vec<String>,
}

fn short(d: &str) -> &str {
    d.get(..12).unwrap_or(d)
}

/// The reasons, in a stable order; empty when no requalification is needed.
pub fn reasons(i: &ReasonInputs) -> Vec<String> {
    let mut out = Vec::new();
    match (i.qualified_spec_digest, i.config_spec_digest) {
        (Some(old), Some(new)) if old != new => out.push(format!(
            "specification changed: digest {} -> {}",
            short(old),
            short(new)
        )),
        (Some(_), None) => out.push("specification changed: new digest known after apply".into()),
        _ => {}
    }
    for change in &i.soup_changes {
        out.push(format!("SOUP changed: {change}"));
    }
    for scope in &i.scope_changes {
        out.push(format!("qualification scope changed: {scope}"));
    }
    for item in i.drift {
        if i.requalify_on.contains(&item.class) {
            out.push(format!("drift {}", describe(item)));
        }
    }
    for (name, now, then) in i.updated_stacks {
        out.push(format!(
            "stack {name} updated since qualification: {now} (at qualification: {then})"
        ));
    }
    if let (Some(at), Some(interval), Some(now)) = (i.qualified_at, i.review_interval, i.now) {
        let due = at + interval;
        if now >= due {
            out.push(format!(
                "review period elapsed: qualified {}, review due {}",
                crate::util::rfc3339(at),
                crate::util::rfc3339(due)
            ));
        }
    }
    match i.last_status {
        Some("failed") => out.push("last qualification failed".into()),
        Some("error") => {
            out.push("last qualification had checks that could not be evaluated".into())
        }
        _ => {}
    }
    if i.spooled_reports > 0 {
        out.push(format!(
            "{} report(s) waiting in the local spool to be filed",
            i.spooled_reports
        ));
    }
    out
}

/// Parse a review interval: `90d`, `2160h`, `12w`, `1h30m`.
pub fn parse_interval(text: &str) -> Option<time::Duration> {
    let t = text.trim();
    let (num, unit) = t.split_at(t.find(|c: char| !c.is_ascii_digit())?);
    let n: i64 = num.parse().ok()?;
    match unit {
        "d" => Some(time::Duration::days(n)),
        "w" => Some(time::Duration::weeks(n)),
        _ => crate::util::parse_duration(t).map(|d| time::Duration::seconds(d.as_secs() as i64)),
    }
    .filter(|d| d.is_positive())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(class: SeverityClass) -> DriftItem {
        DriftItem {
            target: "bucket".into(),
            resource_type: "AWS::S3::Bucket".into(),
            identifier: "b".into(),
            property: "VersioningConfiguration.Status".into(),
            class,
            qualified: "Enabled".into(),
            current: "Suspended".into(),
        }
    }

    #[test]
    fn nothing_changed_no_reason() {
        let i = ReasonInputs {
            qualified_spec_digest: Some("aa"),
            config_spec_digest: Some("aa"),
            last_status: Some("passed"),
            ..Default::default()
        };
        assert!(reasons(&i).is_empty());
    }

    #[test]
    fn spec_change_is_a_reason() {
        let i = ReasonInputs {
            qualified_spec_digest: Some("aaaaaaaaaaaaaaaa"),
            config_spec_digest: Some("bbbbbbbbbbbbbbbb"),
            ..Default::default()
        };
        assert_eq!(
            reasons(&i),
            vec!["specification changed: digest aaaaaaaaaaaa -> bbbbbbbbbbbb"]
        );
    }

    #[test]
    fn soup_changes_follow_the_spec_change_whatever_requalify_on_says() {
        let d = [item(SeverityClass::Security)];
        let i = ReasonInputs {
            qualified_spec_digest: Some("aaaaaaaaaaaaaaaa"),
            config_spec_digest: Some("bbbbbbbbbbbbbbbb"),
            scope_changes: vec!["stages".into()],
            drift: &d,
            requalify_on: &[],
            soup_changes: vec![
                "Terraform 1.11.4 -> 1.15.5".into(),
                "provider registry.terraform.io/hashicorp/aws 5.99.0 -> 5.100.0".into(),
            ],
            ..Default::default()
        };
        assert_eq!(
            reasons(&i),
            [
                "specification changed: digest aaaaaaaaaaaa -> bbbbbbbbbbbb",
                "SOUP changed: Terraform 1.11.4 -> 1.15.5",
                "SOUP changed: provider registry.terraform.io/hashicorp/aws 5.99.0 -> 5.100.0",
                "qualification scope changed: stages",
            ]
        );
    }

    #[test]
    fn drift_is_filtered_by_class() {
        let d = [item(SeverityClass::Security), item(SeverityClass::Cosmetic)];
        let on = [SeverityClass::Security, SeverityClass::Functional];
        let r = reasons(&ReasonInputs {
            drift: &d,
            requalify_on: &on,
            ..Default::default()
        });
        assert_eq!(r.len(), 1);
        assert!(r[0].starts_with("drift security: bucket (AWS::S3::Bucket b) VersioningConfiguration.Status: Enabled -> Suspended"), "{r:?}");
    }

    #[test]
    fn review_period_elapses() {
        let at = crate::util::parse_time("2026-01-01T00:00:00Z").unwrap();
        let mut i = ReasonInputs {
            qualified_at: Some(at),
            review_interval: parse_interval("90d"),
            now: Some(at + time::Duration::days(89)),
            ..Default::default()
        };
        assert!(reasons(&i).is_empty());
        i.now = Some(at + time::Duration::days(90));
        assert!(reasons(&i)[0].starts_with("review period elapsed"));
    }

    #[test]
    fn failed_runs_stacks_and_spool_are_reasons() {
        let st = [("core".to_string(), "t2".to_string(), "t1".to_string())];
        let i = ReasonInputs {
            last_status: Some("failed"),
            updated_stacks: &st,
            spooled_reports: 1,
            ..Default::default()
        };
        assert_eq!(reasons(&i).len(), 3);
    }

    #[test]
    fn intervals_parse() {
        assert_eq!(parse_interval("90d"), Some(time::Duration::days(90)));
        assert_eq!(parse_interval("2w"), Some(time::Duration::weeks(2)));
        assert_eq!(parse_interval("1h30m"), Some(time::Duration::minutes(90)));
        assert_eq!(parse_interval("0d"), None);
        assert_eq!(parse_interval("soon"), None);
    }
}
