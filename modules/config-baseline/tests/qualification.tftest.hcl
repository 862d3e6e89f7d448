# The qualification submodule on its own (gxp provider only).

mock_provider "aws" {}

mock_provider "gxp" {}

variables {
  name                   = "test-config-baseline"
  application_id         = "landing-zone"
  environment            = "test"
  recorder_name          = "gxp-recorder"
  delivery_channel_name  = "gxp-delivery-channel"
  config_bucket_name     = "acme-gxp-test-config"
  access_log_bucket_name = "acme-gxp-test-config-access-logs"
  kms_key_arn            = "arn:aws:kms:eu-central-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"
  approval = {
    approved_by      = "qa.lead@example.com"
    approved_at      = "2026-01-01"
    change_reference = "CR-TEST-001"
  }
}

run "spec_covers_recorder_channel_bucket_and_key" {
  command = plan

  module {
    source = "./qualification"
  }

  assert {
    condition     = [for r in output.expected_resources : r.key] == ["config_recorder", "config_delivery_channel", "config_bucket", "config_access_logs", "config_kms_key"]
    error_message = "Unexpected expected resources."
  }

  assert {
    condition     = one([for r in output.expected_resources : r.check_parameters if r.key == "config_recorder"])["config.recorder_recording.include_global_resource_types"] == "true"
    error_message = "The recorder must record global resource types by default."
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
