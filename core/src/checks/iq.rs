//! Installation Qualification evaluators: stack expectations against a [`StackObservation`],
//! resource existence, and expected properties against a resource [`Observation`].

use serde_json::Value as Json;

use super::support::show;
use super::{Outcome, Params, Status};
use crate::observe::stack::{PART_DRIFT, PART_RESOURCES, PART_STACK, PART_TEMPLATE};
use crate::observe::{Existence, Observation, StackObservation};
use crate::spec::model::ExpectedStack;

/// Actual value reported for every expectation of a stack that does not exist.
const STACK_NOT_FOUND: &str = "stack not found";
/// Expected value of `iq.stack_status`.
const SUCCESSFUL_STATES: &str = "CREATE_COMPLETE, UPDATE_COMPLETE or IMPORT_COMPLETE";
/// How CloudFormation shows a NoEcho parameter value.
const MASKED: &str = "****";

/// Evaluate a `iq` check on a resource observation; `None` when `id` is not driven per
/// observation (only `iq.resource_exists` is; stack and property checks have their own entry
/// points, [`evaluate_stack`] and [`compare_properties`]).
pub fn evaluate(id: &str, obs: &Observation, _params: &Params) -> Option<Outcome> {
    match id {
        "iq.resource_exists" => Some(evaluate_resource_exists(obs)),
        _ => None,
    }
}

/// `iq.resource_exists`: the resource was found through its service's read API.
pub fn evaluate_resource_exists(obs: &Observation) -> Outcome {
    match &obs.existence {
        Existence::Exists => Outcome::verdict(true, "resource exists", "exists")
            .with_detail(format!("{} {}", obs.resource_type, obs.identifier)),
        Existence::Missing => Outcome::verdict(false, "resource exists", "resource not found")
            .with_detail(format!("{} {}", obs.resource_type, obs.identifier)),
        Existence::Unknown(err) => Outcome::error("resource exists", err.clone()),
    }
}

/// Evaluate every IQ expectation of a stack: `(check id, sub-item, outcome)`.
///
/// Sub-items are the logical id (`iq.stack_resources`), output key (`iq.stack_outputs`) or
/// parameter key (`iq.stack_parameters`). `iq.stack_drift` has an outcome only when drift
/// detection ran (or failed); an unsupporting endpoint leaves only `cfn_drift_note`.
pub fn evaluate_stack(
    expected: &ExpectedStack,
    obs: &StackObservation,
) -> Vec<(&'static str, Option<String>, Outcome)> {
    let mut out = Vec::new();
    let status = match (&obs.status, obs.errors.get(PART_STACK)) {
        (_, Some(err)) => {
            all_unavailable(expected, &mut out, |exp| Outcome::error(exp, err.clone()));
            return out;
        }
        (None, None) => {
            all_unavailable(expected, &mut out, |exp| {
                Outcome::verdict(false, exp, STACK_NOT_FOUND)
            });
            return out;
        }
        (Some(status), None) => status,
    };

    let stack_status = Outcome::verdict(is_successful(status), SUCCESSFUL_STATES, status.clone());
    out.push(("iq.stack_status", None, stack_status));

    if let Some(want) = &expected.template_sha256 {
        let want = want.trim().to_ascii_lowercase();
        let outcome = match (obs.errors.get(PART_TEMPLATE), &obs.template_sha256) {
            (Some(err), _) => Outcome::error(want, err.clone()),
            (None, Some(got)) => {
                let got = got.to_ascii_lowercase();
                Outcome::verdict(got == want, want, got)
            }
            (None, None) => Outcome::error(want, "the template digest was not read"),
        };
        out.push(("iq.template_hash", None, outcome));
    }

    stack_resources(expected, obs, &mut out);

    for (key, want) in &expected.outputs {
        let outcome = match obs.outputs.get(key) {
            Some(got) => Outcome::verdict(got == want, want, got),
            None => Outcome::verdict(false, want, "output not present"),
        };
        out.push(("iq.stack_outputs", Some(key.clone()), outcome));
    }

    for (key, want) in &expected.parameters {
        let outcome = match obs.parameters.get(key) {
            Some(got) if got == MASKED => Outcome::verdict(true, want, MASKED)
                .with_detail("NoEcho parameter: compared by presence only"),
            Some(got) => Outcome::verdict(got == want, want, got),
            None => Outcome::verdict(false, want, "parameter not present"),
        };
        out.push(("iq.stack_parameters", Some(key.clone()), outcome));
    }

    if let Some(err) = obs.errors.get(PART_DRIFT) {
        out.push((
            "iq.stack_drift",
            None,
            Outcome::error("IN_SYNC", err.clone()),
        ));
    } else if let Some(drift) = &obs.cfn_drift_status {
        let outcome = match drift.as_str() {
            "IN_SYNC" => Outcome::verdict(true, "IN_SYNC", drift.clone()),
            "DRIFTED" => Outcome::verdict(false, "IN_SYNC", drift.clone()),
            other => Outcome::error(
                "IN_SYNC",
                format!("drift detection gave no verdict: StackDriftStatus {other}"),
            ),
        };
        out.push(("iq.stack_drift", None, outcome));
    }
    out
}

/// Whether a StackStatus is a successful, settled state (not a rollback or deletion).
fn is_successful(status: &str) -> bool {
    status.ends_with("_COMPLETE") && !status.contains("ROLLBACK") && !status.starts_with("DELETE")
}

/// One outcome per expectation when the stack itself is unavailable (missing or unreadable).
fn all_unavailable(
    expected: &ExpectedStack,
    out: &mut Vec<(&'static str, Option<String>, Outcome)>,
    outcome: impl Fn(String) -> Outcome,
) {
    out.push(("iq.stack_status", None, outcome(SUCCESSFUL_STATES.into())));
    if let Some(want) = &expected.template_sha256 {
        out.push(("iq.template_hash", None, outcome(want.to_ascii_lowercase())));
    }
    for (logical, kind) in &expected.resources {
        out.push((
            "iq.stack_resources",
            Some(logical.clone()),
            outcome(kind.clone()),
        ));
    }
    for (key, want) in &expected.outputs {
        out.push(("iq.stack_outputs", Some(key.clone()), outcome(want.clone())));
    }
    for (key, want) in &expected.parameters {
        out.push((
            "iq.stack_parameters",
            Some(key.clone()),
            outcome(want.clone()),
        ));
    }
}

/// `iq.stack_resources`: each expected logical id deployed with its type; when the
/// expectation lists resources, each deployed logical id it does not list is a deviation.
fn stack_resources(
    expected: &ExpectedStack,
    obs: &StackObservation,
    out: &mut Vec<(&'static str, Option<String>, Outcome)>,
) {
    if let Some(err) = obs.errors.get(PART_RESOURCES) {
        for (logical, kind) in &expected.resources {
            let outcome = Outcome::error(kind.clone(), err.clone());
            out.push(("iq.stack_resources", Some(logical.clone()), outcome));
        }
        return;
    }
    for (logical, kind) in &expected.resources {
        let outcome = match obs.resources.get(logical) {
            Some((got, physical)) => Outcome::verdict(got == kind, kind, got)
                .with_detail(format!("physical id {physical}")),
            None => Outcome::verdict(false, kind, "not in stack"),
        };
        out.push(("iq.stack_resources", Some(logical.clone()), outcome));
    }
    if expected.resources.is_empty() {
        return;
    }
    for (logical, (kind, physical)) in &obs.resources {
        if !expected.resources.contains_key(logical) {
            let outcome = Outcome::verdict(false, "not in specification", kind).with_detail(
                format!("deployed but not specified; physical id {physical}"),
            );
            out.push(("iq.stack_resources", Some(logical.clone()), outcome));
        }
    }
}

/// `iq.resource_properties`: one outcome per expected leaf path (`Prop.Sub[0].Leaf`).
///
/// Objects recurse; arrays compare element-wise by index (elements beyond the expected length
/// are not compared); scalars compare loosely (`"true"` equals `true`, `"7"` equals `7`); an
/// expected `null` means "not configured". A path whose top-level property could not be read
/// is `error`; an absent one fails with actual `not configured`.
pub fn compare_properties(expected: &Json, obs: &Observation) -> Vec<(String, Outcome)> {
    let mut out = Vec::new();
    let Json::Object(top) = expected else {
        out.push((
            String::new(),
            Outcome::error(
                show(Some(expected)),
                "expected properties are not a JSON object",
            ),
        ));
        return out;
    };
    for (name, want) in top {
        let actual = obs.properties.get(name);
        leaves(name, name.clone(), want, actual, obs, &mut out);
    }
    out
}

/// Walk `want` and `actual` together, pushing one outcome per expected leaf. `top` is the
/// top-level property the walk is in: its read error, if any, is every leaf's outcome (the
/// name is taken as given, not re-parsed from `path`, as property names may hold `.` or `[`).
fn leaves(
    top: &str,
    path: String,
    want: &Json,
    actual: Option<&Json>,
    obs: &Observation,
    out: &mut Vec<(String, Outcome)>,
) {
    match want {
        Json::Object(map) if !map.is_empty() => {
            for (key, sub) in map {
                let next = actual.and_then(|a| a.get(key));
                leaves(top, format!("{path}.{key}"), sub, next, obs, out);
            }
        }
        Json::Array(items) if !items.is_empty() => {
            for (i, sub) in items.iter().enumerate() {
                let next = actual.and_then(|a| a.get(i));
                leaves(top, format!("{path}[{i}]"), sub, next, obs, out);
            }
        }
        _ => {
            let outcome = leaf(top, want, actual, obs);
            out.push((path, outcome));
        }
    }
}

/// The outcome of one expected leaf value.
fn leaf(top: &str, want: &Json, actual: Option<&Json>, obs: &Observation) -> Outcome {
    let expected = show(Some(want));
    if let Some(err) = obs.errors.get(top) {
        return Outcome::error(expected, err.to_string());
    }
    match &obs.existence {
        Existence::Missing => return Outcome::verdict(false, expected, "resource not found"),
        Existence::Unknown(err) => return Outcome::error(expected, err.clone()),
        Existence::Exists => {}
    }
    let actual = actual.filter(|a| !a.is_null());
    let ok = match (want, actual) {
        (Json::Null, None) => true,
        (_, None) => false,
        (w, Some(a)) => loose_eq(w, a),
    };
    let outcome = Outcome::verdict(ok, expected, show(actual));
    if outcome.status == Status::Failed && actual.is_some() && !is_scalar(want) {
        return outcome.with_detail("structure differs");
    }
    outcome
}

fn is_scalar(v: &Json) -> bool {
    !matches!(v, Json::Object(_) | Json::Array(_))
}

/// Scalar equality with CloudFormation's loose typing: strings may spell booleans and numbers.
fn loose_eq(want: &Json, actual: &Json) -> bool {
    match (want, actual) {
        (Json::String(w), Json::String(a)) => w == a,
        (Json::Bool(b), Json::String(s)) | (Json::String(s), Json::Bool(b)) => {
            s.eq_ignore_ascii_case(if *b { "true" } else { "false" })
        }
        (Json::Number(n), Json::String(s)) | (Json::String(s), Json::Number(n)) => {
            match (s.trim().parse::<f64>(), n.as_f64()) {
                (Ok(x), Some(y)) => x == y,
                _ => false,
            }
        }
        (Json::Number(w), Json::Number(a)) => match (w.as_f64(), a.as_f64()) {
            (Some(x), Some(y)) => x == y,
            _ => w == a,
        },
        (w, a) => w == a,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::observe::{Target, TargetOrigin};
    use serde_json::json;
    use std::collections::BTreeMap;

    fn target() -> Target {
        Target {
            key: "bucket".into(),
            resource_type: "AWS::S3::Bucket".into(),
            identifier: "my-bucket".into(),
            origin: TargetOrigin::Spec,
            checks: vec![],
            params: BTreeMap::new(),
            expected_properties: None,
            requirements: vec![],
        }
    }

    fn bucket(props: Json) -> Observation {
        let mut o = Observation::exists(&target());
        for (k, v) in props.as_object().expect("object").clone() {
            o.set(&k, v);
        }
        o
    }

    fn map(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    const HASH: &str = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";

    fn expected_stack() -> ExpectedStack {
        ExpectedStack {
            name: "app".into(),
            template_sha256: Some(HASH.to_ascii_uppercase()),
            outputs: map(&[("BucketName", "app-bucket")]),
            parameters: map(&[("Env", "prod"), ("Secret", "s3cr3t")]),
            resources: map(&[("Bucket", "AWS::S3::Bucket"), ("Key", "AWS::KMS::Key")]),
            requirements: vec![],
        }
    }

    fn deployed() -> StackObservation {
        let mut resources = BTreeMap::new();
        resources.insert(
            "Bucket".to_string(),
            ("AWS::S3::Bucket".to_string(), "app-bucket".to_string()),
        );
        resources.insert(
            "Key".to_string(),
            ("AWS::KMS::Key".to_string(), "1234-abcd".to_string()),
        );
        StackObservation {
            name: "app".into(),
            status: Some("UPDATE_COMPLETE".into()),
            stack_id: Some("arn:aws:cloudformation:us-east-1:1:stack/app/x".into()),
            template_sha256: Some(HASH.into()),
            outputs: map(&[("BucketName", "app-bucket"), ("Extra", "ignored")]),
            parameters: map(&[("Env", "prod"), ("Secret", "****")]),
            resources,
            last_updated: Some("2026-01-01T00:00:00Z".into()),
            cfn_drift_status: None,
            cfn_drift_note: Some("unsupported".into()),
            errors: BTreeMap::new(),
        }
    }

    fn find<'a>(
        results: &'a [(&'static str, Option<String>, Outcome)],
        id: &str,
        sub: Option<&str>,
    ) -> &'a Outcome {
        let hits: Vec<_> = results
            .iter()
            .filter(|(i, s, _)| *i == id && s.as_deref() == sub)
            .collect();
        assert_eq!(hits.len(), 1, "{id} {sub:?} in {results:#?}");
        &hits[0].2
    }

    #[test]
    fn true_expectation_passes_every_stack_check() {
        let results = evaluate_stack(&expected_stack(), &deployed());
        assert_eq!(results.len(), 1 + 1 + 2 + 1 + 2, "{results:#?}");
        for (id, sub, o) in &results {
            assert_eq!(o.status, Status::Passed, "{id} {sub:?}: {o:?}");
        }
        assert!(!results.iter().any(|(id, _, _)| *id == "iq.stack_drift"));
        let masked = find(&results, "iq.stack_parameters", Some("Secret"));
        assert!(masked.detail.as_deref().unwrap().contains("NoEcho"));
        let bucket = find(&results, "iq.stack_resources", Some("Bucket"));
        assert_eq!(bucket.detail.as_deref(), Some("physical id app-bucket"));
    }

    #[test]
    fn stack_status_accepts_only_settled_successful_states() {
        for (status, ok) in [
            ("CREATE_COMPLETE", true),
            ("UPDATE_COMPLETE", true),
            ("IMPORT_COMPLETE", true),
            ("UPDATE_ROLLBACK_COMPLETE", false),
            ("ROLLBACK_COMPLETE", false),
            ("IMPORT_ROLLBACK_COMPLETE", false),
            ("DELETE_COMPLETE", false),
            ("CREATE_IN_PROGRESS", false),
            ("UPDATE_COMPLETE_CLEANUP_IN_PROGRESS", false),
            ("CREATE_FAILED", false),
            ("REVIEW_IN_PROGRESS", false),
        ] {
            let mut obs = deployed();
            obs.status = Some(status.into());
            let results = evaluate_stack(&ExpectedStack::default(), &obs);
            assert_eq!(results.len(), 1);
            let o = find(&results, "iq.stack_status", None);
            assert_eq!(o.status == Status::Passed, ok, "{status}");
            assert_eq!(o.actual, status);
        }
    }

    #[test]
    fn missing_stack_fails_every_expectation_with_stack_not_found() {
        let obs = StackObservation {
            name: "app".into(),
            ..Default::default()
        };
        let results = evaluate_stack(&expected_stack(), &obs);
        assert_eq!(results.len(), 7);
        for (id, sub, o) in &results {
            assert_eq!(o.status, Status::Failed, "{id} {sub:?}");
            assert_eq!(o.actual, STACK_NOT_FOUND);
        }
        assert_eq!(find(&results, "iq.template_hash", None).expected, HASH);
    }

    #[test]
    fn unreadable_stack_errors_every_expectation() {
        let mut obs = StackObservation {
            name: "app".into(),
            ..Default::default()
        };
        obs.errors
            .insert(PART_STACK.into(), "DescribeStacks: AccessDenied".into());
        let results = evaluate_stack(&expected_stack(), &obs);
        assert_eq!(results.len(), 7);
        for (id, _, o) in &results {
            assert_eq!(o.status, Status::Error, "{id}");
            assert_eq!(o.detail.as_deref(), Some("DescribeStacks: AccessDenied"));
        }
    }

    #[test]
    fn template_hash_compares_lowercase_and_reports_both_digests() {
        let mut obs = deployed();
        obs.template_sha256 = Some("00".repeat(32));
        let results = evaluate_stack(&expected_stack(), &obs);
        let o = find(&results, "iq.template_hash", None);
        assert_eq!(o.status, Status::Failed);
        assert_eq!(o.expected, HASH);
        assert_eq!(o.actual, "00".repeat(32));

        let mut exp = expected_stack();
        exp.template_sha256 = None;
        let results = evaluate_stack(&exp, &obs);
        assert!(!results.iter().any(|(id, _, _)| *id == "iq.template_hash"));
    }

    #[test]
    fn template_read_error_is_error_not_pass() {
        let mut obs = deployed();
        obs.errors
            .insert(PART_TEMPLATE.into(), "GetTemplate: AccessDenied".into());
        let results = evaluate_stack(&expected_stack(), &obs);
        assert_eq!(
            find(&results, "iq.template_hash", None).status,
            Status::Error
        );
        // Parts that were read are still evaluated.
        assert_eq!(
            find(&results, "iq.stack_status", None).status,
            Status::Passed
        );

        let mut obs = deployed();
        obs.template_sha256 = None;
        let results = evaluate_stack(&expected_stack(), &obs);
        assert_eq!(
            find(&results, "iq.template_hash", None).status,
            Status::Error
        );
    }

    #[test]
    fn resources_missing_wrong_type_and_unexpected_fail() {
        let mut obs = deployed();
        obs.resources.remove("Key");
        obs.resources.insert(
            "Bucket".into(),
            ("AWS::SNS::Topic".into(), "arn:aws:sns:x".into()),
        );
        obs.resources.insert(
            "Rogue".into(),
            ("AWS::EC2::SecurityGroup".into(), "sg-1".into()),
        );
        let results = evaluate_stack(&expected_stack(), &obs);
        let key = find(&results, "iq.stack_resources", Some("Key"));
        assert_eq!(
            (key.status, key.actual.as_str()),
            (Status::Failed, "not in stack")
        );
        let bucket = find(&results, "iq.stack_resources", Some("Bucket"));
        assert_eq!(bucket.status, Status::Failed);
        assert_eq!(bucket.actual, "AWS::SNS::Topic");
        let rogue = find(&results, "iq.stack_resources", Some("Rogue"));
        assert_eq!(rogue.status, Status::Failed);
        assert_eq!(rogue.expected, "not in specification");
        assert_eq!(rogue.actual, "AWS::EC2::SecurityGroup");
    }

    #[test]
    fn unexpected_resources_are_ignored_when_no_resources_are_specified() {
        let mut exp = expected_stack();
        exp.resources.clear();
        let results = evaluate_stack(&exp, &deployed());
        assert!(!results.iter().any(|(id, _, _)| *id == "iq.stack_resources"));
    }

    #[test]
    fn resource_listing_error_is_error_per_expected_resource() {
        let mut obs = deployed();
        obs.resources.clear();
        obs.errors.insert(
            PART_RESOURCES.into(),
            "ListStackResources: Throttling".into(),
        );
        let results = evaluate_stack(&expected_stack(), &obs);
        let rows: Vec<_> = results
            .iter()
            .filter(|(id, _, _)| *id == "iq.stack_resources")
            .collect();
        assert_eq!(rows.len(), 2);
        assert!(rows.iter().all(|(_, _, o)| o.status == Status::Error));
    }

    #[test]
    fn outputs_missing_or_different_fail() {
        let mut exp = expected_stack();
        exp.outputs
            .insert("TopicArn".into(), "arn:aws:sns:x".into());
        exp.outputs.insert("BucketName".into(), "other".into());
        let results = evaluate_stack(&exp, &deployed());
        let missing = find(&results, "iq.stack_outputs", Some("TopicArn"));
        assert_eq!(missing.status, Status::Failed);
        assert_eq!(missing.actual, "output not present");
        let wrong = find(&results, "iq.stack_outputs", Some("BucketName"));
        assert_eq!(wrong.status, Status::Failed);
        assert_eq!(
            (wrong.expected.as_str(), wrong.actual.as_str()),
            ("other", "app-bucket")
        );
        // Outputs not in the specification produce no outcome.
        assert!(!results
            .iter()
            .any(|(_, sub, _)| sub.as_deref() == Some("Extra")));
    }

    #[test]
    fn parameters_missing_or_different_fail() {
        let mut exp = expected_stack();
        exp.parameters.insert("Env".into(), "dev".into());
        exp.parameters.insert("Owner".into(), "qa".into());
        let results = evaluate_stack(&exp, &deployed());
        let env = find(&results, "iq.stack_parameters", Some("Env"));
        assert_eq!(env.status, Status::Failed);
        assert_eq!(env.actual, "prod");
        let owner = find(&results, "iq.stack_parameters", Some("Owner"));
        assert_eq!(owner.status, Status::Failed);
        assert_eq!(owner.actual, "parameter not present");
    }

    #[test]
    fn drift_status_passes_only_in_sync() {
        for (drift, status) in [
            ("IN_SYNC", Status::Passed),
            ("DRIFTED", Status::Failed),
            ("UNKNOWN", Status::Error),
            ("NOT_CHECKED", Status::Error),
        ] {
            let mut obs = deployed();
            obs.cfn_drift_status = Some(drift.into());
            let results = evaluate_stack(&expected_stack(), &obs);
            assert_eq!(
                find(&results, "iq.stack_drift", None).status,
                status,
                "{drift}"
            );
        }
        let mut obs = deployed();
        obs.errors
            .insert(PART_DRIFT.into(), "drift detection timed out".into());
        let results = evaluate_stack(&expected_stack(), &obs);
        assert_eq!(find(&results, "iq.stack_drift", None).status, Status::Error);
    }

    #[test]
    fn failed_stack_still_evaluates_other_expectations() {
        let mut obs = deployed();
        obs.status = Some("UPDATE_ROLLBACK_COMPLETE".into());
        let results = evaluate_stack(&expected_stack(), &obs);
        assert_eq!(
            find(&results, "iq.stack_status", None).status,
            Status::Failed
        );
        assert_eq!(
            find(&results, "iq.stack_outputs", Some("BucketName")).status,
            Status::Passed
        );
    }

    #[test]
    fn resource_exists_follows_existence() {
        let t = target();
        let exists = evaluate_resource_exists(&Observation::exists(&t));
        assert_eq!(exists.status, Status::Passed);
        let missing =
            evaluate_resource_exists(&Observation::with_existence(&t, Existence::Missing));
        assert_eq!(missing.status, Status::Failed);
        assert_eq!(missing.actual, "resource not found");
        let unknown = evaluate_resource_exists(&Observation::with_existence(
            &t,
            Existence::Unknown("HeadBucket: AccessDenied".into()),
        ));
        assert_eq!(unknown.status, Status::Error);
        assert_eq!(unknown.detail.as_deref(), Some("HeadBucket: AccessDenied"));
    }

    #[test]
    fn dispatcher_handles_only_resource_exists() {
        let o = Observation::exists(&target());
        let p = Params::default();
        assert_eq!(
            evaluate("iq.resource_exists", &o, &p).map(|o| o.status),
            Some(Status::Passed)
        );
        assert!(evaluate("iq.resource_properties", &o, &p).is_none());
        assert!(evaluate("iq.stack_status", &o, &p).is_none());
        assert!(evaluate("s3.encryption", &o, &p).is_none());
    }

    fn statuses(results: &[(String, Outcome)]) -> Vec<(&str, Status)> {
        results
            .iter()
            .map(|(p, o)| (p.as_str(), o.status))
            .collect()
    }

    #[test]
    fn properties_compare_one_outcome_per_leaf() {
        let obs = bucket(json!({
            "BucketEncryption": {"ServerSideEncryptionConfiguration": [
                {"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms", "KMSMasterKeyID": "k1"},
                 "BucketKeyEnabled": true}
            ]},
            "VersioningConfiguration": {"Status": "Enabled"},
            "ObjectLockEnabled": true,
        }));
        let expected = json!({
            "BucketEncryption": {"ServerSideEncryptionConfiguration": [
                {"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms"}, "BucketKeyEnabled": "true"}
            ]},
            "VersioningConfiguration": {"Status": "Suspended"},
            "ObjectLockEnabled": "true",
        });
        let results = compare_properties(&expected, &obs);
        assert_eq!(
            statuses(&results),
            vec![
                (
                    "BucketEncryption.ServerSideEncryptionConfiguration[0].ApplyServerSideEncryptionByDefault.SSEAlgorithm",
                    Status::Passed
                ),
                (
                    "BucketEncryption.ServerSideEncryptionConfiguration[0].BucketKeyEnabled",
                    Status::Passed
                ),
                ("VersioningConfiguration.Status", Status::Failed),
                ("ObjectLockEnabled", Status::Passed),
            ]
        );
        let versioning = &results[2].1;
        assert_eq!(
            (versioning.expected.as_str(), versioning.actual.as_str()),
            ("Suspended", "Enabled")
        );
        // Every reported path resolves through Observation::get.
        for (path, _) in &results {
            assert!(obs.get(path).is_some(), "{path}");
        }
    }

    #[test]
    fn properties_absent_are_not_configured() {
        let obs = bucket(json!({}));
        let results = compare_properties(
            &json!({"VersioningConfiguration": {"Status": "Enabled"}}),
            &obs,
        );
        assert_eq!(results.len(), 1);
        assert_eq!(results[0].0, "VersioningConfiguration.Status");
        assert_eq!(results[0].1.status, Status::Failed);
        assert_eq!(results[0].1.actual, "not configured");
    }

    #[test]
    fn properties_with_read_errors_are_error() {
        let mut obs = bucket(json!({"VersioningConfiguration": {"Status": "Enabled"}}));
        obs.error("BucketEncryption", "GetBucketEncryption: AccessDenied");
        let expected = json!({
            "BucketEncryption": {"ServerSideEncryptionConfiguration": [{"BucketKeyEnabled": true}]},
            "VersioningConfiguration": {"Status": "Enabled"}
        });
        let results = compare_properties(&expected, &obs);
        assert_eq!(
            statuses(&results),
            vec![
                (
                    "BucketEncryption.ServerSideEncryptionConfiguration[0].BucketKeyEnabled",
                    Status::Error
                ),
                ("VersioningConfiguration.Status", Status::Passed),
            ]
        );
        assert_eq!(
            results[0].1.detail.as_deref(),
            Some("GetBucketEncryption: AccessDenied")
        );
    }

    /// Fuzz finding (target `properties`): the read error of a property whose name holds `.`
    /// or `[` was looked up under the path's first segment, so its leaves were compared with
    /// whatever was there — and passed.
    #[test]
    fn read_errors_of_properties_named_with_dots_or_brackets_are_error() {
        let mut obs = bucket(json!({"a.b": 7, "[1]": {"Status": "x"}}));
        obs.error("a.b", "AccessDenied");
        obs.error("[1]", "AccessDenied");
        let expected = json!({"a.b": 7, "[1]": {"Status": "x"}});
        assert_eq!(
            statuses(&compare_properties(&expected, &obs)),
            vec![("a.b", Status::Error), ("[1].Status", Status::Error)]
        );
    }

    #[test]
    fn expected_array_longer_than_actual_fails_at_missing_index() {
        let obs = bucket(json!({"Tags": [{"Key": "app", "Value": "x"}]}));
        let expected =
            json!({"Tags": [{"Key": "app", "Value": "x"}, {"Key": "env", "Value": "prod"}]});
        let results = compare_properties(&expected, &obs);
        assert_eq!(
            statuses(&results),
            vec![
                ("Tags[0].Key", Status::Passed),
                ("Tags[0].Value", Status::Passed),
                ("Tags[1].Key", Status::Failed),
                ("Tags[1].Value", Status::Failed),
            ]
        );
        assert_eq!(results[2].1.actual, "not configured");
        // Extra actual elements beyond the expected ones are not compared.
        let results = compare_properties(&json!({"Tags": [{"Key": "app"}]}), &obs);
        assert_eq!(statuses(&results), vec![("Tags[0].Key", Status::Passed)]);
    }

    #[test]
    fn scalar_arrays_compare_by_index() {
        let obs = bucket(json!({"Ports": [22, 443]}));
        let results = compare_properties(&json!({"Ports": ["22", 80]}), &obs);
        assert_eq!(
            statuses(&results),
            vec![("Ports[0]", Status::Passed), ("Ports[1]", Status::Failed)]
        );
        assert_eq!(results[1].1.actual, "443");
    }

    #[test]
    fn loose_scalar_typing() {
        let obs = bucket(json!({
            "Flag": true, "Count": 7, "Str": "7", "Name": "True", "Ratio": 1.5, "Off": "false"
        }));
        let cases = [
            (json!({"Flag": "true"}), Status::Passed),
            (json!({"Flag": "TRUE"}), Status::Passed),
            (json!({"Flag": false}), Status::Failed),
            (json!({"Flag": "yes"}), Status::Failed),
            (json!({"Count": "7"}), Status::Passed),
            (json!({"Count": 7.0}), Status::Passed),
            (json!({"Count": "8"}), Status::Failed),
            (json!({"Count": "seven"}), Status::Failed),
            (json!({"Str": 7}), Status::Passed),
            (json!({"Ratio": "1.5"}), Status::Passed),
            (json!({"Off": false}), Status::Passed),
            // String against string is exact.
            (json!({"Name": "true"}), Status::Failed),
            (json!({"Name": "True"}), Status::Passed),
            (json!({"Str": "7.0"}), Status::Failed),
        ];
        for (expected, status) in cases {
            let results = compare_properties(&expected, &obs);
            assert_eq!(results.len(), 1);
            assert_eq!(results[0].1.status, status, "{expected}");
        }
    }

    #[test]
    fn structure_mismatch_and_null_expectation() {
        let obs = bucket(json!({"Policy": "text", "Empty": []}));
        let results = compare_properties(&json!({"Policy": {"Version": "2012-10-17"}}), &obs);
        assert_eq!(statuses(&results), vec![("Policy.Version", Status::Failed)]);
        let results = compare_properties(&json!({"Gone": null, "Policy": null}), &obs);
        assert_eq!(
            statuses(&results),
            vec![("Gone", Status::Passed), ("Policy", Status::Failed)]
        );
        let results = compare_properties(&json!({"Empty": [], "Policy": []}), &obs);
        assert_eq!(
            statuses(&results),
            vec![("Empty", Status::Passed), ("Policy", Status::Failed)]
        );
        let results =
            compare_properties(&json!({"Flag": ["a"]}), &bucket(json!({"Flag": {"x": 1}})));
        assert_eq!(statuses(&results), vec![("Flag[0]", Status::Failed)]);
    }

    #[test]
    fn missing_or_unknown_resource_and_non_object_expectation() {
        let t = target();
        let missing = Observation::with_existence(&t, Existence::Missing);
        let results = compare_properties(&json!({"A": 1}), &missing);
        assert_eq!(results[0].1.status, Status::Failed);
        assert_eq!(results[0].1.actual, "resource not found");
        let unknown = Observation::with_existence(&t, Existence::Unknown("timeout".into()));
        let results = compare_properties(&json!({"A": 1}), &unknown);
        assert_eq!(results[0].1.status, Status::Error);
        let results = compare_properties(&json!([1]), &Observation::exists(&t));
        assert_eq!(statuses(&results), vec![("", Status::Error)]);
    }
}
