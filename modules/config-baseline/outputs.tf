output "recorder_name" {
  description = "Name of the AWS Config configuration recorder."
  value       = aws_config_configuration_recorder.this.name
}

output "delivery_channel_name" {
  description = "Name of the AWS Config delivery channel."
  value       = aws_config_delivery_channel.this.name
}

output "recorder_role_arn" {
  description = "ARN of the IAM role the recorder uses."
  value       = aws_iam_role.config.arn
}

output "bucket_name" {
  description = "Name of the bucket that receives configuration history and snapshots."
  value       = module.bucket.bucket_name
}

output "bucket_arn" {
  description = "ARN of the Config bucket."
  value       = module.bucket.bucket_arn
}

output "access_log_bucket_name" {
  description = "Name of the bucket that receives the Config bucket's server access logs."
  value       = module.bucket.access_log_bucket_name
}

output "kms_key_arn" {
  description = "ARN of the KMS key that encrypts the Config bucket and delivered files."
  value       = aws_kms_key.config.arn
}

output "config_rule_names" {
  description = "Names of the AWS Config managed rules, keyed by their AWS source identifier."
  value       = { for id, rule in aws_config_config_rule.managed : id => rule.name }
}

output "spec_id" {
  description = "`id` of this module's `gxp_expected_spec` (null when `qualification_enabled = false`)."
  value       = module.qualification.spec_id
}

output "spec_digest" {
  description = "Digest of this module's specification (null when `qualification_enabled = false`)."
  value       = module.qualification.spec_digest
}

output "qualification_id" {
  description = "`id` of this module's `gxp_qualification` (null when `qualification_enabled = false`)."
  value       = module.qualification.qualification_id
}

output "qualification_status" {
  description = "Result of the last qualification: `passed`, `failed` or `error` (null when `qualification_enabled = false`)."
  value       = module.qualification.qualification_status
}

output "report_location" {
  description = "Where the last qualification report is filed (null when `qualification_enabled = false`)."
  value       = module.qualification.report_location
}

output "qualification_requirements" {
  description = "Requirements of this module's specification, for a combined specification (landing-zone)."
  value       = module.qualification.requirements
}

output "qualification_expected_resources" {
  description = "Expected resources of this module's specification, for a combined specification (landing-zone)."
  value       = module.qualification.expected_resources
}
