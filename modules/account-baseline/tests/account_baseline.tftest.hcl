# Plan/apply the account-baseline module with mocked providers (no AWS account needed).

mock_provider "aws" {
  # KMS key references are typed check parameters: the mocked key gets a well-formed id and
  # ARN (the mock's random strings are refused at plan time, as a real typo would be).
  mock_resource "aws_kms_key" {
    defaults = {
      key_id = "1234abcd-12ab-34cd-56ef-1234567890ab"
      arn    = "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"
    }
  }

  mock_data "aws_caller_identity" {
    defaults = {
      account_id = "111122223333"
    }
  }

  mock_data "aws_partition" {
    defaults = {
      partition = "aws"
    }
  }

  mock_data "aws_region" {
    defaults = {
      name = "us-east-1"
    }
  }
}

# The real gxp provider computes the specification (its digest and canonical document), so
# the qualification's consistency checks run as in production; no AWS call is made. The
# qualification itself is overridden: applying it would qualify a live AWS account.
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
  environment = "test"
  approval = {
    approved_by      = "qa.lead@example.com"
    approved_at      = "2026-01-01"
    change_reference = "CR-TEST-001"
  }
}

run "account_settings_are_hardened" {
  command = plan

  assert {
    condition = (
      aws_iam_account_password_policy.this.minimum_password_length == 14 &&
      aws_iam_account_password_policy.this.require_symbols &&
      aws_iam_account_password_policy.this.require_numbers &&
      aws_iam_account_password_policy.this.require_uppercase_characters &&
      aws_iam_account_password_policy.this.require_lowercase_characters &&
      aws_iam_account_password_policy.this.password_reuse_prevention == 24 &&
      aws_iam_account_password_policy.this.max_password_age == 90
    )
    error_message = "The default password policy is 14 characters, all classes, 24 remembered, 90 days."
  }

  assert {
    condition = (
      aws_s3_account_public_access_block.this.block_public_acls &&
      aws_s3_account_public_access_block.this.ignore_public_acls &&
      aws_s3_account_public_access_block.this.block_public_policy &&
      aws_s3_account_public_access_block.this.restrict_public_buckets
    )
    error_message = "S3 Block Public Access must be on for the whole account."
  }

  assert {
    condition     = aws_ebs_encryption_by_default.this.enabled && aws_kms_key.ebs.enable_key_rotation
    error_message = "EBS encryption by default with a rotating key."
  }

  assert {
    condition     = aws_guardduty_detector.this.enable && length(aws_guardduty_detector_feature.this) == 3
    error_message = "GuardDuty is enabled with the default protection features."
  }

  assert {
    condition     = keys(aws_securityhub_standards_subscription.this) == ["aws-foundational-security-best-practices/v/1.0.0", "cis-aws-foundations-benchmark/v/1.4.0"]
    error_message = "Security Hub subscribes the default standards."
  }

  assert {
    condition     = aws_securityhub_standards_subscription.this["cis-aws-foundations-benchmark/v/1.4.0"].standards_arn == "arn:aws:securityhub:us-east-1::standards/cis-aws-foundations-benchmark/v/1.4.0"
    error_message = "Standard ARNs are built in the provider's partition and region."
  }

  assert {
    condition     = aws_accessanalyzer_analyzer.this.type == "ACCOUNT"
    error_message = "The access analyzer covers the account."
  }
}

run "qualification_mirrors_the_password_policy_and_the_key" {
  command = apply

  variables {
    password_policy = {
      minimum_length   = 16
      reuse_prevention = 12
      max_age_days     = 60
    }
  }

  assert {
    condition     = aws_iam_account_password_policy.this.minimum_password_length == 16 && output.qualification_expected_account.check_parameters["iam.password_policy.min_length"] == "16"
    error_message = "iam.password_policy checks the module's minimum length."
  }

  assert {
    condition = (
      output.qualification_expected_account.check_parameters["iam.password_policy.reuse_prevention"] == "12" &&
      output.qualification_expected_account.check_parameters["iam.password_policy.max_age_days"] == "60" &&
      output.qualification_expected_account.check_parameters["iam.password_policy.require_symbols"] == "true"
    )
    error_message = "iam.password_policy checks the module's reuse prevention, maximum age and classes."
  }

  assert {
    condition     = output.qualification_expected_account.check_parameters["ec2.ebs_default_encryption.kms_key_id"] == aws_kms_key.ebs.arn
    error_message = "ec2.ebs_default_encryption expects the module's key."
  }

  assert {
    condition     = one([for r in output.qualification_expected_resources : r.identifier if r.key == "account_ebs_kms_key"]) == aws_kms_key.ebs.arn
    error_message = "account_ebs_kms_key must identify the EBS key."
  }

  assert {
    condition     = !contains(output.qualification_expected_account.checks, "organizations.account_member")
    error_message = "Organization membership is opt-in."
  }
}

run "organization_membership_can_be_required" {
  command = plan

  variables {
    organization_member_required = true
  }

  assert {
    condition     = contains(output.qualification_expected_account.checks, "organizations.account_member")
    error_message = "organization_member_required adds organizations.account_member."
  }
}

run "rejects_a_weak_password_policy" {
  command = plan

  variables {
    password_policy = { minimum_length = 8 }
  }

  expect_failures = [var.password_policy]
}

run "rejects_a_malformed_standard" {
  command = plan

  variables {
    securityhub_standards = ["arn:aws:securityhub:::ruleset/cis-aws-foundations-benchmark/v/1.2.0"]
  }

  expect_failures = [var.securityhub_standards]
}
