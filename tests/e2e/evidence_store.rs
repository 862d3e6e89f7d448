//! Emulator tests of evidence_store (being written).
