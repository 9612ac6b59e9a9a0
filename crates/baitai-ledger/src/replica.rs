//! This user's verified copy of the ledger, kept beside their checkpoint: sessions take their
//! decisions and printouts from it, and extend it from the shared file by verifying only the
//! entries added since.
//!
//! Re-chaining the whole shared file on every command costs about half a second at a million
//! entries. The copy holds exactly the entries this user has verified, so a session needs to
//! check only that the shared file still holds the copy's last entry unchanged and then verify
//! what follows it; an old entry changed in the shared file can no longer reach a decision,
//! because nothing reads old entries from there (`ledger verify` still reports the change).

use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::{Connection, OptionalExtension, TransactionBehavior};

use crate::store::Store;
use baitai_core::error::{Error, Result};

use crate::msg::{num, path as shown, Msg};

/// The verified copy of one ledger.
pub struct Replica {
    conn: Connection,
    path: PathBuf,
}

impl Replica {
    /// Open (or create, `0600`) the copy at `path`.
    pub fn open(path: &Path) -> Result<Replica> {
        if let Some(dir) = path.parent() {
            // The copy holds the ledger's contents: only this user may read it.
            baitai_core::files::create_private_dir_all(dir).map_err(Error::io(
                baitai_core::msg::Msg::IoCreate { path: shown(dir) },
            ))?;
        }
        if !path.exists() {
            create_private(path)?;
        }
        let mut conn =
            Connection::open(path).map_err(Error::db(baitai_core::msg::Msg::IoOpen {
                path: shown(path),
            }))?;
        conn.busy_timeout(Duration::from_secs(60))
            .map_err(Error::db(Msg::SetBusyTimeout))?;
        conn.pragma_update(None, "journal_mode", "WAL")
            .map_err(Error::db(Msg::EnableWalOnVerifiedCopy))?;
        create_tables(&mut conn)?;
        Ok(Replica {
            conn,
            path: path.to_path_buf(),
        })
    }

    /// The copy's database, which verified reads query in place of the shared file.
    pub fn conn(&self) -> &Connection {
        &self.conn
    }

    /// Where the copy is kept.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The last entry copied: (seq, hash).
    pub fn head(&self) -> Result<Option<(u64, [u8; 32])>> {
        let row: Option<(i64, Vec<u8>)> = self
            .conn
            .query_row(
                "SELECT seq, hash FROM entries ORDER BY seq DESC LIMIT 1",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()
            .map_err(Error::db(Msg::ReadVerifiedCopy))?;
        row.map(|(s, h)| Ok((s as u64, super::store::to_hash(&h, s)?)))
            .transpose()
    }

    /// Copy the entries after the copy's last one up to `upto`, and their signatures, from
    /// `from` (a snapshot the caller has just verified up to `upto`). The first must link to
    /// the copy's last entry: otherwise the copy and the ledger have parted, and nothing is
    /// copied.
    pub fn extend(&mut self, from: &Connection, upto: u64) -> Result<()> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(Error::db(Msg::ExtendVerifiedCopy))?;
        // Another command of this user may have copied some of them already.
        let have: u64 = tx
            .query_row("SELECT COALESCE(MAX(seq), 0) FROM entries", [], |r| {
                r.get::<_, i64>(0)
            })
            .map_err(Error::db(Msg::ReadVerifiedCopy))? as u64;
        if have >= upto {
            return Ok(());
        }
        check_link(&tx, from, have)?;
        copy_rows(&tx, from, have, upto)?;
        tx.commit().map_err(Error::db(Msg::ExtendVerifiedCopy))
    }
}

/// The ledger's own tables (its first migration), made once: the copy holds rows of the
/// same shape, so the ledger's queries read it unchanged.
fn create_tables(conn: &mut Connection) -> Result<()> {
    // Immediate: two commands of this user may make it at once.
    let tx = conn
        .transaction_with_behavior(TransactionBehavior::Immediate)
        .map_err(Error::db(Msg::CreateVerifiedCopy))?;
    let version: i64 = tx
        .pragma_query_value(None, "user_version", |r| r.get(0))
        .map_err(Error::db(Msg::ReadVerifiedCopy))?;
    if version == 0 {
        tx.execute_batch(super::store::CHAIN_SCHEMA)
            .map_err(Error::db(Msg::CreateVerifiedCopy))?;
        tx.pragma_update(None, "user_version", 1)
            .map_err(Error::db(Msg::CreateVerifiedCopy))?;
    }
    tx.commit().map_err(Error::db(Msg::CreateVerifiedCopy))
}

/// Extend `copy` to `upto` from `from`; a copy that cannot be extended (a full disk, a copy
/// that parted from the ledger) is dropped, and reads then come from the ledger, verified.
pub fn extend_or_drop(copy: &mut Option<Replica>, from: &Connection, upto: u64) {
    if copy.as_mut().is_some_and(|r| r.extend(from, upto).is_err()) {
        *copy = None;
    }
}

/// The entry after `have` in `from` must link to the copy's entry `have`.
fn check_link(copy: &Connection, from: &dyn Store, have: u64) -> Result<()> {
    let mut theirs = None;
    from.each_entry_in(have, have + 1, &mut |e| {
        theirs = Some(e.prev_hash);
        Ok(())
    })?;
    let mine: Option<Vec<u8>> = copy
        .query_row(
            "SELECT hash FROM entries WHERE seq = ?1",
            [have as i64],
            |r| r.get(0),
        )
        .optional()
        .map_err(Error::db(Msg::ReadVerifiedCopy))?;
    match (mine, theirs) {
        (None, _) if have == 0 => Ok(()),
        (Some(a), Some(b)) if a == b => Ok(()),
        _ => Err(Error::Integrity(Msg::CopyParted { seq: num(have) }.into())),
    }
}

/// Copy the rows `after+1..=upto` from the store the ledger is kept in: the copy is SQLite
/// whatever that store is (docs/ledger.md §9.1).
fn copy_rows(copy: &Connection, from: &dyn Store, after: u64, upto: u64) -> Result<()> {
    from.each_entry_in(after, upto, &mut |e| copy.append_entry(&e))?;
    from.each_signature_in(after, upto, &mut |s| copy.append_signature(&s))
}

fn create_private(path: &Path) -> Result<()> {
    match baitai_core::files::create_private_file(path) {
        Ok(_) => Ok(()),
        // Another command of this user made it first.
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(()),
        Err(e) => Err(Error::Io {
            context: baitai_core::msg::Msg::IoCreate { path: shown(path) }.into(),
            source: e,
        }),
    }
}
