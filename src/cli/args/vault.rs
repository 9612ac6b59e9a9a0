//! The arguments of the vault commands: put, get, ls, verify, info, rekey.

use std::path::PathBuf;

use clap::{Args, Subcommand};

use super::ActorAuth;

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
