# Account baseline: the account- and region-wide controls of a regulated landing zone. An IAM
# password policy, S3 Block Public Access for the whole account, EBS encryption by default
# with a customer-managed rotating KMS key, GuardDuty threat detection, Security Hub with
# subscribed standards and an IAM Access Analyzer.

data "aws_caller_identity" "current" {}

data "aws_partition" "current" {}

data "aws_region" "current" {}

locals {
  account_id = data.aws_caller_identity.current.account_id
  partition  = data.aws_partition.current.partition
  region     = data.aws_region.current.name
  tags = merge(var.tags, {
    Application = var.application_id
    Environment = var.environment
    GxpModule   = "account-baseline"
  })
  securityhub_standard_arns = {
    for s in var.securityhub_standards : s => "arn:${local.partition}:securityhub:${local.region}::standards/${s}"
  }
}

# ---------------------------------------------------------------- IAM password policy

resource "aws_iam_account_password_policy" "this" {
  minimum_password_length        = var.password_policy.minimum_length
  require_symbols                = var.password_policy.require_symbols
  require_numbers                = var.password_policy.require_numbers
  require_uppercase_characters   = var.password_policy.require_uppercase
  require_lowercase_characters   = var.password_policy.require_lowercase
  password_reuse_prevention      = var.password_policy.reuse_prevention
  max_password_age               = var.password_policy.max_age_days
  hard_expiry                    = var.password_policy.hard_expiry
  allow_users_to_change_password = true
}

# ---------------------------------------------------------------- S3 Block Public Access

resource "aws_s3_account_public_access_block" "this" {
  account_id              = local.account_id
  block_public_acls       = true
  ignore_public_acls      = true
  block_public_policy     = true
  restrict_public_buckets = true
}

# ---------------------------------------------------------------- EBS encryption by default

data "aws_iam_policy_document" "ebs_kms" {
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
    sid       = "AccountPrincipalsUseKeyThroughEc2"
    effect    = "Allow"
    actions   = ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey", "kms:CreateGrant"]
    resources = ["*"]

    principals {
      type        = "AWS"
      identifiers = ["*"]
    }

    condition {
      test     = "StringEquals"
      variable = "kms:CallerAccount"
      values   = [local.account_id]
    }

    condition {
      test     = "StringEquals"
      variable = "kms:ViaService"
      values   = ["ec2.${local.region}.amazonaws.com"]
    }
  }
}

resource "aws_kms_key" "ebs" {
  description             = "Default encryption key of the EBS volumes and snapshots of ${var.application_id} (${var.environment}) in ${local.region}"
  enable_key_rotation     = true
  deletion_window_in_days = var.kms_deletion_window_days
  policy                  = data.aws_iam_policy_document.ebs_kms.json
  tags                    = local.tags
}

resource "aws_kms_alias" "ebs" {
  name          = "alias/${var.application_id}-${var.environment}-ebs-default"
  target_key_id = aws_kms_key.ebs.key_id
}

resource "aws_ebs_default_kms_key" "this" {
  key_arn = aws_kms_key.ebs.arn
}

resource "aws_ebs_encryption_by_default" "this" {
  enabled = true

  depends_on = [aws_ebs_default_kms_key.this]
}

# ---------------------------------------------------------------- GuardDuty

resource "aws_guardduty_detector" "this" {
  enable                       = true
  finding_publishing_frequency = var.guardduty_finding_publishing_frequency
  tags                         = local.tags
}

resource "aws_guardduty_detector_feature" "this" {
  for_each = var.guardduty_features

  detector_id = aws_guardduty_detector.this.id
  name        = each.value
  status      = "ENABLED"
}

# ---------------------------------------------------------------- Security Hub

resource "aws_securityhub_account" "this" {
  enable_default_standards  = false
  control_finding_generator = "SECURITY_CONTROL"
  auto_enable_controls      = true
}

resource "aws_securityhub_standards_subscription" "this" {
  for_each = local.securityhub_standard_arns

  standards_arn = each.value

  depends_on = [aws_securityhub_account.this]
}

# ---------------------------------------------------------------- IAM Access Analyzer

resource "aws_accessanalyzer_analyzer" "this" {
  analyzer_name = var.access_analyzer_name
  type          = var.access_analyzer_type
  tags          = local.tags
}

# ---------------------------------------------------------------- qualification

module "qualification" {
  source = "./qualification"

  enabled        = var.qualification_enabled
  name           = coalesce(var.qualification_name, "${var.application_id}-${var.environment}-account-baseline")
  spec_version   = var.spec_version
  application_id = var.application_id
  environment    = var.environment
  risk_class     = var.risk_class
  approval       = var.approval

  password_policy              = var.password_policy
  access_key_max_age_days      = var.access_key_max_age_days
  credential_max_days_unused   = var.credential_max_days_unused
  root_hardware_mfa            = var.root_hardware_mfa
  organization_member_required = var.organization_member_required
  ebs_kms_key_arn              = aws_kms_key.ebs.arn

  evidence_store       = var.qualification_evidence_store
  requalify_after      = var.requalify_after
  enforce              = var.enforce_qualification
  configuration_commit = var.configuration_commit

  depends_on = [
    aws_iam_account_password_policy.this,
    aws_s3_account_public_access_block.this,
    aws_ebs_encryption_by_default.this,
    aws_guardduty_detector_feature.this,
    aws_securityhub_standards_subscription.this,
    aws_accessanalyzer_analyzer.this,
  ]
}
