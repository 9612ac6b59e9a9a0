//! The printout of a stock-take (在庫確認): every medium the organisation holds reconciled with
//! what was scanned — in the store, missing, out (with whom), lost, unexpected — who made the
//! check, and a sign-off. A scan says a number was read, not that anyone looked at the medium:
//! the sheet says 読取り, and leaves a 照合 column to tick by hand.

use std::collections::{HashMap, HashSet};

use serde::Serialize;

use crate::app::Session;
use crate::error::Result;
use crate::kit::units::Times;
use crate::kit::SignBox;
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
    /// `missing` (in the store by the ledger, not scanned), `unexpected` (scanned, but the
    /// ledger puts it elsewhere or never issued it), `overdue` (out past its due time),
    /// `out` (out, not yet due: confirm with the holder), `lost` (recorded lost, not
    /// scanned) or `ok` (in the store and scanned). Destroyed and transferred media are not
    /// listed unless scanned.
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
    // What the check itself did not list: media out but not yet due, and media recorded
    // lost, so that the sheet accounts for every medium the organisation still has.
    let scanned: HashSet<&str> = check.present.iter().map(String::as_str).collect();
    let overdue: HashSet<&str> = check.overdue.iter().map(|m| m.0.as_str()).collect();
    for st in &states {
        let n = st.number.0.as_str();
        if scanned.contains(n) || overdue.contains(n) {
            continue;
        }
        match st.holding {
            Holding::Out(_) => lines.push(line(n, "out")),
            Holding::Lost => lines.push(line(n, "lost")),
            _ => {}
        }
    }
    for p in &check.present {
        if !unexpected.contains(p.as_str()) {
            lines.push(line(p, "ok"));
        }
    }
    let rows = lines.iter().map(|l| row(l, lang)).collect();
    Ok(ListReport {
        title: title(session, check, entry, &lines, &dir, lang),
        headers: crate::lists::words(
            lang,
            &[
                Word::ColMedium,
                Word::ColFinding,
                Word::ColLedgerSays,
                Word::ColHolder,
                Word::ColDue,
                Word::ColChecked,
            ],
        ),
        rows,
        lines,
        sign_off: vec![
            SignBox {
                role: lang.w(Word::StocktakeChecker),
                name: Some(checker(&dir, entry)),
            },
            SignBox::blank(lang.w(Word::ValidatedBy)),
        ],
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
        "out" => lang.w(Word::FindingOut),
        "lost" => lang.w(Word::FindingLost),
        _ => lang.w(Word::FindingOk),
    };
    vec![
        l.medium.clone(),
        finding.to_string(),
        lang.state(&l.ledger_state).to_string(),
        l.holder.clone().unwrap_or_default(),
        l.due.clone().unwrap_or_default(),
        // Ticked by hand when the checker has looked at the medium itself.
        "□".to_string(),
    ]
}

/// Who made the check, `name（affiliation）`, as the ledger's directory knows them.
fn checker(dir: &Directory, entry: &StoredEntry) -> String {
    match entry.actor.as_ref() {
        Some(id) => dir
            .get(id)
            .map(|p| format!("{}（{}）", p.name, p.affiliation))
            .unwrap_or_else(|| id.0.clone()),
        None => String::new(),
    }
}

fn title(
    s: &Session,
    check: &InventoryCheck,
    entry: &StoredEntry,
    lines: &[StocktakeLine],
    dir: &Directory,
    lang: Lang,
) -> String {
    let where_ = check
        .location
        .as_deref()
        .map(|l| format!(" {l}"))
        .unwrap_or_default();
    let count = |f: &str| lines.iter().filter(|l| l.finding == f).count();
    format!(
        "{} — {}{where_} ({}) #{}\n{}: {}\n{}: {} / {}: {} / {}: {} / {}: {} / {}: {} / {}: {}",
        lang.w(Word::StocktakeTitle),
        s.settings().org,
        Times::of(s).minute(entry.time),
        entry.seq,
        lang.w(Word::StocktakeChecker),
        checker(dir, entry),
        lang.w(Word::StocktakeFound),
        check.present.len(),
        lang.w(Word::SumMissing),
        check.missing.len(),
        lang.w(Word::SumUnexpected),
        check.unexpected.len(),
        lang.w(Word::SumOverdue),
        check.overdue.len(),
        lang.w(Word::SumOut),
        count("out"),
        lang.w(Word::SumLost),
        count("lost"),
    )
}
