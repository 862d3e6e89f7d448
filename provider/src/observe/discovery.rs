//! TEMPORARY STUB (replaced by the ec2rds branch).
use crate::aws::AwsContext;
use crate::observe::Target;
use std::collections::BTreeMap;
pub struct Discovery {
    pub targets: Vec<Target>,
    pub unsupported: Vec<String>,
}
pub async fn discover(
    _aws: &AwsContext,
    _tags: &BTreeMap<String, String>,
) -> Result<Discovery, String> {
    Err("stub".into())
}
