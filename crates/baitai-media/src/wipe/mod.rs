//! The wipe engine: overwrite every byte of a medium, flush, then read every byte back from the
//! device itself and compare, so the result proves what the medium now holds.
//!
//! Pattern generation and comparison run on a second thread while the first does the I/O, so
//! the device, not the CPU, sets the pace.

pub mod pattern;

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{channel, sync_channel, Receiver, Sender};
use std::time::Instant;

use crate::device::io::{AlignedBuf, Medium, ALIGN};
use baitai_core::model::{ByteRange, PatternKind, WipeMethod, WipePass};
pub use pattern::{Pattern, Seed};

/// Bytes per I/O: large aligned writes keep a USB stick's controller busy.
pub const CHUNK: usize = 8 << 20;
/// Buffers in flight between the I/O thread and the pattern thread.
const DEPTH: usize = 4;
const SECTOR: usize = 512;

/// The passes a method makes, each with its own pattern.
pub fn patterns(method: WipeMethod) -> Vec<Pattern> {
    method
        .passes()
        .iter()
        .map(|k| match k {
            PatternKind::Zero => Pattern::Zero,
            PatternKind::Random => Pattern::Random(Seed::random()),
        })
        .collect()
}

/// What the engine is doing, for a progress bar.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// Looking for vault headers to destroy before the overwrite.
    Sweep,
    /// Writing a pass's pattern over the whole medium.
    Write,
    /// Reading the pass back from the device and comparing it with the pattern.
    Verify,
}

/// Where the engine is, reported with the bytes done so far.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Phase {
    /// Sweeping, writing or verifying.
    pub step: Step,
    /// 1-based pass number (0 for the sweep).
    pub pass: usize,
    /// How many passes the method makes (0 for the sweep).
    pub passes: usize,
    /// The medium's size: the bytes a step covers when it finishes.
    pub total: u64,
}

/// A hook run between a pass's write and its read-back.
pub type AfterWrite = dyn FnMut(&mut dyn Medium);

/// How the caller steers a wipe: a stop flag (Ctrl-C), progress, and a hook for tests.
pub struct Control<'a> {
    /// Set (by a signal handler) to stop between chunks; the outcome then says `Interrupted`.
    pub stop: &'a AtomicBool,
    /// Called with the phase and the bytes done so far, after each chunk.
    pub progress: &'a mut dyn FnMut(Phase, u64),
    /// Called between a pass's write and its read-back (tests plant bytes here).
    pub after_write: Option<&'a mut AfterWrite>,
}

/// Why the engine stopped before finishing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Halt {
    /// The stop flag was set.
    Interrupted,
    /// A write, flush or read failed; the message says which, and at which byte.
    Io(String),
}

impl Halt {
    /// Why the wipe stopped, in words for the record's `reason`.
    pub fn describe(&self) -> String {
        match self {
            Halt::Interrupted => "interrupted by the operator".into(),
            Halt::Io(e) => e.clone(),
        }
    }
}

/// Everything the passes did. `halt` is set when they did not all finish.
#[derive(Debug, Clone)]
pub struct Outcome {
    /// Each pass begun, with what it wrote and what its read-back found.
    pub passes: Vec<WipePass>,
    /// Why the passes stopped early, if they did.
    pub halt: Option<Halt>,
}

/// Run every pass: write, flush, read back. Stops at the first halt; a failed read-back does
/// not stop the remaining passes, so the record shows everything.
pub fn run(dev: &mut dyn Medium, patterns: &[Pattern], ctl: &mut Control) -> Outcome {
    let mut out = Outcome {
        passes: Vec::new(),
        halt: None,
    };
    let total = dev.len();
    for (i, p) in patterns.iter().enumerate() {
        let mut rec = WipePass::new(p.kind(), p.seed().map(Seed::to_hex));
        let phase = |step| Phase {
            step,
            pass: i + 1,
            passes: patterns.len(),
            total,
        };
        let halt = write_pass(dev, *p, &mut rec, ctl, phase(Step::Write))
            .and_then(|()| {
                if let Some(hook) = ctl.after_write.as_mut() {
                    hook(dev);
                }
                verify_pass(dev, *p, &mut rec, ctl, phase(Step::Verify))
            })
            .err();
        out.passes.push(rec);
        if halt.is_some() {
            out.halt = halt;
            break;
        }
    }
    out
}

fn io_halt(what: &str, offset: u64, e: std::io::Error) -> Halt {
    Halt::Io(format!("{what} error at byte {offset}: {e}"))
}

/// The pattern thread stopped early (it panicked): nothing after that point was checked.
fn worker_died() -> Halt {
    Halt::Io("internal error: the pattern thread stopped".into())
}

fn check_stop(ctl: &Control) -> Result<(), Halt> {
    match ctl.stop.load(Ordering::Relaxed) {
        true => Err(Halt::Interrupted),
        false => Ok(()),
    }
}

/// A pool of aligned buffers shared by the two threads.
fn pool(chunk: usize) -> (Sender<AlignedBuf>, Receiver<AlignedBuf>) {
    let (tx, rx) = channel();
    for _ in 0..DEPTH {
        let _ = tx.send(AlignedBuf::new(chunk));
    }
    (tx, rx)
}

struct Block {
    offset: u64,
    len: usize,
    buf: AlignedBuf,
}

fn write_pass(
    dev: &mut dyn Medium,
    pattern: Pattern,
    rec: &mut WipePass,
    ctl: &mut Control,
    phase: Phase,
) -> Result<(), Halt> {
    let started = Instant::now();
    let total = dev.len();
    // The phase starts now, not when its first chunk is written: a bar times its rate from here.
    (ctl.progress)(phase, 0);
    let (free_tx, free_rx) = pool(CHUNK);
    let (full_tx, full_rx) = sync_channel::<Block>(DEPTH);
    let result = std::thread::scope(|s| {
        s.spawn(move || {
            let mut offset = 0;
            while offset < total {
                let Ok(mut buf) = free_rx.recv() else { return };
                let len = (total - offset).min(CHUNK as u64) as usize;
                pattern.fill(offset, &mut buf.as_mut_slice()[..len]);
                if full_tx.send(Block { offset, len, buf }).is_err() {
                    return;
                }
                offset += len as u64;
            }
        });
        let free_tx = free_tx;
        for b in full_rx {
            check_stop(ctl)?;
            let data = &b.buf.as_slice()[..b.len];
            if let Err(e) = dev.write_at(b.offset, data) {
                return Err(io_halt("write", pinpoint_write(dev, b.offset, data), e));
            }
            rec.bytes_written += b.len as u64;
            (ctl.progress)(phase, rec.bytes_written);
            let _ = free_tx.send(b.buf);
        }
        if rec.bytes_written < total {
            return Err(worker_died());
        }
        dev.flush()
            .map_err(|e| io_halt("flush", rec.bytes_written, e))
    });
    rec.write_ms = started.elapsed().as_millis() as u64;
    result
}

fn verify_pass(
    dev: &mut dyn Medium,
    pattern: Pattern,
    rec: &mut WipePass,
    ctl: &mut Control,
    phase: Phase,
) -> Result<(), Halt> {
    let started = Instant::now();
    let (free_tx, free_rx) = pool(CHUNK);
    let (full_tx, full_rx) = sync_channel::<Block>(DEPTH);
    let (result, found) = std::thread::scope(|s| {
        let checker = s.spawn(move || {
            let mut found = Mismatches::default();
            let mut expected = vec![0u8; CHUNK];
            for b in full_rx {
                let want = &mut expected[..b.len];
                pattern.fill(b.offset, want);
                found.compare(b.offset, &b.buf.as_slice()[..b.len], want);
                let _ = free_tx.send(b.buf);
            }
            found
        });
        let result = read_all(dev, ctl, phase, &free_rx, full_tx, &mut rec.bytes_verified);
        match checker.join() {
            Ok(found) => (result, found),
            Err(_) => (Err(worker_died()), Mismatches::default()),
        }
    });
    rec.mismatched_sectors = found.sectors;
    rec.mismatches = found.ranges;
    rec.verify_ms = started.elapsed().as_millis() as u64;
    result
}

/// Read the whole medium in order, handing each block to `to`.
fn read_all(
    dev: &mut dyn Medium,
    ctl: &mut Control,
    phase: Phase,
    free: &Receiver<AlignedBuf>,
    to: std::sync::mpsc::SyncSender<Block>,
    done: &mut u64,
) -> Result<(), Halt> {
    let total = dev.len();
    let mut offset = 0;
    // The phase starts now, not when its first chunk is done: a bar times its rate from here.
    (ctl.progress)(phase, 0);
    while offset < total {
        check_stop(ctl)?;
        let Ok(mut buf) = free.recv() else {
            return Err(worker_died());
        };
        let len = (total - offset).min(CHUNK as u64) as usize;
        read_two(dev, offset, &mut buf.as_mut_slice()[..len])?;
        if to.send(Block { offset, len, buf }).is_err() {
            return Err(worker_died());
        }
        offset += len as u64;
        *done = offset;
        (ctl.progress)(phase, offset);
    }
    Ok(())
}

/// Read `buf` at `offset` as two halves at once: two requests in flight keep a disk or a USB
/// bridge busier than one (the halves split on a direct-I/O boundary).
fn read_two(dev: &dyn Medium, offset: u64, buf: &mut [u8]) -> Result<(), Halt> {
    let half = (buf.len() / 2) / crate::device::io::ALIGN * crate::device::io::ALIGN;
    if half == 0 {
        return dev
            .read_at(offset, buf)
            .map_err(|e| io_halt("read", offset, e));
    }
    let buf_len = buf.len();
    let (a, b) = buf.split_at_mut(half);
    let second = offset + half as u64;
    let (ra, rb) = std::thread::scope(|s| {
        let h = s.spawn(|| dev.read_at(second, b));
        let ra = dev.read_at(offset, a);
        (ra, h.join())
    });
    ra.map_err(|e| io_halt("read", pinpoint_read(dev, offset, half), e))?;
    match rb {
        Ok(r) => r.map_err(|e| io_halt("read", pinpoint_read(dev, second, buf_len - half), e)),
        Err(_) => Err(worker_died()),
    }
}

/// How finely a failed chunk is tried again to find where the error is.
const PINPOINT: usize = 64 << 10;

/// Where in `buf`'s span at `offset` a write error recurs: the start of the first 64 KiB piece
/// that fails when written again, so the record names the failing place and not only its
/// 8 MiB chunk. `offset` when every piece succeeds on the retry. Writing the same pattern
/// again changes nothing the wipe has not already written.
fn pinpoint_write(dev: &mut dyn Medium, offset: u64, buf: &[u8]) -> u64 {
    for (i, piece) in buf.chunks(PINPOINT).enumerate() {
        let at = offset + (i * PINPOINT) as u64;
        if dev.write_at(at, piece).is_err() {
            return at;
        }
    }
    offset
}

/// Where in `len` bytes at `offset` a read error recurs, as [`pinpoint_write`] does for writes.
pub(crate) fn pinpoint_read(dev: &dyn Medium, offset: u64, len: usize) -> u64 {
    let mut buf = crate::device::io::AlignedBuf::new(PINPOINT);
    let mut done = 0;
    while done < len {
        let n = PINPOINT.min(len - done);
        let at = offset + done as u64;
        if dev.read_at(at, &mut buf.as_mut_slice()[..n]).is_err() {
            return at;
        }
        done += n;
    }
    offset
}

/// Mismatching sectors, merged into byte-exact ranges.
#[derive(Debug, Default)]
struct Mismatches {
    sectors: u64,
    ranges: Vec<ByteRange>,
    /// End of the last mismatching sector, to merge neighbours into one range.
    last_sector_end: Option<u64>,
}

impl Mismatches {
    fn compare(&mut self, offset: u64, got: &[u8], want: &[u8]) {
        if got == want {
            return;
        }
        for (i, (g, w)) in got.chunks(SECTOR).zip(want.chunks(SECTOR)).enumerate() {
            if g != w {
                self.sector(offset + (i * SECTOR) as u64, g, w);
            }
        }
    }

    fn sector(&mut self, at: u64, got: &[u8], want: &[u8]) {
        self.sectors += 1;
        let differs = |(g, w): (&u8, &u8)| g != w;
        let first = got.iter().zip(want).position(differs).unwrap_or(0) as u64;
        let last = got.iter().zip(want).rposition(differs).unwrap_or(0) as u64;
        let (start, end) = (at + first, at + last + 1);
        let merge = self.last_sector_end == Some(at);
        let full = self.ranges.len() >= WipePass::MAX_RANGES;
        match self.ranges.last_mut() {
            Some(r) if merge => r.len = end - r.offset,
            _ if !full => self.ranges.push(ByteRange {
                offset: start,
                len: end - start,
            }),
            // Past the limit only the count grows; no range may stretch over good sectors.
            _ => {
                self.last_sector_end = None;
                return;
            }
        }
        self.last_sector_end = Some(at + got.len() as u64);
    }
}

/// What the sweep needs of a header format, given by the caller that knows the format (the
/// vault's): this crate recognises and sizes headers only through it.
#[derive(Debug, Clone, Copy)]
pub struct HeaderShape<'a> {
    /// The bytes every header starts with; the sweep looks for them at each sector start.
    pub magic: &'a [u8],
    /// How many bytes the header starting with this sector reaches, at most the format's
    /// largest header; None when the sector is too short to tell (it is then not counted).
    pub span: fn(&[u8]) -> Option<u64>,
}

/// Find headers of `shape` on the raw medium (at sector starts) and overwrite the aligned
/// blocks holding them with random bytes, so no key slot survives an interrupted wipe.
/// Returns how many were found.
pub fn sweep_headers(
    dev: &mut dyn Medium,
    shape: &HeaderShape,
    ctl: &mut Control,
) -> Result<u64, Halt> {
    let phase = Phase {
        step: Step::Sweep,
        pass: 0,
        passes: 0,
        total: dev.len(),
    };
    let (free_tx, free_rx) = pool(CHUNK);
    let (full_tx, full_rx) = sync_channel::<Block>(DEPTH);
    let shape = *shape;
    let total = dev.len();
    let (result, found) = std::thread::scope(|s| {
        let finder = s.spawn(move || {
            let mut found = Found::default();
            for b in full_rx {
                for (i, sec) in b.buf.as_slice()[..b.len].chunks(SECTOR).enumerate() {
                    if !sec.starts_with(shape.magic) {
                        continue;
                    }
                    if let Some(len) = (shape.span)(sec) {
                        found.add(b.offset + (i * SECTOR) as u64, len, total);
                    }
                }
                let _ = free_tx.send(b.buf);
            }
            found
        });
        let mut done = 0;
        let result = read_all(dev, ctl, phase, &free_rx, full_tx, &mut done);
        match finder.join() {
            Ok(found) => (result, found),
            Err(_) => (Err(worker_died()), Found::default()),
        }
    });
    result?;
    for &(start, end) in &found.blocks {
        overwrite_random(dev, start, end, ctl)?;
    }
    dev.flush().map_err(|e| io_halt("flush", 0, e))?;
    Ok(found.headers)
}

/// Headers found by the sweep, and the aligned blocks that cover them.
///
/// The medium decides how many sectors start with the magic: every one of them could, each
/// claiming a 1 MiB body. So the blocks of overlapping or touching headers are merged as they
/// are found (in increasing order), and past [`Found::MAX_RANGES`] ranges each new header
/// extends the last range instead. The overwrite then writes each byte of the medium at most
/// once, and the list stays small, whatever the medium holds.
#[derive(Debug, Default)]
struct Found {
    headers: u64,
    blocks: Vec<(u64, u64)>,
}

impl Found {
    const MAX_RANGES: usize = 4096;

    fn add(&mut self, at: u64, len: u64, total: u64) {
        self.headers += 1;
        let a = ALIGN as u64;
        let start = at / a * a;
        let end = at
            .saturating_add(len)
            .div_ceil(a)
            .saturating_mul(a)
            .min(total);
        let full = self.blocks.len() >= Self::MAX_RANGES;
        match self.blocks.last_mut() {
            Some(last) if start <= last.1 || full => {
                last.1 = last.1.max(end);
            }
            _ => self.blocks.push((start, end)),
        }
    }
}

/// Overwrite `[start, end)` with random bytes, a chunk at a time (a merged range may span the
/// whole medium), stopping between chunks when asked.
fn overwrite_random(dev: &mut dyn Medium, start: u64, end: u64, ctl: &Control) -> Result<(), Halt> {
    if end <= start {
        return Ok(());
    }
    let pattern = Pattern::Random(Seed::random());
    let mut buf = AlignedBuf::new((end - start).min(CHUNK as u64) as usize);
    let mut at = start;
    while at < end {
        check_stop(ctl)?;
        let n = (end - at).min(buf.len() as u64) as usize;
        pattern.fill(at, &mut buf.as_mut_slice()[..n]);
        dev.write_at(at, &buf.as_slice()[..n])
            .map_err(|e| io_halt("write", at, e))?;
        at += n as u64;
    }
    Ok(())
}

#[cfg(test)]
mod tests;
