# Inputs of the quickstart. The defaults describe a landing zone in the local AWS
# emulator started by `make demo`; pass real identifiers (-var or a .tfvars file) to
# describe your own account.

variable "region" {
  description = "AWS region of the landing zone."
  type        = string
  default     = "us-east-1"
}

variable "application_id" {
  description = "Application id of the system, as carried by the `Application` tag of its resources."
  type        = string
  default     = "landing-zone"
}

variable "environment" {
  description = "Environment the specification covers."
  type        = string
  default     = "prod"
}

variable "evidence_bucket_name" {
  description = "Name of the S3 bucket that archives audit logs and qualification evidence."
  type        = string
  default     = "gxp-lz-evidence-123456789012"
}

variable "trail_name" {
  description = "Name (or ARN) of the organisation's multi-region CloudTrail trail."
  type        = string
  default     = "gxp-lz-audit-trail"
}

variable "kms_key_arn" {
  description = "ARN of the customer-managed KMS key that encrypts the trail and the evidence bucket."
  type        = string
  default     = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
}

variable "stack_name" {
  description = "Name of the CloudFormation stack that deploys the landing zone."
  type        = string
  default     = "gxp-landing-zone"
}
