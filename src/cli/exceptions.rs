//! `exception grant|end|list`: exceptions to a rule (例外措置, 004 1.2.1.3) on the command line.

use serde_json::json;

use super::args::{ExceptionCmd, ExceptionGrantArgs};
use super::{show_notices, CliSecrets, Ctx, Output};
use crate::app::ExceptionRequest;
use crate::error::Result;
use crate::report::text::visible;

pub fn run(ctx: &Ctx, cmd: ExceptionCmd) -> Result<Option<Output>> {
    match cmd {
        ExceptionCmd::Grant(a) => grant(ctx, a),
        ExceptionCmd::End(a) => {
            let mut s = ctx.session()?;
            let mut secrets = CliSecrets::new(a.auth.passphrase_file, None, None, None)?;
            let e = s.exception_end(&a.auth.as_, a.grant, &a.report, &mut secrets)?;
            let mut j = json!({"entry": e.seq, "grant": a.grant});
            show_notices(ctx, s.notices(), &mut j);
            let human = format!("End of exception #{} reported; entry #{}\n", a.grant, e.seq);
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
    let human = format!(
        "Exception #{} recorded, approved by {}; it ends on its own at {} (report its end with `baitai exception end {}`)\n",
        e.seq,
        visible(&format!("{} ({})", approver.name, approver.id)),
        visible(&req.until),
        e.seq
    );
    Ok(Some(Output::new(human, j)))
}

fn list(ctx: &Ctx) -> Result<Option<Output>> {
    let s = ctx.reader()?;
    let all = s.exceptions()?;
    let mut human = String::new();
    for x in &all {
        human += &format!(
            "#{} {} {}〜{} {} [{}] applicant {} approved by {}\n    measures: {}; reason: {}; end report: {}\n",
            x.seq,
            x.status,
            x.from,
            x.until,
            visible(&x.clause),
            visible(&x.scope),
            x.applicant,
            x.approver,
            visible(&x.measures),
            visible(&x.reason),
            visible(&x.end_report)
        );
        if let Some(r) = &x.ended {
            human += &format!("    ended: {}\n", visible(r));
        }
    }
    if all.is_empty() {
        human = "No exception is recorded.\n".into();
    }
    Ok(Some(Output::new(human, json!({"exceptions": all}))))
}
