//! Documentation coverage (being written).
