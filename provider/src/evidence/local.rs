//! TEMPORARY STUB (replaced by the evidence branch).
use super::*;
pub struct LocalStore;
impl LocalStore {
    pub fn new(_d: &str) -> Self {
        LocalStore
    }
}
#[async_trait]
impl EvidenceStore for LocalStore {
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
