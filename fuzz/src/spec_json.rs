//! Target `spec_json`: JSON text from outside the provider — `properties` documents, the
//! canonical specification document `gxp_qualification` takes as `spec_document`, and
//! prior states of `gxp_expected_spec` of every schema version.
//!
//! Asserts:
//! - `properties`: an accepted document's canonical form is JSON of the same value and its
//!   own canonical form;
//! - `spec_document`: an accepted document re-canonicalises to a document that parses to
//!   the same specification with the same digest (canonicalisation is idempotent);
//! - state upgrade never panics, refuses future versions, is idempotent on the current
//!   version, and an upgraded state the resource accepts validates and plans without panic.

use serde_json::Value as Json;
use tf_provider::Diagnostics;

use super::spec::{to_model, validate};
use gxp::convert::spec::SpecConfig;
use gxp::resources::expected_spec::compute;
use gxp_core::spec::canonical;
use gxp_core::spec::upgrade::{upgrade_json, SCHEMA_VERSION};

/// Run the target on fuzzer bytes: the first byte picks the state version, the rest is text.
pub fn run(data: &[u8]) {
    let Some((&selector, rest)) = data.split_first() else {
        return;
    };
    let Ok(text) = std::str::from_utf8(rest) else {
        return;
    };
    properties(text);
    spec_document(text);
    state(i64::from(selector % 4) - 1, text);
}

fn properties(text: &str) {
    let Ok(value) = canonical::parse_properties(text) else {
        return;
    };
    let mut out = String::new();
    canonical::write_canonical(&value, &mut out);
    let back: Json = serde_json::from_str(&out)
        .unwrap_or_else(|e| panic!("canonical properties are not JSON ({e}): {out}"));
    assert_eq!(back, value, "canonical properties changed the value");
    let mut again = String::new();
    canonical::write_canonical(&back, &mut again);
    assert_eq!(again, out, "canonical properties are not a fixpoint");
}

fn spec_document(text: &str) {
    let Ok(spec) = canonical::from_canonical_json(text) else {
        return;
    };
    let canonical_text = canonical::canonical_json(&spec);
    let back = canonical::from_canonical_json(&canonical_text)
        .unwrap_or_else(|e| panic!("re-canonicalised document does not parse: {e}"));
    assert_eq!(back, spec, "canonicalisation changed the specification");
    assert_eq!(canonical::canonical_json(&back), canonical_text);
    assert_eq!(canonical::digest(&back), canonical::digest(&spec));
}

fn state(version: i64, text: &str) {
    let Ok(json) = serde_json::from_str::<Json>(text) else {
        return;
    };
    let upgraded = upgrade_json(version, json.clone());
    if !(0..=SCHEMA_VERSION).contains(&version) {
        assert!(upgraded.is_err(), "state version {version} was accepted");
        return;
    }
    let Ok(upgraded) = upgraded else {
        return;
    };
    let again = upgrade_json(SCHEMA_VERSION, upgraded.clone()).expect("current version upgrades");
    assert_eq!(again, upgraded, "upgrading a current state changed it");
    if version == SCHEMA_VERSION {
        assert_eq!(upgraded, json, "upgrading a current state changed it");
    }
    let Ok(cfg) = serde_json::from_value::<SpecConfig>(upgraded) else {
        return;
    };
    let _ = validate(&cfg, super::spec::now());
    let mut diags = Diagnostics::default();
    if let Some(planned) = compute(&mut diags, cfg.clone(), Some(&cfg)) {
        if let (tf_provider::value::Value::Value(text), Ok(spec)) =
            (&planned.canonical_json, to_model(&planned))
        {
            assert_eq!(text, &canonical::canonical_json(&spec));
        }
    }
}
