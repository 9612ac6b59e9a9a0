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
//! Not yet: TLS (connections are plain; use a Unix socket or a trusted network), and a
//! persistent local copy (each command reads the whole ledger from the server once).

use std::cell::RefCell;
use std::path::Path;

use postgres::fallible_iterator::FallibleIterator;
use postgres::{Client, Config, NoTls};
use rusqlite::Connection;

use super::rows::{to_hash, RawEntry};
use super::storage::{SignatureRow, Store};
use baitai_core::error::{Error, Result};
use baitai_core::time;

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
    match url.parse::<Config>() {
        Ok(mut config) => {
            complete_from_env(&mut config);
            describe(&config)
        }
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
}

impl Server {
    /// Connect with the settings in `url`, completed from the `PG*` environment variables as
    /// libpq would (`PGHOST`, `PGPORT`, `PGUSER`, `PGPASSWORD`, `PGDATABASE`,
    /// `PGCONNECT_TIMEOUT`, `PGAPPNAME`).
    pub fn connect(url: &str) -> Result<Server> {
        let mut config: Config = url
            .parse()
            .map_err(|e| Error::usage(format!("the ledger URL is not a PostgreSQL URL: {e}")))?;
        complete_from_env(&mut config);
        let shown = describe(&config);
        let client = config.connect(NoTls).map_err(|e| unreachable(&shown, e))?;
        Ok(Server {
            client: RefCell::new(client),
            shown,
        })
    }

    /// Where the server is, for messages (no password).
    pub fn shown(&self) -> &str {
        &self.shown
    }

    fn db(&self, what: &str) -> impl FnOnce(postgres::Error) -> Error + '_ {
        let what = what.to_string();
        move |e| server_error(&self.shown, &what, e)
    }

    /// Begin an append: a transaction holding the chain head's lock until it ends. Read
    /// committed: after the lock, each statement sees every append committed before it.
    pub fn begin_append(&self) -> Result<()> {
        let mut c = self.client.borrow_mut();
        c.batch_execute("BEGIN ISOLATION LEVEL READ COMMITTED")
            .map_err(self.db("begin an append"))?;
        c.execute("SELECT pg_advisory_xact_lock($1)", &[&CHAIN_HEAD_LOCK])
            .map_err(self.db("wait for the chain head"))?;
        Ok(())
    }

    /// Commit the append begun with [`Server::begin_append`].
    pub fn commit(&self) -> Result<()> {
        self.client
            .borrow_mut()
            .batch_execute("COMMIT")
            .map_err(self.db("commit an append"))
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
            .map_err(Error::db("begin a pull into the copy"))?;
        let pulled = self.pull_rows(copy);
        let end = if pulled.is_ok() { "COMMIT" } else { "ROLLBACK" };
        copy.execute_batch(end)
            .map_err(Error::db("end a pull into the copy"))?;
        pulled
    }

    fn pull_rows(&self, copy: &Connection) -> Result<()> {
        let have = copy.head()?.map_or(0, |(seq, _, _)| seq);
        let mut last = have;
        self.each_entry_in(have, i64::MAX as u64, &mut |e| {
            last = last.max(e.seq as u64);
            copy.append_entry(&e)
        })?;
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
                Some(c) if *c == postgres::error::SqlState::UNDEFINED_TABLE
                    || *c == postgres::error::SqlState::INVALID_SCHEMA_NAME =>
                {
                    Error::usage(format!(
                        "the database at {} holds no baitai ledger: run crates/baitai-ledger/sql/postgres-init.sql in it first (docs/operations.md 2.6)",
                        self.shown
                    ))
                }
                _ => server_error(&self.shown, "read the schema version", e),
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
            .map_err(self.db("read the last entry"))?;
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
            .map_err(self.db("read the ledger"))?;
        while let Some(r) = rows.next().map_err(self.db("read the ledger"))? {
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
            .map_err(self.db("read the ledger"))?;
        while let Some(r) = rows.next().map_err(self.db("read the ledger"))? {
            f((r.get(0), r.get(1), r.get(2), r.get(3)))?;
        }
        Ok(())
    }

    fn append_entry(&self, e: &RawEntry) -> Result<()> {
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
            .map_err(self.db("append an entry"))
    }

    fn append_signature(&self, (seq, role, person, sig): &SignatureRow) -> Result<()> {
        self.client
            .borrow_mut()
            .execute(
                "INSERT INTO baitai.signatures(seq, role, person, signature) VALUES ($1, $2, $3, $4)",
                &[seq, role, person, sig],
            )
            .map(|_| ())
            .map_err(self.db("append a signature"))
    }

    fn sealed_key(&self, person: &str) -> Result<Option<String>> {
        self.client
            .borrow_mut()
            .query_opt(
                "SELECT sealed FROM baitai.person_keys WHERE person = $1",
                &[&person],
            )
            .map(|r| r.map(|r| r.get(0)))
            .map_err(self.db("read a sealed key"))
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
            .map_err(self.db("store a sealed key"))
    }

    fn each_sealed_key(&self, f: &mut dyn FnMut(String, String) -> Result<()>) -> Result<()> {
        let rows = self
            .client
            .borrow_mut()
            .query(
                "SELECT person, sealed FROM baitai.person_keys ORDER BY person",
                &[],
            )
            .map_err(self.db("read the sealed keys"))?;
        for r in rows {
            f(r.get(0), r.get(1))?;
        }
        Ok(())
    }
}

/// Fill what the URL left out from the `PG*` variables, as libpq does.
fn complete_from_env(config: &mut Config) {
    let var = |k: &str| std::env::var(k).ok().filter(|v| !v.is_empty());
    if config.get_hosts().is_empty() {
        match var("PGHOST") {
            Some(h) => {
                for h in h.split(',') {
                    config.host(h);
                }
            }
            // libpq's default: the Unix socket in /var/run/postgresql (Debian's).
            None => {
                config.host_path("/var/run/postgresql");
            }
        }
    }
    if config.get_ports().is_empty() {
        if let Some(p) = var("PGPORT").and_then(|p| p.parse().ok()) {
            config.port(p);
        }
    }
    if config.get_user().is_none() {
        if let Some(u) = var("PGUSER").or_else(|| var("USER")) {
            config.user(&u);
        }
    }
    if config.get_password().is_none() {
        if let Some(p) = var("PGPASSWORD") {
            config.password(&p);
        }
    }
    if config.get_dbname().is_none() {
        if let Some(d) = var("PGDATABASE") {
            config.dbname(&d);
        }
    }
    if config.get_connect_timeout().is_none() {
        let secs = var("PGCONNECT_TIMEOUT")
            .and_then(|s| s.parse().ok())
            .unwrap_or(10);
        config.connect_timeout(std::time::Duration::from_secs(secs));
    }
    if config.get_application_name().is_none() {
        config.application_name(&var("PGAPPNAME").unwrap_or_else(|| "baitai".into()));
    }
}

/// `postgres://host:port/database` for messages: never the password.
fn describe(config: &Config) -> String {
    let host = match config.get_hosts().first() {
        Some(postgres::config::Host::Tcp(h)) => h.clone(),
        Some(postgres::config::Host::Unix(p)) => p.display().to_string(),
        None => "?".into(),
    };
    let port = config.get_ports().first().copied().unwrap_or(5432);
    let db = config
        .get_dbname()
        .or(config.get_user())
        .unwrap_or("?")
        .to_string();
    format!("postgres://{host}:{port}/{db}")
}

/// The server could not be reached (or refused the login): an I/O failure, exit 1 like any
/// other ledger I/O, in one line.
fn unreachable(shown: &str, e: postgres::Error) -> Error {
    if let Some(db) = e.as_db_error() {
        return Error::Auth(format!(
            "the ledger server at {shown} refused the connection: {}",
            db.message()
        ));
    }
    Error::Io {
        context: format!("cannot reach the ledger server at {shown}"),
        source: std::io::Error::other(one_line(&e)),
    }
}

/// An error from the server while working: a refusal of the server's own rules (append-only,
/// the chain's links) is an integrity failure; anything else (a dropped connection) is I/O.
fn server_error(shown: &str, what: &str, e: postgres::Error) -> Error {
    use postgres::error::SqlState;
    match e.code() {
        Some(c) if *c == SqlState::INSUFFICIENT_PRIVILEGE => Error::Auth(format!(
            "the ledger server at {shown} refused to {what}: {}",
            e.as_db_error()
                .map_or_else(|| one_line(&e), |d| d.message().to_string())
        )),
        Some(c)
            if *c == SqlState::INTEGRITY_CONSTRAINT_VIOLATION
                || *c == SqlState::UNIQUE_VIOLATION =>
        {
            Error::Integrity(format!(
                "the ledger server at {shown} refused to {what}: {}",
                e.as_db_error()
                    .map_or_else(|| one_line(&e), |d| d.message().to_string())
            ))
        }
        _ => Error::Io {
            context: format!("the ledger server at {shown}: {what}"),
            source: std::io::Error::other(one_line(&e)),
        },
    }
}

/// The error and its causes on one line.
fn one_line(e: &(dyn std::error::Error + 'static)) -> String {
    let mut s = e.to_string();
    let mut cause = e.source();
    while let Some(c) = cause {
        let c_s = c.to_string();
        if !s.contains(&c_s) {
            s.push_str(": ");
            s.push_str(&c_s);
        }
        cause = c.source();
    }
    s.replace('\n', " ")
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
