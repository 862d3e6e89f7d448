//! `iq.resource_exists`: Resource exists. Definition, evaluator and unit tests.

use super::{IqCheck, IqEvaluator, Outcomes};
use crate::catalog::{CheckDef, Related, Remediation, SeverityClass, Stage};
use crate::checks::Outcome;
use crate::observe::{Existence, Observation, Target};

/// The `iq.resource_exists` check.
pub static CHECK: IqCheck = IqCheck {
    def: CheckDef {
        id: "iq.resource_exists",
        title: "Resource exists",
        description: "IQ. For a resource inside a stack, calls CloudFormation DescribeStackResource for the \
            logical id to obtain the physical id and status (DELETE_* or *_FAILED fails); for a resource outside \
            stacks, uses the given physical id or ARN. Then confirms the resource exists through its service's \
            read API (for example HeadBucket, DescribeTrails, DescribeKey, DescribeVpcs, DescribeDBInstances, \
            DescribeLogGroups). Passes when the resource is found.",
        stage: Stage::Iq,
        service: "any",
        resource_types: &[],
        severity: SeverityClass::Functional,
        iam_actions: &["cloudformation:ListStackResources"],
        controls: &["21CFR11.10(a)", "Annex11-4"],
        remediation: "Deploy the missing resource through the approved IaC (add it back to the template or the \
            Terraform configuration and apply), or remove it from the specification through change control if \
            it was decommissioned deliberately.",
        remediation_code: Remediation {
            terraform: "# Add the resource back to the configuration and apply, e.g.\nresource \"aws_s3_bucket\" \"records\" {\n  bucket = \"lims-records\"\n}",
            cloudformation: "Resources:\n  Records:\n    Type: AWS::S3::Bucket\n    Properties:\n      BucketName: lims-records",
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

fn evaluate(_target: &Target, obs: &Observation) -> Outcomes {
    vec![(None, evaluate_resource_exists(obs))]
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::iq::evaluate_resource;
    use crate::checks::Status;
    use crate::observe::TargetOrigin;
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

    /// Without expected properties a resource of the specification gets existence alone.
    #[test]
    fn a_resource_without_expected_properties_gets_existence_only() {
        let t = target();
        let results = evaluate_resource(&t, &Observation::exists(&t));
        assert_eq!(results.len(), 1, "{results:?}");
        let (id, sub, o) = &results[0];
        assert_eq!((*id, sub.as_deref()), ("iq.resource_exists", None));
        assert_eq!(o.status, Status::Passed);
        assert_eq!(o.detail.as_deref(), Some("AWS::S3::Bucket my-bucket"));
    }
}
