//! Drift: what changed between the qualified snapshot and a fresh observation, classified
//! security, functional or cosmetic. Pure.

use std::collections::BTreeMap;

use serde_json::{Map, Value as Json};

use super::snapshot::{SnapStack, SnapTarget, Snapshot};
use crate::catalog::SeverityClass;
use crate::report::DriftItem;

/// Drift class of a top-level property of a resource type.
pub fn classify(resource_type: &str, property: &str) -> SeverityClass {
    if property == "Tags" || property.ends_with("Description") {
        return SeverityClass::Cosmetic;
    }
    if resource_type == crate::observe::account::ACCOUNT_TYPE {
        if let Some(class) = crate::observe::account::property_class(property) {
            return class;
        }
    }
    for table in crate::observe::PROPERTY_CLASS_TABLES {
        for (ty, prop, class) in table.iter() {
            if *ty == resource_type && *prop == property {
                return *class;
            }
        }
    }
    SeverityClass::Functional
}

fn show(v: Option<&Json>) -> String {
    match v {
        None => "absent".into(),
        Some(Json::String(s)) => s.clone(),
        Some(other) => other.to_string(),
    }
}

/// Leaf-level differences between two property documents, as dotted paths.
pub fn diff_properties(
    before: &Map<String, Json>,
    after: &Map<String, Json>,
) -> Vec<(String, Option<Json>, Option<Json>)> {
    fn walk(
        path: &str,
        a: Option<&Json>,
        b: Option<&Json>,
        out: &mut Vec<(String, Option<Json>, Option<Json>)>,
    ) {
        match (a, b) {
            (Some(Json::Object(x)), Some(Json::Object(y))) => {
                let keys: std::collections::BTreeSet<&String> = x.keys().chain(y.keys()).collect();
                for k in keys {
                    walk(&format!("{path}.{k}"), x.get(k), y.get(k), out);
                }
            }
            (Some(Json::Array(x)), Some(Json::Array(y))) if x.len() == y.len() => {
                for (i, (p, q)) in x.iter().zip(y.iter()).enumerate() {
                    walk(&format!("{path}[{i}]"), Some(p), Some(q), out);
                }
            }
            (x, y) if x == y => {}
            (x, y) => out.push((path.to_string(), x.cloned(), y.cloned())),
        }
    }
    let mut out = Vec::new();
    let keys: std::collections::BTreeSet<&String> = before.keys().chain(after.keys()).collect();
    for k in keys {
        walk(k, before.get(k), after.get(k), &mut out);
    }
    out
}

fn target_drift(q: &SnapTarget, now: Option<&SnapTarget>) -> Vec<DriftItem> {
    let item = |property: String, class, qualified: String, current: String| DriftItem {
        target: q.key.clone(),
        resource_type: q.resource_type.clone(),
        identifier: q.identifier.clone(),
        property,
        class,
        qualified,
        current,
    };
    let Some(now) = now else {
        return vec![item(
            "(resource)".into(),
            SeverityClass::Functional,
            q.existence.clone(),
            "no longer observed".into(),
        )];
    };
    if now.existence == "unknown" {
        // Could not observe: not drift, but not in sync either; reported by the next run.
        return vec![];
    }
    if q.existence != now.existence {
        return vec![item(
            "(resource)".into(),
            SeverityClass::Functional,
            q.existence.clone(),
            now.existence.clone(),
        )];
    }
    diff_properties(&q.properties(), &now.properties())
        .into_iter()
        .map(|(path, a, b)| {
            let top = path.split(['.', '[']).next().unwrap_or(&path).to_string();
            item(
                path,
                classify(&q.resource_type, &top),
                show(a.as_ref()),
                show(b.as_ref()),
            )
        })
        .collect()
}

fn stack_drift(q: &SnapStack, now: &SnapStack) -> Vec<DriftItem> {
    let item = |property: &str, class, a: String, b: String| DriftItem {
        target: format!("stack:{}", q.name),
        resource_type: "AWS::CloudFormation::Stack".into(),
        identifier: q.name.clone(),
        property: property.into(),
        class,
        qualified: a,
        current: b,
    };
    let opt = |v: &Option<String>| v.clone().unwrap_or_else(|| "absent".into());
    let mut out = Vec::new();
    if q.status != now.status {
        out.push(item(
            "StackStatus",
            SeverityClass::Functional,
            opt(&q.status),
            opt(&now.status),
        ));
    }
    if q.template_sha256 != now.template_sha256 {
        out.push(item(
            "TemplateSHA256",
            SeverityClass::Functional,
            opt(&q.template_sha256),
            opt(&now.template_sha256),
        ));
    }
    let maps = [
        ("Outputs", &q.outputs, &now.outputs),
        ("Parameters", &q.parameters, &now.parameters),
    ];
    for (name, a, b) in maps {
        let keys: std::collections::BTreeSet<&String> = a.keys().chain(b.keys()).collect();
        for k in keys {
            if a.get(k) != b.get(k) {
                out.push(item(
                    &format!("{name}.{k}"),
                    SeverityClass::Functional,
                    show_opt(a.get(k)),
                    show_opt(b.get(k)),
                ));
            }
        }
    }
    out
}

fn show_opt(v: Option<&String>) -> String {
    v.cloned().unwrap_or_else(|| "absent".into())
}

/// Drift of every target and stack of `qualified` compared with `current`.
pub fn drift(qualified: &Snapshot, current: &Snapshot) -> Vec<DriftItem> {
    let now_targets: BTreeMap<&str, &SnapTarget> = current
        .targets
        .iter()
        .map(|t| (t.key.as_str(), t))
        .collect();
    let mut out: Vec<DriftItem> = qualified
        .targets
        .iter()
        .flat_map(|q| target_drift(q, now_targets.get(q.key.as_str()).copied()))
        .collect();
    let old_keys: std::collections::BTreeSet<&str> =
        qualified.targets.iter().map(|t| t.key.as_str()).collect();
    for t in &current.targets {
        if !old_keys.contains(t.key.as_str()) {
            out.push(DriftItem {
                target: t.key.clone(),
                resource_type: t.resource_type.clone(),
                identifier: t.identifier.clone(),
                property: "(resource)".into(),
                class: SeverityClass::Functional,
                qualified: "not in scope".into(),
                current: "newly discovered".into(),
            });
        }
    }
    let now_stacks: BTreeMap<&str, &SnapStack> = current
        .stacks
        .iter()
        .map(|s| (s.name.as_str(), s))
        .collect();
    for q in &qualified.stacks {
        if let Some(now) = now_stacks.get(q.name.as_str()) {
            out.extend(stack_drift(q, now));
        }
    }
    out
}

/// Drift recorded in a run's report: what changed between the previous qualification's
/// snapshot and this run's. Targets that entered or left the specification's scope (an
/// expected resource added or removed with a specification change) are scope changes, not
/// drift, and are left out; discovered resources that appeared or disappeared are drift.
pub fn since_previous(previous: &Snapshot, current: &Snapshot) -> Vec<DriftItem> {
    use crate::observe::TargetOrigin;
    let keys = |s: &Snapshot| -> std::collections::BTreeSet<String> {
        s.targets.iter().map(|t| t.key.clone()).collect()
    };
    let (then, now) = (keys(previous), keys(current));
    let in_both = |t: &SnapTarget, other: &std::collections::BTreeSet<String>| {
        t.origin == TargetOrigin::Discovered || other.contains(&t.key)
    };
    let previous = Snapshot {
        targets: previous
            .targets
            .iter()
            .filter(|t| in_both(t, &now))
            .cloned()
            .collect(),
        ..previous.clone()
    };
    let current = Snapshot {
        targets: current
            .targets
            .iter()
            .filter(|t| in_both(t, &then))
            .cloned()
            .collect(),
        ..current.clone()
    };
    drift(&previous, &current)
}

/// Stacks updated after the qualification: (name, last update now, last update then).
pub fn updated_stacks(qualified: &Snapshot, current: &Snapshot) -> Vec<(String, String, String)> {
    let then: BTreeMap<&str, &SnapStack> = qualified
        .stacks
        .iter()
        .map(|s| (s.name.as_str(), s))
        .collect();
    current
        .stacks
        .iter()
        .filter_map(|now| {
            let q = then.get(now.name.as_str())?;
            match (&q.last_updated, &now.last_updated) {
                (Some(a), Some(b)) if a != b => Some((now.name.clone(), b.clone(), a.clone())),
                (None, Some(b)) => Some((now.name.clone(), b.clone(), "never".into())),
                // Endpoints that do not record update times (moto) still change the status.
                _ if q.status != now.status
                    && now
                        .status
                        .as_deref()
                        .is_some_and(|s| s.starts_with("UPDATE_")) =>
                {
                    Some((
                        now.name.clone(),
                        now.status.clone().unwrap_or_default(),
                        q.status.clone().unwrap_or_default(),
                    ))
                }
                _ => None,
            }
        })
        .collect()
}

/// One line for people: `security: evidence_bucket (AWS::S3::Bucket lims-evidence) VersioningConfiguration.Status: Enabled -> Suspended`.
pub fn describe(item: &DriftItem) -> String {
    format!(
        "{}: {} ({} {}) {}: {} -> {}",
        item.class.as_str(),
        item.target,
        item.resource_type,
        item.identifier,
        item.property,
        item.qualified,
        item.current
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::observe::TargetOrigin;
    use serde_json::json;

    fn t(key: &str, props: Json) -> SnapTarget {
        SnapTarget {
            key: key.into(),
            resource_type: "AWS::S3::Bucket".into(),
            identifier: key.into(),
            origin: TargetOrigin::Spec,
            existence: "exists".into(),
            properties: crate::spec::canonical::canonical_string(&props),
            checks: vec![],
            params: Default::default(),
        }
    }

    #[test]
    fn changed_leaf_is_reported_with_its_path_and_class() {
        let q = Snapshot {
            targets: vec![t(
                "b",
                json!({"VersioningConfiguration": {"Status": "Enabled"}, "Tags": [{"Key": "a", "Value": "1"}]}),
            )],
            ..Default::default()
        };
        let n = Snapshot {
            targets: vec![t(
                "b",
                json!({"VersioningConfiguration": {"Status": "Suspended"}, "Tags": [{"Key": "a", "Value": "2"}]}),
            )],
            ..Default::default()
        };
        let d = drift(&q, &n);
        assert_eq!(d.len(), 2);
        let v = d
            .iter()
            .find(|i| i.property == "VersioningConfiguration.Status")
            .unwrap();
        assert_eq!(
            (v.qualified.as_str(), v.current.as_str()),
            ("Enabled", "Suspended")
        );
        let tags = d.iter().find(|i| i.property.starts_with("Tags")).unwrap();
        assert_eq!(tags.class, SeverityClass::Cosmetic);
    }

    #[test]
    fn removed_property_and_deleted_resource_are_drift() {
        let q = Snapshot {
            targets: vec![
                t("b", json!({"BucketEncryption": {"x": 1}})),
                t("c", json!({})),
            ],
            ..Default::default()
        };
        let mut gone = t("c", json!({}));
        gone.existence = "missing".into();
        let n = Snapshot {
            targets: vec![t("b", json!({})), gone],
            ..Default::default()
        };
        let d = drift(&q, &n);
        assert!(d
            .iter()
            .any(|i| i.property == "BucketEncryption" && i.current == "absent"));
        assert!(d.iter().any(|i| i.target == "c" && i.current == "missing"));
    }

    #[test]
    fn no_change_no_drift_and_unknown_is_not_drift() {
        let q = Snapshot {
            targets: vec![t("b", json!({"A": [1, 2]}))],
            ..Default::default()
        };
        assert!(drift(&q, &q.clone()).is_empty());
        let mut unknown = t("b", json!({}));
        unknown.existence = "unknown".into();
        assert!(drift(
            &q,
            &Snapshot {
                targets: vec![unknown],
                ..Default::default()
            }
        )
        .is_empty());
    }

    #[test]
    fn stack_changes_and_updates_are_found() {
        let s = |upd: &str, out: &str| SnapStack {
            name: "core".into(),
            status: Some("UPDATE_COMPLETE".into()),
            last_updated: Some(upd.into()),
            outputs: [("B".to_string(), out.to_string())].into(),
            ..Default::default()
        };
        let q = Snapshot {
            stacks: vec![s("t1", "x")],
            ..Default::default()
        };
        let n = Snapshot {
            stacks: vec![s("t2", "y")],
            ..Default::default()
        };
        assert_eq!(
            updated_stacks(&q, &n),
            vec![("core".into(), "t2".into(), "t1".into())]
        );
        assert!(drift(&q, &n).iter().any(|i| i.property == "Outputs.B"));
    }

    #[test]
    fn drift_since_previous_leaves_out_scope_changes() {
        let mut found = t("discovered:arn:aws:s3:::x", json!({}));
        found.origin = TargetOrigin::Discovered;
        let previous = Snapshot {
            targets: vec![
                t(
                    "b",
                    json!({"VersioningConfiguration": {"Status": "Enabled"}}),
                ),
                t("removed_from_spec", json!({})),
            ],
            ..Default::default()
        };
        let current = Snapshot {
            targets: vec![
                t(
                    "b",
                    json!({"VersioningConfiguration": {"Status": "Suspended"}}),
                ),
                t("added_to_spec", json!({})),
                found,
            ],
            ..Default::default()
        };
        let d = since_previous(&previous, &current);
        let found: Vec<(&str, &str)> = d
            .iter()
            .map(|i| (i.target.as_str(), i.property.as_str()))
            .collect();
        assert_eq!(
            found,
            [
                ("b", "VersioningConfiguration.Status"),
                ("discovered:arn:aws:s3:::x", "(resource)")
            ]
        );
        assert_eq!(d[0].class, SeverityClass::Security);
        assert_eq!(
            (d[0].qualified.as_str(), d[0].current.as_str()),
            ("Enabled", "Suspended")
        );
    }

    #[test]
    fn fingerprint_ignores_order() {
        let a = Snapshot {
            targets: vec![t("a", json!({})), t("b", json!({}))],
            ..Default::default()
        };
        let mut b = a.clone();
        b.targets.reverse();
        assert_eq!(a.fingerprint(), b.fingerprint());
    }
}
