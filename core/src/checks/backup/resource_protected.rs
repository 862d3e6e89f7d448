//! `backup.resource_protected`: the resource is selected by an AWS Backup plan. Definition,
//! evaluator and unit tests.
//!
//! # Which selection selects a resource
//! AWS Backup's rules for a resource assignment (a `BackupSelection`), as its documentation
//! states them — the developer guide's "Assigning resources to a backup plan" and "Assign
//! resources with AWS CLI" (assigning-resources.html, assigning-resources-json.html), and the
//! API reference of `BackupSelection`, `Conditions` and `Condition`:
//!
//! - `Resources` are ARN patterns, OR-ed; `*` stands for zero or more characters
//!   ("Resources: [\"*\"]" selects every resource of the account). No `Resources`, no
//!   `ListOfTags` (and no `Conditions`) selects "all supported and opted-in storage
//!   resources".
//! - `ListOfTags` (`STRINGEQUALS` only) are OR-ed, and OR-ed with `Resources` ("Resources and
//!   ListOfTags are combined using OR").
//! - `Conditions` (`StringEquals`, `StringNotEquals`, `StringLike`, `StringNotLike` on
//!   `aws:ResourceTag/KEY`, case sensitive, `*` wildcards in `StringLike`) are AND-ed, and
//!   AND-ed with the above ("if both resource type and tags are specified …, the specified
//!   resource types are filtered first, then tags further filter those resources").
//! - `NotResources` (ARN patterns) exclude.
//! - Service opt-in (`DescribeRegionSettings` `ResourceTypeOptInPreference`): a resource type
//!   named explicitly by a pattern (`arn:aws:dynamodb:*:*:table/*`, `arn:aws:s3:::*`,
//!   `arn:aws:ec2:*:*:volume/*`) is included whatever the opt-in; selected by tags only, by
//!   `*` or by a service name only (`arn:aws:rds:*`), it is included only when its type is
//!   opted in. Aurora, Neptune and DocumentDB are the exception ("How AWS Backup works with
//!   supported AWS services": "This does not apply to Aurora, Neptune, and Amazon
//!   DocumentDB. For these services to be included, the opt-in must be enabled"): their
//!   clusters share the ARN form `arn:aws:rds:R:A:cluster:ID` with RDS Multi-AZ DB clusters,
//!   so the cluster's engine decides its type (`aurora*` → `Aurora`, `neptune`, `docdb`,
//!   else `RDS`), and the first three need their opt-in however they are selected.
//! - AWS Backup protects Aurora (and Neptune, DocumentDB) at cluster level: a DB instance of
//!   such a cluster (its engine) is not a resource AWS Backup backs up, so the check is
//!   `error` on it, naming the cluster type to qualify instead.
//!
//! Where the documentation leaves room, the reading that cannot make an unprotected resource
//! pass is taken: the negated conditions hold only for a resource that has the tag ("for
//! only those resources that you tagged that do not have the same value"). A decision that
//! depends on tags or an opt-in that could not be read is `error`, never `passed`.

use std::collections::BTreeMap;

use serde_json::Value as Json;

use crate::catalog::{CheckDef, Related, Remediation, SeverityClass, Stage};
use crate::checks::support::property;
use crate::checks::{Check, Outcome, Params};
use crate::observe::backup_selections::{IAM_ACTIONS, OPT_IN, SELECTIONS};
use crate::observe::Observation;

/// The resource types AWS Backup protects that the provider observes.
pub const RESOURCE_TYPES: &[&str] = &[
    "AWS::S3::Bucket",
    "AWS::DynamoDB::Table",
    "AWS::EFS::FileSystem",
    "AWS::RDS::DBInstance",
    "AWS::EC2::Volume",
    "AWS::RDS::DBCluster",
];

/// The `backup.resource_protected` check.
pub static CHECK: Check = Check {
    def: CheckDef {
        id: "backup.resource_protected",
        title: "Resource selected by an AWS Backup plan",
        description: "OQ. Calls AWS Backup ListBackupPlans, ListBackupSelections and GetBackupSelection \
            (every plan and selection of the account, once per run) and DescribeRegionSettings. Passes \
            when a selection of a plan selects the resource's ARN: a Resources pattern matches it (or \
            a ListOfTags tag it carries, OR-ed with Resources), every Conditions tag condition holds \
            and no NotResources pattern matches, with the service opted in where the selection does \
            not name the resource type, and always for Aurora, Neptune and DocumentDB clusters (their \
            engine decides the AWS Backup type). Tags are those its collector read; a decision resting \
            on tags or an opt-in that could not be read is an error, as is an EBS volume whose ARN \
            is unknown (it needs the account id, from STS GetCallerIdentity) and a DB instance of an \
            Aurora, Neptune or DocumentDB cluster (AWS Backup protects the cluster).",
        stage: Stage::Oq,
        service: "backup",
        resource_types: RESOURCE_TYPES,
        severity: SeverityClass::Functional,
        iam_actions: IAM_ACTIONS,
        controls: &["21CFR11.10(c)", "Annex11-7.1", "Annex11-7.2"],
        remediation: "Assign the resource to a backup plan: Terraform aws_backup_selection { plan_id, \
            iam_role_arn, resources = [ARN] } (or selection_tag / condition on a tag it carries); \
            CloudFormation AWS::Backup::BackupSelection; or AWS Backup CreateBackupSelection. Opt the \
            service in (UpdateRegionSettings) when the selection is by tag or wildcard.",
        remediation_code: Remediation {
            terraform: "resource \"aws_backup_selection\" \"records\" {\n  name         = \"records\"\n  plan_id      = aws_backup_plan.daily.id\n  iam_role_arn = aws_iam_role.backup.arn\n  resources    = [aws_dynamodb_table.records.arn, aws_s3_bucket.records.arn]\n}",
            cloudformation: "RecordsSelection:\n  Type: AWS::Backup::BackupSelection\n  Properties:\n    BackupPlanId: !Ref DailyPlan\n    BackupSelection:\n      SelectionName: records\n      IamRoleArn: !GetAtt BackupRole.Arn\n      Resources:\n        - !GetAtt RecordsTable.Arn",
            cli: "aws backup create-backup-selection --backup-plan-id PLAN_ID --backup-selection '{\"SelectionName\":\"records\",\"IamRoleArn\":\"arn:aws:iam::ACCOUNT:role/backup\",\"Resources\":[\"RESOURCE_ARN\"]}'",
        },
        related: Related {
            prowler: &[
                "rds_instance_protected_by_backup_plan",
                "rds_cluster_protected_by_backup_plan",
                "dynamodb_table_protected_by_backup_plan",
                "ec2_ebs_volume_protected_by_backup_plan",
            ],
            aws_config: &[
                "rds-resources-protected-by-backup-plan",
                "aurora-resources-protected-by-backup-plan",
                "dynamodb-resources-protected-by-backup-plan",
                "ebs-resources-protected-by-backup-plan",
                "efs-resources-protected-by-backup-plan",
                "s3-resources-protected-by-backup-plan",
                "rds-in-backup-plan",
                "dynamodb-in-backup-plan",
                "ebs-in-backup-plan",
                "efs-in-backup-plan",
            ],
        },
        params: &[],
    },
    evaluate,
    #[cfg(test)]
    fixtures: crate::checks::UnitFixtures::Properties {
        pass: r#"{"BackupSelections": [{"BackupPlanId": "p-1", "BackupPlanName": "daily", "SelectionId": "s-1",
            "SelectionName": "buckets", "Resources": ["arn:aws:s3:::*"], "NotResources": [], "ListOfTags": [],
            "Conditions": {}}], "BackupOptInPreference": {"S3": false}}"#,
        fail: r#"{"BackupSelections": [], "BackupOptInPreference": {"S3": true}}"#,
        unreadable: "BackupSelections",
    },
};

const EXPECTED: &str = "selected by an AWS Backup plan";

/// Three-valued truth: `None` when it depends on something that could not be read.
type Tri = Option<bool>;

fn and(a: Tri, b: Tri) -> Tri {
    match (a, b) {
        (Some(false), _) | (_, Some(false)) => Some(false),
        (Some(true), Some(true)) => Some(true),
        _ => None,
    }
}

fn or(a: Tri, b: Tri) -> Tri {
    match (a, b) {
        (Some(true), _) | (_, Some(true)) => Some(true),
        (Some(false), Some(false)) => Some(false),
        _ => None,
    }
}

/// AWS Backup's wildcard match: `*` is zero or more characters, everything else literal.
pub fn wildcard_match(pattern: &str, text: &str) -> bool {
    let parts: Vec<&str> = pattern.split('*').collect();
    if parts.len() == 1 {
        return pattern == text;
    }
    let (first, last) = (parts[0], parts[parts.len() - 1]);
    if text.len() < first.len() + last.len() || !text.starts_with(first) || !text.ends_with(last) {
        return false;
    }
    let mut rest = &text[first.len()..text.len() - last.len()];
    for middle in &parts[1..parts.len() - 1] {
        match rest.find(middle) {
            Some(i) => rest = &rest[i + middle.len()..],
            None => return false,
        }
    }
    true
}

/// Whether ARN pattern `pattern` names the resource type of `arn` explicitly (its service
/// literally and, but for S3 whose ARNs have no type, its resource type): then AWS Backup
/// includes matching resources whatever the service opt-in.
fn names_type(pattern: &str, arn: &str) -> bool {
    let p: Vec<&str> = pattern.splitn(6, ':').collect();
    let a: Vec<&str> = arn.splitn(6, ':').collect();
    if p.len() < 6 || a.len() < 6 || p[2].contains('*') || p[2] != a[2] {
        return false;
    }
    p[2] == "s3" || !p[5].starts_with('*')
}

/// What the evaluation knows of the resource.
struct Resource<'a> {
    arn: &'a str,
    /// Its tags; `Err` when they could not be read.
    tags: Result<BTreeMap<&'a str, &'a str>, String>,
    /// Whether its type is opted in; `Err` when that is not known.
    opt_in: Result<bool, String>,
    /// Whether the opt-in decides even where a selection names the type ([`Kind`]).
    opt_in_always: bool,
}

impl Resource<'_> {
    /// The value of tag `key` (`aws:ResourceTag/` prefix optional).
    fn tag(&self, key: &str) -> Result<Option<&str>, ()> {
        let key = key.strip_prefix("aws:ResourceTag/").unwrap_or(key);
        self.tags
            .as_ref()
            .map(|t| t.get(key).copied())
            .map_err(|_| ())
    }
}

fn strings(v: Option<&Json>) -> Vec<&str> {
    v.and_then(Json::as_array)
        .map(|a| a.iter().filter_map(Json::as_str).collect())
        .unwrap_or_default()
}

fn key_value(c: &Json) -> (&str, &str) {
    let s = |k| c.get(k).and_then(Json::as_str).unwrap_or_default();
    (s("ConditionKey"), s("ConditionValue"))
}

/// Whether selection `sel` selects the resource (see the module documentation).
fn selects(sel: &Json, r: &Resource) -> Tri {
    let opt_in = r.opt_in.as_ref().ok().copied();
    let resources = strings(sel.get("Resources"));
    if strings(sel.get("NotResources"))
        .iter()
        .any(|p| wildcard_match(p, r.arn))
    {
        return Some(false);
    }
    let by_resources = {
        let matching: Vec<&&str> = resources
            .iter()
            .filter(|p| wildcard_match(p, r.arn))
            .collect();
        if matching.iter().any(|p| names_type(p, r.arn)) && !r.opt_in_always {
            Some(true)
        } else if matching.is_empty() {
            Some(false)
        } else {
            opt_in
        }
    };
    let list_of_tags: Vec<&Json> = sel
        .get("ListOfTags")
        .and_then(Json::as_array)
        .map(|a| a.iter().collect())
        .unwrap_or_default();
    // Kleene OR: an unknown tag does not end the search (a later one may match).
    let mut by_tags = Some(false);
    for c in &list_of_tags {
        let (k, v) = key_value(c);
        by_tags = or(by_tags, r.tag(k).ok().map(|t| t == Some(v)));
    }
    let included = match (resources.is_empty(), list_of_tags.is_empty()) {
        (true, true) => opt_in,
        (true, false) => and(by_tags, opt_in),
        (false, true) => by_resources,
        (false, false) => or(by_resources, and(by_tags, opt_in)),
    };
    let mut conditions = Some(true);
    if let Some(cs) = sel.get("Conditions").and_then(Json::as_object) {
        for (op, list) in cs {
            for c in list.as_array().map(Vec::as_slice).unwrap_or_default() {
                let (k, v) = key_value(c);
                let holds = r.tag(k).ok().map(|t| match (op.as_str(), t) {
                    ("StringEquals", Some(t)) => t == v,
                    ("StringNotEquals", Some(t)) => t != v,
                    ("StringLike", Some(t)) => wildcard_match(v, t),
                    ("StringNotLike", Some(t)) => !wildcard_match(v, t),
                    // Untagged: no condition holds; an unknown operator never selects.
                    _ => false,
                });
                conditions = and(conditions, holds);
            }
        }
    }
    and(included, conditions)
}

fn evaluate(obs: &Observation, _: &Params) -> Outcome {
    protected(obs).unwrap_or_else(|early| early)
}

fn selection_name(sel: &Json) -> String {
    let s = |k| sel.get(k).and_then(Json::as_str).unwrap_or("?");
    let plan = sel
        .get("BackupPlanName")
        .and_then(Json::as_str)
        .unwrap_or_else(|| s("BackupPlanId"));
    format!("plan {plan}, selection {}", s("SelectionName"))
}

fn protected(obs: &Observation) -> Result<Outcome, Outcome> {
    let selections = property(obs, SELECTIONS, EXPECTED)?
        .and_then(Json::as_array)
        .ok_or_else(|| Outcome::error(EXPECTED, "the AWS Backup selections were not read"))?;
    let kind = kind(obs)?;
    let arn = obs
        .arn
        .as_deref()
        .or_else(|| obs.get("Arn").and_then(Json::as_str))
        .ok_or_else(|| Outcome::error(EXPECTED, unknown_arn(&obs.resource_type)))?;
    if selections.is_empty() {
        return Ok(Outcome::verdict(
            false,
            EXPECTED,
            "no backup plan has a resource selection",
        ));
    }
    let tags = match obs.error_for("Tags") {
        Some(e) => Err(format!("the resource's tags could not be read: {e}")),
        None => Ok(obs
            .get("Tags")
            .and_then(Json::as_array)
            .map(|a| a.iter().map(key_value_of_tag).collect())
            .unwrap_or_default()),
    };
    let name = kind.name;
    let opt_in = match obs.error_for(OPT_IN) {
        Some(e) => Err(format!(
            "the AWS Backup service opt-in could not be read: {e}"
        )),
        None => obs
            .get(OPT_IN)
            .and_then(|m| m.get(name))
            .and_then(Json::as_bool)
            .ok_or_else(|| format!("the AWS Backup service opt-in does not name {name}")),
    };
    let r = Resource {
        arn,
        tags,
        opt_in,
        opt_in_always: kind.opt_in_always,
    };
    let mut unknown = Vec::new();
    for sel in selections {
        match selects(sel, &r) {
            Some(true) => {
                return Ok(Outcome::verdict(
                    true,
                    EXPECTED,
                    format!("selected ({})", selection_name(sel)),
                ))
            }
            Some(false) => {}
            None => unknown.push(selection_name(sel)),
        }
    }
    if !unknown.is_empty() {
        let why: Vec<&str> = [&r.tags.as_ref().err(), &r.opt_in.as_ref().err()]
            .into_iter()
            .flatten()
            .map(|s| s.as_str())
            .collect();
        return Err(Outcome::error(
            EXPECTED,
            format!(
                "whether {} selects the resource depends on what could not be read: {}",
                unknown.join("; "),
                why.join("; ")
            ),
        ));
    }
    let plans: std::collections::BTreeSet<&str> = selections
        .iter()
        .filter_map(|s| s.get("BackupPlanId").and_then(Json::as_str))
        .collect();
    Ok(Outcome::verdict(
        false,
        EXPECTED,
        format!(
            "not selected by any of {} selection(s) of {} plan(s)",
            selections.len(),
            plans.len()
        ),
    ))
}

fn key_value_of_tag(t: &Json) -> (&str, &str) {
    let s = |k| t.get(k).and_then(Json::as_str).unwrap_or_default();
    (s("Key"), s("Value"))
}

/// Why the ARN of a resource of type `resource_type` is not known.
fn unknown_arn(resource_type: &str) -> &'static str {
    match resource_type {
        // DescribeVolumes answers no ARN: the collector makes it from the account id.
        "AWS::EC2::Volume" => {
            "the volume's ARN is not known: it is made from the provider's account id, which is \
             unknown (STS GetCallerIdentity was skipped by skip_requesting_account_id, or failed)"
        }
        _ => "the resource's ARN is not known",
    }
}

/// How AWS Backup classes a resource.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Kind {
    /// Its resource type: a key of `ResourceTypeOptInPreference` (`S3`, `Aurora`, ...).
    name: &'static str,
    /// Whether its opt-in decides even where a selection names its type (Aurora, Neptune,
    /// DocumentDB).
    opt_in_always: bool,
}

/// AWS Backup's resource type of an RDS engine, and whether AWS Backup protects it at
/// cluster level only.
fn engine_kind(engine: &str) -> (&'static str, bool) {
    if engine.starts_with("aurora") {
        ("Aurora", true)
    } else if engine == "neptune" {
        ("Neptune", true)
    } else if engine == "docdb" {
        ("DocumentDB", true)
    } else {
        ("RDS", false)
    }
}

/// The AWS Backup class of the observed resource: by its CloudFormation type, and for RDS by
/// its engine. An error outcome for an RDS resource whose engine was not read, and for a DB
/// instance AWS Backup protects only through its cluster.
fn kind(obs: &Observation) -> Result<Kind, Outcome> {
    let plain = |name| {
        Ok(Kind {
            name,
            opt_in_always: false,
        })
    };
    let rds = match obs.resource_type.as_str() {
        "AWS::S3::Bucket" => return plain("S3"),
        "AWS::DynamoDB::Table" => return plain("DynamoDB"),
        "AWS::EFS::FileSystem" => return plain("EFS"),
        "AWS::EC2::Volume" => return plain("EBS"),
        "AWS::RDS::DBCluster" => "DB cluster",
        _ => "DB instance",
    };
    let engine = property(obs, "Engine", EXPECTED)?
        .and_then(Json::as_str)
        .ok_or_else(|| {
            Outcome::error(
                EXPECTED,
                format!("the {rds}'s engine was not read: it decides its AWS Backup resource type"),
            )
        })?;
    let (name, cluster_level) = engine_kind(engine);
    if cluster_level && rds == "DB instance" {
        return Err(Outcome::error(
            EXPECTED,
            format!(
                "AWS Backup protects {name} at cluster level: this DB instance (engine {engine}) \
                 is backed up with its DB cluster; qualify the cluster (AWS::RDS::DBCluster)"
            ),
        ));
    }
    Ok(Kind {
        name,
        opt_in_always: cluster_level,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::testing::{observation, run};
    use crate::checks::Status;
    use serde_json::json;

    const ID: &str = "backup.resource_protected";
    const TABLE_ARN: &str = "arn:aws:dynamodb:us-east-1:111122223333:table/lims";

    fn sel(body: Json) -> Json {
        let mut s = json!({"BackupPlanId": "p-1", "BackupPlanName": "daily", "SelectionId": "s-1",
            "SelectionName": "sel", "Resources": [], "NotResources": [], "ListOfTags": [], "Conditions": {}});
        for (k, v) in body.as_object().unwrap() {
            s[k] = v.clone();
        }
        s
    }

    /// A DynamoDB table tagged `tags`, with `selections` and DynamoDB opted in when `opt_in`.
    fn table(tags: Json, selections: Vec<Json>, opt_in: bool) -> Observation {
        let mut o = observation(
            "AWS::DynamoDB::Table",
            "lims",
            json!({"BackupSelections": selections, "BackupOptInPreference": {"DynamoDB": opt_in, "S3": true}}),
        );
        o.arn = Some(TABLE_ARN.into());
        if tags != json!({}) {
            let list: Vec<Json> = tags
                .as_object()
                .unwrap()
                .iter()
                .map(|(k, v)| json!({"Key": k, "Value": v}))
                .collect();
            o.set("Tags", Json::Array(list));
        }
        o
    }

    fn status(o: &Observation) -> Status {
        run(ID, o, &[]).status
    }

    #[test]
    fn wildcards_are_zero_or_more_characters() {
        assert!(wildcard_match("*", TABLE_ARN));
        assert!(wildcard_match("arn:aws:dynamodb:*:*:table/*", TABLE_ARN));
        assert!(wildcard_match(
            "arn:aws:dynamodb:us-east-1:111122223333:table/lims",
            TABLE_ARN
        ));
        assert!(wildcard_match("arn:aws:dynamodb:*:*:table/li*s", TABLE_ARN));
        assert!(wildcard_match("*lims", TABLE_ARN));
        assert!(!wildcard_match(
            "arn:aws:dynamodb:*:*:table/lims-*",
            TABLE_ARN
        ));
        assert!(!wildcard_match("arn:aws:rds:*:*:db:*", TABLE_ARN));
        assert!(!wildcard_match(
            "arn:aws:dynamodb:us-east-1:111122223333:table/lim",
            TABLE_ARN
        ));
        assert!(wildcard_match("prod*", "production"));
        assert!(wildcard_match("*rod*", "production"));
        assert!(!wildcard_match("a*a", "a"));
    }

    #[test]
    fn an_arn_or_a_pattern_naming_the_type_selects_whatever_the_opt_in() {
        for pattern in [TABLE_ARN, "arn:aws:dynamodb:*:*:table/*"] {
            let o = table(json!({}), vec![sel(json!({"Resources": [pattern]}))], false);
            let out = run(ID, &o, &[]);
            assert_eq!(out.status, Status::Passed, "{pattern}: {out:?}");
            assert_eq!(out.actual, "selected (plan daily, selection sel)");
        }
        let other = table(
            json!({}),
            vec![sel(
                json!({"Resources": ["arn:aws:dynamodb:*:*:table/other", "arn:aws:rds:*:*:db:*"]}),
            )],
            true,
        );
        let out = run(ID, &other, &[]);
        assert_eq!(out.status, Status::Failed, "{out:?}");
        assert_eq!(
            out.actual,
            "not selected by any of 1 selection(s) of 1 plan(s)"
        );
    }

    #[test]
    fn a_wildcard_tag_or_empty_selection_needs_the_service_opted_in() {
        for body in [
            json!({"Resources": ["*"]}),
            json!({"Resources": ["arn:aws:dynamodb:*"]}),
            json!({}),
            json!({"ListOfTags": [{"ConditionType": "STRINGEQUALS", "ConditionKey": "backup", "ConditionValue": "daily"}]}),
        ] {
            let tags = json!({"backup": "daily"});
            assert_eq!(
                status(&table(tags.clone(), vec![sel(body.clone())], true)),
                Status::Passed,
                "{body}"
            );
            assert_eq!(
                status(&table(tags.clone(), vec![sel(body.clone())], false)),
                Status::Failed,
                "{body}"
            );
            let mut unknown = table(tags, vec![sel(body.clone())], true);
            unknown.error(OPT_IN, "AWS Backup DescribeRegionSettings: AccessDenied");
            let out = run(ID, &unknown, &[]);
            assert_eq!(out.status, Status::Error, "{body}: {out:?}");
            assert!(out.detail.unwrap().contains("DescribeRegionSettings"));
        }
    }

    #[test]
    fn not_resources_exclude() {
        let excluded = sel(
            json!({"Resources": ["arn:aws:dynamodb:*:*:table/*"], "NotResources": ["*:table/lims"]}),
        );
        assert_eq!(
            status(&table(json!({}), vec![excluded.clone()], true)),
            Status::Failed
        );
        let other = sel(
            json!({"Resources": ["arn:aws:dynamodb:*:*:table/*"], "NotResources": ["*:table/other"]}),
        );
        assert_eq!(status(&table(json!({}), vec![other], true)), Status::Passed);
        // Excluded by one selection, selected by another: protected.
        let named = sel(json!({"SelectionId": "s-2", "Resources": [TABLE_ARN]}));
        assert_eq!(
            status(&table(json!({}), vec![excluded, named], true)),
            Status::Passed
        );
    }

    #[test]
    fn list_of_tags_are_or_ed_with_each_other_and_with_resources() {
        let tags = |v: &str| {
            json!([{"ConditionType": "STRINGEQUALS", "ConditionKey": "backup", "ConditionValue": v},
                   {"ConditionType": "STRINGEQUALS", "ConditionKey": "aws:ResourceTag/tier", "ConditionValue": "gxp"}])
        };
        let by_tags = |v: &str| vec![sel(json!({"ListOfTags": tags(v)}))];
        assert_eq!(
            status(&table(json!({"backup": "daily"}), by_tags("daily"), true)),
            Status::Passed
        );
        assert_eq!(
            status(&table(json!({"tier": "gxp"}), by_tags("daily"), true)),
            Status::Passed
        );
        assert_eq!(
            status(&table(json!({"backup": "weekly"}), by_tags("daily"), true)),
            Status::Failed
        );
        assert_eq!(
            status(&table(json!({}), by_tags("daily"), true)),
            Status::Failed
        );
        // OR-ed with Resources: an ARN not matching, a tag matching.
        let either = vec![sel(
            json!({"Resources": ["arn:aws:rds:*:*:db:*"], "ListOfTags": tags("daily")}),
        )];
        assert_eq!(
            status(&table(json!({"backup": "daily"}), either.clone(), true)),
            Status::Passed
        );
        assert_eq!(status(&table(json!({}), either, true)), Status::Failed);
    }

    #[test]
    fn conditions_are_and_ed_with_each_other_and_with_resources() {
        let conditions = json!({
            "StringEquals": [{"ConditionKey": "aws:ResourceTag/backup", "ConditionValue": "true"}],
            "StringNotEquals": [{"ConditionKey": "aws:ResourceTag/stage", "ConditionValue": "dev"}],
            "StringLike": [{"ConditionKey": "aws:ResourceTag/app", "ConditionValue": "li*"}],
            "StringNotLike": [{"ConditionKey": "aws:ResourceTag/owner", "ConditionValue": "temp*"}]
        });
        let s = vec![sel(
            json!({"Resources": ["arn:aws:dynamodb:*:*:table/*"], "Conditions": conditions}),
        )];
        let all = json!({"backup": "true", "stage": "prod", "app": "lims", "owner": "qa"});
        assert_eq!(
            status(&table(all.clone(), s.clone(), false)),
            Status::Passed
        );
        for (k, v) in [
            ("backup", "false"),
            ("stage", "dev"),
            ("app", "crm"),
            ("owner", "temp-1"),
        ] {
            let mut tags = all.clone();
            tags[k] = json!(v);
            assert_eq!(
                status(&table(tags, s.clone(), true)),
                Status::Failed,
                "{k}={v}"
            );
        }
        // A negated condition on a tag the resource does not carry does not hold.
        let mut untagged = all.clone();
        untagged.as_object_mut().unwrap().remove("stage");
        assert_eq!(status(&table(untagged, s.clone(), true)), Status::Failed);
        // Conditions filter Resources: a table not matching Resources stays out.
        let rds_only = vec![sel(json!({"Resources": ["arn:aws:rds:*:*:db:*"],
            "Conditions": {"StringEquals": [{"ConditionKey": "aws:ResourceTag/backup", "ConditionValue": "true"}]}}))];
        assert_eq!(status(&table(all, rds_only, true)), Status::Failed);
    }

    #[test]
    fn unreadable_tags_are_an_error_only_when_the_decision_rests_on_them() {
        let by_tag = sel(json!({"Resources": ["*"],
            "Conditions": {"StringEquals": [{"ConditionKey": "aws:ResourceTag/backup", "ConditionValue": "true"}]}}));
        let mut o = table(json!({}), vec![by_tag.clone()], true);
        o.error("Tags", "DynamoDB ListTagsOfResource: AccessDeniedException");
        let out = run(ID, &o, &[]);
        assert_eq!(out.status, Status::Error, "{out:?}");
        assert!(out.detail.unwrap().contains("ListTagsOfResource"));
        // Another selection names the table: protected whatever its tags.
        let mut named = table(
            json!({}),
            vec![by_tag, sel(json!({"Resources": [TABLE_ARN]}))],
            true,
        );
        named.error("Tags", "AccessDeniedException");
        assert_eq!(status(&named), Status::Passed);
        // A selection that cannot select the table whatever its tags: failed.
        let mut rds = table(
            json!({}),
            vec![sel(json!({"Resources": ["arn:aws:rds:*:*:db:*"],
            "Conditions": {"StringEquals": [{"ConditionKey": "aws:ResourceTag/backup", "ConditionValue": "true"}]}}))],
            true,
        );
        rds.error("Tags", "AccessDeniedException");
        assert_eq!(status(&rds), Status::Failed);
    }

    #[test]
    fn no_plans_fail_and_an_unread_account_is_an_error() {
        let none = run(ID, &table(json!({}), vec![], true), &[]);
        assert_eq!(
            (none.status, none.actual.as_str()),
            (Status::Failed, "no backup plan has a resource selection")
        );
        let mut denied = table(json!({}), vec![], true);
        denied.properties.remove(SELECTIONS);
        denied.error(
            SELECTIONS,
            "AWS Backup ListBackupPlans: AccessDeniedException",
        );
        let out = run(ID, &denied, &[]);
        assert_eq!(out.status, Status::Error);
        assert!(out.detail.unwrap().contains("ListBackupPlans"));
        let mut unread = table(json!({}), vec![], true);
        unread.properties.remove(SELECTIONS);
        assert_eq!(status(&unread), Status::Error);
        let mut no_arn = table(json!({}), vec![sel(json!({"Resources": ["*"]}))], true);
        no_arn.arn = None;
        assert_eq!(status(&no_arn), Status::Error);
    }

    #[test]
    fn every_observed_type_has_its_opt_in_name() {
        let names: Vec<&str> = RESOURCE_TYPES
            .iter()
            .map(|t| {
                let o = observation(t, "x", json!({"Engine": "postgres"}));
                kind(&o).unwrap().name
            })
            .collect();
        assert_eq!(names, ["S3", "DynamoDB", "EFS", "RDS", "EBS", "RDS"]);
        for (engine, name, always) in [
            ("aurora-postgresql", "Aurora", true),
            ("aurora-mysql", "Aurora", true),
            ("aurora", "Aurora", true),
            ("neptune", "Neptune", true),
            ("docdb", "DocumentDB", true),
            ("mysql", "RDS", false),
            ("postgres", "RDS", false),
        ] {
            assert_eq!(engine_kind(engine), (name, always), "{engine}");
        }
        assert!(names_type("arn:aws:s3:::*", "arn:aws:s3:::records"));
        assert!(!names_type("arn:aws:s3:*", "arn:aws:s3:::records"));
        assert!(names_type(
            "arn:aws:rds:*:*:db:*",
            "arn:aws:rds:us-east-1:1:db:lims"
        ));
        assert!(!names_type(
            "arn:aws:*:*:*:db:*",
            "arn:aws:rds:us-east-1:1:db:lims"
        ));
        assert!(!names_type(
            "arn:aws:rds:*:*:*",
            "arn:aws:rds:us-east-1:1:db:lims"
        ));
        assert!(names_type("arn:aws:ec2:*:*:volume/*", VOLUME_ARN));
        assert!(!names_type("arn:aws:ec2:*", VOLUME_ARN));
    }

    const VOLUME_ARN: &str = "arn:aws:ec2:eu-west-1:111122223333:volume/vol-0a1b2c3d4e5f60718";
    const CLUSTER_ARN: &str = "arn:aws:rds:eu-west-1:111122223333:cluster:lims-aurora";

    /// A resource of type `ty` with `arn`, properties `props` (tags as `{key: value}` in
    /// `tags`), the account's `selections` and the opt-in `opt_in`.
    fn resource(
        ty: &str,
        arn: Option<&str>,
        props: Json,
        tags: Json,
        selections: Vec<Json>,
        opt_in: Json,
    ) -> Observation {
        let mut o = observation(ty, "id", props);
        o.arn = arn.map(str::to_string);
        o.set("BackupSelections", Json::Array(selections));
        o.set(OPT_IN, opt_in);
        let list: Vec<Json> = tags
            .as_object()
            .unwrap()
            .iter()
            .map(|(k, v)| json!({"Key": k, "Value": v}))
            .collect();
        if !list.is_empty() {
            o.set("Tags", Json::Array(list));
        }
        o
    }

    fn volume(tags: Json, selections: Vec<Json>, ebs: bool) -> Observation {
        resource(
            "AWS::EC2::Volume",
            Some(VOLUME_ARN),
            json!({"VolumeType": "gp3", "Encrypted": true}),
            tags,
            selections,
            json!({"EBS": ebs, "EC2": true}),
        )
    }

    fn cluster(engine: &str, tags: Json, selections: Vec<Json>, opt_in: Json) -> Observation {
        resource(
            "AWS::RDS::DBCluster",
            Some(CLUSTER_ARN),
            json!({"Engine": engine, "DBClusterIdentifier": "lims-aurora"}),
            tags,
            selections,
            opt_in,
        )
    }

    fn backup_tag() -> Json {
        json!([{"ConditionType": "STRINGEQUALS", "ConditionKey": "backup", "ConditionValue": "daily"}])
    }

    #[test]
    fn an_ebs_volume_by_arn_or_volume_pattern_whatever_the_opt_in() {
        for pattern in [
            VOLUME_ARN,
            "arn:aws:ec2:*:*:volume/*",
            "arn:aws:ec2:*:*:volume/vol-0a1b*",
        ] {
            let o = volume(json!({}), vec![sel(json!({"Resources": [pattern]}))], false);
            let out = run(ID, &o, &[]);
            assert_eq!(out.status, Status::Passed, "{pattern}: {out:?}");
        }
        // An instance pattern does not select a volume; another volume's ARN neither.
        for pattern in [
            "arn:aws:ec2:*:*:instance/*",
            "arn:aws:ec2:eu-west-1:111122223333:volume/vol-other",
        ] {
            let o = volume(json!({}), vec![sel(json!({"Resources": [pattern]}))], true);
            assert_eq!(status(&o), Status::Failed, "{pattern}");
        }
    }

    #[test]
    fn an_ebs_volume_by_tags_service_or_wildcard_needs_ebs_opted_in() {
        for body in [
            json!({"ListOfTags": backup_tag()}),
            json!({"Resources": ["*"]}),
            json!({"Resources": ["arn:aws:ec2:*"]}),
            json!({"Resources": ["*"], "Conditions": {"StringEquals":
                [{"ConditionKey": "aws:ResourceTag/backup", "ConditionValue": "daily"}]}}),
        ] {
            let tags = json!({"backup": "daily"});
            assert_eq!(
                status(&volume(tags.clone(), vec![sel(body.clone())], true)),
                Status::Passed,
                "{body}"
            );
            // EC2 opted in does not opt EBS volumes in.
            assert_eq!(
                status(&volume(tags, vec![sel(body.clone())], false)),
                Status::Failed,
                "{body}"
            );
        }
        // Tags that do not match: not selected.
        let by_tag = vec![sel(json!({"ListOfTags": backup_tag()}))];
        assert_eq!(
            status(&volume(json!({"backup": "weekly"}), by_tag, true)),
            Status::Failed
        );
    }

    #[test]
    fn an_ebs_volume_without_its_arn_is_an_error_naming_the_account_id() {
        let mut o = volume(json!({}), vec![sel(json!({"Resources": ["*"]}))], true);
        o.arn = None;
        let out = run(ID, &o, &[]);
        assert_eq!(out.status, Status::Error, "{out:?}");
        assert!(out.detail.unwrap().contains("account id"));
        // Even with no plan at all: without its ARN, nothing is said of the volume.
        let mut none = volume(json!({}), vec![], true);
        none.arn = None;
        assert_eq!(status(&none), Status::Error);
    }

    #[test]
    fn an_aurora_cluster_needs_the_aurora_opt_in_however_it_is_selected() {
        for body in [
            json!({"Resources": [CLUSTER_ARN]}),
            json!({"Resources": ["arn:aws:rds:*:*:cluster:*"]}),
            json!({"Resources": ["arn:aws:rds:*"]}),
            json!({"ListOfTags": backup_tag()}),
        ] {
            let tags = json!({"backup": "daily"});
            let on = cluster(
                "aurora-postgresql",
                tags.clone(),
                vec![sel(body.clone())],
                json!({"Aurora": true, "RDS": false}),
            );
            let out = run(ID, &on, &[]);
            assert_eq!(out.status, Status::Passed, "{body}: {out:?}");
            // RDS opted in is not Aurora opted in.
            let off = cluster(
                "aurora-mysql",
                tags.clone(),
                vec![sel(body.clone())],
                json!({"Aurora": false, "RDS": true}),
            );
            assert_eq!(status(&off), Status::Failed, "{body}");
            // The opt-in not read, or not naming Aurora: an error, never passed.
            let mut unread = cluster("aurora", tags.clone(), vec![sel(body.clone())], json!({}));
            unread.error(OPT_IN, "AWS Backup DescribeRegionSettings: AccessDenied");
            assert_eq!(status(&unread), Status::Error, "{body}");
            let unnamed = cluster(
                "aurora",
                tags,
                vec![sel(body.clone())],
                json!({"RDS": true}),
            );
            let out = run(ID, &unnamed, &[]);
            assert_eq!(out.status, Status::Error, "{body}");
            assert!(out.detail.unwrap().contains("does not name Aurora"));
        }
        // A DB instance pattern does not select a cluster.
        let db = cluster(
            "aurora-postgresql",
            json!({}),
            vec![sel(json!({"Resources": ["arn:aws:rds:*:*:db:*"]}))],
            json!({"Aurora": true}),
        );
        assert_eq!(status(&db), Status::Failed);
    }

    #[test]
    fn cluster_engines_decide_the_backup_type() {
        let named = vec![sel(json!({"Resources": ["arn:aws:rds:*:*:cluster:*"]}))];
        // An RDS Multi-AZ DB cluster: an RDS resource, named by type, whatever the opt-in.
        let multi_az = cluster(
            "postgres",
            json!({}),
            named.clone(),
            json!({"RDS": false, "Aurora": false}),
        );
        assert_eq!(status(&multi_az), Status::Passed);
        // Neptune and DocumentDB clusters (RDS API, cluster ARNs): their own opt-in, always.
        for (engine, name) in [("neptune", "Neptune"), ("docdb", "DocumentDB")] {
            let mut opt_in = json!({"Aurora": true, "RDS": true});
            opt_in[name] = json!(false);
            assert_eq!(
                status(&cluster(engine, json!({}), named.clone(), opt_in.clone())),
                Status::Failed,
                "{engine}"
            );
            opt_in[name] = json!(true);
            assert_eq!(
                status(&cluster(engine, json!({}), named.clone(), opt_in)),
                Status::Passed,
                "{engine}"
            );
        }
        // Without its engine the type is unknown: an error.
        let mut no_engine = cluster("aurora", json!({}), named.clone(), json!({"Aurora": true}));
        no_engine.properties.remove("Engine");
        let out = run(ID, &no_engine, &[]);
        assert_eq!(out.status, Status::Error, "{out:?}");
        assert!(out.detail.unwrap().contains("engine"));
        let mut denied = cluster("aurora", json!({}), named, json!({"Aurora": true}));
        denied.properties.remove("Engine");
        denied.error("Engine", "RDS DescribeDBClusters: AccessDenied");
        assert_eq!(status(&denied), Status::Error);
    }

    #[test]
    fn a_db_instance_of_an_aurora_cluster_is_an_error_naming_the_cluster() {
        let instance = |engine: &str| {
            resource(
                "AWS::RDS::DBInstance",
                Some("arn:aws:rds:eu-west-1:111122223333:db:lims-1"),
                json!({"Engine": engine}),
                json!({}),
                vec![sel(json!({"Resources": ["arn:aws:rds:*:*:db:*"]}))],
                json!({"RDS": true, "Aurora": true}),
            )
        };
        for engine in ["aurora-postgresql", "neptune", "docdb"] {
            let out = run(ID, &instance(engine), &[]);
            assert_eq!(out.status, Status::Error, "{engine}: {out:?}");
            assert!(out.detail.unwrap().contains("AWS::RDS::DBCluster"));
        }
        assert_eq!(status(&instance("postgres")), Status::Passed);
    }
}
