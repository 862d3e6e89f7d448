//! Emulator tests of collect_stack (being written).
