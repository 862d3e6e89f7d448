//! AWS access: SDK configuration from provider settings, service clients, error classification.

pub mod context;
pub mod errors;
pub mod s3_compat;

pub use context::{AwsContext, AwsSettings, Service};
pub use errors::{classify, AwsErrorKind, ClassifiedError};
