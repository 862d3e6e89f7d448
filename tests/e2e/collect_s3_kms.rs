//! Emulator tests of collect_s3_kms (being written).
