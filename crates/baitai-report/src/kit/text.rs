//! Terminal text: what may be printed of text that came from outside, padding by display
//! width (a CJK character takes two columns) and aligned tables.

use std::borrow::Cow;
use std::fmt::Write;

use unicode_width::UnicodeWidthStr;

/// What a printout shows for a value that is not there.
pub(crate) const BLANK: &str = "—";

/// Text that came from outside (a device's own strings, a vault header read before any key)
/// as it may be printed for a person: control characters, which could move the cursor, change
/// colours or forge a line, and the invisible marks that reorder text are written out as
/// `\u{1b}`. JSON output never goes through this; serde escapes it exactly.
pub fn visible(s: &str) -> Cow<'_, str> {
    let hidden = |c: char| {
        c.is_control()
            || matches!(c, '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
    };
    if !s.chars().any(hidden) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if hidden(c) {
            let _ = write!(out, "\\u{{{:x}}}", c as u32);
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// Pad to a display width, counting double-width (CJK) characters as two columns.
pub(crate) fn pad(s: &str, width: usize) -> String {
    let w = UnicodeWidthStr::width(s);
    format!("{s}{}", " ".repeat(width.saturating_sub(w)))
}

/// A table with a header row, columns aligned by display width. Cells are shown
/// [`visible`]: a newline or escape in one would break the columns or forge a row.
pub fn table(header: &[&str], rows: &[Vec<String>]) -> String {
    let rows: Vec<Vec<Cow<str>>> = rows
        .iter()
        .map(|r| r.iter().map(|c| visible(c)).collect())
        .collect();
    let mut widths: Vec<usize> = header.iter().map(|h| h.width()).collect();
    for r in &rows {
        for (i, c) in r.iter().enumerate() {
            if let Some(w) = widths.get_mut(i) {
                *w = (*w).max(c.width());
            }
        }
    }
    let line = |cells: Vec<&str>| {
        let padded: Vec<String> = cells.iter().zip(&widths).map(|(c, w)| pad(c, *w)).collect();
        padded.join("  ").trim_end().to_string() + "\n"
    };
    let mut out = line(header.to_vec());
    out.push_str(&line(
        widths
            .iter()
            .map(|w| "-".repeat(*w))
            .collect::<Vec<_>>()
            .iter()
            .map(|s| s.as_str())
            .collect(),
    ));
    for r in &rows {
        out.push_str(&line(r.iter().map(|s| s.as_ref()).collect()));
    }
    out
}

/// A value with its label, one line of a list of facts.
#[derive(Debug, Clone)]
pub(crate) struct Fact {
    pub(crate) label: &'static str,
    pub(crate) value: String,
}

impl Fact {
    pub(crate) fn new(label: &'static str, value: impl Into<String>) -> Fact {
        Fact {
            label,
            value: value.into(),
        }
    }
}

/// `label  value` lines with the labels padded to one display width, indented two columns.
pub(crate) fn kv(facts: &[Fact]) -> String {
    let w = facts.iter().map(|f| f.label.width()).max().unwrap_or(0);
    facts
        .iter()
        .map(|f| format!("  {}  {}\n", pad(f.label, w), f.value))
        .collect()
}

/// Every line indented two columns.
pub(crate) fn indent(s: &str) -> String {
    s.lines().map(|l| format!("  {l}\n")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_are_shown_escaped() {
        assert!(matches!(visible("山田 USB 3.0"), Cow::Borrowed(_)));
        assert_eq!(
            visible("a\u{1b}[31mb\nc\u{7f}\u{9b}\u{202e}"),
            "a\\u{1b}[31mb\\u{a}c\\u{7f}\\u{9b}\\u{202e}"
        );
        let t = table(&["x"], &[vec!["a\nforged".into()]]);
        assert_eq!(t, "x\n------------\na\\u{a}forged\n");
    }

    #[test]
    fn pads_double_width() {
        assert_eq!(pad("山田", 6), "山田  ");
        assert_eq!(pad("ab", 4), "ab  ");
        let t = table(&["名前", "x"], &[vec!["山田太郎".into(), "1".into()]]);
        let lines: Vec<&str> = t.lines().collect();
        assert_eq!(lines[0], "名前      x");
        assert_eq!(lines[2], "山田太郎  1");
    }
}
