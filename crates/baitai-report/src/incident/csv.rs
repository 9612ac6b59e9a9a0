//! The incident reports as CSV: one row per medium, the register of incidents a spreadsheet
//! keeps.

use super::IncidentReport;
use crate::kit::csv::csv_doc;
use crate::{Lang, Word};

/// One row per medium: the register of incidents a spreadsheet keeps.
pub(super) fn render(reports: &[IncidentReport], lang: Lang) -> String {
    let header = [
        lang.w(Word::CsvMedium),
        lang.w(Word::CsvMarking),
        lang.w(Word::CsvRestriction),
        lang.w(Word::CsvLabel),
        lang.w(Word::CsvState),
        lang.w(Word::CsvLastHolder),
        lang.w(Word::CsvAffiliation),
        lang.w(Word::CsvReportedBy),
        lang.w(Word::CsvReportedAt),
        lang.w(Word::CsvCircumstances),
        lang.w(Word::CsvFiles),
        lang.w(Word::Bytes),
        lang.w(Word::CsvFileNames),
        lang.w(Word::CsvCipher),
        lang.w(Word::CsvKeySlots),
        lang.w(Word::CsvPassphraseSlot),
        lang.w(Word::CsvLedgerVerify),
        lang.w(Word::CsvHeadHash),
    ];
    let mut rows = vec![header.iter().map(|h| h.to_string()).collect::<Vec<_>>()];
    rows.extend(reports.iter().map(csv_row));
    csv_doc(&rows)
}

fn csv_row(r: &IncidentReport) -> Vec<String> {
    let holder = r.last_holder.as_ref().map(|h| &h.person);
    let loss = r.loss.as_ref();
    let enc = r.encryption.as_ref();
    let names: Vec<&str> = r.contents.files.iter().map(|f| f.name.as_str()).collect();
    vec![
        r.medium.clone(),
        r.marking.clone(),
        r.restriction.clone().unwrap_or_default(),
        r.label.clone().unwrap_or_default(),
        r.state.clone(),
        holder.map(|p| p.name.clone()).unwrap_or_default(),
        holder.map(|p| p.affiliation.clone()).unwrap_or_default(),
        loss.map(|l| l.reported_by.name.clone()).unwrap_or_default(),
        loss.map(|l| l.time.clone()).unwrap_or_default(),
        loss.map(|l| l.circumstances.clone()).unwrap_or_default(),
        r.contents.count.to_string(),
        r.contents.bytes.to_string(),
        names.join(" / "),
        enc.map(|e| e.cipher.clone()).unwrap_or_default(),
        enc.map(|e| {
            e.key_slots
                .iter()
                .map(|p| p.name.clone())
                .collect::<Vec<_>>()
                .join(" / ")
        })
        .unwrap_or_default(),
        enc.map(|e| e.passphrase_slot.to_string())
            .unwrap_or_default(),
        if r.verify.ok { "passed" } else { "FAILED" }.to_string(),
        r.verify.head.clone().unwrap_or_default(),
    ]
}
