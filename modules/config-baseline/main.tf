# Configuration baseline: AWS Config records every supported resource type (with global types)
# and delivers history and snapshots to a KMS-encrypted, versioned, TLS-only, non-public,
# access-logged bucket; managed rules evaluate the landing zone's controls continuously.

data "aws_caller_identity" "current" {}

data "aws_partition" "current" {}

locals {
  account_id      = data.aws_caller_identity.current.account_id
  partition       = data.aws_partition.current.partition
  log_bucket_name = coalesce(var.access_log_bucket_name, "${var.bucket_name}-access-logs")
  bucket_arn      = "arn:${local.partition}:s3:::${var.bucket_name}"
  tags = merge(var.tags, {
    Application = var.application_id
    Environment = var.environment
    GxpModule   = "config-baseline"
  })

  # AWS Config managed rules, each with the catalog check(s) it corresponds to.
  base_rules = {
    S3_BUCKET_VERSIONING_ENABLED             = { input_parameters = null, catalog_checks = ["s3.versioning"] }
    S3_BUCKET_SERVER_SIDE_ENCRYPTION_ENABLED = { input_parameters = null, catalog_checks = ["s3.encryption"] }
    S3_BUCKET_PUBLIC_READ_PROHIBITED         = { input_parameters = null, catalog_checks = ["s3.public_access_block"] }
    S3_BUCKET_PUBLIC_WRITE_PROHIBITED        = { input_parameters = null, catalog_checks = ["s3.public_access_block"] }
    S3_BUCKET_LEVEL_PUBLIC_ACCESS_PROHIBITED = { input_parameters = null, catalog_checks = ["s3.public_access_block"] }
    S3_BUCKET_SSL_REQUESTS_ONLY              = { input_parameters = null, catalog_checks = ["s3.tls_only"] }
    S3_BUCKET_LOGGING_ENABLED                = { input_parameters = null, catalog_checks = ["s3.access_logging"] }
    S3_BUCKET_ACL_PROHIBITED                 = { input_parameters = null, catalog_checks = ["s3.acl_disabled"] }
    CLOUD_TRAIL_ENABLED                      = { input_parameters = null, catalog_checks = ["cloudtrail.exists", "cloudtrail.logging"] }
    MULTI_REGION_CLOUD_TRAIL_ENABLED         = { input_parameters = null, catalog_checks = ["cloudtrail.multi_region"] }
    CLOUD_TRAIL_LOG_FILE_VALIDATION_ENABLED  = { input_parameters = null, catalog_checks = ["cloudtrail.log_file_validation"] }
    CLOUD_TRAIL_ENCRYPTION_ENABLED           = { input_parameters = null, catalog_checks = ["cloudtrail.kms"] }
    CLOUD_TRAIL_CLOUD_WATCH_LOGS_ENABLED     = { input_parameters = null, catalog_checks = ["cloudtrail.cloudwatch_logs"] }
    CMK_BACKING_KEY_ROTATION_ENABLED         = { input_parameters = null, catalog_checks = ["kms.rotation"] }
    VPC_FLOW_LOGS_ENABLED                    = { input_parameters = jsonencode({ trafficType = "ALL" }), catalog_checks = ["ec2.vpc_flow_logs"] }
    VPC_DEFAULT_SECURITY_GROUP_CLOSED        = { input_parameters = null, catalog_checks = ["ec2.default_sg_closed"] }
    RESTRICTED_INCOMING_TRAFFIC              = { input_parameters = null, catalog_checks = ["ec2.sg_no_admin_ingress"] }
    INCOMING_SSH_DISABLED                    = { input_parameters = null, catalog_checks = ["ec2.sg_no_admin_ingress"] }
    CW_LOGGROUP_RETENTION_PERIOD_CHECK       = { input_parameters = jsonencode({ MinRetentionTime = tostring(var.min_log_retention_days) }), catalog_checks = ["logs.retention"] }
    CLOUDWATCH_LOG_GROUP_ENCRYPTED           = { input_parameters = null, catalog_checks = ["logs.kms"] }
    S3_DEFAULT_ENCRYPTION_KMS                = { input_parameters = null, catalog_checks = ["s3.encryption"] }
    CLOUDTRAIL_S3_DATAEVENTS_ENABLED         = { input_parameters = null, catalog_checks = ["cloudtrail.s3_data_events"] }
    KMS_CMK_NOT_SCHEDULED_FOR_DELETION       = { input_parameters = null, catalog_checks = ["kms.enabled"] }
  }
  rds_rules = {
    RDS_STORAGE_ENCRYPTED                    = { input_parameters = null, catalog_checks = ["rds.storage_encrypted"] }
    RDS_MULTI_AZ_SUPPORT                     = { input_parameters = null, catalog_checks = ["rds.multi_az"] }
    DB_INSTANCE_BACKUP_ENABLED               = { input_parameters = null, catalog_checks = ["rds.backup_retention"] }
    RDS_INSTANCE_DELETION_PROTECTION_ENABLED = { input_parameters = null, catalog_checks = ["rds.deletion_protection"] }
    RDS_INSTANCE_PUBLIC_ACCESS_CHECK         = { input_parameters = null, catalog_checks = ["rds.no_public_access"] }
    RDS_SNAPSHOTS_PUBLIC_PROHIBITED          = { input_parameters = null, catalog_checks = ["rds.snapshot_not_public"] }
    RDS_SNAPSHOT_ENCRYPTED                   = { input_parameters = null, catalog_checks = ["rds.snapshot_encrypted"] }
    RDS_LOGGING_ENABLED                      = { input_parameters = null, catalog_checks = ["rds.log_exports"] }
    RDS_CLUSTER_DELETION_PROTECTION_ENABLED  = { input_parameters = null, catalog_checks = ["rds.cluster_deletion_protection"] }
  }
  # Account- and region-wide controls (the account-baseline module's settings and the IAM
  # hygiene of every principal). The IAM rules evaluate global resource types, recorded in the
  # home region only (include_global_resource_types), so they are deployed there only.
  account_rules = {
    S3_ACCOUNT_LEVEL_PUBLIC_ACCESS_BLOCKS_PERIODIC = { input_parameters = null, catalog_checks = ["s3.account_public_access_block"] }
    EC2_EBS_ENCRYPTION_BY_DEFAULT                  = { input_parameters = null, catalog_checks = ["ec2.ebs_default_encryption"] }
    GUARDDUTY_ENABLED_CENTRALIZED                  = { input_parameters = null, catalog_checks = ["guardduty.enabled"] }
    SECURITYHUB_ENABLED                            = { input_parameters = null, catalog_checks = ["securityhub.enabled"] }
    CLOUDTRAIL_SECURITY_TRAIL_ENABLED              = { input_parameters = null, catalog_checks = ["cloudtrail.management_events"] }
  }
  iam_rules = {
    IAM_PASSWORD_POLICY = {
      input_parameters = jsonencode({
        MinimumPasswordLength      = tostring(var.password_policy.minimum_length)
        RequireSymbols             = tostring(var.password_policy.require_symbols)
        RequireNumbers             = tostring(var.password_policy.require_numbers)
        RequireUppercaseCharacters = tostring(var.password_policy.require_uppercase)
        RequireLowercaseCharacters = tostring(var.password_policy.require_lowercase)
        PasswordReusePrevention    = tostring(var.password_policy.reuse_prevention)
        MaxPasswordAge             = tostring(var.password_policy.max_age_days)
      })
      catalog_checks = ["iam.password_policy"]
    }
    ROOT_ACCOUNT_MFA_ENABLED                   = { input_parameters = null, catalog_checks = ["iam.root_mfa"] }
    IAM_ROOT_ACCESS_KEY_CHECK                  = { input_parameters = null, catalog_checks = ["iam.root_no_access_keys"] }
    MFA_ENABLED_FOR_IAM_CONSOLE_ACCESS         = { input_parameters = null, catalog_checks = ["iam.user_console_mfa"] }
    ACCESS_KEYS_ROTATED                        = { input_parameters = jsonencode({ maxAccessKeyAge = tostring(var.access_key_max_age_days) }), catalog_checks = ["iam.access_keys_rotated"] }
    IAM_USER_UNUSED_CREDENTIALS_CHECK          = { input_parameters = jsonencode({ maxCredentialUsageAge = tostring(var.credential_max_days_unused) }), catalog_checks = ["iam.unused_credentials"] }
    IAM_USER_NO_POLICIES_CHECK                 = { input_parameters = null, catalog_checks = ["iam.user_no_direct_policies"] }
    IAM_POLICY_NO_STATEMENTS_WITH_ADMIN_ACCESS = { input_parameters = null, catalog_checks = ["iam.no_admin_policies"] }
    IAM_CUSTOMER_POLICY_BLOCKED_KMS_ACTIONS    = { input_parameters = jsonencode({ blockedActionsPatterns = "kms:Decrypt,kms:ReEncryptFrom" }), catalog_checks = ["iam.no_kms_decrypt_on_all_keys"] }
    IAM_INLINE_POLICY_BLOCKED_KMS_ACTIONS      = { input_parameters = jsonencode({ blockedActionsPatterns = "kms:Decrypt,kms:ReEncryptFrom" }), catalog_checks = ["iam.no_kms_decrypt_on_all_keys"] }
  }
  organization_rules = {
    ACCOUNT_PART_OF_ORGANIZATIONS = { input_parameters = null, catalog_checks = ["organizations.account_member"] }
  }
  # Workload controls: they report NOT_APPLICABLE in accounts without such resources.
  workload_rules = {
    EC2_IMDSV2_CHECK                         = { input_parameters = null, catalog_checks = ["ec2.instance_imdsv2"] }
    SUBNET_AUTO_ASSIGN_PUBLIC_IP_DISABLED    = { input_parameters = null, catalog_checks = ["ec2.subnet_no_auto_public_ip"] }
    ENCRYPTED_VOLUMES                        = { input_parameters = null, catalog_checks = ["ec2.ebs_volume_encrypted"] }
    EBS_SNAPSHOT_PUBLIC_RESTORABLE_CHECK     = { input_parameters = null, catalog_checks = ["ec2.ebs_snapshot_not_public"] }
    NO_UNRESTRICTED_ROUTE_TO_IGW             = { input_parameters = null, catalog_checks = ["ec2.no_unrestricted_route_to_igw"] }
    NACL_NO_UNRESTRICTED_SSH_RDP             = { input_parameters = null, catalog_checks = ["ec2.nacl_no_admin_ingress"] }
    DYNAMODB_PITR_ENABLED                    = { input_parameters = null, catalog_checks = ["dynamodb.pitr"] }
    DYNAMODB_TABLE_ENCRYPTED_KMS             = { input_parameters = null, catalog_checks = ["dynamodb.kms"] }
    EFS_ENCRYPTED_CHECK                      = { input_parameters = null, catalog_checks = ["efs.encrypted"] }
    SECRETSMANAGER_ROTATION_ENABLED_CHECK    = { input_parameters = null, catalog_checks = ["secretsmanager.rotation"] }
    SECRETSMANAGER_USING_CMK                 = { input_parameters = null, catalog_checks = ["secretsmanager.kms_cmk"] }
    LAMBDA_FUNCTION_PUBLIC_ACCESS_PROHIBITED = { input_parameters = null, catalog_checks = ["lambda.not_public"] }
    SNS_ENCRYPTED_KMS                        = { input_parameters = null, catalog_checks = ["sns.kms"] }
    CLOUDWATCH_ALARM_ACTION_CHECK            = { input_parameters = jsonencode({ alarmActionRequired = "true", insufficientDataActionRequired = "false", okActionRequired = "false" }), catalog_checks = ["cloudwatch.alarm_actions"] }
    ELB_LOGGING_ENABLED                      = { input_parameters = null, catalog_checks = ["elb.access_logging"] }
    ELB_DELETION_PROTECTION_ENABLED          = { input_parameters = null, catalog_checks = ["elb.deletion_protection"] }
    ELB_TLS_HTTPS_LISTENERS_ONLY             = { input_parameters = null, catalog_checks = ["elb.tls_listeners"] }
    ALB_HTTP_TO_HTTPS_REDIRECTION_CHECK      = { input_parameters = null, catalog_checks = ["elb.tls_listeners"] }
    S3_VERSION_LIFECYCLE_POLICY_CHECK        = { input_parameters = null, catalog_checks = ["s3.lifecycle_retention"] }
  }
  # AWS Backup (Annex 11 §7.2): daily backups kept at least backup_min_retention_days, encrypted
  # recovery points that cannot be deleted by hand, every data store selected by a plan.
  backup_rules = {
    BACKUP_PLAN_MIN_FREQUENCY_AND_MIN_RETENTION_CHECK = {
      input_parameters = jsonencode({ requiredFrequencyValue = "1", requiredFrequencyUnit = "days", requiredRetentionDays = tostring(var.backup_min_retention_days) })
      catalog_checks   = ["backup.plan_min_frequency_retention"]
    }
    BACKUP_RECOVERY_POINT_ENCRYPTED                = { input_parameters = null, catalog_checks = ["backup.recovery_point_encrypted"] }
    BACKUP_RECOVERY_POINT_MINIMUM_RETENTION_CHECK  = { input_parameters = jsonencode({ requiredRetentionDays = tostring(var.backup_min_retention_days) }), catalog_checks = ["backup.recovery_point_min_retention"] }
    BACKUP_RECOVERY_POINT_MANUAL_DELETION_DISABLED = { input_parameters = null, catalog_checks = ["backup.vault_locked"] }
    RDS_IN_BACKUP_PLAN                             = { input_parameters = null, catalog_checks = ["backup.resource_protected"] }
    DYNAMODB_IN_BACKUP_PLAN                        = { input_parameters = null, catalog_checks = ["backup.resource_protected"] }
    EBS_IN_BACKUP_PLAN                             = { input_parameters = null, catalog_checks = ["backup.resource_protected"] }
    EFS_IN_BACKUP_PLAN                             = { input_parameters = null, catalog_checks = ["backup.resource_protected"] }
  }
  # Object Lock and replication are required of GxP record buckets, not of every bucket (log
  # and delivery buckets have neither): these rules evaluate only buckets carrying the
  # record-bucket tag.
  record_bucket_rules = {
    S3_BUCKET_DEFAULT_LOCK_ENABLED = { input_parameters = null, catalog_checks = ["s3.object_lock"] }
    S3_BUCKET_REPLICATION_ENABLED  = { input_parameters = null, catalog_checks = ["s3.replication"] }
  }
  managed_rules = merge(
    local.base_rules,
    local.account_rules,
    { for name, rule in local.iam_rules : name => rule if var.include_global_resource_types },
    { for name, rule in local.organization_rules : name => rule if var.organization_member_required },
    { for name, rule in local.workload_rules : name => rule if var.workload_rules_enabled },
    { for name, rule in local.backup_rules : name => rule if var.backup_rules_enabled },
    { for name, rule in local.rds_rules : name => rule if var.rds_rules_enabled },
    { for name, rule in local.record_bucket_rules : name => merge(rule, { scope_tag = var.record_bucket_tag }) if var.record_bucket_tag != null },
  )
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
    sid       = "ConfigEncryptsDeliveredFiles"
    effect    = "Allow"
    actions   = ["kms:Decrypt", "kms:GenerateDataKey"]
    resources = ["*"]

    principals {
      type        = "Service"
      identifiers = ["config.amazonaws.com"]
    }

    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [local.account_id]
    }
  }
}

resource "aws_kms_key" "config" {
  description             = "Encrypts AWS Config history and snapshots in ${var.bucket_name}"
  enable_key_rotation     = true
  deletion_window_in_days = var.kms_deletion_window_days
  policy                  = data.aws_iam_policy_document.kms.json
  tags                    = local.tags
}

resource "aws_kms_alias" "config" {
  name          = "alias/${replace(var.bucket_name, ".", "-")}"
  target_key_id = aws_kms_key.config.key_id
}

# ---------------------------------------------------------------- IAM role of the recorder

data "aws_iam_policy_document" "config_assume" {
  statement {
    effect  = "Allow"
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["config.amazonaws.com"]
    }

    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [local.account_id]
    }
  }
}

resource "aws_iam_role" "config" {
  name_prefix        = "gxp-config-"
  description        = "Role of the AWS Config recorder ${var.recorder_name}"
  assume_role_policy = data.aws_iam_policy_document.config_assume.json
  tags               = local.tags
}

resource "aws_iam_role_policy_attachment" "config" {
  role       = aws_iam_role.config.name
  policy_arn = "arn:${local.partition}:iam::aws:policy/service-role/AWS_ConfigRole"
}

data "aws_iam_policy_document" "config_delivery" {
  statement {
    sid       = "DeliverToConfigBucket"
    effect    = "Allow"
    actions   = ["s3:PutObject", "s3:PutObjectAcl"]
    resources = ["${local.bucket_arn}/${var.s3_key_prefix}/AWSLogs/${local.account_id}/*"]

    condition {
      test     = "StringLike"
      variable = "s3:x-amz-acl"
      values   = ["bucket-owner-full-control"]
    }
  }

  statement {
    sid       = "CheckConfigBucket"
    effect    = "Allow"
    actions   = ["s3:GetBucketAcl", "s3:ListBucket"]
    resources = [local.bucket_arn]
  }

  statement {
    sid       = "EncryptDeliveredFiles"
    effect    = "Allow"
    actions   = ["kms:Decrypt", "kms:GenerateDataKey"]
    resources = [aws_kms_key.config.arn]
  }
}

resource "aws_iam_role_policy" "config_delivery" {
  name   = "deliver-to-config-bucket"
  role   = aws_iam_role.config.id
  policy = data.aws_iam_policy_document.config_delivery.json
}

# ---------------------------------------------------------------- Config bucket
# AWS Config cannot deliver to a bucket with an Object Lock default retention, so the
# configuration history is protected by versioning, KMS, TLS-only access and access logging:
# modules/_internal/hardened-bucket without Object Lock, with AWS Config's delivery
# permissions added to the bucket policy.

data "aws_iam_policy_document" "config_bucket_delivery" {
  statement {
    sid       = "ConfigBucketCheck"
    effect    = "Allow"
    actions   = ["s3:GetBucketAcl", "s3:ListBucket"]
    resources = [local.bucket_arn]

    principals {
      type        = "Service"
      identifiers = ["config.amazonaws.com"]
    }

    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [local.account_id]
    }
  }

  statement {
    sid       = "ConfigDelivery"
    effect    = "Allow"
    actions   = ["s3:PutObject"]
    resources = ["${local.bucket_arn}/${var.s3_key_prefix}/AWSLogs/${local.account_id}/Config/*"]

    principals {
      type        = "Service"
      identifiers = ["config.amazonaws.com"]
    }

    condition {
      test     = "StringEquals"
      variable = "s3:x-amz-acl"
      values   = ["bucket-owner-full-control"]
    }

    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [local.account_id]
    }
  }
}

module "bucket" {
  source = "../_internal/hardened-bucket"

  bucket_name            = var.bucket_name
  access_log_bucket_name = local.log_bucket_name
  kms_key_arn            = aws_kms_key.config.arn
  policy_documents       = [data.aws_iam_policy_document.config_bucket_delivery.json]
  archive_tiers          = var.archive_tiers
  tags                   = local.tags
}

# ---------------------------------------------------------------- recorder, channel, rules

resource "aws_config_configuration_recorder" "this" {
  name     = var.recorder_name
  role_arn = aws_iam_role.config.arn

  recording_group {
    all_supported                 = true
    include_global_resource_types = var.include_global_resource_types
  }
}

resource "aws_config_delivery_channel" "this" {
  name           = var.delivery_channel_name
  s3_bucket_name = module.bucket.bucket_name
  s3_key_prefix  = var.s3_key_prefix
  s3_kms_key_arn = aws_kms_key.config.arn

  snapshot_delivery_properties {
    delivery_frequency = var.snapshot_delivery_frequency
  }

  depends_on = [
    aws_config_configuration_recorder.this,
    module.bucket,
    aws_iam_role_policy.config_delivery,
  ]
}

resource "aws_config_configuration_recorder_status" "this" {
  name       = aws_config_configuration_recorder.this.name
  is_enabled = true

  depends_on = [aws_config_delivery_channel.this]
}

resource "aws_config_config_rule" "managed" {
  for_each = local.managed_rules

  name             = "gxp-${lower(replace(each.key, "_", "-"))}"
  description      = "AWS managed rule ${each.key}; corresponds to gxp catalog check(s) ${join(", ", each.value.catalog_checks)}."
  input_parameters = each.value.input_parameters
  tags             = local.tags

  source {
    owner             = "AWS"
    source_identifier = each.key
  }

  dynamic "scope" {
    for_each = try(each.value.scope_tag, null) == null ? [] : [each.value.scope_tag]
    content {
      compliance_resource_types = ["AWS::S3::Bucket"]
      tag_key                   = scope.value.key
      tag_value                 = scope.value.value
    }
  }

  depends_on = [aws_config_configuration_recorder.this]
}

# ---------------------------------------------------------------- qualification

module "qualification" {
  source = "./qualification"

  enabled        = var.qualification_enabled
  name           = coalesce(var.qualification_name, "${var.application_id}-${var.environment}-config-baseline")
  spec_version   = var.spec_version
  application_id = var.application_id
  environment    = var.environment
  risk_class     = var.risk_class
  approval       = var.approval

  recorder_name                 = aws_config_configuration_recorder.this.name
  delivery_channel_name         = aws_config_delivery_channel.this.name
  include_global_resource_types = var.include_global_resource_types
  config_bucket_name            = module.bucket.bucket_name
  access_log_bucket_name        = module.bucket.access_log_bucket_name
  kms_key_arn                   = aws_kms_key.config.arn

  evidence_store       = var.qualification_evidence_store
  requalify_after      = var.requalify_after
  enforce              = var.enforce_qualification
  configuration_commit = var.configuration_commit

  depends_on = [
    aws_config_configuration_recorder_status.this,
    module.bucket,
  ]
}
