//! The payloads of the ledger's entries, one struct per kind (docs/ledger.md, Entry kinds):
//! people and settings, a medium's lifecycle, the stock-take and the vault.

use serde::{Deserialize, Serialize};

use super::{
    Classification, DestroyMethod, DeviceIdentity, MediaKind, MediumNumber, PersonId, ReturnCheck,
    Role,
};
use crate::crypto::{KdfParams, PublicKey};

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
