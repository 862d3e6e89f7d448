# ---------------------------------------------------------------- trail

variable "trail_name" {
  description = "Name of the CloudTrail trail."
  type        = string
  default     = "gxp-audit-trail"

  validation {
    condition     = can(regex("^[A-Za-z0-9][A-Za-z0-9._-]{2,127}$", var.trail_name))
    error_message = "trail_name must be 3-128 characters: letters, digits, periods, underscores and hyphens, starting with a letter or digit."
  }
}

variable "bucket_name" {
  description = "Name of the bucket that receives the trail's log files (3-51 characters, so that the default access-log bucket name `<bucket_name>-access-logs` fits)."
  type        = string

  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9.-]{1,49}[a-z0-9]$", var.bucket_name)) && !can(regex("\\.\\.", var.bucket_name))
    error_message = "bucket_name must be 3-51 characters of lowercase letters, digits, hyphens and single dots, starting and ending with a letter or digit."
  }
}

variable "access_log_bucket_name" {
  description = "Name of the S3 server access-log bucket the module creates for the trail bucket. Default: `<bucket_name>-access-logs`."
  type        = string
  default     = null

  validation {
    condition     = var.access_log_bucket_name == null || (can(regex("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", var.access_log_bucket_name)) && !can(regex("\\.\\.", var.access_log_bucket_name)))
    error_message = "access_log_bucket_name must be a valid S3 bucket name (3-63 characters, lowercase letters, digits, hyphens, single dots)."
  }
}

variable "trail_retention_days" {
  description = "Object Lock default retention, in days, of the trail's log files in COMPLIANCE mode: they cannot be altered or deleted by anyone before it expires."
  type        = number

  validation {
    condition     = var.trail_retention_days >= 1 && var.trail_retention_days <= 36500 && floor(var.trail_retention_days) == var.trail_retention_days
    error_message = "trail_retention_days must be a whole number of days between 1 and 36500."
  }
}

variable "gxp_bucket_arns" {
  description = "ARNs of the GxP buckets whose object-level reads and writes the trail records as S3 data events (each also gets its own `cloudtrail.s3_data_events` expectation)."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for arn in var.gxp_bucket_arns : can(regex("^arn:aws[a-z-]*:s3:::[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", arn))])
    error_message = "gxp_bucket_arns must be S3 bucket ARNs such as arn:aws:s3:::lims-records."
  }

  validation {
    condition     = length(distinct(var.gxp_bucket_arns)) == length(var.gxp_bucket_arns)
    error_message = "gxp_bucket_arns must not contain duplicates."
  }
}

variable "log_group_name" {
  description = "Name of the CloudWatch Logs group that receives the trail's events. Default: `/aws/cloudtrail/<trail_name>`."
  type        = string
  default     = null

  validation {
    condition     = var.log_group_name == null || can(regex("^[A-Za-z0-9_./#-]{1,512}$", var.log_group_name))
    error_message = "log_group_name must be 1-512 characters: letters, digits, '_', '-', '/', '.', '#'."
  }
}

variable "log_retention_days" {
  description = "Retention of the trail's CloudWatch Logs group, in days: one of CloudWatch's allowed values, at least 365."
  type        = number
  default     = 365

  validation {
    condition     = contains([365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.log_retention_days)
    error_message = "log_retention_days must be a CloudWatch Logs retention value of at least 365: 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288 or 3653."
  }
}

variable "archive_tiers" {
  description = "Lifecycle transitions of the trail and access-log buckets to archive storage: current versions to GLACIER after `glacier_after_days` and DEEP_ARCHIVE after `deep_archive_after_days`; noncurrent versions after `noncurrent_glacier_after_days` and `noncurrent_deep_archive_after_days`. Nothing is expired."
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
  description = "Waiting period, in days, before the trail KMS key is deleted after a destroy (7-30)."
  type        = number
  default     = 30

  validation {
    condition     = var.kms_deletion_window_days >= 7 && var.kms_deletion_window_days <= 30 && floor(var.kms_deletion_window_days) == var.kms_deletion_window_days
    error_message = "kms_deletion_window_days must be a whole number between 7 and 30."
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
  description = "Name of the specification and of the qualification (its report chain). Default: `<application_id>-<environment>-audit-trail`."
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
  description = "Where this module's qualification files its reports (`s3_bucket` with versioning and Object Lock, optional `s3_prefix`, `kms_key_id`), e.g. the `evidence_store` output of the evidence-store module. Default: the gxp provider's `evidence_store`."
  type = object({
    s3_bucket  = string
    s3_prefix  = optional(string)
    kms_key_id = optional(string)
  })
  default = null
}
