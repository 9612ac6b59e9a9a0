//! The words of a certificate, in Japanese or English, and its text and JSON forms. The text
//! and the HTML page are drawn from the same sections, so they cannot disagree.

use serde::Serialize;

use super::{
    Basis, Certificate, CertificateKind, Destination, DestructionDetails, Details, LedgerCheck,
    SignatureCheck, Signer, WipeDetails,
};
use crate::error::{Error, Result};
use crate::form::SignerView;
use crate::lifecycle::Cleanliness;
use crate::model::{
    ByteRange, Classification, DestroyMethod, DeviceIdentity, MediaKind, PatternKind, SignRole,
    Wipe, WipeMethod, WipePass, WipeResult,
};
use crate::text::pad;
use crate::{human_bytes, json_doc, Format, Lang, Word};

/// One labelled line of the certificate; a value may run over several lines.
pub(super) struct Row {
    pub(super) label: &'static str,
    pub(super) lines: Vec<String>,
    /// Hashes and fingerprints: set in a fixed-width face.
    pub(super) mono: bool,
}

pub(super) struct Section {
    pub(super) title: &'static str,
    pub(super) rows: Vec<Row>,
    /// Short enough to share the page's width with its neighbour.
    pub(super) narrow: bool,
}

fn row(label: &'static str, value: impl Into<String>) -> Row {
    Row {
        label,
        lines: vec![value.into()],
        mono: false,
    }
}

fn mono(label: &'static str, value: impl Into<String>) -> Row {
    Row {
        mono: true,
        ..row(label, value)
    }
}

fn rows(label: &'static str, lines: Vec<String>) -> Row {
    Row {
        label,
        lines,
        mono: false,
    }
}

/// The headline, whether the certificate certifies what it names, and every reason a reader
/// should doubt it.
pub(super) struct Verdict {
    pub(super) good: bool,
    pub(super) headline: String,
    pub(super) warnings: Vec<String>,
}

impl Verdict {
    fn lines(self) -> Vec<String> {
        std::iter::once(self.headline)
            .chain(self.warnings)
            .collect()
    }
}

const BLANK: &str = "—";

/// Mismatch ranges printed on a certificate.
const SHOWN_RANGES: usize = 3;

/// `2097152` → `2,097,152`.
fn grouped(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// `1 sector`, `2,048 sectors`: English counts with their noun.
fn counted(n: u64, noun: &str) -> String {
    match n {
        1 => format!("1 {noun}"),
        _ => format!("{} {noun}s", grouped(n)),
    }
}

fn bytes(n: u64, lang: Lang) -> String {
    match lang {
        Lang::Ja => format!("{} バイト（{}）", grouped(n), human_bytes(n)),
        Lang::En => format!("{} bytes ({})", grouped(n), human_bytes(n)),
    }
}

fn or_blank(v: Option<&String>) -> String {
    v.cloned().unwrap_or_else(|| BLANK.to_string())
}

pub(super) fn capacity_name(c: SignRole, kind: CertificateKind, lang: Lang) -> &'static str {
    match (c, kind) {
        (SignRole::Actor, CertificateKind::Wipe) => lang.w(Word::SanitizedBy),
        (SignRole::Actor, CertificateKind::Destruction) => lang.w(Word::ExecutedBy),
        (SignRole::Witness, _) => lang.w(Word::WitnessedBy),
        (SignRole::Approver, _) => lang.w(Word::ApprovedBy),
    }
}

pub(super) fn signature_text(s: SignatureCheck, lang: Lang) -> &'static str {
    match s {
        SignatureCheck::Valid => lang.w(Word::SignatureValid),
        SignatureCheck::Invalid => lang.w(Word::SignatureInvalid),
        SignatureCheck::Missing => lang.w(Word::SignatureMissing),
    }
}

fn media_type(k: MediaKind, lang: Lang) -> &'static str {
    lang.w(Word::media_kind(k))
}

/// Make, model and serial (each with its USB ID), then path and capacity when known.
fn device_rows(d: Option<&DeviceIdentity>, lang: Lang) -> Vec<Row> {
    let with_id = |name: Option<&String>, id: Option<&String>| match (name, id) {
        (Some(n), Some(i)) => format!("{n} ({i})"),
        (Some(n), None) => n.clone(),
        (None, Some(i)) => i.clone(),
        (None, None) => BLANK.to_string(),
    };
    let mut r = vec![
        row(
            lang.w(Word::Make),
            with_id(
                d.and_then(|d| d.vendor.as_ref()),
                d.and_then(|d| d.vendor_id.as_ref()),
            ),
        ),
        row(
            lang.w(Word::Model),
            with_id(
                d.and_then(|d| d.product.as_ref()),
                d.and_then(|d| d.product_id.as_ref()),
            ),
        ),
        row(
            lang.w(Word::SerialNumber),
            or_blank(d.and_then(|d| d.serial.as_ref())),
        ),
    ];
    if let Some(p) = d.and_then(|d| d.path.as_ref()) {
        r.push(row(lang.w(Word::Device), p));
    }
    if let Some(d) = d {
        r.push(row(lang.w(Word::Capacity), bytes(d.capacity_bytes, lang)));
    }
    r
}

fn method_name(m: WipeMethod, lang: Lang) -> String {
    match lang {
        Lang::Ja => format!("{}（{}）", m.ja(), m.as_str()),
        Lang::En => m.as_str().to_string(),
    }
}

fn destroy_name(m: DestroyMethod, lang: Lang) -> String {
    match lang {
        Lang::Ja => format!("{}（{}）", m.ja(), m.en()),
        Lang::En => m.en().to_string(),
    }
}

/// The levels alone, for the marking box at the top of the page.
pub(super) fn levels(c: &Classification, lang: Lang) -> String {
    match lang {
        Lang::Ja => format!("{}（{}）", c.marking_ja(), c.marking()),
        Lang::En => c.marking(),
    }
}

/// The levels with the handling restriction.
fn marking(c: &Classification, lang: Lang) -> String {
    let base = levels(c, lang);
    match &c.restriction {
        Some(r) => format!("{base} {}: {r}", lang.w(Word::HandlingRestrictionLower)),
        None => base,
    }
}

impl Certificate {
    pub fn render(&self, format: Format, lang: Lang) -> Result<String> {
        match format {
            Format::Text => Ok(self.text(lang)),
            Format::Html => Ok(self.html(lang)),
            Format::Json => json_doc(&Localized {
                lang: lang_code(lang),
                title: self.title(lang),
                verdict: self.verdict(lang).lines(),
                certificate: self,
            }),
            Format::Csv => Err(Error::usage(
                "a certificate prints as text, html or json, not csv",
            )),
        }
    }

    pub(super) fn wipe_result(&self) -> Option<WipeResult> {
        match &self.details {
            Details::Wipe(w) => Some(w.record.result),
            Details::Destruction(_) => None,
        }
    }

    pub(super) fn title(&self, lang: Lang) -> &'static str {
        match self.wipe_result() {
            Some(WipeResult::Passed) => lang.w(Word::CertSanitization),
            Some(WipeResult::Failed) => lang.w(Word::CertWipeFailed),
            Some(WipeResult::Incomplete) => lang.w(Word::CertWipeIncomplete),
            None => lang.w(Word::CertDestruction),
        }
    }

    pub(super) fn subtitle(&self, lang: Lang) -> &'static str {
        match self.kind {
            CertificateKind::Wipe => lang.w(Word::SubtitleWipe),
            CertificateKind::Destruction => lang.w(Word::SubtitleDestruction),
        }
    }

    pub(super) fn verdict(&self, lang: Lang) -> Verdict {
        let (headline, mut warnings) = match &self.details {
            Details::Wipe(w) => (wipe_verdict(w, lang), Vec::new()),
            Details::Destruction(d) => self.destruction_verdict(d, lang),
        };
        for s in &self.signers {
            if s.signature != SignatureCheck::Valid {
                warnings.push(format!(
                    "{} {}: {}",
                    capacity_name(s.capacity, self.kind, lang),
                    s.person.name,
                    signature_text(s.signature, lang)
                ));
            }
        }
        if let Some(f) = &self.ledger.failure {
            warnings.push(match lang {
                Lang::Ja => format!(
                    "台帳の検証に失敗: エントリ {}: {} — この証明書に依拠しないこと",
                    f.seq, f.reason
                ),
                Lang::En => format!(
                    "LEDGER VERIFICATION FAILED at entry {}: {} — do not rely on this certificate",
                    f.seq, f.reason
                ),
            });
        }
        Verdict {
            good: self.certifies,
            headline,
            warnings,
        }
    }

    /// What was destroyed, how and before whom; and, when nothing showed the data gone
    /// first, that too.
    fn destruction_verdict(&self, d: &DestructionDetails, lang: Lang) -> (String, Vec<String>) {
        let witness = self
            .signers
            .iter()
            .find(|s| s.capacity == SignRole::Witness)
            .map(|s| s.person.name.as_str())
            .unwrap_or(BLANK);
        let (n, t, m) = (
            &self.medium.number,
            &self.entry.time,
            destroy_name(d.method, lang),
        );
        let headline = match lang {
            Lang::Ja => format!("{n} は {t} に{m}により破棄された（立会者 {witness}）。"),
            Lang::En => format!("{n} was destroyed by {m} on {t}, witnessed by {witness}."),
        };
        let mut warnings = Vec::new();
        if d.basis.is_none() {
            let why = d.unverifiable.as_deref().unwrap_or(BLANK);
            warnings.push(match lang {
                Lang::Ja => format!("破棄の前にデータの消去は確認されていない。確認不能の理由: {why}"),
                Lang::En => format!(
                    "The data was NOT verified unrestorable before destruction. Not verifiable because: {why}"
                ),
            });
        }
        (headline, warnings)
    }

    pub(super) fn sections(&self, lang: Lang) -> Vec<Section> {
        let mut out = vec![self.media_section(lang)];
        match &self.details {
            // Appendix G's order: media and who, how it was done and checked, what next.
            Details::Wipe(w) => {
                out.push(self.performer_section(lang));
                out.push(sanitization_section(w, lang));
                out.push(verification_section(w, lang));
                out.push(self.after_section(w, lang));
            }
            Details::Destruction(d) => out.push(self.destruction_section(d, lang)),
        }
        out.push(self.record_section(lang));
        out
    }

    fn media_section(&self, lang: Lang) -> Section {
        let m = &self.medium;
        // A wipe names the device it overwrote, checked against the registration; vendor and
        // product names are not compared, so the record's own identity is the one to certify.
        let d = match &self.details {
            Details::Wipe(w) => Some(&w.record.device),
            Details::Destruction(_) => m.device.as_ref(),
        };
        let mut r = vec![
            row(lang.w(Word::MediaPropertyNumber), &m.number),
            row(lang.w(Word::MediaType), media_type(m.media_type, lang)),
        ];
        r.extend(device_rows(d, lang));
        if let Some(l) = &m.label {
            r.push(row(lang.w(Word::Label), l));
        }
        r.push(row(
            lang.w(Word::Classification),
            marking(&m.classification, lang),
        ));
        if let Some(f) = &m.received_from {
            r.push(row(lang.w(Word::ReceivedFrom), f));
        }
        if let Details::Wipe(w) = &self.details {
            r.push(row(
                lang.w(Word::SourceLastUser),
                w.source
                    .as_ref()
                    .map(SignerView::short)
                    .unwrap_or_else(|| BLANK.to_string()),
            ));
        }
        Section {
            title: lang.w(Word::MediaInformation),
            narrow: true,
            rows: r,
        }
    }

    fn performer_section(&self, lang: Lang) -> Section {
        let mut r = Vec::new();
        if let Some(s) = self.signers.first() {
            r.push(row(
                lang.w(Word::Name),
                format!("{} ({})", s.person.name, s.person.id),
            ));
            r.push(row(lang.w(Word::AffiliationTitle), person_title(s, lang)));
            r.push(row(lang.w(Word::Organization), &self.org));
            r.push(mono(
                lang.w(Word::SigningKeyFingerprint),
                &s.person.fingerprint,
            ));
        }
        Section {
            title: lang.w(Word::PersonPerformingSanitization),
            narrow: true,
            rows: r,
        }
    }

    fn after_section(&self, w: &WipeDetails, lang: Lang) -> Section {
        let post = match w.record.result {
            WipeResult::Passed => Cleanliness::VerifiedClean,
            WipeResult::Failed => Cleanliness::WipeFailed,
            WipeResult::Incomplete => Cleanliness::WipeIncomplete,
        };
        let kept = match lang {
            Lang::Ja => format!(
                "{}（格付 {} のまま台帳で管理を継続）",
                lang.state(post.as_str()),
                self.medium.classification.marking()
            ),
            Lang::En => format!(
                "{} (still managed in the ledger as {})",
                post.as_str(),
                self.medium.classification.marking()
            ),
        };
        Section {
            title: lang.w(Word::AfterSanitization),
            narrow: true,
            rows: vec![
                row(lang.w(Word::PostSanitizationClassification), kept),
                row(
                    lang.w(Word::MediaDestination),
                    destination_text(&w.destination, lang),
                ),
            ],
        }
    }

    fn destruction_section(&self, d: &DestructionDetails, lang: Lang) -> Section {
        let mut r = vec![
            row(lang.w(Word::DestroyedAt), &self.entry.time),
            row(
                lang.w(Word::DestroyMethod),
                match lang {
                    Lang::Ja => format!(
                        "{}、NIST SP 800-88 の区分は Destroy（破壊）",
                        destroy_name(d.method, lang)
                    ),
                    Lang::En => format!("{}; NIST SP 800-88 category: Destroy", d.method.en()),
                },
            ),
            rows(
                lang.w(Word::VerifiedUnrestorableFirst),
                basis_lines(d.basis.as_ref(), lang),
            ),
            row(lang.w(Word::DataStateBefore), lang.state(&d.clean_before)),
        ];
        if let Some(u) = &d.unverifiable {
            r.push(row(lang.w(Word::ErasureNotVerifiableBecause), u));
        }
        Section {
            title: lang.w(Word::Destruction),
            narrow: false,
            rows: r,
        }
    }

    /// `#10 medium.wipe (time)`, and for a wipe the entry that started it.
    fn entry_line(&self, lang: Lang) -> String {
        let e = &self.entry;
        let line = format!("#{} {} ({})", e.seq, e.kind, e.time);
        match &self.details {
            Details::Wipe(w) => match w.start_entry {
                Some(s) => format!("{line}, {} #{s}", lang.w(Word::StartedIn)),
                None => line,
            },
            Details::Destruction(_) => line,
        }
    }

    fn record_section(&self, lang: Lang) -> Section {
        let e = &self.entry;
        let mut r = vec![
            row(lang.w(Word::LedgerEntry), self.entry_line(lang)),
            mono(lang.w(Word::EntryHash), &e.hash),
        ];
        r.push(mono(
            lang.w(Word::LedgerHead),
            match &self.ledger.head {
                Some(h) => format!("#{} {h}", self.ledger.entries),
                None => BLANK.to_string(),
            },
        ));
        r.push(row(
            lang.w(Word::CertLedgerVerify),
            ledger_text(&self.ledger, lang),
        ));
        Section {
            title: lang.w(Word::LedgerRecord),
            narrow: false,
            rows: r,
        }
    }
}

/// `管理者, 情報保証室` — the ledger's roles stand for the title.
pub(super) fn person_title(s: &Signer, lang: Lang) -> String {
    let roles: Vec<&str> = s.roles.iter().map(|r| lang.w(Word::role(*r))).collect();
    format!("{} / {}", s.person.affiliation, roles.join(", "))
}

fn wipe_verdict(w: &WipeDetails, lang: Lang) -> String {
    let first = w
        .record
        .passes
        .iter()
        .find_map(|p| p.mismatches.first())
        .map(|r| grouped(r.offset))
        .unwrap_or_else(|| BLANK.to_string());
    let reason = w.record.reason.clone().unwrap_or_default();
    match (w.record.result, lang) {
        (WipeResult::Passed, Lang::Ja) => format!(
            "検証合格: 全 {} バイトを上書きし、装置から読み戻して書込みどおりであることを確認した。",
            grouped(w.record.device.capacity_bytes)
        ),
        (WipeResult::Passed, Lang::En) => format!(
            "PASSED: all {} bytes were overwritten and read back from the device as written.",
            grouped(w.record.device.capacity_bytes)
        ),
        (WipeResult::Failed, Lang::Ja) => format!(
            "消去不合格: 読戻し検証で {} セクタが不一致（最初の位置 {} バイト）。この記録は消去を証明しない。媒体は破棄すること。",
            grouped(w.mismatched_sectors), first
        ),
        (WipeResult::Failed, Lang::En) => format!(
            "FAILED: {} read back different from what was written (the first at byte {}). This record does NOT certify sanitization; destroy the medium.",
            counted(w.mismatched_sectors, "sector"), first
        ),
        (WipeResult::Incomplete, Lang::Ja) => format!(
            "消去未完了: {reason}。この記録は消去を証明しない。最後まで消去し直すこと。"
        ),
        (WipeResult::Incomplete, Lang::En) => format!(
            "INCOMPLETE: {reason}. This record does NOT certify sanitization; wipe the medium again to completion."
        ),
    }
}

fn sanitization_section(w: &WipeDetails, lang: Lang) -> Section {
    let rec = &w.record;
    let mut r = vec![
        rows(
            lang.w(Word::MethodType),
            vec![
                match lang {
                    Lang::Ja => format!(
                        "クリア（NIST SP 800-88 {}）",
                        capitalized(&rec.sanitization)
                    ),
                    Lang::En => capitalized(&rec.sanitization),
                },
                lang.w(Word::OverwriteNotPurge).to_string(),
            ],
        ),
        row(
            lang.w(Word::MethodUsed),
            match lang {
                Lang::Ja => format!(
                    "上書き（Overwrite）: {}、{} パス",
                    method_name(rec.method, lang),
                    rec.method.passes().len()
                ),
                Lang::En => format!(
                    "Overwrite: {}, {} pass(es)",
                    rec.method.as_str(),
                    rec.method.passes().len()
                ),
            },
        ),
        rows(
            lang.w(Word::Passes),
            rec.passes
                .iter()
                .enumerate()
                .map(|(i, p)| pass_line(i + 1, p, lang))
                .collect(),
        ),
    ];
    if let Some(n) = rec.vault_headers_erased {
        r.push(row(
            lang.w(Word::CryptoErase),
            match lang {
                Lang::Ja => format!("上書きの前に暗号コンテナのヘッダ {n} 個を破壊"),
                Lang::En => format!("{n} vault header(s) destroyed before the passes"),
            },
        ));
    }
    r.push(row(lang.w(Word::ToolUsed), &rec.tool));
    r.push(row(
        lang.w(Word::StartedFinished),
        format!("{} 〜 {}", w.started, w.finished),
    ));
    Section {
        title: lang.w(Word::SanitizationDetails),
        narrow: false,
        rows: r,
    }
}

fn capitalized(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

fn pass_line(n: usize, p: &WipePass, lang: Lang) -> String {
    let pattern = lang.w(match p.pattern {
        PatternKind::Zero => Word::PatternZero,
        PatternKind::Random => Word::PatternRandom,
    });
    let seed = p
        .seed
        .as_deref()
        .map(|s| format!(" seed {s}"))
        .unwrap_or_default();
    match lang {
        Lang::Ja => format!(
            "{n}: {pattern}{seed} — 書込み {} バイト、読戻し {} バイト、不一致 {} セクタ",
            grouped(p.bytes_written),
            grouped(p.bytes_verified),
            grouped(p.mismatched_sectors)
        ),
        Lang::En => format!(
            "{n}: {pattern}{seed} — wrote {}, read back {}, {} differ",
            counted(p.bytes_written, "byte"),
            counted(p.bytes_verified, "byte"),
            counted(p.mismatched_sectors, "sector")
        ),
    }
}

fn verification_section(w: &WipeDetails, lang: Lang) -> Section {
    let rec = &w.record;
    let how = match lang {
        Lang::Ja => format!(
            "全数（Full）: 全バイトを装置から読み戻して比較 — {}",
            rec.cache_bypass.describe()
        ),
        Lang::En => format!(
            "Full: every byte read back from the device and compared — {}",
            rec.cache_bypass.describe()
        ),
    };
    let mismatch = mismatch_text(w, lang);
    Section {
        title: lang.w(Word::Verification),
        narrow: false,
        rows: vec![
            row(lang.w(Word::VerificationMethod), how),
            row(lang.w(Word::BytesWritten), bytes(w.bytes_written, lang)),
            row(lang.w(Word::BytesVerified), bytes(w.bytes_verified, lang)),
            row(lang.w(Word::MismatchedSectors), mismatch),
            row(lang.w(Word::Result), result_word(rec, lang)),
        ],
    }
}

/// The count, then the first ranges on the same line: the record keeps up to 32 ranges a
/// pass, and the page has room for a few.
fn mismatch_text(w: &WipeDetails, lang: Lang) -> String {
    let ranges: Vec<&ByteRange> = w.record.passes.iter().flat_map(|p| &p.mismatches).collect();
    let mut shown: Vec<String> = ranges
        .iter()
        .take(SHOWN_RANGES)
        .map(|r| match lang {
            Lang::Ja => format!(
                "{} バイト目から {} バイト",
                grouped(r.offset),
                grouped(r.len)
            ),
            Lang::En => format!("{} at byte {}", counted(r.len, "byte"), grouped(r.offset)),
        })
        .collect();
    if ranges.len() > SHOWN_RANGES {
        let more = ranges.len() - SHOWN_RANGES;
        shown.push(match lang {
            Lang::Ja => format!("ほか {more} 範囲は台帳の記録に"),
            Lang::En => format!("{more} more ranges in the ledger record"),
        });
    }
    if shown.is_empty() {
        grouped(w.mismatched_sectors)
    } else {
        format!("{} — {}", grouped(w.mismatched_sectors), shown.join("; "))
    }
}

fn result_word(rec: &Wipe, lang: Lang) -> String {
    match (rec.result, lang) {
        (WipeResult::Passed, _) => lang.w(Word::ResultPassed).to_string(),
        (WipeResult::Failed, _) => lang.w(Word::ResultFailed).to_string(),
        (WipeResult::Incomplete, _) => format!(
            "{}: {}",
            lang.w(Word::ResultIncomplete),
            rec.reason.as_deref().unwrap_or(BLANK)
        ),
    }
}

fn destination_text(d: &Destination, lang: Lang) -> String {
    match (d, lang) {
        (Destination::Reused { seq, time }, Lang::Ja) => {
            format!("再使用（組織内）: #{seq} {time}")
        }
        (Destination::Reused { seq, time }, Lang::En) => {
            format!("internal reuse: issued again in #{seq} on {time}")
        }
        (Destination::Destroyed { seq, time, method }, _) => format!(
            "{}: #{seq} {time}, {}",
            lang.w(Word::SumDestroyed),
            destroy_name(*method, lang)
        ),
        (
            Destination::Transferred {
                seq,
                time,
                recipient,
            },
            _,
        ) => format!(
            "{}: #{seq} {time}, {recipient}",
            lang.w(Word::TransferredExternal)
        ),
        (Destination::Lost { seq, time }, _) => {
            format!("{}: #{seq} {time}", lang.w(Word::SumLost))
        }
        (Destination::Pending { holding, clean }, _) => format!(
            "{}: {} / {}",
            lang.w(Word::NotYetDecided),
            lang.state(holding),
            lang.state(clean)
        ),
    }
}

fn basis_lines(b: Option<&Basis>, lang: Lang) -> Vec<String> {
    match (b, lang) {
        (None, _) => vec![lang.w(Word::NoBasis).to_string()],
        (
            Some(Basis::Wipe {
                entry,
                method,
                bytes_verified,
                ..
            }),
            _,
        ) => vec![
            match lang {
                Lang::Ja => format!(
                    "はい: 消去記録 #{}（{}）{}、読戻し検証 {}、合格",
                    entry.seq,
                    entry.time,
                    method_name(*method, lang),
                    bytes(*bytes_verified, lang)
                ),
                Lang::En => format!(
                    "Yes: wipe record #{} ({}), {}, {} read back, passed",
                    entry.seq,
                    entry.time,
                    method.as_str(),
                    bytes(*bytes_verified, lang)
                ),
            },
            format!("{} {}", lang.w(Word::HashLower), entry.hash),
        ],
        (
            Some(Basis::ReturnCheck {
                entry, bytes_read, ..
            }),
            _,
        ) => vec![
            match lang {
                Lang::Ja => format!(
                    "はい: 返却時の全数読取り #{}（{}）{}、データなし",
                    entry.seq,
                    entry.time,
                    bytes(*bytes_read, lang)
                ),
                Lang::En => format!(
                    "Yes: whole-medium return check #{} ({}), {} read, no data",
                    entry.seq,
                    entry.time,
                    bytes(*bytes_read, lang)
                ),
            },
            format!("{} {}", lang.w(Word::HashLower), entry.hash),
        ],
    }
}

fn ledger_text(l: &LedgerCheck, lang: Lang) -> String {
    let scope = match (l.checked_after, lang) {
        (0, Lang::Ja) => "全体を検証".to_string(),
        (0, Lang::En) => "whole ledger checked".to_string(),
        (n, Lang::Ja) => format!("前回の検証済み #{n} 以降の規則・署名と、それまでの連鎖を検証"),
        (n, Lang::En) => format!(
            "rules and signatures after the last passing verify at #{n}, the chain up to it"
        ),
    };
    match (&l.failure, lang) {
        (None, Lang::Ja) => format!(
            "合格: {} エントリの連鎖・規則・署名に改ざんなし（{scope}）",
            grouped(l.entries)
        ),
        (None, Lang::En) => format!(
            "passed: chain, rules and signatures of {} entries intact ({scope})",
            grouped(l.entries)
        ),
        (Some(f), Lang::Ja) => format!("失敗: エントリ {}: {}", f.seq, f.reason),
        (Some(f), Lang::En) => format!("FAILED at entry {}: {}", f.seq, f.reason),
    }
}

fn lang_code(lang: Lang) -> &'static str {
    match lang {
        Lang::Ja => "ja",
        Lang::En => "en",
    }
}

/// The JSON document: the data, with the words a reader sees in the language asked for.
#[derive(Serialize)]
struct Localized<'a> {
    lang: &'static str,
    title: &'static str,
    verdict: Vec<String>,
    #[serde(flatten)]
    certificate: &'a Certificate,
}

// The text form: aligned by display width, so Japanese labels line up in a terminal.

const RULE: &str = "────────────────────────────────────────────────────────────────";

impl Certificate {
    fn text(&self, lang: Lang) -> String {
        let sections = self.sections(lang);
        let width = sections
            .iter()
            .flat_map(|s| s.rows.iter())
            .map(|r| unicode_width::UnicodeWidthStr::width(r.label))
            .max()
            .unwrap_or(0);
        let mut o = format!("{} — {}\n", self.title(lang), self.medium.number);
        o += &format!("{}\n", self.subtitle(lang));
        let protected = lang.protected_heading(self.medium.classification.is_protected());
        o += &format!(
            "{}   {protected}{}\n{RULE}\n",
            self.org,
            levels(&self.medium.classification, lang)
        );
        o += &verdict_text(&self.verdict(lang));
        for s in &sections {
            o += &format!("\n[{}]\n", s.title);
            for r in &s.rows {
                o += &row_text(r, width);
            }
        }
        o += &self.signatures_text(lang, width);
        o += &format!(
            "{RULE}\n{}: {} ({}: {}, {})\n",
            lang.w(Word::PrintedAt),
            self.printed,
            lang.w(Word::TimesLower),
            self.timezone,
            self.printed_by
        );
        o
    }

    fn signatures_text(&self, lang: Lang, width: usize) -> String {
        let mut o = format!("\n[{}]\n", lang.w(Word::Signatures));
        for s in &self.signers {
            let label = capacity_name(s.capacity, self.kind, lang);
            let lines = vec![
                format!(
                    "{} ({}), {}",
                    s.person.name,
                    s.person.id,
                    person_title(s, lang)
                ),
                format!(
                    "{} {} — {}",
                    lang.w(Word::Key),
                    s.person.fingerprint,
                    signature_text(s.signature, lang)
                ),
            ];
            o += &row_text(&rows(label, lines), width);
        }
        o += &format!("\n[{}]\n", lang.w(Word::ValidatedByHand));
        for label in validation_labels(lang) {
            o += &row_text(&row(label, "______________________________"), width);
        }
        o
    }
}

pub(super) fn validation_labels(lang: Lang) -> [&'static str; 4] {
    [
        lang.w(Word::Name),
        lang.w(Word::AffiliationTitle),
        lang.w(Word::Date),
        lang.w(Word::SignatureSeal),
    ]
}

fn verdict_text(v: &Verdict) -> String {
    let mark = if v.good { "✔" } else { "!!" };
    let mut o = format!("{mark} {}\n", v.headline);
    for w in &v.warnings {
        o += &format!("!! {w}\n");
    }
    o
}

fn row_text(r: &Row, width: usize) -> String {
    let mut o = String::new();
    for (i, line) in r.lines.iter().enumerate() {
        let label = if i == 0 { r.label } else { "" };
        o += &format!("  {}  {line}\n", pad(label, width));
    }
    o
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn groups_thousands() {
        assert_eq!(grouped(0), "0");
        assert_eq!(grouped(999), "999");
        assert_eq!(grouped(2_097_152), "2,097,152");
        assert_eq!(grouped(1_000_000_000), "1,000,000,000");
    }

    #[test]
    fn continuation_lines_align_under_the_value() {
        let r = rows("媒体", vec!["a".into(), "b".into()]);
        assert_eq!(row_text(&r, 6), "  媒体    a\n          b\n");
    }
}
