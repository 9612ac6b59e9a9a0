//! The AEAD seam: AES-256-GCM and Camellia-256-GCM (both on the CRYPTREC list) behind one type.
//!
//! A third cipher is one more variant here; the vault format names ciphers by string.

use aes_gcm::aead::consts::U12;
use aes_gcm::aead::{Aead, AeadInPlace, KeyInit, Payload};
use aes_gcm::{Aes256Gcm, AesGcm, Nonce};
use serde::{Deserialize, Serialize};

/// Camellia-256 in GCM mode (RFC 6367 names the TLS suites; the mode is NIST SP 800-38D).
type Camellia256Gcm = AesGcm<camellia::Camellia256, U12>;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, clap::ValueEnum)]
pub enum Cipher {
    #[serde(rename = "aes-256-gcm")]
    #[value(name = "aes-256-gcm")]
    Aes256Gcm,
    #[serde(rename = "camellia-256-gcm")]
    #[value(name = "camellia-256-gcm")]
    Camellia256Gcm,
}

/// Authentication failed: wrong key, or the bytes were changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AeadError;

pub const TAG_LEN: usize = 16;
pub const NONCE_LEN: usize = 12;

impl Cipher {
    pub fn name(self) -> &'static str {
        match self {
            Cipher::Aes256Gcm => "aes-256-gcm",
            Cipher::Camellia256Gcm => "camellia-256-gcm",
        }
    }

    pub fn seal(self, key: &[u8; 32], nonce: &[u8; 12], aad: &[u8], msg: &[u8]) -> Vec<u8> {
        let n = Nonce::from(*nonce);
        let p = Payload { msg, aad };
        // Encryption with a 32-byte key and 12-byte nonce cannot fail for these ciphers.
        let out = match self {
            Cipher::Aes256Gcm => Aes256Gcm::new(key.into()).encrypt(&n, p),
            Cipher::Camellia256Gcm => Camellia256Gcm::new(key.into()).encrypt(&n, p),
        };
        out.unwrap_or_default()
    }

    pub fn open(
        self,
        key: &[u8; 32],
        nonce: &[u8; 12],
        aad: &[u8],
        ct: &[u8],
    ) -> Result<Vec<u8>, AeadError> {
        let n = Nonce::from(*nonce);
        let p = Payload { msg: ct, aad };
        match self {
            Cipher::Aes256Gcm => Aes256Gcm::new(key.into()).decrypt(&n, p),
            Cipher::Camellia256Gcm => Camellia256Gcm::new(key.into()).decrypt(&n, p),
        }
        .map_err(|_| AeadError)
    }
}

/// A cipher with its key schedule computed once, for sealing many chunks of one object from
/// several threads. The schedules zeroize on drop (the `zeroize` features of aes, ghash and
/// camellia).
pub enum Keyed {
    Aes(Box<Aes256Gcm>),
    Camellia(Box<Camellia256Gcm>),
}

impl Keyed {
    pub fn new(cipher: Cipher, key: &[u8; 32]) -> Keyed {
        match cipher {
            Cipher::Aes256Gcm => Keyed::Aes(Box::new(Aes256Gcm::new(key.into()))),
            Cipher::Camellia256Gcm => Keyed::Camellia(Box::new(Camellia256Gcm::new(key.into()))),
        }
    }

    /// Encrypt `buf[start..]` in place and append the tag. (GCM refuses only messages over
    /// 64 GiB, which a chunk never is; on failure `buf[start..]` is wiped and dropped.)
    pub fn seal_tail(
        &self,
        nonce: &[u8; 12],
        buf: &mut Vec<u8>,
        start: usize,
    ) -> Result<(), AeadError> {
        let n = Nonce::from(*nonce);
        let msg = &mut buf[start..];
        let tag = match self {
            Keyed::Aes(c) => c.encrypt_in_place_detached(&n, &[], msg),
            Keyed::Camellia(c) => c.encrypt_in_place_detached(&n, &[], msg),
        };
        match tag {
            Ok(tag) => {
                buf.extend_from_slice(&tag);
                Ok(())
            }
            Err(_) => {
                zeroize::Zeroize::zeroize(&mut buf[start..]);
                buf.truncate(start);
                Err(AeadError)
            }
        }
    }

    /// Decrypt `sealed` (ciphertext ‖ tag) into the end of `out`, which must already have room
    /// for it; on failure `out` is left as it was.
    pub fn open_into(
        &self,
        nonce: &[u8; 12],
        sealed: &[u8],
        out: &mut Vec<u8>,
    ) -> Result<(), AeadError> {
        let split = sealed.len().checked_sub(TAG_LEN).ok_or(AeadError)?;
        let (ct, tag) = sealed.split_at(split);
        let tag: [u8; TAG_LEN] = tag.try_into().map_err(|_| AeadError)?;
        let tag = aes_gcm::Tag::from(tag);
        let n = Nonce::from(*nonce);
        // Growing `out` here would move earlier plaintext without wiping the old allocation.
        if out.capacity() - out.len() < ct.len() {
            return Err(AeadError);
        }
        let start = out.len();
        out.extend_from_slice(ct);
        let msg = &mut out[start..];
        let r = match self {
            Keyed::Aes(c) => c.decrypt_in_place_detached(&n, &[], msg, &tag),
            Keyed::Camellia(c) => c.decrypt_in_place_detached(&n, &[], msg, &tag),
        };
        if r.is_err() {
            zeroize::Zeroize::zeroize(&mut out[start..]);
            out.truncate(start);
            return Err(AeadError);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_ciphers_round_trip_and_differ() {
        let key = [7u8; 32];
        let nonce = [1u8; 12];
        for c in [Cipher::Aes256Gcm, Cipher::Camellia256Gcm] {
            let ct = c.seal(&key, &nonce, b"aad", b"hello");
            assert_eq!(ct.len(), 5 + TAG_LEN);
            assert_eq!(c.open(&key, &nonce, b"aad", &ct).unwrap(), b"hello");
            assert!(c.open(&key, &nonce, b"aaX", &ct).is_err());
            let mut bad = ct.clone();
            bad[0] ^= 1;
            assert!(c.open(&key, &nonce, b"aad", &bad).is_err());
        }
        let a = Cipher::Aes256Gcm.seal(&key, &nonce, b"", b"same");
        let b = Cipher::Camellia256Gcm.seal(&key, &nonce, b"", b"same");
        assert_ne!(a, b);
    }

    #[test]
    fn keyed_matches_one_shot_and_refuses_changes() {
        let key = [7u8; 32];
        let nonce = [2u8; 12];
        for c in [Cipher::Aes256Gcm, Cipher::Camellia256Gcm] {
            let k = Keyed::new(c, &key);
            let mut buf = b"head".to_vec();
            buf.extend_from_slice(b"some chunk");
            k.seal_tail(&nonce, &mut buf, 4).unwrap();
            assert_eq!(&buf[4..], c.seal(&key, &nonce, &[], b"some chunk"));
            let mut out = Vec::with_capacity(64);
            out.push(b'x');
            k.open_into(&nonce, &buf[4..], &mut out).unwrap();
            assert_eq!(out, b"xsome chunk");
            buf[6] ^= 1;
            assert!(k.open_into(&nonce, &buf[4..], &mut out).is_err());
            assert_eq!(out, b"xsome chunk");
            assert!(k.open_into(&nonce, &[0u8; 3], &mut out).is_err());
        }
    }

    /// Camellia-256 known-answer test from RFC 3713 (appendix A), through the block cipher the
    /// GCM mode is built on.
    #[test]
    fn camellia_256_known_answer() {
        use camellia::cipher::{BlockEncrypt, KeyInit as _};
        let key = hex::decode("0123456789abcdeffedcba987654321000112233445566778899aabbccddeeff")
            .unwrap();
        let pt: [u8; 16] = hex::decode("0123456789abcdeffedcba9876543210")
            .unwrap()
            .try_into()
            .unwrap();
        let mut block = pt.into();
        camellia::Camellia256::new_from_slice(&key)
            .unwrap()
            .encrypt_block(&mut block);
        assert_eq!(hex::encode(block), "9acc237dff16d76c20ef7c919e3a7509");
    }
}
