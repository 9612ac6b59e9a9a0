//! The payloads of the ledger's entries, one struct per kind (docs/ledger.md, Entry kinds):
//! people and settings, a medium's lifecycle, the stock-take and the vault.

use serde::{Deserialize, Serialize};

use super::{
    Classification, DestroyMethod, DeviceIdentity, MediaKind, MediumNumber, PersonId, ReturnCheck,
    Role, Site,
};
use crate::crypto::{KdfParams, PublicKey};

/// The ledger's settings, fixed by its first entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LedgerInit {
    /// The organisation's name, printed on every form.
    pub org: String,
    /// The IANA time zone times are shown and entered in (e.g. `Asia/Tokyo`); the ledger stores
    /// UTC.
    pub timezone: String,
    /// What medium numbers start with (`USB` gives `USB-2026-0001`).
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

/// A person added to the ledger (`person.add`), and the first admin inside `ledger.init`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PersonAdd {
    /// The next ID in order (`P0002`, …).
    pub id: PersonId,
    /// Their name (氏名), unique in the ledger.
    pub name: String,
    /// Their department or unit (所属).
    pub affiliation: String,
    /// What they may do; at least one role.
    pub roles: Vec<Role>,
    /// Signs the person's entries (ECDSA P-256).
    pub public_key: PublicKey,
    /// Opens vault key slots addressed to the person (ECDH P-256).
    pub encryption_key: PublicKey,
    /// The site they belong to (拠点); absent for the whole organisation (a security office),
    /// and in entries from before sites, which hash as they did.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub site: Option<Site>,
    /// The PKCS#11 token that holds the person's private key (issue 21); absent for a key
    /// sealed under a passphrase, and in entries from before tokens, which hash as they did.
    /// With a token, `public_key` and `encryption_key` are the same key: the token's one key
    /// pair both signs (CKM_ECDSA) and agrees keys (CKM_ECDH1_DERIVE).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub token: Option<TokenInfo>,
}

/// Which token holds a person's private key, as the token describes itself (PKCS#11
/// CK_TOKEN_INFO) and which key on it: recorded in the signed entry that introduces the key, so
/// baitai finds the token again and a reader of the ledger sees the key never left it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TokenInfo {
    /// The token's manufacturer (`manufacturerID`, trimmed).
    pub manufacturer: String,
    /// The token's model (trimmed).
    pub model: String,
    /// The token's serial number (trimmed): how baitai finds it among the slots.
    pub serial: String,
    /// The token's label (trimmed).
    pub label: String,
    /// The key pair's CKA_ID, hex.
    pub key_id: String,
}

/// The roles whose signatures must come from a key on a token (`ledger.require_token`), from
/// this entry on; an empty list lifts the requirement.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RequireToken {
    /// The roles, in a fixed order without repeats.
    pub roles: Vec<Role>,
}

/// The person an entry is about: whom `person.revoke` revokes or `person.unlock` lets try again.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PersonRef {
    /// Their ID.
    pub id: PersonId,
}

/// An exception to a rule (`exception.grant`, 例外措置, 004 1.2.1.3(2)): the applicant (the
/// entry's actor) asks, an admin (許可権限者) decides and signs as approver. A record with a
/// period: it ends on its own at `until`, or earlier with an `exception.end`. It relaxes none
/// of the rules baitai enforces; it records the organisation's decision to depart from its
/// own regulations and what is done instead.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExceptionGrant {
    /// The admin who approved it (許可権限者), and signs too.
    pub approver: PersonId,
    /// The regulation and clause it departs from (規程名と条項等).
    pub clause: String,
    /// What it covers: media, places, people, as typed.
    pub scope: String,
    /// When it starts (RFC 3339 UTC).
    pub from: String,
    /// When it ends on its own (RFC 3339 UTC).
    pub until: String,
    /// What is done instead (講ずる代替手段等).
    pub measures: String,
    /// How its end will be reported (終了時の報告方法).
    pub end_report: String,
    /// Why it is needed (理由).
    pub reason: String,
}

/// The end of an exception reported (`exception.end`, 例外措置の終了報告), before or after its
/// period ran out.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExceptionEnd {
    /// The ledger number of its `exception.grant`.
    pub grant: u64,
    /// The report: what was done, and that the usual rule applies again.
    pub report: String,
}

/// An admin changes a person's roles (`person.roles`): the roles they hold from then on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PersonRoles {
    /// Whose roles.
    pub id: PersonId,
    /// Every role they hold from now on (at least one), in order.
    pub roles: Vec<Role>,
}

/// A passphrase change. Since schema 3 it also replaces the person's keys, so a sealed key
/// restored from an older copy of the file no longer signs or opens anything new; the old
/// key signs it (as the actor) and, unless the person is an admin, an admin approves it.
/// Entries written before schema 3 name only the person, and hash as they did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PersonPasswd {
    /// Whose passphrase changed: always the actor.
    pub id: PersonId,
    /// The replacement keys; absent only in entries from before schema 3, when the key stayed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub new_key: Option<NewKeys>,
    /// The admin who approved the new key (another person); may be absent only when the person
    /// is an admin.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub approver: Option<PersonId>,
    /// The token the new key was made on (`person token`, issue 21): from this entry on the
    /// person's key is there and no sealed key is kept. Absent for a new sealed key.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub token: Option<TokenInfo>,
}

/// The public halves of a person's replacement key pair.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewKeys {
    /// The new signing key: the person's entries after this one are signed with it.
    pub public_key: PublicKey,
    /// The new key-agreement key: vault slots made after this are addressed to it.
    pub encryption_key: PublicKey,
}

/// A failed passphrase attempt. Nobody can sign it, so anyone who can write the ledger file
/// can add one: its fields are checked (`validate`), and it can lock out only the person it
/// names.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuthFailure {
    /// Whose passphrase was wrong; the entry counts toward locking out only this person.
    pub id: PersonId,
    /// The command that asked for it, one of [`AUTH_COMMANDS`].
    pub command: String,
}

/// The commands that ask for a passphrase: the only values `AuthFailure::command` may hold.
pub const AUTH_COMMANDS: &[&str] = &[
    "carry-out",
    "checkout",
    "copy",
    "destroy",
    "exception end",
    "exception grant",
    "get",
    "inventory check",
    "ledger require-token",
    "loan",
    "lost",
    "ls",
    "medium correct",
    "medium register",
    "person add",
    "person passwd",
    "person revoke",
    "person roles",
    "person token",
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
    pub fn invalid(&self) -> Option<crate::text::Text> {
        if !AUTH_COMMANDS.contains(&self.command.as_str()) {
            return Some(
                crate::msg::Msg::AuthFailureCommand {
                    command: format!("{:?}", self.command.escape_debug().to_string()).into(),
                }
                .into(),
            );
        }
        None
    }
}

/// A medium registered (`medium.register`), or received from outside (`receive`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Register {
    /// What the medium is, which decides how its identity can be checked.
    pub kind: MediaKind,
    /// Free text written on the medium itself, to match it to its form.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    /// The identity of the device or image, checked before any write or wipe; absent when
    /// registered without one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub device: Option<DeviceIdentity>,
    /// Its classification, printed on its form and label and carried by its vault.
    pub classification: Classification,
    /// Set when the medium arrived from outside (`receive`, 003 第4-6(4)).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub received_from: Option<String>,
    /// The site that keeps it (保管場所), which its number then starts with; absent for a
    /// medium of the whole organisation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub site: Option<Site>,
}

/// A medium taken out of storage for the handler's own use (`medium.checkout`, 使用).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Checkout {
    /// What it is used for (使用目的).
    pub purpose: String,
}

/// A medium received back into storage (`medium.return`), with the check made of its data.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Return {
    /// How its data was checked, which decides whether it may be issued again.
    pub check: ReturnCheck,
}

/// A medium carried out of the premises with a custodian's permission (`medium.carry_out`, 持出し).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CarryOut {
    /// The custodian who permits it, and signs the entry too.
    pub approver: PersonId,
    /// RFC 3339 UTC.
    pub until: String,
    /// Where it goes (持出し先).
    pub destination: String,
    /// Why (目的).
    pub purpose: String,
    /// The files the ledger records on the medium, shown to the approver before they sign
    /// and signed with the entry: what was approved to travel (003 第4-4(2)). Absent when
    /// none (and in entries from before schema 3).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub contents: Vec<VaultFile>,
}

/// A medium lent to someone outside the ledger's people with a custodian's permission
/// (`medium.loan`, 貸出し).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Loan {
    /// The custodian who permits it, and signs the entry too.
    pub approver: PersonId,
    /// Who borrows it (借受人).
    pub borrower: String,
    /// When it must be back (RFC 3339 UTC).
    pub until: String,
    /// Where it goes (貸出し先).
    pub destination: String,
    /// Why (目的).
    pub purpose: String,
}

/// Data copied at a carry-out or loan destination (`medium.copy`, 複製), with permission.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Copy {
    /// The custodian who permits the copy, and signs the entry too.
    pub approver: PersonId,
    /// What business data is copied (複製する業務用データの内容).
    pub data: String,
    /// Who it is copied for (複製する相手方).
    pub counterpart: String,
    /// Why (複製の目的).
    pub purpose: String,
}

/// A medium handed over for good (`medium.transfer`, 交付); it closes the medium.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Transfer {
    /// The custodian who permits it, and signs the entry too.
    pub approver: PersonId,
    /// Who receives it (交付先).
    pub recipient: String,
    /// Why (交付目的).
    pub purpose: String,
}

/// A medium physically destroyed (`medium.destroy`, 破棄), under the two-person rule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Destroy {
    /// The witness, another person than the custodian, who signs the entry too.
    pub witness: PersonId,
    /// How it was destroyed (003 第4-7(2)).
    pub method: DestroyMethod,
    /// Why the data could not be checked unrestorable first (a broken medium).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unverifiable: Option<String>,
}

/// A medium reported lost (`medium.lost`, 紛失): an information-security incident (000 12).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Lost {
    /// What happened, in the reporter's words.
    pub circumstances: String,
}

/// A correction (`medium.correct`, 訂正) of an earlier entry about the same medium, as a paper
/// ledger is corrected with a double line and a seal: the entry it names stays as it was, and
/// the form shows it struck through with this beside it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Correct {
    /// The ledger entry corrected (its `seq`): an earlier entry about the same medium, not
    /// itself a correction.
    pub entry: u64,
    /// What the entry says that is wrong (誤).
    pub wrong: String,
    /// What is right (正).
    pub right: String,
    /// Why it was wrong and how that was found (理由).
    pub reason: String,
    /// The medium holds data that the corrected return's check did not record: the medium
    /// becomes `data-present`, as if the check had found it. A correction only ever makes the
    /// medium's state stricter; nothing makes it cleaner but a verified check (000 10(4)ウ).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub data_present: bool,
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
    /// The number as scanned.
    pub medium: String,
    /// Where the ledger puts it (`in-use`, `lost`, `destroyed`, …), or `unknown`.
    pub ledger_state: String,
}

/// A file as the ledger remembers it from a `put`: what a lost medium held (000 12).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VaultFile {
    /// Its name (path) in the vault.
    pub name: String,
    /// Its size in bytes.
    pub size: u64,
}

/// Files encrypted onto the medium's vault.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VaultPut {
    /// The vault's ID (hex), as its header holds it.
    pub vault_id: String,
    /// The cipher the vault is encrypted with (`aes-256-gcm`, `camellia-256-gcm`).
    pub cipher: String,
    /// The files this put stored.
    pub added: Vec<VaultFile>,
    /// Their total size.
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
    /// Whether an outside recipient's passphrase can open the vault too.
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
    /// The vault's ID (hex).
    pub vault_id: String,
    /// The files decrypted.
    pub files: Vec<VaultFile>,
    /// Their total size.
    pub bytes: u64,
    /// SHA-256 of the manifest the files were read under (hex).
    pub manifest_sha256: String,
}

/// Revoked people's key slots removed from a returned medium's vault: the header without them,
/// and the manifest signed again by the custodian as its next version.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VaultRekey {
    /// The vault's ID (hex).
    pub vault_id: String,
    /// Whose slots were removed: each revoked when the entry was made.
    pub removed: Vec<PersonId>,
    /// Whose slots were made again for the key they hold now on a token (`person token`,
    /// issue 21): each active when the entry was made. Absent when none, and in entries from
    /// before tokens, which hash as they did.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub readdressed: Vec<PersonId>,
    /// Who holds a key slot in the vault now.
    pub recipients: Vec<PersonId>,
    /// Whether a passphrase slot remains.
    pub passphrase_slot: bool,
    /// SHA-256 and sequence number of the manifest written.
    pub manifest_sha256: String,
    /// Its sequence number, one more than the manifest it replaces.
    pub manifest_seq: u64,
}

/// The vault's key slots destroyed (crypto-erase).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VaultErase {
    /// The vault's ID (hex).
    pub vault_id: String,
}
