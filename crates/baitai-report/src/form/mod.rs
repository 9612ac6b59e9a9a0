//! The per-medium form 可搬記憶媒体管理簿 (別紙様式第2): its data, built from a medium's ledger
//! entries, here; its text, CSV and HTML (A4 landscape, laid out like the paper form) beside.

mod csv;
mod html;
mod text;

use serde::Serialize;

use crate::app::Session;
use crate::error::Result;
use crate::kit::json_doc;
use crate::kit::units::Times;
use crate::ledger::StoredEntry;
use crate::lifecycle::Directory;
use crate::model::{Body, PersonId};
use crate::{Format, Lang, Word};

pub use crate::kit::summary::{check_text, wipe_text};
use crate::kit::summary::{correction_body, role_name, summary};
pub use crate::kit::SignerView;

/// One numbered row of the form.
#[derive(Debug, Clone, Serialize, Default)]
pub struct FormRow {
    /// The row number (番号), from 1: one row per use, carry-out, loan or transfer, in the order
    /// they happened.
    pub no: usize,
    /// 使用開始日時
    pub use_start: Option<String>,
    /// 使用者名
    pub user: Option<SignerView>,
    /// 使用目的
    pub use_purpose: Option<String>,
    /// 返却日時
    pub returned: Option<String>,
    /// Who received it back, and what the data check found.
    pub returned_to: Option<SignerView>,
    /// 返却時のデータ確認: what the data check on return found, in the form's language, followed by any
    /// wipe after it and its time; a loss while the row was open is noted here first. Empty
    /// while the medium is still out.
    pub return_check: Option<String>,
    /// 持出し・貸出し・交付の別: `carry-out`, `loan`, `transfer`
    pub out_kind: Option<String>,
    /// 持出し・貸出し期間 (交付日時)
    pub out_period: Option<String>,
    /// 持出し・貸出し先 (交付者名)
    pub out_destination: Option<String>,
    /// 持出し・貸出し目的 (交付目的)
    pub out_purpose: Option<String>,
    /// The custodian who permitted the carry-out, loan or transfer (許可).
    pub out_approver: Option<SignerView>,
    /// 複製する業務用データの内容
    pub copy_data: Option<String>,
    /// 複製する相手方
    pub copy_counterpart: Option<String>,
    /// 複製の目的
    pub copy_purpose: Option<String>,
    /// The custodian who permitted the copy (許可者).
    pub copy_approver: Option<SignerView>,
    /// When the copy was recorded, to the minute in the ledger's time zone; in JSON only, the
    /// paper form has no column for it.
    pub copy_time: Option<String>,
    /// Corrections (訂正) of the entries this row shows: their cells are struck through, as
    /// a paper form is corrected with a double line, and the correction is written beside.
    pub corrections: Vec<RowCorrection>,
}

/// The cells of a row one entry filled in, which a correction of that entry strikes through.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Cells {
    /// 使用開始日時, 使用者名, 使用目的 (a use, carry-out or loan begins the row).
    Use,
    /// 返却日時 and its check (a return, a wipe after it, a loss).
    Return,
    /// The carry-out, loan or transfer columns.
    Out,
    /// The copy columns.
    Copy,
}

/// A correction as the form shows it beside what it corrects.
#[derive(Debug, Clone, Serialize)]
pub struct RowCorrection {
    /// The ledger number of the correction itself.
    pub seq: u64,
    /// The ledger number of the entry it corrects.
    pub entry: u64,
    /// Which cells of the row that entry filled.
    pub cells: Vec<Cells>,
    /// What was wrong (誤), as typed.
    pub wrong: String,
    /// What is right (正), as typed.
    pub right: String,
    /// Why (理由), as typed.
    pub reason: String,
    /// Whether the correction made the medium `data-present`.
    pub data_present: bool,
    /// When it was recorded, to the minute in the ledger's time zone.
    pub time: String,
    /// The custodian who signed it.
    pub by: Option<SignerView>,
}

/// 破棄（交付）: the closing block of the form.
#[derive(Debug, Clone, Serialize)]
pub struct Disposal {
    /// `destroy` or `transfer`
    pub kind: String,
    /// 破棄（交付）日時
    pub time: String,
    /// 破棄（交付）実施者
    pub executor: SignerView,
    /// 破棄立会者
    pub witness: Option<SignerView>,
    /// 破棄方法: how it was destroyed, in the form's language; absent for a transfer.
    pub method: Option<String>,
    /// Why the data could not first be checked unrestorable (a broken medium), as recorded;
    /// absent when it was, and for a transfer.
    pub unverifiable: Option<String>,
    /// For a transfer, who received the medium (交付先), as typed; absent for a destruction.
    pub recipient: Option<String>,
}

/// Every entry of the medium, in order, with who signed it: the annex auditors read.
#[derive(Debug, Clone, Serialize)]
pub struct EventLine {
    /// The entry's sequence number in the ledger.
    pub seq: u64,
    /// When it was recorded, to the minute in the ledger's time zone.
    pub time: String,
    /// The kind as stored, in English whatever the language (`medium.checkout`).
    pub kind: String,
    /// What it recorded, in one line in the form's language.
    pub summary: String,
    /// Every signature on the entry, as (capacity in the form's language, person): the actor,
    /// and the approver or witness its kind requires.
    pub signers: Vec<(String, SignerView)>,
    /// The first 16 hex digits of the entry's hash, enough to find it in `ledger print`.
    pub hash: String,
    /// The corrections (訂正) of this entry, by ledger number: the annex strikes it through.
    pub corrected_by: Vec<u64>,
}

#[derive(Debug, Clone, Serialize)]
/// 別紙様式第2 (可搬記憶媒体管理簿) for one medium: its header, the numbered rows a custodian would have
/// filled in by hand, the closing 破棄（交付）block, and every entry as an annex. Fixed words and
/// states are in the form's language; what was typed into the ledger stays as typed.
pub struct Form {
    /// The organisation (組織) the ledger was set up for.
    pub org: String,
    /// The medium number (媒体番号).
    pub medium: String,
    /// The classification (格付): `機密性3 完全性1 可用性1` in Japanese, `C3-I1-A1` in English.
    pub marking: String,
    /// Whether the marking is headed 保護すべき情報 ([`crate::model::Classification::is_protected`]).
    pub protected: bool,
    /// The handling restriction (取扱制限), as typed; absent when there is none.
    pub restriction: Option<String>,
    /// The free text given at registration (what is written on the medium); absent when none
    /// was given.
    pub label: Option<String>,
    /// What was registered: `usb`, `block`, `image` or `other` (no device), in English whatever
    /// the language.
    pub media_kind: String,
    /// The same in the form's language (USB メモリ, イメージファイル…), for the printed header.
    #[serde(skip)]
    pub media_kind_shown: &'static str,
    /// The device as registered, in one line (USB IDs, vendor, product, serial, path, size);
    /// absent for a medium registered without one.
    pub device: Option<String>,
    /// When it was registered, to the minute in the ledger's time zone.
    pub registered: String,
    /// Who it came from, for a medium received from outside (003 第4-6(4)); absent for one of
    /// our own.
    pub received_from: Option<String>,
    /// Where it is when printed (`in-storage`…, 保管中…).
    pub state: String,
    /// What is known of the data on it when printed (`verified-clean`…, 消去確認済…).
    pub clean: String,
    /// The numbered rows of the form.
    pub rows: Vec<FormRow>,
    /// The 破棄（交付）block, once the medium is destroyed or transferred; absent until then.
    pub disposal: Option<Disposal>,
    /// Every entry of the medium in ledger order, with its signers: the annex.
    pub events: Vec<EventLine>,
    /// The ledger's time zone (`Asia/Tokyo`), in which every time on the form is written.
    pub timezone: String,
    /// When the form was printed (出力日時), to the minute in the ledger's time zone.
    pub printed: String,
}

/// The form in a format.
pub fn render(f: &Form, format: Format, lang: Lang) -> Result<String> {
    Ok(match format {
        Format::Text => text::render(f, lang),
        Format::Csv => csv::render(f, lang),
        Format::Json => json_doc(f)?,
        Format::Html => html::render(f, lang),
    })
}

/// A form row's eleven data cells in column order, blank where empty.
pub(crate) fn row_cells(r: &FormRow, lang: Lang) -> [String; 11] {
    let s = |o: &Option<String>| o.clone().unwrap_or_default();
    [
        s(&r.use_start),
        r.user.as_ref().map(|u| u.name.clone()).unwrap_or_default(),
        s(&r.use_purpose),
        s(&r.returned),
        r.out_kind
            .as_deref()
            .map(|k| lang.state(k).to_string())
            .unwrap_or_default(),
        s(&r.out_period),
        s(&r.out_destination),
        s(&r.out_purpose),
        s(&r.copy_data),
        s(&r.copy_counterpart),
        s(&r.copy_purpose),
    ]
}

/// A correction in one line, as the form writes it beside what it corrects: which entry, wrong
/// and right, why, when and by whom.
pub(crate) fn correction_line(c: &RowCorrection, lang: Lang) -> String {
    let body = correction_body(&c.wrong, &c.right, &c.reason, c.data_present, lang);
    format!(
        "{} #{} → #{}: {body}; {}",
        lang.w(Word::SumCorrection),
        c.seq,
        c.entry,
        c.time
    )
}

/// Whether a correction of this row strikes through column `i` of [`row_cells`].
pub(crate) fn struck(r: &FormRow, i: usize) -> bool {
    let group = match i {
        0..=2 => Cells::Use,
        3 => Cells::Return,
        4..=7 => Cells::Out,
        _ => Cells::Copy,
    };
    r.corrections.iter().any(|c| c.cells.contains(&group))
}

/// The form of one medium, built from its entries; an unknown medium number is a usage error.
pub fn form(session: &Session, medium: &str, lang: Lang) -> Result<Form> {
    let state = session.medium(medium)?;
    let entries = session.ledger().medium_entries(&state.number)?;
    let dir = session.directory()?;
    let times = Times::of(session);
    let mut b = Builder {
        times,
        dir: &dir,
        lang,
        rows: Vec::new(),
        open: None,
        disposal: None,
        touched: Vec::new(),
        row_of: std::collections::HashMap::new(),
    };
    for e in &entries {
        b.entry(e);
        for t in std::mem::take(&mut b.touched) {
            b.row_of.entry(e.seq).or_default().push(t);
        }
    }
    let mut events = entries
        .iter()
        .map(|e| event_line(session, &dir, e, lang))
        .collect::<Result<Vec<_>>>()?;
    mark_corrected(&mut events, &entries);
    let (rows, disposal) = (b.rows, b.disposal);
    let reg = entries.iter().find_map(|e| match &e.body {
        Body::Register(r) => Some((e.time, r.clone())),
        _ => None,
    });
    let (registered, reg) = reg.ok_or_else(|| {
        crate::error::Error::Integrity(
            crate::msg::Msg::NoRegistration {
                number: state.number.to_string().into(),
            }
            .into(),
        )
    })?;
    Ok(Form {
        org: session.settings().org.clone(),
        medium: state.number.0.clone(),
        marking: match lang {
            Lang::Ja => state.classification.marking_ja(),
            Lang::En => state.classification.marking(),
        },
        protected: state.classification.is_protected(),
        restriction: state.classification.restriction.clone(),
        label: reg.label.clone(),
        media_kind: format!("{:?}", reg.kind).to_lowercase(),
        media_kind_shown: lang.w(Word::media_kind(reg.kind)),
        device: reg
            .device
            .as_ref()
            .map(|d| crate::kit::device_summary_in(d, lang)),
        registered: times.minute(registered),
        received_from: reg.received_from.clone(),
        state: lang.state(state.holding.as_str()).to_string(),
        clean: lang.state(state.clean.as_str()).to_string(),
        rows,
        disposal,
        events,
        timezone: session.settings().timezone.clone(),
        printed: times.now(),
    })
}

fn event_line(
    session: &Session,
    dir: &Directory,
    e: &StoredEntry,
    lang: Lang,
) -> Result<EventLine> {
    let signers = session
        .ledger()
        .signatures(e.seq)?
        .into_iter()
        .map(|s| {
            (
                role_name(s.role, lang).to_string(),
                SignerView::of(dir, &s.person),
            )
        })
        .collect();
    Ok(EventLine {
        seq: e.seq,
        time: Times::of(session).minute(e.time),
        kind: e.kind.clone(),
        summary: summary(Times::of(session), &e.body, lang),
        signers,
        hash: hex::encode(&e.hash[..8]),
        corrected_by: Vec::new(),
    })
}

/// Each annex line learns which later entries correct it.
fn mark_corrected(events: &mut [EventLine], entries: &[StoredEntry]) {
    for e in entries {
        if let Body::Correct(c) = &e.body {
            if let Some(line) = events.iter_mut().find(|l| l.seq == c.entry) {
                line.corrected_by.push(e.seq);
            }
        }
    }
}

/// A carry-out or loan, as it fills the carry-out columns of a new row.
struct Issue<'e> {
    /// `carry-out` or `loan`
    kind: &'static str,
    purpose: &'e str,
    period: String,
    destination: String,
    approver: SignerView,
}

/// Folds entries into numbered rows the way a custodian fills in the paper form.
struct Builder<'a> {
    times: Times<'a>,
    dir: &'a Directory,
    lang: Lang,
    rows: Vec<FormRow>,
    /// Index of the row of the current issue, while the medium is out.
    open: Option<usize>,
    disposal: Option<Disposal>,
    /// The row and cells the entry being folded filled in.
    touched: Vec<(usize, Cells)>,
    /// For each entry folded, the rows and cells it filled in: where its correction goes.
    row_of: std::collections::HashMap<u64, Vec<(usize, Cells)>>,
}

impl Builder<'_> {
    fn new_row(&mut self) -> usize {
        let no = self.rows.len() + 1;
        self.rows.push(FormRow {
            no,
            ..FormRow::default()
        });
        no - 1
    }

    fn signer(&self, id: &PersonId) -> SignerView {
        SignerView::of(self.dir, id)
    }

    fn entry(&mut self, e: &StoredEntry) {
        let t = self.times.minute(e.time);
        let actor = e.actor.as_ref().map(|a| self.signer(a));
        match &e.body {
            Body::Checkout(c) => {
                let i = self.new_row();
                let r = &mut self.rows[i];
                r.use_start = Some(t);
                r.user = actor;
                r.use_purpose = Some(c.purpose.clone());
                self.open = Some(i);
                self.touched.push((i, Cells::Use));
            }
            Body::CarryOut(c) => {
                let period = format!("{t} 〜 {}", self.times.stored_minute(&c.until));
                let issue = Issue {
                    kind: "carry-out",
                    purpose: &c.purpose,
                    period,
                    destination: c.destination.clone(),
                    approver: self.signer(&c.approver),
                };
                self.issue(t, actor, issue);
            }
            Body::Loan(l) => {
                let period = format!("{t} 〜 {}", self.times.stored_minute(&l.until));
                let dest = format!("{}（{}）", l.destination, l.borrower);
                let issue = Issue {
                    kind: "loan",
                    purpose: &l.purpose,
                    period,
                    destination: dest,
                    approver: self.signer(&l.approver),
                };
                self.issue(t, actor, issue);
            }
            Body::Return(ret) => {
                let i = self.open.take().unwrap_or_else(|| self.new_row());
                let r = &mut self.rows[i];
                r.returned = Some(t);
                r.returned_to = actor;
                let check = check_text(&ret.check, self.lang);
                // A medium found after a loss keeps its loss mark beside the check.
                r.return_check = Some(match r.return_check.take() {
                    Some(lost) => format!("{lost}; {check}"),
                    None => check,
                });
                self.touched.push((i, Cells::Return));
            }
            Body::Copy(c) => {
                let i = match self.open {
                    Some(i) if self.rows[i].copy_data.is_none() => i,
                    _ => self.new_row(),
                };
                let approver = self.signer(&c.approver);
                let r = &mut self.rows[i];
                r.copy_data = Some(c.data.clone());
                r.copy_counterpart = Some(c.counterpart.clone());
                r.copy_purpose = Some(c.purpose.clone());
                r.copy_approver = Some(approver);
                r.copy_time = Some(t);
                self.touched.push((i, Cells::Copy));
            }
            Body::Transfer(tr) => self.transfer(e, t, tr),
            Body::Destroy(d) => {
                let method = match self.lang {
                    Lang::Ja => d.method.ja(),
                    Lang::En => d.method.en(),
                };
                self.disposal = Some(Disposal {
                    kind: "destroy".into(),
                    time: t,
                    executor: actor.unwrap_or_else(|| self.signer(&PersonId(String::new()))),
                    witness: Some(self.signer(&d.witness)),
                    method: Some(method.to_string()),
                    unverifiable: d.unverifiable.clone(),
                    recipient: None,
                });
            }
            Body::Wipe(w) => {
                // The wipe belongs with the return check of the last row (返却時点検).
                let text = format!("{}; {t}", wipe_text(w, self.lang));
                if let Some(r) = self.rows.last_mut() {
                    r.return_check = Some(match r.return_check.take() {
                        Some(c) => format!("{c}; {text}"),
                        None => text,
                    });
                    self.touched.push((r.no - 1, Cells::Return));
                }
            }
            Body::Lost(_) => {
                if let Some(i) = self.open {
                    let lost = self.lang.w(Word::SumLost);
                    self.rows[i].return_check = Some(format!("{lost} {t}"));
                    self.touched.push((i, Cells::Return));
                }
            }
            Body::Correct(c) => self.correct(e, t, c),
            _ => {}
        }
    }

    fn issue(&mut self, t: String, actor: Option<SignerView>, issue: Issue) {
        let i = self.new_row();
        let r = &mut self.rows[i];
        r.use_start = Some(t);
        r.user = actor;
        r.use_purpose = Some(issue.purpose.to_string());
        r.out_kind = Some(issue.kind.to_string());
        r.out_period = Some(issue.period);
        r.out_destination = Some(issue.destination);
        r.out_purpose = Some(issue.purpose.to_string());
        r.out_approver = Some(issue.approver);
        self.open = Some(i);
        self.touched.extend([(i, Cells::Use), (i, Cells::Out)]);
    }

    /// A correction goes beside the row (or rows) the corrected entry filled in; one of an
    /// entry without a row (a registration, a put) is on the annex only.
    fn correct(&mut self, e: &StoredEntry, t: String, c: &crate::model::Correct) {
        let by = e.actor.as_ref().map(|a| self.signer(a));
        let Some(places) = self.row_of.get(&c.entry) else {
            return;
        };
        let mut rows: Vec<usize> = places.iter().map(|(i, _)| *i).collect();
        rows.dedup();
        for i in rows {
            let cells = places
                .iter()
                .filter(|(r, _)| *r == i)
                .map(|(_, cells)| *cells)
                .collect();
            if let Some(r) = self.rows.get_mut(i) {
                r.corrections.push(RowCorrection {
                    seq: e.seq,
                    entry: c.entry,
                    cells,
                    wrong: c.wrong.clone(),
                    right: c.right.clone(),
                    reason: c.reason.clone(),
                    data_present: c.data_present,
                    time: t.clone(),
                    by: by.clone(),
                });
            }
        }
    }

    fn transfer(&mut self, e: &StoredEntry, t: String, tr: &crate::model::Transfer) {
        let actor = e.actor.as_ref().map(|a| self.signer(a));
        let i = match self.open.take() {
            // Handed over during a plain use: the transfer completes that row.
            Some(i) if self.rows[i].out_kind.is_none() => i,
            // Handed over while carried out or on loan: keep that row, add the transfer.
            Some(_) => self.new_row(),
            None => {
                let i = self.new_row();
                self.rows[i].use_start = Some(t.clone());
                self.rows[i].user = actor.clone();
                self.rows[i].use_purpose = Some(tr.purpose.clone());
                i
            }
        };
        let approver = self.signer(&tr.approver);
        self.touched.push((i, Cells::Out));
        let r = &mut self.rows[i];
        r.out_kind = Some("transfer".into());
        r.out_period = Some(t.clone());
        r.out_destination = Some(tr.recipient.clone());
        r.out_purpose = Some(tr.purpose.clone());
        r.out_approver = Some(approver);
        self.disposal = Some(Disposal {
            kind: "transfer".into(),
            time: t,
            executor: actor.unwrap_or_else(|| self.signer(&PersonId(String::new()))),
            witness: None,
            method: None,
            unverifiable: None,
            recipient: Some(tr.recipient.clone()),
        });
    }
}
