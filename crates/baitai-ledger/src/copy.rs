//! `ledger copy`: one ledger into a new, empty one, between SQLite files and servers either
//! way (issue 16), so an office can move to a server and the security office can keep a
//! year's ledger as a file that verifies on its own (000 13(2)). The source is verified whole
//! before anything is written, and the copy after, to the same head.

use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::store::{is_server_url, remove_sqlite_files, shown_location};
use crate::Ledger;
use baitai_core::error::{Error, Result};

use crate::msg::{num, path as shown, Msg};

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
    let opened = Ledger::open_read_only(from)?;
    // What is verified is what is copied: a server's rows fetched once, and both the check and
    // the copy read one snapshot of them (or of the file), so nothing can change in between.
    let mut src = match opened.fresh_server_copy()? {
        Some(fresh) => fresh,
        None => opened,
    };
    src.begin_snapshot()?;
    let checked = src.verify()?;
    if let Some(f) = &checked.failure {
        return Err(Error::Integrity(
            Msg::CopySourceFails {
                from: shown_location(from).into(),
                seq: num(f.seq),
                reason: f.reason.clone(),
            }
            .into(),
        ));
    }
    let head = checked.head.clone().ok_or_else(|| {
        Error::usage(Msg::CopySourceEmpty {
            from: shown_location(from).into(),
        })
    })?;
    let keys = if is_server_url(to) {
        let keys = Ledger::open(to)?.import_rows(&src)?;
        check_copy(to, &head)?;
        keys
    } else {
        into_new_file(&src, to, &head)?
    };
    Ok(Copied {
        from: shown_location(from),
        to: shown_location(to),
        entries: checked.entries,
        keys,
        head,
    })
}

/// The copy at `at` verifies whole, to the source's `head`.
fn check_copy(at: &Path, head: &str) -> Result<()> {
    let copy = Ledger::open_read_only(at)?.verify()?;
    if copy.failure.is_some() || copy.head.as_deref() != Some(head) {
        return Err(Error::Integrity(
            Msg::CopyDoesNotVerify {
                at: shown_location(at).into(),
                head: head.into(),
            }
            .into(),
        ));
    }
    Ok(())
}

/// The rows into a file made beside `to`, verified there, and renamed into place only then, so
/// an interrupted or failed copy never leaves a ledger under the real name.
fn into_new_file(src: &Ledger, to: &Path, head: &str) -> Result<u64> {
    if to.exists() {
        return Err(Error::usage(Msg::CopyTargetExists { path: shown(to) }));
    }
    let partial = partial_path(to);
    // A partial copy left by an interrupted run is ours to replace.
    remove_sqlite_files(&partial);
    let copied = Ledger::create(&partial)
        .and_then(|mut dst| dst.import_rows(src))
        .and_then(|keys| check_copy(&partial, head).map(|()| keys));
    let keys = match copied {
        Ok(keys) => keys,
        Err(e) => {
            remove_sqlite_files(&partial);
            return Err(e);
        }
    };
    if to.exists() {
        remove_sqlite_files(&partial);
        return Err(Error::usage(Msg::CopyTargetAppeared { path: shown(to) }));
    }
    std::fs::rename(&partial, to).map_err(Error::io(Msg::RenameCopy { path: shown(to) }))?;
    remove_sqlite_files(&partial);
    Ok(keys)
}

fn partial_path(to: &Path) -> PathBuf {
    let mut name = to.as_os_str().to_owned();
    name.push(".copying");
    PathBuf::from(name)
}
