//! Verified reads: the queries commands make of the snapshot a session trusts.

use rusqlite::{params, Connection, OptionalExtension};

use super::rows::{
    directory, entry_from_row, fold_medium, medium_entries, query_entries, ENTRY_COLUMNS,
};
use super::Ledger;
use crate::chain::{StoredEntry, StoredSignature};
use baitai_core::crypto::SealedKey;
use baitai_core::error::{Error, Result};
use baitai_core::lifecycle::{Directory, MediumState};
use baitai_core::model::{Body, LedgerInit, MediumNumber, PersonId, SignRole};
use baitai_core::time;

use crate::msg::{num, Msg};

impl Ledger {
    /// The connection to the shared ledger file itself (not the verified copy): for checks that
    /// must see the file as it is, such as `ledger verify`. For a ledger on a server, the
    /// in-memory copy of the server's rows this process read.
    pub fn conn(&self) -> &Connection {
        &self.conn
    }

    /// The last entry in the file: its number, hash and time; None for an empty ledger.
    pub fn head(&self) -> Result<Option<(u64, [u8; 32], jiff::Timestamp)>> {
        self.store().head()
    }

    /// The people directory as the entries this session reads leave it (the verified ones, after
    /// [`Ledger::trust`]); kept for the rest of a held snapshot.
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

    /// The ledger's settings from its first entry; a usage error for an empty ledger.
    pub fn settings(&self) -> Result<LedgerInit> {
        self.directory()?.settings.ok_or_else(|| {
            Error::usage(Msg::LedgerEmpty {
                at: self.shown().into(),
            })
        })
    }

    /// Every entry about medium `m`, oldest first, from the entries this session reads.
    pub fn medium_entries(&self, m: &MediumNumber) -> Result<Vec<StoredEntry>> {
        medium_entries(self.reads(), m)
    }

    /// Medium `m`'s state folded from its entries; None when no such medium is registered.
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
            .map_err(Error::db(Msg::ReadEntries))?;
        let mut rows = st.query([]).map_err(Error::db(Msg::ReadEntries))?;
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
        while let Some(row) = rows.next().map_err(Error::db(Msg::ReadEntries))? {
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
            .map_err(Error::db(Msg::ListMedia))?;
        let rows = st
            .query_map([], |r| r.get::<_, String>(0))
            .map_err(Error::db(Msg::ListMedia))?;
        rows.map(|r| r.map(MediumNumber).map_err(Error::db(Msg::ListMedia)))
            .collect()
    }

    /// The signatures stored for entry `seq`, by role (not checked here: `ledger verify` checks
    /// them).
    pub fn signatures(&self, seq: u64) -> Result<Vec<StoredSignature>> {
        let mut st = self
            .reads()
            .prepare_cached(
                "SELECT role, person, signature FROM signatures WHERE seq = ?1 ORDER BY role",
            )
            .map_err(Error::db(Msg::ReadSignatures))?;
        let rows = st
            .query_map([seq as i64], |r| {
                Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get(2)?))
            })
            .map_err(Error::db(Msg::ReadSignatures))?;
        let mut out = Vec::new();
        for row in rows {
            let (role, person, signature) = row.map_err(Error::db(Msg::ReadSignatures))?;
            let role = SignRole::parse(&role).ok_or_else(|| {
                Error::Integrity(
                    Msg::UnknownSignatureRole {
                        seq: num(seq),
                        role: format!("{role:?}").into(),
                    }
                    .into(),
                )
            })?;
            out.push(StoredSignature {
                role,
                person: PersonId(person),
                signature,
            });
        }
        Ok(out)
    }

    /// The sealed signing key stored for person `id`, which their passphrase opens; a missing or
    /// malformed one is an integrity failure.
    pub fn sealed_key(&self, id: &PersonId) -> Result<SealedKey> {
        let text = self.store().sealed_key(&id.0)?;
        let person = || baitai_core::text::Text::plain(id.0.clone());
        let text =
            text.ok_or_else(|| Error::Integrity(Msg::NoStoredKey { person: person() }.into()))?;
        serde_json::from_str(&text).map_err(|e| {
            Error::Integrity(
                Msg::MalformedKey {
                    person: person(),
                    cause: e.to_string().into(),
                }
                .into(),
            )
        })
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
            .map_err(Error::db(Msg::FindLastUse))?;
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
            .map_err(Error::db(Msg::FindTheLastUse))?;
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

    /// The sequence number of the entry with this hash, if there is one.
    pub fn seq_of_hash(&self, hash: &[u8]) -> Result<Option<u64>> {
        self.reads()
            .query_row("SELECT seq FROM entries WHERE hash = ?1", [hash], |r| {
                r.get::<_, i64>(0)
            })
            .optional()
            .map(|o| o.map(|s| s as u64))
            .map_err(Error::db(Msg::LookUpHash))
    }
}
