# Specification and qualification of the configuration baseline. Only the gxp provider is
# used, so this module can be applied on its own against existing resources.

locals {
  description = "Configuration baseline of ${var.application_id} (${var.environment}): AWS Config recorder, delivery channel, managed rules and the KMS-encrypted Config bucket."

  requirements = [
    {
      id       = "CFG-001"
      text     = "AWS Config continuously records the configuration of all supported resource types${var.include_global_resource_types ? ", including global types (IAM)" : ""}, so every change to the infrastructure is kept as history."
      controls = ["21CFR11.10(e)", "21CFR11.10(k)", "Annex11-10", "Annex11-11"]
      severity = "security"
    },
    {
      id       = "CFG-002"
      text     = "Configuration history and snapshots are delivered to a dedicated bucket encrypted with a rotating customer-managed KMS key, versioned, reachable over TLS only, never public, without ACLs (object ownership enforced by the bucket owner) and access-logged."
      controls = ["21CFR11.10(c)", "21CFR11.10(d)", "21CFR11.10(g)", "21CFR11.10(k)", "Annex11-7", "Annex11-10", "Annex11-12"]
      severity = "security"
    },
    {
      id       = "CFG-003"
      text     = "AWS Config managed rules evaluate the landing zone's account, IAM, S3, CloudTrail, KMS, VPC, EC2, CloudWatch, RDS, data-service, load-balancer and backup controls on every recorded change and periodically."
      controls = ["21CFR11.10(a)", "Annex11-10", "Annex11-11"]
      severity = "functional"
    },
  ]

  expected_resources = [
    {
      key        = "config_recorder"
      type       = "AWS::Config::ConfigurationRecorder"
      identifier = var.recorder_name
      checks     = ["config.recorder_recording"]
      check_parameters = {
        "config.recorder_recording.include_global_resource_types" = tostring(var.include_global_resource_types)
      }
      properties   = null
      requirements = ["CFG-001", "CFG-003"]
    },
    {
      key        = "config_delivery_channel"
      type       = "AWS::Config::DeliveryChannel"
      identifier = var.delivery_channel_name
      checks     = ["config.delivery_channel"]
      check_parameters = {
        "config.delivery_channel.s3_bucket_name" = var.config_bucket_name
      }
      properties   = null
      requirements = ["CFG-001", "CFG-002"]
    },
    {
      key        = "config_bucket"
      type       = "AWS::S3::Bucket"
      identifier = var.config_bucket_name
      checks     = ["s3.encryption", "s3.versioning", "s3.public_access_block", "s3.acl_disabled", "s3.tls_only", "s3.access_logging"]
      check_parameters = {
        "s3.encryption.kms_key_id"        = var.kms_key_arn
        "s3.access_logging.target_bucket" = var.access_log_bucket_name
      }
      properties   = jsonencode({ VersioningConfiguration = { Status = "Enabled" } })
      requirements = ["CFG-002"]
    },
    {
      key              = "config_access_logs"
      type             = "AWS::S3::Bucket"
      identifier       = var.access_log_bucket_name
      checks           = ["s3.versioning", "s3.public_access_block", "s3.acl_disabled", "s3.tls_only"]
      check_parameters = {}
      properties       = jsonencode({ VersioningConfiguration = { Status = "Enabled" } })
      requirements     = ["CFG-002"]
    },
    {
      key              = "config_kms_key"
      type             = "AWS::KMS::Key"
      identifier       = var.kms_key_arn
      checks           = ["kms.enabled", "kms.rotation"]
      check_parameters = {}
      properties       = null
      requirements     = ["CFG-002"]
    },
  ]
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
