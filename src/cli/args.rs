//! The command surface of CLI.md as clap definitions.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

use crate::model::{DestroyMethod, Role};
use crate::report::{Format, Lang};

#[derive(Debug, Parser)]
#[command(
    name = "baitai",
    version,
    about = "Keeps protected information safe on portable media: a signed per-medium ledger (可搬記憶媒体管理簿)",
    after_help = "Exit codes: 0 ok · 1 other error · 2 usage · 3 refused by a rule · 4 authentication failed · 5 integrity failure (tampering, failed wipe verification) · 6 device problem · 130 interrupted"
)]
pub struct Cli {
    /// The SQLite ledger file [default: $XDG_DATA_HOME/baitai/ledger.db]
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
    /// Read the acting person's passphrase from FILE (`-` for stdin) instead of the terminal
    #[arg(long, value_name = "FILE")]
    pub passphrase_file: Option<PathBuf>,
}

#[derive(Debug, Args, Clone)]
pub struct ApproverAuth {
    /// The custodian who permits this (a second person; they sign too)
    #[arg(long, value_name = "CUSTODIAN")]
    pub approver: String,
    /// Read the approver's passphrase from FILE (`-` for stdin)
    #[arg(long, value_name = "FILE")]
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
    /// Default language of printouts
    #[arg(long, default_value = "ja")]
    pub lang: String,
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
    /// Revoke a person: they can no longer act; their history stays (admin only)
    Revoke(PersonRevokeArgs),
    /// Lift the lock that repeated failed passphrases put on a person (admin only)
    Unlock(PersonRevokeArgs),
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
    /// Read the new person's passphrase from FILE (`-` for stdin)
    #[arg(long, value_name = "FILE")]
    pub new_passphrase_file: Option<PathBuf>,
    #[command(flatten)]
    pub auth: ActorAuth,
}

#[derive(Debug, Args)]
pub struct PersonPasswdArgs {
    /// Whose passphrase (must be the acting person)
    pub person: String,
    /// Read the new passphrase from FILE (`-` for stdin)
    #[arg(long, value_name = "FILE")]
    pub new_passphrase_file: Option<PathBuf>,
    /// The admin who approves the new key (not needed when you are an admin)
    #[arg(long, value_name = "ADMIN")]
    pub approver: Option<String>,
    /// Read the approver's passphrase from FILE (`-` for stdin)
    #[arg(long, value_name = "FILE", requires = "approver")]
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

#[derive(Debug, Subcommand)]
pub enum MediumCmd {
    /// Register a medium and print its new number
    Register(RegisterArgs),
    /// List media with their state and holder
    List {
        /// Only media in this state (in-storage, in-use, carried-out, on-loan, lost, destroyed, transferred)
        #[arg(long)]
        state: Option<String>,
    },
    /// Show one medium's state, classification and entries
    Show {
        /// Medium number
        medium: String,
    },
    /// Print labels to stick on media: number, marking, organisation and a QR code of the
    /// number (text, or --format html for A4 sheets of 2 × 5 labels)
    Label(LabelArgs),
}

#[derive(Debug, Args)]
pub struct LabelArgs {
    /// Medium numbers, one label each, in this order
    #[arg(required_unless_present = "all", conflicts_with = "all")]
    pub media: Vec<String>,
    /// Every medium not destroyed or transferred
    #[arg(long)]
    pub all: bool,
    #[command(flatten)]
    pub out: PageOutputArgs,
}

#[derive(Debug, Args, Clone)]
pub struct ClassArgs {
    /// Confidentiality C1–C3 (機密性)
    #[arg(long = "class", value_name = "C1|C2|C3")]
    pub class: String,
    /// Integrity I1–I2 (完全性)
    #[arg(long, default_value = "I1", value_name = "I1|I2")]
    pub integrity: String,
    /// Availability A1–A2 (可用性)
    #[arg(long, default_value = "A1", value_name = "A1|A2")]
    pub availability: String,
    /// Handling restriction (取扱制限), free text
    #[arg(long)]
    pub restriction: Option<String>,
}

#[derive(Debug, Args, Clone)]
pub struct RegisterArgs {
    /// The block device of the medium (e.g. /dev/sdb); its identity is recorded
    #[arg(long, conflicts_with = "image", value_name = "DEV")]
    pub device: Option<PathBuf>,
    /// An image file standing in for the medium
    #[arg(long, value_name = "PATH")]
    pub image: Option<PathBuf>,
    /// Free-text label (what is written on the medium)
    #[arg(long)]
    pub label: Option<String>,
    #[command(flatten)]
    pub class: ClassArgs,
    #[command(flatten)]
    pub auth: ActorAuth,
}

#[derive(Debug, Args)]
pub struct ReceiveArgs {
    /// Who the medium came from
    #[arg(long)]
    pub from: String,
    #[command(flatten)]
    pub register: RegisterArgs,
}

#[derive(Debug, Args)]
pub struct CheckoutArgs {
    pub medium: String,
    /// 使用目的
    #[arg(long)]
    pub purpose: String,
    #[command(flatten)]
    pub auth: ActorAuth,
}

#[derive(Debug, Args)]
pub struct ReturnArgs {
    pub medium: String,
    /// Where the medium's file system is mounted: files found there are recorded (this can
    /// find data but never prove it gone)
    #[arg(long, value_name = "MOUNT", conflicts_with_all = ["device", "image"])]
    pub path: Option<PathBuf>,
    /// The medium's block device: every byte is read; all blank = verified clean
    #[arg(long, value_name = "DEV", conflicts_with = "image")]
    pub device: Option<PathBuf>,
    /// The medium's image file: every byte is read; all blank = verified clean
    #[arg(long, value_name = "PATH")]
    pub image: Option<PathBuf>,
    #[command(flatten)]
    pub auth: ActorAuth,
}

#[derive(Debug, Args)]
pub struct WipeArgs {
    pub medium: String,
    /// The medium's block device (e.g. /dev/sdb); it must not be mounted
    #[arg(
        long,
        value_name = "DEV",
        required_unless_present = "image",
        conflicts_with = "image"
    )]
    pub device: Option<PathBuf>,
    /// The medium's image file
    #[arg(long, value_name = "PATH")]
    pub image: Option<PathBuf>,
    /// zero: one pass of zeros; random: a seeded ChaCha20 stream (exposes counterfeit
    /// capacity); random-zero: both. Every pass is read back from the device.
    #[arg(long, value_enum, default_value = "zero")]
    pub method: crate::model::WipeMethod,
    /// Allow a block device that is neither removable nor on USB
    #[arg(long)]
    pub allow_fixed: bool,
    /// Do not ask to type the medium number (for scripts)
    #[arg(long)]
    pub yes: bool,
    #[command(flatten)]
    pub auth: ActorAuth,
}

#[derive(Debug, Args)]
pub struct DevicesArgs {
    /// Every block device with a medium in it, not only USB storage
    #[arg(long)]
    pub all: bool,
}

#[derive(Debug, Args)]
pub struct CarryOutArgs {
    pub medium: String,
    /// End of the carry-out period (YYYY-MM-DD, "YYYY-MM-DD HH:MM" or RFC 3339)
    #[arg(long)]
    pub until: String,
    #[arg(long)]
    pub destination: String,
    #[arg(long)]
    pub purpose: String,
    #[command(flatten)]
    pub auth: ActorAuth,
    #[command(flatten)]
    pub approver: ApproverAuth,
}

#[derive(Debug, Args)]
pub struct LoanArgs {
    pub medium: String,
    /// The borrower
    #[arg(long)]
    pub to: String,
    /// End of the loan period
    #[arg(long)]
    pub until: String,
    #[arg(long)]
    pub destination: String,
    #[arg(long)]
    pub purpose: String,
    #[command(flatten)]
    pub auth: ActorAuth,
    #[command(flatten)]
    pub approver: ApproverAuth,
}

#[derive(Debug, Args)]
pub struct CopyArgs {
    pub medium: String,
    /// What data is copied (複製する業務用データの内容)
    #[arg(long)]
    pub data: String,
    /// To whom (複製する相手方)
    #[arg(long)]
    pub to: String,
    #[arg(long)]
    pub purpose: String,
    #[command(flatten)]
    pub auth: ActorAuth,
    #[command(flatten)]
    pub approver: ApproverAuth,
}

#[derive(Debug, Args)]
pub struct TransferArgs {
    pub medium: String,
    /// The recipient (交付者名)
    #[arg(long)]
    pub to: String,
    #[arg(long)]
    pub purpose: String,
    #[command(flatten)]
    pub auth: ActorAuth,
    #[command(flatten)]
    pub approver: ApproverAuth,
}

#[derive(Debug, Args)]
pub struct DestroyArgs {
    pub medium: String,
    #[arg(long, value_enum)]
    pub method: DestroyMethod,
    /// The medium cannot be read, so its erasure cannot be verified: say why
    #[arg(long, value_name = "REASON")]
    pub unverifiable: Option<String>,
    #[command(flatten)]
    pub auth: ActorAuth,
    /// The witness (破棄立会者), who signs too
    #[arg(long)]
    pub witness: String,
    /// Read the witness's passphrase from FILE (`-` for stdin)
    #[arg(long, value_name = "FILE")]
    pub witness_passphrase_file: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct LostArgs {
    pub medium: String,
    /// What happened: where, when, how it was noticed
    #[arg(long)]
    pub circumstances: String,
    #[command(flatten)]
    pub auth: ActorAuth,
    /// Language of the incident report printed after the loss is recorded [default: the ledger's]
    #[arg(long, value_enum)]
    pub lang: Option<Lang>,
}

#[derive(Debug, Args, Clone)]
pub struct OutputArgs {
    /// Output format [default: text, or json with --json]
    #[arg(long, value_enum)]
    pub format: Option<Format>,
    /// Language of headings [default: the ledger's]
    #[arg(long, value_enum)]
    pub lang: Option<Lang>,
    /// Write to FILE instead of stdout
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    pub output: Option<PathBuf>,
}

/// `--format`, `--lang` and `-o` for printouts that are pages (labels, certificates), which
/// have no table to give as CSV.
#[derive(Debug, Args)]
pub struct PageOutputArgs {
    /// Output format [default: text, or json with --json]
    #[arg(long, value_enum)]
    pub format: Option<PageFormat>,
    /// Language of headings [default: the ledger's]
    #[arg(long, value_enum)]
    pub lang: Option<Lang>,
    /// Write to FILE instead of stdout
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    pub output: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum PageFormat {
    Text,
    Html,
    Json,
}

impl PageOutputArgs {
    /// The same choices in the form every printout's code takes.
    pub fn general(&self) -> OutputArgs {
        OutputArgs {
            format: self.format.map(|f| match f {
                PageFormat::Text => Format::Text,
                PageFormat::Html => Format::Html,
                PageFormat::Json => Format::Json,
            }),
            lang: self.lang,
            output: self.output.clone(),
        }
    }
}

#[derive(Debug, Subcommand)]
pub enum LedgerCmd {
    /// Print one medium's form (可搬記憶媒体管理簿, 別紙様式第2)
    Print {
        medium: String,
        #[command(flatten)]
        out: OutputArgs,
    },
    /// Check the hash chain, the rules and every signature; name the first bad entry
    Verify {
        /// The head hash an auditor kept earlier: also detects a truncated ledger
        #[arg(long, value_name = "HASH")]
        head: Option<String>,
        /// Check only the entries added since the last verify that passed (its checkpoint)
        #[arg(long)]
        incremental: bool,
        /// Accept a ledger whose identity is not the one first used at this path (after a
        /// deliberate re-creation or restore): it is verified whole and pinned in its place
        #[arg(long)]
        accept_new_ledger: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum ReportCmd {
    /// Every medium with its state and holder
    Inventory {
        #[command(flatten)]
        out: OutputArgs,
    },
    /// Media not back by the end of the working day, and loans or carry-outs past their period
    Overdue {
        /// Judge as of this time instead of now
        #[arg(long)]
        at: Option<String>,
        #[command(flatten)]
        out: OutputArgs,
    },
    /// 事故報告 (000 12): everything the ledger knows about a lost medium, ready to send
    Incidents {
        /// One medium, in any state; without it, every medium the ledger shows as lost
        medium: Option<String>,
        #[command(flatten)]
        out: OutputArgs,
    },
    /// 監査報告 (000 10(11)イ): every entry of a period by medium and by person, with `ledger verify`
    Audit {
        /// First day of the period (YYYY-MM-DD, "YYYY-MM-DD HH:MM" or RFC 3339), from its start
        #[arg(long)]
        from: String,
        /// Last day of the period, to its end
        #[arg(long)]
        to: String,
        #[command(flatten)]
        out: OutputArgs,
    },
    /// 消去証明書 / 破棄証明書: the certificate of a medium's wipe record or destruction
    /// (text, html or json)
    Certificate {
        /// Medium number
        medium: String,
        /// wipe or destruction [default: the kind of --entry; else destruction for a
        /// destroyed medium, wipe otherwise]
        #[arg(long, value_enum)]
        kind: Option<crate::report::certificate::CertificateKind>,
        /// The record's entry number [default: the medium's latest record of the kind]
        #[arg(long, value_name = "SEQ")]
        entry: Option<u64>,
        #[command(flatten)]
        out: PageOutputArgs,
    },
}

#[derive(Debug, Subcommand)]
pub enum InventoryCmd {
    /// Compare the media found in the store with the ledger: missing, unexpected and overdue
    /// media; the check is recorded as a signed entry (003 第4-1(3))
    Check(InventoryCheckArgs),
}

#[derive(Debug, Args)]
pub struct InventoryCheckArgs {
    /// Medium numbers found, comma-separated (`none` for an empty store); without it, read
    /// from stdin, one per line, as a barcode scanner types them
    #[arg(long, value_name = "MEDIUM[,MEDIUM...]")]
    pub present: Option<String>,
    /// Where the check was made (locker, safe, room)
    #[arg(long)]
    pub location: Option<String>,
    #[command(flatten)]
    pub auth: ActorAuth,
    #[command(flatten)]
    pub out: OutputArgs,
}

#[derive(Debug, Args)]
pub struct DemoArgs {
    /// Keep the demo's ledger and files in this new directory instead of a temporary one
    #[arg(long, value_name = "DIR")]
    pub keep: Option<PathBuf>,
    #[arg(long, value_enum)]
    pub lang: Option<Lang>,
}

#[derive(Debug, Args)]
pub struct PutArgs {
    /// Where the medium's file system is mounted
    pub mount: PathBuf,
    /// Files and directories to encrypt (directories recursively, keeping relative paths)
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
    /// The medium, for the first put (later puts read it from the vault)
    #[arg(long)]
    pub medium: Option<String>,
    /// Cipher for a new vault [default: aes-256-gcm]; an existing vault keeps its own
    #[arg(long, value_enum)]
    pub cipher: Option<crate::crypto::Cipher>,
    /// Replace files of the same name
    #[arg(long)]
    pub replace: bool,
    /// Also let an outside recipient open the new vault with the passphrase in FILE
    #[arg(long, value_name = "FILE")]
    pub recipient_passphrase_file: Option<PathBuf>,
    #[command(flatten)]
    pub auth: ActorAuth,
}

/// Who opens a vault: a person of the ledger, or an outside recipient's passphrase.
#[derive(Debug, Args, Clone)]
pub struct VaultOpener {
    /// The person opening the vault (ID or name); their key slot is used
    #[arg(
        long = "as",
        value_name = "PERSON",
        required_unless_present = "vault_passphrase_file"
    )]
    pub as_: Option<String>,
    /// Read the acting person's passphrase from FILE (`-` for stdin)
    #[arg(long, value_name = "FILE")]
    pub passphrase_file: Option<PathBuf>,
    /// Open with a recipient passphrase from FILE instead (outside recipients; no ledger)
    #[arg(long, value_name = "FILE", conflicts_with_all = ["as_", "passphrase_file"])]
    pub vault_passphrase_file: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct VaultReadArgs {
    pub mount: PathBuf,
    #[command(flatten)]
    pub open: VaultOpener,
}

#[derive(Debug, Args)]
pub struct GetArgs {
    pub mount: PathBuf,
    /// Files or directories to decrypt (all when none are named)
    pub names: Vec<String>,
    /// Directory to write them into
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    /// Replace files that already exist in --out
    #[arg(long)]
    pub overwrite: bool,
    #[command(flatten)]
    pub open: VaultOpener,
}

#[derive(Debug, Subcommand)]
pub enum VaultCmd {
    /// Authenticate every byte of every file and report per file
    Verify(VaultReadArgs),
    /// Show what the header says without any key: medium, marking, cipher, who can open it
    Info { mount: PathBuf },
    /// Crypto-erase: destroy the key slots (a full wipe is still required before reuse)
    Erase {
        mount: PathBuf,
        #[command(flatten)]
        auth: ActorAuth,
    },
    /// Remove revoked people's key slots from the vault of a medium in storage, and record it
    Rekey {
        mount: PathBuf,
        #[command(flatten)]
        auth: ActorAuth,
    },
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
