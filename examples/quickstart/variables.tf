# Inputs of the quickstart. The defaults name the small landing zone that `make demo`
# creates in the local AWS emulator (scripts/demo_landing_zone.py); pass your own
# identifiers (-var or a .tfvars file) to qualify a landing zone in your account.

variable "application_id" {
  description = "Application id of the system, as carried by the `Application` tag of its resources."
  type        = string
  default     = "landing-zone"
}

variable "environment" {
  description = "Environment the specification covers."
  type        = string
  default     = "validation"
}

variable "evidence_bucket" {
  description = "S3 bucket that receives qualification evidence (versioning and Object Lock required)."
  type        = string
  default     = "lz-evidence"
}

variable "records_bucket" {
  description = "S3 bucket holding GxP records."
  type        = string
  default     = "lz-records"
}

variable "trail_name" {
  description = "Name of the multi-region CloudTrail trail."
  type        = string
  default     = "lz-audit-trail"
}

variable "kms_key" {
  description = "KMS key (id, ARN or alias) that encrypts records, evidence and the trail."
  type        = string
  default     = "alias/lz-records"
}

variable "stack_name" {
  description = "CloudFormation stack of the landing zone core."
  type        = string
  default     = "lz-core"
}
