# The buckets moved into the shared hardened-bucket module (modules/_internal/hardened-bucket):
# existing deployments keep their buckets; `terraform plan` shows the moves, no replacement.

moved {
  from = aws_s3_bucket.trail
  to   = module.bucket.aws_s3_bucket.this
}

moved {
  from = aws_s3_bucket_ownership_controls.trail
  to   = module.bucket.aws_s3_bucket_ownership_controls.this
}

moved {
  from = aws_s3_bucket_versioning.trail
  to   = module.bucket.aws_s3_bucket_versioning.this
}

moved {
  from = aws_s3_bucket_object_lock_configuration.trail
  to   = module.bucket.aws_s3_bucket_object_lock_configuration.this[0]
}

moved {
  from = aws_s3_bucket_server_side_encryption_configuration.trail
  to   = module.bucket.aws_s3_bucket_server_side_encryption_configuration.this
}

moved {
  from = aws_s3_bucket_public_access_block.trail
  to   = module.bucket.aws_s3_bucket_public_access_block.this
}

moved {
  from = aws_s3_bucket_policy.trail
  to   = module.bucket.aws_s3_bucket_policy.this
}

moved {
  from = aws_s3_bucket_logging.trail
  to   = module.bucket.aws_s3_bucket_logging.this
}

moved {
  from = aws_s3_bucket_lifecycle_configuration.trail
  to   = module.bucket.aws_s3_bucket_lifecycle_configuration.this["record"]
}

moved {
  from = aws_s3_bucket.access_logs
  to   = module.bucket.aws_s3_bucket.access_logs
}

moved {
  from = aws_s3_bucket_ownership_controls.access_logs
  to   = module.bucket.aws_s3_bucket_ownership_controls.access_logs
}

moved {
  from = aws_s3_bucket_versioning.access_logs
  to   = module.bucket.aws_s3_bucket_versioning.access_logs
}

moved {
  from = aws_s3_bucket_server_side_encryption_configuration.access_logs
  to   = module.bucket.aws_s3_bucket_server_side_encryption_configuration.access_logs
}

moved {
  from = aws_s3_bucket_public_access_block.access_logs
  to   = module.bucket.aws_s3_bucket_public_access_block.access_logs
}

moved {
  from = aws_s3_bucket_policy.access_logs
  to   = module.bucket.aws_s3_bucket_policy.access_logs
}

moved {
  from = aws_s3_bucket_lifecycle_configuration.access_logs
  to   = module.bucket.aws_s3_bucket_lifecycle_configuration.this["access_logs"]
}
