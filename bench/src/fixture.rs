//! N fully configured buckets: Object Lock, versioning, SSE-KMS, public access block,
//! TLS-only policy, access logging, tags for discovery.

use anyhow::{Context, Result};
use aws_sdk_s3::types::*;
use futures::stream::{self, StreamExt, TryStreamExt};

/// Versioned bucket every bench bucket replicates to.
const REPLICA: &str = "gxp-bench-replica";

/// Tag that discovery selects on.
pub const TAG: (&str, &str) = ("Application", "gxp-bench");

fn client(sdk: &aws_config::SdkConfig) -> aws_sdk_s3::Client {
    aws_sdk_s3::Client::from_conf(
        aws_sdk_s3::config::Builder::from(sdk)
            .force_path_style(true)
            .build(),
    )
}

async fn configure(
    s3: &aws_sdk_s3::Client,
    name: String,
    logs: &str,
    key_arn: &str,
) -> Result<String> {
    s3.create_bucket()
        .bucket(&name)
        .object_lock_enabled_for_bucket(true)
        .send()
        .await
        .context("create")?;
    s3.put_bucket_versioning()
        .bucket(&name)
        .versioning_configuration(
            VersioningConfiguration::builder()
                .status(BucketVersioningStatus::Enabled)
                .build(),
        )
        .send()
        .await
        .map_err(|e| {
            anyhow::anyhow!("versioning: {}", aws_sdk_s3::error::DisplayErrorContext(&e))
        })?;
    let sse = ServerSideEncryptionByDefault::builder()
        .sse_algorithm(ServerSideEncryption::AwsKms)
        .kms_master_key_id(key_arn)
        .build()?;
    s3.put_bucket_encryption()
        .bucket(&name)
        .server_side_encryption_configuration(
            ServerSideEncryptionConfiguration::builder()
                .rules(
                    ServerSideEncryptionRule::builder()
                        .apply_server_side_encryption_by_default(sse)
                        .build(),
                )
                .build()?,
        )
        .send()
        .await
        .map_err(|e| {
            anyhow::anyhow!("encryption: {}", aws_sdk_s3::error::DisplayErrorContext(&e))
        })?;
    s3.put_public_access_block()
        .bucket(&name)
        .public_access_block_configuration(
            PublicAccessBlockConfiguration::builder()
                .block_public_acls(true)
                .ignore_public_acls(true)
                .block_public_policy(true)
                .restrict_public_buckets(true)
                .build(),
        )
        .send()
        .await
        .map_err(|e| {
            anyhow::anyhow!(
                "public access block: {}",
                aws_sdk_s3::error::DisplayErrorContext(&e)
            )
        })?;
    let policy = format!(
        r#"{{"Version":"2012-10-17","Statement":[{{"Sid":"TlsOnly","Effect":"Deny","Principal":"*","Action":"s3:*","Resource":["arn:aws:s3:::{name}","arn:aws:s3:::{name}/*"],"Condition":{{"Bool":{{"aws:SecureTransport":"false"}}}}}}]}}"#
    );
    s3.put_bucket_policy()
        .bucket(&name)
        .policy(policy)
        .send()
        .await
        .map_err(|e| anyhow::anyhow!("policy: {}", aws_sdk_s3::error::DisplayErrorContext(&e)))?;
    s3.put_object_lock_configuration()
        .bucket(&name)
        .object_lock_configuration(
            ObjectLockConfiguration::builder()
                .object_lock_enabled(ObjectLockEnabled::Enabled)
                .rule(
                    ObjectLockRule::builder()
                        .default_retention(
                            DefaultRetention::builder()
                                .mode(ObjectLockRetentionMode::Compliance)
                                .days(1)
                                .build(),
                        )
                        .build(),
                )
                .build(),
        )
        .send()
        .await
        .map_err(|e| {
            anyhow::anyhow!(
                "object lock: {}",
                aws_sdk_s3::error::DisplayErrorContext(&e)
            )
        })?;
    s3.put_bucket_logging()
        .bucket(&name)
        .bucket_logging_status(
            BucketLoggingStatus::builder()
                .logging_enabled(
                    LoggingEnabled::builder()
                        .target_bucket(logs)
                        .target_prefix(format!("{name}/"))
                        .build()?,
                )
                .build(),
        )
        .send()
        .await
        .map_err(|e| anyhow::anyhow!("logging: {}", aws_sdk_s3::error::DisplayErrorContext(&e)))?;
    let rule = ReplicationRule::builder()
        .id("to-replica")
        .priority(1)
        .status(ReplicationRuleStatus::Enabled)
        .filter(ReplicationRuleFilter::builder().prefix("").build())
        .delete_marker_replication(
            DeleteMarkerReplication::builder()
                .status(DeleteMarkerReplicationStatus::Disabled)
                .build(),
        )
        .destination(
            Destination::builder()
                .bucket(format!("arn:aws:s3:::{REPLICA}"))
                .build()?,
        )
        .build()?;
    s3.put_bucket_replication()
        .bucket(&name)
        .replication_configuration(
            ReplicationConfiguration::builder()
                .role("arn:aws:iam::123456789012:role/gxp-bench-replication")
                .rules(rule)
                .build()?,
        )
        .send()
        .await
        .map_err(|e| {
            anyhow::anyhow!(
                "replication: {}",
                aws_sdk_s3::error::DisplayErrorContext(&e)
            )
        })?;
    s3.put_bucket_tagging()
        .bucket(&name)
        .tagging(
            Tagging::builder()
                .tag_set(Tag::builder().key(TAG.0).value(TAG.1).build()?)
                .build()?,
        )
        .send()
        .await
        .map_err(|e| anyhow::anyhow!("tagging: {}", aws_sdk_s3::error::DisplayErrorContext(&e)))?;
    Ok(name)
}

/// Create `n` configured buckets; returns their names.
pub async fn create_buckets(
    sdk: &aws_config::SdkConfig,
    n: usize,
    concurrency: usize,
) -> Result<Vec<String>> {
    let s3 = client(sdk);
    let kms = aws_sdk_kms::Client::new(sdk);
    let key_arn = kms
        .create_key()
        .description("gxp-bench bucket key")
        .send()
        .await
        .context("kms key")?
        .key_metadata
        .context("key metadata")?
        .arn
        .context("key arn")?;
    let key_arn = &key_arn;
    let logs = "gxp-bench-access-logs";
    s3.create_bucket()
        .bucket(logs)
        .send()
        .await
        .context("log bucket")?;
    // The logging service must be allowed to write to the target bucket (AWS and moto check).
    let policy = format!(
        r#"{{"Version":"2012-10-17","Statement":[{{"Sid":"S3ServerAccessLogs","Effect":"Allow","Principal":{{"Service":"logging.s3.amazonaws.com"}},"Action":"s3:PutObject","Resource":"arn:aws:s3:::{logs}/*"}}]}}"#
    );
    s3.put_bucket_policy()
        .bucket(logs)
        .policy(policy)
        .send()
        .await
        .context("log bucket policy")?;
    s3.create_bucket()
        .bucket(REPLICA)
        .send()
        .await
        .context("replica bucket")?;
    s3.put_bucket_versioning()
        .bucket(REPLICA)
        .versioning_configuration(
            VersioningConfiguration::builder()
                .status(BucketVersioningStatus::Enabled)
                .build(),
        )
        .send()
        .await
        .context("replica versioning")?;
    let s3 = &s3;
    stream::iter((0..n).map(|i| format!("gxp-bench-{i:05}")))
        .map(|name| configure(s3, name, logs, key_arn))
        .buffer_unordered(concurrency)
        .try_collect()
        .await
}
