//! A medium's state folded from its entries, and the rules of 003 第4 for each act on it.

mod state;

use jiff::Timestamp;

pub use state::{apply, Cleanliness, EntryMark, Holding, IssueKind, Marked, MediumState, OutInfo};

use super::{Act, Directory};
use crate::error::{Refusal, Rule};
use crate::model::{Body, MediumNumber, PersonId, Role, Site};

fn refuse(rule: Rule, reason: String) -> Result<(), Refusal> {
    Err(Refusal::new(rule, reason))
}

/// A site's medium carries the site's code first (`TKY-USB-2026-0001`), so the number alone
/// says where it is kept, on its label as on every printout.
fn site_number(number: &MediumNumber, site: Option<&Site>) -> Result<(), Refusal> {
    match site {
        Some(site) if !number.0.starts_with(&format!("{site}-")) => refuse(
            Rule::SiteNumber,
            format!("{number} is registered to site {site} but does not start with {site}-"),
        ),
        Some(_) | None => Ok(()),
    }
}

/// The rules for one act on a medium.
pub fn permit(people: &Directory, state: Option<&MediumState>, act: &Act) -> Result<(), Refusal> {
    let Some(number) = act.medium else {
        return refuse(Rule::NoMedium, "this entry must name a medium".into());
    };
    let Some(actor) = act.actor else {
        return refuse(Rule::NoActor, "every entry names who made it".into());
    };
    let state = match (state, act.body) {
        (None, Body::Register(r)) => {
            people.require(actor, Role::Custodian, "register media")?;
            return site_number(number, r.site.as_ref());
        }
        (Some(_), Body::Register(_)) => {
            return refuse(
                Rule::UniqueNumber,
                format!("{number} is already registered"),
            )
        }
        (None, _) => return refuse(Rule::UnknownMedium, format!("no medium {number}")),
        (Some(s), _) => s,
    };
    // A medium's record may still be corrected after it is closed, as a paper ledger is.
    if let Body::Correct(c) = act.body {
        return permit_correct(people, state, actor, act.seq, c);
    }
    if state.holding.is_closed() {
        return refuse(
            Rule::Closed,
            format!(
                "{number} is {}: nothing more can be recorded for it",
                state.holding.as_str()
            ),
        );
    }
    match act.body {
        Body::Checkout(_) => {
            people.require(actor, Role::Handler, "take media out for use")?;
            issue_gate(state)
        }
        Body::CarryOut(b) => {
            people.require(actor, Role::Handler, "carry media out")?;
            approval(people, actor, &b.approver)?;
            // A medium the handler has in use (with data they put on it) may become a
            // carry-out: the approver is shown what travels before they sign (003 第4-4(2)).
            match &state.holding {
                Holding::Out(o) if o.kind == IssueKind::Use && &o.holder == actor => {}
                Holding::InStorage
                | Holding::Out(_)
                | Holding::Lost
                | Holding::Destroyed
                | Holding::Transferred => issue_gate(state)?,
            }
            period(act.time, &b.until)
        }
        Body::Loan(b) => {
            people.require(actor, Role::Handler, "lend media")?;
            approval(people, actor, &b.approver)?;
            issue_gate(state)?;
            period(act.time, &b.until)
        }
        Body::Return(_) => {
            people.require(actor, Role::Custodian, "receive media back")?;
            match state.holding {
                Holding::Out(_) | Holding::Lost => Ok(()),
                Holding::InStorage | Holding::Destroyed | Holding::Transferred => refuse(
                    Rule::NotOut,
                    format!("{number} is {}, not out", state.holding.as_str()),
                ),
            }
        }
        Body::Copy(b) => {
            people.require(actor, Role::Handler, "copy data at the destination")?;
            approval(people, actor, &b.approver)?;
            match &state.holding {
                Holding::Out(o) if o.kind != IssueKind::Use && &o.holder == actor => Ok(()),
                Holding::Out(o) if o.kind != IssueKind::Use => refuse(
                    Rule::Holder,
                    format!("{number} is out with {}, not with {actor}", o.holder),
                ),
                Holding::InStorage
                | Holding::Out(_)
                | Holding::Lost
                | Holding::Destroyed
                | Holding::Transferred => refuse(
                    Rule::NotAtDestination,
                    format!(
                        "copies are recorded at a carry-out or loan destination; {number} is {}",
                        state.holding.as_str()
                    ),
                ),
            }
        }
        Body::Transfer(b) => {
            if !people.active(actor)?.has(Role::Handler) {
                people.require(actor, Role::Custodian, "transfer media")?;
            }
            approval(people, actor, &b.approver)?;
            match &state.holding {
                Holding::InStorage => Ok(()),
                Holding::Out(o) if &o.holder == actor => Ok(()),
                other @ (Holding::Out(_)
                | Holding::Lost
                | Holding::Destroyed
                | Holding::Transferred) => refuse(
                    Rule::NotInHand,
                    format!(
                        "{number} is {}; a transfer starts from storage or from its holder",
                        other.as_str()
                    ),
                ),
            }
        }
        Body::Destroy(b) => permit_destroy(people, state, actor, b),
        Body::WipeStart(w) => {
            permit_wipe_start(people, state, actor)?;
            registered_capacity(state, w.device.capacity_bytes)
        }
        Body::Wipe(w) => permit_wipe(people, state, actor, w),
        Body::VaultPut(_) => {
            people.require(actor, Role::Handler, "write protected files to media")?;
            match &state.holding {
                Holding::Out(o) if &o.holder == actor => Ok(()),
                Holding::Out(o) => refuse(
                    Rule::Holder,
                    format!("{number} is out with {}, not with {actor}", o.holder),
                ),
                other @ (Holding::InStorage
                | Holding::Lost
                | Holding::Destroyed
                | Holding::Transferred) => refuse(
                    Rule::NotOut,
                    format!(
                        "{number} is {}: check it out (or carry it out) before writing to it",
                        other.as_str()
                    ),
                ),
            }
        }
        Body::VaultGet(_) => people.active(actor).map(|_| ()),
        Body::VaultErase(_) => {
            people.require(actor, Role::Custodian, "erase vaults")?;
            match &state.holding {
                Holding::InStorage => Ok(()),
                other @ (Holding::Out(_)
                | Holding::Lost
                | Holding::Destroyed
                | Holding::Transferred) => refuse(
                    Rule::NotInStorage,
                    format!("{number} is {}; erase it once it is back", other.as_str()),
                ),
            }
        }
        Body::VaultRekey(r) => permit_rekey(people, state, actor, r),
        Body::Lost(_) => {
            let p = people.active(actor)?;
            if !p.has(Role::Handler) && !p.has(Role::Custodian) {
                return refuse(
                    Rule::Role,
                    format!("{} ({}) cannot report media lost: that needs the handler or custodian role", p.name, p.id),
                );
            }
            match state.holding {
                Holding::Lost => refuse(Rule::Lost, format!("{number} is already reported lost")),
                Holding::InStorage
                | Holding::Out(_)
                | Holding::Destroyed
                | Holding::Transferred => Ok(()),
            }
        }
        // Handled before the match: registration is allowed only of a number not yet used.
        Body::Register(_) => refuse(
            Rule::UniqueNumber,
            format!("{number} is already registered"),
        ),
        // Handled before the match, closed or not.
        Body::Correct(c) => permit_correct(people, state, actor, act.seq, c),
        Body::LedgerInit(_)
        | Body::LedgerRequireToken(_)
        | Body::PersonAdd(_)
        | Body::PersonPasswd(_)
        | Body::PersonRevoke(_)
        | Body::PersonRoles(_)
        | Body::ExceptionGrant(_)
        | Body::ExceptionEnd(_)
        | Body::PersonUnlock(_)
        | Body::AuthFailure(_)
        | Body::InventoryCheck(_) => refuse(
            Rule::NoMedium,
            "this kind of entry is about the ledger or the store, not one medium".into(),
        ),
    }
}

/// A custodian corrects an earlier entry of the medium (not a correction: a wrong correction
/// is corrected by another correction of the original), giving what was wrong, what is right
/// and why. `data_present` is only for a return whose check did not record data, and only
/// while the medium is still in the ledger's care.
fn permit_correct(
    people: &Directory,
    state: &MediumState,
    actor: &PersonId,
    seq: u64,
    c: &crate::model::Correct,
) -> Result<(), Refusal> {
    people.require(actor, Role::Custodian, "correct entries")?;
    let n = &state.number;
    for (flag, text) in [
        ("what was wrong", &c.wrong),
        ("what is right", &c.right),
        ("why", &c.reason),
    ] {
        if text.trim().is_empty() {
            return refuse(Rule::Correction, format!("a correction says {flag}"));
        }
    }
    let Some(mark) = state.corrigible_entry(c.entry).filter(|m| m.seq < seq) else {
        return refuse(
            Rule::Correction,
            format!("entry {} is not an earlier entry of {n} (a correction names an entry of the same medium, never a correction)", c.entry),
        );
    };
    if !c.data_present {
        return Ok(());
    }
    if state.holding.is_closed() {
        return refuse(
            Rule::Correction,
            format!(
                "{n} is {}: only the record can be corrected",
                state.holding.as_str()
            ),
        );
    }
    match mark.what {
        Marked::Return {
            data_found: Some(true),
        } => {
            return refuse(
                Rule::Correction,
                format!("entry {} already records data on {n}", c.entry),
            )
        }
        Marked::Return {
            data_found: None | Some(false),
        } => {}
        Marked::Other => {
            return refuse(
                Rule::Correction,
                format!(
                "entry {} is not a return: data found on {n} corrects the return that missed it",
                c.entry
            ),
            )
        }
    }
    // A data-present that would change nothing is refused rather than printed as if it had.
    if mark.seq < state.clean_since {
        return refuse(
            Rule::Correction,
            format!(
                "entry {} of {n} no longer decides what is known of its data: entry {} does; correct that one, or wipe the medium",
                c.entry, state.clean_since
            ),
        );
    }
    match state.clean {
        Cleanliness::WipeFailed | Cleanliness::WipeIncomplete => {
            return refuse(
                Rule::Correction,
                format!(
                    "{n} is {}: it already may not be issued",
                    state.clean.as_str()
                ),
            )
        }
        Cleanliness::Fresh | Cleanliness::VerifiedClean | Cleanliness::Unverified { .. } => {}
    }
    Ok(())
}

/// A custodian removes slots from the vault of a medium back in storage, and only the slots of
/// people who are revoked.
fn permit_rekey(
    people: &Directory,
    state: &MediumState,
    actor: &PersonId,
    r: &crate::model::VaultRekey,
) -> Result<(), Refusal> {
    people.require(actor, Role::Custodian, "re-key vaults")?;
    if r.removed.is_empty() && r.readdressed.is_empty() {
        return refuse(
            Rule::Rekey,
            "a re-key removes or re-addresses at least one slot".into(),
        );
    }
    if let Some(p) = r.readdressed.iter().find(|p| {
        people
            .get(p)
            .is_none_or(|p| !p.is_active() || p.token.is_none())
    }) {
        return refuse(
            Rule::Rekey,
            format!("{p} is not an active person whose key is on a token: only such a slot is re-addressed"),
        );
    }
    if let Some(p) = r
        .removed
        .iter()
        .find(|p| people.get(p).is_none_or(|p| p.is_active()))
    {
        return refuse(
            Rule::Rekey,
            format!("{p} is not a revoked person: only a revoked person's slot is removed"),
        );
    }
    match &state.holding {
        Holding::InStorage => Ok(()),
        other @ (Holding::Out(_) | Holding::Lost | Holding::Destroyed | Holding::Transferred) => {
            refuse(
                Rule::NotInStorage,
                format!(
                    "{} is {}; re-key its vault once it is back",
                    state.number,
                    other.as_str()
                ),
            )
        }
    }
}

/// A medium leaves storage only when it is in storage and past the reuse gate.
fn issue_gate(state: &MediumState) -> Result<(), Refusal> {
    let n = &state.number;
    match &state.holding {
        Holding::InStorage => {}
        Holding::Out(o) => {
            return refuse(
                Rule::NotInStorage,
                format!("{n} is already out ({}) with {}", o.kind.as_str(), o.holder),
            )
        }
        other @ (Holding::Lost | Holding::Destroyed | Holding::Transferred) => {
            return refuse(Rule::NotInStorage, format!("{n} is {}", other.as_str()))
        }
    }
    match state.clean {
        Cleanliness::Fresh | Cleanliness::VerifiedClean => Ok(()),
        Cleanliness::WipeFailed => refuse(
            Rule::ReuseGate,
            format!("{n} failed wipe verification and must be destroyed"),
        ),
        Cleanliness::WipeIncomplete => refuse(
            Rule::ReuseGate,
            format!("{n} has an unfinished wipe; wipe it again and verify before reuse (000 10(4)ウ)"),
        ),
        Cleanliness::Unverified {
            data_found: Some(true),
        } => refuse(
            Rule::ReuseGate,
            format!("{n} was returned with data on it; wipe it and verify before reuse (000 10(4)ウ)"),
        ),
        Cleanliness::Unverified {
            data_found: None | Some(false),
        } => refuse(
            Rule::ReuseGate,
            format!("{n} has no verified clean state since it came back; wipe it and verify before reuse (000 10(4)ウ)"),
        ),
    }
}

fn approval(people: &Directory, actor: &PersonId, approver: &PersonId) -> Result<(), Refusal> {
    if approver == actor {
        return refuse(
            Rule::SeparationOfDuties,
            format!("{actor} cannot approve their own request"),
        );
    }
    people.require(approver, Role::Custodian, "approve")?;
    Ok(())
}

fn period(start: Timestamp, until: &str) -> Result<(), Refusal> {
    match until.parse::<Timestamp>() {
        Ok(u) if u > start => Ok(()),
        Ok(_) => refuse(
            Rule::Period,
            format!("the period ends ({until}) before it starts"),
        ),
        Err(_) => refuse(
            Rule::Period,
            format!("the period end {until:?} is not a time"),
        ),
    }
}

fn permit_destroy(
    people: &Directory,
    state: &MediumState,
    actor: &PersonId,
    b: &crate::model::Destroy,
) -> Result<(), Refusal> {
    let n = &state.number;
    people.require(actor, Role::Custodian, "destroy media")?;
    if &b.witness == actor {
        return refuse(
            Rule::SeparationOfDuties,
            format!("{actor} cannot witness their own destruction (two-person rule)"),
        );
    }
    people.require(&b.witness, Role::Witness, "witness destruction")?;
    if state.holding != Holding::InStorage {
        return refuse(
            Rule::NotInStorage,
            format!(
                "{n} is {}; it must be back in storage to be destroyed",
                state.holding.as_str()
            ),
        );
    }
    let unverifiable = b.unverifiable.as_deref().map(str::trim).unwrap_or("");
    if state.clean != Cleanliness::VerifiedClean && unverifiable.is_empty() {
        return refuse(
            Rule::VerifyBeforeDestroy,
            format!(
                "{n} is {}: check that its data cannot be restored (a verified wipe) before destroying it, or give --unverifiable REASON for a medium that cannot be read (000 10(4)ウ)",
                state.clean.as_str()
            ),
        );
    }
    Ok(())
}

fn permit_wipe_start(
    people: &Directory,
    state: &MediumState,
    actor: &PersonId,
) -> Result<(), Refusal> {
    let n = &state.number;
    people.require(actor, Role::Custodian, "wipe media")?;
    if state.holding != Holding::InStorage {
        return refuse(
            Rule::NotInStorage,
            format!(
                "{n} is {}; it must be back in storage to be wiped",
                state.holding.as_str()
            ),
        );
    }
    if state.clean == Cleanliness::WipeFailed {
        return refuse(
            Rule::WipeFailed,
            format!("{n} failed wipe verification: it does not hold what is written to it, so no wipe can be trusted; destroy it"),
        );
    }
    Ok(())
}

fn permit_wipe(
    people: &Directory,
    state: &MediumState,
    actor: &PersonId,
    w: &crate::model::Wipe,
) -> Result<(), Refusal> {
    permit_wipe_start(people, state, actor)?;
    let n = &state.number;
    let Some((starter, start)) = &state.pending_wipe else {
        return refuse(
            Rule::NoWipeStarted,
            format!("{n} has no wipe in progress to record the end of"),
        );
    };
    if starter != actor || start.method != w.method || start.device != w.device {
        return refuse(
            Rule::WipeMismatch,
            format!("the wipe record does not match the wipe {starter} started on {n}"),
        );
    }
    if !w.consistent() {
        return refuse(
            Rule::InconsistentRecord,
            format!(
                "the wipe record's result ({}) does not follow from its passes",
                w.result.as_str()
            ),
        );
    }
    Ok(())
}

/// A wipe must cover the capacity registered for the medium.
fn registered_capacity(state: &MediumState, seen: u64) -> Result<(), Refusal> {
    match state.capacity {
        Some(c) if c != seen => refuse(
            Rule::WipeMismatch,
            format!(
                "{} was registered with {c} bytes; a wipe of {seen} bytes does not cover it",
                state.number
            ),
        ),
        _ if seen == 0 => refuse(
            Rule::WipeMismatch,
            "a medium of 0 bytes cannot be wiped".into(),
        ),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests;
