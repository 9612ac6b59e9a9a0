//! Tampering with the SQLite file behind baitai's back: `ledger verify` must exit 5 and name the
//! first entry that no longer holds up.
//!
//! Every test builds a ledger through the real binary (people, media, use, return, carry-out with
//! an approver, a copy at the destination, destruction with a witness), checks that it verifies,
//! then edits the file with raw SQL as someone with the `sqlite3` shell would.

use crate::common::*;

use rusqlite::{params, Connection};
use serde_json::Value;
use sha2::{Digest, Sha256};

/// What a forger runs first: the append-only triggers are only a speed bump.
const DROP_TRIGGERS: &str = "DROP TRIGGER IF EXISTS entries_append_only_u; \
     DROP TRIGGER IF EXISTS entries_append_only_d; \
     DROP TRIGGER IF EXISTS signatures_append_only_u; \
     DROP TRIGGER IF EXISTS signatures_append_only_d;";

const PURPOSE: &str = "設計図の持参 (会議用)";
const UNTIL: &str = "2099-12-31";

/// A ledger with signed entries of several kinds.
struct Built {
    env: Env,
    /// Checked out by HANDLER and returned.
    m_used: String,
    /// Carried out by HANDLER with CUSTODIAN's approval, copied at the destination, returned.
    m_carried: String,
    /// Destroyed by CUSTODIAN in front of WITNESS.
    m_destroyed: String,
    /// Checked out by HANDLER2 and still in use (the last entry).
    m_in_use: String,
    /// `ledger verify` JSON of the untampered ledger.
    clean: Value,
}

impl Built {
    fn entries(&self) -> u64 {
        self.clean["entries"].as_u64().unwrap()
    }

    fn head(&self) -> String {
        self.clean["head"].as_str().unwrap().to_string()
    }

    /// The sequence number of the only entry of this kind for this medium.
    fn seq(&self, kind: &str, medium: &str) -> i64 {
        let c = conn(&self.env);
        c.query_row(
            "SELECT seq FROM entries WHERE kind = ?1 AND medium = ?2",
            params![kind, medium],
            |r| r.get(0),
        )
        .unwrap_or_else(|e| panic!("no {kind} entry for {medium}: {e}"))
    }

    /// The sequence number of `person.add` for this person.
    fn person_add_seq(&self, person: &str) -> i64 {
        let c = conn(&self.env);
        c.query_row(
            "SELECT seq FROM entries WHERE kind = 'person.add' AND json_extract(payload, '$.id') = ?1",
            [person],
            |r| r.get(0),
        )
        .unwrap()
    }

    fn tamper(&self, sql: &str) {
        self.env.sql(DROP_TRIGGERS);
        self.env.sql(sql);
    }
}

fn build() -> Built {
    let env = Env::new();

    let m_used = env.register();
    env.ok_as(&["checkout", &m_used, "--purpose", PURPOSE], HANDLER);
    env.ok_as(&["return", &m_used], CUSTODIAN);

    let m_carried = env.register();
    let ap = env.approver(CUSTODIAN);
    env.ok_as(
        &args(
            &[
                "carry-out",
                &m_carried,
                "--until",
                UNTIL,
                "--destination",
                "横須賀 試験場",
                "--purpose",
                "試験データの持参",
            ],
            &ap,
        ),
        HANDLER,
    );
    env.ok_as(
        &args(
            &[
                "copy",
                &m_carried,
                "--data",
                "試験記録 2026-04",
                "--to",
                "試験場 担当 木村",
                "--purpose",
                "記録の共有",
            ],
            &ap,
        ),
        HANDLER,
    );
    env.ok_as(&["return", &m_carried], CUSTODIAN);

    let m_destroyed = env.register();
    let w = env.witness(WITNESS);
    env.ok_as(
        &args(
            &[
                "destroy",
                &m_destroyed,
                "--method",
                "crush",
                "--unverifiable",
                "基板が割れていて読めない",
            ],
            &w,
        ),
        CUSTODIAN,
    );

    let m_in_use = env.register();
    env.ok_as(
        &["checkout", &m_in_use, "--purpose", "別件の作業"],
        HANDLER2,
    );

    let (code, clean, stderr) = verify(&env, &[]);
    assert_eq!(code, 0, "the untampered ledger must verify: {stderr}");
    assert_eq!(clean["ok"], true);
    assert!(clean["failure"].is_null());
    Built {
        env,
        m_used,
        m_carried,
        m_destroyed,
        m_in_use,
        clean,
    }
}

fn conn(env: &Env) -> Connection {
    Connection::open(&env.ledger).unwrap()
}

/// `baitai --json ledger verify [extra]`: (exit code, JSON document, stderr).
fn verify(env: &Env, extra: &[&str]) -> (i32, Value, String) {
    let mut a = vec!["ledger", "verify"];
    a.extend_from_slice(extra);
    let out = env.run(&a);
    let stderr = String::from_utf8_lossy(&out.stderr).to_string();
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "ledger verify printed no JSON ({e}): stdout {:?}, stderr {stderr:?}",
            String::from_utf8_lossy(&out.stdout)
        )
    });
    (out.status.code().unwrap_or(-1), doc, stderr)
}

/// Exactly one `baitai: error:` line on stderr; return it.
fn error_line(stderr: &str) -> String {
    let lines: Vec<&str> = stderr
        .lines()
        .filter(|l| l.starts_with("baitai: error:"))
        .collect();
    assert_eq!(lines.len(), 1, "expected one error line, got: {stderr:?}");
    lines[0].to_string()
}

/// `ledger verify` exits 5 and names `seq` as the first bad entry, for a reason containing
/// `reason`.
fn assert_first_bad(env: &Env, seq: i64, reason: &str) -> Value {
    let (code, doc, stderr) = verify(env, &[]);
    assert_eq!(code, 5, "verify must fail with exit 5: {doc:#} {stderr}");
    assert_eq!(doc["ok"], false, "{doc:#}");
    let f = &doc["failure"];
    assert_eq!(
        f["seq"].as_i64(),
        Some(seq),
        "wrong first bad entry: {doc:#}"
    );
    let why = f["reason"].as_str().unwrap();
    assert!(
        why.contains(reason),
        "reason {why:?} should contain {reason:?}"
    );
    let line = error_line(&stderr);
    assert!(
        line.contains(&format!("entry {seq}")),
        "the error line should name entry {seq}: {line:?}"
    );
    doc
}

/// The stored fields of one entry.
#[derive(Debug, Clone)]
struct Row {
    seq: i64,
    time: String,
    kind: String,
    medium: Option<String>,
    actor: Option<String>,
    payload: String,
    prev_hash: Vec<u8>,
    hash: Vec<u8>,
}

fn rows(env: &Env) -> Vec<Row> {
    let c = conn(env);
    let mut st = c
        .prepare(
            "SELECT seq, time, kind, medium, actor, payload, prev_hash, hash FROM entries ORDER BY seq",
        )
        .unwrap();
    let it = st
        .query_map([], |r| {
            Ok(Row {
                seq: r.get(0)?,
                time: r.get(1)?,
                kind: r.get(2)?,
                medium: r.get(3)?,
                actor: r.get(4)?,
                payload: r.get(5)?,
                prev_hash: r.get(6)?,
                hash: r.get(7)?,
            })
        })
        .unwrap();
    it.map(Result::unwrap).collect()
}

/// The entry hash as docs/ledger.md specifies it, written independently of the crate: SHA-256
/// over the domain tag, seq (u64 BE), each text field as u32 BE length + UTF-8, and prev_hash.
fn entry_hash(r: &Row, prev: &[u8]) -> Vec<u8> {
    let mut d = Sha256::new();
    d.update(b"baitai-entry-v1\0");
    d.update((r.seq as u64).to_be_bytes());
    for field in [
        r.time.as_str(),
        r.kind.as_str(),
        r.medium.as_deref().unwrap_or(""),
        r.actor.as_deref().unwrap_or(""),
        r.payload.as_str(),
    ] {
        d.update((field.len() as u32).to_be_bytes());
        d.update(field.as_bytes());
    }
    d.update(prev);
    d.finalize().to_vec()
}

/// What a forger with the file but no keys does after an edit: recompute prev_hash and hash of
/// every entry from `from` on, so the hash chain alone looks intact.
fn rechain(env: &Env, from: i64) {
    env.sql(DROP_TRIGGERS);
    let all = rows(env);
    let c = conn(env);
    let mut prev = vec![0u8; 32];
    for r in &all {
        if r.seq >= from {
            let h = entry_hash(r, &prev);
            c.execute(
                "UPDATE entries SET prev_hash = ?1, hash = ?2 WHERE seq = ?3",
                params![prev, h, r.seq],
            )
            .unwrap();
            prev = h;
        } else {
            prev = r.hash.clone();
        }
    }
}

fn signature(env: &Env, seq: i64, role: &str) -> Vec<u8> {
    conn(env)
        .query_row(
            "SELECT signature FROM signatures WHERE seq = ?1 AND role = ?2",
            params![seq, role],
            |r| r.get(0),
        )
        .unwrap()
}

fn count(env: &Env, sql: &str) -> i64 {
    conn(env).query_row(sql, [], |r| r.get(0)).unwrap()
}

// ---------------------------------------------------------------------------------------------

#[test]
fn untampered_ledger_verifies_and_reports_its_head() {
    let b = build();
    let env = &b.env;
    assert_eq!(
        b.entries() as i64,
        count(env, "SELECT COUNT(*) FROM entries")
    );
    assert_eq!(
        b.clean["signatures"].as_i64().unwrap(),
        count(env, "SELECT COUNT(*) FROM signatures")
    );
    assert_eq!(b.clean["media"], 4);
    assert_eq!(b.clean["people"], 6);
    let last: Vec<u8> = conn(env)
        .query_row(
            "SELECT hash FROM entries ORDER BY seq DESC LIMIT 1",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(b.head(), hex::encode(last));
    // Every stored hash is the documented encoding.
    let mut prev = vec![0u8; 32];
    for r in rows(env) {
        assert_eq!(r.prev_hash, prev, "entry {}", r.seq);
        assert_eq!(entry_hash(&r, &prev), r.hash, "entry {}", r.seq);
        prev = r.hash.clone();
    }
    // The ledger holds the kinds the tampering tests rely on.
    for kind in [
        "ledger.init",
        "person.add",
        "medium.register",
        "medium.checkout",
        "medium.return",
        "medium.carry_out",
        "medium.copy",
        "medium.destroy",
    ] {
        assert!(
            count(
                env,
                &format!("SELECT COUNT(*) FROM entries WHERE kind = '{kind}'")
            ) > 0,
            "{kind}"
        );
    }
    assert_eq!(b.seq("medium.checkout", &b.m_in_use) as u64, b.entries());
}

#[test]
fn triggers_refuse_update_and_delete_until_dropped() {
    let b = build();
    let c = conn(&b.env);
    let attempts = [
        "UPDATE entries SET payload = '{}' WHERE seq = 2",
        "UPDATE entries SET seq = 999 WHERE seq = 3",
        "DELETE FROM entries WHERE seq = (SELECT MAX(seq) FROM entries)",
        "UPDATE signatures SET signature = x'00' WHERE seq = 2",
        "DELETE FROM signatures WHERE seq = 2",
    ];
    for sql in attempts {
        let err = c
            .execute(sql, [])
            .expect_err(&format!("the trigger must refuse: {sql}"));
        assert!(
            err.to_string().contains("append-only"),
            "{sql}: unexpected error {err}"
        );
    }
    drop(c);
    let (code, doc, _) = verify(&b.env, &[]);
    assert_eq!(code, 0);
    assert_eq!(doc["entries"], b.clean["entries"]);
    assert_eq!(doc["head"], b.clean["head"]);
}

#[test]
fn edited_purpose_is_detected() {
    let b = build();
    let seq = b.seq("medium.checkout", &b.m_used);
    b.tamper(&format!(
        "UPDATE entries SET payload = replace(payload, '{PURPOSE}', '私用の持ち帰り') WHERE seq = {seq}"
    ));
    let payload: String = conn(&b.env)
        .query_row("SELECT payload FROM entries WHERE seq = ?1", [seq], |r| {
            r.get(0)
        })
        .unwrap();
    assert!(payload.contains("私用の持ち帰り"), "the edit must land");
    assert_first_bad(&b.env, seq, "do not match its hash");
}

#[test]
fn edited_destination_of_a_carry_out_is_detected() {
    let b = build();
    let seq = b.seq("medium.carry_out", &b.m_carried);
    b.tamper(&format!(
        "UPDATE entries SET payload = json_set(payload, '$.destination', '自宅') WHERE seq = {seq}"
    ));
    assert_first_bad(&b.env, seq, "do not match its hash");
}

#[test]
fn edited_time_is_detected() {
    let b = build();
    let seq = b.seq("medium.return", &b.m_used);
    // Well-formed and still in order with its neighbours: only the hash can tell.
    let r = rows(&b.env).into_iter().find(|r| r.seq == seq).unwrap();
    let next = rows(&b.env).into_iter().find(|r| r.seq == seq + 1).unwrap();
    assert!(r.time < next.time);
    // Move the return one microsecond later: the form's time (to the minute) would barely change.
    let mut edited = r.time.clone();
    let at = edited.len() - 2; // the last digit of the microseconds, before "Z"
    let d = edited.as_bytes()[at];
    let bumped = if d == b'9' { '8' } else { (d + 1) as char };
    edited.replace_range(at..at + 1, &bumped.to_string());
    assert_ne!(edited, r.time);
    b.tamper(&format!(
        "UPDATE entries SET time = '{edited}' WHERE seq = {seq}"
    ));
    assert_first_bad(&b.env, seq, "do not match its hash");
}

#[test]
fn backdated_time_is_detected() {
    let b = build();
    let seq = b.seq("medium.carry_out", &b.m_carried);
    b.tamper(&format!(
        "UPDATE entries SET time = '2020-01-01T00:00:00.000000Z' WHERE seq = {seq}"
    ));
    assert_first_bad(&b.env, seq, "do not match its hash");
}

#[test]
fn edited_actor_is_detected() {
    let b = build();
    let seq = b.seq("medium.checkout", &b.m_used);
    // Another handler: the rules alone would still allow it.
    b.tamper(&format!(
        "UPDATE entries SET actor = '{HANDLER2}' WHERE seq = {seq}"
    ));
    assert_first_bad(&b.env, seq, "do not match its hash");
}

#[test]
fn edited_medium_is_detected() {
    let b = build();
    let seq = b.seq("medium.return", &b.m_carried);
    b.tamper(&format!(
        "UPDATE entries SET medium = '{}' WHERE seq = {seq}",
        b.m_in_use
    ));
    assert_first_bad(&b.env, seq, "do not match its hash");
}

#[test]
fn edited_kind_is_detected() {
    let b = build();
    let seq = b.seq("medium.destroy", &b.m_destroyed);
    // A destruction turned into a report of loss.
    b.tamper(&format!(
        "UPDATE entries SET kind = 'medium.lost', payload = '{{\"circumstances\":\"不明\"}}' WHERE seq = {seq}"
    ));
    assert_first_bad(&b.env, seq, "do not match its hash");
}

#[test]
fn deleted_middle_entry_is_detected() {
    let b = build();
    let seq = b.seq("medium.return", &b.m_used);
    b.tamper(&format!(
        "DELETE FROM signatures WHERE seq = {seq}; DELETE FROM entries WHERE seq = {seq};"
    ));
    let doc = assert_first_bad(&b.env, seq, "missing");
    assert!(doc["failure"]["reason"]
        .as_str()
        .unwrap()
        .contains(&format!("entry {seq}")));
}

#[test]
fn deleted_middle_entry_with_renumbering_is_detected() {
    let b = build();
    // Remove the copy at the destination and close the gap in the numbering.
    let seq = b.seq("medium.copy", &b.m_carried);
    b.tamper(&format!(
        "DELETE FROM signatures WHERE seq = {seq};
         DELETE FROM entries WHERE seq = {seq};
         UPDATE entries SET seq = seq + 100000 WHERE seq > {seq};
         UPDATE entries SET seq = seq - 100001 WHERE seq > 100000;
         UPDATE signatures SET seq = seq + 100000 WHERE seq > {seq};
         UPDATE signatures SET seq = seq - 100001 WHERE seq > 100000;"
    ));
    assert_eq!(
        count(&b.env, "SELECT COUNT(*) FROM entries") as u64,
        b.entries() - 1
    );
    assert_first_bad(&b.env, seq, "does not link");
}

#[test]
fn deleted_first_entry_is_detected() {
    let b = build();
    b.tamper("DELETE FROM signatures WHERE seq = 1; DELETE FROM entries WHERE seq = 1;");
    let (code, doc, stderr) = verify(&b.env, &[]);
    assert_eq!(code, 5, "{doc:#} {stderr}");
    assert_eq!(doc["failure"]["seq"], 1, "{doc:#}");
    error_line(&stderr);
}

#[test]
fn garbled_person_add_payload_fails_with_exit_5_naming_the_entry() {
    let b = build();
    let seq = b.person_add_seq(CUSTODIAN);
    b.tamper(&format!(
        "UPDATE entries SET payload = 'garbage' WHERE seq = {seq}"
    ));
    let out = b.env.run(&["ledger", "verify"]);
    assert_eq!(out.status.code(), Some(5));
    let stderr = String::from_utf8_lossy(&out.stderr);
    let line = error_line(&stderr);
    assert!(line.contains(&format!("entry {seq}")), "{line}");
}

#[test]
fn garbled_person_add_payload_is_reported_as_first_bad_entry() {
    let b = build();
    let seq = b.person_add_seq(CUSTODIAN);
    b.tamper(&format!(
        "UPDATE entries SET payload = 'garbage' WHERE seq = {seq}"
    ));
    assert_first_bad(&b.env, seq, "");
}

#[test]
fn deleted_signature_is_detected() {
    let b = build();
    let seq = b.seq("medium.carry_out", &b.m_carried);
    b.tamper(&format!(
        "DELETE FROM signatures WHERE seq = {seq} AND role = 'approver'"
    ));
    assert_first_bad(&b.env, seq, "has 1 signatures where 2 are required");
}

#[test]
fn deleted_witness_signature_is_detected() {
    let b = build();
    let seq = b.seq("medium.destroy", &b.m_destroyed);
    b.tamper(&format!(
        "DELETE FROM signatures WHERE seq = {seq} AND role = 'witness'"
    ));
    assert_first_bad(&b.env, seq, "signatures where 2 are required");
}

#[test]
fn signature_replaced_by_another_entrys_is_detected() {
    let b = build();
    // The same person's genuine signature, taken from a different entry.
    let target = b.seq("medium.checkout", &b.m_used);
    let donor = b.seq("medium.carry_out", &b.m_carried);
    let sig = signature(&b.env, donor, "actor");
    assert_ne!(sig, signature(&b.env, target, "actor"));
    b.env.sql(DROP_TRIGGERS);
    conn(&b.env)
        .execute(
            "UPDATE signatures SET signature = ?1 WHERE seq = ?2 AND role = 'actor'",
            params![sig, target],
        )
        .unwrap();
    assert_first_bad(&b.env, target, "actor signature does not verify");
}

#[test]
fn approver_signature_swapped_for_actor_signature_is_detected() {
    let b = build();
    // Role-bound signatures: the approver's signature over the same entry is not the actor's.
    let seq = b.seq("medium.carry_out", &b.m_carried);
    b.tamper(&format!(
        "UPDATE signatures SET role = 'tmp' WHERE seq = {seq} AND role = 'actor';
         UPDATE signatures SET role = 'actor', person = '{HANDLER}' WHERE seq = {seq} AND role = 'approver';
         UPDATE signatures SET role = 'approver', person = '{CUSTODIAN}' WHERE seq = {seq} AND role = 'tmp';"
    ));
    assert_first_bad(&b.env, seq, "signature does not verify");
}

#[test]
fn signature_attributed_to_someone_else_is_detected() {
    let b = build();
    let seq = b.seq("medium.carry_out", &b.m_carried);
    b.tamper(&format!(
        "UPDATE signatures SET person = '{CUSTODIAN2}' WHERE seq = {seq} AND role = 'approver'"
    ));
    assert_first_bad(&b.env, seq, &format!("is by {CUSTODIAN2}, not {CUSTODIAN}"));
}

#[test]
fn extra_signature_is_detected() {
    let b = build();
    let seq = b.seq("medium.checkout", &b.m_used);
    let sig = signature(&b.env, seq, "actor");
    b.env.sql(DROP_TRIGGERS);
    conn(&b.env)
        .execute(
            "INSERT INTO signatures(seq, role, person, signature) VALUES (?1, 'approver', ?2, ?3)",
            params![seq, CUSTODIAN, sig],
        )
        .unwrap();
    assert_first_bad(&b.env, seq, "has 2 signatures where 1 are required");
}

#[test]
fn rows_reordered_by_swapping_seq_are_detected() {
    let b = build();
    let a = b.seq("medium.checkout", &b.m_used);
    let z = b.seq("medium.carry_out", &b.m_carried);
    assert!(a < z);
    b.tamper(&format!(
        "UPDATE entries SET seq = -1 WHERE seq = {a};
         UPDATE entries SET seq = {a} WHERE seq = {z};
         UPDATE entries SET seq = {z} WHERE seq = -1;
         UPDATE signatures SET seq = -1 WHERE seq = {a};
         UPDATE signatures SET seq = {a} WHERE seq = {z};
         UPDATE signatures SET seq = {z} WHERE seq = -1;"
    ));
    let kind: String = conn(&b.env)
        .query_row("SELECT kind FROM entries WHERE seq = ?1", [a], |r| r.get(0))
        .unwrap();
    assert_eq!(kind, "medium.carry_out", "the swap must land");
    assert_first_bad(&b.env, a, "does not link");
}

#[test]
fn swapped_payloads_are_detected() {
    let b = build();
    // Two entries of the same kind: each payload alone is perfectly valid.
    let a = b.seq("medium.checkout", &b.m_used);
    let z = b.seq("medium.checkout", &b.m_in_use);
    b.tamper(&format!(
        "UPDATE entries SET payload = (SELECT payload FROM entries WHERE seq = {z}) WHERE seq = {a};
         UPDATE entries SET payload = '{{\"purpose\":\"{PURPOSE}\"}}' WHERE seq = {z};"
    ));
    assert_first_bad(&b.env, a, "do not match its hash");
}

#[test]
fn forged_entry_with_a_wrong_hash_at_the_tail_is_detected() {
    let b = build();
    let n = b.entries() as i64;
    let last = rows(&b.env).pop().unwrap();
    // A return of the medium in use, by the custodian, linked to the real head, with a hash that
    // looks like one and the custodian's real signature from another return.
    let sig = signature(&b.env, b.seq("medium.return", &b.m_used), "actor");
    let fake_hash = Sha256::digest(b"forged entry").to_vec();
    let time = "2099-01-01T00:00:00.000000Z";
    conn(&b.env)
        .execute(
            "INSERT INTO entries(seq, time, kind, medium, actor, payload, prev_hash, hash)
             VALUES (?1, ?2, 'medium.return', ?3, ?4, '{\"check\":{\"method\":\"none\"}}', ?5, ?6)",
            params![n + 1, time, b.m_in_use, CUSTODIAN, last.hash, fake_hash],
        )
        .unwrap();
    conn(&b.env)
        .execute(
            "INSERT INTO signatures(seq, role, person, signature) VALUES (?1, 'actor', ?2, ?3)",
            params![n + 1, CUSTODIAN, sig],
        )
        .unwrap();
    assert_first_bad(&b.env, n + 1, "do not match its hash");
}

#[test]
fn forged_entry_with_a_correct_hash_but_borrowed_signature_is_detected() {
    let b = build();
    let n = b.entries() as i64;
    let last = rows(&b.env).pop().unwrap();
    let mut forged = Row {
        seq: n + 1,
        // A plausible time, so that only the missing signature can give it away.
        time: last.time.clone(),
        kind: "medium.return".into(),
        medium: Some(b.m_in_use.clone()),
        actor: Some(CUSTODIAN.into()),
        payload: r#"{"check":{"method":"none"}}"#.into(),
        prev_hash: last.hash.clone(),
        hash: vec![],
    };
    forged.hash = entry_hash(&forged, &last.hash);
    let sig = signature(&b.env, b.seq("medium.return", &b.m_used), "actor");
    let c = conn(&b.env);
    c.execute(
        "INSERT INTO entries(seq, time, kind, medium, actor, payload, prev_hash, hash)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        params![
            forged.seq,
            forged.time,
            forged.kind,
            forged.medium,
            forged.actor,
            forged.payload,
            forged.prev_hash,
            forged.hash
        ],
    )
    .unwrap();
    // Unsigned first: the signature count gives it away.
    assert_first_bad(&b.env, n + 1, "has 0 signatures where 1 are required");
    c.execute(
        "INSERT INTO signatures(seq, role, person, signature) VALUES (?1, 'actor', ?2, ?3)",
        params![n + 1, CUSTODIAN, sig],
    )
    .unwrap();
    assert_first_bad(&b.env, n + 1, "actor signature does not verify");
}

#[test]
fn forged_entry_inserted_in_the_middle_is_detected() {
    let b = build();
    // Make room after the carry-out and slip in a second copy at the destination.
    let k = b.seq("medium.copy", &b.m_carried);
    let copy = rows(&b.env).into_iter().find(|r| r.seq == k).unwrap();
    b.tamper(&format!(
        "UPDATE entries SET seq = seq + 100000 WHERE seq >= {k};
         UPDATE entries SET seq = seq - 99999 WHERE seq > 100000;
         UPDATE signatures SET seq = seq + 100000 WHERE seq >= {k};
         UPDATE signatures SET seq = seq - 99999 WHERE seq > 100000;"
    ));
    let payload = copy.payload.replace("試験記録 2026-04", "全設計データ");
    assert_ne!(payload, copy.payload);
    // Linked correctly to the entry before it, with a plausible but wrong hash.
    let fake_hash = Sha256::digest(payload.as_bytes()).to_vec();
    let c = conn(&b.env);
    c.execute(
        "INSERT INTO entries(seq, time, kind, medium, actor, payload, prev_hash, hash)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        params![
            k,
            copy.time,
            copy.kind,
            copy.medium,
            copy.actor,
            payload,
            copy.prev_hash,
            fake_hash
        ],
    )
    .unwrap();
    for role in ["actor", "approver"] {
        let sig = signature(&b.env, k + 1, role);
        let person: String = c
            .query_row(
                "SELECT person FROM signatures WHERE seq = ?1 AND role = ?2",
                params![k + 1, role],
                |r| r.get(0),
            )
            .unwrap();
        c.execute(
            "INSERT INTO signatures(seq, role, person, signature) VALUES (?1, ?2, ?3, ?4)",
            params![k, role, person, sig],
        )
        .unwrap();
    }
    assert_eq!(
        count(&b.env, "SELECT COUNT(*) FROM entries") as u64,
        b.entries() + 1
    );
    assert_first_bad(&b.env, k, "do not match its hash");
}

#[test]
fn edit_with_the_whole_chain_recomputed_is_caught_by_the_signatures() {
    let b = build();
    let seq = b.seq("medium.checkout", &b.m_used);
    b.tamper(&format!(
        "UPDATE entries SET payload = replace(payload, '{PURPOSE}', '私用の持ち帰り') WHERE seq = {seq}"
    ));
    rechain(&b.env, seq);
    // The hash chain itself is consistent again…
    let mut prev = vec![0u8; 32];
    for r in rows(&b.env) {
        assert_eq!(r.prev_hash, prev);
        assert_eq!(entry_hash(&r, &prev), r.hash);
        prev = r.hash.clone();
    }
    // …but the handler never signed the new contents.
    let doc = assert_first_bad(&b.env, seq, "actor signature does not verify");
    assert_ne!(doc["head"], b.clean["head"]);
}

#[test]
fn backdated_time_with_the_chain_recomputed_is_detected() {
    let b = build();
    let seq = b.seq("medium.return", &b.m_carried);
    b.tamper(&format!(
        "UPDATE entries SET time = '2020-01-01T00:00:00.000000Z' WHERE seq = {seq}"
    ));
    rechain(&b.env, seq);
    assert_first_bad(&b.env, seq, "earlier than the entry before it");
}

#[test]
fn deleted_entry_with_renumbering_and_chain_recomputed_is_detected() {
    let b = build();
    // The cleanest deletion a forger without keys can make: drop the copy at the destination,
    // renumber the rest, and recompute every hash after it.
    let seq = b.seq("medium.copy", &b.m_carried);
    b.tamper(&format!(
        "DELETE FROM signatures WHERE seq = {seq};
         DELETE FROM entries WHERE seq = {seq};
         UPDATE entries SET seq = seq + 100000 WHERE seq > {seq};
         UPDATE entries SET seq = seq - 100001 WHERE seq > 100000;
         UPDATE signatures SET seq = seq + 100000 WHERE seq > {seq};
         UPDATE signatures SET seq = seq - 100001 WHERE seq > 100000;"
    ));
    rechain(&b.env, seq);
    // The entry now at `seq` (the return) carries signatures over its old hash.
    assert_first_bad(&b.env, seq, "signature does not verify");
}

#[test]
fn changed_public_key_in_person_add_is_detected() {
    let b = build();
    let seq = b.person_add_seq(HANDLER);
    // Swap in another person's (valid) public key: a forger would use their own.
    b.tamper(&format!(
        "UPDATE entries SET payload = json_set(payload, '$.public_key',
             (SELECT json_extract(payload, '$.public_key') FROM entries
              WHERE kind = 'person.add' AND json_extract(payload, '$.id') = '{CUSTODIAN}'))
         WHERE seq = {seq}"
    ));
    let keys: i64 = count(
        &b.env,
        &format!(
            "SELECT COUNT(DISTINCT json_extract(payload, '$.public_key')) FROM entries
             WHERE kind = 'person.add' AND json_extract(payload, '$.id') IN ('{HANDLER}', '{CUSTODIAN}')"
        ),
    );
    assert_eq!(keys, 1, "the edit must land");
    assert_first_bad(&b.env, seq, "do not match its hash");
}

#[test]
fn changed_public_key_with_the_chain_recomputed_is_detected() {
    let b = build();
    let seq = b.person_add_seq(HANDLER);
    b.tamper(&format!(
        "UPDATE entries SET payload = json_set(payload, '$.public_key',
             (SELECT json_extract(payload, '$.public_key') FROM entries
              WHERE kind = 'person.add' AND json_extract(payload, '$.id') = '{HANDLER2}'))
         WHERE seq = {seq}"
    ));
    rechain(&b.env, seq);
    // The admin signed the original key, not this one.
    assert_first_bad(&b.env, seq, "actor signature does not verify");
}

#[test]
fn truncated_tail_is_detected_only_with_a_kept_head() {
    let b = build();
    let old_head = b.head();
    let n = b.entries() as i64;
    // A verifier who kept no checkpoint (see the next test for one who did).
    std::fs::remove_file(b.env.path(".local/state/baitai/verified.json")).unwrap();
    // A careful forger removes the last two entries and their signatures.
    b.tamper(&format!(
        "DELETE FROM signatures WHERE seq > {m}; DELETE FROM entries WHERE seq > {m};",
        m = n - 2
    ));
    let (code, doc, stderr) = verify(&b.env, &[]);
    assert_eq!(
        code, 0,
        "without a kept head a truncated tail cannot be seen: {stderr}"
    );
    assert_eq!(doc["entries"].as_i64(), Some(n - 2));
    assert_ne!(doc["head"].as_str().unwrap(), old_head);

    let (code, doc, stderr) = verify(&b.env, &["--head", &old_head]);
    assert_eq!(
        code, 5,
        "the kept head must reveal the truncation: {doc:#} {stderr}"
    );
    assert_eq!(doc["ok"], false, "{doc:#}");
    assert!(doc["kept_head_entry"].is_null(), "{doc:#}");
    let line = error_line(&stderr);
    assert!(
        line.contains(&old_head),
        "the error should name the missing head: {line}"
    );

    // The head of what is left still verifies.
    let new_head = {
        let (_, d, _) = verify(&b.env, &[]);
        d["head"].as_str().unwrap().to_string()
    };
    let (code, doc, _) = verify(&b.env, &["--head", &new_head]);
    assert_eq!(code, 0);
    assert_eq!(doc["kept_head_entry"].as_i64(), Some(n - 2));
}

#[test]
fn truncation_that_leaves_signatures_behind_is_detected_without_a_head() {
    let b = build();
    let n = b.entries() as i64;
    b.tamper(&format!("DELETE FROM entries WHERE seq = {n}"));
    assert_first_bad(&b.env, n, "signature exists for an entry that does not");
}

#[test]
fn kept_head_of_the_current_ledger_passes() {
    let b = build();
    let head = b.head();
    let (code, doc, stderr) = verify(&b.env, &["--head", &head]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(doc["ok"], true);
    assert_eq!(doc["kept_head_entry"].as_u64(), Some(b.entries()));
    assert_eq!(doc["head"].as_str(), Some(head.as_str()));

    // An older kept head is fine too: nothing before it was lost.
    let k = b.seq("medium.carry_out", &b.m_carried);
    let old: Vec<u8> = conn(&b.env)
        .query_row("SELECT hash FROM entries WHERE seq = ?1", [k], |r| r.get(0))
        .unwrap();
    let (code, doc, _) = verify(&b.env, &["--head", &hex::encode(&old)]);
    assert_eq!(code, 0);
    assert_eq!(doc["kept_head_entry"].as_i64(), Some(k));

    // Human output says so as well.
    let out = b
        .env
        .cmd()
        .args(["ledger", "verify", "--head", &head])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains(&format!("entry #{}", b.entries())), "{text}");
}

#[test]
fn kept_head_that_is_not_hex_is_a_usage_error() {
    let b = build();
    let (code, _) = b.env.fail(&["ledger", "verify", "--head", "not-a-hash"]);
    assert_eq!(code, 2);
}

#[test]
fn kept_head_of_the_wrong_length_is_a_usage_error() {
    let b = build();
    let head = b.head();
    for bad in ["abcd", &head[..32], &format!("{head}00")] {
        let out = b.env.run(&["ledger", "verify", "--head", bad]);
        assert_eq!(
            out.status.code(),
            Some(2),
            "--head {bad}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

#[test]
fn kept_head_in_upper_case_or_padded_passes() {
    let b = build();
    let head = b.head();
    for h in [head.to_uppercase(), format!("  {head}  ")] {
        let (code, doc, stderr) = verify(&b.env, &["--head", &h]);
        assert_eq!(code, 0, "{h:?}: {stderr}");
        assert_eq!(doc["kept_head_entry"].as_u64(), Some(b.entries()));
    }
}

#[test]
fn tampered_ledger_fails_verify_in_human_mode_too() {
    let b = build();
    let seq = b.seq("medium.checkout", &b.m_used);
    b.tamper(&format!(
        "UPDATE entries SET actor = '{HANDLER2}' WHERE seq = {seq}"
    ));
    let out = b.env.cmd().args(["ledger", "verify"]).output().unwrap();
    assert_eq!(out.status.code(), Some(5));
    let stderr = String::from_utf8_lossy(&out.stderr);
    let line = error_line(&stderr);
    assert!(line.contains(&format!("entry {seq}")), "{line}");
    assert!(!stderr.contains("panicked"), "{stderr}");
}

#[test]
fn a_forged_row_sharing_a_sequence_number_is_detected() {
    let b = build();
    let n = b.entries() as i64;
    let c = conn(&b.env);
    // Rebuild the table without its key, then add a second row numbered like a real one.
    c.execute_batch(
        "DROP TRIGGER entries_append_only_u; DROP TRIGGER entries_append_only_d;
         CREATE TABLE e2 AS SELECT * FROM entries; DROP TABLE entries; ALTER TABLE e2 RENAME TO entries;",
    )
    .unwrap();
    c.execute(
        "INSERT INTO entries SELECT seq, time, 'medium.return', medium, actor, '{\"check\":{\"method\":\"none\"}}', prev_hash, hash FROM entries WHERE seq = ?1",
        [n],
    )
    .unwrap();
    drop(c);
    let (code, doc, stderr) = verify(&b.env, &[]);
    assert_eq!(code, 5, "{doc:#}");
    assert!(
        stderr.contains("rebuilt without its sequence key"),
        "{stderr}"
    );
    // Writers refuse the rebuilt table outright.
    let (code, err) = b
        .env
        .fail_as(&["checkout", &b.m_used, "--purpose", "x"], HANDLER);
    assert_eq!(code, 5, "{err}");
}

#[test]
fn an_entry_dated_far_in_the_future_is_flagged() {
    let b = build();
    let n = b.entries() as i64;
    let last = rows(&b.env).pop().unwrap();
    let mut forged = Row {
        seq: n + 1,
        time: "2099-01-01T00:00:00.000000Z".into(),
        kind: "person.auth_failure".into(),
        medium: None,
        actor: Some(HANDLER.into()),
        payload: format!(r#"{{"command":"checkout","id":"{HANDLER}"}}"#),
        prev_hash: last.hash.clone(),
        hash: vec![],
    };
    forged.hash = entry_hash(&forged, &last.hash);
    conn(&b.env)
        .execute(
            "INSERT INTO entries(seq, time, kind, medium, actor, payload, prev_hash, hash) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            params![forged.seq, forged.time, forged.kind, forged.medium, forged.actor, forged.payload, forged.prev_hash, forged.hash],
        )
        .unwrap();
    assert_first_bad(&b.env, n + 1, "ahead of this machine's clock");
}

#[test]
fn a_signature_failure_reports_the_head_before_it() {
    let b = build();
    let good = verify(&b.env, &[]).1;
    let seq = b.seq("medium.checkout", &b.m_used);
    let c = conn(&b.env);
    c.execute_batch("DROP TRIGGER signatures_append_only_u;")
        .unwrap();
    c.execute(
        "UPDATE signatures SET signature = zeroblob(64) WHERE seq = ?1",
        [seq],
    )
    .unwrap();
    drop(c);
    let doc = assert_first_bad(&b.env, seq, "signature does not verify");
    assert_eq!(doc["entries"].as_i64(), Some(seq - 1));
    let before = rows(&b.env).into_iter().find(|r| r.seq == seq - 1).unwrap();
    assert_eq!(doc["head"].as_str().unwrap(), hex::encode(&before.hash));
    assert_ne!(doc["head"], good["head"]);
}

#[test]
fn verify_reads_a_write_protected_copy_and_refuses_an_empty_file() {
    let b = build();
    let copy = b.env.path("audit-copy.db");
    std::fs::copy(&b.env.ledger, &copy).unwrap();
    let mut perm = std::fs::metadata(&copy).unwrap().permissions();
    std::os::unix::fs::PermissionsExt::set_mode(&mut perm, 0o444);
    std::fs::set_permissions(&copy, perm).unwrap();
    let before = std::fs::read(&copy).unwrap();
    let out = b
        .env
        .cmd()
        .args(["--ledger", copy.to_str().unwrap(), "ledger", "verify"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        std::fs::read(&copy).unwrap(),
        before,
        "verify wrote nothing"
    );
    let empty = b.env.path("empty.db");
    std::fs::write(&empty, b"").unwrap();
    let out = b
        .env
        .cmd()
        .args(["--ledger", empty.to_str().unwrap(), "ledger", "verify"])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        std::fs::metadata(&empty).unwrap().len(),
        0,
        "nothing created in it"
    );
}

/// `ledger verify --incremental` starts after the checkpoint the last passing verify left.
#[test]
fn incremental_verify_checks_only_new_entries_and_catches_them_when_bad() {
    let b = build();
    assert_eq!(
        b.clean["checkpoint_recorded"].as_u64(),
        Some(b.entries()),
        "a passing verify records its head as a checkpoint: {:#}",
        b.clean
    );
    // Another user's command (their own home, so their own checkpoint) adds an entry that
    // this user's checkpoint does not cover yet.
    let other_home = tempfile::tempdir().unwrap();
    let pass = b.env.pass(CUSTODIAN);
    let out = b
        .env
        .cmd()
        .env("HOME", other_home.path())
        .args([
            "return",
            &b.m_in_use,
            "--as",
            CUSTODIAN,
            "--passphrase-file",
        ])
        .arg(&pass)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let (code, doc, err) = verify(&b.env, &["--incremental"]);
    assert_eq!(code, 0, "{doc:#} {err}");
    assert_eq!(doc["checked_after"].as_u64(), Some(b.entries()));
    assert_eq!(doc["entries"].as_u64(), Some(b.entries() + 1));
    assert_eq!(
        doc["signatures"].as_u64(),
        Some(1),
        "only the new entry's signature"
    );
    assert_eq!(doc["media"].as_u64(), Some(4));

    // An entry after the checkpoint edited: found by the incremental walk.
    b.env.register();
    let new = b.entries() as i64 + 2;
    b.tamper(&format!(
        "UPDATE entries SET payload = payload || ' ' WHERE seq = {new}"
    ));
    let (code, doc, _) = verify(&b.env, &["--incremental"]);
    assert_eq!(code, 5, "{doc:#}");
    assert_eq!(doc["failure"]["seq"].as_i64(), Some(new), "{doc:#}");
}

#[test]
fn incremental_verify_rechains_older_entries_and_names_the_changed_one() {
    let b = build();
    // Older than the checkpoint: the incremental walk re-chains it and names it.
    let old = b.seq("medium.checkout", &b.m_used);
    b.tamper(&format!(
        "UPDATE entries SET payload = replace(payload, '会議', '私用') WHERE seq = {old}"
    ));
    let (code, doc, _) = verify(&b.env, &["--incremental"]);
    assert_eq!(code, 5, "{doc:#}");
    assert_eq!(doc["failure"]["seq"].as_i64(), Some(old), "{doc:#}");
    assert_eq!(
        doc["entries"].as_u64(),
        Some(0),
        "nothing counts as verified: {doc:#}"
    );
    assert!(doc["head"].is_null(), "{doc:#}");
    assert_first_bad(&b.env, old, "do not match its hash");
}

/// Removing entries from the end is noticed without `--head`: the user's own checkpoint, kept
/// outside the ledger, names the entry that is gone.
#[test]
fn truncation_after_a_passing_verify_is_noticed_by_the_next_one() {
    let b = build();
    let cp = b.entries() as i64;
    b.tamper(&format!(
        "DELETE FROM signatures WHERE seq = {cp}; DELETE FROM entries WHERE seq = {cp}"
    ));
    for extra in [&[][..], &["--incremental"][..]] {
        let (code, doc, _) = verify(&b.env, extra);
        assert_eq!(code, 5, "{extra:?}: {doc:#}");
        assert_eq!(
            doc["failure"]["seq"].as_i64(),
            Some(cp),
            "{extra:?}: {doc:#}"
        );
        let why = doc["failure"]["reason"].as_str().unwrap();
        assert!(why.contains("removed from the end"), "{why}");
    }
    // Another user (another HOME) has no checkpoint: only `--head` tells them.
    let other = tempfile::tempdir().unwrap();
    let out = b
        .env
        .cmd()
        .args(["--json", "ledger", "verify"])
        .env("HOME", other.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
}
