//! The local copy of a server ledger's rows, which the rules and verification read: a file per
//! server under this user's state directory (`servers/`, beside the checkpoints), so a command
//! fetches what was added since the last one rather than the whole ledger; in memory where no
//! such file can be kept (an auditor's read-only home).
//!
//! A whole verification (`ledger verify`, the reports' and certificates' checks) does not read
//! it: it fetches every row from the server afresh (`Ledger::fresh_server_copy`).
//!
//! The copy is only a cache. It is kept while its last entry is still the server's entry of
//! that number, with the same hash; since each hash covers every entry before it, the copy is
//! then a prefix of the server's ledger. Anything else (the server restored from an older
//! backup, the file edited) starts the copy again, and trust at the point of use (§9.1) then
//! judges the server's rows against this user's checkpoint as it always does.

use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::Connection;
use sha2::{Digest, Sha256};

use super::schema::{create_private_dir, create_private_file, CHAIN_SCHEMA, MIGRATIONS};
use super::server::Server;
use super::{remove_sqlite_files, Store};
use crate::Checkpoints;
use baitai_core::error::{Error, Result};

use crate::msg::{path as shown, Msg};

/// The copy for `server`: the kept file when it still matches the server, else a new one, else
/// one in memory.
pub(super) fn open(server: &Server) -> Result<Connection> {
    if let Some(path) = path_for(server) {
        match open_file(&path, server) {
            Ok(conn) => return Ok(conn),
            Err(e) => log::warn!(
                "cannot keep a copy of {} at {}: {e}; keeping it in memory",
                server.shown(),
                path.display()
            ),
        }
    }
    in_memory()
}

/// A new, empty copy in memory.
pub(super) fn in_memory() -> Result<Connection> {
    let conn = Connection::open_in_memory().map_err(Error::db(Msg::OpenInMemoryCopy))?;
    make_schema(&conn)?;
    Ok(conn)
}

/// `<state>/baitai/servers/<hash of the server's place>.db`: one copy per server and database,
/// whoever logs in to it, since every login sees the same rows.
fn path_for(server: &Server) -> Option<PathBuf> {
    let checkpoints = Checkpoints::default_location()?;
    let dir = checkpoints.path().parent()?.join("servers");
    let key = hex::encode(Sha256::digest(server.shown().as_bytes()));
    Some(dir.join(format!("{}.db", &key[..32])))
}

fn open_file(path: &Path, server: &Server) -> Result<Connection> {
    if path.exists() {
        let conn = connect(path)?;
        if still_on_server(&conn, server)? {
            return Ok(conn);
        }
        log::info!(
            "the copy at {} is no longer a prefix of {}: starting it again",
            path.display(),
            server.shown()
        );
        drop(conn);
        remove_sqlite_files(path);
    }
    if let Some(dir) = path.parent() {
        create_private_dir(dir)?;
    }
    create_private_file(path)?;
    let conn = connect(path)?;
    make_schema(&conn)?;
    Ok(conn)
}

fn connect(path: &Path) -> Result<Connection> {
    let conn = Connection::open(path).map_err(Error::db(Msg::OpenCopy { path: shown(path) }))?;
    conn.busy_timeout(Duration::from_secs(60))
        .map_err(Error::db(Msg::SetBusyTimeout))?;
    conn.pragma_update(None, "journal_mode", "WAL")
        .map_err(Error::db(Msg::EnableWalOnCopy))?;
    Ok(conn)
}

fn make_schema(conn: &Connection) -> Result<()> {
    conn.execute_batch(CHAIN_SCHEMA)
        .map_err(Error::db(Msg::MakeCopy))?;
    conn.pragma_update(None, "user_version", MIGRATIONS.len())
        .map_err(Error::db(Msg::MakeCopy))
}

/// The copy is of this baitai's schema and its last entry is the server's, hash for hash.
fn still_on_server(conn: &Connection, server: &Server) -> Result<bool> {
    if Store::schema_version(conn)? != MIGRATIONS.len() {
        return Ok(false);
    }
    let Some((seq, hash, _)) = Store::head(conn)? else {
        return Ok(true);
    };
    let mut theirs = None;
    server.each_entry_in(seq - 1, seq, &mut |e| {
        theirs = Some(e.hash);
        Ok(())
    })?;
    Ok(theirs.as_deref() == Some(&hash[..]))
}
