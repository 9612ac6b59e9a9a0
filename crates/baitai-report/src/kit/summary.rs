//! One line saying what a ledger entry recorded, in the printout's language: the form's annex,
//! the audit and incident reports' entries, the command line's own lists.

use crate::kit::units::{grouped, human_bytes, Times};
use crate::model::{Body, InventoryCheck, ReturnCheck, SignRole, Wipe, WipeResult};
use crate::{Lang, Word};

/// A cipher as the standards write it (`AES-256-GCM`), whatever case the ledger stored it in.
pub fn cipher_name(stored: &str) -> String {
    stored.to_ascii_uppercase()
}

pub fn role_name(r: SignRole, lang: Lang) -> &'static str {
    lang.w(Word::sign_role(r))
}

/// One line saying what an entry recorded.
pub fn summary(times: Times, body: &Body, lang: Lang) -> String {
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
            times.stored_minute(&c.until),
            c.purpose
        ),
        Body::Loan(l) => format!(
            "{}: {} / {} → {} ({})",
            lang.w(Word::SumLoan),
            l.borrower,
            l.destination,
            times.stored_minute(&l.until),
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
                "{}: {} ({} {}, {} {}; {})",
                lang.w(Word::SumPut),
                names.join(", "),
                p.added.len(),
                lang.w(Word::SumFiles),
                grouped(p.bytes),
                lang.w(Word::Bytes),
                cipher_name(&p.cipher)
            );
            if !p.unrecorded.is_empty() {
                let names: Vec<&str> = p.unrecorded.iter().map(|f| f.name.as_str()).collect();
                text += &format!("; {}: {}", lang.w(Word::SumPutUnrecorded), names.join(", "));
            }
            text
        }
        Body::InventoryCheck(c) => inventory_text(c, lang),
        Body::VaultGet(g) => format!(
            "{}: {} {}, {} {}",
            lang.w(Word::SumGet),
            g.files.len(),
            lang.w(Word::SumFiles),
            grouped(g.bytes),
            lang.w(Word::Bytes)
        ),
        Body::WipeStart(w) => format!(
            "{}: {} ({})",
            lang.w(Word::SumWipeStarted),
            if ja { w.method.ja() } else { w.method.as_str() },
            human_bytes(w.device.capacity_bytes)
        ),
        Body::Wipe(w) => wipe_text(w, lang),
        Body::VaultErase(_) => lang.w(Word::SumVaultErased).to_string(),
        Body::VaultRekey(k) => {
            let removed: Vec<&str> = k.removed.iter().map(|p| p.0.as_str()).collect();
            format!("{}: {}", lang.w(Word::SumRekey), removed.join(", "))
        }
        Body::Correct(c) => correction_text(c, lang),
        other => other.encode().map(|(k, _)| k).unwrap_or_default(),
    }
}

/// One line for a correction: the entry it names, wrong and right, why.
pub fn correction_text(c: &crate::model::Correct, lang: Lang) -> String {
    format!(
        "{} #{}: {}",
        lang.w(Word::SumCorrection),
        c.entry,
        correction_body(&c.wrong, &c.right, &c.reason, c.data_present, lang)
    )
}

/// What a correction says, after the entry it names: wrong and right, why, and whether it
/// made the medium data-present. The annex and the form's 訂正 page share it.
pub fn correction_body(
    wrong: &str,
    right: &str,
    reason: &str,
    data_present: bool,
    lang: Lang,
) -> String {
    let mut text = format!(
        "{}「{wrong}」→ {}「{right}」; {}: {reason}",
        lang.w(Word::SumWrong),
        lang.w(Word::SumRight),
        lang.w(Word::SumReason),
    );
    if data_present {
        text += &format!("; {}", lang.w(Word::SumDataPresent));
    }
    text
}

/// One line for a stock-take: how many found, and what did not match.
pub fn inventory_text(c: &InventoryCheck, lang: Lang) -> String {
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
    let verified = human_bytes(w.bytes_verified());
    let first_bad = w
        .passes
        .iter()
        .find_map(|p| p.mismatches.first())
        .map(|r| r.offset);
    let result = match (w.result, ja) {
        (WipeResult::Passed, _) => lang.w(Word::WipePassed).to_string(),
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
        (WipeResult::Incomplete, _) => {
            let why = w.reason.as_deref().unwrap_or(lang.w(Word::WipeStopped));
            match lang {
                Lang::Ja => format!("未完了（{why}）"),
                Lang::En => format!("incomplete ({why})"),
            }
        }
    };
    format!(
        "{}: {method}, {} {verified}; {result}",
        lang.w(Word::SumWiped),
        lang.w(Word::SumReadBack)
    )
}

/// A return check (返却時の消去確認) in one line of the language: nothing checked, files seen on the
/// mounted medium, or the whole-device read and whether it found data.
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
