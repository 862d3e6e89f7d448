# The qualification submodule on its own (gxp provider only).

mock_provider "aws" {}

mock_provider "gxp" {}

variables {
  name                   = "test-audit-trail"
  application_id         = "landing-zone"
  environment            = "test"
  trail_arn              = "arn:aws:cloudtrail:eu-central-1:111122223333:trail/acme-gxp-test-trail"
  trail_bucket_name      = "acme-gxp-test-audit-trail"
  access_log_bucket_name = "acme-gxp-test-audit-trail-access-logs"
  kms_key_arn            = "arn:aws:kms:eu-central-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"
  log_group_name         = "/aws/cloudtrail/acme-gxp-test-trail"
  trail_retention_days   = 30
  gxp_bucket_arns        = ["arn:aws:s3:::acme-lims-records"]
  approval = {
    approved_by      = "qa.lead@example.com"
    approved_at      = "2026-01-01"
    change_reference = "CR-TEST-001"
  }
}

run "spec_covers_trail_buckets_key_and_log_group" {
  command = plan

  module {
    source = "./qualification"
  }

  assert {
    condition     = [for r in output.expected_resources : r.key] == ["audit_trail", "audit_trail_bucket", "audit_trail_access_logs", "audit_trail_kms_key", "audit_trail_log_group", "audit_trail_data_events:acme-lims-records"]
    error_message = "Unexpected expected resources."
  }

  assert {
    condition     = one([for r in output.expected_resources : r.check_parameters if r.key == "audit_trail_log_group"])["logs.retention.min_days"] == "365"
    error_message = "logs.retention must require log_retention_days."
  }

  assert {
    condition     = alltrue([for r in output.expected_resources : contains(r.checks, "s3.acl_disabled") if r.type == "AWS::S3::Bucket"]) && length([for r in output.expected_resources : r if r.type == "AWS::S3::Bucket"]) == 2
    error_message = "Both buckets (record and access-log) must be checked for disabled ACLs (s3.acl_disabled)."
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
