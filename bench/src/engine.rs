//! The engine alone: the observe and evaluate phases of a qualification through `gxp_core`,
//! without Terraform or the plugin protocol, over the same buckets as the provider runs.

use std::collections::BTreeMap;
use std::time::Instant;

use gxp_core::aws::context::{AwsContext, CallerIdentity};
use gxp_core::catalog::Stage;
use gxp_core::qualification::{evaluate, observe};
use gxp_core::spec::model::Spec;

use crate::fixture::TAG;

/// Discover the tagged buckets, observe and evaluate them; returns (elapsed ms, results).
pub async fn qualify(sdk: &aws_config::SdkConfig, concurrency: usize) -> (f64, usize) {
    let aws = AwsContext {
        sdk: sdk.clone(),
        endpoints: BTreeMap::new(),
        s3_path_style: true,
        identity: CallerIdentity::default(),
        calls: None,
        run: Default::default(),
    };
    let tags: BTreeMap<String, String> = [(TAG.0.to_string(), TAG.1.to_string())].into();
    let started = Instant::now();
    let spec = Spec::default();
    let observed = observe::observe_all(&aws, &spec, &tags, &Default::default(), concurrency).await;
    let evaluated = evaluate::evaluate(
        &spec,
        &observed,
        &Stage::ALL,
        &tags,
        gxp_core::util::now_utc(),
    );
    (
        started.elapsed().as_secs_f64() * 1000.0,
        evaluated.results.len(),
    )
}
