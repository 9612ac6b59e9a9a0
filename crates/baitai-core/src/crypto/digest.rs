//! SHA-256 of a file's contents as it streams through `put` and `get`.
//!
//! AWS-LC's SHA-NI assembly hashes about a fifth faster here than the sha2 crate, and the hash
//! is the one stage of the data path that runs on a single thread, so it sets the pace when the
//! other core is busy (docs/performance.md). The bytes are SHA-256's either way; a test checks
//! them against sha2.

use aws_lc_rs::digest::{Context, SHA256};

/// A running SHA-256.
pub struct ContentHash(Context);

impl ContentHash {
    /// The hash of nothing yet.
    pub fn new() -> ContentHash {
        ContentHash(Context::new(&SHA256))
    }

    /// Take in the next bytes.
    pub fn update(&mut self, data: &[u8]) {
        self.0.update(data);
    }

    /// The SHA-256 of everything taken in.
    pub fn finish(self) -> [u8; 32] {
        let mut out = [0u8; 32];
        out.copy_from_slice(self.0.finish().as_ref());
        out
    }
}

impl Default for ContentHash {
    fn default() -> ContentHash {
        ContentHash::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sha2::{Digest, Sha256};

    #[test]
    fn is_sha256_for_any_split() {
        let data: Vec<u8> = (0..300_000u32).map(|i| (i * 7 + i / 251) as u8).collect();
        for (len, piece) in [(0, 1), (3, 1), (64, 64), (1000, 7), (300_000, 65_536)] {
            let mut h = ContentHash::new();
            for part in data[..len].chunks(piece) {
                h.update(part);
            }
            let want: [u8; 32] = Sha256::digest(&data[..len]).into();
            assert_eq!(h.finish(), want, "{len} bytes in pieces of {piece}");
        }
    }
}
