//! P-256 ECDSA keys of people and their signatures over ledger entry hashes.

use std::fmt;

use p256::ecdsa::signature::{Signer, Verifier};
use p256::ecdsa::{SigningKey, VerifyingKey};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::error::{Error, Result};
use crate::msg::Msg;

/// Domain separation so a signature over an entry can never be replayed as anything else.
const SIG_DOMAIN: &[u8] = b"baitai-entry-signature-v1\0";

/// A person's private signing key, zeroized on drop (p256 secrets zeroize themselves).
pub struct PersonKey(SigningKey);

impl PersonKey {
    /// A new random key, for a person being added or changing their key.
    pub fn generate() -> Self {
        PersonKey(SigningKey::random(&mut rand::rngs::OsRng))
    }

    /// The key from its 32-byte scalar (as unsealed from the ledger); a malformed scalar is an
    /// integrity failure.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self> {
        SigningKey::from_slice(bytes)
            .map(PersonKey)
            .map_err(|_| Error::Integrity(Msg::SigningKeyMalformed.into()))
    }

    /// The 32-byte scalar, in a buffer that zeroizes on drop.
    pub fn to_bytes(&self) -> zeroize::Zeroizing<Vec<u8>> {
        zeroize::Zeroizing::new(self.0.to_bytes().to_vec())
    }

    /// The public half, as the ledger records it and checks signatures against.
    pub fn public(&self) -> PublicKey {
        PublicKey(*self.0.verifying_key())
    }

    /// The person's key-agreement (ECDH) secret, derived from the signing key with HKDF so one
    /// passphrase unlocks both while the two keys stay distinct.
    pub fn agreement_secret(&self) -> p256::SecretKey {
        let ikm = self.to_bytes();
        let hk = hkdf::Hkdf::<Sha256>::new(Some(b"baitai-person-keys-v1"), &ikm);
        let mut counter = 0u8;
        loop {
            let mut okm = zeroize::Zeroizing::new([0u8; 32]);
            // 32 bytes is a valid HKDF-SHA256 output length, so expand cannot fail.
            let _ = hk.expand(
                &[b"agreement".as_slice(), &[counter]].concat(),
                okm.as_mut(),
            );
            // A 32-byte string is a valid P-256 scalar except with probability about 2^-32.
            if let Ok(k) = p256::SecretKey::from_slice(okm.as_ref()) {
                return k;
            }
            counter = counter.wrapping_add(1);
        }
    }

    /// The public half of [`PersonKey::agreement_secret`], published in the ledger.
    pub fn agreement_public(&self) -> PublicKey {
        PublicKey::from_p256(&self.agreement_secret().public_key())
    }

    /// Sign an arbitrary message (the caller puts its own domain tag first).
    pub fn sign_raw(&self, msg: &[u8]) -> Signature {
        let sig: p256::ecdsa::Signature = self.0.sign(msg);
        Signature(sig.to_bytes().into())
    }

    /// Sign the SHA-256 digest of a message (RFC 6979 nonce, as [`PersonKey::sign_raw`]):
    /// the same signature `sign_raw` gives for the message itself.
    pub fn sign_digest(&self, digest: &[u8; 32]) -> Result<Signature> {
        use p256::ecdsa::signature::hazmat::PrehashSigner;
        let sig: p256::ecdsa::Signature = self
            .0
            .sign_prehash(digest)
            .map_err(|e| Error::Other(crate::msg::with_cause(Msg::SigningFailed, e)))?;
        Ok(Signature(sig.to_bytes().into()))
    }

    /// Sign an entry hash in the given role (actor, approver, witness).
    pub fn sign_entry(&self, role: &str, entry_hash: &[u8; 32]) -> Signature {
        let sig: p256::ecdsa::Signature = self.0.sign(&signed_message(role, entry_hash));
        Signature(sig.to_bytes().into())
    }
}

/// What a signature over an entry signs: the domain tag, the signing role, a zero byte and the
/// entry hash (docs/ledger.md §5).
pub(crate) fn signed_message(role: &str, entry_hash: &[u8; 32]) -> Vec<u8> {
    let mut m = Vec::with_capacity(SIG_DOMAIN.len() + role.len() + 33);
    m.extend_from_slice(SIG_DOMAIN);
    m.extend_from_slice(role.as_bytes());
    m.push(0);
    m.extend_from_slice(entry_hash);
    m
}

/// A person's public key, as recorded in the ledger (SEC1 compressed, hex).
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct PublicKey(VerifyingKey);

impl PublicKey {
    /// The key for a point in p256's own type (as key agreement produces them).
    pub fn from_p256(pk: &p256::PublicKey) -> Self {
        PublicKey(VerifyingKey::from(pk))
    }

    /// The point as p256's type, for key agreement (ECDH) with it.
    pub fn to_p256(&self) -> p256::PublicKey {
        p256::PublicKey::from(&self.0)
    }

    /// SEC1 compressed point (33 bytes).
    pub fn to_sec1(&self) -> Vec<u8> {
        self.0.to_encoded_point(true).as_bytes().to_vec()
    }

    /// A key from a SEC1 point (compressed or not); anything else is an integrity failure.
    pub fn from_sec1(b: &[u8]) -> Result<Self> {
        VerifyingKey::from_sec1_bytes(b)
            .map(PublicKey)
            .map_err(|_| Error::Integrity(Msg::NotP256.into()))
    }

    /// The compressed SEC1 point in lowercase hex: how the ledger and the vault record a key.
    pub fn to_hex(&self) -> String {
        hex::encode(self.0.to_encoded_point(true).as_bytes())
    }

    /// A key from its hex SEC1 point, as the ledger and the vault record it.
    pub fn from_hex(s: &str) -> Result<Self> {
        let bytes = hex::decode(s).map_err(|_| Error::Integrity(Msg::PublicKeyHex.into()))?;
        VerifyingKey::from_sec1_bytes(&bytes)
            .map(PublicKey)
            .map_err(|_| Error::Integrity(Msg::NotP256.into()))
    }

    /// The first 8 bytes of the key's SHA-256, printed beside a signer's name so a reader can tell
    /// keys apart.
    pub fn fingerprint(&self) -> Fingerprint {
        let digest = Sha256::digest(self.0.to_encoded_point(true).as_bytes());
        let mut fp = [0u8; 8];
        fp.copy_from_slice(&digest[..8]);
        Fingerprint(fp)
    }

    /// Verify with AWS-LC's constant-time, assembly-optimised P-256 (about ten times faster
    /// than the pure-Rust path, which matters for `ledger verify` over millions of entries).
    pub fn verify_entry(&self, role: &str, entry_hash: &[u8; 32], sig: &Signature) -> bool {
        let point = self.0.to_encoded_point(false);
        let key = aws_lc_rs::signature::UnparsedPublicKey::new(
            &aws_lc_rs::signature::ECDSA_P256_SHA256_FIXED,
            point.as_bytes(),
        );
        key.verify(&signed_message(role, entry_hash), &sig.0)
            .is_ok()
    }

    /// Verify a signature made with [`PersonKey::sign_raw`].
    pub fn verify_raw(&self, msg: &[u8], sig: &Signature) -> bool {
        let point = self.0.to_encoded_point(false);
        aws_lc_rs::signature::UnparsedPublicKey::new(
            &aws_lc_rs::signature::ECDSA_P256_SHA256_FIXED,
            point.as_bytes(),
        )
        .verify(msg, &sig.0)
        .is_ok()
    }

    /// The same check through the pure-Rust p256 crate (a second implementation, for tests).
    pub fn verify_entry_p256(&self, role: &str, entry_hash: &[u8; 32], sig: &Signature) -> bool {
        let Ok(sig) = p256::ecdsa::Signature::from_slice(&sig.0) else {
            return false;
        };
        self.0
            .verify(&signed_message(role, entry_hash), &sig)
            .is_ok()
    }
}

impl fmt::Debug for PublicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PublicKey({})", self.to_hex())
    }
}

impl Serialize for PublicKey {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_hex())
    }
}

impl<'de> Deserialize<'de> for PublicKey {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        PublicKey::from_hex(&s).map_err(serde::de::Error::custom)
    }
}

/// Short form of a public key shown on printouts beside a signer's name.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Fingerprint([u8; 8]);

impl fmt::Display for Fingerprint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let h = hex::encode(self.0);
        write!(f, "{}:{}:{}:{}", &h[0..4], &h[4..8], &h[8..12], &h[12..16])
    }
}

impl fmt::Debug for Fingerprint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

/// A fixed-size (r ‖ s) ECDSA P-256 signature.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Signature(pub [u8; 64]);

impl Signature {
    /// A signature from 64 stored bytes (r ‖ s); None when the length is wrong.
    pub fn from_slice(b: &[u8]) -> Option<Self> {
        <[u8; 64]>::try_from(b).ok().map(Signature)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sign_verify_and_domain() {
        let k = PersonKey::generate();
        let pk = k.public();
        let h = [7u8; 32];
        let s = k.sign_entry("actor", &h);
        assert!(pk.verify_entry("actor", &h, &s));
        assert!(pk.verify_entry_p256("actor", &h, &s));
        assert!(!pk.verify_entry("witness", &h, &s));
        assert!(!pk.verify_entry_p256("witness", &h, &s));
        let mut bad = s.clone();
        bad.0[10] ^= 1;
        assert!(!pk.verify_entry("actor", &h, &bad));
        assert!(!pk.verify_entry("actor", &[8u8; 32], &s));
        let other = PersonKey::generate().public();
        assert!(!other.verify_entry("actor", &h, &s));
    }

    #[test]
    fn agreement_key_is_stable_and_distinct() {
        let k = PersonKey::generate();
        assert_eq!(k.agreement_public(), k.agreement_public());
        assert_ne!(k.agreement_public(), k.public());
        let again = PersonKey::from_bytes(&k.to_bytes()).unwrap();
        assert_eq!(again.agreement_public(), k.agreement_public());
    }

    #[test]
    fn key_round_trips() {
        let k = PersonKey::generate();
        let k2 = PersonKey::from_bytes(&k.to_bytes()).unwrap();
        assert_eq!(k.public(), k2.public());
        let pk = PublicKey::from_hex(&k.public().to_hex()).unwrap();
        assert_eq!(pk, k.public());
        assert_eq!(pk.fingerprint().to_string().len(), 19);
    }
}
