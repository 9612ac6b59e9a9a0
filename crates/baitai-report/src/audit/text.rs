//! The audit report as terminal text.

use super::{
    counts_text, exception_lines, lookup, medium_columns, medium_title, notable_columns,
    person_columns, revoked_slots_lines, roles_of, short_hash, title, AuditReport,
};
use crate::kit::entries::{head_text, id_text, people_text, verify_text, EntryLine};
use crate::kit::headings;
use crate::kit::text::table;
use crate::{Lang, Word};

pub(super) fn render(r: &AuditReport, lang: Lang) -> String {
    let mut o = format!("{} — {}\n", title(lang), super::org_line(r, lang));
    o += &format!(
        "{}: {} 〜 {} ({})   {}: {}\n\n",
        lang.w(Word::Period),
        r.from,
        r.to,
        r.timezone,
        lang.w(Word::Printed),
        r.printed
    );
    o += &format!(
        "{}: {}\n{}: {}\n{}: {}\n{}: {}\n",
        lang.w(Word::LedgerVerify),
        verify_text(&r.verify, lang),
        lang.w(Word::LedgerIdentity),
        id_text(&r.verify),
        lang.w(Word::HeadHash),
        head_text(&r.verify),
        lang.w(Word::EntriesInPeriod),
        r.entries.len()
    );
    o += &revoked_slots_text(r, lang);
    o += &format!("\n== {} ==\n", lang.w(Word::Exceptions));
    let exceptions = exception_lines(r, lang);
    if r.site.is_some() {
        o += &format!("{}\n", lang.w(Word::ExOrganisationWide));
    }
    if exceptions.is_empty() {
        o += &format!("{}\n", lang.w(Word::NoExceptions));
    }
    for l in exceptions {
        o += &format!("{l}\n");
    }
    if r.entries.is_empty() {
        o += &format!("\n({})\n", lang.w(Word::NoEntriesInPeriod));
        return o;
    }
    o += &summary_text(r, lang);
    o += &format!("\n== {} ==\n", lang.w(Word::ByMedium));
    for g in &r.by_medium {
        o += &format!(
            "\n{}  ({})\n",
            medium_title(g, lang),
            counts_text(&g.counts)
        );
        let rows: Vec<Vec<String>> = lookup(r, &g.entries)
            .map(|e| {
                vec![
                    format!("#{}", e.seq),
                    e.time.clone(),
                    e.act.clone(),
                    people_text(&e.people, lang),
                    e.summary.clone(),
                    short_hash(&e.hash).to_string(),
                ]
            })
            .collect();
        o += &table(&headings(&medium_columns(lang)), &rows);
    }
    o += &format!("\n== {} ==\n", lang.w(Word::ByPerson));
    for g in &r.by_person {
        o += &format!(
            "\n{} {}（{}）  ({})\n",
            g.person.id,
            g.person.name,
            g.person.affiliation,
            counts_text(&g.counts)
        );
        let rows: Vec<Vec<String>> = lookup(r, &g.entries)
            .map(|e| person_row(e, &g.person.id, lang))
            .collect();
        o += &table(&headings(&person_columns(lang)), &rows);
    }
    o
}

/// Counts per kind, failed passphrases and changes to people: what a reviewer looks at first.
fn summary_text(r: &AuditReport, lang: Lang) -> String {
    let mut o = format!("\n{}\n", lang.w(Word::EntriesByKind));
    let rows: Vec<Vec<String>> = r
        .counts
        .iter()
        .map(|c| vec![c.act.clone(), c.kind.clone(), c.count.to_string()])
        .collect();
    o += &table(
        &[
            lang.w(Word::Act),
            lang.w(Word::RecordName),
            lang.w(Word::Count),
        ],
        &rows,
    );
    for (heading, seqs) in [
        (lang.w(Word::AuthFailures), &r.auth_failures),
        (lang.w(Word::PeopleChanges), &r.person_changes),
    ] {
        o += &format!("\n{heading}: {}\n", seqs.len());
        if seqs.is_empty() {
            o += &format!("  ({})\n", lang.w(Word::NoneLower));
            continue;
        }
        let rows: Vec<Vec<String>> = lookup(r, seqs)
            .map(|e| {
                vec![
                    format!("#{}", e.seq),
                    e.time.clone(),
                    people_text(&e.people, lang),
                    e.summary.clone(),
                ]
            })
            .collect();
        o += &table(&headings(&notable_columns(lang)), &rows);
    }
    o
}

fn person_row(e: &EntryLine, id: &str, lang: Lang) -> Vec<String> {
    vec![
        format!("#{}", e.seq),
        e.time.clone(),
        e.act.clone(),
        roles_of(e, id, lang),
        e.medium.clone().unwrap_or_default(),
        e.summary.clone(),
    ]
}

fn revoked_slots_text(r: &AuditReport, lang: Lang) -> String {
    let lines = revoked_slots_lines(r, lang);
    if lines.is_empty() {
        return String::new();
    }
    let mut o = format!("{}:\n", lang.w(Word::RevokedCanOpen));
    for l in lines {
        o += &format!("  {l}\n");
    }
    o
}
