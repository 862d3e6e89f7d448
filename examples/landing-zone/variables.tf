variable "region" {
  description = "AWS region of the landing zone (the home region: it records global resource types)."
  type        = string
  default     = "eu-central-1"
}

variable "name_prefix" {
  description = "Prefix of every bucket and resource name; include an organisation or account id so bucket names are globally unique."
  type        = string
  default     = "acme-gxp-prod"
}

variable "environment" {
  description = "Environment name recorded in the specification and tags."
  type        = string
  default     = "prod"
}

variable "record_retention_days" {
  description = "Object Lock COMPLIANCE retention of reports and trail logs, in days. It cannot be shortened once objects are written: start with a small value in a sandbox account."
  type        = number
  default     = 2557
}

variable "configuration_commit" {
  description = "Commit of this configuration, recorded in every qualification report (set from CI, e.g. `-var configuration_commit=$GITHUB_SHA`)."
  type        = string
  default     = null
}
