//! A medium's state folded from its entries, and the rules of 003 第4 for each act on it.

mod state;

use jiff::Timestamp;

pub use state::{apply, Cleanliness, EntryMark, Holding, IssueKind, Marked, MediumState, OutInfo};

use super::{Act, Directory};
use crate::error::{Refusal, Rule};
use crate::model::{Body, MediumNumber, PersonId, Role, Site};
use crate::msg::{state as st, Msg};
use crate::text::Text;

fn refuse(rule: Rule, reason: impl Into<Text>) -> Result<(), Refusal> {
    Err(Refusal::new(rule, reason))
}

/// A site's medium carries the site's code first (`TKY-USB-2026-0001`), so the number alone
/// says where it is kept, on its label as on every printout.
fn site_number(number: &MediumNumber, site: Option<&Site>) -> Result<(), Refusal> {
    match site {
        Some(site) if !number.0.starts_with(&format!("{site}-")) => refuse(
            Rule::SiteNumber,
            Msg::SiteNumber {
                number: number.to_string().into(),
                site: site.to_string().into(),
            },
        ),
        Some(_) | None => Ok(()),
    }
}

/// The rules for one act on a medium.
pub fn permit(people: &Directory, state: Option<&MediumState>, act: &Act) -> Result<(), Refusal> {
    let Some(number) = act.medium else {
        return refuse(Rule::NoMedium, Msg::MustNameMedium);
    };
    let Some(actor) = act.actor else {
        return refuse(Rule::NoActor, Msg::NoActor);
    };
    let state = match (state, act.body) {
        (None, Body::Register(r)) => {
            people.require(actor, Role::Custodian, Msg::DutyRegister)?;
            return site_number(number, r.site.as_ref());
        }
        (Some(_), Body::Register(_)) => {
            return refuse(
                Rule::UniqueNumber,
                Msg::AlreadyRegistered {
                    number: number.to_string().into(),
                },
            )
        }
        (None, _) => {
            return refuse(
                Rule::UnknownMedium,
                Msg::NoMedium {
                    number: number.to_string().into(),
                },
            )
        }
        (Some(s), _) => s,
    };
    // A medium's record may still be corrected after it is closed, as a paper ledger is.
    if let Body::Correct(c) = act.body {
        return permit_correct(people, state, actor, act.seq, c);
    }
    if state.holding.is_closed() {
        return refuse(
            Rule::Closed,
            Msg::Closed {
                number: number.to_string().into(),
                state: st(state.holding.as_str()),
            },
        );
    }
    match act.body {
        Body::Checkout(_) => {
            people.require(actor, Role::Handler, Msg::DutyUse)?;
            issue_gate(state)
        }
        Body::CarryOut(b) => {
            people.require(actor, Role::Handler, Msg::DutyCarryOut)?;
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
            people.require(actor, Role::Handler, Msg::DutyLend)?;
            approval(people, actor, &b.approver)?;
            issue_gate(state)?;
            period(act.time, &b.until)
        }
        Body::Return(_) => {
            people.require(actor, Role::Custodian, Msg::DutyReturn)?;
            match state.holding {
                Holding::Out(_) | Holding::Lost => Ok(()),
                Holding::InStorage | Holding::Destroyed | Holding::Transferred => refuse(
                    Rule::NotOut,
                    Msg::NotOut {
                        number: number.to_string().into(),
                        state: st(state.holding.as_str()),
                    },
                ),
            }
        }
        Body::Copy(b) => {
            people.require(actor, Role::Handler, Msg::DutyCopy)?;
            approval(people, actor, &b.approver)?;
            match &state.holding {
                Holding::Out(o) if o.kind != IssueKind::Use && &o.holder == actor => Ok(()),
                Holding::Out(o) if o.kind != IssueKind::Use => refuse(
                    Rule::Holder,
                    Msg::OutWithOther {
                        number: number.to_string().into(),
                        holder: o.holder.to_string().into(),
                        actor: actor.to_string().into(),
                    },
                ),
                Holding::InStorage
                | Holding::Out(_)
                | Holding::Lost
                | Holding::Destroyed
                | Holding::Transferred => refuse(
                    Rule::NotAtDestination,
                    Msg::CopyNotAtDestination {
                        number: number.to_string().into(),
                        state: st(state.holding.as_str()),
                    },
                ),
            }
        }
        Body::Transfer(b) => {
            if !people.active(actor)?.has(Role::Handler) {
                people.require(actor, Role::Custodian, Msg::DutyTransfer)?;
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
                    Msg::TransferNotInHand {
                        number: number.to_string().into(),
                        state: st(other.as_str()),
                    },
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
            people.require(actor, Role::Handler, Msg::DutyPut)?;
            match &state.holding {
                Holding::Out(o) if &o.holder == actor => Ok(()),
                Holding::Out(o) => refuse(
                    Rule::Holder,
                    Msg::OutWithOther {
                        number: number.to_string().into(),
                        holder: o.holder.to_string().into(),
                        actor: actor.to_string().into(),
                    },
                ),
                other @ (Holding::InStorage
                | Holding::Lost
                | Holding::Destroyed
                | Holding::Transferred) => refuse(
                    Rule::NotOut,
                    Msg::PutNotOut {
                        number: number.to_string().into(),
                        state: st(other.as_str()),
                    },
                ),
            }
        }
        Body::VaultGet(_) => people.active(actor).map(|_| ()),
        Body::VaultErase(_) => {
            people.require(actor, Role::Custodian, Msg::DutyErase)?;
            match &state.holding {
                Holding::InStorage => Ok(()),
                other @ (Holding::Out(_)
                | Holding::Lost
                | Holding::Destroyed
                | Holding::Transferred) => refuse(
                    Rule::NotInStorage,
                    Msg::EraseNotBack {
                        number: number.to_string().into(),
                        state: st(other.as_str()),
                    },
                ),
            }
        }
        Body::VaultRekey(r) => permit_rekey(people, state, actor, r),
        Body::Lost(_) => {
            let p = people.active(actor)?;
            if !p.has(Role::Handler) && !p.has(Role::Custodian) {
                return refuse(
                    Rule::Role,
                    Msg::LostRole {
                        name: (&p.name).into(),
                        id: p.id.to_string().into(),
                    },
                );
            }
            match state.holding {
                Holding::Lost => refuse(
                    Rule::Lost,
                    Msg::AlreadyLost {
                        number: number.to_string().into(),
                    },
                ),
                Holding::InStorage
                | Holding::Out(_)
                | Holding::Destroyed
                | Holding::Transferred => Ok(()),
            }
        }
        // Handled before the match: registration is allowed only of a number not yet used.
        Body::Register(_) => refuse(
            Rule::UniqueNumber,
            Msg::AlreadyRegistered {
                number: number.to_string().into(),
            },
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
        | Body::InventoryCheck(_) => refuse(Rule::NoMedium, Msg::NotAboutMedium),
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
    people.require(actor, Role::Custodian, Msg::DutyCorrect)?;
    let n = &state.number;
    for (flag, text) in [
        (Msg::CorrectionWrong, &c.wrong),
        (Msg::CorrectionRight, &c.right),
        (Msg::CorrectionWhy, &c.reason),
    ] {
        if text.trim().is_empty() {
            return refuse(Rule::Correction, Msg::CorrectionSays { what: flag.into() });
        }
    }
    let Some(mark) = state.corrigible_entry(c.entry).filter(|m| m.seq < seq) else {
        return refuse(
            Rule::Correction,
            Msg::CorrectionEntry {
                entry: c.entry.to_string().into(),
                number: n.to_string().into(),
            },
        );
    };
    if !c.data_present {
        return Ok(());
    }
    if state.holding.is_closed() {
        return refuse(
            Rule::Correction,
            Msg::CorrectionClosed {
                number: n.to_string().into(),
                state: st(state.holding.as_str()),
            },
        );
    }
    match mark.what {
        Marked::Return {
            data_found: Some(true),
        } => {
            return refuse(
                Rule::Correction,
                Msg::CorrectionHasData {
                    entry: c.entry.to_string().into(),
                    number: n.to_string().into(),
                },
            )
        }
        Marked::Return {
            data_found: None | Some(false),
        } => {}
        Marked::Other => {
            return refuse(
                Rule::Correction,
                Msg::CorrectionNotReturn {
                    entry: c.entry.to_string().into(),
                    number: n.to_string().into(),
                },
            )
        }
    }
    // A data-present that would change nothing is refused rather than printed as if it had.
    if mark.seq < state.clean_since {
        return refuse(
            Rule::Correction,
            Msg::CorrectionSuperseded {
                entry: c.entry.to_string().into(),
                number: n.to_string().into(),
                later: state.clean_since.to_string().into(),
            },
        );
    }
    match state.clean {
        Cleanliness::WipeFailed | Cleanliness::WipeIncomplete => {
            return refuse(
                Rule::Correction,
                Msg::CorrectionGated {
                    number: n.to_string().into(),
                    state: st(state.clean.as_str()),
                },
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
    people.require(actor, Role::Custodian, Msg::DutyRekey)?;
    if r.removed.is_empty() && r.readdressed.is_empty() {
        return refuse(Rule::Rekey, Msg::RekeyNothing);
    }
    if let Some(p) = r.readdressed.iter().find(|p| {
        people
            .get(p)
            .is_none_or(|p| !p.is_active() || p.token.is_none())
    }) {
        return refuse(
            Rule::Rekey,
            Msg::RekeyNotOnToken {
                person: p.to_string().into(),
            },
        );
    }
    if let Some(p) = r
        .removed
        .iter()
        .find(|p| people.get(p).is_none_or(|p| p.is_active()))
    {
        return refuse(
            Rule::Rekey,
            Msg::RekeyNotRevoked {
                person: p.to_string().into(),
            },
        );
    }
    match &state.holding {
        Holding::InStorage => Ok(()),
        other @ (Holding::Out(_) | Holding::Lost | Holding::Destroyed | Holding::Transferred) => {
            refuse(
                Rule::NotInStorage,
                Msg::RekeyNotBack {
                    number: state.number.to_string().into(),
                    state: st(other.as_str()),
                },
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
                Msg::AlreadyOut {
                    number: n.to_string().into(),
                    kind: st(o.kind.as_str()),
                    holder: o.holder.to_string().into(),
                },
            )
        }
        other @ (Holding::Lost | Holding::Destroyed | Holding::Transferred) => {
            return refuse(
                Rule::NotInStorage,
                Msg::IsState {
                    number: n.to_string().into(),
                    state: st(other.as_str()),
                },
            )
        }
    }
    match state.clean {
        Cleanliness::Fresh | Cleanliness::VerifiedClean => Ok(()),
        Cleanliness::WipeFailed => refuse(
            Rule::ReuseGate,
            Msg::GateWipeFailed {
                number: n.to_string().into(),
            },
        ),
        Cleanliness::WipeIncomplete => refuse(
            Rule::ReuseGate,
            Msg::GateWipeIncomplete {
                number: n.to_string().into(),
            },
        ),
        Cleanliness::Unverified {
            data_found: Some(true),
        } => refuse(
            Rule::ReuseGate,
            Msg::GateDataPresent {
                number: n.to_string().into(),
            },
        ),
        Cleanliness::Unverified {
            data_found: None | Some(false),
        } => refuse(
            Rule::ReuseGate,
            Msg::GateUnverified {
                number: n.to_string().into(),
            },
        ),
    }
}

fn approval(people: &Directory, actor: &PersonId, approver: &PersonId) -> Result<(), Refusal> {
    if approver == actor {
        return refuse(
            Rule::SeparationOfDuties,
            Msg::OwnApproval {
                person: actor.to_string().into(),
            },
        );
    }
    people.require(approver, Role::Custodian, Msg::DutyApprove)?;
    Ok(())
}

fn period(start: Timestamp, until: &str) -> Result<(), Refusal> {
    match until.parse::<Timestamp>() {
        Ok(u) if u > start => Ok(()),
        Ok(_) => refuse(
            Rule::Period,
            Msg::PeriodBackwards {
                until: until.to_string().into(),
            },
        ),
        Err(_) => refuse(
            Rule::Period,
            Msg::PeriodNotTime {
                until: format!("{until:?}").into(),
            },
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
    people.require(actor, Role::Custodian, Msg::DutyDestroy)?;
    if &b.witness == actor {
        return refuse(
            Rule::SeparationOfDuties,
            Msg::OwnWitness {
                person: actor.to_string().into(),
            },
        );
    }
    people.require(&b.witness, Role::Witness, Msg::DutyWitness)?;
    if state.holding != Holding::InStorage {
        return refuse(
            Rule::NotInStorage,
            Msg::DestroyNotBack {
                number: n.to_string().into(),
                state: st(state.holding.as_str()),
            },
        );
    }
    let unverifiable = b.unverifiable.as_deref().map(str::trim).unwrap_or("");
    if state.clean != Cleanliness::VerifiedClean && unverifiable.is_empty() {
        return refuse(
            Rule::VerifyBeforeDestroy,
            Msg::DestroyUnverified {
                number: n.to_string().into(),
                state: st(state.clean.as_str()),
            },
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
    people.require(actor, Role::Custodian, Msg::DutyWipe)?;
    if state.holding != Holding::InStorage {
        return refuse(
            Rule::NotInStorage,
            Msg::WipeNotBack {
                number: n.to_string().into(),
                state: st(state.holding.as_str()),
            },
        );
    }
    if state.clean == Cleanliness::WipeFailed {
        return refuse(
            Rule::WipeFailed,
            Msg::WipeOfFailed {
                number: n.to_string().into(),
            },
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
            Msg::NoWipeStarted {
                number: n.to_string().into(),
            },
        );
    };
    if starter != actor || start.method != w.method || start.device != w.device {
        return refuse(
            Rule::WipeMismatch,
            Msg::WipeMismatch {
                person: starter.to_string().into(),
                number: n.to_string().into(),
            },
        );
    }
    if !w.consistent() {
        return refuse(
            Rule::InconsistentRecord,
            Msg::WipeInconsistent {
                result: w.result.as_str().into(),
            },
        );
    }
    Ok(())
}

/// A wipe must cover the capacity registered for the medium.
fn registered_capacity(state: &MediumState, seen: u64) -> Result<(), Refusal> {
    match state.capacity {
        Some(c) if c != seen => refuse(
            Rule::WipeMismatch,
            Msg::WipeCapacity {
                number: state.number.to_string().into(),
                registered: c.to_string().into(),
                seen: seen.to_string().into(),
            },
        ),
        _ if seen == 0 => refuse(Rule::WipeMismatch, Msg::WipeEmpty),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests;
