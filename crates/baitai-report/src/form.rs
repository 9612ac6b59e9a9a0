//! The per-medium form 可搬記憶媒体管理簿 (別紙様式第2) built from a medium's ledger entries.

use serde::Serialize;

use crate::app::Session;
use crate::error::Result;
use crate::ledger::StoredEntry;
use crate::lifecycle::Directory;
use crate::model::{Body, PersonId, ReturnCheck, SignRole, Wipe, WipeResult};

use super::{Lang, Word};

/// A person as shown on a printout: name, affiliation and key fingerprint.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct SignerView {
    pub id: String,
    pub name: String,
    pub affiliation: String,
    pub fingerprint: String,
}

impl SignerView {
    pub fn of(dir: &Directory, id: &PersonId) -> SignerView {
        match dir.get(id) {
            Some(p) => SignerView {
                id: p.id.0.clone(),
                name: p.name.clone(),
                affiliation: p.affiliation.clone(),
                fingerprint: p.public_key.fingerprint().to_string(),
            },
            None => SignerView {
                id: id.0.clone(),
                name: id.0.clone(),
                affiliation: String::new(),
                fingerprint: String::new(),
            },
        }
    }

    /// `山田 太郎（設計課）[ab12:…]`
    pub fn short(&self) -> String {
        format!(
            "{}（{}）[{}]",
            self.name, self.affiliation, self.fingerprint
        )
    }
}

/// One numbered row of the form.
#[derive(Debug, Clone, Serialize, Default)]
pub struct FormRow {
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
    pub copy_approver: Option<SignerView>,
    pub copy_time: Option<String>,
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
    pub method: Option<String>,
    pub unverifiable: Option<String>,
    pub recipient: Option<String>,
}

/// Every entry of the medium, in order, with who signed it: the annex auditors read.
#[derive(Debug, Clone, Serialize)]
pub struct EventLine {
    pub seq: u64,
    pub time: String,
    pub kind: String,
    pub summary: String,
    pub signers: Vec<(String, SignerView)>,
    pub hash: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Form {
    pub org: String,
    pub medium: String,
    pub marking: String,
    /// Whether the marking is headed 保護すべき情報 ([`crate::model::Classification::is_protected`]).
    pub protected: bool,
    pub restriction: Option<String>,
    pub label: Option<String>,
    pub media_kind: String,
    pub device: Option<String>,
    pub registered: String,
    pub received_from: Option<String>,
    pub state: String,
    pub clean: String,
    pub rows: Vec<FormRow>,
    pub disposal: Option<Disposal>,
    pub events: Vec<EventLine>,
    pub timezone: String,
    pub printed: String,
}

pub fn form(session: &Session, medium: &str, lang: Lang) -> Result<Form> {
    let state = session.medium(medium)?;
    let entries = session.ledger.medium_entries(&state.number)?;
    let dir = session.directory()?;
    let mut b = Builder {
        session,
        dir: &dir,
        lang,
        rows: Vec::new(),
        open: None,
        disposal: None,
    };
    for e in &entries {
        b.entry(e);
    }
    let events = entries
        .iter()
        .map(|e| event_line(session, &dir, e, lang))
        .collect::<Result<Vec<_>>>()?;
    let (rows, disposal) = (b.rows, b.disposal);
    let reg = entries.iter().find_map(|e| match &e.body {
        Body::Register(r) => Some((e.time, r.clone())),
        _ => None,
    });
    let (registered, reg) = reg.ok_or_else(|| {
        crate::Error::Integrity(format!("{} has no registration entry", state.number))
    })?;
    Ok(Form {
        org: session.settings.org.clone(),
        medium: state.number.0.clone(),
        marking: match lang {
            Lang::Ja => state.classification.marking_ja(),
            Lang::En => state.classification.marking(),
        },
        protected: state.classification.is_protected(),
        restriction: state.classification.restriction.clone(),
        label: reg.label.clone(),
        media_kind: format!("{:?}", reg.kind).to_lowercase(),
        device: reg.device.as_ref().map(super::device_summary),
        registered: session.show_time(registered),
        received_from: reg.received_from.clone(),
        state: lang.state(state.holding.as_str()).to_string(),
        clean: lang.state(state.clean.as_str()).to_string(),
        rows,
        disposal,
        events,
        timezone: session.settings.timezone.clone(),
        printed: session.show_time(crate::time::now()),
    })
}

fn event_line(
    session: &Session,
    dir: &Directory,
    e: &StoredEntry,
    lang: Lang,
) -> Result<EventLine> {
    let signers = session
        .ledger
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
        time: session.show_time(e.time),
        kind: e.kind.clone(),
        summary: summary(session, &e.body, lang),
        signers,
        hash: hex::encode(&e.hash[..8]),
    })
}

pub fn role_name(r: SignRole, lang: Lang) -> &'static str {
    lang.w(Word::sign_role(r))
}

/// One line saying what an entry recorded.
pub fn summary(s: &Session, body: &Body, lang: Lang) -> String {
    let ja = lang == Lang::Ja;
    match body {
        Body::Register(r) => {
            let what = match (&r.received_from, ja) {
                (Some(f), true) => format!("外部から受領（{f}）"),
                (Some(f), false) => format!("received from outside ({f})"),
                (None, _) => lang.w(Word::SumRegistered).to_string(),
            };
            format!("{what}: {}", r.classification.marking())
        }
        Body::Checkout(c) => format!("{}: {}", lang.w(Word::SumUse), c.purpose),
        Body::Return(r) => format!(
            "{}: {}",
            lang.w(Word::SumReturned),
            check_text(&r.check, lang)
        ),
        Body::CarryOut(c) => format!(
            "{}: {} → {} ({})",
            lang.w(Word::SumCarryOut),
            c.destination,
            until_text(s, &c.until),
            c.purpose
        ),
        Body::Loan(l) => format!(
            "{}: {} / {} → {} ({})",
            lang.w(Word::SumLoan),
            l.borrower,
            l.destination,
            until_text(s, &l.until),
            l.purpose
        ),
        Body::Copy(c) => format!(
            "{}: {} → {} ({})",
            lang.w(Word::SumCopy),
            c.data,
            c.counterpart,
            c.purpose
        ),
        Body::Transfer(t) => format!(
            "{}: {} ({})",
            lang.w(Word::SumTransfer),
            t.recipient,
            t.purpose
        ),
        Body::Destroy(d) => {
            let method = if ja { d.method.ja() } else { d.method.en() };
            match &d.unverifiable {
                Some(r) => format!(
                    "{}: {method}; {}: {r}",
                    lang.w(Word::SumDestroyed),
                    lang.w(Word::SumNotVerifiable)
                ),
                None => format!("{}: {method}", lang.w(Word::SumDestroyed)),
            }
        }
        Body::Lost(l) => format!("{}: {}", lang.w(Word::SumLost), l.circumstances),
        Body::VaultPut(p) => {
            let names: Vec<&str> = p.added.iter().map(|f| f.name.as_str()).collect();
            let mut text = format!(
                "{}: {} ({} {}, {} bytes; {})",
                lang.w(Word::SumPut),
                names.join(", "),
                p.added.len(),
                lang.w(Word::SumFiles),
                p.bytes,
                p.cipher
            );
            if !p.unrecorded.is_empty() {
                let names: Vec<&str> = p.unrecorded.iter().map(|f| f.name.as_str()).collect();
                text += &format!("; {}: {}", lang.w(Word::SumPutUnrecorded), names.join(", "));
            }
            text
        }
        Body::InventoryCheck(c) => inventory_text(c, lang),
        Body::VaultGet(g) => format!(
            "{}: {} {}, {} bytes",
            lang.w(Word::SumGet),
            g.files.len(),
            lang.w(Word::SumFiles),
            g.bytes
        ),
        Body::WipeStart(w) => format!(
            "{}: {} ({})",
            lang.w(Word::SumWipeStarted),
            if ja { w.method.ja() } else { w.method.as_str() },
            super::human_bytes(w.device.capacity_bytes)
        ),
        Body::Wipe(w) => wipe_text(w, lang),
        Body::VaultErase(_) => lang.w(Word::SumVaultErased).to_string(),
        Body::VaultRekey(k) => {
            let removed: Vec<&str> = k.removed.iter().map(|p| p.0.as_str()).collect();
            format!("{}: {}", lang.w(Word::SumRekey), removed.join(", "))
        }
        other => other.encode().map(|(k, _)| k).unwrap_or_default(),
    }
}

/// One line for a stock-take: how many found, and what did not match.
pub fn inventory_text(c: &crate::model::InventoryCheck, lang: Lang) -> String {
    let mut text = format!(
        "{}: {} {}",
        lang.w(Word::SumInventoryCheck),
        c.present.len(),
        lang.w(Word::SumFound)
    );
    if let Some(l) = &c.location {
        text += &format!(" ({l})");
    }
    let list = |v: Vec<&str>| v.join(", ");
    if !c.missing.is_empty() {
        let v = c.missing.iter().map(|m| m.0.as_str()).collect();
        text += &format!("; {}: {}", lang.w(Word::SumMissing), list(v));
    }
    if !c.unexpected.is_empty() {
        let v = c.unexpected.iter().map(|u| u.medium.as_str()).collect();
        text += &format!("; {}: {}", lang.w(Word::SumUnexpected), list(v));
    }
    if !c.overdue.is_empty() {
        let v = c.overdue.iter().map(|m| m.0.as_str()).collect();
        text += &format!("; {}: {}", lang.w(Word::SumOverdue), list(v));
    }
    text
}

/// One line of a sanitization record: method, bytes read back, result.
pub fn wipe_text(w: &Wipe, lang: Lang) -> String {
    let ja = lang == Lang::Ja;
    let method = if ja { w.method.ja() } else { w.method.as_str() };
    let verified = super::human_bytes(w.bytes_verified());
    let first_bad = w
        .passes
        .iter()
        .find_map(|p| p.mismatches.first())
        .map(|r| r.offset);
    let result = match (w.result, ja) {
        (WipeResult::Passed, true) => "検証合格（消去確認済）".to_string(),
        (WipeResult::Passed, false) => "verification passed (verified clean)".to_string(),
        (WipeResult::Failed, true) => format!(
            "検証不合格: 不一致 {} セクタ、最初の位置 {} バイト（要破棄）",
            w.mismatched_sectors(),
            first_bad.unwrap_or(0)
        ),
        (WipeResult::Failed, false) => format!(
            "verification FAILED: {} sectors differ, first at byte {} (destroy it)",
            w.mismatched_sectors(),
            first_bad.unwrap_or(0)
        ),
        (WipeResult::Incomplete, true) => {
            format!("未完了（{}）", w.reason.as_deref().unwrap_or("中断"))
        }
        (WipeResult::Incomplete, false) => {
            format!("incomplete ({})", w.reason.as_deref().unwrap_or("stopped"))
        }
    };
    format!(
        "{}: {method}, {} {verified}; {result}",
        lang.w(Word::SumWiped),
        lang.w(Word::SumReadBack)
    )
}

pub fn check_text(c: &ReturnCheck, lang: Lang) -> String {
    match c {
        ReturnCheck::None => lang.w(Word::SumNoDataCheck).to_string(),
        ReturnCheck::Path { files: 0, .. } => lang.w(Word::SumNoFilesSeen).to_string(),
        ReturnCheck::Path { files, bytes } => match lang {
            Lang::Ja => format!("データあり: {files} ファイル、{bytes} バイト（要消去）"),
            Lang::En => format!("data present: {files} files, {bytes} bytes (wipe needed)"),
        },
        ReturnCheck::Device {
            bytes_read,
            capacity_bytes,
            data_sectors,
            first_data_offset,
            ..
        } => {
            let whole = bytes_read == capacity_bytes;
            match (lang, data_sectors, whole) {
                (Lang::Ja, 0, true) => {
                    format!("全 {bytes_read} バイト読取り、データなし（消去確認済）")
                }
                (Lang::En, 0, true) => {
                    format!("all {bytes_read} bytes read, no data (verified clean)")
                }
                (Lang::Ja, 0, false) => {
                    format!("{bytes_read} / {capacity_bytes} バイトのみ読取り（未確認）")
                }
                (Lang::En, 0, false) => {
                    format!("only {bytes_read} of {capacity_bytes} bytes read (not verified)")
                }
                (Lang::Ja, n, _) => format!(
                    "データあり: {n} セクタ（最初 {} バイト目）（要消去）",
                    first_data_offset.unwrap_or(0)
                ),
                (Lang::En, n, _) => format!(
                    "data present: {n} sectors, first at byte {} (wipe needed)",
                    first_data_offset.unwrap_or(0)
                ),
            }
        }
    }
}

fn until_text(s: &Session, until: &str) -> String {
    crate::time::from_store(until)
        .map(|t| s.show_time(t))
        .unwrap_or_else(|_| until.to_string())
}

/// Folds entries into numbered rows the way a custodian fills in the paper form.
struct Builder<'a> {
    session: &'a Session,
    dir: &'a Directory,
    lang: Lang,
    rows: Vec<FormRow>,
    /// Index of the row of the current issue, while the medium is out.
    open: Option<usize>,
    disposal: Option<Disposal>,
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
        let t = self.session.show_time(e.time);
        let actor = e.actor.as_ref().map(|a| self.signer(a));
        match &e.body {
            Body::Checkout(c) => {
                let i = self.new_row();
                let r = &mut self.rows[i];
                r.use_start = Some(t);
                r.user = actor;
                r.use_purpose = Some(c.purpose.clone());
                self.open = Some(i);
            }
            Body::CarryOut(c) => {
                let period = format!("{t} 〜 {}", until_text(self.session, &c.until));
                let approver = self.signer(&c.approver);
                self.issue(
                    t,
                    actor,
                    &c.purpose,
                    "carry-out",
                    period,
                    c.destination.clone(),
                    approver,
                );
            }
            Body::Loan(l) => {
                let period = format!("{t} 〜 {}", until_text(self.session, &l.until));
                let dest = format!("{}（{}）", l.destination, l.borrower);
                let approver = self.signer(&l.approver);
                self.issue(t, actor, &l.purpose, "loan", period, dest, approver);
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
                }
            }
            Body::Lost(_) => {
                if let Some(i) = self.open {
                    let lost = self.lang.w(Word::SumLost);
                    self.rows[i].return_check = Some(format!("{lost} {t}"));
                }
            }
            _ => {}
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn issue(
        &mut self,
        t: String,
        actor: Option<SignerView>,
        purpose: &str,
        kind: &str,
        period: String,
        destination: String,
        approver: SignerView,
    ) {
        let i = self.new_row();
        let r = &mut self.rows[i];
        r.use_start = Some(t);
        r.user = actor;
        r.use_purpose = Some(purpose.to_string());
        r.out_kind = Some(kind.to_string());
        r.out_period = Some(period);
        r.out_destination = Some(destination);
        r.out_purpose = Some(purpose.to_string());
        r.out_approver = Some(approver);
        self.open = Some(i);
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
