# The hardened bucket on its own, with a mocked hashicorp/aws (no AWS account needed).

mock_provider "aws" {}

variables {
  bucket_name                = "acme-gxp-test-records"
  access_log_bucket_name     = "acme-gxp-test-records-access-logs"
  kms_key_arn                = "arn:aws:kms:eu-central-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"
  object_lock_retention_days = 30
  archive_tiers = {
    glacier_after_days                 = 90
    deep_archive_after_days            = 365
    noncurrent_glacier_after_days      = 30
    noncurrent_deep_archive_after_days = 180
  }
}

run "record_bucket_is_protected" {
  command = plan

  assert {
    condition     = aws_s3_bucket.this.object_lock_enabled == true && aws_s3_bucket.this.bucket == "acme-gxp-test-records"
    error_message = "The record bucket must be created with Object Lock enabled."
  }

  assert {
    condition     = output.object_lock_retention_days == 30
    error_message = "Object Lock must default to COMPLIANCE mode with object_lock_retention_days."
  }

  assert {
    condition     = alltrue([for v in aws_s3_bucket_versioning.this.versioning_configuration : v.status == "Enabled"])
    error_message = "Versioning must be enabled."
  }

  assert {
    condition     = output.kms_key_arn == var.kms_key_arn
    error_message = "The record bucket must use SSE-KMS with the given key."
  }

  assert {
    condition     = alltrue([for r in aws_s3_bucket_server_side_encryption_configuration.this.rule : r.bucket_key_enabled])
    error_message = "S3 bucket keys must be enabled."
  }

  assert {
    condition = alltrue([for pab in [aws_s3_bucket_public_access_block.this, aws_s3_bucket_public_access_block.access_logs] :
    pab.block_public_acls && pab.ignore_public_acls && pab.block_public_policy && pab.restrict_public_buckets])
    error_message = "All four public access block flags must be true on both buckets."
  }

  assert {
    condition     = one([for r in aws_s3_bucket_ownership_controls.this.rule : r.object_ownership]) == "BucketOwnerEnforced"
    error_message = "ACLs must be disabled (BucketOwnerEnforced)."
  }

  assert {
    condition     = aws_s3_bucket_logging.this.target_prefix == "acme-gxp-test-records/"
    error_message = "Access logs are delivered under the bucket's name."
  }
}

run "access_log_bucket_uses_sse_s3_and_no_object_lock" {
  command = plan

  assert {
    condition = alltrue(flatten([
      for rule in aws_s3_bucket_server_side_encryption_configuration.access_logs.rule : [
        for d in rule.apply_server_side_encryption_by_default : d.sse_algorithm == "AES256"
      ]
    ]))
    error_message = "S3 server access logging delivers only to SSE-S3 buckets."
  }

  assert {
    condition     = aws_s3_bucket.access_logs.object_lock_enabled == false && aws_s3_bucket.access_logs.bucket == "acme-gxp-test-records-access-logs"
    error_message = "The access-log bucket has no Object Lock default retention."
  }

  assert {
    condition     = alltrue([for v in aws_s3_bucket_versioning.access_logs.versioning_configuration : v.status == "Enabled"])
    error_message = "The access-log bucket is versioned."
  }
}

run "both_buckets_move_to_archive_tiers" {
  command = plan

  assert {
    condition = alltrue([for b in ["record", "access_logs"] : toset(flatten([
      for rule in aws_s3_bucket_lifecycle_configuration.this[b].rule : [for t in rule.transition : t.storage_class]
    ])) == toset(["GLACIER", "DEEP_ARCHIVE"])])
    error_message = "Current versions of both buckets must transition to GLACIER and DEEP_ARCHIVE."
  }

  assert {
    condition = alltrue([for b in ["record", "access_logs"] : toset(flatten([
      for rule in aws_s3_bucket_lifecycle_configuration.this[b].rule : [for t in rule.noncurrent_version_transition : t.storage_class]
    ])) == toset(["GLACIER", "DEEP_ARCHIVE"])])
    error_message = "Noncurrent versions of both buckets must transition to GLACIER and DEEP_ARCHIVE."
  }

  assert {
    condition = alltrue([for b in ["record", "access_logs"] : alltrue([
      for rule in aws_s3_bucket_lifecycle_configuration.this[b].rule : length(rule.expiration) == 0
    ])])
    error_message = "The lifecycle never expires records."
  }
}

run "without_object_lock" {
  command = plan

  variables {
    object_lock_retention_days = null
  }

  assert {
    condition     = aws_s3_bucket.this.object_lock_enabled == false && length(aws_s3_bucket_object_lock_configuration.this) == 0 && output.object_lock_retention_days == null
    error_message = "No Object Lock when object_lock_retention_days is null."
  }
}
