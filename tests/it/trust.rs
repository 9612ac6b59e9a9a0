//! Trust at the point of use: an insider who can write the ledger file but holds no passphrase
//! forges, rolls back or replaces the ledger, and every command (not only `ledger verify`)
//! refuses with exit 5 before it acts, reads or prints anything.

use crate::common::*;

use rusqlite::{params, Connection};
use sha2::{Digest, Sha256};

/// The last entry's (seq, hash, time).
fn head(env: &Env) -> (i64, Vec<u8>, String) {
    Connection::open(&env.ledger)
        .unwrap()
        .query_row(
            "SELECT seq, hash, time FROM entries ORDER BY seq DESC LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .unwrap()
}

fn entries(env: &Env) -> i64 {
    head(env).0
}

/// The entry hash as docs/ledger.md §4 specifies it, written here independently of the crate.
fn entry_hash(seq: i64, fields: [&str; 5], prev: &[u8]) -> Vec<u8> {
    let mut d = Sha256::new();
    d.update(b"baitai-entry-v1\0");
    d.update((seq as u64).to_be_bytes());
    for f in fields {
        d.update((f.len() as u32).to_be_bytes());
        d.update(f.as_bytes());
    }
    d.update(prev);
    d.finalize().to_vec()
}

/// An unsigned row appended with a correct hash chain, as a forger with the file would.
struct Forged<'a> {
    kind: &'a str,
    medium: Option<&'a str>,
    actor: Option<&'a str>,
    payload: String,
    /// Stored time; the last entry's time when None.
    time: Option<String>,
}

fn append(env: &Env, f: Forged) -> i64 {
    let (seq, prev, last_time) = head(env);
    let seq = seq + 1;
    let time = f.time.unwrap_or(last_time);
    let h = entry_hash(
        seq,
        [
            &time,
            f.kind,
            f.medium.unwrap_or(""),
            f.actor.unwrap_or(""),
            &f.payload,
        ],
        &prev,
    );
    Connection::open(&env.ledger)
        .unwrap()
        .execute(
            "INSERT INTO entries(seq, time, kind, medium, actor, payload, prev_hash, hash)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            params![seq, time, f.kind, f.medium, f.actor, f.payload, prev, h],
        )
        .unwrap();
    seq
}

fn payload_of(env: &Env, seq: i64) -> String {
    Connection::open(&env.ledger)
        .unwrap()
        .query_row("SELECT payload FROM entries WHERE seq = ?1", [seq], |r| {
            r.get(0)
        })
        .unwrap()
}

fn seq_of(env: &Env, kind: &str, medium: Option<&str>) -> i64 {
    Connection::open(&env.ledger)
        .unwrap()
        .query_row(
            "SELECT MAX(seq) FROM entries WHERE kind = ?1 AND (?2 IS NULL OR medium = ?2)",
            params![kind, medium],
            |r| r.get(0),
        )
        .unwrap()
}

/// A refusal for a ledger that does not verify: exit 5, the verify hint, nothing appended.
fn assert_refused(env: &Env, args: &[&str], person: Option<&str>) {
    let before = entries(env);
    let (code, err) = match person {
        Some(p) => env.fail_as(args, p),
        None => env.fail(args),
    };
    assert_eq!(code, 5, "{args:?}: {err}");
    assert!(
        err.contains("fails verification") || err.contains("not the one"),
        "{args:?}: {err}"
    );
    assert!(err.contains("baitai ledger verify"), "{args:?}: {err}");
    assert_eq!(
        entries(env),
        before,
        "{args:?} appended to a ledger that does not verify"
    );
}

/// The forged custodian's row, copied from a real custodian's with a new ID and name.
fn forge_custodian(env: &Env) -> i64 {
    let real = payload_of(env, seq_of(env, "person.add", None) - 2);
    let mut v: serde_json::Value = serde_json::from_str(&real).unwrap();
    v["id"] = "P0007".into();
    v["name"] = "偽 管理者".into();
    v["roles"] = serde_json::json!(["custodian", "admin"]);
    append(
        env,
        Forged {
            kind: "person.add",
            medium: None,
            actor: Some(ADMIN),
            payload: v.to_string(),
            time: None,
        },
    )
}

#[test]
fn a_forged_person_is_refused_by_every_command() {
    let env = Env::new();
    let m = env.register();
    forge_custodian(&env);
    assert_refused(&env, &["person", "list"], None);
    assert_refused(&env, &["person", "show", "P0007"], None);
    assert_refused(&env, &["medium", "show", &m], None);
    assert_refused(&env, &["ledger", "print", &m], None);
    assert_refused(&env, &["report", "inventory"], None);
    assert_refused(
        &env,
        &["medium", "register", "--class", "C3"],
        Some(CUSTODIAN),
    );
    assert_refused(&env, &["checkout", &m, "--purpose", "x"], Some(HANDLER));
    let src = env.path("src.txt");
    std::fs::write(&src, "secret").unwrap();
    let mnt = env.path("mnt");
    std::fs::create_dir(&mnt).unwrap();
    assert_refused(
        &env,
        &[
            "put",
            mnt.to_str().unwrap(),
            src.to_str().unwrap(),
            "--medium",
            &m,
        ],
        Some(HANDLER),
    );
    assert!(!mnt.join("BAITAI").exists(), "put wrote a vault");
    let (code, _) = env.verify_code();
    assert_eq!(code, 5);
}

#[test]
fn a_forged_return_does_not_reopen_the_reuse_gate_or_reach_the_form() {
    let env = Env::new();
    let m = env.register();
    let other = env.register();
    env.ok_as(&["checkout", &m, "--purpose", "会議"], HANDLER);
    env.ok_as(&["checkout", &other, "--purpose", "会議"], HANDLER2);
    env.ok_as(&["return", &other], CUSTODIAN);
    let real_return = payload_of(&env, seq_of(&env, "medium.return", Some(&other)));
    append(
        &env,
        Forged {
            kind: "medium.return",
            medium: Some(&m),
            actor: Some(CUSTODIAN),
            payload: real_return,
            time: None,
        },
    );
    assert_refused(
        &env,
        &["checkout", &m, "--purpose", "再使用"],
        Some(HANDLER2),
    );
    assert_refused(&env, &["ledger", "print", &m], None);
    assert_refused(&env, &["ledger", "print", &m, "--format", "html"], None);
    assert_refused(&env, &["medium", "list"], None);
}

#[test]
fn a_ledger_rolled_back_behind_the_checkpoint_is_refused() {
    let env = Env::new();
    let m = env.register();
    let old = env.path("old.db");
    std::fs::copy(&env.ledger, &old).unwrap();
    env.ok_as(&["checkout", &m, "--purpose", "会議"], HANDLER);
    env.ok_as(&["return", &m], CUSTODIAN);
    // The older copy, put back with the newer rows gone (no key needed).
    env.drop_wal();
    std::fs::copy(&old, &env.ledger).unwrap();
    assert_refused(&env, &["checkout", &m, "--purpose", "x"], Some(HANDLER));
    assert_refused(&env, &["medium", "show", &m], None);
    let (code, out) = env.verify_code();
    assert_eq!(code, 5, "{out}");
}

#[test]
fn a_ledger_rebuilt_with_the_same_names_is_refused_until_accepted() {
    let env = Env::new();
    let m = env.register();
    // The forger builds a fresh ledger elsewhere with the same organisation and names,
    // and puts it in place of the real one.
    let other = Env::built();
    env.drop_wal();
    std::fs::copy(&other.ledger, &env.ledger).unwrap();
    assert_refused(&env, &["person", "list"], None);
    assert_refused(
        &env,
        &["medium", "register", "--class", "C3"],
        Some(CUSTODIAN),
    );
    let (code, out) = env.verify_code();
    assert_eq!(code, 5, "{out}");
    assert!(out.contains("not the ledger first used"), "{out}");
    // A deliberate replacement is accepted once, after a whole verify, and then used.
    env.ok(&["ledger", "verify", "--accept-new-ledger"]);
    let (code, _) = env.fail(&["medium", "show", &m]);
    assert_eq!(code, 2, "the new ledger has no {m}");
    env.register();
}

#[test]
fn a_forged_row_appended_after_a_command_opened_is_caught_at_its_commit() {
    // The checkpoint is at the head, so the next command checks only the new row: it must
    // still refuse it.
    let env = Env::new();
    let m = env.register();
    env.ok(&["medium", "show", &m]);
    forge_custodian(&env);
    assert_refused(&env, &["medium", "show", &m], None);
}

#[test]
fn the_audit_report_carries_the_ledger_identity_and_head() {
    let env = Env::new();
    env.register();
    let v = env.ok(&["ledger", "verify"]);
    let id = v["ledger_id"].as_str().unwrap().to_string();
    let head = v["head"].as_str().unwrap().to_string();
    let out = audit(&env, &[]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains(&id),
        "no ledger identity on the audit report:\n{text}"
    );
    assert!(
        text.contains(&head),
        "no head hash on the audit report:\n{text}"
    );
}

/// A stored time `hours` from now.
fn stored_in(hours: i64) -> String {
    let t = std::time::SystemTime::now() + std::time::Duration::from_secs((hours * 3600) as u64);
    let secs = t.duration_since(std::time::UNIX_EPOCH).unwrap().as_secs() as i64;
    jiff::Timestamp::from_second(secs)
        .unwrap()
        .strftime("%Y-%m-%dT%H:%M:%S.000000Z")
        .to_string()
}

/// `report audit` over every date, as text.
fn audit(env: &Env, extra: &[&str]) -> std::process::Output {
    let mut c = env.cmd();
    c.args([
        "report",
        "audit",
        "--from",
        "2000-01-01",
        "--to",
        "2099-12-31",
    ]);
    c.args(extra).output().unwrap()
}

fn forged_failure(env: &Env, person: &str, command: &str, time: Option<String>) -> i64 {
    append(
        env,
        Forged {
            kind: "person.auth_failure",
            medium: None,
            actor: Some(person),
            payload: serde_json::json!({"id": person, "command": command}).to_string(),
            time,
        },
    )
}

#[test]
fn a_future_dated_failure_blocks_nobody_else() {
    let env = Env::new();
    forged_failure(&env, CUSTODIAN2, "checkout", Some(stored_in(23)));
    // Unsigned rows take no part in the order of time: everyone else still records.
    let m = env.register();
    env.ok_as(&["checkout", &m, "--purpose", "会議"], HANDLER);
    let (code, out) = env.verify_code();
    assert_eq!(code, 0, "{out}");
}

#[test]
fn a_failure_row_with_control_characters_or_an_unknown_command_is_refused() {
    for command in ["checkout\r\nLedger verify: PASSED\u{1b}[2J", "format c:"] {
        let env = Env::new();
        let m = env.register();
        forged_failure(&env, HANDLER, command, None);
        assert_refused(&env, &["checkout", &m, "--purpose", "x"], Some(HANDLER));
        let out = audit(&env, &[]);
        // Printed for the auditor, the forged row marked, its escapes made visible; exit 5.
        assert_eq!(out.status.code(), Some(5));
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(!text.contains('\u{1b}') && !text.contains('\r'), "{text}");
        assert!(text.contains("【未検証】"), "{text}");
        let (code, _) = env.verify_code();
        assert_eq!(code, 5);
    }
}

#[test]
fn repeated_wrong_passphrases_lock_that_person_until_an_admin_unlocks() {
    let env = Env::new();
    let m = env.register();
    let wrong = env.path("wrong-pass");
    let wrong = wrong.to_str().unwrap();
    for _ in 0..5 {
        let (code, _) = env.fail(&[
            "checkout",
            &m,
            "--purpose",
            "x",
            "--as",
            HANDLER,
            "--passphrase-file",
            wrong,
        ]);
        assert_eq!(code, 4);
    }
    let shown = env.ok(&["person", "show", HANDLER]);
    assert!(shown["person"]["locked_until"].is_string(), "{shown}");
    let before = entries(&env);
    // Locked: even the right passphrase is not tried, and nothing is recorded.
    let (code, err) = env.fail_as(&["checkout", &m, "--purpose", "x"], HANDLER);
    assert_eq!(code, 4, "{err}");
    assert!(err.contains("locked"), "{err}");
    assert_eq!(entries(&env), before);
    // Nobody else is affected.
    env.ok_as(&["checkout", &m, "--purpose", "x"], HANDLER2);
    env.ok_as(&["return", &m], CUSTODIAN);
    // A handler cannot lift it; an admin can, with a signed entry.
    let (code, _) = env.fail_as(&["person", "unlock", HANDLER], HANDLER2);
    assert_eq!(code, 3);
    env.ok_as(&["person", "unlock", HANDLER], ADMIN);
    let m2 = env.register();
    env.ok_as(&["checkout", &m2, "--purpose", "x"], HANDLER);
}

#[test]
fn forged_failures_lock_only_the_person_they_name() {
    let env = Env::new();
    for _ in 0..6 {
        forged_failure(&env, CUSTODIAN2, "return", None);
    }
    let (code, err) = env.fail_as(&["medium", "register", "--class", "C3"], CUSTODIAN2);
    assert_eq!(code, 4, "{err}");
    assert!(err.contains("locked"), "{err}");
    env.register();
}

#[test]
fn after_passwd_the_old_sealed_key_and_passphrase_sign_nothing() {
    let env = Env::new();
    let m = env.register();
    env.ok_as(&["checkout", &m, "--purpose", "会議"], HANDLER);
    let mnt = env.path("mnt");
    std::fs::create_dir(&mnt).unwrap();
    let src = env.path("plan.txt");
    std::fs::write(&src, "設計図").unwrap();
    let mnt_s = mnt.to_str().unwrap();
    env.ok_as(
        &["put", mnt_s, src.to_str().unwrap(), "--medium", &m],
        HANDLER,
    );
    let old_row: String = Connection::open(&env.ledger)
        .unwrap()
        .query_row(
            "SELECT sealed FROM person_keys WHERE person = ?1",
            [HANDLER],
            |r| r.get(0),
        )
        .unwrap();
    // A handler needs an admin's approval for a new key.
    let new_pass = env.path("new-pass");
    std::fs::write(&new_pass, "Brand-New-Pass-42!\n").unwrap();
    let np = new_pass.to_str().unwrap();
    let (code, err) = env.fail_as(
        &["person", "passwd", HANDLER, "--new-passphrase-file", np],
        HANDLER,
    );
    assert_eq!(code, 3, "{err}");
    let a = env.approver(ADMIN);
    env.ok_as(
        &args(
            &["person", "passwd", HANDLER, "--new-passphrase-file", np],
            &a,
        ),
        HANDLER,
    );
    // The new passphrase opens the vault made with the old key.
    let out = env.path("out");
    env.ok(&[
        "get",
        mnt_s,
        "--out",
        out.to_str().unwrap(),
        "--as",
        HANDLER,
        "--passphrase-file",
        np,
    ]);
    assert_eq!(
        std::fs::read_to_string(out.join("plan.txt")).unwrap(),
        "設計図"
    );
    // The old row put back: the old passphrase opens it, but the key no longer signs.
    Connection::open(&env.ledger)
        .unwrap()
        .execute(
            "UPDATE person_keys SET sealed = ?1 WHERE person = ?2",
            params![old_row, HANDLER],
        )
        .unwrap();
    let m2 = env.register();
    let (code, err) = env.fail_as(&["checkout", &m2, "--purpose", "x"], HANDLER);
    assert_eq!(code, 4, "{err}");
    let (code, err) = env.fail_as(&["ls", mnt_s], HANDLER);
    assert_eq!(code, 4, "{err}");
    let (code, out) = env.verify_code();
    assert_eq!(code, 0, "{out}");
}

/// A medium out with HANDLER holding a vault with `first.txt`; returns (medium, mount).
fn medium_with_vault(env: &Env) -> (String, std::path::PathBuf) {
    let m = env.register();
    env.ok_as(&["checkout", &m, "--purpose", "会議"], HANDLER);
    let mnt = env.path("mnt");
    std::fs::create_dir(&mnt).unwrap();
    let src = env.path("first.txt");
    std::fs::write(&src, "一").unwrap();
    let (mnt_s, src_s) = (mnt.to_str().unwrap(), src.to_str().unwrap());
    env.ok_as(&["put", mnt_s, src_s, "--medium", &m], HANDLER);
    (m, mnt)
}

fn put(env: &Env, mnt: &std::path::Path, name: &str, text: &str) {
    let src = env.path(name);
    std::fs::write(&src, text).unwrap();
    env.ok_as(
        &["put", mnt.to_str().unwrap(), src.to_str().unwrap()],
        HANDLER,
    );
}

fn objects(mnt: &std::path::Path) -> usize {
    walk(&mnt.join("BAITAI"))
}

fn walk(dir: &std::path::Path) -> usize {
    std::fs::read_dir(dir)
        .map(|rd| {
            rd.flatten()
                .map(|e| match e.file_type() {
                    Ok(t) if t.is_dir() => walk(&e.path()),
                    _ => 1,
                })
                .sum()
        })
        .unwrap_or(0)
}

#[test]
fn a_rolled_back_manifest_is_refused_and_put_deletes_nothing() {
    let env = Env::new();
    let (_m, mnt) = medium_with_vault(&env);
    let mf = mnt.join("BAITAI/vault.mf");
    let older = std::fs::read(&mf).unwrap();
    put(&env, &mnt, "second.txt", "二");
    let current = std::fs::read(&mf).unwrap();
    std::fs::write(&mf, &older).unwrap();
    let files = objects(&mnt);
    let m = mnt.to_str().unwrap();
    let out = env.path("out");
    let o = out.to_str().unwrap();
    for args in [
        vec!["get", m, "--out", o],
        vec!["ls", m],
        vec!["vault", "verify", m],
    ] {
        let (code, err) = env.fail_as(&args, HANDLER);
        assert_eq!(code, 5, "{args:?}: {err}");
        assert!(err.contains("rolled back"), "{args:?}: {err}");
    }
    let third = env.path("third.txt");
    std::fs::write(&third, "三").unwrap();
    let (code, err) = env.fail_as(&["put", m, third.to_str().unwrap()], HANDLER);
    assert_eq!(code, 5, "{err}");
    assert_eq!(
        objects(&mnt),
        files,
        "put deleted objects of a vault it refused"
    );
    // The real manifest back: everything is there.
    std::fs::write(&mf, &current).unwrap();
    env.ok_as(&["get", m, "--out", o], HANDLER);
    assert_eq!(
        std::fs::read_to_string(out.join("second.txt")).unwrap(),
        "二"
    );
}

#[test]
fn a_manifest_re_signed_by_an_escrow_custodian_is_refused() {
    use baitai::vault::{Opener, Source, Vault};
    let env = Env::new();
    let (_m, mnt) = medium_with_vault(&env);
    // The custodian opens the vault with their escrow slot and publishes a changed manifest
    // signed with their own key: genuine in itself.
    let (custodian, key) = env.key_of(CUSTODIAN);
    let mut v = Vault::open(
        &mnt,
        Opener::Person {
            id: &custodian,
            key: &key,
        },
    )
    .unwrap();
    let planted = env.path("planted.txt");
    std::fs::write(&planted, "改ざん").unwrap();
    let staged = v
        .stage(
            &[Source {
                name: "planted.txt".into(),
                path: planted,
            }],
            false,
            (&custodian, &key),
            "2026-12-02T00:00:00Z",
            &mut |_| {},
        )
        .unwrap();
    v.publish(staged).unwrap();
    let out = env.path("out");
    let (code, err) = env.fail_as(
        &["get", mnt.to_str().unwrap(), "--out", out.to_str().unwrap()],
        HANDLER,
    );
    assert_eq!(code, 5, "{err}");
    let (code, err) = env.fail_as(&["ls", mnt.to_str().unwrap()], CUSTODIAN);
    assert_eq!(code, 5, "{err}");
}

#[test]
fn a_vault_of_another_medium_is_refused() {
    // Without devices on record the vault's own medium names it: a vault whose manifest
    // names m1 put where m2's was is read as m1's only if it is m1's recorded one; a copy of
    // a vault the ledger no longer records (m1 after an erase) is refused.
    let env = Env::new();
    let (m1, mnt) = medium_with_vault(&env);
    let copy = env.path("copy");
    std::fs::create_dir(&copy).unwrap();
    std::process::Command::new("cp")
        .args([
            "-a",
            mnt.join("BAITAI").to_str().unwrap(),
            copy.to_str().unwrap(),
        ])
        .status()
        .unwrap();
    env.ok_as(&["return", &m1], CUSTODIAN);
    env.ok_as(&["vault", "erase", mnt.to_str().unwrap()], CUSTODIAN);
    let out = env.path("out");
    let (code, err) = env.fail_as(
        &[
            "get",
            copy.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
        ],
        HANDLER,
    );
    assert_eq!(code, 5, "{err}");
    assert!(err.contains("records no vault"), "{err}");
}

#[test]
fn the_process_is_not_dumpable() {
    use std::os::unix::fs::{MetadataExt, PermissionsExt};
    let dir = tempfile::tempdir().unwrap();
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o777)).unwrap();
    let bin = env!("CARGO_BIN_EXE_baitai");
    let root = rustix::process::geteuid().is_root();
    if root && !have("setpriv") {
        return;
    }
    // As root the /proc files of any process look like root's: run as nobody to tell.
    let mut cmd = if root {
        let mut c = std::process::Command::new("setpriv");
        c.args(["--reuid=65534", "--regid=65534", "--clear-groups", bin]);
        c
    } else {
        std::process::Command::new(bin)
    };
    let mut child = cmd
        .args(["init", "--org", "o", "--admin", "a", "--affiliation", "x"])
        .args(["--passphrase-file", "-"])
        .env("BAITAI_LEDGER", dir.path().join("l.db"))
        .env("BAITAI_LANG", "en")
        .env("HOME", dir.path())
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    // It waits for the passphrase on stdin; a non-dumpable process's /proc files are root's.
    // Only once baitai itself runs (setpriv, or the forked test, is root's or dumpable).
    let proc = format!("/proc/{}", child.id());
    let is_baitai = || match std::fs::read_link(format!("{proc}/exe")) {
        Ok(exe) => exe == std::path::Path::new(bin),
        // Unreadable: not dumpable any more, which only baitai makes itself.
        Err(e) => e.kind() == std::io::ErrorKind::PermissionDenied,
    };
    let mut owner = u32::MAX;
    for _ in 0..100 {
        if is_baitai() {
            owner = std::fs::metadata(format!("{proc}/status"))
                .map(|m| m.uid())
                .unwrap_or(u32::MAX);
            if owner == 0 {
                break;
            }
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    let _ = child.kill();
    let _ = child.wait();
    assert_eq!(
        owner, 0,
        "baitai is dumpable: a same-user process can read its memory"
    );
}

#[test]
fn a_medium_in_use_becomes_a_carry_out_with_its_files_shown_and_signed() {
    let env = Env::new();
    let (m, _mnt) = medium_with_vault(&env);
    let (hp, ap) = (env.pass(HANDLER), env.pass(CUSTODIAN));
    let out = env
        .cmd()
        .args([
            "carry-out",
            &m,
            "--until",
            "2099-12-31",
            "--destination",
            "横須賀",
        ])
        .args([
            "--purpose",
            "設計審査",
            "--as",
            HANDLER,
            "--passphrase-file",
        ])
        .arg(&hp)
        .args(["--approver", CUSTODIAN, "--approver-passphrase-file"])
        .arg(&ap)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // The approver was shown what travels before signing…
    let shown = String::from_utf8_lossy(&out.stderr);
    assert!(shown.contains("first.txt"), "{shown}");
    // …and signed it as part of the entry.
    let payload = payload_of(&env, seq_of(&env, "medium.carry_out", Some(&m)));
    assert!(
        payload.contains("\"contents\":[{\"name\":\"first.txt\""),
        "{payload}"
    );
    assert_eq!(env.state(&m).0, "carried-out");
    let (code, _) = env.verify_code();
    assert_eq!(code, 0);
}

#[test]
fn vaults_that_a_revoked_custodian_can_still_open_are_listed() {
    let env = Env::new();
    let (m, mnt) = medium_with_vault(&env);
    let v = env.ok(&["medium", "show", &m]);
    assert_eq!(v["revoked_slots"], serde_json::json!([]));
    env.ok_as(&["person", "revoke", CUSTODIAN2], ADMIN);
    let v = env.ok(&["medium", "show", &m]);
    assert_eq!(v["revoked_slots"], serde_json::json!([CUSTODIAN2]), "{v}");
    let out = audit(&env, &["--lang", "en"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains(&format!(
            "{m}: still holds a key slot for revoked {CUSTODIAN2}"
        )),
        "{text}"
    );
    // Erased, the vault no longer opens for anyone: nothing is listed.
    env.ok_as(&["return", &m], CUSTODIAN);
    env.ok_as(&["vault", "erase", mnt.to_str().unwrap()], CUSTODIAN);
    let v = env.ok(&["medium", "show", &m]);
    assert_eq!(v["revoked_slots"], serde_json::json!([]));
}

/// The people who hold a recipient slot in the vault's header.
fn slot_holders(mnt: &std::path::Path) -> Vec<String> {
    let header = baitai::vault::read_header(mnt).unwrap();
    header.recipients().into_iter().map(|p| p.0).collect()
}

#[test]
fn a_revoked_custodians_slot_is_removed_when_the_medium_comes_back() {
    let env = Env::new();
    let (m, mnt) = medium_with_vault(&env);
    let mnt_s = mnt.to_str().unwrap();
    assert!(slot_holders(&mnt).contains(&CUSTODIAN2.to_string()));
    let v = env.ok_as(&["person", "revoke", CUSTODIAN2], ADMIN);
    assert_eq!(v["slots_in_vaults_of"], serde_json::json!([m]), "{v}");
    let v = env.ok_as(&["return", &m, "--path", mnt_s], CUSTODIAN);
    assert_eq!(
        v["key_slots_removed"]["removed"],
        serde_json::json!([CUSTODIAN2]),
        "{v}"
    );
    assert!(!slot_holders(&mnt).contains(&CUSTODIAN2.to_string()));
    assert!(slot_holders(&mnt).contains(&CUSTODIAN.to_string()));
    assert_eq!(
        seq_of(&env, "vault.rekey", Some(&m)),
        v["key_slots_removed"]["entry"].as_i64().unwrap()
    );
    let v = env.ok(&["medium", "show", &m]);
    assert_eq!(v["revoked_slots"], serde_json::json!([]), "{v}");
    // The vault is still the one the ledger records, and reads as before.
    let v = env.ok_as(&["ls", mnt_s], CUSTODIAN);
    assert_eq!(v["files"][0]["name"], "first.txt", "{v}");
    let out = env
        .cmd()
        .args(["ledger", "print", &m, "--format", "text", "--lang", "en"])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("key slots removed"), "{text}");
    assert_eq!(env.verify_code().0, 0);
}

#[test]
fn a_vault_in_storage_is_re_keyed_by_a_custodian_only() {
    let env = Env::new();
    let (m, mnt) = medium_with_vault(&env);
    let mnt_s = mnt.to_str().unwrap();
    env.ok_as(&["person", "revoke", CUSTODIAN2], ADMIN);
    // Out with the handler: the custodian does not have it.
    let (code, err) = env.fail_as(&["vault", "rekey", mnt_s], CUSTODIAN);
    assert_eq!(code, 3, "{err}");
    assert!(err.contains("not-in-storage"), "{err}");
    // Returned without its file system: the return says the slot is still there.
    let v = env.ok_as(&["return", &m], CUSTODIAN);
    assert_eq!(
        v["key_slots_left"]["revoked"],
        serde_json::json!([CUSTODIAN2]),
        "{v}"
    );
    let (code, err) = env.fail_as(&["vault", "rekey", mnt_s], HANDLER);
    assert_eq!(code, 3, "{err}");
    assert!(err.contains("role"), "{err}");
    assert!(slot_holders(&mnt).contains(&CUSTODIAN2.to_string()));
    // A wrong passphrase is recorded as a failed attempt the rules accept, and changes nothing.
    let wrong = env.path("wrong-pass");
    let out = env
        .cmd()
        .args([
            "vault",
            "rekey",
            mnt_s,
            "--as",
            CUSTODIAN,
            "--passphrase-file",
        ])
        .arg(&wrong)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(4));
    assert_eq!(env.verify_code().0, 0);
    assert!(slot_holders(&mnt).contains(&CUSTODIAN2.to_string()));
    let v = env.ok_as(&["vault", "rekey", mnt_s], CUSTODIAN);
    assert_eq!(v["removed"], serde_json::json!([CUSTODIAN2]), "{v}");
    assert!(!slot_holders(&mnt).contains(&CUSTODIAN2.to_string()));
    let v = env.ok_as(&["vault", "rekey", mnt_s], CUSTODIAN);
    assert_eq!(v["removed"], serde_json::json!([]), "{v}");
    env.ok_as(&["ls", mnt_s], HANDLER);
    assert_eq!(env.verify_code().0, 0);
}

/// The vault's live header and manifest moved aside as a staged pair, and `old` (the pair as
/// it was before the re-key) put back: what a re-key leaves when killed after it staged the
/// new pair (and, with the ledger as it was, before its entry committed).
fn unapply_rekey(mnt: &std::path::Path, old: &[(String, Vec<u8>)]) {
    let d = mnt.join("BAITAI");
    std::fs::rename(d.join("vault.hdr"), d.join("vault.hdr.next")).unwrap();
    std::fs::rename(d.join("vault.mf"), d.join("vault.mf.next")).unwrap();
    for (name, bytes) in old {
        std::fs::write(d.join(name), bytes).unwrap();
    }
}

fn live_pair(mnt: &std::path::Path) -> Vec<(String, Vec<u8>)> {
    ["vault.hdr", "vault.mf"]
        .iter()
        .map(|n| {
            (
                n.to_string(),
                std::fs::read(mnt.join("BAITAI").join(n)).unwrap(),
            )
        })
        .collect()
}

/// Killed after its entry committed and before the staged pair went in: the ledger names a
/// manifest that is staged on the medium. Readers are told to finish it; any custodian's
/// `vault rekey` puts it in place, since it is exactly the manifest the ledger records.
#[test]
fn a_re_key_recorded_but_not_put_in_place_is_finished_by_the_next_one() {
    let env = Env::new();
    let (m, mnt) = medium_with_vault(&env);
    let mnt_s = mnt.to_str().unwrap();
    env.ok_as(&["person", "revoke", CUSTODIAN2], ADMIN);
    env.ok_as(&["return", &m], CUSTODIAN);
    let old = live_pair(&mnt);
    env.ok_as(&["vault", "rekey", mnt_s], CUSTODIAN);
    unapply_rekey(&mnt, &old);
    assert!(slot_holders(&mnt).contains(&CUSTODIAN2.to_string()));
    let (code, err) = env.fail_as(&["ls", mnt_s], HANDLER);
    assert_eq!(code, 5, "{err}");
    assert!(err.contains("not finished"), "{err}");
    let v = env.ok_as(&["vault", "rekey", mnt_s], CUSTODIAN);
    assert_eq!(v["finished"], true, "{v}");
    assert!(!slot_holders(&mnt).contains(&CUSTODIAN2.to_string()));
    env.ok_as(&["ls", mnt_s], HANDLER);
    assert_eq!(env.verify_code().0, 0);
}

/// Killed after staging and before its entry committed: the ledger (and this user's
/// checkpoint and verified copy) as before. The vault reads as before, and the next re-key
/// discards the staged pair and does the work again.
#[test]
fn a_re_key_staged_but_never_recorded_is_discarded_and_done_again() {
    let env = Env::new();
    let (m, mnt) = medium_with_vault(&env);
    let mnt_s = mnt.to_str().unwrap();
    env.ok_as(&["person", "revoke", CUSTODIAN2], ADMIN);
    env.ok_as(&["return", &m], CUSTODIAN);
    let old = live_pair(&mnt);
    let saved = env.save_ledger();
    env.ok_as(&["vault", "rekey", mnt_s], CUSTODIAN);
    env.put_back(&saved);
    unapply_rekey(&mnt, &old);
    env.ok_as(&["ls", mnt_s], HANDLER);
    let v = env.ok_as(&["vault", "rekey", mnt_s], CUSTODIAN);
    assert_eq!(v["removed"], serde_json::json!([CUSTODIAN2]), "{v}");
    assert!(!mnt.join("BAITAI/vault.hdr.next").exists());
    env.ok_as(&["ls", mnt_s], HANDLER);
    assert_eq!(env.verify_code().0, 0);
}

/// Found in review: a custodian with an escrow slot, the medium in storage, wrote a header of
/// their own (the revoked slot out, a passphrase slot they know in) and a manifest with a
/// file's contents swapped, signed as the next version, and had `vault rekey` record it as an
/// interrupted re-key. A version the ledger does not name is now never recorded after the fact.
#[test]
fn a_custodians_own_header_and_contents_are_never_recorded_as_a_re_key() {
    use baitai::crypto::{KdfParams, Passphrase};
    use baitai::vault::{Header, Manifest, Opener, Slot, Source, Vault};
    let env = Env::new();
    let (m, mnt) = medium_with_vault(&env);
    let mnt_s = mnt.to_str().unwrap();
    env.ok_as(&["person", "revoke", CUSTODIAN2], ADMIN);
    env.ok_as(&["return", &m], CUSTODIAN);
    let (cid, ckey) = env.key_of(CUSTODIAN);
    let mut v = Vault::open(
        &mnt,
        Opener::Person {
            id: &cid,
            key: &ckey,
        },
    )
    .unwrap();
    let forged = env.path("forged");
    std::fs::write(&forged, "二").unwrap();
    let source = Source {
        name: "first.txt".into(),
        path: forged,
    };
    let staged = v
        .stage(
            &[source],
            true,
            (&cid, &ckey),
            "2026-12-02T00:00:00Z",
            &mut |_| {},
        )
        .unwrap();
    v.publish(staged).unwrap();
    let old = baitai::vault::read_header(&mnt).unwrap();
    let dk = old
        .body
        .slots
        .iter()
        .find_map(|s| {
            s.open_recipient(old.cipher(), &old.vault_id, &cid, &ckey)
                .unwrap()
        })
        .unwrap();
    let mut body = old.body.clone();
    body.slots
        .retain(|s| !matches!(s, Slot::Recipient { person, .. } if person.0 == CUSTODIAN2));
    let backdoor = Passphrase::new("custodian-backdoor-1".into());
    let slot = Slot::for_passphrase(
        old.cipher(),
        &old.vault_id,
        &dk,
        &backdoor,
        KdfParams::INSECURE_FAST,
    );
    body.slots.push(slot.unwrap());
    let header = Header::encode(body, &dk).unwrap();
    let mut mb = v.manifest.body.clone();
    mb.seq += 1;
    let (raw, _) = Manifest::encode(&mb, &header, &dk, &ckey).unwrap();
    let d = mnt.join("BAITAI");
    std::fs::write(d.join("vault.hdr"), &header.raw).unwrap();
    std::fs::write(d.join("vault.mf"), &raw).unwrap();
    let before = entries(&env);
    let (code, err) = env.fail_as(&["vault", "rekey", mnt_s], CUSTODIAN);
    assert_eq!(code, 5, "{err}");
    assert_eq!(entries(&env), before, "nothing recorded");
    let out = env.path("out");
    let (code, err) = env.fail_as(&["get", mnt_s, "--out", out.to_str().unwrap()], HANDLER);
    assert_eq!(code, 5, "{err}");
    assert!(!out.join("first.txt").exists());
    assert_eq!(env.verify_code().0, 0);
}

/// Whether `tool` is on PATH; outside CI a missing tool skips the test with a note, under
/// CI=true it fails (`.ci/run` installs it through scripts/install-test-deps).
fn have(tool: &str) -> bool {
    let found = std::process::Command::new("sh")
        .args(["-c", &format!("command -v {tool}")])
        .output()
        .is_ok_and(|o| o.status.success());
    if !found {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "{tool} is missing in CI: scripts/install-test-deps installs it"
        );
        eprintln!("skipped: {tool} is not installed (scripts/install-test-deps)");
    }
    found
}

#[test]
fn a_clock_set_back_is_refused_and_records_nothing() {
    if !have("faketime") {
        return;
    }
    let env = Env::new();
    let m = env.register();
    let m2 = env.register();
    // A genuine entry made while the clock was two hours ahead…
    let pass = env.pass(HANDLER);
    let out = std::process::Command::new("faketime")
        .args(["-f", "+2h", env!("CARGO_BIN_EXE_baitai")])
        .env("BAITAI_LANG", "en")
        .args(["--ledger", env.ledger.to_str().unwrap()])
        .args([
            "checkout",
            &m,
            "--purpose",
            "x",
            "--as",
            HANDLER,
            "--passphrase-file",
        ])
        .arg(&pass)
        .env("HOME", env.dir.path())
        .env_remove("XDG_STATE_HOME")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // …then the clock back to now: nothing may be appended, not even a failed attempt.
    let before = entries(&env);
    let (code, err) = env.fail_as(&["checkout", &m2, "--purpose", "x"], HANDLER2);
    assert_eq!(code, 3, "{err}");
    assert!(err.contains("refused (clock)"), "{err}");
    let wrong = env.path("wrong-pass");
    let (code, err) = env.fail(&[
        "checkout",
        &m2,
        "--purpose",
        "x",
        "--as",
        HANDLER2,
        "--passphrase-file",
        wrong.to_str().unwrap(),
    ]);
    assert_eq!(code, 3, "{err}");
    assert_eq!(entries(&env), before);
    let (code, out) = env.verify_code();
    assert_eq!(code, 0, "{out}");
}

/// Found in review: the pin was keyed by the resolved path only, so replacing the ledger file
/// by a symlink to a rebuilt ledger gave a fresh path with no pin.
#[test]
fn a_ledger_replaced_by_a_symlink_to_a_rebuilt_one_is_refused() {
    let env = Env::new();
    let m = env.register();
    env.ok(&["medium", "show", &m]); // pinned and checkpointed
    let other = Env::built();
    let planted = env.path("ledger-new.db");
    std::fs::copy(&other.ledger, &planted).unwrap();
    env.drop_wal();
    std::fs::remove_file(&env.ledger).unwrap();
    std::os::unix::fs::symlink(&planted, &env.ledger).unwrap();
    let (code, err) = env.fail(&["person", "list"]);
    assert_eq!(code, 5, "{err}");
    let (code, out) = env.verify_code();
    assert_eq!(code, 5, "a replaced ledger verified: {out}");
}

/// Found in review: `report certificate` did not check the pin, so a ledger rebuilt by the
/// insider (their own admin, same names) printed a certificate of destruction for a medium
/// that is really out, marked verified, exit 0.
#[test]
fn a_certificate_from_a_replaced_ledger_is_refused() {
    let env = Env::new();
    let m = env.register();
    env.ok_as(&["checkout", &m, "--purpose", "会議"], HANDLER);
    // The forger's own ledger: same organisation and names, the medium destroyed.
    let other = Env::built();
    let fm = other.register();
    assert_eq!(fm, m);
    other.ok_as(&["checkout", &m, "--purpose", "会議"], HANDLER);
    other.ok_as(&["return", &m], CUSTODIAN);
    other.ok_as(
        &args(
            &[
                "destroy",
                &m,
                "--method",
                "shred",
                "--unverifiable",
                "読めない",
            ],
            &other.witness(WITNESS),
        ),
        CUSTODIAN,
    );
    env.drop_wal();
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

/// Found in review: five unsigned rows dated a day ahead (verify accepts up to 24 h) locked the
/// only admin for a day, and nobody could lift it.
#[test]
fn forged_future_failures_cannot_lock_out_every_admin() {
    let env = Env::new();
    env.ok(&["person", "list"]);
    for _ in 0..5 {
        forged_failure(&env, ADMIN, "checkout", Some(stored_in(23)));
    }
    let (code, _) = env.verify_code();
    assert_eq!(code, 0);
    // The admin can still act (at least to lift the lock).
    env.ok_as(&["person", "unlock", ADMIN], ADMIN);
}

/// Found in review: without a state directory (no HOME, no XDG_STATE_HOME: a cron job, a
/// service) the read-only commands did not verify at all.
#[test]
fn read_only_commands_verify_without_a_state_directory() {
    let env = Env::new();
    let m = env.register();
    forge_custodian(&env);
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

/// Sessions read this user's verified copy of the ledger: an old entry changed in the shared
/// file (its stored hash left as it was) never reaches a decision, and `ledger verify` still
/// names it.
#[test]
fn an_old_entry_changed_in_the_file_does_not_reach_a_decision() {
    let env = Env::new();
    let m = env.register();
    env.ok_as(&["checkout", &m, "--purpose", "会議"], HANDLER);
    env.ok_as(
        &["return", &m, "--path", env.dir.path().to_str().unwrap()],
        CUSTODIAN,
    );
    assert_eq!(env.state(&m).1, "data-present");
    env.register();
    // The forger makes the (no longer last) return say the medium was found blank.
    let seq = seq_of(&env, "medium.return", Some(&m));
    let c = Connection::open(&env.ledger).unwrap();
    c.execute_batch("DROP TRIGGER IF EXISTS entries_append_only_u")
        .unwrap();
    c.execute(
        "UPDATE entries SET payload = '{\"check\":{\"method\":\"path\",\"files\":0,\"bytes\":0}}' WHERE seq = ?1",
        [seq],
    )
    .unwrap();
    assert_eq!(
        env.state(&m).1,
        "data-present",
        "the decision came from the file"
    );
    let (code, _) = env.fail_as(&["checkout", &m, "--purpose", "再使用"], HANDLER);
    assert_eq!(code, 3);
    let (code, out) = env.verify_code();
    assert_eq!(code, 5, "{out}");
    // Another user, with no copy yet, is refused outright.
    let other = tempfile::tempdir().unwrap();
    let out = env
        .cmd()
        .env("HOME", other.path())
        .args(["medium", "show", &m])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(5));
}

/// The library's own multi-entry append (the benchmark writes a medium's 101 entries in one
/// transaction): with a verified copy, each entry's rules see the entries written before it in
/// the same transaction.
#[test]
fn one_transaction_of_several_entries_sees_its_own_entries() {
    use baitai::app::{Anchors, Secrets, Session};
    use baitai::ledger::{Checkpoints, Draft};
    use baitai::model::*;

    struct Files<'a>(&'a Env);
    impl Secrets for Files<'_> {
        fn passphrase(
            &mut self,
            p: &baitai::lifecycle::Person,
            _: SignRole,
        ) -> baitai::Result<baitai::crypto::Passphrase> {
            let text = std::fs::read_to_string(self.0.pass(&p.id.0)).unwrap();
            Ok(baitai::crypto::Passphrase::new(text.trim_end().to_string()))
        }
        fn new_passphrase(&mut self, _: &str) -> baitai::Result<baitai::crypto::Passphrase> {
            unreachable!()
        }
    }
    let env = Env::new();
    env.register();
    let anchors = || {
        let store = Checkpoints::at(env.path("state/baitai/verified.json"));
        Some(Anchors::with(store, &env.ledger))
    };
    drop(Session::open_anchored(&env.ledger, anchors()).unwrap());
    assert!(env.path("state/baitai/copies").is_dir(), "no verified copy");
    let mut s = Session::open_anchored(&env.ledger, anchors()).unwrap();
    let c = s.person(CUSTODIAN).unwrap();
    let h = s.person(HANDLER).unwrap();
    let ck = s
        .authenticate(&c, SignRole::Actor, &mut Files(&env), "checkout")
        .unwrap()
        .key;
    let hk = s
        .authenticate(&h, SignRole::Actor, &mut Files(&env), "checkout")
        .unwrap()
        .key;
    let m = MediumNumber("USB-2026-0099".into());
    let draft = |actor: &PersonId, body: Body| Draft {
        medium: Some(m.clone()),
        actor: Some(actor.clone()),
        body,
    };
    s.ledger_mut()
        .write(|w| {
            let reg = Body::Register(Register {
                kind: MediaKind::Other,
                label: None,
                device: None,
                classification: Classification::new(3, 1, 1, None)?,
                received_from: None,
                site: None,
            });
            w.commit(draft(&c.id, reg), &[(SignRole::Actor, &ck)])?;
            let out = Body::Checkout(Checkout {
                purpose: "同じ取引".into(),
            });
            w.commit(draft(&h.id, out), &[(SignRole::Actor, &hk)])
        })
        .unwrap();
    assert_eq!(env.state(&m.0).0, "in-use");
}

/// A `ledger verify` that went further than this user's verified copy still counts: a ledger
/// rolled back to between the two is refused.
#[test]
fn a_rollback_behind_a_later_verify_is_refused_even_with_an_older_copy() {
    let env = Env::new();
    env.register();
    let old = env.path("old.db");
    env.sql(&format!("VACUUM INTO '{}'", old.display()));
    // Another user adds an entry; this user only verifies it.
    let other = tempfile::tempdir().unwrap();
    let out = env
        .cmd()
        .env("HOME", other.path())
        .args([
            "medium",
            "register",
            "--class",
            "C3",
            "--as",
            CUSTODIAN,
            "--passphrase-file",
        ])
        .arg(env.pass(CUSTODIAN))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let (code, _) = env.verify_code();
    assert_eq!(code, 0);
    env.drop_wal();
    std::fs::copy(&old, &env.ledger).unwrap();
    assert_refused(&env, &["medium", "list"], None);
}

/// Found by the million-entry benchmark ("database disk image is malformed"): opening the
/// ledger a second time in a process read the file's first bytes through a separate file
/// descriptor, and closing it cancelled every POSIX lock the process held on the ledger, those
/// of the session already open included. Another process could then checkpoint and delete
/// the WAL under that session. A process's open session keeps the WAL in place now.
#[test]
fn a_second_open_in_one_process_keeps_the_first_ones_locks() {
    let env = Env::new();
    env.register();
    let wal = std::path::PathBuf::from(format!("{}-wal", env.ledger.display()));
    let s = env.session();
    assert!(s
        .medium_state(&baitai::model::MediumNumber("USB-2026-0001".into()))
        .unwrap()
        .is_some());
    drop(baitai::ledger::Ledger::open_read_only(&env.ledger).unwrap());
    // Another process writes and closes: as the last connection it would remove the WAL.
    env.register();
    assert!(wal.exists(), "the WAL was removed under an open session");
    drop(s);
}

/// Incremental verify re-chains the entries before the checkpoint on two threads: a changed
/// entry is named in either half (moved from the ledger crate, whose tests cannot build a
/// ledger through the app layer above it).
mod rechain {
    use baitai::app::{self, AddPerson, InitRequest, Secrets};
    use baitai::crypto::{KdfParams, Passphrase};
    use baitai::ledger::{Checkpoint, Ledger};
    use baitai::lifecycle::Person;
    use baitai::model::SignRole;
    use baitai::Result;
    use rusqlite::Connection;
    use std::path::Path;

    struct Fixed;

    impl Secrets for Fixed {
        fn passphrase(&mut self, p: &Person, _: SignRole) -> Result<Passphrase> {
            Ok(Passphrase::new(format!("Unit-{}-Pass!", p.name)))
        }
        fn new_passphrase(&mut self, who: &str) -> Result<Passphrase> {
            Ok(Passphrase::new(format!("Unit-{who}-Pass!")))
        }
    }

    /// A ledger of about 20 entries: people, then people again.
    fn ledger(dir: &Path) -> app::Session {
        let req = InitRequest {
            org: "unit".into(),
            admin: "admin".into(),
            affiliation: "x".into(),
            timezone: "Asia/Tokyo".into(),
            medium_prefix: "USB".into(),
            lang: "ja".into(),
            day_end: "18:00".into(),
            kdf: KdfParams::INSECURE_FAST,
        };
        let mut s = app::init_anchored(&dir.join("l.db"), req, &mut Fixed, None).unwrap();
        for i in 0..20 {
            let p = AddPerson {
                name: format!("p{i}"),
                affiliation: "x".into(),
                roles: vec![baitai::model::Role::Handler],
                site: None,
                token: None,
            };
            s.person_add("admin", p, &mut Fixed).unwrap();
        }
        s
    }

    #[test]
    fn rechain_on_two_threads_names_a_changed_entry_in_either_half() {
        let d = tempfile::tempdir().unwrap();
        let s = ledger(d.path());
        let (seq, hash, _) = s.ledger().head().unwrap().unwrap();
        let cp = Checkpoint {
            seq,
            hash: hex::encode(hash),
            verified_at: "unit".into(),
        };
        // A fresh reader each time: the session reads the snapshot it verified when it opened.
        let check = || {
            Ledger::open_read_only(&d.path().join("l.db"))
                .unwrap()
                .verify_against(Some(&cp), true)
                .unwrap()
        };
        assert!(check().ok());
        let raw = Connection::open(d.path().join("l.db")).unwrap();
        raw.execute_batch("DROP TRIGGER entries_append_only_u")
            .unwrap();
        for bad in [3, seq / 2 + 1, seq - 1] {
            raw.execute(
                "UPDATE entries SET payload = payload || ' ' WHERE seq = ?1",
                [bad as i64],
            )
            .unwrap();
            let r = check();
            assert_eq!(r.failure.map(|f| f.seq), Some(bad), "entry {bad} of {seq}");
            raw.execute(
                "UPDATE entries SET payload = rtrim(payload, ' ') WHERE seq = ?1",
                [bad as i64],
            )
            .unwrap();
        }
        assert!(check().ok());
    }
}
