//! Media as devices: finding USB sticks and their identity, reading a whole medium past the
//! page cache, and the wipe with read-back verification (docs/wipe.md). On baitai-core only:
//! the wipe's caller says how to recognise a vault header left on a medium ([`wipe::HeaderShape`]).
//!
//! Linux only for now: on other targets (Windows) the crate is empty, and the commands that
//! need it say so in one line (docs/operations.md, "On Windows").
#![cfg(unix)]

pub mod device;
pub mod msg;
pub mod wipe;

// The fuzz runner every crate's unit tests share (docs/security.md, "Fuzzing hostile input").
#[cfg(test)]
#[path = "../../../src/fuzz.rs"]
mod fuzz;
