//! The catalog documentation, generated from the catalog ([`super::all`]: the IQ checks and
//! the registry): the check table and the parameter forms of `docs/resources/expected_spec.md`
//! (between [`TABLE`] and [`PARAMETERS`] markers) and the page `docs/guides/check-catalog.md`
//! ([`catalog_page`]), and the coverage page `docs/guides/gxp-coverage.md` ([`coverage_page`]).
//! Pure text; `make docs` writes the files and a test of the provider's `docs` suite fails
//! when the committed ones differ.

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
    let limits = emulator_limits(c.id);
    if !limits.is_empty() {
        let _ = writeln!(
            out,
            "| Emulator limits | {} ([details](gxp-coverage.md#{EMULATOR_ANCHOR})) |",
            limits.join("; ")
        );
    }
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

/// The guide page written by [`coverage_page`], relative to `docs/`.
pub const COVERAGE_PAGE: &str = "guides/gxp-coverage.md";

/// The coverage page: per section of 21 CFR Part 11 and EU GMP Annex 11
/// ([`super::sections`]), the checks whose `controls` name it or one of its subsections, and
/// what else the provider does for it. A section no check supports says so. A last section
/// lists what the end-to-end tests' emulators cannot exercise ([`super::emulator_coverage`]).
pub fn coverage_page() -> String {
    use super::sections::{ANNEX11, PART11};
    let checks: Vec<&CheckDef> = all().iter().collect();
    let mut out = format!(
        "---\n\
         page_title: \"GxP coverage\"\n\
         subcategory: \"Guides\"\n\
         description: |-\n  \
         Per section of 21 CFR Part 11 and EU GMP Annex 11: the catalog checks that support it and what else the provider does for it.\n\
         ---\n\n\
         <!-- Generated from the check registry by `{REGENERATE}`; do not edit by hand. -->\n\n\
         # GxP coverage\n\n\
         Which of the {} checks of catalog version {CATALOG_VERSION} support each section of 21 CFR Part 11 \
         and EU GMP Annex 11, taken from the checks' `controls`: a check supports a section when one of \
         its controls is that section or one of its subsections (shown in parentheses). The last column \
         says what the provider does for the section besides its checks. A check is evidence that the \
         infrastructure supports a section, not its fulfilment: procedures, training and the application \
         itself remain the regulated company's. Each check's details are in the \
         [check catalog](check-catalog.md); a requirement of a specification names its own controls \
         (`controls`), and the report traces each requirement to its results. The last section, \
         [{EMULATOR_HEADING}](#{EMULATOR_ANCHOR}), says which branches of which checks the end-to-end \
         tests cannot show on moto or LocalStack, and where they are tested instead.\n",
        checks.len()
    );
    for (name, sections) in [("21 CFR Part 11", PART11), ("EU GMP Annex 11", ANNEX11)] {
        let with = sections
            .iter()
            .filter(|s| !s.supported_by(&checks).is_empty())
            .count();
        let _ = write!(
            out,
            "\n## {name}\n\n{with} of {} sections are supported by at least one check.\n\n\
             | Section | Requirement | Checks | Provider, besides checks |\n|---|---|---|---|\n",
            sections.len()
        );
        for s in sections {
            let supported = s.supported_by(&checks);
            let list = if supported.is_empty() {
                "**No check yet.**".to_string()
            } else {
                supported
                    .iter()
                    .map(|(c, refs)| {
                        let sub: Vec<String> = refs
                            .iter()
                            .filter(|r| **r != s.control)
                            .map(|r| format!("`{r}`"))
                            .collect();
                        if sub.is_empty() {
                            format!("`{}`", c.id)
                        } else {
                            format!("`{}` ({})", c.id, sub.join(", "))
                        }
                    })
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            let provider = if s.provider.is_empty() {
                "—"
            } else {
                s.provider
            };
            let _ = writeln!(
                out,
                "| {} `{}` | {} | {list} | {provider} |",
                section_label(s.control),
                s.control,
                s.title
            );
        }
    }
    emulator_section(&mut out);
    out
}

/// Heading of the coverage page's section on the emulators' limits.
pub const EMULATOR_HEADING: &str = "Checks the emulators cannot exercise";
/// The anchor of [`EMULATOR_HEADING`].
const EMULATOR_ANCHOR: &str = "checks-the-emulators-cannot-exercise";

/// The coverage page's section on what the end-to-end tests' emulators cannot exercise
/// ([`super::emulator_coverage::GAPS`]), one row per limit.
fn emulator_section(out: &mut String) {
    use super::emulator_coverage::{unexercised_on_every_emulator, GAPS};
    let limited: std::collections::BTreeSet<&str> =
        GAPS.iter().flat_map(|g| g.check_ids()).collect();
    let nowhere = limited
        .iter()
        .filter(|c| unexercised_on_every_emulator(c))
        .count();
    let _ = write!(
        out,
        "\n## {EMULATOR_HEADING}\n\n\
         The end-to-end tests build compliant and weakened resources through the SDK and run real \
         Terraform against an emulator: moto 5.2 by default, LocalStack 2026.3 (community runtime) \
         with `GXP_TEST_BACKEND=localstack`. Where an emulator lacks a call or cannot build the \
         state a branch needs, the check is exercised on the branch the emulator supports and the \
         rest is tested on recorded AWS answers (unit and fake-endpoint tests, golden reports); a \
         call an emulator does not answer makes the check `error`, never `passed`. {} checks have \
         such a limit; {nowhere} of them have a branch neither emulator exercises.\n\n\
         | Checks | Emulator | Not exercised | Why | Tested instead |\n|---|---|---|---|---|\n",
        limited.len()
    );
    for g in GAPS {
        let checks = match g.checks {
            super::emulator_coverage::Checks::Ids(_) => code_list(&g.check_ids()),
            super::emulator_coverage::Checks::Service(s) => {
                format!("every `{s}` check: {}", code_list(&g.check_ids()))
            }
        };
        let emulators: Vec<&str> = g.emulators.iter().map(|e| e.label()).collect();
        let _ = writeln!(
            out,
            "| {checks} | {} | {} | {} | {} |",
            emulators.join(", "),
            g.branch.describe(),
            cell(g.reason),
            cell(g.tested_instead)
        );
    }
}

/// The catalog page's line on `check`'s emulator limits: per limit, the emulators and the
/// branch they do not exercise; empty when the emulators exercise every branch.
fn emulator_limits(check: &str) -> Vec<String> {
    super::emulator_coverage::gaps_of(check)
        .map(|g| {
            let emulators: Vec<&str> = g.emulators.iter().map(|e| e.label()).collect();
            format!(
                "{}: {} not exercised ({})",
                emulators.join(" and "),
                g.branch.describe(),
                cell(g.reason)
            )
        })
        .collect()
}

/// `text` safe in a Markdown table cell.
fn cell(text: &str) -> String {
    text.replace('|', "\\|")
}

/// `§11.10(a)` for `21CFR11.10(a)`, `§7` for `Annex11-7`.
fn section_label(control: &str) -> String {
    let bare = control
        .strip_prefix("21CFR")
        .or_else(|| control.strip_prefix("Annex11-"))
        .unwrap_or(control);
    format!("§{bare}")
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
                    // The SOUP checks' remediation is Terraform's own.
                    || l.trim_start().starts_with("terraform ")
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
    fn every_part11_and_annex11_control_of_a_check_is_a_section_of_the_coverage_page() {
        use crate::catalog::sections::{ANNEX11, PART11};
        for c in all() {
            for r in c.controls {
                if r.starts_with("21CFR11.") || r.starts_with("Annex11-") {
                    assert!(
                        PART11.iter().chain(ANNEX11).any(|s| s.covers(r)),
                        "{}: control {r} is under no section of the coverage page",
                        c.id
                    );
                }
            }
        }
    }

    #[test]
    fn coverage_page_lists_supporting_checks_and_sections_without_one() {
        let page = coverage_page();
        let row = |label: &str| -> String {
            page.lines()
                .find(|l| l.starts_with(&format!("| {label} ")))
                .unwrap_or_else(|| panic!("no row {label}"))
                .to_string()
        };
        // From the checks' controls: s3.acl_disabled names 21CFR11.10(d) and Annex11-12.
        assert!(
            row("§11.10(d)").contains("`s3.acl_disabled`"),
            "{}",
            row("§11.10(d)")
        );
        assert!(row("§12").contains("`s3.acl_disabled`"));
        assert!(!row("§11.10(e)").contains("`s3.acl_disabled`"));
        for label in ["§11.10(h)", "§11.200", "§11.300"] {
            let r = row(label);
            let supported = all().iter().any(|c| {
                c.controls.iter().any(|x| {
                    crate::catalog::sections::PART11
                        .iter()
                        .any(|s| section_label(s.control) == label && s.covers(x))
                })
            });
            assert_eq!(!r.contains("**No check yet.**"), supported, "{r}");
        }
        assert!(page.contains(&format!("of catalog version {CATALOG_VERSION}")));
    }

    #[test]
    fn coverage_page_lists_every_emulator_limit_and_the_catalog_page_each_check_s() {
        use crate::catalog::emulator_coverage::{gaps_of, GAPS};
        let page = coverage_page();
        let start = page
            .find(&format!("\n## {EMULATOR_HEADING}\n"))
            .expect("emulator section");
        let section = &page[start..];
        let rows: Vec<&str> = section
            .lines()
            .filter(|l| l.starts_with("| `") || l.starts_with("| every"))
            .collect();
        assert_eq!(rows.len(), GAPS.len(), "{section}");
        for (g, row) in GAPS.iter().zip(&rows) {
            for id in g.check_ids() {
                assert!(row.contains(&format!("`{id}`")), "{id}: {row}");
            }
            assert!(row.contains(g.reason), "{row}");
            assert!(row.contains(g.tested_instead), "{row}");
        }
        assert!(section.contains("| `securityhub.enabled` | moto 5.2 | passing |"));
        let catalog = catalog_page();
        for c in all() {
            let start = catalog.find(&format!("\n### {}\n", c.id)).unwrap();
            let rest = &catalog[start + 1..];
            let own = &rest[..rest.find("\n### ").unwrap_or(rest.len())];
            assert_eq!(
                own.contains("| Emulator limits |"),
                gaps_of(c.id).next().is_some(),
                "{}",
                c.id
            );
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
