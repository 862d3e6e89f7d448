//! State shared between the provider and its resources once `configure` has run.

use std::sync::{Arc, RwLock};

use tf_provider::value::Value;

use super::config::ProviderConfig;
use gxp_core::aws::context::AwsContext;

/// Defaults for the evidence store, from the provider's `evidence_store` block.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct EvidenceStoreDefaults {
    pub s3_bucket: Option<String>,
    pub s3_prefix: Option<String>,
    pub kms_key_id: Option<String>,
    pub local_directory: Option<String>,
    pub allow_unprotected_store: bool,
}

/// Labels printed on reports by default.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ReportLabels {
    pub application: Option<String>,
    pub environment: Option<String>,
}

/// What `configure` produced.
#[derive(Debug, Clone)]
pub struct Configured {
    /// AWS access; `None` while the provider configuration has unknown values.
    pub aws: Option<AwsContext>,
    pub evidence_store: EvidenceStoreDefaults,
    pub labels: ReportLabels,
    pub terraform_version: String,
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
        }
    }

    /// A configured provider.
    pub fn new(aws: AwsContext, cfg: &ProviderConfig, terraform_version: String) -> Self {
        let store = cfg
            .evidence_store
            .as_ref_option()
            .and_then(|b| b.first())
            .map(|s| EvidenceStoreDefaults {
                s3_bucket: text(&s.s3_bucket),
                s3_prefix: text(&s.s3_prefix),
                kms_key_id: text(&s.kms_key_id),
                local_directory: text(&s.local_directory),
                allow_unprotected_store: matches!(s.allow_unprotected_store, Value::Value(true)),
            })
            .unwrap_or_default();
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
