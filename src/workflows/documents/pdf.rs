//! A small page writer for the documents the office prints: a title, a subtitle, labelled
//! lines (wrapped, flowing onto more pages when needed), an optional QR code with caption
//! lines beside it, and a footer with page numbers; A4 or carta (US letter). Text is set in
//! DejaVu Sans (embedded; licence in `fonts/LICENSE`), so accents and ñ print everywhere.
//!
//! Other workflows (the ARCO access report, the employer report) use it too. It owns layout
//! only: it must not sign, read records or choose wording; the caller gives the text.

use std::io::Cursor;

use printpdf::{Color, IndirectFontRef, Mm, PdfDocument, PdfLayerReference, Rect, Rgb};

use super::qr::QrMatrix;

/// The embedded font (DejaVu Sans, Bitstream Vera licence, see `fonts/LICENSE`).
const FONT: &[u8] = include_bytes!("fonts/DejaVuSans.ttf");

/// Paper size.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum PaperSize {
    /// ISO A4, 210 × 297 mm.
    #[default]
    A4,
    /// Carta (US letter), 215.9 × 279.4 mm, common in Mexican offices.
    Carta,
}

impl PaperSize {
    /// Width and height in millimetres.
    pub fn mm(self) -> (f32, f32) {
        match self {
            PaperSize::A4 => (210.0, 297.0),
            PaperSize::Carta => (215.9, 279.4),
        }
    }

    /// Parses `a4` or `carta` (also `letter`).
    pub fn parse(s: &str) -> Option<Self> {
        match s.trim().to_lowercase().as_str() {
            "a4" => Some(PaperSize::A4),
            "carta" | "letter" => Some(PaperSize::Carta),
            _ => None,
        }
    }
}

/// What to print.
#[derive(Debug, Clone, Default)]
pub struct PageContent {
    /// Title, at the top of the first page.
    pub title: String,
    /// Smaller line under the title (office, station).
    pub subtitle: String,
    /// Labelled lines (`label`, `value`); a value too long for the line is wrapped.
    pub lines: Vec<(String, String)>,
    /// QR code printed after the lines.
    pub qr: Option<QrMatrix>,
    /// Lines printed beside the QR code (verification code, how to verify).
    pub qr_caption: Vec<String>,
    /// Footer lines of every page.
    pub footer: Vec<String>,
    /// Word for "page" in the footer's page counter (`página`).
    pub page_word: String,
    /// Text stored in the PDF's metadata (Subject), e.g. a signed token; ASCII without
    /// parentheses or backslashes.
    pub metadata: String,
}

/// Why a page could not be written.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum PdfError {
    /// The PDF library failed (font or serialisation).
    #[error("PDF writer: {0}")]
    Writer(String),
}

const MARGIN: f32 = 20.0;
const BODY_PT: f32 = 10.0;
const LINE_MM: f32 = 5.6;
const QR_MM: f32 = 55.0;
const FOOTER_MM: f32 = 22.0;
/// Millimetres per point.
const PT_MM: f32 = 0.3528;

/// One thing placed on a page, top-down.
enum Item {
    Label(String, String),
    Continuation(String),
    Qr,
}

/// Characters of body text that fit in `width_mm` (DejaVu Sans averages ~0.55 em).
fn chars_per_line(width_mm: f32, size_pt: f32) -> usize {
    ((width_mm / (size_pt * PT_MM * 0.56)) as usize).max(10)
}

/// Splits `text` into lines of at most `max` characters, at spaces where possible.
pub fn wrap(text: &str, max: usize) -> Vec<String> {
    let mut out = Vec::new();
    let mut line = String::new();
    for word in text.split(' ') {
        let mut word = word.to_owned();
        while word.chars().count() > max {
            if !line.is_empty() {
                out.push(std::mem::take(&mut line));
            }
            let head: String = word.chars().take(max).collect();
            word = word.chars().skip(max).collect();
            out.push(head);
        }
        let needed = line.chars().count() + usize::from(!line.is_empty()) + word.chars().count();
        if needed > max && !line.is_empty() {
            out.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(&word);
    }
    if !line.is_empty() || out.is_empty() {
        out.push(line);
    }
    out
}

/// Lays the content out into pages of items.
fn paginate(content: &PageContent, height: f32, width: f32) -> Vec<Vec<Item>> {
    let label_mm = 52.0;
    let per_line = chars_per_line(width - 2.0 * MARGIN - label_mm, BODY_PT);
    let first_top = height - MARGIN - 22.0;
    let other_top = height - MARGIN;
    let bottom = MARGIN + FOOTER_MM;
    let mut pages: Vec<Vec<Item>> = vec![Vec::new()];
    let mut y = first_top;
    let place = |pages: &mut Vec<Vec<Item>>, y: &mut f32, need: f32, item: Item| {
        if *y - need < bottom {
            pages.push(Vec::new());
            *y = other_top;
        }
        *y -= need;
        if let Some(p) = pages.last_mut() {
            p.push(item);
        }
    };
    for (label, value) in &content.lines {
        let mut parts = wrap(value, per_line).into_iter();
        let first = parts.next().unwrap_or_default();
        place(
            &mut pages,
            &mut y,
            LINE_MM,
            Item::Label(label.clone(), first),
        );
        for rest in parts {
            place(&mut pages, &mut y, LINE_MM, Item::Continuation(rest));
        }
    }
    if content.qr.is_some() {
        place(&mut pages, &mut y, QR_MM + 8.0, Item::Qr);
    }
    pages
}

struct Pen<'a> {
    layer: PdfLayerReference,
    font: &'a IndirectFontRef,
}

impl Pen<'_> {
    fn text(&self, s: &str, size: f32, x: f32, y: f32, grey: f32) {
        self.layer
            .set_fill_color(Color::Rgb(Rgb::new(grey, grey, grey, None)));
        self.layer.use_text(s, size, Mm(x), Mm(y), self.font);
    }

    fn qr(&self, m: &QrMatrix, x: f32, top: f32, side: f32) {
        // Four light modules of quiet zone on each side, as the standard asks.
        let module = side / (m.width as f32 + 8.0);
        self.layer
            .set_fill_color(Color::Rgb(Rgb::new(0.0, 0.0, 0.0, None)));
        for row in 0..m.width {
            let mut col = 0;
            while col < m.width {
                if !m.is_dark(col, row) {
                    col += 1;
                    continue;
                }
                // One rectangle per horizontal run of dark modules: fewer operators.
                let start = col;
                while col < m.width && m.is_dark(col, row) {
                    col += 1;
                }
                let llx = x + (start as f32 + 4.0) * module;
                let urx = x + (col as f32 + 4.0) * module;
                let ury = top - (row as f32 + 4.0) * module;
                let lly = ury - module;
                self.layer
                    .add_rect(Rect::new(Mm(llx), Mm(lly), Mm(urx), Mm(ury)));
            }
        }
    }
}

/// Writes `content` as a PDF on `size` paper.
pub fn render(content: &PageContent, size: PaperSize) -> Result<Vec<u8>, PdfError> {
    let (width, height) = size.mm();
    let pages = paginate(content, height, width);
    let (doc, first_page, first_layer) =
        PdfDocument::new(content.title.clone(), Mm(width), Mm(height), "contenido");
    let doc = doc
        .with_subject(content.metadata.clone())
        .with_creator("huella")
        .with_producer("huella");
    let font = doc
        .add_external_font(Cursor::new(FONT))
        .map_err(|e| PdfError::Writer(e.to_string()))?;
    let total = pages.len();
    for (index, items) in pages.iter().enumerate() {
        let layer = if index == 0 {
            doc.get_page(first_page).get_layer(first_layer)
        } else {
            let (p, l) = doc.add_page(Mm(width), Mm(height), "contenido");
            doc.get_page(p).get_layer(l)
        };
        let pen = Pen { layer, font: &font };
        let mut y = height - MARGIN;
        if index == 0 {
            pen.text(&content.title, 16.0, MARGIN, y - 6.0, 0.0);
            pen.text(&content.subtitle, 9.0, MARGIN, y - 13.0, 0.3);
            y -= 22.0;
        }
        for item in items {
            match item {
                Item::Label(label, value) => {
                    y -= LINE_MM;
                    pen.text(label, BODY_PT, MARGIN, y, 0.35);
                    pen.text(value, BODY_PT, MARGIN + 52.0, y, 0.0);
                }
                Item::Continuation(value) => {
                    y -= LINE_MM;
                    pen.text(value, BODY_PT, MARGIN + 52.0, y, 0.0);
                }
                Item::Qr => {
                    let top = y - 4.0;
                    if let Some(m) = &content.qr {
                        pen.qr(m, MARGIN, top, QR_MM);
                    }
                    let mut cy = top - 10.0;
                    for line in &content.qr_caption {
                        for part in wrap(
                            line,
                            chars_per_line(width - 2.0 * MARGIN - QR_MM - 6.0, 9.0),
                        ) {
                            pen.text(&part, 9.0, MARGIN + QR_MM + 6.0, cy, 0.0);
                            cy -= 4.8;
                        }
                    }
                    y -= QR_MM + 8.0;
                }
            }
        }
        let mut fy = MARGIN + FOOTER_MM - 8.0;
        for line in &content.footer {
            for part in wrap(line, chars_per_line(width - 2.0 * MARGIN, 7.5)) {
                pen.text(&part, 7.5, MARGIN, fy, 0.35);
                fy -= 3.8;
            }
        }
        pen.text(
            &format!("{} {} / {}", content.page_word, index + 1, total),
            7.5,
            width - MARGIN - 20.0,
            MARGIN - 6.0,
            0.35,
        );
    }
    doc.save_to_bytes()
        .map_err(|e| PdfError::Writer(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_values_wrap_at_spaces_and_long_words_are_cut() {
        assert_eq!(wrap("uno dos tres", 7), vec!["uno dos", "tres"]);
        assert_eq!(wrap("abcdefghij", 4), vec!["abcd", "efgh", "ij"]);
        assert_eq!(wrap("", 4), vec![""]);
    }

    #[test]
    fn many_lines_flow_onto_more_pages_and_the_file_is_a_pdf() {
        let content = PageContent {
            title: "Informe".into(),
            lines: (0..120)
                .map(|i| (format!("línea {i}"), "ñandú".into()))
                .collect(),
            page_word: "página".into(),
            metadata: "HD1.abc".into(),
            ..PageContent::default()
        };
        assert!(paginate(&content, 297.0, 210.0).len() >= 3);
        let bytes = render(&content, PaperSize::Carta).expect("pdf");
        assert!(bytes.starts_with(b"%PDF-"));
        assert!(bytes.windows(7).any(|w| w == b"HD1.abc"));
    }
}
