//! The ledger's vocabulary: people, media, classification and the typed body of every entry kind.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::crypto::{KdfParams, PublicKey};
use crate::error::{Error, Result};

mod wipe;
pub use wipe::*;

/// A person's ID, `P0001`…, assigned in order and never reused.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct PersonId(pub String);

impl PersonId {
    pub fn nth(n: u64) -> Self {
        PersonId(format!("P{n:04}"))
    }
}

impl fmt::Display for PersonId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A medium number (媒体番号), `USB-2026-0001`…, never reused.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct MediumNumber(pub String);

impl fmt::Display for MediumNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// What a person may do. A person may hold several roles; duties stay separated per act.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "cli", derive(clap::ValueEnum))]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// 取扱者: takes media out, encrypts and decrypts files.
    Handler,
    /// 管理者: registers, issues, receives, approves, wipes media.
    Custodian,
    /// 破棄立会者: witnesses destruction.
    Witness,
    /// 総括者: creates the ledger and manages people.
    Admin,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Handler => "handler",
            Role::Custodian => "custodian",
            Role::Witness => "witness",
            Role::Admin => "admin",
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Classification marking (004 1.3.1.1–1.3.1.2): confidentiality 1–3, integrity 1–2,
/// availability 1–2, plus free-form handling restrictions (取扱制限).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Classification {
    pub confidentiality: u8,
    pub integrity: u8,
    pub availability: u8,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub restriction: Option<String>,
}

impl Classification {
    pub fn new(c: u8, i: u8, a: u8, restriction: Option<String>) -> Result<Self> {
        if !(1..=3).contains(&c) || !(1..=2).contains(&i) || !(1..=2).contains(&a) {
            return Err(Error::usage(
                "classification out of range: confidentiality C1–C3, integrity I1–I2, availability A1–A2",
            ));
        }
        Ok(Classification {
            confidentiality: c,
            integrity: i,
            availability: a,
            restriction,
        })
    }

    /// Parse `C3`, `I2`, `A1` style levels (case-insensitive, the letter optional).
    pub fn level(s: &str, letter: char, max: u8) -> Result<u8> {
        let t = s.trim();
        let digits = t
            .strip_prefix(letter)
            .or_else(|| t.strip_prefix(letter.to_ascii_lowercase()))
            .unwrap_or(t);
        match digits.parse::<u8>() {
            Ok(n) if (1..=max).contains(&n) => Ok(n),
            _ => Err(Error::usage(format!(
                "{s:?} is not a level: use {letter}1…{letter}{max}"
            ))),
        }
    }

    /// Whether media of this class are marked 保護すべき情報 on every printout, label and
    /// vault header. Confidentiality 2 and 3 are what the common standards call 要機密情報; a
    /// 機密性1 medium holds nothing that must be told apart as protected (000 10(4)ア).
    pub fn is_protected(&self) -> bool {
        self.confidentiality >= 2
    }

    /// `C3-I2-A2` — the compact marking shown on labels and headers.
    pub fn marking(&self) -> String {
        format!(
            "C{}-I{}-A{}",
            self.confidentiality, self.integrity, self.availability
        )
    }

    /// 機密性3 / 完全性2 / 可用性2 — the marking in Japanese.
    pub fn marking_ja(&self) -> String {
        format!(
            "機密性{} 完全性{} 可用性{}",
            self.confidentiality, self.integrity, self.availability
        )
    }
}

/// What kind of thing the medium is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum MediaKind {
    Usb,
    Block,
    Image,
    Other,
}

/// The identity of the physical medium, checked before anything writes to it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct DeviceIdentity {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vendor_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub product_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vendor: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub product: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub serial: Option<String>,
    pub capacity_bytes: u64,
}

/// How a medium's data was checked when it came back.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "method", rename_all = "lowercase")]
pub enum ReturnCheck {
    /// Nothing was looked at.
    None,
    /// A file-system look: can find data, never prove it gone.
    Path { files: u64, bytes: u64 },
    /// Every byte of the medium (an image file or block device) read back and compared with
    /// the blank pattern (sectors all 0x00 or all 0xFF).
    Device {
        path: String,
        capacity_bytes: u64,
        bytes_read: u64,
        data_sectors: u64,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        first_data_offset: Option<u64>,
        /// How the reads avoided the page cache.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        cache_bypass: Option<CacheBypass>,
    },
}

impl ReturnCheck {
    pub fn data_found(&self) -> Option<bool> {
        match self {
            ReturnCheck::None => None,
            ReturnCheck::Path { files, .. } => Some(*files > 0),
            ReturnCheck::Device { data_sectors, .. } => Some(*data_sectors > 0),
        }
    }

    /// Only a whole-medium read that found nothing proves the medium clean.
    pub fn proves_clean(&self) -> bool {
        matches!(self, ReturnCheck::Device { capacity_bytes, bytes_read, data_sectors: 0, .. }
            if bytes_read == capacity_bytes && *capacity_bytes > 0)
    }
}

/// Physical destruction methods (003 第4-7(2)).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "cli", derive(clap::ValueEnum))]
#[serde(rename_all = "lowercase")]
pub enum DestroyMethod {
    /// 焼却
    Incinerate,
    /// 粉砕
    Crush,
    /// 細断
    Shred,
    /// 溶解
    Melt,
    /// 破壊
    Break,
}

impl DestroyMethod {
    pub fn ja(self) -> &'static str {
        match self {
            DestroyMethod::Incinerate => "焼却",
            DestroyMethod::Crush => "粉砕",
            DestroyMethod::Shred => "細断",
            DestroyMethod::Melt => "溶解",
            DestroyMethod::Break => "破壊",
        }
    }

    pub fn en(self) -> &'static str {
        match self {
            DestroyMethod::Incinerate => "incineration",
            DestroyMethod::Crush => "crushing",
            DestroyMethod::Shred => "shredding",
            DestroyMethod::Melt => "melting",
            DestroyMethod::Break => "breaking",
        }
    }
}

/// The ledger's settings, fixed by its first entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LedgerInit {
    pub org: String,
    pub timezone: String,
    pub medium_prefix: String,
    /// Default language of printouts: `ja` or `en`.
    pub lang: String,
    /// End of the working day (`HH:MM`): media used that day are due back by then.
    pub day_end: String,
    /// Argon2id parameters for new passphrases.
    pub kdf: KdfParams,
    /// The first admin, who signs this entry with the key introduced here.
    pub admin: PersonAdd,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PersonAdd {
    pub id: PersonId,
    pub name: String,
    pub affiliation: String,
    pub roles: Vec<Role>,
    /// Signs the person's entries (ECDSA P-256).
    pub public_key: PublicKey,
    /// Opens vault key slots addressed to the person (ECDH P-256).
    pub encryption_key: PublicKey,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PersonRef {
    pub id: PersonId,
}

/// A passphrase change. Since schema 3 it also replaces the person's keys, so a sealed key
/// restored from an older copy of the file no longer signs or opens anything new; the old
/// key signs it (as the actor) and, unless the person is an admin, an admin approves it.
/// Entries written before schema 3 name only the person, and hash as they did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PersonPasswd {
    pub id: PersonId,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub new_key: Option<NewKeys>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub approver: Option<PersonId>,
}

/// The public halves of a person's replacement key pair.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewKeys {
    pub public_key: PublicKey,
    pub encryption_key: PublicKey,
}

/// A failed passphrase attempt. Nobody can sign it, so anyone who can write the ledger file
/// can add one: its fields are checked (`validate`), and it can lock out only the person it
/// names.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuthFailure {
    pub id: PersonId,
    pub command: String,
}

/// The commands that ask for a passphrase: the only values `AuthFailure::command` may hold.
pub const AUTH_COMMANDS: &[&str] = &[
    "carry-out",
    "checkout",
    "copy",
    "destroy",
    "get",
    "inventory check",
    "loan",
    "lost",
    "ls",
    "medium register",
    "person add",
    "person passwd",
    "person revoke",
    "person unlock",
    "put",
    "receive",
    "return",
    "transfer",
    "vault erase",
    "vault info",
    "vault rekey",
    "vault verify",
    "wipe",
];

impl AuthFailure {
    /// Why this row cannot have been written by baitai, if it cannot.
    pub fn invalid(&self) -> Option<String> {
        if !AUTH_COMMANDS.contains(&self.command.as_str()) {
            return Some(format!(
                "names a command baitai does not record ({:?})",
                self.command.escape_debug().to_string()
            ));
        }
        None
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Register {
    pub kind: MediaKind,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub device: Option<DeviceIdentity>,
    pub classification: Classification,
    /// Set when the medium arrived from outside (`receive`, 003 第4-6(4)).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub received_from: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Checkout {
    pub purpose: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Return {
    pub check: ReturnCheck,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CarryOut {
    pub approver: PersonId,
    /// RFC 3339 UTC.
    pub until: String,
    pub destination: String,
    pub purpose: String,
    /// The files the ledger records on the medium, shown to the approver before they sign
    /// and signed with the entry: what was approved to travel (003 第4-4(2)). Absent when
    /// none (and in entries from before schema 3).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub contents: Vec<VaultFile>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Loan {
    pub approver: PersonId,
    pub borrower: String,
    pub until: String,
    pub destination: String,
    pub purpose: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Copy {
    pub approver: PersonId,
    pub data: String,
    pub counterpart: String,
    pub purpose: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Transfer {
    pub approver: PersonId,
    pub recipient: String,
    pub purpose: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Destroy {
    pub witness: PersonId,
    pub method: DestroyMethod,
    /// Why the data could not be checked unrestorable first (a broken medium).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unverifiable: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Lost {
    pub circumstances: String,
}

/// A stock-take of the media store (003 第4-1(3)): what was found, and how it differs from
/// what the ledger says should be there.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InventoryCheck {
    /// Where the check was made (the locker or safe), free text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location: Option<String>,
    /// Medium numbers found, as scanned (normalised to upper case, each once).
    pub present: Vec<String>,
    /// In storage according to the ledger, but not found.
    pub missing: Vec<MediumNumber>,
    /// Found, but the ledger puts them elsewhere or does not know them.
    pub unexpected: Vec<Unexpected>,
    /// Out past the time they were due back.
    pub overdue: Vec<MediumNumber>,
}

/// A medium found where the ledger does not expect it, with where the ledger puts it
/// (`unknown` for a number the ledger has never issued).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Unexpected {
    pub medium: String,
    pub ledger_state: String,
}

/// A file as the ledger remembers it from a `put`: what a lost medium held (000 12).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VaultFile {
    pub name: String,
    pub size: u64,
}

/// Files encrypted onto the medium's vault.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VaultPut {
    pub vault_id: String,
    pub cipher: String,
    pub added: Vec<VaultFile>,
    pub bytes: u64,
    /// Files in the vault after this put.
    pub total_files: u64,
    /// SHA-256 of the manifest file written.
    pub manifest_sha256: String,
    /// That manifest's sequence number (absent in entries written before schema 3).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub manifest_seq: Option<u64>,
    /// Who can open the vault: person IDs with slots, and whether a passphrase slot exists.
    pub recipients: Vec<PersonId>,
    pub passphrase_slot: bool,
    /// Files found in the vault that no entry records: stored by an earlier put that was
    /// interrupted after its manifest went in but before its entry committed. Absent (and
    /// so hashed as before) when there are none.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub unrecorded: Vec<VaultFile>,
}

/// Files decrypted from the medium's vault.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VaultGet {
    pub vault_id: String,
    pub files: Vec<VaultFile>,
    pub bytes: u64,
    pub manifest_sha256: String,
}

/// Revoked people's key slots removed from a returned medium's vault: the header without them,
/// and the manifest signed again by the custodian as its next version.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VaultRekey {
    pub vault_id: String,
    /// Whose slots were removed: each revoked when the entry was made.
    pub removed: Vec<PersonId>,
    /// Who holds a key slot in the vault now.
    pub recipients: Vec<PersonId>,
    pub passphrase_slot: bool,
    /// SHA-256 and sequence number of the manifest written.
    pub manifest_sha256: String,
    pub manifest_seq: u64,
}

/// The vault's key slots destroyed (crypto-erase).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VaultErase {
    pub vault_id: String,
}

/// The typed body of a ledger entry. The tag is the entry's `kind`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "data")]
pub enum Body {
    #[serde(rename = "ledger.init")]
    LedgerInit(LedgerInit),
    #[serde(rename = "person.add")]
    PersonAdd(PersonAdd),
    #[serde(rename = "person.passwd")]
    PersonPasswd(PersonPasswd),
    #[serde(rename = "person.revoke")]
    PersonRevoke(PersonRef),
    /// An admin lifts the lock that repeated failed passphrases put on a person.
    #[serde(rename = "person.unlock")]
    PersonUnlock(PersonRef),
    #[serde(rename = "person.auth_failure")]
    AuthFailure(AuthFailure),
    #[serde(rename = "medium.register")]
    Register(Register),
    #[serde(rename = "medium.checkout")]
    Checkout(Checkout),
    #[serde(rename = "medium.return")]
    Return(Return),
    #[serde(rename = "medium.carry_out")]
    CarryOut(CarryOut),
    #[serde(rename = "medium.loan")]
    Loan(Loan),
    #[serde(rename = "medium.copy")]
    Copy(Copy),
    #[serde(rename = "medium.transfer")]
    Transfer(Transfer),
    #[serde(rename = "medium.destroy")]
    Destroy(Destroy),
    #[serde(rename = "medium.lost")]
    Lost(Lost),
    #[serde(rename = "medium.wipe_start")]
    WipeStart(WipeStart),
    #[serde(rename = "medium.wipe")]
    Wipe(Wipe),
    #[serde(rename = "vault.put")]
    VaultPut(VaultPut),
    #[serde(rename = "vault.get")]
    VaultGet(VaultGet),
    #[serde(rename = "vault.erase")]
    VaultErase(VaultErase),
    #[serde(rename = "vault.rekey")]
    VaultRekey(VaultRekey),
    #[serde(rename = "inventory.check")]
    InventoryCheck(InventoryCheck),
}

/// In which capacity a person signs an entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SignRole {
    Actor,
    Approver,
    Witness,
}

impl SignRole {
    pub fn as_str(self) -> &'static str {
        match self {
            SignRole::Actor => "actor",
            SignRole::Approver => "approver",
            SignRole::Witness => "witness",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "actor" => Some(SignRole::Actor),
            "approver" => Some(SignRole::Approver),
            "witness" => Some(SignRole::Witness),
            _ => None,
        }
    }
}

impl Body {
    /// Split into the stored `kind` and canonical JSON payload.
    pub fn encode(&self) -> Result<(String, String)> {
        let v = serde_json::to_value(self)
            .map_err(|e| Error::Other(format!("cannot encode entry: {e}")))?;
        let (kind, data) = match v {
            serde_json::Value::Object(mut m) => (m.remove("kind"), m.remove("data")),
            _ => (None, None),
        };
        match (kind, data) {
            (Some(serde_json::Value::String(k)), Some(d)) => Ok((k, d.to_string())),
            _ => Err(Error::Other(
                "entry body did not encode as kind + data".into(),
            )),
        }
    }

    pub fn decode(kind: &str, payload: &str) -> Result<Self> {
        let data: serde_json::Value = serde_json::from_str(payload)
            .map_err(|e| Error::Integrity(format!("entry payload is not JSON: {e}")))?;
        let v = serde_json::json!({ "kind": kind, "data": data });
        serde_json::from_value(v).map_err(|e| {
            Error::Integrity(format!("entry payload of kind {kind:?} is malformed: {e}"))
        })
    }

    /// The second person who must sign, besides the actor.
    pub fn second_signer(&self) -> Option<(SignRole, &PersonId)> {
        match self {
            Body::CarryOut(b) => Some((SignRole::Approver, &b.approver)),
            Body::Loan(b) => Some((SignRole::Approver, &b.approver)),
            Body::Copy(b) => Some((SignRole::Approver, &b.approver)),
            Body::Transfer(b) => Some((SignRole::Approver, &b.approver)),
            Body::Destroy(b) => Some((SignRole::Witness, &b.witness)),
            Body::PersonPasswd(p) => p.approver.as_ref().map(|a| (SignRole::Approver, a)),
            Body::LedgerInit(_)
            | Body::PersonAdd(_)
            | Body::PersonRevoke(_)
            | Body::PersonUnlock(_)
            | Body::AuthFailure(_)
            | Body::Register(_)
            | Body::Checkout(_)
            | Body::Return(_)
            | Body::Lost(_)
            | Body::WipeStart(_)
            | Body::Wipe(_)
            | Body::VaultPut(_)
            | Body::VaultGet(_)
            | Body::VaultErase(_)
            | Body::VaultRekey(_)
            | Body::InventoryCheck(_) => None,
        }
    }

    /// A public key this entry itself introduces for `person` (the signer is not yet known).
    pub fn introduced_key(&self, person: &PersonId) -> Option<PublicKey> {
        match self {
            Body::PersonAdd(p) if &p.id == person => Some(p.public_key),
            Body::LedgerInit(i) if &i.admin.id == person => Some(i.admin.public_key),
            _ => None,
        }
    }

    /// The entry's kind, as a value the rules can match exhaustively.
    pub fn kind(&self) -> Kind {
        match self {
            Body::LedgerInit(_) => Kind::LedgerInit,
            Body::PersonAdd(_) => Kind::PersonAdd,
            Body::PersonPasswd(_) => Kind::PersonPasswd,
            Body::PersonRevoke(_) => Kind::PersonRevoke,
            Body::PersonUnlock(_) => Kind::PersonUnlock,
            Body::AuthFailure(_) => Kind::AuthFailure,
            Body::Register(_) => Kind::Register,
            Body::Checkout(_) => Kind::Checkout,
            Body::Return(_) => Kind::Return,
            Body::CarryOut(_) => Kind::CarryOut,
            Body::Loan(_) => Kind::Loan,
            Body::Copy(_) => Kind::Copy,
            Body::Transfer(_) => Kind::Transfer,
            Body::Destroy(_) => Kind::Destroy,
            Body::Lost(_) => Kind::Lost,
            Body::WipeStart(_) => Kind::WipeStart,
            Body::Wipe(_) => Kind::Wipe,
            Body::VaultPut(_) => Kind::VaultPut,
            Body::VaultGet(_) => Kind::VaultGet,
            Body::VaultErase(_) => Kind::VaultErase,
            Body::VaultRekey(_) => Kind::VaultRekey,
            Body::InventoryCheck(_) => Kind::InventoryCheck,
        }
    }

    /// Entries that nobody signs: a failed passphrase cannot produce a signature.
    pub fn is_unsigned(&self) -> bool {
        self.kind().is_unsigned()
    }

    /// Whether this entry is about one medium (and so appears on its form).
    pub fn is_medium_act(&self) -> bool {
        self.kind().is_medium_act()
    }
}

/// The kinds of ledger entry (the stored `kind` column), one per `Body` variant.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Kind {
    LedgerInit,
    PersonAdd,
    PersonPasswd,
    PersonRevoke,
    PersonUnlock,
    AuthFailure,
    Register,
    Checkout,
    Return,
    CarryOut,
    Loan,
    Copy,
    Transfer,
    Destroy,
    Lost,
    WipeStart,
    Wipe,
    VaultPut,
    VaultGet,
    VaultErase,
    VaultRekey,
    InventoryCheck,
}

impl Kind {
    /// The stored name, as in the `kind` column and docs/ledger.md §3.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::LedgerInit => "ledger.init",
            Kind::PersonAdd => "person.add",
            Kind::PersonPasswd => "person.passwd",
            Kind::PersonRevoke => "person.revoke",
            Kind::PersonUnlock => "person.unlock",
            Kind::AuthFailure => "person.auth_failure",
            Kind::Register => "medium.register",
            Kind::Checkout => "medium.checkout",
            Kind::Return => "medium.return",
            Kind::CarryOut => "medium.carry_out",
            Kind::Loan => "medium.loan",
            Kind::Copy => "medium.copy",
            Kind::Transfer => "medium.transfer",
            Kind::Destroy => "medium.destroy",
            Kind::Lost => "medium.lost",
            Kind::WipeStart => "medium.wipe_start",
            Kind::Wipe => "medium.wipe",
            Kind::VaultPut => "vault.put",
            Kind::VaultGet => "vault.get",
            Kind::VaultErase => "vault.erase",
            Kind::VaultRekey => "vault.rekey",
            Kind::InventoryCheck => "inventory.check",
        }
    }

    /// Nobody signs it: only a failed passphrase attempt.
    pub fn is_unsigned(self) -> bool {
        match self {
            Kind::AuthFailure => true,
            Kind::LedgerInit
            | Kind::PersonAdd
            | Kind::PersonPasswd
            | Kind::PersonRevoke
            | Kind::PersonUnlock
            | Kind::Register
            | Kind::Checkout
            | Kind::Return
            | Kind::CarryOut
            | Kind::Loan
            | Kind::Copy
            | Kind::Transfer
            | Kind::Destroy
            | Kind::Lost
            | Kind::WipeStart
            | Kind::Wipe
            | Kind::VaultPut
            | Kind::VaultGet
            | Kind::VaultErase
            | Kind::VaultRekey
            | Kind::InventoryCheck => false,
        }
    }

    /// About one medium, and so on its form.
    pub fn is_medium_act(self) -> bool {
        match self {
            Kind::Register
            | Kind::Checkout
            | Kind::Return
            | Kind::CarryOut
            | Kind::Loan
            | Kind::Copy
            | Kind::Transfer
            | Kind::Destroy
            | Kind::Lost
            | Kind::WipeStart
            | Kind::Wipe
            | Kind::VaultPut
            | Kind::VaultGet
            | Kind::VaultErase
            | Kind::VaultRekey => true,
            Kind::LedgerInit
            | Kind::PersonAdd
            | Kind::PersonPasswd
            | Kind::PersonRevoke
            | Kind::PersonUnlock
            | Kind::AuthFailure
            | Kind::InventoryCheck => false,
        }
    }
}

impl std::fmt::Display for Kind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn body_round_trip() {
        let b = Body::Checkout(Checkout {
            purpose: "設計図の持参".into(),
        });
        let (k, p) = b.encode().unwrap();
        assert_eq!(k, "medium.checkout");
        assert_eq!(p, r#"{"purpose":"設計図の持参"}"#);
        assert_eq!(Body::decode(&k, &p).unwrap(), b);
        assert!(Body::decode("medium.checkout", "{}").is_err());
        assert!(Body::decode("nope", &p).is_err());
    }

    #[test]
    fn levels() {
        assert_eq!(Classification::level("C3", 'C', 3).unwrap(), 3);
        assert_eq!(Classification::level("i2", 'I', 2).unwrap(), 2);
        assert_eq!(Classification::level("1", 'A', 2).unwrap(), 1);
        assert!(Classification::level("C4", 'C', 3).is_err());
        assert!(Classification::level("X", 'C', 3).is_err());
    }
}
