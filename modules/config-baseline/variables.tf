# ---------------------------------------------------------------- AWS Config

variable "recorder_name" {
  description = "Name of the AWS Config configuration recorder (one per account and region)."
  type        = string
  default     = "gxp-recorder"

  validation {
    condition     = can(regex("^[A-Za-z0-9][A-Za-z0-9._-]{0,255}$", var.recorder_name))
    error_message = "recorder_name must be 1-256 characters: letters, digits, periods, underscores and hyphens."
  }
}

variable "delivery_channel_name" {
  description = "Name of the AWS Config delivery channel (one per account and region)."
  type        = string
  default     = "gxp-delivery-channel"

  validation {
    condition     = can(regex("^[A-Za-z0-9][A-Za-z0-9._-]{0,255}$", var.delivery_channel_name))
    error_message = "delivery_channel_name must be 1-256 characters: letters, digits, periods, underscores and hyphens."
  }
}

variable "include_global_resource_types" {
  description = "Record global resource types (IAM users, roles, policies). Keep `true` in the home region; set `false` in secondary regions so they are recorded once."
  type        = bool
  default     = true
}

variable "snapshot_delivery_frequency" {
  description = "How often AWS Config delivers configuration snapshots: One_Hour, Three_Hours, Six_Hours, Twelve_Hours or TwentyFour_Hours."
  type        = string
  default     = "TwentyFour_Hours"

  validation {
    condition     = contains(["One_Hour", "Three_Hours", "Six_Hours", "Twelve_Hours", "TwentyFour_Hours"], var.snapshot_delivery_frequency)
    error_message = "snapshot_delivery_frequency must be One_Hour, Three_Hours, Six_Hours, Twelve_Hours or TwentyFour_Hours."
  }
}

variable "bucket_name" {
  description = "Name of the bucket that receives configuration history and snapshots (3-51 characters, so that the default access-log bucket name `<bucket_name>-access-logs` fits)."
  type        = string

  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9.-]{1,49}[a-z0-9]$", var.bucket_name)) && !can(regex("\\.\\.", var.bucket_name))
    error_message = "bucket_name must be 3-51 characters of lowercase letters, digits, hyphens and single dots, starting and ending with a letter or digit."
  }
}

variable "access_log_bucket_name" {
  description = "Name of the S3 server access-log bucket the module creates for the Config bucket. Default: `<bucket_name>-access-logs`."
  type        = string
  default     = null

  validation {
    condition     = var.access_log_bucket_name == null || (can(regex("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", var.access_log_bucket_name)) && !can(regex("\\.\\.", var.access_log_bucket_name)))
    error_message = "access_log_bucket_name must be a valid S3 bucket name (3-63 characters, lowercase letters, digits, hyphens, single dots)."
  }
}

variable "s3_key_prefix" {
  description = "Key prefix of the configuration files in the Config bucket."
  type        = string
  default     = "config"

  validation {
    condition     = can(regex("^[A-Za-z0-9!_.*'()-]+(/[A-Za-z0-9!_.*'()-]+)*$", var.s3_key_prefix))
    error_message = "s3_key_prefix must be a non-empty key prefix without leading or trailing `/`."
  }
}

variable "min_log_retention_days" {
  description = "Minimum CloudWatch Logs retention, in days, the CW_LOGGROUP_RETENTION_PERIOD_CHECK rule requires of every log group."
  type        = number
  default     = 365

  validation {
    condition     = var.min_log_retention_days >= 1 && floor(var.min_log_retention_days) == var.min_log_retention_days
    error_message = "min_log_retention_days must be a whole number >= 1."
  }
}

variable "rds_rules_enabled" {
  description = "Deploy the RDS managed rules (storage encryption, Multi-AZ, backups, deletion protection). They report NOT_APPLICABLE in accounts without RDS."
  type        = bool
  default     = true
}

variable "password_policy" {
  description = "The account password policy the `IAM_PASSWORD_POLICY` rule requires (the account-baseline module applies it): `minimum_length` (14-128), required character classes (`require_symbols`, `require_numbers`, `require_uppercase`, `require_lowercase`), `reuse_prevention` (1-24 previous passwords), `max_age_days` (1-1095) and `hard_expiry` (an expired password can only be reset by an administrator)."
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

variable "access_key_max_age_days" {
  description = "Maximum age, in days, of an active IAM access key (`ACCESS_KEYS_ROTATED`)."
  type        = number
  default     = 90

  validation {
    condition     = var.access_key_max_age_days >= 1 && var.access_key_max_age_days <= 3650 && floor(var.access_key_max_age_days) == var.access_key_max_age_days
    error_message = "access_key_max_age_days must be a whole number between 1 and 3650."
  }
}

variable "credential_max_days_unused" {
  description = "Maximum days an IAM console password or active access key may go unused (`IAM_USER_UNUSED_CREDENTIALS_CHECK`)."
  type        = number
  default     = 45

  validation {
    condition     = var.credential_max_days_unused >= 1 && var.credential_max_days_unused <= 3650 && floor(var.credential_max_days_unused) == var.credential_max_days_unused
    error_message = "credential_max_days_unused must be a whole number between 1 and 3650."
  }
}

variable "organization_member_required" {
  description = "Deploy the `ACCOUNT_PART_OF_ORGANIZATIONS` rule: the account must be a member of an AWS Organization."
  type        = bool
  default     = false
}

variable "workload_rules_enabled" {
  description = "Deploy the managed rules of workload resources: EC2 (IMDSv2, subnets, EBS volumes and snapshots, routes, network ACLs), DynamoDB, EFS, Secrets Manager, Lambda, SNS, CloudWatch alarms, load balancers and S3 noncurrent-version lifecycle. They report NOT_APPLICABLE in accounts without such resources."
  type        = bool
  default     = true
}

variable "backup_rules_enabled" {
  description = "Deploy the AWS Backup managed rules: daily backup plans kept `backup_min_retention_days`, encrypted recovery points protected from manual deletion, RDS, DynamoDB, EBS and EFS resources selected by a backup plan."
  type        = bool
  default     = true
}

variable "backup_min_retention_days" {
  description = "Minimum retention, in days, of backup plans and recovery points (`BACKUP_PLAN_MIN_FREQUENCY_AND_MIN_RETENTION_CHECK`, `BACKUP_RECOVERY_POINT_MINIMUM_RETENTION_CHECK`)."
  type        = number
  default     = 35

  validation {
    condition     = var.backup_min_retention_days >= 1 && floor(var.backup_min_retention_days) == var.backup_min_retention_days
    error_message = "backup_min_retention_days must be a whole number >= 1."
  }
}

variable "record_bucket_tag" {
  description = "Tag that marks GxP record buckets. The S3_BUCKET_DEFAULT_LOCK_ENABLED and S3_BUCKET_REPLICATION_ENABLED rules evaluate only buckets carrying it (log and delivery buckets have neither Object Lock nor replication); null leaves both rules out."
  type = object({
    key   = string
    value = string
  })
  default = {
    key   = "GxpRecords"
    value = "true"
  }

  validation {
    condition     = var.record_bucket_tag == null || try(length(var.record_bucket_tag.key) > 0 && length(var.record_bucket_tag.key) <= 128 && length(var.record_bucket_tag.value) <= 256, false)
    error_message = "record_bucket_tag.key must be 1-128 characters and record_bucket_tag.value at most 256."
  }
}

variable "archive_tiers" {
  description = "Lifecycle transitions of the Config and access-log buckets to archive storage: current versions to GLACIER after `glacier_after_days` and DEEP_ARCHIVE after `deep_archive_after_days`; noncurrent versions after `noncurrent_glacier_after_days` and `noncurrent_deep_archive_after_days`. Nothing is expired."
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
  description = "Waiting period, in days, before the Config KMS key is deleted after a destroy (7-30)."
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
  description = "Name of the specification and of the qualification (its report chain). Default: `<application_id>-<environment>-config-baseline`."
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
