//! TEMPORARY STUB (replaced by the evidence branch).
use super::*;
use crate::aws::AwsContext;
pub struct S3Store;
impl S3Store {
    pub fn new(_a: &AwsContext, _b: String, _p: Option<String>, _k: Option<String>) -> Self {
        S3Store
    }
}
#[async_trait]
impl EvidenceStore for S3Store {
    fn describe(&self) -> String {
        String::new()
    }
    async fn protection(&self) -> Result<Protection, StoreError> {
        Err(StoreError::Unavailable("stub".into()))
    }
    async fn put_new(&self, _k: &str, _b: &[u8], _c: &str) -> Result<Filed, StoreError> {
        Err(StoreError::Unavailable("stub".into()))
    }
    async fn get(&self, _k: &str) -> Result<Vec<u8>, StoreError> {
        Err(StoreError::Unavailable("stub".into()))
    }
    async fn list(&self, _p: &str) -> Result<Vec<String>, StoreError> {
        Ok(vec![])
    }
    fn location_of(&self, k: &str) -> String {
        k.into()
    }
}
