//! What a wipe pass writes: zeros, or a ChaCha20 (RFC 8439) keystream from a recorded seed that can be
//! regenerated at any offset to check what the device reads back.

use baitai_core::model::PatternKind;
use chacha20::cipher::{KeyIvInit, StreamCipher, StreamCipherSeek};
use chacha20::ChaCha20;
use rand::RngCore;

/// The seed of a random pass. It is no secret: it is recorded so anyone can regenerate the
/// stream and check the medium, and it is only used to make every block distinct.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Seed(pub [u8; 32]);

impl Seed {
    /// A fresh seed from the operating system, for a new random pass.
    pub fn random() -> Seed {
        let mut s = [0u8; 32];
        rand::rngs::OsRng.fill_bytes(&mut s);
        Seed(s)
    }

    /// The seed in hex, as the wipe record stores it.
    pub fn to_hex(self) -> String {
        hex::encode(self.0)
    }

    /// A seed from the record's 64 hex digits; None for anything else.
    pub fn from_hex(s: &str) -> Option<Seed> {
        let v = hex::decode(s).ok()?;
        Some(Seed(v.try_into().ok()?))
    }
}

/// One pass's content.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pattern {
    /// Every byte zero.
    Zero,
    /// ChaCha20 keystream under this seed, the medium cut into 64 GiB segments with a nonce each,
    /// so the bytes at any offset can be regenerated on their own.
    Random(Seed),
}

impl Pattern {
    /// Zero or random, as the record names it.
    pub fn kind(&self) -> PatternKind {
        match self {
            Pattern::Zero => PatternKind::Zero,
            Pattern::Random(_) => PatternKind::Random,
        }
    }

    /// The seed of a random pass; None for zeros.
    pub fn seed(&self) -> Option<Seed> {
        match self {
            Pattern::Zero => None,
            Pattern::Random(s) => Some(*s),
        }
    }

    /// Fill `buf` with the bytes this pattern has at device offset `offset`.
    pub fn fill(&self, offset: u64, buf: &mut [u8]) {
        buf.fill(0);
        let Pattern::Random(seed) = self else { return };
        let mut done = 0;
        while done < buf.len() {
            let at = offset + done as u64;
            let segment = at >> SEGMENT_BITS;
            let within = at & ((1 << SEGMENT_BITS) - 1);
            let room = ((1u64 << SEGMENT_BITS) - within).min((buf.len() - done) as u64) as usize;
            let mut c = ChaCha20::new(&seed.0.into(), &segment_nonce(segment).into());
            c.seek(within);
            c.apply_keystream(&mut buf[done..done + room]);
            done += room;
        }
    }
}

/// The RFC 8439 block counter is 32 bits (256 GiB of stream), smaller than many media, so
/// the medium is cut into 64 GiB segments, each with its own nonce.
const SEGMENT_BITS: u32 = 36;

/// Nonce of segment `n`: four zero bytes, then `n` as 64-bit little-endian.
fn segment_nonce(n: u64) -> [u8; 12] {
    let mut nonce = [0u8; 12];
    nonce[4..].copy_from_slice(&n.to_le_bytes());
    nonce
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn random_is_seekable_and_seeded() {
        let p = Pattern::Random(Seed([9; 32]));
        let mut whole = vec![0u8; 10_000];
        p.fill(0, &mut whole);
        let mut part = vec![0u8; 3000];
        p.fill(4097, &mut part);
        assert_eq!(&whole[4097..7097], &part[..]);
        let mut other = vec![0u8; 10_000];
        Pattern::Random(Seed([8; 32])).fill(0, &mut other);
        assert_ne!(whole, other);
        let mut z = vec![1u8; 100];
        Pattern::Zero.fill(5, &mut z);
        assert!(z.iter().all(|&b| b == 0));
        // Across a 64 GiB segment boundary, and far past the 256 GiB counter limit.
        let edge = (1u64 << 36) - 100;
        let mut a = vec![0u8; 300];
        p.fill(edge, &mut a);
        let mut b = vec![0u8; 200];
        p.fill(edge + 100, &mut b);
        assert_eq!(&a[100..], &b[..]);
        let mut far = vec![0u8; 64];
        p.fill(1 << 41, &mut far);
        assert!(far.iter().any(|&x| x != 0) && far != b[..64]);
        let s = Seed::random();
        assert_eq!(Seed::from_hex(&s.to_hex()), Some(s));
    }
}
