# ---------------------------------------------------------------- specification content

variable "requirements" {
  description = "Requirements of the combined specification (`id`, `text`, `controls`, `severity`): the `requirements` outputs of the evidence-store, audit-trail, config-baseline, network-baseline and account-baseline qualification submodules."
  type = list(object({
    id       = string
    text     = string
    controls = list(string)
    severity = optional(string, "functional")
  }))

  validation {
    condition     = length(var.requirements) > 0
    error_message = "requirements must not be empty."
  }

  validation {
    condition     = length(distinct([for r in var.requirements : r.id])) == length(var.requirements)
    error_message = "requirements ids must be unique."
  }
}

variable "expected_resources" {
  description = "Expected resources of the combined specification (`key`, `type`, `identifier`, `checks`, `check_parameters`, `properties`, `requirements`): the `expected_resources` outputs of the five modules' qualification submodules."
  type = list(object({
    key              = string
    type             = string
    identifier       = string
    checks           = optional(list(string), [])
    check_parameters = optional(map(string), {})
    properties       = optional(string)
    requirements     = optional(list(string), [])
  }))

  validation {
    condition     = length(var.expected_resources) > 0
    error_message = "expected_resources must not be empty."
  }

  validation {
    condition     = length(distinct([for r in var.expected_resources : r.key])) == length(var.expected_resources)
    error_message = "expected_resources keys must be unique."
  }
}

variable "expected_account" {
  description = "Expectations on the account and region of the combined specification (`checks`, `check_parameters`, `requirements`): the `expected_account` output of the account-baseline qualification submodule. Null declares no `expected_account` block."
  type = object({
    checks           = optional(list(string), [])
    check_parameters = optional(map(string), {})
    requirements     = optional(list(string), [])
  })
  default = null
}

# ---------------------------------------------------------------- specification and run

variable "name" {
  description = "Name of the specification and of the qualification (its report chain), e.g. `lims-prod-landing-zone`."
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
  description = "Approval of the specification: `approved_by`, `approved_at` (RFC 3339 or YYYY-MM-DD, not in the future), `change_reference`, optional `reason`."
  type = object({
    approved_by      = string
    approved_at      = string
    change_reference = string
    reason           = optional(string)
  })

  validation {
    condition = (
      length(trimspace(var.approval.approved_by)) > 0 &&
      length(trimspace(var.approval.change_reference)) > 0 &&
      can(regex("^[0-9]{4}-[0-9]{2}-[0-9]{2}", var.approval.approved_at))
    )
    error_message = "approval needs a non-empty approved_by and change_reference and an approved_at date (YYYY-MM-DD or RFC 3339)."
  }
}

variable "evidence_store" {
  description = "Where the qualification files its reports: `s3_bucket` (versioned, Object Lock), optional `s3_prefix` and `kms_key_id` (the evidence-store module's `evidence_store` output)."
  type = object({
    s3_bucket  = string
    s3_prefix  = optional(string)
    kms_key_id = optional(string)
  })
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
