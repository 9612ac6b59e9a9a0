//! The arguments of the medium commands: register, receive, checkout, return, wipe, carry-out, loan, copy, transfer, destroy, lost.

use std::path::PathBuf;

use clap::{Args, Subcommand};

use super::{ActorAuth, ApproverAuth, PageOutputArgs};
use crate::model::DestroyMethod;
use crate::report::label::LabelSize;

#[derive(Debug, Subcommand)]
pub enum MediumCmd {
    /// Register a medium and print its new number
    Register(RegisterArgs),
    /// List media with their state and holder
    List {
        /// Only media in this state (in-storage, in-use, carried-out, on-loan, lost, destroyed, transferred)
        #[arg(long)]
        state: Option<String>,
        /// Only the media of this site (拠点)
        #[arg(long, value_parser = super::site, value_name = "CODE")]
        site: Option<crate::model::Site>,
    },
    /// Show one medium's state, classification and entries
    Show {
        /// Medium number
        medium: String,
    },
    /// Print labels to stick on media: number, marking, organisation and a QR code of the
    /// number (text, or --format html for A4 sheets: 2 × 5 large labels, or 7 × 20 small ones
    /// for USB sticks with --size small)
    Label(LabelArgs),
    /// 訂正: correct an earlier entry of a medium with a signed entry that names it (the
    /// original stays, struck through on the form)
    Correct(CorrectArgs),
}

#[derive(Debug, Args)]
pub struct CorrectArgs {
    /// Medium number
    pub medium: String,
    /// The ledger number of the entry to correct (`#N` in `medium show`)
    #[arg(long, value_name = "N")]
    pub entry: u64,
    /// What the entry says that is wrong (誤)
    #[arg(long)]
    pub wrong: String,
    /// What is right (正)
    #[arg(long)]
    pub right: String,
    /// Why it was wrong and how that was found (理由)
    #[arg(long)]
    pub reason: String,
    /// The medium held data that the corrected return's check did not record: it becomes
    /// data-present and must be wiped and verified before reuse
    #[arg(long)]
    pub data_present: bool,
    #[command(flatten)]
    pub auth: ActorAuth,
}

#[derive(Debug, Args)]
pub struct LabelArgs {
    /// Medium numbers, one label each, in this order
    #[arg(required_unless_present = "all", conflicts_with = "all")]
    pub media: Vec<String>,
    /// Every medium in storage or out (not lost, destroyed or transferred)
    #[arg(long)]
    pub all: bool,
    /// Label size, for --format html: small is 25 × 12 mm with a QR code, to stick on a USB
    /// stick (140 to an A4 sheet); large is 90 × 50 mm (10 to a sheet) [default: large]
    #[arg(long, value_enum, value_name = "small|large")]
    pub size: Option<LabelSize>,
    /// Leave the first N places of the first sheet empty, for a sheet partly used already
    /// (--format html)
    #[arg(long, value_name = "N")]
    pub skip: Option<usize>,
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
    /// The site that keeps it (保管場所), whose code then starts its number [default: the
    /// custodian's own site, if they have one]
    #[arg(long, value_parser = super::site, value_name = "CODE")]
    pub site: Option<crate::model::Site>,
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
    /// Read the witness's passphrase (or token PIN) from FILE (`-` for stdin)
    #[arg(long, value_name = "FILE", visible_alias = "witness-pin-file")]
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
}
