//! The printout of a stock-take (在庫確認): every medium found or expected, and what the ledger
//! says about it.

use std::collections::{HashMap, HashSet};

use serde::Serialize;

use crate::app::Session;
use crate::error::Result;
use crate::kit::units::Times;
use crate::ledger::StoredEntry;
use crate::lifecycle::{Directory, Holding, MediumState};
use crate::lists::ListReport;
use crate::model::InventoryCheck;
use crate::{Lang, Word};

/// One medium on the printout.
#[derive(Debug, Clone, Serialize)]
pub struct StocktakeLine {
    /// The medium number (媒体番号) as found or as expected.
    pub medium: String,
    /// `missing`, `unexpected`, `overdue` or `ok`.
    pub finding: &'static str,
    /// What the ledger says of it, its own word in English whatever the language (`in-storage`,
    /// `on-loan`…), or `unknown` for a number it never issued (台帳に記録なし); the text, CSV and HTML
    /// show it in the list's language.
    pub ledger_state: String,
    /// Who the ledger says has it out, `name（affiliation）`; absent when it is not out.
    pub holder: Option<String>,
    /// When it is due back, to the minute in the ledger's time zone; absent when it is not out.
    pub due: Option<String>,
}

/// The findings of a recorded check as a list: problems first, then what matched.
pub fn stocktake_report(
    session: &Session,
    check: &InventoryCheck,
    entry: &StoredEntry,
    lang: Lang,
) -> Result<ListReport<StocktakeLine>> {
    let states = session.all_states()?;
    let dir = session.directory()?;
    // Looked up, not searched: a check may name a hundred thousand media.
    let by_number: HashMap<&str, &MediumState> =
        states.iter().map(|s| (s.number.0.as_str(), s)).collect();
    let unexpected: HashSet<&str> = check.unexpected.iter().map(|u| u.medium.as_str()).collect();
    let line = |m: &str, finding| {
        let state = by_number.get(m).copied();
        line(session, &dir, m, finding, state)
    };
    let mut lines = Vec::new();
    for m in &check.missing {
        lines.push(line(&m.0, "missing"));
    }
    for u in &check.unexpected {
        lines.push(line(&u.medium, "unexpected"));
    }
    for m in &check.overdue {
        lines.push(line(&m.0, "overdue"));
    }
    for p in &check.present {
        if !unexpected.contains(p.as_str()) {
            lines.push(line(p, "ok"));
        }
    }
    let rows = lines.iter().map(|l| row(l, lang)).collect();
    Ok(ListReport {
        title: title(session, check, entry, lang),
        headers: crate::lists::words(
            lang,
            &[
                Word::ColMedium,
                Word::ColFinding,
                Word::ColLedgerSays,
                Word::ColHolder,
                Word::ColDue,
            ],
        ),
        rows,
        lines,
    })
}

fn line(
    session: &Session,
    dir: &Directory,
    medium: &str,
    finding: &'static str,
    state: Option<&MediumState>,
) -> StocktakeLine {
    let out = state.and_then(|s| match &s.holding {
        Holding::Out(o) => Some(o),
        _ => None,
    });
    StocktakeLine {
        medium: medium.to_string(),
        finding,
        ledger_state: state
            .map(|s| s.holding.as_str().to_string())
            .unwrap_or_else(|| "unknown".to_string()),
        holder: out.map(|o| {
            dir.get(&o.holder)
                .map(|p| format!("{}（{}）", p.name, p.affiliation))
                .unwrap_or_else(|| o.holder.0.clone())
        }),
        due: out.map(|o| Times::of(session).minute(session.due(o.kind, o.since, o.until))),
    }
}

fn row(l: &StocktakeLine, lang: Lang) -> Vec<String> {
    let finding = match l.finding {
        "missing" => lang.w(Word::FindingMissing),
        "unexpected" => lang.w(Word::FindingUnexpected),
        "overdue" => lang.w(Word::SumOverdue),
        _ => lang.w(Word::FindingOk),
    };
    vec![
        l.medium.clone(),
        finding.to_string(),
        lang.state(&l.ledger_state).to_string(),
        l.holder.clone().unwrap_or_default(),
        l.due.clone().unwrap_or_default(),
    ]
}

fn title(s: &Session, check: &InventoryCheck, entry: &StoredEntry, lang: Lang) -> String {
    let where_ = check
        .location
        .as_deref()
        .map(|l| format!(" {l}"))
        .unwrap_or_default();
    format!(
        "{} — {}{where_} ({}) #{}\n{}: {} / {}: {} / {}: {} / {}: {}",
        lang.w(Word::StocktakeTitle),
        s.settings().org,
        Times::of(s).minute(entry.time),
        entry.seq,
        lang.w(Word::StocktakeFound),
        check.present.len(),
        lang.w(Word::SumMissing),
        check.missing.len(),
        lang.w(Word::SumUnexpected),
        check.unexpected.len(),
        lang.w(Word::SumOverdue),
        check.overdue.len(),
    )
}
