//! N fully configured buckets: Object Lock, versioning, SSE-KMS, public access block,
//! TLS-only policy, access logging, tags for discovery.

use anyhow::{Context, Result};
use aws_sdk_s3::types::*;
use futures::stream::{self, StreamExt, TryStreamExt};

/// Tag that discovery selects on.
pub const TAG: (&str, &str) = ("Application", "gxp-bench");

fn client(sdk: &aws_config::SdkConfig) -> aws_sdk_s3::Client {
    aws_sdk_s3::Client::from_conf(
        aws_sdk_s3::config::Builder::from(sdk)
            .force_path_style(true)
            .build(),
    )
}

async fn configure(s3: &aws_sdk_s3::Client, name: String, logs: &str) -> Result<String> {
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
        .await?;
    let sse = ServerSideEncryptionByDefault::builder()
        .sse_algorithm(ServerSideEncryption::AwsKms)
        .kms_master_key_id("alias/aws/s3")
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
        .await?;
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
        .await?;
    let policy = format!(
        r#"{{"Version":"2012-10-17","Statement":[{{"Sid":"TlsOnly","Effect":"Deny","Principal":"*","Action":"s3:*","Resource":["arn:aws:s3:::{name}","arn:aws:s3:::{name}/*"],"Condition":{{"Bool":{{"aws:SecureTransport":"false"}}}}}}]}}"#
    );
    s3.put_bucket_policy()
        .bucket(&name)
        .policy(policy)
        .send()
        .await?;
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
        .await?;
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
        .await?;
    s3.put_bucket_tagging()
        .bucket(&name)
        .tagging(
            Tagging::builder()
                .tag_set(Tag::builder().key(TAG.0).value(TAG.1).build()?)
                .build()?,
        )
        .send()
        .await?;
    Ok(name)
}

/// Create `n` configured buckets; returns their names.
pub async fn create_buckets(
    sdk: &aws_config::SdkConfig,
    n: usize,
    concurrency: usize,
) -> Result<Vec<String>> {
    let s3 = client(sdk);
    let logs = "gxp-bench-access-logs";
    s3.create_bucket()
        .bucket(logs)
        .send()
        .await
        .context("log bucket")?;
    let s3 = &s3;
    stream::iter((0..n).map(|i| format!("gxp-bench-{i:05}")))
        .map(|name| configure(s3, name, logs))
        .buffer_unordered(concurrency)
        .try_collect()
        .await
}
