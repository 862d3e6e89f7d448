//! Protocol glue: the `gxp` provider, its configuration, and schema helpers.

pub mod config;
pub mod log;
pub mod schema_builder;
pub mod shared;

use std::collections::HashMap;

use async_trait::async_trait;
use tf_provider::schema::Schema;
use tf_provider::value::ValueEmpty;
use tf_provider::{Diagnostics, DynamicDataSource, DynamicResource, Provider};

use config::ProviderConfig;
use gxp_core::aws::context::AwsContext;
pub use shared::{Configured, Shared};

/// The `gxp` provider.
#[derive(Default)]
pub struct GxpProvider {
    shared: Shared,
}

impl GxpProvider {
    /// A provider not yet configured.
    pub fn new() -> Self {
        Self::default()
    }
}

#[async_trait]
impl Provider for GxpProvider {
    type Config<'a> = ProviderConfig;
    type MetaState<'a> = ValueEmpty;

    fn schema(&self, _diags: &mut Diagnostics) -> Option<Schema> {
        Some(config::schema())
    }

    async fn validate<'a>(&self, diags: &mut Diagnostics, cfg: Self::Config<'a>) -> Option<()> {
        if let Err(problems) = config::to_settings(&cfg) {
            crate::convert::diagnostics::report(diags, problems);
        }
        if !config::has_unknowns(&cfg) {
            if let Err(problems) = config::signer_trust(&cfg) {
                crate::convert::diagnostics::report(diags, problems);
            }
        }
        Some(())
    }

    async fn configure<'a>(
        &self,
        diags: &mut Diagnostics,
        terraform_version: String,
        cfg: Self::Config<'a>,
    ) -> Option<()> {
        // The trust list, when its block is known (it rarely depends on other resources).
        let trust = match config::signer_trust(&cfg) {
            Ok(t) => t.map(std::sync::Arc::new),
            Err(_) if config::has_unknowns(&cfg) => None,
            Err(problems) => {
                crate::convert::diagnostics::report(diags, problems);
                return Some(());
            }
        };
        if config::has_unknowns(&cfg) {
            // Values only known after apply: resources that need AWS defer their work.
            let mut deferred = Configured::deferred(terraform_version);
            deferred.signer_trust = trust;
            self.shared.set(deferred);
            return Some(());
        }
        let settings = match config::to_settings(&cfg) {
            Ok(s) => s,
            Err(problems) => {
                crate::convert::diagnostics::report(diags, problems);
                return Some(());
            }
        };
        match AwsContext::load(&settings).await {
            Ok(aws) => {
                let mut configured = Configured::new(aws, &cfg, terraform_version);
                configured.signer_trust = trust;
                self.shared.set(configured);
            }
            Err(err) => {
                let (summary, detail) = err.diagnostic();
                diags.root_error(summary, detail);
            }
        }
        Some(())
    }

    fn get_resources(
        &self,
        _diags: &mut Diagnostics,
    ) -> Option<HashMap<String, Box<dyn DynamicResource>>> {
        Some(crate::resources::all(&self.shared))
    }

    fn get_data_sources(
        &self,
        _diags: &mut Diagnostics,
    ) -> Option<HashMap<String, Box<dyn DynamicDataSource>>> {
        Some(crate::resources::data_sources(&self.shared))
    }
}
