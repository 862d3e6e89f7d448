//! The IQ check table, catalog version 1 (see [`super::CATALOG_VERSION`]).
//!
//! Control references follow the primer's "Control mapping": Part 11 §11.10(a) validation,
//! (c) record protection, (d)/(g) access limitation and authority checks, (e) audit trails,
//! (k) systems documentation / change history, §11.30 open systems; Annex 11 §4 validation,
//! §7 data storage and backup (§7.2 backups), §9 audit trails, §10 change and configuration
//! management, §11 periodic evaluation, §12 security; HIPAA 164.312(a)(2)(iv) encryption,
//! (b) audit controls, (e)(1) transmission security.
//!
//! Every description starts with its stage (`IQ.`, `OQ.` or `PQ.`) and names the API call(s)
//! the evaluator makes. Keep ids stable: they are referenced from specifications,
//! suppressions and filed evidence.

use super::{CheckDef, CheckParam, ParamKind, Related, Remediation, SeverityClass, Stage};

/// The IQ checks (evaluated by [`crate::checks::iq`] and the run), before every service.
pub(super) static IQ_CHECKS: &[CheckDef] = &[
    // ------------------------------------------------------------------ IQ (CloudFormation)
    CheckDef {
        id: "iq.stack_status",
        title: "Stack deployed successfully",
        description: "IQ. Calls CloudFormation DescribeStacks for the stack name or ARN. Passes when the stack \
            exists and its StackStatus ends in _COMPLETE without being a rollback or deletion state, i.e. one of \
            CREATE_COMPLETE, UPDATE_COMPLETE, IMPORT_COMPLETE. Fails when the stack does not exist, or is \
            *_IN_PROGRESS, *_FAILED, ROLLBACK_COMPLETE, UPDATE_ROLLBACK_COMPLETE, IMPORT_ROLLBACK_COMPLETE or \
            DELETE_COMPLETE. Expected: a successful complete state; actual: the StackStatus (and StackStatusReason).",
        stage: Stage::Iq,
        service: "cloudformation",
        resource_types: &[],
        severity: SeverityClass::Functional,
        iam_actions: &["cloudformation:DescribeStacks"],
        controls: &["21CFR11.10(a)", "Annex11-4", "Annex11-10"],
        remediation: "Inspect DescribeStackEvents for the failing resource, fix the template or parameters, and \
            redeploy through the approved pipeline (cdk deploy / aws cloudformation deploy). A stack in \
            ROLLBACK_COMPLETE must be deleted and recreated; UPDATE_ROLLBACK_COMPLETE needs a corrected update.",
        remediation_code: Remediation {
            terraform: "resource \"aws_cloudformation_stack\" \"app\" {\n  name          = \"app\"\n  template_body = file(\"app.template.json\")\n}",
            cloudformation: "# A stack in ROLLBACK_COMPLETE cannot be updated: delete it, then deploy again.",
            cli: "aws cloudformation describe-stack-events --stack-name STACK\naws cloudformation deploy --stack-name STACK --template-file app.template.json",
        },
        related: Related {
            prowler: &[],
            aws_config: &[],
        },
        params: &[],
    },
    CheckDef {
        id: "iq.template_hash",
        title: "Deployed template matches the approved template",
        description: "IQ. Calls CloudFormation GetTemplate (TemplateStage=Original) for the stack, computes the \
            SHA-256 of the returned TemplateBody exactly as returned (UTF-8 bytes, no re-formatting) and compares \
            its lowercase hex digest with the approved digest. Passes on equality. Expected: the approved SHA-256; \
            actual: the digest of the deployed template.",
        stage: Stage::Iq,
        service: "cloudformation",
        resource_types: &[],
        severity: SeverityClass::Functional,
        iam_actions: &["cloudformation:GetTemplate"],
        controls: &["21CFR11.10(a)", "21CFR11.10(k)", "Annex11-4", "Annex11-10"],
        remediation: "Either redeploy the approved template revision, or, if the deployed change is intended, \
            raise a change request, have the new template approved and record its SHA-256 \
            (sha256sum of the synthesized template) in the expected specification.",
        remediation_code: Remediation {
            terraform: "resource \"gxp_expected_spec\" \"app\" {\n  # ...\n  expected_stack {\n    name          = \"app\"\n    template_body = file(\"app.template.json\") # or template_sha256 = \"<approved digest>\"\n  }\n}",
            cloudformation: "",
            cli: "sha256sum app.template.json\naws cloudformation deploy --stack-name STACK --template-file app.template.json",
        },
        related: Related {
            prowler: &[],
            aws_config: &[],
        },
        params: &[CheckParam {
            name: "sha256",
            description: "Approved SHA-256 of the template body, 64 lowercase hex characters. When unset the \
                template digest from the approved specification is used; the check fails if neither is given.",
            default: None,
            kind: ParamKind::Sha256Hex,
        }],
    },
    CheckDef {
        id: "iq.stack_resources",
        title: "Stack resources match the specification",
        description: "IQ. Calls CloudFormation ListStackResources (all pages) and compares the set of \
            (LogicalResourceId, ResourceType) pairs with the specification. Fails when an expected resource is \
            missing, has a different type, is present but in a *_FAILED or DELETE_* ResourceStatus, or when the \
            stack contains a resource the specification does not list. Expected and actual are the two sets; \
            the differences are reported per logical id.",
        stage: Stage::Iq,
        service: "cloudformation",
        resource_types: &[],
        severity: SeverityClass::Functional,
        iam_actions: &["cloudformation:ListStackResources"],
        controls: &["21CFR11.10(a)", "Annex11-4", "Annex11-10"],
        remediation: "Redeploy the approved template so the stack contains exactly the specified resources, or \
            update the specification through change control (add/remove the logical id in the expected spec's \
            resources) when the template change was approved.",
        remediation_code: Remediation {
            terraform: "resource \"gxp_expected_spec\" \"app\" {\n  # ...\n  expected_stack {\n    name      = \"app\"\n    resources = { Records = \"AWS::S3::Bucket\" } # logical id = type\n  }\n}",
            cloudformation: "",
            cli: "aws cloudformation list-stack-resources --stack-name STACK\naws cloudformation deploy --stack-name STACK --template-file app.template.json",
        },
        related: Related {
            prowler: &[],
            aws_config: &[],
        },
        params: &[],
    },
    CheckDef {
        id: "iq.stack_outputs",
        title: "Stack outputs match the specification",
        description: "IQ. Calls CloudFormation DescribeStacks and reads Outputs. Passes when every expected \
            OutputKey is present and its OutputValue equals the expected value exactly (string comparison). \
            Outputs that are not in the specification are reported but do not fail the check.",
        stage: Stage::Iq,
        service: "cloudformation",
        resource_types: &[],
        severity: SeverityClass::Functional,
        iam_actions: &["cloudformation:DescribeStacks"],
        controls: &["21CFR11.10(a)", "Annex11-4"],
        remediation: "Add or correct the Outputs section of the template (CfnOutput in CDK) and redeploy, or \
            correct the expected outputs in the specification through change control.",
        remediation_code: Remediation {
            terraform: "resource \"gxp_expected_spec\" \"app\" {\n  # ...\n  expected_stack {\n    name    = \"app\"\n    outputs = { BucketName = \"lims-records\" }\n  }\n}",
            cloudformation: "Outputs:\n  BucketName:\n    Value: !Ref Records",
            cli: "aws cloudformation describe-stacks --stack-name STACK --query 'Stacks[0].Outputs'\naws cloudformation deploy --stack-name STACK --template-file app.template.json",
        },
        related: Related {
            prowler: &[],
            aws_config: &[],
        },
        params: &[],
    },
    CheckDef {
        id: "iq.stack_parameters",
        title: "Stack parameters match the specification",
        description: "IQ. Calls CloudFormation DescribeStacks and reads Parameters. Passes when every expected \
            ParameterKey is present and its ParameterValue (or ResolvedValue for SSM parameter types) equals the \
            expected value. NoEcho parameters, returned masked as '****', are compared by presence only.",
        stage: Stage::Iq,
        service: "cloudformation",
        resource_types: &[],
        severity: SeverityClass::Functional,
        iam_actions: &["cloudformation:DescribeStacks"],
        controls: &["21CFR11.10(a)", "Annex11-4", "Annex11-10"],
        remediation: "Redeploy the stack with the approved parameter values (aws cloudformation deploy \
            --parameter-overrides, or the parameters map of aws_cloudformation_stack), or update the expected \
            parameters through change control.",
        remediation_code: Remediation {
            terraform: "resource \"aws_cloudformation_stack\" \"app\" {\n  name          = \"app\"\n  template_body = file(\"app.template.json\")\n  parameters    = { Environment = \"prod\" }\n}",
            cloudformation: "",
            cli: "aws cloudformation deploy --stack-name STACK --template-file app.template.json \\\n  --parameter-overrides Environment=prod",
        },
        related: Related {
            prowler: &[],
            aws_config: &[],
        },
        params: &[],
    },
    CheckDef {
        id: "iq.stack_drift",
        title: "Stack has not drifted",
        description: "IQ. Calls CloudFormation DetectStackDrift, polls DescribeStackDriftDetectionStatus until \
            DetectionStatus is DETECTION_COMPLETE, and reads DescribeStackResourceDrifts for resources that are \
            MODIFIED or DELETED. Passes when StackDriftStatus is IN_SYNC. The drift status and per-resource \
            property differences are recorded as evidence. Where the endpoint does not support drift detection \
            (e.g. an emulator returning not-implemented) the result is recorded as not applicable with the \
            error, never as a pass.",
        stage: Stage::Iq,
        service: "cloudformation",
        resource_types: &[],
        severity: SeverityClass::Functional,
        iam_actions: &["cloudformation:DetectStackDrift", "cloudformation:DescribeStackDriftDetectionStatus"],
        controls: &["21CFR11.10(a)", "21CFR11.10(k)", "Annex11-10", "Annex11-11"],
        remediation: "Assess each drifted property: revert the out-of-band change by redeploying the approved \
            template (or aws cloudformation update-stack with the same template), or bring the change into the \
            template through change control. Open a CAPA when the drift weakens a security property.",
        remediation_code: Remediation {
            terraform: "# Re-apply the approved configuration to revert out-of-band changes.\nresource \"aws_cloudformation_stack\" \"app\" {\n  name          = \"app\"\n  template_body = file(\"app.template.json\")\n}",
            cloudformation: "",
            cli: "aws cloudformation detect-stack-drift --stack-name STACK\naws cloudformation describe-stack-resource-drifts --stack-name STACK \\\n  --stack-resource-drift-status-filters MODIFIED DELETED",
        },
        related: Related {
            prowler: &[],
            aws_config: &["cloudformation-stack-drift-detection-check"],
        },
        params: &[],
    },
    CheckDef {
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
    CheckDef {
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
    CheckDef {
        id: "iq.scope",
        title: "Qualification scope resolved and not empty",
        description: "IQ. Resolves what the qualification covers: the specification's expected resources and \
            stacks and, with discovery tags, the resources carrying all of them (Resource Groups Tagging API \
            GetResources, every page). Recorded whatever the stages, and only when the scope is not established: \
            error when GetResources fails (target `discovery`; expected: the tags; actual: the error), since the \
            resources discovery should have found are then not qualified; error when the run has no other result \
            at all (target `scope`; actual: nothing to qualify). Never passes: a run that checked nothing is not \
            a qualification.",
        stage: Stage::Iq,
        service: "any",
        resource_types: &[],
        severity: SeverityClass::Functional,
        iam_actions: &["tag:GetResources"],
        controls: &["21CFR11.10(a)", "Annex11-4"],
        remediation: "Discovery failed: grant tag:GetResources to the provider's role (or fix the endpoint) and \
            requalify. Nothing to qualify: add expected resources or stacks to the specification, tag the \
            resources to discover with every discovery tag, or select the stages whose checks apply.",
        remediation_code: Remediation {
            terraform: "data \"aws_iam_policy_document\" \"discovery\" {\n  statement {\n    actions   = [\"tag:GetResources\"]\n    resources = [\"*\"]\n  }\n}",
            cloudformation: "",
            cli: "aws resourcegroupstaggingapi get-resources --tag-filters Key=gxp:system,Values=lims",
        },
        related: Related {
            prowler: &[],
            aws_config: &[],
        },
        params: &[],
    },
];
