//! baitai's core: the ledger's entry model, the lifecycle rules, cryptography, errors and
//! times. No storage, no devices, no command line: the ledger, the vault, the wipe and the
//! app layer build on it (docs/architecture.md, Layers).

#[cfg(windows)]
pub mod acl;
pub mod crypto;
pub mod error;
pub mod files;
pub mod lifecycle;
pub mod model;
pub mod msg;
pub mod text;
pub mod time;
pub mod units;
pub mod words;

pub use error::{Error, ExitCode, Result};
