output "bucket_name" {
  description = "Name of the record bucket (known at plan)."
  value       = aws_s3_bucket.this.bucket
}

output "bucket_arn" {
  description = "ARN of the record bucket."
  value       = aws_s3_bucket.this.arn
}

output "access_log_bucket_name" {
  description = "Name of the access-log bucket (known at plan)."
  value       = aws_s3_bucket.access_logs.bucket
}

output "access_log_bucket_arn" {
  description = "ARN of the access-log bucket."
  value       = aws_s3_bucket.access_logs.arn
}

output "object_lock_retention_days" {
  description = "Object Lock default retention of the record bucket in days (COMPLIANCE mode), as configured; null without Object Lock."
  value = one(flatten([
    for c in aws_s3_bucket_object_lock_configuration.this : [
      for rule in c.rule : [for r in rule.default_retention : r.days if r.mode == "COMPLIANCE"]
    ]
  ]))
}

output "kms_key_arn" {
  description = "KMS key of the record bucket's default encryption, as configured."
  value = one(flatten([
    for rule in aws_s3_bucket_server_side_encryption_configuration.this.rule : [
      for d in rule.apply_server_side_encryption_by_default : d.kms_master_key_id if d.sse_algorithm == "aws:kms"
    ]
  ]))
}

output "protected" {
  description = "True once every protection of both buckets is in place (versioning, Object Lock, encryption, public access block, policies, logging, lifecycle): depend on it, or on the module, before writing records."
  value       = true

  depends_on = [
    aws_s3_bucket_ownership_controls.this,
    aws_s3_bucket_versioning.this,
    aws_s3_bucket_object_lock_configuration.this,
    aws_s3_bucket_server_side_encryption_configuration.this,
    aws_s3_bucket_public_access_block.this,
    aws_s3_bucket_policy.this,
    aws_s3_bucket_logging.this,
    aws_s3_bucket_ownership_controls.access_logs,
    aws_s3_bucket_versioning.access_logs,
    aws_s3_bucket_server_side_encryption_configuration.access_logs,
    aws_s3_bucket_public_access_block.access_logs,
    aws_s3_bucket_policy.access_logs,
    aws_s3_bucket_lifecycle_configuration.this,
  ]
}
