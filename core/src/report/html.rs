//! HTML report: one self-contained file (inline CSS, no scripts, no external assets) that
//! reads well in a browser and prints cleanly (table headers repeat on every page, rows and
//! headings are not split). Sections carry stable ids: `application`, `iq`, `oq`, `results`,
//! `summary`, `traceability`, `suppressions`, `drift`, `notes`, `integrity`, `signatures`; each row of the
//! results table is anchored `result-INDEX` (its index in the JSON report's `results`), and
//! the traceability matrix links every result of a requirement to its row.

use std::fmt::Write;

use crate::checks::Status;

use super::document::{self, Block, Cell, Document, Table};
use super::Report;

const STYLE: &str = r#"
:root { --pass: #1b7f3b; --fail: #b3261e; --error: #b35c00; --supp: #5f6368; --line: #c9ced6; }
* { box-sizing: border-box; }
body { font-family: "DejaVu Sans", "Segoe UI", Helvetica, Arial, sans-serif; font-size: 10pt;
       color: #1f2328; margin: 2em auto; max-width: 1400px; padding: 0 1.5em; line-height: 1.35; }
header.title { border-bottom: 2px solid #1f2328; margin-bottom: 1.5em; padding-bottom: 0.5em; }
h1 { font-size: 17pt; margin: 0 0 0.4em 0; }
h2 { font-size: 13pt; margin: 1.6em 0 0.5em 0; border-bottom: 1px solid var(--line); padding-bottom: 0.2em; }
h3 { font-size: 11pt; margin: 1.1em 0 0.4em 0; }
h2, h3 { break-after: avoid; page-break-after: avoid; }
p { margin: 0.4em 0; }
table { border-collapse: collapse; width: 100%; margin: 0.4em 0 0.8em 0; }
th, td { border: 1px solid var(--line); padding: 3px 5px; text-align: left; vertical-align: top;
         overflow-wrap: anywhere; white-space: pre-wrap; }
th { background: #eef1f4; font-weight: bold; }
thead { display: table-header-group; }
tr { break-inside: avoid; page-break-inside: avoid; }
table.fields { width: 100%; }
table.fields th { width: 16em; background: #f6f8fa; }
.status { font-weight: bold; white-space: nowrap; }
.status-passed { color: var(--pass); }
.status-failed { color: var(--fail); }
.status-error { color: var(--error); }
.status-suppressed { color: var(--supp); }
.badge { display: inline-block; padding: 0.15em 0.6em; border-radius: 3px; color: #fff; font-weight: bold; }
.badge.status-passed { background: var(--pass); }
.badge.status-failed { background: var(--fail); }
.badge.status-error { background: var(--error); }
.badge.status-suppressed { background: var(--supp); }
.empty { color: #57606a; font-style: italic; }
td.refs a { text-decoration: none; }
td.refs a:hover { text-decoration: underline; }
tr:target { background: #fff8c5; }
table.signoff { table-layout: fixed; }
table.signoff th, table.signoff td { border: none; }
table.signoff th { width: 16em; background: none; vertical-align: bottom; }
table.signoff td.blank { height: 3.2em; border-bottom: 1px solid #1f2328; }
table.signoff tr.caption td { color: #57606a; font-size: 8pt; padding-top: 1px; }
table.signoff td.gap { width: 1.5em; }
footer { margin-top: 2em; border-top: 1px solid var(--line); padding-top: 0.5em; color: #57606a; font-size: 8.5pt; }
@page { size: A4 landscape; margin: 12mm; }
@media print {
  body { margin: 0; max-width: none; padding: 0; font-size: 8.5pt; }
  section { break-before: auto; }
  section#results, section#traceability, section#signatures { break-before: page; page-break-before: always; }
  .badge { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  th { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  a { color: inherit; text-decoration: none; }
}
"#;

/// Escape text for HTML element content and quoted attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            // Control characters other than tab/newline are not allowed in HTML text.
            c if c.is_control() && c != '\n' && c != '\t' => out.push('\u{fffd}'),
            c => out.push(c),
        }
    }
    out
}

fn status_class(status: Status) -> String {
    format!("status-{}", status.as_str())
}

/// Render a report as one HTML document.
pub fn render(report: &Report) -> String {
    let doc = document::build(report);
    let mut h = String::with_capacity(32 * 1024);
    h.push_str("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
    h.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    let _ = writeln!(
        h,
        "<meta name=\"generator\" content=\"terraform-provider-gxp {}\">",
        escape(&report.run.provider_version)
    );
    let _ = writeln!(
        h,
        "<meta name=\"gxp-report-id\" content=\"{}\">",
        escape(&report.report_id)
    );
    let _ = writeln!(h, "<title>{}</title>", escape(&doc.title));
    let _ = writeln!(h, "<style>{STYLE}</style>\n</head>\n<body>");
    title_block(&mut h, &doc);
    h.push_str("<nav><p>");
    for (i, s) in doc.sections.iter().enumerate() {
        if i > 0 {
            h.push_str(" · ");
        }
        let _ = write!(h, "<a href=\"#{}\">{}</a>", s.id, escape(&s.title));
    }
    h.push_str("</p></nav>\n");
    for s in &doc.sections {
        let _ = writeln!(h, "<section id=\"{}\">", s.id);
        let _ = writeln!(h, "<h2>{}</h2>", escape(&s.title));
        for b in &s.blocks {
            block(&mut h, b);
        }
        h.push_str("</section>\n");
    }
    let _ = writeln!(
        h,
        "<footer>Generated by terraform-provider-gxp {} from report {} ({}). The evidence record \
         is the filed canonical JSON report.</footer>",
        escape(&report.run.provider_version),
        escape(&report.report_id),
        escape(&report.format)
    );
    h.push_str("</body>\n</html>\n");
    h
}

fn title_block(h: &mut String, doc: &Document) {
    h.push_str("<header class=\"title\">\n");
    let _ = writeln!(h, "<h1>{}</h1>", escape(&doc.title));
    h.push_str("<table class=\"fields\">\n<tbody>\n");
    let _ = writeln!(
        h,
        "<tr><th scope=\"row\">Overall result</th><td><span class=\"badge {}\">{}</span></td></tr>",
        status_class(doc.status),
        document::status_label(doc.status)
    );
    for (label, value) in &doc.header {
        let _ = writeln!(
            h,
            "<tr><th scope=\"row\">{}</th><td>{}</td></tr>",
            escape(label),
            escape(value)
        );
    }
    h.push_str("</tbody>\n</table>\n</header>\n");
}

fn block(h: &mut String, b: &Block) {
    match b {
        Block::Heading(text) => {
            let _ = writeln!(h, "<h3>{}</h3>", escape(text));
        }
        Block::Paragraph(text) => {
            let _ = writeln!(h, "<p>{}</p>", escape(text));
        }
        Block::Fields(fields) => {
            h.push_str("<table class=\"fields\">\n<tbody>\n");
            for (label, value) in fields {
                let _ = writeln!(
                    h,
                    "<tr><th scope=\"row\">{}</th><td>{}</td></tr>",
                    escape(label),
                    escape(value)
                );
            }
            h.push_str("</tbody>\n</table>\n");
        }
        Block::Table(t) => table(h, t),
        Block::SignOff(roles) => signoff(h, roles),
    }
}

/// Blank lines to sign on a printed copy: per role, a row of blank cells with their
/// captions (printed name, signature, date and time) beneath.
fn signoff(h: &mut String, roles: &[String]) {
    h.push_str("<table class=\"signoff\">\n<colgroup><col style=\"width:16em\"><col style=\"width:35%\"><col class=\"gap\"><col style=\"width:35%\"><col class=\"gap\"><col style=\"width:25%\"></colgroup>\n<tbody>\n");
    for role in roles {
        let _ = write!(h, "<tr><th scope=\"row\">{}</th>", escape(role));
        for (i, _) in document::SIGNOFF_FIELDS.iter().enumerate() {
            if i > 0 {
                h.push_str("<td class=\"gap\"></td>");
            }
            h.push_str("<td class=\"blank\"></td>");
        }
        h.push_str("</tr>\n<tr class=\"caption\"><td></td>");
        for (i, caption) in document::SIGNOFF_FIELDS.iter().enumerate() {
            if i > 0 {
                h.push_str("<td class=\"gap\"></td>");
            }
            let _ = write!(h, "<td>{}</td>", escape(caption));
        }
        h.push_str("</tr>\n");
    }
    h.push_str("</tbody>\n</table>\n");
}

fn table(h: &mut String, t: &Table) {
    if t.rows.is_empty() {
        if !t.empty.is_empty() {
            let _ = writeln!(h, "<p class=\"empty\">{}</p>", escape(&t.empty));
        }
        return;
    }
    let total: f32 = t.columns.iter().map(|c| c.width).sum();
    h.push_str("<table>\n<colgroup>");
    for c in &t.columns {
        let _ = write!(h, "<col style=\"width:{:.1}%\">", 100.0 * c.width / total);
    }
    h.push_str("</colgroup>\n<thead>\n<tr>");
    for c in &t.columns {
        let _ = write!(h, "<th scope=\"col\">{}</th>", escape(c.title));
    }
    h.push_str("</tr>\n</thead>\n<tbody>\n");
    for (i, row) in t.rows.iter().enumerate() {
        match t.row_ids.get(i) {
            Some(id) => {
                let _ = write!(h, "<tr id=\"{}\">", escape(id));
            }
            None => h.push_str("<tr>"),
        }
        for cell in row {
            match cell {
                Cell::Text(text) => {
                    let _ = write!(h, "<td>{}</td>", escape(text));
                }
                Cell::Status(s) => {
                    let _ = write!(
                        h,
                        "<td class=\"status {}\">{}</td>",
                        status_class(*s),
                        document::status_label(*s)
                    );
                }
                Cell::Links(links) => {
                    h.push_str("<td class=\"refs\">");
                    for (j, l) in links.iter().enumerate() {
                        if j > 0 {
                            h.push('\n');
                        }
                        let class = l
                            .status
                            .map(|s| format!(" class=\"{}\"", status_class(s)))
                            .unwrap_or_default();
                        let _ = write!(
                            h,
                            "<a href=\"#{}\"{class}>{}</a>",
                            escape(&l.anchor),
                            escape(&l.text)
                        );
                    }
                    h.push_str("</td>");
                }
            }
        }
        h.push_str("</tr>\n");
    }
    h.push_str("</tbody>\n</table>\n");
}

#[cfg(test)]
mod tests {
    use scraper::{Html, Selector};

    use super::*;
    use crate::report::formats::{sample_report, signed_sample_report};

    fn sel(s: &str) -> Selector {
        Selector::parse(s).unwrap()
    }

    #[test]
    fn html_parses_with_every_section_and_check() {
        let report = sample_report();
        let text = render(&report);
        let html = Html::parse_document(&text);
        assert!(
            html.errors.is_empty(),
            "HTML parse errors: {:?}",
            html.errors
        );
        for id in [
            "application",
            "iq",
            "oq",
            "results",
            "summary",
            "traceability",
            "suppressions",
            "drift",
            "notes",
            "integrity",
            "signatures",
        ] {
            let found = html.select(&sel(&format!("section#{id} > h2"))).count();
            assert_eq!(found, 1, "section {id}");
        }
        let rows: Vec<Vec<String>> = html
            .select(&sel("section#results tbody tr"))
            .map(|tr| {
                tr.select(&sel("td"))
                    .map(|td| td.text().collect::<String>())
                    .collect()
            })
            .collect();
        assert_eq!(rows.len(), report.results.len());
        for (i, (row, r)) in rows.iter().zip(&report.results).enumerate() {
            assert_eq!(row[0], i.to_string());
            assert_eq!(row[1], r.check_id);
            assert_eq!(row[5], r.identifier);
            assert_eq!(row[7], r.expected, "expected value survives escaping");
            assert!(
                row[8].starts_with(&r.actual),
                "actual value survives escaping"
            );
            assert_eq!(row[9], document::status_label(r.status));
        }
        let headers: Vec<String> = html
            .select(&sel("section#results thead th"))
            .map(|th| th.text().collect())
            .collect();
        assert_eq!(
            headers,
            [
                "#",
                "Check",
                "Title",
                "Stage",
                "Target",
                "Identifier",
                "Property",
                "Expected",
                "Actual",
                "Status",
                "Controls"
            ]
        );
        let summary: String = html
            .select(&sel("section#summary p"))
            .map(|p| p.text().collect::<String>())
            .collect();
        assert!(summary.contains("5 checks: 2 passed, 1 failed, 1 error, 1 suppressed."));
        let badge: String = html
            .select(&sel("header .badge.status-failed"))
            .map(|b| b.text().collect::<String>())
            .collect();
        assert_eq!(badge, "FAIL");
    }

    #[test]
    fn html_is_self_contained_printable_and_escaped() {
        let text = render(&sample_report());
        assert!(!text.contains("<script"), "no scripts");
        for external in ["<link", "src=", "@import", "url("] {
            assert!(!text.contains(external), "external asset: {external}");
        }
        assert!(text.contains("@media print"));
        assert!(text.contains("thead { display: table-header-group; }"));
        // Sample values hold markup characters: they are escaped, never markup.
        assert!(text.contains("&lt;not KMS&gt; &amp; &quot;unmanaged&quot;"));
        assert!(!text.contains("<not KMS>"));
        assert!(!text.contains("<plan>"));
        let html = Html::parse_document(&text);
        let reason: String = html
            .select(&sel("section#suppressions td"))
            .nth(2)
            .map(|td| td.text().collect())
            .unwrap();
        assert_eq!(
            reason,
            "Retention enforced by the archive account; see CAPA-17 \"lock\" <plan> & memo"
        );
    }

    #[test]
    fn traceability_links_resolve_to_result_rows() {
        let report = sample_report();
        let html = Html::parse_document(&render(&report));
        let rows: Vec<_> = html.select(&sel("section#traceability tbody tr")).collect();
        assert_eq!(rows.len(), report.traceability.len());
        for (tr, row) in rows.iter().zip(&report.traceability) {
            let links: Vec<_> = tr.select(&sel("td.refs a")).collect();
            assert_eq!(links.len(), row.results.len(), "{}", row.requirement);
            for (a, x) in links.iter().zip(&row.results) {
                let href = a.value().attr("href").unwrap();
                assert_eq!(href, format!("#result-{}", x.result_index));
                let target = html
                    .select(&sel(&format!("section#results tr{href}")))
                    .next()
                    .unwrap_or_else(|| panic!("{href} names no result row"));
                let cells: Vec<String> = target
                    .select(&sel("td"))
                    .map(|td| td.text().collect())
                    .collect();
                assert_eq!(cells[1], x.check_id);
                assert_eq!(cells[4], x.target);
                assert_eq!(cells[9], document::status_label(x.status));
                assert!(a.value().attr("class").unwrap().contains(x.status.as_str()));
            }
        }
    }

    #[test]
    fn escape_covers_markup_and_controls() {
        assert_eq!(
            escape("<a href='x'>&\"</a>"),
            "&lt;a href=&#39;x&#39;&gt;&amp;&quot;&lt;/a&gt;"
        );
        assert_eq!(escape("a\u{1}b\nc"), "a\u{fffd}b\nc");
    }

    #[test]
    fn empty_tables_say_so() {
        let mut report = sample_report();
        report.drift.clear();
        report.suppressions.clear();
        let text = render(&report);
        assert!(text.contains("<p class=\"empty\">No drift was recorded for this run.</p>"));
        assert!(text.contains("<p class=\"empty\">The specification has no suppressions.</p>"));
    }

    #[test]
    fn signature_page_has_the_manifestations_and_blank_quality_unit_lines() {
        let report = signed_sample_report();
        let html = Html::parse_document(&render(&report));
        let cells: Vec<String> = html
            .select(&sel("section#signatures td"))
            .map(|td| td.text().collect())
            .collect();
        for want in [
            "Alice Example",
            "Bob Builder",
            "reviewed",
            "approved",
            "2025-03-02T08:15:00Z",
            "verified (allowed_signers, offline)",
            "verified (KMS Verify)",
            "arn:aws:sts::123456789012:assumed-role/ci-deployer/gh-actions",
            "4b825dc642cb6eb9a060e54bf8d69288fbee4904",
        ] {
            assert!(cells.iter().any(|c| c == want), "{want} not in {cells:?}");
        }
        assert!(cells.iter().any(|c| c.starts_with("NOT VERIFIED: stale")));
        let roles: Vec<String> = html
            .select(&sel("section#signatures table.signoff th"))
            .map(|th| th.text().collect())
            .collect();
        assert_eq!(
            roles,
            ["Reviewed by (quality unit)", "Approved by (quality unit)"]
        );
        // Per role three blank cells to sign in, captioned beneath.
        assert_eq!(
            html.select(&sel("table.signoff td.blank")).count(),
            2 * document::SIGNOFF_FIELDS.len()
        );
        for td in html.select(&sel("table.signoff td.blank")) {
            assert_eq!(td.text().collect::<String>(), "", "left blank");
        }
        let captions: Vec<String> = html
            .select(&sel("table.signoff tr.caption td"))
            .map(|td| td.text().collect::<String>())
            .filter(|c| !c.is_empty())
            .collect();
        assert_eq!(captions.len(), 6);
        assert_eq!(captions[..3], document::SIGNOFF_FIELDS);
    }

    #[test]
    fn failed_rows_carry_their_remediation() {
        let report = sample_report();
        let html = Html::parse_document(&render(&report));
        let actual: Vec<String> = html
            .select(&sel("section#results tbody tr td:nth-child(9)"))
            .map(|td| td.text().collect())
            .collect();
        assert!(actual[2].ends_with("\nremediation: Fix the configuration and re-apply."));
        assert!(!actual[3].contains("remediation"), "an error row has none");
    }
}
