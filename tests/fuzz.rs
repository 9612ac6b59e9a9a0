//! Fuzzing of every parser of outside bytes that the library's public API reaches: the vault
//! header, key slots, manifest and objects, ledger payloads, public and sealed keys,
//! signatures, KDF parameters, times, verify checkpoints and wipe seeds.
//!
//! Each `fuzz_` test feeds arbitrary bytes and structured mutations of valid input (bytes
//! flipped, cut, added, moved; length and version fields set to extremes) and checks: no
//! panic, a typed error, no allocation sized by a length field, a round trip for valid input,
//! and that a change to authenticated bytes is an error, never different content. The cases per
//! property come from `BAITAI_FUZZ_CASES` (docs/security.md, "Fuzzing hostile input").

#[path = "../src/fuzz.rs"]
mod fuzz;

use std::sync::OnceLock;

use baitai::crypto::aead::TAG_LEN;
use baitai::crypto::sealed::OpenError;
use baitai::crypto::{Cipher, KdfParams, Passphrase, PersonKey, PublicKey, SealedKey, Signature};
use baitai::ledger::{Checkpoint, Checkpoints};
use baitai::model::{
    self, AuthFailure, Body, ByteRange, CacheBypass, CarryOut, Checkout, Classification,
    DestroyMethod, DeviceIdentity, LedgerInit, Loan, Lost, MediaKind, NewKeys, PatternKind,
    PersonAdd, PersonId, PersonPasswd, PersonRef, Register, RequireToken, Return, ReturnCheck,
    Role, SignRole, TokenInfo, Transfer, VaultErase, VaultFile, VaultGet, Wipe, WipeMethod,
    WipePass, WipeResult, WipeStart,
};
use baitai::report::form::{check_text, wipe_text};
use baitai::report::{device_summary, human_bytes, Lang};
use baitai::time::{self, DayEnd};
use baitai::vault::format::{
    parse_id, HEADER_MAGIC, MANIFEST_MAGIC, MAX_HEADER_BODY, OBJECT_MAGIC, VERSION,
};
use baitai::vault::stream::{self, CHUNK, OBJECT_HEADER};
use baitai::vault::{
    names, DataKey, FileEntry, Header, HeaderBody, Manifest, ManifestBody, Slot, SlotRole,
};
use baitai::wipe::Seed;
use baitai::{Error, ExitCode};
use proptest::collection::vec;
use proptest::prelude::*;
use proptest::sample::{select, Index};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

/// Records the largest single allocation a closure makes on this thread, so a test can show
/// that a length field of 4 GiB was refused before anything of that size was allocated.
/// A global allocator is `unsafe` by its trait's contract; it only forwards to `System`.
#[allow(unsafe_code)]
mod probe {
    use std::alloc::{GlobalAlloc, Layout, System};
    use std::cell::Cell;

    pub struct Probe;

    thread_local! {
        // Const-initialised and without destructors, so the allocator can touch them at any
        // time without allocating itself.
        static ARMED: Cell<bool> = const { Cell::new(false) };
        static LARGEST: Cell<usize> = const { Cell::new(0) };
    }

    fn note(size: usize) {
        let _ = ARMED.try_with(|armed| {
            if armed.get() {
                let _ = LARGEST.try_with(|l| l.set(l.get().max(size)));
            }
        });
    }

    // SAFETY: every call is passed on unchanged to the system allocator.
    unsafe impl GlobalAlloc for Probe {
        unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
            note(layout.size());
            System.alloc(layout)
        }

        unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
            note(layout.size());
            System.alloc_zeroed(layout)
        }

        unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
            note(new_size);
            System.realloc(ptr, layout, new_size)
        }

        unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
            System.dealloc(ptr, layout)
        }
    }

    /// Run `f` and return its result with the largest single allocation it made here.
    pub fn largest<T>(f: impl FnOnce() -> T) -> (T, usize) {
        LARGEST.with(|l| l.set(0));
        ARMED.with(|a| a.set(true));
        let r = f();
        ARMED.with(|a| a.set(false));
        (r, LARGEST.with(|l| l.get()))
    }
}

#[global_allocator]
static PROBE: probe::Probe = probe::Probe;

#[test]
fn fuzz_allocation_probe_works() {
    // The bounds below mean something only if the probe sees what is allocated.
    let (v, largest) = probe::largest(|| vec![0u8; 3 << 20]);
    assert!(largest >= 3 << 20, "{largest}");
    let (_, none) = probe::largest(|| v.len());
    assert_eq!(none, 0);
}

/// The most a parser may allocate at once for an input of `n` bytes: proportional to what it
/// was given, never to what a field inside claims.
fn alloc_bound(n: usize) -> usize {
    2 * n + (64 << 10)
}

fn expect_code(e: &Error, allowed: &[ExitCode]) -> Result<(), TestCaseError> {
    let code = e.exit_code();
    prop_assert!(
        allowed.contains(&code),
        "unexpected {:?} error: {}",
        code,
        e
    );
    Ok(())
}

fn fail(what: &str, e: impl std::fmt::Display) -> TestCaseError {
    TestCaseError::fail(format!("{what}: {e}"))
}

// ---------------------------------------------------------------------------------------------
// Mutations

/// A change to a byte string.
#[derive(Debug, Clone)]
enum Mutation {
    Flip(Index, u8),
    Truncate(Index),
    Extend(Vec<u8>),
    Overwrite(Index, Vec<u8>),
    Move { from: Index, to: Index, len: usize },
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        4 => (any::<Index>(), 0u8..8).prop_map(|(i, bit)| Mutation::Flip(i, bit)),
        2 => any::<Index>().prop_map(Mutation::Truncate),
        2 => vec(any::<u8>(), 1..64).prop_map(Mutation::Extend),
        2 => (any::<Index>(), vec(any::<u8>(), 1..16)).prop_map(|(i, b)| Mutation::Overwrite(i, b)),
        1 => (any::<Index>(), any::<Index>(), 1usize..300)
            .prop_map(|(from, to, len)| Mutation::Move { from, to, len }),
    ]
}

impl Mutation {
    fn apply(&self, original: &[u8]) -> Vec<u8> {
        let mut b = original.to_vec();
        let n = b.len();
        match self {
            Mutation::Flip(i, bit) if n > 0 => b[i.index(n)] ^= 1 << bit,
            Mutation::Truncate(i) if n > 0 => b.truncate(i.index(n)),
            Mutation::Extend(more) => b.extend_from_slice(more),
            Mutation::Overwrite(i, bytes) if n > 0 => {
                let at = i.index(n);
                for (k, x) in bytes.iter().enumerate().take(n - at) {
                    b[at + k] = *x;
                }
            }
            Mutation::Move { from, to, len } if n > 0 => {
                let f = from.index(n);
                let len = (*len).min(n - f);
                let part: Vec<u8> = b.drain(f..f + len).collect();
                let t = to.index(b.len() + 1);
                b.splice(t..t, part);
            }
            _ => {}
        }
        b
    }
}

/// A change to a hex field of a slot or sealed key.
#[derive(Debug, Clone)]
enum HexEdit {
    Keep,
    Upper,
    Flip(Index, u8),
    Truncate(Index),
    Extend(Vec<u8>),
    Replace(String),
}

fn hex_edit() -> impl Strategy<Value = HexEdit> {
    prop_oneof![
        4 => Just(HexEdit::Keep),
        1 => Just(HexEdit::Upper),
        2 => (any::<Index>(), 0u8..8).prop_map(|(i, b)| HexEdit::Flip(i, b)),
        1 => any::<Index>().prop_map(HexEdit::Truncate),
        1 => vec(any::<u8>(), 1..8).prop_map(HexEdit::Extend),
        1 => prop_oneof![".{0,40}", "[0-9a-fA-F]{0,120}"].prop_map(HexEdit::Replace),
    ]
}

impl HexEdit {
    fn apply(&self, hex_text: &str) -> String {
        let mut b = hex::decode(hex_text).unwrap_or_default();
        let n = b.len();
        match self {
            HexEdit::Keep => return hex_text.to_string(),
            HexEdit::Upper => return hex_text.to_uppercase(),
            HexEdit::Replace(s) => return s.clone(),
            HexEdit::Flip(i, bit) if n > 0 => b[i.index(n)] ^= 1 << bit,
            HexEdit::Truncate(i) if n > 0 => b.truncate(i.index(n)),
            HexEdit::Extend(more) => b.extend_from_slice(more),
            _ => {}
        }
        hex::encode(b)
    }
}

/// Whether two hex texts stand for the same bytes.
fn same_bytes(a: &str, b: &str) -> bool {
    matches!((hex::decode(a), hex::decode(b)), (Ok(x), Ok(y)) if x == y)
}

fn with_u16(raw: &[u8], at: usize, v: u16) -> Vec<u8> {
    let mut b = raw.to_vec();
    b[at..at + 2].copy_from_slice(&v.to_be_bytes());
    b
}

fn with_u32(raw: &[u8], at: usize, v: u32) -> Vec<u8> {
    let mut b = raw.to_vec();
    b[at..at + 4].copy_from_slice(&v.to_be_bytes());
    b
}

/// Length claims: the extremes, the bounds and small values.
fn claimed_len() -> impl Strategy<Value = u32> {
    prop_oneof![
        any::<u32>(),
        Just(u32::MAX),
        Just(u32::MAX - 13),
        Just(MAX_HEADER_BODY as u32 + 1),
        Just(MAX_HEADER_BODY as u32),
        0u32..2000,
    ]
}

// ---------------------------------------------------------------------------------------------
// JSON

const KNOWN_KEYS: &[&str] = &[
    "vault_id",
    "medium",
    "org",
    "marking",
    "classification",
    "confidentiality",
    "integrity",
    "availability",
    "restriction",
    "cipher",
    "created",
    "slots",
    "type",
    "person",
    "role",
    "recipient_key",
    "ephemeral",
    "nonce",
    "wrapped",
    "kdf",
    "m_kib",
    "t",
    "p",
    "salt",
    "seq",
    "writer",
    "writer_key",
    "files",
    "name",
    "size",
    "sha256",
    "object",
    "added_by",
    "added_at",
    "mtime",
    "purpose",
    "check",
    "method",
    "passes",
    "pattern",
    "seed",
    "bytes_written",
    "bytes_verified",
    "mismatched_sectors",
    "mismatches",
    "offset",
    "len",
    "device",
    "capacity_bytes",
    "result",
    "version",
    "ciphertext",
    "hash",
    "verified_at",
];

fn json_key() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => select(KNOWN_KEYS).prop_map(String::from),
        1 => "[a-z_]{1,10}",
    ]
}

/// Any JSON value, biased to the numbers and strings that break parsers.
fn json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        any::<f64>().prop_map(Value::from),
        select(vec![
            json!(u64::MAX),
            json!(i64::MIN),
            json!(-1),
            json!(0),
            json!(1e300),
            json!(u32::MAX),
            json!(""),
            json!("aes-256-gcm"),
            json!("recipient"),
            json!("passphrase"),
            json!("P0001"),
            json!("00112233445566778899aabbccddeeff"),
        ]),
        ".{0,30}".prop_map(Value::from),
        "[0-9a-f]{0,70}".prop_map(Value::from),
    ];
    leaf.prop_recursive(4, 48, 6, |inner| {
        prop_oneof![
            vec(inner.clone(), 0..6).prop_map(Value::Array),
            vec((json_key(), inner), 0..6).prop_map(|kv| Value::Object(kv.into_iter().collect())),
        ]
    })
}

/// A change somewhere inside a JSON document.
#[derive(Debug, Clone)]
enum JsonEdit {
    Replace(Index, Value),
    Remove(Index),
    Add(Index, String, Value),
}

fn json_edit() -> impl Strategy<Value = JsonEdit> {
    prop_oneof![
        3 => (any::<Index>(), json()).prop_map(|(i, v)| JsonEdit::Replace(i, v)),
        1 => any::<Index>().prop_map(JsonEdit::Remove),
        1 => (any::<Index>(), json_key(), json()).prop_map(|(i, k, v)| JsonEdit::Add(i, k, v)),
    ]
}

fn nodes(v: &Value) -> usize {
    1 + match v {
        Value::Array(a) => a.iter().map(nodes).sum(),
        Value::Object(o) => o.values().map(nodes).sum(),
        _ => 0,
    }
}

/// Apply `op` to the node numbered `target` in pre-order.
fn edit_at(v: &mut Value, target: &mut usize, op: &JsonEdit) -> bool {
    if *target == 0 {
        match (op, &mut *v) {
            (JsonEdit::Replace(_, new), node) => *node = new.clone(),
            (JsonEdit::Remove(i), Value::Object(o)) if !o.is_empty() => {
                let key = o.keys().nth(i.index(o.len())).cloned().unwrap_or_default();
                o.remove(&key);
            }
            (JsonEdit::Remove(i), Value::Array(a)) if !a.is_empty() => {
                a.remove(i.index(a.len()));
            }
            (JsonEdit::Add(_, k, new), Value::Object(o)) => {
                o.insert(k.clone(), new.clone());
            }
            (JsonEdit::Add(_, _, new), Value::Array(a)) => a.push(new.clone()),
            (_, node) => *node = Value::Null,
        }
        return true;
    }
    *target -= 1;
    match v {
        Value::Array(a) => a.iter_mut().any(|x| edit_at(x, target, op)),
        Value::Object(o) => o.values_mut().any(|x| edit_at(x, target, op)),
        _ => false,
    }
}

fn apply_edits(v: &mut Value, edits: &[JsonEdit]) {
    for e in edits {
        let i = match e {
            JsonEdit::Replace(i, _) | JsonEdit::Remove(i) | JsonEdit::Add(i, _, _) => i,
        };
        let mut target = i.index(nodes(v));
        edit_at(v, &mut target, e);
    }
}

// ---------------------------------------------------------------------------------------------
// A vault made with the crate's own encoders, one per cipher.

struct Fixture {
    cipher: Cipher,
    dk: DataKey,
    vid: [u8; 16],
    writer_id: PersonId,
    writer: PersonKey,
    pass: Passphrase,
    header: Header,
    body: ManifestBody,
    manifest: Vec<u8>,
}

fn file_entry(name: &str, size: u64) -> FileEntry {
    FileEntry {
        name: name.into(),
        size,
        sha256: "ab".repeat(32),
        object: "00112233445566778899aabbccddeeff".into(),
        nonce: "ffeeddccbbaa99887766554433221100".into(),
        added_by: PersonId::nth(2),
        added_at: "2026-11-23T00:00:00.000000Z".into(),
        mtime: None,
    }
}

fn build(cipher: Cipher, vid: [u8; 16]) -> Fixture {
    let dk = DataKey::generate();
    let writer_id = PersonId::nth(2);
    let writer = PersonKey::generate();
    let pass = Passphrase::new("Outside-Recipient-9".into());
    let classification = Classification::new(3, 2, 2, None).expect("classification");
    let slots = vec![
        Slot::for_recipient(
            cipher,
            &vid,
            &dk,
            &writer_id,
            SlotRole::Writer,
            &writer.agreement_public(),
        )
        .expect("slot"),
        Slot::for_passphrase(cipher, &vid, &dk, &pass, KdfParams::INSECURE_FAST).expect("slot"),
    ];
    let header = Header::encode(
        HeaderBody {
            vault_id: hex::encode(vid),
            medium: "USB-2026-0001".into(),
            org: "防衛装備株式会社".into(),
            marking: classification.marking(),
            classification: classification.clone(),
            cipher,
            created: "2026-11-23T00:00:00.000000Z".into(),
            slots,
        },
        &dk,
    )
    .expect("header");
    let body = ManifestBody {
        vault_id: hex::encode(vid),
        seq: 1,
        medium: "USB-2026-0001".into(),
        classification,
        writer: writer_id.clone(),
        writer_key: writer.public().to_hex(),
        files: vec![file_entry("a.txt", 5), file_entry("設計/図面.dwg", 70_000)],
    };
    let (manifest, _) = Manifest::encode(&body, &header, &dk, &writer).expect("manifest");
    Fixture {
        cipher,
        dk,
        vid,
        writer_id,
        writer,
        pass,
        header,
        body,
        manifest,
    }
}

fn fixtures() -> &'static [Fixture; 2] {
    static F: OnceLock<[Fixture; 2]> = OnceLock::new();
    F.get_or_init(|| {
        [
            build(Cipher::Aes256Gcm, [0x5a; 16]),
            build(Cipher::Camellia256Gcm, [0xa5; 16]),
        ]
    })
}

fn same_key(a: &DataKey, b: &DataKey, vid: &[u8; 16]) -> bool {
    *a.header_key(vid) == *b.header_key(vid)
}

// ---------------------------------------------------------------------------------------------
// Vault header

#[test]
fn fuzz_header_arbitrary_bytes() {
    let framed =
        (any::<u16>(), claimed_len(), vec(any::<u8>(), 0..600)).prop_map(|(version, len, rest)| {
            let mut raw = HEADER_MAGIC.to_vec();
            raw.extend_from_slice(&version.to_be_bytes());
            raw.extend_from_slice(&len.to_be_bytes());
            raw.extend_from_slice(&rest);
            raw
        });
    let input = prop_oneof![vec(any::<u8>(), 0..600), framed];
    fuzz::run("header_arbitrary_bytes", 1, input, |raw| {
        let n = raw.len();
        let newer = raw.len() >= 10
            && raw.starts_with(HEADER_MAGIC)
            && u16::from_be_bytes([raw[8], raw[9]]) > 1;
        let (parsed, largest) = probe::largest(|| Header::parse(raw));
        prop_assert!(largest <= alloc_bound(n), "{} bytes allocated", largest);
        match parsed {
            Ok(h) => prop_assert!(h.raw.len() <= 14 + MAX_HEADER_BODY + 32),
            Err(e) if newer => {
                expect_code(&e, &[ExitCode::Usage])?;
                prop_assert!(e.to_string().contains("upgrade baitai"), "{}", e);
            }
            Err(e) => expect_code(&e, &[ExitCode::Integrity])?,
        }
        Ok(())
    });
}

#[test]
fn fuzz_header_length_field() {
    let input = (0usize..2, claimed_len(), any::<bool>());
    fuzz::run("header_length_field", 1, input, |(f, claim, pad)| {
        let fx = &fixtures()[f];
        let real = fx.header.raw.len() - 46;
        let mut raw = with_u32(&fx.header.raw, 10, claim);
        // Also a file exactly as long as the claim says, up to one byte over the limit.
        if pad && (claim as usize) > real && (claim as usize) <= MAX_HEADER_BODY + 1 {
            raw.resize(14 + claim as usize + 32, b' ');
        }
        let n = raw.len();
        let (parsed, largest) = probe::largest(|| Header::parse(raw));
        prop_assert!(largest <= alloc_bound(n), "{} bytes allocated", largest);
        match parsed {
            Ok(h) => {
                // Trailing spaces are JSON whitespace: the same body, but not the same bytes.
                prop_assert!(claim as usize >= real && claim as usize <= MAX_HEADER_BODY);
                if claim as usize == real {
                    h.check_mac(&fx.dk)
                        .map_err(|e| fail("unchanged header", e))?;
                } else {
                    prop_assert!(h.check_mac(&fx.dk).is_err());
                }
            }
            Err(e) => {
                expect_code(&e, &[ExitCode::Integrity])?;
                prop_assert!(claim as usize != real);
            }
        }
        Ok(())
    });
}

#[test]
fn fuzz_newer_format_versions_are_a_clear_error() {
    let version = prop_oneof![any::<u16>(), 0u16..4, Just(u16::MAX)];
    let input = (0usize..2, version, any::<bool>());
    fuzz::run(
        "newer_format_versions",
        2,
        input,
        |(f, version, manifest)| {
            let fx = &fixtures()[f];
            let result = if manifest {
                Manifest::decode(&with_u16(&fx.manifest, 8, version), &fx.header, &fx.dk)
                    .map(|_| ())
            } else {
                Header::parse(with_u16(&fx.header.raw, 8, version)).map(|_| ())
            };
            match (version, result) {
                (1, r) => {
                    r.map_err(|e| fail("version 1", e))?;
                }
                (0, Err(e)) => {
                    expect_code(&e, &[ExitCode::Integrity])?;
                    prop_assert!(e.to_string().contains("unknown format version"), "{}", e);
                }
                (v, Err(e)) => {
                    expect_code(&e, &[ExitCode::Usage])?;
                    let text = e.to_string();
                    prop_assert!(text.contains("upgrade baitai"), "{}", text);
                    prop_assert!(text.contains(&format!("version {v}")), "{}", text);
                }
                (v, Ok(())) => prop_assert!(false, "version {} accepted", v),
            }
            Ok(())
        },
    );
}

#[test]
fn fuzz_header_mutations() {
    let input = (0usize..2, mutation());
    fuzz::run("header_mutations", 1, input, |(f, m)| {
        let fx = &fixtures()[f];
        let raw = m.apply(&fx.header.raw);
        prop_assume!(raw != fx.header.raw);
        match Header::parse(raw) {
            Err(e) => expect_code(&e, &[ExitCode::Integrity, ExitCode::Usage])?,
            Ok(h) => {
                // Readable without a key, but the MAC must catch the change.
                let e = h.check_mac(&fx.dk).err();
                prop_assert!(e.is_some(), "a changed header authenticated");
                if let Some(e) = e {
                    expect_code(&e, &[ExitCode::Integrity])?;
                }
                for slot in &h.body.slots {
                    if let Ok(Some(k)) =
                        slot.open_recipient(fx.cipher, &h.vault_id, &fx.writer_id, &fx.writer)
                    {
                        prop_assert!(h.check_mac(&k).is_err());
                    }
                }
            }
        }
        Ok(())
    });
}

/// Header bodies: arbitrary bytes, arbitrary JSON, the real body of fixture `f` edited, deep
/// nesting.
fn header_body(f: usize) -> impl Strategy<Value = Vec<u8>> {
    let edited = vec(json_edit(), 1..4).prop_map(move |edits| {
        let raw = &fixtures()[f].header.raw;
        let mut v: Value = serde_json::from_slice(&raw[14..raw.len() - 32]).unwrap_or(Value::Null);
        apply_edits(&mut v, &edits);
        serde_json::to_vec(&v).unwrap_or_default()
    });
    prop_oneof![
        1 => vec(any::<u8>(), 0..400),
        2 => json().prop_map(|v| serde_json::to_vec(&v).unwrap_or_default()),
        4 => edited,
        1 => (1usize..20_000).prop_map(|depth| {
            let mut b = vec![b'['; depth];
            b.extend(std::iter::repeat_n(b']', depth));
            b
        }),
    ]
}

#[test]
fn fuzz_header_bodies() {
    let input = (0usize..2).prop_flat_map(|f| (Just(f), header_body(f)));
    fuzz::run("header_bodies", 2, input, |(f, body)| {
        let fx = &fixtures()[f];
        let mut raw = HEADER_MAGIC.to_vec();
        raw.extend_from_slice(&VERSION.to_be_bytes());
        raw.extend_from_slice(&(body.len() as u32).to_be_bytes());
        raw.extend_from_slice(&body);
        raw.extend_from_slice(&[0u8; 32]);
        match Header::parse(raw) {
            Err(e) => expect_code(&e, &[ExitCode::Integrity])?,
            Ok(h) => {
                prop_assert_eq!(hex::encode(h.vault_id), h.body.vault_id.to_lowercase());
                let _ = (h.hash(), h.cipher(), h.check_mac(&fx.dk));
                for slot in &h.body.slots {
                    if let Ok(Some(k)) =
                        slot.open_recipient(h.cipher(), &h.vault_id, &fx.writer_id, &fx.writer)
                    {
                        prop_assert!(same_key(&k, &fx.dk, &h.vault_id));
                    }
                    // Only cheap parameters: the costly ones in range are a documented residual
                    // risk (docs/security.md §3), and fuzz_passphrase_slots covers the refusals.
                    if let Slot::Passphrase { kdf, .. } = slot {
                        if kdf.m_kib <= 2048 && kdf.t <= 2 && kdf.p <= 2 {
                            match slot.open_passphrase(h.cipher(), &h.vault_id, &fx.pass) {
                                Ok(Some(k)) => prop_assert!(same_key(&k, &fx.dk, &h.vault_id)),
                                Ok(None) => {}
                                Err(e) => expect_code(&e, &[ExitCode::Integrity, ExitCode::Other])?,
                            }
                        }
                    }
                }
            }
        }
        Ok(())
    });
}

// ---------------------------------------------------------------------------------------------
// Key slots

#[test]
fn fuzz_recipient_slots() {
    let input = (
        0usize..2,
        [hex_edit(), hex_edit(), hex_edit(), hex_edit()],
        prop_oneof![4 => Just(None), 1 => (1u64..20).prop_map(Some)],
    );
    fuzz::run("recipient_slots", 2, input, |(f, edits, other)| {
        let fx = &fixtures()[f];
        let Slot::Recipient {
            person,
            role,
            recipient_key,
            ephemeral,
            nonce,
            wrapped,
        } = &fx.header.body.slots[0]
        else {
            return Err(TestCaseError::fail("fixture slot 0 is a recipient slot"));
        };
        let fields = [recipient_key, ephemeral, nonce, wrapped];
        let [r, e, n, w] = [0, 1, 2, 3].map(|i| edits[i].apply(fields[i]));
        let changed = [&r, &e, &n, &w]
            .iter()
            .zip(fields)
            .any(|(new, old)| !same_bytes(new, old))
            || other.is_some_and(|n| PersonId::nth(n) != *person);
        let slot = Slot::Recipient {
            person: other.map_or_else(|| person.clone(), PersonId::nth),
            role: *role,
            recipient_key: r,
            ephemeral: e,
            nonce: n,
            wrapped: w,
        };
        if let Ok(Some(k)) = slot.open_recipient(fx.cipher, &fx.vid, &fx.writer_id, &fx.writer) {
            prop_assert!(!changed, "a changed slot opened");
            prop_assert!(same_key(&k, &fx.dk, &fx.vid), "opened to another key");
        }
        Ok(())
    });
}

/// KDF parameters: the fixture's, out of range (refused before deriving), or tiny (cheap, and
/// often invalid for Argon2).
#[derive(Debug, Clone)]
enum KdfEdit {
    Keep,
    Set(KdfParams),
}

fn kdf_out_of_range() -> impl Strategy<Value = KdfParams> {
    prop_oneof![
        (1024 * 1024 + 1..=u32::MAX, 0u32..4, 0u32..4),
        (0u32..64, 65..=u32::MAX, 0u32..4),
        (0u32..64, 0u32..4, 17..=u32::MAX),
        Just((u32::MAX, u32::MAX, u32::MAX)),
    ]
    .prop_map(|(m_kib, t, p)| KdfParams { m_kib, t, p })
}

fn kdf_tiny() -> impl Strategy<Value = KdfParams> {
    (0u32..=64, 0u32..=3, 0u32..=3).prop_map(|(m_kib, t, p)| KdfParams { m_kib, t, p })
}

fn kdf_edit() -> impl Strategy<Value = KdfEdit> {
    prop_oneof![
        3 => Just(KdfEdit::Keep),
        1 => kdf_out_of_range().prop_map(KdfEdit::Set),
        1 => kdf_tiny().prop_map(KdfEdit::Set),
    ]
}

fn out_of_range(k: &KdfParams) -> bool {
    k.m_kib > 1024 * 1024 || k.t > 64 || k.p > 16
}

#[test]
fn fuzz_passphrase_slots() {
    let input = (
        0usize..2,
        kdf_edit(),
        [hex_edit(), hex_edit(), hex_edit()],
        any::<bool>(),
    );
    fuzz::run(
        "passphrase_slots",
        4,
        input,
        |(f, kdf_edit, edits, right)| {
            let fx = &fixtures()[f];
            let Slot::Passphrase {
                kdf,
                salt,
                nonce,
                wrapped,
            } = &fx.header.body.slots[1]
            else {
                return Err(TestCaseError::fail("fixture slot 1 is a passphrase slot"));
            };
            let new_kdf = match kdf_edit {
                KdfEdit::Keep => *kdf,
                KdfEdit::Set(k) => k,
            };
            let fields = [salt, nonce, wrapped];
            let [s, n, w] = [0, 1, 2].map(|i| edits[i].apply(fields[i]));
            let changed = new_kdf != *kdf
                || !right
                || [&s, &n, &w]
                    .iter()
                    .zip(fields)
                    .any(|(new, old)| !same_bytes(new, old));
            let salt_len = hex::decode(&s).map(|b| b.len()).ok();
            let slot = Slot::Passphrase {
                kdf: new_kdf,
                salt: s,
                nonce: n,
                wrapped: w,
            };
            let wrong = Passphrase::new("Wrong-Passphrase-1".into());
            let pass = if right { &fx.pass } else { &wrong };
            let (opened, largest) =
                probe::largest(|| slot.open_passphrase(fx.cipher, &fx.vid, pass));
            match opened {
                Ok(Some(k)) => {
                    prop_assert!(!changed, "a changed slot opened");
                    prop_assert!(same_key(&k, &fx.dk, &fx.vid));
                }
                Ok(None) => prop_assert!(changed, "the unchanged slot did not open"),
                Err(e) => {
                    expect_code(&e, &[ExitCode::Integrity, ExitCode::Other])?;
                    if salt_len.is_some_and(|l| l < 8) {
                        prop_assert!(e.to_string().contains("too short"), "{}", e);
                    }
                }
            }
            if salt_len.is_some_and(|l| l < 8) || salt_len.is_none() || out_of_range(&new_kdf) {
                prop_assert!(
                    largest < 1 << 20,
                    "{} bytes allocated before refusing",
                    largest
                );
            }
            Ok(())
        },
    );
}

// ---------------------------------------------------------------------------------------------
// Manifest

#[test]
fn fuzz_manifest_arbitrary_bytes() {
    let framed = (
        prop_oneof![Just(1u16), any::<u16>()],
        any::<u64>(),
        vec(any::<u8>(), 12),
        vec(any::<u8>(), 0..600),
    )
        .prop_map(|(version, seq, nonce, ct)| {
            let mut raw = MANIFEST_MAGIC.to_vec();
            raw.extend_from_slice(&version.to_be_bytes());
            raw.extend_from_slice(&seq.to_be_bytes());
            raw.extend_from_slice(&nonce);
            raw.extend_from_slice(&ct);
            raw
        });
    let input = (0usize..2, prop_oneof![vec(any::<u8>(), 0..600), framed]);
    fuzz::run("manifest_arbitrary_bytes", 1, input, |(f, raw)| {
        let fx = &fixtures()[f];
        let newer = raw.len() >= 10
            && raw.starts_with(MANIFEST_MAGIC)
            && u16::from_be_bytes([raw[8], raw[9]]) > 1;
        let (decoded, largest) = probe::largest(|| Manifest::decode(&raw, &fx.header, &fx.dk));
        prop_assert!(
            largest <= alloc_bound(raw.len()),
            "{} bytes allocated",
            largest
        );
        let e = decoded.err();
        prop_assert!(e.is_some(), "forged manifest accepted");
        if let Some(e) = e {
            expect_code(
                &e,
                if newer {
                    &[ExitCode::Usage]
                } else {
                    &[ExitCode::Integrity]
                },
            )?;
        }
        Ok(())
    });
}

#[test]
fn fuzz_manifest_mutations() {
    let input = (
        0usize..2,
        mutation(),
        prop_oneof![3 => Just(None), 1 => mutation().prop_map(Some)],
    );
    fuzz::run("manifest_mutations", 1, input, |(f, m, header_change)| {
        let fx = &fixtures()[f];
        let raw = m.apply(&fx.manifest);
        // The manifest is bound to its header: a changed header that still parses must not
        // carry the old manifest.
        let header = match &header_change {
            Some(hm) => match Header::parse(hm.apply(&fx.header.raw)) {
                Ok(h) if h.raw != fx.header.raw => h,
                _ => fx.header.clone(),
            },
            None => fx.header.clone(),
        };
        prop_assume!(raw != fx.manifest || header.raw != fx.header.raw);
        let e = Manifest::decode(&raw, &header, &fx.dk).err();
        prop_assert!(e.is_some(), "a changed manifest or header was accepted");
        if let Some(e) = e {
            expect_code(&e, &[ExitCode::Integrity, ExitCode::Usage])?;
        }
        Ok(())
    });
}

/// The signed message of a manifest (docs/format.md §5).
fn manifest_message(header_hash: &[u8; 32], seq: u64, json: &[u8]) -> Vec<u8> {
    let mut m = b"baitai-vault-v1 manifest-signature\0".to_vec();
    m.extend_from_slice(header_hash);
    m.extend_from_slice(&seq.to_be_bytes());
    m.extend_from_slice(json);
    m
}

#[derive(Debug, Clone)]
enum SigChoice {
    Valid,
    Flipped(Index, u8),
    Random(Vec<u8>),
}

/// Someone who holds a slot can encrypt anything under the manifest key: a manifest with an
/// inner length of up to u32::MAX, any JSON, any signature.
#[test]
fn fuzz_manifest_plaintexts() {
    let json_choice = prop_oneof![
        2 => Just(None),
        3 => vec(json_edit(), 1..4).prop_map(Some),
    ];
    let raw_json = prop_oneof![5 => Just(None), 1 => vec(any::<u8>(), 0..300).prop_map(Some)];
    let claim = prop_oneof![4 => Just(None), 1 => claimed_len().prop_map(Some)];
    let sig = prop_oneof![
        4 => Just(SigChoice::Valid),
        1 => (any::<Index>(), 0u8..8).prop_map(|(i, b)| SigChoice::Flipped(i, b)),
        1 => vec(any::<u8>(), 0..80).prop_map(SigChoice::Random),
    ];
    let seq = prop_oneof![4 => Just(None), 1 => any::<u64>().prop_map(Some)];
    let input = (0usize..2, json_choice, raw_json, claim, sig, seq);
    fuzz::run(
        "manifest_plaintexts",
        2,
        input,
        |(f, edits, raw_json, claim, sig, seq)| {
            let fx = &fixtures()[f];
            let json = match (&raw_json, &edits) {
                (Some(bytes), _) => bytes.clone(),
                (None, Some(edits)) => {
                    let mut v = serde_json::to_value(&fx.body).map_err(|e| fail("json", e))?;
                    apply_edits(&mut v, edits);
                    serde_json::to_vec(&v).map_err(|e| fail("json", e))?
                }
                (None, None) => serde_json::to_vec(&fx.body).map_err(|e| fail("json", e))?,
            };
            let seq = seq.unwrap_or(fx.body.seq);
            let header_hash = fx.header.hash();
            let good = fx
                .writer
                .sign_raw(&manifest_message(&header_hash, seq, &json));
            let sig_bytes = match &sig {
                SigChoice::Valid => good.0.to_vec(),
                SigChoice::Flipped(i, bit) => {
                    let mut s = good.0.to_vec();
                    s[i.index(64)] ^= 1 << bit;
                    s
                }
                SigChoice::Random(b) => b.clone(),
            };
            let len = claim.unwrap_or(json.len() as u32);
            let mut plain = len.to_be_bytes().to_vec();
            plain.extend_from_slice(&json);
            plain.extend_from_slice(&sig_bytes);
            let nonce = [7u8; 12];
            let mut raw = MANIFEST_MAGIC.to_vec();
            raw.extend_from_slice(&VERSION.to_be_bytes());
            raw.extend_from_slice(&seq.to_be_bytes());
            raw.extend_from_slice(&nonce);
            let aad = [&raw[..30], &header_hash[..]].concat();
            let ct = fx
                .cipher
                .seal(&fx.dk.manifest_key(&fx.vid), &nonce, &aad, &plain)
                .expect("seal");
            raw.extend_from_slice(&ct);
            let (decoded, largest) = probe::largest(|| Manifest::decode(&raw, &fx.header, &fx.dk));
            prop_assert!(
                largest <= alloc_bound(raw.len()),
                "{} bytes allocated",
                largest
            );
            match decoded {
                Ok(m) => {
                    prop_assert!(len as usize == json.len(), "a wrong inner length passed");
                    prop_assert!(sig_bytes == good.0.to_vec(), "a bad signature passed");
                    let body: ManifestBody =
                        serde_json::from_slice(&json).map_err(|e| fail("accepted JSON", e))?;
                    prop_assert_eq!(m.body, body);
                    prop_assert_eq!(m.file_hash, <[u8; 32]>::from(Sha256::digest(&raw)));
                }
                Err(e) => expect_code(&e, &[ExitCode::Integrity])?,
            }
            Ok(())
        },
    );
}

/// Names for manifest entries: a small pool (so duplicates are common) and hostile ones.
fn entry_name() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => select(vec!["a.txt", "b", "設計/図面.dwg", "dir/x", ".hidden"]).prop_map(String::from),
        1 => name(),
    ]
}

fn entry() -> impl Strategy<Value = FileEntry> {
    let size = prop_oneof![
        3 => 0u64..100_000,
        1 => any::<u64>(),
        1 => Just(u64::MAX),
        1 => Just(u64::MAX / 2 + 1),
    ];
    (
        entry_name(),
        size,
        ".{0,8}",
        prop_oneof![Just(None), ".{0,8}".prop_map(Some)],
    )
        .prop_map(|(name, size, junk, mtime)| FileEntry {
            sha256: junk.clone(),
            mtime,
            ..file_entry(&name, size)
        })
}

#[derive(Debug, Clone)]
enum Field {
    Keep,
    Other(String),
}

fn field() -> impl Strategy<Value = Field> {
    prop_oneof![6 => Just(Field::Keep), 1 => ".{0,40}".prop_map(Field::Other)]
}

/// Manifests signed with the writer's key through the crate's own encoder (what a slot holder
/// can write): the reader must accept exactly those that name each file once, plainly, belong
/// to this header, and are signed by the key they name.
#[test]
fn fuzz_manifest_contents() {
    let writer_key = prop_oneof![
        4 => Just(0u8),
        1 => Just(1u8),
        1 => Just(2u8),
    ];
    let input = (
        0usize..2,
        vec(entry(), 0..6),
        [field(), field()],
        prop_oneof![5 => Just(false), 1 => Just(true)],
        writer_key,
    );
    fuzz::run(
        "manifest_contents",
        2,
        input,
        |(f, files, [vault_id, medium], other_class, key)| {
            let fx = &fixtures()[f];
            let mut body = fx.body.clone();
            body.files = files;
            if let Field::Other(s) = vault_id {
                body.vault_id = s;
            }
            if let Field::Other(s) = medium {
                body.medium = s;
            }
            if other_class {
                body.classification =
                    Classification::new(1, 1, 1, None).map_err(|e| fail("c", e))?;
            }
            body.writer_key = match key {
                0 => fx.writer.public().to_hex(),
                1 => fx.writer.public().to_hex().to_uppercase(),
                _ => PersonKey::generate().public().to_hex(),
            };
            let (raw, _) = Manifest::encode(&body, &fx.header, &fx.dk, &fx.writer)
                .map_err(|e| fail("encode", e))?;
            let mut seen = std::collections::HashSet::new();
            let should = parse_id(&body.vault_id).ok() == Some(fx.vid)
                && body.medium == fx.header.body.medium
                && body.classification == fx.header.body.classification
                && key != 2
                && body.files.iter().all(|f| names::check(&f.name).is_ok())
                && body.files.iter().all(|f| seen.insert(f.name.clone()))
                && body
                    .files
                    .iter()
                    .try_fold(0u64, |t, f| t.checked_add(f.size))
                    .is_some();
            match Manifest::decode(&raw, &fx.header, &fx.dk) {
                Ok(m) => {
                    prop_assert!(should, "accepted: {:?}", body);
                    prop_assert_eq!(m.body, body);
                }
                Err(e) => {
                    prop_assert!(!should, "refused ({}): {:?}", e, body);
                    expect_code(&e, &[ExitCode::Integrity])?;
                }
            }
            Ok(())
        },
    );
}

// ---------------------------------------------------------------------------------------------
// Objects (STREAM)

struct Object {
    cipher: Cipher,
    plain: Vec<u8>,
    sealed: Vec<u8>,
}

const OBJECT_KEY: [u8; 32] = [3; 32];
const OBJECT_NONCE: [u8; 16] = [9; 16];

fn pseudo_random(len: usize, seed: u64) -> Vec<u8> {
    let mut x = seed | 1;
    (0..len)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x as u8
        })
        .collect()
}

fn seal(cipher: Cipher, plain: &[u8]) -> Result<Vec<u8>, Error> {
    let mut sealed = Vec::new();
    stream::encrypt(
        &mut &plain[..],
        &mut sealed,
        cipher,
        &OBJECT_KEY,
        &OBJECT_NONCE,
        &mut |_| {},
        "fuzz",
    )?;
    Ok(sealed)
}

fn open(
    cipher: Cipher,
    sealed: &[u8],
    key: &[u8; 32],
    nonce: &[u8; 16],
) -> (Result<stream::Streamed, Error>, Vec<u8>) {
    let mut out = Vec::new();
    let r = stream::decrypt(
        &mut &sealed[..],
        &mut out,
        cipher,
        key,
        nonce,
        &mut |_| {},
        "fuzz",
    );
    (r, out)
}

/// An empty, a one-chunk and a two-chunk object for each cipher.
fn objects() -> &'static [Object] {
    static O: OnceLock<Vec<Object>> = OnceLock::new();
    O.get_or_init(|| {
        let mut all = Vec::new();
        for cipher in [Cipher::Aes256Gcm, Cipher::Camellia256Gcm] {
            for len in [0, 1000, CHUNK + 100] {
                let plain = pseudo_random(len, len as u64 + 1);
                let sealed = seal(cipher, &plain).unwrap_or_default();
                all.push(Object {
                    cipher,
                    plain,
                    sealed,
                });
            }
        }
        all
    })
}

#[derive(Debug, Clone)]
enum ObjectChange {
    Bytes(Mutation),
    /// Sealed chunks in another order (the permutation is applied to the list of chunks).
    Reorder(Vec<Index>),
    WrongNonce(Index, u8),
    WrongKey(Index, u8),
}

#[test]
fn fuzz_object_mutations() {
    let change = prop_oneof![
        6 => mutation().prop_map(ObjectChange::Bytes),
        1 => vec(any::<Index>(), 1..4).prop_map(ObjectChange::Reorder),
        1 => (any::<Index>(), 0u8..8).prop_map(|(i, b)| ObjectChange::WrongNonce(i, b)),
        1 => (any::<Index>(), 0u8..8).prop_map(|(i, b)| ObjectChange::WrongKey(i, b)),
    ];
    let input = (any::<Index>(), change);
    fuzz::run("object_mutations", 2, input, |(o, change)| {
        let all = objects();
        let obj = &all[o.index(all.len())];
        let (mut key, mut nonce) = (OBJECT_KEY, OBJECT_NONCE);
        let sealed = match &change {
            ObjectChange::Bytes(m) => m.apply(&obj.sealed),
            ObjectChange::Reorder(swaps) => {
                let mut chunks: Vec<&[u8]> = obj.sealed[OBJECT_HEADER..]
                    .chunks(CHUNK + TAG_LEN)
                    .collect();
                let n = chunks.len();
                for (k, s) in swaps.iter().enumerate() {
                    chunks.swap(k % n, s.index(n));
                }
                let mut b = obj.sealed[..OBJECT_HEADER].to_vec();
                chunks.iter().for_each(|c| b.extend_from_slice(c));
                b
            }
            ObjectChange::WrongNonce(i, bit) => {
                nonce[i.index(16)] ^= 1 << bit;
                obj.sealed.clone()
            }
            ObjectChange::WrongKey(i, bit) => {
                key[i.index(32)] ^= 1 << bit;
                obj.sealed.clone()
            }
        };
        prop_assume!(sealed != obj.sealed || key != OBJECT_KEY || nonce != OBJECT_NONCE);
        let (r, _) = open(obj.cipher, &sealed, &key, &nonce);
        let e = r.err();
        prop_assert!(e.is_some(), "a changed object decrypted");
        if let Some(e) = e {
            expect_code(&e, &[ExitCode::Integrity])?;
        }
        Ok(())
    });
}

#[test]
fn fuzz_object_arbitrary_bytes() {
    let behind_header = vec(any::<u8>(), 0..3000).prop_map(|rest| {
        let mut b = OBJECT_MAGIC.to_vec();
        b.extend_from_slice(&VERSION.to_be_bytes());
        b.extend_from_slice(&OBJECT_NONCE);
        b.extend_from_slice(&rest);
        b
    });
    let input = (
        prop_oneof![Just(Cipher::Aes256Gcm), Just(Cipher::Camellia256Gcm)],
        prop_oneof![vec(any::<u8>(), 0..400), behind_header],
    );
    fuzz::run("object_arbitrary_bytes", 2, input, |(cipher, bytes)| {
        let (r, _) = open(cipher, &bytes, &OBJECT_KEY, &OBJECT_NONCE);
        let e = r.err();
        prop_assert!(e.is_some(), "random bytes decrypted");
        if let Some(e) = e {
            expect_code(&e, &[ExitCode::Integrity])?;
        }
        Ok(())
    });
}

#[test]
fn fuzz_object_round_trip() {
    let len = prop_oneof![
        0usize..3 * CHUNK + 2,
        select(vec![
            0,
            1,
            CHUNK - 1,
            CHUNK,
            CHUNK + 1,
            2 * CHUNK,
            3 * CHUNK
        ]),
    ];
    let input = (
        prop_oneof![Just(Cipher::Aes256Gcm), Just(Cipher::Camellia256Gcm)],
        len,
        any::<u64>(),
    );
    fuzz::run("object_round_trip", 16, input, |(cipher, len, seed)| {
        let plain = pseudo_random(len, seed);
        let sealed = seal(cipher, &plain).map_err(|e| fail("encrypt", e))?;
        let chunks = len.div_ceil(CHUNK).max(1);
        prop_assert_eq!(sealed.len(), OBJECT_HEADER + len + chunks * TAG_LEN);
        let (r, back) = open(cipher, &sealed, &OBJECT_KEY, &OBJECT_NONCE);
        let got = r.map_err(|e| fail("decrypt", e))?;
        prop_assert_eq!(got.size, len as u64);
        prop_assert_eq!(got.sha256, <[u8; 32]>::from(Sha256::digest(&plain)));
        prop_assert!(back == plain, "round trip changed the content");
        Ok(())
    });
}

#[test]
fn fuzz_fixtures_are_valid() {
    // What the mutation tests change must itself be accepted.
    for fx in fixtures() {
        let h = Header::parse(fx.header.raw.clone()).expect("header");
        h.check_mac(&fx.dk).expect("header MAC");
        let m = Manifest::decode(&fx.manifest, &h, &fx.dk).expect("manifest");
        assert_eq!(m.body, fx.body);
    }
    for obj in objects() {
        let (r, back) = open(obj.cipher, &obj.sealed, &OBJECT_KEY, &OBJECT_NONCE);
        assert!(r.is_ok(), "{r:?}");
        assert_eq!(back, obj.plain);
    }
}

// ---------------------------------------------------------------------------------------------
// Names and IDs

/// Names built from the pieces that break path handling, and any string at all.
fn name() -> impl Strategy<Value = String> {
    let piece = select(vec![
        "a".to_string(),
        "b.txt".into(),
        "..".into(),
        ".".into(),
        "".into(),
        "/".into(),
        "\\".into(),
        ":".into(),
        "C:".into(),
        "\0".into(),
        "\u{7f}".into(),
        "\u{85}".into(),
        "\u{9f}".into(),
        "\u{a0}".into(),
        "\u{202e}".into(),
        "設計".into(),
        "\n".into(),
        " ".into(),
        "x".repeat(255),
        "x".repeat(256),
    ]);
    prop_oneof![
        any::<String>(),
        vec(piece.clone(), 0..8).prop_map(|p| p.concat()),
        vec(piece, 0..8).prop_map(|p| p.join("/")),
        (1usize..5000).prop_map(|n| "a/".repeat(n / 2) + "b"),
    ]
}

/// docs/format.md §7, written independently of `names::check`.
fn acceptable(n: &str) -> bool {
    let control = |c: char| (c as u32) < 0x20 || (0x7f..=0x9f).contains(&(c as u32));
    !n.is_empty()
        && n.len() <= 4096
        && !n.starts_with('/')
        && !n.chars().any(|c| control(c) || c == '\\')
        && n.as_bytes().get(1) != Some(&b':')
        && n.split('/')
            .all(|p| !p.is_empty() && p != "." && p != ".." && p.len() <= 255)
}

#[test]
fn fuzz_vault_names() {
    fuzz::run("vault_names", 1, name(), |n| {
        let r = names::check(&n);
        prop_assert_eq!(r.is_ok(), acceptable(&n), "{:?}", n);
        match r {
            Ok(()) => {
                let path = std::path::Path::new(&n);
                prop_assert!(path
                    .components()
                    .all(|c| matches!(c, std::path::Component::Normal(_))));
            }
            Err(e) => expect_code(&e, &[ExitCode::Integrity])?,
        }
        Ok(())
    });
}

#[test]
fn fuzz_vault_ids() {
    let input = prop_oneof![
        any::<String>(),
        "[0-9a-fA-F]{0,40}",
        any::<[u8; 16]>().prop_map(hex::encode),
        any::<[u8; 16]>().prop_map(hex::encode_upper),
    ];
    fuzz::run("vault_ids", 1, input, |s| {
        match parse_id(&s) {
            Ok(id) => {
                prop_assert_eq!(s.len(), 32);
                prop_assert_eq!(hex::encode(id), s.to_lowercase());
            }
            Err(e) => {
                expect_code(&e, &[ExitCode::Integrity])?;
                prop_assert!(hex::decode(&s).map(|b| b.len() != 16).unwrap_or(true));
            }
        }
        Ok(())
    });
}

// ---------------------------------------------------------------------------------------------
// Ledger payloads

const KINDS: &[&str] = &[
    "ledger.init",
    "person.add",
    "person.passwd",
    "person.revoke",
    "person.auth_failure",
    "ledger.require_token",
    "medium.register",
    "medium.checkout",
    "medium.return",
    "medium.carry_out",
    "medium.loan",
    "medium.copy",
    "medium.transfer",
    "medium.destroy",
    "medium.lost",
    "medium.wipe_start",
    "medium.wipe",
    "vault.put",
    "vault.get",
    "vault.erase",
    "vault.rekey",
    "person.unlock",
    "person.roles",
    "medium.correct",
    "exception.grant",
    "exception.end",
    "inventory.check",
];

/// One valid body of every kind.
fn sample_bodies() -> &'static [Body] {
    static B: OnceLock<Vec<Body>> = OnceLock::new();
    B.get_or_init(|| {
        let key = PersonKey::generate();
        let p = PersonId::nth;
        let class = Classification::new(3, 2, 2, Some("社外秘".into())).expect("classification");
        let device = DeviceIdentity {
            path: Some("/dev/sdb".into()),
            vendor_id: Some("0781".into()),
            product_id: Some("5583".into()),
            vendor: Some("SanDisk".into()),
            product: Some("Ultra Fit".into()),
            serial: Some("4C530001".into()),
            capacity_bytes: 32_015_679_488,
        };
        let admin = PersonAdd {
            id: p(1),
            name: "佐藤 一郎".into(),
            affiliation: "総務部".into(),
            roles: vec![Role::Admin, Role::Custodian],
            public_key: key.public(),
            encryption_key: key.agreement_public(),
            site: None,
            token: None,
        };
        let pass = |pattern, seed: Option<String>| WipePass {
            seed,
            bytes_written: device.capacity_bytes,
            bytes_verified: device.capacity_bytes,
            mismatched_sectors: 0,
            mismatches: Vec::new(),
            write_ms: 1000,
            verify_ms: 900,
            ..WipePass::new(pattern, None)
        };
        let files = vec![VaultFile {
            name: "設計/図面.dwg".into(),
            size: 70_000,
        }];
        let until = "2026-12-01T08:30:00.000000Z".to_string();
        vec![
            Body::LedgerInit(LedgerInit {
                org: "防衛装備株式会社".into(),
                timezone: "Asia/Tokyo".into(),
                medium_prefix: "USB".into(),
                lang: "ja".into(),
                day_end: "17:30".into(),
                kdf: KdfParams::INSECURE_FAST,
                admin: admin.clone(),
            }),
            Body::PersonAdd(PersonAdd {
                id: p(2),
                ..admin.clone()
            }),
            Body::PersonPasswd(PersonPasswd {
                id: p(2),
                new_key: Some(NewKeys {
                    public_key: admin.public_key,
                    encryption_key: admin.encryption_key,
                }),
                approver: Some(p(1)),
                token: None,
            }),
            Body::PersonAdd(PersonAdd {
                id: p(3),
                public_key: admin.public_key,
                encryption_key: admin.public_key,
                token: Some(TokenInfo {
                    manufacturer: "SoftHSM project".into(),
                    model: "SoftHSM v2".into(),
                    serial: "126fd9426d3ed07b".into(),
                    label: "鈴木".into(),
                    key_id: "00ff".into(),
                }),
                ..admin.clone()
            }),
            Body::LedgerRequireToken(RequireToken {
                roles: vec![Role::Custodian, Role::Witness],
            }),
            Body::PersonRevoke(PersonRef { id: p(2) }),
            Body::PersonUnlock(PersonRef { id: p(2) }),
            Body::AuthFailure(AuthFailure {
                id: p(2),
                command: "checkout".into(),
            }),
            Body::Register(Register {
                kind: MediaKind::Usb,
                label: Some("青".into()),
                device: Some(device.clone()),
                classification: class,
                received_from: Some("装備庁".into()),
                site: None,
            }),
            Body::Checkout(Checkout {
                purpose: "設計図面の作成".into(),
            }),
            Body::Return(Return {
                check: ReturnCheck::Device {
                    path: "/dev/sdb".into(),
                    capacity_bytes: device.capacity_bytes,
                    bytes_read: device.capacity_bytes,
                    data_sectors: 3,
                    first_data_offset: Some(4096),
                    cache_bypass: Some(CacheBypass::ODirect),
                },
            }),
            Body::Return(Return {
                check: ReturnCheck::Path {
                    files: 2,
                    bytes: 10,
                },
            }),
            Body::CarryOut(CarryOut {
                approver: p(3),
                until: until.clone(),
                destination: "装備庁".into(),
                purpose: "設計審査".into(),
                contents: files.clone(),
            }),
            Body::Loan(Loan {
                approver: p(3),
                borrower: "協力会社".into(),
                until,
                destination: "本社".into(),
                purpose: "試験".into(),
            }),
            Body::Copy(model::Copy {
                approver: p(3),
                data: "図面一式".into(),
                counterpart: "USB-2026-0002".into(),
                purpose: "バックアップ".into(),
            }),
            Body::Transfer(Transfer {
                approver: p(3),
                recipient: "装備庁".into(),
                purpose: "納入".into(),
            }),
            Body::Destroy(model::Destroy {
                witness: p(4),
                method: DestroyMethod::Crush,
                unverifiable: Some("コネクタ破損".into()),
            }),
            Body::Lost(Lost {
                circumstances: "出張中".into(),
            }),
            Body::WipeStart(WipeStart {
                method: WipeMethod::RandomZero,
                device: device.clone(),
            }),
            Body::Wipe(Wipe {
                method: WipeMethod::RandomZero,
                device: device.clone(),
                sanitization: "clear".into(),
                tool: "baitai 0.1.0".into(),
                started: "2026-11-23T00:00:00.000000Z".into(),
                finished: "2026-11-23T01:00:00.000000Z".into(),
                passes: vec![
                    pass(PatternKind::Random, Some("ab".repeat(32))),
                    WipePass {
                        mismatched_sectors: 2,
                        mismatches: vec![ByteRange {
                            offset: 512,
                            len: 1024,
                        }],
                        ..pass(PatternKind::Zero, None)
                    },
                ],
                cache_bypass: CacheBypass::ODirect,
                buffered_tail_bytes: 0,
                vault_headers_erased: Some(1),
                result: WipeResult::Failed,
                reason: Some("read-back differs".into()),
            }),
            // From its JSON, so members added later with a default need no change here.
            Body::decode(
                "vault.put",
                &json!({
                    "vault_id": "00".repeat(16),
                    "cipher": "aes-256-gcm",
                    "added": files,
                    "bytes": 70_000,
                    "total_files": 1,
                    "manifest_sha256": "ab".repeat(32),
                    "recipients": [p(2), p(3)],
                    "passphrase_slot": true,
                })
                .to_string(),
            )
            .expect("vault.put"),
            Body::VaultGet(VaultGet {
                vault_id: "00".repeat(16),
                files,
                bytes: 70_000,
                manifest_sha256: "ab".repeat(32),
            }),
            Body::VaultErase(VaultErase {
                vault_id: "00".repeat(16),
            }),
            Body::PersonRoles(model::PersonRoles {
                id: p(2),
                roles: vec![Role::Handler, Role::Custodian],
            }),
            Body::Correct(model::Correct {
                entry: 7,
                wrong: "ファイルなし".into(),
                right: "暗号化ファイル3件".into(),
                reason: "別のフォルダーを確認していた".into(),
                data_present: true,
            }),
            Body::ExceptionGrant(model::ExceptionGrant {
                approver: p(1),
                clause: "規程 第4条3項".into(),
                scope: "設計部".into(),
                from: "2026-11-23T00:00:00.000000Z".into(),
                until: "2026-11-30T00:00:00.000000Z".into(),
                measures: "2名で目視確認".into(),
                end_report: "書面".into(),
                reason: "装置故障".into(),
            }),
            Body::ExceptionEnd(model::ExceptionEnd {
                grant: 9,
                report: "修理済み".into(),
            }),
            Body::InventoryCheck(model::InventoryCheck {
                location: Some("保管庫A".into()),
                present: vec!["USB-2026-0001".into()],
                missing: Vec::new(),
                unexpected: Vec::new(),
                overdue: Vec::new(),
            }),
        ]
    })
}

/// What the rest of baitai does with a decoded body: re-encode it, ask the rules' questions,
/// print it. None of it may panic, whatever the ledger file held.
fn use_body(b: &Body) -> Result<(), TestCaseError> {
    let (kind, payload) = b.encode().map_err(|e| fail("encode", e))?;
    let again = Body::decode(&kind, &payload).map_err(|e| fail("decode again", e))?;
    prop_assert_eq!(&again, b);
    let _ = (
        b.second_signer(),
        b.introduced_key(&PersonId::nth(1)),
        b.is_unsigned(),
        b.is_medium_act(),
    );
    for lang in [Lang::Ja, Lang::En] {
        match b {
            Body::Wipe(w) => {
                let _ = (w.consistent(), w.bytes_written(), w.bytes_verified());
                let _ = (wipe_text(w, lang), device_summary(&w.device));
            }
            Body::WipeStart(w) => {
                let _ = (
                    device_summary(&w.device),
                    human_bytes(w.device.capacity_bytes),
                );
            }
            Body::Return(r) => {
                let _ = (
                    check_text(&r.check, lang),
                    r.check.data_found(),
                    r.check.proves_clean(),
                );
            }
            Body::Register(r) => {
                let _ = (r.classification.marking(), r.classification.marking_ja());
                let _ = r.device.as_ref().map(device_summary);
            }
            Body::LedgerInit(i) => {
                let _ = time::zone(&i.timezone);
            }
            _ => {}
        }
    }
    Ok(())
}

#[test]
fn fuzz_ledger_payloads_arbitrary() {
    let kind = prop_oneof![4 => select(KINDS).prop_map(String::from), 1 => ".{0,20}"];
    let payload = prop_oneof![
        1 => any::<String>(),
        3 => json().prop_map(|v| v.to_string()),
        1 => (1usize..5000).prop_map(|d| "{\"a\":".repeat(d) + &"}".repeat(d)),
    ];
    fuzz::run(
        "ledger_payloads_arbitrary",
        1,
        (kind, payload),
        |(kind, payload)| {
            match Body::decode(&kind, &payload) {
                Ok(b) => use_body(&b)?,
                Err(e) => expect_code(&e, &[ExitCode::Integrity])?,
            }
            Ok(())
        },
    );
}

#[test]
fn fuzz_ledger_payloads_mutated() {
    let input = (
        any::<Index>(),
        vec(json_edit(), 0..4),
        prop_oneof![5 => Just(None), 1 => select(KINDS).prop_map(Some)],
    );
    fuzz::run(
        "ledger_payloads_mutated",
        1,
        input,
        |(i, edits, other_kind)| {
            let all = sample_bodies();
            let (kind, payload) = all[i.index(all.len())]
                .encode()
                .map_err(|e| fail("encode", e))?;
            let mut v: Value = serde_json::from_str(&payload).map_err(|e| fail("payload", e))?;
            apply_edits(&mut v, &edits);
            let kind = other_kind.map_or(kind, String::from);
            match Body::decode(&kind, &v.to_string()) {
                Ok(b) => use_body(&b)?,
                Err(e) => expect_code(&e, &[ExitCode::Integrity])?,
            }
            Ok(())
        },
    );
}

/// Wipe records, return checks and device identities with any counts at all: the sums and
/// comparisons made when printing or replaying them must not overflow.
fn counted_body() -> impl Strategy<Value = Body> {
    let big = || prop_oneof![any::<u64>(), Just(u64::MAX), Just(0u64), 0u64..1 << 40];
    let device = (
        proptest::option::of(".{0,12}"),
        proptest::option::of("[0-9a-f]{4}"),
        proptest::option::of(".{0,12}"),
        big(),
    )
        .prop_map(|(path, vendor_id, serial, capacity_bytes)| DeviceIdentity {
            path,
            vendor_id,
            serial,
            capacity_bytes,
            ..DeviceIdentity::default()
        });
    let kind = prop_oneof![Just(PatternKind::Zero), Just(PatternKind::Random)];
    let pass = (
        kind,
        proptest::option::of("[0-9a-f]{64}|.{0,8}"),
        [big(), big(), big(), big(), big()],
        vec(
            (big(), big()).prop_map(|(offset, len)| ByteRange { offset, len }),
            0..3,
        ),
    )
        .prop_map(|(pattern, seed, [w, v, m, wm, vm], mismatches)| WipePass {
            seed,
            bytes_written: w,
            bytes_verified: v,
            mismatched_sectors: m,
            mismatches,
            write_ms: wm,
            verify_ms: vm,
            ..WipePass::new(pattern, None)
        });
    let method = prop_oneof![
        Just(WipeMethod::Zero),
        Just(WipeMethod::Random),
        Just(WipeMethod::RandomZero)
    ];
    let result = prop_oneof![
        Just(WipeResult::Passed),
        Just(WipeResult::Failed),
        Just(WipeResult::Incomplete)
    ];
    let wipe = (
        method.clone(),
        device.clone(),
        vec(pass, 0..4),
        result,
        big(),
        proptest::option::of(big()),
    )
        .prop_map(|(method, device, passes, result, tail, erased)| {
            Body::Wipe(Wipe {
                method,
                device,
                sanitization: "clear".into(),
                tool: "baitai".into(),
                started: "2026-11-23T00:00:00.000000Z".into(),
                finished: "2026-11-23T01:00:00.000000Z".into(),
                passes,
                cache_bypass: CacheBypass::FadviseDontneed,
                buffered_tail_bytes: tail,
                vault_headers_erased: erased,
                result,
                reason: None,
            })
        });
    let check = (".{0,8}", [big(), big(), big()], proptest::option::of(big())).prop_map(
        |(path, [capacity_bytes, bytes_read, data_sectors], first_data_offset)| {
            Body::Return(Return {
                check: ReturnCheck::Device {
                    path,
                    capacity_bytes,
                    bytes_read,
                    data_sectors,
                    first_data_offset,
                    cache_bypass: None,
                },
            })
        },
    );
    let start =
        (method, device).prop_map(|(method, device)| Body::WipeStart(WipeStart { method, device }));
    prop_oneof![3 => wipe, 1 => check, 1 => start]
}

#[test]
fn fuzz_ledger_records_with_any_counts() {
    fuzz::run("ledger_records_with_any_counts", 1, counted_body(), |b| {
        let (kind, payload) = b.encode().map_err(|e| fail("encode", e))?;
        let back = Body::decode(&kind, &payload).map_err(|e| fail("decode", e))?;
        use_body(&back)
    });
}

#[test]
fn fuzz_model_words() {
    let input = (
        any::<String>(),
        "[CIAcia]?[0-9+-]{0,5}",
        select(vec!['C', 'I', 'A']),
    );
    fuzz::run("model_words", 1, input, |(text, level, letter)| {
        for s in [&text, &level] {
            match SignRole::parse(s) {
                Some(r) => prop_assert_eq!(r.as_str(), s.as_str()),
                None => prop_assert!(!["actor", "approver", "witness"].contains(&s.as_str())),
            }
            for max in [2u8, 3] {
                match Classification::level(s, letter, max) {
                    Ok(n) => prop_assert!((1..=max).contains(&n)),
                    Err(e) => expect_code(&e, &[ExitCode::Usage])?,
                }
            }
            let _ = (Lang::parse(s), time::zone(s));
        }
        Ok(())
    });
}

// ---------------------------------------------------------------------------------------------
// Keys and signatures

/// The order of P-256: scalars at and above it are not keys.
const ORDER: &str = "ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551";

#[test]
fn fuzz_public_and_private_keys() {
    let point = prop_oneof![
        vec(any::<u8>(), 0..80),
        (
            select(vec![0u8, 2, 3, 4, 5]),
            prop_oneof![vec(any::<u8>(), 32), vec(any::<u8>(), 64)]
        )
            .prop_map(|(tag, rest)| [vec![tag], rest].concat()),
        any::<[u8; 32]>().prop_filter_map("not a scalar", |b| PersonKey::from_bytes(&b)
            .ok()
            .map(|k| k.public().to_sec1())),
    ];
    let text = prop_oneof![any::<String>(), "[0-9a-fA-F]{0,140}"];
    let scalar = prop_oneof![
        vec(any::<u8>(), 0..64),
        vec(any::<u8>(), 32),
        select(vec![
            vec![0u8; 32],
            vec![0xff; 32],
            hex::decode(ORDER).unwrap_or_default(),
        ]),
    ];
    fuzz::run(
        "public_and_private_keys",
        1,
        (point, text, scalar),
        |(point, text, scalar)| {
            match PublicKey::from_sec1(&point) {
                Ok(k) => {
                    prop_assert_eq!(PublicKey::from_sec1(&k.to_sec1()).ok(), Some(k));
                    prop_assert_eq!(PublicKey::from_hex(&hex::encode(&point)).ok(), Some(k));
                    prop_assert_eq!(
                        PublicKey::from_hex(&hex::encode_upper(&point)).ok(),
                        Some(k)
                    );
                    let json = serde_json::to_string(&k).map_err(|e| fail("json", e))?;
                    prop_assert_eq!(serde_json::from_str::<PublicKey>(&json).ok(), Some(k));
                }
                Err(e) => expect_code(&e, &[ExitCode::Integrity])?,
            }
            match PublicKey::from_hex(&text) {
                Ok(k) => {
                    let bytes = hex::decode(&text).map_err(|e| fail("accepted hex", e))?;
                    prop_assert_eq!(PublicKey::from_sec1(&bytes).ok(), Some(k));
                }
                Err(e) => expect_code(&e, &[ExitCode::Integrity])?,
            }
            let _ = serde_json::from_str::<PublicKey>(&format!("{text:?}"));
            match PersonKey::from_bytes(&scalar) {
                Ok(k) => {
                    // p256 also takes 24 to 31 bytes, as a scalar with its leading zeros left off.
                    prop_assert!((24..=32).contains(&scalar.len()));
                    let padded = [vec![0u8; 32 - scalar.len()], scalar.clone()].concat();
                    prop_assert_eq!(&k.to_bytes()[..], &padded[..]);
                    let _ = (k.public(), k.agreement_public());
                }
                Err(e) => expect_code(&e, &[ExitCode::Integrity])?,
            }
            Ok(())
        },
    );
}

#[test]
fn fuzz_signatures() {
    static KEY: OnceLock<PersonKey> = OnceLock::new();
    let sig = prop_oneof![
        vec(any::<u8>(), 0..100),
        vec(any::<u8>(), 64),
        (any::<Index>(), 0u8..8).prop_map(|(i, b)| {
            let k = KEY.get_or_init(PersonKey::generate);
            let mut s = k.sign_entry("actor", &[7; 32]).0.to_vec();
            s[i.index(64)] ^= 1 << b;
            s
        }),
        // r = s = 0, and r = s = the group order: out of range, never valid.
        select(vec![
            vec![0u8; 64],
            hex::decode(ORDER.repeat(2)).unwrap_or_default()
        ]),
    ];
    fuzz::run("signatures", 1, sig, |bytes| {
        let key = KEY.get_or_init(PersonKey::generate);
        let public = key.public();
        match Signature::from_slice(&bytes) {
            Some(s) => {
                prop_assert_eq!(bytes.len(), 64);
                let good = key.sign_entry("actor", &[7; 32]);
                let lc = public.verify_entry("actor", &[7; 32], &s);
                let rust = public.verify_entry_p256("actor", &[7; 32], &s);
                prop_assert_eq!(lc, rust, "AWS-LC and p256 disagree on {:?}", s);
                prop_assert_eq!(lc, s == good);
                prop_assert!(!public.verify_raw(b"message", &s) || s != good);
            }
            None => prop_assert!(bytes.len() != 64),
        }
        Ok(())
    });
}

// ---------------------------------------------------------------------------------------------
// Sealed keys and KDF parameters

#[test]
fn fuzz_sealed_keys() {
    static SEALED: OnceLock<(PersonKey, Passphrase, SealedKey)> = OnceLock::new();
    let input = (
        prop_oneof![5 => Just(1u32), 1 => any::<u32>()],
        kdf_edit(),
        [hex_edit(), hex_edit(), hex_edit()],
        prop_oneof![5 => Just("P0001".to_string()), 1 => ".{0,8}"],
    );
    fuzz::run("sealed_keys", 4, input, |(version, kdf, edits, aad)| {
        let (key, pass, sealed) = SEALED.get_or_init(|| {
            let key = PersonKey::generate();
            let pass = Passphrase::new("Correct-Horse-1".into());
            let sealed = SealedKey::seal(&key, &pass, KdfParams::INSECURE_FAST, "P0001")
                .unwrap_or_else(|e| panic!("seal: {e}"));
            (key, pass, sealed)
        });
        let fields = [&sealed.salt, &sealed.nonce, &sealed.ciphertext];
        let [salt, nonce, ciphertext] = [0, 1, 2].map(|i| edits[i].apply(fields[i]));
        let kdf = match kdf {
            KdfEdit::Keep => sealed.kdf,
            KdfEdit::Set(k) => k,
        };
        let changed = version != 1
            || kdf != sealed.kdf
            || aad != "P0001"
            || [&salt, &nonce, &ciphertext]
                .iter()
                .zip(fields)
                .any(|(new, old)| !same_bytes(new, old));
        let hostile = SealedKey {
            version,
            kdf,
            salt,
            nonce,
            ciphertext,
            retired: Vec::new(),
        };
        // Stored as JSON in the ledger: it must survive the trip it makes there.
        let json = serde_json::to_string(&hostile).map_err(|e| fail("json", e))?;
        let hostile: SealedKey = serde_json::from_str(&json).map_err(|e| fail("json", e))?;
        match hostile.open(pass, &aad) {
            Ok(k) => {
                prop_assert!(!changed, "a changed sealed key opened");
                prop_assert_eq!(k.public(), key.public());
            }
            Err(OpenError::WrongPassphrase) => prop_assert!(changed),
            Err(OpenError::Other(e)) => {
                prop_assert!(changed);
                expect_code(&e, &[ExitCode::Integrity, ExitCode::Other])?;
            }
        }
        Ok(())
    });
}

#[test]
fn fuzz_sealed_key_json() {
    let text = prop_oneof![
        any::<String>(),
        json().prop_map(|v| v.to_string()),
        (json(), json(), json()).prop_map(|(salt, nonce, ct)| {
            json!({"version": 1, "kdf": {"m_kib": 8, "t": 1, "p": 1},
                   "salt": salt, "nonce": nonce, "ciphertext": ct})
            .to_string()
        }),
    ];
    fuzz::run("sealed_key_json", 1, text, |text| {
        if let Ok(s) = serde_json::from_str::<SealedKey>(&text) {
            if s.kdf.m_kib <= 64 && s.kdf.t <= 2 && s.kdf.p <= 2 {
                let pass = Passphrase::new("Correct-Horse-1".into());
                match s.open(&pass, "P0001") {
                    Ok(_) => prop_assert!(false, "a made-up sealed key opened"),
                    Err(OpenError::WrongPassphrase) => {}
                    Err(OpenError::Other(e)) => {
                        expect_code(&e, &[ExitCode::Integrity, ExitCode::Other])?
                    }
                }
            }
        }
        Ok(())
    });
}

#[test]
fn fuzz_kdf_parameters() {
    let params = prop_oneof![kdf_out_of_range(), kdf_tiny()];
    let input = (params, vec(any::<u8>(), 0..40));
    fuzz::run("kdf_parameters", 2, input, |(params, salt)| {
        let pass = Passphrase::new("Correct-Horse-1".into());
        let (first, largest) = probe::largest(|| params.derive(&pass, &salt));
        match first {
            Ok(k) => {
                prop_assert!(!out_of_range(&params));
                let again = params.derive(&pass, &salt).map_err(|e| fail("again", e))?;
                prop_assert_eq!(*k, *again);
            }
            Err(e) => {
                expect_code(&e, &[ExitCode::Integrity, ExitCode::Other])?;
                if out_of_range(&params) {
                    prop_assert!(largest < 1 << 20, "{} bytes before refusing", largest);
                }
            }
        }
        Ok(())
    });
}

// ---------------------------------------------------------------------------------------------
// Times, checkpoints, seeds

#[test]
fn fuzz_stored_times() {
    let near = (0usize..27, any::<char>()).prop_map(|(i, c)| {
        let mut s: Vec<char> = "2026-11-23T08:30:00.123456Z".chars().collect();
        s[i] = c;
        s.into_iter().collect::<String>()
    });
    let text = prop_oneof![
        any::<String>(),
        near,
        concat!(
            "[+-]?[0-9]{1,7}-[0-9]{1,3}-[0-9]{1,3}T[0-9]{1,3}:[0-9]{1,3}:[0-9]{1,3}",
            "(\\.[0-9]{0,12})?(Z|[+-][0-9]{2}:[0-9]{2})?",
        ),
    ];
    // From year 0: before it, to_store writes a year jiff cannot read back ("-001"). No time
    // baitai stores can be that early (it comes from the clock, or must lie in the future).
    let year_zero = -62_167_219_200_000_000i64;
    let micros = prop_oneof![
        year_zero..i64::MAX,
        year_zero..4_102_444_800_000_000,
        Just(year_zero),
        Just(i64::MAX),
    ];
    fuzz::run("stored_times", 1, (text, micros), |(text, micros)| {
        match time::from_store(&text) {
            Ok(t) => prop_assert_eq!(time::from_store(&time::to_store(t)).ok(), Some(t)),
            Err(e) => expect_code(&e, &[ExitCode::Integrity])?,
        }
        if let Ok(t) = jiff::Timestamp::from_microsecond(micros) {
            let stored = time::to_store(t);
            prop_assert_eq!(time::from_store(&stored).ok(), Some(t), "{}", stored);
        }
        Ok(())
    });
}

#[test]
fn fuzz_user_times() {
    let text = prop_oneof![
        any::<String>(),
        "[+-]?[0-9]{1,6}-[0-9]{1,2}-[0-9]{1,2}",
        "[0-9]{4}-[0-9]{2}-[0-9]{2}[ T][0-9]{1,2}:[0-9]{1,2}(:[0-9]{1,2})?",
        "[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}([+-][0-9]{2}:[0-9]{2}|Z)",
        "2026-03-08 02:[0-5][0-9]",
        "2026-11-01 01:[0-5][0-9]",
    ];
    let zone = select(vec![
        "Asia/Tokyo",
        "UTC",
        "America/New_York",
        "Australia/Lord_Howe",
        "Pacific/Kiritimati",
    ]);
    let input = (text, zone, any::<bool>());
    fuzz::run("user_times", 1, input, |(text, zone, end)| {
        let tz = time::zone(zone).map_err(|e| fail("zone", e))?;
        let end = if end { DayEnd::End } else { DayEnd::Start };
        match time::parse_user(&text, &tz, end) {
            Ok(t) => {
                let _ = (
                    time::show_minutes(t, &tz),
                    time::show_full(t, &tz),
                    time::year(t, &tz),
                );
            }
            Err(e) => expect_code(&e, &[ExitCode::Usage])?,
        }
        Ok(())
    });
}

#[test]
fn fuzz_checkpoint_files() {
    let valid = (any::<u64>(), "[0-9a-f]{64}").prop_map(|(seq, hash)| {
        json!({"ledger": {"seq": seq, "hash": hash, "verified_at": "2026-11-23T00:00:00Z"}})
    });
    let edited = (valid.clone(), vec(json_edit(), 1..4)).prop_map(|(mut v, edits)| {
        apply_edits(&mut v, &edits);
        v.to_string().into_bytes()
    });
    let bytes = prop_oneof![
        vec(any::<u8>(), 0..300),
        json().prop_map(|v| v.to_string().into_bytes()),
        valid.prop_map(|v| v.to_string().into_bytes()),
        edited,
    ];
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
    let path = dir.path().join("verified.json");
    fuzz::run("checkpoint_files", 1, bytes, |bytes| {
        std::fs::write(&path, &bytes).map_err(|e| fail("write", e))?;
        let store = Checkpoints::at(path.clone());
        match store.get("ledger") {
            Ok(cp) => {
                let cp = cp.unwrap_or(Checkpoint {
                    seq: 1,
                    hash: "ab".repeat(32),
                    verified_at: "2026-11-23T00:00:00Z".into(),
                });
                store
                    .put("ledger", cp.clone())
                    .map_err(|e| fail("put", e))?;
                prop_assert_eq!(store.get("ledger").map_err(|e| fail("get", e))?, Some(cp));
            }
            Err(e) => {
                expect_code(&e, &[ExitCode::Usage])?;
                prop_assert!(e.to_string().contains("unreadable"), "{}", e);
            }
        }
        Ok(())
    });
}

#[test]
fn fuzz_wipe_seeds() {
    let text = prop_oneof![
        any::<String>(),
        "[0-9a-fA-F]{60,68}",
        any::<[u8; 32]>().prop_map(hex::encode),
        any::<[u8; 32]>().prop_map(hex::encode_upper),
    ];
    fuzz::run("wipe_seeds", 1, text, |text| {
        match Seed::from_hex(&text) {
            Some(s) => {
                prop_assert_eq!(text.len(), 64);
                prop_assert_eq!(s.to_hex(), text.to_lowercase());
            }
            None => prop_assert!(hex::decode(&text).map(|b| b.len() != 32).unwrap_or(true)),
        }
        Ok(())
    });
}

/// Every kind is named the same way by the typed `Kind` and by the stored encoding.
#[test]
fn every_kind_names_itself_as_it_is_stored() {
    let mut seen = std::collections::BTreeSet::new();
    for b in sample_bodies() {
        let (stored, _) = b.encode().expect("encode");
        assert_eq!(b.kind().as_str(), stored);
        seen.insert(b.kind());
    }
    assert_eq!(seen.len(), 26, "a sample of every kind: {seen:?}");
}
