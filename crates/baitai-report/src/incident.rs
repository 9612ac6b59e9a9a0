//! The incident report for a lost medium (000 12).
//!
//! Everything the ledger knows about the medium, ready to send.

use serde::Serialize;
use unicode_width::UnicodeWidthStr;

use super::audit::{
    entry_cells, entry_columns, headings, people_html, people_text, table_html, verify_html,
    verify_text, Column, EntryLine, HtmlRow, VerifyStatus, SHARED_CSS,
};
use super::form::{summary, SignerView};
use super::text::{pad, table};
use super::{csv_doc, esc, html, human_bytes, json_doc, Format, Lang};
use crate::app::Session;
use crate::error::Result;
use crate::ledger::StoredEntry;
use crate::lifecycle::{Directory, Holding, MediumState};
use crate::model::{Body, VaultFile, VaultPut, WipeResult};

/// Who reported the loss, when, and what they said; and whether it has been found since.
#[derive(Debug, Clone, Serialize)]
pub struct Loss {
    pub reported_by: SignerView,
    pub time: String,
    pub circumstances: String,
    pub found: Option<Found>,
}

/// The medium came back after the loss was reported (a `return` after `lost`).
#[derive(Debug, Clone, Serialize)]
pub struct Found {
    pub time: String,
    pub received_by: SignerView,
}

/// The last person who had the medium out, and on what terms.
#[derive(Debug, Clone, Serialize)]
pub struct Holder {
    pub person: SignerView,
    pub since: String,
    pub terms: String,
}

/// What the ledger's record of puts says the vault held.
#[derive(Debug, Clone, Serialize)]
pub struct Contents {
    pub count: usize,
    pub bytes: u64,
    pub files: Vec<VaultFile>,
}

/// How the vault was protected, from the latest put.
#[derive(Debug, Clone, Serialize)]
pub struct Encryption {
    pub cipher: String,
    /// People holding a key slot: any one of them can open the vault with their passphrase.
    pub key_slots: Vec<SignerView>,
    /// An outside recipient's passphrase opens it too.
    pub passphrase_slot: bool,
    pub recorded_at: String,
    /// The key slots were destroyed (crypto-erase) after that put.
    pub erased_at: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct IncidentReport {
    pub org: String,
    pub medium: String,
    /// `C3-I2-A1`
    pub marking: String,
    /// The marking in words, in the report's language.
    pub marking_text: String,
    /// Whether the marking is headed 保護すべき情報.
    pub protected: bool,
    pub restriction: Option<String>,
    pub label: Option<String>,
    pub device: Option<String>,
    pub media_kind: String,
    pub registered: String,
    pub received_from: Option<String>,
    pub state: String,
    pub clean: String,
    pub lost: bool,
    pub loss: Option<Loss>,
    pub last_holder: Option<Holder>,
    /// The entry the time line starts at: the registration, or the last verified clean state.
    pub since: EntryLine,
    pub timeline: Vec<EntryLine>,
    pub contents: Contents,
    pub encryption: Option<Encryption>,
    pub verify: VerifyStatus,
    pub next_steps: Vec<String>,
    pub timezone: String,
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
    let entries = session.ledger.medium_entries(&state.number)?;
    let dir = session.directory()?;
    let start = entries
        .iter()
        .rposition(|e| starts_clean(&e.body))
        .unwrap_or(0);
    let window = entries.get(start..).unwrap_or_default();
    let mut timeline: Vec<EntryLine> = window
        .iter()
        .map(|e| super::audit::entry_line(session, &dir, e, lang))
        .collect();
    super::audit::mark_unverified(&mut timeline, verify, lang);
    let since = timeline
        .first()
        .cloned()
        .ok_or_else(|| crate::Error::Integrity(format!("{} has no entries", state.number)))?;
    let form = super::form::form(session, medium, lang)?;
    let loss = loss(session, &dir, &entries);
    let encryption = encryption(session, &dir, window);
    let contents = contents(session, &state)?;
    let lost = state.holding == Holding::Lost;
    Ok(IncidentReport {
        org: session.settings.org.clone(),
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
        timezone: session.settings.timezone.clone(),
        printed: session.show_time(crate::time::now()),
    })
}

/// One report per medium the ledger shows as lost, in registration order.
pub fn incidents(
    session: &Session,
    lang: Lang,
    verify: &VerifyStatus,
) -> Result<Vec<IncidentReport>> {
    let mut out = Vec::new();
    for m in session.ledger.media()? {
        let lost = session
            .ledger
            .medium_state(&m)?
            .is_some_and(|s| s.holding == Holding::Lost);
        if lost {
            out.push(incident(session, &m.0, lang, verify)?);
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
                time: session.show_time(r.time),
                received_by: SignerView::of(dir, a),
            }),
            _ => None,
        });
    Some(Loss {
        reported_by: SignerView::of(dir, e.actor.as_ref()?),
        time: session.show_time(e.time),
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
            since: session.show_time(stored.time),
            terms: format!(
                "{} #{}",
                lang.t("保管中（返却で受領）", "in storage, received back at entry"),
                stored.seq
            ),
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
        since: issue.map(|e| session.show_time(e.time)).unwrap_or_default(),
        terms: issue
            .map(|e| summary(session, &e.body, lang))
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
        .map(|e| session.show_time(e.time));
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
        recorded_at: s.show_time(e.time),
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
        (true, _) => steps.push(lang.t(
            "直ちに情報保証責任者（管理者）へ報告し、この報告書を添えて防衛省の契約担当官等へ届け出ること（000 12）。",
            "Report this at once to the information assurance officer and, with this report, to the Ministry of Defense contracting officer (000 12).",
        ).to_string()),
        (false, Some(f)) => steps.push(match lang {
            Lang::Ja => format!("{} に発見・受領済み：届出先へ発見を連絡し、再使用の前に消去確認すること。", f.time),
            Lang::En => format!("Found and received back at {}: tell those the loss was reported to, and verify it clean before reuse.", f.time),
        }),
        (false, None) => steps.push(lang.t(
            "この媒体は紛失として記録されていない。所在が分からなければ直ちに `baitai lost` で記録すること。",
            "This medium is not recorded as lost. If it cannot be found, record it at once with `baitai lost`.",
        ).to_string()),
    }
    if !lost {
        return steps;
    }
    steps.push(match enc {
        Some(e) if e.erased_at.is_none() => match lang {
            Lang::Ja => format!("保管データは {} で暗号化されている：鍵スロット保持者のパスフレーズが漏れていないか確認すること{}。", e.cipher, if e.passphrase_slot { "（パスフレーズスロットのパスフレーズを知る受領者も含む）" } else { "" }),
            Lang::En => format!("The vault is encrypted with {}: check that no key-slot holder's passphrase{} has leaked.", e.cipher, if e.passphrase_slot { " (nor the passphrase slot's, known to an outside recipient)" } else { "" }),
        },
        Some(_) => lang.t(
            "暗号消去済みだが全面消去の記録はない：媒体上に残る暗号文の扱いを判断すること。",
            "The vault was crypto-erased but never wiped: decide how to treat the ciphertext left on it.",
        ).to_string(),
        None => lang.t(
            "baitai による暗号化の記録がない：媒体上の情報はすべて漏えいしたものとして扱うこと。",
            "The ledger records no encrypted vault on it: treat everything on the medium as exposed.",
        ).to_string(),
    });
    steps.push(lang.t(
        "見つかった場合は `baitai return` で受領し、消去確認まで再使用しないこと。",
        "If it is found, receive it with `baitai return` and do not reuse it until it is verified clean.",
    ).to_string());
    steps
}

pub fn render(reports: &[IncidentReport], format: Format, lang: Lang) -> Result<String> {
    Ok(match format {
        Format::Text => all_text(reports, lang),
        Format::Csv => incidents_csv(reports, lang),
        Format::Html => incidents_html(reports, lang),
        Format::Json => json_doc(&reports)?,
    })
}

fn title(lang: Lang) -> &'static str {
    lang.t(
        "情報セキュリティ事故報告（可搬記憶媒体の紛失）",
        "Information security incident report: lost portable medium",
    )
}

/// The report's own title: a medium not recorded as lost must not read as a loss report.
fn report_title(r: &IncidentReport, lang: Lang) -> &'static str {
    if r.lost || r.loss.is_some() {
        title(lang)
    } else {
        lang.t(
            "事故報告用の媒体記録（紛失の記録なし）",
            "Medium record for an incident report (not recorded as lost)",
        )
    }
}

fn none_lost(lang: Lang) -> &'static str {
    lang.t(
        "紛失として記録されている媒体はありません。",
        "No medium is recorded as lost.",
    )
}

fn all_text(reports: &[IncidentReport], lang: Lang) -> String {
    if reports.is_empty() {
        return format!("{}\n\n{}\n", title(lang), none_lost(lang));
    }
    reports
        .iter()
        .map(|r| incident_text(r, lang))
        .collect::<Vec<_>>()
        .join(&format!("\n{}\n\n", "=".repeat(78)))
}

/// `label  value` lines with the labels padded to one display width.
fn kv(rows: &[(&str, String)]) -> String {
    let w = rows.iter().map(|(k, _)| k.width()).max().unwrap_or(0);
    rows.iter()
        .map(|(k, v)| format!("  {}  {v}\n", pad(k, w)))
        .collect()
}

fn person(p: &SignerView) -> String {
    format!(
        "{}（{}）{} [{}]",
        p.name, p.affiliation, p.id, p.fingerprint
    )
}

fn opt(v: &Option<String>) -> String {
    v.clone().unwrap_or_else(|| "—".to_string())
}

/// What the registration recorded about the device, or that it recorded nothing.
fn device_text(r: &IncidentReport, lang: Lang) -> String {
    match (&r.device, lang) {
        (Some(d), _) => format!("{} ({})", super::text::visible(d), r.media_kind),
        (None, Lang::Ja) => format!("登録時の記録なし（種別 {}）", r.media_kind),
        (None, Lang::En) => format!("none recorded (kind {})", r.media_kind),
    }
}

/// Where it is and, unless it is lost, what is known of its data: the data state of a
/// lost medium ("fresh", say) describes the last return, not what it holds now.
fn state_text(r: &IncidentReport) -> String {
    if r.lost {
        r.state.clone()
    } else {
        format!("{} / {}", r.state, r.clean)
    }
}

/// `C3-I2-A1（機密性3 完全性2 可用性1）`; in English the compact form says it all.
fn marking_text(r: &IncidentReport) -> String {
    if r.marking == r.marking_text {
        r.marking.clone()
    } else {
        format!("{}（{}）", r.marking, r.marking_text)
    }
}

fn size_text(bytes: u64, lang: Lang) -> String {
    format!(
        "{bytes} {} ({})",
        lang.t("バイト", "bytes"),
        human_bytes(bytes)
    )
}

/// The facts in the order a report form asks for them: the medium, the loss, the data.
fn facts(r: &IncidentReport, lang: Lang) -> Vec<(&'static str, String)> {
    let mut rows = vec![
        (lang.t("媒体番号", "Medium No."), r.medium.clone()),
        (lang.t("格付", "Classification"), marking_text(r)),
        (
            lang.t("取扱制限", "Handling restriction"),
            opt(&r.restriction),
        ),
        (lang.t("組織", "Organisation"), r.org.clone()),
        (lang.t("ラベル", "Label"), opt(&r.label)),
        (lang.t("装置", "Device"), device_text(r, lang)),
        (lang.t("登録", "Registered"), r.registered.clone()),
    ];
    if let Some(f) = &r.received_from {
        rows.push((lang.t("受領元", "Received from"), f.clone()));
    }
    rows.push((lang.t("現在の状態", "State now"), state_text(r)));
    rows
}

fn loss_rows(r: &IncidentReport, lang: Lang) -> Vec<(&'static str, String)> {
    let mut rows = Vec::new();
    match &r.loss {
        Some(l) => {
            rows.push((lang.t("報告者", "Reported by"), person(&l.reported_by)));
            rows.push((lang.t("報告日時", "Reported at"), l.time.clone()));
            rows.push((lang.t("状況", "Circumstances"), l.circumstances.clone()));
            if let Some(f) = &l.found {
                rows.push((
                    lang.t("発見・受領", "Found, received by"),
                    format!("{} {}", f.time, person(&f.received_by)),
                ));
            }
        }
        None => rows.push((
            lang.t("紛失の報告", "Loss reported"),
            lang.t(
                "なし（紛失として記録されていない）",
                "no (not recorded as lost)",
            )
            .to_string(),
        )),
    }
    match &r.last_holder {
        Some(h) => {
            rows.push((lang.t("最後の保持者", "Last holder"), person(&h.person)));
            rows.push((
                lang.t("保持の開始", "Held since"),
                format!("{} — {}", h.since, h.terms),
            ));
        }
        None => rows.push((
            lang.t("最後の保持者", "Last holder"),
            lang.t("なし（払出しの記録なし）", "none (never issued)")
                .to_string(),
        )),
    }
    rows
}

fn data_rows(r: &IncidentReport, lang: Lang) -> Vec<(&'static str, String)> {
    let c = &r.contents;
    let mut rows = vec![
        (lang.t("ファイル数", "Files"), c.count.to_string()),
        (lang.t("合計サイズ", "Total size"), size_text(c.bytes, lang)),
    ];
    match &r.encryption {
        Some(e) => {
            rows.push((
                lang.t("暗号化", "Encrypted"),
                format!("{} — {}", lang.t("あり", "yes"), e.cipher),
            ));
            let slots: Vec<String> = e.key_slots.iter().map(person).collect();
            rows.push((lang.t("鍵スロット保持者", "Key slots"), slots.join(", ")));
            rows.push((
                lang.t("パスフレーズスロット", "Passphrase slot"),
                lang.t(
                    if e.passphrase_slot {
                        "あり"
                    } else {
                        "なし"
                    },
                    if e.passphrase_slot { "yes" } else { "no" },
                )
                .to_string(),
            ));
            if let Some(t) = &e.erased_at {
                rows.push((lang.t("暗号消去", "Crypto-erased"), t.clone()));
            }
        }
        None => rows.push((
            lang.t("暗号化", "Encrypted"),
            lang.t("記録なし", "no record of a vault").to_string(),
        )),
    }
    rows
}

/// `（#29 登録 2026-11-24 09:00 以降）`: where the time line and the file list start.
fn since_text(r: &IncidentReport, lang: Lang) -> String {
    let (seq, act, time) = (r.since.seq, &r.since.act, &r.since.time);
    match lang {
        Lang::Ja => format!("（#{seq} {act} {time} 以降）"),
        Lang::En => format!(" (since #{seq} {act}, {time})"),
    }
}

fn incident_text(r: &IncidentReport, lang: Lang) -> String {
    let mut o = format!("{} (000 12)\n", report_title(r, lang));
    o += &format!(
        "{}: {} ({})\n\n",
        lang.t("出力日時", "Printed"),
        r.printed,
        r.timezone
    );
    o += &kv(&facts(r, lang));
    o += &format!("\n{}\n", lang.t("紛失と保持者", "Loss and holder"));
    o += &kv(&loss_rows(r, lang));
    o += &format!(
        "\n{}{}\n",
        lang.t(
            "保管データ（台帳の書込み記録による）",
            "Data on it, per the ledger's record of puts"
        ),
        since_text(r, lang)
    );
    o += &kv(&data_rows(r, lang));
    let files: Vec<Vec<String>> = r
        .contents
        .files
        .iter()
        .map(|f| vec![f.name.clone(), f.size.to_string()])
        .collect();
    if !files.is_empty() {
        o += "\n";
        o += &indent(&table(
            &[lang.t("ファイル名", "File"), lang.t("バイト", "Bytes")],
            &files,
        ));
    }
    o += &format!("\n{}{}\n", lang.t("経過", "Time line"), since_text(r, lang));
    let rows: Vec<Vec<String>> = r
        .timeline
        .iter()
        .map(|e| {
            vec![
                format!("#{}", e.seq),
                e.time.clone(),
                e.act.clone(),
                people_text(&e.people, lang),
                e.summary.clone(),
            ]
        })
        .collect();
    o += &indent(&table(&headings(&timeline_columns(lang)), &rows));
    o += &format!(
        "\n{}: {}\n{}: {}\n",
        lang.t("台帳検証", "Ledger verify"),
        verify_text(&r.verify, lang),
        lang.t("ヘッドハッシュ", "Head hash"),
        r.verify.head.as_deref().unwrap_or("—")
    );
    o += &format!("\n{}\n", lang.t("次の対応", "What to do next"));
    for s in &r.next_steps {
        o += &format!("  - {s}\n");
    }
    o
}

fn indent(s: &str) -> String {
    s.lines().map(|l| format!("  {l}\n")).collect()
}

/// One row per medium: the register of incidents a spreadsheet keeps.
fn incidents_csv(reports: &[IncidentReport], lang: Lang) -> String {
    let header = [
        lang.t("媒体番号", "medium"),
        lang.t("格付", "marking"),
        lang.t("取扱制限", "restriction"),
        lang.t("ラベル", "label"),
        lang.t("状態", "state"),
        lang.t("最後の保持者", "last holder"),
        lang.t("所属", "affiliation"),
        lang.t("報告者", "reported by"),
        lang.t("報告日時", "reported at"),
        lang.t("状況", "circumstances"),
        lang.t("ファイル数", "files"),
        lang.t("バイト", "bytes"),
        lang.t("ファイル名", "file names"),
        lang.t("暗号方式", "cipher"),
        lang.t("鍵スロット保持者", "key slots"),
        lang.t("パスフレーズスロット", "passphrase slot"),
        lang.t("台帳検証", "ledger verify"),
        lang.t("ヘッドハッシュ", "head hash"),
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

/// A4 portrait; each medium from a new page, so each report can be sent on its own.
const CSS: &str = r#"
@page { size: A4 portrait; margin: 12mm; }
h1 { font-size: 14pt; letter-spacing: 0.05em; margin-bottom: 1mm; }
.incident + .incident { break-before: page; page-break-before: always; }
.head { display: flex; justify-content: space-between; align-items: center; margin-bottom: 1mm; }
.head .no { font-size: 13pt; font-weight: bold; border-bottom: 1px solid #000; padding: 0 2mm; }
.marking { font-weight: bold; border: 2px solid #000; padding: 1mm 3mm; }
.status { font-weight: bold; border: 3px double #b00000; color: #b00000; padding: 1mm 3mm; }
.status.ok { border: 2px solid #000; color: #000; }
th, td { padding: 0.4mm 1mm; }
.next { border: 2px solid #000; padding: 1mm 3mm; margin-top: 2mm; break-inside: avoid; page-break-inside: avoid; }
.next ul { margin: 0.5mm 0; padding-left: 5mm; }
.next li { margin: 0.5mm 0; }
"#;

fn incidents_html(reports: &[IncidentReport], lang: Lang) -> String {
    let body = if reports.is_empty() {
        format!(
            "<h1>{}</h1>\n<p class=\"sub\">{}</p>\n",
            esc(title(lang)),
            esc(none_lost(lang))
        )
    } else {
        reports.iter().map(|r| incident_html(r, lang)).collect()
    };
    let page_title = match reports {
        [one] => format!("{} {}", report_title(one, lang), one.medium),
        _ => title(lang).to_string(),
    };
    html::page_styled(&page_title, lang, &format!("{SHARED_CSS}{CSS}"), &body)
}

fn kv_html(rows: &[(&str, String)]) -> String {
    let mut b = String::from("<table class=\"kv\">\n");
    for (k, v) in rows {
        b += &format!("<tr><th>{}</th><td>{}</td></tr>\n", esc(k), esc(v));
    }
    b + "</table>\n"
}

fn incident_html(r: &IncidentReport, lang: Lang) -> String {
    let mut b = String::from("<section class=\"incident\">\n");
    b += &format!("<h1>{}</h1>\n", esc(report_title(r, lang)));
    b += &format!(
        "<p class=\"sub\">{} — {}: {}（{}）</p>\n",
        esc(&r.org),
        esc(lang.t("出力日時", "Printed")),
        esc(&r.printed),
        esc(&r.timezone)
    );
    let (status_class, status) = if r.lost {
        ("status", lang.t("紛失", "LOST"))
    } else {
        ("status ok", r.state.as_str())
    };
    b += &format!(
        "<div class=\"head\"><span class=\"no\">{}{}</span><span class=\"marking\">{}{}</span><span class=\"{status_class}\">{}</span></div>\n",
        esc(lang.t("媒体番号：", "Medium No. ")),
        esc(&r.medium),
        esc(lang.protected_heading(r.protected)),
        esc(&r.marking),
        esc(status)
    );
    b += &format!("<h2>{}</h2>\n", esc(lang.t("媒体", "The medium")));
    b += &kv_html(&facts(r, lang));
    b += &format!(
        "<h2>{}</h2>\n",
        esc(lang.t("紛失と保持者", "Loss and holder"))
    );
    b += &kv_html(&loss_rows(r, lang));
    b += &format!(
        "<h2>{}<small>{}</small></h2>\n",
        esc(lang.t(
            "保管データ（台帳の書込み記録による）",
            "Data on it, per the ledger's record of puts"
        )),
        esc(&since_text(r, lang))
    );
    b += &kv_html(&data_rows(r, lang));
    b += &files_html(r, lang);
    b += &format!(
        "<h2>{}<small>{}</small></h2>\n",
        esc(lang.t("経過", "Time line")),
        esc(&since_text(r, lang))
    );
    b += &timeline_html(r, lang);
    b += &verify_html(&r.verify, lang);
    b += &format!(
        "<div class=\"next\"><strong>{}</strong>\n<ul>\n",
        esc(lang.t("次の対応", "What to do next"))
    );
    for s in &r.next_steps {
        b += &format!("<li>{}</li>\n", esc(s));
    }
    b + "</ul></div>\n</section>\n"
}

fn files_html(r: &IncidentReport, lang: Lang) -> String {
    if r.contents.files.is_empty() {
        return String::new();
    }
    let columns = [
        Column::new(lang.t("ファイル名", "File"), 85, true),
        Column::new(lang.t("バイト", "Bytes"), 15, false),
    ];
    let rows: Vec<HtmlRow> = r
        .contents
        .files
        .iter()
        .map(|f| HtmlRow {
            alert: false,
            cells: vec![esc(&f.name), format!("<div class=\"num\">{}</div>", f.size)],
        })
        .collect();
    table_html(&columns, &rows)
}

fn timeline_columns(lang: Lang) -> [Column; 5] {
    let [seq, time, act] = entry_columns(lang);
    [
        seq,
        time,
        act,
        Column::new(lang.t("担当者", "People"), 29, true),
        Column::new(lang.t("内容", "Entry"), 39, true),
    ]
}

fn timeline_html(r: &IncidentReport, lang: Lang) -> String {
    let rows: Vec<HtmlRow> = r
        .timeline
        .iter()
        .map(|e| HtmlRow {
            alert: e.kind == "medium.lost",
            cells: [
                entry_cells(e),
                vec![people_html(&e.people, lang), esc(&e.summary)],
            ]
            .concat(),
        })
        .collect();
    table_html(&timeline_columns(lang), &rows)
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
