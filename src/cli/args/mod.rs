//! The command surface of CLI.md as clap definitions.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

use crate::model::Role;
use crate::report::Lang;

mod media;
mod output;
mod vault;

pub use media::*;
pub use output::*;
pub use vault::*;

#[derive(Debug, Parser)]
#[command(
    name = "baitai",
    version,
    about = "Keeps protected information safe on portable media: a signed per-medium ledger (可搬記憶媒体管理簿)",
    after_help = "Exit codes: 0 ok · 1 other error · 2 usage · 3 refused by a rule · 4 authentication failed · 5 integrity failure (tampering, failed wipe verification) · 6 device problem · 130 interrupted"
)]
pub struct Cli {
    /// The ledger: an SQLite file, or a ledger server as postgres://HOST:PORT/DB (password in
    /// PGPASSWORD) [default: $XDG_DATA_HOME/baitai/ledger.db; on Windows
    /// %LOCALAPPDATA%\baitai\ledger.db]
    #[arg(long, global = true, env = "BAITAI_LEDGER", value_name = "PATH")]
    pub ledger: Option<PathBuf>,
    /// Machine-readable output: one JSON document on stdout
    #[arg(long, global = true)]
    pub json: bool,
    /// More detail on stderr: -v what baitai decides (verification start, direct-I/O
    /// fallback, waits for other writers), -vv also the probes (mounts, devices)
    #[arg(short, long, global = true, conflicts_with = "quiet", action = clap::ArgAction::Count)]
    pub verbose: u8,
    /// Only errors on stderr
    #[arg(short, long, global = true)]
    pub quiet: bool,
    /// Language of messages and printouts [default: messages in $BAITAI_LANG, else the
    /// ledger's language, else the locale's; printouts in the ledger's]
    #[arg(long, global = true, value_enum)]
    pub lang: Option<Lang>,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Create a new ledger with its settings and first admin (P0001)
    Init(InitArgs),
    /// Add, list, show and revoke people; change a passphrase
    #[command(subcommand)]
    Person(PersonCmd),
    /// Register, list and show media
    #[command(subcommand)]
    Medium(MediumCmd),
    /// 使用: a handler takes a medium out of storage for their own use
    Checkout(CheckoutArgs),
    /// 返却: a custodian receives a medium back and records the data check
    Return(ReturnArgs),
    /// 持出し: carry a medium out of the premises, with a custodian's permission
    CarryOut(CarryOutArgs),
    /// 貸出し: lend a medium to a borrower, with a custodian's permission
    Loan(LoanArgs),
    /// 複製: record a copy of business data made at the destination, with permission
    Copy(CopyArgs),
    /// 交付: hand a medium over for good, with a custodian's permission
    Transfer(TransferArgs),
    /// Register a medium received from outside (it must be checked before use)
    Receive(ReceiveArgs),
    /// 破棄: record physical destruction by an executor in front of a witness
    Destroy(DestroyArgs),
    /// 紛失: report a medium lost
    Lost(LostArgs),
    /// 消去: overwrite every byte of a medium and verify it by reading it back
    Wipe(WipeArgs),
    /// List attached USB storage media (with --all, every block device)
    Devices(DevicesArgs),
    /// Encrypt files onto a medium's vault (MOUNT/BAITAI/)
    Put(PutArgs),
    /// List the files in a medium's vault
    Ls(VaultReadArgs),
    /// Decrypt files from a medium's vault into --out
    Get(GetArgs),
    /// Check, describe or crypto-erase a medium's vault
    #[command(subcommand)]
    Vault(VaultCmd),
    /// Print or verify the ledger
    #[command(subcommand)]
    Ledger(LedgerCmd),
    /// Reports: inventory, overdue, incidents (000 12), audit (000 10(11)イ), certificates
    #[command(subcommand)]
    Report(ReportCmd),
    /// 在庫確認: check the media store against the ledger and record the check
    #[command(subcommand)]
    Inventory(InventoryCmd),
    /// 例外措置: exceptions to a rule, granted by an admin for a period (004 1.2.1.3)
    #[command(subcommand)]
    Exception(ExceptionCmd),
    /// Run a complete lifecycle on a temporary ledger and print the resulting form
    Demo(DemoArgs),
    /// Print a shell completion script (needs no ledger)
    Completions(CompletionsArgs),
    /// Print the manual page, or write one page per command into a directory (needs no ledger)
    Man(ManArgs),
}

/// The acting person's passphrase source.
#[derive(Debug, Args, Clone)]
pub struct ActorAuth {
    /// The acting person (ID or unique name); they sign the entry
    #[arg(long = "as", value_name = "PERSON")]
    pub as_: String,
    /// Read the acting person's passphrase from FILE (`-` for stdin) instead of the terminal;
    /// for a person whose key is on a token, the token's PIN (`--pin-file` says the same)
    #[arg(long, value_name = "FILE", visible_alias = "pin-file")]
    pub passphrase_file: Option<PathBuf>,
}

#[derive(Debug, Args, Clone)]
pub struct ApproverAuth {
    /// The custodian who permits this (a second person; they sign too)
    #[arg(long, value_name = "CUSTODIAN")]
    pub approver: String,
    /// Read the approver's passphrase (or token PIN) from FILE (`-` for stdin)
    #[arg(long, value_name = "FILE", visible_alias = "approver-pin-file")]
    pub approver_passphrase_file: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct InitArgs {
    /// Organisation name, printed on every form
    #[arg(long)]
    pub org: String,
    /// Name of the first admin (becomes P0001)
    #[arg(long)]
    pub admin: String,
    /// The admin's affiliation (所属)
    #[arg(long)]
    pub affiliation: String,
    /// Time zone for showing and reading times
    #[arg(long, default_value = "Asia/Tokyo")]
    pub timezone: String,
    /// Prefix of medium numbers: PREFIX-YEAR-0001
    #[arg(long, default_value = "USB")]
    pub medium_prefix: String,
    /// End of the working day (HH:MM): media in use are due back by then
    #[arg(long, default_value = "18:00")]
    pub day_end: String,
    /// Read the admin's new passphrase from FILE (`-` for stdin)
    #[arg(long, value_name = "FILE")]
    pub passphrase_file: Option<PathBuf>,
    /// Cheap key derivation for tests and demos only; recorded in the ledger
    #[arg(long, hide = true)]
    pub insecure_fast_kdf: bool,
}

#[derive(Debug, Subcommand)]
pub enum PersonCmd {
    /// Add a person with roles and a passphrase (admin only)
    Add(PersonAddArgs),
    /// Change your own passphrase and replace your key pair (an admin approves unless you are one)
    Passwd(PersonPasswdArgs),
    /// List everyone, including revoked people
    List,
    /// Show one person, with their last use and failed attempts
    Show {
        /// ID (P0003) or unique name
        person: String,
    },
    /// Move your key to a PKCS#11 token: a new key pair on it, approved by an admin
    Token(PersonTokenArgs),
    /// Revoke a person: they can no longer act; their history stays (admin only)
    Revoke(PersonRevokeArgs),
    /// Lift the lock that repeated failed passphrases put on a person (admin only)
    Unlock(PersonRevokeArgs),
    /// Change a person's roles: the roles given are all they hold from then on (admin only,
    /// never one's own)
    Roles(PersonRolesArgs),
}

#[derive(Debug, Subcommand)]
pub enum ExceptionCmd {
    /// Record an exception the applicant (--as) asked for and an admin (--approver) approved;
    /// both sign. It ends on its own at --until
    Grant(ExceptionGrantArgs),
    /// Report the end of an exception (its applicant or an admin)
    End(ExceptionEndArgs),
    /// List every exception with its status now (in-force, not-begun, expired, ended)
    List,
}

#[derive(Debug, Args)]
pub struct ExceptionGrantArgs {
    /// The regulation and clause it departs from (規程名と条項)
    #[arg(long)]
    pub clause: String,
    /// What it covers: media, places, people
    #[arg(long)]
    pub scope: String,
    /// When it starts (YYYY-MM-DD, "YYYY-MM-DD HH:MM" or RFC 3339, in the ledger's zone)
    #[arg(long)]
    pub from: String,
    /// When it ends on its own (a bare date is the end of that day)
    #[arg(long)]
    pub until: String,
    /// What is done instead (代替措置)
    #[arg(long)]
    pub measures: String,
    /// How its end will be reported (終了時の報告方法)
    #[arg(long)]
    pub end_report: String,
    /// Why it is needed (理由)
    #[arg(long)]
    pub reason: String,
    #[command(flatten)]
    pub auth: ActorAuth,
    /// The admin who approves it (許可権限者; not the applicant; they sign too)
    #[arg(long, value_name = "ADMIN")]
    pub approver: String,
    /// Read the approver's passphrase from FILE (`-` for stdin)
    #[arg(long, value_name = "FILE")]
    pub approver_passphrase_file: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct ExceptionEndArgs {
    /// The ledger number of the exception's grant (see `exception list`)
    pub grant: u64,
    /// The end report: what was done, and that the usual rule applies again
    #[arg(long)]
    pub report: String,
    #[command(flatten)]
    pub auth: ActorAuth,
}

#[derive(Debug, Args)]
pub struct PersonRolesArgs {
    /// Who (ID or unique name)
    pub person: String,
    /// Role(s) they hold from now on; repeat for several
    #[arg(long = "role", value_enum, required = true)]
    pub roles: Vec<Role>,
    #[command(flatten)]
    pub auth: ActorAuth,
}

#[derive(Debug, Args)]
pub struct PersonAddArgs {
    /// The person's name (unique in this ledger)
    pub name: String,
    /// Their affiliation (所属)
    #[arg(long)]
    pub affiliation: String,
    /// Role(s); repeat for several
    #[arg(long = "role", value_enum, required = true)]
    pub roles: Vec<Role>,
    /// The site they belong to (拠点), a short code like TKY; without it, the whole organisation
    #[arg(long, value_parser = site, value_name = "CODE")]
    pub site: Option<crate::model::Site>,
    /// Read the new person's passphrase from FILE (`-` for stdin)
    #[arg(long, value_name = "FILE", conflicts_with = "token")]
    pub new_passphrase_file: Option<PathBuf>,
    /// Make their key on a PKCS#11 token (module: BAITAI_PKCS11_MODULE) instead of sealing
    /// it under a passphrase
    #[arg(long)]
    pub token: bool,
    #[command(flatten)]
    pub new_token: TokenArgs,
    #[command(flatten)]
    pub auth: ActorAuth,
}

/// Which token a new key is made on, and its PIN.
#[derive(Debug, Args, Clone)]
pub struct TokenArgs {
    /// The token's label [default: the only token present]
    #[arg(long, value_name = "LABEL")]
    pub token_label: Option<String>,
    /// Use the existing key pair with this CKA_ID (hex) instead of making one
    #[arg(long, value_name = "HEX")]
    pub token_key_id: Option<String>,
    /// Read the token's PIN from FILE (`-` for stdin)
    #[arg(long, value_name = "FILE")]
    pub token_pin_file: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct PersonTokenArgs {
    /// Whose key: the acting person's own [default: the --as person]
    pub person: Option<String>,
    /// The admin who approves the move
    #[arg(long, value_name = "ADMIN")]
    pub approver: String,
    /// Read the approver's passphrase (or token PIN) from FILE (`-` for stdin)
    #[arg(long, value_name = "FILE", visible_alias = "approver-pin-file")]
    pub approver_passphrase_file: Option<PathBuf>,
    #[command(flatten)]
    pub token: TokenArgs,
    #[command(flatten)]
    pub auth: ActorAuth,
}

#[derive(Debug, Args)]
pub struct PersonPasswdArgs {
    /// Whose passphrase: the acting person's own [default: the --as person]
    pub person: Option<String>,
    /// Read the new passphrase from FILE (`-` for stdin)
    #[arg(long, value_name = "FILE")]
    pub new_passphrase_file: Option<PathBuf>,
    /// The admin who approves the new key (not needed when you are an admin)
    #[arg(long, value_name = "ADMIN")]
    pub approver: Option<String>,
    /// Read the approver's passphrase (or token PIN) from FILE (`-` for stdin)
    #[arg(
        long,
        value_name = "FILE",
        requires = "approver",
        visible_alias = "approver-pin-file"
    )]
    pub approver_passphrase_file: Option<PathBuf>,
    #[command(flatten)]
    pub auth: ActorAuth,
}

#[derive(Debug, Args)]
pub struct PersonRevokeArgs {
    /// Who (ID or unique name)
    pub person: String,
    #[command(flatten)]
    pub auth: ActorAuth,
}

#[derive(Debug, Args)]
pub struct DemoArgs {
    /// Keep the demo's ledger and files in this new directory instead of a temporary one
    #[arg(long, value_name = "DIR")]
    pub keep: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell to complete for
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

#[derive(Debug, Args)]
pub struct ManArgs {
    /// Write baitai.1 and one page per command (baitai-checkout.1, …) into DIR instead
    #[arg(short = 'o', long = "output", value_name = "DIR")]
    pub output: Option<PathBuf>,
}

/// A site code as `--site` takes it (`tky` is `TKY`); a bad one is a usage error (exit 2).
pub fn site(code: &str) -> Result<crate::model::Site, String> {
    crate::model::Site::parse(code).map_err(|e| e.to_string())
}
