//! baitai (媒体): encrypted vaults on portable media and the signed per-medium ledger (可搬記憶媒体管理簿).

#[cfg(feature = "cli")]
pub mod cli;
pub mod hardening;

// src/fuzz.rs, the fuzz runner, is not a module of this crate: the member crates' unit tests
// and tests/fuzz.rs include it by path.

// The core crate's modules keep their paths here (`baitai::model`, `crate::model` inside).
pub use baitai_app as app;
pub use baitai_core::{crypto, error, files, lifecycle, model, time};
pub use baitai_ledger as ledger;
// Devices and wipes are Linux-only for now (issue 17); the app layer refuses them on Windows.
#[cfg(unix)]
pub use baitai_media::{device, wipe};
pub use baitai_report as report;
pub use baitai_vault as vault;

pub use error::{Error, ExitCode, Result};

#[cfg(test)]
mod catalogue_tests {
    use baitai_core::text::{catalogue_problems, Template};

    /// Every crate's catalogue of messages: each message in both languages, naming the same
    /// values in each, and no two names for one message anywhere in the workspace.
    #[test]
    fn every_message_has_both_languages_and_one_name() {
        #[allow(unused_mut)]
        let mut all: Vec<&[Template]> = [
            baitai_core::msg::TEMPLATES,
            baitai_app::msg::TEMPLATES,
            baitai_ledger::msg::TEMPLATES,
            baitai_report::msg::TEMPLATES,
            baitai_vault::msg::TEMPLATES,
        ]
        .concat();
        // The media crate is empty off Unix.
        #[cfg(unix)]
        all.extend(baitai_media::msg::TEMPLATES);
        #[cfg(feature = "cli")]
        all.extend(crate::cli::msg::TEMPLATES);
        let problems = catalogue_problems(&all);
        assert!(problems.is_empty(), "{}", problems.join("\n"));
    }
}
