# Plan/apply the landing zone with mocked providers (no AWS account needed).

mock_provider "aws" {
  # KMS key references are typed check parameters: the mocked key gets a well-formed id and
  # ARN (the mock's random strings are refused at plan time, as a real typo would be).
  mock_resource "aws_kms_key" {
    defaults = {
      key_id = "1234abcd-12ab-34cd-56ef-1234567890ab"
      arn    = "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"
    }
  }

  mock_data "aws_partition" {
    defaults = {
      partition = "aws"
    }
  }
}

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
  name_prefix           = "acme-gxp-test"
  environment           = "test"
  record_retention_days = 30
  vpc_cidr              = "10.20.0.0/16"
  private_subnets = [
    { availability_zone = "eu-central-1a", cidr_block = "10.20.0.0/20" },
    { availability_zone = "eu-central-1b", cidr_block = "10.20.16.0/20" },
  ]
  gxp_bucket_arns = ["arn:aws:s3:::acme-lims-records"]
  approval = {
    approved_by      = "qa.lead@example.com"
    approved_at      = "2026-01-01"
    change_reference = "CR-TEST-001"
  }
}

run "one_combined_specification" {
  command = apply

  assert {
    condition     = output.requirement_ids == ["EVD-001", "EVD-002", "EVD-003", "EVD-004", "AUD-001", "AUD-002", "AUD-003", "AUD-004", "AUD-005", "CFG-001", "CFG-002", "CFG-003", "NET-001", "NET-002", "NET-003", "NET-004", "ACC-001", "ACC-002", "ACC-003", "ACC-004", "ACC-005"]
    error_message = "The combined specification holds every module's requirements."
  }

  assert {
    condition     = module.evidence_store.spec_id == null && module.audit_trail.spec_id == null && module.config_baseline.spec_id == null && module.network_baseline.spec_id == null && module.account_baseline.spec_id == null
    error_message = "The composed modules file no specification of their own."
  }

  assert {
    condition     = output.spec_id != null && output.qualification_id != null
    error_message = "The landing zone declares one specification and one qualification."
  }

  assert {
    condition     = output.evidence_store.s3_bucket == "acme-gxp-test-evidence"
    error_message = "Reports are filed in the landing zone's evidence bucket."
  }

  assert {
    condition     = contains([for r in module.qualification.expected_resources : r.key], "audit_trail_data_events:acme-gxp-test-evidence") && contains([for r in module.qualification.expected_resources : r.key], "audit_trail_data_events:acme-lims-records")
    error_message = "The trail records data events of the evidence bucket and the workload buckets."
  }

  assert {
    condition     = alltrue([for r in module.qualification.expected_resources : contains(r.checks, "s3.acl_disabled") if r.type == "AWS::S3::Bucket"]) && length([for r in module.qualification.expected_resources : r if r.type == "AWS::S3::Bucket"]) == 6
    error_message = "Every bucket of the landing zone (three record buckets, three access-log buckets) is checked for disabled ACLs."
  }
}

run "the_account_baseline_is_qualified_as_the_account" {
  command = apply

  variables {
    password_policy = { minimum_length = 16 }
  }

  assert {
    condition     = module.qualification.expected_account.check_parameters["iam.password_policy.min_length"] == "16" && module.account_baseline.password_policy.minimum_length == 16
    error_message = "The account baseline applies the landing zone's password policy and the combined specification checks it."
  }

  assert {
    condition     = contains(module.qualification.expected_account.checks, "s3.account_public_access_block") && contains(module.qualification.expected_account.requirements, "ACC-004")
    error_message = "The combined specification's expected_account block is the account baseline's."
  }

  assert {
    condition     = contains([for r in module.qualification.expected_resources : r.key], "account_ebs_kms_key")
    error_message = "The EBS default key is an expected resource of the combined specification."
  }

  assert {
    condition     = contains(keys(module.config_baseline.config_rule_names), "IAM_PASSWORD_POLICY")
    error_message = "The config baseline evaluates the password policy continuously."
  }
}

run "rejects_an_uppercase_prefix" {
  command = plan

  variables {
    name_prefix = "ACME"
  }

  expect_failures = [var.name_prefix]
}
