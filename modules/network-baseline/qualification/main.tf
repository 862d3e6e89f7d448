# Specification and qualification of the network baseline. Only the gxp provider is used, so
# this module can be applied on its own against existing resources.

locals {
  description = "Network baseline of ${var.application_id} (${var.environment}): private VPC with flow logs, closed default security group and VPC endpoints for S3, ${join(", ", sort(keys(var.interface_endpoint_ids)))}."

  requirements = [
    {
      id       = "NET-001"
      text     = "All traffic of the VPC, accepted and rejected, is recorded by active flow logs in a KMS-encrypted CloudWatch Logs group that keeps them for at least ${var.flow_log_retention_days} days."
      controls = ["21CFR11.10(e)", "Annex11-9", "Annex11-12", "HIPAA-164.312(b)"]
      severity = "security"
    },
    {
      id       = "NET-002"
      text     = "The VPC's default security group has no rules, so nothing is reachable unless an approved security group allows it."
      controls = ["21CFR11.10(d)", "21CFR11.10(g)", "Annex11-12"]
      severity = "security"
    },
    {
      id       = "NET-003"
      text     = "Traffic to AWS services (S3 and the interface endpoint services) stays on the AWS network through available VPC endpoints; the endpoints accept HTTPS from inside the VPC only and no administrative ports from the internet."
      controls = ["21CFR11.10(d)", "21CFR11.30", "Annex11-12", "HIPAA-164.312(e)(1)"]
      severity = "security"
    },
    {
      id       = "NET-004"
      text     = "The flow-log key is a customer-managed KMS key that is enabled and rotated automatically."
      controls = ["21CFR11.10(c)", "21CFR11.30", "Annex11-12", "HIPAA-164.312(a)(2)(iv)"]
      severity = "security"
    },
  ]

  expected_resources = concat([
    {
      key        = "network_vpc"
      type       = "AWS::EC2::VPC"
      identifier = var.vpc_id
      checks     = ["ec2.vpc_flow_logs", "ec2.default_sg_closed"]
      check_parameters = {
        "ec2.vpc_flow_logs.traffic_type" = "ALL"
      }
      properties   = null
      requirements = ["NET-001", "NET-002"]
    },
    {
      key              = "network_endpoint_security_group"
      type             = "AWS::EC2::SecurityGroup"
      identifier       = var.endpoint_security_group_id
      checks           = ["ec2.sg_no_admin_ingress"]
      check_parameters = {}
      properties       = null
      requirements     = ["NET-003"]
    },
    {
      key              = "network_vpce_s3"
      type             = "AWS::EC2::VPCEndpoint"
      identifier       = var.s3_endpoint_id
      checks           = ["ec2.vpc_endpoints_available"]
      check_parameters = {}
      properties       = null
      requirements     = ["NET-003"]
    },
    {
      key        = "network_flow_log_group"
      type       = "AWS::Logs::LogGroup"
      identifier = var.flow_log_group_name
      checks     = ["logs.retention", "logs.kms"]
      check_parameters = {
        "logs.retention.min_days" = tostring(var.flow_log_retention_days)
        "logs.kms.kms_key_id"     = var.kms_key_arn
      }
      properties   = null
      requirements = ["NET-001"]
    },
    {
      key              = "network_kms_key"
      type             = "AWS::KMS::Key"
      identifier       = var.kms_key_arn
      checks           = ["kms.enabled", "kms.rotation"]
      check_parameters = {}
      properties       = null
      requirements     = ["NET-004"]
    },
    ], [
    for service, endpoint_id in var.interface_endpoint_ids : {
      key              = "network_vpce_${service}"
      type             = "AWS::EC2::VPCEndpoint"
      identifier       = endpoint_id
      checks           = ["ec2.vpc_endpoints_available"]
      check_parameters = {}
      properties       = null
      requirements     = ["NET-003"]
    }
  ])
}

resource "gxp_expected_spec" "this" {
  count = var.enabled ? 1 : 0

  name        = var.name
  version     = var.spec_version
  description = local.description

  system {
    application_id = var.application_id
    environment    = var.environment
    gamp_category  = 1
    risk_class     = var.risk_class
  }

  dynamic "approval" {
    for_each = var.approval == null ? [] : [var.approval]
    content {
      approved_by      = approval.value.approved_by
      approved_at      = approval.value.approved_at
      change_reference = approval.value.change_reference
      reason           = approval.value.reason
    }
  }

  dynamic "requirement" {
    for_each = local.requirements
    content {
      id       = requirement.value.id
      text     = requirement.value.text
      controls = requirement.value.controls
      severity = requirement.value.severity
    }
  }

  dynamic "expected_resource" {
    for_each = local.expected_resources
    content {
      key              = expected_resource.value.key
      type             = expected_resource.value.type
      identifier       = expected_resource.value.identifier
      checks           = expected_resource.value.checks
      check_parameters = expected_resource.value.check_parameters
      properties       = expected_resource.value.properties
      requirements     = expected_resource.value.requirements
    }
  }

  lifecycle {
    precondition {
      condition     = var.approval != null
      error_message = "A specification needs its approval: set `approval` (approved_by, approved_at, change_reference)."
    }
  }
}

resource "gxp_qualification" "this" {
  count = var.enabled ? 1 : 0

  name          = var.name
  spec_id       = gxp_expected_spec.this[0].id
  spec_digest   = gxp_expected_spec.this[0].digest
  spec_document = gxp_expected_spec.this[0].canonical_json
  # Every result in state: the e2e tests (tests/e2e/modules.rs) read passed results from it.
  results_in_state     = "all"
  requalify_after      = var.requalify_after
  enforce              = var.enforce
  configuration_commit = var.configuration_commit

  dynamic "evidence_store" {
    for_each = var.evidence_store == null ? [] : [var.evidence_store]
    content {
      s3_bucket  = evidence_store.value.s3_bucket
      s3_prefix  = evidence_store.value.s3_prefix
      kms_key_id = evidence_store.value.kms_key_id
    }
  }
}
