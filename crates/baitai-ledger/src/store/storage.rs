//! The storage seam: what the ledger needs from wherever its rows are kept, so that the chain,
//! the rules, the signatures and verification stay in one place whatever the store is.
//!
//! The rules and the verified reads run on SQL over this user's verified copy (or the SQLite
//! file itself), which docs/ledger.md §9.1 keeps local whatever the store. What a store must
//! provide is therefore small: its schema version, the head, the raw rows in a range (to
//! verify them and extend the copy), appends of entries and signatures inside the caller's
//! transaction (which serialises on the chain head), and the sealed keys. SQLite's
//! [`Connection`] is the first implementation; a server store (issue 16) is the second.

use rusqlite::{params, Connection, OptionalExtension};

use super::rows::{head, RawEntry};
use baitai_core::error::{Error, Result};

use crate::msg::Msg;

/// A signature row as stored: (seq, role, person, signature bytes).
pub type SignatureRow = (i64, String, String, Vec<u8>);

/// What the ledger needs from the store that holds its entries. Appends are made inside a
/// transaction the store's owner began on the chain head, so no two appends take one number.
pub(crate) trait Store {
    /// How many schema migrations the store has had (0: not a ledger yet).
    fn schema_version(&self) -> Result<usize>;

    /// The last entry: its number, hash and time; None for an empty ledger.
    fn head(&self) -> Result<Option<(u64, [u8; 32], jiff::Timestamp)>>;

    /// Each entry numbered `after+1..=upto`, oldest first, as stored (nothing trusted yet),
    /// handed to `f` one at a time: a first copy of a million entries is never all in memory.
    fn each_entry_in(
        &self,
        after: u64,
        upto: u64,
        f: &mut dyn FnMut(RawEntry) -> Result<()>,
    ) -> Result<()>;

    /// Each signature of the entries numbered `after+1..=upto`, as stored, handed to `f`.
    fn each_signature_in(
        &self,
        after: u64,
        upto: u64,
        f: &mut dyn FnMut(SignatureRow) -> Result<()>,
    ) -> Result<()>;

    /// Append one entry, in the caller's transaction.
    fn append_entry(&self, entry: &RawEntry) -> Result<()>;

    /// Append one signature, in the caller's transaction (its entry first).
    fn append_signature(&self, signature: &SignatureRow) -> Result<()>;

    /// The sealed signing key (JSON) stored for `person`, if there is one.
    fn sealed_key(&self, person: &str) -> Result<Option<String>>;

    /// Store (or replace) the sealed signing key of `person`, in the caller's transaction.
    fn put_sealed_key(&self, person: &str, sealed: &str) -> Result<()>;

    /// Every sealed key, as (person, sealed JSON), handed to `f` in person order.
    fn each_sealed_key(&self, f: &mut dyn FnMut(String, String) -> Result<()>) -> Result<()>;
}

impl Store for Connection {
    fn schema_version(&self) -> Result<usize> {
        self.pragma_query_value(None, "user_version", |r| r.get(0))
            .map_err(Error::db(Msg::ReadSchemaVersion))
    }

    fn head(&self) -> Result<Option<(u64, [u8; 32], jiff::Timestamp)>> {
        head(self)
    }

    fn each_entry_in(
        &self,
        after: u64,
        upto: u64,
        f: &mut dyn FnMut(RawEntry) -> Result<()>,
    ) -> Result<()> {
        let mut st = self
            .prepare_cached(
                "SELECT seq, time, kind, medium, actor, payload, prev_hash, hash FROM entries
                  WHERE seq > ?1 AND seq <= ?2 ORDER BY seq",
            )
            .map_err(Error::db(Msg::ReadTheLedger))?;
        let mut rows = st
            .query([after as i64, upto.min(i64::MAX as u64) as i64])
            .map_err(Error::db(Msg::ReadTheLedger))?;
        while let Some(r) = rows.next().map_err(Error::db(Msg::ReadTheLedger))? {
            f(RawEntry::from_row(r).map_err(Error::db(Msg::ReadTheLedger))?)?;
        }
        Ok(())
    }

    fn each_signature_in(
        &self,
        after: u64,
        upto: u64,
        f: &mut dyn FnMut(SignatureRow) -> Result<()>,
    ) -> Result<()> {
        let mut st = self
            .prepare_cached(
                "SELECT seq, role, person, signature FROM signatures WHERE seq > ?1 AND seq <= ?2",
            )
            .map_err(Error::db(Msg::ReadTheLedger))?;
        let mut rows = st
            .query([after as i64, upto.min(i64::MAX as u64) as i64])
            .map_err(Error::db(Msg::ReadTheLedger))?;
        while let Some(r) = rows.next().map_err(Error::db(Msg::ReadTheLedger))? {
            let row = (|| Ok::<_, rusqlite::Error>((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))()
                .map_err(Error::db(Msg::ReadASignature))?;
            f(row)?;
        }
        Ok(())
    }

    fn append_entry(&self, e: &RawEntry) -> Result<()> {
        self.prepare_cached(
            "INSERT INTO entries(seq, time, kind, medium, actor, payload, prev_hash, hash)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        )
        .and_then(|mut st| {
            st.execute(params![
                e.seq,
                e.time,
                e.kind,
                e.medium,
                e.actor,
                e.payload,
                e.prev_hash,
                e.hash
            ])
        })
        .map(|_| ())
        .map_err(Error::db(Msg::AppendEntry))
    }

    fn append_signature(&self, (seq, role, person, sig): &SignatureRow) -> Result<()> {
        self.prepare_cached(
            "INSERT INTO signatures(seq, role, person, signature) VALUES (?1, ?2, ?3, ?4)",
        )
        .and_then(|mut st| st.execute(params![seq, role, person, sig]))
        .map(|_| ())
        .map_err(Error::db(Msg::AppendSignature))
    }

    fn sealed_key(&self, person: &str) -> Result<Option<String>> {
        self.query_row(
            "SELECT sealed FROM person_keys WHERE person = ?1",
            [person],
            |r| r.get(0),
        )
        .optional()
        .map_err(Error::db(Msg::ReadSealedKey))
    }

    fn put_sealed_key(&self, person: &str, sealed: &str) -> Result<()> {
        self.execute(
            "INSERT INTO person_keys(person, sealed) VALUES (?1, ?2)
             ON CONFLICT(person) DO UPDATE SET sealed = excluded.sealed",
            params![person, sealed],
        )
        .map(|_| ())
        .map_err(Error::db(Msg::StoreSealedKey))
    }

    fn each_sealed_key(&self, f: &mut dyn FnMut(String, String) -> Result<()>) -> Result<()> {
        let mut st = self
            .prepare("SELECT person, sealed FROM person_keys ORDER BY person")
            .map_err(Error::db(Msg::ReadSealedKeys))?;
        let mut rows = st.query([]).map_err(Error::db(Msg::ReadSealedKeys))?;
        while let Some(r) = rows.next().map_err(Error::db(Msg::ReadSealedKeys))? {
            f(
                r.get(0).map_err(Error::db(Msg::ReadSealedKeys))?,
                r.get(1).map_err(Error::db(Msg::ReadSealedKeys))?,
            )?;
        }
        Ok(())
    }
}
