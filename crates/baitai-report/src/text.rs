//! The form as terminal text and as CSV; width-aware padding for terminal tables.

use std::borrow::Cow;
use std::fmt::Write;

use unicode_width::UnicodeWidthStr;

use super::form::{Form, FormRow, SignerView};
use super::{csv_doc, row_cells, Lang, Word};

const BLANK: &str = "—";

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
pub fn pad(s: &str, width: usize) -> String {
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

fn or_blank(s: &str) -> &str {
    if s.is_empty() {
        BLANK
    } else {
        s
    }
}

fn signer_text(s: &Option<SignerView>) -> String {
    s.as_ref().map(SignerView::short).unwrap_or_default()
}

pub fn form_text(f: &Form, lang: Lang) -> String {
    let h = lang.headings();
    let mut o = String::new();
    o += &format!("{} — {}: {}\n", h.title, h.medium_no, f.medium);
    o += &format!(
        "{}: {}   {}: {}",
        lang.w(Word::Organisation),
        f.org,
        lang.w(Word::Classification),
        f.marking
    );
    if let Some(r) = &f.restriction {
        o += &format!("   {}: {r}", lang.w(Word::HandlingRestriction));
    }
    o += "\n";
    o += &format!(
        "{}: {}   {}: {}   {}: {} / {}\n",
        lang.w(Word::Registered),
        f.registered,
        lang.w(Word::Kind),
        f.media_kind,
        lang.w(Word::State),
        f.state,
        f.clean
    );
    for (k, v) in [
        (lang.w(Word::Label), &f.label),
        (lang.w(Word::Device), &f.device),
        (lang.w(Word::ReceivedFrom), &f.received_from),
    ] {
        if let Some(v) = v {
            o += &format!("{k}: {}\n", visible(v));
        }
    }
    for r in &f.rows {
        o += &row_text(r, lang);
    }
    if f.rows.is_empty() {
        o += &format!("\n({})\n", lang.w(Word::NoUseRecorded));
    }
    o += &disposal_text(f, lang);
    o += &format!("\n{}\n", lang.w(Word::AllEntries));
    for e in &f.events {
        let signers: Vec<String> = e
            .signers
            .iter()
            .map(|(role, s)| format!("{role} {}", s.short()))
            .collect();
        o += &format!("  #{} {} {}", e.seq, e.time, e.summary);
        if !signers.is_empty() {
            o += &format!(" — {}", signers.join("; "));
        }
        o += "\n";
    }
    o += &format!(
        "\n{} ({}: {}, {}: {})\n",
        h.footnote,
        lang.w(Word::TimesLower),
        f.timezone,
        lang.w(Word::PrintedLower),
        f.printed
    );
    o
}

fn row_text(r: &FormRow, lang: Lang) -> String {
    let h = lang.headings();
    let cells = row_cells(r, lang);
    let mut o = format!("\n[{} {}]\n", h.no, r.no);
    let mut group = |title: &str, range: std::ops::Range<usize>, extra: Vec<(&str, String)>| {
        o += &format!("  {title}\n");
        for i in range {
            o += &format!("    {}: {}\n", h.columns[i], or_blank(&cells[i]));
        }
        for (k, v) in extra {
            if !v.is_empty() {
                o += &format!("    {k}: {v}\n");
            }
        }
    };
    group(
        h.group_use,
        0..4,
        vec![
            (lang.w(Word::UserSigned), signer_text(&r.user)),
            (h.return_check, r.return_check.clone().unwrap_or_default()),
            (lang.w(Word::ReceivedBackBy), signer_text(&r.returned_to)),
        ],
    );
    group(
        h.group_out,
        4..8,
        vec![(h.approver, signer_text(&r.out_approver))],
    );
    group(
        h.group_copy,
        8..11,
        vec![
            (h.approver, signer_text(&r.copy_approver)),
            (
                lang.w(Word::CopiedAt),
                r.copy_time.clone().unwrap_or_default(),
            ),
        ],
    );
    o
}

fn disposal_text(f: &Form, lang: Lang) -> String {
    let h = lang.headings();
    let d = f.disposal.as_ref();
    let person = |s: Option<&SignerView>| match s {
        Some(s) => format!(
            "{}: {}  {}: {}  [{}]",
            h.affiliation, s.affiliation, h.name, s.name, s.fingerprint
        ),
        None => format!("{}: {BLANK}  {}: {BLANK}", h.affiliation, h.name),
    };
    let mut o = format!(
        "\n{}: {}\n",
        h.disposal_time,
        d.map(|d| d.time.as_str()).unwrap_or(BLANK)
    );
    o += &format!("{}  {}\n", h.executor, person(d.map(|d| &d.executor)));
    o += &format!(
        "{}  {}\n",
        h.witness,
        person(d.and_then(|d| d.witness.as_ref()))
    );
    if let Some(m) = d.and_then(|d| d.method.as_ref()) {
        o += &format!("{}: {m}\n", h.method);
    }
    if let Some(u) = d.and_then(|d| d.unverifiable.as_ref()) {
        o += &format!("{}: {u}\n", lang.w(Word::ErasureNotVerifiableBecause));
    }
    if let Some(r) = d.and_then(|d| d.recipient.as_ref()) {
        o += &format!("{}: {r}\n", lang.w(Word::TransferredTo));
    }
    o
}

/// CSV: one line per form row, then a closing line for the 破棄（交付） block.
pub fn form_csv(f: &Form, lang: Lang) -> String {
    let h = lang.headings();
    let mut header: Vec<String> = vec![h.medium_no.into(), h.no.into()];
    header.extend(h.columns.iter().map(|c| c.to_string()));
    let exec = |k: &str| format!("{} {k}", h.executor);
    let wit = |k: &str| format!("{} {k}", h.witness);
    header.extend([
        format!("{} ({})", h.approver, h.group_out),
        format!("{} ({})", h.approver, h.group_copy),
        h.return_check.to_string(),
        h.disposal_time.to_string(),
        exec(h.affiliation),
        exec(h.name),
        wit(h.affiliation),
        wit(h.name),
        h.method.to_string(),
    ]);
    let mut rows = vec![header];
    for r in &f.rows {
        let mut line = vec![f.medium.clone(), r.no.to_string()];
        line.extend(row_cells(r, lang));
        line.extend([
            signer_text(&r.out_approver),
            signer_text(&r.copy_approver),
            r.return_check.clone().unwrap_or_default(),
        ]);
        line.extend(std::iter::repeat_n(String::new(), 6));
        rows.push(line);
    }
    if let Some(d) = &f.disposal {
        let mut line = vec![f.medium.clone(), h.disposal_time.to_string()];
        line.extend(std::iter::repeat_n(String::new(), 14));
        let w = d.witness.as_ref();
        line.extend([
            d.time.clone(),
            d.executor.affiliation.clone(),
            d.executor.name.clone(),
            w.map(|w| w.affiliation.clone()).unwrap_or_default(),
            w.map(|w| w.name.clone()).unwrap_or_default(),
            d.method.clone().or(d.recipient.clone()).unwrap_or_default(),
        ]);
        rows.push(line);
    }
    csv_doc(&rows)
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
