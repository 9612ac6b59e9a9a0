//! Labels to stick on media (003 第4-2(2)): the medium number, its marking, the organisation
//! and a QR code of the number, as boxed terminal text (`text`) or as A4 sheets of cut-out
//! labels (`html`); JSON is the data.

mod html;
mod text;

use qrcode::QrCode;
use serde::Serialize;

use crate::app::Session;
use crate::error::{Error, Result};
use crate::lifecycle::{Holding, MediumState};
use crate::model::{Body, Classification};
use crate::Lang;

pub use html::{labels_html, Sheet};
pub use text::labels_text;

/// The size of a printed label (`medium label --size`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[cfg_attr(feature = "cli", derive(clap::ValueEnum))]
pub enum LabelSize {
    /// 25 × 12 mm, to stick on a USB stick: the QR code and the number, the marking beside
    /// them; 7 × 20 to an A4 sheet.
    Small,
    /// 90 × 50 mm, for a case or a larger medium: everything a label shows; 2 × 5 to an A4
    /// sheet.
    #[default]
    Large,
}

impl LabelSize {
    /// Labels on one A4 sheet.
    pub fn per_sheet(self) -> usize {
        match self {
            LabelSize::Small => 7 * 20,
            LabelSize::Large => 2 * 5,
        }
    }

    /// The size as `--size` names it.
    pub fn as_str(self) -> &'static str {
        match self {
            LabelSize::Small => "small",
            LabelSize::Large => "large",
        }
    }
}

/// What one label shows. The QR code encodes `medium` and nothing else, so any scanner that
/// reads it types the number a command takes.
#[derive(Debug, Clone, Serialize)]
pub struct Label {
    /// The medium number (媒体番号), large on the label and the only thing in its QR code.
    pub medium: String,
    /// `C3-I1-A1`.
    pub marking: String,
    /// The marking in words: 機密性3 完全性1 可用性1.
    pub marking_words: String,
    /// Whether the label carries the words 保護すべき情報.
    pub protected: bool,
    /// The handling restriction (取扱制限), as typed; absent when there is
    /// none.
    pub restriction: Option<String>,
    /// The free text given at registration (what is written on the medium).
    pub label: Option<String>,
    /// The organisation (組織) the ledger was set up for.
    pub org: String,
}

fn marking_words(c: &Classification, lang: Lang) -> String {
    match lang {
        Lang::Ja => c.marking_ja(),
        Lang::En => format!(
            "Confidentiality {} · Integrity {} · Availability {}",
            c.confidentiality, c.integrity, c.availability
        ),
    }
}

/// The label of one medium; an unknown number is a usage error.
pub fn medium_label(session: &Session, medium: &str, lang: Lang) -> Result<Label> {
    let state = session.medium(medium)?;
    label_of(session, &state, lang)
}

/// Labels for every medium the organisation still holds or may get back: all but the
/// destroyed and the transferred, in the order they were registered.
pub fn held_media_labels(session: &Session, lang: Lang) -> Result<Vec<Label>> {
    let mut labels = Vec::new();
    for state in session.all_states()? {
        // A lost medium has nothing to stick a label on; a found one gets its label again
        // once it is returned.
        let printable = match state.holding {
            Holding::InStorage | Holding::Out(_) => true,
            Holding::Lost | Holding::Destroyed | Holding::Transferred => false,
        };
        if printable {
            labels.push(label_of(session, &state, lang)?);
        }
    }
    Ok(labels)
}

fn label_of(session: &Session, state: &MediumState, lang: Lang) -> Result<Label> {
    let text = session
        .ledger()
        .medium_entries(&state.number)?
        .into_iter()
        .find_map(|e| match e.body {
            Body::Register(r) => Some(r.label),
            _ => None,
        })
        .flatten();
    let c = &state.classification;
    Ok(Label {
        medium: state.number.0.clone(),
        marking: c.marking(),
        marking_words: marking_words(c, lang),
        protected: c.is_protected(),
        restriction: c.restriction.clone(),
        label: text,
        org: session.settings().org.clone(),
    })
}

fn qr_code(data: &str) -> Result<QrCode> {
    QrCode::new(data.as_bytes()).map_err(|e| {
        Error::Other(
            crate::msg::Msg::QrCode {
                data: format!("{data:?}").into(),
                cause: e.to_string().into(),
            }
            .into(),
        )
    })
}

/// What the label tests share: a label, and the modules of a QR code to check drawings against.
#[cfg(test)]
mod testdata {
    use super::*;
    use qrcode::Color;

    pub fn sample() -> Label {
        Label {
            medium: "USB-2026-0001".into(),
            marking: "C3-I1-A1".into(),
            marking_words: "機密性3 完全性1 可用性1".into(),
            protected: true,
            restriction: None,
            label: Some("設計部 1".into()),
            org: "防衛装備テスト株式会社".into(),
        }
    }

    /// The modules qrcode makes for `data`, row by row, dark = true.
    pub fn modules(data: &str) -> Vec<Vec<bool>> {
        let code = QrCode::new(data.as_bytes()).expect("encodes");
        let colors = code.to_colors();
        colors
            .chunks(code.width())
            .map(|row| row.iter().map(|c| *c == Color::Dark).collect())
            .collect()
    }
}
