//! The incident report as terminal text, one report after another.

use super::facts::{data_rows, facts, loss_rows, since_text, timeline_columns};
use super::{none_lost, report_title, title, IncidentReport};
use crate::kit::entries::{head_text, people_text, verify_text};
use crate::kit::headings;
use crate::kit::text::{indent, kv, table};
use crate::{Lang, Word};

pub(super) fn render(reports: &[IncidentReport], lang: Lang) -> String {
    if reports.is_empty() {
        return format!("{}\n\n{}\n", title(lang), none_lost(lang));
    }
    reports
        .iter()
        .map(|r| incident_text(r, lang))
        .collect::<Vec<_>>()
        .join(&format!("\n{}\n\n", "=".repeat(78)))
}

fn incident_text(r: &IncidentReport, lang: Lang) -> String {
    let mut o = format!("{} (000 12)\n", report_title(r, lang));
    o += &format!(
        "{}: {} ({})\n\n",
        lang.w(Word::PrintedAt),
        r.printed,
        r.timezone
    );
    o += &kv(&facts(r, lang));
    o += &format!("\n{}\n", lang.w(Word::LossAndHolder));
    o += &kv(&loss_rows(r, lang));
    o += &format!("\n{}{}\n", lang.w(Word::DataOnIt), since_text(r, lang));
    o += &kv(&data_rows(r, lang));
    let files: Vec<Vec<String>> = r
        .contents
        .files
        .iter()
        .map(|f| vec![f.name.clone(), f.size.to_string()])
        .collect();
    if !files.is_empty() {
        o += "\n";
        o += &indent(&table(
            &[lang.w(Word::FileName), lang.w(Word::BytesHeading)],
            &files,
        ));
    }
    o += &format!("\n{}{}\n", lang.w(Word::TimeLine), since_text(r, lang));
    let rows: Vec<Vec<String>> = r
        .timeline
        .iter()
        .map(|e| {
            vec![
                format!("#{}", e.seq),
                e.time.clone(),
                e.act.clone(),
                people_text(&e.people, lang),
                e.summary.clone(),
            ]
        })
        .collect();
    o += &indent(&table(&headings(&timeline_columns(lang)), &rows));
    o += &format!(
        "\n{}: {}\n{}: {}\n",
        lang.w(Word::LedgerVerify),
        verify_text(&r.verify, lang),
        lang.w(Word::HeadHash),
        head_text(&r.verify)
    );
    o += &format!("\n{}\n", lang.w(Word::WhatNext));
    for s in &r.next_steps {
        o += &format!("  - {s}\n");
    }
    o
}
