//! A person's signing key sealed under their passphrase (Argon2id → AES-256-GCM).

use rand::RngCore;
use serde::{Deserialize, Serialize};

use super::{Cipher, KdfParams, Passphrase, PersonKey};
use crate::error::{Error, Result};
use crate::msg::Msg;

/// What the ledger stores for each person's private key. The associated data binds the blob to
/// the person's public key, so a blob cannot be moved to another person's record.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SealedKey {
    /// The format of this record; only version 1 exists, and any other is refused as damaged.
    pub version: u32,
    /// The Argon2id parameters the passphrase was stretched with when the key was sealed.
    pub kdf: KdfParams,
    /// Hex, 16 bytes.
    pub salt: String,
    /// Hex, 12 bytes.
    pub nonce: String,
    /// Hex: the 32-byte scalar plus the 16-byte tag.
    pub ciphertext: String,
    /// Keys the person held before a key change, sealed under the same passphrase, so vaults
    /// made for them before still open (a retired key never signs). Absent when none.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub retired: Vec<RetiredKey>,
}

/// One retired key in a sealed key ring.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RetiredKey {
    /// The associated data it was sealed with (binds it to its public key).
    pub aad: String,
    /// Hex, 12 bytes.
    pub nonce: String,
    /// Hex: the 32-byte scalar plus the 16-byte tag.
    pub ciphertext: String,
}

/// A person's current key and the keys they held before.
pub struct KeyRing {
    /// The key the person signs with now.
    pub current: PersonKey,
    /// Keys they held before a key change, oldest first, kept to open vaults made for them.
    pub retired: Vec<PersonKey>,
}

/// Why opening a sealed key failed.
#[derive(Debug)]
pub enum OpenError {
    /// The passphrase is wrong (or the blob was altered: the two cannot be told apart).
    WrongPassphrase,
    /// The record is malformed or its parameters are out of range.
    Other(Error),
}

impl SealedKey {
    /// Seal `key` under `pass` with a fresh salt and nonce; `aad` binds the result to the person's
    /// public key.
    pub fn seal(key: &PersonKey, pass: &Passphrase, kdf: KdfParams, aad: &str) -> Result<Self> {
        SealedKey::seal_ring(key, &[], pass, kdf, aad, |_| String::new())
    }

    /// Seal `key` and the `retired` keys under one passphrase (one KDF run); `retired_aad`
    /// gives each retired key's associated data.
    pub fn seal_ring(
        key: &PersonKey,
        retired: &[PersonKey],
        pass: &Passphrase,
        kdf: KdfParams,
        aad: &str,
        retired_aad: impl Fn(&PersonKey) -> String,
    ) -> Result<Self> {
        let mut salt = [0u8; 16];
        rand::rngs::OsRng.fill_bytes(&mut salt);
        let kek = kdf.derive(pass, &salt)?;
        let (nonce, ciphertext) = seal_one(&kek, key, aad)?;
        let retired = retired
            .iter()
            .map(|k| {
                let aad = retired_aad(k);
                let (nonce, ciphertext) = seal_one(&kek, k, &aad)?;
                Ok(RetiredKey {
                    aad,
                    nonce,
                    ciphertext,
                })
            })
            .collect::<Result<Vec<_>>>()?;
        Ok(SealedKey {
            version: 1,
            kdf,
            salt: hex::encode(salt),
            nonce,
            ciphertext,
            retired,
        })
    }

    /// The person's current key, if `pass` opens it with the same `aad` it was sealed with.
    pub fn open(&self, pass: &Passphrase, aad: &str) -> std::result::Result<PersonKey, OpenError> {
        self.open_ring(pass, aad).map(|ring| ring.current)
    }

    /// Open the current key and every retired one with one KDF run.
    pub fn open_ring(
        &self,
        pass: &Passphrase,
        aad: &str,
    ) -> std::result::Result<KeyRing, OpenError> {
        if self.version != 1 {
            return Err(bad(Msg::SealedVersion));
        }
        let salt = hex::decode(&self.salt).map_err(|_| bad(Msg::SealedSaltHex))?;
        if salt.len() < 8 {
            return Err(bad(Msg::SealedSaltShort));
        }
        let kek = self.kdf.derive(pass, &salt).map_err(OpenError::Other)?;
        let current = open_one(&kek, &self.nonce, &self.ciphertext, aad)?;
        let retired = self
            .retired
            .iter()
            .map(|r| open_one(&kek, &r.nonce, &r.ciphertext, &r.aad))
            .collect::<std::result::Result<Vec<_>, _>>()?;
        Ok(KeyRing { current, retired })
    }
}

fn bad(what: Msg) -> OpenError {
    OpenError::Other(Error::Integrity(
        Msg::SealedKey { what: what.into() }.into(),
    ))
}

/// (nonce, ciphertext) in hex.
fn seal_one(kek: &[u8; 32], key: &PersonKey, aad: &str) -> Result<(String, String)> {
    let mut nonce = [0u8; 12];
    rand::rngs::OsRng.fill_bytes(&mut nonce);
    let secret = key.to_bytes();
    let ct = Cipher::Aes256Gcm
        .seal(kek, &nonce, aad.as_bytes(), &secret)
        .map_err(|_| Error::Other(Msg::SealFailed.into()))?;
    Ok((hex::encode(nonce), hex::encode(ct)))
}

fn open_one(
    kek: &[u8; 32],
    nonce: &str,
    ciphertext: &str,
    aad: &str,
) -> std::result::Result<PersonKey, OpenError> {
    let nonce = hex::decode(nonce).map_err(|_| bad(Msg::NonceHex))?;
    let nonce: [u8; 12] = nonce.try_into().map_err(|_| bad(Msg::NonceLength))?;
    let ct = hex::decode(ciphertext).map_err(|_| bad(Msg::CiphertextHex))?;
    let secret = zeroize::Zeroizing::new(
        Cipher::Aes256Gcm
            .open(kek, &nonce, aad.as_bytes(), &ct)
            .map_err(|_| OpenError::WrongPassphrase)?,
    );
    PersonKey::from_bytes(&secret).map_err(OpenError::Other)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seal_open() {
        let k = PersonKey::generate();
        let p = Passphrase::new("Correct-Horse-1".into());
        let s = SealedKey::seal(&k, &p, KdfParams::INSECURE_FAST, "P0001").unwrap();
        let k2 = s.open(&p, "P0001").unwrap();
        assert_eq!(k.public(), k2.public());
        let wrong = Passphrase::new("Correct-Horse-2".into());
        assert!(matches!(
            s.open(&wrong, "P0001"),
            Err(OpenError::WrongPassphrase)
        ));
        assert!(matches!(
            s.open(&p, "P0002"),
            Err(OpenError::WrongPassphrase)
        ));
    }
}
