//! Argon2id key derivation with its parameters stored beside what it protects.

use argon2::{Algorithm, Argon2, Params, Version};
use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

use super::Passphrase;
use crate::error::{Error, Result};

/// Argon2id parameters (RFC 9106). Stored with every sealed key so they can be raised later
/// without breaking old keys.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct KdfParams {
    /// Memory in KiB.
    pub m_kib: u32,
    /// Passes.
    pub t: u32,
    /// Lanes.
    pub p: u32,
}

impl KdfParams {
    /// The default: RFC 9106's second recommended option (64 MiB, 3 passes, 4 lanes) raised
    /// to 256 MiB. The four lanes are computed on as many cores as there are (argon2's
    /// `parallel` feature) in huge pages where Linux gives them (kdf_memory.rs), which together
    /// take the wait on two cores to under half of one thread's (docs/performance.md). Stored
    /// with every key it seals, so raising it later leaves older keys and vaults readable.
    pub const STANDARD: KdfParams = KdfParams {
        m_kib: 256 * 1024,
        t: 3,
        p: 4,
    };

    /// For tests and the demo only: cheap to compute, recorded in the ledger so it is visible.
    pub const INSECURE_FAST: KdfParams = KdfParams {
        m_kib: 1024,
        t: 1,
        p: 1,
    };

    /// Upper bounds, so a hostile stored parameter cannot make us allocate without limit.
    const MAX_M_KIB: u32 = 1024 * 1024;
    const MAX_T: u32 = 64;
    const MAX_P: u32 = 16;

    /// The 32-byte key Argon2id derives from `pass` and `salt` with these parameters; parameters
    /// past the upper bounds (read from a hostile file) are refused as an integrity failure.
    pub fn derive(&self, pass: &Passphrase, salt: &[u8]) -> Result<Zeroizing<[u8; 32]>> {
        if self.m_kib > Self::MAX_M_KIB || self.t > Self::MAX_T || self.p > Self::MAX_P {
            return Err(Error::Integrity(
                crate::msg::Msg::KdfRange {
                    params: format!("{self:?}").into(),
                }
                .into(),
            ));
        }
        let params = Params::new(self.m_kib, self.t, self.p, Some(32))
            .map_err(|e| Error::Integrity(crate::msg::with_cause(crate::msg::Msg::KdfBad, e)))?;
        let argon = Argon2::new(Algorithm::Argon2id, Version::V0x13, params);
        let mut out = Zeroizing::new([0u8; 32]);
        hash_into(&argon, pass.as_bytes(), salt, out.as_mut())
            .map_err(|e| Error::Other(crate::msg::with_cause(crate::msg::Msg::KdfFailed, e)))?;
        Ok(out)
    }
}

/// Argon2id into `out`, in memory the kernel may back with huge pages where it can.
#[cfg(target_os = "linux")]
fn hash_into(argon: &Argon2, pass: &[u8], salt: &[u8], out: &mut [u8]) -> argon2::Result<()> {
    match super::kdf_memory::Memory::new(argon.params().block_count()) {
        Some(mut memory) => argon.hash_password_into_with_memory(pass, salt, out, memory.blocks()),
        None => argon.hash_password_into(pass, salt, out),
    }
}

/// Argon2id into `out`, in memory argon2 allocates.
#[cfg(not(target_os = "linux"))]
fn hash_into(argon: &Argon2, pass: &[u8], salt: &[u8], out: &mut [u8]) -> argon2::Result<()> {
    argon.hash_password_into(pass, salt, out)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The reference implementation (phc-winner-argon2, through argon2-cffi) gives this for
    /// the same inputs: the lanes computed in parallel change nothing in the result.
    #[test]
    fn matches_the_reference_implementation_with_four_lanes() {
        let p = Passphrase::new("Correct-Horse-1".into());
        let params = KdfParams {
            m_kib: 8192,
            t: 3,
            p: 4,
        };
        let key = params.derive(&p, b"salt-salt-salt-1").unwrap();
        assert_eq!(
            hex::encode(*key),
            "9c802d6609bd3197e5120e8f97d381ecb204786375732954ca7aac3d973a2b6a"
        );
    }

    #[test]
    fn deterministic_and_salted() {
        let p = Passphrase::new("Correct-Horse-1".into());
        let a = KdfParams::INSECURE_FAST
            .derive(&p, b"salt-salt-salt-1")
            .unwrap();
        let b = KdfParams::INSECURE_FAST
            .derive(&p, b"salt-salt-salt-1")
            .unwrap();
        let c = KdfParams::INSECURE_FAST
            .derive(&p, b"salt-salt-salt-2")
            .unwrap();
        assert_eq!(*a, *b);
        assert_ne!(*a, *c);
    }

    #[test]
    fn hostile_params_refused() {
        let p = Passphrase::new("Correct-Horse-1".into());
        let huge = KdfParams {
            m_kib: u32::MAX,
            t: 1,
            p: 1,
        };
        assert!(huge.derive(&p, b"salt-salt-salt-1").is_err());
    }
}
