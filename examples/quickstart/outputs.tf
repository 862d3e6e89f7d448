output "spec_name" {
  description = "Name of the applied specification."
  value       = gxp_expected_spec.landing_zone.name
}

output "spec_digest" {
  description = "SHA-256 of the specification's canonical JSON form."
  value       = gxp_expected_spec.landing_zone.digest
}

output "spec_revision" {
  description = "Revision of the specification (increments when the digest changes)."
  value       = gxp_expected_spec.landing_zone.revision
}

output "qualification_status" {
  description = "Result of the last qualification: passed, failed or error."
  value       = gxp_qualification.landing_zone.status
}

output "qualification_counts" {
  description = "Result counts of the last qualification."
  value = {
    total      = gxp_qualification.landing_zone.total_count
    passed     = gxp_qualification.landing_zone.passed_count
    failed     = gxp_qualification.landing_zone.failed_count
    error      = gxp_qualification.landing_zone.error_count
    suppressed = gxp_qualification.landing_zone.suppressed_count
  }
}

output "report_location" {
  description = "Where the qualification report is filed."
  value       = gxp_qualification.landing_zone.report_location
}

output "report_sha256" {
  description = "SHA-256 of the filed report."
  value       = gxp_qualification.landing_zone.report_sha256
}
