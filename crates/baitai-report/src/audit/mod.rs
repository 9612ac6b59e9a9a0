//! The audit report for the periodic log review (000 10(11)イ): every entry of a period, by
//! medium and by person, under the result of `ledger verify`. The report's data and its
//! building are here; its text, CSV and HTML each have a file, and JSON is its data.

mod csv;
mod html;
mod text;

use std::collections::{BTreeMap, HashMap};

use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp};
use serde::Serialize;

use crate::app::Session;
use crate::error::{Error, Result};
use crate::kit::entries::{act_name, entry_columns, entry_line, mark_unverified, role_word};
use crate::kit::units::Times;
use crate::kit::{json_doc, Column, SignerView};
use crate::ledger::StoredEntry;
use crate::lifecycle::Directory;
use crate::model::{Body, MediumNumber, PersonId, Site};
use crate::time::{parse_user, DayEnd};
use crate::{Format, Lang, Scope, Word};

pub use crate::kit::entries::{verify_status, EntryLine, Participant, VerifyStatus};

#[derive(Debug, Clone, Serialize)]
/// How many entries of one kind (種別ごとの件数); lists of them are sorted by the stored kind.
pub struct KindCount {
    /// The kind as stored, in English whatever the language (`medium.checkout`).
    pub kind: String,
    /// The kind in words, in the report's language (`checkout`, 使用…).
    pub act: String,
    /// How many entries of that kind.
    pub count: usize,
}

/// The entries of one medium, or of the ledger itself (`medium` absent: settings and people).
#[derive(Debug, Clone, Serialize)]
pub struct MediumGroup {
    /// 媒体番号: the medium number; absent for the group of the ledger's own entries (台帳・利用者管理),
    /// which comes last.
    pub medium: Option<String>,
    /// Its entries counted by kind.
    pub counts: Vec<KindCount>,
    /// Sequence numbers into [`AuditReport::entries`].
    pub entries: Vec<u64>,
}

/// The entries one person is named in, in any role.
#[derive(Debug, Clone, Serialize)]
pub struct PersonGroup {
    /// The person, as the directory knows them when printed.
    pub person: SignerView,
    /// The entries naming them, counted by kind; an entry naming them in two roles counts once.
    pub counts: Vec<KindCount>,
    /// How many of those are their own failed passphrase attempts (認証失敗).
    pub auth_failures: usize,
    /// Sequence numbers into [`AuditReport::entries`], each entry once.
    pub entries: Vec<u64>,
}

#[derive(Debug, Clone, Serialize)]
/// The audit report for the periodic log review (監査報告（ログの定期点検）, 000 10(11)イ): every entry of a
/// period, counted and grouped by medium and by person, under a full `ledger verify`. Fixed
/// words are in the report's language; what was typed into the ledger stays as typed.
pub struct AuditReport {
    /// 組織: the organisation the ledger was set up for.
    pub org: String,
    /// 拠点: the one site the report covers (its media, and the entries of its people that
    /// name no medium); absent for the whole organisation.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub site: Option<String>,
    /// The period's first minute, in the ledger's time zone (`2026-11-01 00:00`).
    pub from: String,
    /// The period's last minute, in the ledger's time zone (`2026-11-30 23:59`); entries up to
    /// the end of that minute are in.
    pub to: String,
    /// The ledger's time zone (`Asia/Tokyo`), in which the period and every time of the report
    /// are written.
    pub timezone: String,
    /// 出力日時: when the report was printed, to the minute in the ledger's time zone.
    pub printed: String,
    /// 台帳検証: a `ledger verify` of the whole ledger made while printing, against the user's
    /// checkpoint.
    pub verify: VerifyStatus,
    /// 種別ごとの件数: the period's entries counted by kind.
    pub counts: Vec<KindCount>,
    /// Every entry of the period, once each, in ledger order; the other lists refer to them by
    /// `seq`.
    pub entries: Vec<EntryLine>,
    /// Live vaults that still carry a key slot for a person since revoked.
    pub revoked_slots: Vec<crate::app::RevokedSlots>,
    /// 例外措置: the exceptions whose period overlaps the report's, and those that ran out with
    /// no end report, each with its status when printed.
    pub exceptions: Vec<crate::app::ExceptionView>,
    /// Sequence numbers of failed passphrase attempts in the period.
    pub auth_failures: Vec<u64>,
    /// Sequence numbers of people added, revoked, or changing their passphrase.
    pub person_changes: Vec<u64>,
    /// 媒体別: the entries grouped by medium in number order, then the ledger's own.
    pub by_medium: Vec<MediumGroup>,
    /// 担当者別: for each person in ID order, every entry that names them in any role.
    pub by_person: Vec<PersonGroup>,
}

/// The period a review covers, both ends included.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Period {
    /// The first instant of the period.
    pub(crate) from: Timestamp,
    /// The last instant of the period, included.
    pub(crate) to: Timestamp,
}

impl Period {
    /// `--from` from the start of what it names, `--to` to the end of what it names (a bare
    /// date is the whole day, `HH:MM` the whole minute), in the ledger's zone.
    pub fn parse(from: &str, to: &str, tz: &TimeZone) -> Result<Period> {
        let start = parse_user(from, tz, DayEnd::Start)?;
        let end = end_of(to, tz)?;
        if end < start {
            return Err(Error::usage(crate::msg::Msg::PeriodBackwards {
                from: from.into(),
                to: to.into(),
            }));
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

/// The report of a period: reads every entry and verifies the whole ledger, so it takes about a
/// minute at a million entries.
pub fn audit(session: &Session, period: Period, scope: &Scope, lang: Lang) -> Result<AuditReport> {
    let times = Times::of(session);
    let verify = verify_status(session, true)?;
    let dir = session.directory()?;
    let in_scope = InScope::of(session, &dir, scope)?;
    let mut entries: Vec<EntryLine> = session
        .ledger()
        .entries_between(period.from, period.to)?
        .iter()
        .filter(|e| in_scope.covers(e))
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
    let exceptions = exceptions_of(session, &dir, &period)?;
    let revoked_slots = session
        .revoked_slots()?
        .into_iter()
        .filter(|r| in_scope.covers_medium(&r.medium))
        .collect();
    Ok(AuditReport {
        org: session.settings().org.clone(),
        site: match scope {
            Scope::Organisation => None,
            Scope::Site(s) => Some(s.to_string()),
        },
        from: times.minute(period.from),
        to: times.minute(period.to),
        timezone: session.settings().timezone.clone(),
        printed: times.now(),
        verify,
        counts: count_kinds(entries.iter(), lang),
        auth_failures: seqs_of(&["person.auth_failure"]),
        person_changes: seqs_of(&[
            "person.add",
            "person.revoke",
            "person.passwd",
            "person.unlock",
            "person.roles",
        ]),
        exceptions,
        by_medium: by_medium(&entries, lang),
        by_person: by_person(&entries, lang),
        entries,
        revoked_slots,
    })
}

/// Which entries a site's audit covers: those about its media, and those about no medium
/// that name one of its people (their additions, passphrase changes and failures, stock-takes).
struct InScope<'a> {
    scope: &'a Scope,
    media: HashMap<MediumNumber, Option<Site>>,
    dir: &'a Directory,
}

impl<'a> InScope<'a> {
    fn of(session: &Session, dir: &'a Directory, scope: &'a Scope) -> Result<InScope<'a>> {
        let media = match scope {
            Scope::Organisation => HashMap::new(),
            Scope::Site(_) => session
                .all_states()?
                .into_iter()
                .map(|s| (s.number, s.site))
                .collect(),
        };
        Ok(InScope { scope, media, dir })
    }

    fn covers_medium(&self, m: &MediumNumber) -> bool {
        match self.scope {
            Scope::Organisation => true,
            Scope::Site(_) => self
                .scope
                .covers(self.media.get(m).and_then(|s| s.as_ref())),
        }
    }

    fn covers(&self, e: &StoredEntry) -> bool {
        let site_of = |p: &PersonId| self.dir.get(p).and_then(|p| p.site.as_ref());
        match (self.scope, &e.medium) {
            (Scope::Organisation, _) => true,
            (Scope::Site(_), Some(m)) => self.covers_medium(m),
            (Scope::Site(_), None) => subject(&e.body)
                .into_iter()
                .chain(e.actor.iter())
                .any(|p| self.scope.covers(site_of(p))),
        }
    }
}

/// The person an entry about no medium is about, besides whoever made it.
fn subject(body: &Body) -> Option<&PersonId> {
    match body {
        Body::LedgerInit(i) => Some(&i.admin.id),
        Body::PersonAdd(p) => Some(&p.id),
        Body::PersonPasswd(p) => Some(&p.id),
        Body::PersonRoles(p) => Some(&p.id),
        Body::PersonRevoke(p) | Body::PersonUnlock(p) => Some(&p.id),
        Body::AuthFailure(f) => Some(&f.id),
        Body::InventoryCheck(_)
        | Body::ExceptionGrant(_)
        | Body::ExceptionEnd(_)
        | Body::LedgerRequireToken(_)
        | Body::Register(_)
        | Body::Checkout(_)
        | Body::Return(_)
        | Body::CarryOut(_)
        | Body::Loan(_)
        | Body::Copy(_)
        | Body::Transfer(_)
        | Body::Destroy(_)
        | Body::Lost(_)
        | Body::WipeStart(_)
        | Body::Wipe(_)
        | Body::VaultPut(_)
        | Body::VaultGet(_)
        | Body::VaultErase(_)
        | Body::VaultRekey(_)
        | Body::Correct(_) => None,
    }
}

/// The organisation, followed by the site when the report covers only one.
pub(crate) fn org_line(r: &AuditReport, lang: Lang) -> String {
    match &r.site {
        Some(site) => format!("{} — {} {site}", r.org, lang.w(Word::ColSite)),
        None => r.org.clone(),
    }
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

/// The report in a format.
pub fn render(r: &AuditReport, format: Format, lang: Lang) -> Result<String> {
    Ok(match format {
        Format::Text => text::render(r, lang),
        Format::Csv => csv::render(r, lang),
        Format::Html => html::render(r, lang),
        Format::Json => json_doc(r)?,
    })
}

pub(super) fn title(lang: Lang) -> &'static str {
    lang.w(Word::AuditTitle)
}

pub(super) fn roles_of(e: &EntryLine, id: &str, lang: Lang) -> String {
    e.people
        .iter()
        .filter(|p| p.person.id == id)
        .map(|p| role_word(p, lang))
        .collect::<Vec<_>>()
        .join(", ")
}

pub(super) fn counts_text(c: &[KindCount]) -> String {
    c.iter()
        .map(|k| format!("{} {}", k.act, k.count))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The entries with these numbers; `entries` is in sequence order.
pub(super) fn lookup<'a>(
    r: &'a AuditReport,
    seqs: &'a [u64],
) -> impl Iterator<Item = &'a EntryLine> {
    seqs.iter().filter_map(|s| {
        r.entries
            .binary_search_by_key(s, |e| e.seq)
            .ok()
            .and_then(|i| r.entries.get(i))
    })
}

pub(super) fn medium_title(g: &MediumGroup, lang: Lang) -> String {
    match &g.medium {
        Some(m) => m.clone(),
        None => lang.w(Word::LedgerSettingsAndPeople).to_string(),
    }
}

pub(super) fn short_hash(h: &str) -> &str {
    h.get(..16).unwrap_or(h)
}

pub(super) fn medium_columns(lang: Lang) -> [Column; 6] {
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

pub(super) fn person_columns(lang: Lang) -> [Column; 6] {
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

pub(super) fn notable_columns(lang: Lang) -> [Column; 4] {
    [
        Column::new("#", 6, true),
        Column::new(lang.w(Word::Time), 14, false),
        Column::new(lang.w(Word::People), 27, true),
        Column::new(lang.w(Word::Entry), 53, true),
    ]
}

/// The exceptions an auditor of `period` reads: those in force at any time in it, and any whose
/// period ended before it without an end report.
fn exceptions_of(
    session: &Session,
    dir: &Directory,
    period: &Period,
) -> Result<Vec<crate::app::ExceptionView>> {
    let at = |s: &str| s.parse::<Timestamp>().ok();
    let shown: std::collections::BTreeSet<u64> = dir
        .exceptions
        .values()
        .filter(|x| {
            let overlaps = at(&x.grant.from).is_some_and(|f| f <= period.to)
                && at(&x.grant.until).is_some_and(|u| u >= period.from);
            overlaps || x.ended.is_none()
        })
        .map(|x| x.seq)
        .collect();
    Ok(session
        .exceptions()?
        .into_iter()
        .filter(|v| shown.contains(&v.seq))
        .collect())
}

/// One line per exception for the audit report: status, clause, scope, period, who asked and
/// who approved, what is done instead, why, and the end report.
pub(super) fn exception_lines(r: &AuditReport, lang: Lang) -> Vec<String> {
    r.exceptions
        .iter()
        .map(|x| {
            let status = lang.w(match x.status {
                "in-force" => Word::ExInForce,
                "not-begun" => Word::ExNotYet,
                "ended" => Word::ExEnded,
                _ => Word::ExExpired,
            });
            let mut line = format!(
                "#{} [{status}] {}: {}; {}: {}; {}: {}; {}: {} 〜 {}; {}: {}; {}: {}; {}: {}; {}: {}; {}: {}",
                x.seq,
                lang.w(Word::ExGranted),
                x.granted,
                lang.w(Word::ExClause),
                x.clause,
                lang.w(Word::ExScope),
                x.scope,
                lang.w(Word::ExPeriod),
                x.from,
                x.until,
                lang.w(Word::ExApplicant),
                x.applicant,
                lang.w(Word::ExApprover),
                x.approver,
                lang.w(Word::ExMeasures),
                x.measures,
                lang.w(Word::ExReason),
                x.reason,
                lang.w(Word::ExEndReport),
                x.end_report
            );
            if let Some(e) = &x.ended {
                line += &format!(" — {}: {e}", lang.w(Word::ExEnded));
            }
            line
        })
        .collect()
}

/// The vaults that a revoked person can still open: a finding for the reviewer.
pub(super) fn revoked_slots_lines(r: &AuditReport, lang: Lang) -> Vec<String> {
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
