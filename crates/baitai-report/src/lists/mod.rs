//! The inventory of all media and the list of media overdue (放置しない, 004 1.3.1.2(5)(b)),
//! and the list form the stock-take shares: data built here, a table in every format.

mod html;

use jiff::Timestamp;
use serde::Serialize;

use crate::app::Session;
use crate::error::Result;
use crate::kit::csv::csv_doc;
use crate::kit::units::{overdue as overdue_by, Times};
use crate::kit::{json_doc, text, SignBox};
use crate::lifecycle::Holding;
use crate::{Format, Lang, Scope, Word};

#[derive(Debug, Clone, Serialize)]
/// One medium of the inventory (媒体一覧), every medium the ledger knows, in medium-number order.
/// The text is in the list's language.
pub struct InventoryLine {
    /// The medium number (媒体番号).
    pub medium: String,
    /// The classification marking (格付), `C3-I1-A1`.
    pub marking: String,
    /// The free text given at registration (what is written on the medium); absent when none
    /// was given.
    pub label: Option<String>,
    /// The site that keeps it (拠点); absent for a medium of the whole organisation.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub site: Option<String>,
    /// Where it is (状態): in English the ledger's own word (`in-storage`, `carried-out`,
    /// `on-loan`, `lost`…), in Japanese 保管中, 持出し中….
    pub state: String,
    /// What is known of the data on it (データ): `verified-clean` (消去確認済), `data-present`
    /// (データあり（要消去）), `unverified`….
    pub clean: String,
    /// The name of whoever has it out for use, carry-out or loan; absent while it is in storage
    /// or closed.
    pub holder: Option<String>,
    /// When it went out, to the minute in the ledger's time zone; absent while it is not out.
    pub since: Option<String>,
    /// The end of the carry-out or loan period as approved, to the minute in the ledger's time
    /// zone; absent when it is not out or the period has no end.
    pub until: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
/// One medium out past its due time (放置しない), on the overdue list. The text is in the list's
/// language.
pub struct OverdueLine {
    /// The medium number (媒体番号).
    pub medium: String,
    /// On what terms it is out: `use`, `carry-out` or `loan` (使用, 持出し, 貸出し).
    pub kind: String,
    /// The name of the person it was issued to; their ID when the directory does not know them.
    pub holder: String,
    /// The holder's affiliation (所属); empty when the directory does not know them.
    pub affiliation: String,
    /// For a loan, the outside party it was lent to, as typed; absent otherwise.
    pub borrower: Option<String>,
    /// When it went out, to the minute in the ledger's time zone.
    pub since: String,
    /// When it was due back, to the minute in the ledger's time zone: the end of the approved
    /// period, or for a use (or an open-ended period) the end of the working day it began (the ledger's `day_end`, or midnight when it began after that).
    pub due: String,
    /// How long past due at the time the list was made, in whole minutes; the other formats
    /// show it as days, hours and minutes.
    pub overdue_minutes: i64,
}

/// A list report ready to render: headings, cells, and the typed lines for JSON.
pub struct ListReport<T: Serialize> {
    /// The heading: the list's name, the organisation and the time (in the ledger's time zone);
    /// for a stock-take, its counts on a second line.
    pub title: String,
    /// The column headings, in the list's language; CSV's header row.
    pub headers: Vec<&'static str>,
    /// The cells, row by row, as text, CSV and HTML print them (an absent value is an empty
    /// cell).
    pub rows: Vec<Vec<String>>,
    /// The same rows as data: what JSON prints.
    pub lines: Vec<T>,
    /// The boxes of the sign-off that ends the HTML page (the inventory's and the
    /// stock-take's); none for a list nobody signs (the overdue list).
    pub sign_off: Vec<SignBox>,
}

impl<T: Serialize> ListReport<T> {
    /// The list in a format: the title and a table, CSV with the headings as its first row, the
    /// lines as a JSON array, or an A4 HTML page.
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

/// The inventory of every medium the ledger knows in `scope`, with its state and holder now.
pub fn inventory(
    session: &Session,
    scope: &Scope,
    lang: Lang,
) -> Result<ListReport<InventoryLine>> {
    let times = Times::of(session);
    let dir = session.directory()?;
    let labels = session.register_labels()?;
    let mut lines = Vec::new();
    for s in session.all_states()? {
        if !scope.covers(s.site.as_ref()) {
            continue;
        }
        let out = match &s.holding {
            Holding::Out(o) => Some(o),
            _ => None,
        };
        lines.push(InventoryLine {
            medium: s.number.0.clone(),
            marking: s.classification.marking(),
            label: labels.get(&s.number.0).cloned().flatten(),
            site: s.site.as_ref().map(|x| x.to_string()),
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
    // A ledger without sites prints as it always did; one with them says where each medium is.
    let with_site = lines.iter().any(|l| l.site.is_some());
    let rows = lines
        .iter()
        .map(|l| {
            let mut row = vec![
                l.medium.clone(),
                l.marking.clone(),
                l.label.clone().unwrap_or_default(),
                l.state.clone(),
                l.clean.clone(),
                l.holder.clone().unwrap_or_default(),
                l.since.clone().unwrap_or_default(),
                l.until.clone().unwrap_or_default(),
            ];
            if with_site {
                row.insert(1, l.site.clone().unwrap_or_default());
            }
            row
        })
        .collect();
    let mut columns = vec![
        Word::ColMedium,
        Word::ColMarking,
        Word::Label,
        Word::State,
        Word::ColData,
        Word::ColHolder,
        Word::ColSince,
        Word::ColUntil,
    ];
    if with_site {
        columns.insert(1, Word::ColSite);
    }
    let title = format!(
        "{} — {} ({})",
        lang.w(Word::InventoryTitle),
        session.settings().org,
        times.now()
    );
    Ok(ListReport {
        title: scope.titled(title, lang),
        headers: words(lang, &columns),
        rows,
        lines,
        sign_off: vec![
            SignBox::blank(lang.w(Word::Reviewer)),
            SignBox::blank(lang.w(Word::ValidatedBy)),
        ],
    })
}

/// The media in `scope` that are out at `at` past their due time, in medium-number order.
pub fn overdue(
    session: &Session,
    scope: &Scope,
    at: Timestamp,
    lang: Lang,
) -> Result<ListReport<OverdueLine>> {
    let times = Times::of(session);
    let dir = session.directory()?;
    let mut lines = Vec::new();
    for s in session.all_states()? {
        let Holding::Out(o) = &s.holding else {
            continue;
        };
        if !scope.covers(s.site.as_ref()) {
            continue;
        }
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
    let title = format!(
        "{} — {} ({})",
        lang.w(Word::OverdueTitle),
        session.settings().org,
        times.minute(at)
    );
    Ok(ListReport {
        title: scope.titled(title, lang),
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
        sign_off: Vec::new(),
    })
}
