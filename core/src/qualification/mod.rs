//! Qualification: observe, evaluate, report, file.

pub mod assemble;
pub mod drift;
pub mod filing;
pub mod notify;
pub mod reasons;
pub mod run;
pub mod sequence;
pub mod snapshot;
