//! State shared between the provider and its resources once `configure` has run.

use std::sync::{Arc, RwLock};

use tf_provider::value::Value;

use super::config::{store_settings, ProviderConfig};
use gxp_core::aws::context::AwsContext;
use gxp_core::qualification::filing::StoreSettings;
use gxp_core::qualification::ReportLabels;

/// What `configure` produced.
#[derive(Debug, Clone)]
pub struct Configured {
    /// AWS access; `None` while the provider configuration has unknown values.
    pub aws: Option<AwsContext>,
    /// The provider's default evidence store (`evidence_store` block), if it names one.
    pub evidence_store: Option<StoreSettings>,
    pub labels: ReportLabels,
    pub terraform_version: String,
    /// The `electronic_signatures` trust list, when the block is given.
    pub signer_trust: Option<Arc<gxp_core::approval::SignerTrust>>,
}

fn text(v: &Value<String>) -> Option<String> {
    match v {
        Value::Value(s) if !s.is_empty() => Some(s.clone()),
        _ => None,
    }
}

impl Configured {
    /// Configuration with values unknown until apply.
    pub fn deferred(terraform_version: String) -> Self {
        Configured {
            aws: None,
            evidence_store: Default::default(),
            labels: Default::default(),
            terraform_version,
            signer_trust: None,
        }
    }

    /// A configured provider.
    pub fn new(aws: AwsContext, cfg: &ProviderConfig, terraform_version: String) -> Self {
        let store = cfg
            .evidence_store
            .as_ref_option()
            .and_then(|b| b.first())
            .and_then(store_settings);
        let labels = cfg
            .report_labels
            .as_ref_option()
            .and_then(|b| b.first())
            .map(|l| ReportLabels {
                application: text(&l.application),
                environment: text(&l.environment),
            })
            .unwrap_or_default();
        Configured {
            aws: Some(aws),
            evidence_store: store,
            labels,
            terraform_version,
            signer_trust: None,
        }
    }
}

/// Handle on the configured state, cloned into every resource.
#[derive(Debug, Clone, Default)]
pub struct Shared(Arc<RwLock<Option<Arc<Configured>>>>);

impl Shared {
    /// Record the configuration.
    pub fn set(&self, configured: Configured) {
        if let Ok(mut guard) = self.0.write() {
            *guard = Some(Arc::new(configured));
        }
    }

    /// The configuration, once `configure` has run.
    pub fn get(&self) -> Option<Arc<Configured>> {
        self.0.read().ok().and_then(|g| g.clone())
    }
}
