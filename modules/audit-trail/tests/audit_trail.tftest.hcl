# Plan/apply the audit-trail module with mocked providers (no AWS account needed).

mock_provider "aws" {}

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
  trail_name           = "acme-gxp-test-trail"
  bucket_name          = "acme-gxp-test-audit-trail"
  trail_retention_days = 30
  gxp_bucket_arns      = ["arn:aws:s3:::acme-gxp-test-evidence", "arn:aws:s3:::acme-lims-records"]
  environment          = "test"
  approval = {
    approved_by      = "qa.lead@example.com"
    approved_at      = "2026-01-01"
    change_reference = "CR-TEST-001"
  }
}

run "trail_is_multi_region_validated_and_encrypted" {
  command = plan

  assert {
    condition     = aws_cloudtrail.this.is_multi_region_trail && aws_cloudtrail.this.include_global_service_events
    error_message = "The trail must be multi-region with global service events."
  }

  assert {
    condition     = aws_cloudtrail.this.enable_log_file_validation && aws_cloudtrail.this.enable_logging
    error_message = "The trail must log with log-file validation."
  }

  assert {
    condition     = aws_kms_key.trail.enable_key_rotation == true
    error_message = "The trail key must rotate."
  }

  assert {
    condition     = aws_cloudwatch_log_group.trail.retention_in_days == 365 && aws_cloudwatch_log_group.trail.name == "/aws/cloudtrail/acme-gxp-test-trail"
    error_message = "The log group keeps events 365 days by default."
  }

  assert {
    condition = toset(flatten([
      for s in aws_cloudtrail.this.event_selector : [
        for d in s.data_resource : d.values if d.type == "AWS::S3::Object"
      ]
    ])) == toset(["arn:aws:s3:::acme-gxp-test-evidence/", "arn:aws:s3:::acme-lims-records/"])
    error_message = "S3 data events must be recorded for every GxP bucket."
  }

  assert {
    condition     = module.bucket.object_lock_retention_days == 30
    error_message = "Trail logs must be locked in COMPLIANCE mode for trail_retention_days."
  }

  assert {
    condition     = aws_cloudtrail.this.s3_bucket_name == "acme-gxp-test-audit-trail" && output.access_log_bucket_name == "acme-gxp-test-audit-trail-access-logs"
    error_message = "The trail delivers to its hardened bucket, access-logged to <bucket_name>-access-logs."
  }
}

run "qualification_identifies_the_created_resources" {
  command = apply

  assert {
    condition     = module.bucket.kms_key_arn == aws_kms_key.trail.arn
    error_message = "The trail bucket must be encrypted with the trail key."
  }

  assert {
    condition     = one([for r in output.qualification_expected_resources : r.identifier if r.key == "audit_trail"]) == aws_cloudtrail.this.arn
    error_message = "audit_trail must identify the trail by ARN."
  }

  assert {
    condition     = one([for r in output.qualification_expected_resources : r.identifier if r.key == "audit_trail_log_group"]) == aws_cloudwatch_log_group.trail.name
    error_message = "audit_trail_log_group must identify the log group."
  }

  assert {
    condition     = toset([for r in output.qualification_expected_resources : r.check_parameters["cloudtrail.s3_data_events.bucket_arn"] if contains(r.checks, "cloudtrail.s3_data_events")]) == toset(var.gxp_bucket_arns)
    error_message = "Every GxP bucket must have its own s3_data_events expectation."
  }

  assert {
    condition     = contains([for r in output.qualification_requirements : r.id], "AUD-005")
    error_message = "AUD-005 (S3 data events) applies when GxP buckets are given."
  }
}

run "no_data_events_without_gxp_buckets" {
  command = plan

  variables {
    gxp_bucket_arns = []
  }

  assert {
    condition     = length(aws_cloudtrail.this.event_selector) == 0
    error_message = "No data-event selector without GxP buckets."
  }

  assert {
    condition     = !contains([for r in output.qualification_requirements : r.id], "AUD-005")
    error_message = "AUD-005 only applies with GxP buckets."
  }
}

run "rejects_short_log_retention" {
  command = plan

  variables {
    log_retention_days = 30
  }

  expect_failures = [var.log_retention_days]
}

run "rejects_malformed_bucket_arn" {
  command = plan

  variables {
    gxp_bucket_arns = ["acme-lims-records"]
  }

  expect_failures = [var.gxp_bucket_arns]
}
