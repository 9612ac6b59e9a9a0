//! How printouts are asked for: output file, format and language, and the ledger, report and inventory commands.

use std::path::PathBuf;

use clap::{Args, Subcommand};

use super::ActorAuth;
use crate::report::Format;

#[derive(Debug, Args, Clone)]
pub struct OutputArgs {
    /// Output format [default: text, or json with --json]
    #[arg(long, value_enum)]
    pub format: Option<Format>,
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
    /// Require the keys of people of these roles to be on a token (a signed setting; admin
    /// only): their acts signed with a passphrase-sealed key are refused from then on
    RequireToken {
        /// A role whose keys must be on a token; repeat for several
        #[arg(
            long = "role",
            value_enum,
            required_unless_present = "none",
            conflicts_with = "none"
        )]
        roles: Vec<crate::model::Role>,
        /// Lift the requirement: no role needs a token
        #[arg(long)]
        none: bool,
        #[command(flatten)]
        auth: ActorAuth,
    },
    /// Copy a ledger into a new SQLite file or an empty server ledger, either way, verifying
    /// the source before and the copy after (to move to a server, or to keep a year's ledger)
    Copy {
        /// The ledger to copy: an SQLite file or postgres://HOST:PORT/DB
        #[arg(long, value_name = "LEDGER")]
        from: PathBuf,
        /// Where to: a new SQLite file, or an empty ledger on a server
        #[arg(long, value_name = "LEDGER")]
        to: PathBuf,
    },
}

#[derive(Debug, Subcommand)]
pub enum ReportCmd {
    /// Every medium with its state and holder
    Inventory {
        /// Only the media of this site (拠点) [default: the whole organisation]
        #[arg(long, value_parser = super::site, value_name = "CODE")]
        site: Option<crate::model::Site>,
        #[command(flatten)]
        out: OutputArgs,
    },
    /// Media not back by the end of the working day, and loans or carry-outs past their period
    Overdue {
        /// Judge as of this time instead of now
        #[arg(long)]
        at: Option<String>,
        /// Only the media of this site (拠点) [default: the whole organisation]
        #[arg(long, value_parser = super::site, value_name = "CODE")]
        site: Option<crate::model::Site>,
        #[command(flatten)]
        out: OutputArgs,
    },
    /// 事故報告 (000 12): everything the ledger knows about a lost medium, ready to send
    Incidents {
        /// One medium, in any state; without it, every medium the ledger shows as lost
        medium: Option<String>,
        /// Only the lost media of this site (拠点) [default: the whole organisation]
        #[arg(long, value_parser = super::site, value_name = "CODE", conflicts_with = "medium")]
        site: Option<crate::model::Site>,
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
        /// Only the entries of this site's media and people (拠点) [default: the whole
        /// organisation]
        #[arg(long, value_parser = super::site, value_name = "CODE")]
        site: Option<crate::model::Site>,
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
