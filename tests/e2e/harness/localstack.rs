//! LocalStack in a Docker container (cargo feature `localstack`).

use std::time::Duration;

use testcontainers::core::{IntoContainerPort, WaitFor};
use testcontainers::runners::AsyncRunner;
use testcontainers::{ContainerAsync, GenericImage, ImageExt};

/// LocalStack's edge port inside the container.
const EDGE_PORT: u16 = 4566;
/// Image pull excluded, how long LocalStack may take to become ready.
const STARTUP_TIMEOUT: Duration = Duration::from_secs(180);

/// A running LocalStack container; dropping it removes the container.
pub(crate) struct LocalStack {
    /// `http://127.0.0.1:PORT` mapped to the edge port.
    pub endpoint: String,
    container: Option<ContainerAsync<GenericImage>>,
}

impl LocalStack {
    /// Starts `localstack/localstack:$GXP_LOCALSTACK_TAG` (default `latest`).
    ///
    /// Runs on its own thread and Tokio runtime, so it works from synchronous
    /// tests and from inside `#[tokio::test]` alike.
    pub(crate) fn start() -> LocalStack {
        let tag = std::env::var("GXP_LOCALSTACK_TAG").unwrap_or_else(|_| "latest".to_string());
        let started = on_own_runtime(move || async move {
            let container = GenericImage::new("localstack/localstack", tag.as_str())
                .with_exposed_port(EDGE_PORT.tcp())
                .with_wait_for(WaitFor::message_on_stdout("Ready."))
                .with_env_var("LOCALSTACK_UPDATE_CHECK", "0")
                .with_startup_timeout(STARTUP_TIMEOUT)
                .start()
                .await?;
            let port = container.get_host_port_ipv4(EDGE_PORT).await?;
            Ok::<_, testcontainers::TestcontainersError>((container, port))
        });
        match started {
            Ok((container, port)) => LocalStack {
                endpoint: format!("http://127.0.0.1:{port}"),
                container: Some(container),
            },
            Err(e) => panic!(
                "\n\n*** LocalStack did not start: {e} ***\n\
                 GXP_TEST_BACKEND=localstack needs a running Docker engine.\n"
            ),
        }
    }
}

impl Drop for LocalStack {
    fn drop(&mut self) {
        if let Some(container) = self.container.take() {
            let _ = on_own_runtime(move || async move { container.rm().await });
        }
    }
}

/// Runs the future made by `make` to completion on a fresh thread with a
/// fresh current-thread Tokio runtime, and returns its output.
fn on_own_runtime<F, Fut, T>(make: F) -> T
where
    F: FnOnce() -> Fut + Send + 'static,
    Fut: std::future::Future<Output = T>,
    T: Send + 'static,
{
    std::thread::spawn(move || {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("build a Tokio runtime")
            .block_on(make())
    })
    .join()
    .expect("LocalStack helper thread panicked")
}
