# Every catalog check that applies to S3 buckets.
data "gxp_check_catalog" "s3" {
  resource_type = "AWS::S3::Bucket"
}

output "s3_checks" {
  value = data.gxp_check_catalog.s3.ids
}
