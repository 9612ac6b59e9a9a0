//! Handlers for `init` and `person …`.

use serde_json::json;

use crate::report::text::visible;

use super::args::{InitArgs, PersonCmd, TokenArgs};
use super::{show_notices, CliSecrets, Ctx, Output};
use crate::app::token::TokenChoice;
use crate::app::{self, AddPerson, InitRequest, NewTokenKey};
use crate::crypto::KdfParams;
use crate::error::Result;
use crate::report::text::table;

pub fn init(ctx: &Ctx, a: InitArgs) -> Result<Option<Output>> {
    let mut secrets = CliSecrets::new(None, None, None, a.passphrase_file)?;
    let kdf = if a.insecure_fast_kdf {
        KdfParams::INSECURE_FAST
    } else {
        KdfParams::STANDARD
    };
    let session = app::init(
        &ctx.ledger,
        InitRequest {
            org: a.org,
            admin: a.admin,
            affiliation: a.affiliation,
            timezone: a.timezone,
            medium_prefix: a.medium_prefix,
            lang: ctx
                .lang
                .unwrap_or(crate::report::Lang::Ja)
                .code()
                .to_string(),
            day_end: a.day_end,
            kdf,
        },
        &mut secrets,
    )?;
    let s = session.settings();
    let mut human = format!(
        "Created ledger {} for {}\nFirst admin: {} ({}), P0001\nTime zone {}, medium numbers {}-YYYY-NNNN\n",
        crate::ledger::shown_location(&ctx.ledger),
        s.org,
        s.admin.name,
        s.admin.affiliation,
        s.timezone,
        s.medium_prefix
    );
    if a.insecure_fast_kdf {
        human += "warning: fast key derivation for tests only; passphrases are easier to guess\n";
    }
    Ok(Some(Output::new(
        human,
        json!({
            "ledger": crate::ledger::shown_location(&ctx.ledger),
            "org": s.org,
            "admin": "P0001",
            "timezone": s.timezone,
            "medium_prefix": s.medium_prefix,
            "kdf": s.kdf,
        }),
    )))
}

pub fn person(ctx: &Ctx, cmd: PersonCmd) -> Result<Option<Output>> {
    let mut session = ctx.session()?;
    match cmd {
        PersonCmd::Add(a) => {
            let mut secrets =
                CliSecrets::new(a.auth.passphrase_file, None, None, a.new_passphrase_file)?
                    .with_token_pin(a.new_token.token_pin_file.clone())?;
            let t = &a.new_token;
            let token_args = t.token_label.is_some() || t.token_key_id.is_some();
            if token_args && !a.token {
                return Err(crate::error::Error::usage(
                    "--token-label and --token-key-id choose where a key is made with --token: add --token",
                ));
            }
            let token = a.token.then(|| new_token_key(t));
            let id = session.person_add(
                &a.auth.as_,
                AddPerson {
                    name: a.name.clone(),
                    affiliation: a.affiliation.clone(),
                    roles: a.roles.clone(),
                    site: a.site.clone(),
                    token,
                },
                &mut secrets,
            )?;
            let roles: Vec<&str> = a.roles.iter().map(|r| r.as_str()).collect();
            let mut j = json!({"person": id, "name": a.name.trim(), "roles": roles});
            let added = session.person(&id.0)?;
            if let Some(t) = &added.token {
                j["token"] = json!(t);
            }
            if let Some(site) = &a.site {
                j["site"] = json!(site);
            }
            show_notices(ctx, session.notices(), &mut j);
            let at = a
                .site
                .as_ref()
                .map(|s| format!(", site {s}"))
                .unwrap_or_default();
            Ok(Some(Output::new(
                format!(
                    "Added {} ({}{at}) as {}: {}\n",
                    a.name.trim(),
                    a.affiliation.trim(),
                    roles.join(", "),
                    id
                ),
                j,
            )))
        }
        PersonCmd::Passwd(a) => {
            let whose = a.person.clone().unwrap_or_else(|| a.auth.as_.clone());
            let target = session.person(&whose)?;
            let mut secrets = CliSecrets::new(
                a.auth.passphrase_file,
                a.approver_passphrase_file,
                None,
                a.new_passphrase_file,
            )?;
            session.person_passwd(&a.auth.as_, &whose, a.approver.as_deref(), &mut secrets)?;
            let now = session.person(&target.id.0)?;
            let fingerprint = now.public_key.fingerprint().to_string();
            let mut j = json!({"person": target.id, "fingerprint": fingerprint});
            show_notices(ctx, session.notices(), &mut j);
            Ok(Some(Output::new(
                format!(
                    "Changed the passphrase and key of {} ({}); new key fingerprint {fingerprint}\n",
                    target.name, target.id
                ),
                j,
            )))
        }
        PersonCmd::Token(a) => {
            let whose = a.person.clone().unwrap_or_else(|| a.auth.as_.clone());
            if session.person(&whose)?.id != session.person(&a.auth.as_)?.id {
                return Err(crate::error::Error::usage(
                    "a person moves only their own key to a token: run it --as them",
                ));
            }
            let mut secrets = CliSecrets::new(
                a.auth.passphrase_file,
                a.approver_passphrase_file,
                None,
                None,
            )?
            .with_token_pin(a.token.token_pin_file.clone())?;
            let p = session.person_token(
                &a.auth.as_,
                &a.approver,
                &new_token_key(&a.token),
                &mut secrets,
            )?;
            let fingerprint = p.public_key.fingerprint().to_string();
            let mut j = json!({"person": p.id, "fingerprint": fingerprint, "token": p.token});
            show_notices(ctx, session.notices(), &mut j);
            let label = p
                .token
                .as_ref()
                .map(|t| t.label.clone())
                .unwrap_or_default();
            Ok(Some(Output::new(
                format!(
                    "Moved the key of {} ({}) to the token {label:?}; new key fingerprint {fingerprint}\nVaults made for the old key open with the token once each medium is back (return --path or vault rekey re-addresses the slot); other custodians' escrow slots open them meanwhile.\n",
                    p.name, p.id
                ),
                j,
            )))
        }
        PersonCmd::Unlock(a) => {
            let mut secrets = CliSecrets::new(a.auth.passphrase_file, None, None, None)?;
            let target = session.person_unlock(&a.auth.as_, &a.person, &mut secrets)?;
            let mut j = json!({"person": target.id, "unlocked": true});
            show_notices(ctx, session.notices(), &mut j);
            Ok(Some(Output::new(
                format!("Lifted the lock on {} ({})\n", target.name, target.id),
                j,
            )))
        }
        PersonCmd::List => {
            let dir = session.directory()?;
            let views = dir
                .people
                .values()
                .map(|p| session.person_view(p))
                .collect::<Result<Vec<_>>>()?;
            let rows: Vec<Vec<String>> = views
                .iter()
                .map(|v| {
                    vec![
                        v.id.0.clone(),
                        v.name.clone(),
                        v.affiliation.clone(),
                        v.site.as_ref().map(|s| s.to_string()).unwrap_or_default(),
                        v.roles
                            .iter()
                            .map(|r| r.as_str())
                            .collect::<Vec<_>>()
                            .join(","),
                        if v.revoked.is_some() {
                            "revoked".into()
                        } else {
                            "active".into()
                        },
                        v.fingerprint.clone(),
                    ]
                })
                .collect();
            let human = table(
                &[
                    "ID",
                    "Name",
                    "Affiliation",
                    "Site",
                    "Roles",
                    "Status",
                    "Key",
                ],
                &rows,
            );
            Ok(Some(Output::new(human, json!({"people": views}))))
        }
        PersonCmd::Show { person } => {
            let p = session.person(&person)?;
            let v = session.person_view(&p)?;
            let roles: Vec<&str> = v.roles.iter().map(|r| r.as_str()).collect();
            let mut human = format!(
                "{}  {}\nAffiliation: {}\nRoles: {}\nKey fingerprint: {}\nAdded: {}\n",
                v.id,
                v.name,
                v.affiliation,
                roles.join(", "),
                v.fingerprint,
                v.added
            );
            if let Some(site) = &v.site {
                human += &format!("Site: {site}\n");
            }
            if let Some(r) = &v.revoked {
                human += &format!("Revoked: {r}\n");
            }
            if let Some(t) = &v.token {
                human += &format!(
                    "Key on token: {} ({} {}, serial {}), key ID {}\n",
                    t.label, t.manufacturer, t.model, t.serial, t.key_id
                );
            }
            human += &format!("Last use: {}\n", v.last_use.as_deref().unwrap_or("never"));
            if v.failed_attempts_since_last_use > 0 {
                human += &format!(
                    "Failed passphrase attempts since last use: {}\n",
                    v.failed_attempts_since_last_use
                );
            }
            if let Some(until) = &v.locked_until {
                human += &format!(
                    "Locked until {until} after repeated failed passphrases (an admin can lift it: `baitai person unlock {}`)\n",
                    v.id
                );
            }
            Ok(Some(Output::new(human, json!({"person": v}))))
        }
        PersonCmd::Roles(a) => {
            let mut secrets = CliSecrets::new(a.auth.passphrase_file, None, None, None)?;
            let p = session.person_roles(&a.auth.as_, &a.person, &a.roles, &mut secrets)?;
            let roles: Vec<&str> = p.roles.iter().map(|r| r.as_str()).collect();
            let mut j = json!({"person": p.id, "roles": roles});
            show_notices(ctx, session.notices(), &mut j);
            let human = format!("{} ({}) now holds: {}\n", p.name, p.id, p.roles_text());
            Ok(Some(Output::new(human, j)))
        }
        PersonCmd::Revoke(a) => {
            let mut secrets = CliSecrets::new(a.auth.passphrase_file, None, None, None)?;
            let p = session.person_revoke(&a.auth.as_, &a.person, &mut secrets)?;
            // Read afresh: the vaults that still carry the slot of the person just revoked.
            let media: Vec<String> = ctx
                .reader()
                .and_then(|r| r.revoked_slots())
                .unwrap_or_default()
                .into_iter()
                .filter(|v| v.revoked.contains(&p.id))
                .map(|v| v.medium.0)
                .collect();
            let mut j = json!({"revoked": p.id, "slots_in_vaults_of": media});
            show_notices(ctx, session.notices(), &mut j);
            let mut human = format!(
                "Revoked {} ({}); their history stays in the ledger\n",
                p.name, p.id
            );
            if !media.is_empty() {
                human += &format!(
                    "Their key slot is still in the vaults of {} media: {}\nRemove it with `baitai vault rekey MOUNT` for each medium in storage; the others lose it when received back with `baitai return MEDIUM --path MOUNT`.\n",
                    media.len(),
                    visible(&media.join(", "))
                );
            }
            Ok(Some(Output::new(human, j)))
        }
    }
}

/// The token a new key is made on, from `--token-label` and `--token-key-id`.
fn new_token_key(a: &TokenArgs) -> NewTokenKey {
    NewTokenKey {
        choice: TokenChoice {
            label: a.token_label.clone(),
            serial: None,
        },
        key_id: a.token_key_id.clone(),
    }
}
