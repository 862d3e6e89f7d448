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
# The bucket and its access-log bucket: modules/_internal/hardened-bucket.

module "bucket" {
  source = "../_internal/hardened-bucket"

  bucket_name                = var.bucket_name
  access_log_bucket_name     = local.log_bucket_name
  kms_key_arn                = aws_kms_key.evidence.arn
  object_lock_retention_days = var.retention_days
  archive_tiers              = var.archive_tiers
  tags                       = local.tags
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

  evidence_bucket_name   = module.bucket.bucket_name
  evidence_kms_key_arn   = aws_kms_key.evidence.arn
  access_log_bucket_name = module.bucket.access_log_bucket_name
  retention_days         = var.retention_days

  evidence_store = var.qualification_evidence_store != null ? var.qualification_evidence_store : {
    s3_bucket  = module.bucket.bucket_name
    s3_prefix  = var.report_prefix
    kms_key_id = aws_kms_key.evidence.arn
  }
  requalify_after      = var.requalify_after
  enforce              = var.enforce_qualification
  configuration_commit = var.configuration_commit

  # The store must be protected before the first report is filed into it.
  depends_on = [module.bucket]
}
