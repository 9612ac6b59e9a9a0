//! Handlers for `ledger print`, `ledger verify` and `report …`.

use std::io::Write;

use serde_json::json;

use super::args::{LedgerCmd, OutputArgs, ReportCmd};
use super::{Ctx, Output};
use crate::app::Session;
use crate::error::{Error, Result};
use crate::report::{Format, Scope};

/// The printout's format; `--json` alone means JSON, and printing another format to stdout
/// under `--json` is refused because stdout would not be one JSON document.
pub(super) fn format(ctx: &Ctx, o: &OutputArgs) -> Result<Format> {
    let f = o
        .format
        .unwrap_or(if ctx.json { Format::Json } else { Format::Text });
    if ctx.json && f != Format::Json && o.output.is_none() {
        return Err(Error::usage(
            "--json prints one JSON document: use --format json, or -o FILE for other formats",
        ));
    }
    Ok(f)
}

/// Print a document, or write it to `-o FILE` (whole or not at all).
pub(super) fn deliver(o: &OutputArgs, doc: String, what: &str) -> Result<Option<Output>> {
    match &o.output {
        None => {
            let mut out = std::io::stdout().lock();
            out.write_all(doc.as_bytes())
                .and_then(|_| out.flush())
                .or_else(super::ignore_broken_pipe)
                .map_err(Error::io("write to stdout"))?;
            Ok(None)
        }
        Some(path) => {
            crate::files::write_atomic(path, doc.as_bytes())?;
            Ok(Some(Output::new(
                format!("Wrote {what} to {}\n", path.display()),
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
        LedgerCmd::Copy { from, to } => copy(&from, &to),
        LedgerCmd::RequireToken { roles, none, auth } => {
            let mut session = ctx.session()?;
            let mut secrets = super::CliSecrets::new(auth.passphrase_file, None, None, None)?;
            let roles = if none { Vec::new() } else { roles };
            let set = session.require_token(&auth.as_, roles, &mut secrets)?;
            let names: Vec<&str> = set.iter().map(|r| r.as_str()).collect();
            let mut j = serde_json::json!({"require_token": names});
            super::show_notices(ctx, session.notices(), &mut j);
            let human = if names.is_empty() {
                "No role needs a token any more\n".to_string()
            } else {
                format!(
                    "From now on the keys of {} must be on a token\n",
                    names.join(", ")
                )
            };
            Ok(Some(Output::new(human, j)))
        }
        LedgerCmd::Print { medium, out } => {
            let s = ctx.reader()?;
            let lang = ctx.printout(&s)?;
            let form = crate::report::form::form(&s, &medium, lang)?;
            let doc = crate::report::form::render(&form, format(ctx, &out)?, lang)?;
            deliver(&out, doc, &format!("the form of {}", form.medium))
        }
    }
}

/// `ledger copy`: no session (the copy is verified whole on both sides, not from a checkpoint).
fn copy(from: &std::path::Path, to: &std::path::Path) -> Result<Option<Output>> {
    let c = crate::ledger::copy_ledger(from, to)?;
    let human = format!(
        "Copied {} entries and {} sealed keys from {} to {}\nBoth verify to head {}\n",
        c.entries, c.keys, c.from, c.to, c.head
    );
    let json = serde_json::to_value(&c)
        .map_err(|e| crate::error::Error::Other(format!("cannot encode JSON: {e}").into()))?;
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
    let report = &check.report;
    let mut human = format!(
        "{} entries, {} signatures, {} people, {} media\nledger: {}\nhead: {}\n",
        report.entries,
        report.signatures,
        report.people,
        report.media,
        check.ledger_id.as_deref().unwrap_or("(empty)"),
        report.head.as_deref().unwrap_or("(empty)")
    );
    if let Some(seq) = check.kept_head_entry {
        human += &format!("the kept head hash is entry #{seq}; nothing up to it was lost\n");
    }
    if report.checkpoint > 0 && report.failure.is_none() {
        human += &format!(
            "checked rules and signatures after the checkpoint at #{} (entries up to it passed an earlier verify and still chain to it)\n",
            report.checkpoint
        );
    }
    for note in &check.notes {
        human += &format!("note: {note}\n");
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
            human += "ledger verified: chain, rules and signatures intact\n";
            Ok(Some(Output::new(human, json)))
        }
        Some(f) => {
            let failure = Some(Error::Integrity(
                format!("entry {}: {}", f.seq, f.reason).into(),
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
            deliver(&out, doc, "the inventory")
        }
        ReportCmd::Overdue { at, site, out } => {
            let lang = ctx.printout(&s)?;
            let at = match at {
                Some(a) => crate::time::parse_user(&a, s.tz(), crate::time::DayEnd::Start)?,
                None => crate::time::now(),
            };
            let doc = crate::report::lists::overdue(&s, &Scope::of(site), at, lang)?
                .render(format(ctx, &out)?, lang)?;
            deliver(&out, doc, "the overdue list")
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
    let what = format!("the certificate of {}", cert.medium.number);
    deliver_failing(ctx, out, doc, &what, cert.ledger_failure())
}

/// Deliver a printout, then fail with `failure` (a ledger that did not verify) if there is one.
fn deliver_failing(
    ctx: &Ctx,
    out: &OutputArgs,
    doc: String,
    what: &str,
    failure: Option<Error>,
) -> Result<Option<Output>> {
    let delivered = deliver(out, doc, what)?;
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
        "the incident report",
        verify_failure(&verify),
    )
}

fn verify_failure(v: &crate::report::audit::VerifyStatus) -> Option<Error> {
    v.failure.as_ref().map(|f| {
        Error::Integrity(format!(
            "the ledger fails verification at entry {} ({}); the printout marks every entry from there as unverified",
            f.seq, f.reason
        ).into())
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
        "the audit report",
        verify_failure(&report.verify),
    )
}
