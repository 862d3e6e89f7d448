# ---------------------------------------------------------------- naming and retention

variable "name_prefix" {
  description = "Prefix of every bucket, trail, recorder and network name (4-32 lowercase letters, digits and hyphens; include an organisation or account id so bucket names are globally unique), e.g. `acme-gxp-prod`."
  type        = string

  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9-]{2,30}[a-z0-9]$", var.name_prefix)) && !can(regex("--", var.name_prefix))
    error_message = "name_prefix must be 4-32 lowercase letters, digits and single hyphens, starting and ending with a letter or digit."
  }
}

variable "record_retention_days" {
  description = "Object Lock COMPLIANCE retention, in days, of qualification reports (evidence bucket) and trail log files (trail bucket). Set it from the record retention schedule (e.g. 2557 for 7 years)."
  type        = number

  validation {
    condition     = var.record_retention_days >= 1 && var.record_retention_days <= 36500 && floor(var.record_retention_days) == var.record_retention_days
    error_message = "record_retention_days must be a whole number of days between 1 and 36500."
  }
}

variable "archive_tiers" {
  description = "Lifecycle transitions of every bucket to archive storage: current versions to GLACIER after `glacier_after_days` and DEEP_ARCHIVE after `deep_archive_after_days`; noncurrent versions after `noncurrent_glacier_after_days` and `noncurrent_deep_archive_after_days`."
  type = object({
    glacier_after_days                 = optional(number, 90)
    deep_archive_after_days            = optional(number, 365)
    noncurrent_glacier_after_days      = optional(number, 30)
    noncurrent_deep_archive_after_days = optional(number, 180)
  })
  default = {}

  validation {
    condition = (
      var.archive_tiers.deep_archive_after_days > var.archive_tiers.glacier_after_days &&
      var.archive_tiers.noncurrent_deep_archive_after_days > var.archive_tiers.noncurrent_glacier_after_days
    )
    error_message = "archive_tiers: the DEEP_ARCHIVE transition must come after the GLACIER transition."
  }
}

# ---------------------------------------------------------------- audit and configuration

variable "log_retention_days" {
  description = "Retention of the trail's CloudWatch Logs group, in days (a CloudWatch value of at least 365); also the minimum the CW_LOGGROUP_RETENTION_PERIOD_CHECK Config rule applies."
  type        = number
  default     = 365

  validation {
    condition     = contains([365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.log_retention_days)
    error_message = "log_retention_days must be 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288 or 3653."
  }
}

variable "gxp_bucket_arns" {
  description = "ARNs of the workloads' GxP buckets whose S3 data events the trail records, in addition to the evidence bucket."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for arn in var.gxp_bucket_arns : can(regex("^arn:aws[a-z-]*:s3:::[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", arn))])
    error_message = "gxp_bucket_arns must be S3 bucket ARNs such as arn:aws:s3:::lims-records."
  }
}

variable "include_global_resource_types" {
  description = "Record global resource types (IAM) with AWS Config. Keep `true` in the home region."
  type        = bool
  default     = true
}

# ---------------------------------------------------------------- account

variable "password_policy" {
  description = "The account password policy: `minimum_length` (14-128), required character classes (`require_symbols`, `require_numbers`, `require_uppercase`, `require_lowercase`), `reuse_prevention` (1-24 previous passwords), `max_age_days` (1-1095) and `hard_expiry` (an expired password can only be reset by an administrator). Applied by the account baseline, required by the config baseline's IAM_PASSWORD_POLICY rule and checked by `iam.password_policy`."
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

variable "organization_member_required" {
  description = "Require the account to be a member of an AWS Organization (`organizations.account_member` and the ACCOUNT_PART_OF_ORGANIZATIONS rule). The landing zone does not create the organization."
  type        = bool
  default     = false
}

variable "securityhub_standards" {
  description = "Security Hub standards subscribed, as `NAME/v/VERSION` after `standards/` in the standard's ARN (`arn:PARTITION:securityhub:REGION::standards/NAME/v/VERSION`). At least one."
  type        = list(string)
  default     = ["aws-foundational-security-best-practices/v/1.0.0", "cis-aws-foundations-benchmark/v/1.4.0"]

  validation {
    condition     = length(var.securityhub_standards) >= 1 && alltrue([for s in var.securityhub_standards : can(regex("^[a-z0-9][a-z0-9-]*/v/[0-9]+(\\.[0-9]+)*$", s))])
    error_message = "securityhub_standards must list at least one standard as NAME/v/VERSION, e.g. aws-foundational-security-best-practices/v/1.0.0."
  }
}

# ---------------------------------------------------------------- network

variable "vpc_cidr" {
  description = "IPv4 CIDR block of the VPC (/16 to /24), e.g. `10.20.0.0/16`."
  type        = string

  validation {
    condition     = can(cidrnetmask(var.vpc_cidr))
    error_message = "vpc_cidr must be an IPv4 CIDR block such as 10.20.0.0/16."
  }
}

variable "private_subnets" {
  description = "Private subnets, one per Availability Zone (`availability_zone`, `cidr_block` inside `vpc_cidr`); at least two."
  type = list(object({
    availability_zone = string
    cidr_block        = string
  }))

  validation {
    condition     = length(var.private_subnets) >= 2
    error_message = "private_subnets needs at least two subnets in distinct Availability Zones."
  }
}

variable "interface_endpoint_services" {
  description = "Services reached through interface VPC endpoints with private DNS; must include `kms`, `logs` and `sts`."
  type        = list(string)
  default     = ["kms", "logs", "sts"]

  validation {
    condition     = alltrue([for s in ["kms", "logs", "sts"] : contains(var.interface_endpoint_services, s)])
    error_message = "interface_endpoint_services must include kms, logs and sts."
  }
}

variable "flow_log_retention_days" {
  description = "Retention of the VPC flow-log group, in days (a CloudWatch value of at least 90)."
  type        = number
  default     = 365

  validation {
    condition     = contains([90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.flow_log_retention_days)
    error_message = "flow_log_retention_days must be a CloudWatch Logs retention value of at least 90."
  }
}

# ---------------------------------------------------------------- labels

variable "application_id" {
  description = "Application id recorded in the specification and set as the `Application` tag of every resource."
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
  description = "Tags added to every resource."
  type        = map(string)
  default     = {}
}

# ---------------------------------------------------------------- qualification

variable "qualification_name" {
  description = "Name of the combined specification and qualification (its report chain). Default: `<application_id>-<environment>-landing-zone`."
  type        = string
  default     = null

  validation {
    condition     = var.qualification_name == null || can(regex("^[A-Za-z0-9][A-Za-z0-9_.:/-]*$", var.qualification_name))
    error_message = "qualification_name must start with a letter or digit and contain no spaces."
  }
}

variable "spec_version" {
  description = "Document version of the landing zone's specification (e.g. `1.0`); raise it with every approved change."
  type        = string
  default     = "1.0"

  validation {
    condition     = length(trimspace(var.spec_version)) > 0
    error_message = "spec_version must not be empty."
  }
}

variable "approval" {
  description = "Approval of the landing zone's specification: `approved_by`, `approved_at` (RFC 3339 or YYYY-MM-DD, not in the future), `change_reference`, optional `reason`."
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

variable "risk_class" {
  description = "Risk class of the landing zone from its risk assessment: `low`, `medium` or `high`."
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
