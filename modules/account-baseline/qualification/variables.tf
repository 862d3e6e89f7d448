# ---------------------------------------------------------------- qualified account settings

variable "password_policy" {
  description = "The account password policy the parent module applies (`minimum_length`, `require_symbols`, `require_numbers`, `require_uppercase`, `require_lowercase`, `reuse_prevention`, `max_age_days`, `hard_expiry`); `iam.password_policy` checks these values."
  type = object({
    minimum_length    = optional(number, 14)
    require_symbols   = optional(bool, true)
    require_numbers   = optional(bool, true)
    require_uppercase = optional(bool, true)
    require_lowercase = optional(bool, true)
    reuse_prevention  = optional(number, 24)
    max_age_days      = optional(number, 90)
    hard_expiry       = optional(bool, false)
  })
  default = {}

  validation {
    condition     = var.password_policy.minimum_length >= 6 && var.password_policy.minimum_length <= 128 && floor(var.password_policy.minimum_length) == var.password_policy.minimum_length
    error_message = "password_policy.minimum_length must be a whole number between 6 and 128."
  }

  validation {
    condition     = var.password_policy.reuse_prevention >= 0 && var.password_policy.reuse_prevention <= 24 && floor(var.password_policy.reuse_prevention) == var.password_policy.reuse_prevention
    error_message = "password_policy.reuse_prevention must be a whole number between 0 (not checked) and 24."
  }

  validation {
    condition     = var.password_policy.max_age_days >= 0 && var.password_policy.max_age_days <= 1095 && floor(var.password_policy.max_age_days) == var.password_policy.max_age_days
    error_message = "password_policy.max_age_days must be a whole number between 0 (not checked) and 1095."
  }
}

variable "access_key_max_age_days" {
  description = "Maximum age, in days, of an active IAM access key (`iam.access_keys_rotated`)."
  type        = number
  default     = 90
}

variable "credential_max_days_unused" {
  description = "Maximum days an IAM console password or active access key may go unused (`iam.unused_credentials`)."
  type        = number
  default     = 45
}

variable "root_hardware_mfa" {
  description = "Require a hardware MFA device on the root user (`iam.root_mfa` with `hardware = true`)."
  type        = bool
  default     = false
}

variable "organization_member_required" {
  description = "Also check that the account is a member of an AWS Organization (`organizations.account_member`)."
  type        = bool
  default     = false
}

variable "ebs_kms_key_arn" {
  description = "ARN of the KMS key EBS encrypts new volumes with by default (`aws_kms_key.ebs.arn`); `ec2.ebs_default_encryption` expects it as the default key."
  type        = string
}

# ---------------------------------------------------------------- specification and run

variable "enabled" {
  description = "Declare the `gxp_expected_spec` and `gxp_qualification`. With `false` the module only returns its `requirements`, `expected_resources` and `expected_account`, for a composing module that files one combined specification."
  type        = bool
  default     = true
}

variable "name" {
  description = "Name of the specification and of the qualification (its report chain), e.g. `lims-prod-config-baseline`."
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
