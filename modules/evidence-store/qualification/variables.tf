# ---------------------------------------------------------------- qualified resources

variable "evidence_bucket_name" {
  description = "Name of the evidence bucket (`aws_s3_bucket.evidence.id`)."
  type        = string
}

variable "evidence_kms_key_arn" {
  description = "ARN of the KMS key that encrypts the evidence bucket (`aws_kms_key.evidence.arn`)."
  type        = string
}

variable "access_log_bucket_name" {
  description = "Name of the bucket that receives the evidence bucket's server access logs (`aws_s3_bucket.access_logs.id`)."
  type        = string
}

variable "retention_days" {
  description = "Minimum Object Lock default retention, in days, the evidence bucket must keep (COMPLIANCE mode)."
  type        = number

  validation {
    condition     = var.retention_days >= 1 && floor(var.retention_days) == var.retention_days
    error_message = "retention_days must be a whole number >= 1."
  }
}

# ---------------------------------------------------------------- specification and run

variable "enabled" {
  description = "Declare the `gxp_expected_spec` and `gxp_qualification`. With `false` the module only returns its `requirements` and `expected_resources`, for a composing module that files one combined specification."
  type        = bool
  default     = true
}

variable "name" {
  description = "Name of the specification and of the qualification (its report chain), e.g. `lims-prod-evidence-store`."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9][A-Za-z0-9_.:/-]*$", var.name))
    error_message = "name must start with a letter or digit and contain no spaces."
  }
}

variable "spec_version" {
  description = "Document version of the specification (e.g. `1.0`); raise it with every approved change."
  type        = string
  default     = "1.0"

  validation {
    condition     = length(trimspace(var.spec_version)) > 0
    error_message = "spec_version must not be empty."
  }
}

variable "application_id" {
  description = "Application id of the system the specification covers (the `Application` tag of its resources)."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9][A-Za-z0-9_.:/-]*$", var.application_id))
    error_message = "application_id must start with a letter or digit and contain no spaces."
  }
}

variable "environment" {
  description = "Environment name (e.g. `prod`, `validation`)."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9][A-Za-z0-9_.:/-]*$", var.environment))
    error_message = "environment must start with a letter or digit and contain no spaces."
  }
}

variable "risk_class" {
  description = "Risk class of the system from its risk assessment: `low`, `medium` or `high`."
  type        = string
  default     = "high"

  validation {
    condition     = contains(["low", "medium", "high"], var.risk_class)
    error_message = "risk_class must be low, medium or high."
  }
}

variable "approval" {
  description = "Approval of the specification: `approved_by`, `approved_at` (RFC 3339 or YYYY-MM-DD, not in the future), `change_reference`, optional `reason`. Required when `enabled`."
  type = object({
    approved_by      = string
    approved_at      = string
    change_reference = string
    reason           = optional(string)
  })
  default = null

  validation {
    condition = var.approval == null || try(
      length(trimspace(var.approval.approved_by)) > 0 &&
      length(trimspace(var.approval.change_reference)) > 0 &&
      can(regex("^[0-9]{4}-[0-9]{2}-[0-9]{2}", var.approval.approved_at)),
      false
    )
    error_message = "approval needs a non-empty approved_by and change_reference and an approved_at date (YYYY-MM-DD or RFC 3339)."
  }
}

variable "evidence_store" {
  description = "Where the qualification files its reports: `s3_bucket` (versioned, Object Lock), optional `s3_prefix` and `kms_key_id`. Default: the provider's `evidence_store`."
  type = object({
    s3_bucket  = string
    s3_prefix  = optional(string)
    kms_key_id = optional(string)
  })
  default = null
}

variable "requalify_after" {
  description = "Periodic review interval (Annex 11 §11), e.g. `90d`, `12w`, `2160h`."
  type        = string
  default     = "90d"

  validation {
    condition     = can(regex("^([0-9]+[wdhms])+$", var.requalify_after))
    error_message = "requalify_after must be a duration such as 90d, 12w or 2160h."
  }
}

variable "enforce" {
  description = "Fail the apply when a check fails or cannot be evaluated. The report is filed either way."
  type        = bool
  default     = true
}

variable "configuration_commit" {
  description = "Commit of the configuration being applied (e.g. from CI), recorded in every report."
  type        = string
  default     = null
}
