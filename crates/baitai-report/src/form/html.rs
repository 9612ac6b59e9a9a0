//! The form as one self-contained HTML page, laid out like 別紙様式第2 on A4 landscape: ten
//! rows a sheet, as on the paper form; then 返却時の確認 (who received each row back and what
//! the check of its data found) and every entry with its signatures on the pages after it.

use maud::{html, Markup};

use super::{correction_line, row_cells, struck, Form, FormRow, SignerView};
use crate::kit::html::{page, text, NBSP};
use crate::{Lang, Word};

/// Rows on one sheet of the form: the paper 別紙様式第2 has ten ruled rows.
pub(crate) const ROWS_PER_SHEET: usize = 10;

pub(super) fn render(f: &Form, lang: Lang) -> String {
    let h = lang.headings();
    let sheets: Vec<&[FormRow]> = match f.rows.len() {
        0 => vec![&[]],
        _ => f.rows.chunks(ROWS_PER_SHEET).collect(),
    };
    let last = sheets.len() - 1;
    let body = html! {
        @for (i, rows) in sheets.iter().enumerate() {
            section.sheet {
                "\n"
                (sheet_head(f, lang))
                (form_table(rows, i * ROWS_PER_SHEET, lang))
                // The closing block and the note go once, under the last sheet's rows.
                @if i == last {
                    (disposal(f, lang))
                    p.note {
                        (h.footnote) "　" (lang.w(Word::Times)) ": " (f.timezone)
                        "　" (lang.w(Word::PrintedAt)) ": " (f.printed)
                    }
                    "\n"
                }
            }
            "\n"
        }
        (return_checks(f, lang))
        (corrections(f, lang))
        (annex(f, lang))
    };
    let head = format!("{}　{} {}", h.title, h.medium_no, f.medium);
    page(&format!("{} {}", h.title, f.medium), &head, lang, &[], body)
}

/// The title, the medium number, its marking and the organisation, as every sheet starts.
fn sheet_head(f: &Form, lang: Lang) -> Markup {
    let h = lang.headings();
    html! {
        h1 { (h.title) } "\n"
        div.meta {
            span.no { (h.medium_no) "：" span.tok { (f.medium) } }
            span.marking { (lang.protected_heading(f.protected)) (f.marking) }
            span { (f.org) }
        }
        "\n"
        (meta_line(f, lang))
    }
}

/// One sheet's table: its rows, then blank ruled rows numbered on from `before + rows`, up
/// to ten.
fn form_table(rows: &[FormRow], before: usize, lang: Lang) -> Markup {
    let h = lang.headings();
    html! {
        table.form {
            "\n"
            // Widths in percent: 番号, the four use columns, the four carry-out columns, three
            // copy columns.
            colgroup {
                col style="width:3%";
                @for w in [10, 9, 9, 10, 5, 11, 9, 9, 9, 8, 8] {
                    col style=(format!("width:{w}%"));
                }
            }
            "\n"
            thead {
                "\n"
                tr {
                    th rowspan="2" { (h.no) }
                    th colspan="4" { (h.group_use) }
                    th colspan="4" { (h.group_out) }
                    th colspan="3" { (h.group_copy) }
                }
                "\n"
                tr { @for c in h.columns { th { (c) } } }
                "\n"
            }
            "\n"
            tbody {
                "\n"
                @for r in rows {
                    (row(r, lang)) "\n"
                }
                @for n in before + rows.len() + 1..=before + ROWS_PER_SHEET {
                    tr { td.no { (n) } @for _ in 0..11 { td { (NBSP) } } }
                    "\n"
                }
            }
            "\n"
        }
        "\n"
    }
}

/// Who permitted it, under the cell: the heading 許可者, then the approver.
fn approved(lang: Lang, approver: Option<&SignerView>) -> Markup {
    html! {
        @if let Some(a) = approver {
            span.sig { (lang.headings().approver) " " (a.name) }
        }
    }
}

/// The row's mark that points to its line on the 返却時の確認 page.
fn return_ref(r: &FormRow, lang: Lang) -> Markup {
    html! {
        @if has_return_check(r) {
            span.ref { "※" (r.no) " " (lang.w(Word::ReturnChecks)) }
        }
    }
}

/// Whether a row has anything for the 返却時の確認 page: who received it back, or what was
/// found on it (a data check, a wipe, a loss).
fn has_return_check(r: &FormRow) -> bool {
    r.returned_to.is_some() || r.return_check.is_some()
}

fn row(r: &FormRow, lang: Lang) -> Markup {
    let c = row_cells(r, lang);
    // A corrected cell keeps its text under a double line, as on paper; the correction is on
    // its own page, which the row's number points to.
    let cell = |i: usize, extra: Markup| {
        html! {
            @if struck(r, i) { td { span.struck { (c[i]) } (extra) } }
            @else { td { (c[i]) (extra) } }
        }
    };
    let when = |i: usize, extra: Markup| {
        html! {
            @if struck(r, i) { td { span.when.struck { (c[i]) } (extra) } }
            @else { td { span.when { (c[i]) } (extra) } }
        }
    };
    let none = || html! {};
    html! {
        tr {
            td.no {
                (r.no)
                @for k in &r.corrections { span.ref { (lang.w(Word::SumCorrection)) "#" (k.seq) } }
            }
            (when(0, none()))
            (cell(1, html! { @if let Some(u) = &r.user { span.sig { "（" (u.affiliation) "）" } } }))
            (cell(2, none()))
            (when(3, return_ref(r, lang)))
            (cell(4, none()))
            (cell(5, none()))
            (cell(6, none()))
            (cell(7, approved(lang, r.out_approver.as_ref())))
            (cell(8, none()))
            (cell(9, none()))
            (cell(10, approved(lang, r.copy_approver.as_ref())))
        }
    }
}

/// 訂正: every correction of a row, in full, with who signed it: the struck cells on the form
/// point here from their row's number.
fn corrections(f: &Form, lang: Lang) -> Markup {
    let h = lang.headings();
    let all: Vec<(usize, &super::RowCorrection)> = f
        .rows
        .iter()
        .flat_map(|r| r.corrections.iter().map(move |c| (r.no, c)))
        .collect();
    html! {
        @if !all.is_empty() {
            section.annex {
                "\n"
                h1 { (lang.w(Word::SumCorrection)) } "\n"
                p.note { (h.medium_no) "：" span.tok { (f.medium) } } "\n"
                table.checks {
                    "\n"
                    colgroup {
                        @for w in [6, 64, 30] { col style=(format!("width:{w}%")); }
                    }
                    thead {
                        tr { th { (h.no) } th { (lang.w(Word::SumCorrection)) } th { (lang.w(Word::Signatures)) } }
                    }
                    "\n"
                    tbody {
                        "\n"
                        @for (no, c) in &all {
                            tr {
                                td.no { (no) }
                                td { (text(&correction_line(c, lang))) }
                                td {
                                    @if let Some(s) = &c.by {
                                        (s.name) "（" (s.affiliation) "）"
                                        span.fp { (s.fingerprint) }
                                    }
                                }
                            }
                            "\n"
                        }
                    }
                    "\n"
                }
                "\n"
            }
            "\n"
        }
    }
}

/// 返却時の確認: for each row that came back (or was lost while out), who received it, with
/// their key, and what the check of its data, and any wipe after it, found. On the form this
/// would not fit the 返却日時 cell; the row points here with ※ and its number.
fn return_checks(f: &Form, lang: Lang) -> Markup {
    let h = lang.headings();
    let rows: Vec<&FormRow> = f.rows.iter().filter(|r| has_return_check(r)).collect();
    html! {
        @if !rows.is_empty() {
            section.annex {
                "\n"
                h1 { (lang.w(Word::ReturnChecks)) } "\n"
                p.note { (h.medium_no) "：" span.tok { (f.medium) } } "\n"
                table.checks {
                    "\n"
                    colgroup {
                        @for w in [5, 13, 24, 58] { col style=(format!("width:{w}%")); }
                    }
                    thead {
                        tr {
                            th { "※" }
                            th { (h.columns[3]) }
                            th { (lang.w(Word::ReceivedBackBy)) }
                            th { (h.return_check) }
                        }
                    }
                    "\n"
                    tbody {
                        "\n"
                        @for r in &rows {
                            tr {
                                td.no { "※" (r.no) }
                                td { span.when { (r.returned.as_deref().unwrap_or("")) } }
                                td {
                                    @if let Some(s) = &r.returned_to {
                                        (s.name) "（" (s.affiliation) "）"
                                        span.fp { (s.fingerprint) }
                                    }
                                }
                                td { (text(r.return_check.as_deref().unwrap_or(""))) }
                            }
                            "\n"
                        }
                    }
                    "\n"
                }
                "\n"
            }
            "\n"
        }
    }
}

fn meta_line(f: &Form, lang: Lang) -> Markup {
    let mut parts = vec![
        format!("{}: {}", lang.w(Word::Registered), f.registered),
        format!("{}: {} / {}", lang.w(Word::State), f.state, f.clean),
    ];
    for (k, v) in [
        (lang.w(Word::HandlingRestriction), &f.restriction),
        (lang.w(Word::Label), &f.label),
        (lang.w(Word::Device), &f.device),
        (lang.w(Word::ReceivedFrom), &f.received_from),
    ] {
        if let Some(v) = v {
            parts.push(format!("{k}: {v}"));
        }
    }
    html! { p.note { (parts.join("　")) } "\n" }
}

/// 破棄（交付）: when, by whom, before whom, how, in one ruled band under the rows; blank
/// boxes until it happens. Keys are on the annex, beside the signatures.
fn disposal(f: &Form, lang: Lang) -> Markup {
    let h = lang.headings();
    let d = f.disposal.as_ref();
    let person = |s: Option<&SignerView>| {
        html! {
            @match s {
                Some(s) => { (h.affiliation) "：" (s.affiliation) br; (h.name) "：" (s.name) },
                None => { (h.affiliation) "：" br; (h.name) "：" },
            }
        }
    };
    let extra = [
        (
            lang.w(Word::ErasureNotVerifiableBecause),
            d.and_then(|d| d.unverifiable.as_ref()),
        ),
        (
            lang.w(Word::TransferredTo),
            d.and_then(|d| d.recipient.as_ref()),
        ),
    ];
    html! {
        table.disposal {
            "\n"
            colgroup {
                @for w in [9, 12, 9, 19, 9, 19, 7, 16] { col style=(format!("width:{w}%")); }
            }
            tr {
                th { (h.disposal_time) }
                td { @match d { Some(d) => span.when { (d.time) }, None => (NBSP) } }
                th { (h.executor) }
                td { (person(d.map(|d| &d.executor))) }
                th { (h.witness) }
                td { (person(d.and_then(|d| d.witness.as_ref()))) }
                th { (h.method) }
                td { @match d.and_then(|d| d.method.as_ref()) { Some(m) => (m), None => (NBSP) } }
            }
            "\n"
            @for (k, v) in extra {
                @if let Some(v) = v {
                    tr { th { (k) } td colspan="7" { (v) } }
                    "\n"
                }
            }
        }
        "\n"
    }
}

/// Every entry of the medium with who signed it: the annex auditors read.
fn annex(f: &Form, lang: Lang) -> Markup {
    html! {
        section.annex {
            "\n"
            h1 { (lang.w(Word::EntriesAndSignatures)) } "\n"
            p.note { (lang.headings().medium_no) "：" span.tok { (f.medium) } } "\n"
            table.events {
                "\n"
                colgroup {
                    @for w in [5, 11, 42, 30, 12] { col style=(format!("width:{w}%")); }
                }
                "\n"
                thead {
                    tr {
                        th { (lang.headings().no) }
                        th { (lang.w(Word::Time)) }
                        th { (lang.w(Word::Entry)) }
                        th { (lang.w(Word::Signatures)) }
                        th { (lang.w(Word::Hash)) }
                    }
                }
                "\n"
                tbody {
                    "\n"
                    @for e in &f.events {
                        tr {
                            td.no { (e.seq) }
                            td { span.when { (e.time) } }
                            @if e.corrected_by.is_empty() { td { (text(&e.summary)) } }
                            @else {
                                td {
                                    span.struck { (text(&e.summary)) }
                                    " → " (lang.w(Word::CorrectedBy))
                                    @for n in &e.corrected_by { " #" (n) }
                                }
                            }
                            td {
                                @for (role, s) in &e.signers {
                                    span.sig {
                                        (role) " " (s.name) "（" (s.affiliation) "）"
                                        span.fp { (s.fingerprint) }
                                    }
                                }
                            }
                            td { span.fp { (e.hash) } }
                        }
                        "\n"
                    }
                }
                "\n"
            }
            "\n"
        }
        "\n"
    }
}
