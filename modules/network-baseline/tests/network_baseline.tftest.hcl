# Plan/apply the network-baseline module with mocked providers (no AWS account needed).

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
  name     = "acme-test"
  vpc_cidr = "10.20.0.0/16"
  private_subnets = [
    { availability_zone = "eu-central-1a", cidr_block = "10.20.0.0/20" },
    { availability_zone = "eu-central-1b", cidr_block = "10.20.16.0/20" },
  ]
  environment = "test"
  approval = {
    approved_by      = "qa.lead@example.com"
    approved_at      = "2026-01-01"
    change_reference = "CR-TEST-001"
  }
}

run "private_network_with_flow_logs_and_endpoints" {
  command = plan

  assert {
    condition     = length(aws_subnet.private) == 2 && alltrue([for s in aws_subnet.private : s.map_public_ip_on_launch == false])
    error_message = "One private subnet per entry of private_subnets, without public IPs."
  }

  assert {
    condition     = aws_flow_log.vpc.traffic_type == "ALL" && aws_flow_log.vpc.log_destination_type == "cloud-watch-logs"
    error_message = "Flow logs record ALL traffic to CloudWatch Logs."
  }

  assert {
    condition     = aws_cloudwatch_log_group.flow_logs.retention_in_days == 365
    error_message = "Flow logs are kept 365 days by default."
  }

  assert {
    condition = alltrue([
      for rule in aws_security_group.endpoints.ingress : rule.from_port == 443 && rule.to_port == 443 && toset(rule.cidr_blocks) == toset([var.vpc_cidr])
    ])
    error_message = "The endpoint security group allows HTTPS from the VPC only."
  }

  assert {
    condition     = toset(keys(aws_vpc_endpoint.interface)) == toset(["kms", "logs", "sts"]) && alltrue([for e in aws_vpc_endpoint.interface : e.private_dns_enabled])
    error_message = "KMS, Logs and STS interface endpoints with private DNS."
  }

  assert {
    condition     = aws_vpc_endpoint.s3.vpc_endpoint_type == "Gateway"
    error_message = "S3 is reached through a gateway endpoint."
  }
}

run "qualification_identifies_the_created_resources" {
  command = apply

  # Rules are optional+computed attributes: known after apply only.
  assert {
    condition     = length(aws_default_security_group.this.ingress) == 0 && length(aws_default_security_group.this.egress) == 0
    error_message = "The default security group has no rules."
  }

  assert {
    condition     = length(aws_security_group.endpoints.egress) == 0
    error_message = "The endpoint security group has no egress rule."
  }

  assert {
    condition     = one([for r in output.qualification_expected_resources : r.identifier if r.key == "network_vpc"]) == aws_vpc.this.id
    error_message = "network_vpc must identify the VPC."
  }

  assert {
    condition     = toset([for r in output.qualification_expected_resources : r.identifier if r.type == "AWS::EC2::VPCEndpoint"]) == toset(concat([aws_vpc_endpoint.s3.id], [for e in aws_vpc_endpoint.interface : e.id]))
    error_message = "Every VPC endpoint must be expected."
  }
}

run "rejects_a_single_subnet" {
  command = plan

  variables {
    private_subnets = [{ availability_zone = "eu-central-1a", cidr_block = "10.20.0.0/20" }]
  }

  expect_failures = [var.private_subnets]
}

run "rejects_a_subnet_outside_the_vpc" {
  command = plan

  variables {
    private_subnets = [
      { availability_zone = "eu-central-1a", cidr_block = "10.20.0.0/20" },
      { availability_zone = "eu-central-1b", cidr_block = "10.99.0.0/20" },
    ]
  }

  expect_failures = [aws_subnet.private]
}

run "rejects_missing_mandatory_endpoints" {
  command = plan

  variables {
    interface_endpoint_services = ["kms"]
  }

  expect_failures = [var.interface_endpoint_services]
}
