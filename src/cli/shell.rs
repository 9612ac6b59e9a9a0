//! Handlers for `completions` and `man`: generated from the clap definitions, so they never
//! drift from the commands; neither opens a ledger.

use std::path::{Path, PathBuf};

use clap::CommandFactory;
use serde_json::json;

use super::args::{Cli, CompletionsArgs, ManArgs};
use super::msg::Msg;
use super::{Ctx, Output};
use crate::error::{Error, Result};

pub fn completions(ctx: &Ctx, a: CompletionsArgs) -> Result<Option<Output>> {
    let mut cmd = Cli::command();
    let mut buf = Vec::new();
    clap_complete::generate(a.shell, &mut cmd, "baitai", &mut buf);
    let script = utf8(buf)?;
    let doc = match ctx.json {
        true => json!({ "shell": a.shell.to_string(), "script": script }),
        false => json!({}),
    };
    Ok(Some(Output::new(script, doc)))
}

pub fn man(ctx: &Ctx, a: ManArgs) -> Result<Option<Output>> {
    match a.output {
        None => {
            let page = render(clap_mangen::Man::new(Cli::command()))?;
            let doc = match ctx.json {
                true => json!({ "page": page }),
                false => json!({}),
            };
            Ok(Some(Output::new(page, doc)))
        }
        Some(dir) => {
            let written = write_pages(&dir)?;
            let mut human = ctx.say(Msg::WroteManPages {
                n: written.len().to_string().into(),
                dir: dir.display().to_string().into(),
            }) + "\n";
            for p in &written {
                human += &format!("  {}\n", p.display());
            }
            let paths: Vec<String> = written.iter().map(|p| p.display().to_string()).collect();
            Ok(Some(Output::new(human, json!({ "written": paths }))))
        }
    }
}

fn render(page: clap_mangen::Man) -> Result<String> {
    let mut buf = Vec::new();
    page.render(&mut buf).map_err(Error::io(Msg::IoRenderMan))?;
    utf8(buf)
}

fn utf8(buf: Vec<u8>) -> Result<String> {
    String::from_utf8(buf).map_err(|e| {
        Error::Other(
            Msg::NotUtf8 {
                cause: e.to_string().into(),
            }
            .into(),
        )
    })
}

/// `baitai.1` and a page for every visible subcommand, nested ones included
/// (`baitai-medium-register.1`): the names `man baitai-checkout` looks for.
fn write_pages(dir: &Path) -> Result<Vec<PathBuf>> {
    std::fs::create_dir_all(dir).map_err(Error::io(baitai_core::msg::Msg::IoCreate {
        path: dir.display().to_string().into(),
    }))?;
    // Built once so every subcommand knows its full name (`baitai-medium-register`).
    let mut cmd = Cli::command().disable_help_subcommand(true);
    cmd.build();
    let mut written = Vec::new();
    write_tree(&cmd, dir, &mut written)?;
    Ok(written)
}

fn write_tree(cmd: &clap::Command, dir: &Path, written: &mut Vec<PathBuf>) -> Result<()> {
    let page = clap_mangen::Man::new(cmd.clone());
    let path = dir.join(page.get_filename());
    crate::files::write_atomic(&path, render(page)?.as_bytes())?;
    written.push(path);
    for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()) {
        write_tree(sub, dir, written)?;
    }
    Ok(())
}
