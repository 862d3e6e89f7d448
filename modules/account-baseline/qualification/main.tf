# Specification and qualification of the account baseline. Only the gxp provider is used, so
# this module can be applied on its own against an existing account: the account checks run
# against the account and region the gxp provider is configured for.

locals {
  description = "Account baseline of ${var.application_id} (${var.environment}): IAM password policy and credential hygiene, S3 Block Public Access for the account, EBS encryption by default with a customer-managed key, GuardDuty and Security Hub."

  requirements = [
    {
      id       = "ACC-001"
      text     = "Console passwords follow the account password policy: at least ${var.password_policy.minimum_length} characters${var.password_policy.require_symbols ? ", symbols" : ""}${var.password_policy.require_numbers ? ", numbers" : ""}${var.password_policy.require_uppercase ? ", uppercase" : ""}${var.password_policy.require_lowercase ? ", lowercase" : ""}, the last ${var.password_policy.reuse_prevention} passwords not reused, expiry within ${var.password_policy.max_age_days} days."
      controls = ["21CFR11.10(d)", "21CFR11.300", "21CFR11.300(b)", "Annex11-12", "Annex11-12.1"]
      severity = "security"
    },
    {
      id       = "ACC-002"
      text     = "Every identity is unique and strongly authenticated: the root user has ${var.root_hardware_mfa ? "a hardware" : "an"} MFA device and no access keys, every IAM user with a console password has MFA, access keys are rotated within ${var.access_key_max_age_days} days and credentials unused for ${var.credential_max_days_unused} days are disabled."
      controls = ["21CFR11.10(d)", "21CFR11.10(g)", "21CFR11.100(a)", "21CFR11.300", "21CFR11.300(b)", "Annex11-12", "Annex11-12.1"]
      severity = "security"
    },
    {
      id       = "ACC-003"
      text     = "Permissions are granted through groups and roles, never directly to users; no customer-managed or inline policy grants full administrative access or kms:Decrypt on all keys."
      controls = ["21CFR11.10(d)", "21CFR11.10(g)", "Annex11-12", "Annex11-12.1"]
      severity = "security"
    },
    {
      id       = "ACC-004"
      text     = "Data at rest cannot be exposed by account defaults: S3 Block Public Access is on for the whole account, and new EBS volumes and snapshots are encrypted by default with a rotating customer-managed KMS key."
      controls = ["21CFR11.10(c)", "21CFR11.10(d)", "21CFR11.30", "Annex11-7", "Annex11-7.1", "Annex11-12"]
      severity = "security"
    },
    {
      id       = "ACC-005"
      text     = "Threats and misconfigurations are detected continuously: GuardDuty has an enabled detector and Security Hub is enabled with at least one subscribed standard${var.organization_member_required ? "; the account is governed as a member of an AWS Organization" : ""}."
      controls = ["21CFR11.10(a)", "21CFR11.10(e)", "Annex11-11", "Annex11-12"]
      severity = "security"
    },
  ]

  expected_resources = [
    {
      key              = "account_ebs_kms_key"
      type             = "AWS::KMS::Key"
      identifier       = var.ebs_kms_key_arn
      checks           = ["kms.enabled", "kms.rotation"]
      check_parameters = {}
      properties       = null
      requirements     = ["ACC-004"]
    },
  ]

  expected_account = {
    checks = concat([
      "iam.password_policy",
      "iam.root_mfa",
      "iam.root_no_access_keys",
      "iam.user_console_mfa",
      "iam.access_keys_rotated",
      "iam.unused_credentials",
      "iam.user_no_direct_policies",
      "iam.no_admin_policies",
      "iam.no_kms_decrypt_on_all_keys",
      "s3.account_public_access_block",
      "ec2.ebs_default_encryption",
      "guardduty.enabled",
      "securityhub.enabled",
    ], var.organization_member_required ? ["organizations.account_member"] : [])
    check_parameters = {
      "iam.password_policy.min_length"         = tostring(var.password_policy.minimum_length)
      "iam.password_policy.require_symbols"    = tostring(var.password_policy.require_symbols)
      "iam.password_policy.require_numbers"    = tostring(var.password_policy.require_numbers)
      "iam.password_policy.require_uppercase"  = tostring(var.password_policy.require_uppercase)
      "iam.password_policy.require_lowercase"  = tostring(var.password_policy.require_lowercase)
      "iam.password_policy.reuse_prevention"   = tostring(var.password_policy.reuse_prevention)
      "iam.password_policy.max_age_days"       = tostring(var.password_policy.max_age_days)
      "iam.root_mfa.hardware"                  = tostring(var.root_hardware_mfa)
      "iam.access_keys_rotated.max_age_days"   = tostring(var.access_key_max_age_days)
      "iam.unused_credentials.max_days_unused" = tostring(var.credential_max_days_unused)
      "ec2.ebs_default_encryption.kms_key_id"  = var.ebs_kms_key_arn
    }
    requirements = ["ACC-001", "ACC-002", "ACC-003", "ACC-004", "ACC-005"]
  }
}

resource "gxp_expected_spec" "this" {
  count = var.enabled ? 1 : 0

  name        = var.name
  version     = var.spec_version
  description = local.description

  system {
    application_id = var.application_id
    environment    = var.environment
    gamp_category  = 1
    risk_class     = var.risk_class
  }

  dynamic "approval" {
    for_each = var.approval == null ? [] : [var.approval]
    content {
      approved_by      = approval.value.approved_by
      approved_at      = approval.value.approved_at
      change_reference = approval.value.change_reference
      reason           = approval.value.reason
    }
  }

  dynamic "requirement" {
    for_each = local.requirements
    content {
      id       = requirement.value.id
      text     = requirement.value.text
      controls = requirement.value.controls
      severity = requirement.value.severity
    }
  }

  dynamic "expected_resource" {
    for_each = local.expected_resources
    content {
      key              = expected_resource.value.key
      type             = expected_resource.value.type
      identifier       = expected_resource.value.identifier
      checks           = expected_resource.value.checks
      check_parameters = expected_resource.value.check_parameters
      properties       = expected_resource.value.properties
      requirements     = expected_resource.value.requirements
    }
  }

  expected_account {
    checks           = local.expected_account.checks
    check_parameters = local.expected_account.check_parameters
    requirements     = local.expected_account.requirements
  }

  lifecycle {
    precondition {
      condition     = var.approval != null
      error_message = "A specification needs its approval: set `approval` (approved_by, approved_at, change_reference)."
    }
  }
}

resource "gxp_qualification" "this" {
  count = var.enabled ? 1 : 0

  name          = var.name
  spec_id       = gxp_expected_spec.this[0].id
  spec_digest   = gxp_expected_spec.this[0].digest
  spec_document = gxp_expected_spec.this[0].canonical_json
  # Every result in state: the e2e tests (tests/e2e/modules.rs) read passed results from it.
  results_in_state     = "all"
  requalify_after      = var.requalify_after
  enforce              = var.enforce
  configuration_commit = var.configuration_commit

  dynamic "evidence_store" {
    for_each = var.evidence_store == null ? [] : [var.evidence_store]
    content {
      s3_bucket  = evidence_store.value.s3_bucket
      s3_prefix  = evidence_store.value.s3_prefix
      kms_key_id = evidence_store.value.kms_key_id
    }
  }
}
