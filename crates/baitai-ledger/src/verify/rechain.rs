//! Re-chaining: the hash chain recomputed over entries that verified before (hashes and links
//! only, no rules or signatures), on two threads when there are enough of them.

use std::path::Path;

use rusqlite::Connection;

use super::VerifyFailure;
use crate::chain::{entry_hash, HashInput, GENESIS};
use crate::store::Ledger;
use baitai_core::error::{Error, Result};

use crate::msg::Msg;

/// Where a re-chained range of entries ends, or why it does not hold.
pub(super) type Chained = std::result::Result<RangeEnd, VerifyFailure>;

/// The first entry's stored link and the last entry's hash and time, of a range that chains.
pub(super) struct RangeEnd {
    first_prev: [u8; 32],
    pub(super) last_hash: [u8; 32],
    pub(super) last_time: String,
}

/// Recompute the hash chain over entries 1..=`upto` (hashes and links only), on two threads
/// when there is enough to share: the last hash and time, or the first entry that fails.
pub(super) fn rechain(
    conn: &Connection,
    path: &Path,
    upto: u64,
) -> Result<std::result::Result<([u8; 32], String), VerifyFailure>> {
    // Below this, a second connection and thread cost more than they save.
    #[cfg(not(test))]
    const SPLIT_FROM: u64 = 50_000;
    #[cfg(test)]
    const SPLIT_FROM: u64 = 4;
    let mid = upto / 2;
    // A server ledger is read from this process's in-memory copy: a second connection would
    // fetch the whole ledger from the server again.
    let (a, b) = if upto < SPLIT_FROM || crate::store::is_server_url(path) {
        (rechain_range(conn, 1, upto)?, None)
    } else {
        std::thread::scope(|s| {
            let second = s.spawn(|| -> Result<Chained> {
                let other = Ledger::open_read_only(path)?;
                rechain_range(other.conn(), mid + 1, upto)
            });
            let first = rechain_range(conn, 1, mid);
            let second = second
                .join()
                .map_err(|_| Error::Other(Msg::VerifyThreadFailed.into()));
            Ok::<_, Error>((first?, Some(second??)))
        })?
    };
    let a = match a {
        Ok(a) => a,
        Err(f) => return Ok(Err(f)),
    };
    if a.first_prev != GENESIS {
        return Ok(Err(bad(1, Msg::DoesNotStartChain)));
    }
    match b {
        None => Ok(Ok((a.last_hash, a.last_time))),
        Some(Err(f)) => Ok(Err(f)),
        Some(Ok(b)) if b.first_prev != a.last_hash => {
            Ok(Err(bad(mid + 1, Msg::DoesNotLinkBeforeCheckpoint)))
        }
        Some(Ok(b)) => Ok(Ok((b.last_hash, b.last_time))),
    }
}

fn bad(seq: u64, why: Msg) -> VerifyFailure {
    VerifyFailure {
        seq,
        reason: why.into(),
    }
}

/// Re-chain entries `from..=to`, starting from the first one's stored link, reading each row
/// in place without copying it.
pub(super) fn rechain_range(conn: &Connection, from: u64, to: u64) -> Result<Chained> {
    let mut st = conn
        .prepare("SELECT seq, time, kind, medium, actor, payload, prev_hash, hash FROM entries WHERE seq >= ?1 AND seq <= ?2 ORDER BY seq")
        .map_err(Error::db(Msg::ReadTheLedger))?;
    let mut rows = st
        .query([from as i64, to as i64])
        .map_err(Error::db(Msg::ReadTheLedger))?;
    let mut end: Option<RangeEnd> = None;
    let mut expected = from;
    while let Some(row) = rows.next().map_err(Error::db(Msg::ReadTheLedger))? {
        let Some((input, stored)) = borrowed(row, expected)? else {
            return Ok(Err(bad(expected, Msg::MissingBeforeCheckpoint)));
        };
        let prev = match &end {
            Some(e) => e.last_hash,
            None => <[u8; 32]>::try_from(input.prev_hash_bytes).unwrap_or(GENESIS),
        };
        let hash = entry_hash(&HashInput {
            prev_hash: &prev,
            ..input.fields
        });
        if input.prev_hash_bytes != prev || stored != hash {
            return Ok(Err(bad(expected, Msg::ChangedBeforeCheckpoint)));
        }
        let first_prev = end.as_ref().map_or(prev, |e| e.first_prev);
        end = Some(RangeEnd {
            first_prev,
            last_hash: hash,
            last_time: input.fields.time.to_string(),
        });
        expected += 1;
    }
    match end {
        Some(e) if expected == to + 1 => Ok(Ok(e)),
        _ => Ok(Err(bad(expected, Msg::GoneSinceVerify))),
    }
}

/// One row's hashed fields, borrowed from SQLite's buffer.
struct Borrowed<'r> {
    fields: HashInput<'r>,
    prev_hash_bytes: &'r [u8],
}

/// The row's fields and stored hash, or None when its number is not `expected` or a column
/// has the wrong type (both mean the chain does not hold there).
fn borrowed<'r>(row: &'r rusqlite::Row, expected: u64) -> Result<Option<(Borrowed<'r>, &'r [u8])>> {
    let text = |i| row.get_ref(i).ok().and_then(|v| v.as_str().ok());
    let opt = |i| row.get_ref(i).ok().and_then(|v| v.as_str_or_null().ok());
    let blob = |i| row.get_ref(i).ok().and_then(|v| v.as_blob().ok());
    let seq: i64 = row.get(0).map_err(Error::db(Msg::ReadTheLedger))?;
    if seq as u64 != expected {
        return Ok(None);
    }
    let (Some(time), Some(kind), Some(medium), Some(actor), Some(payload), Some(prev), Some(hash)) =
        (text(1), text(2), opt(3), opt(4), text(5), blob(6), blob(7))
    else {
        return Ok(None);
    };
    Ok(Some((
        Borrowed {
            fields: HashInput {
                seq: expected,
                time,
                kind,
                medium,
                actor,
                payload,
                prev_hash: &GENESIS,
            },
            prev_hash_bytes: prev,
        },
        hash,
    )))
}
