//! The integration tests, one binary with a module per feature: each drives the real `baitai`
//! binary (or the library) against a temporary ledger. Tests that need a process of their own
//! stay apart: `tests/fuzz.rs` (its own allocator), `tests/loopdev.rs` (root, loop devices),
//! `tests/render.rs` (a browser).

mod common;
mod qr;

mod bad_input;
mod certificates;
mod concurrency;
mod copy;
mod corrections;
mod crash;
mod exceptions;
mod fixtures;
mod inventory;
mod japanese;
mod labels;
mod lifecycle;
mod names;
mod prompts;
mod refusals;
mod reports;
mod roles;
mod server_drop;
mod shell;
mod sites;
mod smoke;
mod tamper;
mod token;
mod trust;
mod vault;
mod wipe;
mod world;
