//! Camellia-256-GCM through the system's libgcrypt (GnuPG's library), loaded when first needed.
//!
//! The `camellia` crate computes Camellia with table lookups, one block at a time: about
//! 90 MiB/s per core, slower than a USB 3 stick writes. libgcrypt's Camellia runs many blocks
//! at once with AES-NI/AVX2 (and VAES or GFNI where the CPU has them), and its GCM hashes with
//! carry-less multiplication: about ten times that here (docs/performance.md §Ciphers). It is
//! loaded at run time, not linked, so that a machine without it still builds and runs baitai
//! with the crate; it is used only after it has passed a known-answer test (RFC 3713) and
//! sealed and opened messages of the vault's sizes exactly as the crate does (see
//! `self_test`): a check that the library computes Camellia-GCM right, not that it is honest,
//! which is the dynamic linker's business as for libc. `BAITAI_LIBGCRYPT=off` (any value but
//! `on`) keeps it unloaded; so does the kernel's FIPS mode, where libgcrypt refuses Camellia anyway. Its
//! handles keep the key schedule in memory libgcrypt allocates; `gcry_cipher_close` wipes it.

// A C library has no safe form; each unsafe block says what it relies on.
#![allow(unsafe_code)]

use std::ffi::{c_char, c_int, c_uint, c_void, CStr};
use std::sync::{Mutex, OnceLock};

use libloading::Library;
use zeroize::Zeroizing;

use super::aead::{AeadError, TAG_LEN};

/// The shared object's name: its ABI has been version 20 since libgcrypt 1.6 (2013).
const SONAME: &str = "libgcrypt.so.20";
/// GCM with any 128-bit block cipher arrived in 1.6.0; 1.8 (2017) is the oldest still shipped.
const MIN_VERSION: &CStr = c"1.8.0";
/// Set to `off` to keep Camellia on the `camellia` crate. Any value but `on` (or empty) does
/// the same: a policy that excludes libgcrypt must not be undone by a typo.
pub const SWITCH: &str = "BAITAI_LIBGCRYPT";

/// Whether the environment allows loading libgcrypt: unset, empty or `on`.
fn allowed() -> bool {
    std::env::var_os(SWITCH).is_none_or(|v| v.is_empty() || v == "on")
}
const CAMELLIA256: c_int = 312;
const MODE_ECB: c_int = 1;
const MODE_GCM: c_int = 9;
const CTL_RESET: c_int = 4;

type Handle = *mut c_void;
type Err = c_uint;
/// `gcry_cipher_encrypt` and `gcry_cipher_decrypt`: handle, output and its size, input and its.
type Crypt = unsafe extern "C" fn(Handle, *mut c_void, usize, *const c_void, usize) -> Err;

/// The entry points, copied out of the library, which stays loaded for the process's life.
pub(super) struct Gcrypt {
    open: unsafe extern "C" fn(*mut Handle, c_int, c_int, c_uint) -> Err,
    close: unsafe extern "C" fn(Handle),
    ctl: unsafe extern "C" fn(Handle, c_int, *mut c_void, usize) -> Err,
    setkey: unsafe extern "C" fn(Handle, *const c_void, usize) -> Err,
    setiv: unsafe extern "C" fn(Handle, *const c_void, usize) -> Err,
    authenticate: unsafe extern "C" fn(Handle, *const c_void, usize) -> Err,
    encrypt: Crypt,
    decrypt: Crypt,
    gettag: unsafe extern "C" fn(Handle, *mut c_void, usize) -> Err,
    checktag: unsafe extern "C" fn(Handle, *const c_void, usize) -> Err,
    version: String,
    _lib: Library,
}

static LOADED: OnceLock<Option<Gcrypt>> = OnceLock::new();
static PASSED: OnceLock<bool> = OnceLock::new();

/// libgcrypt, if the system has it and it passed the self-test; loaded once per process.
pub(super) fn loaded() -> Option<&'static Gcrypt> {
    let lib = LOADED.get_or_init(load).as_ref()?;
    PASSED.get_or_init(|| lib.self_test()).then_some(lib)
}

/// "libgcrypt 1.10.1" when Camellia runs there, `None` when it runs on the `camellia` crate.
pub(super) fn version() -> Option<&'static str> {
    loaded().map(|g| g.version.as_str())
}

fn load() -> Option<Gcrypt> {
    let fips =
        std::fs::read_to_string("/proc/sys/crypto/fips_enabled").is_ok_and(|v| v.trim() == "1");
    if !allowed() || fips {
        return None;
    }
    // SAFETY: loading runs the library's initialisers; libgcrypt's only set up its own state.
    let lib = unsafe { Library::new(SONAME) }.ok()?;
    // SAFETY: each symbol is declared with the signature gcrypt.h gives it, unchanged across
    // ABI 20; the pointers stay valid because `lib` is kept alongside them.
    let g = unsafe {
        let check_version = *lib
            .get::<unsafe extern "C" fn(*const c_char) -> *const c_char>(b"gcry_check_version\0")
            .ok()?;
        // The one call libgcrypt needs before any other. Initialisation is otherwise left
        // open (no GCRYCTL_INITIALIZATION_FINISHED), so a token's PKCS#11 module that uses
        // libgcrypt in this process can still set up its secure memory as it expects.
        let found = check_version(MIN_VERSION.as_ptr());
        if found.is_null() {
            return None;
        }
        let version = format!("libgcrypt {}", CStr::from_ptr(found).to_string_lossy());
        Gcrypt {
            open: *lib.get(b"gcry_cipher_open\0").ok()?,
            close: *lib.get(b"gcry_cipher_close\0").ok()?,
            ctl: *lib.get(b"gcry_cipher_ctl\0").ok()?,
            setkey: *lib.get(b"gcry_cipher_setkey\0").ok()?,
            setiv: *lib.get(b"gcry_cipher_setiv\0").ok()?,
            authenticate: *lib.get(b"gcry_cipher_authenticate\0").ok()?,
            encrypt: *lib.get(b"gcry_cipher_encrypt\0").ok()?,
            decrypt: *lib.get(b"gcry_cipher_decrypt\0").ok()?,
            gettag: *lib.get(b"gcry_cipher_gettag\0").ok()?,
            checktag: *lib.get(b"gcry_cipher_checktag\0").ok()?,
            version,
            _lib: lib,
        }
    };
    Some(g)
}

/// Make `Err` codes into results: libgcrypt returns 0 for success.
fn ok(code: Err) -> Result<(), AeadError> {
    if code == 0 {
        Ok(())
    } else {
        Err(AeadError)
    }
}

impl Gcrypt {
    /// A Camellia-256 handle in `mode` keyed with `key`.
    fn handle(&'static self, mode: c_int, key: &[u8; 32]) -> Result<Owned, AeadError> {
        let mut raw: Handle = std::ptr::null_mut();
        // SAFETY: `raw` is a valid out-pointer; on success it holds a handle we now own.
        ok(unsafe { (self.open)(&mut raw, CAMELLIA256, mode, 0) })?;
        let owned = Owned { raw, lib: self };
        // SAFETY: a live handle and a 32-byte key, which libgcrypt copies.
        ok(unsafe { (self.setkey)(owned.raw, key.as_ptr().cast(), key.len()) })?;
        Ok(owned)
    }

    /// RFC 3713's Camellia-256 known answer, then messages sealed and opened here exactly as
    /// the `camellia` crate seals them, and a changed tag refused: empty, one block, and a
    /// whole vault chunk and a bit (libgcrypt's widest many-block paths and its GCM's large
    /// steps run only on long inputs). A library that differs in any byte is not used.
    fn self_test(&'static self) -> bool {
        self.known_answer()
            && [0, 16, 1000, 65_536 + 3]
                .into_iter()
                .all(|len| self.agrees_with(len, super::aead::portable_camellia_seal))
    }

    fn known_answer(&'static self) -> bool {
        let key: [u8; 32] = [
            0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef, 0xfe, 0xdc, 0xba, 0x98, 0x76, 0x54,
            0x32, 0x10, 0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb,
            0xcc, 0xdd, 0xee, 0xff,
        ];
        let mut block: [u8; 16] = [
            0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef, 0xfe, 0xdc, 0xba, 0x98, 0x76, 0x54,
            0x32, 0x10,
        ];
        let expected: [u8; 16] = [
            0x9a, 0xcc, 0x23, 0x7d, 0xff, 0x16, 0xd7, 0x6c, 0x20, 0xef, 0x7c, 0x91, 0x9e, 0x3a,
            0x75, 0x09,
        ];
        let Ok(h) = self.handle(MODE_ECB, &key) else {
            return false;
        };
        // SAFETY: in-place encryption of one block (null input: libgcrypt's in-place form).
        let done =
            unsafe { (self.encrypt)(h.raw, block.as_mut_ptr().cast(), 16, std::ptr::null(), 0) };
        done == 0 && block == expected
    }

    /// Whether a `len`-byte message seals here to `reference`'s bytes, opens, and refuses a
    /// changed tag.
    fn agrees_with(&'static self, len: usize, reference: Reference) -> bool {
        let key = [0x5c; 32];
        let nonce = [0xa7; 12];
        let aad = b"baitai self-test";
        let msg: Vec<u8> = (0..len).map(|i| (i * 31 % 251) as u8).collect();
        let Ok(expected) = reference(&key, &nonce, aad, &msg) else {
            return false;
        };
        let ours = Key::new(self, &key);
        let (mut ct, mut tag) = (vec![0; msg.len()], [0; TAG_LEN]);
        let mut opened = vec![0; msg.len()];
        let (their_ct, their_tag) = expected.split_at(msg.len());
        let mut bad_tag = [0; TAG_LEN];
        bad_tag.copy_from_slice(their_tag);
        bad_tag[0] ^= 1;
        ours.seal_to(&nonce, aad, &msg, &mut ct, &mut tag).is_ok()
            && ct == their_ct
            && tag == their_tag
            && ours
                .open_to(&nonce, aad, their_ct, their_tag, &mut opened)
                .is_ok()
            && opened == msg
            && ours
                .open_to(&nonce, aad, their_ct, &bad_tag, &mut opened)
                .is_err()
    }
}

/// A Camellia-256-GCM seal to compare with: ciphertext ‖ tag from key, nonce, AAD, message.
type Reference = fn(&[u8; 32], &[u8; 12], &[u8], &[u8]) -> Result<Vec<u8>, AeadError>;

/// One open libgcrypt handle, closed (and so wiped) on drop.
struct Owned {
    raw: Handle,
    lib: &'static Gcrypt,
}

// SAFETY: a handle is used by one thread at a time (it moves through the pool's mutex);
// libgcrypt allows a handle to move between threads.
unsafe impl Send for Owned {}

impl Drop for Owned {
    fn drop(&mut self) {
        // SAFETY: our handle, closed once; libgcrypt wipes the context before freeing it.
        unsafe { (self.lib.close)(self.raw) }
    }
}

impl Owned {
    /// Back to the state after keying, with a fresh nonce: ready for one message.
    fn start(&self, nonce: &[u8; 12], aad: &[u8]) -> Result<(), AeadError> {
        let lib = self.lib;
        // SAFETY: a live handle; the nonce and AAD are read during the calls only.
        unsafe {
            ok((lib.ctl)(self.raw, CTL_RESET, std::ptr::null_mut(), 0))?;
            ok((lib.setiv)(self.raw, nonce.as_ptr().cast(), nonce.len()))?;
            if !aad.is_empty() {
                ok((lib.authenticate)(self.raw, aad.as_ptr().cast(), aad.len()))?;
            }
        }
        Ok(())
    }
}

/// A Camellia-256-GCM key for libgcrypt: keyed handles are kept for reuse, one per thread
/// that seals at once, and wiped when the key is dropped.
pub struct Key {
    lib: &'static Gcrypt,
    // Boxed so that moving the key moves a pointer, not another copy of the key.
    key: Box<Zeroizing<[u8; 32]>>,
    idle: Mutex<Vec<Owned>>,
}

impl Key {
    pub(super) fn new(lib: &'static Gcrypt, key: &[u8; 32]) -> Key {
        Key {
            lib,
            key: Box::new(Zeroizing::new(*key)),
            idle: Mutex::new(Vec::new()),
        }
    }

    /// Run `f` on a keyed handle of ours, returned to the pool afterwards if it succeeded.
    fn with_handle(
        &self,
        f: impl FnOnce(&Owned) -> Result<(), AeadError>,
    ) -> Result<(), AeadError> {
        let idle = self.idle.lock().ok().and_then(|mut v| v.pop());
        let h = match idle {
            Some(h) => h,
            None => self.lib.handle(MODE_GCM, &self.key)?,
        };
        f(&h)?;
        if let Ok(mut v) = self.idle.lock() {
            v.push(h);
        }
        Ok(())
    }

    /// One GCM message on a handle of ours: `crypt` (encrypt or decrypt) from `input` into
    /// `out`, which must be as long, then `finish` (take or check the tag) on the handle.
    fn message(
        &self,
        nonce: &[u8; 12],
        aad: &[u8],
        crypt: Crypt,
        input: &[u8],
        out: &mut [u8],
        finish: impl FnOnce(Handle) -> Err,
    ) -> Result<(), AeadError> {
        if out.len() != input.len() {
            return Err(AeadError);
        }
        self.with_handle(|h| {
            h.start(nonce, aad)?;
            if !input.is_empty() {
                // SAFETY: a live handle; `out` and `input` have the same length and do not
                // overlap (one is borrowed mutably).
                ok(unsafe {
                    crypt(
                        h.raw,
                        out.as_mut_ptr().cast(),
                        out.len(),
                        input.as_ptr().cast(),
                        input.len(),
                    )
                })?;
            }
            ok(finish(h.raw))
        })
    }

    /// The ciphertext of `plain` into `ct` (as long as `plain`), its tag into `tag`.
    pub(super) fn seal_to(
        &self,
        nonce: &[u8; 12],
        aad: &[u8],
        plain: &[u8],
        ct: &mut [u8],
        tag: &mut [u8],
    ) -> Result<(), AeadError> {
        if tag.len() != TAG_LEN {
            return Err(AeadError);
        }
        let gettag = self.lib.gettag;
        self.message(nonce, aad, self.lib.encrypt, plain, ct, |raw| {
            // SAFETY: a live handle after its message; `tag` is TAG_LEN bytes.
            unsafe { gettag(raw, tag.as_mut_ptr().cast(), TAG_LEN) }
        })
    }

    /// The plaintext of `ct` into `out` (as long as `ct`), if `tag` authenticates it; an
    /// error otherwise (the caller then wipes `out`).
    pub(super) fn open_to(
        &self,
        nonce: &[u8; 12],
        aad: &[u8],
        ct: &[u8],
        tag: &[u8],
        out: &mut [u8],
    ) -> Result<(), AeadError> {
        if tag.len() != TAG_LEN {
            return Err(AeadError);
        }
        let checktag = self.lib.checktag;
        self.message(nonce, aad, self.lib.decrypt, ct, out, |raw| {
            // SAFETY: a live handle after its message; `tag` is TAG_LEN bytes.
            unsafe { checktag(raw, tag.as_ptr().cast(), TAG_LEN) }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A libgcrypt that the dynamic linker finds must pass the self-test and be used: a
    /// regression that failed the self-test would otherwise move Camellia back to the crate
    /// with every other test still green.
    #[test]
    fn a_libgcrypt_that_loads_passes_the_self_test() {
        // SAFETY: as in `load`.
        if unsafe { Library::new(SONAME) }.is_err() {
            let why = "no libgcrypt.so.20 here (Debian package libgcrypt20)";
            assert!(std::env::var("CI").as_deref() != Ok("true"), "{why}");
            return eprintln!("SKIPPED: {why}");
        }
        if !allowed() {
            return eprintln!("SKIPPED: {SWITCH} keeps libgcrypt out");
        }
        let lib = loaded().expect("libgcrypt loads but fails the self-test");
        assert!(lib.version.starts_with("libgcrypt 1."));
    }

    /// The self-test's comparison refuses a library whose answer differs in one byte, of the
    /// ciphertext or of the tag, at every size it tests.
    #[test]
    fn the_self_test_refuses_one_changed_byte() {
        let Some(lib) = loaded() else { return };
        fn ciphertext_off(
            k: &[u8; 32],
            n: &[u8; 12],
            a: &[u8],
            m: &[u8],
        ) -> Result<Vec<u8>, AeadError> {
            let mut v = crate::crypto::aead::portable_camellia_seal(k, n, a, m)?;
            v[m.len() / 2] ^= 1;
            Ok(v)
        }
        fn tag_off(k: &[u8; 32], n: &[u8; 12], a: &[u8], m: &[u8]) -> Result<Vec<u8>, AeadError> {
            let mut v = crate::crypto::aead::portable_camellia_seal(k, n, a, m)?;
            v[m.len() + TAG_LEN - 1] ^= 0x80;
            Ok(v)
        }
        for len in [0, 16, 1000, 65_536 + 3] {
            assert!(lib.agrees_with(len, crate::crypto::aead::portable_camellia_seal));
            assert!(!lib.agrees_with(len, tag_off), "{len}");
            if len > 0 {
                assert!(!lib.agrees_with(len, ciphertext_off), "{len}");
            }
        }
    }
}
