//! `securityhub.enabled`: Security Hub is enabled in the region with at least one enabled
//! standard. Definition, evaluator and unit tests.

use serde_json::Value as Json;

use crate::catalog::{CheckDef, Related, Remediation, SeverityClass, Stage};
use crate::checks::support::{list, property};
use crate::checks::{Check, Outcome, Params};
use crate::observe::account::ACCOUNT_TYPE;
use crate::observe::securityhub::{ENABLED_STANDARDS, HUB};
use crate::observe::Observation;

/// The `securityhub.enabled` check.
pub static CHECK: Check = Check {
    def: CheckDef {
        id: "securityhub.enabled",
        title: "Security Hub enabled with a standard",
        description: "OQ. Calls Security Hub DescribeHub (InvalidAccessException: not subscribed, which \
            fails) and GetEnabledStandards. Passes when the hub is enabled and at least one standard \
            subscription has StandardsStatus READY.",
        stage: Stage::Oq,
        service: "securityhub",
        resource_types: &[ACCOUNT_TYPE],
        severity: SeverityClass::Security,
        iam_actions: &["securityhub:DescribeHub", "securityhub:GetEnabledStandards"],
        controls: &["21CFR11.300(d)", "Annex11-1", "Annex11-11"],
        remediation: "Terraform aws_securityhub_account with aws_securityhub_standards_subscription (the \
            account-baseline module); CloudFormation AWS::SecurityHub::Hub and AWS::SecurityHub::Standard; \
            or Security Hub EnableSecurityHub and BatchEnableStandards.",
        remediation_code: Remediation {
            terraform: "resource \"aws_securityhub_account\" \"this\" {}\n\nresource \"aws_securityhub_standards_subscription\" \"fsbp\" {\n  standards_arn = \"arn:aws:securityhub:eu-west-1::standards/aws-foundational-security-best-practices/v/1.0.0\"\n  depends_on    = [aws_securityhub_account.this]\n}",
            cloudformation: "Hub:\n  Type: AWS::SecurityHub::Hub\nFsbp:\n  Type: AWS::SecurityHub::Standard\n  DependsOn: Hub\n  Properties:\n    StandardsArn: !Sub arn:${AWS::Partition}:securityhub:${AWS::Region}::standards/aws-foundational-security-best-practices/v/1.0.0",
            cli: "aws securityhub enable-security-hub --enable-default-standards",
        },
        related: Related {
            prowler: &["securityhub_enabled"],
            aws_config: &["securityhub-enabled"],
        },
        params: &[],
    },
    evaluate,
    #[cfg(test)]
    fixtures: crate::checks::UnitFixtures::Properties {
        pass: r#"{"SecurityHub": {"HubArn": "arn:aws:securityhub:eu-west-1:123456789012:hub/default"}, "SecurityHubEnabledStandards": [{"StandardsArn": "arn:aws:securityhub:eu-west-1::standards/aws-foundational-security-best-practices/v/1.0.0", "StandardsStatus": "READY"}]}"#,
        fail: r#"{"SecurityHub": {"HubArn": "arn:aws:securityhub:eu-west-1:123456789012:hub/default"}, "SecurityHubEnabledStandards": []}"#,
        unreadable: "SecurityHub",
    },
};

fn evaluate(obs: &Observation, _params: &Params) -> Outcome {
    const EXPECTED: &str = "enabled with a READY standard";
    match property(obs, HUB, EXPECTED) {
        Err(e) => return e,
        Ok(None) => return Outcome::verdict(false, EXPECTED, "not enabled"),
        Ok(Some(_)) => {}
    }
    let standards = match list(obs, ENABLED_STANDARDS, EXPECTED) {
        Err(e) => return e,
        Ok(s) => s,
    };
    let name = |s: &Json| {
        let arn = s.get("StandardsArn").and_then(Json::as_str).unwrap_or("?");
        arn.split_once("standards/")
            .or_else(|| arn.split_once("ruleset/"))
            .map_or(arn, |(_, n)| n)
            .to_string()
    };
    let status = |s: &Json| {
        s.get("StandardsStatus")
            .and_then(Json::as_str)
            .unwrap_or("")
            .to_string()
    };
    let ready: Vec<String> = standards
        .iter()
        .filter(|s| status(s) == "READY")
        .map(name)
        .collect();
    if !ready.is_empty() {
        return Outcome::verdict(
            true,
            EXPECTED,
            format!("enabled; READY: {}", ready.join(", ")),
        );
    }
    if standards.is_empty() {
        return Outcome::verdict(false, EXPECTED, "enabled, no standard");
    }
    let shown: Vec<String> = standards
        .iter()
        .map(|s| format!("{} {}", name(s), status(s)))
        .collect();
    Outcome::verdict(false, EXPECTED, format!("enabled; {}", shown.join(", ")))
}

#[cfg(test)]
mod tests {
    use crate::checks::testing::{observation, run};
    use crate::checks::Status;
    use serde_json::json;

    const ID: &str = "securityhub.enabled";
    const HUB: &str = "arn:aws:securityhub:eu-west-1:123456789012:hub/default";
    const CIS: &str =
        "arn:aws:securityhub:eu-west-1::standards/cis-aws-foundations-benchmark/v/1.4.0";

    fn account(props: serde_json::Value) -> crate::observe::Observation {
        observation("AWS::::Account", "123456789012/eu-west-1", props)
    }

    #[test]
    fn a_ready_standard_passes() {
        let o = account(
            json!({"SecurityHub": {"HubArn": HUB}, "SecurityHubEnabledStandards": [
            {"StandardsArn": CIS, "StandardsStatus": "READY"}]}),
        );
        let r = run(ID, &o, &[]);
        assert_eq!(
            (r.status, r.actual.as_str()),
            (
                Status::Passed,
                "enabled; READY: cis-aws-foundations-benchmark/v/1.4.0"
            )
        );
    }

    #[test]
    fn not_enabled_or_no_ready_standard_fails() {
        let r = run(ID, &account(json!({})), &[]);
        assert_eq!(
            (r.status, r.actual.as_str()),
            (Status::Failed, "not enabled")
        );
        let o = account(
            json!({"SecurityHub": {"HubArn": HUB}, "SecurityHubEnabledStandards": [
            {"StandardsArn": CIS, "StandardsStatus": "INCOMPLETE"}]}),
        );
        let r = run(ID, &o, &[]);
        assert_eq!(
            (r.status, r.actual.as_str()),
            (
                Status::Failed,
                "enabled; cis-aws-foundations-benchmark/v/1.4.0 INCOMPLETE"
            )
        );
        let o = account(json!({"SecurityHub": {"HubArn": HUB}, "SecurityHubEnabledStandards": []}));
        assert_eq!(run(ID, &o, &[]).actual, "enabled, no standard");
        // Standards not read on an enabled hub: an error, never "no standard".
        let o = account(json!({"SecurityHub": {"HubArn": HUB}}));
        assert_eq!(run(ID, &o, &[]).status, Status::Error);
    }

    #[test]
    fn unreadable_standards_are_an_error_on_an_enabled_hub_only() {
        // moto 5.2 has DescribeHub but not GetEnabledStandards.
        let mut o = account(json!({"SecurityHub": {"HubArn": HUB}}));
        o.error(
            "SecurityHubEnabledStandards",
            "Security Hub GetEnabledStandards: not implemented by the endpoint",
        );
        assert_eq!(run(ID, &o, &[]).status, Status::Error);
        let mut o = account(json!({}));
        o.error("SecurityHubEnabledStandards", "not read");
        assert_eq!(run(ID, &o, &[]).status, Status::Failed);
    }
}
