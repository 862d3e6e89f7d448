variable "bucket_name" {
  description = "Name of the record bucket (an S3 bucket name; the calling module validates it)."
  type        = string
}

variable "access_log_bucket_name" {
  description = "Name of the bucket that receives the record bucket's S3 server access logs."
  type        = string
}

variable "kms_key_arn" {
  description = "ARN of the customer-managed KMS key of the record bucket's default SSE-KMS encryption."
  type        = string
}

variable "object_lock_retention_days" {
  description = "Object Lock default retention in COMPLIANCE mode, in days; `null` creates the bucket without Object Lock (for delivery targets such as AWS Config, which cannot write to a bucket with a default retention)."
  type        = number
  default     = null
}

variable "policy_documents" {
  description = "IAM policy documents (JSON) whose statements are added to the record bucket's policy, e.g. a service's delivery permissions. The module adds a statement that denies every request without TLS."
  type        = list(string)
  default     = []
}

variable "archive_tiers" {
  description = "Lifecycle transitions of both buckets to archive storage (days): `glacier_after_days`, `deep_archive_after_days`, `noncurrent_glacier_after_days`, `noncurrent_deep_archive_after_days`. Objects are never expired."
  type = object({
    glacier_after_days                 = number
    deep_archive_after_days            = number
    noncurrent_glacier_after_days      = number
    noncurrent_deep_archive_after_days = number
  })
}

variable "tags" {
  description = "Tags of both buckets."
  type        = map(string)
  default     = {}
}
