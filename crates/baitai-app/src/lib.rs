//! Commands as library calls: resolve people and media, check the rules, authenticate, record.
//!
//! The CLI and the demo both drive baitai through this layer; it never prints.

mod acts;
mod auth;
mod binding;
mod inventory;
pub mod msg;
mod people;
mod queries;
mod rekey;
pub mod token;
mod vault;
mod verify;
#[cfg(unix)]
mod wipe;

/// The ledger types the CLI and the demo see, through this layer only.
pub use crate::ledger::{Anchors, StoredEntry};
pub use acts::*;
pub use auth::{key_binding, Key, LoginNotice, Secrets, Signed};
pub use binding::RevokedSlots;
pub use inventory::Found;
pub use people::*;
pub use rekey::{Rekeyed, SlotsAtReturn};
pub use vault::{
    check_new_vault_options, check_out_dir, select, sources, GetRequest, PutReport, PutRequest,
};
pub use verify::{verify_ledger, LedgerCheck, VerifyRequest};
#[cfg(unix)]
pub use wipe::{WipePlan, WipeReport, WipeRequest, WipeTarget};

// The lower crates' modules keep the paths they had when this layer lived in the root crate.
use baitai_core::{crypto, error, lifecycle, model, time, units};
use baitai_ledger as ledger;
#[cfg(unix)]
use baitai_media::device;
// Device identity and wipes are Linux-only for now (issue 17): on Windows each refuses.
#[cfg(windows)]
#[path = "no_device.rs"]
pub mod device;

use std::path::Path;

use jiff::tz::TimeZone;

use crate::error::{Error, Result};
use crate::ledger::{Draft, Ledger};
use crate::lifecycle::{Act, Directory, MediumState, Person};
use crate::model::{Body, LedgerInit, MediumNumber, PersonId, SignRole};
use crate::msg::Msg;
use baitai_core::text::Text;

/// An open ledger with its settings, plus the notices gathered from authentications.
///
/// Every act follows the same order: the people named are resolved (an unknown person or
/// medium is a usage error, exit 2; a revoked actor, approver or witness is refused with
/// exit 4), the lifecycle rules are checked before any passphrase is asked (exit 3, with the
/// rule's name), each signer authenticates (exit 4 on a wrong passphrase, after the
/// `person.auth_failure` entry is committed), and the entry is appended in one transaction
/// in which the rules are checked again.
pub struct Session {
    /// The open ledger, already verified from this user's checkpoint (or, for
    /// [`Session::open_unverified`], held at one snapshot). Read it with [`Session::ledger`];
    /// only this layer appends to it.
    pub(crate) ledger: Ledger,
    /// The settings fixed by the `ledger.init` entry (organisation, time zone, medium prefix,
    /// printout language, end of the working day, Argon2id parameters); they never change.
    pub(crate) settings: LedgerInit,
    /// The ledger's time zone (`settings.timezone`), in which times are shown and `--until`
    /// and report periods are read; times are stored in UTC.
    pub(crate) tz: TimeZone,
    /// Last-use and failed-attempt notices for each person who authenticated.
    pub(crate) notices: Vec<LoginNotice>,
}

impl Session {
    /// The open ledger, for reading: the printouts and reports build from it. Appends go
    /// through this layer's acts, which check the rules and ask for the signatures first.
    pub fn ledger(&self) -> &Ledger {
        &self.ledger
    }

    /// The open ledger, to append to directly: bulk loads (the benchmarks write a medium's
    /// hundred entries in one transaction) and tests. The ledger's `Writer` still checks every
    /// entry's rules and signatures; what is skipped is only this layer's resolving of people
    /// and prompting for passphrases.
    pub fn ledger_mut(&mut self) -> &mut Ledger {
        &mut self.ledger
    }

    /// The settings fixed by the `ledger.init` entry (organisation, time zone, medium prefix,
    /// printout language, end of the working day, Argon2id parameters); they never change.
    pub fn settings(&self) -> &LedgerInit {
        &self.settings
    }

    /// The ledger's time zone, in which times are shown and `--until` and report periods are
    /// read; times are stored in UTC.
    pub fn tz(&self) -> &TimeZone {
        &self.tz
    }

    /// Last-use and failed-attempt notices for each person who authenticated in this session,
    /// for the command line to show.
    pub fn notices(&self) -> &[LoginNotice] {
        &self.notices
    }

    /// Open the ledger and verify it from this user's checkpoint before anything is read
    /// from it (exit 5 when it does not verify, or is not the ledger pinned for its path).
    pub fn open(path: &Path) -> Result<Session> {
        Session::open_anchored(path, Anchors::for_ledger(path))
    }

    /// A session that only reads: printouts and lists. Verified the same way.
    pub fn open_read_only(path: &Path) -> Result<Session> {
        let mut ledger = Ledger::open_read_only(path)?;
        ledger.trust(Anchors::for_ledger(path).unwrap_or_else(|| Anchors::none(path)))?;
        Session::with(ledger)
    }

    /// A read-only session that does not verify first: only for the printouts that verify the
    /// whole ledger themselves and mark what fails (audit, incidents, certificates).
    pub fn open_unverified(path: &Path) -> Result<Session> {
        let mut ledger = Ledger::open_read_only(path)?;
        // Their reads and their own verify then see one snapshot.
        ledger.hold_snapshot()?;
        Session::with(ledger)
    }

    /// `open` with the checkpoint and pin kept in `anchors` (the demo keeps its own); without
    /// anchors (no home directory) every session verifies the whole ledger.
    pub fn open_anchored(path: &Path, anchors: Option<Anchors>) -> Result<Session> {
        let mut ledger = Ledger::open(path)?;
        let anchors = anchors.unwrap_or_else(|| Anchors::none(path));
        ledger.trust(anchors)?;
        Session::with(ledger)
    }

    fn with(ledger: Ledger) -> Result<Session> {
        let settings = ledger.settings()?;
        let tz = crate::time::zone(&settings.timezone)?;
        Ok(Session {
            ledger,
            settings,
            tz,
            notices: Vec::new(),
        })
    }

    /// Everyone the ledger knows (名簿): the people added by `ledger.init` and `person.add`,
    /// with their roles, keys and revocation, folded afresh from the signed entries each call.
    pub fn directory(&self) -> Result<Directory> {
        self.ledger.directory()
    }

    /// A person by ID (`P0003`) or unique name, revoked or not; an unknown one is a usage
    /// error (exit 2). Whether they may still act is for the acts to say: each refuses a
    /// revoked person itself (exit 4).
    pub fn person(&self, key: &str) -> Result<Person> {
        let dir = self.directory()?;
        if let Some(p) = dir.find(key) {
            return Ok(p.clone());
        }
        let near = dir
            .near(key)
            .iter()
            .map(|p| -> Text {
                Msg::PersonNamed {
                    name: (&p.name).into(),
                    id: p.id.to_string().into(),
                }
                .into()
            })
            .reduce(|list, item| Msg::OrMore { list, item }.into());
        let hint = match near {
            None => Text::plain(""),
            Some(names) => Msg::DidYouMean { names }.into(),
        };
        Err(Error::usage(Msg::NoPerson {
            name: shown_name(key.trim()).into(),
            hint,
        }))
    }

    /// A registered medium's state by its number (媒体番号), in any case; a number the ledger
    /// never issued is a usage error (exit 2).
    pub fn medium(&self, key: &str) -> Result<MediumState> {
        let n = MediumNumber(key.trim().to_uppercase());
        self.ledger.medium_state(&n)?.ok_or_else(|| {
            Error::usage(Msg::NoMedium {
                medium: format!("{key:?}").into(),
            })
        })
    }

    /// Check the rules before asking anyone for a passphrase; the ledger checks again atomically.
    fn precheck(&self, draft: &Draft) -> Result<()> {
        let dir = self.directory()?;
        let state = match &draft.medium {
            Some(m) => self.ledger.medium_state(m)?,
            None => None,
        };
        let next = self.ledger.head()?.map_or(1, |(seq, _, _)| seq + 1);
        let act = Act {
            seq: next,
            time: crate::time::now(),
            medium: draft.medium.as_ref(),
            actor: draft.actor.as_ref(),
            body: &draft.body,
        };
        lifecycle::permit(&dir, state.as_ref(), &act)?;
        Ok(())
    }

    /// Record an act: every person it names must be active, the rules must allow it, and each
    /// signer authenticates before the entry is appended in one transaction.
    pub(crate) fn record(
        &mut self,
        draft: Draft,
        secrets: &mut dyn Secrets,
        command: &str,
    ) -> Result<StoredEntry> {
        let actor_id = draft
            .actor
            .clone()
            .ok_or_else(|| Error::Other("internal: an act without an actor".into()))?;
        let actor = self.active_person(&actor_id.0)?;
        let second = match draft.body.second_signer() {
            Some((role, id)) => Some((role, self.active_person(&id.0)?)),
            None => None,
        };
        self.precheck(&draft)?;
        let (actor, second) = match second {
            Some((role, p)) => {
                let (a, s) =
                    self.authenticate_two((&actor, SignRole::Actor), (&p, role), secrets, command)?;
                (a, Some((role, s)))
            }
            None => (
                self.authenticate(&actor, SignRole::Actor, secrets, command)?,
                None,
            ),
        };
        let mut signers: Vec<(SignRole, &dyn crate::crypto::KeyDevice)> =
            vec![(SignRole::Actor, &actor.key)];
        if let Some((role, s)) = &second {
            signers.push((*role, &s.key));
        }
        self.ledger.write(|w| w.commit(draft, &signers))
    }

    /// Append an act on `medium` signed by its actor alone, whose key is already unlocked
    /// (for commands that authenticate before long work: put, wipe).
    fn commit_signed(
        &mut self,
        medium: &MediumNumber,
        actor: &PersonId,
        signed: &Signed,
        body: Body,
    ) -> Result<StoredEntry> {
        let draft = Draft {
            medium: Some(medium.clone()),
            actor: Some(actor.clone()),
            body,
        };
        self.ledger
            .write(|w| w.commit(draft, &[(SignRole::Actor, &signed.key)]))
    }

    /// The person, refused with exit 4 when revoked (they can no longer authenticate).
    pub(crate) fn active_person(&self, key: &str) -> Result<Person> {
        let p = self.person(key)?;
        if !p.is_active() {
            return Err(Error::Auth(
                baitai_core::msg::Msg::RevokedPerson {
                    name: (&p.name).into(),
                    id: p.id.to_string().into(),
                }
                .into(),
            ));
        }
        Ok(p)
    }

    /// A medium's state by number, as the verified ledger folds it.
    pub fn medium_state(&self, number: &MediumNumber) -> Result<Option<MediumState>> {
        self.ledger.medium_state(number)
    }

    /// The whole ledger verified again now (for the demo's closing check).
    pub fn verify(&self) -> Result<crate::ledger::VerifyReport> {
        self.ledger.verify()
    }

    /// The file the ledger was opened from (the demo prints where it kept its ledger).
    pub fn ledger_path(&self) -> &Path {
        self.ledger.path()
    }

    /// A time as the forms print it: `2026-11-23 17:58`, to the minute, in the ledger's zone.
    pub fn show_time(&self, t: jiff::Timestamp) -> String {
        crate::time::show_minutes(t, &self.tz)
    }
}

/// Reject blank free text (purpose, destination…) with a usage error naming the flag.
pub fn required_text(flag: &str, value: &str) -> Result<String> {
    let v = value.trim();
    if v.is_empty() {
        return Err(Error::usage(Msg::MustNotBeEmpty { flag: flag.into() }));
    }
    // One line each: a newline could forge a row on a printed form.
    if v.chars().any(char::is_control) {
        return Err(Error::usage(Msg::OneLine { flag: flag.into() }));
    }
    Ok(v.to_string())
}

/// A name as typed, for a message: as it is, save control characters, which are escaped so
/// that a name cannot move the cursor or forge a line (a full-width space stays a space).
pub(crate) fn shown_name(name: &str) -> String {
    name.chars()
        .flat_map(|c| match c.is_control() {
            true => c.escape_debug().collect::<Vec<_>>(),
            false => vec![c],
        })
        .collect()
}
