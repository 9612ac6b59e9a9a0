//! `ledger copy`: one ledger into a new, empty one, between SQLite files and servers either
//! way (issue 16), so an office can move to a server and the security office can keep a
//! year's ledger as a file that verifies on its own (000 13(2)). The source is verified whole
//! before anything is written, and the copy after, to the same head.

use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::store::{is_server_url, shown_location};
use crate::Ledger;
use baitai_core::error::{Error, Result};

/// What a copy moved, and the head both ledgers verify to.
#[derive(Debug, Clone, Serialize)]
pub struct Copied {
    /// Where the ledger was copied from (a server without its password).
    pub from: String,
    /// Where it was copied to.
    pub to: String,
    /// Entries copied: all of the source's.
    pub entries: u64,
    /// People's sealed signing keys copied.
    pub keys: u64,
    /// The hash of the last entry (hex), the same in both.
    pub head: String,
}

/// Copy the ledger at `from` into `to`: a new SQLite file (refused if one exists; written
/// beside it under another name and renamed into place once it verifies) or an empty server
/// ledger (refused if it holds entries; one transaction). A source that does not verify is
/// refused with exit 5 before anything is written.
pub fn copy_ledger(from: &Path, to: &Path) -> Result<Copied> {
    let src = Ledger::open_read_only(from)?;
    let checked = src.verify()?;
    if let Some(f) = &checked.failure {
        return Err(Error::Integrity(format!(
            "{} fails verification at entry {} ({}); nothing was copied",
            shown_location(from),
            f.seq,
            f.reason
        )));
    }
    let head = checked
        .head
        .clone()
        .ok_or_else(|| Error::usage(format!("{} holds no entries", shown_location(from))))?;
    let keys = if is_server_url(to) {
        Ledger::open(to)?.import_rows(&src)?
    } else {
        into_new_file(&src, to)?
    };
    let copy = Ledger::open_read_only(to)?.verify()?;
    if copy.failure.is_some() || copy.head.as_deref() != Some(head.as_str()) {
        return Err(Error::Integrity(format!(
            "the copy at {} does not verify to the source's head {head}",
            shown_location(to)
        )));
    }
    Ok(Copied {
        from: shown_location(from),
        to: shown_location(to),
        entries: checked.entries,
        keys,
        head,
    })
}

/// The rows into a file made beside `to`, renamed into place once written and closed, so an
/// interrupted copy never leaves a partial ledger under the real name.
fn into_new_file(src: &Ledger, to: &Path) -> Result<u64> {
    if to.exists() {
        return Err(Error::usage(format!(
            "{} already exists: a copy goes into a new file",
            to.display()
        )));
    }
    let partial = partial_path(to);
    // A partial copy left by an interrupted run is ours to replace.
    remove_partial(&partial);
    let keys = {
        let mut dst = Ledger::create(&partial)?;
        dst.import_rows(src)
    };
    let keys = match keys {
        Ok(keys) => keys,
        Err(e) => {
            remove_partial(&partial);
            return Err(e);
        }
    };
    if to.exists() {
        remove_partial(&partial);
        return Err(Error::usage(format!(
            "{} appeared while copying: it was left alone",
            to.display()
        )));
    }
    std::fs::rename(&partial, to)
        .map_err(Error::io(format!("rename the copy to {}", to.display())))?;
    Ok(keys)
}

fn partial_path(to: &Path) -> PathBuf {
    let mut name = to.as_os_str().to_owned();
    name.push(".copying");
    PathBuf::from(name)
}

fn remove_partial(partial: &Path) {
    for ext in ["", "-wal", "-shm"] {
        let mut p = partial.as_os_str().to_owned();
        p.push(ext);
        let _ = std::fs::remove_file(PathBuf::from(p));
    }
}
