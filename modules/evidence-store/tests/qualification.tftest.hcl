# The qualification submodule on its own (gxp provider only).

mock_provider "aws" {}

mock_provider "gxp" {}

variables {
  name                   = "test-evidence-store"
  application_id         = "landing-zone"
  environment            = "test"
  evidence_bucket_name   = "acme-gxp-test-evidence"
  evidence_kms_key_arn   = "arn:aws:kms:eu-central-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"
  access_log_bucket_name = "acme-gxp-test-evidence-access-logs"
  retention_days         = 30
  evidence_store         = { s3_bucket = "acme-gxp-test-store" }
  approval = {
    approved_by      = "qa.lead@example.com"
    approved_at      = "2026-01-01"
    change_reference = "CR-TEST-001"
  }
}

run "spec_covers_bucket_logs_and_key" {
  command = plan

  module {
    source = "./qualification"
  }

  assert {
    condition     = [for r in output.expected_resources : r.key] == ["evidence_bucket", "evidence_access_logs", "evidence_kms_key"]
    error_message = "Unexpected expected resources."
  }

  assert {
    condition     = one([for r in output.expected_resources : r.check_parameters if r.key == "evidence_bucket"])["s3.object_lock.min_retention_days"] == "30"
    error_message = "s3.object_lock must require retention_days."
  }

  assert {
    condition     = one([for r in output.expected_resources : r.identifier if r.key == "evidence_kms_key"]) == var.evidence_kms_key_arn
    error_message = "The key is identified by its ARN."
  }

  assert {
    condition     = alltrue([for r in output.expected_resources : contains(r.checks, "s3.acl_disabled") if r.type == "AWS::S3::Bucket"]) && length([for r in output.expected_resources : r if r.type == "AWS::S3::Bucket"]) == 2
    error_message = "Both buckets (record and access-log) must be checked for disabled ACLs (s3.acl_disabled)."
  }

  assert {
    condition     = length(gxp_expected_spec.this) == 1 && length(gxp_qualification.this) == 1
    error_message = "The submodule declares one specification and one qualification."
  }
}

run "approval_is_required_when_enabled" {
  command = plan

  module {
    source = "./qualification"
  }

  variables {
    approval = null
  }

  expect_failures = [gxp_expected_spec.this]
}

run "disabled_declares_nothing" {
  command = plan

  module {
    source = "./qualification"
  }

  variables {
    enabled  = false
    approval = null
  }

  assert {
    condition     = length(gxp_expected_spec.this) == 0 && length(gxp_qualification.this) == 0
    error_message = "enabled = false must not declare resources."
  }
}
