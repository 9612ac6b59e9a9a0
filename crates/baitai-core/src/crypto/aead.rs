//! The AEAD seam: AES-256-GCM and Camellia-256-GCM (both on the CRYPTREC list) behind one type.
//!
//! A third cipher is one more variant here; the vault format names ciphers by string.
//! AES-256-GCM runs on AWS-LC (through `aws-lc-rs`), whose interleaved AES-NI/CLMUL code is four
//! to five times faster per core than the RustCrypto `aes-gcm` crate's, and whose key schedules
//! live in memory that AWS-LC allocates itself and cleanses when it frees it. Camellia-256-GCM
//! runs on the system's libgcrypt where there is one that passes its self-test (ten times
//! faster here, `gcrypt.rs`), otherwise on `aes-gcm`'s generic GCM over the `camellia` crate,
//! whose schedules zeroize on drop. The bytes are the same whichever implementation seals them
//! (tests check AWS-LC against `aes-gcm`, and libgcrypt against the `camellia` crate, on random
//! inputs).

use aes_gcm::aead::consts::U12;
use aes_gcm::aead::{AeadInPlace, KeyInit};
use aes_gcm::{AesGcm, Nonce};
use aws_lc_rs::aead::{self as lc, Aad, LessSafeKey, UnboundKey};
use serde::{Deserialize, Serialize};
use zeroize::Zeroize;

/// Camellia-256 in GCM mode (RFC 6367 names the TLS suites; the mode is NIST SP 800-38D).
type Camellia256Gcm = AesGcm<camellia::Camellia256, U12>;

/// The authenticated ciphers a vault can be encrypted with, both on the CRYPTREC list; a vault's
/// header names the one it uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "cli", derive(clap::ValueEnum))]
pub enum Cipher {
    /// AES-256 in GCM mode: the default, fastest where the CPU has AES instructions.
    #[serde(rename = "aes-256-gcm")]
    #[cfg_attr(feature = "cli", value(name = "aes-256-gcm"))]
    Aes256Gcm,
    /// Camellia-256 in GCM mode, for organisations that require a Japanese-designed cipher.
    #[serde(rename = "camellia-256-gcm")]
    #[cfg_attr(feature = "cli", value(name = "camellia-256-gcm"))]
    Camellia256Gcm,
}

/// Authentication failed (wrong key, or the bytes were changed), or the cipher refused the
/// input (a message over GCM's 64 GiB limit, or a key schedule it could not allocate).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AeadError;

impl From<AeadError> for crate::error::Error {
    /// For sealing and key setup only: a failed `open` means something specific to its caller
    /// (a wrong passphrase, a damaged vault) and is mapped there.
    fn from(_: AeadError) -> Self {
        crate::error::Error::Other(crate::msg::Msg::CannotSeal.into())
    }
}

/// Bytes of the authentication tag appended to every sealed message.
pub const TAG_LEN: usize = 16;
/// Bytes of the nonce every seal and open takes.
pub const NONCE_LEN: usize = 12;

impl Cipher {
    /// The cipher's name as the vault header and the `--cipher` option spell it.
    pub fn name(self) -> &'static str {
        match self {
            Cipher::Aes256Gcm => "aes-256-gcm",
            Cipher::Camellia256Gcm => "camellia-256-gcm",
        }
    }

    /// Ciphertext ‖ tag of `msg`.
    pub fn seal(
        self,
        key: &[u8; 32],
        nonce: &[u8; 12],
        aad: &[u8],
        msg: &[u8],
    ) -> Result<Vec<u8>, AeadError> {
        let mut out = Vec::with_capacity(msg.len() + TAG_LEN);
        Keyed::new(self, key)?.seal_append(nonce, aad, msg, &mut out)?;
        Ok(out)
    }

    /// The plaintext of `sealed` (ciphertext ‖ tag), if it authenticates.
    pub fn open(
        self,
        key: &[u8; 32],
        nonce: &[u8; 12],
        aad: &[u8],
        sealed: &[u8],
    ) -> Result<Vec<u8>, AeadError> {
        let mut out = Vec::with_capacity(sealed.len());
        Keyed::new(self, key)?.open_into(nonce, aad, sealed, &mut out)?;
        Ok(out)
    }
}

/// A cipher with its key schedule computed once, for sealing many chunks of one object from
/// several threads. Both schedules are wiped when this is dropped (see the module note).
pub enum Keyed {
    /// AES-256-GCM with AWS-LC's key schedule.
    Aes(LessSafeKey),
    /// Camellia-256-GCM with its RustCrypto key schedule (boxed: it is large).
    Camellia(Box<Camellia256Gcm>),
    /// Camellia-256-GCM on libgcrypt's keyed handles.
    #[cfg(target_os = "linux")]
    CamelliaGcrypt(super::gcrypt::Key),
}

/// Where Camellia-256-GCM runs in this process: "libgcrypt 1.10.1", or "the camellia crate"
/// where the system has no libgcrypt that passes the self-test.
pub fn camellia_implementation() -> &'static str {
    #[cfg(target_os = "linux")]
    if let Some(v) = super::gcrypt::version() {
        return v;
    }
    "the camellia crate"
}

/// Ciphertext ‖ tag of `msg` from the `camellia` crate whatever the system has: the reference
/// libgcrypt's output is checked against, and the figure the benchmark compares with.
#[doc(hidden)]
pub fn portable_camellia_seal(
    key: &[u8; 32],
    nonce: &[u8; 12],
    aad: &[u8],
    msg: &[u8],
) -> Result<Vec<u8>, AeadError> {
    let mut out = Vec::with_capacity(msg.len() + TAG_LEN);
    Keyed::portable_camellia(key).seal_append(nonce, aad, msg, &mut out)?;
    Ok(out)
}

impl Keyed {
    /// Compute the key schedule of `key` for `cipher`; fails only if AWS-LC cannot allocate it.
    pub fn new(cipher: Cipher, key: &[u8; 32]) -> Result<Keyed, AeadError> {
        Ok(match cipher {
            Cipher::Aes256Gcm => Keyed::Aes(LessSafeKey::new(
                UnboundKey::new(&lc::AES_256_GCM, key).map_err(|_| AeadError)?,
            )),
            Cipher::Camellia256Gcm => Self::camellia(key),
        })
    }

    #[cfg(target_os = "linux")]
    fn camellia(key: &[u8; 32]) -> Keyed {
        match super::gcrypt::loaded() {
            Some(lib) => Keyed::CamelliaGcrypt(super::gcrypt::Key::new(lib, key)),
            None => Self::portable_camellia(key),
        }
    }

    #[cfg(not(target_os = "linux"))]
    fn camellia(key: &[u8; 32]) -> Keyed {
        Self::portable_camellia(key)
    }

    /// Camellia-256-GCM on the `camellia` crate, whatever the system has.
    fn portable_camellia(key: &[u8; 32]) -> Keyed {
        Keyed::Camellia(Box::new(Camellia256Gcm::new(key.into())))
    }

    /// Append the ciphertext of `plain` and its tag to `out`. On failure `out` is left as it
    /// was.
    pub fn seal_append(
        &self,
        nonce: &[u8; 12],
        aad: &[u8],
        plain: &[u8],
        out: &mut Vec<u8>,
    ) -> Result<(), AeadError> {
        let start = out.len();
        out.resize(start + plain.len() + TAG_LEN, 0);
        let sealed = self.seal_to(nonce, aad, plain, &mut out[start..]);
        if sealed.is_err() {
            out.truncate(start);
        }
        sealed
    }

    /// Write the ciphertext of `plain` and its tag into `out`, which must be exactly that long
    /// (`plain.len() + TAG_LEN`): a batch of chunks is sealed into one buffer, each at its
    /// place, without growing or zeroing it first. On failure `out` is zeroized.
    pub fn seal_to(
        &self,
        nonce: &[u8; 12],
        aad: &[u8],
        plain: &[u8],
        out: &mut [u8],
    ) -> Result<(), AeadError> {
        if out.len() != plain.len() + TAG_LEN {
            return Err(AeadError);
        }
        let (ct, tag) = out.split_at_mut(plain.len());
        let sealed = match self {
            Keyed::Aes(k) => {
                let n = lc::Nonce::assume_unique_for_key(*nonce);
                k.seal_out_of_place_scatter(n, Aad::from(aad), plain, ct, &[], tag)
                    .map_err(|_| AeadError)
            }
            Keyed::Camellia(c) => {
                ct.copy_from_slice(plain);
                c.encrypt_in_place_detached(&Nonce::from(*nonce), aad, ct)
                    .map(|t| tag.copy_from_slice(&t))
                    .map_err(|_| AeadError)
            }
            #[cfg(target_os = "linux")]
            Keyed::CamelliaGcrypt(k) => k.seal_to(nonce, aad, plain, ct, tag),
        };
        if sealed.is_err() {
            // The Camellia branch copied the plaintext in before it failed.
            out.zeroize();
        }
        sealed
    }

    /// Decrypt `sealed` (ciphertext ‖ tag) into the end of `out`, which must already have room
    /// for it; on failure `out` is left as it was.
    pub fn open_into(
        &self,
        nonce: &[u8; 12],
        aad: &[u8],
        sealed: &[u8],
        out: &mut Vec<u8>,
    ) -> Result<(), AeadError> {
        let len = sealed.len().checked_sub(TAG_LEN).ok_or(AeadError)?;
        // Growing `out` here would move earlier plaintext without wiping the old allocation.
        if out.capacity() - out.len() < len {
            return Err(AeadError);
        }
        let start = out.len();
        out.resize(start + len, 0);
        let opened = self.open_to(nonce, aad, sealed, &mut out[start..]);
        if opened.is_err() {
            out.truncate(start);
        }
        opened
    }

    /// Decrypt `sealed` (ciphertext ‖ tag) into `out`, which must be exactly as long as the
    /// ciphertext. On failure `out` is zeroized: nothing unauthenticated is left in it.
    pub fn open_to(
        &self,
        nonce: &[u8; 12],
        aad: &[u8],
        sealed: &[u8],
        out: &mut [u8],
    ) -> Result<(), AeadError> {
        let split = sealed.len().checked_sub(TAG_LEN).ok_or(AeadError)?;
        if out.len() != split {
            return Err(AeadError);
        }
        let (ct, tag) = sealed.split_at(split);
        let opened = match self {
            Keyed::Aes(k) => {
                let n = lc::Nonce::assume_unique_for_key(*nonce);
                k.open_separate_gather(n, Aad::from(aad), ct, tag, out)
                    .map_err(|_| AeadError)
            }
            Keyed::Camellia(c) => {
                let tag: [u8; TAG_LEN] = tag.try_into().map_err(|_| AeadError)?;
                out.copy_from_slice(ct);
                let n = Nonce::from(*nonce);
                c.decrypt_in_place_detached(&n, aad, out, &tag.into())
                    .map_err(|_| AeadError)
            }
            #[cfg(target_os = "linux")]
            Keyed::CamelliaGcrypt(k) => k.open_to(nonce, aad, ct, tag, out),
        };
        if opened.is_err() {
            out.zeroize();
        }
        opened
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn both_ciphers_round_trip_and_differ() {
        let key = [7u8; 32];
        let nonce = [1u8; 12];
        for c in [Cipher::Aes256Gcm, Cipher::Camellia256Gcm] {
            let ct = c.seal(&key, &nonce, b"aad", b"hello").unwrap();
            assert_eq!(ct.len(), 5 + TAG_LEN);
            assert_eq!(c.open(&key, &nonce, b"aad", &ct).unwrap(), b"hello");
            assert!(c.open(&key, &nonce, b"aaX", &ct).is_err());
            let mut bad = ct.clone();
            bad[0] ^= 1;
            assert!(c.open(&key, &nonce, b"aad", &bad).is_err());
            let mut bad_tag = ct.clone();
            bad_tag[5 + TAG_LEN - 1] ^= 0x80;
            assert!(c.open(&key, &nonce, b"aad", &bad_tag).is_err());
            assert!(c.open(&[8u8; 32], &nonce, b"aad", &ct).is_err());
        }
        let a = Cipher::Aes256Gcm.seal(&key, &nonce, b"", b"same").unwrap();
        let b = Cipher::Camellia256Gcm
            .seal(&key, &nonce, b"", b"same")
            .unwrap();
        assert_ne!(a, b);
    }

    #[test]
    fn keyed_matches_one_shot_and_refuses_changes() {
        let key = [7u8; 32];
        let nonce = [2u8; 12];
        for c in [Cipher::Aes256Gcm, Cipher::Camellia256Gcm] {
            let k = Keyed::new(c, &key).unwrap();
            let mut buf = b"head".to_vec();
            k.seal_append(&nonce, &[], b"some chunk", &mut buf).unwrap();
            assert_eq!(&buf[..4], b"head");
            assert_eq!(&buf[4..], c.seal(&key, &nonce, &[], b"some chunk").unwrap());
            let mut out = Vec::with_capacity(64);
            out.push(b'x');
            k.open_into(&nonce, &[], &buf[4..], &mut out).unwrap();
            assert_eq!(out, b"xsome chunk");
            buf[6] ^= 1;
            assert!(k.open_into(&nonce, &[], &buf[4..], &mut out).is_err());
            assert_eq!(
                out, b"xsome chunk",
                "a failed open leaves the output as it was"
            );
            assert!(k.open_into(&nonce, &[], &[0u8; 3], &mut out).is_err());
            let mut full = Vec::with_capacity(4);
            buf[6] ^= 1;
            assert!(
                k.open_into(&nonce, &[], &buf[4..], &mut full).is_err(),
                "no room: refused rather than grown"
            );
            assert!(full.is_empty());
        }
    }

    /// NIST's GCM test case 14 (McGrew and Viega, "The Galois/Counter Mode of Operation",
    /// appendix B): AES-256, an all-zero key and IV, one zero block.
    #[test]
    fn aes_256_gcm_known_answer() {
        let ct = Cipher::Aes256Gcm
            .seal(&[0u8; 32], &[0u8; 12], &[], &[0u8; 16])
            .unwrap();
        assert_eq!(
            hex::encode(ct),
            "cea7403d4d606b6e074ec5d3baf39d18d0d1c8a799996bf0265b98b5d48ab919"
        );
    }

    #[cfg(target_os = "linux")]
    proptest! {
        /// libgcrypt's Camellia-256-GCM gives the `camellia` crate's bytes and opens them:
        /// vaults sealed by either open with the other.
        #[test]
        fn libgcrypt_agrees_with_the_camellia_crate(
            key in any::<[u8; 32]>(),
            nonce in any::<[u8; 12]>(),
            aad in proptest::collection::vec(any::<u8>(), 0..40),
            msg in proptest::collection::vec(any::<u8>(), 0..1200),
        ) {
            let Some(k) = gcrypt_keyed(&key) else { return Ok(()) };
            let theirs = portable_camellia_seal(&key, &nonce, &aad, &msg).unwrap();
            let mut ours = Vec::new();
            k.seal_append(&nonce, &aad, &msg, &mut ours).unwrap();
            prop_assert_eq!(&ours, &theirs);
            let mut out = Vec::with_capacity(msg.len());
            k.open_into(&nonce, &aad, &theirs, &mut out).unwrap();
            prop_assert_eq!(out, msg);
        }
    }

    proptest! {
        /// AWS-LC and the RustCrypto `aes-gcm` crate give the same bytes, and each opens the
        /// other's: vaults sealed before the switch to AWS-LC open as before.
        #[test]
        fn aws_lc_agrees_with_rustcrypto(
            key in any::<[u8; 32]>(),
            nonce in any::<[u8; 12]>(),
            aad in proptest::collection::vec(any::<u8>(), 0..40),
            msg in proptest::collection::vec(any::<u8>(), 0..300),
        ) {
            use aes_gcm::aead::{Aead, Payload};
            let reference = aes_gcm::Aes256Gcm::new(&key.into());
            let theirs = reference
                .encrypt(&Nonce::from(nonce), Payload { msg: &msg, aad: &aad })
                .unwrap();
            let ours = Cipher::Aes256Gcm.seal(&key, &nonce, &aad, &msg).unwrap();
            prop_assert_eq!(&ours, &theirs);
            prop_assert_eq!(Cipher::Aes256Gcm.open(&key, &nonce, &aad, &theirs).unwrap(), msg);
        }
    }

    /// Keyed for Camellia on libgcrypt, or `None` (and why) where the system has none; under
    /// CI=true that is a failure: .ci/run installs libgcrypt20 (scripts/install-test-deps).
    #[cfg(target_os = "linux")]
    fn gcrypt_keyed(key: &[u8; 32]) -> Option<Keyed> {
        match Keyed::new(Cipher::Camellia256Gcm, key) {
            Ok(k @ Keyed::CamelliaGcrypt(_)) => Some(k),
            _ => {
                let why = "no libgcrypt.so.20 that passes the self-test: Camellia runs on the \
                           camellia crate here (Debian package libgcrypt20)";
                assert!(std::env::var("CI").as_deref() != Ok("true"), "{why}");
                eprintln!("SKIPPED: {why}");
                None
            }
        }
    }

    /// Chunks as the vault seals them (64 KiB, and a short last one) and odd sizes around
    /// libgcrypt's many-block paths: the same bytes as the `camellia` crate, each opening the
    /// other's, a changed byte refused and the output wiped.
    #[cfg(target_os = "linux")]
    #[test]
    fn libgcrypt_agrees_with_the_camellia_crate_on_vault_chunks() {
        let key = [0x3c; 32];
        let Some(k) = gcrypt_keyed(&key) else { return };
        for len in [
            0usize,
            1,
            15,
            16,
            17,
            511,
            512,
            513,
            4095,
            65_536,
            65_536 + 3,
        ] {
            let nonce = [len as u8; 12];
            let msg: Vec<u8> = (0..len).map(|i| (i * 7 % 256) as u8).collect();
            let theirs = portable_camellia_seal(&key, &nonce, b"hdr", &msg).unwrap();
            let mut ours = vec![0; len + TAG_LEN];
            k.seal_to(&nonce, b"hdr", &msg, &mut ours).unwrap();
            assert!(ours == theirs, "libgcrypt differs at {len} bytes");
            let mut out = vec![0; len];
            k.open_to(&nonce, b"hdr", &theirs, &mut out).unwrap();
            assert!(out == msg);
            let mut bad = theirs.clone();
            bad[len / 2] ^= 0x10;
            out.fill(0xee);
            assert!(k.open_to(&nonce, b"hdr", &bad, &mut out).is_err());
            assert!(
                out.iter().all(|&b| b == 0),
                "nothing unauthenticated is left"
            );
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
