//! The audit report for the periodic log review (000 10(11)イ).
//!
//! Every entry of a period, by medium and by person, under the result of `ledger verify`.

use std::collections::BTreeMap;

use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp};
use serde::Serialize;

use super::form::{role_name, summary, SignerView};
use super::text::table;
use super::{csv_doc, esc, html, json_doc, Format, Lang, Word};
use crate::app::Session;
use crate::error::{Error, Result};
use crate::ledger::{StoredEntry, VerifyFailure};
use crate::lifecycle::Directory;
use crate::model::{Body, PersonId, SignRole};
use crate::time::{parse_user, DayEnd};

/// What `ledger verify` says at the time of printing.
#[derive(Debug, Clone, Serialize)]
pub struct VerifyStatus {
    pub ok: bool,
    pub entries: u64,
    pub signatures: u64,
    /// Hash of the last entry that verified: the value an auditor writes down.
    pub head: Option<String>,
    /// Hash of the first entry: names the ledger, so a rebuilt one cannot pass for it.
    pub ledger_id: Option<String>,
    pub failure: Option<VerifyFailure>,
    pub checked_at: String,
}

/// A person named by an entry, and in which capacity.
#[derive(Debug, Clone, Serialize)]
pub struct Participant {
    pub role: SignRole,
    pub person: SignerView,
    /// False for the person named by a failed passphrase attempt, which nobody signs.
    pub signed: bool,
}

/// One ledger entry as the reports show it.
#[derive(Debug, Clone, Serialize)]
pub struct EntryLine {
    pub seq: u64,
    pub time: String,
    pub kind: String,
    /// The kind in words, in the report's language.
    pub act: String,
    pub medium: Option<String>,
    pub people: Vec<Participant>,
    pub summary: String,
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

#[derive(Debug, Clone, Serialize)]
pub struct KindCount {
    pub kind: String,
    pub act: String,
    pub count: usize,
}

/// The entries of one medium, or of the ledger itself (`medium` absent: settings and people).
#[derive(Debug, Clone, Serialize)]
pub struct MediumGroup {
    pub medium: Option<String>,
    pub counts: Vec<KindCount>,
    /// Sequence numbers into [`AuditReport::entries`].
    pub entries: Vec<u64>,
}

/// The entries one person is named in, in any role.
#[derive(Debug, Clone, Serialize)]
pub struct PersonGroup {
    pub person: SignerView,
    pub counts: Vec<KindCount>,
    pub auth_failures: usize,
    pub entries: Vec<u64>,
}

#[derive(Debug, Clone, Serialize)]
pub struct AuditReport {
    pub org: String,
    pub from: String,
    pub to: String,
    pub timezone: String,
    pub printed: String,
    pub verify: VerifyStatus,
    pub counts: Vec<KindCount>,
    pub entries: Vec<EntryLine>,
    /// Live vaults that still carry a key slot for a person since revoked.
    pub revoked_slots: Vec<crate::app::RevokedSlots>,
    /// Sequence numbers of failed passphrase attempts in the period.
    pub auth_failures: Vec<u64>,
    /// Sequence numbers of people added, revoked, or changing their passphrase.
    pub person_changes: Vec<u64>,
    pub by_medium: Vec<MediumGroup>,
    pub by_person: Vec<PersonGroup>,
}

/// The period a review covers, both ends included.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Period {
    pub from: Timestamp,
    pub to: Timestamp,
}

impl Period {
    /// `--from` from the start of what it names, `--to` to the end of what it names (a bare
    /// date is the whole day, `HH:MM` the whole minute), in the ledger's zone.
    pub fn parse(from: &str, to: &str, tz: &TimeZone) -> Result<Period> {
        let start = parse_user(from, tz, DayEnd::Start)?;
        let end = end_of(to, tz)?;
        if end < start {
            return Err(Error::usage(format!("--to {to} is before --from {from}")));
        }
        Ok(Period {
            from: start,
            to: end,
        })
    }
}

/// The last microsecond of the date, minute or second written: stored times have
/// microseconds, and an entry at 17:00:30 belongs to a period that ends "17:00".
fn end_of(s: &str, tz: &TimeZone) -> Result<Timestamp> {
    let t = parse_user(s, tz, DayEnd::End)?;
    let s = s.trim();
    let extra = match s.len() {
        _ if s.parse::<Timestamp>().is_ok() => 0,
        10 | 19 => 999_999,
        16 => 59_999_999,
        _ => 0,
    };
    Ok(t.checked_add(SignedDuration::from_micros(extra))
        .unwrap_or(t))
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
fn entry_summary(s: &Session, dir: &Directory, body: &Body, lang: Lang) -> String {
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
            let roles: Vec<&str> = p.roles.iter().map(|r| r.as_str()).collect();
            format!(
                "{}: {} {}（{}）[{}]",
                lang.w(Word::SumPersonAdded),
                p.id,
                p.name,
                p.affiliation,
                roles.join(",")
            )
        }
        Body::PersonPasswd(r) => format!(
            "{}: {}{}",
            lang.w(Word::SumPassphraseChanged),
            name_aff(dir, &r.id),
            match &r.new_key {
                Some(k) => format!(
                    "; {}: {}",
                    lang.w(Word::SumNewKey),
                    k.public_key.fingerprint()
                ),
                None => String::new(),
            }
        ),
        Body::PersonUnlock(r) => format!(
            "{}: {} {}",
            lang.w(Word::SumLockLifted),
            r.id,
            name_aff(dir, &r.id)
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
            super::text::visible(&a.command)
        ),
        other => summary(crate::kit::units::Times::of(s), other, lang),
    }
}

fn count_kinds<'a>(lines: impl Iterator<Item = &'a EntryLine>, lang: Lang) -> Vec<KindCount> {
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for l in lines {
        *counts.entry(l.kind.as_str()).or_default() += 1;
    }
    counts
        .into_iter()
        .map(|(kind, count)| KindCount {
            kind: kind.to_string(),
            act: act_name(kind, lang),
            count,
        })
        .collect()
}

/// `ledger verify` as it stands now, against this user's kept checkpoint so that a
/// truncated ledger fails here too; read-only, so the checkpoint is not moved. The whole
/// ledger for the periodic review; for an incident report, where a minute's delay at a
/// million entries matters, only what came after the checkpoint (as `--incremental`).
pub fn verify_status(session: &Session, whole: bool) -> Result<VerifyStatus> {
    let r = crate::ledger::trust::verify_pinned(&session.ledger, !whole)?;
    let id = session.ledger.ledger_id()?;
    Ok(VerifyStatus {
        ok: r.ok(),
        entries: r.entries,
        signatures: r.signatures,
        head: r.head,
        ledger_id: id,
        failure: r.failure,
        checked_at: session.show_time(crate::time::now()),
    })
}

/// An entry with the people it names and a line saying what it recorded.
pub fn entry_line(session: &Session, dir: &Directory, e: &StoredEntry, lang: Lang) -> EntryLine {
    EntryLine {
        seq: e.seq,
        time: session.show_time(e.time),
        kind: e.kind.clone(),
        act: act_name(&e.kind, lang),
        medium: e.medium.as_ref().map(|m| m.0.clone()),
        people: participants(dir, e),
        summary: entry_summary(session, dir, &e.body, lang),
        hash: hex::encode(e.hash),
        verified: true,
    }
}

pub fn audit(session: &Session, period: Period, lang: Lang) -> Result<AuditReport> {
    let verify = verify_status(session, true)?;
    let dir = session.directory()?;
    let mut entries: Vec<EntryLine> = session
        .ledger
        .entries_between(period.from, period.to)?
        .iter()
        .map(|e| entry_line(session, &dir, e, lang))
        .collect();
    mark_unverified(&mut entries, &verify, lang);
    let seqs_of = |kinds: &[&str]| -> Vec<u64> {
        entries
            .iter()
            .filter(|e| kinds.contains(&e.kind.as_str()))
            .map(|e| e.seq)
            .collect()
    };
    Ok(AuditReport {
        org: session.settings.org.clone(),
        from: session.show_time(period.from),
        to: session.show_time(period.to),
        timezone: session.settings.timezone.clone(),
        printed: session.show_time(crate::time::now()),
        verify,
        counts: count_kinds(entries.iter(), lang),
        auth_failures: seqs_of(&["person.auth_failure"]),
        person_changes: seqs_of(&[
            "person.add",
            "person.revoke",
            "person.passwd",
            "person.unlock",
        ]),
        by_medium: by_medium(&entries, lang),
        by_person: by_person(&entries, lang),
        entries,
        revoked_slots: session.revoked_slots()?,
    })
}

/// Media in number order, then the ledger's own entries (settings and people).
fn by_medium(entries: &[EntryLine], lang: Lang) -> Vec<MediumGroup> {
    let mut groups: BTreeMap<(bool, Option<&str>), Vec<&EntryLine>> = BTreeMap::new();
    for e in entries {
        let m = e.medium.as_deref();
        groups.entry((m.is_none(), m)).or_default().push(e);
    }
    groups
        .into_iter()
        .map(|((_, medium), lines)| MediumGroup {
            medium: medium.map(str::to_string),
            counts: count_kinds(lines.iter().copied(), lang),
            entries: lines.iter().map(|e| e.seq).collect(),
        })
        .collect()
}

/// People in ID order, each with every entry that names them.
fn by_person(entries: &[EntryLine], lang: Lang) -> Vec<PersonGroup> {
    let mut groups: BTreeMap<&str, (&SignerView, Vec<&EntryLine>)> = BTreeMap::new();
    for e in entries {
        for p in &e.people {
            let g = groups
                .entry(p.person.id.as_str())
                .or_insert((&p.person, Vec::new()));
            // One person in two roles of one entry is still one entry.
            if g.1.last().map(|l| l.seq) != Some(e.seq) {
                g.1.push(e);
            }
        }
    }
    groups
        .into_values()
        .map(|(person, lines)| PersonGroup {
            person: person.clone(),
            counts: count_kinds(lines.iter().copied(), lang),
            auth_failures: lines
                .iter()
                .filter(|l| l.kind == "person.auth_failure")
                .count(),
            entries: lines.iter().map(|e| e.seq).collect(),
        })
        .collect()
}

pub fn render(r: &AuditReport, format: Format, lang: Lang) -> Result<String> {
    Ok(match format {
        Format::Text => audit_text(r, lang),
        Format::Csv => audit_csv(r, lang),
        Format::Html => audit_html(r, lang),
        Format::Json => json_doc(r)?,
    })
}

fn title(lang: Lang) -> &'static str {
    lang.w(Word::AuditTitle)
}

/// The capacity a person is named in; the person of a failed passphrase did not act.
pub fn role_word(p: &Participant, lang: Lang) -> &'static str {
    if p.signed {
        role_name(p.role, lang)
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

fn roles_of(e: &EntryLine, id: &str, lang: Lang) -> String {
    e.people
        .iter()
        .filter(|p| p.person.id == id)
        .map(|p| role_word(p, lang))
        .collect::<Vec<_>>()
        .join(", ")
}

fn counts_text(c: &[KindCount]) -> String {
    c.iter()
        .map(|k| format!("{} {}", k.act, k.count))
        .collect::<Vec<_>>()
        .join(", ")
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

fn head_text(v: &VerifyStatus) -> &str {
    v.head.as_deref().unwrap_or("—")
}

fn id_text(v: &VerifyStatus) -> &str {
    v.ledger_id.as_deref().unwrap_or("—")
}

/// The entries with these numbers; `entries` is in sequence order.
fn lookup<'a>(r: &'a AuditReport, seqs: &'a [u64]) -> impl Iterator<Item = &'a EntryLine> {
    seqs.iter().filter_map(|s| {
        r.entries
            .binary_search_by_key(s, |e| e.seq)
            .ok()
            .and_then(|i| r.entries.get(i))
    })
}

fn medium_title(g: &MediumGroup, lang: Lang) -> String {
    match &g.medium {
        Some(m) => m.clone(),
        None => lang.w(Word::LedgerSettingsAndPeople).to_string(),
    }
}

fn short_hash(h: &str) -> &str {
    h.get(..16).unwrap_or(h)
}

fn audit_text(r: &AuditReport, lang: Lang) -> String {
    let mut o = format!("{} — {}\n", title(lang), r.org);
    o += &format!(
        "{}: {} 〜 {} ({})   {}: {}\n\n",
        lang.w(Word::Period),
        r.from,
        r.to,
        r.timezone,
        lang.w(Word::Printed),
        r.printed
    );
    o += &format!(
        "{}: {}\n{}: {}\n{}: {}\n{}: {}\n",
        lang.w(Word::LedgerVerify),
        verify_text(&r.verify, lang),
        lang.w(Word::LedgerIdentity),
        id_text(&r.verify),
        lang.w(Word::HeadHash),
        head_text(&r.verify),
        lang.w(Word::EntriesInPeriod),
        r.entries.len()
    );
    o += &revoked_slots_text(r, lang);
    if r.entries.is_empty() {
        o += &format!("\n({})\n", lang.w(Word::NoEntriesInPeriod));
        return o;
    }
    o += &summary_text(r, lang);
    o += &format!("\n== {} ==\n", lang.w(Word::ByMedium));
    for g in &r.by_medium {
        o += &format!(
            "\n{}  ({})\n",
            medium_title(g, lang),
            counts_text(&g.counts)
        );
        let rows: Vec<Vec<String>> = lookup(r, &g.entries)
            .map(|e| {
                vec![
                    format!("#{}", e.seq),
                    e.time.clone(),
                    e.act.clone(),
                    people_text(&e.people, lang),
                    e.summary.clone(),
                    short_hash(&e.hash).to_string(),
                ]
            })
            .collect();
        o += &table(&headings(&medium_columns(lang)), &rows);
    }
    o += &format!("\n== {} ==\n", lang.w(Word::ByPerson));
    for g in &r.by_person {
        o += &format!(
            "\n{} {}（{}）  ({})\n",
            g.person.id,
            g.person.name,
            g.person.affiliation,
            counts_text(&g.counts)
        );
        let rows: Vec<Vec<String>> = lookup(r, &g.entries)
            .map(|e| person_row(e, &g.person.id, lang))
            .collect();
        o += &table(&headings(&person_columns(lang)), &rows);
    }
    o
}

/// Counts per kind, failed passphrases and changes to people: what a reviewer looks at first.
fn summary_text(r: &AuditReport, lang: Lang) -> String {
    let mut o = format!("\n{}\n", lang.w(Word::EntriesByKind));
    let rows: Vec<Vec<String>> = r
        .counts
        .iter()
        .map(|c| vec![c.act.clone(), c.kind.clone(), c.count.to_string()])
        .collect();
    o += &table(
        &[
            lang.w(Word::Act),
            lang.w(Word::RecordName),
            lang.w(Word::Count),
        ],
        &rows,
    );
    for (heading, seqs) in [
        (lang.w(Word::AuthFailures), &r.auth_failures),
        (lang.w(Word::PeopleChanges), &r.person_changes),
    ] {
        o += &format!("\n{heading}: {}\n", seqs.len());
        if seqs.is_empty() {
            o += &format!("  ({})\n", lang.w(Word::NoneLower));
            continue;
        }
        let rows: Vec<Vec<String>> = lookup(r, seqs)
            .map(|e| {
                vec![
                    format!("#{}", e.seq),
                    e.time.clone(),
                    people_text(&e.people, lang),
                    e.summary.clone(),
                ]
            })
            .collect();
        o += &table(&headings(&notable_columns(lang)), &rows);
    }
    o
}

/// A column of a printed table: its heading, its share of the page width in percent, and
/// whether its cells may wrap.
#[derive(Debug, Clone, Copy)]
pub struct Column {
    pub heading: &'static str,
    pub width: u8,
    pub wrap: bool,
}

impl Column {
    pub const fn new(heading: &'static str, width: u8, wrap: bool) -> Column {
        Column {
            heading,
            width,
            wrap,
        }
    }
}

pub fn headings<const N: usize>(columns: &[Column; N]) -> [&'static str; N] {
    columns.map(|c| c.heading)
}

/// `#`, time and act: the columns every entry table starts with.
pub fn entry_columns(lang: Lang) -> [Column; 3] {
    [
        Column::new("#", 6, true),
        Column::new(lang.w(Word::Time), 14, false),
        Column::new(lang.w(Word::Act), 12, true),
    ]
}

fn medium_columns(lang: Lang) -> [Column; 6] {
    let [seq, time, act] = entry_columns(lang);
    [
        seq,
        time,
        act,
        Column::new(lang.w(Word::People), 21, true),
        Column::new(lang.w(Word::Entry), 32, true),
        Column::new(lang.w(Word::Hash), 15, false),
    ]
}

fn person_columns(lang: Lang) -> [Column; 6] {
    let [seq, time, act] = entry_columns(lang);
    [
        seq,
        time,
        act,
        Column::new(lang.w(Word::Role), 9, true),
        Column::new(lang.w(Word::Medium), 13, true),
        Column::new(lang.w(Word::Entry), 46, true),
    ]
}

fn notable_columns(lang: Lang) -> [Column; 4] {
    [
        Column::new("#", 6, true),
        Column::new(lang.w(Word::Time), 14, false),
        Column::new(lang.w(Word::People), 27, true),
        Column::new(lang.w(Word::Entry), 53, true),
    ]
}

fn person_row(e: &EntryLine, id: &str, lang: Lang) -> Vec<String> {
    vec![
        format!("#{}", e.seq),
        e.time.clone(),
        e.act.clone(),
        roles_of(e, id, lang),
        e.medium.clone().unwrap_or_default(),
        e.summary.clone(),
    ]
}

fn csv_person(e: &EntryLine, role: SignRole) -> String {
    e.people
        .iter()
        .filter(|p| p.role == role)
        .map(|p| {
            format!(
                "{} {}（{}）",
                p.person.id, p.person.name, p.person.affiliation
            )
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// One row per entry of the period, each exactly once.
fn audit_csv(r: &AuditReport, lang: Lang) -> String {
    let header = [
        lang.w(Word::CsvMedium),
        lang.w(Word::CsvSeq),
        lang.w(Word::CsvTime),
        lang.w(Word::CsvKind),
        lang.w(Word::SignActor),
        lang.w(Word::SignApprover),
        lang.w(Word::SignWitness),
        lang.w(Word::CsvSummary),
        lang.w(Word::HashLower),
    ];
    let mut rows = vec![header.iter().map(|h| h.to_string()).collect::<Vec<_>>()];
    for e in &r.entries {
        rows.push(vec![
            e.medium.clone().unwrap_or_default(),
            e.seq.to_string(),
            e.time.clone(),
            e.kind.clone(),
            csv_person(e, SignRole::Actor),
            csv_person(e, SignRole::Approver),
            csv_person(e, SignRole::Witness),
            e.summary.clone(),
            e.hash.clone(),
        ]);
    }
    csv_doc(&rows)
}

/// What the incident and audit pages share: fixed table columns, readable signers, the verdict.
pub const SHARED_CSS: &str = r#"
body { font-size: 8.5pt; }
h2 { font-size: 11pt; border-bottom: 2px solid #000; margin: 3mm 0 1.5mm; padding-bottom: 0.5mm; break-after: avoid; page-break-after: avoid; }
h2 small { font-weight: normal; font-size: 8pt; margin-left: 2mm; }
h3 { font-size: 9.5pt; margin: 3mm 0 1mm; break-after: avoid; page-break-after: avoid; }
h3 .counts { font-weight: normal; font-size: 8pt; color: #333; margin-left: 2mm; }
.sub { text-align: center; margin: 0 0 3mm; }
table { margin-bottom: 2mm; }
table.entries { table-layout: fixed; }
td.nw { white-space: nowrap; }
.num { text-align: right; white-space: nowrap; }
table.kv th { text-align: left; width: 36mm; }
.who { display: block; }
.code, .hash { font-family: "DejaVu Sans Mono", monospace; }
.hash { font-size: 7pt; overflow-wrap: anywhere; }
.verdict { border: 2px solid #000; padding: 1.5mm 3mm; margin: 2mm 0 3mm; font-weight: bold; break-inside: avoid; page-break-inside: avoid; }
.verdict.bad { border: 3px double #b00000; color: #b00000; }
tr.alert td { background: #fde8e8; }
tr { break-inside: avoid; page-break-inside: avoid; }
"#;

/// A4 portrait, each section from a new page.
const CSS: &str = r#"
@page { size: A4 portrait; margin: 12mm; }
h1 { letter-spacing: 0.1em; }
table.kv { width: auto; min-width: 60%; }
.section { break-before: page; page-break-before: always; }
.empty { margin: 4mm 0; }
"#;

/// One row of an HTML table: cells already escaped; `alert` shades it.
pub struct HtmlRow {
    pub alert: bool,
    pub cells: Vec<String>,
}

/// A table with fixed column widths, so every table of a section lines up.
pub fn table_html(columns: &[Column], rows: &[HtmlRow]) -> String {
    let mut b = String::from("<table class=\"entries\">\n<colgroup>");
    for c in columns {
        b += &format!("<col style=\"width:{}%\">", c.width);
    }
    b += "</colgroup>\n<thead><tr>";
    for c in columns {
        b += &format!("<th>{}</th>", esc(c.heading));
    }
    b += "</tr></thead>\n<tbody>\n";
    for r in rows {
        b += if r.alert {
            "<tr class=\"alert\">"
        } else {
            "<tr>"
        };
        for (cell, c) in r.cells.iter().zip(columns) {
            let class = if c.wrap { "" } else { " class=\"nw\"" };
            b += &format!("<td{class}>{cell}</td>");
        }
        b += "</tr>\n";
    }
    b + "</tbody>\n</table>\n"
}

/// The first cells of an entry's row: number, time, act.
pub fn entry_cells(e: &EntryLine) -> Vec<String> {
    vec![format!("#{}", e.seq), esc(&e.time), esc(&e.act)]
}

pub fn people_html(people: &[Participant], lang: Lang) -> String {
    people
        .iter()
        .map(|p| {
            format!(
                "<span class=\"who\">{} {}（{}）</span>",
                esc(role_word(p, lang)),
                esc(&p.person.name),
                esc(&p.person.affiliation)
            )
        })
        .collect()
}

pub fn verify_html(v: &VerifyStatus, lang: Lang) -> String {
    let class = if v.ok { "verdict" } else { "verdict bad" };
    format!(
        "<div class=\"{class}\">{}: {}<br><span class=\"hash\">{}: {}</span><br><span class=\"hash\">{}: {}</span></div>\n",
        esc(lang.w(Word::LedgerVerify)),
        esc(&verify_text(v, lang)),
        esc(lang.w(Word::LedgerIdentity)),
        esc(id_text(v)),
        esc(lang.w(Word::HeadHash)),
        esc(head_text(v))
    )
}

/// The vaults that a revoked person can still open: a finding for the reviewer.
fn revoked_slots_lines(r: &AuditReport, lang: Lang) -> Vec<String> {
    r.revoked_slots
        .iter()
        .map(|v| {
            let who: Vec<&str> = v.revoked.iter().map(|p| p.0.as_str()).collect();
            format!(
                "{}: {} {}",
                v.medium,
                lang.w(Word::RevokedSlotRemains),
                who.join(", ")
            )
        })
        .collect()
}

fn revoked_slots_text(r: &AuditReport, lang: Lang) -> String {
    let lines = revoked_slots_lines(r, lang);
    if lines.is_empty() {
        return String::new();
    }
    let mut o = format!("{}:\n", lang.w(Word::RevokedCanOpen));
    for l in lines {
        o += &format!("  {l}\n");
    }
    o
}

fn audit_html(r: &AuditReport, lang: Lang) -> String {
    let mut b = format!("<h1>{}</h1>\n", esc(title(lang)));
    b += &format!(
        "<p class=\"sub\">{} — {}: {} 〜 {}（{}）</p>\n",
        esc(&r.org),
        esc(lang.w(Word::Period)),
        esc(&r.from),
        esc(&r.to),
        esc(&r.timezone)
    );
    b += &verify_html(&r.verify, lang);
    let revoked = revoked_slots_lines(r, lang);
    if !revoked.is_empty() {
        b += &format!(
            "<div class=\"verdict bad\">{}<br>{}</div>\n",
            esc(lang.w(Word::RevokedCanOpen)),
            revoked
                .iter()
                .map(|l| esc(l))
                .collect::<Vec<_>>()
                .join("<br>")
        );
    }
    b += &format!(
        "<table class=\"kv\"><tr><th>{}</th><td>{}</td></tr><tr><th>{}</th><td>{}</td></tr></table>\n",
        esc(lang.w(Word::EntriesInPeriod)),
        r.entries.len(),
        esc(lang.w(Word::PrintedAt)),
        esc(&r.printed)
    );
    if r.entries.is_empty() {
        b += &format!(
            "<p class=\"empty\">{}</p>\n",
            esc(lang.w(Word::NoEntriesInPeriodSentence))
        );
    } else {
        b += &summary_html(r, lang);
        b += &by_medium_html(r, lang);
        b += &by_person_html(r, lang);
    }
    html::page_styled(title(lang), lang, &format!("{SHARED_CSS}{CSS}"), &b)
}

fn rows_of(
    r: &AuditReport,
    seqs: &[u64],
    rest: impl Fn(&EntryLine) -> Vec<String>,
) -> Vec<HtmlRow> {
    lookup(r, seqs)
        .map(|e| HtmlRow {
            alert: e.kind == "person.auth_failure",
            cells: [entry_cells(e), rest(e)].concat(),
        })
        .collect()
}

fn by_medium_html(r: &AuditReport, lang: Lang) -> String {
    let mut b = format!(
        "<section class=\"section\">\n<h2>{}</h2>\n",
        esc(lang.w(Word::ByMedium))
    );
    for g in &r.by_medium {
        b += &group_heading(&medium_title(g, lang), &g.counts);
        let rows = rows_of(r, &g.entries, |e| {
            vec![
                people_html(&e.people, lang),
                esc(&e.summary),
                format!("<span class=\"hash\">{}</span>", esc(short_hash(&e.hash))),
            ]
        });
        b += &table_html(&medium_columns(lang), &rows);
    }
    b + "</section>\n"
}

fn by_person_html(r: &AuditReport, lang: Lang) -> String {
    let mut b = format!(
        "<section class=\"section\">\n<h2>{}</h2>\n",
        esc(lang.w(Word::ByPerson))
    );
    for g in &r.by_person {
        let who = format!(
            "{} {}（{}）",
            g.person.id, g.person.name, g.person.affiliation
        );
        b += &group_heading(&who, &g.counts);
        let rows = rows_of(r, &g.entries, |e| {
            vec![
                esc(&roles_of(e, &g.person.id, lang)),
                esc(e.medium.as_deref().unwrap_or("")),
                esc(&e.summary),
            ]
        });
        b += &table_html(&person_columns(lang), &rows);
    }
    b + "</section>\n"
}

/// Counts per kind, then the entries a reviewer looks at first.
fn summary_html(r: &AuditReport, lang: Lang) -> String {
    let mut b = format!(
        "<h3>{}</h3>\n<table class=\"kv\">\n",
        esc(lang.w(Word::EntriesByKind))
    );
    for c in &r.counts {
        b += &format!(
            "<tr><th>{}</th><td class=\"code\">{}</td><td class=\"num\">{}</td></tr>\n",
            esc(&c.act),
            esc(&c.kind),
            c.count
        );
    }
    b += "</table>\n";
    for (heading, seqs) in [
        (lang.w(Word::AuthFailures), &r.auth_failures),
        (lang.w(Word::PeopleChanges), &r.person_changes),
    ] {
        b += &format!("<h3>{}: {}</h3>\n", esc(heading), seqs.len());
        if seqs.is_empty() {
            b += &format!("<p>{}</p>\n", esc(lang.w(Word::NoneTitle)));
            continue;
        }
        let rows: Vec<HtmlRow> = lookup(r, seqs)
            .map(|e| HtmlRow {
                alert: e.kind == "person.auth_failure",
                cells: vec![
                    format!("#{}", e.seq),
                    esc(&e.time),
                    people_html(&e.people, lang),
                    esc(&e.summary),
                ],
            })
            .collect();
        b += &table_html(&notable_columns(lang), &rows);
    }
    b
}

fn group_heading(title: &str, counts: &[KindCount]) -> String {
    format!(
        "<h3>{}<span class=\"counts\">{}</span></h3>\n",
        esc(title),
        esc(&counts_text(counts))
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn period_ends_cover_what_they_name() {
        let tz = crate::time::zone("Asia/Tokyo").unwrap();
        let p = Period::parse("2026-11-01", "2026-11-30", &tz).unwrap();
        assert_eq!(crate::time::to_store(p.from), "2026-10-31T15:00:00.000000Z");
        assert_eq!(crate::time::to_store(p.to), "2026-11-30T14:59:59.999999Z");
        let m = Period::parse("2026-11-01 09:00", "2026-11-01 17:00", &tz).unwrap();
        assert_eq!(crate::time::to_store(m.to), "2026-11-01T08:00:59.999999Z");
        let exact = Period::parse("2026-11-01", "2026-11-01T17:00:00+09:00", &tz).unwrap();
        assert_eq!(
            crate::time::to_store(exact.to),
            "2026-11-01T08:00:00.000000Z"
        );
        let one_day = Period::parse("2026-11-01", "2026-11-01", &tz).unwrap();
        assert!(one_day.from < one_day.to);
    }

    #[test]
    fn to_before_from_is_a_usage_error() {
        let tz = crate::time::zone("Asia/Tokyo").unwrap();
        let e = Period::parse("2026-11-02", "2026-11-01", &tz).unwrap_err();
        assert!(matches!(e, Error::Usage(_)), "{e:?}");
    }
}
