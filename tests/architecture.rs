//! The direction of the architecture, enforced: the engine (`gxp-core`) depends on neither the
//! Terraform protocol crate (`tf-provider`) nor the provider crate, and none of its modules
//! names them. Cargo already refuses a dependency cycle; these tests also refuse a new
//! dependency of the engine on the protocol layer.

use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value as Json;

/// Packages the engine must never depend on, directly or through another crate.
const FORBIDDEN: [&str; 2] = ["tf-provider", "terraform-provider-gxp"];

fn core_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The host target triple, from `rustc -vV`.
fn host_triple() -> String {
    let out = Command::new(std::env::var("RUSTC").unwrap_or_else(|_| "rustc".into()))
        .arg("-vV")
        .output()
        .expect("rustc -vV runs");
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .find_map(|l| l.strip_prefix("host: ").map(str::to_string))
        .expect("rustc -vV names the host")
}

/// `cargo metadata` of the workspace, resolved for the host.
fn metadata() -> Json {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let out = Command::new(cargo)
        .args(["metadata", "--format-version", "1", "--offline"])
        .args(["--filter-platform", &host_triple()])
        .current_dir(core_dir())
        .output()
        .expect("cargo metadata runs");
    assert!(
        out.status.success(),
        "cargo metadata failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("cargo metadata prints JSON")
}

/// Names of every package `root` depends on at run or build time (not dev-dependencies),
/// transitively.
fn dependencies_of(meta: &Json, root: &str) -> BTreeSet<String> {
    let names: HashMap<&str, &str> = meta["packages"]
        .as_array()
        .expect("packages")
        .iter()
        .map(|p| (p["id"].as_str().unwrap(), p["name"].as_str().unwrap()))
        .collect();
    let nodes: HashMap<&str, &Json> = meta["resolve"]["nodes"]
        .as_array()
        .expect("resolve nodes")
        .iter()
        .map(|n| (n["id"].as_str().unwrap(), n))
        .collect();
    let root_id = names
        .iter()
        .find(|(_, name)| **name == root)
        .map(|(id, _)| *id)
        .unwrap_or_else(|| panic!("{root} is not in the workspace"));
    let mut seen = BTreeSet::new();
    let mut todo = vec![root_id];
    while let Some(id) = todo.pop() {
        for dep in nodes[id]["deps"].as_array().into_iter().flatten() {
            let kinds = dep["dep_kinds"].as_array().cloned().unwrap_or_default();
            let runtime = kinds.iter().any(|k| k["kind"].as_str() != Some("dev"));
            let dep_id = dep["pkg"].as_str().unwrap();
            if runtime && seen.insert(names[dep_id].to_string()) {
                todo.push(dep_id);
            }
        }
    }
    seen
}

#[test]
fn the_engine_does_not_depend_on_the_protocol_layer() {
    let meta = metadata();
    let deps = dependencies_of(&meta, "gxp-core");
    assert!(
        deps.contains("aws-sdk-s3"),
        "the dependency walk found the engine's own dependencies: {deps:?}"
    );
    for forbidden in FORBIDDEN {
        assert!(
            !deps.contains(forbidden),
            "gxp-core depends on {forbidden}; the engine must not depend on the protocol layer"
        );
    }
    // The provider is the layer on top: it depends on the engine and on tf-provider.
    let provider = dependencies_of(&meta, "terraform-provider-gxp");
    assert!(provider.contains("gxp-core") && provider.contains("tf-provider"));
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("readable source tree") {
        let path = entry.expect("directory entry").path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

#[test]
fn no_engine_module_names_the_protocol_layer() {
    let mut files = Vec::new();
    rust_files(&core_dir().join("src"), &mut files);
    assert!(
        files.len() > 20,
        "the engine's sources were found: {files:?}"
    );
    let mut offenders = Vec::new();
    for file in files {
        let text = std::fs::read_to_string(&file).expect("UTF-8 source");
        for (n, line) in text.lines().enumerate() {
            let code = line.split("//").next().unwrap_or_default();
            if code.contains("tf_provider") || code.contains("gxp::") {
                offenders.push(format!("{}:{}: {}", file.display(), n + 1, line.trim()));
            }
        }
    }
    assert!(
        offenders.is_empty(),
        "engine modules name the protocol layer:\n{}",
        offenders.join("\n")
    );
}
