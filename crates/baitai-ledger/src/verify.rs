//! `ledger verify`: recompute the hash chain, replay the rules, check every signature.

use std::collections::HashMap;

use std::path::Path;

use rusqlite::{Connection, OptionalExtension};
use serde::Serialize;

use super::chain::{entry_hash, HashInput, GENESIS};
use super::checkpoint::Checkpoint;
use super::store::{
    directory_upto, fold_medium, last_signed_time_upto, medium_entries_upto, Ledger, RawEntry,
};
use baitai_core::crypto::{PublicKey, Signature};
use baitai_core::error::{Error, Result};
use baitai_core::lifecycle::{Act, Lifecycle};
use baitai_core::model::{Body, MediumNumber, PersonId, SignRole};

/// The first entry that fails, and why.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct VerifyFailure {
    pub seq: u64,
    pub reason: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct VerifyReport {
    pub entries: u64,
    pub signatures: u64,
    pub media: usize,
    pub people: usize,
    /// Hash of the last entry that verified (hex): an auditor keeps it to detect truncation
    /// later. When verification fails it is the hash of the entry before the failure.
    pub head: Option<String>,
    /// Entries up to this one were verified by an earlier run and not checked again
    /// (`--incremental`); 0 when the whole ledger was checked.
    pub checkpoint: u64,
    pub failure: Option<VerifyFailure>,
}

impl VerifyReport {
    pub fn ok(&self) -> bool {
        self.failure.is_none()
    }
}

/// One signature to check; checked in parallel batches.
struct SigJob {
    seq: u64,
    role: SignRole,
    key: PublicKey,
    hash: [u8; 32],
    sig: Vec<u8>,
}

const BATCH: usize = 8192;

/// A signature row as read: (role, person, signature bytes).
type SigRow = (String, String, Vec<u8>);

impl Ledger {
    /// Check the whole ledger.
    pub fn verify(&self) -> Result<VerifyReport> {
        self.verify_against(None, false)
    }

    /// The hash of the first entry (hex): names this ledger in the checkpoint file.
    pub fn ledger_id(&self) -> Result<Option<String>> {
        super::trust::first_hash(self.conn())
    }

    /// This user's kept checkpoint for this ledger, if any: what a read-only check is made
    /// against, so that a ledger cut short since the last verify fails it.
    pub fn kept_checkpoint(&self) -> Result<Option<super::Checkpoint>> {
        match (super::Checkpoints::default_location(), self.ledger_id()?) {
            (Some(store), Some(id)) => store.get(&id),
            _ => Ok(None),
        }
    }

    /// Check the ledger in one consistent snapshot. With `kept`, the checkpoint of an earlier
    /// verify that passed: its entry must still be there, unchanged (else entries were removed
    /// from the end or the chain rewritten since). With `incremental` too, entries up to the
    /// checkpoint are only re-chained, and rules and signatures are checked after it.
    pub fn verify_against(
        &self,
        kept: Option<&Checkpoint>,
        incremental: bool,
    ) -> Result<VerifyReport> {
        // A trusted session already holds the snapshot its reads see.
        if !self.conn().is_autocommit() {
            return verify_in(self.conn(), self.path(), kept, incremental);
        }
        let snapshot = self
            .conn()
            .unchecked_transaction()
            .map_err(Error::db("begin a read"))?;
        verify_in(&snapshot, self.path(), kept, incremental)
    }
}

/// `verify_against` inside a transaction the caller already holds (a read snapshot, or the
/// write transaction an append is about to use).
pub(crate) fn verify_in(
    conn: &Connection,
    path: &Path,
    kept: Option<&Checkpoint>,
    incremental: bool,
) -> Result<VerifyReport> {
    let walk = match kept {
        Some(cp) if incremental => resume(conn, path, cp)?,
        _ => Walk::default(),
    };
    if let Some(failure) = walk.failure.clone() {
        return Ok(failed_before_start(conn, failure));
    }
    // After a resume the checkpoint's entry was re-chained already.
    let kept = kept.filter(|_| !incremental);
    verify(conn, walk, kept)
}

/// Whether the checkpoint's entry is still in the ledger with the hash it had.
pub(crate) fn still_there(conn: &Connection, cp: &Checkpoint) -> Result<Option<VerifyFailure>> {
    let stored: Option<Vec<u8>> = conn
        .query_row(
            "SELECT hash FROM entries WHERE seq = ?1",
            [cp.seq as i64],
            |r| r.get(0),
        )
        .optional()
        .map_err(Error::db("read the checkpoint entry"))?;
    let why = match stored {
        None => "is gone: entries were removed from the end of the ledger",
        Some(h) if hex::encode(&h) != cp.hash => {
            "has changed: the ledger was rewritten from there or before"
        }
        Some(_) => return Ok(None),
    };
    Ok(Some(VerifyFailure {
        seq: cp.seq,
        reason: format!(
            "a verify passed up to this entry at {}, and it {why}",
            cp.verified_at
        ),
    }))
}

/// A report for a failure found before any entry was checked: nothing counts as verified.
fn failed_before_start(conn: &Connection, failure: VerifyFailure) -> VerifyReport {
    let walk = Walk {
        failure: Some(failure),
        ..Walk::default()
    };
    let mut report = walk.report(conn);
    report.entries = 0;
    report.head = None;
    report
}

/// A walk that starts after checkpoint `cp`. The entries up to it are re-chained from the
/// first (hashes only) so that they are exactly the ones that verified; the people and the
/// states of the media touched since are then rebuilt from them.
fn resume(conn: &Connection, path: &Path, cp: &Checkpoint) -> Result<Walk> {
    resume_from(conn, conn, cp, rechain(conn, path, cp.seq)?)
}

/// Verify only what follows `cp`, whose entries this same process verified a moment ago in
/// an earlier snapshot (an append's own transaction, after its session verified on opening):
/// the checkpoint's entry must still hold exactly its hash, and everything after it is
/// checked as `verify` does. The next session's full re-chain covers the rest again.
pub(crate) fn verify_after(
    conn: &Connection,
    prefix: &Connection,
    cp: &Checkpoint,
) -> Result<VerifyReport> {
    let end = match rechain_range(conn, cp.seq, cp.seq)? {
        Ok(e) => Ok((e.last_hash, e.last_time)),
        Err(f) => Err(f),
    };
    if let Some(report) = nothing_after(conn, cp, &end)? {
        return Ok(report);
    }
    let walk = resume_from(conn, prefix, cp, end)?;
    if let Some(failure) = walk.failure.clone() {
        return Ok(failed_before_start(conn, failure));
    }
    verify(conn, walk, None)
}

/// When `cp` is still the last entry, unchanged, with no signature beyond it, there is nothing
/// to walk: the people and media need not be rebuilt (the common case of a command that
/// follows the user's last one).
fn nothing_after(
    conn: &Connection,
    cp: &Checkpoint,
    end: &std::result::Result<([u8; 32], String), VerifyFailure>,
) -> Result<Option<VerifyReport>> {
    let Ok((hash, _)) = end else {
        return Ok(None);
    };
    if hex::encode(hash) != cp.hash {
        return Ok(None);
    }
    let beyond: bool = conn
        .query_row(
            "SELECT EXISTS(SELECT 1 FROM entries WHERE seq > ?1)
                 OR EXISTS(SELECT 1 FROM signatures WHERE seq > ?1)",
            [cp.seq as i64],
            |r| r.get(0),
        )
        .map_err(Error::db("read the ledger"))?;
    if beyond {
        return Ok(None);
    }
    Ok(Some(VerifyReport {
        entries: cp.seq,
        signatures: 0,
        media: 0,
        people: 0,
        head: Some(cp.hash.clone()),
        checkpoint: cp.seq,
        failure: None,
    }))
}

/// A walk that starts after `cp`, given where the entries up to it were found to end. The
/// people and the media's states up to it are read from `prefix`: the ledger itself, or this
/// user's verified copy of it.
fn resume_from(
    conn: &Connection,
    prefix: &Connection,
    cp: &Checkpoint,
    chained: std::result::Result<([u8; 32], String), VerifyFailure>,
) -> Result<Walk> {
    let seq = cp.seq;
    let mut walk = Walk {
        expected_seq: seq,
        entries: seq,
        checkpoint: seq,
        ..Walk::default()
    };
    let (end, last_time) = match chained {
        Ok(v) => v,
        Err(failure) => {
            walk.failure = Some(failure);
            return Ok(walk);
        }
    };
    if hex::encode(end) != cp.hash {
        walk.fail(
            seq,
            "the chain up to the checkpoint no longer ends at its hash",
        );
        return Ok(walk);
    }
    walk.prev_hash = Some(end);
    walk.last_time = match last_signed_time_upto(prefix, seq)? {
        Some(t) => Some(baitai_core::time::to_store(t)),
        None => Some(last_time),
    };
    walk.state.people = directory_upto(prefix, seq)?;
    let mut st = conn
        .prepare("SELECT DISTINCT medium FROM entries WHERE seq > ?1 AND medium IS NOT NULL")
        .map_err(Error::db("read the ledger"))?;
    let touched: Vec<String> = st
        .query_map([seq as i64], |r| r.get(0))
        .map_err(Error::db("read the ledger"))?
        .collect::<rusqlite::Result<_>>()
        .map_err(Error::db("read the ledger"))?;
    for m in touched {
        if let Some(state) = fold_medium(&medium_entries_upto(prefix, &m, seq)?) {
            walk.state.media.insert(MediumNumber(m), state);
        }
    }
    Ok(walk)
}

/// Where a re-chained range of entries ends, or why it does not hold.
type Chained = std::result::Result<RangeEnd, VerifyFailure>;

/// The first entry's stored link and the last entry's hash and time, of a range that chains.
struct RangeEnd {
    first_prev: [u8; 32],
    last_hash: [u8; 32],
    last_time: String,
}

/// Recompute the hash chain over entries 1..=`upto` (hashes and links only), on two threads
/// when there is enough to share: the last hash and time, or the first entry that fails.
fn rechain(
    conn: &Connection,
    path: &Path,
    upto: u64,
) -> Result<std::result::Result<([u8; 32], String), VerifyFailure>> {
    // Below this, a second connection and thread cost more than they save.
    #[cfg(not(test))]
    const SPLIT_FROM: u64 = 50_000;
    #[cfg(test)]
    const SPLIT_FROM: u64 = 4;
    let mid = upto / 2;
    let (a, b) = if upto < SPLIT_FROM {
        (rechain_range(conn, 1, upto)?, None)
    } else {
        std::thread::scope(|s| {
            let second = s.spawn(|| -> Result<Chained> {
                let other = Ledger::open_read_only(path)?;
                rechain_range(other.conn(), mid + 1, upto)
            });
            let first = rechain_range(conn, 1, mid);
            let second = second
                .join()
                .map_err(|_| Error::Other("a verify thread failed".into()));
            Ok::<_, Error>((first?, Some(second??)))
        })?
    };
    let a = match a {
        Ok(a) => a,
        Err(f) => return Ok(Err(f)),
    };
    if a.first_prev != GENESIS {
        return Ok(Err(bad(1, "does not start the chain")));
    }
    match b {
        None => Ok(Ok((a.last_hash, a.last_time))),
        Some(Err(f)) => Ok(Err(f)),
        Some(Ok(b)) if b.first_prev != a.last_hash => Ok(Err(bad(
            mid + 1,
            "does not link to the entry before it (before the checkpoint)",
        ))),
        Some(Ok(b)) => Ok(Ok((b.last_hash, b.last_time))),
    }
}

fn bad(seq: u64, why: &str) -> VerifyFailure {
    VerifyFailure {
        seq,
        reason: why.to_string(),
    }
}

/// Re-chain entries `from..=to`, starting from the first one's stored link, reading each row
/// in place without copying it.
fn rechain_range(conn: &Connection, from: u64, to: u64) -> Result<Chained> {
    let mut st = conn
        .prepare("SELECT seq, time, kind, medium, actor, payload, prev_hash, hash FROM entries WHERE seq >= ?1 AND seq <= ?2 ORDER BY seq")
        .map_err(Error::db("read the ledger"))?;
    let mut rows = st
        .query([from as i64, to as i64])
        .map_err(Error::db("read the ledger"))?;
    let mut end: Option<RangeEnd> = None;
    let mut expected = from;
    while let Some(row) = rows.next().map_err(Error::db("read the ledger"))? {
        let Some((input, stored)) = borrowed(row, expected)? else {
            return Ok(Err(bad(expected, "is missing (before the checkpoint)")));
        };
        let prev = match &end {
            Some(e) => e.last_hash,
            None => <[u8; 32]>::try_from(input.prev_hash_bytes).unwrap_or(GENESIS),
        };
        let hash = entry_hash(&HashInput {
            prev_hash: &prev,
            ..input.fields
        });
        if input.prev_hash_bytes != prev || stored != hash {
            return Ok(Err(bad(
                expected,
                "was changed after it verified (before the checkpoint)",
            )));
        }
        let first_prev = end.as_ref().map_or(prev, |e| e.first_prev);
        end = Some(RangeEnd {
            first_prev,
            last_hash: hash,
            last_time: input.fields.time.to_string(),
        });
        expected += 1;
    }
    match end {
        Some(e) if expected == to + 1 => Ok(Ok(e)),
        _ => Ok(Err(bad(
            expected,
            "is gone: entries were removed from the end of the ledger since a verify passed",
        ))),
    }
}

/// One row's hashed fields, borrowed from SQLite's buffer.
struct Borrowed<'r> {
    fields: HashInput<'r>,
    prev_hash_bytes: &'r [u8],
}

/// The row's fields and stored hash, or None when its number is not `expected` or a column
/// has the wrong type (both mean the chain does not hold there).
fn borrowed<'r>(row: &'r rusqlite::Row, expected: u64) -> Result<Option<(Borrowed<'r>, &'r [u8])>> {
    let text = |i| row.get_ref(i).ok().and_then(|v| v.as_str().ok());
    let opt = |i| row.get_ref(i).ok().and_then(|v| v.as_str_or_null().ok());
    let blob = |i| row.get_ref(i).ok().and_then(|v| v.as_blob().ok());
    let seq: i64 = row.get(0).map_err(Error::db("read the ledger"))?;
    if seq as u64 != expected {
        return Ok(None);
    }
    let (Some(time), Some(kind), Some(medium), Some(actor), Some(payload), Some(prev), Some(hash)) =
        (text(1), text(2), opt(3), opt(4), text(5), blob(6), blob(7))
    else {
        return Ok(None);
    };
    Ok(Some((
        Borrowed {
            fields: HashInput {
                seq: expected,
                time,
                kind,
                medium,
                actor,
                payload,
                prev_hash: &GENESIS,
            },
            prev_hash_bytes: prev,
        },
        hash,
    )))
}

/// How far ahead of this machine's clock an entry may be before verify calls it suspect.
const FUTURE_TOLERANCE_HOURS: i64 = 24;

fn verify(conn: &Connection, mut walk: Walk, kept: Option<&Checkpoint>) -> Result<VerifyReport> {
    let after = walk.checkpoint;
    if let Some(seq) = duplicate_seq(conn, after)? {
        // Two rows with one sequence number: the table was rebuilt without its key.
        walk.fail(
            seq,
            "appears twice (the entries table was rebuilt and an entry forged)",
        );
        return Ok(walk.report(conn));
    }
    let mut stmt = conn
        .prepare(
            "SELECT e.seq, e.time, e.kind, e.medium, e.actor, e.payload, e.prev_hash, e.hash,
                    s.role, s.person, s.signature
             FROM entries e LEFT JOIN signatures s ON s.seq = e.seq
             WHERE e.seq > ?1
             ORDER BY e.seq, s.role",
        )
        .map_err(Error::db("read the ledger"))?;
    let mut rows = stmt
        .query([after as i64])
        .map_err(Error::db("read the ledger"))?;
    let mut current: Option<(RawEntry, Vec<SigRow>)> = None;
    while let Some(row) = rows.next().map_err(Error::db("read the ledger"))? {
        let raw = RawEntry::from_row(row).map_err(Error::db("read the ledger"))?;
        let sig: Option<SigRow> = match row.get::<_, Option<String>>(8) {
            Ok(Some(role)) => Some((
                role,
                row.get(9).map_err(Error::db("read a signature"))?,
                row.get(10).map_err(Error::db("read a signature"))?,
            )),
            _ => None,
        };
        let same = current.as_ref().is_some_and(|(c, _)| c.seq == raw.seq);
        if !same {
            if let Some((prev, sigs)) = current.take() {
                if !walk.entry(prev, sigs) {
                    break;
                }
            }
            current = Some((raw, Vec::new()));
        }
        if let (Some(s), Some((_, sigs))) = (sig, current.as_mut()) {
            sigs.push(s);
        }
    }
    if let Some((prev, sigs)) = current.take() {
        walk.entry(prev, sigs);
    }
    walk.flush();
    if walk.failure.is_none() {
        walk.check_orphans(conn, after)?;
    }
    if let Some(f) = kept.map(|cp| still_there(conn, cp)).transpose()?.flatten() {
        walk.fail(f.seq, f.reason);
    }
    if walk.failure.is_none() && walk.entries == 0 {
        walk.fail(
            1,
            "the ledger has no entries: it was never initialised or was emptied",
        );
    }
    Ok(walk.report(conn))
}

fn duplicate_seq(conn: &Connection, after: u64) -> Result<Option<u64>> {
    conn.query_row(
        "SELECT MIN(seq) FROM (SELECT seq FROM entries WHERE seq > ?1 GROUP BY seq HAVING COUNT(*) > 1)",
        [after as i64],
        |r| r.get::<_, Option<i64>>(0),
    )
    .map(|o| o.map(|s| s as u64))
    .map_err(Error::db("check sequence numbers"))
}

#[derive(Default)]
struct Walk {
    state: Lifecycle,
    expected_seq: u64,
    prev_hash: Option<[u8; 32]>,
    last_time: Option<String>,
    entries: u64,
    signatures: u64,
    jobs: Vec<SigJob>,
    failure: Option<VerifyFailure>,
    /// Entries up to here were verified by an earlier run.
    checkpoint: u64,
}

impl Walk {
    fn fail(&mut self, seq: u64, reason: impl Into<String>) -> bool {
        let f = VerifyFailure {
            seq,
            reason: reason.into(),
        };
        if self.failure.as_ref().is_none_or(|old| f.seq < old.seq) {
            self.failure = Some(f);
        }
        false
    }

    /// Check one entry; false stops the walk.
    fn entry(&mut self, raw: RawEntry, sigs: Vec<SigRow>) -> bool {
        let seq = raw.seq as u64;
        let expected = self.expected_seq + 1;
        if seq != expected {
            return self.fail(
                expected,
                format!("entry {expected} is missing (next is {seq})"),
            );
        }
        self.expected_seq = seq;
        let prev = self.prev_hash.unwrap_or(GENESIS);
        if raw.prev_hash != prev {
            return self.fail(seq, "does not link to the entry before it (an entry was removed, replaced or reordered)");
        }
        let hash = entry_hash(&HashInput {
            seq,
            time: &raw.time,
            kind: &raw.kind,
            medium: raw.medium.as_deref(),
            actor: raw.actor.as_deref(),
            payload: &raw.payload,
            prev_hash: &prev,
        });
        if raw.hash != hash {
            return self.fail(
                seq,
                "its contents do not match its hash (the entry was edited)",
            );
        }
        if self.last_time.as_ref().is_some_and(|t| raw.time < *t) {
            return self.fail(seq, "its time is earlier than the entry before it");
        }
        let horizon =
            baitai_core::time::now() + jiff::SignedDuration::from_hours(FUTURE_TOLERANCE_HOURS);
        if raw.time > baitai_core::time::to_store(horizon) {
            return self.fail(
                seq,
                "its time is more than a day ahead of this machine's clock",
            );
        }
        let entry = match raw.decode() {
            Ok(e) => e,
            Err(e) => return self.fail(seq, e.to_string()),
        };
        if !self.queue_signatures(seq, &entry.body, entry.actor.as_ref(), &hash, sigs) {
            return false;
        }
        let act = Act {
            time: entry.time,
            medium: entry.medium.as_ref(),
            actor: entry.actor.as_ref(),
            body: &entry.body,
        };
        if let Err(r) = self.state.step(&act) {
            return self.fail(seq, format!("breaks a rule: {r}"));
        }
        self.prev_hash = Some(hash);
        // Unsigned rows (failed attempts) take no part in the order of time: anyone with the
        // file could add one dated ahead, and every later entry would then look backdated.
        if !entry.body.is_unsigned() {
            self.last_time = Some(baitai_core::time::to_store(entry.time));
        }
        self.entries += 1;
        if self.jobs.len() >= BATCH {
            self.flush();
            return self.failure.is_none();
        }
        true
    }

    fn queue_signatures(
        &mut self,
        seq: u64,
        body: &Body,
        actor: Option<&PersonId>,
        hash: &[u8; 32],
        sigs: Vec<SigRow>,
    ) -> bool {
        let mut needed: Vec<(SignRole, PersonId)> = Vec::new();
        if !body.is_unsigned() {
            match actor {
                Some(a) => needed.push((SignRole::Actor, a.clone())),
                None => return self.fail(seq, "names no actor"),
            }
        }
        if let Some((role, p)) = body.second_signer() {
            needed.push((role, p.clone()));
        }
        if sigs.len() != needed.len() {
            return self.fail(
                seq,
                format!(
                    "has {} signatures where {} are required",
                    sigs.len(),
                    needed.len()
                ),
            );
        }
        let by_role: HashMap<&str, &SigRow> = sigs.iter().map(|s| (s.0.as_str(), s)).collect();
        for (role, person) in needed {
            let Some((_, signer, sig)) = by_role.get(role.as_str()).copied() else {
                return self.fail(seq, format!("the {} signature is missing", role.as_str()));
            };
            if signer != &person.0 {
                return self.fail(
                    seq,
                    format!(
                        "the {} signature is by {signer}, not {person}",
                        role.as_str()
                    ),
                );
            }
            let key = match self.state.people.get(&person) {
                Some(p) => p.public_key,
                None => match body.introduced_key(&person) {
                    Some(k) => k,
                    None => {
                        return self.fail(
                            seq,
                            format!("is signed by {person}, who is not in the ledger"),
                        )
                    }
                },
            };
            self.jobs.push(SigJob {
                seq,
                role,
                key,
                hash: *hash,
                sig: sig.clone(),
            });
        }
        true
    }

    /// Check queued signatures on all cores; keep the earliest failure.
    fn flush(&mut self) {
        let jobs = std::mem::take(&mut self.jobs);
        self.signatures += jobs.len() as u64;
        let threads = std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(1)
            .max(1);
        let chunk = jobs.len().div_ceil(threads).max(1);
        let bad: Vec<std::result::Result<Option<&SigJob>, ()>> = std::thread::scope(|s| {
            let handles: Vec<_> = jobs
                .chunks(chunk)
                .map(|part| s.spawn(move || part.iter().find(|j| !check(j))))
                .collect();
            handles
                .into_iter()
                .map(|h| h.join().map_err(|_| ()))
                .collect::<Vec<_>>()
        });
        // A checker thread that died proves nothing: fail closed.
        if let Some(first) = jobs.first().filter(|_| bad.iter().any(|r| r.is_err())) {
            self.fail(first.seq, "signature checking did not complete");
            return;
        }
        let bad = bad
            .into_iter()
            .filter_map(|r| r.ok().flatten())
            .min_by_key(|j| j.seq);
        if let Some(j) = bad {
            let (seq, role) = (j.seq, j.role.as_str());
            self.fail(seq, format!("the {role} signature does not verify"));
        }
    }

    fn check_orphans(&mut self, conn: &Connection, after: u64) -> Result<()> {
        let orphan: Option<i64> = conn
            .query_row(
                "SELECT MIN(seq) FROM signatures WHERE seq > ?1 AND seq NOT IN (SELECT seq FROM entries WHERE seq > ?1)",
                [after as i64],
                |r| r.get(0),
            )
            .map_err(Error::db("check signatures"))?;
        if let Some(seq) = orphan {
            self.fail(seq as u64, "a signature exists for an entry that does not");
        }
        Ok(())
    }

    /// On failure at entry N, only entries before N count as verified, and the head is the
    /// hash of entry N−1 (signatures are checked in batches, after the walk has moved on).
    fn report(self, conn: &Connection) -> VerifyReport {
        let (entries, head) = match &self.failure {
            None => (self.entries, self.prev_hash.map(hex::encode)),
            Some(f) => {
                let before = f.seq.saturating_sub(1);
                let head: Option<Vec<u8>> = conn
                    .query_row(
                        "SELECT hash FROM entries WHERE seq = ?1",
                        [before as i64],
                        |r| r.get(0),
                    )
                    .ok();
                (before.min(self.entries), head.map(hex::encode))
            }
        };
        // Counted in the ledger: an incremental walk holds only the media it needed.
        let media: i64 = conn
            .query_row(
                "SELECT COUNT(*) FROM entries WHERE kind = 'medium.register' AND seq <= ?1",
                [entries as i64],
                |r| r.get(0),
            )
            .unwrap_or(self.state.media.len() as i64);
        VerifyReport {
            entries,
            checkpoint: self.checkpoint,
            signatures: self.signatures,
            media: media as usize,
            people: self.state.people.people.len(),
            head,
            failure: self.failure,
        }
    }
}

fn check(j: &SigJob) -> bool {
    match Signature::from_slice(&j.sig) {
        Some(sig) => j.key.verify_entry(j.role.as_str(), &j.hash, &sig),
        None => false,
    }
}
