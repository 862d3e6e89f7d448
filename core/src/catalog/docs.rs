//! The catalog documentation, generated from the catalog ([`super::all`]: the IQ checks and
//! the registry): the check table and the parameter forms of `docs/resources/expected_spec.md`
//! (between [`TABLE`] and [`PARAMETERS`] markers) and the page `docs/guides/check-catalog.md`
//! ([`catalog_page`]). Pure text; `make docs` writes the files and a test of the provider's
//! `docs` suite fails when the committed ones differ.

use super::{all, CheckDef, CATALOG_VERSION};
use crate::observe::services;
use std::fmt::Write as _;

/// The guide page written by [`catalog_page`], relative to `docs/`.
pub const CATALOG_PAGE: &str = "guides/check-catalog.md";

/// The command that regenerates every generated part of the docs.
pub const REGENERATE: &str = "make docs";

/// Marker name of the check table region of the expected-spec page.
pub const TABLE: &str = "check-catalog-table";
/// Marker name of the parameter forms region of the expected-spec page.
pub const PARAMETERS: &str = "check-parameter-forms";

/// The line opening generated region `name`.
pub fn begin_marker(name: &str) -> String {
    format!("<!-- BEGIN GENERATED {name}: from the check registry; edit the checks and run `{REGENERATE}` -->")
}

/// The line closing generated region `name`.
pub fn end_marker(name: &str) -> String {
    format!("<!-- END GENERATED {name} -->")
}

/// `text` with the lines between the markers of region `name` replaced by `content` (which
/// ends with a newline); `None` when the markers are missing or out of order.
pub fn replace_region(text: &str, name: &str, content: &str) -> Option<String> {
    let begin = begin_marker(name);
    let end = end_marker(name);
    let start = text.find(&begin)? + begin.len();
    let start = start + text[start..].find('\n')? + 1;
    let stop = start + text[start..].find(&end)?;
    Some(format!("{}{content}{}", &text[..start], &text[stop..]))
}

/// The check table of the expected-spec page: id, stage, resource types, title, severity
/// and the parameters as `CHECK_ID.PARAMETER` (with their defaults).
pub fn catalog_table() -> String {
    let mut out = String::from(
        "| Check id | Stage | Applies to | Verifies | Severity | Parameters |\n\
         |---|---|---|---|---|---|\n",
    );
    for c in all() {
        let params: Vec<String> = c
            .params
            .iter()
            .map(|p| match p.default {
                Some(d) => format!("`{}.{}` (default `{d}`)", c.id, p.name),
                None => format!("`{}.{}`", c.id, p.name),
            })
            .collect();
        let params = if params.is_empty() {
            String::new()
        } else {
            format!("{} ", params.join(", "))
        };
        let _ = writeln!(
            out,
            "| `{}` | {} | {} | {} | {} | {params}|",
            c.id,
            c.stage,
            applies_to(c),
            c.title,
            c.severity
        );
    }
    out
}

/// The parameter forms of the expected-spec page: `| CHECK_ID.PARAMETER | FORM | DEFAULT |`.
pub fn parameter_table() -> String {
    let mut out = String::from("| Parameter | Form | Default |\n|---|---|---|\n");
    for c in all() {
        for p in c.params {
            let _ = writeln!(
                out,
                "| `{}.{}` | {} | {} |",
                c.id,
                p.name,
                p.kind.form(),
                default_of(p.default)
            );
        }
    }
    out
}

/// The guide page listing every check with everything the catalog knows about it.
pub fn catalog_page() -> String {
    let mut out = format!(
        "---\n\
         page_title: \"Check catalog\"\n\
         subcategory: \"Guides\"\n\
         description: |-\n  \
         Every check of the catalog: stage, resource types, severity, controls, parameters, remediation as Terraform, CloudFormation and CLI, IAM actions, related Prowler checks and AWS Config rules.\n\
         ---\n\n\
         <!-- Generated from the check registry by `{REGENERATE}`; do not edit by hand. -->\n\n\
         # Check catalog\n\n\
         Catalog version {CATALOG_VERSION}: {} checks. Use the ids in `checks` and `suppression.check` of \
         [`gxp_expected_spec`](../resources/expected_spec.md#check-catalog), and the parameters in its \
         `check_parameters` (`\"CHECK_ID.PARAMETER\" = \"value\"`); \
         [`gxp_check_catalog`](../data-sources/check_catalog.md) gives the same catalog as data. \
         The remediation snippets are fragments to merge into your own configuration (`# ...` stands \
         for the rest of the resource; upper-case words in CLI commands are yours to fill in). The IAM \
         actions are those evaluating the check calls: its own and those its service's collector calls \
         for every resource. Related checks name the Prowler check ids and AWS Config managed rules \
         that verify the same thing, where one is known.\n",
        all().len()
    );
    let mut group = String::new();
    for c in all() {
        if service_heading(c) != group {
            group = service_heading(c);
            let _ = write!(out, "\n## {group}\n");
        }
        check_section(&mut out, c);
    }
    out
}

fn check_section(out: &mut String, c: &CheckDef) {
    let _ = write!(out, "\n### {}\n\n{}\n\n", c.id, c.title);
    let _ = writeln!(out, "| | |\n|---|---|");
    let _ = writeln!(out, "| Id | `{}` |", c.id);
    let _ = writeln!(out, "| Stage | {} |", c.stage);
    let _ = writeln!(out, "| Service | `{}` |", c.service);
    let _ = writeln!(out, "| Applies to | {} |", applies_to(c));
    let _ = writeln!(out, "| Severity | {} |", c.severity);
    let _ = writeln!(out, "| Controls | {} |", code_list(c.controls));
    let _ = writeln!(
        out,
        "| IAM actions | {} |",
        code_list(&services::required_iam_actions(c))
    );
    let _ = writeln!(out, "| Prowler | {} |", code_list(c.related.prowler));
    let _ = writeln!(out, "| AWS Config | {} |", code_list(c.related.aws_config));
    let _ = write!(out, "\n{}\n", c.description);
    if !c.params.is_empty() {
        let _ = write!(
            out,
            "\n**Parameters**\n\n| Parameter | Form | Default | Description |\n|---|---|---|---|\n"
        );
        for p in c.params {
            let _ = writeln!(
                out,
                "| `{}.{}` | {} | {} | {} |",
                c.id,
                p.name,
                p.kind.form(),
                default_of(p.default),
                p.description.replace('|', "\\|")
            );
        }
    }
    let _ = write!(out, "\n**Remediation**\n\n{}\n", c.remediation);
    let code = &c.remediation_code;
    for (tool, lang, snippet) in [
        ("Terraform", "hcl", code.terraform),
        ("CloudFormation", "yaml", code.cloudformation),
        ("CLI", "sh", code.cli),
    ] {
        if snippet.trim().is_empty() {
            let _ = write!(out, "\n{tool}: no snippet (see above).\n");
        } else {
            // `hcl fragment`: highlighted as HCL, but not one of the `hcl`/`terraform`/`tf`
            // blocks the snippet test validates as a whole configuration.
            let info = if lang == "sh" {
                lang.to_string()
            } else {
                format!("{lang} fragment")
            };
            let _ = write!(out, "\n{tool}:\n\n```{info}\n{}\n```\n", snippet.trim_end());
        }
    }
}

fn service_heading(c: &CheckDef) -> String {
    if c.stage == super::Stage::Iq {
        "IQ checks".to_string()
    } else {
        format!("Service `{}`", c.service)
    }
}

fn applies_to(c: &CheckDef) -> String {
    if c.resource_types.is_empty() {
        "any".to_string()
    } else {
        code_list(c.resource_types)
    }
}

fn code_list(items: &[&str]) -> String {
    if items.is_empty() {
        "none".to_string()
    } else {
        items
            .iter()
            .map(|i| format!("`{i}`"))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

fn default_of(default: Option<&str>) -> String {
    default.map_or("none".to_string(), |d| format!("`{d}`"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_has_a_row_per_check_with_its_parameters() {
        let table = catalog_table();
        assert_eq!(table.lines().count(), all().len() + 2);
        assert!(table.contains(
            "| `s3.versioning` | OQ | `AWS::S3::Bucket` | Bucket versioning enabled | security | |\n"
        ));
        assert!(table.contains(
            "| `iq.stack_status` | IQ | any | Stack deployed successfully | functional | |\n"
        ));
        assert!(table.contains("| `logs.retention.min_days` (default `365`) |\n"));
    }

    #[test]
    fn parameter_table_gives_form_and_default() {
        let table = parameter_table();
        assert!(table.contains(
            "| `logs.retention.min_days` | a whole number of days from 1 to 3653 | `365` |\n"
        ));
        assert!(table.contains(
            "| `iq.template_hash.sha256` | a SHA-256 digest (64 hexadecimal digits) | none |\n"
        ));
    }

    #[test]
    fn page_has_a_section_per_check_with_remediation_code_and_iam_actions() {
        let page = catalog_page();
        assert!(page.starts_with("---\npage_title: \"Check catalog\"\n"));
        for c in all() {
            let start = page
                .find(&format!("\n### {}\n", c.id))
                .unwrap_or_else(|| panic!("no section for {}", c.id));
            let section = &page[start..];
            let section = &section[..section[1..].find("\n### ").map_or(section.len(), |e| e + 1)];
            for action in services::required_iam_actions(c) {
                assert!(
                    section.contains(&format!("`{action}`")),
                    "{}: {action}",
                    c.id
                );
            }
            for control in c.controls {
                assert!(
                    section.contains(&format!("`{control}`")),
                    "{}: {control}",
                    c.id
                );
            }
            for p in c.params {
                assert!(
                    section.contains(&format!("| `{}.{}` |", c.id, p.name)),
                    "{}",
                    c.id
                );
            }
            assert!(section.contains(c.remediation), "{}", c.id);
            assert!(
                section.contains("Terraform:") && section.contains("CLI:"),
                "{}",
                c.id
            );
        }
        assert!(page.contains("| AWS Config | `s3-bucket-versioning-enabled` |"));
    }

    #[test]
    fn every_check_has_remediation_code_for_every_tool_it_can_use() {
        for c in all() {
            let code = c.remediation_code;
            assert!(!code.terraform.trim().is_empty(), "{}: terraform", c.id);
            assert!(!code.cli.trim().is_empty(), "{}: cli", c.id);
            assert!(
                code.cli.lines().all(|l| l.trim_start().starts_with("aws ")
                    || l.trim_start().starts_with("--")
                    || l.trim_start().starts_with('\'')
                    || l.trim_start().starts_with("sha256sum")
                    || l.trim_start().starts_with("Block")),
                "{}: every CLI line is an aws command or its continuation:\n{}",
                c.id,
                code.cli
            );
            for rule in c.related.aws_config.iter().chain(c.related.prowler) {
                assert!(
                    !rule.is_empty() && !rule.contains(' '),
                    "{}: {rule:?}",
                    c.id
                );
            }
            // Prowler check ids are the snake_case folder names of
            // prowler/providers/aws/services/<service>/<check_id>/; AWS Config managed rules
            // are named in lower-kebab case (their upper-snake source identifier differs).
            let shaped = |id: &str, sep: char| {
                id.contains(sep)
                    && id
                        .chars()
                        .all(|ch| ch.is_ascii_lowercase() || ch.is_ascii_digit() || ch == sep)
            };
            for id in c.related.prowler {
                assert!(shaped(id, '_'), "{}: Prowler check id {id:?}", c.id);
            }
            for name in c.related.aws_config {
                assert!(shaped(name, '-'), "{}: AWS Config rule {name:?}", c.id);
            }
        }
    }

    #[test]
    fn regions_are_replaced_between_their_markers_only() {
        let text = format!(
            "before\n{}\nold\n{}\nafter\n",
            begin_marker(TABLE),
            end_marker(TABLE)
        );
        let new = replace_region(&text, TABLE, "new\n").unwrap();
        assert_eq!(
            new,
            format!(
                "before\n{}\nnew\n{}\nafter\n",
                begin_marker(TABLE),
                end_marker(TABLE)
            )
        );
        assert_eq!(replace_region("no markers\n", TABLE, "x\n"), None);
        assert_eq!(replace_region(&text, PARAMETERS, "x\n"), None);
    }
}
