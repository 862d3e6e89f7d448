# A complete regulated landing zone: evidence store, audit trail, AWS Config baseline and
# network baseline, qualified together (IQ/OQ/PQ) against one approved specification whose
# reports are filed in the landing zone's own Object Lock evidence store.
#
#   terraform init
#   terraform apply -var configuration_commit=$(git rev-parse HEAD)
#
# The apply fails, after filing the report, when a qualification check fails. A scheduled
# `terraform plan -detailed-exitcode` shows a pending requalification (exit code 2) on drift,
# on a specification change or when the 90-day review period has elapsed.

provider "aws" {
  region = var.region

  default_tags {
    tags = {
      ManagedBy = "terraform"
      GxP       = "true"
    }
  }
}

# The gxp provider reads the same AWS credentials as hashicorp/aws; reports of this
# configuration are filed where the landing-zone module says (its own evidence store).
provider "gxp" {
  region = var.region

  report_labels {
    application = "landing-zone"
    environment = var.environment
  }
}

module "landing_zone" {
  source = "../../modules/landing-zone"

  name_prefix           = var.name_prefix
  environment           = var.environment
  record_retention_days = var.record_retention_days
  log_retention_days    = 365

  vpc_cidr = "10.20.0.0/16"
  private_subnets = [
    { availability_zone = "${var.region}a", cidr_block = "10.20.0.0/20" },
    { availability_zone = "${var.region}b", cidr_block = "10.20.16.0/20" },
    { availability_zone = "${var.region}c", cidr_block = "10.20.32.0/20" },
  ]
  flow_log_retention_days = 365

  # Workload buckets holding GxP records: their object-level access is recorded by the trail.
  gxp_bucket_arns = ["arn:aws:s3:::${var.name_prefix}-lims-records"]

  approval = {
    approved_by      = "qa.lead@example.com"
    approved_at      = "2026-03-01"
    change_reference = "CR-2026-014"
    reason           = "Initial qualification of the landing zone"
  }
  requalify_after      = "90d"
  configuration_commit = var.configuration_commit

  tags = {
    CostCenter = "quality-it"
  }
}
