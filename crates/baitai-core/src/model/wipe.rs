//! The wipe entries: the start of a wipe, and the sanitization record (NIST SP 800-88 fields)
//! that says what was overwritten, how it was read back and what the reading found.

use serde::{Deserialize, Serialize};

use super::DeviceIdentity;

/// How a medium is overwritten.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "cli", derive(clap::ValueEnum))]
#[serde(rename_all = "kebab-case")]
pub enum WipeMethod {
    /// One pass of zeros, read back.
    Zero,
    /// One pass of a seeded ChaCha20 stream, read back; exposes counterfeit capacity.
    Random,
    /// A random pass then a zero pass, each read back.
    RandomZero,
}

impl WipeMethod {
    /// The method's name as `--method` and the record spell it.
    pub fn as_str(self) -> &'static str {
        match self {
            WipeMethod::Zero => "zero",
            WipeMethod::Random => "random",
            WipeMethod::RandomZero => "random-zero",
        }
    }

    /// What each pass writes, in order.
    pub fn passes(self) -> &'static [PatternKind] {
        match self {
            WipeMethod::Zero => &[PatternKind::Zero],
            WipeMethod::Random => &[PatternKind::Random],
            WipeMethod::RandomZero => &[PatternKind::Random, PatternKind::Zero],
        }
    }

    /// The method's name in Japanese, for the sanitization certificate.
    pub fn ja(self) -> &'static str {
        match self {
            WipeMethod::Zero => "ゼロ上書き",
            WipeMethod::Random => "乱数上書き",
            WipeMethod::RandomZero => "乱数上書き＋ゼロ上書き",
        }
    }
}

/// What one pass wrote.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PatternKind {
    /// Zeros.
    Zero,
    /// A ChaCha20 stream from the pass's recorded seed.
    Random,
}

/// How reads were kept from being answered by the page cache.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CacheBypass {
    /// Every aligned byte went through `O_DIRECT`; an unaligned tail (image files only) went
    /// through the fallback below.
    ODirect,
    /// `O_DIRECT` was refused (e.g. tmpfs): data was flushed with `fdatasync` and the cached
    /// pages dropped with `posix_fadvise(POSIX_FADV_DONTNEED)` before every read.
    FadviseDontneed,
}

impl CacheBypass {
    /// How the reads bypassed the page cache, in words for the printed record.
    pub fn describe(self) -> &'static str {
        match self {
            CacheBypass::ODirect => "O_DIRECT (page cache bypassed)",
            CacheBypass::FadviseDontneed => {
                "fdatasync + posix_fadvise(DONTNEED) (O_DIRECT refused by the file system)"
            }
        }
    }

    /// The same in Japanese, for a Japanese page: what the flags did, not their names.
    pub fn describe_ja(self) -> &'static str {
        match self {
            CacheBypass::ODirect => "ページキャッシュを通さない直接読出し",
            CacheBypass::FadviseDontneed => {
                "書込みを同期しキャッシュを破棄してから読出し（ファイルシステムが直接読出しを拒否）"
            }
        }
    }
}

/// Bytes `[offset, offset + len)` read back different from what was written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ByteRange {
    /// Where the range starts on the medium.
    pub offset: u64,
    /// How many bytes it spans.
    pub len: u64,
}

/// One overwrite pass and its read-back.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WipePass {
    /// What the pass wrote.
    pub pattern: PatternKind,
    /// The ChaCha20 seed of a random pass, so anyone can regenerate and re-check the stream.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seed: Option<String>,
    /// Bytes written and flushed; the medium's capacity when the pass finished writing.
    pub bytes_written: u64,
    /// Bytes read back from the device and compared; the capacity when the read-back finished.
    pub bytes_verified: u64,
    /// 512-byte sectors that read back wrong.
    pub mismatched_sectors: u64,
    /// The first mismatching ranges (at most [`WipePass::MAX_RANGES`]), exact to the byte.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub mismatches: Vec<ByteRange>,
    /// How long the writing took, in milliseconds.
    pub write_ms: u64,
    /// How long the read-back took, in milliseconds.
    pub verify_ms: u64,
}

impl WipePass {
    /// How many mismatching ranges a pass records; past it only the sector count grows, so a
    /// failing medium cannot make the record unbounded.
    pub const MAX_RANGES: usize = 32;

    /// A pass about to write `pattern` (with the seed of a random one), nothing done yet.
    pub fn new(pattern: PatternKind, seed: Option<String>) -> WipePass {
        WipePass {
            pattern,
            seed,
            bytes_written: 0,
            bytes_verified: 0,
            mismatched_sectors: 0,
            mismatches: Vec::new(),
            write_ms: 0,
            verify_ms: 0,
        }
    }

    /// Written and read back whole, and everything matched.
    pub fn verified(&self, capacity: u64) -> bool {
        self.bytes_written == capacity
            && self.bytes_verified == capacity
            && self.mismatched_sectors == 0
    }
}

/// How a wipe ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum WipeResult {
    /// Every byte written and read back as written: the medium is verified clean.
    Passed,
    /// The read-back differs: the medium does not hold what is written to it. Destroy it.
    Failed,
    /// Stopped (Ctrl-C, I/O error, crash) before the verification finished.
    Incomplete,
}

impl WipeResult {
    /// The result's name as the record and the printouts spell it.
    pub fn as_str(self) -> &'static str {
        match self {
            WipeResult::Passed => "passed",
            WipeResult::Failed => "failed",
            WipeResult::Incomplete => "incomplete",
        }
    }
}

/// Recorded before the first byte is written: a wipe that never records its end (the process
/// was killed) leaves the medium "wipe incomplete", never clean.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WipeStart {
    /// How the medium will be overwritten.
    pub method: WipeMethod,
    /// The device as identified just before the wipe, checked against the registration; its
    /// capacity is what must be covered.
    pub device: DeviceIdentity,
}

/// The sanitization record (消去証明).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Wipe {
    /// How the medium was overwritten: the same as the start's.
    pub method: WipeMethod,
    /// The device overwritten: the same as the start's.
    pub device: DeviceIdentity,
    /// NIST SP 800-88 category: an overwrite is "clear".
    pub sanitization: String,
    /// The program that did it, with its version.
    pub tool: String,
    /// When the first pass began (stored time).
    pub started: String,
    /// When the last pass ended, or the wipe stopped (stored time).
    pub finished: String,
    /// Each pass made, in order, with what it wrote and what its read-back found.
    pub passes: Vec<WipePass>,
    /// How the read-backs kept the page cache from answering.
    pub cache_bypass: CacheBypass,
    /// Bytes at the end of an image file too short for direct I/O, read via the fallback.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub buffered_tail_bytes: u64,
    /// Vault headers found on the raw medium and overwritten before the passes (crypto-erase).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vault_headers_erased: Option<u64>,
    /// Passed, failed or incomplete; [`Wipe::consistent`] checks it follows from the passes.
    pub result: WipeResult,
    /// Why the wipe did not pass.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

fn is_zero(n: &u64) -> bool {
    *n == 0
}

impl Wipe {
    // The totals saturate: a record read from a tampered ledger may claim any counts, and a
    // printout of it must not overflow.
    /// Bytes written over all passes.
    pub fn bytes_written(&self) -> u64 {
        self.passes
            .iter()
            .fold(0u64, |total, p| total.saturating_add(p.bytes_written))
    }

    /// Bytes read back over all passes.
    pub fn bytes_verified(&self) -> u64 {
        self.passes
            .iter()
            .fold(0u64, |total, p| total.saturating_add(p.bytes_verified))
    }

    /// Sectors that read back wrong, over all passes.
    pub fn mismatched_sectors(&self) -> u64 {
        self.passes
            .iter()
            .fold(0u64, |total, p| total.saturating_add(p.mismatched_sectors))
    }

    /// Whether the record itself supports its result: a pass claims every byte of every pass,
    /// in the method's order, each random pass with a seed to regenerate it by.
    pub fn consistent(&self) -> bool {
        let cap = self.device.capacity_bytes;
        let expected = self.method.passes();
        let in_order = self.passes.len() <= expected.len()
            && self
                .passes
                .iter()
                .zip(expected)
                .all(|(p, k)| p.pattern == *k);
        let seeded = self.passes.iter().all(|p| match p.pattern {
            PatternKind::Random => p
                .seed
                .as_deref()
                .is_some_and(|s| s.len() == 64 && s.bytes().all(|b| b.is_ascii_hexdigit())),
            PatternKind::Zero => p.seed.is_none(),
        });
        let all = self.passes.iter().all(|p| p.verified(cap));
        in_order
            && seeded
            && match self.result {
                WipeResult::Passed => all && cap > 0 && self.passes.len() == expected.len(),
                WipeResult::Failed => self.passes.iter().any(|p| p.mismatched_sectors > 0),
                WipeResult::Incomplete => true,
            }
    }
}
