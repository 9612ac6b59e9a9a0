//! The form as terminal text.

use super::{correction_line, row_cells, Form, FormRow, SignerView};
use crate::kit::text::{visible, BLANK};
use crate::{Lang, Word};

fn or_blank(s: &str) -> &str {
    if s.is_empty() {
        BLANK
    } else {
        s
    }
}

pub(super) fn signer_text(s: &Option<SignerView>) -> String {
    s.as_ref().map(SignerView::short).unwrap_or_default()
}

/// The form as terminal text: each row as its three groups of columns, then the closing block
/// and every entry with its signers.
pub(super) fn render(f: &Form, lang: Lang) -> String {
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
        f.media_kind_shown,
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
        if !e.corrected_by.is_empty() {
            let by: Vec<String> = e.corrected_by.iter().map(|n| format!("#{n}")).collect();
            o += &format!(" [{} {}]", lang.w(Word::CorrectedBy), by.join(", "));
        }
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
    for c in &r.corrections {
        o += &format!("  {}\n", correction_line(c, lang));
        if let Some(by) = &c.by {
            o += &format!("    {}\n", by.short());
        }
    }
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
