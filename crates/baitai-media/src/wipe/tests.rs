//! Wipe engine tests: passes and their read-back, a counterfeit-capacity device, mismatch
//! ranges, and the vault header sweep.

use std::io;
use std::sync::atomic::AtomicBool;

use super::*;
use crate::device::io::{CacheBypass, DeviceFile};

/// The largest body [`SHAPE`] accepts, as the vault's format has it.
const MAX_BODY: u64 = 1 << 20;

/// A header shaped like the vault's (magic, version, a big-endian body length, body, a 32-byte
/// MAC), written out here so that the sweep is tested without the vault crate.
const SHAPE: HeaderShape = HeaderShape {
    magic: b"BAITAIVH",
    span: |first| {
        let len: [u8; 4] = first.get(10..14)?.try_into().ok()?;
        Some(14 + u64::from(u32::from_be_bytes(len)).min(MAX_BODY) + 32)
    },
};

/// A counterfeit device: it claims `claimed` bytes but stores only `real`, so block `n` and
/// block `n + real` are the same physical block (how fake-capacity USB sticks behave).
struct Counterfeit<M: Medium> {
    inner: M,
    claimed: u64,
}

impl<M: Medium> Counterfeit<M> {
    fn split(&self, offset: u64, len: usize) -> Vec<(u64, usize, usize)> {
        let real = self.inner.len();
        let mut parts = Vec::new();
        let mut done = 0;
        while done < len {
            let at = (offset + done as u64) % real;
            let n = (len - done).min((real - at) as usize);
            parts.push((at, done, n));
            done += n;
        }
        parts
    }
}

impl<M: Medium> Medium for Counterfeit<M> {
    fn len(&self) -> u64 {
        self.claimed
    }
    fn write_at(&mut self, offset: u64, buf: &[u8]) -> io::Result<()> {
        for (at, from, n) in self.split(offset, buf.len()) {
            self.inner.write_at(at, &buf[from..from + n])?;
        }
        Ok(())
    }
    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
    fn read_at(&self, offset: u64, buf: &mut [u8]) -> io::Result<()> {
        for (at, from, n) in self.split(offset, buf.len()) {
            self.inner.read_at(at, &mut buf[from..from + n])?;
        }
        Ok(())
    }
    fn cache_bypass(&self) -> CacheBypass {
        self.inner.cache_bypass()
    }
}

fn image(len: usize, fill: u8) -> (tempfile::TempDir, std::path::PathBuf) {
    let d = tempfile::tempdir().unwrap();
    let p = d.path().join("m.img");
    let data: Vec<u8> = (0..len).map(|i| fill ^ (i % 251) as u8).collect();
    std::fs::write(&p, data).unwrap();
    (d, p)
}

fn noop(_: Phase, _: u64) {}

fn quiet<'a>(stop: &'a AtomicBool, progress: &'a mut dyn FnMut(Phase, u64)) -> Control<'a> {
    Control {
        stop,
        progress,
        after_write: None,
    }
}

#[test]
fn every_method_overwrites_and_verifies_an_image() {
    for method in [WipeMethod::Zero, WipeMethod::Random, WipeMethod::RandomZero] {
        // Not a multiple of the chunk or of the alignment: the tail is handled too.
        let (_d, p) = image(9 * (1 << 20) + 4096 + 700, 0x5A);
        let mut dev = DeviceFile::open_rw(&p).unwrap();
        let stop = AtomicBool::new(false);
        let mut np = noop;
        let mut ctl = quiet(&stop, &mut np);
        let pats = patterns(method);
        let out = run(&mut dev, &pats, &mut ctl);
        assert_eq!(out.halt, None, "{method:?}");
        assert_eq!(out.passes.len(), pats.len());
        let cap = dev.len();
        assert!(out.passes.iter().all(|p| p.verified(cap)), "{method:?}");
        let data = std::fs::read(&p).unwrap();
        assert_eq!(data.len() as u64, cap);
        let mut want = vec![0u8; data.len()];
        pats.last().unwrap().fill(0, &mut want);
        assert!(
            data == want,
            "{method:?}: the medium holds the last pattern"
        );
    }
}

#[test]
fn a_byte_planted_after_the_overwrite_fails_verification_at_its_offset() {
    let (_d, p) = image(6 << 20, 1);
    let mut dev = DeviceFile::open_rw(&p).unwrap();
    let stop = AtomicBool::new(false);
    let mut np = noop;
    let mut ctl = quiet(&stop, &mut np);
    const AT: u64 = 5_000_123;
    let mut plant = |m: &mut dyn Medium| {
        let a = ALIGN as u64;
        let block = AT / a * a;
        let mut buf = AlignedBuf::new(ALIGN);
        m.read_at(block, buf.as_mut_slice()).unwrap();
        buf.as_mut_slice()[(AT - block) as usize] ^= 0x42;
        m.write_at(block, buf.as_slice()).unwrap();
        m.flush().unwrap();
    };
    ctl.after_write = Some(&mut plant);
    for method in [WipeMethod::Zero, WipeMethod::Random] {
        let out = run(&mut dev, &patterns(method), &mut ctl);
        assert_eq!(out.halt, None);
        let pass = &out.passes[0];
        assert_eq!(pass.bytes_verified, 6 << 20);
        assert_eq!(pass.mismatched_sectors, 1, "{method:?}");
        assert_eq!(pass.mismatches, vec![ByteRange { offset: AT, len: 1 }]);
        assert!(!pass.verified(6 << 20));
    }
}

#[test]
fn a_counterfeit_capacity_device_fails_random_verification() {
    let (_d, p) = image(8 << 20, 3);
    let inner = DeviceFile::open_rw(&p).unwrap();
    // Claims 16 MiB, holds 8 MiB: the upper half aliases onto the lower.
    let mut fake = Counterfeit {
        inner,
        claimed: 16 << 20,
    };
    let stop = AtomicBool::new(false);
    let mut np = noop;
    let mut ctl = quiet(&stop, &mut np);
    let out = run(&mut fake, &patterns(WipeMethod::Random), &mut ctl);
    let pass = &out.passes[0];
    assert_eq!(pass.bytes_verified, 16 << 20);
    assert!(!pass.verified(16 << 20));
    // The lower half reads back what was written last: the upper half's stream.
    assert_eq!(pass.mismatched_sectors, (8 << 20) / 512);
    assert_eq!(pass.mismatches[0].offset, 0);
    // Zeros cannot tell the halves apart: this is why `random` exists.
    let out = run(&mut fake, &patterns(WipeMethod::Zero), &mut ctl);
    assert!(out.passes[0].verified(16 << 20));
}

#[test]
fn the_stop_flag_halts_between_chunks() {
    let (_d, p) = image(12 << 20, 9);
    let mut dev = DeviceFile::open_rw(&p).unwrap();
    let stop = AtomicBool::new(false);
    let mut progress = |ph: Phase, done: u64| {
        if ph.step == Step::Write && done >= CHUNK as u64 {
            stop.store(true, std::sync::atomic::Ordering::Relaxed);
        }
    };
    let mut ctl = Control {
        stop: &stop,
        progress: &mut progress,
        after_write: None,
    };
    let out = run(&mut dev, &patterns(WipeMethod::Zero), &mut ctl);
    assert_eq!(out.halt, Some(Halt::Interrupted));
    let pass = &out.passes[0];
    assert!(pass.bytes_written < 12 << 20 && pass.bytes_verified == 0);
}

#[test]
fn sweep_destroys_vault_headers_on_the_raw_medium() {
    let (_d, p) = image(3 << 20, 0);
    let mut raw = std::fs::read(&p).unwrap();
    let at = (1 << 20) + 8 * 512;
    let mut hdr = b"BAITAIVH\x00\x01\x00\x00\x00\x10".to_vec();
    hdr.extend([b'{'; 16]);
    hdr.extend([7u8; 32]);
    raw[at..at + hdr.len()].copy_from_slice(&hdr);
    std::fs::write(&p, &raw).unwrap();
    let mut dev = DeviceFile::open_rw(&p).unwrap();
    let stop = AtomicBool::new(false);
    let mut np = noop;
    let mut ctl = quiet(&stop, &mut np);
    assert_eq!(sweep_headers(&mut dev, &SHAPE, &mut ctl), Ok(1));
    let after = std::fs::read(&p).unwrap();
    assert_ne!(&after[at..at + hdr.len()], &hdr[..]);
    assert_eq!(
        &after[..1 << 20],
        &raw[..1 << 20],
        "nothing outside the header's blocks"
    );
    assert_eq!(sweep_headers(&mut dev, &SHAPE, &mut ctl), Ok(0));
}

#[test]
fn neighbouring_bad_sectors_merge_into_one_range() {
    let mut m = Mismatches::default();
    let want = vec![0u8; 4 * SECTOR];
    let mut got = want.clone();
    got[SECTOR + 10] = 1;
    got[2 * SECTOR + 3] = 1;
    got[3 * SECTOR + 500] = 1;
    m.compare(1 << 20, &got, &want);
    assert_eq!(m.sectors, 3);
    let base = 1 << 20;
    assert_eq!(
        m.ranges,
        vec![ByteRange {
            offset: base + SECTOR as u64 + 10,
            len: (2 * SECTOR + 500 - 10 + 1) as u64
        }]
    );
}

#[test]
fn past_the_range_limit_only_the_count_grows() {
    let mut m = Mismatches::default();
    let n = WipePass::MAX_RANGES + 3;
    // Every other sector bad, then a run of neighbours past the limit.
    let want = vec![0u8; (2 * n + 4) * SECTOR];
    let mut got = want.clone();
    for i in 0..n {
        got[2 * i * SECTOR] = 1;
    }
    got[(2 * n + 1) * SECTOR] = 1;
    got[(2 * n + 2) * SECTOR] = 1;
    m.compare(0, &got, &want);
    assert_eq!(m.sectors as usize, n + 2);
    assert_eq!(m.ranges.len(), WipePass::MAX_RANGES);
    assert!(m.ranges.iter().all(|r| r.len == 1), "{:?}", m.ranges);
}

/// A medium in memory that counts what is written to it.
struct Ram {
    bytes: Vec<u8>,
    written: u64,
}

impl Medium for Ram {
    fn len(&self) -> u64 {
        self.bytes.len() as u64
    }
    fn write_at(&mut self, offset: u64, buf: &[u8]) -> io::Result<()> {
        let at = offset as usize;
        self.bytes[at..at + buf.len()].copy_from_slice(buf);
        self.written += buf.len() as u64;
        Ok(())
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
    fn read_at(&self, offset: u64, buf: &mut [u8]) -> io::Result<()> {
        let at = offset as usize;
        buf.copy_from_slice(&self.bytes[at..at + buf.len()]);
        Ok(())
    }
    fn cache_bypass(&self) -> CacheBypass {
        CacheBypass::FadviseDontneed
    }
}

#[test]
fn a_medium_full_of_header_magic_is_swept_in_one_pass() {
    // Every sector claims to start a header with a 1 MiB body: covering each one separately
    // would write 8192 MiB to this 4 MiB medium, uninterruptibly.
    let mut bytes = vec![0u8; 4 << 20];
    for sector in bytes.chunks_mut(SECTOR) {
        sector[..8].copy_from_slice(b"BAITAIVH");
        sector[8..14].copy_from_slice(&[0, 1, 0xff, 0xff, 0xff, 0xff]);
    }
    let mut dev = Ram { bytes, written: 0 };
    let stop = AtomicBool::new(false);
    let mut np = noop;
    let mut ctl = quiet(&stop, &mut np);
    assert_eq!(sweep_headers(&mut dev, &SHAPE, &mut ctl), Ok(8192));
    assert_eq!(dev.written, 4 << 20, "each byte written once");
    assert!(dev.bytes.chunks(SECTOR).all(|s| &s[..8] != b"BAITAIVH"));
}

#[test]
fn fuzz_header_sweep() {
    use proptest::collection::vec;
    use proptest::prelude::*;
    // Sectors of a small medium: plain bytes, or the magic with any body length after it.
    let sector = prop_oneof![
        2 => (any::<u8>(), any::<u64>()).prop_map(|(fill, seed)| (fill, seed, None)),
        1 => (any::<u8>(), any::<u64>(), prop_oneof![any::<u32>(), 0u32..5000, Just(u32::MAX)])
            .prop_map(|(fill, seed, len)| (fill, seed, Some(len))),
    ];
    let input = vec(sector, 1..40);
    crate::fuzz::run("header_sweep", 4, input, |sectors| {
        let mut bytes = Vec::new();
        let mut headers = Vec::new();
        for (i, (fill, seed, claim)) in sectors.iter().enumerate() {
            let mut s = vec![*fill; SECTOR];
            s[..8].copy_from_slice(&seed.to_be_bytes());
            if let Some(len) = claim {
                s[..8].copy_from_slice(b"BAITAIVH");
                s[10..14].copy_from_slice(&len.to_be_bytes());
                let len = 14 + u64::from(*len).min(MAX_BODY) + 32;
                headers.push(((i * SECTOR) as u64, len));
            }
            bytes.extend_from_slice(&s);
        }
        let original = bytes.clone();
        let total = bytes.len() as u64;
        let mut dev = Ram { bytes, written: 0 };
        let stop = AtomicBool::new(false);
        let mut np = noop;
        let mut ctl = quiet(&stop, &mut np);
        let found = sweep_headers(&mut dev, &SHAPE, &mut ctl);
        prop_assert_eq!(found, Ok(headers.len() as u64));
        prop_assert!(
            dev.written <= total,
            "{} bytes written to {}",
            dev.written,
            total
        );
        let a = ALIGN as u64;
        let covered = |at: u64| {
            headers
                .iter()
                .any(|(h, len)| at >= h / a * a && at < (h + len).div_ceil(a) * a)
        };
        for (i, (before, after)) in original.iter().zip(&dev.bytes).enumerate() {
            if !covered(i as u64) {
                prop_assert_eq!(before, after, "byte {} outside every header's blocks", i);
            }
        }
        for (h, _) in &headers {
            let h = *h as usize;
            prop_assert!(
                &dev.bytes[h..h + 8] != b"BAITAIVH",
                "header at {} survived",
                h
            );
        }
        Ok(())
    });
}

/// A medium with one bad spot: any write or read that covers `bad` fails with EIO.
struct BadSpot {
    ram: Ram,
    bad: u64,
    on_write: bool,
}

impl BadSpot {
    fn covers(&self, offset: u64, len: usize) -> bool {
        offset <= self.bad && self.bad < offset + len as u64
    }
}

impl Medium for BadSpot {
    fn len(&self) -> u64 {
        self.ram.len()
    }
    fn write_at(&mut self, offset: u64, buf: &[u8]) -> io::Result<()> {
        if self.on_write && self.covers(offset, buf.len()) {
            return Err(io::Error::from_raw_os_error(5));
        }
        self.ram.write_at(offset, buf)
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
    fn read_at(&self, offset: u64, buf: &mut [u8]) -> io::Result<()> {
        if !self.on_write && self.covers(offset, buf.len()) {
            return Err(io::Error::from_raw_os_error(5));
        }
        self.ram.read_at(offset, buf)
    }
    fn cache_bypass(&self) -> CacheBypass {
        CacheBypass::FadviseDontneed
    }
}

#[test]
fn an_io_error_is_recorded_at_its_place_not_its_chunk() {
    // 5 MiB + 100 KiB into a 12 MiB medium: inside the first 8 MiB chunk, in the 64 KiB piece
    // that starts at 5 MiB + 64 KiB.
    let bad = (5 << 20) + (100 << 10);
    let piece = (5 << 20) + (64 << 10);
    for on_write in [true, false] {
        let ram = Ram {
            bytes: vec![0u8; 12 << 20],
            written: 0,
        };
        let mut dev = BadSpot { ram, bad, on_write };
        let stop = AtomicBool::new(false);
        let mut np = noop;
        let mut ctl = quiet(&stop, &mut np);
        let out = run(&mut dev, &patterns(WipeMethod::Zero), &mut ctl);
        let what = if on_write { "write" } else { "read" };
        match out.halt {
            Some(Halt::Io(msg)) => assert!(
                msg.starts_with(&format!("{what} error at byte {piece}:")),
                "{msg}"
            ),
            other => panic!("{other:?}"),
        }
    }
}
