//! Handlers for `wipe` (confirm, progress, Ctrl-C, the printed sanitization record) and
//! `devices`.

use std::io::{BufRead, IsTerminal, Write};
use std::sync::atomic::AtomicBool;
use std::sync::Arc;

use baitai_core::text::Text;
use serde_json::json;

use super::args::{DevicesArgs, WipeArgs};
use super::msg::Msg;
use super::{show_notices, CliSecrets, Ctx, Output};
use crate::app::{Session, WipePlan, WipeReport, WipeRequest, WipeTarget};
use crate::device::usb;
use crate::error::{Error, Result};
use crate::lifecycle::MediumState;
use crate::model::{DeviceIdentity, Wipe, WipeResult};
use crate::report::text::{table, visible};
use crate::report::{device_labels, device_summary, human_bytes};
use crate::wipe::{Control, Halt, Phase, Step};

pub fn wipe(ctx: &Ctx, a: WipeArgs) -> Result<Option<Output>> {
    let mut s = ctx.session()?;
    let target = match (a.device, a.image) {
        (Some(d), None) => WipeTarget::Device(d),
        (None, Some(i)) => WipeTarget::Image(i),
        _ => return Err(Error::usage(Msg::OneTarget)),
    };
    let req = WipeRequest {
        target,
        method: a.method,
        allow_fixed: a.allow_fixed,
    };
    let plan = s.wipe_plan(&a.medium, &a.auth.as_, &req)?;
    // Before the plan is described: a script that forgot --yes gets its one error line.
    if !a.yes && !std::io::stdin().is_terminal() {
        return Err(no_terminal_to_confirm());
    }
    if !ctx.quiet {
        eprintln!("{}", ctx.say(describe_plan(&plan)));
    }
    if !a.yes {
        confirm(ctx, &plan)?;
    }
    let mut secrets = CliSecrets::new(a.auth.passphrase_file, None, None, None)?;
    let signed = s.wipe_authenticate(&plan, &mut secrets)?;
    let stop = Arc::new(AtomicBool::new(false));
    for sig in [signal_hook::consts::SIGINT, signal_hook::consts::SIGTERM] {
        signal_hook::flag::register(sig, Arc::clone(&stop))
            .map_err(|e| Error::Other(format!("cannot catch Ctrl-C: {e}").into()))?;
    }
    let pb = super::vault::progress(ctx, plan.identity.capacity_bytes, "");
    let mut last_phase = None;
    let mut on_progress = |ph: Phase, done: u64| {
        if last_phase != Some((ph.step, ph.pass)) {
            last_phase = Some((ph.step, ph.pass));
            pb.set_message(phase_text(ph));
            pb.reset();
        }
        pb.set_position(done);
    };
    let mut ctl = Control {
        stop: &stop,
        progress: &mut on_progress,
        after_write: None,
    };
    let report = s.wipe(&plan, &signed, &mut ctl);
    pb.finish_and_clear();
    output(ctx, &s, report?)
}

fn describe_plan(p: &WipePlan) -> Msg {
    let passes = p.method.passes().len();
    Msg::AboutToWipe {
        medium: p.number.to_string().into(),
        device: visible(&device_summary(&p.identity)).to_string().into(),
        method: p.method.as_str().into(),
        passes: match passes {
            1 => Msg::OnePass {
                n: passes.to_string().into(),
            },
            _ => Msg::Passes {
                n: passes.to_string().into(),
            },
        }
        .into(),
        vault: match p.live_vault {
            true => Msg::VaultHeadersFirst.into(),
            false => Text::plain(""),
        },
    }
}

fn no_terminal_to_confirm() -> Error {
    Error::usage(Msg::WipeNeedsTyping)
}

/// The operator types the medium number, so a slip of the device name cannot destroy the
/// wrong medium's data.
fn confirm(ctx: &Ctx, plan: &WipePlan) -> Result<()> {
    let stdin = std::io::stdin();
    if !stdin.is_terminal() {
        return Err(no_terminal_to_confirm());
    }
    eprint!(
        "{}",
        ctx.say(Msg::TypeNumber {
            medium: plan.number.to_string().into()
        })
    );
    let _ = std::io::stderr().flush();
    let mut line = String::new();
    stdin
        .lock()
        .read_line(&mut line)
        .map_err(Error::io("cannot read the confirmation"))?;
    if line.trim().to_uppercase() != plan.number.0 {
        return Err(Error::usage(Msg::TypedWrong {
            typed: format!("{:?}", line.trim()).into(),
            medium: plan.number.to_string().into(),
        }));
    }
    Ok(())
}

fn phase_text(ph: Phase) -> String {
    match ph.step {
        Step::Sweep => "finding vault headers".into(),
        Step::Write => format!("pass {}/{} writing", ph.pass, ph.passes),
        Step::Verify => format!("pass {}/{} verifying", ph.pass, ph.passes),
    }
}

/// The printed record; a failed or stopped wipe also exits non-zero.
fn output(ctx: &Ctx, s: &Session, r: WipeReport) -> Result<Option<Output>> {
    let w = &r.record;
    let number = r
        .entry
        .medium
        .as_ref()
        .map(|m| m.0.as_str())
        .unwrap_or_default();
    let state = s.medium(number)?;
    let mut j = json!({
        "medium": state.number.0,
        "entry": r.entry.seq,
        "hash": hex::encode(r.entry.hash),
        "data": state.clean.as_str(),
        "record": w,
    });
    show_notices(ctx, s.notices(), &mut j);
    let human = record_text(s, &r, &state);
    let mut out = Output::new(human, j);
    out.failure = match w.result {
        WipeResult::Passed => None,
        WipeResult::Failed => Some(Error::WipeFailed(first_mismatch(w).into())),
        WipeResult::Incomplete => Some(match &r.halt {
            Some(Halt::Interrupted) => Error::Interrupted(
                format!(
                    "wipe of {} stopped and recorded as incomplete",
                    state.number
                )
                .into(),
            ),
            other => Error::Device(
                format!(
                    "wipe of {} did not finish: {}",
                    state.number,
                    other
                        .as_ref()
                        .map(Halt::describe)
                        .unwrap_or_else(|| "stopped".into())
                )
                .into(),
            ),
        }),
    };
    Ok(Some(out))
}

fn first_mismatch(w: &Wipe) -> String {
    let sectors: u64 = w.passes.iter().map(|p| p.mismatched_sectors).sum();
    match w.passes.iter().find_map(|p| p.mismatches.first()) {
        Some(r) => format!(
            "{sectors} sectors read back wrong, the first at byte {}",
            r.offset
        ),
        None => format!("{sectors} sectors read back wrong"),
    }
}

fn record_text(s: &Session, r: &WipeReport, state: &MediumState) -> String {
    let w = &r.record;
    let mut rows = vec![
        row(
            "medium",
            format!("{} (entry #{})", state.number, r.entry.seq),
        ),
        row("device", device_summary(&w.device)),
        row(
            "method",
            format!(
                "{} / {} (NIST SP 800-88 {}), {}",
                w.method.as_str(),
                w.method.ja(),
                w.sanitization,
                w.tool
            ),
        ),
        row("operator", operator_text(s, r)),
        row("started", show(s, &w.started)),
        row("finished", show(s, &w.finished)),
    ];
    for (i, p) in w.passes.iter().enumerate() {
        let seed = p
            .seed
            .as_deref()
            .map(|x| format!(" seed {x}"))
            .unwrap_or_default();
        rows.push(row(&format!("pass {}", i + 1), pass_text(p, &seed)));
    }
    rows.push(row("read-back", w.cache_bypass.describe().to_string()));
    if let Some(n) = w.vault_headers_erased {
        rows.push(row(
            "vault",
            format!("{n} vault header(s) found and destroyed before the passes"),
        ));
    }
    let verdict = match w.result {
        WipeResult::Passed => {
            "PASSED: every byte read back as written; the medium is verified clean".to_string()
        }
        WipeResult::Failed => format!(
            "FAILED: {}; the medium must be destroyed",
            first_mismatch(w)
        ),
        WipeResult::Incomplete => format!(
            "INCOMPLETE: {}; the medium is not clean",
            w.reason.as_deref().unwrap_or("stopped")
        ),
    };
    rows.push(row("result", verdict));
    rows.push(row("state", state.clean.as_str().to_string()));
    let mut text = String::from("Sanitization record 消去記録\n");
    for r in rows {
        text += &format!("  {:<10} {}\n", r[0], visible(&r[1]));
    }
    text
}

fn operator_text(s: &Session, r: &WipeReport) -> String {
    let Some(id) = &r.entry.actor else {
        return String::new();
    };
    match s.person(&id.0) {
        Ok(p) => format!("{} {}（{}）", p.id, p.name, p.affiliation),
        Err(_) => id.0.clone(),
    }
}

fn row(k: &str, v: String) -> Vec<String> {
    vec![k.to_string(), v]
}

fn show(s: &Session, t: &str) -> String {
    t.parse::<jiff::Timestamp>()
        .map(|t| crate::time::show_full(t, s.tz()))
        .unwrap_or_else(|_| t.to_string())
}

fn rate(bytes: u64, ms: u64) -> String {
    if ms == 0 {
        return "0.0 s".into();
    }
    format!(
        "{:.1} s, {}/s",
        ms as f64 / 1000.0,
        human_bytes(bytes * 1000 / ms)
    )
}

/// One pass of the record. A pass stopped before its read-back verified nothing, and says so
/// rather than "read back 0 B, no mismatch", which reads like a clean result.
fn pass_text(p: &crate::model::WipePass, seed: &str) -> String {
    let pattern = format!("{:?}", p.pattern).to_lowercase();
    let wrote = format!(
        "{pattern}{seed}: wrote {} ({})",
        human_bytes(p.bytes_written),
        rate(p.bytes_written, p.write_ms)
    );
    if p.bytes_verified == 0 {
        return format!("{wrote}, not read back: nothing of this pass was verified");
    }
    let rest = if p.bytes_verified < p.bytes_written {
        ", the rest not verified"
    } else {
        ""
    };
    format!(
        "{wrote}, read back {} ({}), {}{rest}",
        human_bytes(p.bytes_verified),
        rate(p.bytes_verified, p.verify_ms),
        mismatch_text(p)
    )
}

fn mismatch_text(p: &crate::model::WipePass) -> String {
    match p.mismatches.first() {
        None => "no mismatch".into(),
        Some(r) => format!(
            "{} sectors differ, first at byte {} ({} bytes)",
            p.mismatched_sectors, r.offset, r.len
        ),
    }
}

pub fn devices(ctx: &Ctx, a: DevicesArgs) -> Result<Option<Output>> {
    let (found, mut note) = usb::attached(a.all);
    // The ledger is optional here: without one, devices are listed without medium numbers.
    let (registered, unread) = registered_media(ctx);
    if let Some(why) = unread {
        // Say why the medium column is empty rather than leave it looking unregistered.
        let why = format!("medium numbers not shown: {why}");
        note = Some(match note {
            Some(n) => format!("{n}; {why}"),
            None => why,
        });
    }
    let mut rows = Vec::new();
    let mut list = Vec::new();
    for d in &found {
        let medium = registered
            .iter()
            .find(|(_, id)| crate::device::same_device(id, &d.identity))
            .map(|(m, _)| m.clone());
        let node = d.node.as_ref().map(|n| n.display().to_string());
        rows.push(vec![
            node.clone().unwrap_or_else(|| "(no medium)".into()),
            human_bytes(d.identity.capacity_bytes),
            device_labels(&d.identity).join(" "),
            if d.removable { "yes" } else { "no" }.into(),
            d.mounts.join(" "),
            medium.clone().unwrap_or_else(|| "-".into()),
        ]);
        list.push(json!({
            "device": node,
            "kind": d.kind,
            "identity": d.identity,
            "removable": d.removable,
            "mounts": d.mounts,
            "medium": medium,
        }));
    }
    let mut human = if rows.is_empty() {
        format!(
            "No {}storage devices found.\n",
            if a.all { "" } else { "USB " }
        )
    } else {
        table(
            &[
                "device",
                "capacity",
                "identity",
                "removable",
                "mounted at",
                "medium",
            ],
            &rows,
        )
    };
    if let Some(n) = &note {
        human += &format!("note: {}\n", visible(n));
    }
    Ok(Some(Output::new(
        human,
        json!({ "devices": list, "note": note }),
    )))
}

/// Each medium in service with its recorded identity, if a ledger is there to read; else why
/// it could not be read (one that fails verification is not read at all).
fn registered_media(ctx: &Ctx) -> (Vec<(String, DeviceIdentity)>, Option<String>) {
    if !ctx.ledger.exists() {
        return (Vec::new(), None);
    }
    let media = ctx.reader().and_then(|s| s.devices_in_service());
    match media {
        Ok(m) => (m.into_iter().map(|(m, d)| (m.0, d)).collect(), None),
        Err(e) => (Vec::new(), Some(e.to_string())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{PatternKind, WipePass};

    #[test]
    fn a_pass_stopped_before_its_read_back_says_nothing_was_verified() {
        let mut p = WipePass::new(PatternKind::Zero, None);
        p.bytes_written = 3 << 20;
        p.write_ms = 1000;
        let text = pass_text(&p, "");
        assert!(text.contains("wrote 3.0 MiB"), "{text}");
        assert!(text.contains("nothing of this pass was verified"), "{text}");
        assert!(!text.contains("no mismatch"), "{text}");
        p.bytes_verified = 1 << 20;
        p.verify_ms = 500;
        let text = pass_text(&p, "");
        assert!(text.contains("read back 1.0 MiB"), "{text}");
        assert!(text.contains("the rest not verified"), "{text}");
        p.bytes_verified = 3 << 20;
        assert!(pass_text(&p, "").ends_with("no mismatch"));
    }
}
