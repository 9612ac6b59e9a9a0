//! `ledger verify` as a library call: the whole check against this user's checkpoint, a kept
//! head hash and the identity pinned for the path, then the checkpoint moved to the head.

use std::path::Path;

use crate::error::{Error, Result};
use crate::ledger::{Anchors, Checkpoint, Checkpoints, Ledger, VerifyFailure, VerifyReport};
use crate::msg::Msg;
use baitai_core::text::Text;

/// What `ledger verify` was asked.
pub struct VerifyRequest {
    /// A head hash an auditor kept earlier (hex, spaces and case ignored).
    pub head: Option<String>,
    /// Check only what follows this user's checkpoint.
    pub incremental: bool,
    /// Accept, after a whole verify, a ledger that is not the one pinned for this path.
    pub accept_new: bool,
}

/// The result, with what was kept for next time.
pub struct LedgerCheck {
    /// What the verify found: the entries and signatures checked, the head hash, and the
    /// first entry that failed with why, if one did (the caller then exits 5).
    pub report: VerifyReport,
    /// The hash of entry 1 (hex).
    pub ledger_id: Option<String>,
    /// The entry the kept head hash names.
    pub kept_head_entry: Option<u64>,
    /// Where the checkpoint now is, when it was moved.
    pub checkpoint_recorded: Option<u64>,
    /// What could not be kept (a read-only home), for the person to know.
    pub notes: Vec<Text>,
    /// The ledger's language as its first entry says (`ja`, `en`), for the screen: read even
    /// from a ledger that fails, since it only chooses the words of the report.
    pub lang: Option<String>,
}

/// `ledger verify`: check the hash chain, every signature and every rule, from this user's
/// checkpoint (or only past it with `incremental`), that a kept head hash is still in the
/// ledger, and that the ledger is the one pinned for its path. A failure is reported in
/// [`LedgerCheck::report`], not as an error, so the caller prints it before exiting 5; after
/// a verify that passed, the checkpoint moves to the head and a first use pins the ledger.
/// `Err` is for a ledger that cannot be read at all, or a malformed `head` (exit 2).
///
/// Not through a session: a session refuses a ledger that does not verify, and this must
/// still report on one whose first entries were removed.
pub fn verify_ledger(path: &Path, req: VerifyRequest) -> Result<LedgerCheck> {
    let kept = req.head.as_deref().map(parse_head).transpose()?;
    let ledger = Ledger::open_read_only(path)?;
    let store = Checkpoints::default_location();
    let anchors = Anchors::for_ledger(ledger.path());
    let id = ledger.ledger_id()?;
    let pinned = match &anchors {
        Some(a) => a.pinned()?,
        None => None,
    };
    let replaced = matches!((&pinned, &id), (Some(p), Some(i)) if p != i);
    let checkpoint = match (&store, &id) {
        (Some(s), Some(id)) => s.get(id)?,
        _ => None,
    };
    // A replacement being accepted is checked from nothing, not from another ledger's point.
    let incremental = req.incremental && !(replaced && req.accept_new);
    let mut report = ledger.verify_against(checkpoint.as_ref(), incremental)?;
    if replaced && report.failure.is_none() {
        match (&anchors, &id, req.accept_new) {
            (Some(a), Some(id), true) => a.repin(id)?,
            _ => report.failure = Some(not_pinned(pinned.as_deref())),
        }
    }
    let kept_head_entry = check_kept_head(&ledger, kept, &mut report)?;
    let mut check = LedgerCheck {
        report,
        ledger_id: id,
        kept_head_entry,
        checkpoint_recorded: None,
        notes: Vec::new(),
        lang: ledger.settings().ok().map(|s| s.lang),
    };
    if pinned.is_none() {
        pin_first_use(anchors.as_ref(), &mut check);
    }
    if let Some(store) = &store {
        keep_checkpoint(store, &mut check);
    }
    Ok(check)
}

fn not_pinned(pinned: Option<&str>) -> VerifyFailure {
    VerifyFailure {
        seq: 1,
        reason: Msg::NotPinnedLedger {
            pinned: pinned.unwrap_or_default().into(),
        }
        .into(),
    }
}

/// A kept head hash must name an entry of this ledger: else its end was cut or rewritten.
fn check_kept_head(
    ledger: &Ledger,
    kept: Option<[u8; 32]>,
    report: &mut VerifyReport,
) -> Result<Option<u64>> {
    let (Some(h), None) = (kept, &report.failure) else {
        return Ok(None);
    };
    let seq = ledger.seq_of_hash(&h)?;
    if seq.is_none() {
        report.failure = Some(VerifyFailure {
            seq: report.entries + 1,
            reason: Msg::HeadNotInLedger {
                head: hex::encode(h).into(),
            }
            .into(),
        });
    }
    Ok(seq)
}

/// The first passing verify at a path pins it, as any command's first use does.
fn pin_first_use(anchors: Option<&Anchors>, check: &mut LedgerCheck) {
    if let (Some(a), Some(id), None) = (anchors, &check.ledger_id, &check.report.failure) {
        if let Err(e) = a.repin(id) {
            check
                .notes
                .push(Msg::CannotPin { cause: (&e).into() }.into());
        }
    }
}

/// After a verify that passed, move this user's checkpoint to its head, so the next verify
/// can tell whether anything up to here was removed or rewritten, and `--incremental` can
/// start here. A failure to save is a note, not an error.
fn keep_checkpoint(store: &Checkpoints, check: &mut LedgerCheck) {
    let r = &check.report;
    let (Some(id), None, Some(hash)) = (&check.ledger_id, &r.failure, &r.head) else {
        return;
    };
    let cp = Checkpoint {
        seq: r.entries,
        hash: hash.clone(),
        verified_at: crate::time::to_store(crate::time::now()),
    };
    match store.put(id, cp) {
        Ok(()) => check.checkpoint_recorded = Some(r.entries),
        Err(e) => check
            .notes
            .push(Msg::CannotCheckpoint { cause: (&e).into() }.into()),
    }
}

/// A head hash as an auditor wrote it down: 64 hex digits, spaces and case ignored.
fn parse_head(h: &str) -> Result<[u8; 32]> {
    let clean: String = h.chars().filter(|c| !c.is_whitespace()).collect();
    hex::decode(&clean)
        .ok()
        .and_then(|b| <[u8; 32]>::try_from(b).ok())
        .ok_or_else(|| {
            Error::usage(Msg::BadHead {
                head: format!("{h:?}").into(),
            })
        })
}
