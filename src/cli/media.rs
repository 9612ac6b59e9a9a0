//! Handlers for `medium …` and the ledger rows: checkout, return, carry-out, loan, copy,
//! transfer, receive, destroy, lost.

use serde_json::json;

use super::args::*;
use super::msg::Msg;
use super::{show_notices, CliSecrets, Ctx, Output};
use crate::app::{
    CarryOutRequest, CopyRequest, LoanRequest, MediumSource, RegisterRequest, ReturnSource,
    Session, StoredEntry,
};
use crate::error::{Error, Result};
use crate::lifecycle::{Holding, MediumState};
use crate::model::Classification;
use crate::report::form::check_text;
use crate::report::text::{table, visible};
use crate::report::{Lang, Scope};
use baitai_core::text::Text;
use baitai_core::words::Word;

fn classification(c: &ClassArgs) -> Result<Classification> {
    Classification::new(
        Classification::level(&c.class, 'C', 3)?,
        Classification::level(&c.integrity, 'I', 2)?,
        Classification::level(&c.availability, 'A', 2)?,
        c.restriction
            .as_deref()
            .map(|r| crate::app::required_text("--restriction", r))
            .transpose()?,
    )
}

fn source(a: &RegisterArgs) -> MediumSource {
    match (&a.device, &a.image) {
        (Some(d), _) => MediumSource::Device(d.clone()),
        (None, Some(i)) => MediumSource::Image(i.clone()),
        (None, None) => MediumSource::None,
    }
}

/// The common answer to a recorded act: what was recorded, for which medium, and its state.
fn recorded(
    ctx: &Ctx,
    s: &Session,
    e: &StoredEntry,
    what: impl Into<Text>,
) -> Result<Option<Output>> {
    let what: Text = what.into();
    recorded_text(ctx, s, e, what)
}

fn recorded_text(ctx: &Ctx, s: &Session, e: &StoredEntry, what: Text) -> Result<Option<Output>> {
    let medium = e.medium.as_ref().map(|m| m.0.clone()).unwrap_or_default();
    let state = match &e.medium {
        Some(m) => s.medium_state(m)?,
        None => None,
    };
    let mut j = json!({
        "medium": medium,
        "entry": e.seq,
        "kind": e.kind,
        "time": crate::time::show_full(e.time, s.tz()),
        "hash": hex::encode(e.hash),
        "state": state.as_ref().map(|st| st.holding.as_str()),
        "data": state.as_ref().map(|st| st.clean.as_str()),
    });
    show_notices(ctx, s.notices(), &mut j);
    let mut human = format!("{}\n", ctx.say(what));
    if let Some(st) = &state {
        human += &ctx.say(Msg::NowState {
            medium: st.number.to_string().into(),
            state: super::msg::state(st.holding.as_str()),
            data: super::msg::state(st.clean.as_str()),
            seq: e.seq.to_string().into(),
            time: s.show_time(e.time).into(),
        });
        human.push('\n');
    }
    Ok(Some(Output::new(human, j)))
}

pub fn medium(ctx: &Ctx, cmd: MediumCmd) -> Result<Option<Output>> {
    match cmd {
        MediumCmd::Register(a) => register(ctx, a, None),
        MediumCmd::List { state, site } => list(ctx, state, &Scope::of(site)),
        MediumCmd::Show { medium } => show(ctx, &medium),
        MediumCmd::Label(a) => super::labels::label(ctx, a),
        MediumCmd::Correct(a) => correct(ctx, a),
    }
}

fn register(ctx: &Ctx, a: RegisterArgs, from: Option<String>) -> Result<Option<Output>> {
    let mut s = ctx.session()?;
    let mut secrets = CliSecrets::new(a.auth.passphrase_file.clone(), None, None, None)?;
    let req = RegisterRequest {
        source: source(&a),
        label: a.label.clone(),
        classification: classification(&a.class)?,
        received_from: from,
        site: a.site.clone(),
    };
    let e = s.register(&a.auth.as_, req, &mut secrets)?;
    let number = e.medium.clone().map(|m| m.0).unwrap_or_default();
    let mut out = recorded(
        ctx,
        &s,
        &e,
        Msg::Registered {
            medium: number.as_str().into(),
        },
    )?;
    if let Some(o) = out.as_mut() {
        // The number first, alone on its line, so a label printer or script can take it.
        o.human = format!("{number}\n{}", o.human);
    }
    Ok(out)
}

pub fn receive(ctx: &Ctx, a: ReceiveArgs) -> Result<Option<Output>> {
    register(ctx, a.register, Some(a.from))
}

fn list(ctx: &Ctx, state: Option<String>, scope: &Scope) -> Result<Option<Output>> {
    let s = ctx.reader()?;
    let lang = ctx.screen();
    let report = crate::report::lists::inventory(&s, scope, Lang::En)?;
    // The same media in the same order, in the words of the terminal's language.
    let shown = crate::report::lists::inventory(&s, scope, lang)?;
    let (lines, shown): (Vec<_>, Vec<_>) = report
        .lines
        .into_iter()
        .zip(shown.lines)
        .filter(|(l, _)| state.as_deref().is_none_or(|w| l.state == w))
        .unzip();
    if let Some(w) = &state {
        const STATES: [&str; 7] = [
            "in-storage",
            "in-use",
            "carried-out",
            "on-loan",
            "lost",
            "destroyed",
            "transferred",
        ];
        if !STATES.contains(&w.as_str()) {
            return Err(Error::usage(Msg::UnknownState {
                state: format!("{w:?}").into(),
                states: STATES.join(", ").into(),
            }));
        }
    }
    let rows: Vec<Vec<String>> = shown
        .iter()
        .map(|l| {
            vec![
                l.medium.clone(),
                l.marking.clone(),
                l.state.clone(),
                l.clean.clone(),
                l.holder.clone().unwrap_or_default(),
                l.label.clone().unwrap_or_default(),
            ]
        })
        .collect();
    let heads = [
        Word::ColMedium,
        Word::ColMarking,
        Word::State,
        Word::ColDataState,
        Word::ColHolder,
        Word::Label,
    ]
    .map(|w| lang.w(w));
    let human = table(&heads, &rows);
    Ok(Some(Output::new(human, json!({"media": lines}))))
}

fn show(ctx: &Ctx, medium: &str) -> Result<Option<Output>> {
    let s = ctx.reader()?;
    let st = s.medium(medium)?;
    let form = crate::report::form::form(&s, medium, Lang::En)?;
    let dir = s.directory()?;
    let holder = holder_text(ctx, &st, &dir);
    let lang = ctx.screen();
    let mut human = format!("{}  {}\n", st.number, st.classification.marking());
    let mut line = |m: Msg| {
        human += &ctx.say(m);
        human.push('\n');
    };
    line(Msg::ShowState {
        state: super::msg::state(st.holding.as_str()),
        holder: holder.into(),
    });
    line(Msg::ShowData {
        data: super::msg::state(st.clean.as_str()),
    });
    line(Msg::ShowRegistered {
        time: form.registered.as_str().into(),
    });
    if let Some(site) = &st.site {
        line(Msg::ShowSite {
            site: site.to_string().into(),
        });
    }
    let v = |f: &Option<String>| f.as_deref().map(|v| visible(v).to_string().into());
    if let Some(v) = v(&form.label) {
        line(Msg::ShowLabel { v });
    }
    if let Some(v) = v(&form.restriction) {
        line(Msg::ShowRestriction { v });
    }
    if let Some(v) = v(&form.device) {
        line(Msg::ShowDevice { v });
    }
    if let Some(v) = v(&form.received_from) {
        line(Msg::ShowReceivedFrom { v });
    }
    // The node at registration is where the stick was then: say where it is now.
    let attached_now = attached_now(&s, &st)?;
    if let Some(now) = &attached_now {
        line(Msg::ShowAttachedNow {
            v: match now {
                Some(p) => p.into(),
                None => Msg::ShowNotAttached.into(),
            },
        });
    }
    if !st.clean.may_issue() && matches!(st.holding, Holding::InStorage) {
        line(Msg::ShowReuseGate);
    }
    let revoked = s.revoked_slots_on(&st.number)?;
    if let Some(r) = &revoked {
        let who: Vec<String> = r.revoked.iter().map(|p| p.0.clone()).collect();
        line(Msg::ShowRevokedSlots {
            people: who.join(", ").into(),
        });
    }
    human += &format!("\n{}\n", ctx.say(Msg::ShowEntries));
    // The summaries in the screen's language, entry for entry.
    let shown = match lang {
        Lang::En => None,
        Lang::Ja => crate::report::form::form(&s, medium, lang).ok(),
    };
    for (i, e) in form.events.iter().enumerate() {
        let summary = shown
            .as_ref()
            .and_then(|f| f.events.get(i))
            .filter(|j| j.seq == e.seq)
            .map_or(&e.summary, |j| &j.summary);
        human += &format!("  #{} {} {}", e.seq, e.time, visible(summary));
        if !e.corrected_by.is_empty() {
            let by: Vec<String> = e.corrected_by.iter().map(|n| format!("#{n}")).collect();
            human += &ctx.say(Msg::ShowCorrectedBy {
                entries: by.join(", ").into(),
            });
        }
        human += "\n";
    }
    let out = match &st.holding {
        Holding::Out(o) => Some(json!({
            "kind": o.kind.as_str(),
            "holder": o.holder,
            "since": crate::time::show_full(o.since, s.tz()),
            "until": o.until.map(|u| crate::time::show_full(u, s.tz())),
            "borrower": o.borrower,
        })),
        _ => None,
    };
    Ok(Some(Output::new(
        human,
        json!({
            "medium": st.number,
            "site": st.site,
            "classification": st.classification,
            "state": st.holding.as_str(),
            "data": st.clean.as_str(),
            "may_issue": st.clean.may_issue(),
            "out": out,
            "last_holder": st.last_holder,
            "revoked_slots": revoked.map(|r| r.revoked).unwrap_or_default(),
            "attached_now": attached_now.flatten(),
            "form": form,
        }),
    )))
}

/// Where a medium registered as a USB device with a serial is attached now, found by its
/// identity: `Some(None)` when it is not attached, `None` when nothing but its recorded node
/// would name it (an image, a device without a serial) or it is no longer in service.
fn attached_now(s: &crate::app::Session, st: &MediumState) -> Result<Option<Option<String>>> {
    let Some(id) = s.device_in_service(st)? else {
        return Ok(None);
    };
    if id.serial.is_none() || id.vendor_id.is_none() {
        return Ok(None);
    }
    Ok(located(&id))
}

/// Where the stick is attached now (`Some(None)`: not attached).
#[cfg(unix)]
fn located(id: &crate::model::DeviceIdentity) -> Option<Option<String>> {
    let found = crate::device::usb::locate(id);
    Some(found.first().map(|p| p.display().to_string()))
}

/// Windows gives baitai no device list yet, so it cannot say (rather than "not attached").
#[cfg(not(unix))]
fn located(_id: &crate::model::DeviceIdentity) -> Option<Option<String>> {
    None
}

fn holder_text(ctx: &Ctx, st: &MediumState, dir: &crate::lifecycle::Directory) -> String {
    match &st.holding {
        Holding::Out(o) => {
            let name = dir
                .get(&o.holder)
                .map(|p| p.name.clone())
                .unwrap_or_default();
            ctx.say(Msg::ShowHolder {
                name: name.into(),
                id: o.holder.to_string().into(),
            })
        }
        _ => String::new(),
    }
}

pub fn checkout(ctx: &Ctx, a: CheckoutArgs) -> Result<Option<Output>> {
    let mut s = ctx.session()?;
    let mut secrets = CliSecrets::new(a.auth.passphrase_file, None, None, None)?;
    let e = s.checkout(&a.medium, &a.auth.as_, &a.purpose, &mut secrets)?;
    recorded(
        ctx,
        &s,
        &e,
        Msg::CheckedOut {
            medium: a.medium.to_uppercase().into(),
        },
    )
}

pub fn return_medium(ctx: &Ctx, a: ReturnArgs) -> Result<Option<Output>> {
    let mut s = ctx.session()?;
    let mut secrets = CliSecrets::new(a.auth.passphrase_file, None, None, None)?;
    let src = match (a.path, a.device, a.image) {
        (Some(p), _, _) => ReturnSource::Path(p),
        (_, Some(d), _) => ReturnSource::Device(d),
        (_, _, Some(i)) => ReturnSource::Image(i),
        _ => ReturnSource::None,
    };
    let returned = s.return_medium(&a.medium, &a.auth.as_, src, &mut secrets)?;
    let e = returned.entry;
    let check = match &e.body {
        crate::model::Body::Return(r) => check_text(&r.check, ctx.screen()),
        _ => String::new(),
    };
    let mut out = recorded(
        ctx,
        &s,
        &e,
        Msg::Returned {
            medium: a.medium.to_uppercase().into(),
            check: check.into(),
        },
    )?;
    let clean = matches!(&e.body, crate::model::Body::Return(r) if r.check.proves_clean());
    if let (Some(o), false) = (out.as_mut(), clean) {
        o.human += &ctx.say(Msg::NotIssuedUntilClean);
        o.human.push('\n');
    }
    if let Some(o) = out.as_mut() {
        slots_at_return(ctx, o, &returned.slots);
    }
    Ok(out)
}

/// What became of revoked people's key slots in the vault on a returned medium.
fn slots_at_return(ctx: &Ctx, o: &mut Output, slots: &crate::app::SlotsAtReturn) {
    use crate::app::SlotsAtReturn;
    let ids = super::vault::ids;
    match slots {
        SlotsAtReturn::NoneRevoked => {}
        SlotsAtReturn::Removed {
            entry,
            removed,
            readdressed,
        } => {
            if !removed.is_empty() {
                o.human += &ctx.say(Msg::SlotsRemoved {
                    people: visible(&ids(removed)).to_string().into(),
                    seq: entry.seq.to_string().into(),
                });
                o.human.push('\n');
            }
            if !readdressed.is_empty() {
                o.human += &ctx.say(Msg::SlotsReaddressed {
                    people: visible(&ids(readdressed)).to_string().into(),
                    seq: entry.seq.to_string().into(),
                });
                o.human.push('\n');
            }
            o.json["key_slots_removed"] =
                json!({"entry": entry.seq, "removed": removed, "readdressed": readdressed});
        }
        SlotsAtReturn::Left { revoked, why } => {
            o.human += &ctx.say(Msg::SlotsLeft {
                people: visible(&ids(revoked)).to_string().into(),
                why: visible(&why.in_lang(ctx.screen())).to_string().into(),
            });
            o.human.push('\n');
            o.json["key_slots_left"] = json!({"revoked": revoked, "why": why.to_string()});
        }
    }
}

/// Run a two-person act (the actor and an approving custodian) and answer with what it recorded.
fn approved(
    ctx: &Ctx,
    auth: ActorAuth,
    approver: ApproverAuth,
    what: Msg,
    preface: Option<String>,
    act: impl FnOnce(&mut Session, &str, &str, &mut CliSecrets) -> Result<StoredEntry>,
) -> Result<Option<Output>> {
    let mut s = ctx.session()?;
    let mut secrets = CliSecrets::new(
        auth.passphrase_file,
        approver.approver_passphrase_file,
        None,
        None,
    )?
    .with_approver_preface(preface);
    let e = act(&mut s, &auth.as_, &approver.approver, &mut secrets)?;
    recorded(ctx, &s, &e, what)
}

/// What the ledger records on the medium, to show the approver of a carry-out or loan before
/// they sign, so they can confirm nothing but what the destination needs is on it
/// (003 第4-4(2)). Shown just before the approver's passphrase is read, once the request has
/// passed its checks and rules: a bad input gets its one error line and nothing else.
fn contents_for_approver(ctx: &Ctx, medium: &str) -> Option<String> {
    if ctx.json || ctx.quiet {
        return None;
    }
    // An unknown medium is reported by the act itself.
    let s = ctx.reader().ok()?;
    let number = s.medium(medium).ok()?.number;
    let files = s.recorded_files(&number).ok()?;
    if files.is_empty() {
        return Some(format!(
            "{}\n",
            ctx.say(Msg::NoFilesRecorded {
                medium: number.to_string().into()
            })
        ));
    }
    let mut text = format!(
        "{}\n",
        ctx.say(Msg::HoldsFiles {
            medium: number.to_string().into()
        })
    );
    for f in &files {
        text += &format!("  {}  ({})\n", f.name, crate::report::human_bytes(f.size));
    }
    Some(text)
}

pub fn carry_out(ctx: &Ctx, a: CarryOutArgs) -> Result<Option<Output>> {
    let what = Msg::CarryOutRecorded {
        medium: a.medium.to_uppercase().into(),
    };
    let req = CarryOutRequest {
        until: a.until,
        destination: a.destination,
        purpose: a.purpose,
    };
    let preface = contents_for_approver(ctx, &a.medium);
    approved(ctx, a.auth, a.approver, what, preface, |s, by, ok, sec| {
        s.carry_out(&a.medium, by, ok, req, sec)
    })
}

pub fn loan(ctx: &Ctx, a: LoanArgs) -> Result<Option<Output>> {
    let what = Msg::LoanRecorded {
        medium: a.medium.to_uppercase().into(),
    };
    let req = LoanRequest {
        borrower: a.to,
        until: a.until,
        destination: a.destination,
        purpose: a.purpose,
    };
    let preface = contents_for_approver(ctx, &a.medium);
    approved(ctx, a.auth, a.approver, what, preface, |s, by, ok, sec| {
        s.loan(&a.medium, by, ok, req, sec)
    })
}

pub fn copy(ctx: &Ctx, a: CopyArgs) -> Result<Option<Output>> {
    let what = Msg::CopyRecorded {
        medium: a.medium.to_uppercase().into(),
    };
    let req = CopyRequest {
        data: a.data,
        counterpart: a.to,
        purpose: a.purpose,
    };
    approved(ctx, a.auth, a.approver, what, None, |s, by, ok, sec| {
        s.copy(&a.medium, by, ok, req, sec)
    })
}

pub fn transfer(ctx: &Ctx, a: TransferArgs) -> Result<Option<Output>> {
    let what = Msg::TransferRecorded {
        medium: a.medium.to_uppercase().into(),
        to: a.to.trim().into(),
    };
    approved(ctx, a.auth, a.approver, what, None, |s, by, ok, sec| {
        s.transfer(&a.medium, by, ok, &a.to, &a.purpose, sec)
    })
}

pub fn destroy(ctx: &Ctx, a: DestroyArgs) -> Result<Option<Output>> {
    let mut s = ctx.session()?;
    let mut secrets = CliSecrets::new(
        a.auth.passphrase_file,
        None,
        a.witness_passphrase_file,
        None,
    )?;
    let e = s.destroy(
        &a.medium,
        &a.auth.as_,
        &a.witness,
        a.method,
        a.unverifiable.as_deref(),
        &mut secrets,
    )?;
    recorded(
        ctx,
        &s,
        &e,
        Msg::DestroyRecorded {
            medium: a.medium.to_uppercase().into(),
            method: match ctx.screen() {
                Lang::Ja => a.method.ja(),
                Lang::En => a.method.en(),
            }
            .into(),
        },
    )
}

fn correct(ctx: &Ctx, a: CorrectArgs) -> Result<Option<Output>> {
    let mut s = ctx.session()?;
    let mut secrets = CliSecrets::new(a.auth.passphrase_file, None, None, None)?;
    let fix = crate::app::CorrectionText {
        entry: a.entry,
        wrong: a.wrong,
        right: a.right,
        reason: a.reason,
        data_present: a.data_present,
    };
    let e = s.correct(&a.medium, &a.auth.as_, &fix, &mut secrets)?;
    let line = Msg::CorrectionRecorded {
        entry: fix.entry.to_string().into(),
        medium: a.medium.to_uppercase().into(),
    };
    let line = match fix.data_present {
        true => Text::from(line).then("", Msg::CorrectionDataPresent),
        false => line.into(),
    };
    recorded(ctx, &s, &e, line)
}

pub fn lost(ctx: &Ctx, a: LostArgs) -> Result<Option<Output>> {
    let mut s = ctx.session()?;
    let mut secrets = CliSecrets::new(a.auth.passphrase_file, None, None, None)?;
    let e = s.lost(&a.medium, &a.auth.as_, &a.circumstances, &mut secrets)?;
    let mut out = recorded(
        ctx,
        &s,
        &e,
        Msg::LostRecorded {
            medium: a.medium.to_uppercase().into(),
        },
    )?;
    if let (Some(o), Some(m)) = (out.as_mut(), &e.medium) {
        attach_incident(ctx, &s, &m.0, ctx.printout(&s), o);
    }
    Ok(out)
}

/// The incident report (000 12) after the loss is recorded. The loss stands whatever happens
/// here, so a report that cannot be built is a note, not an error.
fn attach_incident(ctx: &Ctx, s: &Session, medium: &str, lang: Result<Lang>, o: &mut Output) {
    let built = lang.and_then(|lang| {
        let report = crate::report::incident::incident(
            s,
            medium,
            lang,
            &crate::report::audit::verify_status(s, false)?,
        )?;
        let text = crate::report::incident::render(
            std::slice::from_ref(&report),
            crate::report::Format::Text,
            lang,
        )?;
        Ok((report, text))
    });
    match built {
        Ok((report, text)) => {
            o.human += &format!("\n{text}");
            if let serde_json::Value::Object(m) = &mut o.json {
                m.insert("incident".into(), json!(report));
            }
        }
        Err(err) => {
            o.human += &ctx.say(Msg::IncidentNotBuilt {
                error: (&err).into(),
                medium: medium.into(),
            });
            o.human.push('\n');
            if let serde_json::Value::Object(m) = &mut o.json {
                m.insert("incident_error".into(), json!(err.to_string()));
            }
        }
    }
}
