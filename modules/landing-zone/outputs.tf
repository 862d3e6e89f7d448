output "evidence_store" {
  description = "The landing zone's evidence store (`s3_bucket`, `s3_prefix`, `kms_key_id`), for workloads' qualifications or the gxp provider's `evidence_store`."
  value       = module.evidence_store.evidence_store
}

output "evidence_bucket_arn" {
  description = "ARN of the evidence bucket."
  value       = module.evidence_store.bucket_arn
}

output "trail_arn" {
  description = "ARN of the multi-region CloudTrail trail."
  value       = module.audit_trail.trail_arn
}

output "trail_log_group_name" {
  description = "Name of the CloudWatch Logs group that receives the trail's events."
  value       = module.audit_trail.log_group_name
}

output "config_recorder_name" {
  description = "Name of the AWS Config recorder."
  value       = module.config_baseline.recorder_name
}

output "config_rule_names" {
  description = "Names of the AWS Config managed rules, keyed by their AWS source identifier."
  value       = module.config_baseline.config_rule_names
}

output "vpc_id" {
  description = "Id of the landing zone's VPC."
  value       = module.network_baseline.vpc_id
}

output "private_subnet_ids" {
  description = "Ids of the private subnets."
  value       = module.network_baseline.private_subnet_ids
}

output "endpoint_security_group_id" {
  description = "Id of the security group of the interface endpoints."
  value       = module.network_baseline.endpoint_security_group_id
}

output "spec_id" {
  description = "`id` of the landing zone's `gxp_expected_spec`."
  value       = module.qualification.spec_id
}

output "spec_digest" {
  description = "Digest of the landing zone's approved specification."
  value       = module.qualification.spec_digest
}

output "qualification_id" {
  description = "`id` of the landing zone's `gxp_qualification`."
  value       = module.qualification.qualification_id
}

output "qualification_status" {
  description = "Result of the last qualification: `passed`, `failed` or `error`."
  value       = module.qualification.qualification_status
}

output "report_location" {
  description = "Where the last qualification report is filed (`s3://BUCKET/KEY`)."
  value       = module.qualification.report_location
}

output "requirement_ids" {
  description = "Ids of the requirements of the landing zone's specification (EVD-*, AUD-*, CFG-*, NET-*)."
  value       = [for r in module.qualification.requirements : r.id]
}
