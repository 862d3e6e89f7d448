//! The static check table, catalog version 1 (see [`super::CATALOG_VERSION`]).
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

use super::{CheckDef, CheckParam, ParamKind, SeverityClass, Stage};

const TRAIL: &[&str] = &["AWS::CloudTrail::Trail"];
const KMS_KEY: &[&str] = &["AWS::KMS::Key"];
const VPC: &[&str] = &["AWS::EC2::VPC"];
const LOG_GROUP: &[&str] = &["AWS::Logs::LogGroup"];
const DB_INSTANCE: &[&str] = &["AWS::RDS::DBInstance"];

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
        controls: &["21CFR11.10(a)", "Annex11-4", "Annex11-10"],
        remediation: "Inspect DescribeStackEvents for the failing resource, fix the template or parameters, and \
            redeploy through the approved pipeline (cdk deploy / aws cloudformation deploy). A stack in \
            ROLLBACK_COMPLETE must be deleted and recreated; UPDATE_ROLLBACK_COMPLETE needs a corrected update.",
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
        controls: &["21CFR11.10(a)", "21CFR11.10(k)", "Annex11-4", "Annex11-10"],
        remediation: "Either redeploy the approved template revision, or, if the deployed change is intended, \
            raise a change request, have the new template approved and record its SHA-256 \
            (sha256sum of the synthesized template) in the expected specification.",
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
        controls: &["21CFR11.10(a)", "Annex11-4", "Annex11-10"],
        remediation: "Redeploy the approved template so the stack contains exactly the specified resources, or \
            update the specification through change control (add/remove the logical id in the expected spec's \
            resources) when the template change was approved.",
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
        controls: &["21CFR11.10(a)", "Annex11-4"],
        remediation: "Add or correct the Outputs section of the template (CfnOutput in CDK) and redeploy, or \
            correct the expected outputs in the specification through change control.",
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
        controls: &["21CFR11.10(a)", "Annex11-4", "Annex11-10"],
        remediation: "Redeploy the stack with the approved parameter values (aws cloudformation deploy \
            --parameter-overrides, or the parameters map of aws_cloudformation_stack), or update the expected \
            parameters through change control.",
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
        controls: &["21CFR11.10(a)", "21CFR11.10(k)", "Annex11-10", "Annex11-11"],
        remediation: "Assess each drifted property: revert the out-of-band change by redeploying the approved \
            template (or aws cloudformation update-stack with the same template), or bring the change into the \
            template through change control. Open a CAPA when the drift weakens a security property.",
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
        controls: &["21CFR11.10(a)", "Annex11-4"],
        remediation: "Deploy the missing resource through the approved IaC (add it back to the template or the \
            Terraform configuration and apply), or remove it from the specification through change control if \
            it was decommissioned deliberately.",
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
        controls: &["21CFR11.10(a)", "Annex11-4", "Annex11-10"],
        remediation: "Set the property to the specified value in the IaC source and redeploy (do not fix in the \
            console), or update the expected property value through change control.",
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
        controls: &["21CFR11.10(a)", "Annex11-4"],
        remediation: "Discovery failed: grant tag:GetResources to the provider's role (or fix the endpoint) and \
            requalify. Nothing to qualify: add expected resources or stacks to the specification, tag the \
            resources to discover with every discovery tag, or select the stages whose checks apply.",
        params: &[],
    },
];

/// Service checks not yet in the one-file-per-check shape (after the registered ones).
pub(super) static SERVICE_CHECKS: &[CheckDef] = &[
    // ------------------------------------------------------------------ CloudTrail
    CheckDef {
        id: "cloudtrail.exists",
        title: "CloudTrail trail exists",
        description: "OQ. Calls CloudTrail DescribeTrails (trailNameList with the trail name or ARN, \
            includeShadowTrails=true). Passes when the trail is returned.",
        stage: Stage::Oq,
        service: "cloudtrail",
        resource_types: TRAIL,
        severity: SeverityClass::Security,
        controls: &["21CFR11.10(e)", "21CFR11.10(k)", "Annex11-9", "Annex11-10", "HIPAA-164.312(b)"],
        remediation: "Create the trail through IaC: Terraform aws_cloudtrail, CloudFormation \
            AWS::CloudTrail::Trail, or the organization trail of the landing zone.",
        params: &[],
    },
    CheckDef {
        id: "cloudtrail.logging",
        title: "CloudTrail trail is logging",
        description: "PQ. Calls CloudTrail GetTrailStatus. Passes when IsLogging is true and no \
            LatestDeliveryError is reported (the trail is delivering log files to S3).",
        stage: Stage::Pq,
        service: "cloudtrail",
        resource_types: TRAIL,
        severity: SeverityClass::Security,
        controls: &["21CFR11.10(e)", "21CFR11.10(k)", "Annex11-9", "HIPAA-164.312(b)"],
        remediation: "Start logging (CloudTrail StartLogging; Terraform aws_cloudtrail enable_logging = true; \
            CloudFormation IsLogging: true). For a delivery error fix the S3 bucket policy / KMS key policy \
            that must allow cloudtrail.amazonaws.com. Investigate who stopped logging (CAPA).",
        params: &[],
    },
    CheckDef {
        id: "cloudtrail.multi_region",
        title: "CloudTrail trail is multi-region",
        description: "OQ. Calls CloudTrail DescribeTrails. Passes when IsMultiRegionTrail is true and \
            IncludeGlobalServiceEvents is true.",
        stage: Stage::Oq,
        service: "cloudtrail",
        resource_types: TRAIL,
        severity: SeverityClass::Security,
        controls: &["21CFR11.10(e)", "Annex11-9", "HIPAA-164.312(b)"],
        remediation: "Terraform aws_cloudtrail is_multi_region_trail = true and include_global_service_events = \
            true; CloudFormation IsMultiRegionTrail / IncludeGlobalServiceEvents; or CloudTrail UpdateTrail.",
        params: &[],
    },
    CheckDef {
        id: "cloudtrail.log_file_validation",
        title: "CloudTrail log file integrity validation enabled",
        description: "OQ. Calls CloudTrail DescribeTrails. Passes when LogFileValidationEnabled is true \
            (hourly signed digest files make log tampering detectable).",
        stage: Stage::Oq,
        service: "cloudtrail",
        resource_types: TRAIL,
        severity: SeverityClass::Security,
        controls: &["21CFR11.10(a)", "21CFR11.10(e)", "Annex11-9"],
        remediation: "Terraform aws_cloudtrail enable_log_file_validation = true; CloudFormation \
            EnableLogFileValidation: true; or CloudTrail UpdateTrail --enable-log-file-validation.",
        params: &[],
    },
    CheckDef {
        id: "cloudtrail.kms",
        title: "CloudTrail log files encrypted with KMS",
        description: "OQ. Calls CloudTrail DescribeTrails. Passes when KmsKeyId is set (SSE-KMS for delivered \
            log files) and, when kms_key_id is set, equals it (a bare key id matches an ARN ending in key/<id>).",
        stage: Stage::Oq,
        service: "cloudtrail",
        resource_types: TRAIL,
        severity: SeverityClass::Security,
        controls: &[
            "21CFR11.10(c)",
            "21CFR11.10(e)",
            "21CFR11.30",
            "Annex11-7",
            "Annex11-9",
            "HIPAA-164.312(a)(2)(iv)",
        ],
        remediation: "Terraform aws_cloudtrail kms_key_id = <key arn>; CloudFormation KMSKeyId; or CloudTrail \
            UpdateTrail --kms-key-id. The key policy must allow cloudtrail.amazonaws.com kms:GenerateDataKey*.",
        params: &[CheckParam {
            name: "kms_key_id",
            description: "Expected KMS key (key id or ARN). When unset any KMS key passes.",
            default: None,
            kind: ParamKind::KmsKey,
        }],
    },
    CheckDef {
        id: "cloudtrail.cloudwatch_logs",
        title: "CloudTrail delivers to CloudWatch Logs",
        description: "OQ. Calls CloudTrail DescribeTrails. Passes when CloudWatchLogsLogGroupArn and \
            CloudWatchLogsRoleArn are both set. LatestCloudWatchLogsDeliveryTime from GetTrailStatus is recorded \
            for information.",
        stage: Stage::Oq,
        service: "cloudtrail",
        resource_types: TRAIL,
        severity: SeverityClass::Functional,
        controls: &["21CFR11.10(e)", "Annex11-9", "HIPAA-164.312(b)"],
        remediation: "Terraform aws_cloudtrail cloud_watch_logs_group_arn = \"<log group arn>:*\" and \
            cloud_watch_logs_role_arn = <role allowing logs:CreateLogStream and logs:PutLogEvents>; \
            CloudFormation CloudWatchLogsLogGroupArn / CloudWatchLogsRoleArn.",
        params: &[],
    },
    CheckDef {
        id: "cloudtrail.s3_data_events",
        title: "CloudTrail records S3 data events",
        description: "OQ. Calls CloudTrail GetEventSelectors. Passes when either a basic event selector has \
            ReadWriteType All and a DataResource of Type AWS::S3::Object whose Values cover the bucket (arn:aws:s3 \
            or arn:aws:s3::: for all buckets, or arn:aws:s3:::<bucket>/), or an advanced event selector has \
            eventCategory = Data and resources.type = AWS::S3::Object without a readOnly filter and with no \
            resources.ARN filter excluding the bucket. With bucket_arn unset, the selectors must cover all buckets.",
        stage: Stage::Oq,
        service: "cloudtrail",
        resource_types: TRAIL,
        severity: SeverityClass::Security,
        controls: &["21CFR11.10(e)", "Annex11-9", "HIPAA-164.312(b)"],
        remediation: "Terraform aws_cloudtrail event_selector { read_write_type = \"All\", data_resource { type \
            = \"AWS::S3::Object\", values = [\"arn:aws:s3\"] } } (or advanced_event_selector with eventCategory \
            Data and resources.type AWS::S3::Object); CloudFormation EventSelectors; or CloudTrail \
            PutEventSelectors.",
        params: &[CheckParam {
            name: "bucket_arn",
            description: "ARN of the bucket whose object-level reads and writes must be recorded. When unset, \
                data events must be recorded for all S3 buckets.",
            default: None,
            kind: ParamKind::BucketNameOrArn,
        }],
    },
    // ------------------------------------------------------------------ KMS
    CheckDef {
        id: "kms.enabled",
        title: "KMS key enabled",
        description: "OQ. Calls KMS DescribeKey. Passes when KeyMetadata.Enabled is true and KeyState is \
            Enabled; Disabled, PendingDeletion, PendingImport or Unavailable fails (data encrypted under the key \
            cannot be read).",
        stage: Stage::Oq,
        service: "kms",
        resource_types: KMS_KEY,
        severity: SeverityClass::Functional,
        controls: &["21CFR11.10(c)", "21CFR11.30", "Annex11-7", "Annex11-12", "HIPAA-164.312(a)(2)(iv)"],
        remediation: "KMS EnableKey (Terraform aws_kms_key is_enabled = true; CloudFormation Enabled: true); for \
            PendingDeletion run KMS CancelKeyDeletion and then EnableKey.",
        params: &[],
    },
    CheckDef {
        id: "kms.rotation",
        title: "KMS key automatic rotation enabled",
        description: "OQ. Calls KMS GetKeyRotationStatus. Passes when KeyRotationEnabled is true. Asymmetric, \
            HMAC, imported-material and custom-key-store keys do not support automatic rotation and fail unless \
            suppressed with a documented reason.",
        stage: Stage::Oq,
        service: "kms",
        resource_types: KMS_KEY,
        severity: SeverityClass::Security,
        controls: &["21CFR11.10(c)", "21CFR11.30", "Annex11-12", "HIPAA-164.312(a)(2)(iv)"],
        remediation: "Terraform aws_kms_key enable_key_rotation = true (optionally rotation_period_in_days); \
            CloudFormation EnableKeyRotation: true; or KMS EnableKeyRotation.",
        params: &[],
    },
    // ------------------------------------------------------------------ AWS Config
    CheckDef {
        id: "config.recorder_recording",
        title: "AWS Config recorder recording all resources",
        description: "PQ. Calls AWS Config DescribeConfigurationRecorderStatus and DescribeConfigurationRecorders. \
            Passes when the recorder's status has recording = true and lastStatus is not FAILURE, and its \
            recordingGroup has allSupported = true and, when include_global_resource_types is true, \
            includeGlobalResourceTypes = true.",
        stage: Stage::Pq,
        service: "config",
        resource_types: &["AWS::Config::ConfigurationRecorder"],
        severity: SeverityClass::Security,
        controls: &["21CFR11.10(k)", "21CFR11.10(e)", "Annex11-10", "Annex11-11"],
        remediation: "Terraform aws_config_configuration_recorder recording_group { all_supported = true, \
            include_global_resource_types = true } plus aws_config_configuration_recorder_status is_enabled = \
            true; CloudFormation RecordingGroup.AllSupported / IncludeGlobalResourceTypes; or AWS Config \
            PutConfigurationRecorder and StartConfigurationRecorder.",
        params: &[CheckParam {
            name: "include_global_resource_types",
            description: "\"true\" or \"false\": whether global resource types (IAM) must be recorded. Set \
                \"false\" in secondary regions when one home region records them.",
            default: Some("true"),
            kind: ParamKind::Boolean,
        }],
    },
    CheckDef {
        id: "config.delivery_channel",
        title: "AWS Config delivery channel configured",
        description: "OQ. Calls AWS Config DescribeDeliveryChannels and DescribeDeliveryChannelStatus. Passes \
            when a delivery channel has an s3BucketName (equal to s3_bucket_name when set) and its \
            configHistoryDeliveryInfo.lastStatus is not FAILURE.",
        stage: Stage::Oq,
        service: "config",
        resource_types: &["AWS::Config::DeliveryChannel"],
        severity: SeverityClass::Functional,
        controls: &["21CFR11.10(k)", "Annex11-7", "Annex11-10"],
        remediation: "Terraform aws_config_delivery_channel { s3_bucket_name = <bucket>, s3_kms_key_arn = <key> } \
            (bucket policy must allow config.amazonaws.com); CloudFormation S3BucketName; or AWS Config \
            PutDeliveryChannel.",
        params: &[CheckParam {
            name: "s3_bucket_name",
            description: "Expected delivery bucket name. When unset any bucket passes.",
            default: None,
            kind: ParamKind::BucketName,
        }],
    },
    // ------------------------------------------------------------------ VPC / EC2
    CheckDef {
        id: "ec2.vpc_flow_logs",
        title: "VPC flow logs active",
        description: "PQ. Calls EC2 DescribeFlowLogs with filter resource-id = the VPC id. Passes when a flow log \
            has FlowLogStatus ACTIVE, DeliverLogsStatus SUCCESS (when reported) and TrafficType equal to \
            traffic_type (ALL also satisfies ACCEPT or REJECT).",
        stage: Stage::Pq,
        service: "ec2",
        resource_types: VPC,
        severity: SeverityClass::Security,
        controls: &["21CFR11.10(e)", "Annex11-9", "Annex11-12", "HIPAA-164.312(b)"],
        remediation: "Terraform aws_flow_log { vpc_id = <vpc>, traffic_type = \"ALL\", log_destination_type = \
            \"cloud-watch-logs\" or \"s3\", log_destination = <arn> }; CloudFormation AWS::EC2::FlowLog; or EC2 \
            CreateFlowLogs. For DeliverLogsStatus FAILED fix the delivery role or bucket policy.",
        params: &[CheckParam {
            name: "traffic_type",
            description: "Required traffic type: ALL, ACCEPT or REJECT.",
            default: Some("ALL"),
            kind: ParamKind::OneOf(&["ALL", "ACCEPT", "REJECT"]),
        }],
    },
    CheckDef {
        id: "ec2.sg_no_admin_ingress",
        title: "Security group allows no admin ports from the internet",
        description: "OQ. Calls EC2 DescribeSecurityGroups (GroupIds = the group). Fails when any IpPermissions \
            entry with an IpRanges CidrIp of 0.0.0.0/0 or an Ipv6Ranges CidrIpv6 of ::/0 covers an admin port: \
            IpProtocol -1 (all traffic), or tcp/udp with FromPort <= port <= ToPort for a port in admin_ports. \
            Passes otherwise.",
        stage: Stage::Oq,
        service: "ec2",
        resource_types: &["AWS::EC2::SecurityGroup"],
        severity: SeverityClass::Security,
        controls: &["21CFR11.10(d)", "21CFR11.10(g)", "Annex11-12"],
        remediation: "Remove the rule (EC2 RevokeSecurityGroupIngress; delete the aws_vpc_security_group_ingress_rule \
            / ingress block with cidr_blocks [\"0.0.0.0/0\"] or ipv6_cidr_blocks [\"::/0\"]); use SSM Session \
            Manager or a bastion reachable only from approved CIDRs for administration.",
        params: &[CheckParam {
            name: "admin_ports",
            description: "Comma-separated list of administrative ports that must not be open to the internet.",
            default: Some("22,3389"),
            kind: ParamKind::PortList,
        }],
    },
    CheckDef {
        id: "ec2.default_sg_closed",
        title: "VPC default security group has no rules",
        description: "OQ. Calls EC2 DescribeSecurityGroups with filters vpc-id = the VPC id and group-name = \
            default. Passes when the default group's IpPermissions (ingress) and IpPermissionsEgress (egress) are \
            both empty.",
        stage: Stage::Oq,
        service: "ec2",
        resource_types: VPC,
        severity: SeverityClass::Security,
        controls: &["21CFR11.10(d)", "21CFR11.10(g)", "Annex11-12"],
        remediation: "Manage the default group with Terraform aws_default_security_group { vpc_id = <vpc> } and \
            no ingress/egress blocks (which removes all rules), or EC2 RevokeSecurityGroupIngress and \
            RevokeSecurityGroupEgress; CDK restrictDefaultSecurityGroup: true.",
        params: &[],
    },
    CheckDef {
        id: "ec2.vpc_endpoints_available",
        title: "VPC endpoint available",
        description: "PQ. Calls EC2 DescribeVpcEndpoints (VpcEndpointIds = the endpoint). Passes when State is \
            available (case-insensitive); pending, pendingAcceptance, rejected, failed, deleting or deleted fails.",
        stage: Stage::Pq,
        service: "ec2",
        resource_types: &["AWS::EC2::VPCEndpoint"],
        severity: SeverityClass::Functional,
        controls: &["21CFR11.30", "21CFR11.10(d)", "Annex11-12", "HIPAA-164.312(e)(1)"],
        remediation: "Recreate or repair the endpoint through IaC (Terraform aws_vpc_endpoint, CloudFormation \
            AWS::EC2::VPCEndpoint); for pendingAcceptance accept it on the service side \
            (EC2 AcceptVpcEndpointConnections); check subnets, security groups and the service name.",
        params: &[],
    },
    // ------------------------------------------------------------------ CloudWatch Logs
    CheckDef {
        id: "logs.retention",
        title: "Log group retention meets the minimum",
        description: "OQ. Calls CloudWatch Logs DescribeLogGroups (logGroupNamePrefix = the name, exact match \
            selected). Passes when retentionInDays is at least min_days, or is absent (never expire, records \
            are kept indefinitely).",
        stage: Stage::Oq,
        service: "logs",
        resource_types: LOG_GROUP,
        severity: SeverityClass::Security,
        controls: &["21CFR11.10(c)", "21CFR11.10(e)", "Annex11-7", "Annex11-9"],
        remediation: "Terraform aws_cloudwatch_log_group retention_in_days = <n >= min_days> (or 0 for never \
            expire); CloudFormation RetentionInDays; or CloudWatch Logs PutRetentionPolicy.",
        params: &[CheckParam {
            name: "min_days",
            description: "Minimum retention in days.",
            default: Some("365"),
            kind: ParamKind::Days { min: 1, max: 3653 },
        }],
    },
    CheckDef {
        id: "logs.kms",
        title: "Log group encrypted with KMS",
        description: "OQ. Calls CloudWatch Logs DescribeLogGroups. Passes when kmsKeyId is set and, when \
            kms_key_id is set, equals it (a bare key id matches an ARN ending in key/<id>).",
        stage: Stage::Oq,
        service: "logs",
        resource_types: LOG_GROUP,
        severity: SeverityClass::Security,
        controls: &["21CFR11.10(c)", "21CFR11.30", "Annex11-7", "Annex11-12", "HIPAA-164.312(a)(2)(iv)"],
        remediation: "Terraform aws_cloudwatch_log_group kms_key_id = <key arn>; CloudFormation KmsKeyId; or \
            CloudWatch Logs AssociateKmsKey. The key policy must allow logs.<region>.amazonaws.com.",
        params: &[CheckParam {
            name: "kms_key_id",
            description: "Expected KMS key ARN. When unset any KMS key passes.",
            default: None,
            kind: ParamKind::KmsKey,
        }],
    },
    // ------------------------------------------------------------------ RDS
    CheckDef {
        id: "rds.storage_encrypted",
        title: "RDS storage encrypted",
        description: "OQ. Calls RDS DescribeDBInstances (DBInstanceIdentifier). Passes when StorageEncrypted is \
            true; KmsKeyId is recorded.",
        stage: Stage::Oq,
        service: "rds",
        resource_types: DB_INSTANCE,
        severity: SeverityClass::Security,
        controls: &["21CFR11.10(c)", "21CFR11.30", "Annex11-7", "Annex11-12", "HIPAA-164.312(a)(2)(iv)"],
        remediation: "Encryption cannot be enabled in place: snapshot the instance, copy the snapshot with a KMS \
            key (RDS CopyDBSnapshot --kms-key-id), restore from it and cut over. In IaC set Terraform \
            aws_db_instance storage_encrypted = true and kms_key_id, or CloudFormation StorageEncrypted: true.",
        params: &[],
    },
    CheckDef {
        id: "rds.multi_az",
        title: "RDS Multi-AZ on",
        description: "PQ. Calls RDS DescribeDBInstances. Passes when MultiAZ is true (a synchronous standby runs \
            in a second Availability Zone); SecondaryAvailabilityZone is recorded.",
        stage: Stage::Pq,
        service: "rds",
        resource_types: DB_INSTANCE,
        severity: SeverityClass::Functional,
        controls: &["21CFR11.10(c)", "Annex11-7"],
        remediation: "Terraform aws_db_instance multi_az = true; CloudFormation MultiAZ: true; or RDS \
            ModifyDBInstance --multi-az --apply-immediately (during a change window).",
        params: &[],
    },
    CheckDef {
        id: "rds.backup_retention",
        title: "RDS automated backup retention meets the minimum",
        description: "OQ. Calls RDS DescribeDBInstances. Passes when BackupRetentionPeriod is at least min_days \
            (0 means automated backups are disabled and fails).",
        stage: Stage::Oq,
        service: "rds",
        resource_types: DB_INSTANCE,
        severity: SeverityClass::Functional,
        controls: &["21CFR11.10(a)", "21CFR11.10(c)", "Annex11-7.2"],
        remediation: "Terraform aws_db_instance backup_retention_period = <n >= min_days>; CloudFormation \
            BackupRetentionPeriod; or RDS ModifyDBInstance --backup-retention-period.",
        params: &[CheckParam {
            name: "min_days",
            description: "Minimum automated backup retention in days (RDS allows 1-35).",
            default: Some("7"),
            kind: ParamKind::Days { min: 1, max: 35 },
        }],
    },
    CheckDef {
        id: "rds.deletion_protection",
        title: "RDS deletion protection enabled",
        description: "OQ. Calls RDS DescribeDBInstances. Passes when DeletionProtection is true.",
        stage: Stage::Oq,
        service: "rds",
        resource_types: DB_INSTANCE,
        severity: SeverityClass::Functional,
        controls: &["21CFR11.10(c)", "Annex11-7"],
        remediation: "Terraform aws_db_instance deletion_protection = true; CloudFormation DeletionProtection: \
            true; or RDS ModifyDBInstance --deletion-protection.",
        params: &[],
    },
];
