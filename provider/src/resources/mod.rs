//! Terraform resources and data sources of the provider.

pub mod check_catalog;
pub mod expected_spec;
pub mod iam_policy;
pub mod identity;
pub mod qualification;
pub mod report_data;
pub mod requalification;

use std::collections::HashMap;

use tf_provider::{DynamicDataSource, DynamicResource};

use crate::provider::Shared;

/// Every resource, by name without the `gxp_` prefix.
pub fn all(shared: &Shared) -> HashMap<String, Box<dyn DynamicResource>> {
    let mut map: HashMap<String, Box<dyn DynamicResource>> = HashMap::new();
    map.insert(
        "expected_spec".into(),
        Box::new(expected_spec::ExpectedSpecResource),
    );
    map.insert(
        "qualification".into(),
        Box::new(qualification::QualificationResource::new(shared.clone())),
    );
    map
}

/// Every data source, by name without the `gxp_` prefix.
pub fn data_sources(shared: &Shared) -> HashMap<String, Box<dyn DynamicDataSource>> {
    let mut map: HashMap<String, Box<dyn DynamicDataSource>> = HashMap::new();
    map.insert(
        "check_catalog".into(),
        Box::new(check_catalog::CheckCatalogDataSource),
    );
    map.insert(
        "iam_policy".into(),
        Box::new(iam_policy::IamPolicyDataSource::new(shared.clone())),
    );
    map.insert(
        "report".into(),
        Box::new(report_data::ReportDataSource::new(shared.clone())),
    );
    map.insert(
        "requalification".into(),
        Box::new(requalification::RequalificationDataSource::new(
            shared.clone(),
        )),
    );
    map
}
