//! Trust at the point of use: before a command relies on the ledger, it is verified from this
//! user's checkpoint, its identity is checked against the one pinned for its path, and the
//! checkpoint then moves to the head that verified.
//!
//! `ledger verify` used to be the only place these checks ran, so every other command folded
//! whatever rows it found. Now a session verifies on opening and each write verifies again inside
//! its own transaction, so no decision is taken on a row that did not pass.

use std::path::Path;

use rusqlite::{Connection, OptionalExtension};

use super::checkpoint::{Checkpoint, Checkpoints, Pins};
use super::verify::{verify_in, VerifyFailure, VerifyReport};
use baitai_core::error::{Error, Result};

use crate::msg::{num, Msg};

/// Where this user keeps what they have verified: checkpoints per ledger and pins per path.
pub struct Anchors {
    /// None where the user has no state directory: every session then verifies everything.
    checkpoints: Option<Checkpoints>,
    pins: Option<Pins>,
    /// The ledger's path as given and, where it differs, as resolved: both are pinned, so
    /// swapping the file for a symlink to another ledger does not make a fresh path.
    path_keys: Vec<String>,
}

/// The part of the ledger a command may rely on: entries up to `seq`, ending at `head`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verified {
    /// The hash of entry 1 (hex): names the ledger whatever its path.
    pub ledger_id: String,
    /// The last entry verified.
    pub seq: u64,
    /// The hash of entry `seq` (hex).
    pub head: String,
}

impl Anchors {
    /// The anchors in this user's state directory (`$XDG_STATE_HOME/baitai/`), if there is one.
    pub fn for_ledger(ledger: &Path) -> Option<Anchors> {
        Checkpoints::default_location().map(|c| Anchors::with(c, ledger))
    }

    /// Anchors kept in `store` (and `pins.json` beside it).
    pub fn with(checkpoints: Checkpoints, ledger: &Path) -> Anchors {
        Anchors {
            pins: Some(Pins::beside(&checkpoints)),
            checkpoints: Some(checkpoints),
            path_keys: path_keys(ledger),
        }
    }

    /// No anchors: nothing is kept, so every session verifies the whole ledger.
    pub fn none(ledger: &Path) -> Anchors {
        Anchors {
            checkpoints: None,
            pins: None,
            path_keys: path_keys(ledger),
        }
    }

    /// This user's checkpoint for the ledger, if one is kept.
    pub fn checkpoint(&self, ledger_id: &str) -> Result<Option<Checkpoint>> {
        match &self.checkpoints {
            Some(c) => c.get(ledger_id),
            None => Ok(None),
        }
    }

    /// Refuse a ledger whose identity is not the one first seen at this path.
    fn check_pin(&self, ledger_id: &str) -> Result<()> {
        match self.pinned()? {
            Some(pinned) if pinned != ledger_id => Err(Error::Integrity(
                Msg::NotThePinnedLedger {
                    path: self
                        .path_keys
                        .first()
                        .map(String::as_str)
                        .unwrap_or("")
                        .into(),
                    id: ledger_id[..16.min(ledger_id.len())].into(),
                    pinned: pinned[..16.min(pinned.len())].into(),
                }
                .into(),
            )),
            _ => Ok(()),
        }
    }

    /// The identity pinned for this path, if any: under the path as given first, then as
    /// resolved.
    pub fn pinned(&self) -> Result<Option<String>> {
        let Some(pins) = &self.pins else {
            return Ok(None);
        };
        for key in &self.path_keys {
            if let Some(id) = pins.get(key)? {
                return Ok(Some(id));
            }
        }
        Ok(None)
    }

    /// Pin this path to `ledger_id`, even when another ledger was pinned there before.
    pub fn repin(&self, ledger_id: &str) -> Result<()> {
        let Some(pins) = &self.pins else {
            return Ok(());
        };
        for key in &self.path_keys {
            pins.put(key, ledger_id)?;
        }
        Ok(())
    }

    /// Record `v` as verified: the checkpoint moves forward (never back) and the path is pinned.
    pub fn advance(&self, v: &Verified) -> Result<()> {
        let (Some(checkpoints), Some(pins)) = (&self.checkpoints, &self.pins) else {
            return Ok(());
        };
        let kept = checkpoints.get(&v.ledger_id)?;
        if kept.as_ref().is_none_or(|k| k.seq < v.seq) {
            checkpoints.put(
                &v.ledger_id,
                Checkpoint {
                    seq: v.seq,
                    hash: v.head.clone(),
                    verified_at: baitai_core::time::to_store(baitai_core::time::now()),
                },
            )?;
        }
        for key in &self.path_keys {
            if pins.get(key)?.is_none() {
                pins.put(key, &v.ledger_id)?;
            }
        }
        Ok(())
    }

    /// Verify the ledger as `conn` sees it (the caller holds the transaction): the pin, then
    /// chain, signatures and rules from the kept checkpoint. None for an empty ledger.
    pub fn establish(&self, conn: &Connection, path: &Path) -> Result<Option<Verified>> {
        let kept = self.kept(conn)?;
        self.establish_from(conn, path, kept)
    }

    /// The ledger's identity and this user's checkpoint for it, read before a read snapshot
    /// begins: other processes move the checkpoint only after their commits, so one read
    /// first never lies beyond what the snapshot then sees.
    pub fn kept(&self, conn: &Connection) -> Result<Option<(String, Option<Checkpoint>)>> {
        match first_hash(conn)? {
            Some(id) => {
                let cp = self.checkpoint(&id)?;
                Ok(Some((id, cp)))
            }
            None => Ok(None),
        }
    }

    /// The ledger `conn` sees is the one `kept` read, and the one pinned for this path.
    pub fn check_identity(&self, conn: &Connection, ledger_id: &str) -> Result<()> {
        if first_hash(conn)?.as_deref() != Some(ledger_id) {
            return Err(Error::Integrity(Msg::FirstEntryChanged.into()));
        }
        self.check_pin(ledger_id)
    }

    /// This user's verified copy of the ledger, beside the checkpoints (None without a state
    /// directory, or where it cannot be made: sessions then re-check the ledger itself).
    pub fn replica(&self, ledger_id: &str) -> Option<super::replica::Replica> {
        let dir = self.checkpoints.as_ref()?.path().parent()?.join("copies");
        let name = format!("{}.db", &ledger_id[..32.min(ledger_id.len())]);
        super::replica::Replica::open(&dir.join(name)).ok()
    }

    /// `establish` from what `kept` read.
    pub fn establish_from(
        &self,
        conn: &Connection,
        path: &Path,
        kept: Option<(String, Option<Checkpoint>)>,
    ) -> Result<Option<Verified>> {
        let Some((ledger_id, kept)) = kept else {
            return Ok(None);
        };
        self.check_identity(conn, &ledger_id)?;
        let report = verify_in(conn, path, kept.as_ref(), kept.is_some())?;
        if let Some(f) = report.failure {
            return Err(refusal(&f));
        }
        let head = report
            .head
            .ok_or_else(|| Error::Integrity(Msg::VerifiedNoHead.into()))?;
        Ok(Some(Verified {
            ledger_id,
            seq: report.entries,
            head,
        }))
    }
}

/// The ledger's path as given (made absolute, symlinks kept) and as resolved, if different.
fn path_keys(ledger: &Path) -> Vec<String> {
    // A server's URL is no file: it is pinned as written, less any password in it.
    if crate::store::is_server_url(ledger) {
        return vec![without_password(&ledger.to_string_lossy())];
    }
    let given = std::path::absolute(ledger).unwrap_or_else(|_| ledger.to_path_buf());
    let resolved = std::fs::canonicalize(ledger)
        .map(baitai_core::files::without_verbatim)
        .unwrap_or_else(|_| given.clone());
    let mut keys = vec![given.display().to_string()];
    if resolved != given {
        keys.push(resolved.display().to_string());
    }
    keys
}

/// `scheme://user:password@rest` as `scheme://user@rest`.
fn without_password(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_string();
    };
    match rest.split_once('@') {
        Some((user, host)) if !host.contains('@') => {
            let user = user.split_once(':').map_or(user, |(u, _)| u);
            format!("{scheme}://{user}@{host}")
        }
        _ => format!("{scheme}://{rest}"),
    }
}

/// The check a printout makes for itself (it may print a ledger that fails): against this
/// user's kept checkpoint without moving it (from it when `incremental`), and against the
/// identity pinned for the path, since a ledger rebuilt by someone else verifies on its own
/// terms.
pub fn verify_pinned(ledger: &super::Ledger, incremental: bool) -> Result<VerifyReport> {
    let kept = ledger.kept_checkpoint()?;
    let incremental = incremental && kept.is_some();
    let mut report = ledger.verify_against(kept.as_ref(), incremental)?;
    if report.failure.is_none() {
        report.failure = pin_failure(ledger)?;
    }
    Ok(report)
}

/// A failure at entry 1 when the ledger at this path is not the one first used there.
fn pin_failure(ledger: &super::Ledger) -> Result<Option<VerifyFailure>> {
    let Some(anchors) = Anchors::for_ledger(ledger.path()) else {
        return Ok(None);
    };
    match (anchors.pinned()?, ledger.ledger_id()?) {
        (Some(p), Some(i)) if p != i => Ok(Some(VerifyFailure {
            seq: 1,
            reason: Msg::ReplacedOrRebuilt.into(),
        })),
        _ => Ok(None),
    }
}

/// Verify, inside an append's transaction, only what was added after `v` (which this session
/// verified on opening): the entry `v` ends at must still hold its hash.
pub fn verify_since(conn: &Connection, prefix: &Connection, v: &Verified) -> Result<()> {
    let cp = Checkpoint {
        seq: v.seq,
        hash: v.head.clone(),
        verified_at: String::new(),
    };
    let report = super::verify::verify_after(conn, prefix, &cp)?;
    match report.failure {
        Some(f) => Err(refusal(&f)),
        None => Ok(()),
    }
}

/// The entry a checkpoint names is still in the ledger with the hash it had.
pub fn still_holds(conn: &Connection, cp: &Checkpoint) -> Result<()> {
    match super::verify::still_there(conn, cp)? {
        Some(f) => Err(refusal(&f)),
        None => Ok(()),
    }
}

/// The error a command stops with when the ledger does not verify.
fn refusal(f: &VerifyFailure) -> Error {
    Error::Integrity(
        Msg::FailsVerification {
            seq: num(f.seq),
            reason: f.reason.clone(),
        }
        .into(),
    )
}

/// The hash of entry 1 (hex), if the ledger has one.
pub(crate) fn first_hash(conn: &Connection) -> Result<Option<String>> {
    conn.query_row("SELECT hash FROM entries WHERE seq = 1", [], |r| {
        r.get::<_, Vec<u8>>(0)
    })
    .optional()
    .map(|o| o.map(hex::encode))
    .map_err(Error::db(Msg::ReadFirstEntry))
}
