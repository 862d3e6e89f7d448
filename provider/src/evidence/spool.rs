//! TEMPORARY STUB (replaced by the evidence branch).
use super::*;
use std::path::PathBuf;
pub struct SpooledFiling {
    pub id: String,
    pub store: String,
    pub files: Vec<(String, Vec<u8>, String)>,
}
pub struct Spool;
impl Spool {
    pub fn new(_d: &str) -> Self {
        Spool
    }
    pub fn spool(&self, _f: SpooledFiling) -> Result<PathBuf, String> {
        Err("stub".into())
    }
    pub fn pending(&self) -> (Vec<SpooledFiling>, Vec<String>) {
        (vec![], vec![])
    }
    pub fn remove(&self, _id: &str) -> Result<(), String> {
        Ok(())
    }
}
pub async fn file_all(
    _s: &dyn EvidenceStore,
    _f: &[(String, Vec<u8>, String)],
) -> Result<Vec<Filed>, StoreError> {
    Err(StoreError::Unavailable("stub".into()))
}
