resource "gxp_expected_spec" "lims" {
  name    = "lims-prod"
  version = "1.0"

  system {
    application_id = "lims"
    environment    = "prod"
  }

  approval {
    approved_by      = "quality.assurance@example.com"
    approved_at      = "2026-03-01"
    change_reference = "CR-2026-014"
  }

  expected_resource {
    key        = "results_bucket"
    type       = "AWS::S3::Bucket"
    identifier = "lims-prod-results"
    checks     = ["s3.encryption", "s3.versioning", "s3.object_lock"]
  }
}

# IQ/OQ/PQ on apply; the report is filed in the evidence store; `terraform plan` shows when
# requalification is due.
resource "gxp_qualification" "lims" {
  name          = "lims-prod"
  spec_id       = gxp_expected_spec.lims.id
  spec_digest   = gxp_expected_spec.lims.digest
  spec_document = gxp_expected_spec.lims.canonical_json

  stages          = ["IQ", "OQ", "PQ"]
  requalify_after = "90d"
  requalify_on    = ["security", "functional"]

  # Every resource tagged so is qualified with every catalog check of its type, except the
  # checks named in exclude_checks (a scope decision the change record must justify).
  discovery {
    tags           = { Application = "lims", Environment = "prod" }
    exclude_checks = ["backup.resource_protected"]
  }

  evidence_store {
    s3_bucket  = "acme-gxp-evidence"
    s3_prefix  = "gxp-evidence/"
    kms_key_id = "alias/gxp-evidence"
  }
}
