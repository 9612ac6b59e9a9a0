//! A person's signing key sealed under their passphrase (Argon2id → AES-256-GCM).

use rand::RngCore;
use serde::{Deserialize, Serialize};

use super::{Cipher, KdfParams, Passphrase, PersonKey};
use crate::error::{Error, Result};

/// What the ledger stores for each person's private key. The associated data binds the blob to
/// the person's public key, so a blob cannot be moved to another person's record.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SealedKey {
    pub version: u32,
    pub kdf: KdfParams,
    /// Hex, 16 bytes.
    pub salt: String,
    /// Hex, 12 bytes.
    pub nonce: String,
    /// Hex: the 32-byte scalar plus the 16-byte tag.
    pub ciphertext: String,
}

/// Why opening a sealed key failed.
#[derive(Debug)]
pub enum OpenError {
    WrongPassphrase,
    Other(Error),
}

impl SealedKey {
    pub fn seal(key: &PersonKey, pass: &Passphrase, kdf: KdfParams, aad: &str) -> Result<Self> {
        let mut salt = [0u8; 16];
        let mut nonce = [0u8; 12];
        rand::rngs::OsRng.fill_bytes(&mut salt);
        rand::rngs::OsRng.fill_bytes(&mut nonce);
        let kek = kdf.derive(pass, &salt)?;
        let secret = key.to_bytes();
        let ct = Cipher::Aes256Gcm
            .seal(&kek, &nonce, aad.as_bytes(), &secret)
            .map_err(|_| Error::Other("sealing the signing key failed".into()))?;
        Ok(SealedKey {
            version: 1,
            kdf,
            salt: hex::encode(salt),
            nonce: hex::encode(nonce),
            ciphertext: hex::encode(ct),
        })
    }

    pub fn open(&self, pass: &Passphrase, aad: &str) -> std::result::Result<PersonKey, OpenError> {
        let bad = |what: &str| OpenError::Other(Error::Integrity(format!("sealed key: {what}")));
        if self.version != 1 {
            return Err(bad("unknown version"));
        }
        let salt = hex::decode(&self.salt).map_err(|_| bad("salt is not hex"))?;
        let nonce = hex::decode(&self.nonce).map_err(|_| bad("nonce is not hex"))?;
        let nonce: [u8; 12] = nonce.try_into().map_err(|_| bad("wrong nonce length"))?;
        let ct = hex::decode(&self.ciphertext).map_err(|_| bad("ciphertext is not hex"))?;
        if salt.len() < 8 {
            return Err(bad("salt too short"));
        }
        let kek = self.kdf.derive(pass, &salt).map_err(OpenError::Other)?;
        let secret = zeroize::Zeroizing::new(
            Cipher::Aes256Gcm
                .open(&kek, &nonce, aad.as_bytes(), &ct)
                .map_err(|_| OpenError::WrongPassphrase)?,
        );
        PersonKey::from_bytes(&secret).map_err(OpenError::Other)
    }
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
