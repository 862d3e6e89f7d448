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
    checks     = ["s3.encryption", "s3.versioning"]
  }
}

locals {
  qualification   = "lims-prod"
  requalify_after = "90d"
}

resource "gxp_qualification" "lims" {
  name            = local.qualification
  spec_id         = gxp_expected_spec.lims.id
  spec_digest     = gxp_expected_spec.lims.digest
  spec_document   = gxp_expected_spec.lims.canonical_json
  requalify_after = local.requalify_after
}

# Continuous validation: every `terraform plan` and every HCP Terraform health assessment
# reads the latest report of the qualification, observes the qualified resources again and
# warns when the qualified state no longer holds (drift, a changed specification, the review
# period elapsed, a failed last run, or no report at all). Pass the inputs by value (locals,
# the specification), not through gxp_qualification's attributes: a data source that depends
# on a resource with pending changes is only read at apply.
check "qualified" {
  data "gxp_requalification" "lims" {
    name            = local.qualification
    spec_document   = gxp_expected_spec.lims.canonical_json
    requalify_after = local.requalify_after
  }

  assert {
    condition     = length(data.gxp_requalification.lims.reasons) == 0
    error_message = "${local.qualification} needs requalification: ${join("; ", data.gxp_requalification.lims.reasons)}"
  }
}
