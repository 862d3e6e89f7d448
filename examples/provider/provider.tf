terraform {
  required_providers {
    gxp = {
      source  = "gxp/gxp"
      version = "~> 0.1"
    }
  }
}

# Credentials, profiles and endpoints work as in the hashicorp/aws provider.
provider "gxp" {
  region = "eu-west-1"

  # Where qualification reports are filed by default: a bucket with versioning and
  # Object Lock, e.g. the evidence-store module's `evidence_store` output.
  evidence_store {
    s3_bucket  = "acme-gxp-evidence"
    s3_prefix  = "gxp-evidence/"
    kms_key_id = "alias/gxp-evidence"
  }

  report_labels {
    application = "lims"
    environment = "prod"
  }
}
