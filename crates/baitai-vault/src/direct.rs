//! Reading and writing whole files past the page cache: aligned blocks with `O_DIRECT`, an
//! unaligned tail through the page cache, and plain I/O wherever the file system refuses.
//!
//! Why: a buffered write of a large file to a USB stick fills memory with dirty pages, the
//! progress bar races to 100 % and the final `fsync` then stalls for minutes; and copying every
//! byte through fresh page-cache pages costs more CPU than the AEAD does. Direct I/O moves the
//! bytes between the device and our buffers, so progress is the device's and the page cache
//! (and whatever else it holds) is left alone. Files here are written once, start to end, so
//! the cache would gain nothing. A file being read is another matter when it is already in the
//! page cache (a document just saved, an object just written): reading it from the device
//! again would double the disk's work, so each block of it that is cached is read from the
//! cache, and only the rest directly. Helper threads keep the next block's read, or the last
//! two blocks' writes, in flight while the caller works.
//!
//! On Windows every block goes through the system cache (direct I/O would need the file opened
//! with FILE_FLAG_NO_BUFFERING and sector-aligned sizes): the threads and blocks are the same.

use std::fs::File;
use std::io::{self, Read, Write};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{channel, sync_channel, Receiver, Sender, SyncSender};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;

#[cfg(unix)]
use rustix::fs::{fcntl_getfl, fcntl_setfl, OFlags};
#[cfg(unix)]
use rustix::io::Errno;

use baitai_core::files::{AlignedBuf, ALIGN};

/// Bytes per direct request: few, long requests keep a disk or a stick busy. A smaller file
/// gets a block its own size, so that many small files cost no more than they did buffered.
const BLOCK: usize = 4 << 20;

/// A buffer for one block of a file of about `size` bytes.
fn block_buf(size: u64) -> AlignedBuf {
    AlignedBuf::new(size.clamp(1, BLOCK as u64) as usize)
}

/// Writes in flight at once. A second outstanding request lets the device start the next
/// block while the first completes (a third gained nothing on a virtio disk or a USB SSD).
const WRITES: usize = 2;

/// Blocks read ahead of the one being handed out.
const READS_AHEAD: usize = 1;

/// A block to write at `at`: the first `len` bytes of `buf`.
struct Job {
    at: u64,
    buf: AlignedBuf,
    len: usize,
}

/// A writer for a new, empty file. Call [`Write::flush`] when done (it waits for the blocks in
/// flight, writes the tail and turns direct I/O off), then `sync_all` the file as usual;
/// dropping without a flush abandons what is not yet written. Buffers zeroize on drop.
pub struct DirectWriter {
    file: File,
    /// The size of every buffer: [`BLOCK`], or less for a small file.
    block: usize,
    cur: Option<AlignedBuf>,
    filled: usize,
    /// Where `cur` starts in the file.
    at: u64,
    free: Vec<AlignedBuf>,
    made: usize,
    in_flight: usize,
    jobs: Option<SyncSender<Job>>,
    job_rx: Arc<Mutex<Receiver<Job>>>,
    done_tx: Sender<io::Result<AlignedBuf>>,
    done: Receiver<io::Result<AlignedBuf>>,
    /// Started with the first whole block: a file smaller than one needs none.
    workers: Vec<JoinHandle<()>>,
    landed: Landed,
}

/// How many bytes a [`DirectWriter`]'s completed writes have put in the file so far: what a
/// progress bar shows, since bytes merely handed to the writer may still be on their way to a
/// slow stick (up to three blocks). Where direct I/O is refused (and on Windows) a completed
/// write is one the page cache took, so there it counts what the system has, not the device.
#[derive(Clone, Default)]
pub struct Landed(Arc<AtomicU64>);

impl Landed {
    /// The bytes of the writes completed so far (the two write threads may complete blocks
    /// out of order, so this is a sum, not the end of a prefix).
    pub fn bytes(&self) -> u64 {
        self.0.load(Ordering::Relaxed)
    }

    fn add(&self, n: usize) {
        self.0.fetch_add(n as u64, Ordering::Relaxed);
    }
}

impl DirectWriter {
    /// `file` must be empty; about `size` bytes will be written. Where the file system refuses
    /// direct I/O, blocks are written through the page cache instead.
    pub fn new(file: &File, size: u64) -> io::Result<DirectWriter> {
        let own = file.try_clone()?;
        let _ = set_direct(&own, true);
        let (jobs, job_rx) = sync_channel::<Job>(WRITES);
        let (done_tx, done) = channel();
        let cur = block_buf(size);
        Ok(DirectWriter {
            file: own,
            block: cur.len(),
            cur: Some(cur),
            filled: 0,
            at: 0,
            free: Vec::new(),
            made: 1,
            in_flight: 0,
            jobs: Some(jobs),
            job_rx: Arc::new(Mutex::new(job_rx)),
            done_tx,
            done,
            workers: Vec::with_capacity(WRITES),
            landed: Landed::default(),
        })
    }

    /// A counter of the bytes this writer's completed writes have put in the file.
    pub fn landed(&self) -> Landed {
        self.landed.clone()
    }

    fn start_workers(&mut self) -> io::Result<()> {
        for _ in 0..WRITES {
            let file = self.file.try_clone()?;
            let (job_rx, done_tx) = (Arc::clone(&self.job_rx), self.done_tx.clone());
            let landed = self.landed.clone();
            self.workers.push(std::thread::spawn(move || {
                write_jobs(&file, &job_rx, &done_tx, &landed)
            }));
        }
        Ok(())
    }

    /// Whether whole blocks currently bypass the page cache.
    #[cfg(all(test, unix))]
    pub fn is_direct(&self) -> bool {
        is_direct(&self.file)
    }

    /// Hand the full block to a worker and carry on in another buffer.
    fn send_block(&mut self) -> io::Result<()> {
        if self.workers.is_empty() {
            self.start_workers()?;
        }
        let buf = self.cur.take().ok_or_else(stopped)?;
        let job = Job {
            at: self.at,
            buf,
            len: self.filled,
        };
        self.jobs
            .as_ref()
            .ok_or_else(stopped)?
            .send(job)
            .map_err(|_| stopped())?;
        self.in_flight += 1;
        self.at += self.filled as u64;
        self.filled = 0;
        self.cur = Some(self.next_buf()?);
        Ok(())
    }

    /// A free buffer: one returned, a new one while fewer than one per write in flight plus
    /// one exist, or else the next to come back from a worker.
    fn next_buf(&mut self) -> io::Result<AlignedBuf> {
        if let Some(b) = self.free.pop() {
            return Ok(b);
        }
        if self.made <= WRITES {
            self.made += 1;
            return Ok(AlignedBuf::new(self.block));
        }
        self.wait_one()
    }

    fn wait_one(&mut self) -> io::Result<AlignedBuf> {
        let got = self.done.recv().map_err(|_| stopped())?;
        self.in_flight -= 1;
        got
    }

    /// [`Write::flush`], calling `landed` as each block in flight completes, so that a
    /// progress bar moves while the last blocks reach a slow stick. The tail is rarely a whole
    /// block, so it goes through the page cache; from here on the file is an ordinary one.
    pub fn flush_telling(&mut self, landed: &mut dyn FnMut()) -> io::Result<()> {
        while self.in_flight > 0 {
            let b = self.wait_one()?;
            self.free.push(b);
            landed();
        }
        set_direct(&self.file, false)?;
        let cur = self.cur.as_ref().ok_or_else(stopped)?;
        write_block(&self.file, self.at, &cur.as_slice()[..self.filled])?;
        self.landed.add(self.filled);
        self.at += self.filled as u64;
        self.filled = 0;
        Ok(())
    }
}

impl Write for DirectWriter {
    fn write(&mut self, data: &[u8]) -> io::Result<usize> {
        let cur = self.cur.as_mut().ok_or_else(stopped)?;
        let n = (self.block - self.filled).min(data.len());
        cur.as_mut_slice()[self.filled..self.filled + n].copy_from_slice(&data[..n]);
        self.filled += n;
        if self.filled == self.block {
            self.send_block()?;
        }
        Ok(n)
    }

    /// See [`DirectWriter::flush_telling`].
    fn flush(&mut self) -> io::Result<()> {
        self.flush_telling(&mut || {})
    }
}

impl Drop for DirectWriter {
    fn drop(&mut self) {
        self.jobs = None;
        for w in self.workers.drain(..) {
            let _ = w.join();
        }
        // Leave the file as it was given, for whoever holds it next.
        let _ = set_direct(&self.file, false);
    }
}

fn write_jobs(
    file: &File,
    jobs: &Mutex<Receiver<Job>>,
    done: &Sender<io::Result<AlignedBuf>>,
    landed: &Landed,
) {
    loop {
        let job = match jobs.lock() {
            Ok(rx) => rx.recv(),
            Err(_) => return,
        };
        let Ok(job) = job else { return };
        // Every job must answer, or the writer would wait for it for ever.
        let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            write_block(file, job.at, &job.buf.as_slice()[..job.len])
        }))
        .unwrap_or_else(|_| Err(stopped()))
        .map(|()| {
            landed.add(job.len);
            job.buf
        });
        if done.send(r).is_err() {
            return;
        }
    }
}

/// A direct write refused with EINVAL wrote nothing (the file system does not do direct I/O
/// after all, or a short write left the offset unaligned), so it is retried through the page
/// cache, for this and every later block.
fn write_block(file: &File, mut at: u64, mut data: &[u8]) -> io::Result<()> {
    while !data.is_empty() {
        // Asked before the write: the other worker may turn direct I/O off meanwhile, after
        // which this write's EINVAL still means "retry through the page cache".
        let direct = is_direct(file);
        match write_at(file, data, at) {
            Ok(0) => return Err(io::ErrorKind::WriteZero.into()),
            Ok(n) => {
                at += n as u64;
                data = &data[n..];
            }
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) if refused_direct(&e) && direct => {
                log::info!(
                    "the file system refused a direct write ({e}); writing through the page cache"
                );
                set_direct(file, false)?
            }
            Err(e) => return Err(e),
        }
    }
    Ok(())
}

/// A reader for a regular file, from offset 0 to its end, in whole blocks read ahead on a
/// helper thread: each block from the page cache when it is there, otherwise directly from the
/// device. Anything that is not a regular file (a pipe would switch to packet mode) is read as
/// a stream, without direct I/O. Buffers zeroize on drop.
pub struct DirectReader {
    cur: Option<(AlignedBuf, usize)>,
    pos: usize,
    end: bool,
    free: Option<SyncSender<AlignedBuf>>,
    full: Option<Receiver<io::Result<(AlignedBuf, usize)>>>,
    thread: Option<JoinHandle<()>>,
}

impl DirectReader {
    pub fn new(file: File) -> DirectReader {
        let regular = file.metadata().ok().filter(|m| m.is_file());
        let size = regular.as_ref().map_or(BLOCK as u64, |m| m.len());
        let source = Source::new(file, regular.is_some());
        let (free, free_rx) = sync_channel::<AlignedBuf>(READS_AHEAD + 1);
        let (full_tx, full) = sync_channel(READS_AHEAD + 1);
        for _ in 0..=READS_AHEAD {
            let _ = free.send(block_buf(size));
        }
        let thread = std::thread::spawn(move || read_blocks(source, &free_rx, &full_tx));
        DirectReader {
            cur: None,
            pos: 0,
            end: false,
            free: Some(free),
            full: Some(full),
            thread: Some(thread),
        }
    }

    /// Give back the block handed out and take the next; false at the end of the file.
    fn next_block(&mut self) -> io::Result<bool> {
        if let (Some((buf, _)), Some(free)) = (self.cur.take(), &self.free) {
            let _ = free.send(buf);
        }
        self.pos = 0;
        let got = self.full.as_ref().ok_or_else(stopped)?.recv();
        match got {
            Ok(Ok((_, 0))) => {
                self.end = true;
                Ok(false)
            }
            Ok(Ok(block)) => {
                self.cur = Some(block);
                Ok(true)
            }
            // Not the end: the thread has stopped, so every later read fails too, rather than
            // passing the file off as complete.
            Ok(Err(e)) => Err(e),
            Err(_) => Err(stopped()),
        }
    }
}

/// The file a reader thread takes its blocks from.
struct Source {
    file: File,
    /// A regular file, read block by block at known offsets; otherwise a stream.
    regular: bool,
    /// Where the next block starts.
    at: u64,
    /// Whether direct reads may be tried: false off Unix, and once the file system refused one.
    direct_ok: bool,
}

impl Source {
    fn new(file: File, regular: bool) -> Source {
        if regular {
            no_read_ahead(&file);
        }
        Source {
            file,
            regular,
            at: 0,
            direct_ok: regular && cfg!(unix),
        }
    }

    /// Whether the next read should go past the page cache: direct I/O works here, the
    /// offset is aligned, and the page at it is not cached (a file just written or read is
    /// cached whole, so its first page stands for the block).
    fn next_direct(&self) -> bool {
        self.direct_ok && self.at % ALIGN as u64 == 0 && !in_page_cache(&self.file, self.at)
    }

    /// The next block, from the page cache or directly (see `next_direct`).
    fn read_block(&mut self, buf: &mut AlignedBuf) -> io::Result<usize> {
        if !self.regular {
            return read_stream(&self.file, buf.as_mut_slice());
        }
        let direct = self.next_direct();
        self.read_next(buf.as_mut_slice(), direct)
    }

    /// Read at the current offset, directly or not. EINVAL from a direct read means nothing
    /// was read and the page cache is wanted, for this read and every later one.
    fn read_next(&mut self, buf: &mut [u8], mut direct: bool) -> io::Result<usize> {
        loop {
            if set_direct(&self.file, direct).is_err() && direct {
                self.direct_ok = false;
                direct = false;
                continue;
            }
            match read_at(&self.file, buf, self.at) {
                Ok(n) => {
                    self.at += n as u64;
                    return Ok(n);
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) if refused_direct(&e) && direct => {
                    self.direct_ok = false;
                    direct = false;
                }
                Err(e) => return Err(e),
            }
        }
    }
}

/// A reader for a file being put, for a caller that reads ahead on a thread of its own (the
/// encryption pipeline's reader stage): what is in the page cache is read straight into the
/// caller's buffer, with no copy of ours and no thread between; the rest directly, 4 MiB at a
/// time, through an aligned buffer. Anything that is not a regular file is read as a stream.
/// Buffers zeroize on drop.
pub struct SourceReader {
    source: Source,
    /// The last direct read, `pending` bytes of it not yet handed out.
    bounce: Option<AlignedBuf>,
    pending: std::ops::Range<usize>,
    size: u64,
}

impl SourceReader {
    pub fn new(file: File) -> SourceReader {
        let regular = file.metadata().ok().filter(|m| m.is_file());
        let size = regular.as_ref().map_or(BLOCK as u64, |m| m.len());
        SourceReader {
            source: Source::new(file, regular.is_some()),
            bounce: None,
            pending: 0..0,
            size,
        }
    }

    /// Whether the last read went past the page cache.
    #[cfg(all(test, unix))]
    fn was_direct(&self) -> bool {
        is_direct(&self.source.file)
    }
}

impl Read for SourceReader {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        if self.pending.is_empty() {
            if !self.source.regular {
                return read_stream(&self.source.file, out);
            }
            if out.is_empty() || !self.source.next_direct() {
                return self.source.read_next(out, false);
            }
            let size = self.size;
            let bounce = self.bounce.get_or_insert_with(|| block_buf(size));
            let n = self.source.read_next(bounce.as_mut_slice(), true)?;
            self.pending = 0..n;
        }
        let bounce = self.bounce.as_ref().ok_or_else(stopped)?;
        let n = self.pending.len().min(out.len());
        let from = self.pending.start;
        out[..n].copy_from_slice(&bounce.as_slice()[from..from + n]);
        self.pending.start += n;
        Ok(n)
    }
}

impl Read for DirectReader {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        loop {
            if let Some((buf, len)) = &self.cur {
                if self.pos < *len {
                    let n = (len - self.pos).min(out.len());
                    out[..n].copy_from_slice(&buf.as_slice()[self.pos..self.pos + n]);
                    self.pos += n;
                    return Ok(n);
                }
            }
            if self.end || !self.next_block()? {
                return Ok(0);
            }
        }
    }
}

impl Drop for DirectReader {
    fn drop(&mut self) {
        // Closing both channels stops the thread at its next send or receive.
        self.free = None;
        self.full = None;
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

fn read_blocks(
    mut source: Source,
    free: &Receiver<AlignedBuf>,
    full: &SyncSender<io::Result<(AlignedBuf, usize)>>,
) {
    while let Ok(mut buf) = free.recv() {
        let r = source.read_block(&mut buf);
        let last = !matches!(r, Ok(n) if n > 0);
        if full.send(r.map(|n| (buf, n))).is_err() || last {
            return;
        }
    }
}

/// The next bytes of a pipe or another stream, from its current position.
fn read_stream(mut file: &File, buf: &mut [u8]) -> io::Result<usize> {
    loop {
        match file.read(buf) {
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            r => return r,
        }
    }
}

/// Whether the page at `at` is in the page cache, asked without waiting for the device.
///
/// The file is marked for random access (see `no_read_ahead`), so a miss here starts a read of
/// that one page, not of a read-ahead window that the direct read would then fetch again.
#[cfg(target_os = "linux")]
fn in_page_cache(file: &File, at: u64) -> bool {
    use rustix::io::ReadWriteFlags;
    // A direct read with RWF_NOWAIT asks something else, so the flag is off for the probe.
    if set_direct(file, false).is_err() {
        return false;
    }
    let mut probe = [0u8; 1];
    let r = rustix::io::preadv2(
        file,
        &mut [io::IoSliceMut::new(&mut probe)],
        at,
        ReadWriteFlags::NOWAIT,
    );
    zeroize::Zeroize::zeroize(&mut probe);
    matches!(r, Ok(1))
}

/// Elsewhere the cache cannot be asked without reading: every block is read directly.
#[cfg(not(target_os = "linux"))]
fn in_page_cache(_: &File, _: u64) -> bool {
    false
}

#[cfg(unix)]
fn no_read_ahead(file: &File) {
    let _ = rustix::fs::fadvise(file, 0, None, rustix::fs::Advice::Random);
}

#[cfg(windows)]
fn no_read_ahead(_: &File) {}

#[cfg(unix)]
fn read_at(file: &File, buf: &mut [u8], at: u64) -> io::Result<usize> {
    std::os::unix::fs::FileExt::read_at(file, buf, at)
}

/// A positioned read; it also moves the handle's file pointer, which no one here reads.
#[cfg(windows)]
fn read_at(file: &File, buf: &mut [u8], at: u64) -> io::Result<usize> {
    std::os::windows::fs::FileExt::seek_read(file, buf, at)
}

#[cfg(unix)]
fn write_at(file: &File, data: &[u8], at: u64) -> io::Result<usize> {
    std::os::unix::fs::FileExt::write_at(file, data, at)
}

/// A positioned write; it also moves the handle's file pointer, which no one here reads.
#[cfg(windows)]
fn write_at(file: &File, data: &[u8], at: u64) -> io::Result<usize> {
    std::os::windows::fs::FileExt::seek_write(file, data, at)
}

#[cfg(unix)]
fn refused_direct(e: &io::Error) -> bool {
    e.raw_os_error() == Some(Errno::INVAL.raw_os_error())
}

/// Never: direct I/O is not used on Windows (and rustix's `Errno::INVAL` is a Winsock code
/// there, not ERROR_INVALID_PARAMETER).
#[cfg(windows)]
fn refused_direct(_: &io::Error) -> bool {
    false
}

fn stopped() -> io::Error {
    io::Error::other("a direct I/O thread stopped")
}

#[cfg(windows)]
fn is_direct(_: &File) -> bool {
    false
}

#[cfg(windows)]
fn set_direct(_: &File, _: bool) -> io::Result<()> {
    Ok(())
}

#[cfg(unix)]
fn is_direct(file: &File) -> bool {
    fcntl_getfl(file).is_ok_and(|f| f.contains(OFlags::DIRECT))
}

#[cfg(unix)]
fn set_direct(file: &File, on: bool) -> io::Result<()> {
    let flags = fcntl_getfl(file)?;
    let flags = if on {
        flags | OFlags::DIRECT
    } else {
        flags - OFlags::DIRECT
    };
    fcntl_setfl(file, flags)?;
    Ok(())
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::io::Read;

    fn pattern(len: usize) -> Vec<u8> {
        (0..len)
            .map(|i| (i % 251) as u8 ^ (i >> 12) as u8)
            .collect()
    }

    /// Sizes around the block and alignment edges, written in uneven pieces, read back whole;
    /// whether the size the writer was told is right, too small or too large.
    #[test]
    fn writes_every_byte_in_order() {
        let dir = tempfile::tempdir().unwrap();
        let lens = [
            0,
            1,
            4095,
            4096,
            BLOCK - 1,
            BLOCK,
            BLOCK + 1,
            2 * BLOCK + 12345,
        ];
        for (len, told) in lens
            .iter()
            .flat_map(|&l| [(l, l as u64), (l, 1), (l, 3 << 20)])
        {
            let path = dir.path().join(format!("f{len}-{told}"));
            let file = File::create(&path).unwrap();
            let data = pattern(len);
            let mut w = DirectWriter::new(&file, told).unwrap();
            let landed = w.landed();
            let mut handed = 0;
            for piece in data.chunks(65_536 + 16) {
                w.write_all(piece).unwrap();
                handed += piece.len() as u64;
                let (bytes, size) = (landed.bytes(), file.metadata().unwrap().len());
                assert!(bytes <= handed && bytes <= size, "{bytes} landed of {size}");
            }
            w.flush().unwrap();
            drop(w);
            assert_eq!(landed.bytes(), len as u64);
            file.sync_all().unwrap();
            let mut back = Vec::new();
            File::open(&path).unwrap().read_to_end(&mut back).unwrap();
            assert!(back == data, "{len} bytes came back different");
            let flags = fcntl_getfl(&file).unwrap();
            assert!(!flags.contains(OFlags::DIRECT), "direct I/O left on");
        }
    }

    #[test]
    fn reads_every_byte_in_order() {
        let dir = tempfile::tempdir_in(env!("CARGO_MANIFEST_DIR")).unwrap();
        for len in [
            0,
            1,
            4095,
            4096,
            BLOCK - 1,
            BLOCK,
            BLOCK + 1,
            2 * BLOCK + 12345,
        ] {
            let path = dir.path().join(format!("f{len}"));
            let data = pattern(len);
            std::fs::write(&path, &data).unwrap();
            let mut r = DirectReader::new(File::open(&path).unwrap());
            let mut back = Vec::new();
            let mut piece = vec![0u8; 65_536 + 17];
            loop {
                let n = r.read(&mut piece).unwrap();
                if n == 0 {
                    break;
                }
                back.extend_from_slice(&piece[..n]);
            }
            assert!(back == data, "{len} bytes came back different");
        }
    }

    /// The same for the reader of a file being put, in pieces the size of the pipeline's
    /// batches and in odd ones, cold and warm.
    #[test]
    fn the_source_reader_reads_every_byte_in_order() {
        let dir = tempfile::tempdir_in(env!("CARGO_MANIFEST_DIR")).unwrap();
        for len in [0, 1, 4095, 4096, BLOCK - 1, BLOCK + 1, 2 * BLOCK + 12345] {
            let path = dir.path().join(format!("f{len}"));
            let data = pattern(len);
            std::fs::write(&path, &data).unwrap();
            for (piece, cold) in [(1 << 20, true), (1 << 20, false), (65_536 + 17, true)] {
                let file = File::open(&path).unwrap();
                if cold {
                    drop_from_page_cache(&file);
                }
                let mut r = SourceReader::new(file);
                let mut back = Vec::new();
                let mut buf = vec![0u8; piece];
                loop {
                    let n = r.read(&mut buf).unwrap();
                    if n == 0 {
                        break;
                    }
                    back.extend_from_slice(&buf[..n]);
                }
                assert!(
                    back == data,
                    "{len} bytes in pieces of {piece} came back different"
                );
            }
        }
    }

    /// A cached file is read past no bounce buffer; a cold one directly.
    #[test]
    fn the_source_reader_reads_a_cached_file_from_the_cache() {
        let dir = tempfile::tempdir_in(env!("CARGO_MANIFEST_DIR")).unwrap();
        let path = dir.path().join("f");
        std::fs::write(&path, pattern(2 * BLOCK)).unwrap();
        let file = File::open(&path).unwrap();
        if set_direct(&file, true).is_err() {
            eprintln!("SKIPPED: {} does not take O_DIRECT", dir.path().display());
            return;
        }
        set_direct(&file, false).unwrap();
        std::fs::read(&path).unwrap();
        let mut warm = SourceReader::new(file.try_clone().unwrap());
        let mut buf = vec![0u8; 1 << 20];
        assert_eq!(warm.read(&mut buf).unwrap(), 1 << 20);
        assert!(
            !warm.was_direct() && warm.bounce.is_none(),
            "cached: no direct read"
        );
        drop_from_page_cache(&file);
        if in_page_cache(&file, 2 * BLOCK as u64 - 1) {
            eprintln!("SKIPPED: the page cache kept the file (tmpfs, or not Linux)");
            return;
        }
        let mut cold = SourceReader::new(file);
        assert_eq!(cold.read(&mut buf).unwrap(), 1 << 20);
        assert!(cold.was_direct(), "not cached: read directly");
    }

    #[test]
    fn a_pipe_is_read_as_it_is() {
        let (rx, mut tx) = std::io::pipe().unwrap();
        let writer = std::thread::spawn(move || {
            for _ in 0..100 {
                tx.write_all(&[7u8; 1000]).unwrap();
            }
        });
        let file = File::from(std::os::fd::OwnedFd::from(rx));
        let same = file.try_clone().unwrap();
        let mut r = DirectReader::new(file);
        assert!(!is_direct(&same), "a pipe in O_DIRECT is a packet pipe");
        let mut back = Vec::new();
        r.read_to_end(&mut back).unwrap();
        writer.join().unwrap();
        assert_eq!(back, vec![7u8; 100_000]);
    }

    /// A direct write the file system refuses with EINVAL (here: a length that is not a
    /// multiple of the block size) is retried through the page cache, mid-stream.
    #[test]
    fn a_refused_direct_write_is_retried_through_the_page_cache() {
        let dir = tempfile::tempdir_in(env!("CARGO_MANIFEST_DIR")).unwrap();
        let path = dir.path().join("f");
        let file = File::create(&path).unwrap();
        if set_direct(&file, true).is_err() {
            eprintln!("SKIPPED: {} does not take O_DIRECT", dir.path().display());
            return;
        }
        let mut odd = AlignedBuf::new(4096);
        odd.as_mut_slice()[..100].copy_from_slice(&[9u8; 100]);
        write_block(&file, 0, &odd.as_slice()[..100]).unwrap();
        assert!(!is_direct(&file), "fell back");
        assert_eq!(std::fs::read(&path).unwrap(), vec![9u8; 100]);
    }

    /// A direct read at an offset that is not block aligned is refused, and retried through
    /// the page cache.
    #[test]
    fn a_refused_direct_read_is_retried_through_the_page_cache() {
        let dir = tempfile::tempdir_in(env!("CARGO_MANIFEST_DIR")).unwrap();
        let path = dir.path().join("f");
        let data = pattern(3 * 4096);
        std::fs::write(&path, &data).unwrap();
        let file = File::open(&path).unwrap();
        if set_direct(&file, true).is_err() {
            eprintln!("SKIPPED: {} does not take O_DIRECT", dir.path().display());
            return;
        }
        drop_from_page_cache(&file);
        let mut source = Source::new(file, true);
        source.at = 100;
        assert!(
            !source.next_direct(),
            "an unaligned offset is not even tried directly"
        );
        let mut buf = AlignedBuf::new(BLOCK);
        let n = source.read_next(buf.as_mut_slice(), true).unwrap();
        assert!(!source.direct_ok, "fell back");
        assert_eq!(&buf.as_slice()[..n], &data[100..]);
    }

    /// Asks the kernel to forget the file's clean pages (a hint: a test that needs the pages
    /// gone checks that they are).
    fn drop_from_page_cache(file: &File) {
        file.sync_all().unwrap();
        rustix::fs::fadvise(file, 0, None, rustix::fs::Advice::DontNeed).unwrap();
    }

    /// A block in the page cache is read from it; one that is not is read directly, and the
    /// bytes are the file's either way, block by block in any mix.
    #[test]
    fn cached_blocks_come_from_the_cache_and_the_rest_directly() {
        let dir = tempfile::tempdir_in(env!("CARGO_MANIFEST_DIR")).unwrap();
        let path = dir.path().join("f");
        let data = pattern(3 * BLOCK + 5000);
        std::fs::write(&path, &data).unwrap();
        let file = File::open(&path).unwrap();
        if set_direct(&file, true).is_err() {
            eprintln!("SKIPPED: {} does not take O_DIRECT", dir.path().display());
            return;
        }
        set_direct(&file, false).unwrap();
        drop_from_page_cache(&file);
        // Asked of the last page, which the assertions below leave alone: a miss starts a read
        // of the page it asked about.
        if in_page_cache(&file, data.len() as u64 - 1) {
            eprintln!("SKIPPED: the page cache kept the file (tmpfs, or not Linux)");
            return;
        }
        // Block 1 is read through the cache beforehand; the others are not.
        let mut warm = vec![0u8; BLOCK];
        read_at(&file, &mut warm, BLOCK as u64).unwrap();
        let mut source = Source::new(file.try_clone().unwrap(), true);
        let mut buf = AlignedBuf::new(BLOCK);
        let mut back = Vec::new();
        let mut direct = Vec::new();
        loop {
            let n = source.read_block(&mut buf).unwrap();
            if n == 0 {
                break;
            }
            direct.push(is_direct(&source.file));
            back.extend_from_slice(&buf.as_slice()[..n]);
        }
        assert!(back == data, "the bytes came back different");
        assert_eq!(
            direct[..3],
            [true, false, true],
            "block 1 from the cache, 0 and 2 direct"
        );
    }

    /// A file smaller than a block gets a buffer its size and no write threads, so a put of
    /// many small files costs what it did before direct I/O.
    #[test]
    fn a_small_file_gets_a_small_block_and_no_threads() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("f");
        let file = File::create(&path).unwrap();
        let mut w = DirectWriter::new(&file, 1000).unwrap();
        assert_eq!(w.block, 4096);
        w.write_all(&pattern(1000)).unwrap();
        w.flush().unwrap();
        assert!(w.workers.is_empty());
        drop(w);
        assert_eq!(std::fs::read(&path).unwrap(), pattern(1000));
    }

    /// Where the file system takes direct I/O (ext4, xfs, btrfs; tmpfs since Linux 6.6; vfat
    /// and exfat accept it but write through the page cache while a file grows) it is used,
    /// and it is off again once the writer is gone.
    #[test]
    fn direct_io_is_on_while_writing_and_off_after() {
        let dir = tempfile::tempdir_in(env!("CARGO_MANIFEST_DIR")).unwrap();
        let file = File::create(dir.path().join("f")).unwrap();
        let w = DirectWriter::new(&file, 1 << 20).unwrap();
        if !w.is_direct() {
            eprintln!("SKIPPED: {} does not take O_DIRECT", dir.path().display());
            return;
        }
        assert!(fcntl_getfl(&file).unwrap().contains(OFlags::DIRECT));
        drop(w);
        let flags = fcntl_getfl(&file).unwrap();
        assert!(!flags.contains(OFlags::DIRECT), "drop turns direct I/O off");
    }
}
