# The buckets moved into the shared hardened-bucket module (modules/_internal/hardened-bucket):
# existing deployments keep their buckets; `terraform plan` shows the moves, no replacement.

moved {
  from = aws_s3_bucket.evidence
  to   = module.bucket.aws_s3_bucket.this
}

moved {
  from = aws_s3_bucket_ownership_controls.evidence
  to   = module.bucket.aws_s3_bucket_ownership_controls.this
}

moved {
  from = aws_s3_bucket_versioning.evidence
  to   = module.bucket.aws_s3_bucket_versioning.this
}

moved {
  from = aws_s3_bucket_object_lock_configuration.evidence
  to   = module.bucket.aws_s3_bucket_object_lock_configuration.this[0]
}

moved {
  from = aws_s3_bucket_server_side_encryption_configuration.evidence
  to   = module.bucket.aws_s3_bucket_server_side_encryption_configuration.this
}

moved {
  from = aws_s3_bucket_public_access_block.evidence
  to   = module.bucket.aws_s3_bucket_public_access_block.this
}

moved {
  from = aws_s3_bucket_policy.evidence
  to   = module.bucket.aws_s3_bucket_policy.this
}

moved {
  from = aws_s3_bucket_logging.evidence
  to   = module.bucket.aws_s3_bucket_logging.this
}

moved {
  from = aws_s3_bucket_lifecycle_configuration.evidence
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
