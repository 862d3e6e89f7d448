//! AWS access: SDK configuration from provider settings, service clients, error classification.

pub mod context;
pub mod errors;

pub use context::{AwsContext, AwsSettings, Service};
pub use errors::{classify, AwsErrorKind, ClassifiedError};
