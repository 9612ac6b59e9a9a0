//! Cryptographic primitives behind small types: passphrases, Argon2id, sealed keys, P-256 signatures.

pub mod aead;
pub mod device;
#[cfg(target_os = "linux")]
pub mod gcrypt;
pub mod kdf;
#[cfg(target_os = "linux")]
mod kdf_memory;
pub mod passphrase;
pub mod sealed;
pub mod sign;

pub use aead::Cipher;
pub use device::KeyDevice;
pub use kdf::KdfParams;
pub use passphrase::Passphrase;
pub use sealed::SealedKey;
pub use sign::{Fingerprint, PersonKey, PublicKey, Signature};
