//! The ledger: an append-only, hash-chained, signed list of entries in an SQLite file or on a
//! PostgreSQL server, and queries over it.

pub mod chain;
pub mod checkpoint;
pub mod copy;
pub mod msg;
pub mod replica;
pub mod store;
pub mod trust;
pub mod verify;

#[cfg(test)]
mod fuzz_tests;

// The fuzz runner every crate's unit tests share (docs/security.md, "Fuzzing hostile input").
#[cfg(test)]
#[path = "../../../src/fuzz.rs"]
mod fuzz;

pub use chain::{Draft, StoredEntry, StoredSignature};
pub use checkpoint::{Checkpoint, Checkpoints};
pub use copy::{copy_ledger, Copied};
pub use store::{shown_location, Ledger, Writer};
pub use trust::{Anchors, Verified};
pub use verify::{VerifyFailure, VerifyReport};
