//! Terraform resources and data sources of the provider.

pub mod expected_spec;

use std::collections::HashMap;

use tf_provider::{DynamicDataSource, DynamicResource};

use crate::provider::Shared;

/// Every resource, by name without the `gxp_` prefix.
pub fn all(_shared: &Shared) -> HashMap<String, Box<dyn DynamicResource>> {
    let mut map: HashMap<String, Box<dyn DynamicResource>> = HashMap::new();
    map.insert(
        "expected_spec".into(),
        Box::new(expected_spec::ExpectedSpecResource),
    );
    map
}

/// Every data source, by name without the `gxp_` prefix.
pub fn data_sources(_shared: &Shared) -> HashMap<String, Box<dyn DynamicDataSource>> {
    HashMap::new()
}
