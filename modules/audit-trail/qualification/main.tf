# Specification and qualification of the audit trail. Only the gxp provider is used, so this
# module can be applied on its own against existing resources.

locals {
  description = "Audit trail of ${var.application_id} (${var.environment}): multi-region CloudTrail with log-file validation, KMS, CloudWatch Logs, S3 data events for GxP buckets, and its Object Lock log bucket."

  requirements = concat([
    {
      id       = "AUD-001"
      text     = "All API activity in every region, including global service events, is recorded by a CloudTrail trail that is logging."
      controls = ["21CFR11.10(e)", "21CFR11.10(k)", "Annex11-9", "Annex11-10", "HIPAA-164.312(b)"]
      severity = "security"
    },
    {
      id       = "AUD-002"
      text     = "Trail log files are integrity-validated (signed digest files) and encrypted with a dedicated customer-managed KMS key that is enabled and rotated automatically."
      controls = ["21CFR11.10(a)", "21CFR11.10(c)", "21CFR11.10(e)", "21CFR11.30", "Annex11-9", "HIPAA-164.312(a)(2)(iv)"]
      severity = "security"
    },
    {
      id       = "AUD-003"
      text     = "Trail events are delivered to a KMS-encrypted CloudWatch Logs group that keeps them for at least ${var.log_retention_days} days."
      controls = ["21CFR11.10(c)", "21CFR11.10(e)", "Annex11-7", "Annex11-9", "HIPAA-164.312(b)"]
      severity = "security"
    },
    {
      id       = "AUD-004"
      text     = "Trail log files are kept for at least ${var.trail_retention_days} days in a bucket where they cannot be altered or deleted (versioning, Object Lock COMPLIANCE), encrypted with KMS, reachable over TLS only, never public, without ACLs (object ownership enforced by the bucket owner) and access-logged."
      controls = ["21CFR11.10(c)", "21CFR11.10(d)", "21CFR11.10(e)", "21CFR11.10(g)", "Annex11-7", "Annex11-9", "Annex11-12"]
      severity = "security"
    },
    ], length(var.gxp_bucket_arns) == 0 ? [] : [
    {
      id       = "AUD-005"
      text     = "Object-level reads and writes of every GxP bucket are recorded as S3 data events."
      controls = ["21CFR11.10(e)", "Annex11-9", "HIPAA-164.312(b)"]
      severity = "security"
    },
  ])

  expected_resources = concat([
    {
      key        = "audit_trail"
      type       = "AWS::CloudTrail::Trail"
      identifier = var.trail_arn
      checks     = ["cloudtrail.exists", "cloudtrail.logging", "cloudtrail.multi_region", "cloudtrail.log_file_validation", "cloudtrail.kms", "cloudtrail.cloudwatch_logs"]
      check_parameters = {
        "cloudtrail.kms.kms_key_id" = var.kms_key_arn
      }
      properties   = null
      requirements = ["AUD-001", "AUD-002", "AUD-003"]
    },
    {
      key        = "audit_trail_bucket"
      type       = "AWS::S3::Bucket"
      identifier = var.trail_bucket_name
      checks     = ["s3.encryption", "s3.versioning", "s3.public_access_block", "s3.acl_disabled", "s3.tls_only", "s3.object_lock", "s3.access_logging"]
      check_parameters = {
        "s3.encryption.kms_key_id"          = var.kms_key_arn
        "s3.object_lock.mode"               = "COMPLIANCE"
        "s3.object_lock.min_retention_days" = tostring(var.trail_retention_days)
        "s3.access_logging.target_bucket"   = var.access_log_bucket_name
      }
      properties   = jsonencode({ VersioningConfiguration = { Status = "Enabled" } })
      requirements = ["AUD-004"]
    },
    {
      key              = "audit_trail_access_logs"
      type             = "AWS::S3::Bucket"
      identifier       = var.access_log_bucket_name
      checks           = ["s3.versioning", "s3.public_access_block", "s3.acl_disabled", "s3.tls_only"]
      check_parameters = {}
      properties       = jsonencode({ VersioningConfiguration = { Status = "Enabled" } })
      requirements     = ["AUD-004"]
    },
    {
      key              = "audit_trail_kms_key"
      type             = "AWS::KMS::Key"
      identifier       = var.kms_key_arn
      checks           = ["kms.enabled", "kms.rotation"]
      check_parameters = {}
      properties       = null
      requirements     = ["AUD-002"]
    },
    {
      key        = "audit_trail_log_group"
      type       = "AWS::Logs::LogGroup"
      identifier = var.log_group_name
      checks     = ["logs.retention", "logs.kms"]
      check_parameters = {
        "logs.retention.min_days" = tostring(var.log_retention_days)
        "logs.kms.kms_key_id"     = var.kms_key_arn
      }
      properties   = null
      requirements = ["AUD-003"]
    },
    ], [
    for arn in var.gxp_bucket_arns : {
      key        = "audit_trail_data_events:${element(split(":::", arn), 1)}"
      type       = "AWS::CloudTrail::Trail"
      identifier = var.trail_arn
      checks     = ["cloudtrail.s3_data_events"]
      check_parameters = {
        "cloudtrail.s3_data_events.bucket_arn" = arn
      }
      properties   = null
      requirements = ["AUD-005"]
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
