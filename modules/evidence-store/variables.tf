# ---------------------------------------------------------------- storage

variable "bucket_name" {
  description = "Name of the evidence bucket (3-51 characters, lowercase letters, digits, hyphens and dots, so that the default access-log bucket name `<bucket_name>-access-logs` stays within 63 characters)."
  type        = string

  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9.-]{1,49}[a-z0-9]$", var.bucket_name)) && !can(regex("\\.\\.", var.bucket_name))
    error_message = "bucket_name must be 3-51 characters of lowercase letters, digits, hyphens and single dots, starting and ending with a letter or digit."
  }
}

variable "access_log_bucket_name" {
  description = "Name of the S3 server access-log bucket the module creates. Default: `<bucket_name>-access-logs`."
  type        = string
  default     = null

  validation {
    condition     = var.access_log_bucket_name == null || (can(regex("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", var.access_log_bucket_name)) && !can(regex("\\.\\.", var.access_log_bucket_name)))
    error_message = "access_log_bucket_name must be a valid S3 bucket name (3-63 characters, lowercase letters, digits, hyphens, single dots)."
  }
}

variable "retention_days" {
  description = "Object Lock default retention of every report, in days, in COMPLIANCE mode: no user, including the account root, can shorten it or delete a locked version before it expires. Set it from the record retention schedule (e.g. 2557 for 7 years)."
  type        = number

  validation {
    condition     = var.retention_days >= 1 && var.retention_days <= 36500 && floor(var.retention_days) == var.retention_days
    error_message = "retention_days must be a whole number of days between 1 and 36500."
  }
}

variable "archive_tiers" {
  description = "Lifecycle transitions to archive storage: current versions move to GLACIER after `glacier_after_days` and to DEEP_ARCHIVE after `deep_archive_after_days`; noncurrent versions after `noncurrent_glacier_after_days` and `noncurrent_deep_archive_after_days`. Objects are never expired by the lifecycle."
  type = object({
    glacier_after_days                 = optional(number, 90)
    deep_archive_after_days            = optional(number, 365)
    noncurrent_glacier_after_days      = optional(number, 30)
    noncurrent_deep_archive_after_days = optional(number, 180)
  })
  default = {}

  validation {
    condition = alltrue([
      for d in [
        var.archive_tiers.glacier_after_days,
        var.archive_tiers.deep_archive_after_days,
        var.archive_tiers.noncurrent_glacier_after_days,
        var.archive_tiers.noncurrent_deep_archive_after_days,
      ] : d >= 1 && floor(d) == d
    ])
    error_message = "archive_tiers days must be whole numbers >= 1."
  }

  validation {
    condition = (
      var.archive_tiers.deep_archive_after_days > var.archive_tiers.glacier_after_days &&
      var.archive_tiers.noncurrent_deep_archive_after_days > var.archive_tiers.noncurrent_glacier_after_days
    )
    error_message = "archive_tiers: the DEEP_ARCHIVE transition must come after the GLACIER transition."
  }
}

variable "kms_deletion_window_days" {
  description = "Waiting period, in days, before the evidence KMS key is deleted after a destroy (7-30)."
  type        = number
  default     = 30

  validation {
    condition     = var.kms_deletion_window_days >= 7 && var.kms_deletion_window_days <= 30 && floor(var.kms_deletion_window_days) == var.kms_deletion_window_days
    error_message = "kms_deletion_window_days must be a whole number between 7 and 30."
  }
}

variable "report_prefix" {
  description = "Key prefix under which qualification reports are filed in the evidence bucket."
  type        = string
  default     = "gxp-evidence/"

  validation {
    condition     = can(regex("^[A-Za-z0-9!_.*'()/-]+/$", var.report_prefix))
    error_message = "report_prefix must be a non-empty S3 key prefix ending in `/`."
  }
}

# ---------------------------------------------------------------- labels

variable "application_id" {
  description = "Application id recorded in the specification and set as the `Application` tag (tag-based discovery uses it)."
  type        = string
  default     = "landing-zone"

  validation {
    condition     = can(regex("^[A-Za-z0-9][A-Za-z0-9_.:/-]*$", var.application_id))
    error_message = "application_id must start with a letter or digit and contain no spaces."
  }
}

variable "environment" {
  description = "Environment name (e.g. `prod`, `validation`), recorded in the specification and set as the `Environment` tag."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9][A-Za-z0-9_.:/-]*$", var.environment))
    error_message = "environment must start with a letter or digit and contain no spaces."
  }
}

variable "tags" {
  description = "Tags added to every resource (the module adds `Application`, `Environment` and `GxpModule`)."
  type        = map(string)
  default     = {}
}

# ---------------------------------------------------------------- qualification

variable "qualification_enabled" {
  description = "Declare this module's own `gxp_expected_spec` and `gxp_qualification`. A composing module (landing-zone) sets `false` and files one combined specification built from the `qualification_requirements` and `qualification_expected_resources` outputs."
  type        = bool
  default     = true
}

variable "qualification_name" {
  description = "Name of the specification and of the qualification (its report chain). Default: `<application_id>-<environment>-evidence-store`."
  type        = string
  default     = null

  validation {
    condition     = var.qualification_name == null || can(regex("^[A-Za-z0-9][A-Za-z0-9_.:/-]*$", var.qualification_name))
    error_message = "qualification_name must start with a letter or digit and contain no spaces."
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

variable "approval" {
  description = "Approval of the specification: `approved_by`, `approved_at` (RFC 3339 or YYYY-MM-DD, not in the future), `change_reference`, optional `reason`. Required when `qualification_enabled`."
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

variable "risk_class" {
  description = "Risk class of the system from its risk assessment: `low`, `medium` or `high`."
  type        = string
  default     = "high"

  validation {
    condition     = contains(["low", "medium", "high"], var.risk_class)
    error_message = "risk_class must be low, medium or high."
  }
}

variable "requalify_after" {
  description = "Periodic review interval of the qualification (Annex 11 §11), e.g. `90d`, `12w`, `2160h`."
  type        = string
  default     = "90d"

  validation {
    condition     = can(regex("^([0-9]+[wdhms])+$", var.requalify_after))
    error_message = "requalify_after must be a duration such as 90d, 12w or 2160h."
  }
}

variable "enforce_qualification" {
  description = "Fail the apply when a qualification check fails or cannot be evaluated. The report is filed either way."
  type        = bool
  default     = true
}

variable "configuration_commit" {
  description = "Commit of the configuration being applied (e.g. from CI), recorded in every report."
  type        = string
  default     = null
}

variable "qualification_evidence_store" {
  description = "Where this module's qualification files its reports. Default: the evidence bucket this module creates, encrypted with its key, under `report_prefix`."
  type = object({
    s3_bucket  = string
    s3_prefix  = optional(string)
    kms_key_id = optional(string)
  })
  default = null
}
