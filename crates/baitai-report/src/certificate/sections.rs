//! A certificate's sections, labelled rows in the order of NIST SP 800-88 Appendix G: the
//! text and the HTML page are drawn from the same sections, so they cannot disagree.

use super::phrases::{
    basis_lines, destination_text, destroy_name, ledger_text, marking, media_type, method_name,
    or_blank, person_title,
};
use super::{Certificate, DestructionDetails, Details, WipeDetails};
use crate::kit::text::BLANK;
use crate::kit::units::{bytes_grouped, counted, grouped};
use crate::kit::SignerView;
use crate::lifecycle::Cleanliness;
use crate::model::{ByteRange, DeviceIdentity, PatternKind, Wipe, WipePass, WipeResult};
use crate::{Lang, Word};

/// Mismatch ranges printed on a certificate.
const SHOWN_RANGES: usize = 3;

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

pub(super) fn row(label: &'static str, value: impl Into<String>) -> Row {
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

pub(super) fn rows(label: &'static str, lines: Vec<String>) -> Row {
    Row {
        label,
        lines,
        mono: false,
    }
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
        r.push(row(
            lang.w(Word::Capacity),
            bytes_grouped(d.capacity_bytes, lang),
        ));
    }
    r
}

impl Certificate {
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
        let act = Word::act(&e.kind).map_or(e.kind.as_str(), |w| lang.w(w));
        let line = match lang {
            Lang::Ja => format!("#{} {act}（{}）", e.seq, e.time),
            Lang::En => format!("#{} {} ({})", e.seq, e.kind, e.time),
        };
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
                    "上書き: {}、{} パス",
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
            "全数: 全バイトを装置から読み戻して比較 — {}",
            rec.cache_bypass.describe_ja()
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
            row(
                lang.w(Word::BytesWritten),
                bytes_grouped(w.bytes_written, lang),
            ),
            row(
                lang.w(Word::BytesVerified),
                bytes_grouped(w.bytes_verified, lang),
            ),
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
