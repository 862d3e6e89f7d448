# Evidence store: an S3 bucket where qualification reports and other GxP records cannot be
# altered or deleted for the retention period (Object Lock COMPLIANCE + versioning), encrypted
# with a dedicated customer-managed KMS key, reachable over TLS only, never public, with
# every request access-logged to a separate log bucket and old data moved to archive tiers.

data "aws_caller_identity" "current" {}

data "aws_partition" "current" {}

locals {
  account_id      = data.aws_caller_identity.current.account_id
  partition       = data.aws_partition.current.partition
  log_bucket_name = coalesce(var.access_log_bucket_name, "${var.bucket_name}-access-logs")
  kms_alias       = "alias/${replace(var.bucket_name, ".", "-")}"
  tags = merge(var.tags, {
    Application = var.application_id
    Environment = var.environment
    GxpModule   = "evidence-store"
  })
}

# ---------------------------------------------------------------- KMS

data "aws_iam_policy_document" "kms" {
  statement {
    sid       = "AccountAdministersKeyThroughIam"
    effect    = "Allow"
    actions   = ["kms:*"]
    resources = ["*"]

    principals {
      type        = "AWS"
      identifiers = ["arn:${local.partition}:iam::${local.account_id}:root"]
    }
  }
}

resource "aws_kms_key" "evidence" {
  description             = "SSE-KMS key of the GxP evidence store ${var.bucket_name}"
  enable_key_rotation     = true
  deletion_window_in_days = var.kms_deletion_window_days
  policy                  = data.aws_iam_policy_document.kms.json
  tags                    = local.tags
}

resource "aws_kms_alias" "evidence" {
  name          = local.kms_alias
  target_key_id = aws_kms_key.evidence.key_id
}

# ---------------------------------------------------------------- evidence bucket

resource "aws_s3_bucket" "evidence" {
  bucket              = var.bucket_name
  object_lock_enabled = true
  tags                = local.tags
}

resource "aws_s3_bucket_ownership_controls" "evidence" {
  bucket = aws_s3_bucket.evidence.id

  rule {
    object_ownership = "BucketOwnerEnforced"
  }
}

resource "aws_s3_bucket_versioning" "evidence" {
  bucket = aws_s3_bucket.evidence.id

  versioning_configuration {
    status = "Enabled"
  }
}

resource "aws_s3_bucket_object_lock_configuration" "evidence" {
  bucket = aws_s3_bucket.evidence.id

  rule {
    default_retention {
      mode = "COMPLIANCE"
      days = var.retention_days
    }
  }

  depends_on = [aws_s3_bucket_versioning.evidence]
}

resource "aws_s3_bucket_server_side_encryption_configuration" "evidence" {
  bucket = aws_s3_bucket.evidence.id

  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm     = "aws:kms"
      kms_master_key_id = aws_kms_key.evidence.arn
    }
    bucket_key_enabled = true
  }
}

resource "aws_s3_bucket_public_access_block" "evidence" {
  bucket                  = aws_s3_bucket.evidence.id
  block_public_acls       = true
  ignore_public_acls      = true
  block_public_policy     = true
  restrict_public_buckets = true
}

data "aws_iam_policy_document" "evidence_bucket" {
  statement {
    sid       = "DenyInsecureTransport"
    effect    = "Deny"
    actions   = ["s3:*"]
    resources = [aws_s3_bucket.evidence.arn, "${aws_s3_bucket.evidence.arn}/*"]

    principals {
      type        = "*"
      identifiers = ["*"]
    }

    condition {
      test     = "Bool"
      variable = "aws:SecureTransport"
      values   = ["false"]
    }
  }
}

resource "aws_s3_bucket_policy" "evidence" {
  bucket = aws_s3_bucket.evidence.id
  policy = data.aws_iam_policy_document.evidence_bucket.json

  depends_on = [aws_s3_bucket_public_access_block.evidence]
}

resource "aws_s3_bucket_logging" "evidence" {
  bucket        = aws_s3_bucket.evidence.id
  target_bucket = aws_s3_bucket.access_logs.id
  target_prefix = "${var.bucket_name}/"

  depends_on = [aws_s3_bucket_policy.access_logs]
}

resource "aws_s3_bucket_lifecycle_configuration" "evidence" {
  bucket = aws_s3_bucket.evidence.id

  rule {
    id     = "archive"
    status = "Enabled"

    filter {}

    transition {
      days          = var.archive_tiers.glacier_after_days
      storage_class = "GLACIER"
    }

    transition {
      days          = var.archive_tiers.deep_archive_after_days
      storage_class = "DEEP_ARCHIVE"
    }

    noncurrent_version_transition {
      noncurrent_days = var.archive_tiers.noncurrent_glacier_after_days
      storage_class   = "GLACIER"
    }

    noncurrent_version_transition {
      noncurrent_days = var.archive_tiers.noncurrent_deep_archive_after_days
      storage_class   = "DEEP_ARCHIVE"
    }

    abort_incomplete_multipart_upload {
      days_after_initiation = 7
    }
  }

  depends_on = [aws_s3_bucket_versioning.evidence]
}

# ---------------------------------------------------------------- access-log bucket
# S3 server access logging delivers only to buckets with SSE-S3 default encryption and no
# Object Lock default retention, so this bucket uses AES256 and versioning instead.

resource "aws_s3_bucket" "access_logs" {
  bucket = local.log_bucket_name
  tags   = local.tags
}

resource "aws_s3_bucket_ownership_controls" "access_logs" {
  bucket = aws_s3_bucket.access_logs.id

  rule {
    object_ownership = "BucketOwnerEnforced"
  }
}

resource "aws_s3_bucket_versioning" "access_logs" {
  bucket = aws_s3_bucket.access_logs.id

  versioning_configuration {
    status = "Enabled"
  }
}

resource "aws_s3_bucket_server_side_encryption_configuration" "access_logs" {
  bucket = aws_s3_bucket.access_logs.id

  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm = "AES256"
    }
  }
}

resource "aws_s3_bucket_public_access_block" "access_logs" {
  bucket                  = aws_s3_bucket.access_logs.id
  block_public_acls       = true
  ignore_public_acls      = true
  block_public_policy     = true
  restrict_public_buckets = true
}

data "aws_iam_policy_document" "access_logs" {
  statement {
    sid       = "DenyInsecureTransport"
    effect    = "Deny"
    actions   = ["s3:*"]
    resources = [aws_s3_bucket.access_logs.arn, "${aws_s3_bucket.access_logs.arn}/*"]

    principals {
      type        = "*"
      identifiers = ["*"]
    }

    condition {
      test     = "Bool"
      variable = "aws:SecureTransport"
      values   = ["false"]
    }
  }

  statement {
    sid       = "S3ServerAccessLogDelivery"
    effect    = "Allow"
    actions   = ["s3:PutObject"]
    resources = ["${aws_s3_bucket.access_logs.arn}/*"]

    principals {
      type        = "Service"
      identifiers = ["logging.s3.amazonaws.com"]
    }

    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [local.account_id]
    }

    condition {
      test     = "ArnLike"
      variable = "aws:SourceArn"
      values   = [aws_s3_bucket.evidence.arn]
    }
  }
}

resource "aws_s3_bucket_policy" "access_logs" {
  bucket = aws_s3_bucket.access_logs.id
  policy = data.aws_iam_policy_document.access_logs.json

  depends_on = [aws_s3_bucket_public_access_block.access_logs]
}

resource "aws_s3_bucket_lifecycle_configuration" "access_logs" {
  bucket = aws_s3_bucket.access_logs.id

  rule {
    id     = "archive"
    status = "Enabled"

    filter {}

    transition {
      days          = var.archive_tiers.glacier_after_days
      storage_class = "GLACIER"
    }

    transition {
      days          = var.archive_tiers.deep_archive_after_days
      storage_class = "DEEP_ARCHIVE"
    }

    noncurrent_version_transition {
      noncurrent_days = var.archive_tiers.noncurrent_glacier_after_days
      storage_class   = "GLACIER"
    }

    noncurrent_version_transition {
      noncurrent_days = var.archive_tiers.noncurrent_deep_archive_after_days
      storage_class   = "DEEP_ARCHIVE"
    }

    abort_incomplete_multipart_upload {
      days_after_initiation = 7
    }
  }

  depends_on = [aws_s3_bucket_versioning.access_logs]
}

# ---------------------------------------------------------------- qualification

module "qualification" {
  source = "./qualification"

  enabled        = var.qualification_enabled
  name           = coalesce(var.qualification_name, "${var.application_id}-${var.environment}-evidence-store")
  spec_version   = var.spec_version
  application_id = var.application_id
  environment    = var.environment
  risk_class     = var.risk_class
  approval       = var.approval

  evidence_bucket_name   = aws_s3_bucket.evidence.id
  evidence_kms_key_arn   = aws_kms_key.evidence.arn
  access_log_bucket_name = aws_s3_bucket.access_logs.id
  retention_days         = var.retention_days

  evidence_store = var.qualification_evidence_store != null ? var.qualification_evidence_store : {
    s3_bucket  = aws_s3_bucket.evidence.id
    s3_prefix  = var.report_prefix
    kms_key_id = aws_kms_key.evidence.arn
  }
  requalify_after      = var.requalify_after
  enforce              = var.enforce_qualification
  configuration_commit = var.configuration_commit

  # The store must be protected before the first report is filed into it.
  depends_on = [
    aws_s3_bucket_versioning.evidence,
    aws_s3_bucket_object_lock_configuration.evidence,
    aws_s3_bucket_server_side_encryption_configuration.evidence,
    aws_s3_bucket_public_access_block.evidence,
    aws_s3_bucket_policy.evidence,
    aws_s3_bucket_logging.evidence,
    aws_s3_bucket_policy.access_logs,
    aws_s3_bucket_versioning.access_logs,
    aws_s3_bucket_server_side_encryption_configuration.access_logs,
    aws_s3_bucket_public_access_block.access_logs,
  ]
}
