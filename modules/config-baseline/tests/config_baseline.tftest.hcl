# Plan/apply the config-baseline module with mocked providers (no AWS account needed).

mock_provider "aws" {
  # KMS key references are typed check parameters: the mocked key gets a well-formed id and
  # ARN (the mock's random strings are refused at plan time, as a real typo would be).
  mock_resource "aws_kms_key" {
    defaults = {
      key_id = "1234abcd-12ab-34cd-56ef-1234567890ab"
      arn    = "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"
    }
  }
}

# The real gxp provider computes the specification (its digest and canonical document), so
# the qualification's consistency checks run as in production; no AWS call is made. The
# qualification itself is overridden: applying it would qualify live AWS infrastructure.
provider "gxp" {
  region                      = "us-east-1"
  skip_credentials_validation = true
  skip_requesting_account_id  = true
}

override_resource {
  target = module.qualification.gxp_qualification.this
  values = {
    status = "passed"
  }
}

variables {
  bucket_name = "acme-gxp-test-config"
  environment = "test"
  approval = {
    approved_by      = "qa.lead@example.com"
    approved_at      = "2026-01-01"
    change_reference = "CR-TEST-001"
  }
}

run "recorder_records_everything" {
  command = plan

  assert {
    condition = alltrue([
      for g in aws_config_configuration_recorder.this.recording_group : g.all_supported && g.include_global_resource_types
    ])
    error_message = "The recorder must record all supported and global resource types."
  }

  assert {
    condition     = aws_config_configuration_recorder_status.this.is_enabled == true
    error_message = "The recorder must be enabled."
  }

  assert {
    condition     = aws_config_delivery_channel.this.s3_key_prefix == "config"
    error_message = "The delivery channel writes under the key prefix."
  }

  assert {
    condition = length(setsubtract([
      "S3_BUCKET_VERSIONING_ENABLED", "S3_BUCKET_SERVER_SIDE_ENCRYPTION_ENABLED", "S3_BUCKET_PUBLIC_READ_PROHIBITED",
      "S3_BUCKET_SSL_REQUESTS_ONLY", "S3_BUCKET_ACL_PROHIBITED", "CLOUD_TRAIL_ENABLED", "CLOUD_TRAIL_LOG_FILE_VALIDATION_ENABLED",
      "CMK_BACKING_KEY_ROTATION_ENABLED", "VPC_FLOW_LOGS_ENABLED", "VPC_DEFAULT_SECURITY_GROUP_CLOSED",
      "RESTRICTED_INCOMING_TRAFFIC", "INCOMING_SSH_DISABLED", "CW_LOGGROUP_RETENTION_PERIOD_CHECK",
      "RDS_STORAGE_ENCRYPTED", "RDS_MULTI_AZ_SUPPORT", "DB_INSTANCE_BACKUP_ENABLED",
      "RDS_INSTANCE_DELETION_PROTECTION_ENABLED", "S3_DEFAULT_ENCRYPTION_KMS", "CLOUDTRAIL_S3_DATAEVENTS_ENABLED",
      "KMS_CMK_NOT_SCHEDULED_FOR_DELETION", "S3_BUCKET_DEFAULT_LOCK_ENABLED", "S3_BUCKET_REPLICATION_ENABLED",
    ], keys(aws_config_config_rule.managed))) == 0
    error_message = "Every catalog control must have its AWS Config managed rule."
  }

  assert {
    condition     = aws_config_config_rule.managed["S3_BUCKET_ACL_PROHIBITED"].source[0].source_identifier == "S3_BUCKET_ACL_PROHIBITED" && length(aws_config_config_rule.managed["S3_BUCKET_ACL_PROHIBITED"].scope) == 0
    error_message = "The ACL rule (s3.acl_disabled) evaluates every bucket of the account."
  }

  assert {
    condition     = jsondecode(aws_config_config_rule.managed["CW_LOGGROUP_RETENTION_PERIOD_CHECK"].input_parameters).MinRetentionTime == "365"
    error_message = "The log retention rule requires min_log_retention_days."
  }

  assert {
    condition     = aws_kms_key.config.enable_key_rotation == true
    error_message = "The Config key must rotate."
  }
}

run "account_workload_and_backup_rules_mirror_the_new_checks" {
  command = plan

  assert {
    condition = length(setsubtract([
      "S3_ACCOUNT_LEVEL_PUBLIC_ACCESS_BLOCKS_PERIODIC", "EC2_EBS_ENCRYPTION_BY_DEFAULT", "GUARDDUTY_ENABLED_CENTRALIZED",
      "SECURITYHUB_ENABLED", "CLOUDTRAIL_SECURITY_TRAIL_ENABLED", "IAM_PASSWORD_POLICY", "ROOT_ACCOUNT_MFA_ENABLED",
      "IAM_ROOT_ACCESS_KEY_CHECK", "MFA_ENABLED_FOR_IAM_CONSOLE_ACCESS", "ACCESS_KEYS_ROTATED",
      "IAM_USER_UNUSED_CREDENTIALS_CHECK", "IAM_USER_NO_POLICIES_CHECK", "IAM_POLICY_NO_STATEMENTS_WITH_ADMIN_ACCESS",
      "IAM_CUSTOMER_POLICY_BLOCKED_KMS_ACTIONS", "IAM_INLINE_POLICY_BLOCKED_KMS_ACTIONS",
      "EC2_IMDSV2_CHECK", "SUBNET_AUTO_ASSIGN_PUBLIC_IP_DISABLED", "ENCRYPTED_VOLUMES", "EBS_SNAPSHOT_PUBLIC_RESTORABLE_CHECK",
      "NO_UNRESTRICTED_ROUTE_TO_IGW", "NACL_NO_UNRESTRICTED_SSH_RDP", "DYNAMODB_PITR_ENABLED", "DYNAMODB_TABLE_ENCRYPTED_KMS",
      "EFS_ENCRYPTED_CHECK", "SECRETSMANAGER_ROTATION_ENABLED_CHECK", "SECRETSMANAGER_USING_CMK",
      "LAMBDA_FUNCTION_PUBLIC_ACCESS_PROHIBITED", "SNS_ENCRYPTED_KMS", "CLOUDWATCH_ALARM_ACTION_CHECK", "ELB_LOGGING_ENABLED",
      "ELB_DELETION_PROTECTION_ENABLED", "ELB_TLS_HTTPS_LISTENERS_ONLY", "ALB_HTTP_TO_HTTPS_REDIRECTION_CHECK",
      "S3_VERSION_LIFECYCLE_POLICY_CHECK", "BACKUP_PLAN_MIN_FREQUENCY_AND_MIN_RETENTION_CHECK",
      "BACKUP_RECOVERY_POINT_ENCRYPTED", "BACKUP_RECOVERY_POINT_MINIMUM_RETENTION_CHECK",
      "BACKUP_RECOVERY_POINT_MANUAL_DELETION_DISABLED", "RDS_IN_BACKUP_PLAN", "DYNAMODB_IN_BACKUP_PLAN", "EBS_IN_BACKUP_PLAN",
      "EFS_IN_BACKUP_PLAN", "RDS_INSTANCE_PUBLIC_ACCESS_CHECK", "RDS_SNAPSHOTS_PUBLIC_PROHIBITED", "RDS_SNAPSHOT_ENCRYPTED",
      "RDS_LOGGING_ENABLED", "RDS_CLUSTER_DELETION_PROTECTION_ENABLED",
    ], keys(aws_config_config_rule.managed))) == 0
    error_message = "Every new catalog control must have its AWS Config managed rule."
  }

  assert {
    condition = (
      jsondecode(aws_config_config_rule.managed["IAM_PASSWORD_POLICY"].input_parameters).MinimumPasswordLength == "14" &&
      jsondecode(aws_config_config_rule.managed["IAM_PASSWORD_POLICY"].input_parameters).PasswordReusePrevention == "24" &&
      jsondecode(aws_config_config_rule.managed["ACCESS_KEYS_ROTATED"].input_parameters).maxAccessKeyAge == "90" &&
      jsondecode(aws_config_config_rule.managed["IAM_USER_UNUSED_CREDENTIALS_CHECK"].input_parameters).maxCredentialUsageAge == "45"
    )
    error_message = "The IAM rules require the password policy and credential ages of the variables."
  }

  assert {
    condition     = jsondecode(aws_config_config_rule.managed["BACKUP_PLAN_MIN_FREQUENCY_AND_MIN_RETENTION_CHECK"].input_parameters).requiredRetentionDays == "35"
    error_message = "The backup plan rule requires backup_min_retention_days."
  }

  assert {
    condition     = !contains(keys(aws_config_config_rule.managed), "ACCOUNT_PART_OF_ORGANIZATIONS")
    error_message = "The organization rule is opt-in."
  }
}

run "secondary_regions_leave_out_the_global_iam_rules_and_opt_ins_apply" {
  command = plan

  variables {
    include_global_resource_types = false
    organization_member_required  = true
    workload_rules_enabled        = false
    backup_rules_enabled          = false
    password_policy               = { minimum_length = 16 }
  }

  assert {
    condition     = !contains(keys(aws_config_config_rule.managed), "IAM_PASSWORD_POLICY") && contains(keys(aws_config_config_rule.managed), "EC2_EBS_ENCRYPTION_BY_DEFAULT")
    error_message = "Without global resource types the IAM rules are left out; the regional account rules stay."
  }

  assert {
    condition     = contains(keys(aws_config_config_rule.managed), "ACCOUNT_PART_OF_ORGANIZATIONS")
    error_message = "organization_member_required adds ACCOUNT_PART_OF_ORGANIZATIONS."
  }

  assert {
    condition     = !contains(keys(aws_config_config_rule.managed), "EC2_IMDSV2_CHECK") && !contains(keys(aws_config_config_rule.managed), "BACKUP_RECOVERY_POINT_ENCRYPTED")
    error_message = "Workload and backup rules can be left out."
  }
}

run "rds_rules_can_be_left_out" {
  command = plan

  variables {
    rds_rules_enabled = false
  }

  assert {
    condition     = !contains(keys(aws_config_config_rule.managed), "RDS_STORAGE_ENCRYPTED")
    error_message = "RDS rules are optional."
  }
}

run "qualification_identifies_the_created_resources" {
  command = apply

  assert {
    condition     = one([for r in output.qualification_expected_resources : r.identifier if r.key == "config_recorder"]) == aws_config_configuration_recorder.this.name
    error_message = "config_recorder must identify the recorder."
  }

  assert {
    condition     = one([for r in output.qualification_expected_resources : r.check_parameters["config.delivery_channel.s3_bucket_name"] if r.key == "config_delivery_channel"]) == var.bucket_name && aws_config_delivery_channel.this.s3_bucket_name == var.bucket_name
    error_message = "The delivery channel must deliver to the module's bucket."
  }
}

run "rejects_unknown_delivery_frequency" {
  command = plan

  variables {
    snapshot_delivery_frequency = "Daily"
  }

  expect_failures = [var.snapshot_delivery_frequency]
}

run "record_bucket_rules_are_scoped_to_the_record_tag" {
  command = plan

  assert {
    condition     = aws_config_config_rule.managed["S3_BUCKET_DEFAULT_LOCK_ENABLED"].scope[0].tag_key == "GxpRecords"
    error_message = "The Object Lock rule evaluates only tagged record buckets."
  }

  assert {
    condition     = length(aws_config_config_rule.managed["S3_BUCKET_VERSIONING_ENABLED"].scope) == 0
    error_message = "Account-wide rules have no scope."
  }
}

run "record_bucket_rules_can_be_left_out" {
  command = plan

  variables {
    record_bucket_tag = null
  }

  assert {
    condition     = !contains(keys(aws_config_config_rule.managed), "S3_BUCKET_REPLICATION_ENABLED")
    error_message = "record_bucket_tag = null leaves the record-bucket rules out."
  }
}
