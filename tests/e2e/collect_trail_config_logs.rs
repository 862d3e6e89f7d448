//! Emulator tests of collect_trail_config_logs (being written).
