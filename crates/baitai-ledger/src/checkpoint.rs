//! Verify checkpoints: where the last passing `ledger verify` of a ledger ended, kept in the
//! verifying user's own state directory, outside the ledger file.
//!
//! Whoever can write the ledger file cannot move a checkpoint kept elsewhere, so a later verify
//! can tell that entries were removed from the end, or the chain rewritten, since it last
//! passed, and `--incremental` can trust the entries up to it.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use baitai_core::error::{Error, Result};
use baitai_core::text::Text;

use crate::msg::{path as shown, Msg};

/// The end of a verify that passed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Checkpoint {
    /// The last entry verified.
    pub seq: u64,
    /// Its hash (hex).
    pub hash: String,
    /// When (RFC 3339, UTC).
    pub verified_at: String,
}

/// The checkpoint file: one checkpoint per ledger, keyed by the hash of the ledger's first
/// entry (which names the ledger whatever its path).
pub struct Checkpoints {
    path: PathBuf,
}

impl Checkpoints {
    /// `$XDG_STATE_HOME/baitai/verified.json`, else `%LOCALAPPDATA%\\baitai\\verified.json` on
    /// Windows, else `~/.local/state/baitai/verified.json`.
    pub fn default_location() -> Option<Checkpoints> {
        let state = baitai_core::files::user_dir("XDG_STATE_HOME", ".local/state")?;
        Some(Checkpoints::at(state.join("verified.json")))
    }

    /// The checkpoint file at `path`, wherever that is (the default location is one such path).
    pub fn at(path: PathBuf) -> Checkpoints {
        Checkpoints { path }
    }

    /// Where the checkpoint file is (whether or not it exists yet).
    pub fn path(&self) -> &Path {
        &self.path
    }

    fn read(&self) -> Result<BTreeMap<String, Checkpoint>> {
        read_map(&self.path, Msg::WhatVerifyCheckpoints)
    }

    /// The checkpoint kept for the ledger whose first entry has hash `ledger_id`, if a verify of it
    /// ever passed; a missing file means none.
    pub fn get(&self, ledger_id: &str) -> Result<Option<Checkpoint>> {
        Ok(self.read()?.remove(ledger_id))
    }

    /// Record `cp` for the ledger, replacing the file atomically.
    pub fn put(&self, ledger_id: &str, cp: Checkpoint) -> Result<()> {
        let mut all = self.read()?;
        all.insert(ledger_id.to_string(), cp);
        write_map(&self.path, &all, Msg::WhatCheckpoints)
    }
}

/// A JSON object of one value per key, or an empty one when the file does not exist yet.
fn read_map<V: serde::de::DeserializeOwned>(path: &Path, what: Msg) -> Result<BTreeMap<String, V>> {
    match std::fs::read(path) {
        Ok(raw) => serde_json::from_slice(&raw).map_err(|e| {
            Error::usage(Msg::StateUnreadable {
                what: what.into(),
                path: shown(path),
                cause: e.to_string().into(),
            })
        }),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(BTreeMap::new()),
        Err(e) => Err(Error::Io {
            context: Msg::ReadPath { path: shown(path) }.into(),
            source: e,
        }),
    }
}

/// Replace the file whole (its directory made first).
fn write_map<V: Serialize>(path: &Path, all: &BTreeMap<String, V>, what: Msg) -> Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).map_err(Error::io(baitai_core::msg::Msg::IoCreate {
        path: shown(dir),
    }))?;
    let text = serde_json::to_vec_pretty(all).map_err(|e| {
        Error::Other(
            Msg::Encode {
                what: Text::from(what),
                cause: e.to_string().into(),
            }
            .into(),
        )
    })?;
    baitai_core::files::write_atomic(path, &text)
}

/// Which ledger was found at each path the first time this user opened it (trust on first
/// use), kept beside the checkpoints: a ledger rebuilt from scratch, or swapped for another,
/// under the same path then has a different identity and is refused.
pub struct Pins {
    path: PathBuf,
}

impl Pins {
    /// `pins.json` beside the checkpoint file.
    pub fn beside(store: &Checkpoints) -> Pins {
        let dir = store.path.parent().unwrap_or(Path::new("."));
        Pins {
            path: dir.join("pins.json"),
        }
    }

    /// Where the pin file is (whether or not it exists yet).
    pub fn path(&self) -> &Path {
        &self.path
    }

    fn read(&self) -> Result<BTreeMap<String, String>> {
        read_map(&self.path, Msg::WhatLedgerPins)
    }

    /// The identity pinned for the ledger at `ledger_path`, if any.
    pub fn get(&self, ledger_path: &str) -> Result<Option<String>> {
        Ok(self.read()?.remove(ledger_path))
    }

    /// Pin `ledger_id` to `ledger_path`, replacing the file atomically.
    pub fn put(&self, ledger_path: &str, ledger_id: &str) -> Result<()> {
        let mut all = self.read()?;
        if all.get(ledger_path).map(String::as_str) == Some(ledger_id) {
            return Ok(());
        }
        all.insert(ledger_path.to_string(), ledger_id.to_string());
        write_map(&self.path, &all, Msg::WhatLedgerPins)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_per_ledger_and_garbage_is_a_clear_error() {
        let d = tempfile::tempdir().unwrap();
        let store = Checkpoints::at(d.path().join("state/baitai/verified.json"));
        assert_eq!(store.get("a").unwrap(), None);
        let cp = |seq| Checkpoint {
            seq,
            hash: "ab".repeat(32),
            verified_at: "2026-11-23T00:00:00Z".into(),
        };
        store.put("a", cp(5)).unwrap();
        store.put("b", cp(7)).unwrap();
        store.put("a", cp(9)).unwrap();
        assert_eq!(store.get("a").unwrap(), Some(cp(9)));
        assert_eq!(store.get("b").unwrap(), Some(cp(7)));
        std::fs::write(store.path(), "{not json").unwrap();
        let e = store.get("a").unwrap_err().to_string();
        assert!(e.contains("unreadable"), "{e}");
    }
}
