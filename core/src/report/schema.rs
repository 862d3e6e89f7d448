//! The published JSON Schema of the report (`docs/report.schema.json`), generated from the
//! report model so the two cannot disagree.
//!
//! The schema describes the report as the provider writes it (JSON Schema draft 2020-12,
//! serialization contract): every member the provider always writes is required, objects
//! admit no other members, enumerations list their values. A unit test compares the
//! committed file with the generated schema; regenerate it after changing the model with
//!
//! ```text
//! GXP_WRITE_SCHEMA=1 cargo test -p gxp-core --lib report::schema
//! ```

use serde_json::{json, Map, Value};

use super::{Report, REPORT_FORMAT};

/// `$id` of the report schema; its last segments name the report format version.
pub const SCHEMA_ID: &str = "https://gxp.invalid/schemas/report/v1";

/// Path of the published schema, relative to the repository root.
pub const SCHEMA_PATH: &str = "docs/report.schema.json";

/// The JSON Schema of [`Report`].
pub fn json_schema() -> Value {
    let generator = schemars::generate::SchemaSettings::draft2020_12()
        .for_serialize()
        .into_generator();
    let mut generated = generator.into_root_schema_for::<Report>().to_value();
    tidy(&mut generated);
    if let Some(format) = generated.pointer_mut("/properties/format") {
        format["const"] = json!(REPORT_FORMAT);
    }
    let sha256 = json!("^[0-9a-f]{64}$");
    for pointer in [
        "/$defs/SpecInfo/properties/digest",
        "/properties/previous_report_sha256",
    ] {
        if let Some(field) = generated.pointer_mut(pointer) {
            field["pattern"] = sha256.clone();
        }
    }
    for pointer in [
        "/$defs/RunInfo/properties/started_at",
        "/$defs/RunInfo/properties/finished_at",
    ] {
        if let Some(field) = generated.pointer_mut(pointer) {
            field["format"] = json!("date-time");
        }
    }

    // Root keywords first, in reading order.
    let mut root = Map::new();
    root.insert(
        "$schema".into(),
        json!("https://json-schema.org/draft/2020-12/schema"),
    );
    root.insert("$id".into(), json!(SCHEMA_ID));
    root.insert(
        "title".into(),
        json!(format!("GxP qualification report ({REPORT_FORMAT})")),
    );
    root.insert(
        "description".into(),
        json!(
            "A qualification report of terraform-provider-gxp: the system and specification \
             qualified, who ran it when, every check's expected and actual value and status, \
             a summary, traceability, suppressions, drift, and the chain to the previous report. \
             Filed as canonical JSON (sorted keys, no insignificant whitespace) with its SHA-256 \
             beside it."
        ),
    );
    if let Value::Object(rest) = generated {
        for (k, v) in rest {
            if !root.contains_key(&k) {
                root.insert(k, v);
            }
        }
    }
    Value::Object(root)
}

/// The schema as committed: pretty JSON with a final newline.
pub fn json_schema_text() -> String {
    let mut text = serde_json::to_string_pretty(&json_schema()).unwrap_or_default();
    text.push('\n');
    text
}

/// Normalise what schemars generates, at every depth:
/// - a `oneOf` of string constants (an enum whose variants have doc comments) becomes one
///   `enum`, the variant docs folded into the description;
/// - objects with `properties` admit no other members;
/// - `default` annotations go (in this serialization schema every such member is required).
fn tidy(value: &mut Value) {
    match value {
        Value::Object(map) => {
            map.remove("default");
            fold_string_enum(map);
            if map.contains_key("properties") && !map.contains_key("additionalProperties") {
                map.insert("additionalProperties".into(), Value::Bool(false));
            }
            for v in map.values_mut() {
                tidy(v);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(tidy),
        _ => {}
    }
}

fn fold_string_enum(map: &mut Map<String, Value>) {
    let Some(Value::Array(branches)) = map.get("oneOf") else {
        return;
    };
    let mut values = Vec::new();
    let mut notes = Vec::new();
    for b in branches {
        if b.get("type") != Some(&json!("string")) {
            return;
        }
        let these: Vec<Value> = match (b.get("const"), b.get("enum")) {
            (Some(c), None) => vec![c.clone()],
            (None, Some(Value::Array(e))) => e.clone(),
            _ => return,
        };
        if let Some(Value::String(d)) = b.get("description") {
            let names: Vec<String> = these
                .iter()
                .map(|v| format!("`{}`", v.as_str().unwrap_or_default()))
                .collect();
            notes.push(format!("{}: {d}", names.join(", ")));
        }
        values.extend(these);
    }
    map.remove("oneOf");
    let mut description = map
        .get("description")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string();
    if !notes.is_empty() {
        description = format!("{description}\n{}", notes.join("\n"));
    }
    map.insert("type".into(), json!("string"));
    map.insert("enum".into(), Value::Array(values));
    map.insert("description".into(), json!(description.trim()));
}

#[cfg(test)]
mod tests {
    use std::io::Write;
    use std::path::{Path, PathBuf};
    use std::process::{Command, Stdio};

    use super::*;
    use crate::report::formats::sample_report;

    fn repo_root() -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .parent()
            .expect("crate sits in the repository")
            .to_path_buf()
    }

    /// The committed schema is the generated one; `GXP_WRITE_SCHEMA=1` rewrites it.
    #[test]
    fn published_schema_is_the_generated_schema() {
        let path = repo_root().join(SCHEMA_PATH);
        let generated = json_schema_text();
        if std::env::var("GXP_WRITE_SCHEMA").as_deref() == Ok("1") {
            std::fs::write(&path, &generated).expect("write the schema");
        }
        let committed = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            committed == generated,
            "{SCHEMA_PATH} differs from the schema generated from the report model.\n\
             Regenerate it: GXP_WRITE_SCHEMA=1 cargo test -p gxp-core --lib report::schema"
        );
    }

    #[test]
    fn schema_is_versioned_and_closed() {
        let s = json_schema();
        assert_eq!(s["$schema"], "https://json-schema.org/draft/2020-12/schema");
        assert!(s["$id"].as_str().unwrap().ends_with("/report/v1"));
        assert!(s["title"].as_str().unwrap().contains(REPORT_FORMAT));
        assert_eq!(s["properties"]["format"]["const"], REPORT_FORMAT);
        assert_eq!(s["additionalProperties"], false);
        let required: Vec<&str> = s["required"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap())
            .collect();
        for field in ["report_id", "results", "summary", "previous_report_sha256"] {
            assert!(required.contains(&field), "{field} not required");
        }
        let defs = &s["$defs"];
        assert_eq!(defs["Stage"]["enum"], json!(["IQ", "OQ", "PQ"]));
        assert_eq!(
            defs["Status"]["enum"],
            json!(["passed", "failed", "error", "suppressed"])
        );
        assert_eq!(
            defs["SeverityClass"]["enum"],
            json!(["security", "functional", "cosmetic"])
        );
        assert!(defs["Stage"]["description"]
            .as_str()
            .unwrap()
            .contains("`IQ`: Installation qualification"));
        assert_eq!(defs["CheckResult"]["additionalProperties"], false);
        // Maps keep their value schemas.
        assert_eq!(
            defs["Observation"]["properties"]["properties"]["additionalProperties"],
            true
        );
        assert!(!json_schema_text().contains("\"default\""));
    }

    /// Python interpreter with the `jsonschema` module: `GXP_PYTHON`, else the repository's
    /// `.venv` (created by `make tools`).
    fn python() -> PathBuf {
        if let Some(p) = std::env::var_os("GXP_PYTHON") {
            return PathBuf::from(p);
        }
        let venv = repo_root().join(".venv/bin/python");
        assert!(
            venv.exists(),
            "{} is missing: run `make tools` (it installs the jsonschema module) or set GXP_PYTHON \
             to a Python with jsonschema",
            venv.display()
        );
        venv
    }

    /// Validate documents against the committed schema with Python's `jsonschema`
    /// (Draft 2020-12, formats checked); one list of error messages per document.
    fn validate(documents: &[Value]) -> Vec<Vec<String>> {
        const SCRIPT: &str = r#"
import json, sys
import jsonschema
schema = json.load(open(sys.argv[1], encoding="utf-8"))
jsonschema.Draft202012Validator.check_schema(schema)
validator = jsonschema.Draft202012Validator(
    schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)
out = [[e.message for e in validator.iter_errors(doc)] for doc in json.load(sys.stdin)]
print(json.dumps(out))
"#;
        let python = python();
        let mut child = Command::new(&python)
            .arg("-c")
            .arg(SCRIPT)
            .arg(repo_root().join(SCHEMA_PATH))
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot run {}: {e}", python.display()));
        child
            .stdin
            .take()
            .unwrap()
            .write_all(serde_json::to_string(documents).unwrap().as_bytes())
            .unwrap();
        let out = child.wait_with_output().unwrap();
        assert!(
            out.status.success(),
            "schema validation with {} failed: {}",
            python.display(),
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice(&out.stdout).expect("validator output")
    }

    #[test]
    fn reports_validate_against_the_published_schema() {
        let report = sample_report();
        let valid: Value =
            serde_json::from_slice(&crate::report::canonical_bytes(&report)).unwrap();
        let mut first = report.clone();
        first.previous_report_sha256 = None;
        first.stacks.clear();
        first.observations.clear();
        first.results.truncate(1);
        let first = serde_json::to_value(&first).unwrap();

        let mut bad_status = valid.clone();
        bad_status["results"][0]["status"] = json!("ok");
        let mut bad_stage = valid.clone();
        bad_stage["results"][1]["stage"] = json!("iq");
        let mut missing = valid.clone();
        missing.as_object_mut().unwrap().remove("summary");
        let mut extra = valid.clone();
        extra["results"][0]["verdict"] = json!("fine");
        let mut bad_format = valid.clone();
        bad_format["format"] = json!("gxp.report/v2");
        let mut bad_time = valid.clone();
        bad_time["run"]["finished_at"] = json!("yesterday");
        let mut bad_digest = valid.clone();
        bad_digest["spec"]["digest"] = json!("not-a-digest");

        let errors = validate(&[
            valid, first, bad_status, bad_stage, missing, extra, bad_format, bad_time, bad_digest,
        ]);
        assert!(errors[0].is_empty(), "sample report: {:?}", errors[0]);
        assert!(errors[1].is_empty(), "first report: {:?}", errors[1]);
        for (i, what) in [
            "bad status",
            "bad stage",
            "missing summary",
            "extra member",
            "other format",
            "bad timestamp",
            "bad digest",
        ]
        .iter()
        .enumerate()
        {
            assert!(!errors[i + 2].is_empty(), "{what} was accepted");
        }
    }
}
