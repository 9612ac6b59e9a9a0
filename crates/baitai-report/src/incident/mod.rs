//! The incident report for a lost medium (000 12): everything the ledger knows about the
//! medium, ready to send. The report's data and its building are here; the facts as labelled
//! lines are in `facts`, shared by its text and HTML; CSV and JSON are a row and the data.

mod csv;
mod facts;
mod html;
mod text;

use serde::Serialize;

use crate::app::Session;
use crate::error::{Error, Result};
use crate::kit::entries::{entry_line, mark_unverified, EntryLine, VerifyStatus};
use crate::kit::json_doc;
use crate::kit::summary::{cipher_name, summary};
use crate::kit::units::Times;
use crate::kit::SignerView;
use crate::ledger::StoredEntry;
use crate::lifecycle::{Directory, Holding, MediumState};
use crate::model::{Body, VaultFile, VaultPut, WipeResult};
use crate::{Format, Lang, Scope, Word};

/// Who reported the loss, when, and what they said; and whether it has been found since.
#[derive(Debug, Clone, Serialize)]
pub struct Loss {
    /// 報告者: who recorded the loss with `baitai lost`.
    pub reported_by: SignerView,
    /// 報告日時: when the loss was recorded, to the minute in the ledger's time zone.
    pub time: String,
    /// 状況: the circumstances as the reporter typed them, in their words.
    pub circumstances: String,
    /// 発見・受領: the return that brought it back after the loss; absent while it is still missing.
    pub found: Option<Found>,
}

/// The medium came back after the loss was reported (a `return` after `lost`).
#[derive(Debug, Clone, Serialize)]
pub struct Found {
    /// When it was received back, to the minute in the ledger's time zone.
    pub time: String,
    /// The custodian who received it back.
    pub received_by: SignerView,
}

/// The last person who had the medium out, and on what terms.
#[derive(Debug, Clone, Serialize)]
pub struct Holder {
    /// 最後の保持者: who had it last; for a medium lost while in storage, the custodian who received
    /// it back.
    pub person: SignerView,
    /// 保持の開始: when that person took it (or received it back), to the minute in the ledger's
    /// time zone; empty when the ledger has no entry that gave it to them.
    pub since: String,
    /// On what terms, as the entry that gave it to them records it in the report's language
    /// (`使用開始: 出張先での説明`, a carry-out with destination and period, a loan with borrower), or the
    /// return that put it in storage; empty when there is no such entry.
    pub terms: String,
}

/// What the ledger's record of puts says the vault held.
#[derive(Debug, Clone, Serialize)]
pub struct Contents {
    /// ファイル数: how many files the ledger records as put since the medium was last proven clean,
    /// including any an interrupted put left and a later put recorded.
    pub count: usize,
    /// 合計サイズ: their total size in bytes.
    pub bytes: u64,
    /// Each file's name, as put, and size in bytes.
    pub files: Vec<VaultFile>,
}

/// How the vault was protected, from the latest put.
#[derive(Debug, Clone, Serialize)]
pub struct Encryption {
    /// 暗号化: the vault's cipher as the put recorded it (`aes-256-gcm`).
    pub cipher: String,
    /// People holding a key slot: any one of them can open the vault with their passphrase.
    pub key_slots: Vec<SignerView>,
    /// An outside recipient's passphrase opens it too.
    pub passphrase_slot: bool,
    /// When that put was recorded, to the minute in the ledger's time zone.
    pub recorded_at: String,
    /// The key slots were destroyed (crypto-erase) after that put.
    pub erased_at: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
/// The incident report for one medium (情報セキュリティ事故報告（可搬記憶媒体の紛失）, 000 12): the medium, the loss
/// and its last holder, what the ledger says was on it and how it was encrypted, the time line
/// since it was last proven clean, the ledger verify verdict and what to do next. Fixed words
/// are in the report's language; what was typed into the ledger stays as typed.
pub struct IncidentReport {
    /// 組織: the organisation the ledger was set up for.
    pub org: String,
    /// 媒体番号: the medium number.
    pub medium: String,
    /// `C3-I2-A1`
    pub marking: String,
    /// The marking in words, in the report's language.
    pub marking_text: String,
    /// Whether the marking is headed 保護すべき情報.
    pub protected: bool,
    /// 取扱制限: the handling restriction, as typed; absent when there is none.
    pub restriction: Option<String>,
    /// ラベル: the free text given at registration (what is written on the medium); absent when
    /// none was given.
    pub label: Option<String>,
    /// 装置: the device as registered, in one line (USB IDs, vendor, product, serial, path,
    /// size); absent for a medium registered without one.
    pub device: Option<String>,
    /// What was registered: `usb`, `block`, `image` or `other` (no device), in English whatever
    /// the language.
    pub media_kind: String,
    /// When it was registered, to the minute in the ledger's time zone.
    pub registered: String,
    /// Who it came from, for a medium received from outside; absent for one of our own.
    pub received_from: Option<String>,
    /// 現在の状態: where it is now, in the report's language (`lost`, 紛失…); a medium found again
    /// shows its state since.
    pub state: String,
    /// What is known of the data on it now, in the report's language (`unverified`,
    /// 未確認（要消去確認）…).
    pub clean: String,
    /// Whether the ledger shows it as lost now; false for a medium found again or never
    /// recorded as lost, which the title then says.
    pub lost: bool,
    /// The latest recorded loss; absent for a medium never recorded as lost.
    pub loss: Option<Loss>,
    /// Who had it last and on what terms; absent when the ledger names nobody who had it.
    pub last_holder: Option<Holder>,
    /// The entry the time line starts at: the registration, or the last verified clean state.
    pub since: EntryLine,
    /// 経過: every entry of the medium from [`since`](Self::since) to now, in ledger order.
    pub timeline: Vec<EntryLine>,
    /// 保管データ: what the ledger's record of puts says was on it; zero files when it records none
    /// (which does not mean it held nothing).
    pub contents: Contents,
    /// How its vault was encrypted, from the latest put since it was last proven clean; absent
    /// when the ledger records no vault, and the report then treats everything on it as
    /// exposed.
    pub encryption: Option<Encryption>,
    /// 台帳検証: the `ledger verify` made while printing, the same for every report printed
    /// together.
    pub verify: VerifyStatus,
    /// 次の対応: what to do, most urgent first, each a sentence in the report's language.
    pub next_steps: Vec<String>,
    /// The ledger's time zone (`Asia/Tokyo`), in which every time of the report is written.
    pub timezone: String,
    /// 出力日時: when the report was printed, to the minute in the ledger's time zone.
    pub printed: String,
}

/// Whether, after this entry, the medium is known to hold nothing from before it: its
/// registration, a return check that read every byte and found nothing, or a wipe that passed.
fn starts_clean(body: &Body) -> bool {
    match body {
        Body::Register(_) => true,
        Body::Return(r) => r.check.proves_clean(),
        Body::Wipe(w) => w.result == WipeResult::Passed,
        _ => false,
    }
}

/// The report for one medium, whatever its state: a medium not (yet) reported lost gets
/// the same facts and is marked as such.
pub fn incident(
    session: &Session,
    medium: &str,
    lang: Lang,
    verify: &VerifyStatus,
) -> Result<IncidentReport> {
    let state = session.medium(medium)?;
    let entries = session.ledger().medium_entries(&state.number)?;
    let dir = session.directory()?;
    let start = entries
        .iter()
        .rposition(|e| starts_clean(&e.body))
        .unwrap_or(0);
    let window = entries.get(start..).unwrap_or_default();
    let mut timeline: Vec<EntryLine> = window
        .iter()
        .map(|e| entry_line(session, &dir, e, lang))
        .collect();
    mark_unverified(&mut timeline, verify, lang);
    let since = timeline.first().cloned().ok_or_else(|| {
        Error::Integrity(
            crate::msg::Msg::NoEntries {
                number: state.number.to_string().into(),
            }
            .into(),
        )
    })?;
    let form = crate::form::form(session, medium, lang)?;
    let loss = loss(session, &dir, &entries);
    let encryption = encryption(session, &dir, window);
    let contents = contents(session, &state)?;
    let lost = state.holding == Holding::Lost;
    Ok(IncidentReport {
        org: session.settings().org.clone(),
        medium: state.number.0.clone(),
        marking: state.classification.marking(),
        marking_text: form.marking,
        protected: form.protected,
        restriction: form.restriction,
        label: form.label,
        device: form.device,
        media_kind: form.media_kind,
        registered: form.registered,
        received_from: form.received_from,
        state: form.state,
        clean: form.clean,
        lost,
        next_steps: next_steps(lost, loss.as_ref(), encryption.as_ref(), lang),
        loss,
        last_holder: last_holder(session, &dir, &state, &entries, lang),
        since,
        timeline,
        contents,
        encryption,
        verify: verify.clone(),
        timezone: session.settings().timezone.clone(),
        printed: Times::of(session).now(),
    })
}

/// One report per medium the ledger shows as lost, in registration order.
pub fn incidents(
    session: &Session,
    scope: &Scope,
    lang: Lang,
    verify: &VerifyStatus,
) -> Result<Vec<IncidentReport>> {
    let mut out = Vec::new();
    for s in session.all_states()? {
        if s.holding == Holding::Lost && scope.covers(s.site.as_ref()) {
            out.push(incident(session, &s.number.0, lang, verify)?);
        }
    }
    Ok(out)
}

fn loss(session: &Session, dir: &Directory, entries: &[StoredEntry]) -> Option<Loss> {
    let at = entries
        .iter()
        .rposition(|e| matches!(e.body, Body::Lost(_)))?;
    let e = entries.get(at)?;
    let Body::Lost(l) = &e.body else { return None };
    let found = entries
        .get(at + 1..)
        .unwrap_or_default()
        .iter()
        .find_map(|r| match (&r.body, &r.actor) {
            (Body::Return(_), Some(a)) => Some(Found {
                time: Times::of(session).minute(r.time),
                received_by: SignerView::of(dir, a),
            }),
            _ => None,
        });
    Some(Loss {
        reported_by: SignerView::of(dir, e.actor.as_ref()?),
        time: Times::of(session).minute(e.time),
        circumstances: l.circumstances.clone(),
        found,
    })
}

/// The last holder, with the entry that gave them the medium (use, carry-out or loan). A
/// medium lost while back in storage names the custodian who received it, not the
/// handler who had it before: the report must not place it with the wrong person.
fn last_holder(
    session: &Session,
    dir: &Directory,
    state: &MediumState,
    entries: &[StoredEntry],
    lang: Lang,
) -> Option<Holder> {
    let lost_at = entries
        .iter()
        .rposition(|e| matches!(e.body, Body::Lost(_)));
    let before = &entries[..lost_at.unwrap_or(entries.len())];
    if let Some(stored) = in_storage_at_loss(before, lost_at.is_some()) {
        return Some(Holder {
            person: SignerView::of(dir, stored.actor.as_ref()?),
            since: Times::of(session).minute(stored.time),
            terms: format!("{} #{}", lang.w(Word::InStorageReceivedBack), stored.seq),
        });
    }
    let id = state.last_holder.as_ref()?;
    let issue = before.iter().rev().find(|e| {
        e.actor.as_ref() == Some(id)
            && matches!(
                e.body,
                Body::Checkout(_) | Body::CarryOut(_) | Body::Loan(_)
            )
    });
    Some(Holder {
        person: SignerView::of(dir, id),
        since: issue
            .map(|e| Times::of(session).minute(e.time))
            .unwrap_or_default(),
        terms: issue
            .map(|e| summary(Times::of(session), &e.body, lang))
            .unwrap_or_default(),
    })
}

fn contents(session: &Session, state: &MediumState) -> Result<Contents> {
    let files = session.recorded_files(&state.number)?;
    Ok(Contents {
        count: files.len(),
        bytes: files.iter().map(|f| f.size).sum(),
        files,
    })
}

fn encryption(session: &Session, dir: &Directory, window: &[StoredEntry]) -> Option<Encryption> {
    let at = window
        .iter()
        .rposition(|e| matches!(e.body, Body::VaultPut(_)))?;
    let e = window.get(at)?;
    let Body::VaultPut(put) = &e.body else {
        return None;
    };
    let erased_at = window
        .get(at + 1..)
        .unwrap_or_default()
        .iter()
        .find(|e| matches!(&e.body, Body::VaultErase(v) if v.vault_id == put.vault_id))
        .map(|e| Times::of(session).minute(e.time));
    Some(encryption_of(session, dir, e, put, erased_at))
}

fn encryption_of(
    s: &Session,
    dir: &Directory,
    e: &StoredEntry,
    p: &VaultPut,
    erased_at: Option<String>,
) -> Encryption {
    Encryption {
        cipher: p.cipher.clone(),
        key_slots: p
            .recipients
            .iter()
            .map(|r| SignerView::of(dir, r))
            .collect(),
        passphrase_slot: p.passphrase_slot,
        recorded_at: Times::of(s).minute(e.time),
        erased_at,
    }
}

/// What the reader should do with this report, most urgent first.
fn next_steps(
    lost: bool,
    loss: Option<&Loss>,
    enc: Option<&Encryption>,
    lang: Lang,
) -> Vec<String> {
    let mut steps = Vec::new();
    let found = loss.and_then(|l| l.found.as_ref());
    match (lost, found) {
        (true, _) => steps.push(lang.w(Word::StepReportNow).to_string()),
        (false, Some(f)) => steps.push(match lang {
            Lang::Ja => format!("{} に発見・受領済み：届出先へ発見を連絡し、再使用の前に消去確認すること。", f.time),
            Lang::En => format!("Found and received back at {}: tell those the loss was reported to, and verify it clean before reuse.", f.time),
        }),
        (false, None) => steps.push(lang.w(Word::StepNotLost).to_string()),
    }
    if !lost {
        return steps;
    }
    steps.push(match enc {
        Some(e) if e.erased_at.is_none() => match lang {
            Lang::Ja => format!("保管データは {} で暗号化されている：鍵スロット保持者のパスフレーズが漏れていないか確認すること{}。", cipher_name(&e.cipher), if e.passphrase_slot { "（パスフレーズスロットのパスフレーズを知る受領者も含む）" } else { "" }),
            Lang::En => format!("The vault is encrypted with {}: check that no key-slot holder's passphrase{} has leaked.", cipher_name(&e.cipher), if e.passphrase_slot { " (nor the passphrase slot's, known to an outside recipient)" } else { "" }),
        },
        Some(_) => lang.w(Word::StepCryptoErased).to_string(),
        None => lang.w(Word::StepNoVault).to_string(),
    });
    steps.push(lang.w(Word::StepIfFound).to_string());
    steps
}

/// The return that put a medium back in storage, when it was there at the moment it was
/// reported lost.
fn in_storage_at_loss(before: &[StoredEntry], was_lost: bool) -> Option<&StoredEntry> {
    if !was_lost {
        return None;
    }
    let state = crate::ledger::store::fold_medium(before)?;
    if state.holding != Holding::InStorage {
        return None;
    }
    before
        .iter()
        .rev()
        .find(|e| matches!(e.body, Body::Return(_)))
}

/// The reports in a format: text blocks separated by a line of `=`, one A4 HTML page (or more)
/// per medium, one CSV row per medium, or always a JSON array.
pub fn render(reports: &[IncidentReport], format: Format, lang: Lang) -> Result<String> {
    Ok(match format {
        Format::Text => text::render(reports, lang),
        Format::Csv => csv::render(reports, lang),
        Format::Html => html::render(reports, lang),
        Format::Json => json_doc(&reports)?,
    })
}

pub(super) fn title(lang: Lang) -> &'static str {
    lang.w(Word::IncidentTitle)
}

/// The report's own title: a medium not recorded as lost must not read as a loss report.
pub(super) fn report_title(r: &IncidentReport, lang: Lang) -> &'static str {
    if r.lost || r.loss.is_some() {
        title(lang)
    } else {
        lang.w(Word::IncidentTitleNotLost)
    }
}

pub(super) fn none_lost(lang: Lang) -> &'static str {
    lang.w(Word::NoneLost)
}
