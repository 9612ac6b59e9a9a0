//! Certificates of sanitization (消去証明書) and destruction (破棄証明書): one medium's signed
//! `medium.wipe` or `medium.destroy` entry, with the fields of NIST SP 800-88 Rev.1 Appendix G,
//! its signatures and the ledger checked when printed; as text, JSON or one A4 portrait page.

mod build;
mod html;
mod phrases;
mod sections;
mod text;

use serde::Serialize;

use crate::error::{Error, Result};
use crate::kit::{json_doc, SignerView};
use crate::ledger::VerifyFailure;
use crate::model::{
    Body, Classification, DestroyMethod, DeviceIdentity, MediaKind, Role, SignRole, Wipe,
    WipeMethod,
};
use crate::{Format, Lang};

pub use build::certificate;

/// Which certificate: of a wipe record, or of the destruction.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "cli", derive(clap::ValueEnum))]
#[serde(rename_all = "lowercase")]
pub enum CertificateKind {
    /// 消去証明書: from a `medium.wipe` record
    Wipe,
    /// 破棄証明書: from the `medium.destroy` entry
    Destruction,
}

impl CertificateKind {
    fn of(body: &Body) -> Option<CertificateKind> {
        match body {
            Body::Wipe(_) => Some(CertificateKind::Wipe),
            Body::Destroy(_) => Some(CertificateKind::Destruction),
            _ => None,
        }
    }

    fn entry_kind(self) -> &'static str {
        match self {
            CertificateKind::Wipe => "medium.wipe",
            CertificateKind::Destruction => "medium.destroy",
        }
    }
}

/// A certificate as data: every value comes from the ledger; the words come at rendering.
#[derive(Debug, Clone, Serialize)]
pub struct Certificate {
    pub kind: CertificateKind,
    /// True only for a passed wipe (or a recorded destruction) whose signatures are all valid,
    /// in a ledger that verified when this was printed.
    pub certifies: bool,
    pub org: String,
    pub medium: MediumInfo,
    /// The entry certified.
    pub entry: EntryRef,
    /// Who signed it, in their capacity (actor, witness), with each signature checked.
    pub signers: Vec<Signer>,
    #[serde(flatten)]
    pub details: Details,
    pub ledger: LedgerCheck,
    pub timezone: String,
    pub printed: String,
    pub printed_by: String,
}

/// The medium as registered, and where it stands when printed.
#[derive(Debug, Clone, Serialize)]
pub struct MediumInfo {
    pub number: String,
    pub media_type: MediaKind,
    pub label: Option<String>,
    pub classification: Classification,
    pub device: Option<DeviceIdentity>,
    pub received_from: Option<String>,
    pub holding: String,
    pub clean: String,
}

/// A ledger entry by number, time and full hash.
#[derive(Debug, Clone, Serialize)]
pub struct EntryRef {
    pub seq: u64,
    pub kind: String,
    pub time: String,
    pub hash: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Signer {
    pub capacity: SignRole,
    #[serde(flatten)]
    pub person: SignerView,
    /// The person's roles in the ledger: their title for this act.
    pub roles: Vec<Role>,
    pub signature: SignatureCheck,
}

/// A signature checked against the signer's key in the ledger, when printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum SignatureCheck {
    Valid,
    Invalid,
    Missing,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Details {
    Wipe(Box<WipeDetails>),
    Destruction(DestructionDetails),
}

#[derive(Debug, Clone, Serialize)]
pub struct WipeDetails {
    /// The sanitization record exactly as signed.
    pub record: Wipe,
    pub started: String,
    pub finished: String,
    pub bytes_written: u64,
    pub bytes_verified: u64,
    pub mismatched_sectors: u64,
    /// The `medium.wipe_start` entry this record ends.
    pub start_entry: Option<u64>,
    /// Who last had the medium out before the wipe (NIST "source").
    pub source: Option<SignerView>,
    pub destination: Destination,
}

/// What became of the medium after the record, as far as the ledger knows.
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Destination {
    /// Issued again (使用, 持出し, 貸出し): internal reuse.
    Reused {
        seq: u64,
        time: String,
    },
    Destroyed {
        seq: u64,
        time: String,
        method: DestroyMethod,
    },
    Transferred {
        seq: u64,
        time: String,
        recipient: String,
    },
    Lost {
        seq: u64,
        time: String,
    },
    /// Nothing has happened to it since: where it stands now.
    Pending {
        holding: String,
        clean: String,
    },
}

#[derive(Debug, Clone, Serialize)]
pub struct DestructionDetails {
    pub method: DestroyMethod,
    /// What the ledger knew of the medium's data just before the destruction.
    pub clean_before: String,
    /// What showed the data unrestorable before destruction, if anything did.
    pub basis: Option<Basis>,
    pub unverifiable: Option<String>,
}

/// The entry that made the medium verified clean before it was destroyed.
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Basis {
    Wipe {
        entry: EntryRef,
        method: WipeMethod,
        bytes_verified: u64,
        capacity_bytes: u64,
    },
    ReturnCheck {
        entry: EntryRef,
        bytes_read: u64,
        capacity_bytes: u64,
    },
}

/// `ledger verify` as run for this printout.
#[derive(Debug, Clone, Serialize)]
pub struct LedgerCheck {
    pub verified: bool,
    pub entries: u64,
    pub head: Option<String>,
    /// Rules and signatures were checked after this entry, the user's last passing verify;
    /// 0 when the whole ledger was checked.
    pub checked_after: u64,
    pub failure: Option<VerifyFailure>,
}

impl Certificate {
    /// The ledger's failure as an error, so a certificate of a tampered ledger exits 5.
    pub fn ledger_failure(&self) -> Option<Error> {
        self.ledger.failure.as_ref().map(|f| {
            Error::Integrity(format!(
                "entry {}: {} (the certificate was printed marked as not reliable)",
                f.seq, f.reason
            ))
        })
    }
}

impl Certificate {
    /// The certificate in a format; a certificate is not a table, so not CSV.
    pub fn render(&self, format: Format, lang: Lang) -> Result<String> {
        match format {
            Format::Text => Ok(text::render(self, lang)),
            Format::Html => Ok(html::render(self, lang)),
            Format::Json => json_doc(&Localized {
                lang: lang.code(),
                title: self.title(lang),
                verdict: self.verdict(lang).lines(),
                certificate: self,
            }),
            Format::Csv => Err(Error::usage(
                "a certificate prints as text, html or json, not csv",
            )),
        }
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
