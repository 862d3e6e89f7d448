# The approved specification of the LIMS production infrastructure.
resource "gxp_expected_spec" "lims" {
  name    = "lims-prod"
  version = "1.0"

  system {
    application_id = "lims"
    environment    = "prod"
    gamp_category  = 4
    risk_class     = "high"
  }

  approval {
    approved_by      = "quality.assurance@example.com"
    approved_at      = "2026-03-01"
    change_reference = "CR-2026-014"
  }

  requirement {
    id       = "URS-001"
    text     = "Results are kept unaltered for the retention period."
    controls = ["21CFR11.10(c)", "Annex11-7"]
    severity = "security"
  }

  requirement {
    id       = "URS-002"
    text     = "Only identified users with two authentication factors can log in; credentials are rotated."
    controls = ["21CFR11.10(d)", "21CFR11.300", "Annex11-12.1"]
    severity = "security"
  }

  expected_resource {
    key          = "results_bucket"
    type         = "AWS::S3::Bucket"
    identifier   = "lims-prod-results"
    checks       = ["s3.encryption", "s3.versioning", "s3.object_lock", "s3.public_access_block"]
    requirements = ["URS-001"]
  }

  # Account-level controls, run on the account and region the provider is configured for
  # (target `account`, type `AWS::::Account`); per-principal checks name each IAM user.
  expected_account {
    checks       = ["iam.root_mfa", "iam.password_policy", "iam.user_console_mfa", "iam.access_keys_rotated"]
    requirements = ["URS-002"]
    check_parameters = {
      "iam.password_policy.min_length"       = "14"
      "iam.access_keys_rotated.max_age_days" = "90"
    }
  }
}
