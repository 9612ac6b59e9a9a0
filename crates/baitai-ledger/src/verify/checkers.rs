//! Signature checks on every core, fed in small chunks while the walk reads on.
//!
//! One checker thread per core takes chunks from a short queue, so all of them stay busy until
//! the last chunk and finish together; the walk adds a chunk whenever it has one. Each checker
//! keeps the earliest bad signature it found, and the earliest of those is the one reported.
//! Each also counts what it checked: unless the counts add up to every signature handed over,
//! the check is incomplete and the ledger is not called verified.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{sync_channel, Receiver, SyncSender};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;

use baitai_core::crypto::{PublicKey, Signature};
use baitai_core::model::SignRole;

/// One signature to check.
pub(super) struct SigJob {
    pub(super) seq: u64,
    pub(super) role: SignRole,
    pub(super) key: PublicKey,
    pub(super) hash: [u8; 32],
    pub(super) sig: Vec<u8>,
}

/// Signatures handed over at a time: small enough that no core waits long for another at the
/// end, large enough that the queue costs nothing beside a P-256 check (about 75 µs).
pub(super) const CHUNK: usize = 256;

/// Chunks waiting per checker: the walk's lead, and a bound on the memory it takes.
const QUEUED: usize = 4;

/// What a check found wrong, at which entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Found {
    pub(super) seq: u64,
    pub(super) what: Finding,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Finding {
    /// The signature in this role does not verify.
    Bad(SignRole),
    /// The check itself failed (a panic): nothing from this entry on counts as checked.
    Incomplete,
}

/// What one checker thread did: how many signatures it checked, and its earliest finding.
type Report = (u64, Option<Found>);

/// The checker threads and their queue.
pub(super) struct Checkers {
    queue: SyncSender<Vec<SigJob>>,
    threads: Vec<JoinHandle<Report>>,
    found_any: Arc<AtomicBool>,
    /// The first entry handed over: where to fail if a check went missing.
    first: Option<u64>,
    handed: u64,
}

impl Checkers {
    /// One checker per core (fewer if the system refuses threads; with none, every hand-over
    /// fails and the walk fails closed).
    pub(super) fn start() -> Checkers {
        let threads = std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(1)
            .max(1);
        let (queue, rx) = sync_channel(QUEUED * threads);
        let rx = Arc::new(Mutex::new(rx));
        let found_any = Arc::new(AtomicBool::new(false));
        let threads = (0..threads)
            .filter_map(|_| {
                let (rx, found_any) = (Arc::clone(&rx), Arc::clone(&found_any));
                std::thread::Builder::new()
                    .name("verify-signatures".into())
                    .spawn(move || check_chunks(&rx, &found_any))
                    .ok()
            })
            .collect();
        Checkers {
            queue,
            threads,
            found_any,
            first: None,
            handed: 0,
        }
    }

    /// Queue a chunk, waiting while the queue is full. Err if no checker is left to take it.
    pub(super) fn hand_over(&mut self, chunk: Vec<SigJob>) -> Result<(), ()> {
        if let Some(j) = chunk.first() {
            self.first.get_or_insert(j.seq);
        }
        let n = chunk.len() as u64;
        self.queue.send(chunk).map_err(|_| ())?;
        self.handed += n;
        Ok(())
    }

    /// Whether any check has failed so far, so the walk can stop reading.
    pub(super) fn found_any(&self) -> bool {
        self.found_any.load(Ordering::Relaxed)
    }

    /// Wait for every queued check; the earliest finding, if any. A checker lost, or fewer
    /// signatures checked than handed over, proves nothing about any entry: incomplete.
    pub(super) fn finish(self) -> Option<Found> {
        drop(self.queue);
        let incomplete = Found {
            seq: self.first.unwrap_or(0),
            what: Finding::Incomplete,
        };
        let mut earliest: Option<Found> = None;
        let mut checked = 0;
        for t in self.threads {
            let found = match t.join() {
                Ok((n, found)) => {
                    checked += n;
                    found
                }
                Err(_) => Some(incomplete),
            };
            if let Some(f) = found {
                keep_earliest(&mut earliest, f);
            }
        }
        if checked != self.handed {
            keep_earliest(&mut earliest, incomplete);
        }
        earliest
    }
}

fn check_chunks(queue: &Mutex<Receiver<Vec<SigJob>>>, found_any: &AtomicBool) -> Report {
    let mut earliest: Option<Found> = None;
    let mut checked = 0;
    loop {
        // Only `recv` runs under the lock, so it cannot be poisoned; if it were, the chunks
        // left behind would show in the count.
        let chunk = match queue.lock() {
            Ok(rx) => rx.recv(),
            Err(_) => break,
        };
        let Ok(chunk) = chunk else { break };
        let first = chunk.first().map_or(0, |j| j.seq);
        let found = catch_unwind(AssertUnwindSafe(|| {
            chunk.iter().find(|j| !check(j)).map(|j| Found {
                seq: j.seq,
                what: Finding::Bad(j.role),
            })
        }))
        .unwrap_or(Some(Found {
            seq: first,
            what: Finding::Incomplete,
        }));
        checked += chunk.len() as u64;
        if let Some(f) = found {
            found_any.store(true, Ordering::Relaxed);
            keep_earliest(&mut earliest, f);
        }
    }
    (checked, earliest)
}

/// `f` in `slot` unless what is there is at an earlier entry.
fn keep_earliest(slot: &mut Option<Found>, f: Found) {
    if slot.is_none_or(|e| f.seq < e.seq) {
        *slot = Some(f);
    }
}

fn check(j: &SigJob) -> bool {
    match Signature::from_slice(&j.sig) {
        Some(sig) => j.key.verify_entry(j.role.as_str(), &j.hash, &sig),
        None => false,
    }
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;
    use baitai_core::crypto::PersonKey;

    /// Jobs for entries `seqs`, every signature good except those of `bad`.
    pub(in crate::verify) fn jobs(
        key: &PersonKey,
        seqs: std::ops::Range<u64>,
        bad: &[u64],
    ) -> Vec<SigJob> {
        seqs.map(|seq| {
            let hash = [seq as u8; 32];
            let mut sig = key.sign_entry("actor", &hash).0.to_vec();
            if bad.contains(&seq) {
                sig[10] ^= 1;
            }
            SigJob {
                seq,
                role: SignRole::Actor,
                key: key.public(),
                hash,
                sig,
            }
        })
        .collect()
    }

    fn run(chunks: Vec<Vec<SigJob>>) -> Option<Found> {
        let mut c = Checkers::start();
        for chunk in chunks {
            c.hand_over(chunk).unwrap();
        }
        c.finish()
    }

    #[test]
    fn all_good_finds_nothing() {
        let key = PersonKey::generate();
        let chunks = (0..8)
            .map(|i| jobs(&key, i * 50 + 1..i * 50 + 51, &[]))
            .collect();
        assert_eq!(run(chunks), None);
    }

    /// Whichever checker thread took which chunk, the earliest bad signature is reported.
    #[test]
    fn the_earliest_bad_signature_is_reported() {
        let key = PersonKey::generate();
        let bad = [377, 90, 91, 399];
        let chunks = (0..8)
            .map(|i| jobs(&key, i * 50 + 1..i * 50 + 51, &bad))
            .collect();
        let found = run(chunks);
        assert_eq!(
            found,
            Some(Found {
                seq: 90,
                what: Finding::Bad(SignRole::Actor)
            })
        );
    }

    #[test]
    fn a_signature_of_the_wrong_length_is_bad() {
        let key = PersonKey::generate();
        let mut chunk = jobs(&key, 1..5, &[]);
        chunk[2].sig.pop();
        assert_eq!(run(vec![chunk]).map(|f| f.seq), Some(3));
    }
}
