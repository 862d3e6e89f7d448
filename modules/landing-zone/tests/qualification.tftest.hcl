# The combining qualification submodule on its own (gxp provider only).

mock_provider "aws" {}

mock_provider "gxp" {}

variables {
  name           = "test-landing-zone"
  application_id = "landing-zone"
  environment    = "test"
  requirements = [
    { id = "EVD-001", text = "Records are protected.", controls = ["21CFR11.10(c)"], severity = "security" },
  ]
  expected_resources = [
    { key = "evidence_bucket", type = "AWS::S3::Bucket", identifier = "acme-gxp-test-evidence", checks = ["s3.versioning"], requirements = ["EVD-001"] },
  ]
  evidence_store = { s3_bucket = "acme-gxp-test-evidence" }
  approval = {
    approved_by      = "qa.lead@example.com"
    approved_at      = "2026-01-01"
    change_reference = "CR-TEST-001"
  }
}

run "declares_spec_and_qualification" {
  command = plan

  module {
    source = "./qualification"
  }

  assert {
    condition     = length(gxp_expected_spec.this.expected_resource) == 1 && gxp_expected_spec.this.expected_resource[0].identifier == "acme-gxp-test-evidence"
    error_message = "The expected resources are passed through."
  }
}

run "rejects_duplicate_keys" {
  command = plan

  module {
    source = "./qualification"
  }

  variables {
    expected_resources = [
      { key = "b", type = "AWS::S3::Bucket", identifier = "one", checks = ["s3.versioning"] },
      { key = "b", type = "AWS::S3::Bucket", identifier = "two", checks = ["s3.versioning"] },
    ]
  }

  expect_failures = [var.expected_resources]
}
