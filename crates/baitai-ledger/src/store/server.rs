//! The ledger on a PostgreSQL server (issue 16): the second [`Store`], opened when the ledger's
//! path is a `postgres://` or `postgresql://` URL.
//!
//! The server holds the entries, signatures and sealed keys in the tables
//! `sql/postgres-init.sql` makes, and refuses to change or remove them (its roles and
//! triggers, not this client, enforce append-only). This process keeps a copy of the server's
//! rows in an in-memory SQLite database, brought up to the server's head on opening and inside
//! every append, so that the chain, the rules, the signatures and verification run unchanged
//! on SQLite: none of them is written twice. An append takes the server's advisory lock on the
//! chain head inside its transaction, so appends from every client serialise on it.
//!
//! How the connection is made (TLS, a service file, `.pgpass`) is in `connect`.

use std::cell::RefCell;
use std::path::Path;

use postgres::fallible_iterator::FallibleIterator;
use postgres::Client;
use rusqlite::Connection;

use super::rows::{to_hash, RawEntry};
use super::storage::{SignatureRow, Store};
use baitai_core::error::{Error, Result};
use baitai_core::text::Text;
use baitai_core::time;

use crate::msg::{num, Msg};
use connect::{one_line, Target};

mod connect;

/// The advisory lock every append holds for the rest of its transaction (any constant the
/// whole organisation's clients share: "baitai" in ASCII).
const CHAIN_HEAD_LOCK: i64 = 0x6261_6974_6169;

/// Whether `path` names a ledger server rather than an SQLite file.
pub fn is_server_url(path: &Path) -> bool {
    path.to_str()
        .is_some_and(|s| s.starts_with("postgres://") || s.starts_with("postgresql://"))
}

/// Where a ledger is, as messages and printouts may show it: a file's path as it is, and a
/// server as `postgres://host:port/database`, without the password a URL may carry.
pub fn shown_location(path: &Path) -> String {
    let Some(url) = path.to_str().filter(|_| is_server_url(path)) else {
        return path.display().to_string();
    };
    match Target::resolve(url) {
        Ok(target) => target.shown,
        // Not a URL the client can read: say no more of it than its scheme.
        Err(_) => "postgres://…".into(),
    }
}

/// A connection to the ledger's server.
pub(crate) struct Server {
    client: RefCell<Client>,
    /// Where the server is, for messages: `postgres://host:port/database`, never the user's
    /// password.
    shown: String,
    /// How to connect again, to learn whether a commit whose reply was lost took effect.
    target: Target,
    /// The last entry (seq and hash) the append in progress sent.
    last_sent: RefCell<Option<(i64, Vec<u8>)>>,
}

impl Server {
    /// Connect with the settings in `url`, completed as libpq would: from its service file,
    /// the `PG*` environment variables and `.pgpass` (see `connect`).
    pub fn connect(url: &str) -> Result<Server> {
        let target = Target::open(url)?;
        let client = target.connect()?;
        Ok(Server {
            client: RefCell::new(client),
            shown: target.shown.clone(),
            target,
            last_sent: RefCell::new(None),
        })
    }

    /// Where the server is, for messages (no password).
    pub fn shown(&self) -> &str {
        &self.shown
    }

    fn db(&self, what: Msg) -> impl FnOnce(postgres::Error) -> Error + '_ {
        move |e| server_error(&self.shown, what, e)
    }

    /// Begin an append: a transaction holding the chain head's lock until it ends. Read
    /// committed: after the lock, each statement sees every append committed before it.
    pub fn begin_append(&self) -> Result<()> {
        self.last_sent.replace(None);
        let mut c = self.client.borrow_mut();
        c.batch_execute("BEGIN ISOLATION LEVEL READ COMMITTED")
            .map_err(self.db(Msg::BeginAppend))?;
        c.execute("SELECT pg_advisory_xact_lock($1)", &[&CHAIN_HEAD_LOCK])
            .map_err(self.db(Msg::WaitChainHead))?;
        Ok(())
    }

    /// Commit the append begun with [`Server::begin_append`]. A connection lost once COMMIT
    /// was sent leaves it unknown whether the server committed: a new session looks for the
    /// last entry sent, so an append that landed is not reported as failed.
    pub fn commit(&self) -> Result<()> {
        let Err(e) = self.client.borrow_mut().batch_execute("COMMIT") else {
            return Ok(());
        };
        // The server answered: it refused, so nothing was committed.
        let answered = e.as_db_error().is_some();
        let failed = server_error(&self.shown, Msg::CommitAppend, e);
        let Some((seq, hash)) = self.last_sent.take().filter(|_| !answered) else {
            return Err(failed);
        };
        let unknown = |e: Error| {
            Error::OutcomeUnknown(
                Msg::OutcomeUnknown {
                    server: self.shown.as_str().into(),
                    cause: (&e).into(),
                }
                .into(),
            )
        };
        let mut again = self.target.connect().map_err(unknown)?;
        let found = again
            .query_opt("SELECT hash FROM baitai.entries WHERE seq = $1", &[&seq])
            .map_err(|e| unknown(server_error(&self.shown, Msg::LookForAppend, e)))?;
        if found.is_some_and(|r| r.get::<_, Vec<u8>>(0) == hash) {
            log::warn!("the reply to an append's commit was lost; the server has it (entry {seq})");
            self.client.replace(again);
            return Ok(());
        }
        Err(failed)
    }

    /// Roll back whatever the append wrote; a connection already gone has nothing to undo.
    pub fn rollback(&self) {
        let _ = self.client.borrow_mut().batch_execute("ROLLBACK");
    }

    /// Bring `copy` (the in-memory copy of the ledger) up to the server's head, and refresh its
    /// sealed keys. The rows are checked later, by the verification that reads them.
    pub fn pull_into(&self, copy: &Connection) -> Result<()> {
        // One transaction: a kept copy takes the rows in one write, and two commands of one
        // user pulling at once take turns rather than both appending the same rows.
        copy.execute_batch("BEGIN IMMEDIATE")
            .map_err(Error::db(Msg::BeginPull))?;
        let pulled = self.pull_rows(copy);
        let end = if pulled.is_ok() { "COMMIT" } else { "ROLLBACK" };
        copy.execute_batch(end).map_err(Error::db(Msg::EndPull))?;
        pulled
    }

    /// Every row of the server into an empty `copy`, read in one snapshot: what a whole
    /// verification checks. Unlike a pull it takes every signature, so one left on the server
    /// without its entry (rows removed behind the triggers) is there to be found.
    pub fn pull_whole_into(&self, copy: &Connection) -> Result<()> {
        self.client
            .borrow_mut()
            .batch_execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
            .map_err(self.db(Msg::BeginReadWhole))?;
        let read = self.copy_rows(copy, 0).and_then(|_| {
            self.each_signature_in(0, u64::MAX, &mut |s| copy.append_signature(&s))?;
            self.each_sealed_key(&mut |person, sealed| copy.put_sealed_key(&person, &sealed))
        });
        let end = match read {
            Ok(()) => "COMMIT",
            Err(_) => "ROLLBACK",
        };
        let ended = self.client.borrow_mut().batch_execute(end);
        read?;
        ended.map_err(self.db(Msg::EndReadWhole))
    }

    /// The server's entries after `have` into `copy`; the last one copied (`have` if none).
    fn copy_rows(&self, copy: &Connection, have: u64) -> Result<u64> {
        let mut last = have;
        self.each_entry_in(have, i64::MAX as u64, &mut |e| {
            // The server's primary key and the copy's order both rule this out: only rows
            // rewritten behind the triggers (and the key dropped) can repeat or go back.
            if e.seq as u64 <= last {
                return Err(Error::Integrity(
                    Msg::HeldTwice {
                        seq: num(e.seq),
                        server: self.shown.as_str().into(),
                    }
                    .into(),
                ));
            }
            last = e.seq as u64;
            copy.append_entry(&e)
        })?;
        Ok(last)
    }

    fn pull_rows(&self, copy: &Connection) -> Result<()> {
        let have = copy.head()?.map_or(0, |(seq, _, _)| seq);
        let last = self.copy_rows(copy, have)?;
        // Only the signatures of the entries just copied: other sites commit between the two
        // reads (each its own snapshot), and a signature of an entry not copied yet would read
        // as a signature without its entry, then be copied twice by the next pull.
        if last == have {
            // Nothing new: a sealed key is stored only with the entry that adds or changes it.
            return Ok(());
        }
        self.each_signature_in(have, last, &mut |s| copy.append_signature(&s))?;
        self.each_sealed_key(&mut |person, sealed| copy.put_sealed_key(&person, &sealed))
    }
}

impl Store for Server {
    fn schema_version(&self) -> Result<usize> {
        let row = self
            .client
            .borrow_mut()
            .query_one("SELECT schema_version FROM baitai.meta", &[])
            .map_err(|e| match e.code() {
                Some(c)
                    if *c == postgres::error::SqlState::UNDEFINED_TABLE
                        || *c == postgres::error::SqlState::INVALID_SCHEMA_NAME =>
                {
                    Error::usage(Msg::NoLedgerOnServer {
                        server: self.shown.as_str().into(),
                    })
                }
                _ => server_error(&self.shown, Msg::ReadTheSchemaVersion, e),
            })?;
        Ok(row.get::<_, i32>(0).max(0) as usize)
    }

    fn head(&self) -> Result<Option<(u64, [u8; 32], jiff::Timestamp)>> {
        let row = self
            .client
            .borrow_mut()
            .query_opt(
                "SELECT seq, hash, time FROM baitai.entries ORDER BY seq DESC LIMIT 1",
                &[],
            )
            .map_err(self.db(Msg::ReadLastEntry))?;
        match row {
            None => Ok(None),
            Some(r) => {
                let seq: i64 = r.get(0);
                let hash: Vec<u8> = r.get(1);
                let t: String = r.get(2);
                Ok(Some((
                    seq as u64,
                    to_hash(&hash, seq)?,
                    time::from_store(&t)?,
                )))
            }
        }
    }

    fn each_entry_in(
        &self,
        after: u64,
        upto: u64,
        f: &mut dyn FnMut(RawEntry) -> Result<()>,
    ) -> Result<()> {
        let (after, upto) = (after as i64, upto.min(i64::MAX as u64) as i64);
        let mut c = self.client.borrow_mut();
        // Streamed, not collected: a first copy of a million entries is never all in memory.
        let mut rows = c
            .query_raw(
                "SELECT seq, time, kind, medium, actor, payload, prev_hash, hash FROM baitai.entries
                  WHERE seq > $1 AND seq <= $2 ORDER BY seq",
                [&after as &(dyn postgres::types::ToSql + Sync), &upto],
            )
            .map_err(self.db(Msg::ReadTheLedger))?;
        while let Some(r) = rows.next().map_err(self.db(Msg::ReadTheLedger))? {
            f(RawEntry {
                seq: r.get(0),
                time: r.get(1),
                kind: r.get(2),
                medium: r.get(3),
                actor: r.get(4),
                payload: r.get(5),
                prev_hash: r.get(6),
                hash: r.get(7),
            })?;
        }
        Ok(())
    }

    fn each_signature_in(
        &self,
        after: u64,
        upto: u64,
        f: &mut dyn FnMut(SignatureRow) -> Result<()>,
    ) -> Result<()> {
        let (after, upto) = (after as i64, upto.min(i64::MAX as u64) as i64);
        let mut c = self.client.borrow_mut();
        let mut rows = c
            .query_raw(
                "SELECT seq, role, person, signature FROM baitai.signatures
                  WHERE seq > $1 AND seq <= $2 ORDER BY seq, role",
                [&after as &(dyn postgres::types::ToSql + Sync), &upto],
            )
            .map_err(self.db(Msg::ReadTheLedger))?;
        while let Some(r) = rows.next().map_err(self.db(Msg::ReadTheLedger))? {
            f((r.get(0), r.get(1), r.get(2), r.get(3)))?;
        }
        Ok(())
    }

    fn append_entry(&self, e: &RawEntry) -> Result<()> {
        self.last_sent.replace(Some((e.seq, e.hash.clone())));
        self.client
            .borrow_mut()
            .execute(
                "INSERT INTO baitai.entries(seq, time, kind, medium, actor, payload, prev_hash, hash)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
                &[
                    &e.seq,
                    &e.time,
                    &e.kind,
                    &e.medium,
                    &e.actor,
                    &e.payload,
                    &e.prev_hash,
                    &e.hash,
                ],
            )
            .map(|_| ())
            .map_err(self.db(Msg::AppendEntry))
    }

    fn append_signature(&self, (seq, role, person, sig): &SignatureRow) -> Result<()> {
        self.client
            .borrow_mut()
            .execute(
                "INSERT INTO baitai.signatures(seq, role, person, signature) VALUES ($1, $2, $3, $4)",
                &[seq, role, person, sig],
            )
            .map(|_| ())
            .map_err(self.db(Msg::AppendSignature))
    }

    fn sealed_key(&self, person: &str) -> Result<Option<String>> {
        self.client
            .borrow_mut()
            .query_opt(
                "SELECT sealed FROM baitai.person_keys WHERE person = $1",
                &[&person],
            )
            .map(|r| r.map(|r| r.get(0)))
            .map_err(self.db(Msg::ReadSealedKey))
    }

    fn put_sealed_key(&self, person: &str, sealed: &str) -> Result<()> {
        self.client
            .borrow_mut()
            .execute(
                "INSERT INTO baitai.person_keys(person, sealed) VALUES ($1, $2)
                 ON CONFLICT (person) DO UPDATE SET sealed = excluded.sealed",
                &[&person, &sealed],
            )
            .map(|_| ())
            .map_err(self.db(Msg::StoreSealedKey))
    }

    fn each_sealed_key(&self, f: &mut dyn FnMut(String, String) -> Result<()>) -> Result<()> {
        let rows = self
            .client
            .borrow_mut()
            .query(
                "SELECT person, sealed FROM baitai.person_keys ORDER BY person",
                &[],
            )
            .map_err(self.db(Msg::ReadSealedKeys))?;
        for r in rows {
            f(r.get(0), r.get(1))?;
        }
        Ok(())
    }
}

/// An error from the server while working: a refusal of the server's own rules (append-only,
/// the chain's links) is an integrity failure; anything else (a dropped connection) is I/O.
fn server_error(shown: &str, what: Msg, e: postgres::Error) -> Error {
    use postgres::error::SqlState;
    // What the server said is its own text, the same in every language.
    let refused = || -> Text {
        Msg::ServerRefused {
            server: shown.into(),
            what: what.clone().into(),
            cause: e
                .as_db_error()
                .map_or_else(|| one_line(&e), |d| d.message().to_string())
                .into(),
        }
        .into()
    };
    match e.code() {
        Some(c) if *c == SqlState::INSUFFICIENT_PRIVILEGE => Error::Auth(refused()),
        Some(c)
            if *c == SqlState::INTEGRITY_CONSTRAINT_VIOLATION
                || *c == SqlState::UNIQUE_VIOLATION =>
        {
            Error::Integrity(refused())
        }
        _ => Error::Io {
            context: Msg::ServerDoing {
                server: shown.into(),
                what: what.into(),
            }
            .into(),
            source: std::io::Error::other(one_line(&e)),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_server_is_shown_without_its_password() {
        let shown = shown_location(Path::new("postgres://clerk:s3cret@db.example:6543/ledger"));
        assert_eq!(shown, "postgres://db.example:6543/ledger");
        let garbled = shown_location(Path::new("postgresql://clerk:s3cret@[bad"));
        assert!(!garbled.contains("s3cret"), "{garbled}");
        let file = shown_location(Path::new("/var/lib/baitai/ledger.db"));
        assert_eq!(file, "/var/lib/baitai/ledger.db");
    }
}
