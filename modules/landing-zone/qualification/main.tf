# Combined specification and qualification of the landing zone, assembled from the
# requirements, expected resources and account expectations of the evidence-store,
# audit-trail, config-baseline, network-baseline and account-baseline qualification
# submodules. Only the gxp provider is used.

locals {
  description = "Regulated landing zone of ${var.application_id} (${var.environment}): evidence store, audit trail, configuration baseline, network baseline and account baseline."

  requirements       = var.requirements
  expected_resources = var.expected_resources
}

resource "gxp_expected_spec" "this" {
  name        = var.name
  version     = var.spec_version
  description = local.description

  system {
    application_id = var.application_id
    environment    = var.environment
    gamp_category  = 1
    risk_class     = var.risk_class
  }

  approval {
    approved_by      = var.approval.approved_by
    approved_at      = var.approval.approved_at
    change_reference = var.approval.change_reference
    reason           = var.approval.reason
  }

  dynamic "requirement" {
    for_each = local.requirements
    content {
      id       = requirement.value.id
      text     = requirement.value.text
      controls = requirement.value.controls
      severity = requirement.value.severity
    }
  }

  dynamic "expected_resource" {
    for_each = local.expected_resources
    content {
      key              = expected_resource.value.key
      type             = expected_resource.value.type
      identifier       = expected_resource.value.identifier
      checks           = expected_resource.value.checks
      check_parameters = expected_resource.value.check_parameters
      properties       = expected_resource.value.properties
      requirements     = expected_resource.value.requirements
    }
  }

  dynamic "expected_account" {
    for_each = var.expected_account == null ? [] : [var.expected_account]
    content {
      checks           = expected_account.value.checks
      check_parameters = expected_account.value.check_parameters
      requirements     = expected_account.value.requirements
    }
  }
}

resource "gxp_qualification" "this" {
  name          = var.name
  spec_id       = gxp_expected_spec.this.id
  spec_digest   = gxp_expected_spec.this.digest
  spec_document = gxp_expected_spec.this.canonical_json
  # Every result in state: the e2e tests (tests/e2e/modules.rs) read passed results from it.
  results_in_state     = "all"
  requalify_after      = var.requalify_after
  enforce              = var.enforce
  configuration_commit = var.configuration_commit

  evidence_store {
    s3_bucket  = var.evidence_store.s3_bucket
    s3_prefix  = var.evidence_store.s3_prefix
    kms_key_id = var.evidence_store.kms_key_id
  }
}
