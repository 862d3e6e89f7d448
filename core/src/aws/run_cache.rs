//! Per-run memo of account-wide reads: a read that every target of a run needs the same
//! answer to (e.g. every AWS Backup selection of the account, for `backup.resource_protected`)
//! is made once per run, by the first target that needs it; concurrent targets wait for that
//! answer. A failed read is cached like a successful one, so it stays an error for every
//! target of the run. [`super::AwsContext::for_run`] starts a fresh memo for each run.

use std::any::Any;
use std::collections::HashMap;
use std::future::Future;
use std::sync::{Arc, Mutex};

use tokio::sync::OnceCell;

type Cell = Arc<OnceCell<Arc<dyn Any + Send + Sync>>>;

/// The memo: one cell per read, by name. Clones share it.
#[derive(Clone, Default)]
pub struct RunCache(Arc<Mutex<HashMap<&'static str, Cell>>>);

impl std::fmt::Debug for RunCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let names: Vec<&str> = self
            .0
            .lock()
            .map(|m| m.keys().copied().collect())
            .unwrap_or_default();
        f.debug_tuple("RunCache").field(&names).finish()
    }
}

impl RunCache {
    /// The answer of read `name`: `read()`'s, awaited once per memo (each later or concurrent
    /// caller gets the same answer). One read name has one answer type `T`.
    pub async fn get_or_read<T, F, Fut>(&self, name: &'static str, read: F) -> Arc<T>
    where
        T: Any + Send + Sync,
        F: FnOnce() -> Fut,
        Fut: Future<Output = T>,
    {
        let cell: Cell = {
            let mut cells = self.0.lock().unwrap_or_else(|p| p.into_inner());
            cells.entry(name).or_default().clone()
        };
        let value = cell
            .get_or_init(|| async { Arc::new(read().await) as Arc<dyn Any + Send + Sync> })
            .await
            .clone();
        value
            .downcast::<T>()
            .unwrap_or_else(|_| panic!("run cache entry {name} read with two answer types"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    #[tokio::test]
    async fn a_read_is_made_once_per_memo_and_its_error_is_kept() {
        let reads = Arc::new(AtomicUsize::new(0));
        let cache = RunCache::default();
        let read = || {
            let reads = reads.clone();
            async move {
                reads.fetch_add(1, Ordering::SeqCst);
                tokio::task::yield_now().await;
                Err::<u32, String>("AccessDenied".into())
            }
        };
        let (a, b) = tokio::join!(cache.get_or_read("x", read), cache.get_or_read("x", read));
        assert_eq!(*a, Err("AccessDenied".to_string()));
        assert_eq!(a, b);
        let c = cache.clone().get_or_read("x", read).await;
        assert_eq!(*c, Err("AccessDenied".to_string()));
        assert_eq!(
            reads.load(Ordering::SeqCst),
            1,
            "one read for three callers"
        );
        let fresh = RunCache::default().get_or_read("x", read).await;
        assert!(fresh.is_err());
        assert_eq!(reads.load(Ordering::SeqCst), 2, "a new memo reads again");
    }
}
