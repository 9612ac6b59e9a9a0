//! The rules: a pure fold of ledger entries into people and medium state, and what each act needs.
//!
//! No I/O here. The ledger calls [`Lifecycle::permit`] inside its write transaction, so a check
//! and the entry it allows are atomic, and `ledger verify` replays every entry through the same
//! rules.

// Every act and every state is named in each rule's match, so a new kind of entry, holding or
// cleanliness cannot fall through a `_ =>` arm unexamined: the compiler asks where it belongs.
#![deny(clippy::wildcard_enum_match_arm)]

pub mod medium;
pub mod people;

use std::collections::HashMap;

use jiff::Timestamp;

pub use medium::{Cleanliness, Holding, IssueKind, MediumState, OutInfo};
pub use people::{Directory, Exception, ExceptionEnded, Person};

use crate::error::{Refusal, Rule};
use crate::model::{Body, MediumNumber, PersonId};

/// One entry as the rules see it.
#[derive(Debug, Clone, Copy)]
pub struct Act<'a> {
    /// The entry's number in the ledger (`seq`), which a correction names.
    pub seq: u64,
    /// When the entry is made (its stored time).
    pub time: Timestamp,
    /// The medium the entry is about, for medium acts; None for entries about people or the ledger.
    pub medium: Option<&'a MediumNumber>,
    /// Who makes the entry (every entry names one).
    pub actor: Option<&'a PersonId>,
    /// What is done: the entry's typed body.
    pub body: &'a Body,
}

/// The whole ledger's state: people and every medium.
#[derive(Debug, Default, Clone)]
pub struct Lifecycle {
    /// Everyone the ledger has added, with their roles and whether they are revoked.
    pub people: Directory,
    /// Each registered medium's state, by its number.
    pub media: HashMap<MediumNumber, MediumState>,
}

impl Lifecycle {
    /// Whether the act is allowed now.
    pub fn permit(&self, act: &Act) -> Result<(), Refusal> {
        permit(
            &self.people,
            act.medium.and_then(|m| self.media.get(m)),
            act,
        )
    }

    /// Record an act that was permitted.
    pub fn apply(&mut self, act: &Act) {
        self.people.apply(act);
        if let (Some(m), true) = (act.medium, act.body.is_medium_act()) {
            // Taken out and put back rather than cloned: a medium's state grows with its
            // entries (the ones a correction may name).
            let prev = self.media.remove(m);
            if let Some(next) = medium::apply(prev, act) {
                self.media.insert(m.clone(), next);
            }
        }
    }

    /// Check and record; used when replaying a stored ledger.
    pub fn step(&mut self, act: &Act) -> Result<(), Refusal> {
        self.permit(act)?;
        self.apply(act);
        Ok(())
    }
}

/// The rules for one act given the people and the state of the medium it names.
pub fn permit(people: &Directory, state: Option<&MediumState>, act: &Act) -> Result<(), Refusal> {
    people.permit_signers(act)?;
    if act.body.is_medium_act() {
        medium::permit(people, state, act)
    } else if act.medium.is_some() {
        Err(Refusal::new(
            Rule::NoMedium,
            crate::msg::Msg::NotAboutMedium,
        ))
    } else {
        people.permit(act)
    }
}
