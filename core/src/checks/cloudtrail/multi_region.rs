//! `cloudtrail.multi_region`: CloudTrail trail is multi-region. Definition, evaluator and unit
//! tests.

use super::TRAIL;
use crate::catalog::{CheckDef, Related, Remediation, SeverityClass, Stage};
use crate::checks::support::boolean;
use crate::checks::{Check, Outcome, Params};
use crate::observe::Observation;

/// The `cloudtrail.multi_region` check.
pub static CHECK: Check = Check {
    def: CheckDef {
        id: "cloudtrail.multi_region",
        title: "CloudTrail trail is multi-region",
        description: "OQ. Calls CloudTrail DescribeTrails. Passes when IsMultiRegionTrail is true and \
            IncludeGlobalServiceEvents is true.",
        stage: Stage::Oq,
        service: "cloudtrail",
        resource_types: TRAIL,
        severity: SeverityClass::Security,
        iam_actions: &["cloudtrail:DescribeTrails"],
        controls: &["21CFR11.10(e)", "Annex11-9", "HIPAA-164.312(b)"],
        remediation: "Terraform aws_cloudtrail is_multi_region_trail = true and include_global_service_events = \
            true; CloudFormation IsMultiRegionTrail / IncludeGlobalServiceEvents; or CloudTrail UpdateTrail.",
        remediation_code: Remediation {
            terraform: "resource \"aws_cloudtrail\" \"audit\" {\n  # ...\n  is_multi_region_trail         = true\n  include_global_service_events = true\n}",
            cloudformation: "IsMultiRegionTrail: true\nIncludeGlobalServiceEvents: true",
            cli: "aws cloudtrail update-trail --name TRAIL --is-multi-region-trail --include-global-service-events",
        },
        related: Related {
            prowler: &["cloudtrail_multi_region_enabled"],
            aws_config: &["multi-region-cloudtrail-enabled"],
        },
        params: &[],
    },
    evaluate,
    #[cfg(test)]
    fixtures: crate::checks::UnitFixtures::Properties {
        pass: r#"{"IsMultiRegionTrail": true, "IncludeGlobalServiceEvents": true}"#,
        fail: r#"{"IsMultiRegionTrail": false, "IncludeGlobalServiceEvents": true}"#,
        unreadable: "IsMultiRegionTrail",
    },
};

fn evaluate(obs: &Observation, _params: &Params) -> Outcome {
    multi_region(obs).unwrap_or_else(|early| early)
}

fn multi_region(obs: &Observation) -> Result<Outcome, Outcome> {
    let expected = "multi-region, global service events included";
    let multi = boolean(obs, "IsMultiRegionTrail", expected)?.unwrap_or(false);
    let global = boolean(obs, "IncludeGlobalServiceEvents", expected)?.unwrap_or(false);
    let actual = format!(
        "{}, global service events {}",
        if multi {
            "multi-region"
        } else {
            "single-region"
        },
        if global { "included" } else { "excluded" }
    );
    Ok(Outcome::verdict(multi && global, expected, actual))
}

#[cfg(test)]
mod tests {
    use crate::checks::cloudtrail::fixtures::{obs, run, status};
    use crate::checks::Status;
    use serde_json::json;

    #[test]
    fn multi_region() {
        let id = "cloudtrail.multi_region";
        let both = json!({"IsMultiRegionTrail": true, "IncludeGlobalServiceEvents": true});
        assert_eq!(status(id, &obs(both), &[]), Status::Passed);
        let single = json!({"IsMultiRegionTrail": false, "IncludeGlobalServiceEvents": true});
        let out = run(id, &obs(single), &[]);
        assert_eq!(out.status, Status::Failed);
        assert!(out.actual.starts_with("single-region"));
        let no_global = json!({"IsMultiRegionTrail": true, "IncludeGlobalServiceEvents": false});
        assert_eq!(status(id, &obs(no_global), &[]), Status::Failed);
        assert_eq!(status(id, &obs(json!({})), &[]), Status::Failed);
        let mut o = obs(json!({"IncludeGlobalServiceEvents": true}));
        o.error("IsMultiRegionTrail", "denied");
        assert_eq!(status(id, &o, &[]), Status::Error);
    }
}
