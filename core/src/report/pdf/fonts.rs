//! The embedded fonts of the PDF report: DejaVu Sans regular and bold, their metrics for
//! layout (advance widths, fitting and wrapping text), and their subsetted embedding as CID
//! fonts with a `ToUnicode` map.

use std::collections::BTreeMap;

use pdf_writer::types::{CidFontType, FontFlags, SystemInfo, UnicodeCmap};
use pdf_writer::{Filter, Finish, Name, Pdf, Rect, Ref, Str};

use super::deflate;

const REGULAR_TTF: &[u8] = include_bytes!("../../../assets/fonts/DejaVuSans.ttf");
const BOLD_TTF: &[u8] = include_bytes!("../../../assets/fonts/DejaVuSans-Bold.ttf");

/// Characters after which a word too long for its column is preferably broken.
const BREAK_AFTER: &[char] = &['/', ':', '.', '-', '_', ',', ';', '=', '&', '?', '@', ')'];

/// An embedded font: metrics for layout, and the glyphs used (for subsetting, widths and the
/// `ToUnicode` map).
pub(super) struct Font {
    pub(super) face: ttf_parser::Face<'static>,
    pub(super) data: &'static [u8],
    pub(super) base_name: &'static str,
    pub(super) resource: &'static [u8],
    pub(super) units_per_em: f32,
    /// Glyph drawn for characters the font lacks (U+FFFD, else `?`).
    pub(super) fallback: u16,
    pub(super) used: BTreeMap<u16, char>,
}

impl Font {
    pub(super) fn load(
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
    pub(super) fn glyph(&self, c: char) -> (u16, char) {
        let c = if c == '\t' { ' ' } else { c };
        match self.face.glyph_index(c) {
            Some(g) if g.0 != 0 => (g.0, c),
            _ => (self.fallback, '\u{fffd}'),
        }
    }

    /// Advance of a glyph, in text space units (1/1000 em).
    pub(super) fn advance(&self, gid: u16) -> f32 {
        let adv = self
            .face
            .glyph_hor_advance(ttf_parser::GlyphId(gid))
            .unwrap_or(0);
        f32::from(adv) * 1000.0 / self.units_per_em
    }

    pub(super) fn width(&self, text: &str, size: f32) -> f32 {
        text.chars()
            .filter(|c| !c.is_control() || *c == '\t')
            .map(|c| self.advance(self.glyph(c).0))
            .sum::<f32>()
            * size
            / 1000.0
    }

    /// Identity-H bytes of a text (two bytes per glyph), recording the glyphs used.
    pub(super) fn encode(&mut self, text: &str) -> Vec<u8> {
        let mut out = Vec::with_capacity(text.len() * 2);
        for c in text.chars().filter(|c| !c.is_control() || *c == '\t') {
            let (gid, shown) = self.glyph(c);
            self.used.entry(gid).or_insert(shown);
            out.extend_from_slice(&gid.to_be_bytes());
        }
        out
    }

    /// Byte length of the longest prefix of `text` (at least one character) that fits `max_w`.
    pub(super) fn fit(&self, text: &str, size: f32, max_w: f32) -> usize {
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
    pub(super) fn wrap(&self, text: &str, size: f32, max_w: f32) -> Vec<String> {
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

/// Six upper-case letters naming a font subset, derived from the glyphs it holds.
pub(super) fn subset_tag(font: &Font) -> String {
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

/// Object ids of one embedded font.
pub(super) struct FontRefs {
    pub(super) type0: Ref,
    pub(super) cid: Ref,
    pub(super) descriptor: Ref,
    pub(super) file: Ref,
    pub(super) cmap: Ref,
}

pub(super) fn write_font(pdf: &mut Pdf, font: &Font, refs: &FontRefs) -> Result<(), String> {
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

/// The regular and bold faces, in the order of [`super::layout::REGULAR`] and
/// [`super::layout::BOLD`].
pub(super) fn dejavu() -> Result<[Font; 2], String> {
    Ok([
        Font::load(REGULAR_TTF, "DejaVuSans", b"F1")?,
        Font::load(BOLD_TTF, "DejaVuSans-Bold", b"F2")?,
    ])
}
