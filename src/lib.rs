//! baitai (媒体): encrypted vaults on portable media and the signed per-medium ledger (可搬記憶媒体管理簿).

pub mod app;
#[cfg(feature = "cli")]
pub mod cli;
#[cfg(feature = "cli")]
pub mod demo;
pub mod device;
pub mod hardening;
pub mod report;
pub mod wipe;

#[cfg(test)]
mod fuzz;

// The core crate's modules keep their paths here (`baitai::model`, `crate::model` inside).
pub use baitai_core::{crypto, error, files, lifecycle, model, time};
pub use baitai_ledger as ledger;
pub use baitai_vault as vault;

pub use error::{Error, ExitCode, Result};
