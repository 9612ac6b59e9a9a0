//! Labels as terminal text: each a box with the QR code drawn in half blocks on the left and
//! the words wrapped beside it.

use qrcode::render::unicode::Dense1x2;
use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

use super::{qr_code, Label};
use crate::error::Result;
use crate::kit::text::pad;
use crate::{Lang, Word};

/// The QR code as lines of half-block characters (two modules per character, dark = ink),
/// with its quiet zone, so it scans from paper.
pub fn qr_text(data: &str) -> Result<Vec<String>> {
    let text = qr_code(data)?.render::<Dense1x2>().quiet_zone(true).build();
    Ok(text.lines().map(str::to_string).collect())
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
fn text_lines(l: &Label, lang: Lang) -> Vec<String> {
    let mut lines = vec![
        lang.w(Word::LabelHeading).to_string(),
        l.medium.clone(),
        String::new(),
    ];
    if l.protected {
        lines.push(lang.w(Word::LabelProtected).to_string());
    }
    lines.push(l.marking.clone());
    lines.push(l.marking_words.clone());
    if let Some(r) = &l.restriction {
        lines.push(format!("{}: {r}", lang.w(Word::LabelRestriction)));
    }
    if let Some(t) = &l.label {
        lines.push(format!("{}: {t}", lang.w(Word::Label)));
    }
    lines.push(String::new());
    lines.push(l.org.clone());
    lines
}

/// One label's words, wrapped to the text column.
fn text_column(l: &Label, lang: Lang) -> Vec<String> {
    text_lines(l, lang)
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
    let columns: Vec<Vec<String>> = labels.iter().map(|l| text_column(l, lang)).collect();
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

#[cfg(test)]
mod tests {
    use super::super::testdata::{modules, sample};
    use super::*;

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

    #[test]
    fn text_qr_is_the_code_of_the_number() {
        let expected = modules("USB-2026-0001");
        let lines = qr_text("USB-2026-0001").expect("renders");
        assert_eq!(from_text(&lines, 4), expected);
        assert_ne!(from_text(&lines, 4), modules("USB-2026-0002"));
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
}
