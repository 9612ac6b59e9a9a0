//! The typed body of an entry, its kind and signing roles: how an entry is encoded for the
//! ledger, decoded from it, and who must sign it.

use serde::{Deserialize, Serialize};

use super::{
    AuthFailure, CarryOut, Checkout, Copy, Destroy, InventoryCheck, LedgerInit, Loan, Lost,
    PersonAdd, PersonId, PersonPasswd, PersonRef, Register, Return, Transfer, VaultErase, VaultGet,
    VaultPut, VaultRekey, Wipe, WipeStart,
};
use crate::crypto::PublicKey;
use crate::error::{Error, Result};

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
