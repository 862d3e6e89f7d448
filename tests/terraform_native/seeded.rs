//! The suite catches a broken module: a copy of `modules/evidence-store` with a seeded error
//! goes through the same validation and `terraform test` checks as the real module, which
//! must report it.

use std::path::PathBuf;

use libtest_mimic::Trial;

use crate::{outcome, setup, tftest};

/// A copy of the evidence-store module (and its qualification submodule) in a scratch dir.
fn module_copy(name: &str) -> Result<PathBuf, String> {
    let env = setup::env()?;
    let dir = env.scratch(name).join("evidence-store");
    setup::copy_tree(&setup::repo_root().join("modules/evidence-store"), &dir)
        .map_err(|e| e.to_string())?;
    // The internal modules the copy calls by relative path.
    let internal = setup::repo_root().join("modules/_internal");
    if internal.is_dir() {
        setup::copy_tree(&internal, &dir.parent().unwrap().join("_internal"))
            .map_err(|e| e.to_string())?;
    }
    Ok(dir)
}

fn append(path: PathBuf, text: &str) -> Result<(), String> {
    let mut body =
        std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
    body.push_str(text);
    std::fs::write(&path, body).map_err(|e| e.to_string())
}

/// A versioning resource without its required `versioning_configuration` block, and a
/// computed-only attribute set: errors only the hashicorp/aws schema knows about.
const SEEDED_RESOURCE: &str = "\nresource \"aws_s3_bucket_versioning\" \"seeded\" {\n  bucket = var.bucket_name\n}\n\nresource \"aws_kms_alias\" \"seeded\" {\n  name           = \"alias/seeded\"\n  target_key_id  = \"1234\"\n  target_key_arn = \"arn:aws:kms:eu-west-1:111122223333:key/1234\"\n}\n";

pub fn trials() -> Vec<Trial> {
    vec![
        Trial::test("seeded::the_unchanged_copy_validates", || {
            outcome((|| setup::env()?.validate(&module_copy("seeded-control")?))())
        }),
        Trial::test("seeded::an_error_in_a_module_fails_validation", || {
            outcome((|| {
                let dir = module_copy("seeded-validate")?;
                append(dir.join("main.tf"), SEEDED_RESOURCE)?;
                match setup::env()?.validate(&dir) {
                    Ok(()) => Err("validation passed despite the seeded errors".into()),
                    Err(out)
                        if out.contains("Insufficient versioning_configuration blocks")
                            && out.contains("Computed attribute cannot be set")
                            && out.contains("target_key_arn") =>
                    {
                        Ok(())
                    }
                    Err(out) => Err(format!(
                        "validation failed, but not on the seeded errors:\n{out}"
                    )),
                }
            })())
        }),
        Trial::test(
            "seeded::an_error_in_a_module_fails_its_terraform_test_runs",
            || {
                outcome((|| {
                    let dir = module_copy("seeded-tftest-validate")?;
                    append(dir.join("main.tf"), SEEDED_RESOURCE)?;
                    let run = tftest::run_module_tests(&dir)?;
                    let file = "tests/evidence_store.tftest.hcl";
                    match tftest::check_run(&run, file, "evidence_bucket_is_protected") {
                        Ok(()) => Err(format!(
                            "the run passed despite the seeded errors:\n{}",
                            run.output
                        )),
                        Err(e) if e.contains("Insufficient versioning_configuration blocks") => {
                            Ok(())
                        }
                        Err(e) => Err(format!("the run failed, but not on the seeded error:\n{e}")),
                    }
                })())
            },
        ),
        Trial::test("seeded::a_failing_assertion_fails_its_run", || {
            outcome((|| {
                let dir = module_copy("seeded-tftest-assert")?;
                append(
                    dir.join("tests/evidence_store.tftest.hcl"),
                    "\nrun \"seeded_failure\" {\n  command = plan\n\n  assert {\n    condition     = aws_kms_key.evidence.enable_key_rotation == false\n    error_message = \"Seeded failure.\"\n  }\n}\n",
                )?;
                let run = tftest::run_module_tests(&dir)?;
                let file = "tests/evidence_store.tftest.hcl";
                tftest::check_run(&run, file, "evidence_bucket_is_protected")?;
                match tftest::check_run(&run, file, "seeded_failure") {
                    Ok(()) => Err(format!("the seeded assertion passed:\n{}", run.output)),
                    Err(e) if e.contains("Seeded failure.") => Ok(()),
                    Err(e) => Err(format!(
                        "the run failed, but not on the seeded assertion:\n{e}"
                    )),
                }
            })())
        }),
    ]
}
