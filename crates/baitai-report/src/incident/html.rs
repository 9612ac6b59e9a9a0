//! The incident reports as one self-contained HTML page, A4 portrait, each medium from a new
//! page so each report can be sent on its own; LOST framed in red.

use maud::{html, Markup};

use super::facts::{data_rows, facts, loss_rows, since_text, timeline_columns};
use super::{none_lost, report_title, title, IncidentReport};
use crate::kit::html::{self as page, entry_cells, people, table, HtmlRow};
use crate::kit::text::Fact;
use crate::kit::{Column, SignBox};
use crate::{Lang, Word};

pub(super) fn render(reports: &[IncidentReport], lang: Lang) -> String {
    let body = html! {
        @if reports.is_empty() {
            h1 { (title(lang)) } "\n"
            p.sub { (none_lost(lang)) } "\n"
        }
        @for r in reports {
            (incident(r, lang))
        }
    };
    let (page_title, head) = match reports {
        [one] => (
            format!("{} {}", report_title(one, lang), one.medium),
            format!(
                "{}　{} {}",
                report_title(one, lang),
                lang.w(Word::MediumNo),
                one.medium
            ),
        ),
        // Several media: each report starts on its own page, headed with its number.
        _ => (title(lang).to_string(), title(lang).to_string()),
    };
    page::page(
        &page_title,
        &head,
        lang,
        &[page::REPORT, page::INCIDENT],
        body,
    )
}

fn kv(facts: &[Fact]) -> Markup {
    html! {
        table.kv {
            "\n"
            @for f in facts {
                tr { th { (f.label) } td { (page::text(&f.value)) } } "\n"
            }
        }
        "\n"
    }
}

fn incident(r: &IncidentReport, lang: Lang) -> Markup {
    let (status_class, status) = if r.lost {
        ("status", lang.w(Word::LostStatus))
    } else {
        ("status ok", r.state.as_str())
    };
    html! {
        section.incident {
            "\n"
            h1 { (report_title(r, lang)) } "\n"
            p.sub { (r.org) " — " (lang.w(Word::PrintedAt)) ": " (r.printed) "（" (r.timezone) "）" }
            "\n"
            div.head {
                span.no { (lang.w(Word::MediumNoLead)) (r.medium) }
                span.marking { (lang.protected_heading(r.protected)) (r.marking) }
                span class=(status_class) { (status) }
            }
            "\n"
            h2 { (lang.w(Word::TheMedium)) } "\n"
            (kv(&facts(r, lang)))
            h2 { (lang.w(Word::LossAndHolder)) } "\n"
            (kv(&loss_rows(r, lang)))
            h2 { (lang.w(Word::DataOnIt)) small { (since_text(r, lang)) } } "\n"
            (kv(&data_rows(r, lang)))
            (files(r, lang))
            h2 { (lang.w(Word::TimeLine)) small { (since_text(r, lang)) } } "\n"
            (timeline(r, lang))
            (page::verify(&r.verify, lang))
            div.next {
                strong { (lang.w(Word::WhatNext)) } "\n"
                ul {
                    "\n"
                    @for s in &r.next_steps {
                        li { (s) } "\n"
                    }
                }
            }
            "\n"
            (page::sign_off(
                &[SignBox::blank(lang.w(Word::Reporter)), SignBox::blank(lang.w(Word::ValidatedBy))],
                lang,
            ))
        }
        "\n"
    }
}

/// The files the ledger records on it, when there are any.
fn files(r: &IncidentReport, lang: Lang) -> Markup {
    let columns = [
        Column::new(lang.w(Word::FileName), 85, true),
        Column::new(lang.w(Word::BytesHeading), 15, false),
    ];
    let rows: Vec<HtmlRow> = r
        .contents
        .files
        .iter()
        .map(|f| HtmlRow {
            alert: false,
            cells: vec![html! { (f.name) }, html! { div.num { (f.size) } }],
        })
        .collect();
    html! {
        @if !rows.is_empty() {
            (table(&columns, &rows))
        }
    }
}

/// Every entry since the last clean state; the loss shaded.
fn timeline(r: &IncidentReport, lang: Lang) -> Markup {
    let rows: Vec<HtmlRow> = r
        .timeline
        .iter()
        .map(|e| HtmlRow {
            alert: e.kind == "medium.lost",
            cells: [
                entry_cells(e),
                vec![people(&e.people, lang), page::text(&e.summary)],
            ]
            .concat(),
        })
        .collect();
    table(&timeline_columns(lang), &rows)
}
