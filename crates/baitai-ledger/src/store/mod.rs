//! Opening, migrating and writing the SQLite ledger file: the [`Ledger`] handle, split by
//! concern into the schema and its checks, the rows and the queries over them, and writing.

use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::Connection;

use crate::replica::{extend_or_drop, Replica};
use crate::trust::{Anchors, Verified};
use baitai_core::error::{Error, Result, Rule};
use baitai_core::lifecycle::{Directory, MediumState};

use crate::msg::{num, path as shown, Msg};

mod import;
mod local_copy;
mod read;
mod rows;
mod schema;
mod server;
mod storage;
mod write;

pub use rows::fold_medium;
pub use write::Writer;

pub(crate) use rows::{
    directory_upto, last_signed_time_upto, medium_entries_upto, to_hash, RawEntry,
};
pub(crate) use schema::CHAIN_SCHEMA;
pub(crate) use server::is_server_url;
pub use server::shown_location;
pub(crate) use storage::Store;

use rows::head;
use schema::{
    check_entries_key, check_is_ledger_file, create_private_dir, create_private_file,
    refuse_foreign_database, MIGRATIONS,
};

/// An open ledger file. Reads come from the snapshot that last verified (after [`Ledger::trust`])
/// and every append goes through [`Ledger::write`], whose [`Writer`] checks the rules and
/// signatures first.
pub struct Ledger {
    /// The SQLite ledger file; for a ledger on a server, this process's in-memory copy of the
    /// server's rows, which the rules and verification read (see `server`).
    conn: Connection,
    path: PathBuf,
    /// The server the ledger is kept on, when its path is a `postgres://` URL.
    server: Option<server::Server>,
    /// Set by `trust`: where this user's checkpoint and pin are kept.
    anchors: Option<Anchors>,
    /// What the last verification covered.
    verified: Option<Verified>,
    /// A read transaction is held open, so every read sees the snapshot that verified.
    snapshot: bool,
    /// This user's verified copy: reads come from it when there is one.
    replica: Option<Replica>,
    /// The people directory of the snapshot being read, folded once (it is read by nearly
    /// every step of a command, and folding a thousand people each time adds up).
    dir_cache: std::cell::RefCell<Option<Directory>>,
    /// Every medium's state, folded once per snapshot (see `all_states`).
    states_cache: std::cell::RefCell<Option<Vec<MediumState>>>,
}

impl Ledger {
    /// Create a new, empty ledger file (0600, parent directory 0700). Refuses an existing one.
    pub fn create(path: &Path) -> Result<Ledger> {
        if is_server_url(path) {
            // The server's tables are made by its administrator (sql/postgres-init.sql), not
            // by a client: creating is opening an empty one.
            let existing = Ledger::open(path)?;
            if existing.head()?.is_some() {
                return Err(Error::refused(
                    Rule::Init,
                    Msg::LedgerExists {
                        at: existing.shown().into(),
                    },
                ));
            }
            return Ok(existing);
        }
        if path.exists() {
            let existing = Ledger::open(path)?;
            if existing.head()?.is_some() {
                return Err(Error::refused(
                    Rule::Init,
                    Msg::LedgerExists { at: shown(path) },
                ));
            }
            return Ok(existing);
        }
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            create_private_dir(dir)?;
        }
        create_private_file(path)?;
        Ledger::open(path)
    }

    /// A handle on `conn`, not yet trusted: no anchors, nothing verified, nothing cached.
    fn over(conn: Connection, path: &Path, server: Option<server::Server>) -> Ledger {
        Ledger {
            conn,
            path: path.to_path_buf(),
            server,
            anchors: None,
            verified: None,
            snapshot: false,
            replica: None,
            dir_cache: Default::default(),
            states_cache: Default::default(),
        }
    }

    /// Open an existing ledger and bring its schema up to date.
    pub fn open(path: &Path) -> Result<Ledger> {
        if is_server_url(path) {
            return Ledger::open_server(path);
        }
        check_existing_file(path)?;
        let conn = Connection::open(path).map_err(Error::db(baitai_core::msg::Msg::IoOpen {
            path: shown(path),
        }))?;
        refuse_foreign_database(&conn, path)?;
        conn.busy_timeout(Duration::from_secs(60))
            .map_err(Error::db(Msg::SetBusyTimeout))?;
        conn.pragma_update(None, "journal_mode", "WAL")
            .map_err(Error::db(Msg::EnableWal))?;
        conn.pragma_update(None, "synchronous", "FULL")
            .map_err(Error::db(Msg::SetSynchronous))?;
        conn.pragma_update(None, "foreign_keys", "ON")
            .map_err(Error::db(Msg::EnableForeignKeys))?;
        let mut ledger = Ledger::over(conn, path, None);
        ledger.migrate()?;
        check_entries_key(&ledger.conn)?;
        Ok(ledger)
    }

    /// Open without writing anything (no WAL switch, no migration): for `ledger verify` and
    /// printouts, so an auditor's write-protected copy can be read.
    pub fn open_read_only(path: &Path) -> Result<Ledger> {
        if is_server_url(path) {
            // Nothing is written on opening a server ledger either way; what a login may do is
            // the server's to say (an auditor's role only reads).
            return Ledger::open_server(path);
        }
        check_existing_file(path)?;
        let flags =
            rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let conn = Connection::open_with_flags(path, flags).map_err(Error::db(
            baitai_core::msg::Msg::IoOpen { path: shown(path) },
        ))?;
        conn.busy_timeout(Duration::from_secs(60))
            .map_err(Error::db(Msg::SetBusyTimeout))?;
        refuse_foreign_database(&conn, path)?;
        let version = Store::schema_version(&conn)?;
        if version == 0 {
            return Err(Error::usage(Msg::NotInitialised { path: shown(path) }));
        }
        // Older schemas differ only in what entries they may hold, so they read as they are.
        if version > MIGRATIONS.len() {
            return Err(Error::usage(Msg::SchemaTooNew {
                path: shown(path),
                version: num(version),
                supported: num(MIGRATIONS.len()),
            }));
        }
        check_entries_key(&conn)?;
        Ok(Ledger::over(conn, path, None))
    }

    /// Open the ledger on the server at `url` (sql/postgres-init.sql made its tables) and
    /// copy its rows into memory, where they are verified and read.
    fn open_server(url: &Path) -> Result<Ledger> {
        let text = url.to_str().ok_or_else(|| Error::usage(Msg::UrlNotUtf8))?;
        let server = server::Server::connect(text)?;
        let version = server.schema_version()?;
        if version > MIGRATIONS.len() {
            return Err(Error::usage(Msg::ServerSchemaTooNew {
                server: server.shown().into(),
                version: num(version),
                supported: num(MIGRATIONS.len()),
            }));
        }
        let conn = local_copy::open(&server)?;
        let ledger = Ledger::over(conn, url, Some(server));
        ledger.pull()?;
        Ok(ledger)
    }

    /// For a server ledger, a new in-memory ledger holding every row the server holds now,
    /// for a whole verification; None for a file.
    pub(crate) fn fresh_server_copy(&self) -> Result<Option<Ledger>> {
        let Some(server) = &self.server else {
            return Ok(None);
        };
        let conn = local_copy::in_memory()?;
        server.pull_whole_into(&conn)?;
        Ok(Some(Ledger::over(conn, &self.path, None)))
    }

    /// Bring the in-memory copy of a server ledger up to the server's head (nothing for a
    /// file). Outside any snapshot: the copy only grows.
    fn pull(&self) -> Result<()> {
        match &self.server {
            Some(s) => s.pull_into(&self.conn),
            None => Ok(()),
        }
    }

    /// Where the entries are kept: the server, or the file.
    fn store(&self) -> &dyn Store {
        match &self.server {
            Some(s) => s,
            None => &self.conn,
        }
    }

    /// The ledger's place for messages: the file's path, or the server without its password.
    fn shown(&self) -> String {
        match &self.server {
            Some(s) => s.shown().to_string(),
            None => self.path.display().to_string(),
        }
    }

    /// The ledger file's path, as given (for a server, its URL).
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Verify the ledger before anything relies on it, and keep reading the snapshot that
    /// verified: the identity pinned for this path, then chain, signatures and rules from this
    /// user's checkpoint (all of it without one). The checkpoint then moves to the head.
    pub fn trust(&mut self, anchors: Anchors) -> Result<()> {
        self.end_snapshot()?;
        self.pull()?;
        // Read before the snapshot begins: others extend the copy and move the checkpoint
        // only after their commits, so neither can lie beyond what the snapshot sees.
        let kept = anchors.kept(&self.conn)?;
        let mut replica = kept.as_ref().and_then(|(id, _)| anchors.replica(id));
        let from_copy = match &replica {
            Some(r) => r.head()?,
            None => None,
        };
        self.begin_snapshot()?;
        let verified = match (from_copy, &replica, kept) {
            // What this user verified before is in the copy: check the ledger still holds the
            // copy's last entry, then verify only what follows it.
            (Some((seq, hash)), Some(r), Some((ledger_id, cp))) => {
                log::info!(
                    "verifying what was added after #{seq}, the end of this user's verified copy"
                );
                anchors.check_identity(&self.conn, &ledger_id)?;
                let v = Verified {
                    ledger_id,
                    seq,
                    head: hex::encode(hash),
                };
                crate::trust::verify_since(&self.conn, r.conn(), &v)?;
                // A `ledger verify` may have gone further than the copy: what it saw must
                // still be there too.
                if let Some(cp) = cp.filter(|cp| cp.seq > seq) {
                    crate::trust::still_holds(&self.conn, &cp)?;
                }
                self.verified_head(v.ledger_id)?
            }
            (_, _, kept) => {
                log::info!(
                    "no verified copy of this ledger for this user: verifying from {}",
                    match kept.as_ref().and_then(|(_, cp)| cp.as_ref()) {
                        Some(cp) => format!("the checkpoint at #{}", cp.seq),
                        None => "the first entry".into(),
                    }
                );
                anchors.establish_from(&self.conn, &self.path, kept)?
            }
        };
        if let Some(v) = &verified {
            extend_or_drop(&mut replica, &self.conn, v.seq);
        }
        self.replica = replica;
        if let Some(v) = &verified {
            // A home that cannot be written (an auditor's account) still gets the checks; the
            // checkpoint then stays where it was, and the next session verifies more.
            let _ = anchors.advance(v);
        }
        self.verified = verified;
        self.anchors = Some(anchors);
        Ok(())
    }

    /// The head of the snapshot just verified.
    fn verified_head(&self, ledger_id: String) -> Result<Option<Verified>> {
        Ok(head(&self.conn)?.map(|(seq, hash, _)| Verified {
            ledger_id,
            seq,
            head: hex::encode(hash),
        }))
    }

    /// Where verified reads come from: this user's copy, else the ledger's verified snapshot.
    fn reads(&self) -> &Connection {
        self.replica.as_ref().map_or(&self.conn, |r| r.conn())
    }

    /// What the last verification covered (None before `trust`, or for an empty ledger).
    pub fn verified(&self) -> Option<&Verified> {
        self.verified.as_ref()
    }

    /// Keep reading one snapshot from now on, without verifying it (for the printouts that
    /// verify it themselves and mark what fails).
    pub fn hold_snapshot(&mut self) -> Result<()> {
        self.end_snapshot()?;
        self.pull()?;
        self.begin_snapshot()
    }

    pub(crate) fn begin_snapshot(&mut self) -> Result<()> {
        self.dir_cache.borrow_mut().take();
        self.states_cache.borrow_mut().take();
        // A deferred transaction takes its snapshot at the first read, so read once now.
        self.conn
            .execute_batch("BEGIN DEFERRED; SELECT COUNT(*) FROM sqlite_master;")
            .map_err(Error::db(Msg::BeginRead))?;
        self.snapshot = true;
        Ok(())
    }

    fn end_snapshot(&mut self) -> Result<()> {
        self.dir_cache.borrow_mut().take();
        self.states_cache.borrow_mut().take();
        if self.snapshot {
            self.snapshot = false;
            self.conn
                .execute_batch("ROLLBACK")
                .map_err(Error::db(Msg::EndRead))?;
        }
        Ok(())
    }
}

/// A ledger file must exist and be one before SQLite opens it (SQLite would create an empty
/// database at a mistyped path).
fn check_existing_file(path: &Path) -> Result<()> {
    if !path.exists() {
        return Err(Error::usage(Msg::NoLedgerAt { path: shown(path) }));
    }
    check_is_ledger_file(path)
}

/// Remove an SQLite database and the WAL and shared-memory files beside it, where they exist:
/// a copy being replaced or abandoned.
pub(crate) fn remove_sqlite_files(path: &Path) {
    for ext in ["", "-wal", "-shm"] {
        let mut p = path.as_os_str().to_owned();
        p.push(ext);
        let _ = std::fs::remove_file(PathBuf::from(p));
    }
}
