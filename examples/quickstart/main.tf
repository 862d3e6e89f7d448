terraform {
  required_version = ">= 1.5"
  required_providers {
    gxp = {
      source = "gxp/gxp"
    }
  }
}

# Emulator-friendly settings; against AWS only the evidence store and labels are needed.
provider "gxp" {
  s3_use_path_style = true

  evidence_store {
    s3_bucket = var.evidence_bucket
  }

  report_labels {
    application = var.application_id
    environment = var.environment
  }
}

locals {
  s3_checks = ["s3.encryption", "s3.versioning", "s3.public_access_block", "s3.tls_only", "s3.access_logging"]
}

# The approved specification of the landing zone.
resource "gxp_expected_spec" "landing_zone" {
  name        = "${var.application_id}-${var.environment}"
  version     = "1.0"
  description = "Quickstart landing zone: evidence and records storage, audit trail, key, core stack"

  system {
    application_id = var.application_id
    environment    = var.environment
    gamp_category  = 1
    risk_class     = "high"
  }

  approval {
    approved_by      = "qa.lead@example.com"
    approved_at      = "2026-01-15T09:30:00Z"
    change_reference = "CR-2026-001"
    reason           = "Initial qualification of the landing zone"
  }

  requirement {
    id       = "URS-001"
    text     = "GxP records and qualification evidence are protected for the retention period: encrypted, versioned, not public, TLS only, access logged."
    controls = ["21CFR11.10(c)", "21CFR11.10(d)", "Annex11-7", "Annex11-12"]
    severity = "security"
  }

  requirement {
    id       = "URS-002"
    text     = "Evidence cannot be altered or deleted during the retention period."
    controls = ["21CFR11.10(c)", "Annex11-7"]
    severity = "security"
  }

  requirement {
    id       = "URS-003"
    text     = "A secure, time-stamped audit trail records all account activity and GxP data access."
    controls = ["21CFR11.10(e)", "21CFR11.10(k)", "Annex11-9"]
    severity = "security"
  }

  requirement {
    id       = "URS-004"
    text     = "Encryption keys are enabled and rotated."
    controls = ["21CFR11.30", "Annex11-12"]
    severity = "security"
  }

  requirement {
    id       = "URS-005"
    text     = "The landing zone core is deployed from the approved template."
    controls = ["21CFR11.10(a)", "Annex11-4"]
    severity = "functional"
  }

  expected_resource {
    key        = "evidence_bucket"
    type       = "AWS::S3::Bucket"
    identifier = var.evidence_bucket
    # s3.tls_only is left out here only because the local emulator is plain HTTP; add it
    # for a real account (the evidence-store module sets the policy).
    checks       = concat([for c in local.s3_checks : c if c != "s3.tls_only"], ["s3.object_lock"])
    requirements = ["URS-001", "URS-002"]
    check_parameters = {
      "s3.encryption.kms_key_id"          = var.kms_key
      "s3.object_lock.mode"               = "COMPLIANCE"
      "s3.object_lock.min_retention_days" = "1"
    }
    properties = jsonencode({
      VersioningConfiguration = { Status = "Enabled" }
    })
  }

  expected_resource {
    key          = "records_bucket"
    type         = "AWS::S3::Bucket"
    identifier   = var.records_bucket
    checks       = local.s3_checks
    requirements = ["URS-001"]
    check_parameters = {
      "s3.encryption.kms_key_id" = var.kms_key
    }
    properties = jsonencode({
      VersioningConfiguration = { Status = "Enabled" }
      PublicAccessBlockConfiguration = {
        BlockPublicAcls       = true
        BlockPublicPolicy     = true
        IgnorePublicAcls      = true
        RestrictPublicBuckets = true
      }
    })
  }

  expected_resource {
    key          = "audit_trail"
    type         = "AWS::CloudTrail::Trail"
    identifier   = var.trail_name
    checks       = ["cloudtrail.exists", "cloudtrail.logging", "cloudtrail.multi_region", "cloudtrail.log_file_validation", "cloudtrail.kms", "cloudtrail.cloudwatch_logs", "cloudtrail.s3_data_events"]
    requirements = ["URS-003"]
    check_parameters = {
      "cloudtrail.s3_data_events.bucket_arn" = "arn:aws:s3:::${var.records_bucket}"
    }
  }

  expected_resource {
    key          = "trail_log_group"
    type         = "AWS::Logs::LogGroup"
    identifier   = var.trail_name
    checks       = ["logs.retention", "logs.kms"]
    requirements = ["URS-003"]
    check_parameters = {
      "logs.retention.min_days" = "365"
    }
  }

  expected_resource {
    key          = "records_key"
    type         = "AWS::KMS::Key"
    identifier   = var.kms_key
    checks       = ["kms.enabled", "kms.rotation"]
    requirements = ["URS-004"]
  }

  expected_stack {
    name          = var.stack_name
    template_body = file("${path.module}/templates/lz-core.json")
    parameters    = { Environment = var.environment }
    outputs       = { ComplianceTopicName = "lz-compliance-${var.environment}" }
    resources     = { ComplianceTopic = "AWS::SNS::Topic" }
    requirements  = ["URS-005"]
  }
}

# Qualify the deployed landing zone against it; file the evidence; requalify on drift.
resource "gxp_qualification" "landing_zone" {
  name          = gxp_expected_spec.landing_zone.name
  spec_id       = gxp_expected_spec.landing_zone.id
  spec_digest   = gxp_expected_spec.landing_zone.digest
  spec_document = gxp_expected_spec.landing_zone.canonical_json

  requalify_after = "90d"
}
