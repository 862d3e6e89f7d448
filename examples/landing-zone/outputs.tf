output "evidence_store" {
  description = "The landing zone's evidence store, for the qualifications of workloads built on it."
  value       = module.landing_zone.evidence_store
}

output "trail_arn" {
  description = "ARN of the multi-region CloudTrail trail."
  value       = module.landing_zone.trail_arn
}

output "vpc_id" {
  description = "Id of the landing zone's VPC."
  value       = module.landing_zone.vpc_id
}

output "private_subnet_ids" {
  description = "Ids of the private subnets."
  value       = module.landing_zone.private_subnet_ids
}

output "spec_digest" {
  description = "Digest of the approved specification the landing zone was qualified against."
  value       = module.landing_zone.spec_digest
}

output "qualification_status" {
  description = "Result of the last qualification: passed, failed or error."
  value       = module.landing_zone.qualification_status
}

output "report_location" {
  description = "Where the last qualification report is filed."
  value       = module.landing_zone.report_location
}

output "requirement_ids" {
  description = "Requirements of the landing zone's specification."
  value       = module.landing_zone.requirement_ids
}
