# Quickstart: the approved specification of a small GxP landing zone (audit trail,
# evidence archive, key management) as a gxp_expected_spec. The specification itself
# makes no AWS calls; `terraform plan` shows its digest and revision.

terraform {
  required_version = ">= 1.5"

  required_providers {
    gxp = {
      source  = "gxp/gxp"
      version = "~> 0.1"
    }
  }
}

provider "gxp" {
  region = var.region

  # Address S3 by path (endpoint/bucket): needed by local emulators, harmless on AWS.
  s3_use_path_style = true

  # Printed on every qualification report of this configuration.
  report_labels {
    application = var.application_id
    environment = var.environment
  }
}

resource "gxp_expected_spec" "landing_zone" {
  name        = "${var.application_id}-${var.environment}"
  version     = "1.0"
  description = "Shared GxP landing zone: audit trail, evidence archive and key management, qualified once and reused by every GxP workload."

  system {
    application_id = var.application_id
    environment    = var.environment
    gamp_category  = 1
    risk_class     = "high"
  }

  approval {
    approved_by      = "quality.assurance@example.com"
    approved_at      = "2026-01-15T09:30:00Z"
    change_reference = "CR-2026-001"
    reason           = "Initial qualification of the landing zone."
  }

  requirement {
    id       = "URS-001"
    text     = "All management activity in every region is recorded in a secure, time-stamped, tamper-evident audit trail."
    controls = ["21CFR11.10(e)", "Annex11-9", "HIPAA-164.312(b)"]
    severity = "security"
  }

  requirement {
    id       = "URS-002"
    text     = "Audit logs and qualification evidence are retained unaltered for the retention period: versioned, write-once, encrypted, never public, TLS only."
    controls = ["21CFR11.10(c)", "Annex11-7", "HIPAA-164.312(a)(2)(iv)", "HIPAA-164.312(e)(1)"]
    severity = "security"
  }

  requirement {
    id       = "URS-003"
    text     = "Data at rest is encrypted with customer-managed keys that are enabled and rotated yearly."
    controls = ["21CFR11.30", "Annex11-12", "HIPAA-164.312(a)(2)(iv)"]
    severity = "security"
  }

  requirement {
    id       = "URS-004"
    text     = "The landing zone is deployed from the approved template under change control."
    controls = ["21CFR11.10(a)", "21CFR11.10(k)", "Annex11-10"]
  }

  expected_resource {
    key        = "evidence_bucket"
    type       = "AWS::S3::Bucket"
    identifier = var.evidence_bucket_name
    properties = jsonencode({
      VersioningConfiguration = { Status = "Enabled" }
    })
    checks = [
      "s3.encryption",
      "s3.versioning",
      "s3.public_access_block",
      "s3.tls_only",
      "s3.object_lock",
    ]
    check_parameters = {
      "s3.encryption.kms_key_id"          = var.kms_key_arn
      "s3.object_lock.mode"               = "COMPLIANCE"
      "s3.object_lock.min_retention_days" = "2555"
    }
    requirements = ["URS-002", "URS-003"]
  }

  expected_resource {
    key        = "audit_trail"
    type       = "AWS::CloudTrail::Trail"
    identifier = var.trail_name
    checks = [
      "cloudtrail.logging",
      "cloudtrail.multi_region",
      "cloudtrail.log_file_validation",
      "cloudtrail.kms",
      "cloudtrail.s3_data_events",
    ]
    check_parameters = {
      "cloudtrail.kms.kms_key_id"            = var.kms_key_arn
      "cloudtrail.s3_data_events.bucket_arn" = "arn:aws:s3:::${var.evidence_bucket_name}"
    }
    requirements = ["URS-001"]
  }

  expected_resource {
    key          = "audit_key"
    type         = "AWS::KMS::Key"
    identifier   = var.kms_key_arn
    checks       = ["kms.enabled", "kms.rotation"]
    requirements = ["URS-003"]
  }

  expected_stack {
    name = var.stack_name
    parameters = {
      Environment = var.environment
    }
    resources = {
      EvidenceBucket = "AWS::S3::Bucket"
      AuditTrail     = "AWS::CloudTrail::Trail"
      AuditKey       = "AWS::KMS::Key"
    }
    outputs = {
      EvidenceBucketName = var.evidence_bucket_name
    }
    requirements = ["URS-004"]
  }

  suppression {
    check        = "s3.access_logging"
    resource_key = "evidence_bucket"
    reason       = "Reads and writes of the evidence bucket are recorded by the trail's S3 data events (URS-001); server access logs would duplicate them."
    approved_by  = "quality.assurance@example.com"
    expires      = "2027-12-31"
  }
}
