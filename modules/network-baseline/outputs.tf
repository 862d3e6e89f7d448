output "vpc_id" {
  description = "Id of the VPC."
  value       = aws_vpc.this.id
}

output "vpc_cidr" {
  description = "CIDR block of the VPC."
  value       = aws_vpc.this.cidr_block
}

output "private_subnet_ids" {
  description = "Ids of the private subnets, in the order of `private_subnets`."
  value       = aws_subnet.private[*].id
}

output "private_route_table_id" {
  description = "Id of the private route table (the S3 gateway endpoint's routes are in it)."
  value       = aws_route_table.private.id
}

output "default_security_group_id" {
  description = "Id of the VPC's default security group (no rules)."
  value       = aws_default_security_group.this.id
}

output "endpoint_security_group_id" {
  description = "Id of the security group of the interface endpoints."
  value       = aws_security_group.endpoints.id
}

output "s3_endpoint_id" {
  description = "Id of the S3 gateway endpoint."
  value       = aws_vpc_endpoint.s3.id
}

output "interface_endpoint_ids" {
  description = "Ids of the interface endpoints, keyed by service name."
  value       = { for service, endpoint in aws_vpc_endpoint.interface : service => endpoint.id }
}

output "flow_log_id" {
  description = "Id of the VPC flow log."
  value       = aws_flow_log.vpc.id
}

output "flow_log_group_name" {
  description = "Name of the CloudWatch Logs group that receives the flow logs."
  value       = aws_cloudwatch_log_group.flow_logs.name
}

output "kms_key_arn" {
  description = "ARN of the KMS key that encrypts the flow-log group."
  value       = aws_kms_key.flow_logs.arn
}

output "spec_id" {
  description = "`id` of this module's `gxp_expected_spec` (null when `qualification_enabled = false`)."
  value       = module.qualification.spec_id
}

output "spec_digest" {
  description = "Digest of this module's specification (null when `qualification_enabled = false`)."
  value       = module.qualification.spec_digest
}

output "qualification_id" {
  description = "`id` of this module's `gxp_qualification` (null when `qualification_enabled = false`)."
  value       = module.qualification.qualification_id
}

output "qualification_status" {
  description = "Result of the last qualification: `passed`, `failed` or `error` (null when `qualification_enabled = false`)."
  value       = module.qualification.qualification_status
}

output "report_location" {
  description = "Where the last qualification report is filed (null when `qualification_enabled = false`)."
  value       = module.qualification.report_location
}

output "qualification_requirements" {
  description = "Requirements of this module's specification, for a combined specification (landing-zone)."
  value       = module.qualification.requirements
}

output "qualification_expected_resources" {
  description = "Expected resources of this module's specification, for a combined specification (landing-zone)."
  value       = module.qualification.expected_resources
}
