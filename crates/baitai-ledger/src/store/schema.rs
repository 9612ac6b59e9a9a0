//! The ledger file's schema, its migrations, and the checks that a file is a baitai ledger
//! before anything is written to it.

use std::path::Path;

use rusqlite::{Connection, TransactionBehavior};

use super::{Ledger, Store};
use baitai_core::error::{Error, Result};

use crate::msg::{num, path as shown, Msg};

/// Schema migrations, numbered by position (PRAGMA user_version = how many have run).
pub(super) const MIGRATIONS: &[&str] = &[
    r#"
CREATE TABLE entries (
    seq       INTEGER PRIMARY KEY,
    time      TEXT NOT NULL,
    kind      TEXT NOT NULL,
    medium    TEXT,
    actor     TEXT,
    payload   TEXT NOT NULL,
    prev_hash BLOB NOT NULL,
    hash      BLOB NOT NULL
);
CREATE INDEX entries_medium ON entries(medium, seq);
CREATE INDEX entries_kind ON entries(kind, seq);
CREATE TABLE signatures (
    seq       INTEGER NOT NULL,
    role      TEXT NOT NULL,
    person    TEXT NOT NULL,
    signature BLOB NOT NULL,
    PRIMARY KEY (seq, role)
) WITHOUT ROWID;
CREATE INDEX signatures_person ON signatures(person, seq);
CREATE TABLE person_keys (
    person TEXT PRIMARY KEY,
    sealed TEXT NOT NULL
);
CREATE TRIGGER entries_append_only_u BEFORE UPDATE ON entries
    BEGIN SELECT RAISE(ABORT, 'ledger entries are append-only'); END;
CREATE TRIGGER entries_append_only_d BEFORE DELETE ON entries
    BEGIN SELECT RAISE(ABORT, 'ledger entries are append-only'); END;
CREATE TRIGGER signatures_append_only_u BEFORE UPDATE ON signatures
    BEGIN SELECT RAISE(ABORT, 'ledger signatures are append-only'); END;
CREATE TRIGGER signatures_append_only_d BEFORE DELETE ON signatures
    BEGIN SELECT RAISE(ABORT, 'ledger signatures are append-only'); END;
"#,
    // 2: nothing in the tables changes, but entries of kind `inventory.check` may now appear.
    // A baitai that reads schema 1 would call them tampering; this makes it say "upgrade".
    "-- schema 2: inventory.check entries",
    // 3: nothing in the tables changes, but person.unlock entries, person.passwd entries that
    // carry a new key and vault.put entries with a manifest_seq may now appear.
    "-- schema 3: person.unlock, rekeying person.passwd, vault.put manifest_seq",
    // 4: nothing in the tables changes, but vault.rekey entries may now appear.
    "-- schema 4: vault.rekey",
    // 5: nothing in the tables changes, but ledger.require_token entries, and person.add and
    // person.passwd entries naming a token (issue 21), may now appear.
    "-- schema 5: keys on a token, ledger.require_token",
    // 6: nothing in the tables changes, but medium.correct, person.roles, exception.grant and
    // exception.end entries (issue 18) may now appear.
    "-- schema 6: medium.correct, person.roles, exception.grant, exception.end",
];

/// The chain's tables and triggers (the first migration): the verified copy uses them too.
pub(crate) const CHAIN_SCHEMA: &str = MIGRATIONS[0];

impl Ledger {
    pub(super) fn migrate(&mut self) -> Result<()> {
        let version = Store::schema_version(&self.conn).map_err(with_context)?;
        if version > MIGRATIONS.len() {
            return Err(Error::usage(Msg::WrittenByNewer {
                version: num(version),
            }));
        }
        if version == MIGRATIONS.len() {
            return Ok(());
        }
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(Error::db(Msg::BeginMigration))?;
        // Another process may have migrated while we waited for the lock.
        let now = Store::schema_version(&*tx)?;
        for (i, sql) in MIGRATIONS.iter().enumerate().skip(now) {
            tx.execute_batch(sql)
                .map_err(Error::db(Msg::ApplyMigration { n: num(i + 1) }))?;
        }
        tx.pragma_update(None, "user_version", MIGRATIONS.len())
            .map_err(Error::db(Msg::RecordSchemaVersion))?;
        tx.commit().map_err(Error::db(Msg::CommitMigration))
    }
}

/// `e` with a doubt that the file is a ledger added to its context, where it has one.
fn with_context(e: Error) -> Error {
    match e {
        Error::Db { context, source } => Error::Db {
            context: context.then(" ", Msg::IsItALedger),
            source,
        },
        other => other,
    }
}

/// The chain relies on `seq` being the table's key: a table rebuilt without it could hold two
/// rows with one number, and a forged one would be read as real.
pub(super) fn check_entries_key(conn: &Connection) -> Result<()> {
    let mut st = conn
        .prepare("SELECT name, type, pk FROM pragma_table_info('entries')")
        .map_err(Error::db(Msg::CheckSchema))?;
    let ok = st
        .query_map([], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, i64>(2)?,
            ))
        })
        .map_err(Error::db(Msg::CheckSchema))?
        .filter_map(|r| r.ok())
        .any(|(name, ty, pk)| name == "seq" && ty.eq_ignore_ascii_case("INTEGER") && pk == 1);
    if !ok {
        return Err(Error::Integrity(Msg::RebuiltWithoutKey.into()));
    }
    Ok(())
}

/// Refuse a directory before SQLite touches it. Whether a file is an SQLite database is left to
/// SQLite's first read ([`refuse_foreign_database`]): opening and closing the file here would
/// cancel every POSIX lock this process holds on it, those of a connection already open
/// included, and another process could then checkpoint and remove the WAL under that
/// connection (sqlite.org, "How To Corrupt", 2.2).
pub(super) fn check_is_ledger_file(path: &Path) -> Result<()> {
    let meta = std::fs::metadata(path).map_err(Error::io(baitai_core::msg::Msg::IoLookAt {
        path: shown(path),
    }))?;
    if meta.is_dir() {
        return Err(not_a_ledger(path, Msg::IsADirectory));
    }
    Ok(())
}

fn not_a_ledger(path: &Path, why: Msg) -> Error {
    Error::usage(Msg::NotALedger {
        path: shown(path),
        why: why.into(),
    })
}

/// An SQLite database with tables but no baitai schema version belongs to something else:
/// never add our tables to it.
pub(super) fn refuse_foreign_database(conn: &Connection, path: &Path) -> Result<()> {
    let version: i64 = conn
        .pragma_query_value(None, "user_version", |r| r.get(0))
        .map_err(|e| match e.sqlite_error_code() {
            Some(rusqlite::ErrorCode::NotADatabase) => not_a_ledger(path, Msg::NotSqlite),
            _ => Error::db(Msg::ReadSchemaVersion)(e),
        })?;
    let tables: i64 = conn
        .query_row(
            "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table'",
            [],
            |r| r.get(0),
        )
        .map_err(Error::db(Msg::ListTables))?;
    if version == 0 && tables > 0 {
        return Err(Error::usage(Msg::ForeignDatabase { path: shown(path) }));
    }
    Ok(())
}

pub(super) fn create_private_dir(dir: &Path) -> Result<()> {
    if dir.exists() {
        return Ok(());
    }
    baitai_core::files::create_private_dir_all(dir).map_err(Error::io(
        baitai_core::msg::Msg::IoCreate { path: shown(dir) },
    ))
}

pub(super) fn create_private_file(path: &Path) -> Result<()> {
    baitai_core::files::create_private_file(path)
        .map(|_| ())
        .map_err(Error::io(baitai_core::msg::Msg::IoCreate {
            path: shown(path),
        }))
}
