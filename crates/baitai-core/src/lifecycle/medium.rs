//! A medium's state folded from its entries, and the rules of 003 第4 for each act on it.

use jiff::Timestamp;

use super::{Act, Directory};
use crate::error::{Refusal, Rule};
use crate::model::{Body, Classification, MediumNumber, PersonId, Role, WipeResult, WipeStart};

/// How a medium left storage.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IssueKind {
    /// 使用: the handler's own use, back before the end of the day.
    Use,
    /// 持出し: carried out of the premises with permission.
    CarryOut,
    /// 貸出し: lent to a borrower with permission.
    Loan,
}

impl IssueKind {
    pub fn as_str(self) -> &'static str {
        match self {
            IssueKind::Use => "use",
            IssueKind::CarryOut => "carry-out",
            IssueKind::Loan => "loan",
        }
    }
}

/// Who has the medium out, since when, until when.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutInfo {
    pub kind: IssueKind,
    pub holder: PersonId,
    pub since: Timestamp,
    pub until: Option<Timestamp>,
    pub borrower: Option<String>,
}

/// Where the medium is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Holding {
    InStorage,
    Out(OutInfo),
    Lost,
    Destroyed,
    Transferred,
}

impl Holding {
    pub fn as_str(&self) -> &'static str {
        match self {
            Holding::InStorage => "in-storage",
            Holding::Out(o) => match o.kind {
                IssueKind::Use => "in-use",
                IssueKind::CarryOut => "carried-out",
                IssueKind::Loan => "on-loan",
            },
            Holding::Lost => "lost",
            Holding::Destroyed => "destroyed",
            Holding::Transferred => "transferred",
        }
    }

    pub fn is_closed(&self) -> bool {
        matches!(self, Holding::Destroyed | Holding::Transferred)
    }
}

/// What the ledger knows about data left on the medium: the reuse gate reads this.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cleanliness {
    /// Newly registered here and never issued: may be issued once.
    Fresh,
    /// Came back (or came from outside) and nothing has proven it clean.
    /// `data_found` is what a return check saw, when one was made.
    Unverified { data_found: Option<bool> },
    /// A verified wipe or a whole-device check found nothing.
    VerifiedClean,
    /// A wipe's read-back failed: the medium must be destroyed.
    WipeFailed,
    /// A wipe started and did not finish (stopped, or the process died): not clean.
    WipeIncomplete,
}

impl Cleanliness {
    pub fn as_str(&self) -> &'static str {
        match self {
            Cleanliness::Fresh => "fresh",
            Cleanliness::Unverified {
                data_found: Some(true),
            } => "data-present",
            Cleanliness::Unverified { .. } => "unverified",
            Cleanliness::VerifiedClean => "verified-clean",
            Cleanliness::WipeFailed => "wipe-failed",
            Cleanliness::WipeIncomplete => "wipe-incomplete",
        }
    }

    pub fn may_issue(&self) -> bool {
        matches!(self, Cleanliness::Fresh | Cleanliness::VerifiedClean)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MediumState {
    pub number: MediumNumber,
    pub classification: Classification,
    pub registered_at: Timestamp,
    pub holding: Holding,
    pub clean: Cleanliness,
    /// The last person who had it out (for the incident report and `medium show`).
    pub last_holder: Option<PersonId>,
    pub received_from: Option<String>,
    pub entries: u64,
    /// The capacity recorded at registration, when a device or image was given.
    pub capacity: Option<u64>,
    /// A started wipe whose end is not yet recorded: who started it, how, on what.
    pub pending_wipe: Option<(PersonId, WipeStart)>,
}

fn refuse(rule: Rule, reason: String) -> Result<(), Refusal> {
    Err(Refusal::new(rule, reason))
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
        (None, Body::Register(_)) => {
            people.require(actor, Role::Custodian, "register media")?;
            return Ok(());
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
                _ => issue_gate(state)?,
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
                _ => refuse(
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
                _ => refuse(
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
                other => refuse(
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
                other => refuse(
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
            match state.holding {
                Holding::InStorage => Ok(()),
                ref other => refuse(
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
                _ => Ok(()),
            }
        }
        // Handled before the match: registration is allowed only of a number not yet used.
        Body::Register(_) => refuse(
            Rule::UniqueNumber,
            format!("{number} is already registered"),
        ),
        Body::LedgerInit(_)
        | Body::PersonAdd(_)
        | Body::PersonPasswd(_)
        | Body::PersonRevoke(_)
        | Body::PersonUnlock(_)
        | Body::AuthFailure(_)
        | Body::InventoryCheck(_) => refuse(
            Rule::NoMedium,
            "this kind of entry is about the ledger or the store, not one medium".into(),
        ),
    }
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
    if r.removed.is_empty() {
        return refuse(Rule::Rekey, "a re-key removes at least one slot".into());
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
    match state.holding {
        Holding::InStorage => Ok(()),
        ref other => refuse(
            Rule::NotInStorage,
            format!(
                "{} is {}; re-key its vault once it is back",
                state.number,
                other.as_str()
            ),
        ),
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
        other => return refuse(Rule::NotInStorage, format!("{n} is {}", other.as_str())),
    }
    match state.clean {
        c if c.may_issue() => Ok(()),
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
        _ => refuse(
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

/// The state after a permitted act (`None` only when there is no medium to speak of).
pub fn apply(state: Option<&MediumState>, act: &Act) -> Option<MediumState> {
    if let Body::Register(r) = act.body {
        return Some(MediumState {
            number: act.medium?.clone(),
            classification: r.classification.clone(),
            registered_at: act.time,
            holding: Holding::InStorage,
            clean: if r.received_from.is_some() {
                Cleanliness::Unverified { data_found: None }
            } else {
                Cleanliness::Fresh
            },
            last_holder: None,
            received_from: r.received_from.clone(),
            entries: 1,
            capacity: r.device.as_ref().map(|d| d.capacity_bytes),
            pending_wipe: None,
        });
    }
    let mut s = state?.clone();
    s.entries += 1;
    let actor = act.actor.cloned();
    let out = |kind, until: Option<&str>, borrower: Option<&String>| OutInfo {
        kind,
        holder: actor.clone().unwrap_or_else(|| PersonId(String::new())),
        since: act.time,
        until: until.and_then(|u| u.parse().ok()),
        borrower: borrower.cloned(),
    };
    match act.body {
        Body::Checkout(_) => s.holding = Holding::Out(out(IssueKind::Use, None, None)),
        Body::CarryOut(b) => {
            s.holding = Holding::Out(out(IssueKind::CarryOut, Some(&b.until), None))
        }
        Body::Loan(b) => {
            s.holding = Holding::Out(out(IssueKind::Loan, Some(&b.until), Some(&b.borrower)))
        }
        Body::Return(r) => {
            s.holding = Holding::InStorage;
            // A medium that failed verification stays condemned, whatever a later read shows.
            s.clean = if s.clean == Cleanliness::WipeFailed {
                Cleanliness::WipeFailed
            } else if r.check.proves_clean() {
                Cleanliness::VerifiedClean
            } else {
                Cleanliness::Unverified {
                    data_found: r.check.data_found(),
                }
            };
        }
        Body::Transfer(_) => s.holding = Holding::Transferred,
        Body::Destroy(_) => s.holding = Holding::Destroyed,
        Body::WipeStart(w) => {
            s.clean = Cleanliness::WipeIncomplete;
            s.pending_wipe = actor.clone().map(|a| (a, w.clone()));
        }
        Body::Wipe(w) => {
            s.pending_wipe = None;
            s.clean = match w.result {
                WipeResult::Passed => Cleanliness::VerifiedClean,
                WipeResult::Failed => Cleanliness::WipeFailed,
                WipeResult::Incomplete => Cleanliness::WipeIncomplete,
            }
        }
        Body::Lost(_) => s.holding = Holding::Lost,
        // Recorded on the medium's form without changing where it is or what is on it.
        Body::Copy(_)
        | Body::VaultPut(_)
        | Body::VaultGet(_)
        | Body::VaultErase(_)
        | Body::VaultRekey(_) => {}
        Body::Register(_) => {}
        Body::LedgerInit(_)
        | Body::PersonAdd(_)
        | Body::PersonPasswd(_)
        | Body::PersonRevoke(_)
        | Body::PersonUnlock(_)
        | Body::AuthFailure(_)
        | Body::InventoryCheck(_) => {}
    }
    if let Holding::Out(o) = &s.holding {
        s.last_holder = Some(o.holder.clone());
    }
    Some(s)
}

#[cfg(test)]
mod tests;
