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
pub mod msg;
pub mod scope;
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
pub use scope::Scope;

/// Output formats shared by every printout.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "cli", derive(clap::ValueEnum))]
pub enum Format {
    /// Terminal text, aligned by display width (a CJK character takes two columns); the
    /// default.
    Text,
    /// One self-contained A4 page (or sheet of labels) to print: inline CSS, nothing fetched.
    Html,
    /// UTF-8 with a BOM and CRLF line ends, as Excel in Japan opens it; a field a spreadsheet
    /// would run as a formula gets a leading apostrophe.
    Csv,
    /// The printout's data as serialized, one document; the fields are documented on each
    /// printout's type.
    Json,
}
