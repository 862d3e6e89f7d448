//! End-to-end scenarios of the provider configuration (being written).
