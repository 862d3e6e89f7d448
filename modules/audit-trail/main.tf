# Audit trail: a multi-region CloudTrail trail with log-file validation, encrypted with a
# dedicated rotating KMS key, delivering to CloudWatch Logs (retention, KMS) and to an Object
# Lock bucket that is versioned, TLS-only, never public and access-logged; S3 data events for
# the GxP buckets.

data "aws_caller_identity" "current" {}

data "aws_partition" "current" {}

data "aws_region" "current" {}

locals {
  account_id      = data.aws_caller_identity.current.account_id
  partition       = data.aws_partition.current.partition
  region          = data.aws_region.current.name
  trail_arn       = "arn:${local.partition}:cloudtrail:${local.region}:${local.account_id}:trail/${var.trail_name}"
  log_group_name  = coalesce(var.log_group_name, "/aws/cloudtrail/${var.trail_name}")
  log_bucket_name = coalesce(var.access_log_bucket_name, "${var.bucket_name}-access-logs")
  bucket_arn      = "arn:${local.partition}:s3:::${var.bucket_name}"
  tags = merge(var.tags, {
    Application = var.application_id
    Environment = var.environment
    GxpModule   = "audit-trail"
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

  statement {
    sid       = "CloudTrailEncryptsLogFiles"
    effect    = "Allow"
    actions   = ["kms:GenerateDataKey*"]
    resources = ["*"]

    principals {
      type        = "Service"
      identifiers = ["cloudtrail.amazonaws.com"]
    }

    condition {
      test     = "StringLike"
      variable = "kms:EncryptionContext:aws:cloudtrail:arn"
      values   = ["arn:${local.partition}:cloudtrail:*:${local.account_id}:trail/*"]
    }

    condition {
      test     = "StringEquals"
      variable = "aws:SourceArn"
      values   = [local.trail_arn]
    }
  }

  statement {
    sid       = "CloudTrailDescribesKey"
    effect    = "Allow"
    actions   = ["kms:DescribeKey"]
    resources = ["*"]

    principals {
      type        = "Service"
      identifiers = ["cloudtrail.amazonaws.com"]
    }
  }

  statement {
    sid       = "CloudWatchLogsEncryptsTrailLogGroup"
    effect    = "Allow"
    actions   = ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"]
    resources = ["*"]

    principals {
      type        = "Service"
      identifiers = ["logs.${local.region}.amazonaws.com"]
    }

    condition {
      test     = "ArnEquals"
      variable = "kms:EncryptionContext:aws:logs:arn"
      values   = ["arn:${local.partition}:logs:${local.region}:${local.account_id}:log-group:${local.log_group_name}"]
    }
  }
}

resource "aws_kms_key" "trail" {
  description             = "Encrypts the log files, bucket and CloudWatch Logs group of trail ${var.trail_name}"
  enable_key_rotation     = true
  deletion_window_in_days = var.kms_deletion_window_days
  policy                  = data.aws_iam_policy_document.kms.json
  tags                    = local.tags
}

resource "aws_kms_alias" "trail" {
  name          = "alias/${var.trail_name}"
  target_key_id = aws_kms_key.trail.key_id
}

# ---------------------------------------------------------------- CloudWatch Logs

resource "aws_cloudwatch_log_group" "trail" {
  name              = local.log_group_name
  retention_in_days = var.log_retention_days
  kms_key_id        = aws_kms_key.trail.arn
  tags              = local.tags
}

data "aws_iam_policy_document" "cloudtrail_assume" {
  statement {
    effect  = "Allow"
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["cloudtrail.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "cloudtrail_logs" {
  name_prefix        = "gxp-trail-logs-"
  description        = "Lets trail ${var.trail_name} deliver events to ${local.log_group_name}"
  assume_role_policy = data.aws_iam_policy_document.cloudtrail_assume.json
  tags               = local.tags
}

data "aws_iam_policy_document" "cloudtrail_logs" {
  statement {
    sid       = "DeliverTrailEvents"
    effect    = "Allow"
    actions   = ["logs:CreateLogStream", "logs:PutLogEvents"]
    resources = ["${aws_cloudwatch_log_group.trail.arn}:log-stream:*"]
  }
}

resource "aws_iam_role_policy" "cloudtrail_logs" {
  name   = "deliver-to-cloudwatch-logs"
  role   = aws_iam_role.cloudtrail_logs.id
  policy = data.aws_iam_policy_document.cloudtrail_logs.json
}

# ---------------------------------------------------------------- trail bucket
# The trail bucket and its access-log bucket: modules/_internal/hardened-bucket, with
# CloudTrail's delivery permissions added to the bucket policy.

data "aws_iam_policy_document" "trail_delivery" {
  statement {
    sid       = "CloudTrailAclCheck"
    effect    = "Allow"
    actions   = ["s3:GetBucketAcl"]
    resources = [local.bucket_arn]

    principals {
      type        = "Service"
      identifiers = ["cloudtrail.amazonaws.com"]
    }

    condition {
      test     = "StringEquals"
      variable = "aws:SourceArn"
      values   = [local.trail_arn]
    }
  }

  statement {
    sid       = "CloudTrailWrite"
    effect    = "Allow"
    actions   = ["s3:PutObject"]
    resources = ["${local.bucket_arn}/AWSLogs/${local.account_id}/*"]

    principals {
      type        = "Service"
      identifiers = ["cloudtrail.amazonaws.com"]
    }

    condition {
      test     = "StringEquals"
      variable = "s3:x-amz-acl"
      values   = ["bucket-owner-full-control"]
    }

    condition {
      test     = "StringEquals"
      variable = "aws:SourceArn"
      values   = [local.trail_arn]
    }
  }
}

module "bucket" {
  source = "../_internal/hardened-bucket"

  bucket_name                = var.bucket_name
  access_log_bucket_name     = local.log_bucket_name
  kms_key_arn                = aws_kms_key.trail.arn
  object_lock_retention_days = var.trail_retention_days
  policy_documents           = [data.aws_iam_policy_document.trail_delivery.json]
  archive_tiers              = var.archive_tiers
  tags                       = local.tags
}

# ---------------------------------------------------------------- trail

resource "aws_cloudtrail" "this" {
  name                          = var.trail_name
  s3_bucket_name                = module.bucket.bucket_name
  include_global_service_events = true
  is_multi_region_trail         = true
  enable_log_file_validation    = true
  enable_logging                = true
  kms_key_id                    = aws_kms_key.trail.arn
  cloud_watch_logs_group_arn    = "${aws_cloudwatch_log_group.trail.arn}:*"
  cloud_watch_logs_role_arn     = aws_iam_role.cloudtrail_logs.arn
  tags                          = local.tags

  dynamic "event_selector" {
    for_each = length(var.gxp_bucket_arns) > 0 ? [var.gxp_bucket_arns] : []
    content {
      read_write_type           = "All"
      include_management_events = true

      data_resource {
        type   = "AWS::S3::Object"
        values = [for arn in event_selector.value : "${arn}/"]
      }
    }
  }

  depends_on = [
    module.bucket,
    aws_iam_role_policy.cloudtrail_logs,
  ]
}

# ---------------------------------------------------------------- qualification

module "qualification" {
  source = "./qualification"

  enabled        = var.qualification_enabled
  name           = coalesce(var.qualification_name, "${var.application_id}-${var.environment}-audit-trail")
  spec_version   = var.spec_version
  application_id = var.application_id
  environment    = var.environment
  risk_class     = var.risk_class
  approval       = var.approval

  trail_arn              = aws_cloudtrail.this.arn
  trail_bucket_name      = module.bucket.bucket_name
  access_log_bucket_name = module.bucket.access_log_bucket_name
  kms_key_arn            = aws_kms_key.trail.arn
  log_group_name         = aws_cloudwatch_log_group.trail.name
  log_retention_days     = var.log_retention_days
  trail_retention_days   = var.trail_retention_days
  gxp_bucket_arns        = var.gxp_bucket_arns

  evidence_store       = var.qualification_evidence_store
  requalify_after      = var.requalify_after
  enforce              = var.enforce_qualification
  configuration_commit = var.configuration_commit

  depends_on = [
    aws_cloudtrail.this,
    module.bucket,
  ]
}
