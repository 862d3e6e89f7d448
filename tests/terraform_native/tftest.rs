//! `terraform test` of every module: one trial per `run` block.
//!
//! The runs of a module are executed by one `terraform test` in a copy of the module (its
//! files run in order and share state, so they cannot be split); each trial waits for that
//! execution and reports its own run's status, with Terraform's output for the run.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::{Arc, OnceLock};

use libtest_mimic::{Failed, Trial};

use crate::setup;

/// `run "NAME"` blocks of a test file, in order.
pub fn run_names(text: &str) -> Vec<String> {
    text.lines()
        .filter_map(|l| {
            let rest = l.strip_prefix("run")?.trim_start();
            let rest = rest.strip_prefix('"')?;
            Some(rest[..rest.find('"')?].to_string())
        })
        .collect()
}

/// Status of one run and Terraform's output about it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RunResult {
    pub status: String,
    pub output: String,
}

/// `(file, run) -> result` from `terraform test -no-color` output:
///
/// ```text
/// tests/evidence_store.tftest.hcl... in progress
///   run "evidence_bucket_is_protected"... pass
///   run "qualification_identifies_the_created_resources"... fail
/// (diagnostics)
/// tests/evidence_store.tftest.hcl... tearing down
/// ```
pub fn parse_test_output(output: &str) -> BTreeMap<(String, String), RunResult> {
    let mut out = BTreeMap::new();
    let mut file = String::new();
    let mut current: Option<(String, String)> = None;
    for line in output.lines() {
        if let Some(f) = line.strip_suffix("... in progress") {
            file = f.trim().to_string();
            current = None;
            continue;
        }
        if line.starts_with("tests/") && line.contains(".tftest.hcl... ") {
            current = None;
            continue;
        }
        let trimmed = line.trim_start();
        if let Some(rest) = trimmed.strip_prefix("run \"") {
            if let Some((name, status)) = rest.split_once("\"... ") {
                let key = (file.clone(), name.to_string());
                out.insert(
                    key.clone(),
                    RunResult {
                        status: status.trim().to_string(),
                        output: String::new(),
                    },
                );
                current = Some(key);
                continue;
            }
        }
        if let Some(key) = &current {
            if let Some(r) = out.get_mut(key) {
                r.output.push_str(line);
                r.output.push('\n');
            }
        }
    }
    out
}

/// One module's `terraform test`: the runs' results and the whole output.
pub struct ModuleRun {
    pub results: BTreeMap<(String, String), RunResult>,
    pub output: String,
}

/// Init and `terraform test` in `dir` (a copy of a module).
pub fn run_module_tests(dir: &Path) -> Result<ModuleRun, String> {
    let env = setup::env()?;
    let init = env.terraform(
        dir,
        &["init", "-backend=false", "-input=false", "-no-color"],
    );
    if !init.success {
        return Err(format!("terraform init failed:\n{}", init.output));
    }
    let test = env.terraform(dir, &["test", "-no-color"]);
    Ok(ModuleRun {
        results: parse_test_output(&test.output),
        output: test.output,
    })
}

/// The status of `run` in `file` of a module's results: Ok when it passed.
pub fn check_run(module: &ModuleRun, file: &str, run: &str) -> Result<(), String> {
    match module.results.get(&(file.to_string(), run.to_string())) {
        Some(r) if r.status == "pass" => Ok(()),
        Some(r) => Err(format!(
            "run \"{run}\" in {file}: {}\n{}",
            r.status, r.output
        )),
        None => Err(format!(
            "run \"{run}\" of {file} is not in the output of terraform test:\n{}",
            module.output
        )),
    }
}

pub fn trials() -> Vec<Trial> {
    let root = setup::repo_root().join("modules");
    let mut trials = Vec::new();
    // Every module with a tests/ directory (modules/<m>, modules/_internal/<m>).
    let mut modules: Vec<_> = crate::tf_dirs(&root)
        .into_iter()
        .filter(|p| p.join("tests").is_dir())
        .collect();
    modules.sort();
    for module in modules {
        let name = module
            .strip_prefix(&root)
            .unwrap()
            .to_string_lossy()
            .into_owned();
        let mut files: Vec<_> = std::fs::read_dir(module.join("tests"))
            .unwrap()
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.to_string_lossy().ends_with(".tftest.hcl"))
            .collect();
        files.sort();
        let shared: Arc<OnceLock<Result<ModuleRun, String>>> = Arc::new(OnceLock::new());
        for file in files {
            let file_name = file.file_name().unwrap().to_string_lossy().into_owned();
            let text = std::fs::read_to_string(&file).unwrap();
            for run in run_names(&text) {
                let shared = shared.clone();
                let (module_name, file_rel) = (name.clone(), format!("tests/{file_name}"));
                trials.push(Trial::test(
                    format!("terraform_test::{name}/{file_name}::{run}"),
                    move || {
                        let module = shared.get_or_init(|| {
                            let dir = setup::repo_copy()?.join("modules").join(&module_name);
                            run_module_tests(&dir)
                        });
                        let module = module.as_ref().map_err(|e| Failed::from(e.clone()))?;
                        check_run(module, &file_rel, &run).map_err(Failed::from)
                    },
                ));
            }
        }
    }
    trials.push(Trial::test(
        "terraform_test::output_parser_reads_runs_per_file",
        || {
            let out = "tests/a.tftest.hcl... in progress\n  run \"one\"... pass\n  run \"two\"... fail\n\nError: Test assertion failed\n  boom\ntests/a.tftest.hcl... tearing down\ntests/a.tftest.hcl... fail\ntests/b.tftest.hcl... in progress\n  run \"one\"... skip\ntests/b.tftest.hcl... tearing down\n\nFailure! 1 passed, 1 failed, 1 skipped.\n";
            let r = parse_test_output(out);
            let get = |f: &str, n: &str| r[&(f.to_string(), n.to_string())].clone();
            if r.len() != 3
                || get("tests/a.tftest.hcl", "one").status != "pass"
                || get("tests/a.tftest.hcl", "two").status != "fail"
                || !get("tests/a.tftest.hcl", "two").output.contains("boom")
                || get("tests/b.tftest.hcl", "one").status != "skip"
            {
                return Err(format!("{r:#?}").into());
            }
            if run_names("run \"a\" {\n}\n# run \"b\"\nrun   \"c\" {}\n") != ["a", "c"] {
                return Err("run_names".into());
            }
            Ok(())
        },
    ));
    trials
}
