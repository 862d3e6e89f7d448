//! `backup.plan_min_frequency_retention`: every rule of an AWS Backup plan runs at least as
//! often as required and keeps its recovery points at least the minimum. Definition,
//! evaluator and unit tests.

use serde_json::Value as Json;

use super::PLAN;
use crate::catalog::{CheckDef, CheckParam, ParamKind, Related, Remediation, SeverityClass, Stage};
use crate::checks::support::property;
use crate::checks::{Check, Outcome, Params};
use crate::observe::Observation;

/// The `backup.plan_min_frequency_retention` check.
pub static CHECK: Check = Check {
    def: CheckDef {
        id: "backup.plan_min_frequency_retention",
        title: "Backup plan runs often enough and keeps backups long enough",
        description: "OQ. Calls AWS Backup GetBackupPlan. Passes when the plan has rules and every rule has a \
            schedule at least as frequent as frequency (hourly, daily, weekly or monthly; the longest gap \
            between two runs of its cron or rate expression is compared) and keeps recovery points at \
            least min_retention_days (Lifecycle.DeleteAfterDays; no lifecycle keeps them until deleted). \
            A schedule that cannot be read is an error.",
        stage: Stage::Oq,
        service: "backup",
        resource_types: PLAN,
        severity: SeverityClass::Functional,
        iam_actions: &["backup:GetBackupPlan"],
        controls: &["21CFR11.10(a)", "21CFR11.10(c)", "Annex11-7.2"],
        remediation: "Give every rule a daily (or more frequent) schedule and a lifecycle of at least \
            min_retention_days: Terraform aws_backup_plan rule { schedule = \"cron(0 5 ? * * *)\", \
            lifecycle { delete_after = 35 } }; CloudFormation BackupPlanRule ScheduleExpression and \
            Lifecycle.DeleteAfterDays; or AWS Backup UpdateBackupPlan.",
        remediation_code: Remediation {
            terraform: "resource \"aws_backup_plan\" \"records\" {\n  name = \"gxp-records\"\n  rule {\n    rule_name         = \"daily\"\n    target_vault_name = aws_backup_vault.records.name\n    schedule          = \"cron(0 5 ? * * *)\"\n    lifecycle {\n      delete_after = 35\n    }\n  }\n}",
            cloudformation: "BackupPlan:\n  BackupPlanName: gxp-records\n  BackupPlanRule:\n    - RuleName: daily\n      TargetBackupVault: !Ref RecordsVault\n      ScheduleExpression: cron(0 5 ? * * *)\n      Lifecycle:\n        DeleteAfterDays: 35",
            cli: "aws backup update-backup-plan --backup-plan-id PLAN_ID --backup-plan file://plan.json",
        },
        related: Related {
            prowler: &[],
            aws_config: &["backup-plan-min-frequency-and-min-retention-check"],
        },
        params: &[
            CheckParam {
                name: "frequency",
                description: "How often every rule must run at least.",
                default: Some("daily"),
                kind: ParamKind::OneOf(&["hourly", "daily", "weekly", "monthly"]),
            },
            CheckParam {
                name: "min_retention_days",
                description: "Minimum retention of the recovery points of every rule, in days.",
                default: Some("35"),
                kind: ParamKind::Days { min: 1, max: 36500 },
            },
        ],
    },
    evaluate,
    #[cfg(test)]
    fixtures: crate::checks::UnitFixtures::Properties {
        pass: r#"{"BackupPlan": {"BackupPlanName": "gxp", "BackupPlanRule": [{"RuleName": "daily", "ScheduleExpression": "cron(0 5 ? * * *)", "Lifecycle": {"DeleteAfterDays": 35}}]}}"#,
        fail: r#"{"BackupPlan": {"BackupPlanName": "gxp", "BackupPlanRule": [{"RuleName": "weekly", "ScheduleExpression": "cron(0 5 ? * SUN *)", "Lifecycle": {"DeleteAfterDays": 35}}]}}"#,
        unreadable: "BackupPlan",
    },
};

const HOUR: i64 = 1;
const DAY: i64 = 24;
const WEEK: i64 = 7 * DAY;
const MONTH: i64 = 31 * DAY;
const YEAR: i64 = 366 * DAY;

fn evaluate(obs: &Observation, params: &Params) -> Outcome {
    let frequency = params.choice("frequency").unwrap_or("daily");
    let max_gap = match frequency {
        "hourly" => HOUR,
        "weekly" => WEEK,
        "monthly" => MONTH,
        _ => DAY,
    };
    let min_days = params.days("min_retention_days").unwrap_or(35);
    let expected = format!(
        "every rule {frequency} or more often, recovery points kept at least {min_days} days"
    );
    let rules = match property(obs, "BackupPlan", &expected) {
        Err(e) => return e,
        Ok(plan) => plan
            .and_then(|p| p.get("BackupPlanRule"))
            .and_then(Json::as_array),
    };
    let Some(rules) = rules.filter(|r| !r.is_empty()) else {
        return Outcome::verdict(false, expected, "no backup rules");
    };
    let mut gaps = Vec::new();
    for rule in rules {
        let name = rule
            .get("RuleName")
            .and_then(Json::as_str)
            .unwrap_or("(unnamed)");
        match rule.get("ScheduleExpression").and_then(Json::as_str) {
            None => gaps.push(format!("rule {name} has no schedule")),
            Some(expr) => match longest_gap_hours(expr) {
                None => {
                    return Outcome::error(
                        expected,
                        format!("the schedule {expr} of rule {name} cannot be read"),
                    )
                }
                Some(gap) if gap > max_gap => {
                    gaps.push(format!("rule {name} runs every {} ({expr})", show_gap(gap)))
                }
                Some(_) => {}
            },
        }
        if let Some(days) = rule
            .pointer("/Lifecycle/DeleteAfterDays")
            .and_then(Json::as_i64)
        {
            if days < min_days {
                gaps.push(format!("rule {name} keeps recovery points {days} days"));
            }
        }
    }
    if gaps.is_empty() {
        Outcome::verdict(
            true,
            expected,
            format!("{} rule(s), all compliant", rules.len()),
        )
    } else {
        Outcome::verdict(false, expected, gaps.join("; "))
    }
}

fn show_gap(hours: i64) -> String {
    match hours {
        h if h >= YEAR => "year".into(),
        h if h % DAY == 0 => format!("{} day(s)", h / DAY),
        h => format!("{h} hour(s)"),
    }
}

/// The longest time between two runs of an AWS Backup schedule, in hours (rounded up);
/// `None` when the expression cannot be read.
///
/// `rate(N minutes|hours|days)`, or `cron(minutes hours day-of-month month day-of-week
/// year)`: the hours field gives the gap within a day, the day fields the gap between days
/// (a weekday list or a day-of-month other than `*`/`?` runs on some days only: the gap is the
/// longest between the listed days, a month at most), a month other than `*` runs on some
/// months only (a year).
pub fn longest_gap_hours(expression: &str) -> Option<i64> {
    let e = expression.trim();
    if let Some(inner) = e.strip_prefix("rate(").and_then(|r| r.strip_suffix(')')) {
        let (n, unit) = inner.trim().split_once(' ')?;
        let n: i64 = n.parse().ok().filter(|n| *n > 0)?;
        return match unit.trim() {
            "minute" | "minutes" => Some((n + 59) / 60),
            "hour" | "hours" => Some(n),
            "day" | "days" => Some(n * DAY),
            _ => None,
        };
    }
    let inner = e.strip_prefix("cron(")?.strip_suffix(')')?;
    let fields: Vec<&str> = inner.split_whitespace().collect();
    let [_minutes, hours, dom, month, dow, _year] = fields.as_slice() else {
        return None;
    };
    if *month != "*" {
        return Some(YEAR);
    }
    let day_gap = match (*dom, *dow) {
        ("*" | "?", "*" | "?") => 1,
        ("*" | "?", dow) => weekday_gap(dow)?,
        (dom, "?" | "*") => match dom.split_once('/') {
            Some(("*" | "1", step)) => step.parse::<i64>().ok().filter(|s| *s > 0)?,
            _ => 31,
        },
        _ => return None,
    };
    if day_gap > 1 {
        return Some(day_gap * DAY);
    }
    hour_gap(hours)
}

/// The longest gap, in hours, between the runs of one day given the hours field.
fn hour_gap(field: &str) -> Option<i64> {
    if field == "*" {
        return Some(HOUR);
    }
    if let Some((start, step)) = field.split_once('/') {
        let step: i64 = step.parse().ok().filter(|s| (1..24).contains(s))?;
        let start: i64 = if start == "*" { 0 } else { start.parse().ok()? };
        let runs: Vec<i64> = (start..24).step_by(step as usize).collect();
        return circular_gap(&runs, DAY);
    }
    let mut runs = Vec::new();
    for part in field.split(',') {
        match part.split_once('-') {
            Some((a, b)) => runs.extend(a.parse::<i64>().ok()?..=b.parse::<i64>().ok()?),
            None => runs.push(part.parse().ok()?),
        }
    }
    if runs.iter().any(|h| !(0..24).contains(h)) {
        return None;
    }
    circular_gap(&runs, DAY)
}

/// The longest gap, in days, between the weekdays of a day-of-week field (`MON-FRI`,
/// `1,4`, `SUN`).
fn weekday_gap(field: &str) -> Option<i64> {
    let day = |s: &str| -> Option<i64> {
        const NAMES: [&str; 7] = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"];
        let upper = s.to_ascii_uppercase();
        NAMES
            .iter()
            .position(|n| *n == upper)
            .map(|i| i as i64)
            .or_else(|| {
                s.parse::<i64>()
                    .ok()
                    .filter(|d| (1..=7).contains(d))
                    .map(|d| d - 1)
            })
    };
    let mut days = Vec::new();
    for part in field.split(',') {
        match part.split_once('-') {
            Some((a, b)) => {
                let (a, b) = (day(a)?, day(b)?);
                if a > b {
                    return None;
                }
                days.extend(a..=b);
            }
            None => days.push(day(part)?),
        }
    }
    circular_gap(&days, 7)
}

/// The longest gap between sorted points on a circle of length `period`.
fn circular_gap(points: &[i64], period: i64) -> Option<i64> {
    let mut p = points.to_vec();
    p.sort_unstable();
    p.dedup();
    let first = *p.first()?;
    let last = *p.last()?;
    let inner = p.windows(2).map(|w| w[1] - w[0]).max().unwrap_or(0);
    Some(inner.max(first + period - last))
}

#[cfg(test)]
mod tests {
    use super::longest_gap_hours;
    use crate::checks::testing::{observation, run};
    use crate::checks::Status;
    use serde_json::{json, Value as Json};

    const ID: &str = "backup.plan_min_frequency_retention";

    fn plan(rules: Json) -> crate::observe::Observation {
        observation(
            "AWS::Backup::BackupPlan",
            "plan-1",
            json!({"BackupPlan": {"BackupPlanName": "gxp", "BackupPlanRule": rules}}),
        )
    }

    fn rule(schedule: &str, days: Option<i64>) -> Json {
        let mut r = json!({"RuleName": "r", "ScheduleExpression": schedule});
        if let Some(d) = days {
            r["Lifecycle"] = json!({"DeleteAfterDays": d});
        }
        r
    }

    #[test]
    fn schedules_give_their_longest_gap() {
        for (expr, hours) in [
            ("cron(0 5 ? * * *)", 24),
            ("cron(0 */12 ? * * *)", 12),
            ("cron(0 1,13 ? * * *)", 12),
            ("cron(0 8-17 ? * * *)", 15),
            ("cron(0 * ? * * *)", 1),
            ("cron(0 5 ? * SUN *)", 168),
            ("cron(0 5 ? * MON-FRI *)", 72),
            ("cron(0 5 1 * ? *)", 744),
            ("cron(0 5 */2 * ? *)", 48),
            ("cron(0 5 1 1 ? *)", 8784),
            ("rate(12 hours)", 12),
            ("rate(1 day)", 24),
            ("rate(90 minutes)", 2),
        ] {
            assert_eq!(longest_gap_hours(expr), Some(hours), "{expr}");
        }
        for bad in [
            "cron(0 5 * *)",
            "daily",
            "rate(two days)",
            "cron(0 25 ? * * *)",
            "cron(0 5 ? * FRI-MON *)",
        ] {
            assert_eq!(longest_gap_hours(bad), None, "{bad}");
        }
    }

    #[test]
    fn every_rule_must_be_frequent_and_retained() {
        let daily = plan(json!([
            rule("cron(0 5 ? * * *)", Some(35)),
            rule("cron(0 */6 ? * * *)", None)
        ]));
        assert_eq!(run(ID, &daily, &[]).status, Status::Passed);
        assert_eq!(
            run(ID, &daily, &[("frequency", "hourly")]).status,
            Status::Failed
        );
        assert_eq!(
            run(ID, &daily, &[("min_retention_days", "36")]).status,
            Status::Failed
        );
        let weekly = plan(json!([rule("cron(0 5 ? * SUN *)", Some(35))]));
        let o = run(ID, &weekly, &[]);
        assert_eq!(o.status, Status::Failed);
        assert!(o.actual.contains("every 7 day(s)"), "{o:?}");
        assert_eq!(
            run(ID, &weekly, &[("frequency", "weekly")]).status,
            Status::Passed
        );
        let short = plan(json!([rule("cron(0 5 ? * * *)", Some(7))]));
        assert_eq!(run(ID, &short, &[]).status, Status::Failed);
        assert_eq!(run(ID, &plan(json!([])), &[]).status, Status::Failed);
        assert_eq!(
            run(ID, &plan(json!([{"RuleName": "manual"}])), &[]).status,
            Status::Failed
        );
    }

    #[test]
    fn unreadable_plans_or_schedules_are_errors() {
        assert_eq!(
            run(ID, &plan(json!([rule("whenever", Some(35))])), &[]).status,
            Status::Error
        );
        let mut o = plan(json!([]));
        o.error("BackupPlan", "AccessDeniedException");
        assert_eq!(run(ID, &o, &[]).status, Status::Error);
        assert_eq!(
            run(ID, &plan(json!([])), &[("frequency", "yearly")]).status,
            Status::Error
        );
    }
}
