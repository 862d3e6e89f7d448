//! AWS access: SDK configuration from provider settings, service clients, error classification.

pub mod calls;
pub mod context;
pub mod errors;
pub mod run_cache;
pub mod s3_compat;
pub mod wellformed;

#[cfg(test)]
pub mod fake_endpoint;

pub use calls::{iam_action, CallRecorder};
pub use context::{AwsContext, AwsSettings, Service};
pub use errors::{classify, AwsErrorKind, ClassifiedError};
