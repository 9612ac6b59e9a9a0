//! The inventory of all media and the list of media overdue (放置しない, 004 1.3.1.2(5)(b)),
//! and the list form the stock-take shares: data built here, a table in every format.

mod html;

use jiff::Timestamp;
use serde::Serialize;

use crate::app::Session;
use crate::error::Result;
use crate::kit::csv::csv_doc;
use crate::kit::units::{overdue as overdue_by, Times};
use crate::kit::{json_doc, text};
use crate::lifecycle::Holding;
use crate::{Format, Lang, Word};

#[derive(Debug, Clone, Serialize)]
pub struct InventoryLine {
    pub medium: String,
    pub marking: String,
    pub label: Option<String>,
    pub state: String,
    pub clean: String,
    pub holder: Option<String>,
    pub since: Option<String>,
    pub until: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct OverdueLine {
    pub medium: String,
    pub kind: String,
    pub holder: String,
    pub affiliation: String,
    pub borrower: Option<String>,
    pub since: String,
    pub due: String,
    pub overdue_minutes: i64,
}

/// A list report ready to render: headings, cells, and the typed lines for JSON.
pub struct ListReport<T: Serialize> {
    pub title: String,
    pub headers: Vec<&'static str>,
    pub rows: Vec<Vec<String>>,
    pub lines: Vec<T>,
}

impl<T: Serialize> ListReport<T> {
    pub fn render(&self, format: Format, lang: Lang) -> Result<String> {
        Ok(match format {
            Format::Text => format!(
                "{}\n\n{}",
                self.title,
                text::table(&self.headers, &self.rows)
            ),
            Format::Csv => {
                let mut all = vec![self.headers.iter().map(|h| h.to_string()).collect()];
                all.extend(self.rows.iter().cloned());
                csv_doc(&all)
            }
            Format::Json => json_doc(&self.lines)?,
            Format::Html => html::render(self, lang),
        })
    }
}

/// Column headings in a language.
pub(crate) fn words(lang: Lang, words: &[Word]) -> Vec<&'static str> {
    words.iter().map(|w| lang.w(*w)).collect()
}

pub fn inventory(session: &Session, lang: Lang) -> Result<ListReport<InventoryLine>> {
    let times = Times::of(session);
    let dir = session.directory()?;
    let labels = session.register_labels()?;
    let mut lines = Vec::new();
    for s in session.all_states()? {
        let out = match &s.holding {
            Holding::Out(o) => Some(o),
            _ => None,
        };
        lines.push(InventoryLine {
            medium: s.number.0.clone(),
            marking: s.classification.marking(),
            label: labels.get(&s.number.0).cloned().flatten(),
            state: lang.state(s.holding.as_str()).to_string(),
            clean: lang.state(s.clean.as_str()).to_string(),
            holder: out.map(|o| {
                dir.get(&o.holder)
                    .map(|p| p.name.clone())
                    .unwrap_or_else(|| o.holder.0.clone())
            }),
            since: out.map(|o| times.minute(o.since)),
            until: out.and_then(|o| o.until).map(|t| times.minute(t)),
        });
    }
    let rows = lines
        .iter()
        .map(|l| {
            vec![
                l.medium.clone(),
                l.marking.clone(),
                l.label.clone().unwrap_or_default(),
                l.state.clone(),
                l.clean.clone(),
                l.holder.clone().unwrap_or_default(),
                l.since.clone().unwrap_or_default(),
                l.until.clone().unwrap_or_default(),
            ]
        })
        .collect();
    Ok(ListReport {
        title: format!(
            "{} — {} ({})",
            lang.w(Word::InventoryTitle),
            session.settings.org,
            times.now()
        ),
        headers: words(
            lang,
            &[
                Word::ColMedium,
                Word::ColMarking,
                Word::Label,
                Word::State,
                Word::ColData,
                Word::ColHolder,
                Word::ColSince,
                Word::ColUntil,
            ],
        ),
        rows,
        lines,
    })
}

pub fn overdue(session: &Session, at: Timestamp, lang: Lang) -> Result<ListReport<OverdueLine>> {
    let times = Times::of(session);
    let dir = session.directory()?;
    let mut lines = Vec::new();
    for s in session.all_states()? {
        let Holding::Out(o) = &s.holding else {
            continue;
        };
        let due = session.due(o.kind, o.since, o.until);
        if at <= due {
            continue;
        }
        let p = dir.get(&o.holder);
        lines.push(OverdueLine {
            medium: s.number.0.clone(),
            kind: lang.state(o.kind.as_str()).to_string(),
            holder: p
                .map(|p| p.name.clone())
                .unwrap_or_else(|| o.holder.0.clone()),
            affiliation: p.map(|p| p.affiliation.clone()).unwrap_or_default(),
            borrower: o.borrower.clone(),
            since: times.minute(o.since),
            due: times.minute(due),
            overdue_minutes: (at.as_second() - due.as_second()) / 60,
        });
    }
    let rows = lines
        .iter()
        .map(|l| {
            vec![
                l.medium.clone(),
                l.kind.clone(),
                l.holder.clone(),
                l.affiliation.clone(),
                l.borrower.clone().unwrap_or_default(),
                l.since.clone(),
                l.due.clone(),
                overdue_by(l.overdue_minutes, lang),
            ]
        })
        .collect();
    Ok(ListReport {
        title: format!(
            "{} — {} ({})",
            lang.w(Word::OverdueTitle),
            session.settings.org,
            times.minute(at)
        ),
        headers: words(
            lang,
            &[
                Word::ColMedium,
                Word::ColIssueKind,
                Word::ColHolder,
                Word::ColAffiliation,
                Word::ColBorrower,
                Word::ColSince,
                Word::ColDue,
                Word::ColOverdueBy,
            ],
        ),
        rows,
        lines,
    })
}
