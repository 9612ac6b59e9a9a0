//! The facts of an incident report as labelled lines, in the order a report form asks for
//! them; the text and the HTML page both show these.

use super::IncidentReport;
use crate::kit::summary::cipher_name;
use crate::kit::text::{visible, Fact, BLANK};
use crate::kit::units::bytes;
use crate::kit::{entries::entry_columns, Column, SignerView};
use crate::model::MediaKind;
use crate::{Lang, Word};

pub(super) fn person(p: &SignerView) -> String {
    format!(
        "{}（{}）{} [{}]",
        p.name, p.affiliation, p.id, p.fingerprint
    )
}

pub(super) fn opt(v: &Option<String>) -> String {
    v.clone().unwrap_or_else(|| BLANK.to_string())
}

/// What kind of medium was registered (`usb`, `block`, `image`, `other`), in words.
fn kind_word(kind: &str, lang: Lang) -> &str {
    let k = match kind {
        "usb" => MediaKind::Usb,
        "block" => MediaKind::Block,
        "image" => MediaKind::Image,
        "other" => MediaKind::Other,
        _ => return kind,
    };
    lang.w(Word::media_kind(k))
}

/// What the registration recorded about the device, or that it recorded nothing.
pub(super) fn device_text(r: &IncidentReport, lang: Lang) -> String {
    match (&r.device, lang) {
        (Some(d), Lang::Ja) => format!("{}（{}）", visible(d), kind_word(&r.media_kind, lang)),
        (Some(d), Lang::En) => format!("{} ({})", visible(d), r.media_kind),
        (None, Lang::Ja) => format!("登録時の記録なし（{}）", kind_word(&r.media_kind, lang)),
        (None, Lang::En) => format!("none recorded (kind {})", r.media_kind),
    }
}

/// Where it is and, unless it is lost, what is known of its data: the data state of a
/// lost medium ("fresh", say) describes the last return, not what it holds now.
pub(super) fn state_text(r: &IncidentReport) -> String {
    if r.lost {
        r.state.clone()
    } else {
        format!("{} / {}", r.state, r.clean)
    }
}

/// `C3-I2-A1（機密性3 完全性2 可用性1）`; in English the compact form says it all.
pub(super) fn marking_text(r: &IncidentReport) -> String {
    if r.marking == r.marking_text {
        r.marking.clone()
    } else {
        format!("{}（{}）", r.marking, r.marking_text)
    }
}

/// The facts in the order a report form asks for them: the medium, the loss, the data.
pub(super) fn facts(r: &IncidentReport, lang: Lang) -> Vec<Fact> {
    let mut rows = vec![
        Fact::new(lang.w(Word::MediumNo), r.medium.clone()),
        Fact::new(lang.w(Word::Classification), marking_text(r)),
        Fact::new(lang.w(Word::HandlingRestriction), opt(&r.restriction)),
        Fact::new(lang.w(Word::Organisation), r.org.clone()),
        Fact::new(lang.w(Word::Label), opt(&r.label)),
        Fact::new(lang.w(Word::Device), device_text(r, lang)),
        Fact::new(lang.w(Word::Registered), r.registered.clone()),
    ];
    if let Some(f) = &r.received_from {
        rows.push(Fact::new(lang.w(Word::ReceivedFrom), f.clone()));
    }
    rows.push(Fact::new(lang.w(Word::StateNow), state_text(r)));
    rows
}

pub(super) fn loss_rows(r: &IncidentReport, lang: Lang) -> Vec<Fact> {
    let mut rows = Vec::new();
    match &r.loss {
        Some(l) => {
            rows.push(Fact::new(lang.w(Word::ReportedBy), person(&l.reported_by)));
            rows.push(Fact::new(lang.w(Word::ReportedAt), l.time.clone()));
            rows.push(Fact::new(
                lang.w(Word::Circumstances),
                l.circumstances.clone(),
            ));
            if let Some(f) = &l.found {
                rows.push(Fact::new(
                    lang.w(Word::FoundReceivedBy),
                    format!("{} {}", f.time, person(&f.received_by)),
                ));
            }
        }
        None => rows.push(Fact::new(
            lang.w(Word::LossReported),
            lang.w(Word::NotRecordedLost).to_string(),
        )),
    }
    match &r.last_holder {
        Some(h) => {
            rows.push(Fact::new(lang.w(Word::LastHolder), person(&h.person)));
            rows.push(Fact::new(
                lang.w(Word::HeldSince),
                format!("{} — {}", h.since, h.terms),
            ));
        }
        None => rows.push(Fact::new(
            lang.w(Word::LastHolder),
            lang.w(Word::NeverIssued).to_string(),
        )),
    }
    rows
}

pub(super) fn data_rows(r: &IncidentReport, lang: Lang) -> Vec<Fact> {
    let c = &r.contents;
    let mut rows = vec![
        Fact::new(lang.w(Word::FileCount), c.count.to_string()),
        Fact::new(lang.w(Word::TotalSize), bytes(c.bytes, lang)),
    ];
    match &r.encryption {
        Some(e) => {
            rows.push(Fact::new(
                lang.w(Word::Encrypted),
                format!("{} — {}", lang.w(Word::Yes), cipher_name(&e.cipher)),
            ));
            let slots: Vec<String> = e.key_slots.iter().map(person).collect();
            rows.push(Fact::new(lang.w(Word::KeySlots), slots.join(", ")));
            rows.push(Fact::new(
                lang.w(Word::PassphraseSlot),
                lang.w(if e.passphrase_slot {
                    Word::Yes
                } else {
                    Word::No
                })
                .to_string(),
            ));
            if let Some(t) = &e.erased_at {
                rows.push(Fact::new(lang.w(Word::CryptoErased), t.clone()));
            }
        }
        None => rows.push(Fact::new(
            lang.w(Word::Encrypted),
            lang.w(Word::NoVaultRecord).to_string(),
        )),
    }
    rows
}

/// `（#29 登録 2026-11-24 09:00 以降）`: where the time line and the file list start.
pub(super) fn since_text(r: &IncidentReport, lang: Lang) -> String {
    let (seq, act, time) = (r.since.seq, &r.since.act, &r.since.time);
    match lang {
        Lang::Ja => format!("（#{seq} {act} {time} 以降）"),
        Lang::En => format!(" (since #{seq} {act}, {time})"),
    }
}

pub(super) fn timeline_columns(lang: Lang) -> [Column; 5] {
    let [seq, time, act] = entry_columns(lang);
    [
        seq,
        time,
        act,
        Column::new(lang.w(Word::People), 29, true),
        Column::new(lang.w(Word::Entry), 39, true),
    ]
}
