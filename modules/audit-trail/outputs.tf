output "trail_name" {
  description = "Name of the CloudTrail trail."
  value       = aws_cloudtrail.this.name
}

output "trail_arn" {
  description = "ARN of the CloudTrail trail."
  value       = aws_cloudtrail.this.arn
}

output "bucket_name" {
  description = "Name of the bucket that receives the trail's log files."
  value       = module.bucket.bucket_name
}

output "bucket_arn" {
  description = "ARN of the trail bucket."
  value       = module.bucket.bucket_arn
}

output "access_log_bucket_name" {
  description = "Name of the bucket that receives the trail bucket's server access logs."
  value       = module.bucket.access_log_bucket_name
}

output "kms_key_arn" {
  description = "ARN of the KMS key that encrypts the trail's log files, bucket and log group."
  value       = aws_kms_key.trail.arn
}

output "log_group_name" {
  description = "Name of the CloudWatch Logs group that receives the trail's events."
  value       = aws_cloudwatch_log_group.trail.name
}

output "log_group_arn" {
  description = "ARN of the trail's CloudWatch Logs group."
  value       = aws_cloudwatch_log_group.trail.arn
}

output "cloudwatch_logs_role_arn" {
  description = "ARN of the IAM role CloudTrail assumes to deliver events to CloudWatch Logs."
  value       = aws_iam_role.cloudtrail_logs.arn
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
