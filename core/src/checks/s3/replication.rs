//! `s3.replication`: Bucket replication active. Definition, evaluator and unit tests.

use super::{param, str_at, Eval, BUCKET_TYPES};
use crate::catalog::{CheckDef, CheckParam, ParamKind, Related, Remediation, SeverityClass, Stage};
use crate::checks::{support, Check, Outcome, Params};
use crate::observe::s3::bucket_name;
use crate::observe::Observation;
use serde_json::Value as Json;

/// The `s3.replication` check.
pub static CHECK: Check = Check {
    def: CheckDef {
        id: "s3.replication",
        title: "Bucket replication active",
        description: "PQ. Calls S3 GetBucketReplication. Passes when at least one rule has Status Enabled and a \
            Destination.Bucket, and, when destination_bucket is set, an enabled rule replicates to it. No \
            replication configuration (ReplicationConfigurationNotFoundError) or only disabled rules fails.",
        stage: Stage::Pq,
        service: "s3",
        resource_types: BUCKET_TYPES,
        severity: SeverityClass::Functional,
        iam_actions: &["s3:GetReplicationConfiguration"],
        controls: &["21CFR11.10(a)", "21CFR11.10(c)", "Annex11-7.2"],
        remediation: "Terraform aws_s3_bucket_replication_configuration { role = <replication role arn>, rule { \
            status = \"Enabled\", destination { bucket = <destination bucket arn> } } } (both buckets \
            versioned); CloudFormation ReplicationConfiguration; or S3 PutBucketReplication.",
        remediation_code: Remediation {
            terraform: "resource \"aws_s3_bucket_replication_configuration\" \"records\" {\n  bucket = aws_s3_bucket.records.id\n  role   = aws_iam_role.replication.arn\n  rule {\n    id     = \"all\"\n    status = \"Enabled\"\n    destination {\n      bucket = aws_s3_bucket.replica.arn\n    }\n  }\n}",
            cloudformation: "ReplicationConfiguration:\n  Role: !GetAtt ReplicationRole.Arn\n  Rules:\n    - Status: Enabled\n      Destination:\n        Bucket: !GetAtt Replica.Arn",
            cli: "aws s3api put-bucket-replication --bucket BUCKET --replication-configuration file://replication.json",
        },
        related: Related {
            prowler: &["s3_bucket_cross_region_replication"],
            aws_config: &["s3-bucket-replication-enabled"],
        },
        params: &[CheckParam {
            name: "destination_bucket",
            description: "Expected destination bucket (name or ARN). When unset any enabled destination passes.",
            default: None,
            kind: ParamKind::BucketNameOrArn,
        }],
    },
    evaluate,
    #[cfg(test)]
    fixtures: crate::checks::UnitFixtures::Properties {
        pass: r#"{"ReplicationConfiguration": {"Role": "arn:aws:iam::1:role/r", "Rules": [{"Status": "Enabled", "Destination": {"Bucket": "arn:aws:s3:::gxp-replica"}}]}}"#,
        fail: r#"{"ReplicationConfiguration": {"Role": "arn:aws:iam::1:role/r", "Rules": [{"Status": "Disabled", "Destination": {"Bucket": "arn:aws:s3:::old"}}]}}"#,
        unreadable: "ReplicationConfiguration",
    },
};

fn evaluate(obs: &Observation, params: &Params) -> Outcome {
    replication(obs, params).unwrap_or_else(|early| early)
}

fn replication(obs: &Observation, params: &Params) -> Eval {
    let want = param(params, "destination_bucket");
    let expected = match want {
        Some(b) => format!("an enabled replication rule to {b}"),
        None => "an enabled replication rule".to_string(),
    };
    let Some(rules) = support::property(obs, "ReplicationConfiguration.Rules", &expected)?
        .and_then(Json::as_array)
    else {
        return Ok(Outcome::verdict(false, expected, "not configured"));
    };
    let mut seen = Vec::new();
    let mut ok = false;
    for rule in rules {
        let status = str_at(rule, "/Status").unwrap_or("no status");
        let dest = str_at(rule, "/Destination/Bucket").filter(|d| !d.is_empty());
        seen.push(format!("{status} to {}", dest.unwrap_or("no destination")));
        if let (true, Some(d)) = (status == "Enabled", dest) {
            ok |= want.is_none_or(|w| bucket_name(w) == bucket_name(d));
        }
    }
    let actual = if seen.is_empty() {
        "no rules".to_string()
    } else {
        seen.join("; ")
    };
    Ok(Outcome::verdict(ok, expected, actual))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::s3::fixtures::{bucket, errored, run};
    use crate::checks::Status;
    use serde_json::json;

    fn replicated(rules: Json) -> Observation {
        bucket(json!({"ReplicationConfiguration":
            {"Role": "arn:aws:iam::1:role/r", "Rules": rules}}))
    }

    #[test]
    fn replication_pass_fail_not_configured_error() {
        let o = replicated(json!([
            {"Status": "Disabled", "Destination": {"Bucket": "arn:aws:s3:::old"}},
            {"Status": "Enabled", "Destination": {"Bucket": "arn:aws:s3:::gxp-replica"}}]));
        let r = run("s3.replication", &o, &[]);
        assert_eq!(r.status, Status::Passed);
        assert_eq!(
            r.actual,
            "Disabled to arn:aws:s3:::old; Enabled to arn:aws:s3:::gxp-replica"
        );
        assert_eq!(
            run(
                "s3.replication",
                &o,
                &[("destination_bucket", "gxp-replica")]
            )
            .status,
            Status::Passed
        );
        let r = run(
            "s3.replication",
            &o,
            &[("destination_bucket", "arn:aws:s3:::gxp-replica")],
        );
        assert_eq!(r.status, Status::Passed);
        assert_eq!(
            run("s3.replication", &o, &[("destination_bucket", "old")]).status,
            Status::Failed
        );
        let disabled = replicated(json!([{"Status": "Disabled",
            "Destination": {"Bucket": "arn:aws:s3:::gxp-replica"}}]));
        assert_eq!(run("s3.replication", &disabled, &[]).status, Status::Failed);
        let r = run("s3.replication", &bucket(json!({})), &[]);
        assert_eq!(
            (r.status, r.actual.as_str()),
            (Status::Failed, "not configured")
        );
        assert_eq!(
            errored("s3.replication", "ReplicationConfiguration", &[]).status,
            Status::Error
        );
    }
}
