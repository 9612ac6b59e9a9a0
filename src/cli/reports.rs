//! Handlers for `ledger print`, `ledger verify` and `report …`.

use std::io::Write;

use serde_json::json;

use super::args::{LedgerCmd, OutputArgs, ReportCmd};
use super::msg::Msg;
use super::{Ctx, Output};
use crate::app::Session;
use crate::error::{Error, Result};
use crate::report::{Format, Scope};
use baitai_core::text::Text;

/// The printout's format; `--json` alone means JSON, and printing another format to stdout
/// under `--json` is refused because stdout would not be one JSON document.
pub(super) fn format(ctx: &Ctx, o: &OutputArgs) -> Result<Format> {
    let f = o
        .format
        .unwrap_or(if ctx.json { Format::Json } else { Format::Text });
    if ctx.json && f != Format::Json && o.output.is_none() {
        return Err(Error::usage(Msg::JsonIsOneDocument));
    }
    Ok(f)
}

/// Print a document, or write it to `-o FILE` (whole or not at all).
pub(super) fn deliver(
    ctx: &Ctx,
    o: &OutputArgs,
    doc: String,
    what: impl Into<Text>,
) -> Result<Option<Output>> {
    match &o.output {
        None => {
            let mut out = std::io::stdout().lock();
            out.write_all(doc.as_bytes())
                .and_then(|_| out.flush())
                .or_else(super::ignore_broken_pipe)
                .map_err(Error::io(Msg::IoWriteStdout))?;
            Ok(None)
        }
        Some(path) => {
            crate::files::write_atomic(path, doc.as_bytes())?;
            Ok(Some(Output::new(
                ctx.say(Msg::Wrote {
                    what: what.into(),
                    path: path.display().to_string().into(),
                }) + "\n",
                json!({"written": path.display().to_string(), "bytes": doc.len()}),
            )))
        }
    }
}

pub fn ledger(ctx: &Ctx, cmd: LedgerCmd) -> Result<Option<Output>> {
    match cmd {
        // Not through a session: a session refuses a ledger that does not verify, and
        // verify must still report on one whose first entries were removed.
        LedgerCmd::Verify {
            head,
            incremental,
            accept_new_ledger,
        } => verify(ctx, head, incremental, accept_new_ledger),
        LedgerCmd::Copy { from, to } => copy(ctx, &from, &to),
        LedgerCmd::RequireToken { roles, none, auth } => {
            let mut session = ctx.session()?;
            let mut secrets = super::CliSecrets::new(auth.passphrase_file, None, None, None)?;
            let roles = if none { Vec::new() } else { roles };
            let set = session.require_token(&auth.as_, roles, &mut secrets)?;
            let names: Vec<&str> = set.iter().map(|r| r.as_str()).collect();
            let mut j = serde_json::json!({"require_token": names});
            super::show_notices(ctx, session.notices(), &mut j);
            let human = if names.is_empty() {
                ctx.say(Msg::NoRoleNeedsToken)
            } else {
                ctx.say(Msg::KeysOnToken {
                    roles: names.join(", ").into(),
                })
            } + "\n";
            Ok(Some(Output::new(human, j)))
        }
        LedgerCmd::Print { medium, out } => {
            let s = ctx.reader()?;
            let lang = ctx.printout(&s)?;
            let form = crate::report::form::form(&s, &medium, lang)?;
            let doc = crate::report::form::render(&form, format(ctx, &out)?, lang)?;
            deliver(
                ctx,
                &out,
                doc,
                Msg::TheForm {
                    medium: form.medium.to_string().into(),
                },
            )
        }
    }
}

/// `ledger copy`: no session (the copy is verified whole on both sides, not from a checkpoint).
fn copy(ctx: &Ctx, from: &std::path::Path, to: &std::path::Path) -> Result<Option<Output>> {
    let c = crate::ledger::copy_ledger(from, to)?;
    let human = ctx.say(Msg::LedgerCopied {
        entries: c.entries.to_string().into(),
        keys: c.keys.to_string().into(),
        from: c.from.to_string().into(),
        to: c.to.to_string().into(),
        head: c.head.to_string().into(),
    }) + "\n";
    let json = serde_json::to_value(&c).map_err(|e| {
        Error::Other(
            crate::report::msg::Msg::EncodeJson {
                cause: e.to_string().into(),
            }
            .into(),
        )
    })?;
    Ok(Some(Output::new(human, json)))
}

fn verify(
    ctx: &Ctx,
    head: Option<String>,
    incremental: bool,
    accept_new: bool,
) -> Result<Option<Output>> {
    let check = crate::app::verify_ledger(
        &ctx.ledger,
        crate::app::VerifyRequest {
            head,
            incremental,
            accept_new,
        },
    )?;
    if let Some(code) = &check.lang {
        ctx.learn_lang_code(code);
    }
    let report = &check.report;
    let or_empty = |v: Option<&str>| -> Text {
        match v {
            Some(v) => v.into(),
            None => Msg::Empty.into(),
        }
    };
    let mut human = ctx.say(Msg::VerifyCounts {
        entries: report.entries.to_string().into(),
        signatures: report.signatures.to_string().into(),
        people: report.people.to_string().into(),
        media: report.media.to_string().into(),
        ledger: or_empty(check.ledger_id.as_deref()),
        head: or_empty(report.head.as_deref()),
    }) + "\n";
    let mut line = |m: Msg| {
        human += &ctx.say(m);
        human.push('\n');
    };
    if let Some(seq) = check.kept_head_entry {
        line(Msg::KeptHead {
            seq: seq.to_string().into(),
        });
    }
    if report.checkpoint > 0 && report.failure.is_none() {
        line(Msg::CheckedAfter {
            seq: report.checkpoint.to_string().into(),
        });
    }
    for note in &check.notes {
        line(Msg::Note { note: note.clone() });
    }
    let json = json!({
        "ok": report.failure.is_none(),
        "entries": report.entries,
        "signatures": report.signatures,
        "people": report.people,
        "media": report.media,
        "ledger_id": check.ledger_id,
        "head": report.head,
        "failure": report.failure,
        "kept_head_entry": check.kept_head_entry,
        "checked_after": report.checkpoint,
        "checkpoint_recorded": check.checkpoint_recorded,
    });
    match &report.failure {
        None => {
            line(Msg::LedgerVerified);
            Ok(Some(Output::new(human, json)))
        }
        Some(f) => {
            let failure = Some(Error::Integrity(
                Msg::EntryFails {
                    seq: f.seq.to_string().into(),
                    reason: f.reason.clone(),
                }
                .into(),
            ));
            Ok(Some(Output {
                human,
                json,
                failure,
            }))
        }
    }
}

pub fn report(ctx: &Ctx, cmd: ReportCmd) -> Result<Option<Output>> {
    // The audit, incident and certificate printouts verify the whole ledger themselves and
    // head the page with the result, so that an auditor can still print a tampered one: every
    // row from the first that fails is marked unverified, and the command exits 5.
    let s = match &cmd {
        ReportCmd::Audit { .. } | ReportCmd::Incidents { .. } | ReportCmd::Certificate { .. } => {
            Session::open_unverified(&ctx.ledger)?
        }
        _ => ctx.reader()?,
    };
    match cmd {
        ReportCmd::Inventory { site, out } => {
            let lang = ctx.printout(&s)?;
            let doc = crate::report::lists::inventory(&s, &Scope::of(site), lang)?
                .render(format(ctx, &out)?, lang)?;
            deliver(ctx, &out, doc, Msg::TheInventory)
        }
        ReportCmd::Overdue { at, site, out } => {
            let lang = ctx.printout(&s)?;
            let at = match at {
                Some(a) => crate::time::parse_user(&a, s.tz(), crate::time::DayEnd::Start)?,
                None => crate::time::now(),
            };
            let doc = crate::report::lists::overdue(&s, &Scope::of(site), at, lang)?
                .render(format(ctx, &out)?, lang)?;
            deliver(ctx, &out, doc, Msg::TheOverdueList)
        }
        ReportCmd::Incidents { medium, site, out } => {
            incidents(ctx, &s, medium.as_deref(), &Scope::of(site), &out)
        }
        ReportCmd::Audit {
            from,
            to,
            site,
            out,
        } => audit(ctx, &s, &from, &to, &Scope::of(site), &out),
        ReportCmd::Certificate {
            medium,
            kind,
            entry,
            out,
        } => certificate(ctx, &s, &medium, kind, entry, &out.general()),
    }
}

/// A certificate of sanitization or destruction. One printed from a ledger that fails
/// verification is still delivered, marked as not reliable, and the command then exits 5.
fn certificate(
    ctx: &Ctx,
    s: &Session,
    medium: &str,
    kind: Option<crate::report::certificate::CertificateKind>,
    entry: Option<u64>,
    out: &OutputArgs,
) -> Result<Option<Output>> {
    let lang = ctx.printout(s)?;
    let format = format(ctx, out)?;
    let cert = crate::report::certificate::certificate(s, medium, kind, entry)?;
    let doc = cert.render(format, lang)?;
    let what = Msg::TheCertificate {
        medium: cert.medium.number.to_string().into(),
    };
    deliver_failing(ctx, out, doc, what, cert.ledger_failure())
}

/// Deliver a printout, then fail with `failure` (a ledger that did not verify) if there is one.
fn deliver_failing(
    ctx: &Ctx,
    out: &OutputArgs,
    doc: String,
    what: Msg,
    failure: Option<Error>,
) -> Result<Option<Output>> {
    let delivered = deliver(ctx, out, doc, what)?;
    let Some(failure) = failure else {
        return Ok(delivered);
    };
    match delivered {
        Some(mut o) => {
            o.failure = Some(failure);
            Ok(Some(o))
        }
        None => {
            // The printout is the JSON document on stdout; the error must not add another.
            super::JSON_EMITTED.store(ctx.json, std::sync::atomic::Ordering::SeqCst);
            Err(failure)
        }
    }
}

/// One medium's incident report, or one for each medium the ledger shows as lost.
fn incidents(
    ctx: &Ctx,
    s: &Session,
    medium: Option<&str>,
    scope: &Scope,
    out: &OutputArgs,
) -> Result<Option<Output>> {
    let lang = ctx.printout(s)?;
    let format = format(ctx, out)?;
    if let Some(m) = medium {
        s.medium(m)?;
    }
    let verify = crate::report::audit::verify_status(s, false)?;
    let reports = match medium {
        Some(m) => vec![crate::report::incident::incident(s, m, lang, &verify)?],
        None => crate::report::incident::incidents(s, scope, lang, &verify)?,
    };
    let doc = crate::report::incident::render(&reports, format, lang)?;
    deliver_failing(
        ctx,
        out,
        doc,
        Msg::TheIncidentReport,
        verify_failure(&verify),
    )
}

fn verify_failure(v: &crate::report::audit::VerifyStatus) -> Option<Error> {
    v.failure.as_ref().map(|f| {
        Error::Integrity(
            Msg::PrintoutUnverified {
                seq: f.seq.to_string().into(),
                reason: f.reason.clone(),
            }
            .into(),
        )
    })
}

fn audit(
    ctx: &Ctx,
    s: &Session,
    from: &str,
    to: &str,
    scope: &Scope,
    out: &OutputArgs,
) -> Result<Option<Output>> {
    let lang = ctx.printout(s)?;
    let format = format(ctx, out)?;
    let period = crate::report::audit::Period::parse(from, to, s.tz())?;
    let report = crate::report::audit::audit(s, period, scope, lang)?;
    let doc = crate::report::audit::render(&report, format, lang)?;
    deliver_failing(
        ctx,
        out,
        doc,
        Msg::TheAuditReport,
        verify_failure(&report.verify),
    )
}
