//! Objects: one file each, encrypted as STREAM in 64 KiB chunks (docs/format.md §6).
//!
//! Chunk i is sealed with nonce = i as an 11-byte big-endian counter ‖ a last-chunk flag byte,
//! as age does, so reordering, truncation and extension are all detected.

use std::io::{Read, Write};

use sha2::{Digest, Sha256};

use super::format::{OBJECT_MAGIC, VERSION};
use crate::crypto::aead::TAG_LEN;
use crate::crypto::Cipher;
use crate::error::{Error, Result};

pub const CHUNK: usize = 64 * 1024;
pub const OBJECT_HEADER: usize = 8 + 2 + 16;

fn chunk_nonce(counter: u64, last: bool) -> [u8; 12] {
    let mut n = [0u8; 12];
    n[3..11].copy_from_slice(&counter.to_be_bytes());
    n[11] = u8::from(last);
    n
}

/// What streaming a file produced or found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Streamed {
    pub size: u64,
    pub sha256: [u8; 32],
}

/// Read until `buf` is full or the input ends.
fn fill(r: &mut impl Read, buf: &mut [u8]) -> std::io::Result<usize> {
    let mut n = 0;
    while n < buf.len() {
        match r.read(&mut buf[n..]) {
            Ok(0) => break,
            Ok(k) => n += k,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(n)
}

/// Encrypt everything `input` yields into `out`. `progress` is told each chunk's size.
pub fn encrypt(
    input: &mut impl Read,
    out: &mut impl Write,
    cipher: Cipher,
    key: &[u8; 32],
    nonce: &[u8; 16],
    progress: &mut dyn FnMut(u64),
    source: &str,
) -> Result<Streamed> {
    let io_in = |e| Error::Io {
        context: format!("read {source}"),
        source: e,
    };
    let io_out = |e| Error::Io {
        context: "write to the medium".into(),
        source: e,
    };
    out.write_all(OBJECT_MAGIC).map_err(io_out)?;
    out.write_all(&VERSION.to_be_bytes()).map_err(io_out)?;
    out.write_all(nonce).map_err(io_out)?;
    let mut hash = Sha256::new();
    let mut size = 0u64;
    // Two buffers: a chunk is sealed only once we know whether another byte follows it.
    let mut cur = zeroize::Zeroizing::new(vec![0u8; CHUNK]);
    let mut next = zeroize::Zeroizing::new(vec![0u8; CHUNK]);
    let mut cur_len = fill(input, &mut cur).map_err(io_in)?;
    let mut counter = 0u64;
    loop {
        let next_len = if cur_len == CHUNK {
            fill(input, &mut next).map_err(io_in)?
        } else {
            0
        };
        let last = next_len == 0;
        let ct = cipher.seal(key, &chunk_nonce(counter, last), &[], &cur[..cur_len]);
        out.write_all(&ct).map_err(io_out)?;
        hash.update(&cur[..cur_len]);
        size += cur_len as u64;
        progress(cur_len as u64);
        if last {
            break;
        }
        std::mem::swap(&mut cur, &mut next);
        cur_len = next_len;
        counter += 1;
    }
    Ok(Streamed {
        size,
        sha256: hash.finalize().into(),
    })
}

/// Decrypt an object into `out`, authenticating every chunk; fails on any change, reordering,
/// truncation or trailing bytes. Nothing written to `out` may be trusted until this returns Ok.
pub fn decrypt(
    input: &mut impl Read,
    out: &mut impl Write,
    cipher: Cipher,
    key: &[u8; 32],
    expected_nonce: &[u8; 16],
    progress: &mut dyn FnMut(u64),
    name: &str,
) -> Result<Streamed> {
    let tampered = |why: &str| Error::Integrity(format!("{name}: {why}"));
    let io_in = |e| Error::Io {
        context: format!("read the object of {name}"),
        source: e,
    };
    let io_out = |e| Error::Io {
        context: format!("write {name}"),
        source: e,
    };
    let mut head = [0u8; OBJECT_HEADER];
    if fill(input, &mut head).map_err(io_in)? != OBJECT_HEADER || &head[..8] != OBJECT_MAGIC {
        return Err(tampered("object header is missing or damaged"));
    }
    if u16::from_be_bytes([head[8], head[9]]) != VERSION || &head[10..26] != expected_nonce {
        return Err(tampered(
            "object header does not match the manifest (swapped or replaced)",
        ));
    }
    const SEALED: usize = CHUNK + TAG_LEN;
    let mut hash = Sha256::new();
    let mut size = 0u64;
    let mut buf = vec![0u8; SEALED + 1];
    let mut have = fill(input, &mut buf).map_err(io_in)?;
    let mut counter = 0u64;
    loop {
        let last = have <= SEALED;
        let this = have.min(SEALED);
        if this < TAG_LEN {
            return Err(tampered("object is truncated"));
        }
        let plain = zeroize::Zeroizing::new(
            cipher
                .open(key, &chunk_nonce(counter, last), &[], &buf[..this])
                .map_err(|_| tampered(&format!("chunk {counter} fails authentication (modified, reordered, truncated or swapped)")))?,
        );
        out.write_all(&plain).map_err(io_out)?;
        hash.update(&plain);
        size += plain.len() as u64;
        progress(plain.len() as u64);
        if last {
            break;
        }
        // Keep the one look-ahead byte and read the rest of the next chunk after it.
        buf[0] = buf[SEALED];
        have = 1 + fill(input, &mut buf[1..]).map_err(io_in)?;
        counter += 1;
    }
    Ok(Streamed {
        size,
        sha256: hash.finalize().into(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn round_trip(cipher: Cipher, len: usize) {
        let data: Vec<u8> = (0..len).map(|i| (i * 7 + i / 251) as u8).collect();
        let key = [3u8; 32];
        let nonce = [9u8; 16];
        let mut sealed = Vec::new();
        let s = encrypt(
            &mut &data[..],
            &mut sealed,
            cipher,
            &key,
            &nonce,
            &mut |_| {},
            "x",
        )
        .unwrap();
        assert_eq!(s.size, len as u64);
        let chunks = len.div_ceil(CHUNK).max(1);
        assert_eq!(
            sealed.len(),
            OBJECT_HEADER + len + chunks * TAG_LEN,
            "len {len}"
        );
        let mut back = Vec::new();
        let d = decrypt(
            &mut &sealed[..],
            &mut back,
            cipher,
            &key,
            &nonce,
            &mut |_| {},
            "x",
        )
        .unwrap();
        assert_eq!(back, data);
        assert_eq!(d, s);
    }

    #[test]
    fn boundaries_round_trip_for_both_ciphers() {
        for c in [Cipher::Aes256Gcm, Cipher::Camellia256Gcm] {
            for len in [
                0,
                1,
                CHUNK - 1,
                CHUNK,
                CHUNK + 1,
                2 * CHUNK,
                3 * CHUNK + 5,
                (3 << 20) + 17,
            ] {
                round_trip(c, len);
            }
        }
    }

    #[test]
    fn truncation_extension_and_reordering_fail() {
        let data = vec![5u8; 2 * CHUNK + 10];
        let key = [3u8; 32];
        let nonce = [9u8; 16];
        let mut sealed = Vec::new();
        encrypt(
            &mut &data[..],
            &mut sealed,
            Cipher::Aes256Gcm,
            &key,
            &nonce,
            &mut |_| {},
            "x",
        )
        .unwrap();
        let dec = |b: &[u8]| {
            decrypt(
                &mut &b[..],
                &mut Vec::new(),
                Cipher::Aes256Gcm,
                &key,
                &nonce,
                &mut |_| {},
                "x",
            )
        };
        assert!(dec(&sealed).is_ok());
        let one = OBJECT_HEADER + CHUNK + TAG_LEN;
        assert!(dec(&sealed[..one]).is_err(), "cut at a chunk boundary");
        assert!(dec(&sealed[..sealed.len() - 1]).is_err());
        let mut longer = sealed.clone();
        longer.push(0);
        assert!(dec(&longer).is_err());
        let mut swapped = sealed[..OBJECT_HEADER].to_vec();
        swapped.extend_from_slice(&sealed[one..2 * one - OBJECT_HEADER]);
        swapped.extend_from_slice(&sealed[OBJECT_HEADER..one]);
        swapped.extend_from_slice(&sealed[2 * one - OBJECT_HEADER..]);
        assert_eq!(swapped.len(), sealed.len());
        assert!(dec(&swapped).is_err());
        assert!(decrypt(
            &mut &sealed[..],
            &mut Vec::new(),
            Cipher::Aes256Gcm,
            &key,
            &[8u8; 16],
            &mut |_| {},
            "x"
        )
        .is_err());
    }
}
