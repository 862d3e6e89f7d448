# The qualification submodule on its own (gxp provider only).

mock_provider "aws" {}

mock_provider "gxp" {}

variables {
  name            = "test-account-baseline"
  application_id  = "landing-zone"
  environment     = "test"
  ebs_kms_key_arn = "arn:aws:kms:eu-central-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"
  approval = {
    approved_by      = "qa.lead@example.com"
    approved_at      = "2026-01-01"
    change_reference = "CR-TEST-001"
  }
}

run "spec_covers_the_account_and_the_ebs_key" {
  command = plan

  module {
    source = "./qualification"
  }

  assert {
    condition     = [for r in output.expected_resources : r.key] == ["account_ebs_kms_key"]
    error_message = "The EBS default key is the one expected resource."
  }

  assert {
    condition = length(setsubtract([
      "iam.password_policy", "iam.root_mfa", "iam.root_no_access_keys", "iam.user_console_mfa",
      "iam.access_keys_rotated", "iam.unused_credentials", "iam.user_no_direct_policies",
      "iam.no_admin_policies", "iam.no_kms_decrypt_on_all_keys", "s3.account_public_access_block",
      "ec2.ebs_default_encryption", "guardduty.enabled", "securityhub.enabled",
    ], output.expected_account.checks)) == 0
    error_message = "Every account control has its catalog check."
  }

  assert {
    condition     = gxp_expected_spec.this[0].expected_account[0].check_parameters["iam.password_policy.min_length"] == "14"
    error_message = "The specification's account block carries the password policy minimums."
  }

  assert {
    condition     = [for r in output.requirements : r.id] == ["ACC-001", "ACC-002", "ACC-003", "ACC-004", "ACC-005"]
    error_message = "Unexpected requirements."
  }
}

run "disabled_returns_the_fragments_only" {
  command = plan

  module {
    source = "./qualification"
  }

  variables {
    enabled = false
  }

  assert {
    condition     = output.spec_id == null && length(output.expected_account.checks) == 13
    error_message = "With enabled = false only the fragments are returned."
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
