//! `guardduty.enabled`: the region has a GuardDuty detector that is enabled.
//! Definition, evaluator and unit tests.

use serde_json::Value as Json;

use crate::catalog::{CheckDef, Related, Remediation, SeverityClass, Stage};
use crate::checks::support::list;
use crate::checks::{Check, Outcome, Params};
use crate::observe::account::ACCOUNT_TYPE;
use crate::observe::guardduty::DETECTORS;
use crate::observe::Observation;

/// The `guardduty.enabled` check.
pub static CHECK: Check = Check {
    def: CheckDef {
        id: "guardduty.enabled",
        title: "GuardDuty enabled in the region",
        description:
            "OQ. Calls GuardDuty ListDetectors and GetDetector for each. Passes when a detector \
            has Status ENABLED; no detector, or only suspended ones, fails.",
        stage: Stage::Oq,
        service: "guardduty",
        resource_types: &[ACCOUNT_TYPE],
        severity: SeverityClass::Security,
        iam_actions: &["guardduty:ListDetectors", "guardduty:GetDetector"],
        controls: &["21CFR11.10(d)", "21CFR11.300(d)", "Annex11-12"],
        remediation:
            "Terraform aws_guardduty_detector { enable = true } (the account-baseline module); \
            CloudFormation AWS::GuardDuty::Detector with Enable: true; or GuardDuty CreateDetector.",
        remediation_code: Remediation {
            terraform: "resource \"aws_guardduty_detector\" \"this\" {\n  enable = true\n}",
            cloudformation:
                "Detector:\n  Type: AWS::GuardDuty::Detector\n  Properties:\n    Enable: true",
            cli: "aws guardduty create-detector --enable",
        },
        related: Related {
            prowler: &["guardduty_is_enabled"],
            aws_config: &["guardduty-enabled-centralized"],
        },
        params: &[],
    },
    evaluate,
    #[cfg(test)]
    fixtures: crate::checks::UnitFixtures::Properties {
        pass: r#"{"GuardDutyDetectors": [{"DetectorId": "d1", "Status": "ENABLED"}]}"#,
        fail: r#"{"GuardDutyDetectors": [{"DetectorId": "d1", "Status": "DISABLED"}]}"#,
        unreadable: "GuardDutyDetectors",
    },
};

fn evaluate(obs: &Observation, _params: &Params) -> Outcome {
    const EXPECTED: &str = "an enabled detector";
    let detectors = match list(obs, DETECTORS, EXPECTED) {
        Err(e) => return e,
        Ok(d) => d,
    };
    let status = |d: &Json| {
        d.get("Status")
            .and_then(Json::as_str)
            .unwrap_or("")
            .to_string()
    };
    let id = |d: &Json| {
        d.get("DetectorId")
            .and_then(Json::as_str)
            .unwrap_or("?")
            .to_string()
    };
    if let Some(d) = detectors.iter().find(|d| status(d) == "ENABLED") {
        return Outcome::verdict(true, EXPECTED, format!("detector {} ENABLED", id(d)));
    }
    if detectors.is_empty() {
        return Outcome::verdict(false, EXPECTED, "no detector");
    }
    let shown: Vec<String> = detectors
        .iter()
        .map(|d| format!("detector {} {}", id(d), status(d)))
        .collect();
    Outcome::verdict(false, EXPECTED, shown.join(", "))
}

#[cfg(test)]
mod tests {
    use crate::checks::testing::{observation, run};
    use crate::checks::Status;
    use serde_json::json;

    const ID: &str = "guardduty.enabled";

    fn account(props: serde_json::Value) -> crate::observe::Observation {
        observation("AWS::::Account", "123456789012/eu-west-1", props)
    }

    #[test]
    fn one_enabled_detector_passes() {
        let o = account(
            json!({"GuardDutyDetectors": [{"DetectorId": "a", "Status": "DISABLED"}, {"DetectorId": "b", "Status": "ENABLED"}]}),
        );
        let r = run(ID, &o, &[]);
        assert_eq!(
            (r.status, r.actual.as_str()),
            (Status::Passed, "detector b ENABLED")
        );
    }

    #[test]
    fn no_or_suspended_detectors_fail() {
        let r = run(ID, &account(json!({"GuardDutyDetectors": []})), &[]);
        assert_eq!(
            (r.status, r.actual.as_str()),
            (Status::Failed, "no detector")
        );
        let r = run(
            ID,
            &account(json!({"GuardDutyDetectors": [{"DetectorId": "a", "Status": "DISABLED"}]})),
            &[],
        );
        assert_eq!(
            (r.status, r.actual.as_str()),
            (Status::Failed, "detector a DISABLED")
        );
    }

    #[test]
    fn unreadable_or_unread_is_an_error() {
        let mut o = account(json!({}));
        o.error(
            "GuardDutyDetectors",
            "GuardDuty ListDetectors: AccessDenied",
        );
        assert_eq!(run(ID, &o, &[]).status, Status::Error);
        // Not read at all (or not a list): an error, never "no detector".
        assert_eq!(run(ID, &account(json!({})), &[]).status, Status::Error);
        let r = run(ID, &account(json!({"GuardDutyDetectors": "x"})), &[]);
        assert_eq!(r.status, Status::Error);
    }
}
