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
    /// Which certificate: `wipe` (消去証明書) or `destruction` (破棄証明書).
    pub kind: CertificateKind,
    /// True only for a passed wipe (or a recorded destruction) whose signatures are all valid,
    /// in a ledger that verified when this was printed.
    pub certifies: bool,
    /// The organisation (組織) the ledger was set up for, which issues the certificate.
    pub org: String,
    /// The medium certified.
    pub medium: MediumInfo,
    /// The entry certified.
    pub entry: EntryRef,
    /// Who signed it, in their capacity (actor, witness), with each signature checked.
    pub signers: Vec<Signer>,
    #[serde(flatten)]
    /// What was done: in JSON a `wipe` or a `destruction` member beside the others.
    pub details: Details,
    /// The `ledger verify` made while printing.
    pub ledger: LedgerCheck,
    /// The ledger's time zone (`Asia/Tokyo`), in which every time of the certificate is
    /// written.
    pub timezone: String,
    /// When the certificate was printed (出力日時), to the second in the ledger's time zone.
    pub printed: String,
    /// The program and version that printed it (`baitai 0.1.0`).
    pub printed_by: String,
}

/// The medium as registered, and where it stands when printed.
#[derive(Debug, Clone, Serialize)]
pub struct MediumInfo {
    /// The medium number (媒体番号).
    pub number: String,
    /// What was registered: `usb`, `block`, `image` or `other` (no device).
    pub media_type: MediaKind,
    /// The free text given at registration (what is written on the medium); absent when none
    /// was given.
    pub label: Option<String>,
    /// The classification (格付) as registered: its levels, and the handling restriction if any.
    pub classification: Classification,
    /// The device as registered (USB IDs, vendor, product, serial, path, capacity); absent for
    /// a medium registered without one.
    pub device: Option<DeviceIdentity>,
    /// Who it came from, for a medium received from outside; absent for one of our own.
    pub received_from: Option<String>,
    /// Where it is when printed, the ledger's own word in English (`in-storage`, `destroyed`…).
    pub holding: String,
    /// What is known of its data when printed, the ledger's own word in English
    /// (`verified-clean`, `wipe-failed`…).
    pub clean: String,
}

/// A ledger entry by number, time and full hash.
#[derive(Debug, Clone, Serialize)]
pub struct EntryRef {
    /// The entry's sequence number in the ledger.
    pub seq: u64,
    /// The kind as stored (`medium.wipe`, `medium.destroy`, `medium.return`).
    pub kind: String,
    /// When it was recorded, to the second in the ledger's time zone.
    pub time: String,
    /// The entry's full hash, 64 hex digits, to find it with `ledger print`.
    pub hash: String,
}

#[derive(Debug, Clone, Serialize)]
/// A person who signed the certified entry, in the capacity they signed in; in JSON the
/// person's fields sit beside the others.
pub struct Signer {
    /// The capacity they signed in: `actor` (実施者) or `witness` (立会者).
    pub capacity: SignRole,
    #[serde(flatten)]
    /// Who, as the directory knows them when printed.
    pub person: SignerView,
    /// The person's roles in the ledger: their title for this act.
    pub roles: Vec<Role>,
    /// Whether their signature on the entry checks out against their key now.
    pub signature: SignatureCheck,
}

/// A signature checked against the signer's key in the ledger, when printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum SignatureCheck {
    /// The signature is there, by this person, and verifies against their key.
    Valid,
    /// A signature is there but does not verify, is by someone else, or the person's key is
    /// unknown.
    Invalid,
    /// The ledger holds no signature in this capacity.
    Missing,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "lowercase")]
/// What the certificate records, by kind.
pub enum Details {
    /// A sanitization (消去): the wipe record with its times and counts.
    Wipe(Box<WipeDetails>),
    /// A destruction (破棄): how, and what showed the data gone before it.
    Destruction(DestructionDetails),
}

#[derive(Debug, Clone, Serialize)]
/// A wipe as the sanitization certificate shows it: the signed record, its times in the
/// ledger's zone, its totals, and what became of the medium after.
pub struct WipeDetails {
    /// The sanitization record exactly as signed.
    pub record: Wipe,
    /// When the wipe started, to the second in the ledger's time zone (as stored if
    /// unreadable).
    pub started: String,
    /// When it finished, to the second in the ledger's time zone (as stored if unreadable).
    pub finished: String,
    /// Bytes written, over all passes.
    pub bytes_written: u64,
    /// Bytes read back and compared, over all passes.
    pub bytes_verified: u64,
    /// Sectors that read back wrong, over all passes; a passed wipe has none.
    pub mismatched_sectors: u64,
    /// The `medium.wipe_start` entry this record ends.
    pub start_entry: Option<u64>,
    /// Who last had the medium out before the wipe (NIST "source").
    pub source: Option<SignerView>,
    /// What became of the medium after the wipe (NIST "destination").
    pub destination: Destination,
}

/// What became of the medium after the record, as far as the ledger knows.
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Destination {
    /// Issued again (使用, 持出し, 貸出し): internal reuse.
    Reused {
        /// The entry that issued it again.
        seq: u64,
        /// When, to the second in the ledger's time zone.
        time: String,
    },
    /// Destroyed (破棄).
    Destroyed {
        /// The `medium.destroy` entry.
        seq: u64,
        /// When, to the second in the ledger's time zone.
        time: String,
        /// How it was destroyed.
        method: DestroyMethod,
    },
    /// Handed over outside the organisation (交付).
    Transferred {
        /// The `medium.transfer` entry.
        seq: u64,
        /// When, to the second in the ledger's time zone.
        time: String,
        /// Who received it (交付先), as typed.
        recipient: String,
    },
    /// Recorded as lost (紛失).
    Lost {
        /// The `medium.lost` entry.
        seq: u64,
        /// When, to the second in the ledger's time zone.
        time: String,
    },
    /// Nothing has happened to it since: where it stands now.
    Pending {
        /// Where it is, the ledger's own word in English (`in-storage`…).
        holding: String,
        /// What is known of its data, the ledger's own word in English (`verified-clean`…).
        clean: String,
    },
}

#[derive(Debug, Clone, Serialize)]
/// A destruction as the destruction certificate shows it.
pub struct DestructionDetails {
    /// How it was destroyed (破棄方法, 003 第4-7(2)).
    pub method: DestroyMethod,
    /// What the ledger knew of the medium's data just before the destruction.
    pub clean_before: String,
    /// What showed the data unrestorable before destruction, if anything did.
    pub basis: Option<Basis>,
    /// Why the data could not first be checked unrestorable (a broken medium), as recorded;
    /// absent when it could.
    pub unverifiable: Option<String>,
}

/// The entry that made the medium verified clean before it was destroyed.
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Basis {
    /// A wipe that passed.
    Wipe {
        /// The `medium.wipe` entry.
        entry: EntryRef,
        /// How it wiped.
        method: WipeMethod,
        /// Bytes read back and compared, over all passes.
        bytes_verified: u64,
        /// The device's capacity in bytes, to set the bytes read against.
        capacity_bytes: u64,
    },
    /// A return check that read the whole device and found no data.
    ReturnCheck {
        /// The `medium.return` entry.
        entry: EntryRef,
        /// Bytes read.
        bytes_read: u64,
        /// The device's capacity in bytes.
        capacity_bytes: u64,
    },
}

/// `ledger verify` as run for this printout.
#[derive(Debug, Clone, Serialize)]
pub struct LedgerCheck {
    /// Whether the ledger passed: hash chain, rules and signatures intact.
    pub verified: bool,
    /// How many entries the verify read.
    pub entries: u64,
    /// The hash of the last entry that verified (ヘッドハッシュ), 64 hex digits; absent for an empty
    /// ledger.
    pub head: Option<String>,
    /// Rules and signatures were checked after this entry, the user's last passing verify;
    /// 0 when the whole ledger was checked.
    pub checked_after: u64,
    /// The first entry that does not verify and why; absent when the ledger passed.
    pub failure: Option<VerifyFailure>,
}

impl Certificate {
    /// The ledger's failure as an error, so a certificate of a tampered ledger exits 5.
    pub fn ledger_failure(&self) -> Option<Error> {
        self.ledger.failure.as_ref().map(|f| {
            Error::Integrity(
                crate::msg::Msg::CertificateUnreliable {
                    seq: f.seq.to_string().into(),
                    reason: f.reason.clone(),
                }
                .into(),
            )
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
            Format::Csv => Err(Error::usage(crate::msg::Msg::CertificateNotCsv)),
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
