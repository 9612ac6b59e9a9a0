//! Handlers for `put`, `ls`, `get` and `vault …`.

use std::path::Path;
use std::time::{Duration, Instant};

use indicatif::style::ProgressTracker;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressState, ProgressStyle};
use serde_json::json;

use super::args::{GetArgs, PutArgs, VaultCmd, VaultOpener, VaultReadArgs};
use super::msg::Msg;
use super::{show_notices, CliSecrets, Ctx, Output};
use crate::app::{select, GetRequest, PutRequest, Secrets, Session};
use crate::crypto::Passphrase;
use crate::error::{Error, Result};
use crate::report::human_bytes;
use crate::report::text::{table, visible};
use crate::vault::{self, FileEntry, Opener, Vault};
use baitai_core::text::Text;

/// A byte progress bar on stderr: drawn only on a terminal, never with -q or --json.
pub(super) fn progress(ctx: &Ctx, total: u64, what: &str) -> ProgressBar {
    let target = if ctx.quiet || ctx.json {
        ProgressDrawTarget::hidden()
    } else {
        ProgressDrawTarget::stderr()
    };
    let pb = ProgressBar::with_draw_target(Some(total), target);
    if let Ok(style) = ProgressStyle::with_template(&ctx.say(Msg::ProgressBar)) {
        // Measured from the first bytes shown, not from when the bar was drawn (a put draws it
        // before the passphrase wait) and not indicatif's estimate over its last steps (a wipe
        // steps 8 MiB at a time, and two steps made that read 0 B/s or GiB/s on a stick doing
        // 4 MB/s: tests/usb_vm.rs, scenario 8).
        let style = style.with_key("rate", RateClock::default());
        pb.set_style(style.progress_chars("=> "));
    }
    pb.set_message(what.to_string());
    pb
}

/// The clock behind a bar's rate: when it first saw bytes, and how many (they arrived before
/// the clock could see them, so they are left out), and when it last saw them. indicatif
/// tells it of every update it draws and of every reset (a wipe's next phase).
#[derive(Clone, Default)]
struct RateClock {
    first: Option<(Instant, u64)>,
    last: Option<(Instant, u64)>,
}

impl RateClock {
    fn see(&mut self, now: Instant, pos: u64) {
        if self.first.is_none() && pos > 0 {
            self.first = Some((now, pos));
        }
        self.last = Some((now, pos));
    }

    /// Bytes per second from the first step to the last; until a second step, the average
    /// since the bar (or the wipe's phase) began, `elapsed` ago.
    fn rate(&self, elapsed: Duration, pos: u64) -> u64 {
        if let (Some((t0, p0)), Some((t1, p1))) = (self.first, self.last) {
            let secs = t1.saturating_duration_since(t0).as_secs_f64();
            if p1 > p0 && secs > 0.0 {
                return ((p1 - p0) as f64 / secs) as u64;
            }
        }
        let secs = elapsed.as_secs_f64();
        if secs > 0.0 {
            (pos as f64 / secs) as u64
        } else {
            0
        }
    }
}

impl ProgressTracker for RateClock {
    fn clone_box(&self) -> Box<dyn ProgressTracker> {
        Box::new(self.clone())
    }

    fn tick(&mut self, state: &ProgressState, now: Instant) {
        self.see(now, state.pos());
    }

    fn reset(&mut self, _: &ProgressState, _: Instant) {
        *self = RateClock::default();
    }

    fn write(&self, state: &ProgressState, w: &mut dyn std::fmt::Write) {
        let rate = self.rate(state.elapsed(), state.pos());
        let _ = write!(w, "{}/s", indicatif::HumanBytes(rate));
    }
}

fn read_passphrase(path: &Path) -> Result<Passphrase> {
    let mut s = CliSecrets::new(None, None, None, Some(path.to_path_buf()))?;
    crate::app::Secrets::new_passphrase(&mut s, &super::msg::say(Msg::TheRecipient))
}

/// When a vault was made, in the ledger's zone if a ledger is at hand (`vault info` needs none).
fn created(ctx: &Ctx, stored: &str) -> String {
    match (ctx.reader(), crate::time::from_store(stored)) {
        (Ok(s), Ok(t)) => s.show_time(t),
        _ => stored.to_string(),
    }
}

/// The vault's files as table rows; times in the ledger's zone when there is a ledger (an
/// outside recipient has none, and sees them as stored, in UTC).
fn file_rows(files: &[FileEntry], s: Option<&Session>) -> Vec<Vec<String>> {
    let when = |stored: &str| match (s, crate::time::from_store(stored)) {
        (Some(s), Ok(t)) => s.show_time(t),
        _ => stored.to_string(),
    };
    files
        .iter()
        .map(|f| {
            vec![
                f.name.clone(),
                human_bytes(f.size),
                f.added_by.0.clone(),
                when(&f.added_at),
            ]
        })
        .collect()
}

pub fn put(ctx: &Ctx, a: PutArgs) -> Result<Option<Output>> {
    let mut s = ctx.session()?;
    let recipient = a.recipient_passphrase_file.is_some();
    crate::app::check_new_vault_options(&a.mount, a.cipher, recipient)?;
    // One source of secrets, so at most one of the two passphrases can come from stdin.
    let mut secrets = CliSecrets::new(
        a.auth.passphrase_file,
        None,
        None,
        a.recipient_passphrase_file.clone(),
    )?;
    let recipient_passphrase = match a.recipient_passphrase_file {
        Some(_) => Some(Secrets::new_passphrase(
            &mut secrets,
            &ctx.say(Msg::TheOutsideRecipient),
        )?),
        None => None,
    };
    let sources = crate::app::sources(&a.files)?;
    let total: u64 = sources
        .iter()
        .filter_map(|src| std::fs::metadata(&src.path).ok())
        .map(|m| m.len())
        .sum();
    let req = PutRequest {
        mount: a.mount.clone(),
        sources,
        medium: a.medium,
        cipher: a.cipher,
        replace: a.replace,
        recipient_passphrase,
    };
    let pb = progress(ctx, total, &ctx.say(Msg::ProgressEncrypting));
    let report = s.put(&a.auth.as_, req, &mut secrets, &mut |n| pb.inc(n));
    pb.finish_and_clear();
    let report = report?;
    let v = &report.vault;
    let bytes: u64 = report.added.iter().map(|f| f.size).sum();
    let (n, bytes, medium, cipher, marking) = (
        report.added.len().to_string().into(),
        human_bytes(bytes).into(),
        visible(&v.header.body.medium).to_string().into(),
        v.cipher().name().into(),
        visible(&v.header.body.marking).to_string().into(),
    );
    let mut human = ctx.say(match report.created {
        true => Msg::CreatedAndEncrypted {
            n,
            bytes,
            medium,
            cipher,
            marking,
        },
        false => Msg::Encrypted {
            n,
            bytes,
            medium,
            cipher,
            marking,
        },
    }) + "\n";
    human += &ctx.say(Msg::VaultHolds {
        n: v.files().len().to_string().into(),
        seq: report.entry.seq.to_string().into(),
    });
    human.push('\n');
    let mut j = json!({
        "medium": v.header.body.medium,
        "vault_id": v.header.body.vault_id,
        "cipher": v.cipher().name(),
        "created": report.created,
        "added": report.added,
        "files": v.files().len(),
        "entry": report.entry.seq,
    });
    show_notices(ctx, s.notices(), &mut j);
    Ok(Some(Output::new(human, j)))
}

/// Open a vault for reading: as a person (with a ledger) or with a recipient passphrase.
fn open(
    ctx: &Ctx,
    mount: &Path,
    o: &VaultOpener,
    command: &str,
) -> Result<(Vault, Option<Session>)> {
    if let Some(p) = &o.vault_passphrase_file {
        let pass = read_passphrase(p)?;
        return Ok((Vault::open(mount, Opener::Passphrase(&pass))?, None));
    }
    let who = o
        .as_
        .clone()
        .ok_or_else(|| Error::usage(Msg::GiveAsOrPassphrase))?;
    let mut s = ctx.session()?;
    let mut secrets = CliSecrets::new(o.passphrase_file.clone(), None, None, None)?;
    let (v, _) = s.open_vault(mount, &who, &mut secrets, command)?;
    Ok((v, Some(s)))
}

pub fn ls(ctx: &Ctx, a: VaultReadArgs) -> Result<Option<Output>> {
    let (v, s) = open(ctx, &a.mount, &a.open, "ls")?;
    let b = &v.header.body;
    let mut human = format!(
        "{} — {} — {} — {}\n",
        visible(&b.medium),
        visible(&b.marking),
        b.cipher.name(),
        ctx.say(Msg::VaultFiles {
            n: v.files().len().to_string().into()
        })
    );
    let heads = [
        ctx.say(Msg::ColName),
        ctx.say(Msg::ColSize),
        ctx.say(Msg::ColAddedBy),
        ctx.say(Msg::ColAddedAt),
    ];
    let heads: Vec<&str> = heads.iter().map(String::as_str).collect();
    human += &table(&heads, &file_rows(v.files(), s.as_ref()));
    let mut j = json!({"medium": b.medium, "marking": b.marking, "cipher": b.cipher.name(), "files": v.files()});
    match &s {
        Some(s) => show_notices(ctx, s.notices(), &mut j),
        None => with_writer(ctx, &v, &mut human, &mut j),
    }
    Ok(Some(Output::new(human, j)))
}

pub fn get(ctx: &Ctx, a: GetArgs) -> Result<Option<Output>> {
    if let Some(p) = &a.open.vault_passphrase_file {
        // An outside recipient: no ledger at the destination, so nothing is recorded.
        crate::app::check_out_dir(&a.out)?;
        let pass = read_passphrase(p)?;
        let v = Vault::open(&a.mount, Opener::Passphrase(&pass))?;
        let wanted = select(&v, &a.names)?;
        vault::create_private_dir(&a.out)?;
        let pb = progress(
            ctx,
            wanted.iter().map(|f| f.size).sum(),
            &ctx.say(Msg::ProgressDecrypting),
        );
        let r = v.extract(&wanted, &a.out, a.overwrite, &mut |n| pb.inc(n));
        pb.finish_and_clear();
        r?;
        let mut out = got(ctx, &a.out, &wanted, None);
        with_writer(ctx, &v, &mut out.human, &mut out.json);
        return Ok(Some(out));
    }
    let who = a
        .open
        .as_
        .clone()
        .ok_or_else(|| Error::usage(Msg::GiveAsOrPassphrase))?;
    let mut s = ctx.session()?;
    let mut secrets = CliSecrets::new(a.open.passphrase_file.clone(), None, None, None)?;
    let pb = progress(ctx, 0, &ctx.say(Msg::ProgressDecrypting));
    let req = GetRequest {
        mount: a.mount.clone(),
        names: a.names.clone(),
        out: a.out.clone(),
        overwrite: a.overwrite,
    };
    let r = s.get(&who, &req, &mut secrets, &mut |n| {
        pb.inc_length(n);
        pb.inc(n)
    });
    pb.finish_and_clear();
    let (entry, files) = r?;
    let mut out = got(ctx, &a.out, &files, Some(entry.seq));
    show_notices(ctx, s.notices(), &mut out.json);
    Ok(Some(out))
}

fn got(ctx: &Ctx, out: &Path, files: &[FileEntry], entry: Option<u64>) -> Output {
    let bytes: u64 = files.iter().map(|f| f.size).sum();
    let mut human = ctx.say(Msg::Decrypted {
        n: files.len().to_string().into(),
        bytes: human_bytes(bytes).into(),
        out: out.display().to_string().into(),
    }) + "\n";
    if let Some(seq) = entry {
        human += &ctx.say(Msg::RecordedAs {
            seq: seq.to_string().into(),
        });
        human.push('\n');
    }
    Output::new(
        human,
        json!({"out": out.display().to_string(), "files": files, "entry": entry}),
    )
}

pub fn vault(ctx: &Ctx, cmd: VaultCmd) -> Result<Option<Output>> {
    match cmd {
        VaultCmd::Info { mount } => {
            let h = vault::read_header(&mount)?;
            let b = &h.body;
            let slots: Vec<String> = b
                .slots
                .iter()
                .map(|sl| match sl {
                    vault::Slot::Recipient { person, role, .. } => {
                        format!("{person} ({})", format!("{role:?}").to_lowercase())
                    }
                    vault::Slot::Passphrase { .. } => ctx.say(Msg::PassphraseLower),
                })
                .collect();
            let marking = format!(
                "{}{} ({})",
                crate::report::Lang::Ja.protected_heading(b.classification.is_protected()),
                visible(&b.marking),
                b.classification.marking_ja()
            );
            let human = ctx.say(Msg::VaultInfo {
                vault: visible(&b.vault_id).to_string().into(),
                medium: visible(&b.medium).to_string().into(),
                org: visible(&b.org).to_string().into(),
                marking: marking.into(),
                cipher: b.cipher.name().into(),
                created: visible(&created(ctx, &b.created)).to_string().into(),
                slots: visible(&slots.join(", ")).to_string().into(),
            }) + "\n";
            Ok(Some(Output::new(
                human,
                json!({"header": b, "authenticated": false}),
            )))
        }
        VaultCmd::Verify(a) => {
            let (v, s) = open(ctx, &a.mount, &a.open, "vault verify")?;
            let total = v.files().iter().map(|f| f.size).sum();
            let pb = progress(ctx, total, &ctx.say(Msg::ProgressVerifying));
            let results = v.verify(&mut |n| pb.inc(n));
            pb.finish_and_clear();
            let bad: Vec<Text> = results
                .iter()
                .filter_map(|(n, r)| r.as_ref().err().map(|e| failed_file(n, e)))
                .collect();
            let mut human = String::new();
            for (n, r) in &results {
                let mark = match r {
                    Ok(_) => ctx.say(Msg::FileOk),
                    Err(_) => ctx.say(Msg::FileFailed),
                };
                human += &format!("{mark}  {n}\n");
            }
            human += &ctx.say(Msg::VerifySummary {
                n: results.len().to_string().into(),
                failed: bad.len().to_string().into(),
            });
            human.push('\n');
            let mut j = json!({
                "files": results.iter().map(|(n, r)| json!({"name": n, "ok": r.is_ok(), "error": r.as_ref().err().map(|e| e.to_string())})).collect::<Vec<_>>(),
                "failed": bad.len(),
            });
            match &s {
                Some(s) => show_notices(ctx, s.notices(), &mut j),
                None => with_writer(ctx, &v, &mut human, &mut j),
            }
            let failure = (!bad.is_empty()).then(|| {
                let mut all = bad.into_iter();
                let first = all.next().unwrap_or_else(|| Text::plain(""));
                Error::Vault(all.fold(first, |t, next| t.then("; ", next)))
            });
            Ok(Some(Output {
                human,
                json: j,
                failure,
            }))
        }
        VaultCmd::Erase { mount, auth } => {
            let mut s = ctx.session()?;
            let mut secrets = CliSecrets::new(auth.passphrase_file, None, None, None)?;
            let e = s.vault_erase(&mount, &auth.as_, &mut secrets)?;
            let medium = e.medium.as_ref().map(|m| m.0.clone()).unwrap_or_default();
            let human = ctx.say(Msg::CryptoErased {
                medium: medium.as_str().into(),
            }) + "\n";
            let mut j = json!({"medium": medium, "entry": e.seq, "wipe_required": true});
            show_notices(ctx, s.notices(), &mut j);
            Ok(Some(Output::new(human, j)))
        }
        VaultCmd::Rekey { mount, auth } => rekey(ctx, &mount, auth),
    }
}

fn rekey(
    ctx: &Ctx,
    mount: &std::path::Path,
    auth: super::args::ActorAuth,
) -> Result<Option<Output>> {
    let mut s = ctx.session()?;
    let mut secrets = CliSecrets::new(auth.passphrase_file, None, None, None)?;
    let done = s.vault_rekey(mount, &auth.as_, &mut secrets)?;
    let (human, mut j) = match done {
        crate::app::Rekeyed::Removed {
            entry,
            removed,
            readdressed,
        } => {
            let medium = entry
                .medium
                .as_ref()
                .map(|m| m.0.clone())
                .unwrap_or_default();
            let mut human = String::new();
            if !removed.is_empty() {
                let who = crate::report::text::visible(&ids(&removed)).to_string();
                human += &ctx.say(Msg::RekeyRemoved {
                    people: who.into(),
                    medium: medium.as_str().into(),
                    seq: entry.seq.to_string().into(),
                });
                human.push('\n');
            }
            if !readdressed.is_empty() {
                let who = crate::report::text::visible(&ids(&readdressed)).to_string();
                human += &ctx.say(Msg::RekeyReaddressed {
                    people: who.into(),
                    medium: medium.as_str().into(),
                    seq: entry.seq.to_string().into(),
                });
                human.push('\n');
            }
            (
                human,
                json!({"medium": medium, "entry": entry.seq, "removed": removed, "readdressed": readdressed}),
            )
        }
        crate::app::Rekeyed::Finished { entry } => (
            ctx.say(Msg::RekeyFinished {
                seq: entry.to_string().into(),
            }) + "\n",
            json!({"entry": entry, "removed": [], "finished": true}),
        ),
        crate::app::Rekeyed::NothingToRemove => (
            ctx.say(Msg::RekeyNothing) + "\n",
            json!({"entry": null, "removed": []}),
        ),
    };
    show_notices(ctx, s.notices(), &mut j);
    Ok(Some(Output::new(human, j)))
}

/// Person IDs as one comma-separated list.
pub(super) fn ids(people: &[crate::model::PersonId]) -> String {
    people
        .iter()
        .map(|p| p.0.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

/// Who signed the manifest, for a reader without a ledger: the fingerprint to compare with
/// the sender's out of band (format.md §5), since nothing else ties the vault to them.
fn writer_note(ctx: &Ctx, v: &Vault) -> (String, serde_json::Value) {
    let m = &v.manifest.body;
    let key = crate::crypto::PublicKey::from_hex(&m.writer_key)
        .map(|k| k.fingerprint().to_string())
        .ok();
    // JSON keeps the English placeholder, as scripts read it.
    let fingerprint = key
        .clone()
        .unwrap_or_else(|| Msg::UnreadableKey.to_string());
    (
        ctx.say(Msg::SignedBy {
            writer: m.writer.to_string().into(),
            fingerprint: match key {
                Some(k) => k.into(),
                None => Msg::UnreadableKey.into(),
            },
        }) + "\n",
        json!({"writer": m.writer, "writer_fingerprint": fingerprint}),
    )
}

/// Add the writer's fingerprint to an outside recipient's output.
fn with_writer(ctx: &Ctx, v: &Vault, human: &mut String, j: &mut serde_json::Value) {
    let (line, extra) = writer_note(ctx, v);
    human.push_str(&line);
    if let (Some(obj), serde_json::Value::Object(e)) = (j.as_object_mut(), extra) {
        obj.extend(e);
    }
}

/// One file's failure for the one-line error: without a second "integrity failure:" (the line
/// already says it) and without naming the file twice.
fn failed_file(name: &str, e: &Error) -> Text {
    match e {
        Error::Vault(m) if m.en().starts_with(&format!("{name}:")) => m.clone(),
        Error::Vault(m) => Text::plain(name).then(": ", m.clone()),
        e => Text::plain(name).then(": ", e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_rate_leaves_out_the_wait_before_the_first_step_and_its_bytes() {
        let t = Instant::now();
        let at = |ms| t + Duration::from_millis(ms);
        let mut c = RateClock::default();
        // Nothing yet: a passphrase wait, say.
        c.see(at(900), 0);
        assert_eq!(c.rate(Duration::from_millis(900), 0), 0);
        // The first 4 MB land at once after a second; until more come, the plain average.
        c.see(at(1000), 4_000_000);
        assert_eq!(c.rate(Duration::from_millis(1000), 4_000_000), 4_000_000);
        // 30 MB/s from then on, though the bar was drawn a second earlier.
        c.see(at(2000), 34_000_000);
        assert_eq!(c.rate(Duration::from_millis(2000), 34_000_000), 30_000_000);
        c.see(at(3000), 64_000_000);
        assert_eq!(c.rate(Duration::from_millis(3000), 64_000_000), 30_000_000);
    }
}
