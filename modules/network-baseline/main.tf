# Network baseline: a VPC with private subnets only, all traffic recorded by flow logs in a
# KMS-encrypted CloudWatch Logs group, AWS service traffic kept private through a gateway
# endpoint (S3) and interface endpoints (KMS, STS, CloudWatch Logs) that accept HTTPS from the
# VPC only, and a default security group without any rule.

data "aws_caller_identity" "current" {}

data "aws_partition" "current" {}

data "aws_region" "current" {}

locals {
  account_id          = data.aws_caller_identity.current.account_id
  partition           = data.aws_partition.current.partition
  region              = data.aws_region.current.name
  flow_log_group_name = coalesce(var.flow_log_group_name, "/aws/vpc-flow-logs/${var.name}")
  vpc_prefix_length   = tonumber(split("/", var.vpc_cidr)[1])
  tags = merge(var.tags, {
    Application = var.application_id
    Environment = var.environment
    GxpModule   = "network-baseline"
  })
}

# ---------------------------------------------------------------- VPC and subnets

resource "aws_vpc" "this" {
  cidr_block           = var.vpc_cidr
  enable_dns_support   = true
  enable_dns_hostnames = true
  tags                 = merge(local.tags, { Name = var.name })
}

# Managing the default security group without ingress or egress blocks removes all its rules.
resource "aws_default_security_group" "this" {
  vpc_id = aws_vpc.this.id
  tags   = merge(local.tags, { Name = "${var.name}-default-closed" })
}

resource "aws_subnet" "private" {
  count = length(var.private_subnets)

  vpc_id                  = aws_vpc.this.id
  availability_zone       = var.private_subnets[count.index].availability_zone
  cidr_block              = var.private_subnets[count.index].cidr_block
  map_public_ip_on_launch = false
  tags                    = merge(local.tags, { Name = "${var.name}-private-${var.private_subnets[count.index].availability_zone}", Tier = "private" })

  lifecycle {
    precondition {
      condition = (
        tonumber(split("/", var.private_subnets[count.index].cidr_block)[1]) >= local.vpc_prefix_length &&
        cidrhost("${split("/", var.private_subnets[count.index].cidr_block)[0]}/${local.vpc_prefix_length}", 0) == cidrhost(var.vpc_cidr, 0)
      )
      error_message = "Subnet ${var.private_subnets[count.index].cidr_block} is not inside the VPC CIDR ${var.vpc_cidr}."
    }
  }
}

resource "aws_route_table" "private" {
  vpc_id = aws_vpc.this.id
  tags   = merge(local.tags, { Name = "${var.name}-private" })
}

resource "aws_route_table_association" "private" {
  count = length(var.private_subnets)

  subnet_id      = aws_subnet.private[count.index].id
  route_table_id = aws_route_table.private.id
}

# ---------------------------------------------------------------- flow logs

data "aws_iam_policy_document" "kms" {
  statement {
    sid       = "AccountAdministersKeyThroughIam"
    effect    = "Allow"
    actions   = ["kms:*"]
    resources = ["*"]

    principals {
      type        = "AWS"
      identifiers = ["arn:${local.partition}:iam::${local.account_id}:root"]
    }
  }

  statement {
    sid       = "CloudWatchLogsEncryptsFlowLogGroup"
    effect    = "Allow"
    actions   = ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"]
    resources = ["*"]

    principals {
      type        = "Service"
      identifiers = ["logs.${local.region}.amazonaws.com"]
    }

    condition {
      test     = "ArnEquals"
      variable = "kms:EncryptionContext:aws:logs:arn"
      values   = ["arn:${local.partition}:logs:${local.region}:${local.account_id}:log-group:${local.flow_log_group_name}"]
    }
  }
}

resource "aws_kms_key" "flow_logs" {
  description             = "Encrypts the VPC flow logs of ${var.name}"
  enable_key_rotation     = true
  deletion_window_in_days = var.kms_deletion_window_days
  policy                  = data.aws_iam_policy_document.kms.json
  tags                    = local.tags
}

resource "aws_kms_alias" "flow_logs" {
  name          = "alias/${var.name}-vpc-flow-logs"
  target_key_id = aws_kms_key.flow_logs.key_id
}

resource "aws_cloudwatch_log_group" "flow_logs" {
  name              = local.flow_log_group_name
  retention_in_days = var.flow_log_retention_days
  kms_key_id        = aws_kms_key.flow_logs.arn
  tags              = local.tags
}

data "aws_iam_policy_document" "flow_logs_assume" {
  statement {
    effect  = "Allow"
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["vpc-flow-logs.amazonaws.com"]
    }

    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [local.account_id]
    }

    condition {
      test     = "ArnLike"
      variable = "aws:SourceArn"
      values   = ["arn:${local.partition}:ec2:${local.region}:${local.account_id}:vpc-flow-log/*"]
    }
  }
}

resource "aws_iam_role" "flow_logs" {
  name_prefix        = "gxp-flow-logs-"
  description        = "Lets VPC flow logs of ${var.name} deliver to ${local.flow_log_group_name}"
  assume_role_policy = data.aws_iam_policy_document.flow_logs_assume.json
  tags               = local.tags
}

data "aws_iam_policy_document" "flow_logs" {
  statement {
    sid       = "DeliverFlowLogs"
    effect    = "Allow"
    actions   = ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogGroups", "logs:DescribeLogStreams"]
    resources = [aws_cloudwatch_log_group.flow_logs.arn, "${aws_cloudwatch_log_group.flow_logs.arn}:*"]
  }
}

resource "aws_iam_role_policy" "flow_logs" {
  name   = "deliver-flow-logs"
  role   = aws_iam_role.flow_logs.id
  policy = data.aws_iam_policy_document.flow_logs.json
}

resource "aws_flow_log" "vpc" {
  vpc_id                   = aws_vpc.this.id
  traffic_type             = "ALL"
  log_destination_type     = "cloud-watch-logs"
  log_destination          = aws_cloudwatch_log_group.flow_logs.arn
  iam_role_arn             = aws_iam_role.flow_logs.arn
  max_aggregation_interval = 60
  tags                     = merge(local.tags, { Name = "${var.name}-all-traffic" })

  depends_on = [aws_iam_role_policy.flow_logs]
}

# ---------------------------------------------------------------- VPC endpoints

resource "aws_security_group" "endpoints" {
  name_prefix = "${var.name}-vpc-endpoints-"
  description = "Interface VPC endpoints: HTTPS from inside the VPC only"
  vpc_id      = aws_vpc.this.id
  tags        = merge(local.tags, { Name = "${var.name}-vpc-endpoints" })

  ingress {
    description = "HTTPS from the VPC"
    protocol    = "tcp"
    from_port   = 443
    to_port     = 443
    cidr_blocks = [var.vpc_cidr]
  }

  lifecycle {
    create_before_destroy = true
  }
}

resource "aws_vpc_endpoint" "s3" {
  vpc_id            = aws_vpc.this.id
  service_name      = "com.amazonaws.${local.region}.s3"
  vpc_endpoint_type = "Gateway"
  route_table_ids   = [aws_route_table.private.id]
  tags              = merge(local.tags, { Name = "${var.name}-s3" })
}

resource "aws_vpc_endpoint" "interface" {
  for_each = toset(var.interface_endpoint_services)

  vpc_id              = aws_vpc.this.id
  service_name        = "com.amazonaws.${local.region}.${each.key}"
  vpc_endpoint_type   = "Interface"
  subnet_ids          = aws_subnet.private[*].id
  security_group_ids  = [aws_security_group.endpoints.id]
  private_dns_enabled = true
  tags                = merge(local.tags, { Name = "${var.name}-${each.key}" })
}

# ---------------------------------------------------------------- qualification

module "qualification" {
  source = "./qualification"

  enabled        = var.qualification_enabled
  name           = coalesce(var.qualification_name, "${var.application_id}-${var.environment}-network-baseline")
  spec_version   = var.spec_version
  application_id = var.application_id
  environment    = var.environment
  risk_class     = var.risk_class
  approval       = var.approval

  vpc_id                     = aws_vpc.this.id
  endpoint_security_group_id = aws_security_group.endpoints.id
  s3_endpoint_id             = aws_vpc_endpoint.s3.id
  interface_endpoint_ids     = { for service, endpoint in aws_vpc_endpoint.interface : service => endpoint.id }
  flow_log_group_name        = aws_cloudwatch_log_group.flow_logs.name
  flow_log_retention_days    = var.flow_log_retention_days
  kms_key_arn                = aws_kms_key.flow_logs.arn

  evidence_store       = var.qualification_evidence_store
  requalify_after      = var.requalify_after
  enforce              = var.enforce_qualification
  configuration_commit = var.configuration_commit

  depends_on = [
    aws_flow_log.vpc,
    aws_default_security_group.this,
    aws_vpc_endpoint.s3,
    aws_vpc_endpoint.interface,
  ]
}
