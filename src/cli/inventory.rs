//! Handler for `inventory check`: read what the custodian found, record it, print the findings.

use std::io::{BufRead, IsTerminal};

use serde_json::json;

use super::args::{InventoryCheckArgs, InventoryCmd};
use super::msg::Msg;
use super::reports::{deliver, format};
use super::{show_notices, CliSecrets, Ctx, Output};
use crate::app::Found;
use crate::error::{Error, Result};
use crate::report::Format;

pub fn run(ctx: &Ctx, cmd: InventoryCmd) -> Result<Option<Output>> {
    match cmd {
        InventoryCmd::Check(a) => check(ctx, a),
    }
}

fn check(ctx: &Ctx, a: InventoryCheckArgs) -> Result<Option<Output>> {
    let numbers = match &a.present {
        Some(p) => vec![p.clone()],
        None => scanned(ctx, &a)?,
    };
    check_output_dir(&a)?;
    let mut s = ctx.session()?;
    let lang = ctx.printout(&s)?;
    let format = format(ctx, &a.out)?;
    let mut secrets = CliSecrets::new(a.auth.passphrase_file.clone(), None, None, None)?;
    let found = Found {
        numbers,
        location: a.location.clone(),
    };
    let (entry, check) = s.inventory_check(&found, &a.auth.as_, &mut secrets)?;
    let report = crate::report::stocktake::stocktake_report(&s, &check, &entry, lang)?;
    if ctx.json && a.out.output.is_none() {
        let mut j = json!({
            "entry": entry.seq,
            "hash": hex::encode(entry.hash),
            "time": crate::time::show_full(entry.time, s.tz()),
            "check": check,
            "lines": report.lines,
        });
        show_notices(ctx, s.notices(), &mut j);
        return Ok(Some(Output::new(report.render(Format::Text, lang)?, j)));
    }
    // Last use and failed attempts go to stderr, so they never mix into the printout.
    show_notices(ctx, s.notices(), &mut serde_json::Value::Null);
    let doc = report.render(format, lang)?;
    deliver(ctx, &a.out, doc, Msg::TheInventoryCheck).map_err(|e| {
        Error::Other(
            Msg::CheckRecordedNotPrinted {
                seq: entry.seq.to_string().into(),
                error: (&e).into(),
            }
            .into(),
        )
    })
}

/// Refuse an `-o` into a directory that does not exist before anything is recorded: the
/// check is signed into the ledger first, and repeating it for a printout would record it twice.
fn check_output_dir(a: &InventoryCheckArgs) -> Result<()> {
    let Some(path) = &a.out.output else {
        return Ok(());
    };
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(std::path::Path::new("."));
    if dir.is_dir() {
        return Ok(());
    }
    Err(Error::usage(Msg::NoSuchDirectory {
        path: path.display().to_string().into(),
        dir: dir.display().to_string().into(),
    }))
}

/// Medium numbers from stdin, one per line, as a barcode scanner types them; at a terminal,
/// until an empty line or end of input.
fn scanned(ctx: &Ctx, a: &InventoryCheckArgs) -> Result<Vec<String>> {
    if a.auth
        .passphrase_file
        .as_ref()
        .is_some_and(|p| p.as_os_str() == "-")
    {
        return Err(Error::usage(Msg::NumbersFromStdin));
    }
    let stdin = std::io::stdin();
    let interactive = stdin.is_terminal();
    if interactive {
        eprintln!("{}", ctx.say(Msg::ScanPrompt));
    }
    let mut numbers = Vec::new();
    for line in stdin.lock().lines() {
        let line = line.map_err(Error::io(Msg::IoReadNumbersStdin))?;
        if interactive && line.trim().is_empty() {
            break;
        }
        numbers.push(line);
    }
    Ok(numbers)
}
