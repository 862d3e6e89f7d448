# Plan/apply the evidence-store module with mocked providers (no AWS account needed).

mock_provider "aws" {}

# The real gxp provider computes the specification (its digest and canonical document), so
# the qualification's consistency checks run as in production; no AWS call is made. The
# qualification itself is overridden: applying it would qualify live AWS infrastructure.
provider "gxp" {
  region                      = "us-east-1"
  skip_credentials_validation = true
  skip_requesting_account_id  = true
}

override_resource {
  target = module.qualification.gxp_qualification.this
  values = {
    status = "passed"
  }
}

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

  # The bucket's protections are tested in modules/_internal/hardened-bucket; here, that the
  # evidence store asks for them.
  assert {
    condition     = module.bucket.object_lock_retention_days == 30
    error_message = "Object Lock must default to COMPLIANCE mode with retention_days."
  }


  assert {
    condition     = aws_kms_key.evidence.enable_key_rotation == true
    error_message = "The evidence key must rotate."
  }

  assert {
    condition     = output.bucket_name == "acme-gxp-test-evidence" && output.access_log_bucket_name == "acme-gxp-test-evidence-access-logs"
    error_message = "The access-log bucket name defaults to <bucket_name>-access-logs."
  }

}

run "qualification_identifies_the_created_resources" {
  command = apply

  assert {
    condition     = module.bucket.kms_key_arn == aws_kms_key.evidence.arn
    error_message = "The evidence bucket must use SSE-KMS with the evidence key."
  }

  assert {
    condition     = output.evidence_store.s3_bucket == "acme-gxp-test-evidence" && output.evidence_store.s3_prefix == "gxp-evidence/"
    error_message = "Reports are filed in the evidence bucket under report_prefix."
  }

  assert {
    condition     = one([for r in output.qualification_expected_resources : r.identifier if r.key == "evidence_bucket"]) == var.bucket_name
    error_message = "evidence_bucket must identify the evidence bucket."
  }

  assert {
    condition     = one([for r in output.qualification_expected_resources : r.identifier if r.key == "evidence_kms_key"]) == aws_kms_key.evidence.arn
    error_message = "evidence_kms_key must identify aws_kms_key.evidence."
  }

  assert {
    condition     = one([for r in output.qualification_expected_resources : r.check_parameters["s3.access_logging.target_bucket"] if r.key == "evidence_bucket"]) == output.access_log_bucket_name
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
