//! Typed errors for every layer, each mapped to one documented exit code.

use std::fmt;

use crate::text::{Localized, Text};
use crate::words::Lang;

/// The documented exit codes (CLI.md, "Exit codes").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExitCode {
    /// The command did what was asked.
    Ok = 0,
    /// A file-system, database or internal error (`Io`, `Db`, `Other`).
    Other = 1,
    /// The command was given bad arguments or is missing something it needs, such as the ledger
    /// file.
    Usage = 2,
    /// A lifecycle or people rule refused the act; nothing was recorded.
    Refused = 3,
    /// A wrong passphrase, a revoked person, or a key that does not match the ledger.
    Auth = 4,
    /// The ledger or a vault fails its checks, or a wipe's read-back differs from what was written.
    Integrity = 5,
    /// A device could not be used, is not the registered one, or failed during I/O.
    Device = 6,
    /// Stopped by Ctrl-C (128 + SIGINT), after recording what was done.
    Interrupted = 130,
}

/// The rules that can refuse an act, each with a short stable name (shown as `refused (NAME)`
/// and in JSON as `rule`). An enum, so a rule cannot be misspelt and every one is listed here.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Rule {
    /// The device is already registered as a medium that is neither destroyed nor transferred.
    AlreadyRegistered,
    /// The act needs an admin's approval that was not given.
    Approval,
    /// A failed passphrase attempt is recorded only against the person who failed.
    AuthFailure,
    /// The system clock is behind the last signed entry, so a new entry would go back in time.
    Clock,
    /// The medium is destroyed or transferred: nothing more can be recorded for it.
    Closed,
    /// A correction names no earlier entry of its medium, names a correction, or would make
    /// the medium's state less strict.
    Correction,
    /// No active custodian exists to hold the vault's escrow slot.
    Escrow,
    /// An exception's end names no exception, or one already ended, or is reported by someone
    /// other than its applicant or an admin; or a grant leaves a field empty.
    Exception,
    /// The medium is out with someone other than the actor.
    Holder,
    /// A wipe record whose result does not follow from its own passes.
    InconsistentRecord,
    /// A ledger already exists or is already initialised, is not initialised yet, or its first
    /// entry is not made by its first admin, P0001.
    Init,
    /// Revoking this person would leave the ledger without an active admin.
    LastAdmin,
    /// The medium is already reported lost.
    Lost,
    /// The entry does not name who made it.
    NoActor,
    /// The entry must name a medium and does not, or names one where it must not.
    NoMedium,
    /// A file in the vault, or a file in the output directory, would be replaced without
    /// `--replace` or `--overwrite`.
    NoOverwrite,
    /// A wipe's end is recorded for a medium with no wipe in progress.
    NoWipeStarted,
    /// A copy is recorded for a medium that is not at a carry-out or loan destination.
    NotAtDestination,
    /// A transfer starts neither from storage nor from the medium's holder.
    NotInHand,
    /// The act (an erase, a re-key) needs the medium back in storage.
    NotInStorage,
    /// The act needs the medium to be out (checked out, carried out or lent) and it is not.
    NotOut,
    /// A person tries to change someone else's passphrase.
    OwnPassphrase,
    /// The period given ends before it starts, or its end is not a time.
    Period,
    /// A new person's ID is not the next one in order.
    PersonId,
    /// A re-key removes no slot, or a slot of someone not revoked.
    Rekey,
    /// The medium may not be used again until it is wiped and verified clean.
    ReuseGate,
    /// The person is revoked and can no longer act, or is revoked already.
    Revoked,
    /// The actor lacks the role the act needs, or a person would be added without a role.
    Role,
    /// A person would approve or witness their own act (the two-person rule).
    SeparationOfDuties,
    /// A medium of a site whose number does not start with the site's code.
    SiteNumber,
    /// Extracting a file would write through a symbolic link.
    Symlink,
    /// A person of a role the ledger requires tokens for signs with a passphrase-sealed key,
    /// or a token setting or move is malformed (issue 21).
    TokenRequired,
    /// A person's name is already used by another person.
    UniqueName,
    /// The medium number is already registered.
    UniqueNumber,
    /// No medium has this number.
    UnknownMedium,
    /// No person has this ID.
    UnknownPerson,
    /// The medium already holds a vault.
    VaultExists,
    /// A destruction before a verified wipe showed the data cannot be restored, with no reason
    /// given why the medium cannot be checked.
    VerifyBeforeDestroy,
    /// The medium failed wipe verification: it cannot be trusted with data and must be destroyed.
    WipeFailed,
    /// The wipe record does not match the wipe that was started (who, or how many bytes).
    WipeMismatch,
}

impl Rule {
    /// The rule's stable name, as printed in `refused (NAME)` and returned as `rule` in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Rule::AlreadyRegistered => "already-registered",
            Rule::Approval => "approval",
            Rule::AuthFailure => "auth-failure",
            Rule::Clock => "clock",
            Rule::Closed => "closed",
            Rule::Correction => "correction",
            Rule::Escrow => "escrow",
            Rule::Exception => "exception",
            Rule::Holder => "holder",
            Rule::InconsistentRecord => "inconsistent-record",
            Rule::Init => "init",
            Rule::LastAdmin => "last-admin",
            Rule::Lost => "lost",
            Rule::NoActor => "no-actor",
            Rule::NoMedium => "no-medium",
            Rule::NoOverwrite => "no-overwrite",
            Rule::NoWipeStarted => "no-wipe-started",
            Rule::NotAtDestination => "not-at-destination",
            Rule::NotInHand => "not-in-hand",
            Rule::NotInStorage => "not-in-storage",
            Rule::NotOut => "not-out",
            Rule::OwnPassphrase => "own-passphrase",
            Rule::Period => "period",
            Rule::PersonId => "person-id",
            Rule::Rekey => "rekey",
            Rule::ReuseGate => "reuse-gate",
            Rule::Revoked => "revoked",
            Rule::Role => "role",
            Rule::SeparationOfDuties => "separation-of-duties",
            Rule::SiteNumber => "site-number",
            Rule::TokenRequired => "token-required",
            Rule::Symlink => "symlink",
            Rule::UniqueName => "unique-name",
            Rule::UniqueNumber => "unique-number",
            Rule::UnknownMedium => "unknown-medium",
            Rule::UnknownPerson => "unknown-person",
            Rule::VaultExists => "vault-exists",
            Rule::VerifyBeforeDestroy => "verify-before-destroy",
            Rule::WipeFailed => "wipe-failed",
            Rule::WipeMismatch => "wipe-mismatch",
        }
    }
}

impl fmt::Display for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl PartialEq<&str> for Rule {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl serde::Serialize for Rule {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

/// A rule of the medium lifecycle or of the people model that refused an act.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    /// The rule, e.g. `Rule::ReuseGate` (`reuse-gate`).
    pub rule: Rule,
    /// Why, in words a custodian understands.
    pub reason: Text,
}

impl Refusal {
    /// A refusal under `rule`, with the reason a custodian reads.
    pub fn new(rule: Rule, reason: impl Into<Text>) -> Self {
        Refusal {
            rule,
            reason: reason.into(),
        }
    }
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.in_lang(Lang::En))
    }
}

impl Refusal {
    /// The refusal in `lang`: `refused (RULE): reason`, the rule's name as it is in both.
    pub fn in_lang(&self, lang: Lang) -> String {
        let reason = self.reason.in_lang(lang);
        Msg::Refused {
            rule: self.rule.as_str().into(),
            reason: reason.into(),
        }
        .in_lang(lang)
    }
}

/// Everything that can go wrong in baitai; [`Error::exit_code`] says how the command exits.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Bad arguments or a missing prerequisite, with what to do instead (exit 2).
    #[error("{0}")]
    Usage(Text),
    /// A rule refused the act (exit 3).
    #[error("{0}")]
    Refused(Refusal),
    /// Authentication failed (exit 4): a wrong passphrase, a revoked person, a key that does not
    /// match the ledger.
    #[error("{0}")]
    Auth(Text),
    /// The ledger fails its checks or holds malformed data (exit 5): it may have been tampered
    /// with.
    #[error("{}", self.in_lang(Lang::En))]
    Integrity(Text),
    /// A vault on a medium that is damaged or was altered: the ledger is not in question.
    #[error("{}", self.in_lang(Lang::En))]
    Vault(Text),
    /// A device could not be opened, is not the registered one, or failed during I/O (exit 6).
    #[error("{}", self.in_lang(Lang::En))]
    Device(Text),
    /// A wipe's read-back found bytes that differ from what was written.
    #[error("{}", self.in_lang(Lang::En))]
    WipeFailed(Text),
    /// The operator stopped the command with Ctrl-C or SIGTERM (exit 130), after what was done
    /// was recorded.
    #[error("{}", self.in_lang(Lang::En))]
    Interrupted(Text),
    /// A file-system operation failed (exit 1).
    #[error("{context}: {source}")]
    Io {
        /// What was being done, e.g. `read /path`.
        context: Text,
        /// The operating system's error.
        #[source]
        source: std::io::Error,
    },
    /// An SQLite operation on the ledger failed (exit 1).
    #[error("{}", self.in_lang(Lang::En))]
    Db {
        /// What was being done, e.g. `append an entry`.
        context: Text,
        /// SQLite's error.
        #[source]
        source: rusqlite::Error,
    },
    /// The connection to the ledger server was lost as an append committed, and the server
    /// could not be asked whether it recorded it (exit 1): whatever depends on the entry must be
    /// left as if it had been, since it may have.
    #[error("{0}")]
    OutcomeUnknown(Text),
    /// Anything else, including internal errors (exit 1).
    #[error("{0}")]
    Other(Text),
}

impl Error {
    /// The exit code this error makes the command return.
    pub fn exit_code(&self) -> ExitCode {
        match self {
            Error::Usage(_) => ExitCode::Usage,
            Error::Refused(_) => ExitCode::Refused,
            Error::Auth(_) => ExitCode::Auth,
            Error::Integrity(_) | Error::Vault(_) => ExitCode::Integrity,
            Error::Device(_) => ExitCode::Device,
            Error::WipeFailed(_) => ExitCode::Integrity,
            Error::Interrupted(_) => ExitCode::Interrupted,
            Error::Io { .. } | Error::Db { .. } | Error::OutcomeUnknown(_) | Error::Other(_) => {
                ExitCode::Other
            }
        }
    }

    /// A second line telling the user what to do next, where one helps (in English).
    pub fn hint(&self) -> Option<String> {
        self.hint_in(Lang::En)
    }

    /// The hint in `lang`.
    pub fn hint_in(&self, lang: Lang) -> Option<String> {
        let m = match self {
            Error::Db { source, .. } if is_busy(source) => Msg::HintBusy,
            Error::Integrity(_) => Msg::HintIntegrity,
            Error::Vault(_) => Msg::HintVault,
            Error::WipeFailed(_) => Msg::HintWipeFailed,
            Error::Interrupted(_) => Msg::HintInterrupted,
            _ => return None,
        };
        Some(m.in_lang(lang))
    }

    /// The error's one line in `lang` (`Display` gives it in English).
    pub fn in_lang(&self, lang: Lang) -> String {
        let t = |t: &Text| t.in_lang(lang);
        let m = match self {
            Error::Usage(x) | Error::Auth(x) | Error::OutcomeUnknown(x) | Error::Other(x) => {
                return t(x)
            }
            Error::Refused(r) => return r.in_lang(lang),
            Error::Integrity(x) | Error::Vault(x) => Msg::Integrity { what: x.clone() },
            Error::Device(x) => Msg::Device { what: x.clone() },
            Error::WipeFailed(x) => Msg::WipeFailed { what: x.clone() },
            Error::Interrupted(x) => Msg::Interrupted { what: x.clone() },
            Error::Io { context, source } => return format!("{}: {source}", t(context)),
            Error::Db { context, source } => Msg::Db {
                context: context.clone(),
                source: source.to_string().into(),
            },
        };
        m.in_lang(lang)
    }

    /// The message this error carries, without the prefix its kind adds.
    pub fn text(&self) -> Text {
        match self {
            Error::Usage(x)
            | Error::Auth(x)
            | Error::OutcomeUnknown(x)
            | Error::Other(x)
            | Error::Integrity(x)
            | Error::Vault(x)
            | Error::Device(x)
            | Error::WipeFailed(x)
            | Error::Interrupted(x) => x.clone(),
            Error::Refused(r) => r.reason.clone(),
            Error::Io { .. } | Error::Db { .. } => Text::from(self),
        }
    }

    /// A [`Error::Usage`] with this message.
    pub fn usage(msg: impl Into<Text>) -> Self {
        Error::Usage(msg.into())
    }

    /// A [`Error::Refused`] by `rule`, for `reason`.
    pub fn refused(rule: Rule, reason: impl Into<Text>) -> Self {
        Error::Refused(Refusal::new(rule, reason))
    }

    /// A converter for `map_err` that wraps an I/O error with what was being done.
    pub fn io(context: impl Into<Text>) -> impl FnOnce(std::io::Error) -> Error {
        let context = context.into();
        move |source| Error::Io { context, source }
    }

    /// A converter for `map_err` that wraps an SQLite error with what was being done.
    pub fn db(context: impl Into<Text>) -> impl FnOnce(rusqlite::Error) -> Error {
        let context = context.into();
        move |source| Error::Db { context, source }
    }
}

fn is_busy(e: &rusqlite::Error) -> bool {
    matches!(
        e,
        rusqlite::Error::SqliteFailure(f, _)
            if f.code == rusqlite::ErrorCode::DatabaseBusy
                || f.code == rusqlite::ErrorCode::DatabaseLocked
    )
}

impl From<Refusal> for Error {
    fn from(r: Refusal) -> Self {
        Error::Refused(r)
    }
}

/// Every fallible baitai function's result, with [`Error`] unless said otherwise.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// An error's rendered lines, kept when an error becomes the text of another.
#[derive(Debug)]
struct ErrorText(String, String);

impl crate::text::Localized for ErrorText {
    fn in_lang(&self, lang: Lang) -> String {
        match lang {
            Lang::En => self.0.clone(),
            Lang::Ja => self.1.clone(),
        }
    }
}

impl From<&Error> for Text {
    fn from(e: &Error) -> Self {
        Text::message(ErrorText(e.in_lang(Lang::En), e.in_lang(Lang::Ja)))
    }
}

impl From<Error> for Text {
    fn from(e: Error) -> Self {
        Text::from(&e)
    }
}

crate::messages! {
    pub(crate) enum Msg {
        Refused { rule, reason }: "拒否 ({rule}): {reason}", "refused ({rule}): {reason}";
        Integrity { what }: "完全性の検査で不合格: {what}", "integrity failure: {what}";
        Device { what }: "装置: {what}", "device: {what}";
        WipeFailed { what }: "消去の検証で不合格: {what}", "wipe verification failed: {what}";
        Interrupted { what }: "中断しました: {what}", "interrupted: {what}";
        Db { context, source }: "台帳データベースの{context}: {source}", "ledger database {context}: {source}";
        HintBusy: "別の baitai コマンドが台帳を長時間使用していました。もう一度実行してください",
            "another baitai command held the ledger for too long; try again";
        HintIntegrity: "詳しくは `baitai ledger verify` を実行してください。この台帳に新しい記録をしないでください。写しを保存し、監査担当者に知らせてください",
            "run `baitai ledger verify` for the full report; do not use this ledger for new entries; keep a copy and tell your auditor";
        HintVault: "媒体上の暗号化領域が破損しているか改ざんされています。媒体をそのまま保管し、管理者に知らせてください（台帳には影響ありません）",
            "the vault on the medium is damaged or was altered; keep the medium as it is and tell the custodian (the ledger is not affected)";
        HintWipeFailed: "媒体は書き込んだ内容を保持していません（故障又は偽装品）。`baitai destroy` で破棄してください",
            "the medium does not hold what is written to it (failing or counterfeit): destroy it with `baitai destroy`";
        HintInterrupted: "媒体は消去されていません。消去を最初からやり直し、最後まで完了させてください",
            "the medium is not clean: run the wipe again to completion";
    }
}
