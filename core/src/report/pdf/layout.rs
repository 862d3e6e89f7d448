//! Page layout of the PDF report: A4 landscape pages, text, fields, tables that wrap, split
//! and repeat their headers, section bookmarks, and the furniture of every page.

use pdf_writer::{Content, Name, Str};

use crate::checks::Status;

use super::super::document::{self, Block, Cell, Document, Table};
use super::super::Report;
use super::fonts::{self, Font};

/// A4 landscape, in points.
pub(super) const PAGE_W: f32 = 841.89;
pub(super) const PAGE_H: f32 = 595.28;
const MARGIN_X: f32 = 36.0;
/// Distance from the top of the page to the top of the body.
const BODY_TOP: f32 = 48.0;
/// Distance from the bottom of the page to the bottom of the body.
const BODY_BOTTOM: f32 = 40.0;
pub(super) const BODY_W: f32 = PAGE_W - 2.0 * MARGIN_X;
const BODY_H: f32 = PAGE_H - BODY_TOP - BODY_BOTTOM;

const TEXT_SIZE: f32 = 8.5;
const FIELD_LABEL_W: f32 = 190.0;
/// Padding inside a grid cell, on every side.
pub(super) const CELL_PAD: f32 = 2.4;
/// Widths of the blank sign-off lines, as fractions of the body width; the rest is the gaps.
const SIGNOFF_LINES: [f32; 3] = [0.35, 0.35, 0.25];
/// Height of one sign-off row: role label, room to sign, the line and its captions.
const SIGNOFF_ROW_H: f32 = 52.0;

pub(super) const REGULAR: usize = 0;
pub(super) const BOLD: usize = 1;

type Rgb = (f32, f32, f32);
const INK: Rgb = (0.12, 0.14, 0.16);
const MUTED: Rgb = (0.36, 0.39, 0.43);
const RULE: Rgb = (0.70, 0.73, 0.77);
const HEADER_FILL: Rgb = (0.92, 0.94, 0.96);
const WHITE: Rgb = (1.0, 1.0, 1.0);

fn status_color(status: Status) -> Rgb {
    match status {
        Status::Passed => (0.106, 0.498, 0.231),
        Status::Failed => (0.702, 0.149, 0.118),
        Status::Error => (0.702, 0.361, 0.0),
        Status::Suppressed => (0.373, 0.388, 0.408),
    }
}

/// Font size of a table's cells: smaller for wide tables.
pub(super) fn table_font_size(t: &Table) -> f32 {
    if t.columns.len() >= 8 {
        6.6
    } else {
        7.4
    }
}

/// Column widths of a table across the body width: proportional to the columns' relative
/// widths, except that a column of status labels is never narrower than its widest label
/// (bold, plus padding) so a label is never broken (`SUPPRESSE` / `D`); what such a column
/// gains is taken proportionally from the columns without a minimum. The widths sum to the
/// body width.
pub(super) fn column_widths(t: &Table, fonts: &[Font; 2], size: f32) -> Vec<f32> {
    let total: f32 = t.columns.iter().map(|c| c.width).sum();
    let mut widths: Vec<f32> = t.columns.iter().map(|c| BODY_W * c.width / total).collect();
    // Every label a status column may hold, not only those of this report: the same table
    // lays out the same way whichever statuses it holds.
    let widest_label = [
        Status::Passed,
        Status::Failed,
        Status::Error,
        Status::Suppressed,
    ]
    .iter()
    .map(|s| fonts[BOLD].width(document::status_label(*s), size))
    .fold(0.0, f32::max);
    let minimum: Vec<Option<f32>> = (0..t.columns.len())
        .map(|i| {
            t.rows
                .iter()
                .any(|row| matches!(row.get(i), Some(Cell::Status(_))))
                .then_some(widest_label + 2.0 * CELL_PAD + 0.5)
        })
        .collect();
    let deficit: f32 = widths
        .iter()
        .zip(&minimum)
        .map(|(w, m)| m.map_or(0.0, |m| (m - w).max(0.0)))
        .sum();
    let free: f32 = widths
        .iter()
        .zip(&minimum)
        .filter(|(_, m)| m.is_none())
        .map(|(w, _)| w)
        .sum();
    if deficit > 0.0 && free > deficit {
        for (w, m) in widths.iter_mut().zip(&minimum) {
            match m {
                Some(m) => *w = w.max(*m),
                None => *w -= deficit * *w / free,
            }
        }
    }
    widths
}

/// A styled piece of text in a grid cell.
struct Styled {
    text: String,
    font: usize,
    color: Rgb,
}

/// Lays a document out on pages.
pub(super) struct Layout {
    pub(super) fonts: [Font; 2],
    pub(super) pages: Vec<Content>,
    /// Cursor: distance from the top of the current page.
    pub(super) y: f32,
    /// Bookmarks: (title, page index, distance from top).
    pub(super) outline: Vec<(String, usize, f32)>,
}

impl Layout {
    pub(super) fn new() -> Result<Layout, String> {
        Ok(Layout {
            fonts: fonts::dejavu()?,
            pages: vec![Content::new()],
            y: BODY_TOP,
            outline: Vec::new(),
        })
    }

    fn new_page(&mut self) {
        self.pages.push(Content::new());
        self.y = BODY_TOP;
    }

    fn remaining(&self) -> f32 {
        PAGE_H - BODY_BOTTOM - self.y
    }

    /// Start a new page unless `h` points fit on this one.
    fn ensure(&mut self, h: f32) {
        if self.remaining() < h && self.y > BODY_TOP {
            self.new_page();
        }
    }

    /// Draw one line of text with its baseline `baseline` points from the top of page `page`.
    #[allow(clippy::too_many_arguments)]
    fn text_on(
        &mut self,
        page: usize,
        x: f32,
        baseline: f32,
        font: usize,
        size: f32,
        color: Rgb,
        text: &str,
    ) {
        let bytes = self.fonts[font].encode(text);
        let resource = self.fonts[font].resource;
        let c = &mut self.pages[page];
        c.set_fill_rgb(color.0, color.1, color.2);
        c.begin_text();
        c.set_font(Name(resource), size);
        c.next_line(x, PAGE_H - baseline);
        c.show(Str(&bytes));
        c.end_text();
    }

    fn text(&mut self, x: f32, baseline: f32, font: usize, size: f32, color: Rgb, text: &str) {
        let page = self.pages.len() - 1;
        self.text_on(page, x, baseline, font, size, color, text);
    }

    fn fill_rect(&mut self, x: f32, top: f32, w: f32, h: f32, color: Rgb) {
        let c = self.pages.last_mut().expect("a page");
        c.set_fill_rgb(color.0, color.1, color.2);
        c.rect(x, PAGE_H - top - h, w, h);
        c.fill_nonzero();
    }

    fn stroke_rect(&mut self, x: f32, top: f32, w: f32, h: f32) {
        let c = self.pages.last_mut().expect("a page");
        c.set_stroke_rgb(RULE.0, RULE.1, RULE.2);
        c.set_line_width(0.4);
        c.rect(x, PAGE_H - top - h, w, h);
        c.stroke();
    }

    fn vline(&mut self, x: f32, top: f32, h: f32) {
        let c = self.pages.last_mut().expect("a page");
        c.set_stroke_rgb(RULE.0, RULE.1, RULE.2);
        c.set_line_width(0.4);
        c.move_to(x, PAGE_H - top);
        c.line_to(x, PAGE_H - top - h);
        c.stroke();
    }

    fn hline(&mut self, page: usize, x1: f32, x2: f32, y: f32, width: f32, color: Rgb) {
        let c = &mut self.pages[page];
        c.set_stroke_rgb(color.0, color.1, color.2);
        c.set_line_width(width);
        c.move_to(x1, PAGE_H - y);
        c.line_to(x2, PAGE_H - y);
        c.stroke();
    }

    /// Wrapped text across the body width, breaking pages between lines.
    fn paragraph(&mut self, text: &str, font: usize, size: f32, color: Rgb) {
        let lh = size * 1.35;
        let lines = self.fonts[font].wrap(text, size, BODY_W);
        if lines.len() <= 5 {
            // Short paragraphs stay on one page.
            self.ensure(lines.len() as f32 * lh);
        }
        for line in lines {
            self.ensure(lh);
            self.text(MARGIN_X, self.y + size, font, size, color, &line);
            self.y += lh;
        }
        self.y += size * 0.5;
    }

    fn section_title(&mut self, title: &str, new_page: bool) {
        if new_page && self.y > BODY_TOP {
            self.new_page();
        }
        self.ensure(80.0);
        self.y += 6.0;
        let page = self.pages.len() - 1;
        self.outline.push((title.to_string(), page, self.y));
        self.text(MARGIN_X, self.y + 13.0, BOLD, 13.0, INK, title);
        self.y += 17.0;
        self.hline(page, MARGIN_X, PAGE_W - MARGIN_X, self.y, 0.8, INK);
        self.y += 7.0;
    }

    fn heading(&mut self, text: &str) {
        self.ensure(48.0);
        self.y += 3.0;
        self.text(MARGIN_X, self.y + 10.0, BOLD, 10.0, INK, text);
        self.y += 15.0;
    }

    /// A grid of wrapped cells: optional repeated header row, page breaks between rows, rows
    /// taller than a page split across pages.
    fn grid(
        &mut self,
        widths: &[f32],
        header: Option<&[&str]>,
        rows: &[Vec<Styled>],
        size: f32,
        borders: bool,
    ) {
        let pad = CELL_PAD;
        let lh = size * 1.3;
        let xs: Vec<f32> = widths
            .iter()
            .scan(MARGIN_X, |x, w| {
                let here = *x;
                *x += w;
                Some(here)
            })
            .collect();
        let header_lines: Option<Vec<Vec<String>>> = header.map(|titles| {
            titles
                .iter()
                .zip(widths)
                .map(|(t, w)| self.fonts[BOLD].wrap(t, size, w - 2.0 * pad))
                .collect()
        });
        let header_h = header_lines
            .as_ref()
            .map(|h| h.iter().map(Vec::len).max().unwrap_or(1) as f32 * lh + 2.0 * pad)
            .unwrap_or(0.0);
        let draw_header = |me: &mut Layout| {
            if let Some(lines) = &header_lines {
                let top = me.y;
                me.fill_rect(MARGIN_X, top, widths.iter().sum(), header_h, HEADER_FILL);
                for (i, cell) in lines.iter().enumerate() {
                    for (j, line) in cell.iter().enumerate() {
                        let baseline = top + pad + size + j as f32 * lh;
                        me.text(xs[i] + pad, baseline, BOLD, size, INK, line);
                    }
                }
                me.row_borders(&xs, widths, top, header_h);
                me.y += header_h;
            }
        };
        let wrapped: Vec<Vec<Vec<String>>> = rows
            .iter()
            .map(|row| {
                row.iter()
                    .zip(widths)
                    .map(|(cell, w)| self.fonts[cell.font].wrap(&cell.text, size, w - 2.0 * pad))
                    .collect()
            })
            .collect();
        self.ensure(header_h + 2.0 * lh + 2.0 * pad);
        draw_header(self);
        for (row, cells) in rows.iter().zip(&wrapped) {
            let n = cells.iter().map(Vec::len).max().unwrap_or(1);
            let mut start = 0;
            while start < n {
                let left = n - start;
                let need = left as f32 * lh + 2.0 * pad;
                let fit = ((self.remaining() - 2.0 * pad) / lh).floor().max(0.0) as usize;
                let take = if need <= self.remaining() {
                    left
                } else if need <= BODY_H - header_h || fit < 2 {
                    self.new_page();
                    draw_header(self);
                    continue;
                } else {
                    fit
                };
                let top = self.y;
                let h = take as f32 * lh + 2.0 * pad;
                for (i, (cell, lines)) in row.iter().zip(cells).enumerate() {
                    for (j, line) in lines.iter().skip(start).take(take).enumerate() {
                        let baseline = top + pad + size + j as f32 * lh;
                        self.text(xs[i] + pad, baseline, cell.font, size, cell.color, line);
                    }
                }
                if borders {
                    self.row_borders(&xs, widths, top, h);
                } else {
                    let page = self.pages.len() - 1;
                    self.hline(
                        page,
                        MARGIN_X,
                        MARGIN_X + widths.iter().sum::<f32>(),
                        top + h,
                        0.3,
                        RULE,
                    );
                }
                self.y += h;
                start += take;
                if start < n {
                    self.new_page();
                    draw_header(self);
                }
            }
        }
        self.y += 8.0;
    }

    fn row_borders(&mut self, xs: &[f32], widths: &[f32], top: f32, h: f32) {
        self.stroke_rect(MARGIN_X, top, widths.iter().sum(), h);
        for x in xs.iter().skip(1) {
            self.vline(*x, top, h);
        }
    }

    fn fields(&mut self, fields: &[(String, String)]) {
        let rows: Vec<Vec<Styled>> = fields
            .iter()
            .map(|(label, value)| {
                vec![
                    Styled {
                        text: label.clone(),
                        font: BOLD,
                        color: MUTED,
                    },
                    Styled {
                        text: value.clone(),
                        font: REGULAR,
                        color: INK,
                    },
                ]
            })
            .collect();
        self.grid(
            &[FIELD_LABEL_W, BODY_W - FIELD_LABEL_W],
            None,
            &rows,
            8.0,
            false,
        );
    }

    fn table(&mut self, t: &Table) {
        if t.rows.is_empty() {
            if !t.empty.is_empty() {
                self.paragraph(&t.empty, REGULAR, TEXT_SIZE, MUTED);
            }
            return;
        }
        let size = table_font_size(t);
        let widths = column_widths(t, &self.fonts, size);
        let titles: Vec<&str> = t.columns.iter().map(|c| c.title).collect();
        let rows: Vec<Vec<Styled>> = t
            .rows
            .iter()
            .map(|row| {
                row.iter()
                    .map(|cell| match cell {
                        Cell::Text(text) => Styled {
                            text: text.clone(),
                            font: REGULAR,
                            color: INK,
                        },
                        Cell::Status(s) => Styled {
                            text: document::status_label(*s).to_string(),
                            font: BOLD,
                            color: status_color(*s),
                        },
                        Cell::Links(_) => Styled {
                            text: cell.text().into_owned(),
                            font: REGULAR,
                            color: INK,
                        },
                    })
                    .collect()
            })
            .collect();
        self.grid(&widths, Some(&titles), &rows, size, true);
    }

    /// Blank lines to sign on the printed copy: per role a bold label, room to sign, and
    /// three lines (printed name, signature, date and time) with muted captions beneath.
    pub(super) fn signoff(&mut self, roles: &[String]) {
        let gap = BODY_W * (1.0 - SIGNOFF_LINES.iter().sum::<f32>()) / 2.0;
        for role in roles {
            self.ensure(SIGNOFF_ROW_H);
            self.text(MARGIN_X, self.y + 9.0, BOLD, 9.0, INK, role);
            let line_y = self.y + 36.0;
            let page = self.pages.len() - 1;
            let mut x = MARGIN_X;
            for (fraction, caption) in SIGNOFF_LINES.iter().zip(document::SIGNOFF_FIELDS) {
                let w = BODY_W * fraction;
                self.hline(page, x, x + w, line_y, 0.6, INK);
                self.text(x, line_y + 8.5, REGULAR, 7.0, MUTED, caption);
                x += w + gap;
            }
            self.y += SIGNOFF_ROW_H;
        }
        self.y += 4.0;
    }

    fn title_block(&mut self, doc: &Document) {
        for line in self.fonts[BOLD].wrap(&doc.title, 16.0, BODY_W) {
            self.text(MARGIN_X, self.y + 16.0, BOLD, 16.0, INK, &line);
            self.y += 20.0;
        }
        self.y += 4.0;
        let label = document::status_label(doc.status);
        let badge_w = self.fonts[BOLD].width(label, 11.0) + 16.0;
        self.text(MARGIN_X, self.y + 13.0, BOLD, 9.0, MUTED, "Overall result");
        self.fill_rect(
            MARGIN_X + FIELD_LABEL_W,
            self.y,
            badge_w,
            18.0,
            status_color(doc.status),
        );
        self.text(
            MARGIN_X + FIELD_LABEL_W + 8.0,
            self.y + 13.0,
            BOLD,
            11.0,
            WHITE,
            label,
        );
        self.y += 24.0;
        self.fields(&doc.header);
        self.y += 4.0;
    }

    pub(super) fn document(&mut self, doc: &Document) {
        self.title_block(doc);
        for s in &doc.sections {
            self.section_title(
                &s.title,
                matches!(s.id, "results" | "traceability" | "signatures"),
            );
            for b in &s.blocks {
                match b {
                    Block::Heading(text) => self.heading(text),
                    Block::Paragraph(text) => self.paragraph(text, REGULAR, TEXT_SIZE, INK),
                    Block::Fields(fields) => self.fields(fields),
                    Block::Table(t) => self.table(t),
                    Block::SignOff(roles) => self.signoff(roles),
                }
            }
        }
    }

    /// Running header and footer on every page (known only once all pages are laid out).
    pub(super) fn furniture(&mut self, report: &Report, sha256: &str) {
        let n = self.pages.len();
        let status = report.summary.status;
        let left = format!(
            "GxP qualification report · {} / {} · {} · report {}",
            report.system.application,
            report.system.environment,
            report.qualification.name,
            report.report_id
        );
        let right = format!("Overall result: {}", document::status_label(status));
        let foot = format!(
            "terraform-provider-gxp {} · {} · SHA-256 of the canonical JSON report: {sha256}",
            report.run.provider_version, report.format
        );
        for page in 0..n {
            let size = 7.5;
            let right_w = self.fonts[BOLD].width(&right, size);
            let left_max = BODY_W - right_w - 12.0;
            let left_line = self.fonts[REGULAR]
                .wrap(&left, size, left_max)
                .into_iter()
                .next()
                .unwrap_or_default();
            self.text_on(page, MARGIN_X, 24.0, REGULAR, size, MUTED, &left_line);
            self.text_on(
                page,
                PAGE_W - MARGIN_X - right_w,
                24.0,
                BOLD,
                size,
                status_color(status),
                &right,
            );
            self.hline(page, MARGIN_X, PAGE_W - MARGIN_X, 30.0, 0.5, RULE);
            let number = format!("Page {} of {n}", page + 1);
            let number_w = self.fonts[REGULAR].width(&number, size);
            let foot_line = self.fonts[REGULAR]
                .wrap(&foot, size, BODY_W - number_w - 12.0)
                .into_iter()
                .next()
                .unwrap_or_default();
            let base = PAGE_H - 20.0;
            self.hline(page, MARGIN_X, PAGE_W - MARGIN_X, base - 10.0, 0.5, RULE);
            self.text_on(page, MARGIN_X, base, REGULAR, size, MUTED, &foot_line);
            self.text_on(
                page,
                PAGE_W - MARGIN_X - number_w,
                base,
                REGULAR,
                size,
                MUTED,
                &number,
            );
        }
    }
}
