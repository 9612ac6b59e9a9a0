//! Handlers for `wipe` (confirm, progress, Ctrl-C, the printed sanitization record) and
//! `devices`.

use std::io::{BufRead, IsTerminal, Write};
use std::sync::atomic::AtomicBool;
use std::sync::Arc;

use baitai_core::text::Text;
use baitai_core::words::{Lang, Word};
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
        signal_hook::flag::register(sig, Arc::clone(&stop)).map_err(|e| {
            Error::Other(
                Msg::CannotCatchCtrlC {
                    cause: e.to_string().into(),
                }
                .into(),
            )
        })?;
    }
    let pb = super::vault::progress(ctx, plan.identity.capacity_bytes, "");
    let mut last_phase = None;
    let mut on_progress = |ph: Phase, done: u64| {
        if last_phase != Some((ph.step, ph.pass)) {
            last_phase = Some((ph.step, ph.pass));
            pb.set_message(ctx.say(phase_text(ph)));
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
        .map_err(Error::io(Msg::IoReadConfirmation))?;
    if line.trim().to_uppercase() != plan.number.0 {
        return Err(Error::usage(Msg::TypedWrong {
            typed: format!("{:?}", line.trim()).into(),
            medium: plan.number.to_string().into(),
        }));
    }
    Ok(())
}

fn phase_text(ph: Phase) -> Msg {
    let (pass, passes) = (ph.pass.to_string().into(), ph.passes.to_string().into());
    match ph.step {
        Step::Sweep => Msg::PhaseSweep,
        Step::Write => Msg::PhaseWrite { pass, passes },
        Step::Verify => Msg::PhaseVerify { pass, passes },
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
    let human = record_text(s, &r, &state, ctx.screen());
    let mut out = Output::new(human, j);
    out.failure = match w.result {
        WipeResult::Passed => None,
        WipeResult::Failed => Some(Error::WipeFailed(first_mismatch(w))),
        WipeResult::Incomplete => Some(match &r.halt {
            Some(Halt::Interrupted) => Error::Interrupted(
                Msg::WipeStoppedRecorded {
                    medium: state.number.to_string().into(),
                }
                .into(),
            ),
            other => Error::Device(
                Msg::WipeDidNotFinish {
                    medium: state.number.to_string().into(),
                    why: match other {
                        Some(h) => h.describe().into(),
                        None => Msg::Stopped.into(),
                    },
                }
                .into(),
            ),
        }),
    };
    Ok(Some(out))
}

fn first_mismatch(w: &Wipe) -> Text {
    let sectors: u64 = w.passes.iter().map(|p| p.mismatched_sectors).sum();
    let sectors = sectors.to_string().into();
    match w.passes.iter().find_map(|p| p.mismatches.first()) {
        Some(r) => Msg::SectorsWrongAt {
            sectors,
            offset: r.offset.to_string().into(),
        }
        .into(),
        None => Msg::SectorsWrong { sectors }.into(),
    }
}

fn record_text(s: &Session, r: &WipeReport, state: &MediumState, lang: Lang) -> String {
    let w = &r.record;
    let say = |m: Msg| Text::from(m).in_lang(lang);
    let row = |k: Msg, v: String| vec![say(k), v];
    let mut rows = vec![
        row(
            Msg::RowMedium,
            say(Msg::MediumEntry {
                medium: state.number.to_string().into(),
                seq: r.entry.seq.to_string().into(),
            }),
        ),
        row(Msg::RowDevice, device_summary(&w.device)),
        row(
            Msg::RowMethod,
            format!(
                "{} / {} (NIST SP 800-88 {}), {}",
                w.method.as_str(),
                w.method.ja(),
                w.sanitization,
                w.tool
            ),
        ),
        row(Msg::RowOperator, operator_text(s, r)),
        row(Msg::RowStarted, show(s, &w.started)),
        row(Msg::RowFinished, show(s, &w.finished)),
    ];
    for (i, p) in w.passes.iter().enumerate() {
        let seed = p
            .seed
            .as_deref()
            .map(|x| say(Msg::Seed { seed: x.into() }))
            .unwrap_or_default();
        rows.push(row(
            Msg::RowPass {
                n: (i + 1).to_string().into(),
            },
            pass_text(p, &seed, lang),
        ));
    }
    let bypass = match lang {
        Lang::Ja => w.cache_bypass.describe_ja(),
        Lang::En => w.cache_bypass.describe(),
    };
    rows.push(row(Msg::RowReadBack, bypass.to_string()));
    if let Some(n) = w.vault_headers_erased {
        rows.push(row(
            Msg::RowVault,
            say(Msg::VaultHeadersErased {
                n: n.to_string().into(),
            }),
        ));
    }
    let verdict = match w.result {
        WipeResult::Passed => say(Msg::WipePassed),
        WipeResult::Failed => say(Msg::WipeFailedVerdict {
            why: first_mismatch(w),
        }),
        WipeResult::Incomplete => say(Msg::WipeIncompleteVerdict {
            why: match w.reason.as_deref() {
                Some(r) => r.into(),
                None => Msg::Stopped.into(),
            },
        }),
    };
    rows.push(row(Msg::RowResult, verdict));
    rows.push(row(
        Msg::RowState,
        lang.state(state.clean.as_str()).to_string(),
    ));
    let mut text = say(Msg::RecordTitle) + "\n";
    // Pad the names to one width as the terminal shows them (a kanji takes two columns).
    let width = rows
        .iter()
        .map(|r| columns(&r[0]))
        .max()
        .unwrap_or(0)
        .max(10);
    for r in rows {
        let pad = " ".repeat(width - columns(&r[0]));
        text += &format!("  {}{pad} {}\n", r[0], visible(&r[1]));
    }
    text
}

/// How many terminal columns `s` takes: two for a wide (CJK) character.
fn columns(s: &str) -> usize {
    s.chars().map(|c| if c.is_ascii() { 1 } else { 2 }).sum()
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
fn pass_text(p: &crate::model::WipePass, seed: &str, lang: Lang) -> String {
    let pattern = format!("{:?}", p.pattern).to_lowercase();
    let wrote: Text = Msg::PassWrote {
        pattern: pattern.into(),
        seed: seed.into(),
        bytes: human_bytes(p.bytes_written).into(),
        rate: rate(p.bytes_written, p.write_ms).into(),
    }
    .into();
    if p.bytes_verified == 0 {
        return Text::from(Msg::PassNotReadBack { wrote }).in_lang(lang);
    }
    let rest = if p.bytes_verified < p.bytes_written {
        Msg::RestNotVerified.into()
    } else {
        Text::plain("")
    };
    Text::from(Msg::PassReadBack {
        wrote,
        bytes: human_bytes(p.bytes_verified).into(),
        rate: rate(p.bytes_verified, p.verify_ms).into(),
        mismatch: mismatch_text(p),
        rest,
    })
    .in_lang(lang)
}

fn mismatch_text(p: &crate::model::WipePass) -> Text {
    match p.mismatches.first() {
        None => Msg::NoMismatch.into(),
        Some(r) => Msg::SectorsDiffer {
            sectors: p.mismatched_sectors.to_string().into(),
            offset: r.offset.to_string().into(),
            len: r.len.to_string().into(),
        }
        .into(),
    }
}

pub fn devices(ctx: &Ctx, a: DevicesArgs) -> Result<Option<Output>> {
    let (found, mut note) = usb::attached(a.all);
    // The ledger is optional here: without one, devices are listed without medium numbers.
    let (registered, unread) = registered_media(ctx);
    if let Some(why) = unread {
        // Say why the medium column is empty rather than leave it looking unregistered.
        let why = ctx.say(Msg::NumbersNotShown { why: why.into() });
        note = Some(match note {
            Some(n) => format!("{n}; {why}"),
            None => why,
        });
    }
    let lang = ctx.screen();
    let mut rows = Vec::new();
    let mut list = Vec::new();
    for d in &found {
        let medium = registered
            .iter()
            .find(|(_, id)| crate::device::same_device(id, &d.identity))
            .map(|(m, _)| m.clone());
        let node = d.node.as_ref().map(|n| n.display().to_string());
        rows.push(vec![
            node.clone().unwrap_or_else(|| ctx.say(Msg::NoMedium)),
            human_bytes(d.identity.capacity_bytes),
            device_labels(&d.identity).join(" "),
            lang.w(if d.removable { Word::Yes } else { Word::No })
                .into(),
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
        ctx.say(match a.all {
            true => Msg::NoDevices,
            false => Msg::NoUsbDevices,
        }) + "\n"
    } else {
        let heads: [Text; 6] = [
            Msg::RowDevice.into(),
            // The media crate's word for a device's capacity.
            baitai_media::msg::Msg::FieldCapacity.into(),
            Msg::ColIdentity.into(),
            Msg::ColRemovable.into(),
            Msg::ColMountedAt.into(),
            Msg::RowMedium.into(),
        ];
        let heads = heads.map(|t| ctx.say(t));
        let heads: Vec<&str> = heads.iter().map(String::as_str).collect();
        table(&heads, &rows)
    };
    if let Some(n) = &note {
        human += &ctx.say(Msg::Note {
            note: visible(n).to_string().into(),
        });
        human.push('\n');
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
        let text = pass_text(&p, "", Lang::En);
        assert!(text.contains("wrote 3.0 MiB"), "{text}");
        assert!(text.contains("nothing of this pass was verified"), "{text}");
        assert!(!text.contains("no mismatch"), "{text}");
        p.bytes_verified = 1 << 20;
        p.verify_ms = 500;
        let text = pass_text(&p, "", Lang::En);
        assert!(text.contains("read back 1.0 MiB"), "{text}");
        assert!(text.contains("the rest not verified"), "{text}");
        p.bytes_verified = 3 << 20;
        assert!(pass_text(&p, "", Lang::En).ends_with("no mismatch"));
        assert!(pass_text(&p, "", Lang::Ja).ends_with("不一致なし"));
    }
}
