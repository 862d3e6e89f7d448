# ---------------------------------------------------------------- IAM password policy

variable "password_policy" {
  description = "The account password policy: `minimum_length` (14-128), required character classes (`require_symbols`, `require_numbers`, `require_uppercase`, `require_lowercase`), `reuse_prevention` (1-24 previous passwords), `max_age_days` (1-1095) and `hard_expiry` (an expired password can only be reset by an administrator). The qualification checks the same values (`iam.password_policy`)."
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
    condition     = var.password_policy.minimum_length >= 14 && var.password_policy.minimum_length <= 128 && floor(var.password_policy.minimum_length) == var.password_policy.minimum_length
    error_message = "password_policy.minimum_length must be a whole number between 14 and 128."
  }

  validation {
    condition     = var.password_policy.reuse_prevention >= 1 && var.password_policy.reuse_prevention <= 24 && floor(var.password_policy.reuse_prevention) == var.password_policy.reuse_prevention
    error_message = "password_policy.reuse_prevention must be a whole number between 1 and 24."
  }

  validation {
    condition     = var.password_policy.max_age_days >= 1 && var.password_policy.max_age_days <= 1095 && floor(var.password_policy.max_age_days) == var.password_policy.max_age_days
    error_message = "password_policy.max_age_days must be a whole number between 1 and 1095."
  }
}

# ---------------------------------------------------------------- IAM credentials (qualified)

variable "access_key_max_age_days" {
  description = "Maximum age, in days, of an active IAM access key (`iam.access_keys_rotated`)."
  type        = number
  default     = 90

  validation {
    condition     = var.access_key_max_age_days >= 1 && var.access_key_max_age_days <= 3650 && floor(var.access_key_max_age_days) == var.access_key_max_age_days
    error_message = "access_key_max_age_days must be a whole number between 1 and 3650."
  }
}

variable "credential_max_days_unused" {
  description = "Maximum days an IAM console password or active access key may go unused (`iam.unused_credentials`)."
  type        = number
  default     = 45

  validation {
    condition     = var.credential_max_days_unused >= 1 && var.credential_max_days_unused <= 3650 && floor(var.credential_max_days_unused) == var.credential_max_days_unused
    error_message = "credential_max_days_unused must be a whole number between 1 and 3650."
  }
}

variable "root_hardware_mfa" {
  description = "Require a hardware MFA device on the root user (`iam.root_mfa` with `hardware = true`); `false` accepts any MFA device."
  type        = bool
  default     = false
}

variable "organization_member_required" {
  description = "Require the account to be a member of an AWS Organization (`organizations.account_member`). The module does not create the organization."
  type        = bool
  default     = false
}

# ---------------------------------------------------------------- EBS

variable "kms_deletion_window_days" {
  description = "Waiting period, in days, before the EBS default KMS key is deleted after a destroy (7-30)."
  type        = number
  default     = 30

  validation {
    condition     = var.kms_deletion_window_days >= 7 && var.kms_deletion_window_days <= 30 && floor(var.kms_deletion_window_days) == var.kms_deletion_window_days
    error_message = "kms_deletion_window_days must be a whole number between 7 and 30."
  }
}

# ---------------------------------------------------------------- GuardDuty

variable "guardduty_finding_publishing_frequency" {
  description = "How often GuardDuty publishes updated findings: FIFTEEN_MINUTES, ONE_HOUR or SIX_HOURS."
  type        = string
  default     = "FIFTEEN_MINUTES"

  validation {
    condition     = contains(["FIFTEEN_MINUTES", "ONE_HOUR", "SIX_HOURS"], var.guardduty_finding_publishing_frequency)
    error_message = "guardduty_finding_publishing_frequency must be FIFTEEN_MINUTES, ONE_HOUR or SIX_HOURS."
  }
}

variable "guardduty_features" {
  description = "GuardDuty protection features enabled on the detector (besides the foundational CloudTrail, VPC flow log and DNS sources), e.g. `S3_DATA_EVENTS`, `EBS_MALWARE_PROTECTION`, `RDS_LOGIN_EVENTS`."
  type        = set(string)
  default     = ["S3_DATA_EVENTS", "EBS_MALWARE_PROTECTION", "RDS_LOGIN_EVENTS"]

  validation {
    condition = alltrue([
      for f in var.guardduty_features : contains(["S3_DATA_EVENTS", "EKS_AUDIT_LOGS", "EBS_MALWARE_PROTECTION", "RDS_LOGIN_EVENTS", "EKS_RUNTIME_MONITORING", "LAMBDA_NETWORK_LOGS", "RUNTIME_MONITORING"], f)
    ])
    error_message = "guardduty_features must be GuardDuty detector features: S3_DATA_EVENTS, EKS_AUDIT_LOGS, EBS_MALWARE_PROTECTION, RDS_LOGIN_EVENTS, EKS_RUNTIME_MONITORING, LAMBDA_NETWORK_LOGS or RUNTIME_MONITORING."
  }
}

# ---------------------------------------------------------------- Security Hub

variable "securityhub_standards" {
  description = "Security Hub standards subscribed, as `NAME/v/VERSION` after `standards/` in the standard's ARN (`arn:PARTITION:securityhub:REGION::standards/NAME/v/VERSION`). At least one."
  type        = list(string)
  default     = ["aws-foundational-security-best-practices/v/1.0.0", "cis-aws-foundations-benchmark/v/1.4.0"]

  validation {
    condition     = length(var.securityhub_standards) >= 1 && alltrue([for s in var.securityhub_standards : can(regex("^[a-z0-9][a-z0-9-]*/v/[0-9]+(\\.[0-9]+)*$", s))])
    error_message = "securityhub_standards must list at least one standard as NAME/v/VERSION, e.g. aws-foundational-security-best-practices/v/1.0.0."
  }
}

# ---------------------------------------------------------------- IAM Access Analyzer

variable "access_analyzer_name" {
  description = "Name of the IAM Access Analyzer."
  type        = string
  default     = "gxp-account-analyzer"

  validation {
    condition     = can(regex("^[A-Za-z][A-Za-z0-9_.-]{0,254}$", var.access_analyzer_name))
    error_message = "access_analyzer_name must start with a letter and contain only letters, digits, periods, underscores and hyphens (at most 255 characters)."
  }
}

variable "access_analyzer_type" {
  description = "Zone of trust of the IAM Access Analyzer: `ACCOUNT`, or `ORGANIZATION` (only in the organization's management or delegated administrator account)."
  type        = string
  default     = "ACCOUNT"

  validation {
    condition     = contains(["ACCOUNT", "ORGANIZATION"], var.access_analyzer_type)
    error_message = "access_analyzer_type must be ACCOUNT or ORGANIZATION."
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
  description = "Declare this module's own `gxp_expected_spec` and `gxp_qualification`. A composing module (landing-zone) sets `false` and files one combined specification built from the `qualification_requirements`, `qualification_expected_resources` and `qualification_expected_account` outputs."
  type        = bool
  default     = true
}

variable "qualification_name" {
  description = "Name of the specification and of the qualification (its report chain). Default: `<application_id>-<environment>-account-baseline`."
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
