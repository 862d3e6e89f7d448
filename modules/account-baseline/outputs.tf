output "password_policy" {
  description = "The account password policy applied (the `password_policy` input with its defaults)."
  value       = var.password_policy
}

output "ebs_kms_key_arn" {
  description = "ARN of the KMS key that encrypts new EBS volumes and snapshots by default."
  value       = aws_kms_key.ebs.arn
}

output "guardduty_detector_id" {
  description = "Id of the GuardDuty detector."
  value       = aws_guardduty_detector.this.id
}

output "securityhub_standards_arns" {
  description = "ARNs of the subscribed Security Hub standards, keyed by `NAME/v/VERSION`."
  value       = { for k, s in aws_securityhub_standards_subscription.this : k => s.standards_arn }
}

output "access_analyzer_arn" {
  description = "ARN of the IAM Access Analyzer."
  value       = aws_accessanalyzer_analyzer.this.arn
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

output "qualification_expected_account" {
  description = "Expectations on the account (`checks`, `check_parameters`, `requirements`) of this module's specification, for a combined specification (landing-zone)."
  value       = module.qualification.expected_account
}
