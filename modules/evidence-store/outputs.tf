output "bucket_name" {
  description = "Name of the evidence bucket."
  value       = module.bucket.bucket_name
}

output "bucket_arn" {
  description = "ARN of the evidence bucket."
  value       = module.bucket.bucket_arn
}

output "kms_key_arn" {
  description = "ARN of the KMS key that encrypts the evidence bucket."
  value       = aws_kms_key.evidence.arn
}

output "kms_key_id" {
  description = "Key id of the KMS key that encrypts the evidence bucket."
  value       = aws_kms_key.evidence.key_id
}

output "kms_alias_name" {
  description = "Alias of the evidence KMS key (`alias/<bucket_name>` with dots replaced by hyphens)."
  value       = aws_kms_alias.evidence.name
}

output "access_log_bucket_name" {
  description = "Name of the bucket that receives the evidence bucket's server access logs."
  value       = module.bucket.access_log_bucket_name
}

output "access_log_bucket_arn" {
  description = "ARN of the access-log bucket."
  value       = module.bucket.access_log_bucket_arn
}

output "evidence_store" {
  description = "The store as the gxp provider's `evidence_store` block expects it (`s3_bucket`, `s3_prefix`, `kms_key_id`); pass it to other modules' qualifications or the provider."
  value = {
    s3_bucket  = module.bucket.bucket_name
    s3_prefix  = var.report_prefix
    kms_key_id = aws_kms_key.evidence.arn
  }

  depends_on = [module.bucket]
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
