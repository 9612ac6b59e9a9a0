//! The typed body of an entry, its kind and signing roles: how an entry is encoded for the
//! ledger, decoded from it, and who must sign it.

use serde::{Deserialize, Serialize};

use super::{
    AuthFailure, CarryOut, Checkout, Copy, Correct, Destroy, ExceptionEnd, ExceptionGrant,
    InventoryCheck, LedgerInit, Loan, Lost, PersonAdd, PersonId, PersonPasswd, PersonRef,
    PersonRoles, Register, RequireToken, Return, Transfer, VaultErase, VaultGet, VaultPut,
    VaultRekey, Wipe, WipeStart,
};
use crate::crypto::PublicKey;
use crate::error::{Error, Result};
use crate::msg::{with_cause, Msg};

/// The typed body of a ledger entry. The tag is the entry's `kind`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "data")]
pub enum Body {
    /// The first entry: the ledger's settings and its first admin.
    #[serde(rename = "ledger.init")]
    LedgerInit(LedgerInit),
    /// An admin sets the roles whose signatures must come from a key on a token (issue 21).
    #[serde(rename = "ledger.require_token")]
    LedgerRequireToken(RequireToken),
    /// A person added by an admin.
    #[serde(rename = "person.add")]
    PersonAdd(PersonAdd),
    /// A person's passphrase changed, with new keys since schema 3.
    #[serde(rename = "person.passwd")]
    PersonPasswd(PersonPasswd),
    /// A person revoked by an admin: from then on they can no longer act.
    #[serde(rename = "person.revoke")]
    PersonRevoke(PersonRef),
    /// An admin changes a person's roles.
    #[serde(rename = "person.roles")]
    PersonRoles(PersonRoles),
    /// An admin lifts the lock that repeated failed passphrases put on a person.
    #[serde(rename = "person.unlock")]
    PersonUnlock(PersonRef),
    /// A failed passphrase attempt, recorded unsigned.
    #[serde(rename = "person.auth_failure")]
    AuthFailure(AuthFailure),
    /// A medium registered, or received from outside.
    #[serde(rename = "medium.register")]
    Register(Register),
    /// A medium taken out for the handler's own use.
    #[serde(rename = "medium.checkout")]
    Checkout(Checkout),
    /// A medium received back into storage.
    #[serde(rename = "medium.return")]
    Return(Return),
    /// A medium carried out of the premises with permission.
    #[serde(rename = "medium.carry_out")]
    CarryOut(CarryOut),
    /// A medium lent with permission.
    #[serde(rename = "medium.loan")]
    Loan(Loan),
    /// Data copied at a carry-out or loan destination.
    #[serde(rename = "medium.copy")]
    Copy(Copy),
    /// A medium handed over for good.
    #[serde(rename = "medium.transfer")]
    Transfer(Transfer),
    /// A medium destroyed before a witness.
    #[serde(rename = "medium.destroy")]
    Destroy(Destroy),
    /// A medium reported lost.
    #[serde(rename = "medium.lost")]
    Lost(Lost),
    /// A wipe begun, before the first byte is written.
    #[serde(rename = "medium.wipe_start")]
    WipeStart(WipeStart),
    /// A wipe's end: the sanitization record.
    #[serde(rename = "medium.wipe")]
    Wipe(Wipe),
    /// Files encrypted into the medium's vault.
    #[serde(rename = "vault.put")]
    VaultPut(VaultPut),
    /// Files decrypted from the medium's vault.
    #[serde(rename = "vault.get")]
    VaultGet(VaultGet),
    /// The medium's vault crypto-erased.
    #[serde(rename = "vault.erase")]
    VaultErase(VaultErase),
    /// Revoked people's key slots removed from the medium's vault.
    #[serde(rename = "vault.rekey")]
    VaultRekey(VaultRekey),
    /// An earlier entry about the medium corrected (訂正).
    #[serde(rename = "medium.correct")]
    Correct(Correct),
    /// An exception to a rule granted (例外措置).
    #[serde(rename = "exception.grant")]
    ExceptionGrant(ExceptionGrant),
    /// An exception's end reported.
    #[serde(rename = "exception.end")]
    ExceptionEnd(ExceptionEnd),
    /// A stock-take of the media store.
    #[serde(rename = "inventory.check")]
    InventoryCheck(InventoryCheck),
}

/// In which capacity a person signs an entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SignRole {
    /// The person who makes the entry.
    Actor,
    /// The custodian or admin who permits it (a carry-out, loan, copy, transfer or new key).
    Approver,
    /// The person who witnesses a destruction.
    Witness,
}

impl SignRole {
    /// The role's name as the `signatures` table stores it.
    pub fn as_str(self) -> &'static str {
        match self {
            SignRole::Actor => "actor",
            SignRole::Approver => "approver",
            SignRole::Witness => "witness",
        }
    }

    /// The role stored under this name; None for a name baitai never writes.
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
            .map_err(|e| Error::Other(with_cause(Msg::EncodeEntry, e)))?;
        let (kind, data) = match v {
            serde_json::Value::Object(mut m) => (m.remove("kind"), m.remove("data")),
            _ => (None, None),
        };
        match (kind, data) {
            (Some(serde_json::Value::String(k)), Some(d)) => Ok((k, d.to_string())),
            _ => Err(Error::Other(Msg::EncodeShape.into())),
        }
    }

    /// The body of a stored entry from its `kind` and JSON payload; an unknown kind or a payload
    /// that does not fit it is an integrity failure.
    pub fn decode(kind: &str, payload: &str) -> Result<Self> {
        let data: serde_json::Value = serde_json::from_str(payload)
            .map_err(|e| Error::Integrity(with_cause(Msg::PayloadNotJson, e)))?;
        let v = serde_json::json!({ "kind": kind, "data": data });
        serde_json::from_value(v).map_err(|e| {
            Error::Integrity(with_cause(
                Msg::PayloadMalformed {
                    kind: format!("{kind:?}").into(),
                },
                e,
            ))
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
            Body::ExceptionGrant(g) => Some((SignRole::Approver, &g.approver)),
            Body::LedgerInit(_)
            | Body::LedgerRequireToken(_)
            | Body::PersonAdd(_)
            | Body::PersonRevoke(_)
            | Body::PersonRoles(_)
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
            | Body::Correct(_)
            | Body::ExceptionEnd(_)
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
            Body::LedgerRequireToken(_) => Kind::LedgerRequireToken,
            Body::PersonAdd(_) => Kind::PersonAdd,
            Body::PersonPasswd(_) => Kind::PersonPasswd,
            Body::PersonRevoke(_) => Kind::PersonRevoke,
            Body::PersonUnlock(_) => Kind::PersonUnlock,
            Body::PersonRoles(_) => Kind::PersonRoles,
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
            Body::Correct(_) => Kind::Correct,
            Body::ExceptionGrant(_) => Kind::ExceptionGrant,
            Body::ExceptionEnd(_) => Kind::ExceptionEnd,
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
    /// `ledger.init`: [`Body::LedgerInit`].
    LedgerInit,
    /// `ledger.require_token`: [`Body::LedgerRequireToken`].
    LedgerRequireToken,
    /// `person.add`: [`Body::PersonAdd`].
    PersonAdd,
    /// `person.passwd`: [`Body::PersonPasswd`].
    PersonPasswd,
    /// `person.revoke`: [`Body::PersonRevoke`].
    PersonRevoke,
    /// `person.unlock`: [`Body::PersonUnlock`].
    PersonUnlock,
    /// `person.roles`: [`Body::PersonRoles`].
    PersonRoles,
    /// `person.auth_failure`: [`Body::AuthFailure`].
    AuthFailure,
    /// `medium.register`: [`Body::Register`].
    Register,
    /// `medium.checkout`: [`Body::Checkout`].
    Checkout,
    /// `medium.return`: [`Body::Return`].
    Return,
    /// `medium.carry_out`: [`Body::CarryOut`].
    CarryOut,
    /// `medium.loan`: [`Body::Loan`].
    Loan,
    /// `medium.copy`: [`Body::Copy`].
    Copy,
    /// `medium.transfer`: [`Body::Transfer`].
    Transfer,
    /// `medium.destroy`: [`Body::Destroy`].
    Destroy,
    /// `medium.lost`: [`Body::Lost`].
    Lost,
    /// `medium.wipe_start`: [`Body::WipeStart`].
    WipeStart,
    /// `medium.wipe`: [`Body::Wipe`].
    Wipe,
    /// `vault.put`: [`Body::VaultPut`].
    VaultPut,
    /// `vault.get`: [`Body::VaultGet`].
    VaultGet,
    /// `vault.erase`: [`Body::VaultErase`].
    VaultErase,
    /// `vault.rekey`: [`Body::VaultRekey`].
    VaultRekey,
    /// `medium.correct`: [`Body::Correct`].
    Correct,
    /// `exception.grant`: [`Body::ExceptionGrant`].
    ExceptionGrant,
    /// `exception.end`: [`Body::ExceptionEnd`].
    ExceptionEnd,
    /// `inventory.check`: [`Body::InventoryCheck`].
    InventoryCheck,
}

impl Kind {
    /// The stored name, as in the `kind` column and docs/ledger.md §3.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::LedgerInit => "ledger.init",
            Kind::LedgerRequireToken => "ledger.require_token",
            Kind::PersonAdd => "person.add",
            Kind::PersonPasswd => "person.passwd",
            Kind::PersonRevoke => "person.revoke",
            Kind::PersonUnlock => "person.unlock",
            Kind::PersonRoles => "person.roles",
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
            Kind::Correct => "medium.correct",
            Kind::ExceptionGrant => "exception.grant",
            Kind::ExceptionEnd => "exception.end",
            Kind::InventoryCheck => "inventory.check",
        }
    }

    /// Nobody signs it: only a failed passphrase attempt.
    pub fn is_unsigned(self) -> bool {
        match self {
            Kind::AuthFailure => true,
            Kind::LedgerInit
            | Kind::LedgerRequireToken
            | Kind::PersonAdd
            | Kind::PersonPasswd
            | Kind::PersonRevoke
            | Kind::PersonUnlock
            | Kind::PersonRoles
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
            | Kind::Correct
            | Kind::ExceptionGrant
            | Kind::ExceptionEnd
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
            | Kind::VaultRekey
            | Kind::Correct => true,
            Kind::LedgerInit
            | Kind::LedgerRequireToken
            | Kind::PersonAdd
            | Kind::PersonPasswd
            | Kind::PersonRevoke
            | Kind::PersonUnlock
            | Kind::PersonRoles
            | Kind::AuthFailure
            | Kind::ExceptionGrant
            | Kind::ExceptionEnd
            | Kind::InventoryCheck => false,
        }
    }
}

impl std::fmt::Display for Kind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}
