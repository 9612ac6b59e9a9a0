//! The audit report as one self-contained HTML page, A4 portrait: the verdict, counts, failed
//! passphrases and changes to people first, then every entry by medium and by person.

use maud::{html, Markup};

use super::{
    counts_text, exception_lines, lookup, medium_columns, medium_title, notable_columns,
    person_columns, revoked_slots_lines, roles_of, short_hash, title, AuditReport, KindCount,
};
use crate::kit::entries::EntryLine;
use crate::kit::html::{self as page, entry_cells, people, table, HtmlRow};
use crate::kit::SignBox;
use crate::{Lang, Word};

pub(super) fn render(r: &AuditReport, lang: Lang) -> String {
    let revoked = revoked_slots_lines(r, lang);
    let exceptions = exception_lines(r, lang);
    let body = html! {
        h1 { (title(lang)) } "\n"
        p.sub {
            (super::org_line(r, lang)) " — " (lang.w(Word::Period)) ": " (r.from) " 〜 " (r.to) "（" (r.timezone) "）"
        }
        "\n"
        (page::verify(&r.verify, lang))
        @if !revoked.is_empty() {
            div class="verdict bad" {
                (lang.w(Word::RevokedCanOpen))
                @for l in &revoked { br; (l) }
            }
            "\n"
        }
        table.kv {
            tr { th { (lang.w(Word::EntriesInPeriod)) } td { (r.entries.len()) } }
            tr { th { (lang.w(Word::PrintedAt)) } td { (r.printed) } }
        }
        "\n"
        h2 { (lang.w(Word::Exceptions)) } "\n"
        @if r.site.is_some() { p.empty { (lang.w(Word::ExOrganisationWide)) } "\n" }
        @if exceptions.is_empty() { p.empty { (lang.w(Word::NoExceptions)) } "\n" }
        @for l in &exceptions { p.exception { (l) } "\n" }
        @if r.entries.is_empty() {
            p.empty { (lang.w(Word::NoEntriesInPeriodSentence)) } "\n"
        } @else {
            (summary(r, lang))
            (by_medium(r, lang))
            (by_person(r, lang))
        }
        (page::sign_off(
            &[SignBox::blank(lang.w(Word::Reviewer)), SignBox::blank(lang.w(Word::ValidatedBy))],
            lang,
        ))
    };
    let head = format!("{}　{}", title(lang), super::org_line(r, lang));
    page::page(title(lang), &head, lang, &[page::REPORT, page::AUDIT], body)
}

/// The rows of these entries: number, time and act, then `rest`; failed passphrases shaded.
fn rows_of(
    r: &AuditReport,
    seqs: &[u64],
    rest: impl Fn(&EntryLine) -> Vec<Markup>,
) -> Vec<HtmlRow> {
    lookup(r, seqs)
        .map(|e| HtmlRow {
            alert: e.kind == "person.auth_failure",
            cells: [entry_cells(e), rest(e)].concat(),
        })
        .collect()
}

fn by_medium(r: &AuditReport, lang: Lang) -> Markup {
    html! {
        section.section {
            "\n"
            h2 { (lang.w(Word::ByMedium)) } "\n"
            @for g in &r.by_medium {
                (group_heading(&medium_title(g, lang), &g.counts))
                (table(&medium_columns(lang), &rows_of(r, &g.entries, |e| {
                    vec![
                        people(&e.people, lang),
                        page::text(&e.summary),
                        html! { span.hash { (short_hash(&e.hash)) } },
                    ]
                })))
            }
        }
        "\n"
    }
}

fn by_person(r: &AuditReport, lang: Lang) -> Markup {
    html! {
        section.section {
            "\n"
            h2 { (lang.w(Word::ByPerson)) } "\n"
            @for g in &r.by_person {
                (group_heading(
                    &format!("{} {}（{}）", g.person.id, g.person.name, g.person.affiliation),
                    &g.counts,
                ))
                (table(&person_columns(lang), &rows_of(r, &g.entries, |e| {
                    vec![
                        html! { (roles_of(e, &g.person.id, lang)) },
                        html! { span.tok { (e.medium.as_deref().unwrap_or("")) } },
                        page::text(&e.summary),
                    ]
                })))
            }
        }
        "\n"
    }
}

/// Counts per kind, then the entries a reviewer looks at first.
fn summary(r: &AuditReport, lang: Lang) -> Markup {
    let notable = [
        (lang.w(Word::AuthFailures), &r.auth_failures),
        (lang.w(Word::PeopleChanges), &r.person_changes),
    ];
    html! {
        h3 { (lang.w(Word::EntriesByKind)) } "\n"
        table.kv {
            "\n"
            @for c in &r.counts {
                // The kind as stored is for the English page; a Japanese page names it in words.
                tr {
                    th { (c.act) }
                    @if lang == Lang::En { td.code { (c.kind) } }
                    td.num { (c.count) }
                }
                "\n"
            }
        }
        "\n"
        @for (heading, seqs) in notable {
            h3 { (heading) ": " (seqs.len()) } "\n"
            @if seqs.is_empty() {
                p { (lang.w(Word::NoneTitle)) } "\n"
            } @else {
                (table(&notable_columns(lang), &lookup(r, seqs).map(|e| HtmlRow {
                    alert: e.kind == "person.auth_failure",
                    cells: vec![
                        html! { "#" (e.seq) },
                        html! { (e.time) },
                        people(&e.people, lang),
                        page::text(&e.summary),
                    ],
                }).collect::<Vec<_>>()))
            }
        }
    }
}

fn group_heading(title: &str, counts: &[KindCount]) -> Markup {
    html! { h3 { (title) span.counts { (counts_text(counts)) } } "\n" }
}
