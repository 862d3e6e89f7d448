output "spec_id" {
  description = "`id` of the `gxp_expected_spec` (null when `enabled = false`)."
  value       = one(gxp_expected_spec.this[*].id)
}

output "spec_digest" {
  description = "SHA-256 of the specification's canonical JSON (null when `enabled = false`)."
  value       = one(gxp_expected_spec.this[*].digest)
}

output "spec_revision" {
  description = "Revision of the specification, incremented on every change of its digest (null when `enabled = false`)."
  value       = one(gxp_expected_spec.this[*].revision)
}

output "qualification_id" {
  description = "`id` of the `gxp_qualification` (null when `enabled = false`)."
  value       = one(gxp_qualification.this[*].id)
}

output "qualification_status" {
  description = "Result of the last qualification: `passed`, `failed` or `error` (null when `enabled = false`)."
  value       = one(gxp_qualification.this[*].status)
}

output "report_location" {
  description = "Where the last report is filed, `s3://BUCKET/KEY` (null when `enabled = false`)."
  value       = one(gxp_qualification.this[*].report_location)
}

output "requirements" {
  description = "The requirements of this specification (`id`, `text`, `controls`, `severity`), for composition into a combined specification."
  value       = local.requirements
}

output "expected_resources" {
  description = "The expected resources of this specification (`key`, `type`, `identifier`, `checks`, `check_parameters`, `properties`, `requirements`), for composition into a combined specification."
  value       = local.expected_resources
}

output "expected_account" {
  description = "The expectations on the account (`checks`, `check_parameters`, `requirements`) of this specification, for composition into a combined specification."
  value       = local.expected_account
}
