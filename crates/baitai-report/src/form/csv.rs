//! The form as CSV, a row of the spreadsheet per row of the form.

use super::{correction_line, row_cells, text, Form};
use crate::kit::csv::csv_doc;
use crate::{Lang, Word};

/// CSV: one line per form row, then a closing line for the 破棄（交付） block.
pub(super) fn render(f: &Form, lang: Lang) -> String {
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
        lang.w(Word::SumCorrection).to_string(),
    ]);
    let mut rows = vec![header];
    for r in &f.rows {
        let mut line = vec![f.medium.clone(), r.no.to_string()];
        line.extend(row_cells(r, lang));
        line.extend([
            text::signer_text(&r.out_approver),
            text::signer_text(&r.copy_approver),
            r.return_check.clone().unwrap_or_default(),
        ]);
        line.extend(std::iter::repeat_n(String::new(), 6));
        let fixes: Vec<String> = r
            .corrections
            .iter()
            .map(|c| correction_line(c, lang))
            .collect();
        line.push(fixes.join(" / "));
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
            String::new(),
        ]);
        rows.push(line);
    }
    csv_doc(&rows)
}
