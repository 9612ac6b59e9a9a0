//! Handlers for `ledger print`, `ledger verify` and `report …`.

use std::io::Write;
use std::path::Path;

use serde_json::json;

use super::args::{LedgerCmd, OutputArgs, ReportCmd};
use super::{Ctx, Output};
use crate::app::Session;
use crate::error::{Error, Result};
use crate::report::{html, json_doc, text, Format, Lang};

fn lang(s: &Session, o: &OutputArgs) -> Result<Lang> {
    match o.lang {
        Some(l) => Ok(l),
        None => Lang::parse(&s.settings.lang),
    }
}

fn format(ctx: &Ctx, o: &OutputArgs) -> Format {
    o.format
        .unwrap_or(if ctx.json { Format::Json } else { Format::Text })
}

/// Print a document, or write it to `-o FILE` (whole or not at all).
fn deliver(ctx: &Ctx, o: &OutputArgs, doc: String, what: &str) -> Result<Option<Output>> {
    match &o.output {
        None => {
            let mut out = std::io::stdout().lock();
            out.write_all(doc.as_bytes())
                .and_then(|_| out.flush())
                .or_else(super::ignore_broken_pipe)
                .map_err(Error::io("write to stdout"))?;
            if ctx.json && format(ctx, o) != Format::Json {
                return Err(Error::usage("--json goes with --format json for printouts"));
            }
            Ok(None)
        }
        Some(path) => {
            write_file(path, doc.as_bytes())?;
            Ok(Some(Output::new(
                format!("Wrote {what} to {}\n", path.display()),
                json!({"written": path.display().to_string(), "bytes": doc.len()}),
            )))
        }
    }
}

fn write_file(path: &Path, bytes: &[u8]) -> Result<()> {
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let mut tmp = tempfile::NamedTempFile::new_in(dir)
        .map_err(Error::io(format!("create a file in {}", dir.display())))?;
    tmp.write_all(bytes)
        .map_err(Error::io(format!("write {}", path.display())))?;
    tmp.persist(path)
        .map_err(|e| Error::io(format!("write {}", path.display()))(e.error))?;
    Ok(())
}

pub fn ledger(ctx: &Ctx, cmd: LedgerCmd) -> Result<Option<Output>> {
    let s = ctx.session()?;
    match cmd {
        LedgerCmd::Print { medium, out } => {
            let lang = lang(&s, &out)?;
            let form = s.form(&medium, lang)?;
            let doc = match format(ctx, &out) {
                Format::Text => text::form_text(&form, lang),
                Format::Csv => text::form_csv(&form, lang),
                Format::Json => json_doc(&form)?,
                Format::Html => html::form_html(&form, lang),
            };
            deliver(ctx, &out, doc, &format!("the form of {}", form.medium))
        }
        LedgerCmd::Verify { head } => verify(&s, head),
    }
}

fn verify(s: &Session, head: Option<String>) -> Result<Option<Output>> {
    let report = s.ledger.verify()?;
    let mut failure = report
        .failure
        .clone()
        .map(|f| format!("entry {}: {}", f.seq, f.reason));
    let mut head_seq = None;
    if let (Some(h), None) = (&head, &failure) {
        let bytes = hex::decode(h.trim())
            .map_err(|_| Error::usage(format!("--head {h:?} is not a hex hash")))?;
        head_seq = s.ledger.seq_of_hash(&bytes)?;
        if head_seq.is_none() {
            failure = Some(format!(
                "the head hash {h} kept earlier is not in this ledger: entries after it were removed or the ledger was rewritten"
            ));
        }
    }
    let mut human = format!(
        "{} entries, {} signatures, {} people, {} media\nhead: {}\n",
        report.entries,
        report.signatures,
        report.people,
        report.media,
        report.head.as_deref().unwrap_or("(empty)")
    );
    if let Some(seq) = head_seq {
        human += &format!("the kept head hash is entry #{seq}; nothing before it was lost\n");
    }
    let json = json!({
        "ok": failure.is_none(),
        "entries": report.entries,
        "signatures": report.signatures,
        "people": report.people,
        "media": report.media,
        "head": report.head,
        "failure": report.failure,
        "kept_head_entry": head_seq,
    });
    match failure {
        None => {
            human += "ledger verified: chain, rules and signatures intact\n";
            Ok(Some(Output::new(human, json)))
        }
        Some(f) => Ok(Some(Output {
            human,
            json,
            failure: Some(Error::Integrity(f)),
        })),
    }
}

pub fn report(ctx: &Ctx, cmd: ReportCmd) -> Result<Option<Output>> {
    let s = ctx.session()?;
    match cmd {
        ReportCmd::Inventory { out } => {
            let lang = lang(&s, &out)?;
            let doc = s.inventory(lang)?.render(format(ctx, &out), lang)?;
            deliver(ctx, &out, doc, "the inventory")
        }
        ReportCmd::Overdue { at, out } => {
            let lang = lang(&s, &out)?;
            let at = match at {
                Some(a) => crate::time::parse_user(&a, &s.tz, crate::time::DayEnd::Start)?,
                None => crate::time::now(),
            };
            let doc = s.overdue(at, lang)?.render(format(ctx, &out), lang)?;
            deliver(ctx, &out, doc, "the overdue list")
        }
    }
}
