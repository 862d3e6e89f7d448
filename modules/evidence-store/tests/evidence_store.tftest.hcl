# Plan/apply the evidence-store module with mocked providers (no AWS account needed).

mock_provider "aws" {}

mock_provider "gxp" {}

variables {
  bucket_name    = "acme-gxp-test-evidence"
  retention_days = 30
  environment    = "test"
  approval = {
    approved_by      = "qa.lead@example.com"
    approved_at      = "2026-01-01"
    change_reference = "CR-TEST-001"
  }
}

run "evidence_bucket_is_protected" {
  command = plan

  assert {
    condition     = aws_s3_bucket.evidence.object_lock_enabled == true
    error_message = "The evidence bucket must be created with Object Lock enabled."
  }

  assert {
    condition = alltrue(flatten([
      for rule in aws_s3_bucket_object_lock_configuration.evidence.rule : [
        for retention in rule.default_retention : retention.mode == "COMPLIANCE" && retention.days == 30
      ]
    ]))
    error_message = "Object Lock must default to COMPLIANCE mode with retention_days."
  }

  assert {
    condition     = alltrue([for v in aws_s3_bucket_versioning.evidence.versioning_configuration : v.status == "Enabled"])
    error_message = "Versioning must be enabled."
  }

  assert {
    condition = alltrue(flatten([
      for rule in aws_s3_bucket_server_side_encryption_configuration.evidence.rule : [
        for d in rule.apply_server_side_encryption_by_default : d.sse_algorithm == "aws:kms"
      ]
    ]))
    error_message = "The evidence bucket must use SSE-KMS."
  }

  assert {
    condition = (
      aws_s3_bucket_public_access_block.evidence.block_public_acls &&
      aws_s3_bucket_public_access_block.evidence.ignore_public_acls &&
      aws_s3_bucket_public_access_block.evidence.block_public_policy &&
      aws_s3_bucket_public_access_block.evidence.restrict_public_buckets
    )
    error_message = "All four public access block flags must be true."
  }

  assert {
    condition     = aws_kms_key.evidence.enable_key_rotation == true
    error_message = "The evidence key must rotate."
  }

  assert {
    condition     = aws_s3_bucket.access_logs.bucket == "acme-gxp-test-evidence-access-logs"
    error_message = "The access-log bucket name defaults to <bucket_name>-access-logs."
  }

  assert {
    condition = toset(flatten([
      for rule in aws_s3_bucket_lifecycle_configuration.evidence.rule : [
        for t in rule.transition : t.storage_class
      ]
    ])) == toset(["GLACIER", "DEEP_ARCHIVE"])
    error_message = "Current versions must transition to GLACIER and DEEP_ARCHIVE."
  }

  assert {
    condition = toset(flatten([
      for rule in aws_s3_bucket_lifecycle_configuration.evidence.rule : [
        for t in rule.noncurrent_version_transition : t.storage_class
      ]
    ])) == toset(["GLACIER", "DEEP_ARCHIVE"])
    error_message = "Noncurrent versions must transition to GLACIER and DEEP_ARCHIVE."
  }
}

run "qualification_identifies_the_created_resources" {
  command = apply

  assert {
    condition     = one([for r in output.qualification_expected_resources : r.identifier if r.key == "evidence_bucket"]) == aws_s3_bucket.evidence.id
    error_message = "evidence_bucket must identify aws_s3_bucket.evidence."
  }

  assert {
    condition     = one([for r in output.qualification_expected_resources : r.identifier if r.key == "evidence_kms_key"]) == aws_kms_key.evidence.arn
    error_message = "evidence_kms_key must identify aws_kms_key.evidence."
  }

  assert {
    condition     = one([for r in output.qualification_expected_resources : r.check_parameters["s3.access_logging.target_bucket"] if r.key == "evidence_bucket"]) == aws_s3_bucket.access_logs.id
    error_message = "s3.access_logging must expect the module's access-log bucket."
  }

  assert {
    condition     = output.spec_id != null && output.qualification_id != null
    error_message = "The module declares its own specification and qualification by default."
  }
}

run "fragments_only_when_qualification_disabled" {
  command = apply

  variables {
    qualification_enabled = false
    approval              = null
  }

  assert {
    condition     = output.spec_id == null && output.qualification_id == null
    error_message = "No specification or qualification when qualification_enabled = false."
  }

  assert {
    condition     = [for r in output.qualification_requirements : r.id] == ["EVD-001", "EVD-002", "EVD-003", "EVD-004"]
    error_message = "The requirements are still returned for composition."
  }

  assert {
    condition     = length(output.qualification_expected_resources) == 3
    error_message = "The expected resources are still returned for composition."
  }
}

run "rejects_retention_below_one_day" {
  command = plan

  variables {
    retention_days = 0
  }

  expect_failures = [var.retention_days]
}

run "rejects_invalid_bucket_name" {
  command = plan

  variables {
    bucket_name = "Not_A_Bucket"
  }

  expect_failures = [var.bucket_name]
}

run "rejects_deep_archive_before_glacier" {
  command = plan

  variables {
    archive_tiers = { glacier_after_days = 200, deep_archive_after_days = 100 }
  }

  expect_failures = [var.archive_tiers]
}
