//! The command-line front end: parse, call the app layer, print human text or one JSON document.

mod args;
#[cfg(unix)]
mod demo;
mod exceptions;
mod inventory;
mod labels;
mod media;
pub(crate) mod msg;
mod people;
mod reports;
mod secrets;
mod shell;
mod vault;
#[cfg(unix)]
mod wipe;

use std::io::Write;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicU8, Ordering};
use std::sync::OnceLock;

use clap::Parser;
use serde_json::{json, Value};

use args::Cli;
use args::Command;
pub use secrets::CliSecrets;

use crate::app::{LoginNotice, Session};
use crate::error::{Error, ExitCode, Result};
use crate::report::Lang;
use baitai_core::text::Text;
use baitai_core::words::Word;
use msg::Msg;

/// What a command produced: text for people and a JSON value for scripts.
pub(crate) struct Output {
    pub human: String,
    pub json: Value,
    /// A failure to report after the output (e.g. `ledger verify` found a bad entry).
    pub failure: Option<Error>,
}

impl Output {
    pub fn new(human: impl Into<String>, json: Value) -> Self {
        Output {
            human: human.into(),
            json,
            failure: None,
        }
    }
}

/// Set once the JSON document is on stdout, so an error after it does not print a second one.
static JSON_EMITTED: AtomicBool = AtomicBool::new(false);

/// Global options every handler may need.
pub(crate) struct Ctx {
    pub ledger: PathBuf,
    pub json: bool,
    pub quiet: bool,
    pub verbose: bool,
    /// `--lang`: the language of messages and printouts both.
    pub lang: Option<Lang>,
    /// The ledger's own language, once a command has opened it.
    ledger_lang: OnceLock<Lang>,
}

impl Ctx {
    fn new(cli: &Cli) -> Ctx {
        let ctx = Ctx {
            ledger: cli.ledger.clone().unwrap_or_else(default_ledger),
            json: cli.json,
            quiet: cli.quiet,
            verbose: cli.verbose > 0,
            lang: cli.lang,
            ledger_lang: OnceLock::new(),
        };
        SCREEN.store(ctx.screen() as u8, Ordering::SeqCst);
        ctx
    }

    pub fn session(&self) -> Result<Session> {
        Session::open(&self.ledger).inspect(|s| self.learn_lang(s))
    }

    /// For commands that only read the ledger.
    pub fn reader(&self) -> Result<Session> {
        Session::open_read_only(&self.ledger).inspect(|s| self.learn_lang(s))
    }

    /// Note the language of a ledger a command opened, for the messages that follow.
    pub fn learn_lang(&self, s: &Session) {
        self.learn_lang_code(&s.settings().lang);
    }

    /// Note a ledger's language by its code (`ja`, `en`), for commands that read a ledger
    /// without a session (`ledger verify`).
    pub fn learn_lang_code(&self, code: &str) {
        if let Ok(l) = Lang::parse(code) {
            let _ = self.ledger_lang.set(l);
        }
        SCREEN.store(self.screen() as u8, Ordering::SeqCst);
    }

    /// The language of messages on the screen: `--lang`, else `$BAITAI_LANG`, else the
    /// ledger's language (once it is open), else the locale's (`LC_ALL`, `LC_MESSAGES`, `LANG`).
    pub fn screen(&self) -> Lang {
        self.lang
            .or_else(|| {
                std::env::var("BAITAI_LANG")
                    .ok()
                    .and_then(|v| Lang::parse(&v).ok())
            })
            .or_else(|| self.ledger_lang.get().copied())
            .unwrap_or_else(locale_lang)
    }

    /// The language of a printout: `--lang`, else the ledger's.
    pub fn printout(&self, s: &Session) -> Result<Lang> {
        match self.lang {
            Some(l) => Ok(l),
            None => Lang::parse(&s.settings().lang),
        }
    }

    /// A catalogued message in the screen's language.
    pub fn say(&self, t: impl Into<Text>) -> String {
        t.into().in_lang(self.screen())
    }
}

/// The screen's language as the running command last learnt it, for code that has no
/// [`Ctx`] at hand (the passphrase prompts, asked from inside the app layer).
static SCREEN: AtomicU8 = AtomicU8::new(Lang::En as u8);

/// The screen's language (see [`Ctx::screen`]) where no [`Ctx`] is at hand.
pub(crate) fn screen() -> Lang {
    if SCREEN.load(Ordering::SeqCst) == Lang::Ja as u8 {
        Lang::Ja
    } else {
        Lang::En
    }
}

/// Japanese when the first locale variable that is set names it (`ja_JP.UTF-8`), else English.
fn locale_lang() -> Lang {
    ["LC_ALL", "LC_MESSAGES", "LANG"]
        .iter()
        .filter_map(|k| std::env::var(k).ok())
        .find(|v| !v.is_empty())
        .filter(|v| v.starts_with("ja"))
        .map_or(Lang::En, |_| Lang::Ja)
}

/// Parse arguments, run, print, and return the process exit code.
pub fn main() -> std::process::ExitCode {
    crate::hardening::harden();
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            // `--help`, `--version` and a bare `baitai` print clap's own text.
            if !e.use_stderr()
                || e.kind() == clap::error::ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand
            {
                let _ = e.print();
                let code = if e.use_stderr() { 2 } else { 0 };
                return std::process::ExitCode::from(code);
            }
            report_parse_error(&e);
            return std::process::ExitCode::from(ExitCode::Usage as u8);
        }
    };
    let json = cli.json;
    let ctx = Ctx::new(&cli);
    match run(&ctx, cli) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            report_error(
                &e,
                ctx.screen(),
                json && !JSON_EMITTED.load(Ordering::SeqCst),
            );
            std::process::ExitCode::from(e.exit_code() as u8)
        }
    }
}

/// The error line and its hint in `lang`; `--json`'s `error` stays English for scripts, and
/// its `message` is the line as shown.
fn report_error(e: &Error, lang: Lang, json: bool) {
    let msg = e.to_string().replace('\n', " ");
    let shown = e.in_lang(lang).replace('\n', " ");
    let mut err = std::io::stderr().lock();
    // Messages quote what a device or medium said about itself.
    let _ = writeln!(
        err,
        "baitai: {}: {}",
        lang.w(Word::Error),
        crate::report::text::visible(&shown)
    );
    if let Some(h) = e.hint_in(lang) {
        let _ = writeln!(err, "{}: {h}", lang.w(Word::Hint));
    }
    if json {
        let doc = json!({
            "ok": false,
            "exit_code": e.exit_code() as u8,
            "error": msg,
            "message": shown,
            "rule": match e { Error::Refused(r) => Some(r.rule), _ => None },
        });
        let _ = writeln!(std::io::stdout(), "{doc}");
    }
}

/// A clap parse error as the one `baitai: error:` line (and one hint) that CLI.md promises,
/// instead of clap's paragraphs; with `--json` anywhere before `--`, the JSON document too.
fn report_parse_error(e: &clap::Error) {
    let (msg, hint) = parse_error_lines(&e.render().to_string());
    let mut err = std::io::stderr().lock();
    let _ = writeln!(err, "baitai: error: {msg}");
    let _ = writeln!(err, "hint: {hint}");
    let json = std::env::args_os()
        .skip(1)
        .take_while(|a| a != "--")
        .any(|a| a == "--json");
    if json {
        let doc = json!({
            "ok": false,
            "exit_code": ExitCode::Usage as u8,
            "error": msg,
            "rule": null,
        });
        let _ = writeln!(std::io::stdout(), "{doc}");
    }
}

/// Clap's rendering is paragraphs: the message (maybe with indented detail), then perhaps a
/// tip, the usage line and "For more information, try '--help'.". The message becomes the
/// error line; the tip, else the usage, else the pointer to `--help` becomes the hint.
fn parse_error_lines(text: &str) -> (String, String) {
    let paragraphs: Vec<String> = text
        .split("\n\n")
        .map(|p| {
            p.lines()
                .map(str::trim)
                .filter(|l| !l.is_empty())
                .collect::<Vec<_>>()
                .join(" ")
        })
        .filter(|p| !p.is_empty())
        .collect();
    let msg = paragraphs
        .first()
        .map(|p| p.strip_prefix("error: ").unwrap_or(p).to_string())
        .unwrap_or_else(|| "cannot read the command line".to_string());
    let rest = paragraphs.get(1..).unwrap_or_default();
    let pick = |prefix: &str| rest.iter().find(|p| p.starts_with(prefix));
    let hint = match (pick("tip: "), pick("Usage: ")) {
        (Some(t), _) => t["tip: ".len()..].to_string(),
        (None, Some(u)) => format!("usage: {}", &u["Usage: ".len()..]),
        (None, None) => "for more information, try '--help'".to_string(),
    };
    (msg, hint)
}

pub(crate) fn default_ledger() -> PathBuf {
    crate::files::user_dir("XDG_DATA_HOME", ".local/share")
        .unwrap_or_else(|| PathBuf::from(".").join("baitai"))
        .join("ledger.db")
}

/// Lines of the library's `log` records on stderr, for `-v` (info) and `-vv` (debug). A
/// passphrase never reaches a log record: nothing logs one.
struct StderrLog;

impl log::Log for StderrLog {
    fn enabled(&self, m: &log::Metadata) -> bool {
        m.level() <= log::max_level() && m.target().starts_with("baitai")
    }

    fn log(&self, r: &log::Record) {
        if self.enabled(r.metadata()) {
            let line = format!("{}", r.args());
            eprintln!("baitai: {}", crate::report::text::visible(&line));
        }
    }

    fn flush(&self) {}
}

fn log_to_stderr(verbosity: u8) {
    static LOGGER: StderrLog = StderrLog;
    let level = match verbosity {
        0 => return,
        1 => log::LevelFilter::Info,
        _ => log::LevelFilter::Debug,
    };
    if log::set_logger(&LOGGER).is_ok() {
        log::set_max_level(level);
    }
}

pub(crate) fn run(ctx: &Ctx, cli: Cli) -> Result<()> {
    log_to_stderr(cli.verbose);
    if ctx.verbose {
        let path = crate::ledger::shown_location(&ctx.ledger).to_string();
        eprintln!("{}", ctx.say(Msg::VerboseLedger { path: path.into() }));
    }
    let out = match cli.command {
        Command::Init(a) => people::init(ctx, a)?,
        Command::Person(c) => people::person(ctx, c)?,
        Command::Medium(c) => media::medium(ctx, c)?,
        Command::Checkout(a) => media::checkout(ctx, a)?,
        Command::Return(a) => media::return_medium(ctx, a)?,
        Command::CarryOut(a) => media::carry_out(ctx, a)?,
        Command::Loan(a) => media::loan(ctx, a)?,
        Command::Copy(a) => media::copy(ctx, a)?,
        Command::Transfer(a) => media::transfer(ctx, a)?,
        Command::Receive(a) => media::receive(ctx, a)?,
        Command::Destroy(a) => media::destroy(ctx, a)?,
        Command::Lost(a) => media::lost(ctx, a)?,
        #[cfg(unix)]
        Command::Wipe(a) => wipe::wipe(ctx, a)?,
        #[cfg(unix)]
        Command::Devices(a) => wipe::devices(ctx, a)?,
        #[cfg(windows)]
        Command::Wipe(_) => return Err(crate::app::device::unavailable("wipe")),
        #[cfg(windows)]
        Command::Devices(_) => return Err(crate::app::device::unavailable("devices")),
        Command::Put(a) => vault::put(ctx, a)?,
        Command::Ls(a) => vault::ls(ctx, a)?,
        Command::Get(a) => vault::get(ctx, a)?,
        Command::Vault(c) => vault::vault(ctx, c)?,
        Command::Ledger(c) => reports::ledger(ctx, c)?,
        Command::Report(c) => reports::report(ctx, c)?,
        Command::Inventory(c) => inventory::run(ctx, c)?,
        Command::Exception(c) => exceptions::run(ctx, c)?,
        #[cfg(unix)]
        Command::Demo(a) => demo::run(ctx, a)?,
        // The demo registers and wipes an image medium.
        #[cfg(windows)]
        Command::Demo(_) => return Err(crate::app::device::unavailable("demo")),
        Command::Completions(a) => shell::completions(ctx, a)?,
        Command::Man(a) => shell::man(ctx, a)?,
    };
    emit(ctx, out)
}

fn emit(ctx: &Ctx, out: Option<Output>) -> Result<()> {
    let Some(out) = out else { return Ok(()) };
    let mut stdout = std::io::stdout().lock();
    let text = if ctx.json {
        JSON_EMITTED.store(true, Ordering::SeqCst);
        let mut doc = out.json;
        if let Value::Object(m) = &mut doc {
            m.entry("ok").or_insert(Value::Bool(out.failure.is_none()));
            if let Some(e) = &out.failure {
                m.insert("exit_code".into(), json!(e.exit_code() as u8));
                m.insert("error".into(), json!(e.to_string()));
            }
        }
        format!("{doc:#}\n")
    } else {
        out.human
    };
    stdout
        .write_all(text.as_bytes())
        .and_then(|_| stdout.flush())
        .or_else(ignore_broken_pipe)
        .map_err(Error::io(Msg::IoWriteStdout))?;
    match out.failure {
        Some(e) => Err(e),
        None => Ok(()),
    }
}

fn ignore_broken_pipe(e: std::io::Error) -> std::io::Result<()> {
    if e.kind() == std::io::ErrorKind::BrokenPipe {
        Ok(())
    } else {
        Err(e)
    }
}

/// A time of the ledger's zone (`2026-12-03T21:58:53+09:00`, as JSON keeps it) to the minute,
/// as every other time on the screen is shown (`2026-12-03 21:58`).
fn minutes(t: &str) -> String {
    match t.get(..16) {
        Some(day_and_minute) if t.as_bytes().get(10) == Some(&b'T') => {
            day_and_minute.replacen('T', " ", 1)
        }
        _ => t.to_string(),
    }
}

/// Tell each person who authenticated when they last acted and about failed attempts since
/// (004 2.1.1.1(j)(k)); in JSON mode the notices go into the document instead.
pub(crate) fn show_notices(ctx: &Ctx, notices: &[LoginNotice], json: &mut Value) {
    if ctx.json {
        if let Value::Object(m) = json {
            m.insert("notices".into(), json!(notices));
        }
        return;
    }
    if ctx.quiet {
        return;
    }
    let mut err = std::io::stderr().lock();
    for n in notices {
        let last = match (&n.last_use, &n.last_use_kind) {
            (Some(t), Some(k)) => {
                // English keeps the entry's kind as the ledger names it (`checkout`).
                let lang = ctx.screen();
                let kind = match (lang, Word::act(k)) {
                    (Lang::Ja, Some(w)) => lang.w(w),
                    _ => k.as_str(),
                };
                ctx.say(Msg::LastUse {
                    time: minutes(t).into(),
                    kind: kind.into(),
                })
            }
            _ => ctx.say(Msg::FirstUse),
        };
        let _ = writeln!(err, "{} ({}): {last}", n.name, n.person);
        if !n.failed_attempts.is_empty() {
            let _ = writeln!(
                err,
                "{}",
                ctx.say(Msg::FailedAttempts {
                    n: n.failed_attempts.len().to_string().into(),
                    person: n.person.to_string().into(),
                    times: n
                        .failed_attempts
                        .iter()
                        .map(|t| minutes(t))
                        .collect::<Vec<_>>()
                        .join(", ")
                        .into(),
                })
            );
        }
    }
}
