//! Typed errors for every layer, each mapped to one documented exit code.

use std::fmt;

/// The documented exit codes (CLI.md, "Exit codes").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExitCode {
    Ok = 0,
    Other = 1,
    Usage = 2,
    Refused = 3,
    Auth = 4,
    Integrity = 5,
    Device = 6,
    /// Stopped by Ctrl-C (128 + SIGINT), after recording what was done.
    Interrupted = 130,
}

/// The rules that can refuse an act, each with a short stable name (shown as `refused (NAME)`
/// and in JSON as `rule`). An enum, so a rule cannot be misspelt and every one is listed here.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Rule {
    AlreadyRegistered,
    Approval,
    AuthFailure,
    Clock,
    Closed,
    Escrow,
    Holder,
    InconsistentRecord,
    Init,
    LastAdmin,
    Lost,
    NoActor,
    NoMedium,
    NoOverwrite,
    NoWipeStarted,
    NotAtDestination,
    NotInHand,
    NotInStorage,
    NotOut,
    OwnPassphrase,
    Period,
    PersonId,
    Rekey,
    ReuseGate,
    Revoked,
    Role,
    SeparationOfDuties,
    Symlink,
    UniqueName,
    UniqueNumber,
    UnknownMedium,
    UnknownPerson,
    VaultExists,
    VerifyBeforeDestroy,
    WipeFailed,
    WipeMismatch,
}

impl Rule {
    pub fn as_str(self) -> &'static str {
        match self {
            Rule::AlreadyRegistered => "already-registered",
            Rule::Approval => "approval",
            Rule::AuthFailure => "auth-failure",
            Rule::Clock => "clock",
            Rule::Closed => "closed",
            Rule::Escrow => "escrow",
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
    pub reason: String,
}

impl Refusal {
    pub fn new(rule: Rule, reason: impl Into<String>) -> Self {
        Refusal {
            rule,
            reason: reason.into(),
        }
    }
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "refused ({}): {}", self.rule, self.reason)
    }
}

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{0}")]
    Usage(String),
    #[error("{0}")]
    Refused(Refusal),
    #[error("{0}")]
    Auth(String),
    #[error("integrity failure: {0}")]
    Integrity(String),
    /// A vault on a medium that is damaged or was altered: the ledger is not in question.
    #[error("integrity failure: {0}")]
    Vault(String),
    #[error("device: {0}")]
    Device(String),
    /// A wipe's read-back found bytes that differ from what was written.
    #[error("wipe verification failed: {0}")]
    WipeFailed(String),
    #[error("interrupted: {0}")]
    Interrupted(String),
    #[error("{context}: {source}")]
    Io {
        context: String,
        #[source]
        source: std::io::Error,
    },
    #[error("ledger database {context}: {source}")]
    Db {
        context: String,
        #[source]
        source: rusqlite::Error,
    },
    #[error("{0}")]
    Other(String),
}

impl Error {
    pub fn exit_code(&self) -> ExitCode {
        match self {
            Error::Usage(_) => ExitCode::Usage,
            Error::Refused(_) => ExitCode::Refused,
            Error::Auth(_) => ExitCode::Auth,
            Error::Integrity(_) | Error::Vault(_) => ExitCode::Integrity,
            Error::Device(_) => ExitCode::Device,
            Error::WipeFailed(_) => ExitCode::Integrity,
            Error::Interrupted(_) => ExitCode::Interrupted,
            Error::Io { .. } | Error::Db { .. } | Error::Other(_) => ExitCode::Other,
        }
    }

    /// A second line telling the user what to do next, where one helps.
    pub fn hint(&self) -> Option<String> {
        match self {
            Error::Db { source, .. } if is_busy(source) => {
                Some("another baitai command held the ledger for too long; try again".to_string())
            }
            Error::Integrity(_) => Some(
                "run `baitai ledger verify` for the full report; do not use this ledger for new entries; keep a copy and tell your auditor"
                    .to_string(),
            ),
            Error::Vault(_) => Some(
                "the vault on the medium is damaged or was altered; keep the medium as it is and tell the custodian (the ledger is not affected)"
                    .to_string(),
            ),
            Error::WipeFailed(_) => Some(
                "the medium does not hold what is written to it (failing or counterfeit): destroy it with `baitai destroy`"
                    .to_string(),
            ),
            Error::Interrupted(_) => {
                Some("the medium is not clean: run the wipe again to completion".to_string())
            }
            _ => None,
        }
    }

    pub fn usage(msg: impl Into<String>) -> Self {
        Error::Usage(msg.into())
    }

    pub fn refused(rule: Rule, reason: impl Into<String>) -> Self {
        Error::Refused(Refusal::new(rule, reason))
    }

    pub fn io(context: impl Into<String>) -> impl FnOnce(std::io::Error) -> Error {
        let context = context.into();
        move |source| Error::Io { context, source }
    }

    pub fn db(context: impl Into<String>) -> impl FnOnce(rusqlite::Error) -> Error {
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

pub type Result<T, E = Error> = std::result::Result<T, E>;
