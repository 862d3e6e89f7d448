# ---------------------------------------------------------------- network

variable "name" {
  description = "Name prefix of the network resources (`Name` tags, security group, log group)."
  type        = string
  default     = "gxp"

  validation {
    condition     = can(regex("^[A-Za-z0-9][A-Za-z0-9-]{0,31}$", var.name))
    error_message = "name must be 1-32 characters: letters, digits and hyphens, starting with a letter or digit."
  }
}

variable "vpc_cidr" {
  description = "IPv4 CIDR block of the VPC, a /16 to /24 network address (e.g. `10.20.0.0/16`)."
  type        = string

  validation {
    condition = (
      can(cidrnetmask(var.vpc_cidr)) &&
      try(tonumber(split("/", var.vpc_cidr)[1]) >= 16 && tonumber(split("/", var.vpc_cidr)[1]) <= 24, false) &&
      try(cidrhost(var.vpc_cidr, 0) == split("/", var.vpc_cidr)[0], false)
    )
    error_message = "vpc_cidr must be an IPv4 network address with a prefix between /16 and /24, e.g. 10.20.0.0/16."
  }
}

variable "private_subnets" {
  description = "Private subnets, one per Availability Zone: `availability_zone` and `cidr_block` (inside `vpc_cidr`). At least two, in distinct zones; interface endpoints are placed in each."
  type = list(object({
    availability_zone = string
    cidr_block        = string
  }))

  validation {
    condition     = length(var.private_subnets) >= 2
    error_message = "private_subnets needs at least two subnets in distinct Availability Zones."
  }

  validation {
    condition     = length(distinct([for s in var.private_subnets : s.availability_zone])) == length(var.private_subnets)
    error_message = "private_subnets must be in distinct Availability Zones."
  }

  validation {
    condition = alltrue([
      for s in var.private_subnets : can(cidrnetmask(s.cidr_block)) && try(cidrhost(s.cidr_block, 0) == split("/", s.cidr_block)[0], false)
    ])
    error_message = "Every private_subnets cidr_block must be an IPv4 network address such as 10.20.1.0/24."
  }

  validation {
    condition     = length(distinct([for s in var.private_subnets : s.cidr_block])) == length(var.private_subnets)
    error_message = "private_subnets CIDR blocks must be distinct."
  }
}

variable "interface_endpoint_services" {
  description = "AWS services reached through interface VPC endpoints with private DNS (service name suffix after `com.amazonaws.<region>.`). Must include `kms`, `logs` and `sts`."
  type        = list(string)
  default     = ["kms", "logs", "sts"]

  validation {
    condition     = alltrue([for s in ["kms", "logs", "sts"] : contains(var.interface_endpoint_services, s)])
    error_message = "interface_endpoint_services must include kms, logs and sts."
  }

  validation {
    condition     = alltrue([for s in var.interface_endpoint_services : can(regex("^[a-z0-9-]+(\\.[a-z0-9-]+)*$", s))]) && length(distinct(var.interface_endpoint_services)) == length(var.interface_endpoint_services)
    error_message = "interface_endpoint_services must be distinct service names such as kms or ssm."
  }
}

variable "flow_log_group_name" {
  description = "Name of the CloudWatch Logs group that receives the VPC flow logs. Default: `/aws/vpc-flow-logs/<name>`."
  type        = string
  default     = null

  validation {
    condition     = var.flow_log_group_name == null || can(regex("^[A-Za-z0-9_./#-]{1,512}$", var.flow_log_group_name))
    error_message = "flow_log_group_name must be 1-512 characters: letters, digits, '_', '-', '/', '.', '#'."
  }
}

variable "flow_log_retention_days" {
  description = "Retention of the flow-log group, in days: one of CloudWatch's allowed values, at least 90."
  type        = number
  default     = 365

  validation {
    condition     = contains([90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.flow_log_retention_days)
    error_message = "flow_log_retention_days must be a CloudWatch Logs retention value of at least 90: 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288 or 3653."
  }
}

variable "kms_deletion_window_days" {
  description = "Waiting period, in days, before the flow-log KMS key is deleted after a destroy (7-30)."
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
  description = "Name of the specification and of the qualification (its report chain). Default: `<application_id>-<environment>-network-baseline`."
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
