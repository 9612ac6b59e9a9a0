//! Creating the ledger and managing people: init, person add / passwd / revoke, and views.

use std::path::Path;

use serde::Serialize;

use super::auth::key_binding;
use super::{required_text, Secrets, Session};
use crate::crypto::{KdfParams, Passphrase, PersonKey, SealedKey};
use crate::error::{Error, Result, Rule};
use crate::ledger::{Anchors, Draft, Ledger};
use crate::lifecycle::Person;
use crate::model::{
    Body, LedgerInit, NewKeys, PersonAdd, PersonId, PersonPasswd, PersonRef, Role, SignRole,
};

pub struct InitRequest {
    pub org: String,
    pub admin: String,
    pub affiliation: String,
    pub timezone: String,
    pub medium_prefix: String,
    pub lang: String,
    pub day_end: String,
    pub kdf: KdfParams,
}

/// Create a ledger with its settings and first admin (P0001), pinned for this user as the
/// ledger at `path`.
pub fn init(path: &Path, req: InitRequest, secrets: &mut dyn Secrets) -> Result<Session> {
    init_anchored(path, req, secrets, Anchors::for_ledger(path))
}

/// `init` with the checkpoint and pin kept in `anchors` (None: kept nowhere, as the demo's).
pub fn init_anchored(
    path: &Path,
    req: InitRequest,
    secrets: &mut dyn Secrets,
    anchors: Option<Anchors>,
) -> Result<Session> {
    let org = required_text("--org", &req.org)?;
    let name = required_text("--admin", &req.admin)?;
    refuse_id_like(&name)?;
    let affiliation = required_text("--affiliation", &req.affiliation)?;
    crate::time::zone(&req.timezone)?;
    check_prefix(&req.medium_prefix)?;
    check_lang(&req.lang)?;
    check_day_end(&req.day_end)?;
    if path.exists() && Ledger::open(path)?.head()?.is_some() {
        return Err(Error::refused(
            Rule::Init,
            format!("a ledger already exists at {}", path.display()),
        ));
    }
    let pass = new_passphrase(secrets, &name)?;
    let key = PersonKey::generate();
    let sealed = SealedKey::seal(&key, &pass, req.kdf, &key_binding(&key.public()))?;
    let admin = PersonAdd {
        id: PersonId::nth(1),
        name,
        affiliation,
        roles: vec![Role::Admin],
        public_key: key.public(),
        encryption_key: key.agreement_public(),
    };
    let body = Body::LedgerInit(LedgerInit {
        org,
        timezone: req.timezone,
        medium_prefix: req.medium_prefix,
        lang: req.lang,
        day_end: req.day_end,
        kdf: req.kdf,
        admin,
    });
    let mut ledger = Ledger::create(path)?;
    ledger.write(|w| {
        let id = PersonId::nth(1);
        w.put_sealed_key(&id, &sealed)?;
        w.commit(
            Draft {
                medium: None,
                actor: Some(id),
                body,
            },
            &[(SignRole::Actor, &key)],
        )
    })?;
    let id = ledger
        .ledger_id()?
        .ok_or_else(|| Error::Other("internal: the new ledger has no first entry".into()))?;
    drop(ledger);
    // A new ledger made on purpose: whatever was pinned at this path before is replaced.
    if let Some(a) = &anchors {
        a.repin(&id)?;
    }
    Session::open_anchored(path, anchors)
}

/// A name that looks like `P0003` would be shadowed by that ID in every lookup.
fn refuse_id_like(name: &str) -> Result<()> {
    if name.starts_with('P') && name[1..].chars().all(|c| c.is_ascii_digit()) {
        return Err(Error::usage(format!(
            "{name:?} looks like a person ID; give the person's name"
        )));
    }
    Ok(())
}

fn check_prefix(p: &str) -> Result<()> {
    let ok = !p.is_empty()
        && p.len() <= 12
        && p.chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit());
    if !ok {
        return Err(Error::usage(format!(
            "medium prefix {p:?} must be 1–12 upper-case letters or digits, like USB"
        )));
    }
    Ok(())
}

pub fn check_lang(l: &str) -> Result<()> {
    match l {
        "ja" | "en" => Ok(()),
        _ => Err(Error::usage(format!("language {l:?} must be ja or en"))),
    }
}

fn check_day_end(s: &str) -> Result<()> {
    s.parse::<jiff::civil::Time>()
        .map(|_| ())
        .map_err(|_| Error::usage(format!("end of day {s:?} must be HH:MM")))
}

/// Ask for a new passphrase and hold it to the policy.
fn new_passphrase(secrets: &mut dyn Secrets, who: &str) -> Result<Passphrase> {
    let pass = secrets.new_passphrase(who)?;
    if let Some(why) = pass.policy_violation() {
        return Err(Error::usage(why));
    }
    Ok(pass)
}

pub struct AddPerson {
    pub name: String,
    pub affiliation: String,
    pub roles: Vec<Role>,
}

impl Session {
    pub fn person_add(
        &mut self,
        admin: &str,
        req: AddPerson,
        secrets: &mut dyn Secrets,
    ) -> Result<PersonId> {
        let name = required_text("NAME", &req.name)?;
        let affiliation = required_text("--affiliation", &req.affiliation)?;
        refuse_id_like(&name)?;
        let mut roles = req.roles;
        roles.sort();
        roles.dedup();
        let admin = self.active_person(admin)?;
        let key = PersonKey::generate();
        let mut body = PersonAdd {
            id: self.directory()?.next_id(),
            name,
            affiliation,
            roles,
            public_key: key.public(),
            encryption_key: key.agreement_public(),
        };
        let draft = |b: &PersonAdd| Draft {
            medium: None,
            actor: Some(admin.id.clone()),
            body: Body::PersonAdd(b.clone()),
        };
        self.precheck(&draft(&body))?;
        let signed = self.authenticate(&admin, SignRole::Actor, secrets, "person add")?;
        let pass = new_passphrase(secrets, &body.name)?;
        let sealed = SealedKey::seal(&key, &pass, self.settings.kdf, &key_binding(&key.public()))?;
        self.ledger.write(|w| {
            // Another admin may have added someone since we looked: take the next ID now.
            body.id = w.directory()?.next_id();
            w.put_sealed_key(&body.id, &sealed)?;
            w.commit(draft(&body), &[(SignRole::Actor, &signed.key)])?;
            Ok(body.id.clone())
        })
    }

    /// Change a person's passphrase and replace their key pair: the change is signed with the
    /// old key and, unless the person is an admin, approved by an admin, so a sealed key
    /// restored from an older copy of the file signs nothing any more. The old keys stay in the
    /// person's key ring, sealed under the new passphrase, so vaults made for them still open.
    pub fn person_passwd(
        &mut self,
        actor: &str,
        target: &str,
        approver: Option<&str>,
        secrets: &mut dyn Secrets,
    ) -> Result<()> {
        let person = self.active_person(actor)?;
        let target = self.person(target)?;
        let approver = approver.map(|a| self.active_person(a)).transpose()?;
        let key = PersonKey::generate();
        let draft = Draft {
            medium: None,
            actor: Some(person.id.clone()),
            body: Body::PersonPasswd(PersonPasswd {
                id: target.id.clone(),
                new_key: Some(NewKeys {
                    public_key: key.public(),
                    encryption_key: key.agreement_public(),
                }),
                approver: approver.as_ref().map(|a| a.id.clone()),
            }),
        };
        self.precheck(&draft)?;
        let signed = self.authenticate(&person, SignRole::Actor, secrets, "person passwd")?;
        let approved = match &approver {
            Some(a) => Some(self.authenticate(a, SignRole::Approver, secrets, "person passwd")?),
            None => None,
        };
        let pass = new_passphrase(secrets, &person.name)?;
        let mut retired = signed.retired;
        retired.push(signed.key);
        let sealed = SealedKey::seal_ring(
            &key,
            &retired,
            &pass,
            self.settings.kdf,
            &key_binding(&key.public()),
            |k| key_binding(&k.public()),
        )?;
        // The entry is signed with the old key, which the ledger still names until it lands.
        let old = retired
            .last()
            .ok_or_else(|| Error::Other("internal: no old key".into()))?;
        let mut signers = vec![(SignRole::Actor, old)];
        if let Some(a) = &approved {
            signers.push((SignRole::Approver, &a.key));
        }
        self.ledger.write(|w| {
            w.put_sealed_key(&person.id, &sealed)?;
            w.commit(draft, &signers)
        })?;
        Ok(())
    }

    /// Lift the lock that repeated failed passphrases put on a person (admin only).
    pub fn person_unlock(
        &mut self,
        admin: &str,
        target: &str,
        secrets: &mut dyn Secrets,
    ) -> Result<Person> {
        self.admin_act(admin, target, Body::PersonUnlock, "person unlock", secrets)
    }

    pub fn person_revoke(
        &mut self,
        admin: &str,
        target: &str,
        secrets: &mut dyn Secrets,
    ) -> Result<Person> {
        self.admin_act(admin, target, Body::PersonRevoke, "person revoke", secrets)
    }

    /// An admin's signed act on another person.
    fn admin_act(
        &mut self,
        admin: &str,
        target: &str,
        body: fn(PersonRef) -> Body,
        command: &str,
        secrets: &mut dyn Secrets,
    ) -> Result<Person> {
        let admin = self.active_person(admin)?;
        let target = self.person(target)?;
        let draft = Draft {
            medium: None,
            actor: Some(admin.id.clone()),
            body: body(PersonRef {
                id: target.id.clone(),
            }),
        };
        self.record(draft, secrets, command)?;
        Ok(target)
    }

    pub fn person_view(&self, p: &Person) -> Result<PersonView> {
        let last = self.ledger.last_signed_by(&p.id)?;
        let failures = self
            .ledger
            .auth_failures_since(&p.id, last.as_ref().map(|e| e.seq).unwrap_or(0))?;
        Ok(PersonView {
            id: p.id.clone(),
            name: p.name.clone(),
            affiliation: p.affiliation.clone(),
            roles: p.roles.iter().copied().collect(),
            fingerprint: p.public_key.fingerprint().to_string(),
            added: crate::time::show_full(p.added_at, &self.tz),
            revoked: p.revoked_at.map(|t| crate::time::show_full(t, &self.tz)),
            last_use: last.map(|e| crate::time::show_full(e.time, &self.tz)),
            failed_attempts_since_last_use: failures.len(),
            locked_until: self
                .lock(p)?
                .map(|l| crate::time::show_full(l.until, &self.tz)),
        })
    }
}

/// A person as `person list` and `person show` present them.
#[derive(Debug, Clone, Serialize)]
pub struct PersonView {
    pub id: PersonId,
    pub name: String,
    pub affiliation: String,
    pub roles: Vec<Role>,
    pub fingerprint: String,
    pub added: String,
    pub revoked: Option<String>,
    pub last_use: Option<String>,
    pub failed_attempts_since_last_use: usize,
    /// Until when repeated failures lock the person, if they do now.
    pub locked_until: Option<String>,
}
