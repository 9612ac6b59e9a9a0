//! baitai (媒体): encrypted vaults on portable media and the signed per-medium ledger (可搬記憶媒体管理簿).

pub mod app;
#[cfg(feature = "cli")]
pub mod cli;
pub mod crypto;
#[cfg(feature = "cli")]
pub mod demo;
pub mod device;
pub mod error;
pub mod files;
pub mod hardening;
pub mod ledger;
pub mod lifecycle;
pub mod model;
pub mod report;
pub mod time;
pub mod vault;
pub mod wipe;

#[cfg(test)]
mod fuzz;

pub use error::{Error, ExitCode, Result};
