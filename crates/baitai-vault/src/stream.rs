//! Objects: one file each, encrypted as STREAM in 64 KiB chunks (docs/format.md §6).
//!
//! Chunk i is sealed with nonce = i as an 11-byte big-endian counter ‖ a last-chunk flag byte,
//! as age does, so reordering, truncation and extension are all detected. Chunks are sealed and
//! opened in batches on every core (see `vault::pipeline`); the bytes are the same as one at a time.

use std::io::{Read, Write};
use std::sync::mpsc::{sync_channel, SyncSender};
use std::sync::Arc;

use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

use super::format::{OBJECT_MAGIC, VERSION};
use super::pipeline::{self, Pool};
use crate::msg::Msg;
use baitai_core::crypto::aead::{Keyed, TAG_LEN};
use baitai_core::crypto::Cipher;
use baitai_core::error::{Error, Result};
use baitai_core::text::Text;

/// Plaintext bytes per STREAM chunk; each sealed chunk is this plus the tag.
pub const CHUNK: usize = 64 * 1024;
/// Bytes before the first chunk of an object: magic, format version and the object's nonce.
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
    /// The plaintext's length in bytes.
    pub size: u64,
    /// The plaintext's SHA-256, which the manifest records and a read checks.
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

/// Chunks per unit of work handed to a thread: 1 MiB of plaintext.
const BATCH: usize = 16;

/// Plaintext chunks `first..` of an object; `last` when the final chunk is among them.
struct Plain {
    first: u64,
    data: Shared,
    last: bool,
}

/// A plaintext buffer read by two stages at once: the AEAD or the writer, and the hasher.
type Shared = Arc<Zeroizing<Vec<u8>>>;

/// Batches in flight per stream, whatever the file size: memory stays bounded.
fn in_flight(workers: usize) -> usize {
    2 * workers + 2
}

/// Run `f` with a channel to a thread that hashes the buffers sent to it, in order, and hands
/// each back to `pool` once nobody else holds it. Returns `f`'s result, the SHA-256 and the
/// number of bytes hashed.
fn hashed<R>(
    pool: &Pool,
    bound: usize,
    f: impl FnOnce(&SyncSender<Shared>) -> Result<R>,
) -> Result<(R, Streamed)> {
    let (tx, rx) = sync_channel::<Shared>(bound);
    std::thread::scope(|s| {
        let hasher = s.spawn(move || {
            let mut hash = Sha256::new();
            let mut size = 0u64;
            for buf in rx {
                hash.update(&buf[..]);
                size += buf.len() as u64;
                pool.give_shared(buf);
            }
            Streamed {
                size,
                sha256: hash.finalize().into(),
            }
        });
        let r = f(&tx);
        drop(tx);
        let joined = hasher.join();
        // The stream's own error says more than the hasher stopping because of it.
        let r = r?;
        let streamed = joined.map_err(|_| Error::Other(Msg::HashingFailed.into()))?;
        Ok((r, streamed))
    })
}

/// Sealed chunks `first..`, ready to write or to open.
struct Sealed {
    first: u64,
    data: Zeroizing<Vec<u8>>,
    last: bool,
}

/// Up to `len` bytes from `input`, in a buffer from `pool`.
fn read_batch(
    input: &mut impl Read,
    len: usize,
    pool: &Pool,
) -> std::io::Result<Zeroizing<Vec<u8>>> {
    let mut buf = pool.take_len(len);
    let n = fill(input, &mut buf)?;
    buf.truncate(n);
    Ok(buf)
}

/// How many plaintext bytes the first `sealed` bytes of an object hold (a chunk's bytes
/// count as they arrive, its tag adds none): what a bar shows for what is on the medium.
pub fn plain_in(sealed: u64) -> u64 {
    let body = sealed.saturating_sub(OBJECT_HEADER as u64);
    let (whole, part) = (body / SEALED as u64, body % SEALED as u64);
    whole * CHUNK as u64 + part.min(CHUNK as u64)
}

/// How many chunks `len` bytes make; an empty object is one empty chunk.
fn chunks_in(len: usize, chunk: usize) -> usize {
    len.div_ceil(chunk).max(1)
}

/// Encrypt everything `input` yields into `out`. `progress` is told each batch's size.
///
/// Reading, hashing and writing each run on a thread of their own and sealing on one thread
/// per core, with a few batches in flight, so memory stays bounded for any file size.
pub fn encrypt(
    input: &mut (impl Read + Send),
    out: &mut impl Write,
    cipher: Cipher,
    key: &[u8; 32],
    nonce: &[u8; 16],
    progress: &mut dyn FnMut(u64),
    source: &str,
) -> Result<Streamed> {
    let io_out = |e| Error::Io {
        context: Msg::IoWriteMedium.into(),
        source: e,
    };
    out.write_all(OBJECT_MAGIC).map_err(io_out)?;
    out.write_all(&VERSION.to_be_bytes()).map_err(io_out)?;
    out.write_all(nonce).map_err(io_out)?;
    let keyed = Keyed::new(cipher, key)?;
    let (plain_pool, sealed_pool) = (Pool::default(), Pool::default());
    let workers = pipeline::workers();
    let bound = in_flight(workers);
    let ((), streamed) = hashed(&plain_pool, bound, |hasher| {
        pipeline::ordered(
            workers,
            bound,
            plain_batches(input, &plain_pool, hasher.clone(), source),
            |p: Plain| seal_batch(&keyed, p, &plain_pool, &sealed_pool),
            |(sealed, plain_len): (Zeroizing<Vec<u8>>, u64)| {
                out.write_all(&sealed).map_err(io_out)?;
                sealed_pool.give(sealed);
                progress(plain_len);
                Ok(())
            },
        )
    })?;
    Ok(streamed)
}

/// The reader stage of `encrypt`: batches of plaintext, each also sent to the hasher. A batch
/// is marked last only once we know no byte follows it.
fn plain_batches<'a>(
    input: &'a mut (impl Read + Send),
    pool: &'a Pool,
    hasher: SyncSender<Shared>,
    source: &'a str,
) -> impl FnMut() -> Result<Option<Plain>> + Send + 'a {
    let io_in = move |e| Error::Io {
        context: Msg::IoRead {
            path: source.into(),
        }
        .into(),
        source: e,
    };
    let mut ahead: Option<Zeroizing<Vec<u8>>> = None;
    let mut counter = 0u64;
    let mut done = false;
    move || {
        if done {
            return Ok(None);
        }
        let data = match ahead.take() {
            Some(b) => b,
            None => read_batch(input, BATCH * CHUNK, pool).map_err(io_in)?,
        };
        let last = if data.len() < BATCH * CHUNK {
            true
        } else {
            let next = read_batch(input, BATCH * CHUNK, pool).map_err(io_in)?;
            if next.is_empty() {
                pool.give(next);
                true
            } else {
                ahead = Some(next);
                false
            }
        };
        done = last;
        let first = counter;
        counter += chunks_in(data.len(), CHUNK) as u64;
        let data = Arc::new(data);
        hasher
            .send(Arc::clone(&data))
            .map_err(|_| Error::Other(Msg::HashingStopped.into()))?;
        Ok(Some(Plain { first, data, last }))
    }
}

fn seal_batch(
    keyed: &Keyed,
    p: Plain,
    plain: &Pool,
    sealed: &Pool,
) -> Result<(Zeroizing<Vec<u8>>, u64)> {
    let n = chunks_in(p.data.len(), CHUNK);
    // Each chunk is sealed straight into its place in the batch's buffer.
    let mut out = sealed.take_len(p.data.len() + n * TAG_LEN);
    for j in 0..n {
        let part = &p.data[(j * CHUNK).min(p.data.len())..((j + 1) * CHUNK).min(p.data.len())];
        let last = p.last && j + 1 == n;
        let at = j * SEALED;
        let place = &mut out[at..at + part.len() + TAG_LEN];
        keyed.seal_to(&chunk_nonce(p.first + j as u64, last), &[], part, place)?;
    }
    let len = p.data.len() as u64;
    plain.give_shared(p.data);
    Ok((out, len))
}

/// Decrypt an object into `out`, authenticating every chunk; fails on any change, reordering,
/// truncation or trailing bytes. Nothing written to `out` may be trusted until this returns Ok.
pub fn decrypt(
    input: &mut (impl Read + Send),
    out: &mut impl Write,
    cipher: Cipher,
    key: &[u8; 32],
    expected_nonce: &[u8; 16],
    progress: &mut dyn FnMut(u64),
    name: &str,
) -> Result<Streamed> {
    let tampered = |why: Msg| Error::Vault(why.into());
    let nm = || Text::from(name);
    let io_out = |e| Error::Io {
        context: Msg::IoWrite { path: nm() }.into(),
        source: e,
    };
    let mut head = [0u8; OBJECT_HEADER];
    let got = fill(input, &mut head).map_err(|e| read_error(name, e))?;
    if got < 10 || &head[..8] != OBJECT_MAGIC {
        return Err(tampered(Msg::ObjectHeaderDamaged { name: nm() }));
    }
    // The version first, before anything whose layout a newer version might change (§6).
    // "newer format" as docs/format.md asks, but as damage (exit 5), not as a usage error:
    // this object is named by a version 1 manifest, which can only name version 1 objects (a
    // format that changed objects would have to change the manifest's version too, or version
    // 1 writers would carry such objects forward), and these two bytes are not authenticated.
    let version = u16::from_be_bytes([head[8], head[9]]);
    if version > VERSION {
        return Err(tampered(Msg::ObjectNewer {
            name: nm(),
            version: version.to_string().into(),
            max: VERSION.to_string().into(),
        }));
    }
    if version != VERSION {
        return Err(tampered(Msg::ObjectUnknownVersion {
            name: nm(),
            version: version.to_string().into(),
        }));
    }
    if got != OBJECT_HEADER {
        return Err(tampered(Msg::ObjectHeaderDamaged { name: nm() }));
    }
    if &head[10..26] != expected_nonce {
        return Err(tampered(Msg::ObjectSwapped { name: nm() }));
    }
    let keyed = Keyed::new(cipher, key)?;
    let (sealed_pool, plain_pool) = (Pool::default(), Pool::default());
    let workers = pipeline::workers();
    let bound = in_flight(workers);
    let ((), streamed) = hashed(&plain_pool, bound, |hasher| {
        pipeline::ordered(
            workers,
            bound,
            sealed_batches(input, &sealed_pool, name),
            |s: Sealed| open_batch(&keyed, s, &sealed_pool, &plain_pool, name),
            |plain: Zeroizing<Vec<u8>>| {
                let plain = Arc::new(plain);
                hasher
                    .send(Arc::clone(&plain))
                    .map_err(|_| Error::Other(Msg::HashingStopped.into()))?;
                out.write_all(&plain).map_err(io_out)?;
                progress(plain.len() as u64);
                plain_pool.give_shared(plain);
                Ok(())
            },
        )
    })?;
    Ok(streamed)
}

fn read_error(name: &str, e: std::io::Error) -> Error {
    Error::Io {
        context: Msg::IoReadObject { name: name.into() }.into(),
        source: e,
    }
}

const SEALED: usize = CHUNK + TAG_LEN;

/// The reader stage of `decrypt`: batches of sealed chunks, with one byte read ahead so the
/// last chunk is known (and opened with the last-chunk flag).
fn sealed_batches<'a>(
    input: &'a mut (impl Read + Send),
    pool: &'a Pool,
    name: &'a str,
) -> impl FnMut() -> Result<Option<Sealed>> + Send + 'a {
    let mut carry: Option<u8> = None;
    let mut counter = 0u64;
    let mut done = false;
    move || {
        if done {
            return Ok(None);
        }
        let mut data = pool.take_len(BATCH * SEALED + 1);
        let from = match carry.take() {
            Some(b) => {
                data[0] = b;
                1
            }
            None => 0,
        };
        let n = from + fill(input, &mut data[from..]).map_err(|e| read_error(name, e))?;
        let last = n <= BATCH * SEALED;
        if !last {
            carry = Some(data[BATCH * SEALED]);
        }
        data.truncate(n.min(BATCH * SEALED));
        done = last;
        let first = counter;
        counter += chunks_in(data.len(), SEALED) as u64;
        Ok(Some(Sealed { first, data, last }))
    }
}

fn open_batch(
    keyed: &Keyed,
    s: Sealed,
    sealed: &Pool,
    plains: &Pool,
    name: &str,
) -> Result<Zeroizing<Vec<u8>>> {
    let n = chunks_in(s.data.len(), SEALED);
    // Only the last chunk may be short, and no chunk shorter than its tag.
    let tail = s.data.len() - (n - 1) * SEALED;
    if tail < TAG_LEN {
        return Err(Error::Vault(
            Msg::ObjectTruncated { name: name.into() }.into(),
        ));
    }
    let mut plain = plains.take_len(s.data.len() - n * TAG_LEN);
    for j in 0..n {
        let part = &s.data[j * SEALED..((j + 1) * SEALED).min(s.data.len())];
        let counter = s.first + j as u64;
        let last = s.last && j + 1 == n;
        let at = j * CHUNK;
        keyed
            .open_to(
                &chunk_nonce(counter, last),
                &[],
                part,
                &mut plain[at..at + part.len() - TAG_LEN],
            )
            .map_err(|_| {
                Error::Vault(
                    Msg::ChunkAuth {
                        name: name.into(),
                        counter: counter.to_string().into(),
                    }
                    .into(),
                )
            })?;
    }
    sealed.give(s.data);
    Ok(plain)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plaintext_in_a_sealed_prefix() {
        let h = OBJECT_HEADER as u64;
        let (chunk, sealed) = (CHUNK as u64, SEALED as u64);
        assert_eq!(plain_in(0), 0);
        assert_eq!(plain_in(h), 0);
        assert_eq!(plain_in(h + 10), 10);
        assert_eq!(plain_in(h + chunk + 5), chunk, "a tag carries no plaintext");
        assert_eq!(plain_in(h + sealed), chunk);
        assert_eq!(plain_in(h + 3 * sealed + 7), 3 * chunk + 7);
    }

    /// The format's definition, chunk by chunk, without threads or batches.
    fn one_at_a_time(cipher: Cipher, key: &[u8; 32], nonce: &[u8; 16], data: &[u8]) -> Vec<u8> {
        let mut out = OBJECT_MAGIC.to_vec();
        out.extend_from_slice(&VERSION.to_be_bytes());
        out.extend_from_slice(nonce);
        let n = chunks_in(data.len(), CHUNK);
        for i in 0..n {
            let part = &data[(i * CHUNK).min(data.len())..((i + 1) * CHUNK).min(data.len())];
            let sealed = cipher
                .seal(key, &chunk_nonce(i as u64, i + 1 == n), &[], part)
                .unwrap();
            out.extend_from_slice(&sealed);
        }
        out
    }

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
        assert_eq!(
            sealed,
            one_at_a_time(cipher, &key, &nonce, &data),
            "len {len}"
        );
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
                BATCH * CHUNK - 1,
                BATCH * CHUNK,
                BATCH * CHUNK + 1,
                2 * BATCH * CHUNK,
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

    /// A source that fails after `ok` bytes, as a file on a failing disk would.
    struct Failing {
        ok: usize,
    }

    impl Read for Failing {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            if self.ok == 0 {
                return Err(std::io::Error::other("disk gone"));
            }
            let n = buf.len().min(self.ok);
            buf[..n].fill(1);
            self.ok -= n;
            Ok(n)
        }
    }

    #[test]
    fn a_read_error_mid_stream_stops_every_thread_and_is_reported() {
        for ok in [0, 10, BATCH * CHUNK, 5 * BATCH * CHUNK + 3] {
            let r = encrypt(
                &mut Failing { ok },
                &mut Vec::new(),
                Cipher::Aes256Gcm,
                &[1u8; 32],
                &[2u8; 16],
                &mut |_| {},
                "src",
            );
            match r {
                Err(Error::Io { context, .. }) => assert_eq!(context.to_string(), "read src"),
                other => panic!("after {ok} bytes: {other:?}"),
            }
        }
    }

    #[test]
    fn cut_at_a_batch_boundary_fails() {
        let data = vec![7u8; 2 * BATCH * CHUNK + 10];
        let (key, nonce) = ([3u8; 32], [9u8; 16]);
        let mut sealed = Vec::new();
        let c = Cipher::Camellia256Gcm;
        encrypt(
            &mut &data[..],
            &mut sealed,
            c,
            &key,
            &nonce,
            &mut |_| {},
            "x",
        )
        .unwrap();
        for cut in [
            OBJECT_HEADER + BATCH * SEALED,
            OBJECT_HEADER + 2 * BATCH * SEALED,
        ] {
            let mut out = Vec::new();
            let r = decrypt(
                &mut &sealed[..cut],
                &mut out,
                c,
                &key,
                &nonce,
                &mut |_| {},
                "x",
            );
            assert!(matches!(r, Err(Error::Vault(_))), "cut at {cut}: {r:?}");
        }
    }
}
