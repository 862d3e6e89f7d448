resource "gxp_expected_spec" "lims" {
  name    = "lims-prod"
  version = "1.0"

  system {
    application_id = "lims"
    environment    = "prod"
  }

  approval {
    approved_by      = "quality.assurance@example.com"
    approved_at      = "2026-03-01"
    change_reference = "CR-2026-014"
  }

  expected_resource {
    key        = "records"
    type       = "AWS::S3::Bucket"
    identifier = "lims-records"
    checks     = ["s3.versioning", "s3.encryption", "s3.access_logging"]
  }

  expected_resource {
    key        = "records-key"
    type       = "AWS::KMS::Key"
    identifier = "1234abcd-12ab-34cd-56ef-1234567890ab"
    checks     = ["kms.enabled", "kms.rotation"]
  }
}

# The least-privilege policy of the pipeline role that qualifies lims-prod.
data "gxp_iam_policy" "qualifier" {
  spec_document    = gxp_expected_spec.lims.canonical_json
  signing_key_id   = "arn:aws:kms:eu-west-1:123456789012:key/0f0e0d0c-1111-2222-3333-444455556666"
  notify_topic_arn = "arn:aws:sns:eu-west-1:123456789012:gxp-qualification"

  evidence_store {
    s3_bucket = "acme-gxp-evidence"
    s3_prefix = "gxp-evidence/"
  }
}

# Attach it to the role that runs `terraform apply` (hashicorp/aws):
#   resource "aws_iam_role_policy" "qualifier" {
#     role   = aws_iam_role.qualifier.id
#     policy = data.gxp_iam_policy.qualifier.json
#   }

output "qualifier_policy" {
  value = data.gxp_iam_policy.qualifier.json
}

output "qualifier_policy_notes" {
  value = data.gxp_iam_policy.qualifier.notes
}
