//! Writing: one transaction per command, every entry checked by the rules and signed
//! before it is inserted.

use rusqlite::{Connection, TransactionBehavior};

use super::rows::{last_signed_time, query_entries, DIRECTORY_KINDS, ENTRY_COLUMNS};
use super::{fold_medium, Ledger, RawEntry, Store};
use crate::chain::{entry_hash, Draft, HashInput, StoredEntry, GENESIS};
use crate::replica::extend_or_drop;
use crate::trust::Verified;
use baitai_core::crypto::{KeyDevice, SealedKey};
use baitai_core::error::{Error, Result, Rule};
use baitai_core::lifecycle::{self, Act, Directory, MediumState};
use baitai_core::model::{MediumNumber, PersonId, SignRole};
use baitai_core::time;

use crate::msg::{sign_role, Msg};

impl Ledger {
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
        // On a server, the append's transaction there holds the chain head's lock from here to
        // its commit, and the in-memory copy is brought up to the head under it: what follows
        // then runs as on a file held by BEGIN IMMEDIATE.
        if let Some(s) = &self.server {
            s.begin_append()?;
        }
        let done = self.pull().and_then(|()| self.write_locked(f, known));
        let (out, head) = match done {
            Ok(done) => done,
            Err(e) => {
                if let Some(s) = &self.server {
                    s.rollback();
                }
                return Err(e);
            }
        };
        self.after_commit(head);
        Ok(out)
    }

    /// The write itself, once the chain head is held (by BEGIN IMMEDIATE here, and by the
    /// server's lock for a server ledger): the entries it committed, and the head after them.
    #[allow(clippy::type_complexity)]
    fn write_locked<T>(
        &mut self,
        f: impl FnOnce(&mut Writer) -> Result<T>,
        known: Option<Directory>,
    ) -> Result<(T, Option<(u64, [u8; 32], jiff::Timestamp)>)> {
        let before = self.verified.as_ref().map(|v| v.seq);
        let (out, head) = {
            let asked = std::time::Instant::now();
            let tx = self
                .conn
                .transaction_with_behavior(TransactionBehavior::Immediate)
                .map_err(Error::db(Msg::BeginWrite))?;
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
                (Some(_), Some(v)) => crate::trust::verify_since(&tx, prefix, v)?,
                (Some(anchors), None) => {
                    anchors.establish(&tx, &self.path)?;
                }
                (None, _) => {}
            }
            // The rules then read the verified copy, brought up to the ledger's head (or the
            // ledger, verified just now in this transaction, if the copy had to be dropped).
            let start = Store::head(&*tx)?.map_or(0, |(seq, _, _)| seq);
            extend_or_drop(&mut self.replica, &tx, start);
            let mut w = Writer {
                tx,
                reads: self.replica.as_ref().map(|r| r.conn()),
                start,
                dir: std::cell::RefCell::new(known.filter(|_| before == Some(start))),
                keys: Default::default(),
            };
            let out = f(&mut w)?;
            let head = Store::head(&*w.tx)?;
            match &self.server {
                None => w.tx.commit().map_err(Error::db(Msg::CommitWrite))?,
                Some(s) => {
                    // The server gets exactly the rows the rules passed here, then commits:
                    // that commit is the append. The copy only follows it (were its commit to
                    // fail, the next command would fetch the rows from the server).
                    w.tx.each_entry_in(start, u64::MAX, &mut |e| s.append_entry(&e))?;
                    w.tx.each_signature_in(start, u64::MAX, &mut |r| s.append_signature(&r))?;
                    for (person, sealed) in w.keys.borrow().iter() {
                        s.put_sealed_key(person, sealed)?;
                    }
                    s.commit()?;
                    if let Err(e) = w.tx.commit() {
                        log::warn!("the in-memory copy did not take the append: {e}");
                    }
                }
            }
            (out, head)
        };
        Ok((out, head))
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
            None => match crate::trust::first_hash(&self.conn) {
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
    /// The sealed keys stored in this transaction (person, sealed JSON), for a server ledger
    /// to receive with the entries.
    keys: std::cell::RefCell<Vec<(String, String)>>,
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

    /// The people directory as this transaction sees it, kept up to date as entries are committed.
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
                seq: e.seq,
                time: e.time,
                medium: e.medium.as_ref(),
                actor: e.actor.as_ref(),
                body: &e.body,
            });
        }
        Ok(dir)
    }

    /// Medium `m`'s state as this transaction sees it, its own entries included.
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

    /// Store (or replace) the sealed signing key of person `id`, in this transaction.
    pub fn put_sealed_key(&self, id: &PersonId, sealed: &SealedKey) -> Result<()> {
        let text = serde_json::to_string(sealed).map_err(|e| {
            Error::Other(
                Msg::EncodeSealedKey {
                    cause: e.to_string().into(),
                }
                .into(),
            )
        })?;
        Store::put_sealed_key(&*self.tx, &id.0, &text)?;
        self.keys.borrow_mut().push((id.0.clone(), text));
        Ok(())
    }

    /// Check `draft` against the rules, then append it signed by `signers`.
    pub fn commit(
        &mut self,
        draft: Draft,
        signers: &[(SignRole, &dyn KeyDevice)],
    ) -> Result<StoredEntry> {
        let head = Store::head(&*self.tx)?;
        let now = time::now();
        // Only signed entries set the order of time: an unsigned row (a failed attempt, which
        // anyone with the file could add) dated ahead must not stop everyone else's writes.
        if let Some(last) = last_signed_time(&self.tx)? {
            if now < last {
                return Err(Error::refused(
                    Rule::Clock,
                    Msg::ClockBehind {
                        now: time::to_store(now).into(),
                        last: time::to_store(last).into(),
                    },
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
            seq,
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
            Store::append_signature(
                &*self.tx,
                &(
                    seq as i64,
                    role.as_str().to_string(),
                    person.0.clone(),
                    sig.0.to_vec(),
                ),
            )?;
        }
        if let Some(d) = self.dir.borrow_mut().as_mut() {
            d.apply(&Act {
                seq,
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
        Store::append_entry(
            &*self.tx,
            &RawEntry {
                seq: seq as i64,
                time: time_s.to_string(),
                kind: kind.to_string(),
                medium: draft.medium.as_ref().map(|m| m.0.clone()),
                actor: draft.actor.as_ref().map(|a| a.0.clone()),
                payload: payload.to_string(),
                prev_hash: prev.to_vec(),
                hash: hash.to_vec(),
            },
        )
    }
}

/// Sign the entry with every key it needs, checking each key belongs to the person named.
fn collect_signatures(
    dir: &Directory,
    draft: &Draft,
    hash: &[u8; 32],
    signers: &[(SignRole, &dyn KeyDevice)],
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
                Error::Other(
                    Msg::NoKeyToSign {
                        role: sign_role(role),
                    }
                    .into(),
                )
            })?;
        let expected = match dir.get(&person) {
            Some(p) => p.public_key,
            None => draft.body.introduced_key(&person).ok_or_else(|| {
                Error::Other(
                    Msg::NoPublicKey {
                        person: person.0.as_str().into(),
                    }
                    .into(),
                )
            })?,
        };
        if key.public() != expected {
            return Err(Error::Auth(
                Msg::KeyMismatch {
                    person: person.0.as_str().into(),
                }
                .into(),
            ));
        }
        out.push((role, person, key.sign_entry(role.as_str(), hash)?));
    }
    Ok(out)
}
