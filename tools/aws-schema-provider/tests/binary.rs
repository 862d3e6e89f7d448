//! The binary as a person meets it: Terraform starts it; by hand it explains itself.
//! (Serving and validating with real Terraform is tested in `tests/terraform_native`.)

use std::process::Command;

const BIN: &str = env!("CARGO_BIN_EXE_terraform-provider-aws-schema");

#[test]
fn version_names_the_stand_in() {
    let out = Command::new(BIN).arg("version").output().unwrap();
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("terraform-provider-aws-schema 5.100.0")
            && text.contains("stand-in for hashicorp/aws"),
        "{text}"
    );
}

#[test]
fn started_by_hand_it_says_terraform_starts_it() {
    let out = Command::new(BIN)
        .env_remove("TF_PLUGIN_MAGIC_COOKIE")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let text = String::from_utf8_lossy(&out.stderr);
    assert!(
        text.contains("Terraform starts it") && text.contains("GXP_AWS_SCHEMA"),
        "{text}"
    );
}
