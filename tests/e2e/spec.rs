//! End-to-end scenarios of gxp_expected_spec (being written).
