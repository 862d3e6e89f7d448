# Specification and qualification of the evidence store. Only the gxp provider is used, so
# this module can be applied on its own against existing resources.

locals {
  description = "Evidence store of ${var.application_id} (${var.environment}): Object Lock bucket for GxP records and qualification reports, its KMS key and its access-log bucket."

  requirements = [
    {
      id       = "EVD-001"
      text     = "Records in the evidence store cannot be altered or deleted during the retention period: versioning is enabled and Object Lock applies a COMPLIANCE-mode default retention of at least ${var.retention_days} days."
      controls = ["21CFR11.10(a)", "21CFR11.10(c)", "Annex11-7"]
      severity = "security"
    },
    {
      id       = "EVD-002"
      text     = "Records are encrypted at rest with a dedicated customer-managed KMS key that is enabled and rotated automatically."
      controls = ["21CFR11.10(c)", "21CFR11.30", "Annex11-7", "Annex11-12", "HIPAA-164.312(a)(2)(iv)"]
      severity = "security"
    },
    {
      id       = "EVD-003"
      text     = "The evidence store and its access logs are never public, grant no access through ACLs (object ownership enforced by the bucket owner) and are reachable over TLS only."
      controls = ["21CFR11.10(c)", "21CFR11.10(d)", "21CFR11.10(g)", "21CFR11.30", "Annex11-12", "HIPAA-164.312(e)(1)"]
      severity = "security"
    },
    {
      id       = "EVD-004"
      text     = "Every request to the evidence store is recorded by S3 server access logging in a separate, versioned log bucket."
      controls = ["21CFR11.10(e)", "Annex11-9", "HIPAA-164.312(b)"]
      severity = "security"
    },
  ]

  expected_resources = [
    {
      key        = "evidence_bucket"
      type       = "AWS::S3::Bucket"
      identifier = var.evidence_bucket_name
      checks     = ["s3.encryption", "s3.versioning", "s3.public_access_block", "s3.acl_disabled", "s3.tls_only", "s3.object_lock", "s3.access_logging"]
      check_parameters = {
        "s3.encryption.kms_key_id"          = var.evidence_kms_key_arn
        "s3.object_lock.mode"               = "COMPLIANCE"
        "s3.object_lock.min_retention_days" = tostring(var.retention_days)
        "s3.access_logging.target_bucket"   = var.access_log_bucket_name
      }
      properties   = jsonencode({ VersioningConfiguration = { Status = "Enabled" } })
      requirements = ["EVD-001", "EVD-002", "EVD-003", "EVD-004"]
    },
    {
      key              = "evidence_access_logs"
      type             = "AWS::S3::Bucket"
      identifier       = var.access_log_bucket_name
      checks           = ["s3.versioning", "s3.public_access_block", "s3.acl_disabled", "s3.tls_only"]
      check_parameters = {}
      properties       = jsonencode({ VersioningConfiguration = { Status = "Enabled" } })
      requirements     = ["EVD-003", "EVD-004"]
    },
    {
      key              = "evidence_kms_key"
      type             = "AWS::KMS::Key"
      identifier       = var.evidence_kms_key_arn
      checks           = ["kms.enabled", "kms.rotation"]
      check_parameters = {}
      properties       = null
      requirements     = ["EVD-002"]
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
