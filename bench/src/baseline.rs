//! The emulator's ceiling: the API calls a qualification makes for the buckets (discovery
//! pages plus the S3 collector's reads), made directly by a minimal concurrent SDK client.

use std::time::Instant;

use futures::stream::{self, StreamExt};

use crate::fixture::TAG;

/// Every read the S3 collector makes for one bucket.
async fn bucket_reads(s3: &aws_sdk_s3::Client, b: &str) {
    let _ = s3.head_bucket().bucket(b).send().await;
    let _ = futures::join!(
        s3.get_bucket_encryption().bucket(b).send(),
        s3.get_bucket_versioning().bucket(b).send(),
        s3.get_public_access_block().bucket(b).send(),
        s3.get_object_lock_configuration().bucket(b).send(),
        s3.get_bucket_logging().bucket(b).send(),
        s3.get_bucket_replication().bucket(b).send(),
        s3.get_bucket_policy().bucket(b).send(),
        s3.get_bucket_tagging().bucket(b).send(),
    );
}

/// Discovery (tag API pages) then every bucket's reads; returns elapsed milliseconds.
pub async fn raw_calls(sdk: &aws_config::SdkConfig, buckets: &[String], concurrency: usize) -> f64 {
    let s3 = aws_sdk_s3::Client::from_conf(
        aws_sdk_s3::config::Builder::from(sdk)
            .force_path_style(true)
            .build(),
    );
    let tagging = aws_sdk_resourcegroupstagging::Client::new(sdk);
    let started = Instant::now();
    let filter = aws_sdk_resourcegroupstagging::types::TagFilter::builder()
        .key(TAG.0)
        .values(TAG.1)
        .build();
    let mut pages = tagging
        .get_resources()
        .tag_filters(filter)
        .into_paginator()
        .send();
    while let Some(page) = pages.next().await {
        if page.is_err() {
            break;
        }
    }
    let s3 = &s3;
    stream::iter(buckets.iter())
        .map(|b| bucket_reads(s3, b))
        .buffer_unordered(concurrency)
        .collect::<Vec<_>>()
        .await;
    started.elapsed().as_secs_f64() * 1000.0
}

/// The fastest of `runs` measurements.
pub async fn best_of<F, Fut>(runs: usize, mut f: F) -> f64
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = f64>,
{
    let mut best = f64::MAX;
    for _ in 0..runs {
        best = best.min(f().await);
    }
    best
}
