//! Labels to stick on media (003 第4-2(2)): the medium number, its marking, the organisation
//! and a QR code of the number, as boxed terminal text or as A4 sheets of cut-out labels.

use qrcode::render::{svg, unicode::Dense1x2};
use qrcode::QrCode;
use serde::Serialize;
use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

use super::text::pad;
use super::{esc, html, Lang, Word};
use crate::app::Session;
use crate::error::{Error, Result};
use crate::lifecycle::MediumState;
use crate::model::{Body, Classification};

/// What one label shows. The QR code encodes `medium` and nothing else, so any scanner that
/// reads it types the number a command takes.
#[derive(Debug, Clone, Serialize)]
pub struct Label {
    pub medium: String,
    /// `C3-I1-A1`.
    pub marking: String,
    /// The marking in words: 機密性3 完全性1 可用性1.
    pub marking_words: String,
    /// Whether the label carries the words 保護すべき情報.
    pub protected: bool,
    pub restriction: Option<String>,
    /// The free text given at registration (what is written on the medium).
    pub label: Option<String>,
    pub org: String,
}

fn marking_words(c: &Classification, lang: Lang) -> String {
    match lang {
        Lang::Ja => c.marking_ja(),
        Lang::En => format!(
            "Confidentiality {} · Integrity {} · Availability {}",
            c.confidentiality, c.integrity, c.availability
        ),
    }
}

/// The label of one medium; an unknown number is a usage error.
pub fn medium_label(session: &Session, medium: &str, lang: Lang) -> Result<Label> {
    let state = session.medium(medium)?;
    label_of(session, &state, lang)
}

/// Labels for every medium the organisation still holds or may get back: all but the
/// destroyed and the transferred, in the order they were registered.
pub fn held_media_labels(session: &Session, lang: Lang) -> Result<Vec<Label>> {
    let mut labels = Vec::new();
    for number in session.ledger.media()? {
        match session.ledger.medium_state(&number)? {
            Some(state) if !state.holding.is_closed() => {
                labels.push(label_of(session, &state, lang)?)
            }
            _ => {}
        }
    }
    Ok(labels)
}

fn label_of(session: &Session, state: &MediumState, lang: Lang) -> Result<Label> {
    let text = session
        .ledger
        .medium_entries(&state.number)?
        .into_iter()
        .find_map(|e| match e.body {
            Body::Register(r) => Some(r.label),
            _ => None,
        })
        .flatten();
    let c = &state.classification;
    Ok(Label {
        medium: state.number.0.clone(),
        marking: c.marking(),
        marking_words: marking_words(c, lang),
        protected: c.is_protected(),
        restriction: c.restriction.clone(),
        label: text,
        org: session.settings.org.clone(),
    })
}

/// The fixed words of a label.
struct Words {
    heading: &'static str,
    protected: &'static str,
    restriction: &'static str,
    label: &'static str,
    title: &'static str,
}

fn words(lang: Lang) -> Words {
    Words {
        heading: lang.w(Word::LabelHeading),
        protected: lang.w(Word::LabelProtected),
        restriction: lang.w(Word::LabelRestriction),
        label: lang.w(Word::Label),
        title: lang.w(Word::LabelsTitle),
    }
}

fn qr_code(data: &str) -> Result<QrCode> {
    QrCode::new(data.as_bytes())
        .map_err(|e| Error::Other(format!("cannot make a QR code of {data:?}: {e}")))
}

/// The QR code as lines of half-block characters (two modules per character, dark = ink),
/// with its quiet zone, so it scans from paper.
pub fn qr_text(data: &str) -> Result<Vec<String>> {
    let text = qr_code(data)?.render::<Dense1x2>().quiet_zone(true).build();
    Ok(text.lines().map(str::to_string).collect())
}

/// The QR code as an inline `<svg>`, one unit per module, sized by the style sheet.
pub fn qr_svg(data: &str) -> Result<String> {
    let svg = qr_code(data)?
        .render::<svg::Color>()
        .module_dimensions(1, 1)
        .build();
    // The renderer writes a standalone file: an XML prolog and the SVG namespace URL. Inline
    // in HTML neither is needed, and the page must name no URL at all.
    let start = svg.find("<svg").unwrap_or(0);
    let tag = format!(
        "<svg class=\"l-qr\" role=\"img\" aria-label=\"{}\"",
        esc(data)
    );
    Ok(svg[start..]
        .replacen(" xmlns=\"http://www.w3.org/2000/svg\"", "", 1)
        .replacen("<svg", &tag, 1))
}

/// Break text into lines of at most `width` display columns (CJK characters count two):
/// between words where there are spaces, anywhere inside a word too long for one line.
fn wrap(s: &str, width: usize) -> Vec<String> {
    let mut lines = vec![String::new()];
    for word in s.split_inclusive(' ') {
        let open = lines.last().map_or(0, |l| l.width());
        if open > 0 && open + word.trim_end().width() > width {
            lines.push(String::new());
        }
        for c in word.chars() {
            let used = lines.last().map_or(0, |l| l.width());
            if used > 0 && c != ' ' && used + c.width().unwrap_or(0) > width {
                lines.push(String::new());
            }
            if let Some(line) = lines.last_mut() {
                line.push(c);
            }
        }
    }
    lines.iter().map(|l| l.trim_end().to_string()).collect()
}

/// Widest text column of a terminal label; longer free text wraps.
const TEXT_COLS: usize = 40;

/// The text beside the QR code, one entry per line before wrapping.
fn text_lines(l: &Label, w: &Words) -> Vec<String> {
    let mut lines = vec![w.heading.to_string(), l.medium.clone(), String::new()];
    if l.protected {
        lines.push(w.protected.to_string());
    }
    lines.push(l.marking.clone());
    lines.push(l.marking_words.clone());
    if let Some(r) = &l.restriction {
        lines.push(format!("{}: {r}", w.restriction));
    }
    if let Some(t) = &l.label {
        lines.push(format!("{}: {t}", w.label));
    }
    lines.push(String::new());
    lines.push(l.org.clone());
    lines
}

/// One label's words, wrapped to the text column.
fn text_column(l: &Label, w: &Words) -> Vec<String> {
    text_lines(l, w)
        .iter()
        .flat_map(|t| wrap(t, TEXT_COLS))
        .collect()
}

/// One label as a box: the QR code of `medium` on the left, the words on the right in
/// `text_cols` columns, every line of the same display width.
fn label_box(medium: &str, text: &[String], text_cols: usize) -> Result<String> {
    let qr = qr_text(medium)?;
    let qr_cols = qr.iter().map(|q| q.width()).max().unwrap_or(0);
    let inner = qr_cols + 2 + text_cols + 1;
    let mut out = format!("┌{}┐\n", "─".repeat(inner));
    for i in 0..qr.len().max(text.len()) {
        let q = qr.get(i).map(String::as_str).unwrap_or("");
        let t = text.get(i).map(String::as_str).unwrap_or("");
        out += &format!("│{}  {} │\n", pad(q, qr_cols), pad(t, text_cols));
    }
    out += &format!("└{}┘\n", "─".repeat(inner));
    Ok(out)
}

/// Every label as a box, one after the other.
pub fn labels_text(labels: &[Label], lang: Lang) -> Result<String> {
    let w = words(lang);
    let columns: Vec<Vec<String>> = labels.iter().map(|l| text_column(l, &w)).collect();
    // One width for every box, so a printed strip of labels cuts along one straight line.
    let text_cols = columns
        .iter()
        .flatten()
        .map(|t| t.width())
        .max()
        .unwrap_or(0);
    let boxes = labels
        .iter()
        .zip(&columns)
        .map(|(l, text)| label_box(&l.medium, text, text_cols))
        .collect::<Result<Vec<_>>>()?;
    Ok(boxes.join("\n"))
}

/// Labels per A4 sheet: 2 columns × 5 rows of 90 × 50 mm.
const PER_SHEET: usize = 10;

const CSS: &str = r#"
@page { size: A4 portrait; margin: 0; }
.sheet { width: 210mm; height: 297mm; padding: 23.5mm 15mm; overflow: hidden; background: #fff;
         display: grid; grid-template-columns: repeat(2, 90mm); grid-template-rows: repeat(5, 50mm);
         break-after: page; page-break-after: always; }
.sheet:last-child { break-after: auto; page-break-after: auto; }
.label { outline: 0.2mm dashed #888; outline-offset: -0.1mm; padding: 3mm; overflow: hidden;
         display: grid; grid-template-columns: 30mm 1fr; grid-template-rows: 1fr auto;
         column-gap: 2.5mm; break-inside: avoid; page-break-inside: avoid; }
.l-qr { width: 30mm; height: 30mm; display: block; }
.l-qrcol { display: flex; align-items: center; }
.l-text { display: flex; flex-direction: column; min-width: 0; line-height: 1.25; }
.l-heading { font-size: 7pt; color: #333; }
.l-no { font-family: "DejaVu Sans Mono", "Noto Sans Mono", "Consolas", monospace; font-size: 17pt;
        font-weight: bold; letter-spacing: 0.02em; white-space: nowrap; margin-bottom: 1mm; }
.l-protected { font-size: 9pt; font-weight: bold; border: 0.4mm solid #000; padding: 0.2mm 1.5mm;
               align-self: flex-start; margin-bottom: 0.8mm; white-space: nowrap; }
.l-marking { font-size: 11pt; font-weight: bold; }
.l-words { font-size: 7pt; }
.l-free, .l-org { font-size: 7pt; overflow-wrap: anywhere; overflow: hidden;
                  display: -webkit-box; -webkit-box-orient: vertical; -webkit-line-clamp: 2; }
.l-org { grid-column: 1 / -1; border-top: 0.2mm solid #000; padding-top: 0.5mm; margin-top: 0.5mm; }
@media screen { body { background: #ddd; } .sheet { margin: 0 auto 4mm; } }
"#;

/// The number in the largest type, up to 17 pt, that keeps it on one line of the label's
/// 51.5 mm text column (146 pt; a monospace character with its spacing is 0.62 em wide).
fn number_pt(number: &str) -> f64 {
    let chars = number.chars().count().max(1) as f64;
    (146.0 / (0.62 * chars)).min(17.0)
}

fn label_html(l: &Label, w: &Words) -> Result<String> {
    let mut text = format!(
        "<div class=\"l-heading\">{}</div><div class=\"l-no\" style=\"font-size: {:.1}pt\">{}</div>",
        esc(w.heading),
        number_pt(&l.medium),
        esc(&l.medium)
    );
    if l.protected {
        text += &format!("<div class=\"l-protected\">{}</div>", esc(w.protected));
    }
    text += &format!(
        "<div class=\"l-marking\">{}</div><div class=\"l-words\">{}</div>",
        esc(&l.marking),
        esc(&l.marking_words)
    );
    // Long free text is cut at two lines with an ellipsis: the label has a fixed size, and
    // the whole text is in the ledger and in the text and JSON labels.
    for (k, v) in [(w.restriction, &l.restriction), (w.label, &l.label)] {
        if let Some(v) = v {
            text += &format!("<div class=\"l-free\">{}: {}</div>", esc(k), esc(v));
        }
    }
    Ok(format!(
        "<div class=\"label\"><div class=\"l-qrcol\">{}</div><div class=\"l-text\">{text}</div><div class=\"l-org\">{}</div></div>\n",
        qr_svg(&l.medium)?,
        esc(&l.org)
    ))
}

/// Every label on A4 sheets with cut lines, as one self-contained page.
pub fn labels_html(labels: &[Label], lang: Lang) -> Result<String> {
    let w = words(lang);
    let mut body = String::new();
    for sheet in labels.chunks(PER_SHEET) {
        body += "<section class=\"sheet\">\n";
        for l in sheet {
            body += &label_html(l, &w)?;
        }
        body += "</section>\n";
    }
    Ok(html::page_styled(w.title, lang, CSS, &body))
}

#[cfg(test)]
mod tests {
    use super::*;
    use qrcode::Color;

    fn sample() -> Label {
        Label {
            medium: "USB-2026-0001".into(),
            marking: "C3-I1-A1".into(),
            marking_words: "機密性3 完全性1 可用性1".into(),
            protected: true,
            restriction: None,
            label: Some("設計部 1".into()),
            org: "防衛装備テスト株式会社".into(),
        }
    }

    /// The modules qrcode makes for `data`, row by row, dark = true.
    fn modules(data: &str) -> Vec<Vec<bool>> {
        let code = QrCode::new(data.as_bytes()).expect("encodes");
        let colors = code.to_colors();
        colors
            .chunks(code.width())
            .map(|row| row.iter().map(|c| *c == Color::Dark).collect())
            .collect()
    }

    /// Read half-block text back into modules and drop the quiet zone.
    fn from_text(lines: &[String], quiet: usize) -> Vec<Vec<bool>> {
        let mut rows: Vec<Vec<bool>> = Vec::new();
        for line in lines {
            let (top, bottom): (Vec<bool>, Vec<bool>) = line
                .chars()
                .map(|c| match c {
                    '█' => (true, true),
                    '▀' => (true, false),
                    '▄' => (false, true),
                    _ => (false, false),
                })
                .unzip();
            rows.push(top);
            rows.push(bottom);
        }
        let size = rows[0].len() - 2 * quiet;
        rows[quiet..quiet + size]
            .iter()
            .map(|r| r[quiet..quiet + size].to_vec())
            .collect()
    }

    /// Read the SVG's path (`M{x} {y}h1v1H{x}V{y}` per dark module) back into modules.
    fn from_svg(svg: &str, quiet: usize, size: usize) -> Vec<Vec<bool>> {
        let mut m = vec![vec![false; size]; size];
        let d = svg.split(" d=\"").nth(1).expect("a path");
        for cmd in d.split('M').skip(1) {
            let xy: Vec<usize> = cmd
                .split(|c: char| !c.is_ascii_digit())
                .take(2)
                .map(|n| n.parse().expect("a number"))
                .collect();
            m[xy[1] - quiet][xy[0] - quiet] = true;
        }
        m
    }

    #[test]
    fn text_qr_is_the_code_of_the_number() {
        let expected = modules("USB-2026-0001");
        let lines = qr_text("USB-2026-0001").expect("renders");
        assert_eq!(from_text(&lines, 4), expected);
        assert_ne!(from_text(&lines, 4), modules("USB-2026-0002"));
    }

    #[test]
    fn svg_qr_is_the_code_of_the_number_and_names_no_url() {
        let svg = qr_svg("USB-2026-0001").expect("renders");
        assert!(svg.starts_with("<svg class=\"l-qr\""), "{svg}");
        assert!(!svg.contains("http") && !svg.contains("<?xml"), "{svg}");
        let expected = modules("USB-2026-0001");
        assert_eq!(from_svg(&svg, 4, expected.len()), expected);
    }

    #[test]
    fn box_lines_have_one_width() {
        let mut l = sample();
        l.restriction = Some("社外持出し禁止、設計部長の許可を得た者に限る。".repeat(3));
        let text = labels_text(&[l, sample()], Lang::Ja).expect("renders");
        for b in text.split("\n\n") {
            let widths: Vec<usize> = b.lines().map(|x| x.width()).collect();
            assert!(widths.windows(2).all(|w| w[0] == w[1]), "{b}");
        }
        assert!(text.contains("USB-2026-0001") && text.contains("保護すべき情報"));
    }

    #[test]
    fn wraps_by_display_width() {
        assert_eq!(wrap("山田太郎", 5), vec!["山田", "太郎"]);
        assert_eq!(wrap("abcdef", 4), vec!["abcd", "ef"]);
        assert_eq!(
            wrap("Confidentiality 3 · Integrity 1", 20),
            vec!["Confidentiality 3 ·", "Integrity 1"]
        );
        assert_eq!(wrap("", 4), vec![""]);
    }

    #[test]
    fn sheets_hold_ten_labels() {
        let labels = vec![sample(); 11];
        let page = labels_html(&labels, Lang::En).expect("renders");
        assert_eq!(page.matches("<section class=\"sheet\">").count(), 2);
        assert_eq!(page.matches("<div class=\"label\">").count(), 11);
        assert!(page.contains("Medium labels"));
    }
}
