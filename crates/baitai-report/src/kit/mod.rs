//! The kit every printout is made with: the page shell and tables (`html`), terminal tables
//! (`text`), CSV with its formula guard (`csv`), sizes and times (`units`), the one-line
//! summaries of entries (`summary`), the entry lines and verify verdict the audit and incident
//! reports share (`entries`), and here the people and devices as printouts name them.

pub mod csv;
pub mod entries;
pub mod html;
pub mod summary;
pub mod text;
pub mod units;

use serde::Serialize;

use crate::error::{Error, Result};
use crate::lifecycle::Directory;
use crate::model::{DeviceIdentity, PersonId};
use crate::{Lang, Word};

/// A person as shown on a printout: name, affiliation and key fingerprint.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct SignerView {
    /// The person's ID (`P0003`).
    pub id: String,
    /// The name as registered (氏名), in whatever script it was typed; the ID again when the
    /// directory does not know the person.
    pub name: String,
    /// The affiliation as registered (所属), shown in （） after the name; empty when the directory
    /// does not know the person.
    pub affiliation: String,
    /// The fingerprint of the person's signing key, four groups of four hex digits
    /// (`32a9:4600:7a3e:9644`), shown in [ ]; empty when the directory does not know the
    /// person.
    pub fingerprint: String,
}

impl SignerView {
    pub(crate) fn of(dir: &Directory, id: &PersonId) -> SignerView {
        match dir.get(id) {
            Some(p) => SignerView {
                id: p.id.0.clone(),
                name: p.name.clone(),
                affiliation: p.affiliation.clone(),
                fingerprint: p.public_key.fingerprint().to_string(),
            },
            None => SignerView {
                id: id.0.clone(),
                name: id.0.clone(),
                affiliation: String::new(),
                fingerprint: String::new(),
            },
        }
    }

    /// `山田 太郎（設計課）[ab12:…]`
    pub(crate) fn short(&self) -> String {
        format!(
            "{}（{}）[{}]",
            self.name, self.affiliation, self.fingerprint
        )
    }
}

/// A box of the sign-off under a report: who signs in what capacity (点検者, 確認者…), and
/// their name when the ledger knows it (the custodian who made a stock-take); otherwise the
/// name is written by hand.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignBox {
    pub role: &'static str,
    pub name: Option<String>,
}

impl SignBox {
    /// A box whose name is written by hand.
    pub fn blank(role: &'static str) -> SignBox {
        SignBox { role, name: None }
    }
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

/// The headings of a row of columns, for a terminal table.
pub fn headings<const N: usize>(columns: &[Column; N]) -> [&'static str; N] {
    columns.map(|c| c.heading)
}

/// What tells the device apart: USB IDs, vendor and product, serial.
pub fn device_labels(d: &DeviceIdentity) -> Vec<String> {
    device_labels_in(d, Lang::En)
}

/// [`device_labels`] with the word before the serial number in `lang` (シリアル番号 on a
/// Japanese page).
fn device_labels_in(d: &DeviceIdentity, lang: Lang) -> Vec<String> {
    let serial = match lang {
        Lang::Ja => lang.w(Word::SerialNumber),
        Lang::En => "serial",
    };
    let mut parts = Vec::new();
    if let (Some(v), Some(p)) = (&d.vendor_id, &d.product_id) {
        parts.push(format!("{v}:{p}"));
    }
    for x in [&d.vendor, &d.product].into_iter().flatten() {
        parts.push(x.clone());
    }
    if let Some(s) = &d.serial {
        parts.push(format!("{serial} {s}"));
    }
    parts
}

/// The device in one line: what tells it apart, its path, its size.
pub fn device_summary(d: &DeviceIdentity) -> String {
    device_summary_in(d, Lang::En)
}

/// [`device_summary`] for a printout in `lang`.
pub(crate) fn device_summary_in(d: &DeviceIdentity, lang: Lang) -> String {
    let mut parts = device_labels_in(d, lang);
    if let Some(p) = &d.path {
        parts.push(p.clone());
    }
    parts.push(units::human_bytes(d.capacity_bytes));
    parts.join(", ")
}

/// A JSON printout: the data as serde writes it, pretty, with a final newline.
pub fn json_doc<T: Serialize>(v: &T) -> Result<String> {
    serde_json::to_string_pretty(v)
        .map(|s| s + "\n")
        .map_err(|e| {
            Error::Other(
                crate::msg::Msg::EncodeJson {
                    cause: e.to_string().into(),
                }
                .into(),
            )
        })
}
