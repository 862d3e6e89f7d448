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

use std::collections::BTreeMap;

use pdf_writer::types::{CidFontType, FontFlags, PageMode, SystemInfo, UnicodeCmap};
use pdf_writer::{Content, Date, Filter, Finish, Name, Pdf, Rect, Ref, Str, TextStr};

use crate::checks::Status;
use crate::util::parse_time;

use super::document::{self, Block, Cell, Document, Table};
use super::Report;

const REGULAR_TTF: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans.ttf");
const BOLD_TTF: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans-Bold.ttf");

/// A4 landscape, in points.
const PAGE_W: f32 = 841.89;
const PAGE_H: f32 = 595.28;
const MARGIN_X: f32 = 36.0;
/// Distance from the top of the page to the top of the body.
const BODY_TOP: f32 = 48.0;
/// Distance from the bottom of the page to the bottom of the body.
const BODY_BOTTOM: f32 = 40.0;
const BODY_W: f32 = PAGE_W - 2.0 * MARGIN_X;
const BODY_H: f32 = PAGE_H - BODY_TOP - BODY_BOTTOM;

const TEXT_SIZE: f32 = 8.5;
const FIELD_LABEL_W: f32 = 190.0;
/// Characters after which a word too long for its column is preferably broken.
const BREAK_AFTER: &[char] = &['/', ':', '.', '-', '_', ',', ';', '=', '&', '?', '@', ')'];

const REGULAR: usize = 0;
const BOLD: usize = 1;

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

/// An embedded font: metrics for layout, and the glyphs used (for subsetting, widths and the
/// `ToUnicode` map).
struct Font {
    face: ttf_parser::Face<'static>,
    data: &'static [u8],
    base_name: &'static str,
    resource: &'static [u8],
    units_per_em: f32,
    /// Glyph drawn for characters the font lacks (U+FFFD, else `?`).
    fallback: u16,
    used: BTreeMap<u16, char>,
}

impl Font {
    fn load(
        data: &'static [u8],
        base_name: &'static str,
        resource: &'static [u8],
    ) -> Result<Font, String> {
        let face = ttf_parser::Face::parse(data, 0)
            .map_err(|e| format!("embedded font {base_name}: {e}"))?;
        let fallback = face
            .glyph_index('\u{fffd}')
            .or_else(|| face.glyph_index('?'))
            .map(|g| g.0)
            .unwrap_or(0);
        Ok(Font {
            units_per_em: f32::from(face.units_per_em()),
            face,
            data,
            base_name,
            resource,
            fallback,
            used: BTreeMap::new(),
        })
    }

    /// Glyph of a character (tabs draw as spaces; missing characters as the fallback).
    fn glyph(&self, c: char) -> (u16, char) {
        let c = if c == '\t' { ' ' } else { c };
        match self.face.glyph_index(c) {
            Some(g) if g.0 != 0 => (g.0, c),
            _ => (self.fallback, '\u{fffd}'),
        }
    }

    /// Advance of a glyph, in text space units (1/1000 em).
    fn advance(&self, gid: u16) -> f32 {
        let adv = self
            .face
            .glyph_hor_advance(ttf_parser::GlyphId(gid))
            .unwrap_or(0);
        f32::from(adv) * 1000.0 / self.units_per_em
    }

    fn width(&self, text: &str, size: f32) -> f32 {
        text.chars()
            .filter(|c| !c.is_control() || *c == '\t')
            .map(|c| self.advance(self.glyph(c).0))
            .sum::<f32>()
            * size
            / 1000.0
    }

    /// Identity-H bytes of a text (two bytes per glyph), recording the glyphs used.
    fn encode(&mut self, text: &str) -> Vec<u8> {
        let mut out = Vec::with_capacity(text.len() * 2);
        for c in text.chars().filter(|c| !c.is_control() || *c == '\t') {
            let (gid, shown) = self.glyph(c);
            self.used.entry(gid).or_insert(shown);
            out.extend_from_slice(&gid.to_be_bytes());
        }
        out
    }

    /// Byte length of the longest prefix of `text` (at least one character) that fits `max_w`.
    fn fit(&self, text: &str, size: f32, max_w: f32) -> usize {
        let mut w = 0.0;
        for (i, c) in text.char_indices() {
            w += self.advance(self.glyph(c).0) * size / 1000.0;
            if w > max_w {
                return if i == 0 { c.len_utf8() } else { i };
            }
        }
        text.len()
    }

    /// Wrap text into lines no wider than `max_w`: at spaces, and inside words that are too
    /// long by themselves. Line breaks in the text are kept.
    fn wrap(&self, text: &str, size: f32, max_w: f32) -> Vec<String> {
        let mut lines = Vec::new();
        let space = self.width(" ", size);
        for para in text.split('\n') {
            let mut line = String::new();
            let mut line_w = 0.0;
            for word in para.split(' ') {
                let word_w = self.width(word, size);
                let gap = if line.is_empty() { 0.0 } else { space };
                if line_w + gap + word_w <= max_w {
                    if !line.is_empty() {
                        line.push(' ');
                    }
                    line.push_str(word);
                    line_w += gap + word_w;
                    continue;
                }
                if !line.is_empty() {
                    lines.push(std::mem::take(&mut line));
                }
                let mut rest = word;
                while self.width(rest, size) > max_w {
                    let cut = self.fit(rest, size, max_w);
                    let cut = rest[..cut]
                        .rfind(BREAK_AFTER)
                        .map(|i| i + 1)
                        .filter(|i| *i * 3 > cut)
                        .unwrap_or(cut);
                    lines.push(rest[..cut].to_string());
                    rest = &rest[cut..];
                }
                line = rest.to_string();
                line_w = self.width(rest, size);
            }
            lines.push(line);
        }
        lines
    }
}

/// A styled piece of text in a grid cell.
struct Styled {
    text: String,
    font: usize,
    color: Rgb,
}

/// Lays a document out on pages.
struct Layout {
    fonts: [Font; 2],
    pages: Vec<Content>,
    /// Cursor: distance from the top of the current page.
    y: f32,
    /// Bookmarks: (title, page index, distance from top).
    outline: Vec<(String, usize, f32)>,
}

impl Layout {
    fn new() -> Result<Layout, String> {
        Ok(Layout {
            fonts: [
                Font::load(REGULAR_TTF, "DejaVuSans", b"F1")?,
                Font::load(BOLD_TTF, "DejaVuSans-Bold", b"F2")?,
            ],
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
        let pad = 2.4;
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
        let total: f32 = t.columns.iter().map(|c| c.width).sum();
        let widths: Vec<f32> = t.columns.iter().map(|c| BODY_W * c.width / total).collect();
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
        let size = if t.columns.len() >= 8 { 6.6 } else { 7.4 };
        self.grid(&widths, Some(&titles), &rows, size, true);
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

    fn document(&mut self, doc: &Document) {
        self.title_block(doc);
        for s in &doc.sections {
            self.section_title(&s.title, matches!(s.id, "results" | "traceability"));
            for b in &s.blocks {
                match b {
                    Block::Heading(text) => self.heading(text),
                    Block::Paragraph(text) => self.paragraph(text, REGULAR, TEXT_SIZE, INK),
                    Block::Fields(fields) => self.fields(fields),
                    Block::Table(t) => self.table(t),
                }
            }
        }
    }

    /// Running header and footer on every page (known only once all pages are laid out).
    fn furniture(&mut self, report: &Report, sha256: &str) {
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

fn deflate(data: &[u8]) -> Vec<u8> {
    miniz_oxide::deflate::compress_to_vec_zlib(data, 6)
}

/// Six upper-case letters naming a font subset, derived from the glyphs it holds.
fn subset_tag(font: &Font) -> String {
    let mut bytes = Vec::new();
    for gid in font.used.keys() {
        bytes.extend_from_slice(&gid.to_be_bytes());
    }
    let digest = crate::util::sha256_hex(&bytes);
    digest
        .bytes()
        .take(6)
        .map(|b| char::from(b'A' + b % 26))
        .collect()
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

/// Object ids of one embedded font.
struct FontRefs {
    type0: Ref,
    cid: Ref,
    descriptor: Ref,
    file: Ref,
    cmap: Ref,
}

fn write_font(pdf: &mut Pdf, font: &Font, refs: &FontRefs) -> Result<(), String> {
    let mut glyphs: Vec<u16> = font.used.keys().copied().collect();
    glyphs.insert(0, 0);
    let subset = subsetter::subset(font.data, 0, subsetter::Profile::pdf(&glyphs))
        .map_err(|e| format!("subsetting {}: {e}", font.base_name))?;
    let name = format!("{}+{}", subset_tag(font), font.base_name);
    let system_info = SystemInfo {
        registry: Str(b"Adobe"),
        ordering: Str(b"Identity"),
        supplement: 0,
    };
    pdf.type0_font(refs.type0)
        .base_font(Name(name.as_bytes()))
        .encoding_predefined(Name(b"Identity-H"))
        .descendant_font(refs.cid)
        .to_unicode(refs.cmap);
    let mut cid = pdf.cid_font(refs.cid);
    cid.subtype(CidFontType::Type2)
        .base_font(Name(name.as_bytes()))
        .system_info(system_info)
        .font_descriptor(refs.descriptor)
        .default_width(font.advance(0))
        .cid_to_gid_map_predefined(Name(b"Identity"));
    let mut widths = cid.widths();
    for gid in font.used.keys() {
        widths.consecutive(*gid, [font.advance(*gid)]);
    }
    widths.finish();
    cid.finish();

    let scale = 1000.0 / font.units_per_em;
    let bbox = font.face.global_bounding_box();
    let cap_height = font.face.capital_height().unwrap_or(font.face.ascender());
    let mut flags = FontFlags::NON_SYMBOLIC;
    if font.resource == b"F2" {
        flags |= FontFlags::FORCE_BOLD;
    }
    pdf.font_descriptor(refs.descriptor)
        .name(Name(name.as_bytes()))
        .flags(flags)
        .bbox(Rect::new(
            f32::from(bbox.x_min) * scale,
            f32::from(bbox.y_min) * scale,
            f32::from(bbox.x_max) * scale,
            f32::from(bbox.y_max) * scale,
        ))
        .italic_angle(0.0)
        .ascent(f32::from(font.face.ascender()) * scale)
        .descent(f32::from(font.face.descender()) * scale)
        .cap_height(f32::from(cap_height) * scale)
        .stem_v(if font.resource == b"F2" { 120.0 } else { 80.0 })
        .font_file2(refs.file);
    let packed = deflate(&subset);
    pdf.stream(refs.file, &packed)
        .filter(Filter::FlateDecode)
        .pair(
            Name(b"Length1"),
            i32::try_from(subset.len()).unwrap_or(i32::MAX),
        );

    let mut cmap = UnicodeCmap::new(Name(b"Custom"), system_info);
    for (gid, c) in &font.used {
        cmap.pair(*gid, *c);
    }
    let cmap = deflate(&cmap.finish());
    pdf.cmap(refs.cmap, &cmap).filter(Filter::FlateDecode);
    Ok(())
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
    use super::*;
    use crate::report::formats::sample_report;

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
}
