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
use super::{csv_doc, esc, html, human_bytes, json_doc, Format, Lang, Word};
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
    let since = timeline.first().cloned().ok_or_else(|| {
        crate::error::Error::Integrity(format!("{} has no entries", state.number))
    })?;
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
        since: issue.map(|e| session.show_time(e.time)).unwrap_or_default(),
        terms: issue
            .map(|e| summary(crate::kit::units::Times::of(session), &e.body, lang))
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
            Lang::Ja => format!("保管データは {} で暗号化されている：鍵スロット保持者のパスフレーズが漏れていないか確認すること{}。", e.cipher, if e.passphrase_slot { "（パスフレーズスロットのパスフレーズを知る受領者も含む）" } else { "" }),
            Lang::En => format!("The vault is encrypted with {}: check that no key-slot holder's passphrase{} has leaked.", e.cipher, if e.passphrase_slot { " (nor the passphrase slot's, known to an outside recipient)" } else { "" }),
        },
        Some(_) => lang.w(Word::StepCryptoErased).to_string(),
        None => lang.w(Word::StepNoVault).to_string(),
    });
    steps.push(lang.w(Word::StepIfFound).to_string());
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
    lang.w(Word::IncidentTitle)
}

/// The report's own title: a medium not recorded as lost must not read as a loss report.
fn report_title(r: &IncidentReport, lang: Lang) -> &'static str {
    if r.lost || r.loss.is_some() {
        title(lang)
    } else {
        lang.w(Word::IncidentTitleNotLost)
    }
}

fn none_lost(lang: Lang) -> &'static str {
    lang.w(Word::NoneLost)
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
    format!("{bytes} {} ({})", lang.w(Word::Bytes), human_bytes(bytes))
}

/// The facts in the order a report form asks for them: the medium, the loss, the data.
fn facts(r: &IncidentReport, lang: Lang) -> Vec<(&'static str, String)> {
    let mut rows = vec![
        (lang.w(Word::MediumNo), r.medium.clone()),
        (lang.w(Word::Classification), marking_text(r)),
        (lang.w(Word::HandlingRestriction), opt(&r.restriction)),
        (lang.w(Word::Organisation), r.org.clone()),
        (lang.w(Word::Label), opt(&r.label)),
        (lang.w(Word::Device), device_text(r, lang)),
        (lang.w(Word::Registered), r.registered.clone()),
    ];
    if let Some(f) = &r.received_from {
        rows.push((lang.w(Word::ReceivedFrom), f.clone()));
    }
    rows.push((lang.w(Word::StateNow), state_text(r)));
    rows
}

fn loss_rows(r: &IncidentReport, lang: Lang) -> Vec<(&'static str, String)> {
    let mut rows = Vec::new();
    match &r.loss {
        Some(l) => {
            rows.push((lang.w(Word::ReportedBy), person(&l.reported_by)));
            rows.push((lang.w(Word::ReportedAt), l.time.clone()));
            rows.push((lang.w(Word::Circumstances), l.circumstances.clone()));
            if let Some(f) = &l.found {
                rows.push((
                    lang.w(Word::FoundReceivedBy),
                    format!("{} {}", f.time, person(&f.received_by)),
                ));
            }
        }
        None => rows.push((
            lang.w(Word::LossReported),
            lang.w(Word::NotRecordedLost).to_string(),
        )),
    }
    match &r.last_holder {
        Some(h) => {
            rows.push((lang.w(Word::LastHolder), person(&h.person)));
            rows.push((
                lang.w(Word::HeldSince),
                format!("{} — {}", h.since, h.terms),
            ));
        }
        None => rows.push((
            lang.w(Word::LastHolder),
            lang.w(Word::NeverIssued).to_string(),
        )),
    }
    rows
}

fn data_rows(r: &IncidentReport, lang: Lang) -> Vec<(&'static str, String)> {
    let c = &r.contents;
    let mut rows = vec![
        (lang.w(Word::FileCount), c.count.to_string()),
        (lang.w(Word::TotalSize), size_text(c.bytes, lang)),
    ];
    match &r.encryption {
        Some(e) => {
            rows.push((
                lang.w(Word::Encrypted),
                format!("{} — {}", lang.w(Word::Yes), e.cipher),
            ));
            let slots: Vec<String> = e.key_slots.iter().map(person).collect();
            rows.push((lang.w(Word::KeySlots), slots.join(", ")));
            rows.push((
                lang.w(Word::PassphraseSlot),
                lang.w(if e.passphrase_slot {
                    Word::Yes
                } else {
                    Word::No
                })
                .to_string(),
            ));
            if let Some(t) = &e.erased_at {
                rows.push((lang.w(Word::CryptoErased), t.clone()));
            }
        }
        None => rows.push((
            lang.w(Word::Encrypted),
            lang.w(Word::NoVaultRecord).to_string(),
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
        lang.w(Word::PrintedAt),
        r.printed,
        r.timezone
    );
    o += &kv(&facts(r, lang));
    o += &format!("\n{}\n", lang.w(Word::LossAndHolder));
    o += &kv(&loss_rows(r, lang));
    o += &format!("\n{}{}\n", lang.w(Word::DataOnIt), since_text(r, lang));
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
            &[lang.w(Word::FileName), lang.w(Word::BytesHeading)],
            &files,
        ));
    }
    o += &format!("\n{}{}\n", lang.w(Word::TimeLine), since_text(r, lang));
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
        lang.w(Word::LedgerVerify),
        verify_text(&r.verify, lang),
        lang.w(Word::HeadHash),
        r.verify.head.as_deref().unwrap_or("—")
    );
    o += &format!("\n{}\n", lang.w(Word::WhatNext));
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
        esc(lang.w(Word::PrintedAt)),
        esc(&r.printed),
        esc(&r.timezone)
    );
    let (status_class, status) = if r.lost {
        ("status", lang.w(Word::LostStatus))
    } else {
        ("status ok", r.state.as_str())
    };
    b += &format!(
        "<div class=\"head\"><span class=\"no\">{}{}</span><span class=\"marking\">{}{}</span><span class=\"{status_class}\">{}</span></div>\n",
        esc(lang.w(Word::MediumNoLead)),
        esc(&r.medium),
        esc(lang.protected_heading(r.protected)),
        esc(&r.marking),
        esc(status)
    );
    b += &format!("<h2>{}</h2>\n", esc(lang.w(Word::TheMedium)));
    b += &kv_html(&facts(r, lang));
    b += &format!("<h2>{}</h2>\n", esc(lang.w(Word::LossAndHolder)));
    b += &kv_html(&loss_rows(r, lang));
    b += &format!(
        "<h2>{}<small>{}</small></h2>\n",
        esc(lang.w(Word::DataOnIt)),
        esc(&since_text(r, lang))
    );
    b += &kv_html(&data_rows(r, lang));
    b += &files_html(r, lang);
    b += &format!(
        "<h2>{}<small>{}</small></h2>\n",
        esc(lang.w(Word::TimeLine)),
        esc(&since_text(r, lang))
    );
    b += &timeline_html(r, lang);
    b += &verify_html(&r.verify, lang);
    b += &format!(
        "<div class=\"next\"><strong>{}</strong>\n<ul>\n",
        esc(lang.w(Word::WhatNext))
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
        Column::new(lang.w(Word::FileName), 85, true),
        Column::new(lang.w(Word::BytesHeading), 15, false),
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
        Column::new(lang.w(Word::People), 29, true),
        Column::new(lang.w(Word::Entry), 39, true),
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
