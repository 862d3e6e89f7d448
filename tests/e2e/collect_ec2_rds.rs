//! Emulator tests of collect_ec2_rds (being written).
