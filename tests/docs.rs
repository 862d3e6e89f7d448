//! Documentation coverage: every attribute and block of the provider, its resources and
//! data sources has a description and is documented on its page under `docs/`.
//!
//! For each schema path (from `gxp::provider::schema_builder::flatten`):
//! - the schema description is not empty;
//! - the page has a bullet `` * `NAME` `` for it in its `## Argument Reference` or
//!   `## Attributes Reference` section; a nested attribute (`system.environment`) is listed
//!   under a `###` heading of that section naming its block (`### system`);
//! - the bullet says `(Required)` or `(Optional)` as the schema does; a computed-only
//!   top-level attribute is listed in `## Attributes Reference`; a sensitive one says so.
//!
//! Every registered resource and data source must have a row in [`PAGES`], and every page
//! in `docs/resources` and `docs/data-sources` must have a row and front matter with
//! `page_title`, `subcategory` and `description`.
//!
//! The check catalog parts of the docs are generated from the registry
//! (`gxp_core::catalog::docs`): [`generated_catalog_docs_are_current`] fails when the
//! committed ones differ, and with `GXP_WRITE_DOCS=1` (what `make docs` sets) writes them.
//!
//! Run: `cargo test -p terraform-provider-gxp --test docs` (or `make docs`, which regenerates
//! the catalog docs first).

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};

use tf_provider::schema::{AttributeConstraint, Block, NestedBlock, Schema};
use tf_provider::Diagnostics;

use gxp::provider::schema_builder::flatten;
use gxp::provider::Shared;

/// What a documentation page describes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Resource,
    DataSource,
}

/// Resource or data source name without the `gxp_` prefix → page under `docs/`.
/// Add one line per new resource or data source.
const PAGES: &[(Kind, &str, &str)] = &[
    (
        Kind::Resource,
        "expected_spec",
        "resources/expected_spec.md",
    ),
    (
        Kind::Resource,
        "qualification",
        "resources/qualification.md",
    ),
    (
        Kind::DataSource,
        "check_catalog",
        "data-sources/check_catalog.md",
    ),
    (Kind::DataSource, "report", "data-sources/report.md"),
    (Kind::DataSource, "iam_policy", "data-sources/iam_policy.md"),
    (
        Kind::DataSource,
        "requalification",
        "data-sources/requalification.md",
    ),
];

/// Front matter keys every resource and data source page must have.
const FRONT_MATTER_KEYS: [&str; 3] = ["page_title", "subcategory", "description"];

/// Headings (level 2) of the sections that document attributes.
const ARGUMENTS: &str = "Argument Reference";
const ATTRIBUTES: &str = "Attributes Reference";

fn docs_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs")
}

fn read_page(relative: &str) -> String {
    let path = docs_dir().join(relative);
    fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

/// One markdown line outside fenced code blocks, with the heading level (0: not a heading).
struct Line<'a> {
    level: usize,
    text: &'a str,
}

/// The lines of `markdown` outside ``` fences (an HCL `# comment` is not a heading).
fn lines(markdown: &str) -> Vec<Line<'_>> {
    let mut out = Vec::new();
    let mut fenced = false;
    for raw in markdown.lines() {
        let trimmed = raw.trim_start();
        if trimmed.starts_with("```") {
            fenced = !fenced;
            continue;
        }
        if fenced {
            continue;
        }
        let hashes = trimmed.chars().take_while(|&c| c == '#').count();
        let level = if hashes > 0 && trimmed[hashes..].starts_with(' ') {
            hashes
        } else {
            0
        };
        out.push(Line {
            level,
            text: if level > 0 {
                trimmed[hashes..].trim()
            } else {
                trimmed
            },
        });
    }
    out
}

/// A run of lines under one heading, up to the next heading of the same or a higher level.
struct Section<'a> {
    /// Title of the enclosing level-2 section.
    top: String,
    /// Heading title; for a level-2 section, its own title.
    title: String,
    /// Lines directly in the section (not in a deeper subsection).
    own: Vec<&'a str>,
}

/// The reference sections of a page: each `## Argument/Attributes Reference` section and
/// each of its subsections (`###`, `####`, ...), with the lines each holds directly.
fn reference_sections<'a>(page: &[Line<'a>]) -> Vec<Section<'a>> {
    let mut out: Vec<Section<'a>> = Vec::new();
    let mut top: Option<String> = None;
    for line in page {
        if line.level == 2 {
            top = [ARGUMENTS, ATTRIBUTES]
                .contains(&line.text)
                .then(|| line.text.to_string());
            if let Some(t) = &top {
                out.push(Section {
                    top: t.clone(),
                    title: t.clone(),
                    own: Vec::new(),
                });
            }
        } else if line.level == 1 {
            top = None;
        } else if let Some(t) = &top {
            if line.level > 2 {
                out.push(Section {
                    top: t.clone(),
                    title: line.text.to_string(),
                    own: Vec::new(),
                });
            } else if let Some(current) = out.last_mut() {
                current.own.push(line.text);
            }
        }
    }
    out
}

/// Words of a heading: `` ### `approval` block `` → `approval`, `block`.
fn heading_words(title: &str) -> Vec<&str> {
    title
        .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '.'))
        .filter(|w| !w.is_empty())
        .collect()
}

/// The bullet documenting `name` among `lines`: `* `name` - ...` or `- `name` ...`.
fn bullet<'a>(lines: &[&'a str], name: &str) -> Option<&'a str> {
    let tick = format!("`{name}`");
    lines.iter().copied().find(|l| {
        let rest = l
            .strip_prefix("* ")
            .or_else(|| l.strip_prefix("- "))
            .map(str::trim_start);
        rest.is_some_and(|r| r.starts_with(&tick))
    })
}

/// What the schema says about a path: required in configuration, optional, or computed only.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Need {
    Required,
    Optional,
    Computed,
}

/// Every path of `block` with its need (attribute constraint, or block nesting) and
/// whether it is sensitive.
fn needs(block: &Block) -> Vec<(String, (Need, bool))> {
    fn walk(prefix: &str, block: &Block, out: &mut Vec<(String, (Need, bool))>) {
        for (name, a) in &block.attributes {
            let need = match a.constraint {
                AttributeConstraint::Required => Need::Required,
                AttributeConstraint::Optional | AttributeConstraint::OptionalComputed => {
                    Need::Optional
                }
                AttributeConstraint::Computed => Need::Computed,
            };
            out.push((format!("{prefix}{name}"), (need, a.sensitive)));
        }
        for (name, nested) in &block.blocks {
            let (need, inner) = match nested {
                NestedBlock::Single(b) => (Need::Required, b),
                NestedBlock::List(b)
                | NestedBlock::Set(b)
                | NestedBlock::Map(b)
                | NestedBlock::Group(b)
                | NestedBlock::Optional(b) => (Need::Optional, b),
                NestedBlock::Bounded {
                    block: b,
                    min_items,
                    ..
                } => (
                    if *min_items > 0 {
                        Need::Required
                    } else {
                        Need::Optional
                    },
                    b,
                ),
            };
            out.push((format!("{prefix}{name}"), (need, false)));
            walk(&format!("{prefix}{name}."), inner, out);
        }
    }
    let mut out = Vec::new();
    walk("", block, &mut out);
    out
}

/// Every problem of one page against one schema; empty when the page is complete.
fn coverage_problems(label: &str, schema: &Schema, page_path: &str) -> Vec<String> {
    let text = read_page(page_path);
    let page = lines(&text);
    let sections = reference_sections(&page);
    let mut problems = Vec::new();
    if sections.is_empty() {
        problems.push(format!(
            "{page_path}: no `## {ARGUMENTS}` or `## {ATTRIBUTES}` section"
        ));
    }
    if schema.block.description.content.trim().is_empty() {
        problems.push(format!("{label}: the schema has no description"));
    }
    let need_of: std::collections::HashMap<String, (Need, bool)> =
        needs(&schema.block).into_iter().collect();
    for (path, description) in flatten(&schema.block) {
        if description.trim().is_empty() {
            problems.push(format!(
                "{label}: `{path}` has no description in the schema"
            ));
        }
        let (parent, name) = match path.rsplit_once('.') {
            Some((parent, name)) => (Some(parent), name),
            None => (None, path.as_str()),
        };
        let candidates: Vec<&Section> = sections
            .iter()
            .filter(|s| match parent {
                None => s.title == s.top,
                Some(parent) => {
                    let block = parent.rsplit('.').next().unwrap_or(parent);
                    s.title != s.top
                        && heading_words(&s.title)
                            .iter()
                            .any(|w| *w == block || *w == parent)
                }
            })
            .collect();
        let found = candidates
            .iter()
            .find_map(|s| bullet(&s.own, name).map(|line| (s, line)));
        let Some((section, line)) = found else {
            let place = match parent {
                None => format!("`## {ARGUMENTS}` or `## {ATTRIBUTES}`"),
                Some(parent) => format!("a `###` heading naming `{parent}` in a reference section"),
            };
            problems.push(format!(
                "{page_path}: `{path}` ({label}) is not documented: add a bullet \"* `{name}` - ...\" under {place}"
            ));
            continue;
        };
        let (need, sensitive) = need_of
            .get(&path)
            .copied()
            .unwrap_or((Need::Optional, false));
        if sensitive && !line.contains("sensitive") {
            problems.push(format!(
                "{page_path}: `{path}` is sensitive; its bullet must say so: {line}"
            ));
        }
        match need {
            Need::Required if !line.contains("(Required") => problems.push(format!(
                "{page_path}: `{path}` is required; its bullet must say (Required): {line}"
            )),
            Need::Optional if !line.contains("(Optional") => problems.push(format!(
                "{page_path}: `{path}` is optional; its bullet must say (Optional): {line}"
            )),
            Need::Computed if parent.is_none() && section.top != ATTRIBUTES => problems.push(
                format!("{page_path}: `{path}` is computed; list it under `## {ATTRIBUTES}`"),
            ),
            _ => {}
        }
    }
    problems
}

fn assert_no_problems(problems: Vec<String>) {
    assert!(
        problems.is_empty(),
        "{} documentation problem(s):\n  {}",
        problems.len(),
        problems.join("\n  ")
    );
}

/// Keys of the YAML front matter (`---` ... `---` at the top of the page), or `None`.
fn front_matter_keys(text: &str) -> Option<Vec<(String, String)>> {
    let mut it = text.lines();
    if it.next()?.trim_end() != "---" {
        return None;
    }
    let mut keys = Vec::new();
    for line in it {
        if line.trim_end() == "---" {
            return Some(keys);
        }
        if line.starts_with(|c: char| c.is_ascii_alphabetic()) {
            if let Some((k, v)) = line.split_once(':') {
                keys.push((k.trim().to_string(), v.trim().to_string()));
            }
        }
    }
    None
}

/// The `.md` pages of `docs/<dir>`, as paths relative to `docs/`.
fn pages_in(dir: &str) -> Vec<String> {
    let Ok(entries) = fs::read_dir(docs_dir().join(dir)) else {
        return Vec::new();
    };
    let mut out: Vec<String> = entries
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".md"))
        .map(|n| format!("{dir}/{n}"))
        .collect();
    out.sort();
    out
}

#[test]
fn provider_configuration_is_documented() {
    assert_no_problems(coverage_problems(
        "provider",
        &gxp::provider::config::schema(),
        "index.md",
    ));
}

#[test]
fn every_resource_and_data_source_has_a_page() {
    let shared = Shared::default();
    let mut registered: Vec<(Kind, String)> = gxp::resources::all(&shared)
        .into_keys()
        .map(|n| (Kind::Resource, n))
        .collect();
    registered.extend(
        gxp::resources::data_sources(&shared)
            .into_keys()
            .map(|n| (Kind::DataSource, n)),
    );
    assert!(
        registered.iter().any(|(_, n)| n == "expected_spec"),
        "gxp_expected_spec is not registered"
    );
    let missing: Vec<String> = registered
        .iter()
        .filter(|(kind, name)| !PAGES.iter().any(|(k, n, _)| k == kind && n == name))
        .map(|(kind, name)| format!("{kind:?} gxp_{name}"))
        .collect();
    assert!(
        missing.is_empty(),
        "no documentation page for {missing:?}: write docs/<resources|data-sources>/NAME.md and add a line to PAGES in tests/docs.rs"
    );
    for (kind, name, page) in PAGES {
        assert!(
            registered.iter().any(|(k, n)| k == kind && n == name),
            "PAGES lists {kind:?} gxp_{name} ({page}), which the provider does not register"
        );
    }
}

#[test]
fn every_resource_and_data_source_attribute_is_documented() {
    let shared = Shared::default();
    let resources = gxp::resources::all(&shared);
    let data_sources = gxp::resources::data_sources(&shared);
    let mut problems = Vec::new();
    for (kind, name, page) in PAGES {
        let mut diags = Diagnostics::default();
        let schema = match kind {
            Kind::Resource => resources.get(*name).and_then(|r| r.schema(&mut diags)),
            Kind::DataSource => data_sources.get(*name).and_then(|d| d.schema(&mut diags)),
        };
        let Some(schema) = schema else {
            problems.push(format!("{kind:?} gxp_{name}: no schema ({diags:?})"));
            continue;
        };
        problems.extend(coverage_problems(&format!("gxp_{name}"), &schema, page));
    }
    assert_no_problems(problems);
}

#[test]
fn expected_spec_page_covers_the_expected_spec_schema() {
    // The registered resource and the schema function are the same schema; checked
    // directly too so a registry mistake cannot hide the page from the coverage test.
    assert_no_problems(coverage_problems(
        "gxp_expected_spec",
        &gxp::resources::expected_spec::schema(),
        "resources/expected_spec.md",
    ));
}

#[test]
fn resource_and_data_source_pages_have_front_matter_and_a_table_row() {
    let pages: Vec<String> = ["resources", "data-sources"]
        .iter()
        .flat_map(|d| pages_in(d))
        .collect();
    assert!(
        pages.iter().any(|p| p == "resources/expected_spec.md"),
        "docs/resources/expected_spec.md not found among {pages:?}"
    );
    let mut problems = Vec::new();
    for page in &pages {
        match front_matter_keys(&read_page(page)) {
            None => problems.push(format!(
                "{page}: no front matter (--- page_title/subcategory/description ---)"
            )),
            Some(keys) => {
                for want in FRONT_MATTER_KEYS {
                    if !keys.iter().any(|(k, _)| k == want) {
                        problems.push(format!("{page}: front matter has no `{want}`"));
                    }
                }
                if keys
                    .iter()
                    .any(|(k, v)| k == "page_title" && v.trim_matches('"').is_empty())
                {
                    problems.push(format!("{page}: empty page_title"));
                }
            }
        }
        if !PAGES.iter().any(|(_, _, p)| p == page) {
            problems.push(format!(
                "{page}: not in PAGES of tests/docs.rs (a page for a resource the provider does not have?)"
            ));
        }
    }
    assert_no_problems(problems);
}

#[test]
fn index_page_lists_every_endpoint_service() {
    let text = read_page("index.md");
    let page = lines(&text);
    let sections = reference_sections(&page);
    let endpoints = sections
        .iter()
        .find(|s| heading_words(&s.title).contains(&"endpoints"))
        .expect("index.md has an `### endpoints` section");
    let documented: BTreeSet<&str> = gxp_core::aws::context::Service::ALL
        .iter()
        .filter(|s| bullet(&endpoints.own, s.config_name()).is_some())
        .map(|s| s.config_name())
        .collect();
    for service in gxp_core::aws::context::Service::ALL {
        assert!(
            documented.contains(service.config_name()),
            "endpoints.{} is not listed in index.md",
            service.config_name()
        );
        let env = format!("AWS_ENDPOINT_URL_{}", service.env_suffix());
        assert!(text.contains(&env), "index.md does not mention {env}");
    }
}

#[test]
fn check_catalog_is_listed_on_the_expected_spec_page() {
    // `checks`, `check_parameters` and `suppression.check` take catalog ids: the page lists
    // every check id and every parameter as `CHECK_ID.PARAMETER`.
    let text = read_page("resources/expected_spec.md");
    let rows: Vec<&str> = lines(&text)
        .into_iter()
        .map(|l| l.text)
        .filter(|t| t.starts_with("| `"))
        .collect();
    let mut missing = Vec::new();
    for check in gxp_core::catalog::all() {
        let id = format!("`{}`", check.id);
        let Some(row) = rows.iter().find(|r| r.starts_with(&format!("| {id} |"))) else {
            missing.push(format!("check {id} has no row in the check catalog table"));
            continue;
        };
        for param in check.params {
            if !row.contains(&format!("`{}.{}`", check.id, param.name)) {
                missing.push(format!(
                    "parameter `{}.{}` is not in its row",
                    check.id, param.name
                ));
            }
        }
    }
    assert!(
        missing.is_empty(),
        "docs/resources/expected_spec.md:\n  {}",
        missing.join("\n  ")
    );
}

#[test]
fn check_parameter_forms_are_listed_on_the_expected_spec_page() {
    // Each catalog parameter has a row `| `CHECK_ID.PARAMETER` | FORM | DEFAULT |` with the
    // form its parser accepts and its default, so the page says what plan time refuses.
    let text = read_page("resources/expected_spec.md");
    let mut missing = Vec::new();
    let mut rows = 0;
    for check in gxp_core::catalog::all() {
        for param in check.params {
            let default = param
                .default
                .map_or("none".to_string(), |d| format!("`{d}`"));
            let row = format!(
                "| `{}.{}` | {} | {default} |",
                check.id,
                param.name,
                param.kind.form()
            );
            rows += 1;
            if !text.lines().any(|l| l.trim() == row) {
                missing.push(row);
            }
        }
    }
    assert!(rows > 0);
    assert!(
        missing.is_empty(),
        "docs/resources/expected_spec.md lacks (or has outdated) parameter rows:\n  {}",
        missing.join("\n  ")
    );
}

/// The generated catalog docs: `docs/guides/check-catalog.md` and the generated regions of
/// `docs/resources/expected_spec.md`, each as (page, what it should hold).
fn generated_catalog_docs() -> Vec<(String, String)> {
    use gxp_core::catalog::docs;
    let spec_page = "resources/expected_spec.md";
    let mut spec = read_page(spec_page);
    for (region, content) in [
        (docs::TABLE, docs::catalog_table()),
        (docs::PARAMETERS, docs::parameter_table()),
    ] {
        spec = docs::replace_region(&spec, region, &content).unwrap_or_else(|| {
            panic!(
                "docs/{spec_page} lacks the lines `{}` ... `{}`",
                docs::begin_marker(region),
                docs::end_marker(region)
            )
        });
    }
    vec![
        (spec_page.to_string(), spec),
        (docs::CATALOG_PAGE.to_string(), docs::catalog_page()),
        (docs::COVERAGE_PAGE.to_string(), docs::coverage_page()),
    ]
}

#[test]
fn generated_catalog_docs_are_current() {
    let write = std::env::var_os("GXP_WRITE_DOCS").is_some_and(|v| v == "1");
    let mut stale = Vec::new();
    for (page, want) in generated_catalog_docs() {
        let path = docs_dir().join(&page);
        let have = fs::read_to_string(&path).unwrap_or_default();
        if have == want {
            continue;
        }
        if write {
            // Write beside and rename, so a test reading the page never sees half of it.
            let tmp = path.with_extension("md.tmp");
            fs::write(&tmp, &want).unwrap_or_else(|e| panic!("write {}: {e}", tmp.display()));
            fs::rename(&tmp, &path).unwrap_or_else(|e| panic!("rename to {}: {e}", path.display()));
            eprintln!("wrote docs/{page}");
        } else {
            let line = have
                .lines()
                .zip(want.lines())
                .position(|(h, w)| h != w)
                .unwrap_or_else(|| have.lines().count().min(want.lines().count()));
            stale.push(format!(
                "docs/{page} is stale from line {} (expected: {:?})",
                line + 1,
                want.lines().nth(line).unwrap_or("<end of file>")
            ));
        }
    }
    assert!(
        stale.is_empty(),
        "the check catalog docs differ from the registry; run `{}` to regenerate:\n  {}",
        gxp_core::catalog::docs::REGENERATE,
        stale.join("\n  ")
    );
}

#[test]
fn generated_catalog_page_is_listed_and_covers_every_registered_check() {
    let page = read_page(gxp_core::catalog::docs::CATALOG_PAGE);
    for check in gxp_core::checks::registry::CHECKS {
        assert!(
            page.contains(&format!("\n### {}\n", check.def.id)),
            "docs/{} has no section for {}; run `make docs`",
            gxp_core::catalog::docs::CATALOG_PAGE,
            check.def.id
        );
    }
    assert!(
        read_page("index.md").contains(gxp_core::catalog::docs::CATALOG_PAGE),
        "docs/index.md does not link the check catalog guide"
    );
}

#[test]
fn remediation_terraform_snippets_are_hcl() {
    // Fragments (`# ...` stands for the rest of a resource), so parsed, not validated.
    let mut problems = Vec::new();
    for check in gxp_core::catalog::all() {
        if let Err(e) = hcl::parse(check.remediation_code.terraform) {
            problems.push(format!("{}: remediation_code.terraform: {e}", check.id));
        }
    }
    assert_no_problems(problems);
}

// ---- the checker itself: a page that misses things must be reported --------------------

fn sample_schema() -> Schema {
    use gxp::provider::schema_builder::{block, secret, string, Mode};
    Schema {
        version: 0,
        block: block(
            "Sample.",
            [
                ("name", string(Mode::Required, "Name.")),
                ("password", secret(Mode::Optional, "Password.")),
                ("note", string(Mode::Optional, "Note.")),
                ("id", string(Mode::Computed, "Id.")),
            ],
            [(
                "owner",
                NestedBlock::Single(block(
                    "Owner.",
                    [("email", string(Mode::Required, "E-mail."))],
                    [],
                )),
            )],
        ),
    }
}

fn problems_of(markdown: &str) -> Vec<String> {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("page.md");
    fs::write(&path, markdown).expect("write page");
    // coverage_problems reads relative to docs/: give it an absolute path instead.
    coverage_problems(
        "sample",
        &sample_schema(),
        path.to_str().expect("utf-8 path"),
    )
}

const COMPLETE: &str = "# sample\n\n```hcl\n# not a heading\n```\n\n## Argument Reference\n\n\
* `name` - (Required) Name.\n* `password` - (Optional, sensitive) Password.\n* `note` - (Optional) Note.\n* `owner` - (Required) Owner block.\n\n\
### owner\n\n* `email` - (Required) E-mail.\n\n## Attributes Reference\n\n* `id` - Id.\n\n## Import\n\nText.\n";

#[test]
fn checker_accepts_a_complete_page() {
    assert_eq!(problems_of(COMPLETE), Vec::<String>::new());
}

#[test]
fn checker_reports_a_missing_attribute() {
    let page = COMPLETE.replace("* `note` - (Optional) Note.\n", "");
    let problems = problems_of(&page);
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert!(problems[0].contains("`note`"), "{problems:?}");
}

#[test]
fn checker_reports_a_nested_attribute_outside_its_block_section() {
    let page = COMPLETE
        .replace("### owner\n\n* `email` - (Required) E-mail.\n\n", "")
        .replace(
            "* `owner` - (Required) Owner block.\n",
            "* `owner` - (Required) Owner block.\n* `email` - (Required) E-mail.\n",
        );
    let problems = problems_of(&page);
    assert!(
        problems.iter().any(|p| p.contains("`owner.email`")),
        "{problems:?}"
    );
}

#[test]
fn checker_reports_a_wrong_required_marker_and_a_misplaced_computed_attribute() {
    let page = COMPLETE
        .replace("`name` - (Required)", "`name` - (Optional)")
        .replace("\n* `id` - Id.\n", "\n")
        .replace("* `note`", "* `id` - Id.\n* `note`");
    let problems = problems_of(&page);
    assert!(
        problems.iter().any(|p| p.contains("`name` is required")),
        "{problems:?}"
    );
    assert!(
        problems.iter().any(|p| p.contains("`id` is computed")),
        "{problems:?}"
    );
}

#[test]
fn checker_reports_a_sensitive_attribute_not_marked_sensitive() {
    let page = COMPLETE.replace("(Optional, sensitive) Password", "(Optional) Password");
    let problems = problems_of(&page);
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert!(
        problems[0].contains("`password` is sensitive"),
        "{problems:?}"
    );
}

#[test]
fn checker_ignores_mentions_in_code_and_other_sections() {
    let page = COMPLETE.replace("* `note` - (Optional) Note.\n", "")
        + "\n## Notes\n\n* `note` - (Optional) Note.\n\n```\n* `note` - (Optional)\n```\n";
    let problems = problems_of(&page);
    assert!(
        problems.iter().any(|p| p.contains("`note`")),
        "{problems:?}"
    );
}

#[test]
fn checker_reports_an_empty_description() {
    use gxp::provider::schema_builder::{block, string, Mode};
    let schema = Schema {
        version: 0,
        block: block("Sample.", [("name", string(Mode::Required, " "))], []),
    };
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("page.md");
    fs::write(
        &path,
        "## Argument Reference\n\n* `name` - (Required) Name.\n",
    )
    .expect("write");
    let problems = coverage_problems("sample", &schema, path.to_str().expect("utf-8 path"));
    assert!(
        problems.iter().any(|p| p.contains("no description")),
        "{problems:?}"
    );
}

#[test]
fn front_matter_parser_requires_the_fences() {
    let keys = front_matter_keys(
        "---\npage_title: \"x\"\nsubcategory: \"\"\ndescription: |-\n  Text.\n---\n# x\n",
    )
    .expect("front matter");
    let names: Vec<&str> = keys.iter().map(|(k, _)| k.as_str()).collect();
    assert_eq!(names, ["page_title", "subcategory", "description"]);
    assert!(front_matter_keys("# no front matter\n").is_none());
    assert!(front_matter_keys("---\npage_title: x\n").is_none());
}

// ---- Registry layout: manifest, examples, index, links -------------------------------------

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// The Registry publishes `docs/index.md` and the pages in these directories, nothing else.
const PUBLISHED_DIRS: [&str; 3] = ["resources", "data-sources", "guides"];

/// Inline markdown link targets `](target)` outside code fences.
fn link_targets(markdown: &str) -> Vec<String> {
    let mut out = Vec::new();
    for line in lines(markdown) {
        let mut rest = line.text;
        while let Some(i) = rest.find("](") {
            let after = &rest[i + 2..];
            let Some(end) = after.find(')') else { break };
            out.push(after[..end].to_string());
            rest = &after[end..];
        }
    }
    out
}

/// Problems of one page's links: a relative link must reach a published page (an anchor
/// may follow); an absolute link into the repository must use the crate's `repository`.
fn link_problems(page: &str, markdown: &str) -> Vec<String> {
    let repository = env!("CARGO_PKG_REPOSITORY");
    let mut problems = Vec::new();
    let page_dir = Path::new(page).parent().unwrap_or(Path::new(""));
    for target in link_targets(markdown) {
        if target.starts_with('#') || target.starts_with("mailto:") {
            continue;
        }
        if target.starts_with("http://") || target.starts_with("https://") {
            if target.contains("github.com")
                && target.contains("terraform-provider-gxp")
                && !target.starts_with(repository)
            {
                problems.push(format!(
                    "{page}: `{target}` is not under the repository {repository}"
                ));
            }
            continue;
        }
        let path = target.split('#').next().unwrap_or_default();
        let mut resolved = PathBuf::new();
        for part in page_dir.join(path).components() {
            match part {
                std::path::Component::ParentDir => {
                    if !resolved.pop() {
                        resolved.push("..");
                    }
                }
                std::path::Component::CurDir => {}
                other => resolved.push(other),
            }
        }
        let rel = resolved.to_string_lossy().replace('\\', "/");
        let published = rel == "index.md"
            || PUBLISHED_DIRS
                .iter()
                .any(|d| rel.starts_with(&format!("{d}/")) && rel.ends_with(".md"));
        if !published {
            problems.push(format!(
                "{page}: links to `{target}`, which the Registry does not publish; link to {repository}/blob/main/... instead"
            ));
        } else if !docs_dir().join(&rel).is_file() {
            problems.push(format!("{page}: links to `{target}`, which does not exist"));
        }
    }
    problems
}

fn all_pages() -> Vec<String> {
    let mut pages = vec!["index.md".to_string()];
    for d in PUBLISHED_DIRS {
        pages.extend(pages_in(d));
    }
    pages
}

#[test]
fn docs_link_only_to_pages_the_registry_publishes() {
    let mut problems = Vec::new();
    for page in all_pages() {
        problems.extend(link_problems(&page, &read_page(&page)));
    }
    assert_no_problems(problems);
}

#[test]
fn link_checker_reports_unpublished_and_missing_targets() {
    let md = "See [schema](../report.schema.json), [module](../../modules/x/README.md), [ok](../data-sources/report.md#x), [gone](nothing.md), [abs](https://github.com/elsewhere/terraform-provider-gxp/x) and [anchor](#y).\n\n```\n[not a link](in-code.md)\n```\n";
    let problems = link_problems("resources/qualification.md", md);
    assert_eq!(problems.len(), 4, "{problems:#?}");
    assert!(problems[0].contains("`../report.schema.json`, which the Registry does not publish"));
    assert!(
        problems[1].contains("`../../modules/x/README.md`, which the Registry does not publish")
    );
    assert!(problems[2].contains("`nothing.md`, which does not exist"));
    assert!(problems[3].contains("is not under the repository"));
}

#[test]
fn index_lists_every_resource_data_source_and_guide() {
    let index = read_page("index.md");
    let targets: BTreeSet<String> = link_targets(&index)
        .into_iter()
        .map(|t| t.split('#').next().unwrap_or_default().to_string())
        .collect();
    let mut missing = Vec::new();
    for (_, name, page) in PAGES {
        if !targets.contains(*page) || !index.contains(&format!("`gxp_{name}`")) {
            missing.push(format!("gxp_{name} ({page})"));
        }
    }
    for guide in pages_in("guides") {
        if !targets.contains(&guide) {
            missing.push(guide);
        }
    }
    assert!(
        missing.is_empty(),
        "docs/index.md does not list {missing:?}"
    );
}

#[test]
fn registry_manifest_declares_protocol_6() {
    let text = fs::read_to_string(repo_root().join("terraform-registry-manifest.json"))
        .expect("terraform-registry-manifest.json at the repository root");
    let manifest: serde_json::Value = serde_json::from_str(&text).expect("manifest is JSON");
    assert_eq!(manifest["version"], 1, "{manifest}");
    assert_eq!(
        manifest["metadata"]["protocol_versions"],
        serde_json::json!(["6.0"]),
        "the provider speaks plugin protocol 6: {manifest}"
    );
}

/// `kind "TYPE" "NAME"` blocks of an HCL file, as (type, name): at the top level, and inside
/// `check` blocks (a data source scoped to a check).
fn declared_blocks(path: &Path, kind: &str) -> Vec<(String, String)> {
    let text = fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let body = hcl::parse(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let scoped = body
        .blocks()
        .filter(|b| b.identifier() == "check")
        .flat_map(|b| b.body().blocks());
    body.blocks()
        .chain(scoped)
        .filter(|b| b.identifier() == kind)
        .filter_map(|b| {
            let l = b.labels();
            Some((
                l.first()?.as_str().to_string(),
                l.get(1)?.as_str().to_string(),
            ))
        })
        .collect()
}

#[test]
fn every_resource_and_data_source_has_registry_examples() {
    let examples = repo_root().join("examples");
    let provider = fs::read_to_string(examples.join("provider/provider.tf"))
        .expect("examples/provider/provider.tf");
    assert!(
        provider.contains("provider \"gxp\""),
        "provider.tf configures no gxp provider"
    );
    let mut problems = Vec::new();
    for (kind, name, _) in PAGES {
        let ty = format!("gxp_{name}");
        match kind {
            Kind::Resource => {
                let dir = examples.join("resources").join(&ty);
                let declared = if dir.join("resource.tf").is_file() {
                    declared_blocks(&dir.join("resource.tf"), "resource")
                } else {
                    problems.push(format!("examples/resources/{ty}/resource.tf missing"));
                    continue;
                };
                let Some((_, first)) = declared.iter().find(|(t, _)| *t == ty) else {
                    problems.push(format!(
                        "examples/resources/{ty}/resource.tf declares no {ty}"
                    ));
                    continue;
                };
                let address = format!("{ty}.{first}");
                match fs::read_to_string(dir.join("import.sh")) {
                    Ok(sh)
                        if sh
                            .lines()
                            .any(|l| l.starts_with(&format!("terraform import {address} "))) => {}
                    Ok(_) => problems.push(format!(
                        "examples/resources/{ty}/import.sh: no `terraform import {address} ID`"
                    )),
                    Err(_) => problems.push(format!("examples/resources/{ty}/import.sh missing")),
                }
                match fs::read_to_string(dir.join("import-by-string-id.tf")) {
                    Ok(tf) if tf.contains("import {") && tf.contains(&format!("to = {address}")) => {}
                    Ok(_) => problems.push(format!("examples/resources/{ty}/import-by-string-id.tf: no import block to {address}")),
                    Err(_) => problems.push(format!("examples/resources/{ty}/import-by-string-id.tf missing")),
                }
                // Every resource has a resource identity (Terraform 1.12 and later).
                match fs::read_to_string(dir.join("import-by-identity.tf")) {
                    Ok(tf) if tf.contains("import {") && tf.contains(&format!("to = {address}")) && tf.contains("identity = {") => {}
                    Ok(_) => problems.push(format!("examples/resources/{ty}/import-by-identity.tf: no import block to {address} with an identity")),
                    Err(_) => problems.push(format!("examples/resources/{ty}/import-by-identity.tf missing")),
                }
            }
            Kind::DataSource => {
                let file = examples
                    .join("data-sources")
                    .join(&ty)
                    .join("data-source.tf");
                if !file.is_file() {
                    problems.push(format!("examples/data-sources/{ty}/data-source.tf missing"));
                } else if !declared_blocks(&file, "data").iter().any(|(t, _)| *t == ty) {
                    problems.push(format!(
                        "examples/data-sources/{ty}/data-source.tf declares no {ty}"
                    ));
                }
            }
        }
    }
    assert_no_problems(problems);
}
