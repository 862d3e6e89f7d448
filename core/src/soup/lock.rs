//! The dependency lock file `.terraform.lock.hcl` (pure): the provider blocks
//! `provider "SOURCE" { version = "…", constraints = "…", hashes = ["h1:…", "zh:…"] }`.

use hcl::{Body, Expression};

/// One provider block of the lock file.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct LockedProvider {
    /// Source address, e.g. `registry.terraform.io/hashicorp/aws`.
    pub source: String,
    pub version: String,
    pub constraints: Option<String>,
    pub hashes: Vec<String>,
}

/// Parse a lock file: its provider blocks in file order. An HCL syntax error, a provider
/// block without exactly one label or without a string `version`, or a `hashes` that is not
/// a list of strings is an error naming what is wrong. Other blocks are ignored (Terraform
/// may add some in later versions).
pub fn parse(text: &str) -> Result<Vec<LockedProvider>, String> {
    let body: Body = hcl::from_str(text).map_err(|e| format!("not valid HCL: {e}"))?;
    let mut out = Vec::new();
    for block in body.blocks().filter(|b| b.identifier() == "provider") {
        let [label] = block.labels() else {
            return Err(format!(
                "a provider block has {} labels, not 1 (its source address)",
                block.labels().len()
            ));
        };
        let source = label.as_str().to_string();
        let attr = |key: &str| block.body().attributes().find(|a| a.key() == key);
        let string = |key: &str| -> Result<Option<String>, String> {
            match attr(key).map(|a| a.expr()) {
                None => Ok(None),
                Some(Expression::String(s)) => Ok(Some(s.clone())),
                Some(other) => Err(format!(
                    "provider \"{source}\": {key} is not a string: {other}"
                )),
            }
        };
        let version =
            string("version")?.ok_or_else(|| format!("provider \"{source}\": no version"))?;
        let constraints = string("constraints")?;
        let hashes = match attr("hashes").map(|a| a.expr()) {
            None => vec![],
            Some(Expression::Array(items)) => items
                .iter()
                .map(|e| match e {
                    Expression::String(s) => Ok(s.clone()),
                    other => Err(format!(
                        "provider \"{source}\": a hash is not a string: {other}"
                    )),
                })
                .collect::<Result<_, _>>()?,
            Some(other) => {
                return Err(format!(
                    "provider \"{source}\": hashes is not a list: {other}"
                ))
            }
        };
        out.push(LockedProvider {
            source,
            version,
            constraints,
            hashes,
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A lock file written by `terraform init` (Terraform 1.15.5, filesystem mirror).
    const LANDING_ZONE: &str = include_str!("fixtures/landing-zone.terraform.lock.hcl");

    /// A lock file as `terraform init` writes it from the public registry (`zh:` hashes of
    /// every platform's zip besides the `h1:` of the installed one).
    const REGISTRY: &str = r#"# This file is maintained automatically by "terraform init".
# Manual edits may be lost in future updates.

provider "registry.terraform.io/hashicorp/aws" {
  version     = "5.100.0"
  constraints = "~> 5.0"
  hashes = [
    "h1:Ijt7pOlB7Tr7maGQIqtsLFbl7pSMIj06TVdkoSBcYOw=",
    "zh:054b8dd49f0549c9a7cc27d159e45327b7b65cf404da5e5a20da154b90b8a644",
    "zh:0b97bf8d5e03d15d83cc40b0530a1f84b459354939ba6f135a0086c20ebbe6b2",
  ]
}

provider "registry.terraform.io/hashicorp/random" {
  version = "3.7.2"
  hashes = [
    "h1:356j/3XnXEKr9nyicLUufzoF4Yr6hRy481KIxRVpK0c=",
  ]
}
"#;

    #[test]
    fn a_real_lock_file_gives_every_provider_with_version_constraints_and_hashes() {
        let p = parse(LANDING_ZONE).unwrap();
        assert_eq!(p.len(), 2);
        assert_eq!(p[0].source, "registry.terraform.io/gxp/gxp");
        assert_eq!(p[0].version, "0.1.0");
        assert_eq!(p[0].constraints.as_deref(), Some(">= 0.1.0"));
        assert_eq!(
            p[0].hashes,
            ["h1:dtdUTAS4Gqw9Kr9fYhrNzylzq1H7DDl5CMCIeK9A29g="]
        );
        assert_eq!(p[1].source, "registry.terraform.io/hashicorp/aws");
        assert_eq!(p[1].constraints.as_deref(), Some("~> 5.0"));

        let r = parse(REGISTRY).unwrap();
        assert_eq!(r.len(), 2);
        assert_eq!(r[0].hashes.len(), 3);
        assert!(r[0].hashes[1].starts_with("zh:"));
        assert_eq!(r[1].constraints, None);
        assert_eq!(r[1].version, "3.7.2");
    }

    #[test]
    fn an_empty_lock_file_pins_nothing_and_a_block_without_hashes_has_none() {
        assert_eq!(parse("").unwrap(), vec![]);
        assert_eq!(parse("# only a comment\n").unwrap(), vec![]);
        let p =
            parse("provider \"registry.terraform.io/x/y\" {\n  version = \"1.0.0\"\n}\n").unwrap();
        assert_eq!(p[0].hashes, Vec::<String>::new());
        assert_eq!(p[0].version, "1.0.0");
    }

    #[test]
    fn malformed_lock_files_are_errors_naming_what_is_wrong() {
        for (text, want) in [
            (
                "provider \"registry.terraform.io/x/y\" {\n  version = ",
                "not valid HCL",
            ),
            ("provider {\n  version = \"1.0.0\"\n}\n", "0 labels"),
            (
                "provider \"a\" \"b\" {\n  version = \"1.0.0\"\n}\n",
                "2 labels",
            ),
            ("provider \"x\" {\n  constraints = \"1\"\n}\n", "no version"),
            (
                "provider \"x\" {\n  version = 1\n}\n",
                "version is not a string",
            ),
            (
                "provider \"x\" {\n  version = \"1\"\n  hashes = \"h1:\"\n}\n",
                "hashes is not a list",
            ),
            (
                "provider \"x\" {\n  version = \"1\"\n  hashes = [1]\n}\n",
                "a hash is not a string",
            ),
            ("\u{0}\u{1}garbage{{{", "not valid HCL"),
        ] {
            let err = parse(text).unwrap_err();
            assert!(err.contains(want), "{text:?}: {err}");
        }
    }
}
