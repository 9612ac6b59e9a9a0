//! `ledger verify`: recompute the hash chain, replay the rules, check every signature.

mod checkers;
mod rechain;
mod walk;

use std::path::Path;

use rusqlite::{Connection, OptionalExtension};
use serde::Serialize;

use super::checkpoint::Checkpoint;
use super::store::{
    directory_upto, fold_medium, last_signed_time_upto, medium_entries_upto, Ledger, RawEntry,
};
use baitai_core::error::{Error, Result};
use baitai_core::model::MediumNumber;
use baitai_core::text::Text;
use rechain::{rechain, rechain_range};
use walk::{SigRow, Walk};

use crate::msg::Msg;

/// The first entry that fails, and why.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct VerifyFailure {
    /// The entry that fails (for a missing entry, the number it should have had).
    pub seq: u64,
    /// Why, in words for the auditor: `reason.in_lang(lang)` in the screen's language
    /// (`Display` and JSON give the English).
    #[serde(serialize_with = "english")]
    pub reason: Text,
}

/// A text in JSON: its English, the stable form.
fn english<S: serde::Serializer>(t: &Text, s: S) -> std::result::Result<S::Ok, S::Error> {
    s.serialize_str(&t.en())
}

/// What a `ledger verify` checked and found.
#[derive(Debug, Clone, Serialize)]
pub struct VerifyReport {
    /// Entries that verified, from the first: all of them, or those before the failure.
    pub entries: u64,
    /// Signatures checked, beyond the checkpoint.
    pub signatures: u64,
    /// Media registered in the entries that verified.
    pub media: usize,
    /// People in the directory the verified entries build.
    pub people: usize,
    /// Hash of the last entry that verified (hex): an auditor keeps it to detect truncation
    /// later. When verification fails it is the hash of the entry before the failure.
    pub head: Option<String>,
    /// Entries up to this one were verified by an earlier run and not checked again
    /// (`--incremental`); 0 when the whole ledger was checked.
    pub checkpoint: u64,
    /// The first failure; None when everything verified.
    pub failure: Option<VerifyFailure>,
}

impl VerifyReport {
    /// Whether everything verified.
    pub fn ok(&self) -> bool {
        self.failure.is_none()
    }
}

impl Ledger {
    /// Check the whole ledger.
    pub fn verify(&self) -> Result<VerifyReport> {
        self.verify_against(None, false)
    }

    /// The hash of the first entry (hex): names this ledger in the checkpoint file.
    pub fn ledger_id(&self) -> Result<Option<String>> {
        crate::trust::first_hash(self.conn())
    }

    /// This user's kept checkpoint for this ledger, if any: what a read-only check is made
    /// against, so that a ledger cut short since the last verify fails it.
    pub fn kept_checkpoint(&self) -> Result<Option<crate::Checkpoint>> {
        match (crate::Checkpoints::default_location(), self.ledger_id()?) {
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
        // On a server, what is verified is the server's rows as they are now, fetched whole:
        // the copy this user keeps is trusted only from its checkpoint on, and a row rewritten
        // on the server behind it (its stored hash kept) would not show in the copy.
        if let Some(fresh) = self.fresh_server_copy()? {
            return fresh.verify_against(kept, incremental);
        }
        // A trusted session already holds the snapshot its reads see.
        if !self.conn().is_autocommit() {
            return verify_in(self.conn(), self.path(), kept, incremental);
        }
        let snapshot = self
            .conn()
            .unchecked_transaction()
            .map_err(Error::db(Msg::BeginRead))?;
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
        .map_err(Error::db(Msg::ReadCheckpointEntry))?;
    let at = Text::plain(cp.verified_at.clone());
    let reason = match stored {
        None => Msg::CheckpointGone { at },
        Some(h) if hex::encode(&h) != cp.hash => Msg::CheckpointChanged { at },
        Some(_) => return Ok(None),
    };
    Ok(Some(VerifyFailure {
        seq: cp.seq,
        reason: reason.into(),
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
        .map_err(Error::db(Msg::ReadTheLedger))?;
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
        walk.fail(seq, Msg::ChainNoLongerEnds);
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
        .map_err(Error::db(Msg::ReadTheLedger))?;
    let touched: Vec<String> = st
        .query_map([seq as i64], |r| r.get(0))
        .map_err(Error::db(Msg::ReadTheLedger))?
        .collect::<rusqlite::Result<_>>()
        .map_err(Error::db(Msg::ReadTheLedger))?;
    for m in touched {
        if let Some(state) = fold_medium(&medium_entries_upto(prefix, &m, seq)?) {
            walk.state.media.insert(MediumNumber(m), state);
        }
    }
    Ok(walk)
}

fn verify(conn: &Connection, mut walk: Walk, kept: Option<&Checkpoint>) -> Result<VerifyReport> {
    let after = walk.checkpoint;
    if let Some(seq) = duplicate_seq(conn, after)? {
        // Two rows with one sequence number: the table was rebuilt without its key.
        walk.fail(seq, Msg::AppearsTwice);
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
        .map_err(Error::db(Msg::ReadTheLedger))?;
    let mut rows = stmt
        .query([after as i64])
        .map_err(Error::db(Msg::ReadTheLedger))?;
    let mut current: Option<(RawEntry, Vec<SigRow>)> = None;
    while let Some(row) = rows.next().map_err(Error::db(Msg::ReadTheLedger))? {
        let raw = RawEntry::from_row(row).map_err(Error::db(Msg::ReadTheLedger))?;
        let sig: Option<SigRow> = match row.get::<_, Option<String>>(8) {
            Ok(Some(role)) => Some((
                role,
                row.get(9).map_err(Error::db(Msg::ReadASignature))?,
                row.get(10).map_err(Error::db(Msg::ReadASignature))?,
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
    walk.finish();
    if walk.failure.is_none() {
        walk.check_orphans(conn, after)?;
    }
    if let Some(f) = kept.map(|cp| still_there(conn, cp)).transpose()?.flatten() {
        walk.fail(f.seq, f.reason);
    }
    if walk.failure.is_none() && walk.entries == 0 {
        walk.fail(1, Msg::NoEntries);
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
    .map_err(Error::db(Msg::CheckSequenceNumbers))
}
