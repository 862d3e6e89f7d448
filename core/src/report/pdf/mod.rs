//! PDF report: the same document as the HTML report ([`super::document`]), laid out on A4
//! landscape pages in pure Rust.
//!
//! - Text is set in DejaVu Sans (regular and bold), embedded as subsetted TrueType
//!   (`FontFile2`) CID fonts with Identity-H encoding and a `ToUnicode` map, so any Unicode
//!   the font covers prints, and text can be searched, copied and extracted.
//! - Tables wrap long values (breaking identifiers at `/`, `:`, `.` and the like), start a
//!   new page when full and repeat their header row there; a row taller than a page is
//!   split across pages.
//! - Every page carries the report identity and overall result at the top and `Page N of M`
//!   at the bottom; the first page opens with a title block; sections are bookmarked.
//! - Output is deterministic: the same report gives the same bytes (dates come from the
//!   report, the file id from its SHA-256).
//!
//! [`fonts`] holds the embedded faces and their metrics, [`layout`] places the document on
//! pages, and [`render`] writes the PDF objects.

mod fonts;
mod layout;

use pdf_writer::types::PageMode;
use pdf_writer::{Date, Filter, Finish, Name, Pdf, Rect, Ref, TextStr};

use crate::util::parse_time;

use super::document;
use super::Report;
use fonts::{write_font, FontRefs};
use layout::{Layout, PAGE_H, PAGE_W};

fn deflate(data: &[u8]) -> Vec<u8> {
    miniz_oxide::deflate::compress_to_vec_zlib(data, 6)
}

/// PDF date of an RFC 3339 timestamp.
fn pdf_date(text: &str) -> Option<Date> {
    let t = parse_time(text)?.to_offset(time::UtcOffset::UTC);
    let year = u16::try_from(t.year()).ok()?;
    Some(
        Date::new(year)
            .month(u8::from(t.month()))
            .day(t.day())
            .hour(t.hour())
            .minute(t.minute())
            .second(t.second())
            .utc_offset_hour(0)
            .utc_offset_minute(0),
    )
}

/// Render a report as a PDF document.
pub fn render(report: &Report) -> Result<Vec<u8>, String> {
    let doc = document::build(report);
    let sha256 = super::sha256(report);
    let mut layout = Layout::new()?;
    layout.document(&doc);
    layout.furniture(report, &sha256);

    let mut next = Ref::new(1);
    let catalog = next.bump();
    let tree = next.bump();
    let info = next.bump();
    let outline = next.bump();
    let mut font_refs = Vec::new();
    for _ in &layout.fonts {
        font_refs.push(FontRefs {
            type0: next.bump(),
            cid: next.bump(),
            descriptor: next.bump(),
            file: next.bump(),
            cmap: next.bump(),
        });
    }
    let page_refs: Vec<(Ref, Ref)> = layout
        .pages
        .iter()
        .map(|_| (next.bump(), next.bump()))
        .collect();
    let item_refs: Vec<Ref> = layout.outline.iter().map(|_| next.bump()).collect();

    let mut pdf = Pdf::new();
    let id = hex::decode(&sha256[..32]).unwrap_or_default();
    pdf.set_file_id((id.clone(), id));
    let mut cat = pdf.catalog(catalog);
    cat.pages(tree);
    if !item_refs.is_empty() {
        cat.outlines(outline).page_mode(PageMode::UseOutlines);
    }
    cat.finish();
    let mut doc_info = pdf.document_info(info);
    doc_info
        .title(TextStr(&doc.title))
        .subject(TextStr(&format!(
            "Qualification report {} ({})",
            report.report_id, report.format
        )))
        .keywords(TextStr(&format!(
            "{} {} {} {}",
            report.report_id,
            report.qualification.name,
            report.system.application,
            report.system.environment
        )))
        .creator(TextStr(&format!(
            "terraform-provider-gxp {}",
            report.run.provider_version
        )))
        .producer(TextStr("terraform-provider-gxp (pdf-writer)"));
    if let Some(by) = &report.run.caller_arn {
        doc_info.author(TextStr(by));
    }
    if let Some(date) = pdf_date(&report.run.finished_at) {
        doc_info.creation_date(date);
    }
    doc_info.finish();

    pdf.pages(tree)
        .kids(page_refs.iter().map(|(p, _)| *p))
        .count(i32::try_from(page_refs.len()).unwrap_or(i32::MAX));
    let pages = std::mem::take(&mut layout.pages);
    for (content, (page_ref, content_ref)) in pages.into_iter().zip(&page_refs) {
        let packed = deflate(&content.finish());
        pdf.stream(*content_ref, &packed)
            .filter(Filter::FlateDecode);
        let mut page = pdf.page(*page_ref);
        page.media_box(Rect::new(0.0, 0.0, PAGE_W, PAGE_H))
            .parent(tree)
            .contents(*content_ref);
        let mut resources = page.resources();
        let mut fonts = resources.fonts();
        for (font, refs) in layout.fonts.iter().zip(&font_refs) {
            fonts.pair(Name(font.resource), refs.type0);
        }
        fonts.finish();
        resources.finish();
        page.finish();
    }
    for (font, refs) in layout.fonts.iter().zip(&font_refs) {
        write_font(&mut pdf, font, refs)?;
    }
    if let (Some(first), Some(last)) = (item_refs.first(), item_refs.last()) {
        pdf.outline(outline)
            .first(*first)
            .last(*last)
            .count(i32::try_from(item_refs.len()).unwrap_or(i32::MAX));
        for (i, (title, page, y)) in layout.outline.iter().enumerate() {
            let mut item = pdf.outline_item(item_refs[i]);
            item.parent(outline).title(TextStr(title));
            if i > 0 {
                item.prev(item_refs[i - 1]);
            }
            if i + 1 < item_refs.len() {
                item.next(item_refs[i + 1]);
            }
            item.dest()
                .page(page_refs[*page].0)
                .xyz(0.0, PAGE_H - y + 4.0, None);
        }
    }
    Ok(pdf.finish())
}

#[cfg(test)]
mod tests {
    use super::layout::{column_widths, table_font_size, BODY_W, BOLD, CELL_PAD, REGULAR};
    use super::*;
    use crate::report::document::{self, Block};
    use crate::report::formats::{sample_report, signed_sample_report};

    fn text_of(pdf: &[u8]) -> String {
        pdf_extract::extract_text_from_mem(pdf).expect("text extraction from the PDF report")
    }

    fn pages_of(pdf: &[u8]) -> Vec<String> {
        pdf_extract::extract_text_from_mem_by_pages(pdf).expect("text extraction by page")
    }

    #[test]
    fn pdf_text_holds_summary_and_every_check() {
        let report = sample_report();
        let pdf = render(&report).unwrap();
        assert!(pdf.starts_with(b"%PDF-"));
        let text = text_of(&pdf);
        assert!(
            text.contains("5 checks: 2 passed, 1 failed, 1 error, 1 suppressed."),
            "summary sentence missing from:\n{text}"
        );
        for r in &report.results {
            assert!(text.contains(&r.check_id), "{} missing", r.check_id);
        }
        // The traceability matrix names each result by its row of the results table.
        for row in &report.traceability {
            for x in &row.results {
                let line = format!("#{} {} @ {}", x.result_index, x.check_id, x.target);
                assert!(text.contains(&line), "{line} missing from the matrix");
            }
        }
        for section in [
            "Application information",
            "IQ build specification",
            "OQ post-build specification",
            "Expected vs actual",
            "Summary",
            "Traceability matrix",
            "Suppressions",
            "Drift",
            "Notes",
            "Integrity",
            "Signatures and approval",
        ] {
            assert!(text.contains(section), "section {section} missing");
        }
        // Non-ASCII text comes back through the ToUnicode map.
        assert!(text.contains("région ü"), "non-ASCII text lost");
        assert!(text.contains(&report.report_id));
        assert!(text.contains(&crate::report::sha256(&report)));
    }

    #[test]
    fn pdf_embeds_subsetted_fonts_and_numbers_pages() {
        let report = sample_report();
        let pdf = render(&report).unwrap();
        let raw = String::from_utf8_lossy(&pdf);
        assert_eq!(
            raw.matches("/FontFile2").count(),
            2,
            "two embedded TrueType fonts"
        );
        assert!(raw.contains("+DejaVuSans"), "subset font name");
        assert!(raw.contains("/ToUnicode"));
        assert!(
            pdf.len() < 400_000,
            "fonts are subsetted ({} bytes)",
            pdf.len()
        );
        let pages = pages_of(&pdf);
        assert!(pages.len() >= 2, "{} pages", pages.len());
        for (i, page) in pages.iter().enumerate() {
            let number = format!("Page {} of {}", i + 1, pages.len());
            assert!(page.contains(&number), "page {} lacks its number", i + 1);
            assert!(
                page.contains("Overall result: FAIL"),
                "page {} header",
                i + 1
            );
        }
        // Same report, same bytes.
        assert_eq!(render(&report).unwrap(), pdf);
    }

    #[test]
    fn long_tables_span_pages_with_repeated_headers() {
        let mut report = sample_report();
        let template = report.results[2].clone();
        report.results = (0..120)
            .map(|i| {
                let mut r = template.clone();
                r.target = format!("bucket-{i:03}");
                r.identifier =
                    format!("arn:aws:s3:::a-rather-long-bucket-name-for-wrapping-{i:03}");
                r
            })
            .collect();
        report.summary = crate::report::Summary::of(&report.results);
        let pdf = render(&report).unwrap();
        let pages = pages_of(&pdf);
        let text = pages.concat();
        for i in 0..120 {
            assert!(text.contains(&format!("bucket-{i:03}")), "row {i} missing");
        }
        let with_results_header = pages
            .iter()
            .filter(|p| p.contains("Identifier") && p.contains("Controls") && p.contains("bucket-"))
            .count();
        assert!(
            with_results_header >= 3,
            "results header repeated on {with_results_header} pages"
        );
    }

    #[test]
    fn a_value_longer_than_a_page_is_split_across_pages() {
        let mut report = sample_report();
        let words: Vec<String> = (0..2500).map(|i| format!("w{i}")).collect();
        report.results[2].actual = words.join(" ");
        let pdf = render(&report).unwrap();
        let text = text_of(&pdf);
        for probe in ["w0 ", "w1250", "w2499"] {
            assert!(text.contains(probe), "{probe} missing");
        }
    }

    #[test]
    fn wrapping_keeps_every_character_and_fits_the_width() {
        let layout = Layout::new().unwrap();
        let font = &layout.fonts[REGULAR];
        let text = "arn:aws:kms:eu-west-1:123456789012:key/0d1e2f3a-4b5c-6d7e-8f90-a1b2c3d4e5f6 and words\nnext";
        let lines = font.wrap(text, 7.0, 60.0);
        assert!(lines.len() > 3);
        for l in &lines {
            assert!(font.width(l, 7.0) <= 60.0 + 0.01, "{l:?} too wide");
        }
        let joined: String = lines.concat().split_whitespace().collect();
        let original: String = text.split_whitespace().collect();
        assert_eq!(joined, original);
        assert_eq!(lines.last().unwrap(), "next");
        // Identifiers break after separators where possible.
        assert!(
            lines[0].ends_with(':') || lines[0].ends_with('-'),
            "{lines:?}"
        );
    }

    #[test]
    fn a_status_column_is_never_narrower_than_its_widest_label() {
        let layout = Layout::new().unwrap();
        let doc = document::build(&sample_report());
        let results = doc.sections.iter().find(|s| s.id == "results").unwrap();
        let Some(Block::Table(tb)) = results.blocks.iter().find(|b| matches!(b, Block::Table(_)))
        else {
            panic!("no results table")
        };
        let size = table_font_size(tb);
        assert_eq!(size, 6.6);
        let status = tb.columns.iter().position(|c| c.title == "Status").unwrap();
        let total: f32 = tb.columns.iter().map(|c| c.width).sum();
        let proportional = BODY_W * tb.columns[status].width / total;
        let suppressed = layout.fonts[BOLD].width("SUPPRESSED", size) + 2.0 * CELL_PAD;
        assert!(proportional < suppressed, "the case this guards against");
        let widths = column_widths(tb, &layout.fonts, size);
        assert!(
            widths[status] >= suppressed,
            "{} < {suppressed}",
            widths[status]
        );
        assert!((widths.iter().sum::<f32>() - BODY_W).abs() < 0.01);
        // The other columns gave the difference up in proportion; none grew.
        for (i, (w, c)) in widths.iter().zip(&tb.columns).enumerate() {
            if i != status {
                assert!(*w < BODY_W * c.width / total, "column {}", c.title);
            }
        }
        // A status column wide enough already keeps the proportional widths.
        let trace = doc
            .sections
            .iter()
            .find(|s| s.id == "traceability")
            .unwrap();
        let Some(Block::Table(tb)) = trace.blocks.iter().find(|b| matches!(b, Block::Table(_)))
        else {
            panic!("no traceability table")
        };
        let total: f32 = tb.columns.iter().map(|c| c.width).sum();
        let proportional: Vec<f32> = tb
            .columns
            .iter()
            .map(|c| BODY_W * c.width / total)
            .collect();
        assert_eq!(
            column_widths(tb, &layout.fonts, table_font_size(tb)),
            proportional
        );
    }

    #[test]
    fn suppressed_is_printed_whole() {
        let text = text_of(&render(&sample_report()).unwrap());
        assert!(text.contains("SUPPRESSED"), "no SUPPRESSED in:\n{text}");
        assert!(
            !text.contains("SUPPRESSE\n"),
            "SUPPRESSED broken in:\n{text}"
        );
    }

    #[test]
    fn signature_page_carries_manifestations_executor_and_quality_unit_lines() {
        let report = signed_sample_report();
        let pages = pages_of(&render(&report).unwrap());
        let first = pages
            .iter()
            .position(|p| p.contains("Signatures and approval"))
            .expect("a signature page");
        assert!(
            !pages[first].contains("Position in chain"),
            "the signature page starts a page of its own"
        );
        // The page and what runs over to the next: the rest of the document.
        let page = pages[first..].concat();
        let flat = page.split_whitespace().collect::<Vec<_>>().join(" ");
        for want in [
            "Alice Example",
            "Bob Builder",
            "Carol Quality",
            "reviewed",
            "approved",
            "verified",
            "NOT VERIFIED: stale",
            "Executed by",
            "arn:aws:sts::123456789012:assumed-role/ci-deployer/gh-actions",
            "4b825dc642cb6eb9a060e54bf8d69288fbee4904",
            "Quality unit review and approval",
            "Reviewed by (quality unit)",
            "Approved by (quality unit)",
            "Printed name",
            "Date and time",
        ] {
            assert!(flat.contains(want), "{want} missing from:\n{page}");
        }
        // Failed rows carry their remediation in the PDF too.
        let text = pages.concat();
        let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
        assert!(flat.contains("remediation: Fix the configuration and re-apply."));
    }
}
