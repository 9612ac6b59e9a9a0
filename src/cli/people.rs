//! Handlers for `init` and `person …`.

use serde_json::json;

use crate::report::text::visible;

use super::args::{InitArgs, PersonCmd, TokenArgs};
use super::msg::Msg;
use super::{show_notices, CliSecrets, Ctx, Output};
use crate::app::token::TokenChoice;
use crate::app::{self, AddPerson, InitRequest, NewTokenKey};
use crate::crypto::KdfParams;
use crate::error::Result;
use crate::report::text::table;
use baitai_core::words::Word;

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
    ctx.learn_lang(&session);
    let mut human = ctx.say(Msg::LedgerCreated {
        ledger: crate::ledger::shown_location(&ctx.ledger)
            .to_string()
            .into(),
        org: s.org.as_str().into(),
        admin: s.admin.name.as_str().into(),
        affiliation: s.admin.affiliation.as_str().into(),
        timezone: s.timezone.to_string().into(),
        prefix: s.medium_prefix.to_string().into(),
    });
    human.push('\n');
    if a.insecure_fast_kdf {
        human += &ctx.say(Msg::FastKdfWarning);
        human.push('\n');
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
                return Err(crate::error::Error::usage(Msg::TokenArgsNeedToken));
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
                .map(|s| {
                    ctx.say(Msg::PersonSite {
                        site: s.to_string().into(),
                    })
                })
                .unwrap_or_default();
            let line = ctx.say(Msg::PersonAdded {
                name: a.name.trim().into(),
                affiliation: a.affiliation.trim().into(),
                site: at.into(),
                roles: role_words(ctx, &a.roles, ", ").into(),
                id: id.to_string().into(),
            });
            Ok(Some(Output::new(format!("{line}\n"), j)))
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
            let line = ctx.say(Msg::PassphraseChanged {
                name: target.name.as_str().into(),
                id: target.id.to_string().into(),
                fingerprint: fingerprint.into(),
            });
            Ok(Some(Output::new(format!("{line}\n"), j)))
        }
        PersonCmd::Token(a) => {
            let whose = a.person.clone().unwrap_or_else(|| a.auth.as_.clone());
            if session.person(&whose)?.id != session.person(&a.auth.as_)?.id {
                return Err(crate::error::Error::usage(Msg::OwnKeyOnly));
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
            let line = ctx.say(Msg::KeyMoved {
                name: p.name.as_str().into(),
                id: p.id.to_string().into(),
                label: format!("{label:?}").into(),
                fingerprint: fingerprint.into(),
            });
            Ok(Some(Output::new(format!("{line}\n"), j)))
        }
        PersonCmd::Unlock(a) => {
            let mut secrets = CliSecrets::new(a.auth.passphrase_file, None, None, None)?;
            let target = session.person_unlock(&a.auth.as_, &a.person, &mut secrets)?;
            let mut j = json!({"person": target.id, "unlocked": true});
            show_notices(ctx, session.notices(), &mut j);
            let line = ctx.say(Msg::LockLifted {
                name: target.name.as_str().into(),
                id: target.id.to_string().into(),
            });
            Ok(Some(Output::new(format!("{line}\n"), j)))
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
                        role_words(ctx, &v.roles, ","),
                        if v.revoked.is_some() {
                            ctx.say(Msg::PersonRevokedWord)
                        } else {
                            ctx.say(Msg::PersonActiveWord)
                        },
                        v.fingerprint.clone(),
                    ]
                })
                .collect();
            let lang = ctx.screen();
            let heads = [
                ctx.say(Msg::ColId),
                ctx.say(Msg::ColName),
                lang.w(Word::ColAffiliation).to_string(),
                lang.w(Word::ColSite).to_string(),
                ctx.say(Msg::ColRoles),
                ctx.say(Msg::ColStatus),
                ctx.say(Msg::ColKey),
            ];
            let heads: Vec<&str> = heads.iter().map(String::as_str).collect();
            let human = table(&heads, &rows);
            Ok(Some(Output::new(human, json!({"people": views}))))
        }
        PersonCmd::Show { person } => {
            let p = session.person(&person)?;
            let v = session.person_view(&p)?;
            let mut human = format!("{}  {}\n", v.id, v.name);
            let mut line = |m: Msg| {
                human += &ctx.say(m);
                human.push('\n');
            };
            line(Msg::ShowAffiliation {
                v: v.affiliation.as_str().into(),
            });
            line(Msg::ShowRoles {
                v: role_words(ctx, &v.roles, ", ").into(),
            });
            line(Msg::ShowFingerprint {
                v: v.fingerprint.as_str().into(),
            });
            line(Msg::ShowAdded {
                v: v.added.to_string().into(),
            });
            if let Some(site) = &v.site {
                line(Msg::ShowSite {
                    site: site.to_string().into(),
                });
            }
            if let Some(r) = &v.revoked {
                line(Msg::ShowRevoked {
                    v: r.to_string().into(),
                });
            }
            if let Some(t) = &v.token {
                line(Msg::ShowKeyOnToken {
                    label: t.label.as_str().into(),
                    manufacturer: t.manufacturer.as_str().into(),
                    model: t.model.as_str().into(),
                    serial: t.serial.as_str().into(),
                    key_id: t.key_id.to_string().into(),
                });
            }
            line(Msg::ShowLastUse {
                v: match v.last_use.as_deref() {
                    Some(t) => t.into(),
                    None => Msg::Never.into(),
                },
            });
            if v.failed_attempts_since_last_use > 0 {
                line(Msg::ShowFailedSince {
                    n: v.failed_attempts_since_last_use.to_string().into(),
                });
            }
            if let Some(until) = &v.locked_until {
                line(Msg::ShowLockedUntil {
                    until: until.to_string().into(),
                    id: v.id.to_string().into(),
                });
            }
            Ok(Some(Output::new(human, json!({"person": v}))))
        }
        PersonCmd::Roles(a) => {
            let mut secrets = CliSecrets::new(a.auth.passphrase_file, None, None, None)?;
            let p = session.person_roles(&a.auth.as_, &a.person, &a.roles, &mut secrets)?;
            let roles: Vec<&str> = p.roles.iter().map(|r| r.as_str()).collect();
            let mut j = json!({"person": p.id, "roles": roles});
            show_notices(ctx, session.notices(), &mut j);
            let human = ctx.say(Msg::NowHolds {
                name: p.name.as_str().into(),
                id: p.id.to_string().into(),
                roles: role_words(ctx, &p.roles, ",").into(),
            }) + "\n";
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
            let mut human = ctx.say(Msg::PersonRevoked {
                name: p.name.as_str().into(),
                id: p.id.to_string().into(),
            }) + "\n";
            if !media.is_empty() {
                human += &ctx.say(Msg::SlotsStillIn {
                    n: media.len().to_string().into(),
                    media: visible(&media.join(", ")).to_string().into(),
                });
                human.push('\n');
            }
            Ok(Some(Output::new(human, j)))
        }
    }
}

/// Roles in the screen's words (取扱者, 管理者…; `handler`, `custodian`… in English, as the
/// ledger names them).
fn role_words<'a>(
    ctx: &Ctx,
    roles: impl IntoIterator<Item = &'a crate::model::Role>,
    sep: &str,
) -> String {
    let lang = ctx.screen();
    roles
        .into_iter()
        .map(|r| lang.w(Word::role(*r)))
        .collect::<Vec<_>>()
        .join(sep)
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
