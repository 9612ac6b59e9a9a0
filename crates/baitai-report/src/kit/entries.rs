//! Ledger entries as the audit and incident reports show them: each entry with the people it
//! names and a line saying what it recorded, marked when it did not verify; and the verdict of
//! `ledger verify` that heads both reports.

use serde::Serialize;

use super::summary::summary;
use super::units::Times;
use super::{Column, SignerView};
use crate::app::Session;
use crate::error::Result;
use crate::ledger::{StoredEntry, VerifyFailure};
use crate::lifecycle::Directory;
use crate::model::{Body, PersonId, SignRole};
use crate::{Lang, Word};

/// What `ledger verify` says at the time of printing.
#[derive(Debug, Clone, Serialize)]
pub struct VerifyStatus {
    /// Whether the ledger passed: hash chain, rules and signatures all intact (合格); false is
    /// 不合格, with [`failure`](Self::failure) saying where.
    pub ok: bool,
    /// How many entries the verify read, the whole ledger's count (not the period's).
    pub entries: u64,
    /// How many signatures it checked: an entry carries its actor's and its approver's or
    /// witness's, and a failed passphrase attempt none.
    pub signatures: u64,
    /// Hash of the last entry that verified: the value an auditor writes down.
    pub head: Option<String>,
    /// Hash of the first entry: names the ledger, so a rebuilt one cannot pass for it.
    pub ledger_id: Option<String>,
    /// The first entry that does not verify and why; absent when the ledger passed. Every row
    /// from that entry on is marked unverified.
    pub failure: Option<VerifyFailure>,
    /// When the verify was made, to the minute in the ledger's time zone (`2026-11-24 09:41`):
    /// the "as of" of the verdict line.
    pub checked_at: String,
}

/// A person named by an entry, and in which capacity.
#[derive(Debug, Clone, Serialize)]
pub struct Participant {
    /// The capacity: actor (実施者), approver (許可者) or witness (立会者); see [`signed`](Self::signed)
    /// for a failed passphrase (認証失敗者).
    pub role: SignRole,
    /// Who, as the directory knew them when printed.
    pub person: SignerView,
    /// False for the person named by a failed passphrase attempt, which nobody signs.
    pub signed: bool,
}

/// One ledger entry as the reports show it.
#[derive(Debug, Clone, Serialize)]
pub struct EntryLine {
    /// The entry's sequence number in the ledger, printed `#29`; other lists of a report refer
    /// to entries by it.
    pub seq: u64,
    /// When it was recorded, to the minute in the ledger's time zone (`2026-11-24 08:50`).
    pub time: String,
    /// The kind as stored, in English whatever the language (`medium.checkout`,
    /// `person.auth_failure`): what CSV and JSON readers filter on.
    pub kind: String,
    /// The kind in words, in the report's language.
    pub act: String,
    /// The medium number (媒体番号) it concerns; absent for the ledger's own entries (settings and
    /// people).
    pub medium: Option<String>,
    /// Everyone it names, actor first, with the capacity of each.
    pub people: Vec<Participant>,
    /// What it recorded, in one line in the report's language (`紛失: 電車内に置き忘れ…`); text typed
    /// into the ledger stays as typed.
    pub summary: String,
    /// The entry's hash, 64 hex digits (the audit report's text and HTML show the first 16).
    pub hash: String,
    /// False from the first entry that fails verification on: a forged or changed row, shown
    /// only so that the auditor sees it, marked as such in every format.
    pub verified: bool,
}

impl EntryLine {
    /// Mark a row that did not verify: its summary says so first, and nothing in it (a forged
    /// row can hold anything) reaches a terminal or a spreadsheet as a control character.
    fn mark_unverified(&mut self, lang: Lang) {
        self.verified = false;
        self.summary = format!(
            "{} {}",
            lang.w(Word::Unverified),
            super::text::visible(&self.summary)
        );
        self.time = super::text::visible(&self.time).into_owned();
        for p in &mut self.people {
            p.person.name = super::text::visible(&p.person.name).into_owned();
            p.person.affiliation = super::text::visible(&p.person.affiliation).into_owned();
        }
    }
}

/// Mark every line from the first entry that failed verification on.
pub fn mark_unverified(lines: &mut [EntryLine], verify: &VerifyStatus, lang: Lang) {
    let Some(f) = &verify.failure else {
        return;
    };
    for l in lines.iter_mut().filter(|l| l.seq >= f.seq) {
        l.mark_unverified(lang);
    }
}

/// The kind of an entry in words.
pub fn act_name(kind: &str, lang: Lang) -> String {
    match Word::act(kind) {
        Some(w) => lang.w(w).to_string(),
        None => kind.to_string(),
    }
}

/// Who an entry names: its actor (who signs, or whose passphrase failed) and the approver
/// or witness its payload names.
fn participants(dir: &Directory, e: &StoredEntry) -> Vec<Participant> {
    let mut out: Vec<Participant> = e
        .actor
        .iter()
        .map(|a| Participant {
            role: SignRole::Actor,
            person: SignerView::of(dir, a),
            signed: !e.body.is_unsigned(),
        })
        .collect();
    if let Some((role, id)) = e.body.second_signer() {
        out.push(Participant {
            role,
            person: SignerView::of(dir, id),
            signed: true,
        });
    }
    out
}

/// `山田 太郎（設計課）`, or the ID alone for someone the directory does not know.
fn name_aff(dir: &Directory, id: &PersonId) -> String {
    let p = SignerView::of(dir, id);
    if p.affiliation.is_empty() {
        p.name
    } else {
        format!("{}（{}）", p.name, p.affiliation)
    }
}

/// One line for an entry; the settings and people kinds, which forms never show, get their own.
fn entry_summary(times: Times, dir: &Directory, body: &Body, lang: Lang) -> String {
    match body {
        Body::LedgerInit(i) => format!(
            "{}: {}; {}: {}（{}）",
            lang.w(Word::SumLedgerCreated),
            i.org,
            lang.w(Word::SumFirstAdmin),
            i.admin.name,
            i.admin.affiliation
        ),
        Body::PersonAdd(p) => {
            let roles: Vec<&str> = p.roles.iter().map(|r| lang.w(Word::role(*r))).collect();
            let token = p
                .token
                .as_ref()
                .map(|t| format!("; {}: {} ({})", lang.w(Word::SumOnToken), t.label, t.serial))
                .unwrap_or_default();
            format!(
                "{}: {} {}（{}）[{}]{token}",
                lang.w(Word::SumPersonAdded),
                p.id,
                p.name,
                p.affiliation,
                roles.join(",")
            )
        }
        Body::LedgerRequireToken(r) => {
            let roles: Vec<&str> = r.roles.iter().map(|r| r.as_str()).collect();
            format!(
                "{}: {}",
                lang.w(Word::SumRequireToken),
                if roles.is_empty() {
                    lang.w(Word::NoneLower).to_string()
                } else {
                    roles.join(",")
                }
            )
        }
        Body::PersonPasswd(r) => format!(
            "{}: {}{}{}",
            lang.w(Word::SumPassphraseChanged),
            name_aff(dir, &r.id),
            match &r.new_key {
                Some(k) => format!(
                    "; {}: {}",
                    lang.w(Word::SumNewKey),
                    k.public_key.fingerprint()
                ),
                None => String::new(),
            },
            r.token
                .as_ref()
                .map(|t| format!("; {}: {} ({})", lang.w(Word::SumOnToken), t.label, t.serial))
                .unwrap_or_default()
        ),
        Body::PersonUnlock(r) => format!(
            "{}: {} {}",
            lang.w(Word::SumLockLifted),
            r.id,
            name_aff(dir, &r.id)
        ),
        Body::ExceptionGrant(g) => format!(
            "{}: {} ({} {}〜{}; {}: {})",
            lang.w(Word::ActExceptionGrant),
            g.clause,
            g.scope,
            times.stored_minute(&g.from),
            times.stored_minute(&g.until),
            lang.w(Word::ExReason),
            g.reason
        ),
        Body::ExceptionEnd(e) => format!(
            "{} #{}: {}",
            lang.w(Word::ActExceptionEnd),
            e.grant,
            e.report
        ),
        Body::PersonRoles(r) => format!(
            "{}: {} {} → {}",
            lang.w(Word::SumRolesChanged),
            r.id,
            name_aff(dir, &r.id),
            r.roles
                .iter()
                .map(|role| lang.w(Word::role(*role)))
                .collect::<Vec<_>>()
                .join("・")
        ),
        Body::PersonRevoke(r) => format!(
            "{}: {} {}",
            lang.w(Word::SumRevoked),
            r.id,
            name_aff(dir, &r.id)
        ),
        Body::AuthFailure(a) => format!(
            "{}: {}; {}: {}",
            lang.w(Word::SumWrongPassphrase),
            name_aff(dir, &a.id),
            lang.w(Word::SumCommand),
            command_words(&super::text::visible(&a.command), lang)
        ),
        other => summary(times, other, lang),
    }
}

/// The command a failed passphrase was typed for, as recorded (`medium register`), in
/// words on a Japanese page; a command not known here stays as recorded.
fn command_words(command: &str, lang: Lang) -> String {
    let word = match command {
        "medium register" | "register media" => Word::ActRegister,
        "person add" => Word::ActPersonAdd,
        "person passwd" => Word::ActPersonPasswd,
        "put" => Word::ActVaultPut,
        "get" => Word::ActVaultGet,
        "return" => Word::ActReturn,
        "vault erase" => Word::ActVaultErase,
        "vault rekey" => Word::SumRekey,
        "inventory check" => Word::ActInventoryCheck,
        other => return other.to_string(),
    };
    match lang {
        Lang::Ja => word.ja().to_string(),
        Lang::En => command.to_string(),
    }
}

/// `ledger verify` as it stands now, against this user's kept checkpoint so that a
/// truncated ledger fails here too; read-only, so the checkpoint is not moved. The whole
/// ledger for the periodic review; for an incident report, where a minute's delay at a
/// million entries matters, only what came after the checkpoint (as `--incremental`).
pub fn verify_status(session: &Session, whole: bool) -> Result<VerifyStatus> {
    let r = crate::ledger::trust::verify_pinned(session.ledger(), !whole)?;
    let id = session.ledger().ledger_id()?;
    Ok(VerifyStatus {
        ok: r.ok(),
        entries: r.entries,
        signatures: r.signatures,
        head: r.head,
        ledger_id: id,
        failure: r.failure,
        checked_at: Times::of(session).now(),
    })
}

/// An entry with the people it names and a line saying what it recorded.
pub fn entry_line(session: &Session, dir: &Directory, e: &StoredEntry, lang: Lang) -> EntryLine {
    EntryLine {
        seq: e.seq,
        time: Times::of(session).minute(e.time),
        kind: e.kind.clone(),
        act: act_name(&e.kind, lang),
        medium: e.medium.as_ref().map(|m| m.0.clone()),
        people: participants(dir, e),
        summary: entry_summary(Times::of(session), dir, &e.body, lang),
        hash: hex::encode(e.hash),
        verified: true,
    }
}

/// The capacity a person is named in; the person of a failed passphrase did not act.
pub fn role_word(p: &Participant, lang: Lang) -> &'static str {
    if p.signed {
        lang.w(Word::sign_role(p.role))
    } else {
        lang.w(Word::SignFailed)
    }
}

/// `実施者 山田 太郎（設計課）; 許可者 …`
pub fn people_text(people: &[Participant], lang: Lang) -> String {
    people
        .iter()
        .map(|p| {
            format!(
                "{} {}（{}）",
                role_word(p, lang),
                p.person.name,
                p.person.affiliation
            )
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// The verdict line that heads every format.
pub fn verify_text(v: &VerifyStatus, lang: Lang) -> String {
    match (&v.failure, lang) {
        (None, Lang::Ja) => format!(
            "合格 — {} エントリ、{} 署名（ハッシュ連鎖・規則・署名とも正常、{} 時点）",
            v.entries, v.signatures, v.checked_at
        ),
        (None, Lang::En) => format!(
            "PASSED — {} entries, {} signatures (hash chain, rules and signatures intact, as of {})",
            v.entries, v.signatures, v.checked_at
        ),
        (Some(f), Lang::Ja) => format!(
            "不合格 — エントリ {} で検証失敗: {}（{} 時点）",
            f.seq, f.reason, v.checked_at
        ),
        (Some(f), Lang::En) => format!(
            "FAILED — entry {} does not verify: {} (as of {})",
            f.seq, f.reason, v.checked_at
        ),
    }
}

/// The head hash, or a dash for an empty ledger.
pub fn head_text(v: &VerifyStatus) -> &str {
    v.head.as_deref().unwrap_or("—")
}

/// The ledger's ID (the first entry's hash), or a dash for an empty ledger.
pub fn id_text(v: &VerifyStatus) -> &str {
    v.ledger_id.as_deref().unwrap_or("—")
}

/// `#`, time and act: the columns every entry table starts with.
pub fn entry_columns(lang: Lang) -> [Column; 3] {
    [
        Column::new("#", 6, true),
        Column::new(lang.w(Word::Time), 14, false),
        Column::new(lang.w(Word::Act), 12, true),
    ]
}
