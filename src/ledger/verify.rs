//! `ledger verify`: recompute the hash chain, replay the rules, check every signature.

use std::collections::HashMap;

use rusqlite::{Connection, OptionalExtension};
use serde::Serialize;

use super::chain::{entry_hash, HashInput, GENESIS};
use super::store::{directory_upto, fold_medium, medium_entries_upto, to_hash, Ledger, RawEntry};
use crate::crypto::{PublicKey, Signature};
use crate::error::{Error, Result};
use crate::lifecycle::{Act, Lifecycle};
use crate::model::{Body, MediumNumber, PersonId, SignRole};

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
        verify(self.conn(), Walk::default())
    }

    /// Check only the entries after the latest verify checkpoint, after making sure the
    /// checkpoint's entry is still the one that verified. Without a checkpoint, check all.
    pub fn verify_incremental(&self) -> Result<VerifyReport> {
        match self.last_checkpoint()? {
            None => self.verify(),
            Some((seq, hash)) => verify(self.conn(), resume(self.conn(), seq, &hash)?),
        }
    }
}

/// A walk that starts after checkpoint `seq`: the chain links on from the checkpoint's hash,
/// and the rules start from the people and the states, as of the checkpoint, of the media
/// that later entries touch.
fn resume(conn: &Connection, seq: u64, kept: &[u8]) -> Result<Walk> {
    let mut walk = Walk {
        expected_seq: seq,
        entries: seq,
        checkpoint: seq,
        ..Walk::default()
    };
    let raw = conn
        .query_row(
            "SELECT seq, time, kind, medium, actor, payload, prev_hash, hash FROM entries WHERE seq = ?1",
            [seq as i64],
            RawEntry::from_row,
        )
        .optional()
        .map_err(Error::db("read the checkpoint entry"))?;
    let Some(raw) = raw else {
        walk.fail(seq, "the entry of the last verify checkpoint is gone");
        return Ok(walk);
    };
    let recomputed = entry_hash(&HashInput {
        seq,
        time: &raw.time,
        kind: &raw.kind,
        medium: raw.medium.as_deref(),
        actor: raw.actor.as_deref(),
        payload: &raw.payload,
        prev_hash: &to_hash(&raw.prev_hash, raw.seq)?,
    });
    if raw.hash != kept || recomputed[..] != kept[..] {
        walk.fail(
            seq,
            "changed since it was verified (the last verify checkpoint no longer matches)",
        );
        return Ok(walk);
    }
    walk.prev_hash = Some(recomputed);
    walk.last_time = Some(raw.time);
    walk.state.people = directory_upto(conn, seq)?;
    let mut st = conn
        .prepare("SELECT DISTINCT medium FROM entries WHERE seq > ?1 AND medium IS NOT NULL")
        .map_err(Error::db("read the ledger"))?;
    let touched: Vec<String> = st
        .query_map([seq as i64], |r| r.get(0))
        .map_err(Error::db("read the ledger"))?
        .collect::<rusqlite::Result<_>>()
        .map_err(Error::db("read the ledger"))?;
    for m in touched {
        if let Some(state) = fold_medium(&medium_entries_upto(conn, &m, seq)?) {
            walk.state.media.insert(MediumNumber(m), state);
        }
    }
    Ok(walk)
}

/// How far ahead of this machine's clock an entry may be before verify calls it suspect.
const FUTURE_TOLERANCE_HOURS: i64 = 24;

fn verify(conn: &Connection, mut walk: Walk) -> Result<VerifyReport> {
    if walk.failure.is_some() {
        return Ok(walk.report(conn));
    }
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
        let horizon = crate::time::now() + jiff::SignedDuration::from_hours(FUTURE_TOLERANCE_HOURS);
        if raw.time > crate::time::to_store(horizon) {
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
        self.last_time = Some(crate::time::to_store(entry.time));
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
