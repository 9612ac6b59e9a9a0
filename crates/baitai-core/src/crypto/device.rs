//! What signs entries and agrees keys for a person: a passphrase-sealed key or a key on a token.
//!
//! The ledger and the vault take a `&dyn KeyDevice`, so they never learn where the private key
//! lives. A token can fail where a key in memory cannot (it was pulled out, its session
//! closed), hence the `Result`s.

use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

use super::sign::{signed_message, PersonKey, PublicKey, Signature};
use crate::error::Result;

/// Something that holds a person's private key and uses it without giving it out.
pub trait KeyDevice {
    /// The public half of the signing key, as the ledger records it.
    fn public(&self) -> PublicKey;

    /// The public half of the key-agreement key that vault slots are addressed to.
    fn agreement_public(&self) -> PublicKey;

    /// An ECDSA P-256 signature (r ‖ s) over SHA-256 of `msg`, as [`PublicKey::verify_raw`]
    /// checks it.
    fn sign_digest(&self, digest: &[u8; 32]) -> Result<Signature>;

    /// The x coordinate of ECDH between the agreement key and `peer`.
    fn agree(&self, peer: &p256::PublicKey) -> Result<Zeroizing<[u8; 32]>>;

    /// Sign an arbitrary message (the caller puts its own domain tag first).
    fn sign_raw(&self, msg: &[u8]) -> Result<Signature> {
        self.sign_digest(&Sha256::digest(msg).into())
    }

    /// Sign an entry hash in the given role (actor, approver, witness).
    fn sign_entry(&self, role: &str, entry_hash: &[u8; 32]) -> Result<Signature> {
        self.sign_raw(&signed_message(role, entry_hash))
    }
}

impl KeyDevice for PersonKey {
    fn public(&self) -> PublicKey {
        PersonKey::public(self)
    }

    fn agreement_public(&self) -> PublicKey {
        PersonKey::agreement_public(self)
    }

    fn sign_digest(&self, digest: &[u8; 32]) -> Result<Signature> {
        PersonKey::sign_digest(self, digest)
    }

    fn agree(&self, peer: &p256::PublicKey) -> Result<Zeroizing<[u8; 32]>> {
        let secret = self.agreement_secret();
        let shared = p256::ecdh::diffie_hellman(secret.to_nonzero_scalar(), peer.as_affine());
        let mut out = Zeroizing::new([0u8; 32]);
        out.copy_from_slice(shared.raw_secret_bytes());
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn device_signatures_verify_and_agreement_matches() {
        let k = PersonKey::generate();
        let d: &dyn KeyDevice = &k;
        let h = [9u8; 32];
        let s = d.sign_entry("witness", &h).unwrap();
        assert!(k.public().verify_entry("witness", &h, &s));
        assert!(k.public().verify_entry_p256("witness", &h, &s));
        assert_eq!(
            s,
            k.sign_entry("witness", &h),
            "RFC 6979: the same signature"
        );
        let other = p256::SecretKey::random(&mut rand::rngs::OsRng);
        let ours = d.agree(&other.public_key()).unwrap();
        let theirs = p256::ecdh::diffie_hellman(
            other.to_nonzero_scalar(),
            d.agreement_public().to_p256().as_affine(),
        );
        assert_eq!(ours.as_ref(), &theirs.raw_secret_bytes()[..]);
    }
}
