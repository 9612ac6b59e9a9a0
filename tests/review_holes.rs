//! Holes found in review of "trust at the point of use" (issue 14). Each test states the
//! guarantee of docs/security.md §8 it breaks; each FAILS on f08f849.

mod common;
use common::*;

use rusqlite::{params, Connection};
use sha2::{Digest, Sha256};

/// Append an unsigned row with a correct hash chain, as an insider with the file would.
fn append(env: &Env, kind: &str, actor: &str, payload: &str, time: Option<String>) {
    let c = Connection::open(&env.ledger).unwrap();
    let (seq, prev, last): (i64, Vec<u8>, String) = c
        .query_row(
            "SELECT seq, hash, time FROM entries ORDER BY seq DESC LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .unwrap();
    let seq = seq + 1;
    let time = time.unwrap_or(last);
    let mut d = Sha256::new();
    d.update(b"baitai-entry-v1\0");
    d.update((seq as u64).to_be_bytes());
    for f in [time.as_str(), kind, "", actor, payload] {
        d.update((f.len() as u32).to_be_bytes());
        d.update(f.as_bytes());
    }
    d.update(&prev);
    let h = d.finalize().to_vec();
    c.execute(
        "INSERT INTO entries(seq, time, kind, medium, actor, payload, prev_hash, hash)
         VALUES (?1, ?2, ?3, NULL, ?4, ?5, ?6, ?7)",
        params![seq, time, kind, actor, payload, prev, h],
    )
    .unwrap();
}

fn stored_in(hours: i64) -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
        + hours * 3600;
    jiff::Timestamp::from_second(secs)
        .unwrap()
        .strftime("%Y-%m-%dT%H:%M:%S.000000Z")
        .to_string()
}

fn drop_wal(env: &Env) {
    for ext in ["-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{ext}", env.ledger.display()));
    }
}

/// The pin is keyed by the canonical path: replacing the ledger file by a symlink to a
/// rebuilt ledger gives a new path key with no pin, so the replacement is trusted on first use.
#[test]
fn a_ledger_replaced_by_a_symlink_to_a_rebuilt_one_is_refused() {
    let env = Env::new();
    let m = env.register();
    env.ok(&["medium", "show", &m]); // pinned and checkpointed
    let other = Env::new();
    let planted = env.path("ledger-new.db");
    std::fs::copy(&other.ledger, &planted).unwrap();
    drop_wal(&env);
    std::fs::remove_file(&env.ledger).unwrap();
    std::os::unix::fs::symlink(&planted, &env.ledger).unwrap();
    let (code, err) = env.fail(&["person", "list"]);
    assert_eq!(code, 5, "{err}");
    let (code, out) = env.verify_code();
    assert_eq!(code, 5, "a replaced ledger verified: {out}");
}

/// `report certificate` verifies the ledger but never checks the pin: a ledger rebuilt by the
/// insider (their own admin, same names) and copied over the real one prints a certificate
/// of destruction for a medium that is really out, marked verified, exit 0.
#[test]
fn a_certificate_from_a_replaced_ledger_is_refused() {
    let env = Env::new();
    let m = env.register();
    env.ok_as(&["checkout", &m, "--purpose", "会議"], HANDLER);
    // The forger's own ledger: same organisation and names, the medium destroyed.
    let other = Env::new();
    let fm = other.register();
    assert_eq!(fm, m);
    other.ok_as(&["checkout", &m, "--purpose", "会議"], HANDLER);
    other.ok_as(&["return", &m], CUSTODIAN);
    other.ok_as(
        &args(
            &["destroy", &m, "--method", "shred", "--unverifiable", "読めない"],
            &other.witness(WITNESS),
        ),
        CUSTODIAN,
    );
    drop_wal(&env);
    std::fs::copy(&other.ledger, &env.ledger).unwrap();
    // Every other command refuses it…
    let (code, _) = env.fail(&["medium", "show", &m]);
    assert_eq!(code, 5);
    // …but the certificate is printed as verified.
    let out = env
        .cmd()
        .args(["--json", "report", "certificate", &m])
        .output()
        .unwrap();
    let doc = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(5), "certificate exit: {doc}");
    assert!(!doc.contains("\"certifies\":true"), "{doc}");
}

/// Five unsigned rows, dated a day ahead (verify accepts up to 24 h), lock the only admin for
/// a day; nobody can `person unlock` them, and the ledger verifies clean.
#[test]
fn forged_future_failures_cannot_lock_out_every_admin() {
    let env = Env::new();
    env.ok(&["person", "list"]);
    for _ in 0..5 {
        append(
            &env,
            "person.auth_failure",
            ADMIN,
            &serde_json::json!({"id": ADMIN, "command": "checkout"}).to_string(),
            Some(stored_in(23)),
        );
    }
    let (code, _) = env.verify_code();
    assert_eq!(code, 0);
    // The admin can still act (at least to lift the lock).
    env.ok_as(&["person", "unlock", ADMIN], ADMIN);
}

/// Without a state directory (no HOME, no XDG_STATE_HOME: a cron job, a service) the
/// read-only commands do not verify at all, though `Session::open` then verifies everything.
#[test]
fn read_only_commands_verify_without_a_state_directory() {
    let env = Env::new();
    let m = env.register();
    let real = Connection::open(&env.ledger)
        .unwrap()
        .query_row(
            "SELECT payload FROM entries WHERE kind = 'person.add' ORDER BY seq DESC LIMIT 1",
            [],
            |r| r.get::<_, String>(0),
        )
        .unwrap();
    let mut v: serde_json::Value = serde_json::from_str(&real).unwrap();
    v["id"] = "P0007".into();
    v["name"] = "偽 管理者".into();
    append(&env, "person.add", ADMIN, &v.to_string(), None);
    for args in [
        vec!["report", "inventory"],
        vec!["report", "overdue"],
        vec!["ledger", "print", m.as_str()],
    ] {
        let out = env.cmd().env_remove("HOME").args(&args).output().unwrap();
        assert_eq!(
            out.status.code(),
            Some(5),
            "{args:?} read a forged ledger: {}",
            String::from_utf8_lossy(&out.stdout)
        );
    }
}
