output "spec_name" {
  description = "Name (and id) of the approved specification."
  value       = gxp_expected_spec.landing_zone.id
}

output "spec_digest" {
  description = "SHA-256 of the canonical specification: quote it in the qualification protocol."
  value       = gxp_expected_spec.landing_zone.digest
}

output "spec_revision" {
  description = "Revision of the specification: 1 at creation, +1 on every change of the digest."
  value       = gxp_expected_spec.landing_zone.revision
}
