//! Terraform-native tests: real Terraform with the gxp provider under test and the
//! schema-only hashicorp/aws stand-in, from a throwaway filesystem mirror ([`setup`]).
//!
//! * `validate::DIR` — `terraform validate` of every module, submodule and example
//!   (every directory with `.tf` files under `modules/` and `examples/`); a directory with
//!   several Registry import examples once per example (`validate::DIR/import-by-identity.tf`),
//!   one that imports by identity with Terraform 1.12 or later ([`setup::identity_terraform_path`]);
//! * `terraform_test::MODULE/FILE::RUN` — every `run` block of `modules/*/tests/*.tftest.hcl`,
//!   one test each, from one `terraform test` per module ([`tftest`]);
//! * `stand_in::…` — the stand-in rejects what hashicorp/aws rejects and refuses to plan;
//! * `seeded::…` — a seeded error in a copy of a module makes validation and
//!   `terraform test` fail.
//!
//! Tests are generated from the repository, so a new module, example or run is tested
//! without editing this file. Without the cached schema (`make tools`) or a Terraform CLI
//! every test is reported as ignored, with the reason, loudly.
//!
//! Run: `cargo test -p terraform-provider-gxp --test terraform_native [-- FILTER]`.

mod seeded;
mod setup;
mod snippets;
mod stand_in;
mod tftest;

use std::path::{Path, PathBuf};

use libtest_mimic::{Arguments, Failed, Trial};

/// Every directory under `root` holding `.tf` files (skipping dot-directories).
pub fn tf_dirs(root: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        let mut has_tf = false;
        for entry in entries.flatten() {
            let p = entry.path();
            let name = entry.file_name().to_string_lossy().into_owned();
            if p.is_dir() && !name.starts_with('.') {
                stack.push(p);
            } else if name.ends_with(".tf") {
                has_tf = true;
            }
        }
        if has_tf {
            out.push(dir);
        }
    }
    out.sort();
    out
}

/// A test's result from a `Result<(), String>`.
pub fn outcome(result: Result<(), String>) -> Result<(), Failed> {
    result.map_err(Failed::from)
}

/// Declares `hashicorp/aws` and `gxp/gxp` for a configuration without `required_providers`
/// (the Registry's per-resource examples have none): without it Terraform would look for
/// `hashicorp/gxp`.
pub fn ensure_required_providers(dir: &Path) -> std::io::Result<()> {
    let mut text = String::new();
    for entry in std::fs::read_dir(dir)?.flatten() {
        if entry.file_name().to_string_lossy().ends_with(".tf") {
            text.push_str(&std::fs::read_to_string(entry.path())?);
        }
    }
    if text.contains("required_providers") {
        return Ok(());
    }
    let mut providers = String::from("    gxp = { source = \"gxp/gxp\" }\n");
    if text.contains("\"aws_") || text.contains("provider \"aws\"") {
        providers.push_str("    aws = { source = \"hashicorp/aws\", version = \"~> 5.0\" }\n");
    }
    std::fs::write(
        dir.join("zz_test_required_providers.tf"),
        format!("terraform {{\n  required_providers {{\n{providers}  }}\n}}\n"),
    )
}

/// The Registry's alternative import examples of a directory (`import-by-string-id.tf`,
/// `import-by-identity.tf`, ...), sorted: each imports the same resource, so each is
/// validated with the rest of the directory but without the others.
pub fn import_alternatives(dir: &Path) -> Vec<String> {
    let mut out: Vec<String> = std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with("import-by-") && n.ends_with(".tf"))
        .collect();
    out.sort();
    out
}

/// A copy of `copy` (a directory of the repository copy) beside it, named after `keep`,
/// holding its `.tf` files except the import alternatives other than `keep`.
fn variant_with(copy: &Path, keep: &str, alternatives: &[String]) -> Result<PathBuf, String> {
    let name = copy.file_name().unwrap().to_string_lossy();
    let variant = copy.with_file_name(format!("{name}~{}", keep.trim_end_matches(".tf")));
    let _ = std::fs::remove_dir_all(&variant);
    std::fs::create_dir_all(&variant).map_err(|e| e.to_string())?;
    for entry in std::fs::read_dir(copy)
        .map_err(|e| e.to_string())?
        .flatten()
    {
        let file = entry.file_name().to_string_lossy().into_owned();
        let other_alternative = alternatives.contains(&file) && file != keep;
        if file.ends_with(".tf") && !other_alternative {
            std::fs::copy(entry.path(), variant.join(&file)).map_err(|e| e.to_string())?;
        }
    }
    Ok(variant)
}

/// `validate::…` trials: every module and example directory of the repository; a
/// directory with several import alternatives once per alternative
/// (`validate::DIR/import-by-identity.tf`).
fn validate_trials() -> Vec<Trial> {
    let root = setup::repo_root();
    let mut trials = Vec::new();
    for tree in ["modules", "examples"] {
        for dir in tf_dirs(&root.join(tree)) {
            let rel = dir
                .strip_prefix(&root)
                .unwrap()
                .to_string_lossy()
                .into_owned();
            let alternatives = import_alternatives(&dir);
            let variants: Vec<Option<String>> = if alternatives.len() > 1 {
                alternatives.iter().cloned().map(Some).collect()
            } else {
                vec![None]
            };
            for variant in variants {
                let name = match &variant {
                    Some(keep) => format!("validate::{rel}/{keep}"),
                    None => format!("validate::{rel}"),
                };
                let (rel, alternatives) = (rel.clone(), alternatives.clone());
                trials.push(Trial::test(name, move || {
                    outcome((|| {
                        let env = setup::env()?;
                        let mut copy = setup::repo_copy()?.join(&rel);
                        if let Some(keep) = &variant {
                            copy = variant_with(&copy, keep, &alternatives)?;
                        }
                        ensure_required_providers(&copy).map_err(|e| e.to_string())?;
                        env.validate(&copy)
                    })())
                }));
            }
        }
    }
    trials.push(Trial::test(
        "validate::identity_imports_choose_a_terraform_with_identities",
        || {
            let by_identity = "import {\n  to = gxp_expected_spec.s\n  identity = { name = \"a\" }\n}\n";
            let by_id = "import {\n  to = gxp_expected_spec.s\n  id = \"a\"\n}\nlocals {\n  identity = 1\n}\n";
            let ok = setup::text_imports_by_identity(by_identity)
                && !setup::text_imports_by_identity(by_id)
                && setup::parse_terraform_version("Terraform v1.15.5\non linux_amd64\n")
                    == Some((1, 15, 5))
                && setup::parse_terraform_version("OpenTofu v1.10.0\n").is_none();
            if !ok {
                return Err("identity import detection or version parsing is wrong".into());
            }
            let alternatives = import_alternatives(
                &setup::repo_root().join("examples/resources/gxp_qualification"),
            );
            if alternatives != ["import-by-identity.tf", "import-by-string-id.tf"] {
                return Err(format!("import alternatives: {alternatives:?}").into());
            }
            Ok(())
        },
    ));
    trials
}

fn main() {
    let args = Arguments::from_args();
    let mut trials = Vec::new();
    trials.extend(validate_trials());
    trials.extend(tftest::trials());
    trials.extend(stand_in::trials());
    trials.extend(seeded::trials());
    trials.extend(snippets::trials());
    if let Some(why) = setup::missing_prerequisite() {
        eprintln!(
            "\n*** terraform_native: {} test(s) SKIPPED: {why} ***\n",
            trials.len()
        );
        trials = trials
            .into_iter()
            .map(|t| t.with_ignored_flag(true))
            .collect();
    }
    libtest_mimic::run(&args, trials).exit();
}
