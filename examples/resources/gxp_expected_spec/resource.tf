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

  expected_resource {
    key          = "results_bucket"
    type         = "AWS::S3::Bucket"
    identifier   = "lims-prod-results"
    checks       = ["s3.encryption", "s3.versioning", "s3.object_lock", "s3.public_access_block"]
    requirements = ["URS-001"]
  }
}
