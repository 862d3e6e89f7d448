# The qualification submodule on its own (gxp provider only).

mock_provider "aws" {}

mock_provider "gxp" {}

variables {
  name                       = "test-network-baseline"
  application_id             = "landing-zone"
  environment                = "test"
  vpc_id                     = "vpc-0a1b2c3d4e5f60718"
  endpoint_security_group_id = "sg-0a1b2c3d4e5f60718"
  s3_endpoint_id             = "vpce-0000000000000000s"
  interface_endpoint_ids     = { kms = "vpce-0000000000000000k", logs = "vpce-0000000000000000l", sts = "vpce-0000000000000000t" }
  flow_log_group_name        = "/aws/vpc-flow-logs/acme-test"
  kms_key_arn                = "arn:aws:kms:eu-central-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"
  approval = {
    approved_by      = "qa.lead@example.com"
    approved_at      = "2026-01-01"
    change_reference = "CR-TEST-001"
  }
}

run "spec_covers_vpc_endpoints_log_group_and_key" {
  command = plan

  module {
    source = "./qualification"
  }

  assert {
    condition     = [for r in output.expected_resources : r.key] == ["network_vpc", "network_endpoint_security_group", "network_vpce_s3", "network_flow_log_group", "network_kms_key", "network_vpce_kms", "network_vpce_logs", "network_vpce_sts"]
    error_message = "Unexpected expected resources."
  }

  assert {
    condition     = one([for r in output.expected_resources : r.checks if r.key == "network_vpc"]) == ["ec2.vpc_flow_logs", "ec2.default_sg_closed"]
    error_message = "The VPC carries the flow-log and default security group checks."
  }
}

run "approval_is_required_when_enabled" {
  command = plan

  module {
    source = "./qualification"
  }

  variables {
    approval = null
  }

  expect_failures = [gxp_expected_spec.this]
}
