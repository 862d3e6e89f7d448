//! `iq.resource_properties`: Resource properties match the specification. Definition, evaluator and unit tests.

use serde_json::Value as Json;

use super::{IqCheck, IqEvaluator, Outcomes};
use crate::catalog::{CheckDef, Related, Remediation, SeverityClass, Stage};
use crate::checks::support::show;
use crate::checks::{Outcome, Status};
use crate::observe::{Existence, Observation, Target};

/// The `iq.resource_properties` check.
pub static CHECK: IqCheck = IqCheck {
    def: CheckDef {
        id: "iq.resource_properties",
        title: "Resource properties match the specification",
        description: "IQ. For every expected property of the resource, reads the live value through the owning \
            service's API (for example GetBucketEncryption for an S3 bucket's BucketEncryption, DescribeKey for a \
            KMS key's KeySpec, DescribeDBInstances for an RDS instance's StorageEncrypted) and compares it with \
            the expected value after normalising JSON representation. Passes when every expected property equals \
            its live value; each property is reported with expected value, actual value and pass/fail. Properties \
            not in the specification are not compared.",
        stage: Stage::Iq,
        service: "any",
        resource_types: &[],
        severity: SeverityClass::Functional,
        iam_actions: &[],
        controls: &["21CFR11.10(a)", "Annex11-4", "Annex11-10"],
        remediation: "Set the property to the specified value in the IaC source and redeploy (do not fix in the \
            console), or update the expected property value through change control.",
        remediation_code: Remediation {
            terraform: "# Set the property in the IaC source to the specified value, then apply:\n# terraform plan && terraform apply",
            cloudformation: "",
            cli: "aws cloudformation deploy --stack-name STACK --template-file app.template.json",
        },
        related: Related {
            prowler: &[],
            aws_config: &[],
        },
        params: &[],
    },
    evaluate: IqEvaluator::Resource(evaluate),
};

/// One outcome per expected leaf of the target's expected properties (none without them).
fn evaluate(target: &Target, obs: &Observation) -> Outcomes {
    let Some(expected) = &target.expected_properties else {
        return vec![];
    };
    compare_properties(expected, obs)
        .into_iter()
        .map(|(path, outcome)| (Some(path), outcome))
        .collect()
}

/// One outcome per expected leaf path (`Prop.Sub[0].Leaf`).
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
    use crate::observe::TargetOrigin;
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
