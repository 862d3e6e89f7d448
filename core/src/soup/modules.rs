//! The module manifest `modules/modules.json` that `terraform init` writes in the data
//! directory (pure): `{"Modules":[{"Key":"","Source":"","Dir":"."},{"Key":"vpc",…}]}`.

use serde::Deserialize;

use super::model::SoupModule;

#[derive(Deserialize)]
struct Manifest {
    #[serde(rename = "Modules")]
    modules: Vec<Entry>,
}

#[derive(Deserialize)]
struct Entry {
    #[serde(rename = "Key")]
    key: String,
    #[serde(rename = "Source", default)]
    source: String,
    #[serde(rename = "Version", default)]
    version: Option<String>,
    #[serde(rename = "Dir", default)]
    dir: String,
}

/// Parse a module manifest: every module but the root one (key `""`), sorted by key. Not
/// JSON, or not the manifest's shape, is an error.
pub fn parse(text: &str) -> Result<Vec<SoupModule>, String> {
    let manifest: Manifest =
        serde_json::from_str(text).map_err(|e| format!("not a module manifest: {e}"))?;
    let mut out: Vec<SoupModule> = manifest
        .modules
        .into_iter()
        .filter(|m| !m.key.is_empty())
        .map(|m| SoupModule {
            key: m.key,
            source: m.source,
            version: m.version.filter(|v| !v.is_empty()),
            dir: m.dir,
        })
        .collect();
    out.sort_by(|a, b| a.key.cmp(&b.key));
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A manifest written by `terraform init` (Terraform 1.15.5) for the landing-zone module.
    const LANDING_ZONE: &str = include_str!("fixtures/landing-zone.modules.json");

    #[test]
    fn a_real_manifest_gives_every_module_but_the_root() {
        let m = parse(LANDING_ZONE).unwrap();
        assert_eq!(m.len(), 13);
        assert!(m.iter().all(|m| !m.key.is_empty()));
        assert_eq!(m[0].key, "landing_zone");
        assert_eq!(m[0].source, "../../modules/landing-zone");
        assert_eq!(m[0].version, None, "a local module has no version");
        let nested = m
            .iter()
            .find(|m| m.key == "landing_zone.audit_trail.bucket")
            .unwrap();
        assert_eq!(nested.dir, "../../modules/_internal/hardened-bucket");
    }

    #[test]
    fn registry_modules_carry_their_version() {
        let m = parse(r#"{"Modules":[{"Key":"","Source":"","Dir":"."},{"Key":"vpc","Source":"registry.terraform.io/terraform-aws-modules/vpc/aws","Version":"5.1.0","Dir":".terraform/modules/vpc"}]}"#).unwrap();
        assert_eq!(m.len(), 1);
        assert_eq!(m[0].version.as_deref(), Some("5.1.0"));
        assert_eq!(
            m[0].source,
            "registry.terraform.io/terraform-aws-modules/vpc/aws"
        );
    }

    #[test]
    fn malformed_manifests_are_errors() {
        for text in [
            "",
            "{",
            "[]",
            "{\"Modules\":{}}",
            "{\"Modules\":[{\"Source\":\"x\"}]}",
        ] {
            let err = parse(text).unwrap_err();
            assert!(err.starts_with("not a module manifest"), "{text:?}: {err}");
        }
        assert_eq!(parse("{\"Modules\":[]}").unwrap(), vec![]);
    }
}
