//! The words of a certificate that carry its values: its title, the verdict that heads it, what
//! became of the medium, what showed it clean, the ledger's check.

use super::{
    Basis, Certificate, CertificateKind, Destination, DestructionDetails, Details, LedgerCheck,
    SignatureCheck, Signer, WipeDetails,
};
use crate::kit::text::BLANK;
use crate::kit::units::{bytes_grouped, counted, grouped};
use crate::model::{Classification, DestroyMethod, MediaKind, SignRole, WipeMethod, WipeResult};
use crate::{Lang, Word};

/// The headline, whether the certificate certifies what it names, and every reason a reader
/// should doubt it.
pub(super) struct Verdict {
    pub(super) good: bool,
    pub(super) headline: String,
    pub(super) warnings: Vec<String>,
}

impl Verdict {
    pub(super) fn lines(self) -> Vec<String> {
        std::iter::once(self.headline)
            .chain(self.warnings)
            .collect()
    }
}

pub(super) fn or_blank(v: Option<&String>) -> String {
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

pub(super) fn media_type(k: MediaKind, lang: Lang) -> &'static str {
    lang.w(Word::media_kind(k))
}

pub(super) fn method_name(m: WipeMethod, lang: Lang) -> String {
    match lang {
        // A Japanese page says it in Japanese only (issue 18); the English is on `--lang en`.
        Lang::Ja => m.ja().to_string(),
        Lang::En => m.as_str().to_string(),
    }
}

pub(super) fn destroy_name(m: DestroyMethod, lang: Lang) -> String {
    match lang {
        Lang::Ja => m.ja().to_string(),
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
pub(super) fn marking(c: &Classification, lang: Lang) -> String {
    let base = levels(c, lang);
    match &c.restriction {
        Some(r) => format!("{base} {}: {r}", lang.w(Word::HandlingRestrictionLower)),
        None => base,
    }
}

impl Certificate {
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
}

/// `管理者, 情報保証室` — the ledger's roles stand for the title.
pub(super) fn person_title(s: &Signer, lang: Lang) -> String {
    let roles: Vec<&str> = s.roles.iter().map(|r| lang.w(Word::role(*r))).collect();
    format!("{} / {}", s.person.affiliation, roles.join(", "))
}

pub(super) fn wipe_verdict(w: &WipeDetails, lang: Lang) -> String {
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

pub(super) fn destination_text(d: &Destination, lang: Lang) -> String {
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

pub(super) fn basis_lines(b: Option<&Basis>, lang: Lang) -> Vec<String> {
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
                    bytes_grouped(*bytes_verified, lang)
                ),
                Lang::En => format!(
                    "Yes: wipe record #{} ({}), {}, {} read back, passed",
                    entry.seq,
                    entry.time,
                    method.as_str(),
                    bytes_grouped(*bytes_verified, lang)
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
                    bytes_grouped(*bytes_read, lang)
                ),
                Lang::En => format!(
                    "Yes: whole-medium return check #{} ({}), {} read, no data",
                    entry.seq,
                    entry.time,
                    bytes_grouped(*bytes_read, lang)
                ),
            },
            format!("{} {}", lang.w(Word::HashLower), entry.hash),
        ],
    }
}

pub(super) fn ledger_text(l: &LedgerCheck, lang: Lang) -> String {
    let scope = match (l.checked_after, lang) {
        (0, _) => lang.w(Word::WholeLedgerChecked).to_string(),
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

pub(super) fn validation_labels(lang: Lang) -> [&'static str; 4] {
    [
        lang.w(Word::Name),
        lang.w(Word::AffiliationTitle),
        lang.w(Word::Date),
        lang.w(Word::SignatureSeal),
    ]
}
