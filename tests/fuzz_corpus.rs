//! Replays the committed fuzz corpus, `fuzz/corpus/TARGET/*`, through the fuzz targets'
//! functions (`fuzz/src`), on stable Rust and without cargo-fuzz: every input that a fuzz
//! run found interesting, or that once made a target fail, keeps being checked by
//! `make test`. Run the fuzzers themselves with `make fuzz`.

#[path = "../fuzz/src/lib.rs"]
#[allow(dead_code)]
mod targets;

use std::path::{Path, PathBuf};

fn fuzz_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../fuzz")
}

/// The corpus files of `target`, sorted by name.
fn corpus(target: &str) -> Vec<PathBuf> {
    let dir = fuzz_dir().join("corpus").join(target);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.expect("corpus entry").path())
        .filter(|p| p.is_file())
        .collect();
    files.sort();
    files
}

/// Run every corpus input of `name`; fail naming each input whose run panicked.
fn replay(name: &str) {
    let target = targets::TARGETS
        .iter()
        .find(|t| t.name == name)
        .unwrap_or_else(|| panic!("no fuzz target {name}"));
    let files = corpus(name);
    assert!(!files.is_empty(), "fuzz/corpus/{name} is empty");
    let mut failed = Vec::new();
    for file in &files {
        let data = std::fs::read(file).expect("corpus file");
        if std::panic::catch_unwind(|| (target.run)(&data)).is_err() {
            failed.push(file.display().to_string());
        }
    }
    assert!(
        failed.is_empty(),
        "{} of {} corpus inputs of fuzz target {name} fail (the panic messages are above):\n{}",
        failed.len(),
        files.len(),
        failed.join("\n")
    );
}

#[test]
fn spec_corpus() {
    replay("spec");
}

#[test]
fn spec_json_corpus() {
    replay("spec_json");
}

#[test]
fn check_params_corpus() {
    replay("check_params");
}

#[test]
fn properties_corpus() {
    replay("properties");
}

#[test]
fn chain_corpus() {
    replay("chain");
}

#[test]
fn report_parse_corpus() {
    replay("report_parse");
}

/// Every target has a harness, a corpus and a replay test here; every harness a target.
#[test]
fn every_target_has_a_harness_a_corpus_and_a_replay() {
    let this = include_str!("fuzz_corpus.rs");
    let mut harnesses: Vec<String> = std::fs::read_dir(fuzz_dir().join("fuzz_targets"))
        .expect("fuzz/fuzz_targets")
        .map(|e| {
            let path = e.expect("entry").path();
            path.file_stem()
                .expect("name")
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    harnesses.sort();
    let mut names: Vec<String> = targets::TARGETS
        .iter()
        .map(|t| t.name.to_string())
        .collect();
    names.sort();
    assert_eq!(
        harnesses, names,
        "fuzz/fuzz_targets/*.rs and TARGETS differ"
    );
    let manifest = std::fs::read_to_string(fuzz_dir().join("Cargo.toml")).expect("fuzz/Cargo.toml");
    for name in &names {
        assert!(!corpus(name).is_empty(), "fuzz/corpus/{name} is empty");
        assert!(
            this.contains(&format!("replay(\"{name}\")")),
            "no replay test of {name} in tests/fuzz_corpus.rs"
        );
        assert!(
            manifest.contains(&format!("path = \"fuzz_targets/{name}.rs\"")),
            "fuzz/Cargo.toml has no [[bin]] for {name}"
        );
    }
}
