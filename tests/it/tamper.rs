//! Tampering with the ledger behind baitai's back: `ledger verify` must exit 5 and name the
//! first entry that no longer holds up.
//!
//! Every case builds a ledger through the real binary (people, media, use, return, carry-out
//! with an approver, a copy at the destination, destruction with a witness), checks that it
//! verifies, then edits its rows with raw SQL. Each case runs twice from this one source
//! ([`on_both!`]): on an SQLite file, edited as someone with the `sqlite3` shell would, and on a
//! PostgreSQL server (issue 16), edited by its superuser, the strongest insider there is, who
//! switches off every trigger and foreign key first. On the server the user also keeps a copy
//! of the rows under their state directory (`store/local_copy.rs`), which the tamperer edits
//! behind: what a verification reads must be the server's rows, not that copy.

use std::path::PathBuf;

use crate::common::server::ServerDb;
use crate::common::*;

use rusqlite::Connection;
use serde_json::Value;
use sha2::{Digest, Sha256};

/// What a forger runs first: the append-only triggers are only a speed bump.
const DROP_TRIGGERS: &str = "DROP TRIGGER IF EXISTS entries_append_only_u; \
     DROP TRIGGER IF EXISTS entries_append_only_d; \
     DROP TRIGGER IF EXISTS signatures_append_only_u; \
     DROP TRIGGER IF EXISTS signatures_append_only_d;";

/// The server's superuser needs nothing dropped: in replica mode no trigger fires, neither the
/// ledger's own nor those behind the foreign key from signatures to entries.
const TRIGGERS_OFF: &str = "SET session_replication_role = replica;";

const PURPOSE: &str = "設計図の持参 (会議用)";
const UNTIL: &str = "2099-12-31";

/// Each case as two tests, `<case>::on_a_file` and `<case>::on_a_server`.
macro_rules! on_both {
    ($($case:ident),+ $(,)?) => {$(
        mod $case {
            #[test]
            fn on_a_file() {
                super::$case(super::build(None).unwrap());
            }

            #[test]
            fn on_a_server() {
                if let Some(b) = super::build(Some(stringify!($case))) {
                    super::$case(b);
                }
            }
        }
    )+};
}

/// The ledger's rows as a tamperer reaches them.
enum Rows {
    File(PathBuf),
    Server(ServerDb),
}

/// A value bound into a tamperer's statement, written `$1`, `$2`… in the SQL of both.
enum P<'a> {
    I(i64),
    T(Option<&'a str>),
    B(&'a [u8]),
}

impl P<'_> {
    fn sqlite(&self) -> rusqlite::types::Value {
        match self {
            P::I(v) => (*v).into(),
            P::T(v) => v.map(str::to_string).into(),
            P::B(v) => v.to_vec().into(),
        }
    }

    fn pg(&self) -> &(dyn postgres::types::ToSql + Sync) {
        match self {
            P::I(v) => v,
            P::T(v) => v,
            P::B(v) => v,
        }
    }
}

impl Rows {
    /// `file` on a file, `server` on a server: for the few edits whose SQL differs.
    fn either<'a>(&self, file: &'a str, server: &'a str) -> &'a str {
        match self {
            Rows::File(_) => file,
            Rows::Server(_) => server,
        }
    }

    fn conn(&self) -> Connection {
        match self {
            Rows::File(path) => Connection::open(path).unwrap(),
            Rows::Server(_) => panic!("a server's rows are not a file"),
        }
    }

    /// Run `sql` with every guard the tamperer can remove removed first.
    fn exec(&self, sql: &str) {
        let done = match self {
            Rows::File(_) => self
                .conn()
                .execute_batch(&format!("{DROP_TRIGGERS}{sql}"))
                .map_err(|e| e.to_string()),
            Rows::Server(db) => db
                .client()
                .batch_execute(&format!("{TRIGGERS_OFF}{sql}"))
                .map_err(|e| e.to_string()),
        };
        done.unwrap_or_else(|e| panic!("{sql}: {e}"));
    }

    /// Run `sql` as it is, with the guards in place: the error, if it is refused.
    fn try_exec(&self, sql: &str) -> Result<(), String> {
        match self {
            Rows::File(_) => self
                .conn()
                .execute(sql, [])
                .map(drop)
                .map_err(|e| e.to_string()),
            Rows::Server(db) => db
                .client()
                .batch_execute(sql)
                .map_err(|e| match e.as_db_error() {
                    Some(d) => d.message().to_string(),
                    None => e.to_string(),
                }),
        }
    }

    /// One statement with values bound, the guards removed first.
    fn write(&self, sql: &str, ps: &[P]) {
        match self {
            Rows::File(_) => {
                let c = self.conn();
                c.execute_batch(DROP_TRIGGERS).unwrap();
                let vals = ps.iter().map(P::sqlite);
                // `?N` is SQLite's numbered parameter, `$N` PostgreSQL's.
                c.execute(&sql.replace('$', "?"), rusqlite::params_from_iter(vals))
                    .map(drop)
                    .unwrap_or_else(|e| panic!("{sql}: {e}"));
            }
            Rows::Server(db) => {
                let mut c = db.client();
                c.batch_execute(TRIGGERS_OFF).unwrap();
                let vals: Vec<_> = ps.iter().map(P::pg).collect();
                c.execute(sql, &vals)
                    .map(drop)
                    .unwrap_or_else(|e| panic!("{sql}: {e}"));
            }
        }
    }

    fn count(&self, sql: &str) -> i64 {
        match self {
            Rows::File(_) => self.conn().query_row(sql, [], |r| r.get(0)).unwrap(),
            Rows::Server(db) => db.count(sql),
        }
    }

    fn entries(&self) -> Vec<Row> {
        let sql =
            "SELECT seq, time, kind, medium, actor, payload, prev_hash, hash FROM entries ORDER BY seq";
        match self {
            Rows::File(_) => {
                let c = self.conn();
                let mut st = c.prepare(sql).unwrap();
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
            Rows::Server(db) => db
                .client()
                .query(sql, &[])
                .unwrap()
                .iter()
                .map(|r| Row {
                    seq: r.get(0),
                    time: r.get(1),
                    kind: r.get(2),
                    medium: r.get(3),
                    actor: r.get(4),
                    payload: r.get(5),
                    prev_hash: r.get(6),
                    hash: r.get(7),
                })
                .collect(),
        }
    }

    /// (person, signature) of the signature of entry `seq` in `role`.
    fn signature(&self, seq: i64, role: &str) -> (String, Vec<u8>) {
        let sql = "SELECT person, signature FROM signatures WHERE seq = $1 AND role = $2";
        match self {
            Rows::File(_) => self
                .conn()
                .query_row(&sql.replace('$', "?"), rusqlite::params![seq, role], |r| {
                    Ok((r.get(0)?, r.get(1)?))
                })
                .unwrap(),
            Rows::Server(db) => {
                let r = db
                    .client()
                    .query_one(sql, &[P::I(seq).pg(), &role])
                    .unwrap();
                (r.get(0), r.get(1))
            }
        }
    }

    fn insert_entry(&self, r: &Row) {
        self.write(
            "INSERT INTO entries(seq, time, kind, medium, actor, payload, prev_hash, hash)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
            &[
                P::I(r.seq),
                P::T(Some(&r.time)),
                P::T(Some(&r.kind)),
                P::T(r.medium.as_deref()),
                P::T(r.actor.as_deref()),
                P::T(Some(&r.payload)),
                P::B(&r.prev_hash),
                P::B(&r.hash),
            ],
        );
    }

    fn insert_signature(&self, seq: i64, role: &str, person: &str, sig: &[u8]) {
        self.write(
            "INSERT INTO signatures(seq, role, person, signature) VALUES ($1, $2, $3, $4)",
            &[P::I(seq), P::T(Some(role)), P::T(Some(person)), P::B(sig)],
        );
    }

    fn set_signature(&self, seq: i64, role: &str, sig: &[u8]) {
        self.write(
            "UPDATE signatures SET signature = $1 WHERE seq = $2 AND role = $3",
            &[P::B(sig), P::I(seq), P::T(Some(role))],
        );
    }

    fn sealed_key(&self, person: &str) -> String {
        let sql = "SELECT sealed FROM person_keys WHERE person = $1";
        match self {
            Rows::File(_) => self
                .conn()
                .query_row(&sql.replace('$', "?"), [person], |r| r.get(0))
                .unwrap(),
            Rows::Server(db) => db.client().query_one(sql, &[&person]).unwrap().get(0),
        }
    }

    fn set_sealed_key(&self, person: &str, sealed: &str) {
        self.write(
            "UPDATE person_keys SET sealed = $1 WHERE person = $2",
            &[P::T(Some(sealed)), P::T(Some(person))],
        );
    }

    fn set_payload(&self, seq: i64, payload: &str) {
        self.write(
            "UPDATE entries SET payload = $1 WHERE seq = $2",
            &[P::T(Some(payload)), P::I(seq)],
        );
    }
}

/// A ledger with signed entries of several kinds.
struct Built {
    env: Env,
    rows: Rows,
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

    /// The stored row of entry `seq`.
    fn row(&self, seq: i64) -> Row {
        let all = self.rows.entries();
        all.into_iter()
            .find(|r| r.seq == seq)
            .unwrap_or_else(|| panic!("no entry {seq}"))
    }

    /// The sequence number of the only entry of this kind for this medium.
    fn seq(&self, kind: &str, medium: &str) -> i64 {
        let found: Vec<i64> = self
            .rows
            .entries()
            .iter()
            .filter(|r| r.kind == kind && r.medium.as_deref() == Some(medium))
            .map(|r| r.seq)
            .collect();
        assert_eq!(found.len(), 1, "one {kind} entry for {medium}: {found:?}");
        found[0]
    }

    /// The `person.add` entry of this person.
    fn person_add(&self, person: &str) -> Row {
        let all = self.rows.entries();
        all.into_iter()
            .find(|r| r.kind == "person.add" && payload_field(r, "id") == person)
            .unwrap_or_else(|| panic!("no person.add for {person}"))
    }

    fn person_add_seq(&self, person: &str) -> i64 {
        self.person_add(person).seq
    }

    fn tamper(&self, sql: &str) {
        self.rows.exec(sql);
    }

    /// Put `donor`'s public key into the `person.add` entry `seq`.
    fn take_public_key(&self, seq: i64, donor: &str) {
        let key = payload_field(&self.person_add(donor), "public_key");
        let edited = with_field(&self.row(seq), "public_key", &key);
        self.rows.set_payload(seq, &edited);
    }

    /// The signature of entry `seq` in `role`.
    fn signature(&self, seq: i64, role: &str) -> Vec<u8> {
        self.rows.signature(seq, role).1
    }

    fn count(&self, sql: &str) -> i64 {
        self.rows.count(sql)
    }
}

/// The payload of `r` with the text of `field` replaced, and nothing else changed (as SQLite's
/// `json_set` would).
fn with_field(r: &Row, field: &str, value: &str) -> String {
    let json = |v: &str| serde_json::to_string(v).unwrap();
    let old = format!("{}:{}", json(field), json(&payload_field(r, field)));
    assert!(r.payload.contains(&old), "{old} in {}", r.payload);
    r.payload
        .replacen(&old, &format!("{}:{}", json(field), json(value)), 1)
}

/// A text field of an entry's JSON payload.
fn payload_field(r: &Row, field: &str) -> String {
    let v: Value = serde_json::from_str(&r.payload).unwrap_or(Value::Null);
    v[field].as_str().unwrap_or_default().to_string()
}

/// The ledger every case starts from: on a file, or with `server` (the case's name) on a new
/// database on the test server; None when there is no server to run on.
fn build(server: Option<&str>) -> Option<Built> {
    let (env, rows) = match server {
        None => {
            let env = Env::new();
            let rows = Rows::File(env.ledger.clone());
            (env, rows)
        }
        Some(test) => {
            let (env, db) = Env::built_on_server(test)?;
            (env, Rows::Server(db))
        }
    };
    Some(build_on(env, rows))
}

fn build_on(env: Env, rows: Rows) -> Built {
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
    if matches!(rows, Rows::Server(_)) {
        assert_eq!(
            kept_copy_files(&env).len(),
            1,
            "the user keeps a copy of the server's rows"
        );
    }
    Built {
        env,
        rows,
        m_used,
        m_carried,
        m_destroyed,
        m_in_use,
        clean,
    }
}

/// The copies of server ledgers this user keeps (`store/local_copy.rs`).
fn kept_copy_files(env: &Env) -> Vec<PathBuf> {
    let dir = env.state_dir().join("servers");
    std::fs::read_dir(dir).map_or(vec![], |d| {
        d.flatten()
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|x| x == "db"))
            .collect()
    })
}

/// The one copy of a server ledger this user keeps.
fn kept_copy(env: &Env) -> Connection {
    let files = kept_copy_files(env);
    assert_eq!(files.len(), 1, "{files:?}");
    Connection::open(&files[0]).unwrap()
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
    assert_audit_fails_at(env, seq);
    doc
}

/// A printout that verifies the whole ledger first (the audit report) fails at the same entry:
/// on a server it too reads the server's rows, not the user's kept copy of them.
fn assert_audit_fails_at(env: &Env, seq: i64) {
    let out = env.run(&[
        "report",
        "audit",
        "--from",
        "2000-01-01",
        "--to",
        "2199-12-31",
    ]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(5), "report audit: {stderr}");
    let line = error_line(&stderr);
    assert!(
        line.contains(&format!("entry {seq}")),
        "report audit should name entry {seq}: {line:?}"
    );
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

/// What a forger without keys does after an edit: recompute prev_hash and hash of every entry
/// from `from` on, so the hash chain alone looks intact.
fn rechain(rows: &Rows, from: i64) {
    let mut prev = vec![0u8; 32];
    for r in rows.entries() {
        if r.seq >= from {
            let h = entry_hash(&r, &prev);
            rows.write(
                "UPDATE entries SET prev_hash = $1, hash = $2 WHERE seq = $3",
                &[P::B(&prev), P::B(&h), P::I(r.seq)],
            );
            prev = h;
        } else {
            prev = r.hash.clone();
        }
    }
}

// ---------------------------------------------------------------------------------------------

on_both!(
    untampered_ledger_verifies_and_reports_its_head,
    triggers_refuse_update_and_delete_until_dropped,
    edited_purpose_is_detected,
    edited_destination_of_a_carry_out_is_detected,
    edited_time_is_detected,
    backdated_time_is_detected,
    edited_actor_is_detected,
    edited_medium_is_detected,
    edited_kind_is_detected,
    deleted_middle_entry_is_detected,
    deleted_middle_entry_with_renumbering_is_detected,
    deleted_first_entry_is_detected,
    garbled_person_add_payload_fails_with_exit_5_naming_the_entry,
    garbled_person_add_payload_is_reported_as_first_bad_entry,
    deleted_signature_is_detected,
    deleted_witness_signature_is_detected,
    signature_replaced_by_another_entrys_is_detected,
    approver_signature_swapped_for_actor_signature_is_detected,
    signature_attributed_to_someone_else_is_detected,
    extra_signature_is_detected,
    rows_reordered_by_swapping_seq_are_detected,
    swapped_payloads_are_detected,
    forged_entry_with_a_wrong_hash_at_the_tail_is_detected,
    forged_entry_with_a_correct_hash_but_borrowed_signature_is_detected,
    forged_entry_inserted_in_the_middle_is_detected,
    edit_with_the_whole_chain_recomputed_is_caught_by_the_signatures,
    backdated_time_with_the_chain_recomputed_is_detected,
    deleted_entry_with_renumbering_and_chain_recomputed_is_detected,
    changed_public_key_in_person_add_is_detected,
    changed_public_key_with_the_chain_recomputed_is_detected,
    truncated_tail_is_detected_only_with_a_kept_head,
    truncation_that_leaves_signatures_behind_is_detected_without_a_head,
    kept_head_of_the_current_ledger_passes,
    kept_head_that_is_not_hex_is_a_usage_error,
    kept_head_of_the_wrong_length_is_a_usage_error,
    kept_head_in_upper_case_or_padded_passes,
    tampered_ledger_fails_verify_in_human_mode_too,
    a_forged_row_sharing_a_sequence_number_is_detected,
    an_entry_dated_far_in_the_future_is_flagged,
    a_signature_failure_reports_the_head_before_it,
    incremental_verify_checks_only_new_entries_and_catches_them_when_bad,
    incremental_verify_rechains_older_entries_and_names_the_changed_one,
    truncation_after_a_passing_verify_is_noticed_by_the_next_one,
    a_replaced_sealed_key_signs_nothing,
);

fn untampered_ledger_verifies_and_reports_its_head(b: Built) {
    assert_eq!(b.entries() as i64, b.count("SELECT COUNT(*) FROM entries"));
    assert_eq!(
        b.clean["signatures"].as_i64().unwrap(),
        b.count("SELECT COUNT(*) FROM signatures")
    );
    assert_eq!(b.clean["media"], 4);
    assert_eq!(b.clean["people"], 6);
    let last = b.rows.entries().pop().unwrap();
    assert_eq!(b.head(), hex::encode(last.hash));
    // Every stored hash is the documented encoding.
    let mut prev = vec![0u8; 32];
    for r in b.rows.entries() {
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
            b.count(&format!(
                "SELECT COUNT(*) FROM entries WHERE kind = '{kind}'"
            )) > 0,
            "{kind}"
        );
    }
    assert_eq!(b.seq("medium.checkout", &b.m_in_use) as u64, b.entries());
}

/// On a server even its superuser is refused while the triggers are on.
fn triggers_refuse_update_and_delete_until_dropped(b: Built) {
    let attempts = [
        "UPDATE entries SET payload = '{}' WHERE seq = 2",
        "UPDATE entries SET seq = 999 WHERE seq = 3",
        "DELETE FROM entries WHERE seq = (SELECT MAX(seq) FROM entries)",
        "UPDATE signatures SET signature = signature WHERE seq = 2",
        "DELETE FROM signatures WHERE seq = 2",
    ];
    for sql in attempts {
        let err = b
            .rows
            .try_exec(sql)
            .expect_err(&format!("the trigger must refuse: {sql}"));
        assert!(err.contains("append-only"), "{sql}: unexpected error {err}");
    }
    let (code, doc, _) = verify(&b.env, &[]);
    assert_eq!(code, 0);
    assert_eq!(doc["entries"], b.clean["entries"]);
    assert_eq!(doc["head"], b.clean["head"]);
}

fn edited_purpose_is_detected(b: Built) {
    let seq = b.seq("medium.checkout", &b.m_used);
    b.tamper(&format!(
        "UPDATE entries SET payload = replace(payload, '{PURPOSE}', '私用の持ち帰り') WHERE seq = {seq}"
    ));
    assert!(
        b.row(seq).payload.contains("私用の持ち帰り"),
        "the edit must land"
    );
    assert_first_bad(&b.env, seq, "do not match its hash");
    if let Rows::Server(_) = b.rows {
        // The user's kept copy still holds the entry as it was signed: what failed is the
        // server's row, read afresh.
        let kept =
            kept_copy(&b.env).query_row("SELECT payload FROM entries WHERE seq = ?1", [seq], |r| {
                r.get::<_, String>(0)
            });
        assert!(kept.as_ref().unwrap().contains(PURPOSE), "{kept:?}");
    }
}

fn edited_destination_of_a_carry_out_is_detected(b: Built) {
    let seq = b.seq("medium.carry_out", &b.m_carried);
    b.rows
        .set_payload(seq, &with_field(&b.row(seq), "destination", "自宅"));
    assert_first_bad(&b.env, seq, "do not match its hash");
}

fn edited_time_is_detected(b: Built) {
    let seq = b.seq("medium.return", &b.m_used);
    // Well-formed and still in order with its neighbours: only the hash can tell.
    let r = b.row(seq);
    let next = b.row(seq + 1);
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

fn backdated_time_is_detected(b: Built) {
    let seq = b.seq("medium.carry_out", &b.m_carried);
    b.tamper(&format!(
        "UPDATE entries SET time = '2020-01-01T00:00:00.000000Z' WHERE seq = {seq}"
    ));
    assert_first_bad(&b.env, seq, "do not match its hash");
}

fn edited_actor_is_detected(b: Built) {
    let seq = b.seq("medium.checkout", &b.m_used);
    // Another handler: the rules alone would still allow it.
    b.tamper(&format!(
        "UPDATE entries SET actor = '{HANDLER2}' WHERE seq = {seq}"
    ));
    assert_first_bad(&b.env, seq, "do not match its hash");
}

fn edited_medium_is_detected(b: Built) {
    let seq = b.seq("medium.return", &b.m_carried);
    b.tamper(&format!(
        "UPDATE entries SET medium = '{}' WHERE seq = {seq}",
        b.m_in_use
    ));
    assert_first_bad(&b.env, seq, "do not match its hash");
}

fn edited_kind_is_detected(b: Built) {
    let seq = b.seq("medium.destroy", &b.m_destroyed);
    // A destruction turned into a report of loss.
    b.tamper(&format!(
        "UPDATE entries SET kind = 'medium.lost', payload = '{{\"circumstances\":\"不明\"}}' WHERE seq = {seq}"
    ));
    assert_first_bad(&b.env, seq, "do not match its hash");
}

fn deleted_middle_entry_is_detected(b: Built) {
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

fn deleted_middle_entry_with_renumbering_is_detected(b: Built) {
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
        b.count("SELECT COUNT(*) FROM entries") as u64,
        b.entries() - 1
    );
    assert_first_bad(&b.env, seq, "does not link");
}

fn deleted_first_entry_is_detected(b: Built) {
    b.tamper("DELETE FROM signatures WHERE seq = 1; DELETE FROM entries WHERE seq = 1;");
    let (code, doc, stderr) = verify(&b.env, &[]);
    assert_eq!(code, 5, "{doc:#} {stderr}");
    assert_eq!(doc["failure"]["seq"], 1, "{doc:#}");
    error_line(&stderr);
}

fn garbled_person_add_payload_fails_with_exit_5_naming_the_entry(b: Built) {
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

fn garbled_person_add_payload_is_reported_as_first_bad_entry(b: Built) {
    let seq = b.person_add_seq(CUSTODIAN);
    b.tamper(&format!(
        "UPDATE entries SET payload = 'garbage' WHERE seq = {seq}"
    ));
    assert_first_bad(&b.env, seq, "");
}

fn deleted_signature_is_detected(b: Built) {
    let seq = b.seq("medium.carry_out", &b.m_carried);
    b.tamper(&format!(
        "DELETE FROM signatures WHERE seq = {seq} AND role = 'approver'"
    ));
    assert_first_bad(&b.env, seq, "has 1 signatures where 2 are required");
}

fn deleted_witness_signature_is_detected(b: Built) {
    let seq = b.seq("medium.destroy", &b.m_destroyed);
    b.tamper(&format!(
        "DELETE FROM signatures WHERE seq = {seq} AND role = 'witness'"
    ));
    assert_first_bad(&b.env, seq, "signatures where 2 are required");
}

fn signature_replaced_by_another_entrys_is_detected(b: Built) {
    // The same person's genuine signature, taken from a different entry.
    let target = b.seq("medium.checkout", &b.m_used);
    let donor = b.seq("medium.carry_out", &b.m_carried);
    let sig = b.signature(donor, "actor");
    assert_ne!(sig, b.signature(target, "actor"));
    b.rows.set_signature(target, "actor", &sig);
    assert_first_bad(&b.env, target, "actor signature does not verify");
}

fn approver_signature_swapped_for_actor_signature_is_detected(b: Built) {
    // Role-bound signatures: the approver's signature over the same entry is not the actor's.
    let seq = b.seq("medium.carry_out", &b.m_carried);
    b.tamper(&format!(
        "UPDATE signatures SET role = 'tmp' WHERE seq = {seq} AND role = 'actor';
         UPDATE signatures SET role = 'actor', person = '{HANDLER}' WHERE seq = {seq} AND role = 'approver';
         UPDATE signatures SET role = 'approver', person = '{CUSTODIAN}' WHERE seq = {seq} AND role = 'tmp';"
    ));
    assert_first_bad(&b.env, seq, "signature does not verify");
}

fn signature_attributed_to_someone_else_is_detected(b: Built) {
    let seq = b.seq("medium.carry_out", &b.m_carried);
    b.tamper(&format!(
        "UPDATE signatures SET person = '{CUSTODIAN2}' WHERE seq = {seq} AND role = 'approver'"
    ));
    assert_first_bad(&b.env, seq, &format!("is by {CUSTODIAN2}, not {CUSTODIAN}"));
}

fn extra_signature_is_detected(b: Built) {
    let seq = b.seq("medium.checkout", &b.m_used);
    let sig = b.signature(seq, "actor");
    b.rows.insert_signature(seq, "approver", CUSTODIAN, &sig);
    assert_first_bad(&b.env, seq, "has 2 signatures where 1 are required");
}

fn rows_reordered_by_swapping_seq_are_detected(b: Built) {
    let a = b.seq("medium.checkout", &b.m_used);
    let z = b.seq("medium.carry_out", &b.m_carried);
    assert!(a < z);
    b.tamper(&format!(
        "UPDATE entries SET seq = 999999 WHERE seq = {a};
         UPDATE entries SET seq = {a} WHERE seq = {z};
         UPDATE entries SET seq = {z} WHERE seq = 999999;
         UPDATE signatures SET seq = 999999 WHERE seq = {a};
         UPDATE signatures SET seq = {a} WHERE seq = {z};
         UPDATE signatures SET seq = {z} WHERE seq = 999999;"
    ));
    assert_eq!(b.row(a).kind, "medium.carry_out", "the swap must land");
    assert_first_bad(&b.env, a, "does not link");
}

fn swapped_payloads_are_detected(b: Built) {
    // Two entries of the same kind: each payload alone is perfectly valid.
    let a = b.seq("medium.checkout", &b.m_used);
    let z = b.seq("medium.checkout", &b.m_in_use);
    b.tamper(&format!(
        "UPDATE entries SET payload = (SELECT payload FROM entries WHERE seq = {z}) WHERE seq = {a};
         UPDATE entries SET payload = '{{\"purpose\":\"{PURPOSE}\"}}' WHERE seq = {z};"
    ));
    assert_first_bad(&b.env, a, "do not match its hash");
}

fn forged_entry_with_a_wrong_hash_at_the_tail_is_detected(b: Built) {
    let n = b.entries() as i64;
    let last = b.rows.entries().pop().unwrap();
    // A return of the medium in use, by the custodian, linked to the real head, with a hash that
    // looks like one and the custodian's real signature from another return.
    let sig = b.signature(b.seq("medium.return", &b.m_used), "actor");
    b.rows.insert_entry(&Row {
        seq: n + 1,
        time: "2099-01-01T00:00:00.000000Z".into(),
        kind: "medium.return".into(),
        medium: Some(b.m_in_use.clone()),
        actor: Some(CUSTODIAN.into()),
        payload: r#"{"check":{"method":"none"}}"#.into(),
        prev_hash: last.hash,
        hash: Sha256::digest(b"forged entry").to_vec(),
    });
    b.rows.insert_signature(n + 1, "actor", CUSTODIAN, &sig);
    assert_first_bad(&b.env, n + 1, "do not match its hash");
}

fn forged_entry_with_a_correct_hash_but_borrowed_signature_is_detected(b: Built) {
    let n = b.entries() as i64;
    let last = b.rows.entries().pop().unwrap();
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
    let sig = b.signature(b.seq("medium.return", &b.m_used), "actor");
    b.rows.insert_entry(&forged);
    // Unsigned first: the signature count gives it away.
    assert_first_bad(&b.env, n + 1, "has 0 signatures where 1 are required");
    b.rows.insert_signature(n + 1, "actor", CUSTODIAN, &sig);
    assert_first_bad(&b.env, n + 1, "actor signature does not verify");
}

fn forged_entry_inserted_in_the_middle_is_detected(b: Built) {
    // Make room after the carry-out and slip in a second copy at the destination.
    let k = b.seq("medium.copy", &b.m_carried);
    let copy = b.row(k);
    b.tamper(&format!(
        "UPDATE entries SET seq = seq + 100000 WHERE seq >= {k};
         UPDATE entries SET seq = seq - 99999 WHERE seq > 100000;
         UPDATE signatures SET seq = seq + 100000 WHERE seq >= {k};
         UPDATE signatures SET seq = seq - 99999 WHERE seq > 100000;"
    ));
    let payload = copy.payload.replace("試験記録 2026-04", "全設計データ");
    assert_ne!(payload, copy.payload);
    // Linked correctly to the entry before it, with a plausible but wrong hash.
    let hash = Sha256::digest(payload.as_bytes()).to_vec();
    b.rows.insert_entry(&Row {
        seq: k,
        payload,
        hash,
        ..copy
    });
    for role in ["actor", "approver"] {
        let (person, sig) = b.rows.signature(k + 1, role);
        b.rows.insert_signature(k, role, &person, &sig);
    }
    assert_eq!(
        b.count("SELECT COUNT(*) FROM entries") as u64,
        b.entries() + 1
    );
    assert_first_bad(&b.env, k, "do not match its hash");
}

fn edit_with_the_whole_chain_recomputed_is_caught_by_the_signatures(b: Built) {
    let seq = b.seq("medium.checkout", &b.m_used);
    b.tamper(&format!(
        "UPDATE entries SET payload = replace(payload, '{PURPOSE}', '私用の持ち帰り') WHERE seq = {seq}"
    ));
    rechain(&b.rows, seq);
    // The hash chain itself is consistent again…
    let mut prev = vec![0u8; 32];
    for r in b.rows.entries() {
        assert_eq!(r.prev_hash, prev);
        assert_eq!(entry_hash(&r, &prev), r.hash);
        prev = r.hash.clone();
    }
    // …but the handler never signed the new contents.
    let doc = assert_first_bad(&b.env, seq, "actor signature does not verify");
    assert_ne!(doc["head"], b.clean["head"]);
}

fn backdated_time_with_the_chain_recomputed_is_detected(b: Built) {
    let seq = b.seq("medium.return", &b.m_carried);
    b.tamper(&format!(
        "UPDATE entries SET time = '2020-01-01T00:00:00.000000Z' WHERE seq = {seq}"
    ));
    rechain(&b.rows, seq);
    assert_first_bad(&b.env, seq, "earlier than the entry before it");
}

fn deleted_entry_with_renumbering_and_chain_recomputed_is_detected(b: Built) {
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
    rechain(&b.rows, seq);
    // The entry now at `seq` (the return) carries signatures over its old hash.
    assert_first_bad(&b.env, seq, "signature does not verify");
}

fn changed_public_key_in_person_add_is_detected(b: Built) {
    let seq = b.person_add_seq(HANDLER);
    // Swap in another person's (valid) public key: a forger would use their own.
    b.take_public_key(seq, CUSTODIAN);
    assert_eq!(
        payload_field(&b.person_add(HANDLER), "public_key"),
        payload_field(&b.person_add(CUSTODIAN), "public_key"),
        "the edit must land"
    );
    assert_first_bad(&b.env, seq, "do not match its hash");
}

fn changed_public_key_with_the_chain_recomputed_is_detected(b: Built) {
    let seq = b.person_add_seq(HANDLER);
    b.take_public_key(seq, HANDLER2);
    rechain(&b.rows, seq);
    // The admin signed the original key, not this one.
    assert_first_bad(&b.env, seq, "actor signature does not verify");
}

fn truncated_tail_is_detected_only_with_a_kept_head(b: Built) {
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

fn truncation_that_leaves_signatures_behind_is_detected_without_a_head(b: Built) {
    let n = b.entries() as i64;
    b.tamper(&format!("DELETE FROM entries WHERE seq = {n}"));
    // A whole verification of a server's rows reads every signature too, not only those of
    // the entries it read, so the one left behind is there to be found, as in a file.
    assert_first_bad(&b.env, n, "signature exists for an entry that does not");
}

fn kept_head_of_the_current_ledger_passes(b: Built) {
    let head = b.head();
    let (code, doc, stderr) = verify(&b.env, &["--head", &head]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(doc["ok"], true);
    assert_eq!(doc["kept_head_entry"].as_u64(), Some(b.entries()));
    assert_eq!(doc["head"].as_str(), Some(head.as_str()));

    // An older kept head is fine too: nothing before it was lost.
    let k = b.seq("medium.carry_out", &b.m_carried);
    let old = b.row(k).hash;
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

fn kept_head_that_is_not_hex_is_a_usage_error(b: Built) {
    let (code, _) = b.env.fail(&["ledger", "verify", "--head", "not-a-hash"]);
    assert_eq!(code, 2);
}

fn kept_head_of_the_wrong_length_is_a_usage_error(b: Built) {
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

fn kept_head_in_upper_case_or_padded_passes(b: Built) {
    let head = b.head();
    for h in [head.to_uppercase(), format!("  {head}  ")] {
        let (code, doc, stderr) = verify(&b.env, &["--head", &h]);
        assert_eq!(code, 0, "{h:?}: {stderr}");
        assert_eq!(doc["kept_head_entry"].as_u64(), Some(b.entries()));
    }
}

fn tampered_ledger_fails_verify_in_human_mode_too(b: Built) {
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

fn a_forged_row_sharing_a_sequence_number_is_detected(b: Built) {
    let n = b.entries() as i64;
    // Rebuild the table without its key (on a server, drop the key and the foreign key that
    // needs it), then add a second row numbered like a real one.
    b.tamper(b.rows.either(
        "CREATE TABLE e2 AS SELECT * FROM entries; DROP TABLE entries; ALTER TABLE e2 RENAME TO entries;",
        "ALTER TABLE entries DROP CONSTRAINT entries_pkey CASCADE;",
    ));
    b.tamper(&format!(
        "INSERT INTO entries SELECT seq, time, 'medium.return', medium, actor, '{{\"check\":{{\"method\":\"none\"}}}}', prev_hash, hash FROM entries WHERE seq = {n}"
    ));
    let (code, doc, stderr) = verify(&b.env, &[]);
    assert_eq!(doc["ok"], false, "{doc:#}");
    let Rows::File(_) = b.rows else {
        // A server's second row is met as its rows are read for a verification, in order:
        // the same number again is tampering. Commands that read the user's kept copy, which
        // holds the first row, fetch only rows after it and so do not meet it at all.
        assert_eq!(code, 5, "{doc:#} {stderr}");
        assert!(
            stderr.contains(&format!("entry {n} is held twice")),
            "{stderr}"
        );
        return;
    };
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

fn an_entry_dated_far_in_the_future_is_flagged(b: Built) {
    let n = b.entries() as i64;
    let last = b.rows.entries().pop().unwrap();
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
    b.rows.insert_entry(&forged);
    assert_first_bad(&b.env, n + 1, "ahead of this machine's clock");
}

fn a_signature_failure_reports_the_head_before_it(b: Built) {
    let good = verify(&b.env, &[]).1;
    let seq = b.seq("medium.checkout", &b.m_used);
    b.rows.set_signature(seq, "actor", &[0; 64]);
    let doc = assert_first_bad(&b.env, seq, "signature does not verify");
    assert_eq!(doc["entries"].as_i64(), Some(seq - 1));
    let before = b.row(seq - 1);
    assert_eq!(doc["head"].as_str().unwrap(), hex::encode(&before.hash));
    assert_ne!(doc["head"], good["head"]);
}

/// A file only: a server has no file to write-protect or leave empty.
#[test]
fn verify_reads_a_write_protected_copy_and_refuses_an_empty_file() {
    let b = build(None).unwrap();
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
fn incremental_verify_checks_only_new_entries_and_catches_them_when_bad(b: Built) {
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

fn incremental_verify_rechains_older_entries_and_names_the_changed_one(b: Built) {
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
fn truncation_after_a_passing_verify_is_noticed_by_the_next_one(b: Built) {
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

/// A sealed key is not part of the chain, so whoever can change the stored keys can replace one
/// (on a server its superuser, or the owner; a writer's login cannot, see below). It signs
/// nothing in that person's name: neither their own passphrase opens it, nor the passphrase of
/// the person whose key was put there, nor does a key of the forger's own sealed for them pass
/// as theirs. What the person sees is a refusal like a wrong passphrase (exit 4) that counts
/// towards a lock: a denial of service, not a forgery (docs/security.md §9).
fn a_replaced_sealed_key_signs_nothing(b: Built) {
    let m = b.env.register();
    let before = b.count("SELECT COUNT(*) FROM entries");
    b.rows.set_sealed_key(HANDLER, &b.rows.sealed_key(HANDLER2));
    let checkout = |pass: &std::path::Path| {
        b.env.fail(&[
            "checkout",
            &m,
            "--purpose",
            "x",
            "--as",
            HANDLER,
            "--passphrase-file",
            pass.to_str().unwrap(),
        ])
    };
    for whose in [HANDLER, HANDLER2] {
        let (code, err) = checkout(&b.env.pass(whose));
        assert_eq!(code, 4, "with the passphrase of {whose}: {err}");
    }
    let public: baitai::crypto::PublicKey = serde_json::from_value(Value::String(payload_field(
        &b.person_add(HANDLER),
        "public_key",
    )))
    .unwrap();
    let theirs = b.env.path("forger-pass");
    std::fs::write(&theirs, "Forger-Pass-123!\n").unwrap();
    let forged = baitai::crypto::SealedKey::seal(
        &baitai::crypto::PersonKey::generate(),
        &baitai::crypto::Passphrase::new("Forger-Pass-123!".into()),
        baitai::crypto::KdfParams::INSECURE_FAST,
        &baitai::app::key_binding(&public),
    )
    .unwrap();
    b.rows
        .set_sealed_key(HANDLER, &serde_json::to_string(&forged).unwrap());
    let (code, err) = checkout(&theirs);
    assert_eq!(code, 5, "{err}");
    assert!(err.contains("does not match their public key"), "{err}");
    // The ledger still verifies, and all it gained are the unsigned failed attempts.
    let (code, doc, err) = verify(&b.env, &[]);
    assert_eq!(code, 0, "{doc:#} {err}");
    let added: Vec<String> = b
        .rows
        .entries()
        .into_iter()
        .filter(|r| r.seq > before)
        .map(|r| r.kind)
        .collect();
    assert_eq!(added, ["person.auth_failure"; 2], "{added:?}");
}

/// A server only (a file has no roles): a writer's login, which may INSERT and UPDATE sealed
/// keys for `person add` and `person passwd`, cannot change one without the entry that records
/// it in the same transaction, so it cannot lock a person out quietly.
#[test]
fn a_writer_cannot_replace_a_sealed_key_on_its_own() {
    let Some(b) = build(Some("writer_sealed_key")) else {
        return;
    };
    let Rows::Server(db) = &b.rows else {
        unreachable!()
    };
    let mut w = postgres::Client::connect(&db.login("writer"), postgres::NoTls).unwrap();
    for sql in [
        format!(
            "UPDATE baitai.person_keys SET sealed = (SELECT sealed FROM baitai.person_keys
              WHERE person = '{HANDLER2}') WHERE person = '{HANDLER}'"
        ),
        "INSERT INTO baitai.person_keys VALUES ('P0099', '{}')".into(),
    ] {
        let err = w.batch_execute(&sql).expect_err(&sql);
        let why = err.as_db_error().map(|d| d.message().to_string());
        assert!(
            why.as_deref()
                .is_some_and(|m| m.contains("changes only with an entry")),
            "{sql}: {err:?}"
        );
    }
    // The writer may still read and append (what the person's own commands do through it).
    let n: i64 = w
        .query_one("SELECT COUNT(*) FROM baitai.entries", &[])
        .unwrap()
        .get(0);
    assert_eq!(n as u64, b.entries());
    let m = b.env.register();
    b.env
        .ok_as(&["checkout", &m, "--purpose", "鍵の確認"], HANDLER);
}

/// A server only: the init SQL's role names are the cluster's, so a second ledger on a cluster
/// is made with roles of its own (its settings `baitai.*_role`); then neither ledger's writers
/// can reach the other's database, while each reaches its own.
#[test]
fn a_writer_of_another_ledger_on_the_cluster_cannot_reach_this_one() {
    let Some(a) = ServerDb::new("roles_a") else {
        return;
    };
    let Some(b) = ServerDb::with_roles("roles_b", "ledger_b") else {
        return;
    };
    let (writer_a, writer_b) = (a.login("writer"), b.login("writer"));
    for (login, own, other) in [(&writer_a, &a, &b), (&writer_b, &b, &a)] {
        let mut c = postgres::Client::connect(&own.here(login), postgres::NoTls).unwrap();
        c.query_one("SELECT COUNT(*) FROM baitai.entries", &[])
            .unwrap_or_else(|e| panic!("{login} reads its own ledger: {e}"));
        let err = postgres::Client::connect(&other.here(login), postgres::NoTls)
            .err()
            .unwrap_or_else(|| panic!("{login} connected to the other ledger"));
        let why = err.as_db_error().map(|d| d.message().to_string());
        assert!(
            why.as_deref()
                .is_some_and(|m| m.contains("permission denied for database")),
            "{err:?}"
        );
    }
    let owner: String = b
        .client()
        .query_one(
            "SELECT tableowner::text FROM pg_tables WHERE schemaname = 'baitai' AND tablename = 'entries'",
            &[],
        )
        .unwrap()
        .get(0);
    assert_eq!(owner, b.role("owner"));
}
