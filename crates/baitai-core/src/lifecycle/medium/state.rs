//! A medium's state as its entries leave it: where it is, who has it, what is known of the data
//! on it, and the fold of one permitted act into the next state.

use jiff::Timestamp;

use crate::lifecycle::Act;
use crate::model::{Body, Classification, MediumNumber, PersonId, Site, WipeResult, WipeStart};

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
    /// The kind's name as the ledger and the printouts spell it (`use`, `carry-out`, `loan`).
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
    /// Use, carry-out or loan.
    pub kind: IssueKind,
    /// The handler who took it out and answers for it until it is back.
    pub holder: PersonId,
    /// When it left storage.
    pub since: Timestamp,
    /// When a carry-out or loan must be back; None for use, which ends the same day.
    pub until: Option<Timestamp>,
    /// Who it was lent to, for a loan (a name outside the ledger's people).
    pub borrower: Option<String>,
}

/// Where the medium is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Holding {
    /// In the custodian's storage.
    InStorage,
    /// Out of storage, with who has it and until when.
    Out(OutInfo),
    /// Reported lost (an incident); a return still brings it back into storage.
    Lost,
    /// Physically destroyed: closed, nothing more can be recorded.
    Destroyed,
    /// Handed over for good to a recipient (交付): closed, nothing more can be recorded.
    Transferred,
}

impl Holding {
    /// The holding's name as the printouts and `--json` spell it (`in-storage`, `in-use`,
    /// `carried-out`, `on-loan`, `lost`, `destroyed`, `transferred`).
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

    /// Whether the medium has left the ledger's care for good (destroyed or transferred).
    pub fn is_closed(&self) -> bool {
        match self {
            Holding::Destroyed | Holding::Transferred => true,
            Holding::InStorage | Holding::Out(_) | Holding::Lost => false,
        }
    }
}

/// What the ledger knows about data left on the medium: the reuse gate reads this.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cleanliness {
    /// Newly registered here and never issued: may be issued once.
    Fresh,
    /// Came back (or came from outside) and nothing has proven it clean.
    /// `data_found` is what a return check saw, when one was made.
    Unverified {
        /// Whether the return check saw data (files, or sectors that are not blank); None
        /// when no check was made. `Some(false)` is still not proof: the check was partial.
        data_found: Option<bool>,
    },
    /// A verified wipe or a whole-device check found nothing.
    VerifiedClean,
    /// A wipe's read-back failed: the medium must be destroyed.
    WipeFailed,
    /// A wipe started and did not finish (stopped, or the process died): not clean.
    WipeIncomplete,
}

impl Cleanliness {
    /// The state's name as the printouts and `--json` spell it (`fresh`, `data-present`,
    /// `unverified`, `verified-clean`, `wipe-failed`, `wipe-incomplete`).
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

    /// Whether the reuse gate lets the medium leave storage: only when it is fresh or verified
    /// clean.
    pub fn may_issue(&self) -> bool {
        match self {
            Cleanliness::Fresh | Cleanliness::VerifiedClean => true,
            Cleanliness::Unverified { .. }
            | Cleanliness::WipeFailed
            | Cleanliness::WipeIncomplete => false,
        }
    }
}

/// A registered medium as its entries leave it: what the rules decide each next act from, and what
/// the printouts show.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MediumState {
    /// Its medium number (`USB-2026-0001`).
    pub number: MediumNumber,
    /// The classification it was registered with, which its vault and form carry.
    pub classification: Classification,
    /// When it was registered.
    pub registered_at: Timestamp,
    /// Where it is and who has it.
    pub holding: Holding,
    /// What is known of the data left on it.
    pub clean: Cleanliness,
    /// The ledger number of the entry that made `clean` what it is (a registration, return
    /// or wipe): a correction of that entry or a later one can change it.
    pub clean_since: u64,
    /// The last person who had it out (for the incident report and `medium show`).
    pub last_holder: Option<PersonId>,
    /// Who it came from, for a medium registered on arrival from outside.
    pub received_from: Option<String>,
    /// How many ledger entries concern it, its registration included.
    pub entries: u64,
    /// The capacity recorded at registration, when a device or image was given.
    pub capacity: Option<u64>,
    /// A started wipe whose end is not yet recorded: who started it, how, on what.
    pub pending_wipe: Option<(PersonId, WipeStart)>,
    /// The site that keeps it, if it belongs to one.
    pub site: Option<Site>,
    /// Its entries that a correction may name, oldest first (every entry but a correction).
    pub corrigible: Vec<EntryMark>,
}

/// An entry of a medium, as a correction of it needs to know it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EntryMark {
    /// The entry's number in the ledger.
    pub seq: u64,
    /// What kind of entry it is, as far as a correction cares.
    pub what: Marked,
}

/// The kinds of entry a correction treats differently.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Marked {
    /// A return, with whether its check found data (None: no check was made).
    Return {
        /// What the return's check saw.
        data_found: Option<bool>,
    },
    /// Any other entry about the medium.
    Other,
}

impl MediumState {
    /// The medium's entry numbered `seq`, if it is one a correction may name.
    pub fn corrigible_entry(&self, seq: u64) -> Option<&EntryMark> {
        self.corrigible
            .binary_search_by_key(&seq, |m| m.seq)
            .ok()
            .and_then(|i| self.corrigible.get(i))
    }
}

/// The state after a permitted act (`None` only when there is no medium to speak of).
pub fn apply(state: Option<MediumState>, act: &Act) -> Option<MediumState> {
    let mut s = fold(state, act)?;
    if !matches!(act.body, Body::Correct(_)) {
        let what = if let Body::Return(r) = act.body {
            Marked::Return {
                data_found: r.check.data_found(),
            }
        } else {
            Marked::Other
        };
        s.corrigible.push(EntryMark { seq: act.seq, what });
    }
    Some(s)
}

fn fold(state: Option<MediumState>, act: &Act) -> Option<MediumState> {
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
            clean_since: act.seq,
            last_holder: None,
            received_from: r.received_from.clone(),
            entries: 1,
            capacity: r.device.as_ref().map(|d| d.capacity_bytes),
            pending_wipe: None,
            site: r.site.clone(),
            corrigible: Vec::new(),
        });
    }
    let mut s = state?;
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
            s.clean_since = act.seq;
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
            s.clean_since = act.seq;
            s.pending_wipe = actor.clone().map(|a| (a, w.clone()));
        }
        Body::Wipe(w) => {
            s.pending_wipe = None;
            s.clean_since = act.seq;
            s.clean = match w.result {
                WipeResult::Passed => Cleanliness::VerifiedClean,
                WipeResult::Failed => Cleanliness::WipeFailed,
                WipeResult::Incomplete => Cleanliness::WipeIncomplete,
            }
        }
        Body::Lost(_) => s.holding = Holding::Lost,
        // Only ever stricter: data the return's check missed makes the medium one that holds
        // data, unless something newer than that return (a wipe, a later return) decided its
        // state since, or that state is already a failed or unfinished wipe.
        Body::Correct(c) => {
            let stricter = match s.clean {
                Cleanliness::Fresh
                | Cleanliness::VerifiedClean
                | Cleanliness::Unverified { .. } => true,
                Cleanliness::WipeFailed | Cleanliness::WipeIncomplete => false,
            };
            if c.data_present && c.entry >= s.clean_since && stricter {
                s.clean = Cleanliness::Unverified {
                    data_found: Some(true),
                };
                s.clean_since = act.seq;
            }
        }
        // Recorded on the medium's form without changing where it is or what is on it.
        Body::Copy(_)
        | Body::VaultPut(_)
        | Body::VaultGet(_)
        | Body::VaultErase(_)
        | Body::VaultRekey(_) => {}
        Body::Register(_) => {}
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
        | Body::InventoryCheck(_) => {}
    }
    if let Holding::Out(o) = &s.holding {
        s.last_holder = Some(o.holder.clone());
    }
    Some(s)
}
