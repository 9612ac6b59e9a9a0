//! The vault's key schedule and key slots (docs/format.md §3–4).

use hkdf::Hkdf;
use rand::RngCore;
use serde::{Deserialize, Serialize};
use sha2::Sha256;
use zeroize::{Zeroize, ZeroizeOnDrop, Zeroizing};

use crate::msg::Msg;
use baitai_core::crypto::{Cipher, KdfParams, KeyDevice, Passphrase, PublicKey};
use baitai_core::error::{Error, Result};
use baitai_core::model::PersonId;

/// The random 256-bit data key of one vault.
#[derive(Clone, Zeroize, ZeroizeOnDrop)]
pub struct DataKey([u8; 32]);

impl DataKey {
    /// A fresh random data key, for a new vault.
    pub fn generate() -> Self {
        let mut k = [0u8; 32];
        rand::rngs::OsRng.fill_bytes(&mut k);
        DataKey(k)
    }

    /// HKDF-SHA256(salt = vault ID, ikm = data key, info) → 32 bytes.
    pub fn derive(&self, vault_id: &[u8; 16], info: &[u8]) -> Zeroizing<[u8; 32]> {
        let hk = Hkdf::<Sha256>::new(Some(vault_id), &self.0);
        let mut out = Zeroizing::new([0u8; 32]);
        // 32 bytes is always a valid HKDF-SHA256 output length.
        let _ = hk.expand(info, out.as_mut());
        out
    }

    /// The key of the header's HMAC.
    pub fn header_key(&self, vault_id: &[u8; 16]) -> Zeroizing<[u8; 32]> {
        self.derive(vault_id, b"baitai-vault-v1 header")
    }

    /// The key the manifest is encrypted under.
    pub fn manifest_key(&self, vault_id: &[u8; 16]) -> Zeroizing<[u8; 32]> {
        self.derive(vault_id, b"baitai-vault-v1 manifest")
    }

    /// One key per object, bound to its name and nonce so objects cannot be swapped.
    pub fn object_key(
        &self,
        vault_id: &[u8; 16],
        object: &[u8; 16],
        nonce: &[u8; 16],
    ) -> Zeroizing<[u8; 32]> {
        let mut info = b"baitai-vault-v1 object".to_vec();
        info.extend_from_slice(object);
        info.extend_from_slice(nonce);
        self.derive(vault_id, &info)
    }

    /// A data key with these bytes, for tests that need a known key.
    #[cfg(test)]
    pub fn from_bytes(b: [u8; 32]) -> Self {
        DataKey(b)
    }
}

/// Who a key slot opens for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "lowercase")]
pub enum Slot {
    /// A person in the ledger: the writer, or a custodian holding the escrow copy.
    Recipient {
        /// Whose slot it is.
        person: PersonId,
        /// Whether they wrote the vault or hold the escrow copy.
        role: SlotRole,
        /// The person's encryption key (SEC1 compressed, hex) the slot was made for.
        recipient_key: String,
        /// Ephemeral P-256 public key (SEC1 compressed, hex).
        ephemeral: String,
        /// The AEAD nonce the data key was wrapped with (12 bytes, hex).
        nonce: String,
        /// The data key wrapped under the key agreed with the recipient (hex, with its tag).
        wrapped: String,
    },
    /// An outside recipient with a passphrase.
    Passphrase {
        /// The Argon2id parameters the passphrase is stretched with.
        kdf: KdfParams,
        /// The Argon2id salt (16 bytes, hex).
        salt: String,
        /// The AEAD nonce the data key was wrapped with (12 bytes, hex).
        nonce: String,
        /// The data key wrapped under the stretched passphrase (hex, with its tag).
        wrapped: String,
    },
}

/// Why a person holds a recipient slot.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SlotRole {
    /// They created the vault.
    Writer,
    /// A custodian, so the organisation can open the vault without the writer (004 1.5.2.4).
    Escrow,
}

impl SlotRole {
    /// The role as the header spells it (`writer`, `escrow`).
    pub fn as_str(self) -> &'static str {
        match self {
            SlotRole::Writer => "writer",
            SlotRole::Escrow => "escrow",
        }
    }
}

/// The associated data of every slot: binds it to its vault.
fn slot_aad(vault_id: &[u8; 16]) -> Vec<u8> {
    let mut aad = b"baitai-vault-v1 slot".to_vec();
    aad.extend_from_slice(vault_id);
    aad
}

fn recipient_kek(shared: &[u8], ephemeral: &[u8], recipient: &[u8]) -> Zeroizing<[u8; 32]> {
    let salt = [ephemeral, recipient].concat();
    let hk = Hkdf::<Sha256>::new(Some(&salt), shared);
    let mut out = Zeroizing::new([0u8; 32]);
    let _ = hk.expand(b"baitai-vault-v1 recipient", out.as_mut());
    out
}

fn random<const N: usize>() -> [u8; N] {
    let mut b = [0u8; N];
    rand::rngs::OsRng.fill_bytes(&mut b);
    b
}

impl Slot {
    /// A slot for `person`: the data key wrapped under a key agreed (ECDH) between a fresh
    /// ephemeral key and their key-agreement key `key`.
    pub fn for_recipient(
        cipher: Cipher,
        vault_id: &[u8; 16],
        dk: &DataKey,
        person: &PersonId,
        role: SlotRole,
        key: &PublicKey,
    ) -> Result<Slot> {
        let eph = p256::ecdh::EphemeralSecret::random(&mut rand::rngs::OsRng);
        let eph_pub = PublicKey::from_p256(&eph.public_key()).to_sec1();
        let recipient = key.to_sec1();
        let shared = eph.diffie_hellman(&key.to_p256());
        let kek = recipient_kek(shared.raw_secret_bytes(), &eph_pub, &recipient);
        let nonce = random::<12>();
        let wrapped = cipher.seal(&kek, &nonce, &slot_aad(vault_id), &dk.0)?;
        Ok(Slot::Recipient {
            person: person.clone(),
            role,
            recipient_key: hex::encode(recipient),
            ephemeral: hex::encode(eph_pub),
            nonce: hex::encode(nonce),
            wrapped: hex::encode(wrapped),
        })
    }

    /// A passphrase slot: the data key wrapped under `pass` stretched with Argon2id (`kdf`) and a
    /// fresh salt.
    pub fn for_passphrase(
        cipher: Cipher,
        vault_id: &[u8; 16],
        dk: &DataKey,
        pass: &Passphrase,
        kdf: KdfParams,
    ) -> Result<Slot> {
        let salt = random::<16>();
        let kek = kdf.derive(pass, &salt)?;
        let nonce = random::<12>();
        let wrapped = cipher.seal(&kek, &nonce, &slot_aad(vault_id), &dk.0)?;
        Ok(Slot::Passphrase {
            kdf,
            salt: hex::encode(salt),
            nonce: hex::encode(nonce),
            wrapped: hex::encode(wrapped),
        })
    }

    /// Open a recipient slot with the person's key: `Ok(None)` if it is not theirs or does not
    /// open; an error only when the key's device fails (a token pulled out mid-command).
    pub fn open_recipient(
        &self,
        cipher: Cipher,
        vault_id: &[u8; 16],
        who: &PersonId,
        key: &dyn KeyDevice,
    ) -> Result<Option<DataKey>> {
        let Slot::Recipient {
            person,
            ephemeral,
            recipient_key,
            nonce,
            wrapped,
            ..
        } = self
        else {
            return Ok(None);
        };
        if person != who {
            return Ok(None);
        }
        let Ok(eph) = PublicKey::from_hex(ephemeral) else {
            return Ok(None);
        };
        let recipient = key.agreement_public().to_sec1();
        // Compared as bytes: readers accept hex in either case (docs/format.md, conventions).
        // Checked before the agreement, so a token is not asked about a slot made for another key.
        if hex::decode(recipient_key).ok() != Some(recipient.clone()) {
            return Ok(None);
        }
        let shared = key.agree(&eph.to_p256())?;
        let kek = recipient_kek(shared.as_ref(), &eph.to_sec1(), &recipient);
        Ok(unwrap_key(cipher, &kek, vault_id, nonce, wrapped))
    }

    /// Open a passphrase slot with `pass`: `Ok(None)` if this is not a passphrase slot or the
    /// passphrase does not open it; an error only for a slot whose parameters are damaged.
    pub fn open_passphrase(
        &self,
        cipher: Cipher,
        vault_id: &[u8; 16],
        pass: &Passphrase,
    ) -> Result<Option<DataKey>> {
        let Slot::Passphrase {
            kdf,
            salt,
            nonce,
            wrapped,
        } = self
        else {
            return Ok(None);
        };
        let salt = hex::decode(salt).map_err(|_| Error::Vault(Msg::SlotSaltNotHex.into()))?;
        if salt.len() < 8 {
            return Err(Error::Vault(Msg::SlotSaltShort.into()));
        }
        // The parameters come from the medium: out of range is the vault's fault, not the ledger's.
        let kek = kdf.derive(pass, &salt).map_err(|e| match e {
            Error::Integrity(m) => Error::Vault(Msg::PassphraseSlot { what: m }.into()),
            other => other,
        })?;
        Ok(unwrap_key(cipher, &kek, vault_id, nonce, wrapped))
    }
}

fn unwrap_key(
    cipher: Cipher,
    kek: &[u8; 32],
    vault_id: &[u8; 16],
    nonce: &str,
    wrapped: &str,
) -> Option<DataKey> {
    let nonce: [u8; 12] = hex::decode(nonce).ok()?.try_into().ok()?;
    let wrapped = hex::decode(wrapped).ok()?;
    let plain = Zeroizing::new(
        cipher
            .open(kek, &nonce, &slot_aad(vault_id), &wrapped)
            .ok()?,
    );
    let k: [u8; 32] = plain.as_slice().try_into().ok()?;
    Some(DataKey(k))
}
