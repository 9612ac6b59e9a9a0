//! Opening, migrating and writing the SQLite ledger file.

use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::{params, Connection, OptionalExtension, Row, TransactionBehavior};

use super::chain::{entry_hash, Draft, HashInput, StoredEntry, StoredSignature, GENESIS};
use super::replica::{extend_or_drop, Replica};
use super::trust::{Anchors, Verified};
use baitai_core::crypto::{PersonKey, SealedKey};
use baitai_core::error::{Error, Result, Rule};
use baitai_core::lifecycle::{self, Act, Directory, MediumState};
use baitai_core::model::{Body, LedgerInit, MediumNumber, PersonId, SignRole};
use baitai_core::time;

/// Schema migrations, numbered by position (PRAGMA user_version = how many have run).
const MIGRATIONS: &[&str] = &[
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
];

/// The chain's tables and triggers (the first migration): the verified copy uses them too.
pub(crate) const CHAIN_SCHEMA: &str = MIGRATIONS[0];

/// Kinds that make up the people directory and settings.
const DIRECTORY_KINDS: &str = "('ledger.init','person.add','person.revoke','person.passwd')";

const ENTRY_COLUMNS: &str = "seq, time, kind, medium, actor, payload, prev_hash, hash";

pub struct Ledger {
    conn: Connection,
    path: PathBuf,
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
        if path.exists() {
            let existing = Ledger::open(path)?;
            if existing.head()?.is_some() {
                return Err(Error::refused(
                    Rule::Init,
                    format!("a ledger already exists at {}", path.display()),
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

    /// Open an existing ledger and bring its schema up to date.
    pub fn open(path: &Path) -> Result<Ledger> {
        if !path.exists() {
            return Err(Error::usage(format!(
                "no ledger at {}: create one with `baitai init` or point --ledger at it",
                path.display()
            )));
        }
        check_is_ledger_file(path)?;
        let conn = Connection::open(path).map_err(Error::db(format!("open {}", path.display())))?;
        refuse_foreign_database(&conn, path)?;
        conn.busy_timeout(Duration::from_secs(60))
            .map_err(Error::db("set busy timeout"))?;
        conn.pragma_update(None, "journal_mode", "WAL")
            .map_err(Error::db("enable WAL (is the file a baitai ledger?)"))?;
        conn.pragma_update(None, "synchronous", "FULL")
            .map_err(Error::db("set synchronous"))?;
        conn.pragma_update(None, "foreign_keys", "ON")
            .map_err(Error::db("enable foreign keys"))?;
        let mut ledger = Ledger {
            conn,
            path: path.to_path_buf(),
            anchors: None,
            verified: None,
            snapshot: false,
            replica: None,
            dir_cache: Default::default(),
            states_cache: Default::default(),
        };
        ledger.migrate()?;
        check_entries_key(&ledger.conn)?;
        Ok(ledger)
    }

    /// Open without writing anything (no WAL switch, no migration): for `ledger verify` and
    /// printouts, so an auditor's write-protected copy can be read.
    pub fn open_read_only(path: &Path) -> Result<Ledger> {
        if !path.exists() {
            return Err(Error::usage(format!(
                "no ledger at {}: create one with `baitai init` or point --ledger at it",
                path.display()
            )));
        }
        check_is_ledger_file(path)?;
        let flags =
            rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let conn = Connection::open_with_flags(path, flags)
            .map_err(Error::db(format!("open {}", path.display())))?;
        conn.busy_timeout(Duration::from_secs(60))
            .map_err(Error::db("set busy timeout"))?;
        refuse_foreign_database(&conn, path)?;
        let version: usize = conn
            .pragma_query_value(None, "user_version", |r| r.get(0))
            .map_err(Error::db("read schema version"))?;
        if version == 0 {
            return Err(Error::usage(format!(
                "{} is not an initialised baitai ledger",
                path.display()
            )));
        }
        // Older schemas differ only in what entries they may hold, so they read as they are.
        if version > MIGRATIONS.len() {
            return Err(Error::usage(format!(
                "the ledger at {} has schema {version}; this baitai reads schema {}",
                path.display(),
                MIGRATIONS.len()
            )));
        }
        check_entries_key(&conn)?;
        Ok(Ledger {
            conn,
            path: path.to_path_buf(),
            anchors: None,
            verified: None,
            snapshot: false,
            replica: None,
            dir_cache: Default::default(),
            states_cache: Default::default(),
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    fn migrate(&mut self) -> Result<()> {
        let version: usize = self
            .conn
            .pragma_query_value(None, "user_version", |r| r.get(0))
            .map_err(Error::db(
                "read schema version (is the file a baitai ledger?)",
            ))?;
        if version > MIGRATIONS.len() {
            return Err(Error::usage(format!(
                "the ledger was written by a newer baitai (schema {version}); upgrade baitai"
            )));
        }
        if version == MIGRATIONS.len() {
            return Ok(());
        }
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(Error::db("begin migration"))?;
        // Another process may have migrated while we waited for the lock.
        let now: usize = tx
            .pragma_query_value(None, "user_version", |r| r.get(0))
            .map_err(Error::db("read schema version"))?;
        for (i, sql) in MIGRATIONS.iter().enumerate().skip(now) {
            tx.execute_batch(sql)
                .map_err(Error::db(format!("apply migration {}", i + 1)))?;
        }
        tx.pragma_update(None, "user_version", MIGRATIONS.len())
            .map_err(Error::db("record schema version"))?;
        tx.commit().map_err(Error::db("commit migration"))
    }

    /// Verify the ledger before anything relies on it, and keep reading the snapshot that
    /// verified: the identity pinned for this path, then chain, signatures and rules from this
    /// user's checkpoint (all of it without one). The checkpoint then moves to the head.
    pub fn trust(&mut self, anchors: Anchors) -> Result<()> {
        self.end_snapshot()?;
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
                super::trust::verify_since(&self.conn, r.conn(), &v)?;
                // A `ledger verify` may have gone further than the copy: what it saw must
                // still be there too.
                if let Some(cp) = cp.filter(|cp| cp.seq > seq) {
                    super::trust::still_holds(&self.conn, &cp)?;
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
        self.begin_snapshot()
    }

    fn begin_snapshot(&mut self) -> Result<()> {
        self.dir_cache.borrow_mut().take();
        self.states_cache.borrow_mut().take();
        // A deferred transaction takes its snapshot at the first read, so read once now.
        self.conn
            .execute_batch("BEGIN DEFERRED; SELECT COUNT(*) FROM sqlite_master;")
            .map_err(Error::db("begin a read"))?;
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
                .map_err(Error::db("end a read"))?;
        }
        Ok(())
    }

    /// Run `f` in one write transaction (BEGIN IMMEDIATE): all its entries land, or none. On a
    /// trusted ledger the entries up to the head are verified again inside the transaction
    /// first, so rows another process (or a file editor) added since the session opened are
    /// checked before any rule is applied to them.
    pub fn write<T>(&mut self, f: impl FnOnce(&mut Writer) -> Result<T>) -> Result<T> {
        let reopen = self.snapshot;
        // The snapshot's directory serves the append too when nothing was added since.
        let known = self.dir_cache.borrow_mut().take().filter(|_| self.snapshot);
        self.end_snapshot()?;
        let out = self.write_once(f, known);
        if reopen {
            // Not `?`: a committed write must not be reported as failed (a put or re-key would
            // undo on the medium what the ledger now records), and a failed one keeps its own
            // error. Without its snapshot the session reads what it shows afterwards from the
            // verified copy, or the file as it is.
            let _ = self.begin_snapshot();
        }
        out
    }

    fn write_once<T>(
        &mut self,
        f: impl FnOnce(&mut Writer) -> Result<T>,
        known: Option<Directory>,
    ) -> Result<T> {
        let before = self.verified.as_ref().map(|v| v.seq);
        let (out, head) = {
            let asked = std::time::Instant::now();
            let tx = self
                .conn
                .transaction_with_behavior(TransactionBehavior::Immediate)
                .map_err(Error::db("begin a write"))?;
            let waited = asked.elapsed();
            if waited > std::time::Duration::from_millis(100) {
                log::info!(
                    "waited {} ms for another writer of the ledger",
                    waited.as_millis()
                );
            }
            let prefix: &Connection = match &self.replica {
                Some(r) => r.conn(),
                None => &tx,
            };
            match (&self.anchors, &self.verified) {
                // What this session verified on opening is re-checked at its last entry, and
                // what others appended since is verified in full: no rule is applied to an
                // unverified row, and an append costs what was added, not the whole ledger.
                (Some(_), Some(v)) => super::trust::verify_since(&tx, prefix, v)?,
                (Some(anchors), None) => {
                    anchors.establish(&tx, &self.path)?;
                }
                (None, _) => {}
            }
            // The rules then read the verified copy, brought up to the ledger's head (or the
            // ledger, verified just now in this transaction, if the copy had to be dropped).
            let start = head(&tx)?.map_or(0, |(seq, _, _)| seq);
            extend_or_drop(&mut self.replica, &tx, start);
            let mut w = Writer {
                tx,
                reads: self.replica.as_ref().map(|r| r.conn()),
                start,
                dir: std::cell::RefCell::new(known.filter(|_| before == Some(start))),
            };
            let out = f(&mut w)?;
            let head = head(&w.tx)?;
            w.tx.commit().map_err(Error::db("commit"))?;
            (out, head)
        };
        self.after_commit(head);
        Ok(out)
    }

    /// Our own entries were checked by the rules as they were appended: the checkpoint moves
    /// to them, so the next command verifies only what others add.
    /// It cannot fail: the entry is committed whatever happens here, and a checkpoint or copy
    /// that cannot be moved only means the next session verifies from further back.
    fn after_commit(&mut self, head: Option<(u64, [u8; 32], jiff::Timestamp)>) {
        let (Some(anchors), Some((seq, hash, _))) = (&self.anchors, head) else {
            return;
        };
        let ledger_id = match &self.verified {
            Some(v) => v.ledger_id.clone(),
            None => match super::trust::first_hash(&self.conn) {
                Ok(Some(id)) => id,
                _ => return,
            },
        };
        let v = Verified {
            ledger_id,
            seq,
            head: hex::encode(hash),
        };
        let _ = anchors.advance(&v);
        extend_or_drop(&mut self.replica, &self.conn, seq);
        self.verified = Some(v);
    }

    pub fn conn(&self) -> &Connection {
        &self.conn
    }

    pub fn head(&self) -> Result<Option<(u64, [u8; 32], jiff::Timestamp)>> {
        head(&self.conn)
    }

    pub fn directory(&self) -> Result<Directory> {
        // Only a held snapshot stays the same between reads.
        if !self.snapshot {
            return directory(self.reads());
        }
        if let Some(d) = self.dir_cache.borrow().as_ref() {
            return Ok(d.clone());
        }
        let d = directory(self.reads())?;
        *self.dir_cache.borrow_mut() = Some(d.clone());
        Ok(d)
    }

    pub fn settings(&self) -> Result<LedgerInit> {
        self.directory()?.settings.ok_or_else(|| {
            Error::usage(format!(
                "the ledger at {} is empty: run `baitai init`",
                self.path.display()
            ))
        })
    }

    pub fn medium_entries(&self, m: &MediumNumber) -> Result<Vec<StoredEntry>> {
        medium_entries(self.reads(), m)
    }

    pub fn medium_state(&self, m: &MediumNumber) -> Result<Option<MediumState>> {
        Ok(fold_medium(&self.medium_entries(m)?))
    }

    /// Every registered medium's state, in registration order, in one pass over the medium
    /// entries (one query, one medium's entries in memory at a time) rather than a query per
    /// medium. Kept for the rest of the snapshot: a stock-take asks twice.
    pub fn all_states(&self) -> Result<Vec<MediumState>> {
        if let Some(s) = self
            .states_cache
            .borrow()
            .as_ref()
            .filter(|_| self.snapshot)
        {
            return Ok(s.clone());
        }
        let mut st = self
            .reads()
            .prepare(&format!(
                "SELECT {ENTRY_COLUMNS} FROM entries WHERE medium IS NOT NULL ORDER BY medium, seq"
            ))
            .map_err(Error::db("read entries"))?;
        let mut rows = st.query([]).map_err(Error::db("read entries"))?;
        let mut by_medium = std::collections::HashMap::new();
        let mut group: Vec<StoredEntry> = Vec::new();
        let mut fold_group = |group: &mut Vec<StoredEntry>| {
            if let (Some(m), Some(state)) = (
                group.first().and_then(|e| e.medium.clone()),
                fold_medium(group),
            ) {
                by_medium.insert(m, state);
            }
            group.clear();
        };
        while let Some(row) = rows.next().map_err(Error::db("read entries"))? {
            let e = entry_from_row(row)?;
            if group.first().is_some_and(|g| g.medium != e.medium) {
                fold_group(&mut group);
            }
            group.push(e);
        }
        fold_group(&mut group);
        let states: Vec<MediumState> = self
            .media()?
            .into_iter()
            .filter_map(|m| by_medium.remove(&m))
            .collect();
        if self.snapshot {
            *self.states_cache.borrow_mut() = Some(states.clone());
        }
        Ok(states)
    }

    /// Every registered medium number, in registration order.
    pub fn media(&self) -> Result<Vec<MediumNumber>> {
        let mut st = self
            .reads()
            .prepare("SELECT medium FROM entries WHERE kind = 'medium.register' ORDER BY seq")
            .map_err(Error::db("list media"))?;
        let rows = st
            .query_map([], |r| r.get::<_, String>(0))
            .map_err(Error::db("list media"))?;
        rows.map(|r| r.map(MediumNumber).map_err(Error::db("list media")))
            .collect()
    }

    pub fn signatures(&self, seq: u64) -> Result<Vec<StoredSignature>> {
        let mut st = self
            .reads()
            .prepare_cached(
                "SELECT role, person, signature FROM signatures WHERE seq = ?1 ORDER BY role",
            )
            .map_err(Error::db("read signatures"))?;
        let rows = st
            .query_map([seq as i64], |r| {
                Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get(2)?))
            })
            .map_err(Error::db("read signatures"))?;
        let mut out = Vec::new();
        for row in rows {
            let (role, person, signature) = row.map_err(Error::db("read signatures"))?;
            let role = SignRole::parse(&role).ok_or_else(|| {
                Error::Integrity(format!("entry {seq}: unknown signature role {role:?}"))
            })?;
            out.push(StoredSignature {
                role,
                person: PersonId(person),
                signature,
            });
        }
        Ok(out)
    }

    pub fn sealed_key(&self, id: &PersonId) -> Result<SealedKey> {
        let text: Option<String> = self
            .conn
            .query_row(
                "SELECT sealed FROM person_keys WHERE person = ?1",
                [&id.0],
                |r| r.get(0),
            )
            .optional()
            .map_err(Error::db("read a sealed key"))?;
        let text = text.ok_or_else(|| Error::Integrity(format!("no stored key for {id}")))?;
        serde_json::from_str(&text)
            .map_err(|e| Error::Integrity(format!("stored key of {id} is malformed: {e}")))
    }

    /// Entries of the given kinds, oldest first.
    pub fn entries_of_kinds(&self, kinds: &[&str]) -> Result<Vec<StoredEntry>> {
        let list = kinds
            .iter()
            .map(|k| format!("'{}'", k.replace('\'', "")))
            .collect::<Vec<_>>()
            .join(",");
        query_entries(
            self.reads(),
            &format!("SELECT {ENTRY_COLUMNS} FROM entries WHERE kind IN ({list}) ORDER BY seq"),
            [],
        )
    }

    /// The registrations that may be of one of these devices: the same tests as
    /// `device::check_identity` (capacity; vendor, product and serial where recorded; the path
    /// of an image), made in SQL so that a put or get does not decode every medium's
    /// registration. The caller still confirms each with `device::same_device`.
    pub fn registrations_of(
        &self,
        seen: &[baitai_core::model::DeviceIdentity],
    ) -> Result<Vec<StoredEntry>> {
        let sql = format!(
            "SELECT {ENTRY_COLUMNS} FROM entries
              WHERE kind = 'medium.register'
                AND json_extract(payload, '$.device.capacity_bytes') = ?1
                AND (json_extract(payload, '$.device.vendor_id') IS NULL
                     OR json_extract(payload, '$.device.vendor_id') = ?2)
                AND (json_extract(payload, '$.device.product_id') IS NULL
                     OR json_extract(payload, '$.device.product_id') = ?3)
                AND (json_extract(payload, '$.device.serial') IS NULL
                     OR json_extract(payload, '$.device.serial') = ?4)
                AND (json_extract(payload, '$.device.vendor_id') IS NOT NULL
                     OR json_extract(payload, '$.device.serial') IS NOT NULL
                     OR json_extract(payload, '$.device.path') IS NULL
                     OR json_extract(payload, '$.device.path') = ?5)
              ORDER BY seq"
        );
        let mut out = Vec::new();
        for id in seen {
            let capacity = i64::try_from(id.capacity_bytes).unwrap_or(i64::MAX);
            out.extend(query_entries(
                self.reads(),
                &sql,
                params![capacity, id.vendor_id, id.product_id, id.serial, id.path],
            )?);
        }
        out.sort_by_key(|e| e.seq);
        out.dedup_by_key(|e| e.seq);
        Ok(out)
    }

    /// Entries whose time lies in `from..=to`, oldest first. Stored times are fixed-width UTC
    /// text, so comparing the text compares the times.
    pub fn entries_between(
        &self,
        from: jiff::Timestamp,
        to: jiff::Timestamp,
    ) -> Result<Vec<StoredEntry>> {
        query_entries(
            self.reads(),
            &format!(
                "SELECT {ENTRY_COLUMNS} FROM entries WHERE time >= ?1 AND time <= ?2 ORDER BY seq"
            ),
            params![time::to_store(from), time::to_store(to)],
        )
    }

    /// The last entry signed by this person (their last successful use).
    pub fn last_signed_by(&self, id: &PersonId) -> Result<Option<StoredEntry>> {
        let seq: Option<i64> = self
            .reads()
            .query_row(
                "SELECT MAX(seq) FROM signatures WHERE person = ?1",
                [&id.0],
                |r| r.get(0),
            )
            .map_err(Error::db("find last use"))?;
        match seq {
            None => Ok(None),
            Some(s) => Ok(query_entries(
                self.reads(),
                &format!("SELECT {ENTRY_COLUMNS} FROM entries WHERE seq = ?1"),
                [s],
            )?
            .pop()),
        }
    }

    /// Every signing key the ledger has recorded for this person, oldest first: the one they
    /// were added with, then one per key change.
    pub fn keys_of(&self, id: &PersonId) -> Result<Vec<baitai_core::crypto::PublicKey>> {
        // Only this person's entries are decoded: a directory of a thousand people costs two
        // thousand point decompressions, which a put or get would pay for one signer.
        let entries = query_entries(
            self.reads(),
            &format!(
                "SELECT {ENTRY_COLUMNS} FROM entries
                  WHERE (kind IN ('person.add', 'person.passwd')
                         AND json_extract(payload, '$.id') = ?1)
                     OR (kind = 'ledger.init' AND json_extract(payload, '$.admin.id') = ?1)
                  ORDER BY seq"
            ),
            [&id.0],
        )?;
        Ok(entries
            .iter()
            .filter_map(|e| match &e.body {
                Body::LedgerInit(i) if &i.admin.id == id => Some(i.admin.public_key),
                Body::PersonAdd(p) if &p.id == id => Some(p.public_key),
                Body::PersonPasswd(baitai_core::model::PersonPasswd {
                    id: who,
                    new_key: Some(k),
                    ..
                }) if who == id => Some(k.public_key),
                _ => None,
            })
            .collect())
    }

    /// Where this person's run of failed attempts starts: their last signature, or the last
    /// time an admin lifted their lock, whichever is later (0 for neither).
    pub fn last_success_or_unlock(&self, id: &PersonId) -> Result<u64> {
        let seq: Option<i64> = self
            .reads()
            .query_row(
                "SELECT MAX(s) FROM (
                    SELECT MAX(seq) AS s FROM signatures WHERE person = ?1
                    UNION ALL
                    SELECT MAX(seq) FROM entries
                     WHERE kind = 'person.unlock' AND json_extract(payload, '$.id') = ?1)",
                [&id.0],
                |r| r.get(0),
            )
            .map_err(Error::db("find the last use"))?;
        Ok(seq.unwrap_or(0) as u64)
    }

    /// Failed passphrase attempts for this person after the given sequence number.
    pub fn auth_failures_since(&self, id: &PersonId, after_seq: u64) -> Result<Vec<StoredEntry>> {
        let all = query_entries(
            self.reads(),
            &format!(
                "SELECT {ENTRY_COLUMNS} FROM entries WHERE kind = 'person.auth_failure' AND actor = ?1 AND seq > ?2 ORDER BY seq"
            ),
            params![&id.0, after_seq as i64],
        )?;
        Ok(all)
    }
}

/// A write transaction. Every entry passes the lifecycle rules and carries every signature it
/// needs before it is inserted.
pub struct Writer<'c> {
    tx: rusqlite::Transaction<'c>,
    /// This user's verified copy, brought up to the ledger's head (`start`) in this
    /// transaction: the rules read entries up to `start` from it rather than from the shared
    /// file, and from the transaction only the entries it has added itself.
    reads: Option<&'c Connection>,
    start: u64,
    /// The directory as this transaction sees it: folded once, then kept up to date as
    /// entries are committed.
    dir: std::cell::RefCell<Option<Directory>>,
}

impl Writer<'_> {
    /// Entries selected by `filter` (an SQL condition on `entries`, with `?1` bound to
    /// `arg`): from the copy up to `start`, then those this transaction added.
    fn select(&self, filter: &str, arg: &str) -> Result<Vec<StoredEntry>> {
        let sql = |bound: &str| {
            format!("SELECT {ENTRY_COLUMNS} FROM entries WHERE ({filter}) {bound} ORDER BY seq")
        };
        let Some(copy) = self.reads else {
            return query_entries(&self.tx, &sql(""), [arg]);
        };
        let mut all = query_entries(copy, &sql(""), [arg])?;
        let added = sql(&format!("AND seq > {}", self.start));
        all.extend(query_entries(&self.tx, &added, [arg])?);
        Ok(all)
    }

    pub fn directory(&self) -> Result<Directory> {
        if let Some(d) = self.dir.borrow().as_ref() {
            return Ok(d.clone());
        }
        let d = self.fold_directory()?;
        *self.dir.borrow_mut() = Some(d.clone());
        Ok(d)
    }

    fn fold_directory(&self) -> Result<Directory> {
        let mut dir = Directory::default();
        for e in self.select(&format!("kind IN {DIRECTORY_KINDS} AND ?1 = ?1"), "")? {
            dir.apply(&Act {
                time: e.time,
                medium: e.medium.as_ref(),
                actor: e.actor.as_ref(),
                body: &e.body,
            });
        }
        Ok(dir)
    }

    pub fn medium_state(&self, m: &MediumNumber) -> Result<Option<MediumState>> {
        Ok(fold_medium(&self.select("medium = ?1", &m.0)?))
    }

    /// The next unused number `{prefix}-{year}-{seq:04}`: one more than the highest ever issued.
    pub fn next_medium_number(&self, prefix: &str, year: i16) -> Result<MediumNumber> {
        let stem = format!("{prefix}-{year}-");
        let pattern = format!("{}%", stem.replace('%', "\\%").replace('_', "\\_"));
        let registered = self.select(
            "kind = 'medium.register' AND medium LIKE ?1 ESCAPE '\\'",
            &pattern,
        )?;
        let max = registered
            .iter()
            .filter_map(|e| e.medium.as_ref())
            .filter_map(|n| n.0.strip_prefix(&stem).and_then(|s| s.parse::<u64>().ok()))
            .max()
            .unwrap_or(0);
        Ok(MediumNumber(format!("{stem}{:04}", max + 1)))
    }

    /// Entries of one kind, oldest first, as this transaction sees them.
    pub fn entries_of_kind(&self, kind: &str) -> Result<Vec<StoredEntry>> {
        self.select("kind = ?1", kind)
    }

    pub fn put_sealed_key(&self, id: &PersonId, sealed: &SealedKey) -> Result<()> {
        let text = serde_json::to_string(sealed)
            .map_err(|e| Error::Other(format!("cannot encode a sealed key: {e}")))?;
        self.tx
            .execute(
                "INSERT INTO person_keys(person, sealed) VALUES (?1, ?2)
                 ON CONFLICT(person) DO UPDATE SET sealed = excluded.sealed",
                params![&id.0, text],
            )
            .map_err(Error::db("store a sealed key"))?;
        Ok(())
    }

    /// Check `draft` against the rules, then append it signed by `signers`.
    pub fn commit(
        &mut self,
        draft: Draft,
        signers: &[(SignRole, &PersonKey)],
    ) -> Result<StoredEntry> {
        let head = head(&self.tx)?;
        let now = time::now();
        // Only signed entries set the order of time: an unsigned row (a failed attempt, which
        // anyone with the file could add) dated ahead must not stop everyone else's writes.
        if let Some(last) = last_signed_time(&self.tx)? {
            if now < last {
                return Err(Error::refused(
                    Rule::Clock,
                    format!(
                        "the system clock ({}) is earlier than the last signed ledger entry ({}); fix the clock before recording",
                        time::to_store(now),
                        time::to_store(last)
                    ),
                ));
            }
        }
        let (seq, prev_hash) = match &head {
            Some((seq, hash, _)) => (seq + 1, *hash),
            None => (1, GENESIS),
        };
        let dir = self.directory()?;
        let state = match &draft.medium {
            Some(m) => self.medium_state(m)?,
            None => None,
        };
        let act = Act {
            time: now,
            medium: draft.medium.as_ref(),
            actor: draft.actor.as_ref(),
            body: &draft.body,
        };
        lifecycle::permit(&dir, state.as_ref(), &act)?;
        let (kind, payload) = draft.body.encode()?;
        let time_s = time::to_store(now);
        let hash = entry_hash(&HashInput {
            seq,
            time: &time_s,
            kind: &kind,
            medium: draft.medium.as_ref().map(|m| m.0.as_str()),
            actor: draft.actor.as_ref().map(|a| a.0.as_str()),
            payload: &payload,
            prev_hash: &prev_hash,
        });
        let sigs = collect_signatures(&dir, &draft, &hash, signers)?;
        self.insert(seq, &time_s, &kind, &draft, &payload, &prev_hash, &hash)?;
        for (role, person, sig) in &sigs {
            self.tx
                .execute(
                    "INSERT INTO signatures(seq, role, person, signature) VALUES (?1, ?2, ?3, ?4)",
                    params![seq as i64, role.as_str(), &person.0, &sig.0[..]],
                )
                .map_err(Error::db("append a signature"))?;
        }
        if let Some(d) = self.dir.borrow_mut().as_mut() {
            d.apply(&Act {
                time: now,
                medium: draft.medium.as_ref(),
                actor: draft.actor.as_ref(),
                body: &draft.body,
            });
        }
        Ok(StoredEntry {
            seq,
            time: now,
            kind,
            medium: draft.medium,
            actor: draft.actor,
            payload,
            prev_hash,
            hash,
            body: draft.body,
        })
    }

    #[allow(clippy::too_many_arguments)]
    fn insert(
        &self,
        seq: u64,
        time_s: &str,
        kind: &str,
        draft: &Draft,
        payload: &str,
        prev: &[u8; 32],
        hash: &[u8; 32],
    ) -> Result<()> {
        self.tx
            .execute(
                "INSERT INTO entries(seq, time, kind, medium, actor, payload, prev_hash, hash)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                params![
                    seq as i64,
                    time_s,
                    kind,
                    draft.medium.as_ref().map(|m| &m.0),
                    draft.actor.as_ref().map(|a| &a.0),
                    payload,
                    &prev[..],
                    &hash[..]
                ],
            )
            .map_err(Error::db("append an entry"))?;
        Ok(())
    }
}

/// Sign the entry with every key it needs, checking each key belongs to the person named.
fn collect_signatures(
    dir: &Directory,
    draft: &Draft,
    hash: &[u8; 32],
    signers: &[(SignRole, &PersonKey)],
) -> Result<Vec<(SignRole, PersonId, baitai_core::crypto::Signature)>> {
    let mut needed: Vec<(SignRole, PersonId)> = Vec::new();
    if !draft.body.is_unsigned() {
        if let Some(a) = &draft.actor {
            needed.push((SignRole::Actor, a.clone()));
        }
    }
    if let Some((role, p)) = draft.body.second_signer() {
        needed.push((role, p.clone()));
    }
    let mut out = Vec::new();
    for (role, person) in needed {
        let key = signers
            .iter()
            .find(|(r, _)| *r == role)
            .map(|(_, k)| *k)
            .ok_or_else(|| {
                Error::Other(format!("internal: no {} key to sign with", role.as_str()))
            })?;
        let expected = match dir.get(&person) {
            Some(p) => p.public_key,
            None => draft
                .body
                .introduced_key(&person)
                .ok_or_else(|| Error::Other(format!("internal: {person} has no public key")))?,
        };
        if key.public() != expected {
            return Err(Error::Auth(format!(
                "the key offered for {person} does not match the ledger"
            )));
        }
        out.push((role, person, key.sign_entry(role.as_str(), hash)));
    }
    Ok(out)
}

fn head(conn: &Connection) -> Result<Option<(u64, [u8; 32], jiff::Timestamp)>> {
    let row: Option<(i64, Vec<u8>, String)> = conn
        .query_row(
            "SELECT seq, hash, time FROM entries ORDER BY seq DESC LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .optional()
        .map_err(Error::db("read the last entry"))?;
    match row {
        None => Ok(None),
        Some((seq, hash, t)) => Ok(Some((
            seq as u64,
            to_hash(&hash, seq)?,
            time::from_store(&t)?,
        ))),
    }
}

/// The time of the last entry someone signed (every kind but a failed attempt).
pub(crate) fn last_signed_time(conn: &Connection) -> Result<Option<jiff::Timestamp>> {
    last_signed_time_upto(conn, i64::MAX as u64)
}

/// The time of the last signed entry at or before `seq`.
pub(crate) fn last_signed_time_upto(
    conn: &Connection,
    seq: u64,
) -> Result<Option<jiff::Timestamp>> {
    let t: Option<String> = conn
        .query_row(
            "SELECT time FROM entries WHERE seq <= ?1 AND kind != 'person.auth_failure' ORDER BY seq DESC LIMIT 1",
            [seq as i64],
            |r| r.get(0),
        )
        .optional()
        .map_err(Error::db("read the last signed entry"))?;
    t.map(|t| time::from_store(&t)).transpose()
}

pub(crate) fn to_hash(b: &[u8], seq: i64) -> Result<[u8; 32]> {
    <[u8; 32]>::try_from(b)
        .map_err(|_| Error::Integrity(format!("entry {seq}: stored hash is not 32 bytes")))
}

fn directory(conn: &Connection) -> Result<Directory> {
    directory_upto(conn, i64::MAX as u64)
}

/// The people directory as it stood after entry `seq`.
pub(crate) fn directory_upto(conn: &Connection, seq: u64) -> Result<Directory> {
    let entries = query_entries(
        conn,
        &format!(
            "SELECT {ENTRY_COLUMNS} FROM entries WHERE kind IN {DIRECTORY_KINDS} AND seq <= ?1 ORDER BY seq"
        ),
        [seq as i64],
    )?;
    let mut dir = Directory::default();
    for e in &entries {
        dir.apply(&Act {
            time: e.time,
            medium: e.medium.as_ref(),
            actor: e.actor.as_ref(),
            body: &e.body,
        });
    }
    Ok(dir)
}

fn medium_entries(conn: &Connection, m: &MediumNumber) -> Result<Vec<StoredEntry>> {
    query_entries(
        conn,
        &format!("SELECT {ENTRY_COLUMNS} FROM entries WHERE medium = ?1 ORDER BY seq"),
        [&m.0],
    )
}

/// A medium's entries up to and including `seq`.
pub(crate) fn medium_entries_upto(
    conn: &Connection,
    m: &str,
    seq: u64,
) -> Result<Vec<StoredEntry>> {
    query_entries(
        conn,
        &format!(
            "SELECT {ENTRY_COLUMNS} FROM entries WHERE medium = ?1 AND seq <= ?2 ORDER BY seq"
        ),
        params![m, seq as i64],
    )
}

/// A medium's state from its own entries (already checked when they were written).
pub fn fold_medium(entries: &[StoredEntry]) -> Option<MediumState> {
    let mut state: Option<MediumState> = None;
    for e in entries.iter().filter(|e| e.body.is_medium_act()) {
        let act = Act {
            time: e.time,
            medium: e.medium.as_ref(),
            actor: e.actor.as_ref(),
            body: &e.body,
        };
        if let Some(next) = lifecycle::medium::apply(state.as_ref(), &act) {
            state = Some(next);
        }
    }
    state
}

pub(crate) fn query_entries<P: rusqlite::Params>(
    conn: &Connection,
    sql: &str,
    params: P,
) -> Result<Vec<StoredEntry>> {
    let mut st = conn
        .prepare_cached(sql)
        .map_err(Error::db("read entries"))?;
    let mut rows = st.query(params).map_err(Error::db("read entries"))?;
    let mut out = Vec::new();
    while let Some(row) = rows.next().map_err(Error::db("read entries"))? {
        out.push(entry_from_row(row)?);
    }
    Ok(out)
}

/// Decode one row selected with ENTRY_COLUMNS.
pub(crate) fn entry_from_row(r: &Row) -> Result<StoredEntry> {
    let raw = RawEntry::from_row(r).map_err(Error::db("read an entry"))?;
    raw.decode()
}

/// A row as stored, before any of it is trusted.
pub(crate) struct RawEntry {
    pub seq: i64,
    pub time: String,
    pub kind: String,
    pub medium: Option<String>,
    pub actor: Option<String>,
    pub payload: String,
    pub prev_hash: Vec<u8>,
    pub hash: Vec<u8>,
}

impl RawEntry {
    pub fn from_row(r: &Row) -> rusqlite::Result<Self> {
        Ok(RawEntry {
            seq: r.get(0)?,
            time: r.get(1)?,
            kind: r.get(2)?,
            medium: r.get(3)?,
            actor: r.get(4)?,
            payload: r.get(5)?,
            prev_hash: r.get(6)?,
            hash: r.get(7)?,
        })
    }

    pub fn decode(self) -> Result<StoredEntry> {
        let at = |e: Error| match e {
            Error::Integrity(m) => Error::Integrity(format!("entry {}: {m}", self.seq)),
            other => other,
        };
        Ok(StoredEntry {
            seq: self.seq as u64,
            time: time::from_store(&self.time).map_err(at)?,
            body: Body::decode(&self.kind, &self.payload).map_err(at)?,
            prev_hash: to_hash(&self.prev_hash, self.seq)?,
            hash: to_hash(&self.hash, self.seq)?,
            medium: self.medium.clone().map(MediumNumber),
            actor: self.actor.clone().map(PersonId),
            kind: self.kind.clone(),
            payload: self.payload.clone(),
        })
    }
}

/// The chain relies on `seq` being the table's key: a table rebuilt without it could hold two
/// rows with one number, and a forged one would be read as real.
fn check_entries_key(conn: &Connection) -> Result<()> {
    let mut st = conn
        .prepare("SELECT name, type, pk FROM pragma_table_info('entries')")
        .map_err(Error::db("check the schema"))?;
    let ok = st
        .query_map([], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, i64>(2)?,
            ))
        })
        .map_err(Error::db("check the schema"))?
        .filter_map(|r| r.ok())
        .any(|(name, ty, pk)| name == "seq" && ty.eq_ignore_ascii_case("INTEGER") && pk == 1);
    if !ok {
        return Err(Error::Integrity(
            "the entries table was rebuilt without its sequence key: the ledger has been tampered with".into(),
        ));
    }
    Ok(())
}

/// Refuse a directory before SQLite touches it. Whether a file is an SQLite database is left to
/// SQLite's first read ([`refuse_foreign_database`]): opening and closing the file here would
/// cancel every POSIX lock this process holds on it, those of a connection already open
/// included, and another process could then checkpoint and remove the WAL under that
/// connection (sqlite.org, "How To Corrupt", 2.2).
fn check_is_ledger_file(path: &Path) -> Result<()> {
    let meta = std::fs::metadata(path).map_err(Error::io(format!("look at {}", path.display())))?;
    if meta.is_dir() {
        return Err(not_a_ledger(path, "it is a directory"));
    }
    Ok(())
}

fn not_a_ledger(path: &Path, why: &str) -> Error {
    Error::usage(format!("{} is not a baitai ledger: {why}", path.display()))
}

/// An SQLite database with tables but no baitai schema version belongs to something else:
/// never add our tables to it.
fn refuse_foreign_database(conn: &Connection, path: &Path) -> Result<()> {
    let version: i64 = conn
        .pragma_query_value(None, "user_version", |r| r.get(0))
        .map_err(|e| match e.sqlite_error_code() {
            Some(rusqlite::ErrorCode::NotADatabase) => {
                not_a_ledger(path, "it is not an SQLite database")
            }
            _ => Error::db("read schema version")(e),
        })?;
    let tables: i64 = conn
        .query_row(
            "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table'",
            [],
            |r| r.get(0),
        )
        .map_err(Error::db("list tables"))?;
    if version == 0 && tables > 0 {
        return Err(Error::usage(format!(
            "{} is an SQLite database of something else, not a baitai ledger",
            path.display()
        )));
    }
    Ok(())
}

fn create_private_dir(dir: &Path) -> Result<()> {
    use std::os::unix::fs::DirBuilderExt;
    if dir.exists() {
        return Ok(());
    }
    std::fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(dir)
        .map_err(Error::io(format!("create {}", dir.display())))
}

fn create_private_file(path: &Path) -> Result<()> {
    use std::os::unix::fs::OpenOptionsExt;
    std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)
        .map(|_| ())
        .map_err(Error::io(format!("create {}", path.display())))
}

impl Ledger {
    /// The sequence number of the entry with this hash, if there is one.
    pub fn seq_of_hash(&self, hash: &[u8]) -> Result<Option<u64>> {
        self.reads()
            .query_row("SELECT seq FROM entries WHERE hash = ?1", [hash], |r| {
                r.get::<_, i64>(0)
            })
            .optional()
            .map(|o| o.map(|s| s as u64))
            .map_err(Error::db("look up a hash"))
    }
}
