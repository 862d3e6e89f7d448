//! `ec2.instance_imdsv2`: EC2 instance requires IMDSv2. Definition, evaluator and unit tests.

use super::{field, INSTANCE};
use crate::catalog::{CheckDef, Related, Remediation, SeverityClass, Stage};
use crate::checks::support::property;
use crate::checks::{Check, Outcome, Params};
use crate::observe::Observation;

/// The `ec2.instance_imdsv2` check.
pub static CHECK: Check = Check {
    def: CheckDef {
        id: "ec2.instance_imdsv2",
        title: "EC2 instance requires IMDSv2 (session tokens)",
        description: "OQ. Calls EC2 DescribeInstances (InstanceIds = the instance). Passes when MetadataOptions \
            HttpTokens is required (the instance metadata service answers only session-token IMDSv2 requests), \
            or when HttpEndpoint is disabled (no metadata service at all). HttpTokens optional fails: IMDSv1 \
            lets any SSRF flaw in the application read the instance role's credentials.",
        stage: Stage::Oq,
        service: "ec2",
        resource_types: INSTANCE,
        severity: SeverityClass::Security,
        iam_actions: &["ec2:DescribeInstances"],
        controls: &["21CFR11.10(d)", "21CFR11.10(g)", "Annex11-12"],
        remediation: "Terraform aws_instance metadata_options { http_tokens = \"required\" }; CloudFormation \
            MetadataOptions: {HttpTokens: required}; or EC2 ModifyInstanceMetadataOptions --http-tokens required \
            (no restart needed).",
        remediation_code: Remediation {
            terraform: "resource \"aws_instance\" \"app\" {\n  # ...\n  metadata_options {\n    http_tokens   = \"required\"\n    http_endpoint = \"enabled\"\n  }\n}",
            cloudformation: "MetadataOptions:\n  HttpTokens: required\n  HttpEndpoint: enabled",
            cli: "aws ec2 modify-instance-metadata-options --instance-id INSTANCE_ID --http-tokens required --http-endpoint enabled",
        },
        related: Related {
            prowler: &["ec2_instance_imdsv2_enabled"],
            aws_config: &["ec2-imdsv2-check"],
        },
        params: &[],
    },
    evaluate,
    #[cfg(test)]
    fixtures: crate::checks::UnitFixtures::Properties {
        pass: r#"{"MetadataOptions": {"HttpTokens": "required", "HttpEndpoint": "enabled"}}"#,
        fail: r#"{"MetadataOptions": {"HttpTokens": "optional", "HttpEndpoint": "enabled"}}"#,
        unreadable: "MetadataOptions",
    },
};

fn evaluate(obs: &Observation, _params: &Params) -> Outcome {
    let expected = "HttpTokens required (IMDSv2 only)";
    let options = match property(obs, "MetadataOptions", expected) {
        Err(e) => return e,
        Ok(None) => return Outcome::verdict(false, expected, "metadata options not reported"),
        Ok(Some(m)) => m,
    };
    if field(options, "HttpEndpoint").eq_ignore_ascii_case("disabled") {
        return Outcome::verdict(true, expected, "instance metadata service disabled");
    }
    match field(options, "HttpTokens") {
        t if t.eq_ignore_ascii_case("required") => {
            Outcome::verdict(true, expected, "HttpTokens required")
        }
        "" => Outcome::verdict(false, expected, "HttpTokens not reported"),
        other => Outcome::verdict(
            false,
            expected,
            format!("HttpTokens {other} (IMDSv1 allowed)"),
        ),
    }
}

#[cfg(test)]
mod tests {
    use crate::checks::ec2::fixtures::{obs, run};
    use crate::checks::Status;
    use serde_json::json;

    const ID: &str = "ec2.instance_imdsv2";

    fn instance(options: serde_json::Value) -> crate::observe::Observation {
        obs("AWS::EC2::Instance", json!({ "MetadataOptions": options }))
    }

    #[test]
    fn imdsv2_passes_when_tokens_are_required_or_the_service_is_off() {
        let o = run(
            ID,
            &instance(json!({"HttpTokens": "required", "HttpEndpoint": "enabled"})),
        );
        assert_eq!(
            (o.status, o.actual.as_str()),
            (Status::Passed, "HttpTokens required")
        );
        let o = run(
            ID,
            &instance(json!({"HttpTokens": "optional", "HttpEndpoint": "disabled"})),
        );
        assert_eq!(
            (o.status, o.actual.as_str()),
            (Status::Passed, "instance metadata service disabled")
        );
    }

    #[test]
    fn imdsv2_fails_when_imdsv1_is_allowed_or_unreported() {
        let o = run(
            ID,
            &instance(json!({"HttpTokens": "optional", "HttpEndpoint": "enabled"})),
        );
        assert_eq!(
            (o.status, o.actual.as_str()),
            (Status::Failed, "HttpTokens optional (IMDSv1 allowed)")
        );
        assert_eq!(run(ID, &instance(json!({}))).status, Status::Failed);
        let o = run(ID, &obs("AWS::EC2::Instance", json!({})));
        assert_eq!(
            (o.status, o.actual.as_str()),
            (Status::Failed, "metadata options not reported")
        );
        let mut e = obs("AWS::EC2::Instance", json!({}));
        e.error("MetadataOptions", "throttled");
        assert_eq!(run(ID, &e).status, Status::Error);
    }
}
