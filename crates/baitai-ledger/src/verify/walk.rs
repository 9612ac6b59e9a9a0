//! The walk over the entries after a checkpoint: each entry's link, hash, time and rules in
//! order, its signatures queued and checked in parallel batches while the walk goes on.

use std::collections::HashMap;
use std::thread::JoinHandle;

use rusqlite::Connection;

use super::{VerifyFailure, VerifyReport};
use crate::chain::{entry_hash, HashInput, GENESIS};
use crate::store::RawEntry;
use baitai_core::crypto::{PublicKey, Signature};
use baitai_core::error::{Error, Result};
use baitai_core::lifecycle::{Act, Lifecycle};
use baitai_core::model::{Body, PersonId, SignRole};
use baitai_core::text::Text;

use crate::msg::{num, sign_role, Msg};

/// One signature to check; checked in parallel batches.
pub(super) struct SigJob {
    seq: u64,
    role: SignRole,
    key: PublicKey,
    hash: [u8; 32],
    sig: Vec<u8>,
}

const BATCH: usize = 8192;

/// A signature row as read: (role, person, signature bytes).
pub(super) type SigRow = (String, String, Vec<u8>);

/// How far ahead of this machine's clock an entry may be before verify calls it suspect.
const FUTURE_TOLERANCE_HOURS: i64 = 24;

#[derive(Default)]
pub(super) struct Walk {
    pub(super) state: Lifecycle,
    pub(super) expected_seq: u64,
    pub(super) prev_hash: Option<[u8; 32]>,
    pub(super) last_time: Option<String>,
    pub(super) entries: u64,
    pub(super) signatures: u64,
    pub(super) jobs: Vec<SigJob>,
    /// The batch before `jobs`, being checked on every core while the walk reads on.
    pub(super) checking: Option<Checking>,
    /// How late an entry may be dated: the clock plus the tolerance, read once per batch.
    pub(super) horizon: Option<String>,
    pub(super) failure: Option<VerifyFailure>,
    /// Entries up to here were verified by an earlier run.
    pub(super) checkpoint: u64,
}

impl Walk {
    pub(super) fn fail(&mut self, seq: u64, reason: impl Into<Text>) -> bool {
        let f = VerifyFailure {
            seq,
            reason: reason.into(),
        };
        if self.failure.as_ref().is_none_or(|old| f.seq < old.seq) {
            self.failure = Some(f);
        }
        false
    }

    /// Check one entry; false stops the walk.
    pub(super) fn entry(&mut self, raw: RawEntry, sigs: Vec<SigRow>) -> bool {
        let seq = raw.seq as u64;
        let expected = self.expected_seq + 1;
        if seq != expected {
            return self.fail(
                expected,
                Msg::EntryMissing {
                    expected: num(expected),
                    next: num(seq),
                },
            );
        }
        self.expected_seq = seq;
        let prev = self.prev_hash.unwrap_or(GENESIS);
        if raw.prev_hash != prev {
            return self.fail(seq, Msg::DoesNotLink);
        }
        let hash = entry_hash(&HashInput {
            seq,
            time: &raw.time,
            kind: &raw.kind,
            medium: raw.medium.as_deref(),
            actor: raw.actor.as_deref(),
            payload: &raw.payload,
            prev_hash: &prev,
        });
        if raw.hash != hash {
            return self.fail(seq, Msg::ContentsMismatch);
        }
        if self.last_time.as_ref().is_some_and(|t| raw.time < *t) {
            return self.fail(seq, Msg::TimeBackwards);
        }
        let horizon = self.horizon.get_or_insert_with(|| {
            let at =
                baitai_core::time::now() + jiff::SignedDuration::from_hours(FUTURE_TOLERANCE_HOURS);
            baitai_core::time::to_store(at)
        });
        if raw.time > *horizon {
            return self.fail(seq, Msg::TimeAhead);
        }
        let entry = match raw.decode() {
            Ok(e) => e,
            Err(e) => return self.fail(seq, &e),
        };
        if !self.queue_signatures(seq, &entry.body, entry.actor.as_ref(), &hash, sigs) {
            return false;
        }
        let act = Act {
            seq,
            time: entry.time,
            medium: entry.medium.as_ref(),
            actor: entry.actor.as_ref(),
            body: &entry.body,
        };
        if let Err(r) = self.state.step(&act) {
            return self.fail(
                seq,
                Msg::BreaksRule {
                    refusal: Error::from(r).into(),
                },
            );
        }
        self.prev_hash = Some(hash);
        // Unsigned rows (failed attempts) take no part in the order of time: anyone with the
        // file could add one dated ahead, and every later entry would then look backdated.
        if !entry.body.is_unsigned() {
            self.last_time = Some(baitai_core::time::to_store(entry.time));
        }
        self.entries += 1;
        if self.jobs.len() >= BATCH {
            self.flush();
            return self.failure.is_none();
        }
        true
    }

    fn queue_signatures(
        &mut self,
        seq: u64,
        body: &Body,
        actor: Option<&PersonId>,
        hash: &[u8; 32],
        sigs: Vec<SigRow>,
    ) -> bool {
        let mut needed: Vec<(SignRole, PersonId)> = Vec::new();
        if !body.is_unsigned() {
            match actor {
                Some(a) => needed.push((SignRole::Actor, a.clone())),
                None => return self.fail(seq, Msg::NamesNoActor),
            }
        }
        if let Some((role, p)) = body.second_signer() {
            needed.push((role, p.clone()));
        }
        if sigs.len() != needed.len() {
            return self.fail(
                seq,
                Msg::SignatureCount {
                    have: num(sigs.len()),
                    need: num(needed.len()),
                },
            );
        }
        let by_role: HashMap<&str, &SigRow> = sigs.iter().map(|s| (s.0.as_str(), s)).collect();
        for (role, person) in needed {
            let Some((_, signer, sig)) = by_role.get(role.as_str()).copied() else {
                return self.fail(
                    seq,
                    Msg::SignatureMissing {
                        role: sign_role(role),
                    },
                );
            };
            if signer != &person.0 {
                return self.fail(
                    seq,
                    Msg::SignatureBy {
                        role: sign_role(role),
                        signer: signer.into(),
                        person: person.0.as_str().into(),
                    },
                );
            }
            let key = match self.state.people.get(&person) {
                Some(p) => p.public_key,
                None => match body.introduced_key(&person) {
                    Some(k) => k,
                    None => {
                        return self.fail(
                            seq,
                            Msg::SignerUnknown {
                                person: person.0.as_str().into(),
                            },
                        )
                    }
                },
            };
            self.jobs.push(SigJob {
                seq,
                role,
                key,
                hash: *hash,
                sig: sig.clone(),
            });
        }
        true
    }

    /// Hand the queued signatures to checker threads, one per core, and take the previous
    /// batch's result: the walk reads the next entries while they run. A bad signature so
    /// stops the walk one batch later; the failure reported is still the earliest.
    pub(super) fn flush(&mut self) {
        self.collect();
        self.horizon = None;
        let jobs = std::mem::take(&mut self.jobs);
        if jobs.is_empty() {
            return;
        }
        self.signatures += jobs.len() as u64;
        self.checking = Some(Checking::start(jobs));
    }

    /// The last batch handed over and its result taken: call once the walk has ended.
    pub(super) fn finish(&mut self) {
        self.flush();
        self.collect();
    }

    fn collect(&mut self) {
        let Some(checking) = self.checking.take() else {
            return;
        };
        match checking.wait() {
            Checked::Good => {}
            Checked::Bad(seq, role) => {
                self.fail(
                    seq,
                    Msg::SignatureBad {
                        role: sign_role(role),
                    },
                );
            }
            // A checker thread that died proves nothing: fail closed.
            Checked::Incomplete(first) => {
                self.fail(first, Msg::SignatureCheckIncomplete);
            }
        }
    }

    pub(super) fn check_orphans(&mut self, conn: &Connection, after: u64) -> Result<()> {
        let orphan: Option<i64> = conn
            .query_row(
                "SELECT MIN(seq) FROM signatures WHERE seq > ?1 AND seq NOT IN (SELECT seq FROM entries WHERE seq > ?1)",
                [after as i64],
                |r| r.get(0),
            )
            .map_err(Error::db(Msg::CheckSignatures))?;
        if let Some(seq) = orphan {
            self.fail(seq as u64, Msg::OrphanSignature);
        }
        Ok(())
    }

    /// On failure at entry N, only entries before N count as verified, and the head is the
    /// hash of entry N−1 (signatures are checked in batches, after the walk has moved on).
    pub(super) fn report(self, conn: &Connection) -> VerifyReport {
        let (entries, head) = match &self.failure {
            None => (self.entries, self.prev_hash.map(hex::encode)),
            Some(f) => {
                let before = f.seq.saturating_sub(1);
                let head: Option<Vec<u8>> = conn
                    .query_row(
                        "SELECT hash FROM entries WHERE seq = ?1",
                        [before as i64],
                        |r| r.get(0),
                    )
                    .ok();
                (before.min(self.entries), head.map(hex::encode))
            }
        };
        // Counted in the ledger: an incremental walk holds only the media it needed.
        let media: i64 = conn
            .query_row(
                "SELECT COUNT(*) FROM entries WHERE kind = 'medium.register' AND seq <= ?1",
                [entries as i64],
                |r| r.get(0),
            )
            .unwrap_or(self.state.media.len() as i64);
        VerifyReport {
            entries,
            checkpoint: self.checkpoint,
            signatures: self.signatures,
            media: media as usize,
            people: self.state.people.people.len(),
            head,
            failure: self.failure,
        }
    }
}

/// A batch of signatures being checked, in parts, one thread each.
pub(super) struct Checking {
    first: u64,
    parts: Vec<JoinHandle<Option<(u64, SignRole)>>>,
}

/// What a batch's check found.
enum Checked {
    Good,
    /// The earliest bad signature: its entry and role.
    Bad(u64, SignRole),
    /// A part's thread died; the batch's first entry.
    Incomplete(u64),
}

impl Checking {
    fn start(mut jobs: Vec<SigJob>) -> Checking {
        let threads = std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(1)
            .max(1);
        let per = jobs.len().div_ceil(threads).max(1);
        let first = jobs.first().map_or(0, |j| j.seq);
        let mut parts = Vec::with_capacity(threads);
        while !jobs.is_empty() {
            let rest = jobs.split_off(per.min(jobs.len()));
            let part = std::mem::replace(&mut jobs, rest);
            parts.push(std::thread::spawn(move || {
                part.iter().find(|j| !check(j)).map(|j| (j.seq, j.role))
            }));
        }
        Checking { first, parts }
    }

    fn wait(self) -> Checked {
        let mut bad: Option<(u64, SignRole)> = None;
        for part in self.parts {
            match part.join() {
                Err(_) => return Checked::Incomplete(self.first),
                Ok(Some(b)) if bad.is_none_or(|old| b.0 < old.0) => bad = Some(b),
                Ok(_) => {}
            }
        }
        bad.map_or(Checked::Good, |(seq, role)| Checked::Bad(seq, role))
    }
}

fn check(j: &SigJob) -> bool {
    match Signature::from_slice(&j.sig) {
        Some(sig) => j.key.verify_entry(j.role.as_str(), &j.hash, &sig),
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use baitai_core::crypto::PersonKey;

    /// Jobs for entries `seqs`, every signature good except those of `bad`.
    fn jobs(key: &PersonKey, seqs: std::ops::Range<u64>, bad: &[u64]) -> Vec<SigJob> {
        seqs.map(|seq| {
            let hash = [seq as u8; 32];
            let mut sig = key.sign_entry("actor", &hash).0.to_vec();
            if bad.contains(&seq) {
                sig[10] ^= 1;
            }
            SigJob {
                seq,
                role: SignRole::Actor,
                key: key.public(),
                hash,
                sig,
            }
        })
        .collect()
    }

    #[test]
    fn a_batch_reports_its_earliest_bad_signature_whichever_thread_found_it() {
        let key = PersonKey::generate();
        assert!(matches!(
            Checking::start(jobs(&key, 1..40, &[])).wait(),
            Checked::Good
        ));
        assert!(matches!(
            Checking::start(jobs(&key, 1..40, &[33, 7, 21])).wait(),
            Checked::Bad(7, SignRole::Actor)
        ));
    }

    /// A bad signature in one batch is found while the next batch is queued, and the
    /// failure kept is the earliest of everything found.
    #[test]
    fn the_walk_keeps_the_earliest_failure_across_batches_checked_behind_it() {
        let key = PersonKey::generate();
        let mut walk = Walk {
            jobs: jobs(&key, 1..20, &[12]),
            ..Walk::default()
        };
        walk.flush();
        assert!(
            walk.failure.is_none(),
            "checked behind the walk, not yet taken"
        );
        walk.jobs = jobs(&key, 20..40, &[25]);
        walk.flush();
        assert_eq!(walk.failure.as_ref().map(|f| f.seq), Some(12));
        walk.fail(30, Msg::TimeAhead);
        walk.finish();
        assert_eq!(walk.failure.as_ref().map(|f| f.seq), Some(12));
        assert_eq!(walk.signatures, 39);
        assert!(walk.checking.is_none());
    }
}
