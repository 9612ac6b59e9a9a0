//! The people directory folded from `person.*` entries, and the rules for managing people.

use std::collections::{BTreeMap, BTreeSet};

use jiff::Timestamp;

use super::Act;
use crate::crypto::PublicKey;
use crate::error::{Refusal, Rule};
use crate::model::{Body, LedgerInit, PersonId, Role, Site};
use crate::msg::{self, Msg};
use crate::text::Text;

/// A person the ledger has added, as their entries leave them: who they are, what they may do and
/// which keys are theirs now.
#[derive(Debug, Clone)]
pub struct Person {
    /// Their ID (`P0001`…), fixed for good.
    pub id: PersonId,
    /// Their name, unique in the ledger; commands accept it in place of the ID.
    pub name: String,
    /// Their department or unit, as printed on forms.
    pub affiliation: String,
    /// The site they belong to; None for the whole organisation.
    pub site: Option<Site>,
    /// What they may do (admin, handler, custodian, witness).
    pub roles: BTreeSet<Role>,
    /// The key their entries are signed with now (it changes with a new key from `passwd`).
    pub public_key: PublicKey,
    /// The key vault slots are addressed to now, derived from the same secret as the signing key.
    pub encryption_key: PublicKey,
    /// When they were added.
    pub added_at: Timestamp,
    /// When they were revoked; None while they may act.
    pub revoked_at: Option<Timestamp>,
    /// The token their private key is on (issue 21); None for a passphrase-sealed key.
    pub token: Option<crate::model::TokenInfo>,
}

impl Person {
    /// Whether they may still act (not revoked).
    pub fn is_active(&self) -> bool {
        self.revoked_at.is_none()
    }

    /// Whether they hold `role`.
    pub fn has(&self, role: Role) -> bool {
        self.roles.contains(&role)
    }

    /// Their roles as a comma-separated list, for printouts and refusals.
    pub fn roles_text(&self) -> String {
        self.roles
            .iter()
            .map(|r| r.as_str())
            .collect::<Vec<_>>()
            .join(",")
    }
}

/// Everyone the ledger has added and its settings, folded from the `ledger.init` and `person.*`
/// entries.
#[derive(Debug, Default, Clone)]
pub struct Directory {
    /// The ledger's settings from its first entry; None for an empty ledger.
    pub settings: Option<LedgerInit>,
    /// Every person ever added, revoked ones included, by ID.
    pub people: BTreeMap<PersonId, Person>,
    /// The roles whose signatures must come from a key on a token, as the last
    /// `ledger.require_token` set them; empty when none is required.
    pub require_token: BTreeSet<Role>,
    /// Every exception granted (例外措置), by the ledger number of its grant.
    pub exceptions: BTreeMap<u64, Exception>,
}

/// An exception as its entries leave it: the grant, who asked, and its end if reported.
#[derive(Debug, Clone)]
pub struct Exception {
    /// The ledger number of the grant.
    pub seq: u64,
    /// Who asked for it (the grant's actor).
    pub applicant: PersonId,
    /// When it was granted.
    pub granted_at: Timestamp,
    /// What was granted.
    pub grant: crate::model::ExceptionGrant,
    /// Its end report, once made: (ledger number, time, who, report).
    pub ended: Option<ExceptionEnded>,
}

/// An exception's end as reported.
#[derive(Debug, Clone)]
pub struct ExceptionEnded {
    /// The ledger number of the `exception.end`.
    pub seq: u64,
    /// When it was reported.
    pub at: Timestamp,
    /// Who reported it.
    pub by: PersonId,
    /// The report, as typed.
    pub report: String,
}

impl Exception {
    /// Whether it is in force at `now`: begun, not past its end, and no end reported.
    pub fn in_force(&self, now: Timestamp) -> bool {
        let parse = |s: &str| s.parse::<Timestamp>().ok();
        let begun = parse(&self.grant.from).is_some_and(|f| f <= now);
        let running = parse(&self.grant.until).is_some_and(|u| now < u);
        begun && running && self.ended.is_none()
    }
}

impl Directory {
    /// The person with this ID, revoked or not.
    pub fn get(&self, id: &PersonId) -> Option<&Person> {
        self.people.get(id)
    }

    /// Find a person by ID (`P0003`, in any case) or name: the name as registered, or typed
    /// another way that means the same (full-width or half-width letters and spaces, spaces
    /// left out or doubled, any case), when that finds exactly one person.
    pub fn find(&self, key: &str) -> Option<&Person> {
        let key = key.trim();
        if let Some(p) = self.people.get(&PersonId(key.to_ascii_uppercase())) {
            return Some(p);
        }
        if let Some(p) = self.people.values().find(|p| p.name == key) {
            return Some(p);
        }
        let typed = name_key(key);
        let mut same = self.people.values().filter(|p| name_key(&p.name) == typed);
        match (same.next(), same.next()) {
            (Some(p), None) => Some(p),
            (Some(_), Some(_)) | (None, _) => None,
        }
    }

    /// People whose names are one slip away from `key` (a character missed, added, or
    /// mistyped), for "did you mean": at most three, closest first.
    pub fn near(&self, key: &str) -> Vec<&Person> {
        let typed: Vec<char> = name_key(key).chars().collect();
        let mut near: Vec<(usize, &Person)> = self
            .people
            .values()
            .filter_map(|p| {
                let theirs: Vec<char> = name_key(&p.name).chars().collect();
                let d = edit_distance(&typed, &theirs);
                // One slip in a name of two characters is another name, not a typo.
                let slip = d <= 1 + theirs.len() / 8 && theirs.len() > 2 * d;
                // A family name alone (山田 for 山田 太郎) names whoever bears it.
                let family = typed.len() >= 2 && theirs.starts_with(&typed);
                (slip || family).then_some((d, p))
            })
            .collect();
        near.sort_by_key(|(d, p)| (*d, p.id.clone()));
        near.into_iter().take(3).map(|(_, p)| p).collect()
    }

    /// The ID the next person added must get: IDs are assigned in order and never reused.
    pub fn next_id(&self) -> PersonId {
        PersonId::nth(self.people.len() as u64 + 1)
    }

    /// The active person with this ID who holds `role`, or why not.
    pub fn require(
        &self,
        id: &PersonId,
        role: Role,
        duty: impl Into<Text>,
    ) -> Result<&Person, Refusal> {
        let p = self.get(id).ok_or_else(|| {
            Refusal::new(
                Rule::UnknownPerson,
                Msg::NoPerson {
                    id: id.to_string().into(),
                },
            )
        })?;
        if !p.is_active() {
            return Err(Refusal::new(
                Rule::Revoked,
                Msg::RevokedPerson {
                    name: (&p.name).into(),
                    id: p.id.to_string().into(),
                },
            ));
        }
        if !p.has(role) {
            return Err(Refusal::new(
                Rule::Role,
                Msg::NeedsRole {
                    name: (&p.name).into(),
                    id: p.id.to_string().into(),
                    duty: duty.into(),
                    role: msg::role(role),
                    has: msg::roles(p.roles.iter().copied()),
                },
            ));
        }
        Ok(p)
    }

    fn active_admins(&self) -> usize {
        self.people
            .values()
            .filter(|p| p.is_active() && p.has(Role::Admin))
            .count()
    }

    /// The rules for an entry about people or the ledger (init, add, revoke, passphrase change,
    /// unlock, failed attempt, stock-take), given the directory before it.
    pub fn permit(&self, act: &Act) -> Result<(), Refusal> {
        let Some(actor) = act.actor else {
            return Err(Refusal::new(Rule::NoActor, Msg::NoActor));
        };
        match act.body {
            Body::LedgerInit(i) => {
                if self.settings.is_some() {
                    return Err(Refusal::new(Rule::Init, Msg::AlreadyInitialised));
                }
                if actor != &i.admin.id
                    || i.admin.id != PersonId::nth(1)
                    || !i.admin.roles.contains(&Role::Admin)
                {
                    return Err(Refusal::new(Rule::Init, Msg::InitByFirstAdmin));
                }
                Ok(())
            }
            Body::LedgerRequireToken(_) => {
                self.require(actor, Role::Admin, Msg::DutyRequireToken)?;
                Ok(())
            }
            Body::PersonAdd(p) => self.permit_add(actor, p),
            Body::PersonRevoke(r) => {
                self.require(actor, Role::Admin, Msg::DutyRevoke)?;
                let target = self.get(&r.id).ok_or_else(|| {
                    Refusal::new(
                        Rule::UnknownPerson,
                        Msg::NoPerson {
                            id: r.id.to_string().into(),
                        },
                    )
                })?;
                if !target.is_active() {
                    return Err(Refusal::new(
                        Rule::Revoked,
                        Msg::AlreadyRevoked {
                            name: (&target.name).into(),
                            id: target.id.to_string().into(),
                        },
                    ));
                }
                if target.has(Role::Admin) && self.active_admins() <= 1 {
                    return Err(Refusal::new(Rule::LastAdmin, Msg::LastAdmin));
                }
                Ok(())
            }
            Body::PersonPasswd(r) => self.permit_passwd(actor, r),
            Body::PersonRoles(r) => self.permit_roles(actor, r),
            Body::ExceptionGrant(g) => self.permit_exception(actor, g),
            Body::ExceptionEnd(e) => self.permit_exception_end(actor, e),
            Body::PersonUnlock(r) => {
                self.require(actor, Role::Admin, Msg::DutyUnlock)?;
                self.active(&r.id).map(|_| ())
            }
            Body::InventoryCheck(_) => {
                self.require(actor, Role::Custodian, Msg::DutyInventory)?;
                Ok(())
            }
            Body::AuthFailure(f) => self.permit_failure(actor, f),
            Body::Register(_)
            | Body::Checkout(_)
            | Body::Return(_)
            | Body::CarryOut(_)
            | Body::Loan(_)
            | Body::Copy(_)
            | Body::Transfer(_)
            | Body::Destroy(_)
            | Body::Lost(_)
            | Body::WipeStart(_)
            | Body::Wipe(_)
            | Body::VaultPut(_)
            | Body::VaultGet(_)
            | Body::VaultErase(_)
            | Body::Correct(_)
            | Body::VaultRekey(_) => Err(Refusal::new(Rule::NoMedium, Msg::NeedsMedium)),
        }
    }

    /// A person changes only their own passphrase; a new key needs an admin's approval unless
    /// the person is an admin, and never the person's own as approver.
    fn permit_passwd(
        &self,
        actor: &PersonId,
        r: &crate::model::PersonPasswd,
    ) -> Result<(), Refusal> {
        if &r.id != actor {
            return Err(Refusal::new(Rule::OwnPassphrase, Msg::OwnPassphrase));
        }
        let person = self.active(actor)?;
        match (&r.new_key, &r.token) {
            (Some(k), t) => Self::check_token_keys(t.as_ref(), &k.public_key, &k.encryption_key)?,
            (None, Some(_)) => return Err(Refusal::new(Rule::TokenRequired, Msg::TokenNeedsKey)),
            (None, None) => {}
        }
        if r.token.is_some() && r.approver.is_none() {
            return Err(Refusal::new(Rule::Approval, Msg::TokenNeedsApproval));
        }
        match (&r.new_key, &r.approver) {
            (_, Some(a)) if a == actor => {
                Err(Refusal::new(Rule::SeparationOfDuties, Msg::OwnKeyChange))
            }
            (_, Some(a)) => self
                .require(a, Role::Admin, Msg::DutyApproveKey)
                .map(|_| ()),
            (Some(_), None) if !person.has(Role::Admin) => {
                Err(Refusal::new(Rule::Approval, Msg::KeyNeedsApproval))
            }
            (_, None) => Ok(()),
        }
    }

    /// An admin changes another active person's roles, to at least one role, without leaving
    /// the ledger with no active admin.
    fn permit_roles(&self, actor: &PersonId, r: &crate::model::PersonRoles) -> Result<(), Refusal> {
        self.require(actor, Role::Admin, Msg::DutyChangeRoles)?;
        if &r.id == actor {
            return Err(Refusal::new(Rule::SeparationOfDuties, Msg::OwnRoles));
        }
        let target = self.active(&r.id)?;
        if r.roles.is_empty() {
            return Err(Refusal::new(Rule::Role, Msg::KeepsARole));
        }
        let loses_admin = target.has(Role::Admin) && !r.roles.contains(&Role::Admin);
        if loses_admin && self.active_admins() <= 1 {
            return Err(Refusal::new(Rule::LastAdmin, Msg::LastAdminRole));
        }
        Ok(())
    }

    /// Anyone active asks; an active admin other than the applicant approves; every field
    /// says something; the period ends after it starts.
    fn permit_exception(
        &self,
        actor: &PersonId,
        g: &crate::model::ExceptionGrant,
    ) -> Result<(), Refusal> {
        self.active(actor)?;
        if &g.approver == actor {
            return Err(Refusal::new(Rule::SeparationOfDuties, Msg::OwnException));
        }
        self.require(&g.approver, Role::Admin, Msg::DutyApproveExceptions)?;
        let fields = [
            (Msg::ExceptionClause, &g.clause),
            (Msg::ExceptionScope, &g.scope),
            (Msg::ExceptionMeasures, &g.measures),
            (Msg::ExceptionEndReportHow, &g.end_report),
            (Msg::ExceptionReason, &g.reason),
        ];
        if let Some((what, _)) = fields.iter().find(|(_, v)| v.trim().is_empty()) {
            return Err(Refusal::new(
                Rule::Exception,
                Msg::ExceptionStates {
                    what: what.clone().into(),
                },
            ));
        }
        match (g.from.parse::<Timestamp>(), g.until.parse::<Timestamp>()) {
            (Ok(f), Ok(u)) if f < u => Ok(()),
            (Ok(_), Ok(_)) => Err(Refusal::new(Rule::Period, Msg::ExceptionPeriodBackwards)),
            _ => Err(Refusal::new(Rule::Period, Msg::ExceptionPeriodNotTimes)),
        }
    }

    /// The end of a granted exception not yet ended, reported by its applicant or an admin.
    fn permit_exception_end(
        &self,
        actor: &PersonId,
        e: &crate::model::ExceptionEnd,
    ) -> Result<(), Refusal> {
        let person = self.active(actor)?;
        let Some(x) = self.exceptions.get(&e.grant) else {
            return Err(Refusal::new(
                Rule::Exception,
                Msg::NotAnException {
                    entry: e.grant.to_string().into(),
                },
            ));
        };
        if x.ended.is_some() {
            return Err(Refusal::new(
                Rule::Exception,
                Msg::ExceptionEnded {
                    entry: e.grant.to_string().into(),
                },
            ));
        }
        if &x.applicant != actor && !person.has(Role::Admin) {
            return Err(Refusal::new(Rule::Exception, Msg::ExceptionEndBy));
        }
        if e.report.trim().is_empty() {
            return Err(Refusal::new(Rule::Exception, Msg::ExceptionEndReport));
        }
        Ok(())
    }

    /// The rule of `ledger.require_token`: every signer of the act who holds one of the roles
    /// the ledger requires tokens for signs with a key on a token. The move to a token itself
    /// (`person.passwd` naming a token) is signed by the old key, so its actor is let through:
    /// it is how such a person comes to comply. Entries before the setting are not touched.
    pub fn permit_signers(&self, act: &Act) -> Result<(), Refusal> {
        if self.require_token.is_empty() || act.body.is_unsigned() {
            return Ok(());
        }
        let moving = matches!(act.body, Body::PersonPasswd(p) if p.token.is_some());
        let actor = act.actor.filter(|_| !moving);
        let second = act.body.second_signer().map(|(_, p)| p);
        for id in actor.into_iter().chain(second) {
            let Some(p) = self.get(id) else { continue };
            let Some(role) = p.roles.iter().find(|r| self.require_token.contains(r)) else {
                continue;
            };
            if p.token.is_none() {
                return Err(Refusal::new(
                    Rule::TokenRequired,
                    Msg::TokenRequired {
                        name: (&p.name).into(),
                        id: p.id.to_string().into(),
                        role: msg::role(*role),
                    },
                ));
            }
        }
        Ok(())
    }

    /// A key on a token is one key pair that both signs and agrees keys: an entry introducing
    /// one with two different public keys was not written by baitai.
    fn check_token_keys(
        token: Option<&crate::model::TokenInfo>,
        public: &PublicKey,
        encryption: &PublicKey,
    ) -> Result<(), Refusal> {
        if token.is_some() && public != encryption {
            return Err(Refusal::new(Rule::TokenRequired, Msg::TokenOneKey));
        }
        Ok(())
    }

    /// An unsigned failed attempt names an existing person and a command baitai records.
    fn permit_failure(
        &self,
        actor: &PersonId,
        f: &crate::model::AuthFailure,
    ) -> Result<(), Refusal> {
        if &f.id != actor {
            return Err(Refusal::new(Rule::AuthFailure, Msg::AuthFailureOther));
        }
        if self.get(&f.id).is_none() {
            return Err(Refusal::new(
                Rule::UnknownPerson,
                Msg::NoPerson {
                    id: f.id.to_string().into(),
                },
            ));
        }
        if let Some(why) = f.invalid() {
            return Err(Refusal::new(Rule::AuthFailure, why));
        }
        Ok(())
    }

    fn permit_add(&self, actor: &PersonId, p: &crate::model::PersonAdd) -> Result<(), Refusal> {
        if self.settings.is_none() {
            return Err(Refusal::new(Rule::Init, Msg::NotInitialised));
        }
        self.require(actor, Role::Admin, Msg::DutyAddPeople)?;
        if p.id != self.next_id() {
            return Err(Refusal::new(
                Rule::PersonId,
                Msg::PersonIdOrder {
                    expected: self.next_id().to_string().into(),
                },
            ));
        }
        if p.roles.is_empty() {
            return Err(Refusal::new(Rule::Role, Msg::NeedsARole));
        }
        Self::check_token_keys(p.token.as_ref(), &p.public_key, &p.encryption_key)?;
        if let Some(other) = self.people.values().find(|o| o.name == p.name) {
            return Err(Refusal::new(
                Rule::UniqueName,
                Msg::NameUsed {
                    name: format!("{:?}", p.name).into(),
                    other: other.id.to_string().into(),
                },
            ));
        }
        Ok(())
    }

    /// The active person with this ID, or why not.
    pub fn active(&self, id: &PersonId) -> Result<&Person, Refusal> {
        let p = self.get(id).ok_or_else(|| {
            Refusal::new(
                Rule::UnknownPerson,
                Msg::NoPerson {
                    id: id.to_string().into(),
                },
            )
        })?;
        if !p.is_active() {
            return Err(Refusal::new(
                Rule::Revoked,
                Msg::RevokedPerson {
                    name: (&p.name).into(),
                    id: p.id.to_string().into(),
                },
            ));
        }
        Ok(p)
    }

    fn insert(&mut self, p: &crate::model::PersonAdd, time: Timestamp) {
        self.people.insert(
            p.id.clone(),
            Person {
                id: p.id.clone(),
                name: p.name.clone(),
                affiliation: p.affiliation.clone(),
                site: p.site.clone(),
                roles: p.roles.iter().copied().collect(),
                public_key: p.public_key,
                encryption_key: p.encryption_key,
                added_at: time,
                revoked_at: None,
                token: p.token.clone(),
            },
        );
    }

    /// Record a permitted entry: a person added, revoked or given a new key; other entries change
    /// nothing here.
    pub fn apply(&mut self, act: &Act) {
        match act.body {
            Body::LedgerInit(s) => {
                self.settings = Some(s.clone());
                self.insert(&s.admin, act.time);
            }
            Body::LedgerRequireToken(r) => {
                self.require_token = r.roles.iter().copied().collect();
            }
            Body::PersonAdd(p) => self.insert(p, act.time),
            Body::PersonRevoke(r) => {
                if let Some(p) = self.people.get_mut(&r.id) {
                    p.revoked_at = Some(act.time);
                }
            }
            Body::PersonRoles(r) => {
                if let Some(p) = self.people.get_mut(&r.id) {
                    p.roles = r.roles.iter().copied().collect();
                }
            }
            Body::ExceptionGrant(g) => {
                if let Some(a) = act.actor {
                    self.exceptions.insert(
                        act.seq,
                        Exception {
                            seq: act.seq,
                            applicant: a.clone(),
                            granted_at: act.time,
                            grant: g.clone(),
                            ended: None,
                        },
                    );
                }
            }
            Body::ExceptionEnd(e) => {
                if let (Some(x), Some(a)) = (self.exceptions.get_mut(&e.grant), act.actor) {
                    x.ended = Some(ExceptionEnded {
                        seq: act.seq,
                        at: act.time,
                        by: a.clone(),
                        report: e.report.clone(),
                    });
                }
            }
            Body::PersonPasswd(crate::model::PersonPasswd {
                id,
                new_key: Some(k),
                token,
                ..
            }) => {
                if let Some(p) = self.people.get_mut(id) {
                    p.public_key = k.public_key;
                    p.encryption_key = k.encryption_key;
                    p.token = token.clone();
                }
            }
            Body::PersonPasswd(_)
            | Body::PersonUnlock(_)
            | Body::AuthFailure(_)
            | Body::InventoryCheck(_)
            | Body::Register(_)
            | Body::Checkout(_)
            | Body::Return(_)
            | Body::CarryOut(_)
            | Body::Loan(_)
            | Body::Copy(_)
            | Body::Transfer(_)
            | Body::Destroy(_)
            | Body::Lost(_)
            | Body::WipeStart(_)
            | Body::Wipe(_)
            | Body::VaultPut(_)
            | Body::VaultGet(_)
            | Body::VaultErase(_)
            | Body::VaultRekey(_)
            | Body::Correct(_) => {}
        }
    }
}

/// What a name comes to however it was typed: Unicode NFKC (full-width letters, digits and
/// spaces become their usual forms), lower case, without spaces, so `山田　太郎`, `山田 太郎`
/// and `山田太郎` are one name.
pub fn name_key(name: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    name.nfkc()
        .filter(|c| !c.is_whitespace())
        .flat_map(char::to_lowercase)
        .collect()
}

/// Levenshtein distance between two strings of characters.
fn edit_distance(a: &[char], b: &[char]) -> usize {
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let above = row[j + 1];
            row[j + 1] = (above + 1)
                .min(row[j] + 1)
                .min(diagonal + usize::from(ca != cb));
            diagonal = above;
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::{edit_distance, name_key, Directory, Person};
    use crate::crypto::PersonKey;
    use crate::model::PersonId;

    fn dir(names: &[&str]) -> Directory {
        let mut d = Directory::default();
        for (i, n) in names.iter().enumerate() {
            let key = PersonKey::generate();
            let id = PersonId::nth(i as u64 + 1);
            d.people.insert(
                id.clone(),
                Person {
                    id,
                    name: n.to_string(),
                    affiliation: String::new(),
                    site: None,
                    roles: Default::default(),
                    public_key: key.public(),
                    encryption_key: key.agreement_public(),
                    added_at: jiff::Timestamp::UNIX_EPOCH,
                    revoked_at: None,
                    token: None,
                },
            );
        }
        d
    }

    #[test]
    fn a_name_is_found_however_the_ime_typed_it() {
        let d = dir(&["山田 太郎", "Suzuki Ichiro", "佐藤 一郎"]);
        for typed in [
            "山田　太郎",
            "山田太郎",
            " 山田  太郎 ",
            "ｓｕｚｕｋｉ ｉｃｈｉｒｏ",
            "suzuki ichiro",
            "p0001",
        ] {
            assert!(d.find(typed).is_some(), "{typed:?}");
        }
        assert_eq!(name_key("山田　太郎"), name_key("山田太郎"));
        assert!(d.find("山田 太朗").is_none());
        let near: Vec<&str> = d
            .near("山田 太朗")
            .iter()
            .map(|p| p.name.as_str())
            .collect();
        assert_eq!(near, ["山田 太郎"]);
        assert!(d.near("全く別の人").is_empty());
        // The family name alone suggests whoever bears it; one character is too little.
        let near: Vec<&str> = d.near("山田").iter().map(|p| p.name.as_str()).collect();
        assert_eq!(near, ["山田 太郎"]);
        assert!(d.near("山").is_empty());
    }

    #[test]
    fn two_people_whose_names_mean_the_same_are_found_by_neither_spelling() {
        let d = dir(&["山田 太郎", "山田太郎"]);
        assert_eq!(
            d.find("山田太郎").map(|p| p.id.0.as_str()),
            Some("P0002"),
            "exact wins"
        );
        assert!(d.find("山田　太郎").is_none(), "ambiguous");
    }

    #[test]
    fn edit_distance_counts_single_slips() {
        let c = |s: &str| s.chars().collect::<Vec<_>>();
        assert_eq!(edit_distance(&c("太郎"), &c("太朗")), 1);
        assert_eq!(edit_distance(&c("abc"), &c("ab")), 1);
        assert_eq!(edit_distance(&c(""), &c("ab")), 2);
        assert_eq!(edit_distance(&c("kitten"), &c("sitting")), 3);
    }
}
