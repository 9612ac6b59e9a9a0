//! Reading rows of the entries table into entries, and the folds over them (the people
//! directory, a medium's state) that both reads and writes rely on.

use rusqlite::{params, CachedStatement, Connection, OptionalExtension, Row};

use crate::chain::StoredEntry;
use baitai_core::error::{Error, Result};
use baitai_core::lifecycle::{self, Act, Directory, MediumState};
use baitai_core::model::{Body, MediumNumber, PersonId};
use baitai_core::time;

use crate::msg::{num, Msg};

/// Kinds that make up the people directory and settings.
pub(super) const DIRECTORY_KINDS: &str =
    "('ledger.init','ledger.require_token','person.add','person.revoke','person.passwd','person.roles','exception.grant','exception.end')";

pub(super) const ENTRY_COLUMNS: &str = "seq, time, kind, medium, actor, payload, prev_hash, hash";

pub(super) fn head(conn: &Connection) -> Result<Option<(u64, [u8; 32], jiff::Timestamp)>> {
    let row: Option<(i64, Vec<u8>, String)> = conn
        .query_row(
            "SELECT seq, hash, time FROM entries ORDER BY seq DESC LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .optional()
        .map_err(Error::db(Msg::ReadLastEntry))?;
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
        .map_err(Error::db(Msg::ReadLastSignedEntry))?;
    t.map(|t| time::from_store(&t)).transpose()
}

pub(crate) fn to_hash(b: &[u8], seq: i64) -> Result<[u8; 32]> {
    <[u8; 32]>::try_from(b).map_err(|_| Error::Integrity(Msg::HashNot32 { seq: num(seq) }.into()))
}

pub(super) fn directory(conn: &Connection) -> Result<Directory> {
    directory_upto(conn, i64::MAX as u64)
}

/// The people directory as it stood after entry `seq`.
pub(crate) fn directory_upto(conn: &Connection, seq: u64) -> Result<Directory> {
    let entries = query_entries_on_every_core(
        conn,
        &format!(
            "SELECT {ENTRY_COLUMNS} FROM entries WHERE kind IN {DIRECTORY_KINDS} AND seq <= ?1 ORDER BY seq"
        ),
        [seq as i64],
    )?;
    let mut dir = Directory::default();
    for e in &entries {
        dir.apply(&Act {
            seq: e.seq,
            time: e.time,
            medium: e.medium.as_ref(),
            actor: e.actor.as_ref(),
            body: &e.body,
        });
    }
    Ok(dir)
}

pub(super) fn medium_entries(conn: &Connection, m: &MediumNumber) -> Result<Vec<StoredEntry>> {
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
            seq: e.seq,
            time: e.time,
            medium: e.medium.as_ref(),
            actor: e.actor.as_ref(),
            body: &e.body,
        };
        if let Some(next) = lifecycle::medium::apply(state.take(), &act) {
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
    let mut st = entries_statement(conn, sql)?;
    let mut rows = st.query(params).map_err(Error::db(Msg::ReadEntries))?;
    let mut out = Vec::new();
    while let Some(row) = rows.next().map_err(Error::db(Msg::ReadEntries))? {
        out.push(entry_from_row(row)?);
    }
    Ok(out)
}

/// `sql`, which selects ENTRY_COLUMNS, prepared (once per connection).
fn entries_statement<'c>(conn: &'c Connection, sql: &str) -> Result<CachedStatement<'c>> {
    conn.prepare_cached(sql)
        .map_err(Error::db(Msg::ReadEntries))
}

/// As [`query_entries`], decoding the rows on every core: for the people directory, which
/// every session folds, and whose public keys (a P-256 point decompression each) cost about
/// 20 ms a session at a thousand people on one core.
fn query_entries_on_every_core<P: rusqlite::Params>(
    conn: &Connection,
    sql: &str,
    params: P,
) -> Result<Vec<StoredEntry>> {
    let raws: Vec<RawEntry> = entries_statement(conn, sql)?
        .query_map(params, RawEntry::from_row)
        .and_then(|rows| rows.collect())
        .map_err(Error::db(Msg::ReadEntries))?;
    decode_on_every_core(raws)
}

/// Rows decoded in order, in one contiguous share per core; the first error in row order wins,
/// as it would decoding one at a time. Few rows are not worth a thread.
fn decode_on_every_core(raws: Vec<RawEntry>) -> Result<Vec<StoredEntry>> {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get().min(8));
    if cores < 2 || raws.len() < 256 {
        return raws.into_iter().map(RawEntry::decode).collect();
    }
    let share = raws.len().div_ceil(cores);
    let mut parts: Vec<Vec<RawEntry>> = Vec::with_capacity(cores);
    let mut rest = raws.into_iter();
    loop {
        let part: Vec<RawEntry> = rest.by_ref().take(share).collect();
        if part.is_empty() {
            break;
        }
        parts.push(part);
    }
    let decoded: Vec<Result<Vec<StoredEntry>>> = std::thread::scope(|s| {
        let jobs: Vec<_> = parts
            .into_iter()
            .map(|part| s.spawn(move || part.into_iter().map(RawEntry::decode).collect()))
            .collect();
        jobs.into_iter()
            .map(|j| {
                j.join()
                    .unwrap_or_else(|_| Err(Error::Other(Msg::DecodeFailed.into())))
            })
            .collect()
    });
    let mut out = Vec::new();
    for part in decoded {
        out.extend(part?);
    }
    Ok(out)
}

/// Decode one row selected with ENTRY_COLUMNS.
pub(crate) fn entry_from_row(r: &Row) -> Result<StoredEntry> {
    let raw = RawEntry::from_row(r).map_err(Error::db(Msg::ReadAnEntry))?;
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
            Error::Integrity(m) => Error::Integrity(
                Msg::AtEntry {
                    seq: num(self.seq),
                    what: m,
                }
                .into(),
            ),
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

#[cfg(test)]
mod tests {
    use super::*;
    use baitai_core::model::Checkout;

    fn row(seq: i64, good: bool) -> RawEntry {
        let (kind, payload) = Body::Checkout(Checkout {
            purpose: format!("p{seq}"),
        })
        .encode()
        .unwrap();
        RawEntry {
            seq,
            time: "2026-12-03T08:30:00Z".into(),
            kind,
            medium: None,
            actor: None,
            payload,
            prev_hash: vec![0; 32],
            hash: if good { vec![1; 32] } else { vec![1; 3] },
        }
    }

    /// Decoded on every core, the rows come back in their order, and a damaged row is reported
    /// as the first one in row order, whichever thread met it.
    #[test]
    fn decoding_on_every_core_keeps_the_order_and_the_first_error() {
        let rows = |bad: &[i64]| (1..=1000).map(|i| row(i, !bad.contains(&i))).collect();
        let seqs: Vec<u64> = decode_on_every_core(rows(&[]))
            .unwrap()
            .iter()
            .map(|e| e.seq)
            .collect();
        assert_eq!(seqs, (1..=1000).collect::<Vec<u64>>());
        let err = decode_on_every_core(rows(&[700, 300])).unwrap_err();
        let one: Result<Vec<StoredEntry>> = rows(&[700, 300])
            .into_iter()
            .map(RawEntry::decode)
            .collect();
        assert_eq!(err.to_string(), one.unwrap_err().to_string());
        assert!(err.to_string().contains("300"), "{err}");
    }
}
