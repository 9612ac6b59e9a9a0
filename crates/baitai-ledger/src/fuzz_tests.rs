//! Fuzzing of ledger rows as read back from the SQLite file: whoever can write the file chooses
//! every column, so decoding a row must give a typed error, never a panic.

use proptest::collection::vec;
use proptest::prelude::*;
use proptest::sample::select;

use super::store::{to_hash, RawEntry};
use baitai_core::error::ExitCode;
use baitai_core::model::{Body, Checkout};

/// A kind and payload that decode, and others that do not.
fn kind_and_payload() -> impl Strategy<Value = (String, String)> {
    let valid = Body::Checkout(Checkout {
        purpose: "設計図面の作成".into(),
    })
    .encode()
    .unwrap_or_default();
    prop_oneof![
        3 => Just(valid),
        1 => (
            select(vec!["medium.checkout", "person.revoke", "medium.wipe", "nope"]),
            ".{0,40}",
        )
            .prop_map(|(k, p)| (k.to_string(), p)),
        1 => (any::<String>(), any::<String>()),
    ]
}

fn stored_time() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => Just("2026-11-23T08:30:00.123456Z".to_string()),
        1 => any::<String>(),
        1 => "[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]{1,9})?Z?",
    ]
}

fn stored_hash() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![3 => vec(any::<u8>(), 32), 1 => vec(any::<u8>(), 0..70)]
}

#[test]
fn fuzz_ledger_rows() {
    let seq = prop_oneof![1i64..1000, any::<i64>(), Just(i64::MIN), Just(-1)];
    let row = (
        seq,
        stored_time(),
        kind_and_payload(),
        proptest::option::of(".{0,20}"),
        proptest::option::of(".{0,20}"),
        stored_hash(),
        stored_hash(),
    );
    crate::fuzz::run(
        "ledger_rows",
        1,
        row,
        |(seq, time, (kind, payload), medium, actor, prev_hash, hash)| {
            let raw = RawEntry {
                seq,
                time: time.clone(),
                kind: kind.clone(),
                medium,
                actor,
                payload: payload.clone(),
                prev_hash: prev_hash.clone(),
                hash: hash.clone(),
            };
            match raw.decode() {
                Ok(e) => {
                    prop_assert_eq!(&e.prev_hash[..], &prev_hash[..]);
                    prop_assert_eq!(&e.hash[..], &hash[..]);
                    prop_assert_eq!(Some(e.time), baitai_core::time::from_store(&time).ok());
                    prop_assert_eq!(Some(e.body), Body::decode(&kind, &payload).ok());
                    prop_assert_eq!(e.seq, seq as u64);
                }
                Err(err) => {
                    prop_assert_eq!(err.exit_code(), ExitCode::Integrity, "{}", err);
                    let whole = prev_hash.len() == 32 && hash.len() == 32;
                    let readable = baitai_core::time::from_store(&time).is_ok()
                        && Body::decode(&kind, &payload).is_ok();
                    prop_assert!(!(whole && readable), "a good row refused: {}", err);
                }
            }
            Ok(())
        },
    );
}

#[test]
fn fuzz_stored_hashes() {
    let input = (vec(any::<u8>(), 0..70), any::<i64>());
    crate::fuzz::run("stored_hashes", 1, input, |(bytes, seq)| {
        match to_hash(&bytes, seq) {
            Ok(h) => prop_assert_eq!(&h[..], &bytes[..]),
            Err(e) => {
                prop_assert!(bytes.len() != 32);
                prop_assert_eq!(e.exit_code(), ExitCode::Integrity);
            }
        }
        Ok(())
    });
}
