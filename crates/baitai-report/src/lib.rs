//! Printouts: the 別紙様式第2 form, labels, the inventory, overdue and stock-take lists, the
//! incident and audit reports and certificates, in text, CSV, JSON and HTML.
//!
//! Each printout is a module that builds its data from a `Session` and renders it in one file
//! per format; what they share (page shell, tables, CSV, sizes and times, entry lines) is in
//! `kit`, and their words are in `baitai_core::words`.

pub mod audit;
pub mod certificate;
pub mod form;
pub mod incident;
pub(crate) mod kit;
pub mod label;
pub mod lists;
pub mod stocktake;

// The lower crates' modules keep the paths they had when the printouts lived in the root crate.
use baitai_app as app;
use baitai_core::{crypto, error, lifecycle, model, time};
use baitai_ledger as ledger;

pub use baitai_core::words::Lang;
pub(crate) use baitai_core::words::Word;
pub use form::Form;
pub use kit::units::human_bytes;
pub use kit::{device_labels, device_summary, json_doc, text};

/// Output formats shared by every printout.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "cli", derive(clap::ValueEnum))]
pub enum Format {
    Text,
    Html,
    Csv,
    Json,
}
