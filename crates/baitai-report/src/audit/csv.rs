//! The audit report as CSV: one row per entry of the period, each exactly once.

use super::AuditReport;
use crate::kit::csv::csv_doc;
use crate::kit::entries::EntryLine;
use crate::model::SignRole;
use crate::{Lang, Word};

fn csv_person(e: &EntryLine, role: SignRole) -> String {
    e.people
        .iter()
        .filter(|p| p.role == role)
        .map(|p| {
            format!(
                "{} {}（{}）",
                p.person.id, p.person.name, p.person.affiliation
            )
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// One row per entry of the period, each exactly once.
pub(super) fn render(r: &AuditReport, lang: Lang) -> String {
    let header = [
        lang.w(Word::CsvMedium),
        lang.w(Word::CsvSeq),
        lang.w(Word::CsvTime),
        lang.w(Word::CsvKind),
        lang.w(Word::SignActor),
        lang.w(Word::SignApprover),
        lang.w(Word::SignWitness),
        lang.w(Word::CsvSummary),
        lang.w(Word::HashLower),
    ];
    let mut rows = vec![header.iter().map(|h| h.to_string()).collect::<Vec<_>>()];
    for e in &r.entries {
        rows.push(vec![
            e.medium.clone().unwrap_or_default(),
            e.seq.to_string(),
            e.time.clone(),
            e.kind.clone(),
            csv_person(e, SignRole::Actor),
            csv_person(e, SignRole::Approver),
            csv_person(e, SignRole::Witness),
            e.summary.clone(),
            e.hash.clone(),
        ]);
    }
    csv_doc(&rows)
}
