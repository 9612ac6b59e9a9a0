//! `exception grant|end|list`: exceptions to a rule (例外措置, 004 1.2.1.3) on the command line.

use serde_json::json;

use super::args::{ExceptionCmd, ExceptionGrantArgs};
use super::msg::Msg;
use super::{show_notices, CliSecrets, Ctx, Output};
use crate::app::ExceptionRequest;
use crate::error::Result;
use crate::report::text::visible;
use baitai_core::words::{Lang, Word};

pub fn run(ctx: &Ctx, cmd: ExceptionCmd) -> Result<Option<Output>> {
    match cmd {
        ExceptionCmd::Grant(a) => grant(ctx, a),
        ExceptionCmd::End(a) => {
            let mut s = ctx.session()?;
            let mut secrets = CliSecrets::new(a.auth.passphrase_file, None, None, None)?;
            let e = s.exception_end(&a.auth.as_, a.grant, &a.report, &mut secrets)?;
            let mut j = json!({"entry": e.seq, "grant": a.grant});
            show_notices(ctx, s.notices(), &mut j);
            let human = ctx.say(Msg::ExceptionEnded {
                grant: a.grant.to_string().into(),
                seq: e.seq.to_string().into(),
            }) + "\n";
            Ok(Some(Output::new(human, j)))
        }
        ExceptionCmd::List => list(ctx),
    }
}

fn grant(ctx: &Ctx, a: ExceptionGrantArgs) -> Result<Option<Output>> {
    let mut s = ctx.session()?;
    let mut secrets = CliSecrets::new(
        a.auth.passphrase_file,
        a.approver_passphrase_file,
        None,
        None,
    )?;
    let req = ExceptionRequest {
        clause: a.clause,
        scope: a.scope,
        from: a.from,
        until: a.until,
        measures: a.measures,
        end_report: a.end_report,
        reason: a.reason,
    };
    let e = s.exception_grant(&a.auth.as_, &a.approver, &req, &mut secrets)?;
    let approver = s.person(&a.approver)?;
    let mut j = json!({"entry": e.seq});
    show_notices(ctx, s.notices(), &mut j);
    let human = ctx.say(Msg::ExceptionGranted {
        seq: e.seq.to_string().into(),
        approver: visible(&format!("{} ({})", approver.name, approver.id))
            .to_string()
            .into(),
        until: visible(&req.until).to_string().into(),
    }) + "\n";
    Ok(Some(Output::new(human, j)))
}

fn list(ctx: &Ctx) -> Result<Option<Output>> {
    let s = ctx.reader()?;
    let all = s.exceptions()?;
    let lang = ctx.screen();
    let v = |s: &str| visible(s).to_string().into();
    let mut human = String::new();
    for x in &all {
        // English keeps the status as the JSON names it (`in-force`).
        let status = match (lang, x.status) {
            (Lang::Ja, "ended") => lang.w(Word::ExEnded),
            (Lang::Ja, "in-force") => lang.w(Word::ExInForce),
            (Lang::Ja, "not-begun") => lang.w(Word::ExNotYet),
            (Lang::Ja, "expired") => lang.w(Word::ExExpired),
            (_, s) => s,
        };
        human += &ctx.say(Msg::ExceptionLine {
            seq: x.seq.to_string().into(),
            status: status.into(),
            from: x.from.to_string().into(),
            until: x.until.to_string().into(),
            clause: v(&x.clause),
            scope: v(&x.scope),
            applicant: x.applicant.to_string().into(),
            approver: x.approver.to_string().into(),
            measures: v(&x.measures),
            reason: v(&x.reason),
            end_report: v(&x.end_report),
        });
        human.push('\n');
        if let Some(r) = &x.ended {
            human += &ctx.say(Msg::ExceptionEndedLine { report: v(r) });
            human.push('\n');
        }
    }
    if all.is_empty() {
        human = lang.w(Word::NoExceptions).to_string() + "\n";
    }
    Ok(Some(Output::new(human, json!({"exceptions": all}))))
}
