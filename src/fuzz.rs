//! The runner behind every `fuzz_` property test: case counts from `BAITAI_FUZZ_CASES`, a
//! count of executions per property, and a watchdog that turns a hang into a failure.
//!
//! Included through `#[path]` by the unit tests of `baitai-ledger` and `baitai-media` and by
//! `tests/fuzz.rs`, so every test binary counts and bounds its cases the same way
//! (docs/security.md, "Fuzzing hostile input").

use std::cell::Cell;
use std::sync::mpsc::{channel, RecvTimeoutError};
use std::time::{Duration, Instant};

use proptest::strategy::Strategy;
use proptest::test_runner::{Config, TestCaseError, TestRunner};

/// Cases a cheap property runs when `BAITAI_FUZZ_CASES` is not set. Small enough that every
/// `fuzz_` test together stays well under a minute of `cargo test` on two cores.
pub const DEFAULT_CASES: u32 = 512;

/// The environment variable that sets the case count of a cheap property.
pub const CASES_VAR: &str = "BAITAI_FUZZ_CASES";

/// One case running this long is taken for an endless loop. Generous: a debug build on a busy
/// two-core machine runs the slowest case (a 200 KB object sealed and opened) in a tenth of a
/// second.
const HANG: Duration = Duration::from_secs(120);

/// Cases for a property costing about `cost` cheap ones: `BAITAI_FUZZ_CASES` (else
/// [`DEFAULT_CASES`]) divided by `cost`, at least one. Dividing keeps the expensive properties
/// (key derivation, signatures, threads) from dominating a long run.
pub fn cases(cost: u32) -> u32 {
    let base = std::env::var(CASES_VAR)
        .ok()
        .and_then(|v| v.trim().parse::<u32>().ok())
        .unwrap_or(DEFAULT_CASES);
    (base / cost.max(1)).max(1)
}

/// Run `test` on values drawn from `strategy` and panic with proptest's minimal failing input
/// if it fails or panics. Prints `fuzz <name>: <n> executions` (shrinking included) to stderr,
/// which `cargo test fuzz -- --nocapture` shows (docs/security.md sums them).
pub fn run<S: Strategy>(
    name: &str,
    cost: u32,
    strategy: S,
    test: impl Fn(S::Value) -> Result<(), TestCaseError>,
) {
    let config = Config {
        cases: cases(cost),
        // Failures print their minimal input; a regression file per property would only be
        // replayed by the proptest! macro, which these tests do not use.
        failure_persistence: None,
        ..Config::default()
    };
    let planned = config.cases;
    let mut runner = TestRunner::new(config);
    let executions = Cell::new(0u64);
    let (beat, heard) = channel::<()>();
    let label = name.to_string();
    let watchdog = std::thread::spawn(move || loop {
        match heard.recv_timeout(HANG) {
            Ok(()) => {}
            Err(RecvTimeoutError::Disconnected) => return,
            Err(RecvTimeoutError::Timeout) => {
                eprintln!(
                    "fuzz {label}: one case ran for over {} s: taken for a hang",
                    HANG.as_secs()
                );
                std::process::abort();
            }
        }
    });
    let started = Instant::now();
    let result = runner.run(&strategy, |value| {
        let _ = beat.send(());
        executions.set(executions.get() + 1);
        test(value)
    });
    drop(beat);
    let _ = watchdog.join();
    eprintln!(
        "fuzz {name}: {} executions ({planned} cases) in {:.2} s",
        executions.get(),
        started.elapsed().as_secs_f64()
    );
    if let Err(e) = result {
        panic!("fuzz {name}: {e}");
    }
}
