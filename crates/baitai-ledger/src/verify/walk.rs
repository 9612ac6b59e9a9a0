//! The walk over the entries after a checkpoint: each entry's link, hash, time and rules in
//! order, its signatures handed in chunks to checkers on every core while the walk goes on.

use std::collections::HashMap;

use rusqlite::Connection;

use super::checkers::{Checkers, Finding, SigJob, CHUNK};
use super::{VerifyFailure, VerifyReport};
use crate::chain::{entry_hash, HashInput, GENESIS};
use crate::store::RawEntry;
use baitai_core::error::{Error, Result};
use baitai_core::lifecycle::{Act, Lifecycle};
use baitai_core::model::{Body, PersonId, SignRole};
use baitai_core::text::Text;

use crate::msg::{num, sign_role, Msg};

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
    /// Signatures not yet handed to the checkers.
    pub(super) jobs: Vec<SigJob>,
    /// Started with the first chunk.
    pub(super) checkers: Option<Checkers>,
    /// How late an entry may be dated: the clock plus the tolerance, read once per chunk.
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
        if self.jobs.len() >= CHUNK {
            self.hand_over();
        }
        // A bad signature found behind the walk stops it; `finish` says which.
        self.failure.is_none() && !self.checkers.as_ref().is_some_and(Checkers::found_any)
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

    /// Hand the signatures queued so far to the checkers (started with the first chunk).
    fn hand_over(&mut self) {
        self.horizon = None;
        let jobs = std::mem::take(&mut self.jobs);
        let Some(first) = jobs.first().map(|j| j.seq) else {
            return;
        };
        let n = jobs.len() as u64;
        let checkers = self.checkers.get_or_insert_with(Checkers::start);
        match checkers.hand_over(jobs) {
            Ok(()) => self.signatures += n,
            Err(()) => {
                self.fail(first, Msg::SignatureCheckIncomplete);
            }
        }
    }

    /// Once the walk has ended: every signature checked, and the earliest bad one, if any,
    /// among the failures.
    pub(super) fn finish(&mut self) {
        self.hand_over();
        let Some(found) = self.checkers.take().and_then(Checkers::finish) else {
            return;
        };
        match found.what {
            Finding::Bad(role) => self.fail(
                found.seq,
                Msg::SignatureBad {
                    role: sign_role(role),
                },
            ),
            // A check that died proves nothing: fail closed.
            Finding::Incomplete => self.fail(found.seq, Msg::SignatureCheckIncomplete),
        };
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
    /// hash of entry N−1 (signatures are checked behind the walk, after it has moved on).
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::verify::checkers::tests::jobs;
    use baitai_core::crypto::PersonKey;

    /// The failure kept is the earliest, whether the walk or a checker found it.
    #[test]
    fn the_walk_keeps_the_earliest_failure_its_own_or_a_checkers() {
        let key = PersonKey::generate();
        for (bad_sig, walk_fails, earliest) in [(12, 30, 12), (50, 30, 30)] {
            let mut walk = Walk::default();
            for part in [1..CHUNK as u64 + 1, CHUNK as u64 + 1..2 * CHUNK as u64] {
                walk.jobs = jobs(&key, part, &[bad_sig]);
                walk.hand_over();
            }
            walk.fail(walk_fails, Msg::TimeAhead);
            walk.finish();
            assert_eq!(walk.failure.as_ref().map(|f| f.seq), Some(earliest));
            assert_eq!(walk.signatures, 2 * CHUNK as u64 - 1);
            assert!(walk.checkers.is_none());
        }
    }
}
