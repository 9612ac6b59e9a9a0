//! The form as one self-contained HTML page, laid out like 別紙様式第2 on A4 landscape, with
//! every entry and its signatures on the pages after it.

use maud::{html, Markup};

use super::{correction_line, row_cells, struck, Form, FormRow, SignerView};
use crate::kit::html::{page, NBSP};
use crate::{Lang, Word};

pub(super) fn render(f: &Form, lang: Lang) -> String {
    let h = lang.headings();
    let body = html! {
        h1 { (h.title) } "\n"
        div.meta {
            span.no { (h.medium_no) "：" (f.medium) }
            span.marking { (lang.protected_heading(f.protected)) (f.marking) }
            span { (f.org) }
        }
        "\n"
        (meta_line(f, lang))
        table.form {
            "\n"
            // Widths in percent: 番号, the four use columns, the four carry-out columns, three
            // copy columns.
            colgroup {
                col style="width:3%";
                @for w in [10, 8, 9, 10, 5, 11, 9, 9, 9, 8, 9] {
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
                @for r in &f.rows {
                    (row(r, lang)) "\n"
                }
                // The paper form has ten ruled rows; keep at least that many so it reads like
                // the form.
                @for n in f.rows.len() + 1..=10 {
                    tr { td.no { (n) } @for _ in 0..11 { td { (NBSP) } } }
                    "\n"
                }
            }
            "\n"
        }
        "\n"
        (disposal(f, lang))
        p.note {
            (h.footnote) "　" (lang.w(Word::Times)) ": " (f.timezone)
            "　" (lang.w(Word::PrintedAt)) ": " (f.printed)
        }
        "\n"
        (annex(f, lang))
    };
    page(&format!("{} {}", h.title, f.medium), lang, &[], body)
}

/// A signer under the cell they sign: name, affiliation, key fingerprint.
fn signer(s: Option<&SignerView>) -> Markup {
    html! {
        @if let Some(s) = s {
            span.sig { (s.name) "（" (s.affiliation) "）" span.fp { (s.fingerprint) } }
        }
    }
}

/// Who permitted it, under the cell: the heading 許可者, then the approver.
fn approved(lang: Lang, approver: Option<&SignerView>) -> Markup {
    html! {
        @if approver.is_some() {
            span.sig { (lang.headings().approver) }
            (signer(approver))
        }
    }
}

fn row(r: &FormRow, lang: Lang) -> Markup {
    let c = row_cells(r, lang);
    // A corrected cell keeps its text under a double line, as on paper.
    let cell = |i: usize, extra: Markup| {
        html! {
            @if struck(r, i) { td { span.struck { (c[i]) (extra) } } }
            @else { td { (c[i]) (extra) } }
        }
    };
    let none = || html! {};
    html! {
        (row_cells_markup(r, lang, &cell, &none))
        @for k in &r.corrections {
            "\n"
            tr.correction {
                td.no { (lang.w(Word::SumCorrection)) }
                td colspan="11" { (correction_line(k, lang)) (signer(k.by.as_ref())) }
            }
        }
    }
}

fn row_cells_markup(
    r: &FormRow,
    lang: Lang,
    cell: &dyn Fn(usize, Markup) -> Markup,
    none: &dyn Fn() -> Markup,
) -> Markup {
    html! {
        tr {
            td.no { (r.no) }
            (cell(0, none()))
            (cell(1, signer(r.user.as_ref())))
            (cell(2, none()))
            (cell(3, html! {
                (signer(r.returned_to.as_ref()))
                @if let Some(t) = &r.return_check { span.sig { (t) } }
            }))
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

/// 破棄（交付）: when, by whom, before whom, how; blank boxes until it happens.
fn disposal(f: &Form, lang: Lang) -> Markup {
    let h = lang.headings();
    let d = f.disposal.as_ref();
    let person = |title: &str, s: Option<&SignerView>| {
        html! {
            tr {
                th rowspan="2" { (title) }
                td { (h.affiliation) }
                td { @match s { Some(s) => (s.affiliation), None => (NBSP) } }
            }
            "\n"
            tr {
                td { (h.name) }
                td {
                    @match s {
                        Some(s) => { (s.name) " " span.fp { (s.fingerprint) } },
                        None => (NBSP),
                    }
                }
            }
            "\n"
        }
    };
    let extra = [
        (h.method, d.and_then(|d| d.method.as_ref())),
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
            tr {
                th { (h.disposal_time) }
                td colspan="2" { @match d { Some(d) => (d.time), None => (NBSP) } }
            }
            "\n"
            (person(h.executor, d.map(|d| &d.executor)))
            (person(h.witness, d.and_then(|d| d.witness.as_ref())))
            @for (k, v) in extra {
                @if let Some(v) = v {
                    tr { th { (k) } td colspan="2" { (v) } }
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
            table {
                "\n"
                thead {
                    tr {
                        th { "#" }
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
                            td { (e.seq) }
                            td { (e.time) }
                            @if e.corrected_by.is_empty() { td { (e.summary) } }
                            @else {
                                td {
                                    span.struck { (e.summary) }
                                    " → " (lang.w(Word::CorrectedBy))
                                    @for n in &e.corrected_by { " #" (n) }
                                }
                            }
                            td { @for (role, s) in &e.signers { (role) " " (signer(Some(s))) } }
                            td.fp { (e.hash) }
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
