//! Every HCL snippet of the documentation, parsed and validated by Terraform against the
//! provider's schema (and the hashicorp/aws stand-in where a snippet uses aws resources).
//!
//! Pages: `docs/**/*.md`, `README.md` and the modules' and examples' `README.md`. Snippets:
//! fenced blocks tagged `hcl`, `terraform` or `tf`. Each snippet is validated on its own, with
//! what a reader would add around it:
//! * a resource, data source or module it refers to but does not declare comes from the
//!   first snippet of the same page that declares it (e.g. the specification of a page's
//!   first example, referred to by a later one), else from the first page that does (a
//!   module README's example that uses the evidence-store module's `evidence_store`);
//! * a file it reads with `file("${path.module}/PATH")` is created, empty (a template the
//!   reader has);
//! * an input variable it refers to is declared (`variable "NAME" {}`);
//! * without `required_providers`, `gxp/gxp` (and `hashicorp/aws`) are required.
//!
//! Snippets are placed two directories below a copy of the repository, so the READMEs'
//! `source = "../../modules/..."` resolve.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use libtest_mimic::Trial;

use crate::{ensure_required_providers, outcome, setup};

/// One fenced HCL block of a page.
#[derive(Clone, Debug)]
pub struct Snippet {
    /// 1-based line of the opening fence.
    pub line: usize,
    pub text: String,
}

/// The HCL snippets of a markdown page.
pub fn hcl_snippets(markdown: &str) -> Vec<Snippet> {
    let mut out = Vec::new();
    let mut open: Option<(usize, bool, String)> = None;
    for (i, line) in markdown.lines().enumerate() {
        let trimmed = line.trim_start();
        match &mut open {
            None => {
                if let Some(lang) = trimmed.strip_prefix("```") {
                    let lang = lang.trim();
                    open = Some((
                        i + 1,
                        matches!(lang, "hcl" | "terraform" | "tf"),
                        String::new(),
                    ));
                }
            }
            Some((start, is_hcl, text)) => {
                if trimmed.starts_with("```") {
                    if *is_hcl {
                        out.push(Snippet {
                            line: *start,
                            text: std::mem::take(text),
                        });
                    }
                    open = None;
                } else {
                    text.push_str(line);
                    text.push('\n');
                }
            }
        }
    }
    out
}

/// Addresses a snippet declares: `gxp_expected_spec.lims`, `data.gxp_report.x`, `module.m`.
pub fn declared(body: &hcl::Body) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for b in body.blocks() {
        let labels: Vec<String> = b.labels().iter().map(|l| l.as_str().to_string()).collect();
        match (b.identifier(), labels.as_slice()) {
            ("resource", [t, n]) => {
                out.insert(format!("{t}.{n}"));
            }
            ("data", [t, n]) => {
                out.insert(format!("data.{t}.{n}"));
            }
            ("module", [n]) => {
                out.insert(format!("module.{n}"));
            }
            _ => {}
        }
    }
    out
}

/// Declared input variables.
fn variables(body: &hcl::Body) -> BTreeSet<String> {
    body.blocks()
        .filter(|b| b.identifier() == "variable")
        .filter_map(|b| b.labels().first().map(|l| l.as_str().to_string()))
        .collect()
}

/// Addresses and variables a snippet's text refers to (textually, which is what a reader sees).
pub fn references(text: &str) -> (BTreeSet<String>, BTreeSet<String>) {
    let word = |c: char| c.is_ascii_alphanumeric() || c == '_' || c == '-';
    let mut addresses = BTreeSet::new();
    let mut vars = BTreeSet::new();
    let chars: Vec<char> = text.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        if i > 0 && (word(chars[i - 1]) || chars[i - 1] == '.' || chars[i - 1] == '"') {
            i += 1;
            continue;
        }
        let mut j = i;
        let mut parts = Vec::new();
        loop {
            let start = j;
            while j < chars.len() && word(chars[j]) {
                j += 1;
            }
            if j == start {
                break;
            }
            parts.push(chars[start..j].iter().collect::<String>());
            if j < chars.len() && chars[j] == '.' && parts.len() < 3 {
                j += 1;
            } else {
                break;
            }
        }
        match parts.as_slice() {
            [v, name, ..] if v == "var" => {
                vars.insert(name.clone());
            }
            [d, t, n, ..] if d == "data" => {
                addresses.insert(format!("data.{t}.{n}"));
            }
            [m, n, ..] if m == "module" => {
                addresses.insert(format!("module.{n}"));
            }
            [t, n, ..] if (t.starts_with("gxp_") || t.starts_with("aws_")) && !n.is_empty() => {
                addresses.insert(format!("{t}.{n}"));
            }
            _ => {}
        }
        i = j.max(i + 1);
    }
    (addresses, vars)
}

/// The configuration validated for snippet `index` of `snippets` (one page's), given every
/// page's snippets in `others` for what the page itself does not declare: the snippet, the
/// snippets that declare what it refers to, and its undeclared variables.
pub fn assemble(snippets: &[Snippet], index: usize, others: &[Snippet]) -> Result<String, String> {
    let all: Vec<&Snippet> = snippets.iter().chain(others.iter()).collect();
    let parsed: Vec<hcl::Body> = all
        .iter()
        .map(|s| hcl::parse(&s.text).map_err(|e| format!("snippet at line {}: {e}", s.line)))
        .collect::<Result<_, _>>()?;
    let mut included = vec![index];
    let mut have: BTreeSet<String> = declared(&parsed[index]);
    let mut queue = vec![index];
    while let Some(i) = queue.pop() {
        let (wanted, _) = references(&all[i].text);
        for address in wanted {
            if have.contains(&address) {
                continue;
            }
            if let Some(j) = (0..all.len()).find(|j| declared(&parsed[*j]).contains(&address)) {
                if !included.contains(&j) {
                    included.push(j);
                    have.extend(declared(&parsed[j]));
                    queue.push(j);
                }
            }
        }
    }
    let mut text = String::new();
    let mut declared_vars = BTreeSet::new();
    let mut used_vars = BTreeSet::new();
    for &i in &included {
        text.push_str(&format!(
            "# snippet at line {}\n{}\n",
            all[i].line, all[i].text
        ));
        declared_vars.extend(variables(&parsed[i]));
        used_vars.extend(references(&all[i].text).1);
    }
    for v in used_vars.difference(&declared_vars) {
        text.push_str(&format!("\nvariable \"{v}\" {{}}\n"));
    }
    Ok(text)
}

/// Files a configuration reads relative to its module: `file("${path.module}/PATH")`.
pub fn read_files(config: &str) -> Vec<String> {
    let marker = "file(\"${path.module}/";
    let mut out = Vec::new();
    let mut rest = config;
    while let Some(i) = rest.find(marker) {
        let after = &rest[i + marker.len()..];
        if let Some(end) = after.find('"') {
            out.push(after[..end].to_string());
        }
        rest = after;
    }
    out
}

/// The documentation pages whose snippets are validated, relative to the repository root.
pub fn pages() -> Vec<PathBuf> {
    let root = setup::repo_root();
    let mut out = vec![PathBuf::from("README.md")];
    let mut stack = vec![
        root.join("docs"),
        root.join("modules"),
        root.join("examples"),
    ];
    while let Some(dir) = stack.pop() {
        for e in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
            let p = e.path();
            let name = e.file_name().to_string_lossy().into_owned();
            if p.is_dir() && !name.starts_with('.') {
                stack.push(p);
            } else if name.ends_with(".md") {
                let rel = p.strip_prefix(&root).unwrap().to_path_buf();
                let in_docs = rel.starts_with("docs");
                if in_docs || name == "README.md" {
                    out.push(rel);
                }
            }
        }
    }
    out.sort();
    out
}

fn slug(page: &Path, line: usize) -> String {
    let s: String = page
        .to_string_lossy()
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect();
    format!("{s}-{line}")
}

fn validate_snippet(
    page: &Path,
    snippets: &[Snippet],
    index: usize,
    others: &[Snippet],
) -> Result<(), String> {
    let env = setup::env()?;
    let config = assemble(snippets, index, others)?;
    let dir = setup::repo_copy()?
        .join("snippets")
        .join(slug(page, snippets[index].line));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
    std::fs::write(dir.join("main.tf"), &config).map_err(|e| e.to_string())?;
    for file in read_files(&config) {
        let path = dir.join(&file);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(|e| e.to_string())?;
        }
        std::fs::write(&path, "").map_err(|e| e.to_string())?;
    }
    ensure_required_providers(&dir).map_err(|e| e.to_string())?;
    env.validate(&dir).map_err(|e| {
        format!(
            "{}:{}:\n{config}\n{e}",
            page.display(),
            snippets[index].line
        )
    })
}

pub fn trials() -> Vec<Trial> {
    let root = setup::repo_root();
    let mut trials = Vec::new();
    let mut by_page = BTreeMap::new();
    for page in pages() {
        let text = std::fs::read_to_string(root.join(&page)).unwrap();
        let snippets = hcl_snippets(&text);
        if !snippets.is_empty() {
            by_page.insert(page, snippets);
        }
    }
    for (page, snippets) in &by_page {
        // Every other page's snippets, for what this page refers to but does not declare.
        let others: Vec<Snippet> = by_page
            .iter()
            .filter(|(p, _)| *p != page)
            .flat_map(|(_, s)| s.iter().cloned())
            .collect();
        for (i, s) in snippets.iter().enumerate() {
            let (page, snippets, others) = (page.clone(), snippets.clone(), others.clone());
            trials.push(Trial::test(
                format!("snippet::{}:{}", page.display(), s.line),
                move || outcome(validate_snippet(&page, &snippets, i, &others)),
            ));
        }
    }
    trials.push(Trial::test("snippet::assembly_adds_declarations_and_variables", || {
        let page = "```hcl\nresource \"gxp_expected_spec\" \"a\" {\n  name = var.n\n}\n```\n\ntext\n\n```terraform\nresource \"gxp_qualification\" \"q\" {\n  spec_id = gxp_expected_spec.a.id\n  name    = \"${var.m}\"\n}\n```\n\n```json\n{}\n```\n";
        let snippets = hcl_snippets(page);
        let config = assemble(&snippets, 1, &[]).map_err(libtest_mimic::Failed::from)?;
        let other = hcl_snippets("```hcl\nmodule \"m\" {\n  source = \"./m\"\n}\n```\n");
        let uses = hcl_snippets("```hcl\noutput \"o\" {\n  value = module.m.x\n}\n```\n");
        let cross = assemble(&uses, 0, &other).map_err(libtest_mimic::Failed::from)?;
        if !cross.contains("module \"m\"") {
            return Err(format!("cross-page declaration not included:\n{cross}").into());
        }
        if read_files("x = file(\"${path.module}/templates/a.yaml\")\ny = file(\"/abs\")") != ["templates/a.yaml"] {
            return Err("read_files".into());
        }
        let ok = snippets.len() == 2
            && snippets[1].line == 9
            && config.contains("resource \"gxp_expected_spec\" \"a\"")
            && config.contains("variable \"m\" {}")
            && config.contains("variable \"n\" {}");
        if !ok {
            return Err(format!("{snippets:?}\n{config}").into());
        }
        let (addresses, _) = references("x = data.gxp_report.r.id\ny = \"aws_s3_bucket.b\"\nz = module.m.out");
        if addresses != BTreeSet::from(["data.gxp_report.r".to_string(), "module.m".to_string()]) {
            return Err(format!("{addresses:?}").into());
        }
        Ok(())
    }));
    trials
}
