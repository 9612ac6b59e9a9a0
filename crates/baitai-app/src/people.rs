//! Creating the ledger and managing people: init, person add / passwd / revoke, and views.

use std::path::Path;

use serde::Serialize;

use super::auth::{key_binding, Key};
use super::{required_text, Secrets, Session};
use crate::crypto::{KdfParams, KeyDevice, Passphrase, PersonKey, SealedKey};
use crate::error::{Error, Result, Rule};
use crate::ledger::{Anchors, Draft, Ledger, StoredEntry};
use crate::lifecycle::Person;
use crate::model::{
    Body, ExceptionEnd, ExceptionGrant, LedgerInit, NewKeys, PersonAdd, PersonId, PersonPasswd,
    PersonRef, PersonRoles, RequireToken, Role, SignRole, Site,
};
use crate::msg::{path as p_, Msg};
use crate::token::{TokenChoice, TokenKey};

/// The settings of a new ledger and its first admin (総括者). None of them can be changed
/// after `init`: they are part of the signed `ledger.init` entry.
pub struct InitRequest {
    /// The organisation's name, printed on every form (`--org`).
    pub org: String,
    /// The first admin's name (`--admin`); they become `P0001` with the admin role only. A
    /// name that looks like a person ID is a usage error.
    pub admin: String,
    /// The first admin's affiliation (所属).
    pub affiliation: String,
    /// The IANA zone times are shown and read in, e.g. `Asia/Tokyo`.
    pub timezone: String,
    /// The prefix of medium numbers (`USB` gives `USB-2026-0001`): 1–12 upper-case letters
    /// or digits.
    pub medium_prefix: String,
    /// The default language of printouts: `ja` or `en`.
    pub lang: String,
    /// The end of the working day, `HH:MM`: a medium checked out for the day is due back by
    /// then (放置しない, docs/ledger.md §12).
    pub day_end: String,
    /// The Argon2id parameters every passphrase set in this ledger is sealed with.
    pub kdf: KdfParams,
}

/// Create a ledger with its settings and first admin (P0001), pinned for this user as the
/// ledger at `path`. The settings are checked and a ledger already at `path` is refused
/// (exit 3, rule `init`) before the admin is asked for a new passphrase; the `ledger.init`
/// entry is signed with the key it introduces.
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
            Msg::LedgerExists { path: p_(path) },
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
        // The first admin sets up the whole organisation's ledger, for every site.
        site: None,
        token: None,
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
        return Err(Error::usage(Msg::IdLikeName {
            name: format!("{name:?}").into(),
        }));
    }
    Ok(())
}

fn check_prefix(p: &str) -> Result<()> {
    let ok = !p.is_empty()
        && p.len() <= 12
        && p.chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit());
    if !ok {
        return Err(Error::usage(Msg::BadPrefix {
            prefix: format!("{p:?}").into(),
        }));
    }
    Ok(())
}

/// A printout language baitai has: `ja` or `en`; anything else is a usage error (exit 2).
fn check_lang(l: &str) -> Result<()> {
    match l {
        "ja" | "en" => Ok(()),
        _ => Err(Error::usage(Msg::BadLang {
            lang: format!("{l:?}").into(),
        })),
    }
}

fn check_day_end(s: &str) -> Result<()> {
    s.parse::<jiff::civil::Time>().map(|_| ()).map_err(|_| {
        Error::usage(Msg::BadDayEnd {
            value: format!("{s:?}").into(),
        })
    })
}

/// Ask for a new passphrase and hold it to the policy.
fn new_passphrase(secrets: &mut dyn Secrets, who: &str) -> Result<Passphrase> {
    let pass = secrets.new_passphrase(who)?;
    if let Some(why) = pass.policy_violation() {
        return Err(Error::usage(why));
    }
    Ok(pass)
}

/// A person for an admin to add (`person add`).
pub struct AddPerson {
    /// Their name (氏名). A name already used, even by a revoked person, is refused (exit 3,
    /// `unique-name`); one that looks like a person ID is a usage error (exit 2).
    pub name: String,
    /// Their affiliation (所属).
    pub affiliation: String,
    /// Their roles, fixed for good: handler (取扱者), custodian (管理者), witness (破棄立会者),
    /// admin (総括者). Order and repeats do not matter; none at all is refused (exit 3).
    pub roles: Vec<Role>,
    /// The site they belong to (拠点); None for the whole organisation, as a security office.
    pub site: Option<Site>,
    /// Put their key on a PKCS#11 token instead of sealing it under a passphrase (issue 21).
    pub token: Option<NewTokenKey>,
}

/// Where a new key on a token is made (`--token`, `--token-label`, `--token-key-id`).
#[derive(Debug, Clone, Default)]
pub struct NewTokenKey {
    /// Which token: by label, or the only one present.
    pub choice: TokenChoice,
    /// An existing key pair's CKA_ID (hex) to use instead of making one.
    pub key_id: Option<String>,
}

impl NewTokenKey {
    /// Make (or select) the key on the token, after its PIN from `secrets`.
    fn create(&self, secrets: &mut dyn Secrets, who: &str) -> Result<TokenKey> {
        let label = self.choice.label.clone().unwrap_or_else(|| "token".into());
        let pin = secrets.token_pin(&label)?;
        TokenKey::create(&self.choice, self.key_id.as_deref(), &pin, who)
    }
}

/// The new person's key: sealed under their new passphrase, or on their token.
enum NewKey {
    Sealed(PersonKey, SealedKey),
    Token(TokenKey),
}

impl Session {
    /// An active admin adds a person: a new key pair is made, the admin authenticates, the new
    /// person types their own new passphrase (held to the policy, exit 2 if too weak), and the
    /// `person.add` entry with their public keys is committed, signed by the admin, with their
    /// sealed key stored beside it. Returns the new person's ID, taken inside the write
    /// transaction so two admins adding at once get different IDs.
    pub fn person_add(
        &mut self,
        admin: &str,
        req: AddPerson,
        secrets: &mut dyn Secrets,
    ) -> Result<PersonId> {
        let name = required_text("NAME", &req.name)?;
        let affiliation = required_text("--affiliation", &req.affiliation)?;
        refuse_id_like(&name)?;
        self.refuse_name_like_another(&name)?;
        let mut roles = req.roles;
        roles.sort();
        roles.dedup();
        let admin = self.active_person(admin)?;
        // The key is made after the checks and the admin's passphrase: a refused add leaves
        // no key pair behind on a token.
        let placeholder = PersonKey::generate();
        let mut body = PersonAdd {
            id: self.directory()?.next_id(),
            name,
            affiliation,
            roles,
            public_key: placeholder.public(),
            encryption_key: placeholder.public(),
            site: req.site,
            token: None,
        };
        let draft = |b: &PersonAdd| Draft {
            medium: None,
            actor: Some(admin.id.clone()),
            body: Body::PersonAdd(b.clone()),
        };
        self.precheck(&draft(&body))?;
        let signed = self.authenticate(&admin, SignRole::Actor, secrets, "person add")?;
        let key = match &req.token {
            Some(t) => NewKey::Token(t.create(secrets, &body.name)?),
            None => {
                let key = placeholder;
                let pass = new_passphrase(secrets, &body.name)?;
                let sealed =
                    SealedKey::seal(&key, &pass, self.settings.kdf, &key_binding(&key.public()))?;
                NewKey::Sealed(key, sealed)
            }
        };
        match &key {
            NewKey::Sealed(k, _) => {
                body.public_key = k.public();
                body.encryption_key = k.agreement_public();
            }
            NewKey::Token(t) => {
                body.public_key = t.public();
                body.encryption_key = t.agreement_public();
                body.token = Some(t.info.clone());
            }
        }
        self.ledger.write(|w| {
            // Another admin may have added someone since we looked: take the next ID now.
            body.id = w.directory()?.next_id();
            if let NewKey::Sealed(_, sealed) = &key {
                w.put_sealed_key(&body.id, sealed)?;
            }
            w.commit(draft(&body), &[(SignRole::Actor, &signed.key)])?;
            Ok(body.id.clone())
        })
    }

    /// A new name that only differs from someone's in how it was typed (`山田太郎` beside
    /// `山田 太郎`) would make both hard to name: refused (exit 3, `unique-name`) before anyone
    /// is asked for a passphrase. The ledger's own rule compares names exactly, as it always has.
    fn refuse_name_like_another(&self, name: &str) -> Result<()> {
        let key = crate::lifecycle::people::name_key(name);
        match self
            .directory()?
            .people
            .values()
            .find(|p| p.name != name && crate::lifecycle::people::name_key(&p.name) == key)
        {
            Some(other) => Err(Error::refused(
                Rule::UniqueName,
                Msg::NameLikeAnother {
                    name: crate::shown_name(name).into(),
                    other: (&other.name).into(),
                    id: other.id.to_string().into(),
                },
            )),
            None => Ok(()),
        }
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
        if target.token.is_some() {
            return Err(Error::usage(Msg::KeyOnTokenNoPassphrase {
                name: (&target.name).into(),
                id: target.id.to_string().into(),
            }));
        }
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
                token: None,
            }),
        };
        self.precheck(&draft)?;
        let (signed, approved) = match &approver {
            Some(a) => {
                let actor = (&person, SignRole::Actor);
                let (s, a) = self.authenticate_two(
                    actor,
                    (a, SignRole::Approver),
                    secrets,
                    "person passwd",
                )?;
                (s, Some(a))
            }
            None => (
                self.authenticate(&person, SignRole::Actor, secrets, "person passwd")?,
                None,
            ),
        };
        let pass = new_passphrase(secrets, &person.name)?;
        let mut retired = signed.retired;
        match signed.key {
            Key::Sealed(k) => retired.push(k),
            Key::Token(_) => {
                return Err(Error::Other(
                    "internal: a person on a token reached person passwd".into(),
                ))
            }
        }
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
        let mut signers: Vec<(SignRole, &dyn KeyDevice)> = vec![(SignRole::Actor, old)];
        if let Some(a) = &approved {
            signers.push((SignRole::Approver, &a.key));
        }
        self.ledger.write(|w| {
            w.put_sealed_key(&person.id, &sealed)?;
            w.commit(draft, &signers)
        })?;
        Ok(())
    }

    /// `person token`: move a person's key to a PKCS#11 token (issue 21). A new key pair is
    /// made on the token (or an existing one selected), and the `person.passwd` entry naming it
    /// and the token is signed by the person's old key and approved by an admin, as a key
    /// change is. From then on the person signs and opens vault slots through the token. Their
    /// old sealed key stays in the file but signs nothing any more (the ledger names the
    /// token's key); it still opens vaults made for them before the move.
    pub fn person_token(
        &mut self,
        actor: &str,
        approver: &str,
        token: &NewTokenKey,
        secrets: &mut dyn Secrets,
    ) -> Result<Person> {
        let person = self.active_person(actor)?;
        if person.token.is_some() {
            return Err(Error::usage(Msg::KeyOnTokenAlready {
                name: (&person.name).into(),
                id: person.id.to_string().into(),
            }));
        }
        let approver = self.active_person(approver)?;
        let placeholder = PersonKey::generate().public();
        let mut body = PersonPasswd {
            id: person.id.clone(),
            new_key: Some(NewKeys {
                public_key: placeholder,
                encryption_key: placeholder,
            }),
            approver: Some(approver.id.clone()),
            token: Some(crate::model::TokenInfo {
                manufacturer: String::new(),
                model: String::new(),
                serial: String::new(),
                label: String::new(),
                key_id: String::new(),
            }),
        };
        let draft = |b: &PersonPasswd| Draft {
            medium: None,
            actor: Some(person.id.clone()),
            body: Body::PersonPasswd(b.clone()),
        };
        self.precheck(&draft(&body))?;
        let (signed, approved) = self.authenticate_two(
            (&person, SignRole::Actor),
            (&approver, SignRole::Approver),
            secrets,
            "person token",
        )?;
        let key = token.create(secrets, &person.name)?;
        body.new_key = Some(NewKeys {
            public_key: key.public(),
            encryption_key: key.agreement_public(),
        });
        body.token = Some(key.info.clone());
        let signers: [(SignRole, &dyn KeyDevice); 2] = [
            (SignRole::Actor, &signed.key),
            (SignRole::Approver, &approved.key),
        ];
        self.ledger.write(|w| w.commit(draft(&body), &signers))?;
        self.person(&person.id.0)
    }

    /// `ledger require-token`: an admin sets the roles whose signatures must come from a key
    /// on a token (none: the requirement is lifted). Signed like any admin act; from this entry
    /// on the rules refuse an act signed by a person of those roles with a sealed key.
    pub fn require_token(
        &mut self,
        admin: &str,
        roles: Vec<Role>,
        secrets: &mut dyn Secrets,
    ) -> Result<Vec<Role>> {
        let admin = self.active_person(admin)?;
        let mut roles = roles;
        roles.sort();
        roles.dedup();
        let draft = Draft {
            medium: None,
            actor: Some(admin.id.clone()),
            body: Body::LedgerRequireToken(RequireToken {
                roles: roles.clone(),
            }),
        };
        self.record(draft, secrets, "ledger require-token")?;
        Ok(roles)
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

    /// An active admin revokes a person (`person.revoke`): they can no longer act, approve or
    /// witness, and their entries and signatures stay. Refused (exit 3, `last-admin`) when it
    /// would leave no active admin. The key slots they hold in vaults stay until removed
    /// (see [`Session::revoked_slots`]).
    pub fn person_revoke(
        &mut self,
        admin: &str,
        target: &str,
        secrets: &mut dyn Secrets,
    ) -> Result<Person> {
        self.admin_act(admin, target, Body::PersonRevoke, "person revoke", secrets)
    }

    /// An active admin changes another person's roles (`person.roles`, signed by the admin):
    /// `roles` are all they hold from then on. Refused (exit 3) for one's own roles
    /// (`separation-of-duties`), a revoked person, no role, or the admin role taken from the
    /// last active admin (`last-admin`).
    pub fn person_roles(
        &mut self,
        admin: &str,
        target: &str,
        roles: &[Role],
        secrets: &mut dyn Secrets,
    ) -> Result<Person> {
        let admin = self.active_person(admin)?;
        let target = self.person(target)?;
        let mut roles = roles.to_vec();
        roles.sort();
        roles.dedup();
        let draft = Draft {
            medium: None,
            actor: Some(admin.id.clone()),
            body: Body::PersonRoles(PersonRoles {
                id: target.id.clone(),
                roles,
            }),
        };
        self.record(draft, secrets, "person roles")?;
        self.person(&target.id.0)
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

    /// How `person list` and `person show` present a person: their roles, key fingerprint,
    /// when they were added and revoked, their last use, the failed attempts since, and until
    /// when a lock holds them, with times in the ledger's zone.
    pub fn person_view(&self, p: &Person) -> Result<PersonView> {
        let last = self.ledger.last_signed_by(&p.id)?;
        let failures = self
            .ledger
            .auth_failures_since(&p.id, last.as_ref().map(|e| e.seq).unwrap_or(0))?;
        Ok(PersonView {
            id: p.id.clone(),
            name: p.name.clone(),
            affiliation: p.affiliation.clone(),
            site: p.site.clone(),
            roles: p.roles.iter().copied().collect(),
            fingerprint: p.public_key.fingerprint().to_string(),
            added: crate::time::show_full(p.added_at, &self.tz),
            revoked: p.revoked_at.map(|t| crate::time::show_full(t, &self.tz)),
            last_use: last.map(|e| crate::time::show_full(e.time, &self.tz)),
            failed_attempts_since_last_use: failures.len(),
            locked_until: self
                .lock(p)?
                .map(|l| crate::time::show_full(l.until, &self.tz)),
            token: p.token.clone(),
        })
    }
}

/// A person as `person list` and `person show` present them.
#[derive(Debug, Clone, Serialize)]
pub struct PersonView {
    /// Their ID (`P0003`).
    pub id: PersonId,
    /// Their name (氏名).
    pub name: String,
    /// Their affiliation (所属).
    pub affiliation: String,
    /// The site they belong to (拠点); absent for the whole organisation.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub site: Option<Site>,
    /// Their roles, in a fixed order.
    pub roles: Vec<Role>,
    /// Their signing key's fingerprint (`01db:6851:a470:98a0`), to compare out of band with
    /// the one on forms; it changes with each `person passwd`.
    pub fingerprint: String,
    /// When they were added (RFC 3339 in the ledger's zone).
    pub added: String,
    /// When they were revoked, if they were.
    pub revoked: Option<String>,
    /// When they last signed an entry, in any role.
    pub last_use: Option<String>,
    /// How many wrong passphrases were recorded for them since that last use.
    pub failed_attempts_since_last_use: usize,
    /// Until when repeated failures lock the person, if they do now.
    pub locked_until: Option<String>,
    /// The token their key is on; absent for a passphrase-sealed key.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub token: Option<crate::model::TokenInfo>,
}

/// What an applicant types to ask for an exception (`exception grant`), before it is checked.
#[derive(Debug, Clone)]
pub struct ExceptionRequest {
    /// The regulation and clause it departs from.
    pub clause: String,
    /// What it covers.
    pub scope: String,
    /// When it starts, as typed (a bare date is the start of that day).
    pub from: String,
    /// When it ends, as typed (a bare date is the end of that day).
    pub until: String,
    /// What is done instead.
    pub measures: String,
    /// How its end will be reported.
    pub end_report: String,
    /// Why it is needed.
    pub reason: String,
}

/// An exception as `exception list` and the audit report show it.
#[derive(Debug, Clone, Serialize)]
pub struct ExceptionView {
    /// The ledger number of its grant.
    pub seq: u64,
    /// `in-force`, `not-begun`, `expired` or `ended`.
    pub status: &'static str,
    /// Who asked for it.
    pub applicant: PersonId,
    /// Who approved it.
    pub approver: PersonId,
    /// The regulation and clause.
    pub clause: String,
    /// What it covers.
    pub scope: String,
    /// When it was granted (its entry's time), in the ledger's zone: a grant whose period
    /// starts before this was made after the fact.
    pub granted: String,
    /// When it starts, in the ledger's zone.
    pub from: String,
    /// When it ends on its own, in the ledger's zone.
    pub until: String,
    /// What is done instead.
    pub measures: String,
    /// How its end is reported.
    pub end_report: String,
    /// Why.
    pub reason: String,
    /// The end report, when made.
    pub ended: Option<String>,
}

impl Session {
    /// 例外措置: `applicant` asks, `approver` (an admin, not the applicant) approves and both
    /// sign `exception.grant`. It ends on its own at `until`, or with [`Session::exception_end`].
    pub fn exception_grant(
        &mut self,
        applicant: &str,
        approver: &str,
        req: &ExceptionRequest,
        secrets: &mut dyn Secrets,
    ) -> Result<StoredEntry> {
        let applicant = self.active_person(applicant)?;
        let from = crate::time::parse_user(&req.from, &self.tz, crate::time::DayEnd::Start)?;
        let until = crate::time::parse_user(&req.until, &self.tz, crate::time::DayEnd::End)?;
        let body = Body::ExceptionGrant(ExceptionGrant {
            approver: self.person(approver)?.id,
            clause: required_text("--clause", &req.clause)?,
            scope: required_text("--scope", &req.scope)?,
            from: crate::time::to_store(from),
            until: crate::time::to_store(until),
            measures: required_text("--measures", &req.measures)?,
            end_report: required_text("--end-report", &req.end_report)?,
            reason: required_text("--reason", &req.reason)?,
        });
        let draft = Draft {
            medium: None,
            actor: Some(applicant.id),
            body,
        };
        self.record(draft, secrets, "exception grant")
    }

    /// The end of exception `grant` reported by its applicant or an admin (`exception.end`).
    pub fn exception_end(
        &mut self,
        reporter: &str,
        grant: u64,
        report: &str,
        secrets: &mut dyn Secrets,
    ) -> Result<StoredEntry> {
        let reporter = self.active_person(reporter)?;
        let draft = Draft {
            medium: None,
            actor: Some(reporter.id),
            body: Body::ExceptionEnd(ExceptionEnd {
                grant,
                report: required_text("--report", report)?,
            }),
        };
        self.record(draft, secrets, "exception end")
    }

    /// Every exception granted, oldest first, with its status now.
    pub fn exceptions(&self) -> Result<Vec<ExceptionView>> {
        let dir = self.directory()?;
        let now = crate::time::now();
        let show = |s: &str| {
            crate::time::from_store(s)
                .map(|t| crate::time::show_minutes(t, &self.tz))
                .unwrap_or_else(|_| s.to_string())
        };
        Ok(dir
            .exceptions
            .values()
            .map(|x| ExceptionView {
                seq: x.seq,
                status: exception_status(x, now),
                applicant: x.applicant.clone(),
                approver: x.grant.approver.clone(),
                clause: x.grant.clause.clone(),
                scope: x.grant.scope.clone(),
                granted: crate::time::show_minutes(x.granted_at, &self.tz),
                from: show(&x.grant.from),
                until: show(&x.grant.until),
                measures: x.grant.measures.clone(),
                end_report: x.grant.end_report.clone(),
                reason: x.grant.reason.clone(),
                ended: x.ended.as_ref().map(|e| e.report.clone()),
            })
            .collect())
    }
}

/// Where an exception stands at `now`: it lapses on its own at the end of its period.
fn exception_status(x: &crate::lifecycle::Exception, now: jiff::Timestamp) -> &'static str {
    if x.ended.is_some() {
        "ended"
    } else if x.in_force(now) {
        "in-force"
    } else if x
        .grant
        .from
        .parse::<jiff::Timestamp>()
        .is_ok_and(|f| now < f)
    {
        "not-begun"
    } else {
        "expired"
    }
}
