# Regulated landing zone: the evidence store, the audit trail, the configuration baseline, the
# network baseline and the account baseline, qualified together against one approved specification whose reports
# are filed in the landing zone's own evidence store.

data "aws_partition" "current" {}

locals {
  evidence_bucket_name = "${var.name_prefix}-evidence"
  # Built from the name (not the bucket's computed ARN) so the data-event expectations'
  # keys are known at plan time.
  evidence_bucket_arn = "arn:${data.aws_partition.current.partition}:s3:::${local.evidence_bucket_name}"
  qualification_name  = coalesce(var.qualification_name, "${var.application_id}-${var.environment}-landing-zone")
}

module "evidence_store" {
  source = "../evidence-store"

  bucket_name    = local.evidence_bucket_name
  retention_days = var.record_retention_days
  archive_tiers  = var.archive_tiers
  application_id = var.application_id
  environment    = var.environment
  tags           = var.tags

  qualification_enabled = false
}

module "audit_trail" {
  source = "../audit-trail"

  trail_name           = "${var.name_prefix}-trail"
  bucket_name          = "${var.name_prefix}-audit-trail"
  trail_retention_days = var.record_retention_days
  log_retention_days   = var.log_retention_days
  gxp_bucket_arns      = distinct(concat([local.evidence_bucket_arn], var.gxp_bucket_arns))
  archive_tiers        = var.archive_tiers
  application_id       = var.application_id
  environment          = var.environment
  tags                 = var.tags

  qualification_enabled = false
}

module "config_baseline" {
  source = "../config-baseline"

  recorder_name                 = "${var.name_prefix}-recorder"
  delivery_channel_name         = "${var.name_prefix}-delivery-channel"
  bucket_name                   = "${var.name_prefix}-config"
  include_global_resource_types = var.include_global_resource_types
  password_policy               = var.password_policy
  organization_member_required  = var.organization_member_required
  min_log_retention_days        = var.log_retention_days
  archive_tiers                 = var.archive_tiers
  application_id                = var.application_id
  environment                   = var.environment
  tags                          = var.tags

  qualification_enabled = false
}

module "network_baseline" {
  source = "../network-baseline"

  name                        = var.name_prefix
  vpc_cidr                    = var.vpc_cidr
  private_subnets             = var.private_subnets
  interface_endpoint_services = var.interface_endpoint_services
  flow_log_retention_days     = var.flow_log_retention_days
  application_id              = var.application_id
  environment                 = var.environment
  tags                        = var.tags

  qualification_enabled = false
}

module "account_baseline" {
  source = "../account-baseline"

  password_policy              = var.password_policy
  organization_member_required = var.organization_member_required
  securityhub_standards        = var.securityhub_standards
  access_analyzer_name         = "${var.name_prefix}-account-analyzer"
  application_id               = var.application_id
  environment                  = var.environment
  tags                         = var.tags

  qualification_enabled = false
}

# One specification for the whole landing zone, assembled from the five modules' requirements,
# expected resources and account expectations, filed in the landing zone's evidence store.
module "qualification" {
  source = "./qualification"

  name           = local.qualification_name
  spec_version   = var.spec_version
  application_id = var.application_id
  environment    = var.environment
  risk_class     = var.risk_class
  approval       = var.approval

  requirements = concat(
    module.evidence_store.qualification_requirements,
    module.audit_trail.qualification_requirements,
    module.config_baseline.qualification_requirements,
    module.network_baseline.qualification_requirements,
    module.account_baseline.qualification_requirements,
  )
  expected_resources = concat(
    module.evidence_store.qualification_expected_resources,
    module.audit_trail.qualification_expected_resources,
    module.config_baseline.qualification_expected_resources,
    module.network_baseline.qualification_expected_resources,
    module.account_baseline.qualification_expected_resources,
  )
  expected_account = module.account_baseline.qualification_expected_account

  evidence_store       = module.evidence_store.evidence_store
  requalify_after      = var.requalify_after
  enforce              = var.enforce_qualification
  configuration_commit = var.configuration_commit

  depends_on = [
    module.evidence_store,
    module.audit_trail,
    module.config_baseline,
    module.network_baseline,
    module.account_baseline,
  ]
}
